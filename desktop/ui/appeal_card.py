"""The appeal's card: applicant, text, file, answer, timeline with each term counted, thread, and its actions."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QGroupBox,
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
from desktop.services.registry import Services
from desktop.ui.appeal_dialogs import (
    HINT_STYLE,
    AnswerDialog,
    ForwardDialog,
    RepeatDialog,
    ask_to_open,
    open_path,
    save_file_name,
    with_wait_cursor,
)
from desktop.ui.card_parts import CardDialog, FileRow, field_group, steps_html, steps_texts, value_label
from desktop.ui.urgency import LOOKS

#: The colour of a timeline entry's dot by what happened.
STEP_COLOURS = {
    StepKind.REGISTERED: "#1565c0",
    StepKind.ESCALATED: LOOKS[Urgency.ESCALATED].accent,
    StepKind.FORWARDED: "#455a64",
    StepKind.ANSWERED: "#2e7d32",
    StepKind.NOTICE: LOOKS[Urgency.OVERDUE].accent,
}


class AppealCardDialog(CardDialog):
    """One appeal in full. The actions the acting person may take now are offered as buttons; after each, the card
    shows the appeal as it has become (`changed` tells the queue to refresh; `current_id` is the appeal shown)."""

    def __init__(self, services: Services, appeal_id: int, parent: QWidget | None = None) -> None:
        super().__init__(services, appeal_id, parent)
        self.card: AppealCard | None = None
        body, self.repeat_label = self.frame("appeal_card", (1100, 760), "card_repeat")
        self.build_facts(
            body,
            (("status", "Статус"), ("level", "Уровень"), ("due", "Срок"), ("left", "Осталось"),
             ("registered", "Зарегистрировано")),
            wide=("level",),
        )  # fmt: skip

        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.setChildrenCollapsible(False)
        left = QWidget(split)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 6, 0)
        self.fields: dict[str, QLabel] = {}
        who = field_group(
            left, "Заявитель",
            (("applicant", "ФИО:"), ("email", "E-mail:"), ("phone", "Телефон:"), ("child", "Ребёнок:"),
             ("channel", "Канал:"), ("rubric", "Рубрика:")),
            self.fields,
        )  # fmt: skip
        left_layout.addWidget(who)
        text_box = QGroupBox("Текст обращения", left)
        text_layout = QVBoxLayout(text_box)
        self.text = value_label(text_box, "card_text")
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.text.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        text_layout.addWidget(self.text)
        self.attachment = FileRow("attachment", services.appeals.attachment, text_box)
        text_layout.addWidget(self.attachment)
        left_layout.addWidget(text_box)
        self.answer_box = QGroupBox("Ответ", left)
        answer_layout = QVBoxLayout(self.answer_box)
        self.answer_meta = value_label(self.answer_box, "card_answer_meta")
        self.answer_meta.setStyleSheet(HINT_STYLE)
        self.answer_text = value_label(self.answer_box, "card_answer_text")
        self.answer_text.setTextFormat(Qt.TextFormat.PlainText)
        self.answer_file = FileRow("answer", services.appeals.attachment, self.answer_box)
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

        self.answer_button = QPushButton("Ответить…", self)
        self.forward_button = QPushButton("Вне компетенции…", self)
        self.repeat_button = QPushButton("Повторное обращение…", self)
        self.notice_button = QPushButton("Письмо в Департамент (PDF)…", self)
        self.email_button = QPushButton("Письмо с ответом (.eml)…", self)
        self.build_buttons(body, (self.answer_button, self.forward_button, self.repeat_button, self.notice_button,
                                  self.email_button), "Закрыть")  # fmt: skip
        self.answer_button.clicked.connect(self.answer)
        self.forward_button.clicked.connect(self.forward)
        self.repeat_button.clicked.connect(self.repeat)
        self.notice_button.clicked.connect(self.notice_letter)
        self.email_button.clicked.connect(self.answer_email)
        self.thread.itemClicked.connect(self._thread_clicked)
        self.thread.itemActivated.connect(self._thread_clicked)
        self.load(appeal_id)
        self.close_button.setFocus()

    # -- showing ---------------------------------------------------------------------------------------------

    def read_card(self, record_id: int) -> AppealCard:
        return self._services.appeals.card(record_id)

    def _show(self, card: AppealCard) -> None:
        row = card.row
        self.show_head(f"Обращение {card.number}", row.urgency)
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
        return steps_html(((e, e.detail) for e in card.timeline), STEP_COLOURS)

    def timeline_texts(self) -> list[str]:
        """The timeline as a person reads it: one string per entry."""
        assert self.card is not None
        return steps_texts((e, e.detail) for e in self.card.timeline)

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
        result: AppealCard | None = self.run_action(dialog_type)
        if result is None:
            return None
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
