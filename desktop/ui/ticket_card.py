"""The initiative ticket's card: the client, the event and its three terms (the next one marked, lateness in red),
the description and files, the message thread, the history, the client's feedback, and the actions the acting person
may take now (seed 002 §3.2)."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QGroupBox,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.tickets import Party, Status, TermKind
from desktop.services.errors import ConflictError, ServiceError
from desktop.services.registry import Services
from desktop.services.tickets import StepKind, TicketCard
from desktop.ui.appeal_dialogs import ERROR_COLOUR, with_wait_cursor
from desktop.ui.card_parts import (
    CardDialog,
    FileRow,
    action_strip,
    field_group,
    steps_html,
    steps_texts,
    value_label,
)
from desktop.ui.conflict import fresh_card, show_conflict
from desktop.ui.ticket_dialogs import (
    AssignDialog,
    FeedbackDialog,
    MessageDialog,
    RefuseDialog,
    TicketAction,
    WithdrawDialog,
)
from desktop.ui.urgency import LOOKS
from desktop.ui.widgets import confirm

#: The buttons that set a status by hand, with what they say.
STATUS_BUTTONS: dict[Status, str] = {
    Status.REVIEW: "На рассмотрение",
    Status.IN_WORK: "Взять в работу",
    Status.DONE: "Исполнено",
    Status.CLOSED: "Закрыть заявку",
}
#: The colour of a history entry's dot by what happened.
STEP_COLOURS = {
    StepKind.CREATED: "#1565c0",
    StepKind.STATUS: "#455a64",
    StepKind.ASSIGNED: "#6a1b9a",
    StepKind.MESSAGE: "#00796b",
    StepKind.FEEDBACK: "#2e7d32",
}
#: Messages by who wrote them: a soft background, so the thread reads like a conversation.
PARTY_COLOURS = {Party.OPERATOR: "#e8f1fb", Party.AGENT: "#eef7ee", Party.CLIENT: "#fff6e0"}


class TicketCardDialog(CardDialog):
    """One ticket in full; `changed` tells the queue to read itself again."""

    def __init__(self, services: Services, ticket_id: int, parent: QWidget | None = None) -> None:
        super().__init__(services, ticket_id, parent)
        self.card: TicketCard | None = None
        body, self.category_label = self.frame("ticket_card", (1120, 780), "card_category")
        self.build_facts(
            body,
            (("status", "Статус"), ("agent", "Исполнитель"), ("due", "Ближайший срок"), ("left", "Осталось"),
             ("submitted", "Подана")),
            wide=("status", "agent", "due"),
        )  # fmt: skip

        self.refusal_offer, self.refusal_text, self.refusal_offer_button = action_strip(
            self, "refusal_offer", ("#fde3e4", "#e57373", "#6d0f0f"), "Отказать…"
        )
        body.addWidget(self.refusal_offer)

        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.setChildrenCollapsible(False)
        left = QWidget(split)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 6, 0)
        self.fields: dict[str, QLabel] = {}
        who = field_group(
            left, "Заявитель", (("client", "ФИО:"), ("group", "Класс, объединение:"), ("contact", "Контакт:")),
            self.fields,
        )
        left_layout.addWidget(who)
        terms = QGroupBox("Мероприятие и сроки", left)
        terms_form = QFormLayout(terms)
        terms_form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        for key, caption in (("event", "Мероприятие:"), ("submit_by", "Подать не позднее:"),
                             ("report_by", "Отчёт исполнителя до:"), ("client_by", "Ответ заявителя до:")):  # fmt: skip
            self.fields[key] = value_label(terms, f"card_{key}")
            terms_form.addRow(caption, self.fields[key])
        self.lateness = value_label(terms, "card_lateness")
        self.lateness.setStyleSheet(f"color: {ERROR_COLOUR};")
        terms_form.addRow(self.lateness)
        left_layout.addWidget(terms)
        text_box = QGroupBox("Что нужно сделать", left)
        text_layout = QVBoxLayout(text_box)
        self.description = value_label(text_box, "card_description")
        self.description.setTextFormat(Qt.TextFormat.PlainText)
        self.description.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        text_layout.addWidget(self.description)
        self.files_layout = QVBoxLayout()
        self.files_layout.setSpacing(2)
        text_layout.addLayout(self.files_layout)
        self.file_rows: list[FileRow] = []
        left_layout.addWidget(text_box)
        self.result_box = QGroupBox("Итог и отзыв заявителя", left)
        result_layout = QVBoxLayout(self.result_box)
        self.result_text = value_label(self.result_box, "card_result")
        result_layout.addWidget(self.result_text)
        left_layout.addWidget(self.result_box)
        left_layout.addStretch(1)
        scroll = QScrollArea(split)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(left)

        self.tabs = QTabWidget(split)
        self.tabs.setObjectName("card_tabs")
        self.thread = QTextBrowser(self.tabs)
        self.thread.setObjectName("card_thread")
        self.thread.setOpenLinks(False)
        self.thread.anchorClicked.connect(self._open_link)
        self.history = QTextBrowser(self.tabs)
        self.history.setObjectName("card_history")
        self.history.setOpenLinks(False)
        self.tabs.addTab(self.thread, "Переписка")
        self.tabs.addTab(self.history, "История")
        self.message_file = FileRow("message", services.tickets.attachment, self, inline=True)
        self.message_file.hide()
        split.addWidget(scroll)
        split.addWidget(self.tabs)
        split.setStretchFactor(0, 5)
        split.setStretchFactor(1, 6)
        split.setSizes([480, 580])
        body.addWidget(split, 1)

        self.status_buttons: dict[Status, QPushButton] = {}
        for status, text in STATUS_BUTTONS.items():
            button = QPushButton(text, self)
            button.setObjectName(f"status_{status.value}")
            button.setToolTip(f"Поставить статус «{status.label}»")
            button.clicked.connect(lambda _c=False, s=status: self.set_status(s))
            self.status_buttons[status] = button
        self.assign_button = QPushButton("Назначить исполнителя…", self)
        self.message_button = QPushButton("Сообщение…", self)
        self.refuse_button = QPushButton("Отказать…", self)
        self.withdraw_button = QPushButton("Заявитель отозвал…", self)
        self.feedback_button = QPushButton("Отзыв заявителя…", self)
        actions = (self.assign_button, self.message_button, self.refuse_button, self.withdraw_button,
                   self.feedback_button)  # fmt: skip
        for button, name in zip(actions, ("assign", "message", "refuse", "withdraw", "feedback"), strict=True):
            button.setObjectName(f"card_{name}")
        self.build_buttons(body, (*self.status_buttons.values(), *actions), "Закрыть окно")
        self.assign_button.clicked.connect(lambda: self._act(AssignDialog, "Исполнитель назначен."))
        self.message_button.clicked.connect(lambda: self._act(MessageDialog, "Сообщение записано."))
        self.refuse_button.clicked.connect(self.refuse)
        self.refusal_offer_button.clicked.connect(self.refuse)
        self.withdraw_button.clicked.connect(lambda: self._act(WithdrawDialog, "Заявка отозвана заявителем."))
        self.feedback_button.clicked.connect(lambda: self._act(FeedbackDialog, "Отзыв заявителя записан."))
        self.load(ticket_id)
        self.close_button.setFocus()

    # -- showing ------------------------------------------------------------------------------------------------

    def read_card(self, record_id: int) -> TicketCard:
        return self._services.tickets.card(record_id)

    def _show(self, card: TicketCard) -> None:
        row = card.row
        self.show_head(f"Заявка {card.number}", row.urgency)
        self.category_label.setText(f"Категория: <b>{html.escape(row.category.label)}</b>")
        self.facts["status"].setText(row.status.label)
        self.facts["agent"].setText(row.agent_name or "не назначен")
        if row.next_kind is not None and row.next_due is not None:
            self.facts["due"].setText(f"{row.due_text} — {row.next_kind.label}")
        else:
            self.facts["due"].setText("—")
        self.facts["left"].setText(row.time_left)
        self.facts["left"].setStyleSheet(f"font-weight: bold; color: {LOOKS[row.urgency].text};")
        self.facts["submitted"].setText(f"{row.submitted_at:%d.%m.%Y %H:%M}")
        self.fields["client"].setText(row.client_name)
        self.fields["group"].setText(row.client_group or "—")
        self.fields["contact"].setText(card.client_contact or "—")
        t = card.terms
        marks = {TermKind.EVENT: ("event", t.event), TermKind.REPORT: ("report_by", t.report_by),
                 TermKind.CLIENT: ("client_by", t.client_by)}  # fmt: skip
        self.fields["submit_by"].setText(f"{t.submit_by:%d.%m.%Y}" + (" — подана позже" if row.late else ""))
        self.fields["submit_by"].setStyleSheet(f"color: {ERROR_COLOUR}; font-weight: bold;" if row.late else "")
        for kind, (key, day) in marks.items():
            nxt = kind is row.next_kind
            self.fields[key].setText(f"{day:%d.%m.%Y}" + ("  ◀ ближайший срок" if nxt else ""))
            self.fields[key].setStyleSheet("font-weight: bold;" if nxt else "")
        self.lateness.setVisible(bool(card.lateness))
        self.lateness.setText(f"Подана позже срока: {card.lateness}." if card.lateness else "")
        if card.suggested_refusal is not None and card.can_refuse:
            reason, text = card.suggested_refusal
            why = text or card.lateness
            self.refusal_text.setText(
                f"<b>Можно отказать:</b> {html.escape(reason.label)}" + (f" — {html.escape(why)}." if why else ".")
            )
            self.refusal_offer.show()
        else:
            self.refusal_offer.hide()
        self.description.setText(card.description)
        for old in self.file_rows:
            old.deleteLater()
        self.file_rows = []
        for info in card.files:
            file_row = FileRow(f"file{info.id}", self._services.tickets.attachment, self, inline=True)
            file_row.set_file(info)
            self.files_layout.addWidget(file_row)
            self.file_rows.append(file_row)
        self._show_result(card)
        self.thread.setHtml(self._thread_html(card))
        self.tabs.setTabText(0, f"Переписка ({len(card.messages)})")
        self.history.setHtml(self._history_html(card))
        for status, button in self.status_buttons.items():
            button.setVisible(status in card.next_statuses)
        self.assign_button.setVisible(card.can_assign)
        self.assign_button.setText("Сменить исполнителя…" if row.agent_id else "Назначить исполнителя…")
        self.message_button.setVisible(card.can_message)
        self.refuse_button.setVisible(card.can_refuse)
        self.withdraw_button.setVisible(card.can_withdraw)
        self.feedback_button.setVisible(card.can_feedback)

    def _show_result(self, card: TicketCard) -> None:
        lines = []
        if card.refusal_reason is not None:
            lines.append(f"<b>Отказано:</b> {html.escape(card.refusal_reason.label)}")
        if card.close_note and card.refusal_reason is None:
            lines.append(f"<b>Закрыта:</b> {html.escape(card.close_note)}")
        elif card.close_note:
            lines.append(html.escape(card.close_note))
        if card.rating:
            stars = "★" * card.rating + "☆" * (5 - card.rating)
            lines.append(f"<b>Оценка:</b> <span style='color:#c79100'>{stars}</span> {card.rating} из 5")
        if card.feedback:
            lines.append(f"<b>Отзыв:</b> {html.escape(card.feedback)}")
        self.result_box.setVisible(bool(lines))
        self.result_text.setText("<br>".join(lines))

    def _thread_html(self, card: TicketCard) -> str:
        if not card.messages:
            return "<p style='color:#5f6368'>Сообщений пока нет.</p>"
        parts = []
        for m in card.messages:
            who = html.escape(m.author)
            recorded = (
                f" <span style='color:#80868b'>(записал(а) {html.escape(m.recorded_by)})</span>"
                if m.party is Party.CLIENT and m.recorded_by
                else ""
            )
            file = (
                f"<br>📎 <a href='file:{m.attachment.id}'>{html.escape(m.attachment.name)}</a> "
                f"<span style='color:#80868b'>({m.attachment.size_text})</span>"
                if m.attachment
                else ""
            )
            text = html.escape(m.text).replace("\n", "<br>")
            parts.append(
                f"<table width='100%' cellpadding='6' style='background:{PARTY_COLOURS[m.party]}; margin-bottom:6px'>"
                f"<tr><td><b>{who}</b> · {m.party.label}{recorded} · "
                f"<span style='color:#5f6368'>{m.at:%d.%m.%Y %H:%M}</span><br>{text}{file}</td></tr></table>"
            )
        return "".join(parts)

    def _history_html(self, card: TicketCard) -> str:
        return steps_html(((e, e.note) for e in card.history), STEP_COLOURS)

    def history_texts(self) -> list[str]:
        assert self.card is not None
        return steps_texts((e, e.note) for e in self.card.history)

    def message_texts(self) -> list[str]:
        assert self.card is not None
        return [f"{m.author} ({m.party.label}): {m.text}" for m in self.card.messages]

    def _open_link(self, url) -> None:  # type: ignore[no-untyped-def]
        text = url.toString()
        if not text.startswith("file:") or self.card is None:
            return
        wanted = int(text.removeprefix("file:"))
        info = next((m.attachment for m in self.card.messages if m.attachment and m.attachment.id == wanted), None)
        if info is not None:
            self.message_file.set_file(info)
            self.message_file.open()

    # -- acting ---------------------------------------------------------------------------------------------------

    def _act(self, dialog_type: type[TicketAction], done: str) -> TicketCard | None:
        result: TicketCard | None = self.run_action(dialog_type)
        if result is None:
            return None
        self.banner.show_message(f"{done} Статус: «{result.row.status.label}».", "ok")
        return result

    def refuse(self) -> None:
        self._act(RefuseDialog, "Отказ записан.")

    def set_status(self, status: Status) -> None:
        card = self.card
        if card is None:
            return
        if status.final and not confirm(
            self,
            f"Заявка {card.number}",
            f"Поставить заявке {card.number} статус «{status.label}»? Больше её статус меняться не будет.",
            status.label if status is Status.DONE else "Закрыть",
        ):
            return
        try:
            with_wait_cursor(lambda: self._services.tickets.set_status(card.id, status, version=card.row.version))
        except ConflictError as exc:
            fresh = fresh_card(self._services, card)
            if show_conflict(self, str(exc), card, fresh, title="Заявка изменена другим пользователем"):
                self.reload()
                self.banner.show_message(f"{exc} Карточка обновлена, статус не изменён.", "warning")
            else:
                self.banner.show_message(f"{exc} Статус не изменён.", "warning")
            return
        except ServiceError as exc:
            self.banner.show_message(str(exc), "warning")
            return
        self.changed = True
        self.load(card.id)
        self.banner.show_message(f"Статус заявки {card.number}: «{status.label}».", "ok")


def open_ticket(services: Services, ticket_id: int, parent: QWidget | None = None) -> TicketCardDialog:
    """Show the card of ticket `ticket_id` until the person closes it; the dialog, to see what changed."""
    dialog = TicketCardDialog(services, ticket_id, parent)
    dialog.exec()
    return dialog
