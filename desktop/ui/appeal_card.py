"""The appeal's card: applicant, text, file, answer, timeline with each term counted, thread, and its actions."""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.appeals import Delivery, Status, Urgency
from desktop.services.appeals import AppealCard, StepKind
from desktop.services.errors import ServiceError
from desktop.services.files import FileInfo
from desktop.services.registry import Services
from desktop.ui.appeal_dialogs import (
    HINT_STYLE,
    AnswerDialog,
    ForwardDialog,
    RepeatDialog,
    ask_to_open,
    open_bytes,
    open_path,
    save_file_name,
    with_wait_cursor,
)
from desktop.ui.urgency import LOOKS, UrgencyChip, urgency_pixmap, urgency_text
from desktop.ui.widgets import Banner

#: The colour of a timeline entry's dot by what happened.
STEP_COLOURS = {
    StepKind.REGISTERED: "#1565c0",
    StepKind.ESCALATED: LOOKS[Urgency.ESCALATED].accent,
    StepKind.FORWARDED: "#455a64",
    StepKind.ANSWERED: "#2e7d32",
    StepKind.NOTICE: LOOKS[Urgency.OVERDUE].accent,
}


def _value(parent: QWidget, name: str) -> QLabel:
    label = QLabel(parent)
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class FileRow(QWidget):
    """An attached file: its name and size, «Открыть» and «Сохранить как…»."""

    def __init__(self, services: Services, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self.info: FileInfo | None = None
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel(self)
        self.label.setObjectName(f"{name}_file")
        self.open_button = QPushButton("Открыть", self)
        self.open_button.setObjectName(f"{name}_open")
        self.save_button = QPushButton("Сохранить как…", self)
        self.save_button.setObjectName(f"{name}_save")
        layout.addWidget(self.label, 1)
        layout.addWidget(self.open_button)
        layout.addWidget(self.save_button)
        self.open_button.clicked.connect(self.open)
        self.save_button.clicked.connect(self.save_as)
        self.error: str | None = None

    def set_file(self, info: FileInfo | None) -> None:
        self.info = info
        self.setVisible(info is not None)
        if info is not None:
            self.label.setText(f"Файл: {info.name} ({info.size_text})")

    def _read(self) -> tuple[str, bytes] | None:
        assert self.info is not None
        try:
            return self._services.appeals.attachment(self.info.id)
        except ServiceError as exc:
            QMessageBox.warning(self, "Файл не открыт", str(exc))
            return None

    def open(self) -> None:
        found = self._read()
        if found is not None:
            try:
                open_bytes(*found)
            except OSError as exc:
                QMessageBox.warning(
                    self, "Файл не открыт", f"Не удалось записать временный файл: {exc.strerror}"
                )

    def save_as(self) -> None:
        if self.info is None:
            return
        target = save_file_name(self, "Сохранить файл", Path.home() / self.info.name, "Все файлы (*)", "")
        if target is None:
            return
        found = self._read()
        if found is None:
            return
        try:
            target.write_bytes(found[1])
        except OSError as exc:
            QMessageBox.warning(
                self, "Файл не сохранён", f"Не удалось записать файл {target}: {exc.strerror}"
            )


class AppealCardDialog(QDialog):
    """One appeal in full. The actions the acting person may take now are offered as buttons; after each, the card
    shows the appeal as it has become (`changed` tells the queue to refresh; `current_id` is the appeal shown)."""

    def __init__(self, services: Services, appeal_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self.card: AppealCard | None = None
        self.current_id = appeal_id
        self.changed = False
        self.setObjectName("appeal_card")
        self.setMinimumSize(900, 600)
        self.resize(1100, 760)
        body = QVBoxLayout(self)

        head = QHBoxLayout()
        self.urgency_icon = QLabel(self)
        self.title = QLabel(self)
        self.title.setObjectName("card_title")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.45)
        font.setBold(True)
        self.title.setFont(font)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.chip_holder = QHBoxLayout()
        self.chip: UrgencyChip | None = None
        self.repeat_label = QLabel(self)
        self.repeat_label.setObjectName("card_repeat")
        head.addWidget(self.urgency_icon)
        head.addWidget(self.title)
        head.addSpacing(8)
        head.addLayout(self.chip_holder)
        head.addStretch(1)
        head.addWidget(self.repeat_label)
        body.addLayout(head)

        facts = QFrame(self)
        facts.setObjectName("card_facts")
        facts.setStyleSheet(
            "#card_facts { background: #f6f8fa; border: 1px solid #dde3ea; border-radius: 4px; }"
        )
        grid = QHBoxLayout(facts)
        grid.setContentsMargins(10, 6, 10, 6)
        self.facts: dict[str, QLabel] = {}
        for key, caption in (("status", "Статус"), ("level", "Уровень"), ("due", "Срок"), ("left", "Осталось"),
                             ("registered", "Зарегистрировано")):  # fmt: skip
            cell = QVBoxLayout()
            cell.setSpacing(0)
            top = QLabel(caption, facts)
            top.setStyleSheet(HINT_STYLE)
            value = _value(facts, f"card_{key}")
            value.setStyleSheet("font-weight: bold;")
            cell.addWidget(top)
            cell.addWidget(value)
            grid.addLayout(cell, 2 if key == "level" else 1)
            self.facts[key] = value
        body.addWidget(facts)

        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.setChildrenCollapsible(False)
        left = QWidget(split)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 6, 0)
        who = QGroupBox("Заявитель", left)
        who_form = QFormLayout(who)
        who_form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.fields: dict[str, QLabel] = {}
        for key, caption in (("applicant", "ФИО:"), ("email", "E-mail:"), ("phone", "Телефон:"), ("child", "Ребёнок:"),
                             ("channel", "Канал:"), ("rubric", "Рубрика:")):  # fmt: skip
            self.fields[key] = _value(who, f"card_{key}")
            who_form.addRow(caption, self.fields[key])
        left_layout.addWidget(who)
        text_box = QGroupBox("Текст обращения", left)
        text_layout = QVBoxLayout(text_box)
        self.text = _value(text_box, "card_text")
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.text.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        text_layout.addWidget(self.text)
        self.attachment = FileRow(services, "attachment", text_box)
        text_layout.addWidget(self.attachment)
        left_layout.addWidget(text_box)
        self.answer_box = QGroupBox("Ответ", left)
        answer_layout = QVBoxLayout(self.answer_box)
        self.answer_meta = _value(self.answer_box, "card_answer_meta")
        self.answer_meta.setStyleSheet(HINT_STYLE)
        self.answer_text = _value(self.answer_box, "card_answer_text")
        self.answer_text.setTextFormat(Qt.TextFormat.PlainText)
        self.answer_file = FileRow(services, "answer", self.answer_box)
        answer_layout.addWidget(self.answer_meta)
        answer_layout.addWidget(self.answer_text)
        answer_layout.addWidget(self.answer_file)
        left_layout.addWidget(self.answer_box)
        left_layout.addStretch(1)
        scroll = QScrollArea(split)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(left)

        right = QWidget(split)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(6, 0, 0, 0)
        history = QGroupBox("Ход рассмотрения", right)
        history_layout = QVBoxLayout(history)
        self.timeline = QTextBrowser(history)
        self.timeline.setObjectName("card_timeline")
        self.timeline.setOpenLinks(False)
        self.timeline.setFrameShape(QFrame.Shape.NoFrame)
        self.timeline.setStyleSheet("QTextBrowser { background: transparent; }")
        history_layout.addWidget(self.timeline)
        right_layout.addWidget(history, 3)
        self.thread_box = QGroupBox("Цепочка обращений", right)
        thread_layout = QVBoxLayout(self.thread_box)
        self.thread = QListWidget(self.thread_box)
        self.thread.setObjectName("card_thread")
        self.thread.setToolTip("Щёлкните обращение цепочки, чтобы открыть его")
        self.thread.setSpacing(1)
        thread_layout.addWidget(self.thread)
        right_layout.addWidget(self.thread_box, 1)
        split.addWidget(scroll)
        split.addWidget(right)
        split.setStretchFactor(0, 5)
        split.setStretchFactor(1, 6)
        body.addWidget(split, 1)

        self.banner = Banner(self)
        self.banner.setObjectName("card_banner")
        body.addWidget(self.banner)
        buttons = QHBoxLayout()
        self.answer_button = QPushButton("Ответить…", self)
        self.forward_button = QPushButton("Вне компетенции…", self)
        self.repeat_button = QPushButton("Повторное обращение…", self)
        self.notice_button = QPushButton("Письмо в Департамент (PDF)…", self)
        self.email_button = QPushButton("Письмо с ответом (.eml)…", self)
        self.close_button = QPushButton("Закрыть", self)
        for button in (self.answer_button, self.forward_button, self.repeat_button, self.notice_button,
                       self.email_button):  # fmt: skip
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        body.addLayout(buttons)
        self.answer_button.clicked.connect(self.answer)
        self.forward_button.clicked.connect(self.forward)
        self.repeat_button.clicked.connect(self.repeat)
        self.notice_button.clicked.connect(self.notice_letter)
        self.email_button.clicked.connect(self.answer_email)
        self.close_button.clicked.connect(self.accept)
        self.thread.itemClicked.connect(self._thread_clicked)
        self.thread.itemActivated.connect(self._thread_clicked)
        self.load(appeal_id)
        self.close_button.setFocus()

    # -- showing ---------------------------------------------------------------------------------------------

    def load(self, appeal_id: int) -> AppealCard | None:
        """Show appeal `appeal_id` as it is now; None (and the reason on the card) when it cannot be read."""
        try:
            card = self._services.appeals.card(appeal_id)
        except ServiceError as exc:
            self.banner.show_message(str(exc), "warning")
            return None
        self.card = card
        self.current_id = card.id
        self._show(card)
        return card

    def reload(self) -> AppealCard | None:
        self.changed = True
        return self.load(self.current_id)

    def _show(self, card: AppealCard) -> None:
        row = card.row
        self.setWindowTitle(f"Обращение {card.number}")
        self.title.setText(f"Обращение {card.number}")
        self.urgency_icon.setPixmap(urgency_pixmap(row.urgency, 28))
        self.urgency_icon.setToolTip(urgency_text(row.urgency))
        if self.chip is not None:
            self.chip.deleteLater()
        self.chip = UrgencyChip(row.urgency, urgency_text(row.urgency), self)
        self.chip_holder.addWidget(self.chip)
        if row.repeat_no:
            self.repeat_label.setText(f"Повтор № {row.repeat_no} к обращению {card.parent_number}")
        else:
            self.repeat_label.setText("Первичное обращение")
        if row.external_number:
            self.repeat_label.setText(
                self.repeat_label.text() + f" · номер в источнике: {row.external_number}"
            )
        self.facts["status"].setText(row.status.label)
        self.facts["level"].setText(row.level.label)
        self.facts["due"].setText(row.due_text)
        self.facts["left"].setText(row.time_left)
        self.facts["registered"].setText(f"{row.registered_at:%d.%m.%Y %H:%M}")
        self.fields["applicant"].setText(row.applicant)
        self.fields["email"].setText(card.email or "—")
        self.fields["phone"].setText(card.phone or "—")
        child = ", ".join(
            part for part in (card.child_name, card.child_class and f"{card.child_class} класс") if part
        )
        self.fields["child"].setText(child or "—")
        self.fields["channel"].setText(card.channel.label if card.channel else "—")
        self.fields["rubric"].setText(row.rubric.label)
        self.text.setText(card.text)
        self.attachment.set_file(card.attachment)
        answered = row.status is Status.ANSWERED
        self.answer_box.setVisible(answered)
        if answered:
            meta = [f"{row.answered_at:%d.%m.%Y %H:%M}" if row.answered_at else ""]
            if card.answer_delivery:
                meta.append(f"передан: {card.answer_delivery.label}")
            if card.answered_by:
                meta.append(card.answered_by)
            self.answer_meta.setText(" · ".join(m for m in meta if m))
            self.answer_text.setText(card.answer_text or "(текст ответа не записан)")
            self.answer_file.set_file(card.answer_attachment)
        self.timeline.setHtml(self._timeline_html(card))
        self._show_thread(card)
        self.answer_button.setVisible(card.can_answer)
        self.forward_button.setVisible(card.can_forward)
        self.repeat_button.setVisible(card.can_repeat)
        self.notice_button.setVisible(row.notice)
        self.email_button.setVisible(answered and card.answer_delivery is Delivery.EMAIL)

    def _timeline_html(self, card: AppealCard) -> str:
        rows = []
        for entry in card.timeline:
            colour = STEP_COLOURS.get(entry.kind, "#555555")
            detail = (
                f"<br><span style='color:#4a4f55'>{html.escape(entry.detail)}</span>" if entry.detail else ""
            )
            actor = (
                f"<br><span style='color:#80868b'>{html.escape(entry.actor)}</span>" if entry.actor else ""
            )
            rows.append(
                "<tr>"
                f"<td style='color:{colour}; font-size:large; padding-right:6px' valign='top'>●</td>"
                f"<td style='padding-right:12px; white-space:nowrap' valign='top'>{entry.at:%d.%m.%Y}<br>"
                f"<span style='color:#80868b'>{entry.at:%H:%M}</span></td>"
                f"<td style='padding-bottom:10px' valign='top'><b>{html.escape(entry.title)}</b>{detail}{actor}</td>"
                "</tr>"
            )
        return "<table cellspacing='0' cellpadding='1'>" + "".join(rows) + "</table>"

    def timeline_texts(self) -> list[str]:
        """The timeline as a person reads it: one string per entry."""
        assert self.card is not None
        return [
            " ".join(part for part in (f"{e.at:%d.%m.%Y %H:%M}", e.title, e.detail) if part)
            for e in self.card.timeline
        ]

    def _show_thread(self, card: AppealCard) -> None:
        self.thread.clear()
        self.thread_box.setVisible(len(card.thread) > 1)
        for item in card.thread:
            kind = f"повтор № {item.repeat_no}" if item.repeat_no else "первичное"
            text = f"{item.number} · {item.registered_at:%d.%m.%Y} · {kind} · {item.status.label}"
            list_item = QListWidgetItem(text, self.thread)
            list_item.setData(Qt.ItemDataRole.UserRole, item.id)
            if item.id == card.id:
                font = list_item.font()
                font.setBold(True)
                list_item.setFont(font)
                list_item.setText(text + " — открыто")
                self.thread.setCurrentItem(list_item)

    def _thread_clicked(self, item: QListWidgetItem) -> None:
        appeal_id = item.data(Qt.ItemDataRole.UserRole)
        if appeal_id is not None and appeal_id != self.current_id:
            self.banner.show_message(None)
            self.load(int(appeal_id))

    # -- acting ----------------------------------------------------------------------------------------------

    def _act(self, dialog_type: type, done: str) -> AppealCard | None:  # type: ignore[type-arg]
        if self.card is None:
            return None
        dialog = dialog_type(self._services, self.card, self, reload=self.reload)
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        if not accepted or dialog.result_card is None:
            return None
        self.changed = True
        result: AppealCard = dialog.result_card
        self.load(result.id)
        self.banner.show_message(done.format(number=result.number), "ok")
        return result

    def answer(self) -> None:
        result = self._act(AnswerDialog, "Ответ на обращение {number} записан.")
        if result is not None and result.answer_delivery is Delivery.EMAIL:
            self.answer_email(asked=True)

    def forward(self) -> None:
        self._act(ForwardDialog, "Обращение {number} передано в Систему управления инцидентами.")

    def repeat(self) -> None:
        result = self._act(RepeatDialog, "Зарегистрировано повторное обращение {number}.")
        if result is not None:
            note = " Направлено уведомление в Департамент образования и науки." if result.row.notice else ""
            self.banner.show_message(
                f"Зарегистрировано повторное обращение {result.number} (повтор № {result.row.repeat_no}).{note}",
                "ok",
            )

    def _appeals_io(self) -> object | None:
        found = getattr(self._services, "appeals_io", None)
        if found is None:
            self.banner.show_message("Эта возможность появится в следующей версии программы.", "warning")
        return found

    def answer_email(self, asked: bool = False) -> None:
        """Save the answer as an e-mail file (.eml) addressed to the applicant, to send from the mail program."""
        if self.card is None:
            return
        card = self.card
        if asked:
            box = QMessageBox(
                QMessageBox.Icon.Question,
                "Письмо с ответом",
                f"Ответ записан. Сохранить письмо заявителю ({card.email}) в файл .eml, чтобы отправить его "
                "из почтовой программы?",
                parent=self,
            )
            save = box.addButton("Сохранить письмо…", QMessageBox.ButtonRole.AcceptRole)
            later = box.addButton("Не сейчас", QMessageBox.ButtonRole.RejectRole)
            box.setDefaultButton(save)
            box.setEscapeButton(later)
            box.exec()
            if box.clickedButton() is not save:
                return
        io = self._appeals_io()
        if io is None:
            return
        suggested = Path.home() / f"Ответ на обращение {card.number.replace('/', '-')}.eml"
        target = save_file_name(self, "Сохранить письмо с ответом", suggested, "Письмо (*.eml)", ".eml")
        if target is None:
            return
        try:
            written = with_wait_cursor(lambda: io.write_answer_email(card.id, target))  # type: ignore[attr-defined]
        except (ServiceError, OSError) as exc:
            self.banner.show_message(str(exc), "warning")
            return
        path = Path(str(written or target))
        self.banner.show_message(f"Письмо с ответом сохранено: {path}", "ok")
        if ask_to_open(
            self, "Письмо с ответом", f"Письмо сохранено в файл {path}. Открыть его в почтовой программе?"
        ):
            open_path(path)

    def notice_letter(self) -> None:
        """The letter notifying the Department of a 5th (or later) repeat, as a PDF to print and sign."""
        if self.card is None:
            return
        card = self.card
        io = self._appeals_io()
        if io is None:
            return
        suggested = Path.home() / f"Уведомление в Департамент {card.number.replace('/', '-')}.pdf"
        target = save_file_name(self, "Письмо в Департамент", suggested, "Документ PDF (*.pdf)", ".pdf")
        if target is None:
            return
        try:
            written = with_wait_cursor(lambda: io.write_notice_letter(card.id, target))  # type: ignore[attr-defined]
        except (ServiceError, OSError) as exc:
            self.banner.show_message(str(exc), "warning")
            return
        path = Path(str(written or target))
        self.banner.show_message(f"Письмо в Департамент сохранено: {path}", "ok")
        if ask_to_open(self, "Письмо в Департамент", f"Письмо сохранено в файл {path}. Открыть его?"):
            open_path(path)


def open_card(services: Services, appeal_id: int, parent: QWidget | None = None) -> AppealCardDialog:
    """Show the card of appeal `appeal_id` until the person closes it; the dialog, to see what changed."""
    dialog = AppealCardDialog(services, appeal_id, parent)
    dialog.exec()
    return dialog
