"""A support request's card (seed 001): the person and where they are in the families register, the problem and its
screenshots, the correction and when it takes effect, the request to СТП and its letters, the history, and the
administrator's next steps — enabled as the request's status allows."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QGroupBox,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop.domain import support as rules
from desktop.domain.access import Action
from desktop.domain.support import Step
from desktop.services.files import FileInfo
from desktop.services.registry import Services
from desktop.services.support import StepKind, SupportCard
from desktop.ui.card_parts import (
    CardDialog,
    FileRow,
    action_strip,
    field_group,
    steps_html,
    steps_texts,
    value_label,
)
from desktop.ui.support_dialogs import (
    CheckDialog,
    CloseDialog,
    CorrectDialog,
    FollowupDialog,
    StpDialog,
    StpNumberDialog,
    StpReplyDialog,
    SupportAction,
    open_stp_text,
    school_now,
)
from desktop.ui.urgency import LOOKS

#: The colour of a history entry's dot by what happened.
STEP_COLOURS = {
    StepKind.CREATED: "#1565c0",
    StepKind.CORRECTED: "#2e7d32",
    StepKind.CHECKED: "#455a64",
    StepKind.STP_SENT: "#6a1b9a",
    StepKind.FOLLOWUP: "#8e24aa",
    StepKind.STP_NUMBER: "#00796b",
    StepKind.STP_REPLY: "#00796b",
    StepKind.CLOSED: "#6d6d6d",
}
#: The action buttons: key, text, what they do in a tooltip.
ACTIONS = (
    ("correct", "Исправлено…", "Данные пользователя исправлены в ЭПОС: когда изменения вступят в силу"),
    ("solved", "Решено", "Пользователь подтвердил, что проблема решена"),
    ("not_solved", "Не решено", "Пользователь сообщил, что проблема осталась"),
    ("stp", "Заявка в СТП…", "Письмо в техническую поддержку ЭПОС со всеми полями регламента"),
    ("followup", "Дополнение в СТП…", "Ответное письмо к открытой заявке в СТП"),
    ("stp_number", "Номер СТП…", "Номер заявки из письма СТП"),
    ("stp_reply", "Ответ СТП…", "Записать ответ СТП в историю запроса"),
    ("close", "Закрыть запрос…", "Закрыть без решения: с причиной"),
)
TIPS = {key: tip for key, _text, tip in ACTIONS}
#: The step each button takes (the others depend on the open СТП request).
BUTTON_STEPS = {
    "correct": Step.CORRECT,
    "solved": Step.SOLVED,
    "not_solved": Step.NOT_SOLVED,
    "stp": Step.SEND_TO_STP,
    "close": Step.CLOSE,
}


def correction_text(card: SupportCard) -> str:
    """«Исправлено 21.11 19:00 — изменения вступят в силу в понедельник 24.11 после 14:00»."""
    if card.corrected_at is None:
        return ""
    text = f"Исправлено {card.corrected_at:%d.%m %H:%M}"
    if card.effective_text:
        text += f" — {card.effective_text}"
    return text


class SupportCardDialog(CardDialog):
    """One support request in full; `changed` tells the queue to read itself again."""

    def __init__(self, services: Services, request_id: int, parent: QWidget | None = None) -> None:
        super().__init__(services, request_id, parent)
        self.card: SupportCard | None = None
        self.works = services.ctx.may(Action.SUPPORT_WORK)
        body, self.aside = self.frame("support_card", (1120, 780), "card_person")
        self.build_facts(
            body,
            (("status", "Статус"), ("standing", "Что дальше"), ("received", "Принят"), ("brought_by", "Кто передал"),
             ("stp_number", "Номер СТП")),
            wide=("standing", "brought_by"),
        )  # fmt: skip

        self.other_stp, self.other_stp_text, self.other_stp_button = action_strip(
            self, "other_stp", ("#fff3cd", "#e0c36a", "#5c4400")
        )
        body.addWidget(self.other_stp)

        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.setChildrenCollapsible(False)
        left = QWidget(split)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 6, 0)
        self.fields: dict[str, QLabel] = {}
        who = field_group(
            left, "Пользователь ЭПОС",
            (("full_name", "ФИО:"), ("birth_date", "Дата рождения:"), ("role", "Роль:"), ("class_name", "Класс:"),
             ("email", "Почта (Госуслуги):"), ("register", "Реестр семей:")),
            self.fields,
        )  # fmt: skip
        left_layout.addWidget(who)
        problem = QGroupBox("Проблема", left)
        problem_layout = QVBoxLayout(problem)
        self.description = value_label(problem, "card_description")
        self.description.setTextFormat(Qt.TextFormat.PlainText)
        problem_layout.addWidget(self.description)
        self.files_layout = QVBoxLayout()
        self.files_layout.setSpacing(2)
        problem_layout.addLayout(self.files_layout)
        self.file_rows: list[FileRow] = []
        left_layout.addWidget(problem)
        self.correction_box = QGroupBox("Исправление в ЭПОС", left)
        correction_layout = QVBoxLayout(self.correction_box)
        self.correction = value_label(self.correction_box, "card_correction")
        self.correction.setStyleSheet("font-weight: bold;")
        correction_layout.addWidget(self.correction)
        self.correction_note = value_label(self.correction_box, "card_correction_note")
        correction_layout.addWidget(self.correction_note)
        left_layout.addWidget(self.correction_box)
        self.stp_box = field_group(
            left, "Заявка в СТП",
            (("stp_subject", "Тема:"), ("stp_problem", "Проблема:"), ("stp_action", "Действие:"),
             ("stp_sent", "Направлена:"), ("stp_followups", "Дополнений:")),
            self.fields,
        )  # fmt: skip
        left_layout.addWidget(self.stp_box)
        self.close_box = QGroupBox("Закрыт без решения", left)
        close_layout = QVBoxLayout(self.close_box)
        self.close_note = value_label(self.close_box, "card_close_note")
        close_layout.addWidget(self.close_note)
        left_layout.addWidget(self.close_box)
        left_layout.addStretch(1)
        scroll = QScrollArea(split)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(left)

        right = QWidget(split)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(6, 0, 0, 0)
        history_title = QLabel("<b>История</b>", right)
        right_layout.addWidget(history_title)
        self.history = QTextBrowser(right)
        self.history.setObjectName("card_history")
        self.history.setOpenLinks(False)
        right_layout.addWidget(self.history, 1)
        self.letters_box = QGroupBox("Письма в СТП", right)
        self.letters_box.setObjectName("card_letters")
        self.letters_layout = QVBoxLayout(self.letters_box)
        self.letters_layout.setSpacing(2)
        self.letter_rows: list[FileRow] = []
        right_layout.addWidget(self.letters_box)
        split.addWidget(scroll)
        split.addWidget(right)
        split.setStretchFactor(0, 5)
        split.setStretchFactor(1, 6)
        split.setSizes([500, 560])
        body.addWidget(split, 1)

        self.buttons: dict[str, QPushButton] = {}
        for key, text, tip in ACTIONS:
            button = QPushButton(text, self)
            button.setObjectName(f"card_{key}")
            button.setToolTip(tip)
            button.setAutoDefault(False)
            button.setVisible(self.works)
            self.buttons[key] = button
        self.build_buttons(body, self.buttons.values(), "Закрыть окно")
        self.buttons["correct"].clicked.connect(lambda: self._act(CorrectDialog, "Исправление отмечено."))
        self.buttons["solved"].clicked.connect(lambda: self.check(True))
        self.buttons["not_solved"].clicked.connect(lambda: self.check(False))
        self.buttons["stp"].clicked.connect(self.send_to_stp)
        self.buttons["followup"].clicked.connect(lambda: self._act(FollowupDialog, "Дополнение в СТП записано."))
        self.buttons["stp_number"].clicked.connect(lambda: self._act(StpNumberDialog, "Номер заявки СТП сохранён."))
        self.buttons["stp_reply"].clicked.connect(lambda: self._act(StpReplyDialog, "Ответ СТП записан."))
        self.buttons["close"].clicked.connect(lambda: self._act(CloseDialog, "Запрос закрыт."))
        self.other_stp_button.clicked.connect(self.open_other)
        self.load(request_id)
        self.close_button.setFocus()

    # -- showing ------------------------------------------------------------------------------------------------

    def read_card(self, record_id: int) -> SupportCard:
        return self._services.support.card(record_id)

    def _show(self, card: SupportCard) -> None:
        row = card.row
        self.show_head(f"Запрос {card.number}", row.urgency)
        if self.chip is not None:  # the chip says the request's own words: «проверить с пользователем»
            self.chip.label.setText(row.standing)
        klass = f", {html.escape(row.class_name)}" if row.class_name else ""
        self.aside.setText(f"<b>{html.escape(row.full_name)}</b> · {html.escape(row.role.label)}{klass}")
        self.facts["status"].setText(row.status.label)
        self.facts["standing"].setText(row.standing)
        self.facts["standing"].setStyleSheet(f"font-weight: bold; color: {LOOKS[row.urgency].text};")
        self.facts["received"].setText(f"{row.received_at:%d.%m.%Y %H:%M}")
        self.facts["brought_by"].setText(row.brought_by)
        self.facts["stp_number"].setText(row.stp_number or ("ждём номер" if row.stp_open else "—"))
        f = self.fields
        f["full_name"].setText(row.full_name)
        f["birth_date"].setText(f"{row.birth_date:%d.%m.%Y}")
        f["role"].setText(row.role.label)
        f["class_name"].setText(row.class_name or "—")
        f["email"].setText(card.gosuslugi_email)
        f["register"].setText(card.register_link)
        self.description.setText(card.description)
        self._show_files(card.files)
        self.correction_box.setVisible(card.corrected_at is not None)
        self.correction.setText(correction_text(card))
        self.correction_note.setText(card.correction_note)
        self.correction_note.setVisible(bool(card.correction_note))
        sent = row.stp_sent_at is not None
        self.stp_box.setVisible(sent)
        if sent:
            assert row.stp_sent_at is not None
            f["stp_subject"].setText(card.stp_subject)
            f["stp_problem"].setText(card.stp_problem)
            f["stp_action"].setText(card.stp_action)
            number = f", № {row.stp_number}" if row.stp_number else ", номер СТП ещё не получен"
            f["stp_sent"].setText(f"{row.stp_sent_at:%d.%m.%Y %H:%M}{number}" + ("" if row.stp_open else " (закрыта)"))
            f["stp_followups"].setText(str(card.followups))
        self.close_box.setVisible(bool(card.close_note))
        self.close_note.setText(card.close_note)
        others = card.other_open_stp
        self.other_stp.setVisible(bool(others))
        if others:
            self.other_stp_text.setText(open_stp_text(others))
            self.other_stp_button.setText(f"Открыть запрос {others[0].number}")
        self.history.setHtml(steps_html(((e, e.note) for e in card.history), STEP_COLOURS))
        self._show_letters(card)
        self._show_buttons(card)

    def _show_files(self, files: tuple[FileInfo, ...]) -> None:
        for old in self.file_rows:
            old.deleteLater()
        self.file_rows = []
        for info in files:
            file_row = FileRow(f"file{info.id}", self._services.support.attachment, self, inline=True)
            file_row.set_file(info)
            self.files_layout.addWidget(file_row)
            self.file_rows.append(file_row)

    def _show_letters(self, card: SupportCard) -> None:
        """Each letter to СТП: «Сохранить письмо…» and «Открыть в почтовой программе» (the .eml is saved to a
        temporary file and opened by the computer's mail program)."""
        for old in self.letter_rows:
            old.deleteLater()
        self.letter_rows = []
        for entry in card.history:
            if entry.letter is None:
                continue
            info = FileInfo(entry.step_id, entry.letter.name, entry.letter.size)
            letter_row = FileRow(f"letter{entry.step_id}", self._services.support.letter, self, inline=True)
            letter_row.set_file(info)
            letter_row.label.setText(f"{entry.at:%d.%m.%Y} — {entry.title} ({info.size_text})")
            letter_row.label.setToolTip(info.name)
            letter_row.open_button.setText("Открыть в почтовой программе")
            letter_row.save_button.setText("Сохранить письмо…")
            self.letters_layout.addWidget(letter_row)
            self.letter_rows.append(letter_row)
        self.letters_box.setVisible(bool(self.letter_rows))

    def _show_buttons(self, card: SupportCard) -> None:
        row = card.row
        now = school_now(self._services)
        for key, step in BUTTON_STEPS.items():
            button = self.buttons[key]
            allowed = step in card.steps
            button.setEnabled(allowed)
            why = ""
            if not allowed:
                why = rules.step_problem(row.status, step, row.effective_at, now) or ""
                if not why and step is Step.SEND_TO_STP:
                    why = "Заявка в СТП по этому пользователю уже открыта: добавьте дополнение к ней."
            button.setToolTip(TIPS[key] + (f"\nСейчас нельзя: {why}" if why else ""))
        self.buttons["followup"].setEnabled(card.can_followup)
        self.buttons["stp_number"].setEnabled(card.can_stp_number)
        self.buttons["stp_number"].setText("Номер СТП…" if not row.stp_number else "Изменить номер СТП…")
        self.buttons["stp_reply"].setEnabled(card.can_stp_number)

    def history_texts(self) -> list[str]:
        assert self.card is not None
        return steps_texts((e, e.note) for e in self.card.history)

    def enabled_actions(self) -> list[str]:
        """The action buttons a person can press now, by their texts."""
        return [b.text() for b in self.buttons.values() if not b.isHidden() and b.isEnabled()]

    # -- acting ---------------------------------------------------------------------------------------------------

    def _act(self, dialog_type: type[SupportAction], done: str) -> SupportCard | None:
        result: SupportCard | None = self.run_action(dialog_type)
        if result is None:
            return None
        self.banner.show_message(f"{done} Статус: «{result.row.status.label}» — {result.row.standing}.", "ok")
        return result

    def check(self, solved: bool) -> None:
        if self.card is None:
            return
        dialog = CheckDialog(self._services, self.card, self, solved=solved, reload=self.reload)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.result_card is None:
            return
        self.changed = True
        self.load(dialog.result_card.id)
        self.banner.show_message(f"Проверено с пользователем. Статус: «{dialog.result_card.row.status.label}».", "ok")

    def send_to_stp(self) -> None:
        """«Заявка в СТП…»; refused for a person with a request open at СТП, it offers to open that one instead."""
        if self.card is None:
            return
        dialog = StpDialog(self._services, self.card, self, reload=self.reload)
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        if dialog.open_other is not None:
            self.show_other(dialog.open_other.id)
            return
        if not accepted or dialog.result_card is None:
            return
        self.changed = True
        self.load(dialog.result_card.id)
        where = f" Файл: {dialog.letter.path}." if dialog.letter is not None and dialog.letter.path else ""
        self.banner.show_message(f"Заявка в СТП записана.{where} Отправьте письмо из почтовой программы.", "ok")

    def open_other(self) -> None:
        if self.card is not None and self.card.other_open_stp:
            self.show_other(self.card.other_open_stp[0].id)

    def show_other(self, request_id: int) -> None:
        """Show the person's request that is open at СТП in this window, to add the follow-up there."""
        if self.load(request_id) is not None:
            self.banner.show_message(
                "Это запрос с открытой заявкой в СТП: добавьте к ней дополнение («Дополнение в СТП…»).", "info"
            )


def open_support(services: Services, request_id: int, parent: QWidget | None = None) -> SupportCardDialog:
    """Show the card of request `request_id` until the person closes it; the dialog, to see what changed."""
    dialog = SupportCardDialog(services, request_id, parent)
    dialog.exec()
    return dialog


__all__ = ["SupportCardDialog", "correction_text", "open_support"]
