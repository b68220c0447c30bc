"""Dialogs about initiative tickets (seed 002): taking a ticket in, assigning an agent from the proposals, a message,
a refusal, the client's feedback, the client's withdrawal. The file helpers and form pieces are the appeals' own."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from desktop.domain import tickets as rules
from desktop.domain.calendar import UnknownCalendarYear
from desktop.domain.tickets import CATEGORY_LABELS, Category, Party, RefusalReason
from desktop.services.errors import ServiceError
from desktop.services.files import FileIn
from desktop.services.registry import Services
from desktop.services.tickets import MAX_FILES, TicketCard, TicketInput
from desktop.ui.appeal_dialogs import (
    ERROR_COLOUR,
    HINT_STYLE,
    CountedText,
    FilePicker,
    file_text,
)
from desktop.ui.card_action import CardAction, NewRecordDialog
from desktop.ui.widgets import ErrorLabel, confirm

#: How the fields are named in the hint «Чтобы подать, заполните: …».
FIELD_NAMES = {
    "client_name": "ФИО заявителя",
    "client_group": "класс или объединение",
    "client_contact": "контакт",
    "event_date": "дата мероприятия",
    "description": "описание",
    "files": "файлы",
}


def qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def pydate(day: QDate) -> dt.date:
    return dt.date(day.year(), day.month(), day.day())


def _form() -> QFormLayout:
    form = QFormLayout()
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
    return form


def _with_error(editor: QWidget, error: ErrorLabel) -> QVBoxLayout:
    box = QVBoxLayout()
    box.setSpacing(2)
    box.addWidget(editor)
    box.addWidget(error)
    return box


# -- files ------------------------------------------------------------------------------------------------------


class FilesList(QWidget):
    """Several files for a ticket: «Добавить файлы…», the list with names and sizes, «Убрать»."""

    def __init__(self, parent: QWidget | None = None, *, limit: int = MAX_FILES) -> None:
        super().__init__(parent)
        self.limit = limit
        self.files: list[FileIn] = []
        self._on_change: list[Callable[[], None]] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        row = QHBoxLayout()
        self.list = QListWidget(self)
        self.list.setObjectName("files_list")
        self.list.setMaximumHeight(self.fontMetrics().lineSpacing() * 4 + 10)
        buttons = QVBoxLayout()
        self.add_button = QPushButton("Добавить файлы…", self)
        self.add_button.setObjectName("files_add")
        self.remove_button = QPushButton("Убрать", self)
        self.remove_button.setObjectName("files_remove")
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        row.addWidget(self.list, 1)
        row.addLayout(buttons)
        layout.addLayout(row)
        self.error = ErrorLabel(self)
        self.error.setObjectName("files_error")
        layout.addWidget(self.error)
        self.add_button.clicked.connect(self.choose)
        self.remove_button.clicked.connect(self.remove_selected)
        self.list.currentRowChanged.connect(lambda _r: self._update())
        self._update()

    def on_change(self, callback: Callable[[], None]) -> None:
        self._on_change.append(callback)

    def choose(self) -> None:
        chosen, _ = QFileDialog.getOpenFileNames(self, "Приложить файлы", str(Path.home()), "Все файлы (*)")
        for name in chosen:
            self.attach(Path(name))

    def attach(self, path: Path) -> None:
        try:
            self.add(FileIn.read(path))
        except ServiceError as exc:
            self.error.show_error(str(exc))

    def add(self, file: FileIn) -> None:
        self.files.append(file)
        self.list.addItem(file_text(file))
        self.error.show_error(None)
        self._changed()

    def remove_selected(self) -> None:
        row = self.list.currentRow()
        if 0 <= row < len(self.files):
            del self.files[row]
            self.list.takeItem(row)
            self._changed()

    def _changed(self) -> None:
        self._update()
        for callback in self._on_change:
            callback()

    def _update(self) -> None:
        self.remove_button.setEnabled(0 <= self.list.currentRow() < len(self.files))
        self.add_button.setEnabled(len(self.files) < self.limit)
        if not self.files:
            self.list.setToolTip("Файлов нет: макеты, списки участников, фотографии — если нужны")
        else:
            self.list.setToolTip(f"Приложено файлов: {len(self.files)} из {self.limit}")


# -- taking a ticket in -------------------------------------------------------------------------------------------


class NewTicketDialog(NewRecordDialog[TicketCard]):
    """«Новая заявка»: the client, the category and the event's date, what is to be done, files. The category's three
    terms are counted as the date is chosen (seed 002 §4.1.1, §4.4.1, §4.2.2); a ticket past its last day to
    submit is warned of in red (it is still taken in: the operator decides, §4.5.1). `result_card`: the new one."""

    hint_verb = "подать"
    field_names = FIELD_NAMES

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(services, parent)
        self.setWindowTitle("Новая заявка")
        self.setMinimumWidth(680)
        body = QVBoxLayout(self)
        form = _form()

        def line(key: str, label: str, placeholder: str) -> QLineEdit:
            edit = QLineEdit(self)
            edit.setObjectName(key)
            edit.setPlaceholderText(placeholder)
            error = ErrorLabel(self)
            error.setObjectName(f"{key}_error")
            self.editors[key], self.errors[key] = edit, error
            form.addRow(label, _with_error(edit, error))
            edit.textEdited.connect(lambda _t, k=key: self._edited(k))
            return edit

        line("client_name", "Заявитель:", "ФИО ученика или представителя группы")
        line("client_group", "Класс или объединение:", "например, 10 «А» или Совет старшеклассников")
        line("client_contact", "Контакт:", "телефон или e-mail")

        self.category = QComboBox(self)
        self.category.setObjectName("category")
        for category, label in CATEGORY_LABELS.items():
            self.category.addItem(label, category.value)
        form.addRow("Категория:", self.category)
        today = services.settings.today()
        self.event_date = QDateEdit(self)
        self.event_date.setObjectName("event_date")
        self.event_date.setCalendarPopup(True)
        self.event_date.setDisplayFormat("dd.MM.yyyy")
        self.event_date.setMinimumDate(qdate(today))
        self.event_date.setDate(qdate(today + dt.timedelta(days=14)))
        self.event_date.setToolTip("День мероприятия: от него назад отсчитываются сроки заявки")
        self.errors["event_date"] = ErrorLabel(self)
        self.errors["event_date"].setObjectName("event_date_error")
        date_row = QHBoxLayout()
        date_row.addWidget(self.event_date)
        date_row.addStretch(1)
        date_box = QVBoxLayout()
        date_box.setSpacing(2)
        date_box.addLayout(date_row)
        date_box.addWidget(self.errors["event_date"])
        form.addRow("Дата мероприятия:", date_box)
        self.terms = QLabel(self)
        self.terms.setObjectName("terms")
        self.terms.setWordWrap(True)
        self.terms.setTextFormat(Qt.TextFormat.RichText)
        form.addRow("Сроки:", self.terms)
        self.late = QLabel(self)
        self.late.setObjectName("late_warning")
        self.late.setWordWrap(True)
        self.late.setStyleSheet(f"color: {ERROR_COLOUR}; font-weight: bold;")
        self.late.hide()
        form.addRow("", self.late)
        self.description = CountedText(rules.MAX_DESCRIPTION_LENGTH, self, name="description")
        self.description.edit.setPlaceholderText("Что нужно сделать: место, время, количество, пожелания")
        self.errors["description"] = self.description.error
        form.addRow("Описание:", self.description)
        self.files = FilesList(self)
        self.errors["files"] = self.files.error
        form.addRow("Файлы:", self.files)
        body.addLayout(form)

        self.finish(body, "new_ticket_hint", "Подать заявку")

        self.category.currentIndexChanged.connect(lambda _i: self._edited("category"))
        self.event_date.dateChanged.connect(lambda _d: self._edited("event_date"))
        self.description.changed.connect(lambda: self._edited("description"))
        self.files.on_change(lambda: self._edited("files"))
        self.recheck()
        self.editors["client_name"].setFocus()

    def data(self) -> TicketInput:
        return TicketInput(
            client_name=self.editors["client_name"].text(),
            client_group=self.editors["client_group"].text(),
            client_contact=self.editors["client_contact"].text(),
            category=Category(self.category.currentData()),
            event_date=pydate(self.event_date.date()),
            description=self.description.text(),
            files=tuple(self.files.files),
        )

    def show_terms(self) -> None:
        """«Подать не позднее …, отчёт исполнителя до …, ответ заявителя до …» for the category and date chosen."""
        category = Category(self.category.currentData())
        event = pydate(self.event_date.date())
        today = self._services.settings.today()
        try:
            terms = rules.terms_for(category, event, self._services.calendar.work_calendar())
        except UnknownCalendarYear as exc:
            self.terms.setText(html.escape(str(exc)))
            self.late.hide()
            return
        self.terms.setText(
            f"Подать не позднее <b>{terms.submit_by:%d.%m.%Y}</b>, "
            f"отчёт исполнителя до <b>{terms.report_by:%d.%m.%Y}</b>, "
            f"ответ заявителя до <b>{terms.client_by:%d.%m.%Y}</b>."
        )
        late = not rules.submitted_on_time(today, terms)
        self.late.setVisible(late)
        if late:
            self.late.setText(
                "Срок подачи прошёл: заявка будет подана позже срока — "
                + rules.lateness_text(today, terms, category)
                + ". Оператор может отказать (п. 4.5.1)."
            )

    def recheck(self) -> dict[str, str]:
        self.show_terms()
        return super().recheck()

    def problems(self) -> dict[str, str]:
        return self._services.tickets.check_input(self.data())

    def create(self) -> TicketCard:
        return self._services.tickets.create(self.data())


# -- acting on a ticket -------------------------------------------------------------------------------------------

#: How an action's dialog reads the card again after a conflict: the fresh card, or None.
Reload = Callable[[], TicketCard | None] | None


class TicketAction(CardAction[TicketCard]):
    """A dialog that acts on one ticket as its card showed it (its `version`). When somebody changed the ticket
    meanwhile it says so («изменена другим пользователем»), reads the card again and lets the person retry."""

    conflict_title = "Заявка изменена другим пользователем"
    conflict_note = (
        "Заявка изменена другим пользователем; карточка обновлена. Посмотрите, что изменилось, "
        "и сохраните ещё раз: набранное сохранено."
    )

    def __init__(
        self, services: Services, card: TicketCard, parent: QWidget | None = None, *, reload: Reload = None
    ) -> None:
        super().__init__(services, card, parent, reload=reload)
        self.head.setWordWrap(True)

    def head_text(self, card: TicketCard) -> str:
        return (
            f"<b>{html.escape(card.number)}</b> · {html.escape(card.row.client_name)} · "
            f"{html.escape(card.row.category.label)} · мероприятие {card.terms.event:%d.%m.%Y}"
        )


class AssignDialog(TicketAction):
    """«Назначить исполнителя»: every agent, best first, each with the reason in words (seed 002 §3.1.3); the best
    is chosen already, the operator decides."""

    ok_text = "Назначить"

    def __init__(self, services: Services, card: TicketCard, parent: QWidget | None = None, **kw: Reload) -> None:
        super().__init__(services, card, parent, **kw)
        self.setWindowTitle(f"Исполнитель заявки {card.number}")
        self.setMinimumWidth(640)
        now = f"Сейчас: {card.row.agent_name}." if card.row.agent_name else "Исполнитель ещё не назначен."
        note = QLabel(
            f"{now} Сначала — исполнители с этой специализацией, которые на месте до мероприятия, "
            "с наименьшей загрузкой.",
            self,
        )
        note.setWordWrap(True)
        note.setStyleSheet(HINT_STYLE)
        self.body.addWidget(note)
        self.list = QListWidget(self)
        self.list.setObjectName("proposals")
        self.list.setMinimumHeight(self.fontMetrics().lineSpacing() * 8)
        self.body.addWidget(self.list)
        self.comment = QLineEdit(self)
        self.comment.setObjectName("assign_note")
        self.comment.setPlaceholderText("комментарий для истории (необязательно)")
        self.body.addWidget(self.comment)
        self.proposals = services.tickets.proposals(card.id)
        best = rules.best_agent(self.proposals)
        for proposal in self.proposals:
            text = proposal.reason
            if proposal is best:
                text = "★ " + text + " — предлагается"
            if proposal.agent.user_id == card.row.agent_id:
                text += " (назначен сейчас)"
            item = QListWidgetItem(text, self.list)
            item.setData(Qt.ItemDataRole.UserRole, proposal.agent.user_id)
            if not proposal.suitable:
                item.setForeground(Qt.GlobalColor.darkGray)
            if proposal is best:
                font = item.font()
                font.setBold(True)
                item.setFont(font)
        if best is not None:
            self.list.setCurrentRow(self.proposals.index(best))
        elif self.proposals:
            self.list.setCurrentRow(0)
            self.banner.show_message(
                "Нет исполнителя с этой специализацией, который был бы на месте до мероприятия: выберите сами.",
                "warning",
            )
        self.list.itemDoubleClicked.connect(lambda _item: self.submit())
        self.finish()
        if not self.proposals:
            self.error.show_error("В школе нет исполнителей: добавьте пользователя с ролью «исполнитель».")
            self.ok_button.setEnabled(False)
        self.list.setFocus()

    def chosen(self) -> int | None:
        item = self.list.currentItem()
        return int(item.data(Qt.ItemDataRole.UserRole)) if item is not None else None

    def call(self) -> TicketCard | None:
        user_id = self.chosen()
        if user_id is None:
            self.error.show_error("Выберите исполнителя.")
            return None
        return self._services.tickets.assign(
            self.card.id, user_id, version=self.card.row.version, note=self.comment.text()
        )


#: The message's sender as the dialog names them.
SENDER_TEXTS = {
    Party.OPERATOR: "оператор",
    Party.AGENT: "исполнитель",
    Party.CLIENT: "заявитель (записать ответ заявителя)",
}


class MessageDialog(TicketAction):
    """«Сообщение»: from the operator or the agent (then the ticket waits for the client), or the client's answer
    written down by staff (then it waits for the operator), seed 002 §3.2.4–3.2.5."""

    ok_text = "Отправить"

    def __init__(self, services: Services, card: TicketCard, parent: QWidget | None = None, **kw: Reload) -> None:
        super().__init__(services, card, parent, **kw)
        self.setWindowTitle(f"Сообщение по заявке {card.number}")
        self.setMinimumWidth(620)
        form = _form()
        self.sender = QComboBox(self)
        self.sender.setObjectName("sender")
        for party in (Party.OPERATOR, Party.AGENT):
            if party in card.parties:
                self.sender.addItem(SENDER_TEXTS[party], party.value)
        self.sender.addItem(SENDER_TEXTS[Party.CLIENT], Party.CLIENT.value)
        form.addRow("От кого:", self.sender)
        self.author = QLineEdit(card.row.client_name, self)
        self.author.setObjectName("author")
        self.author_label = QLabel("Кто ответил:", self)
        form.addRow(self.author_label, self.author)
        self.effect = QLabel(self)
        self.effect.setObjectName("message_effect")
        self.effect.setWordWrap(True)
        self.effect.setStyleSheet(HINT_STYLE)
        form.addRow("", self.effect)
        self.text = CountedText(rules.MAX_MESSAGE_LENGTH, self, name="message_text")
        form.addRow("Текст:", self.text)
        self.file = FilePicker(self, name="message_attachment")
        form.addRow("Файл:", self.file)
        self.body.addLayout(form)
        self.sender.currentIndexChanged.connect(lambda _i: self._sender_changed())
        self.finish()
        self._sender_changed()
        self.text.edit.setFocus()

    def party(self) -> Party:
        return Party(self.sender.currentData())

    def set_party(self, party: Party) -> None:
        self.sender.setCurrentIndex(max(0, self.sender.findData(party.value)))

    def _sender_changed(self) -> None:
        client = self.party() is Party.CLIENT
        self.author.setVisible(client)
        self.author_label.setVisible(client)
        target = rules.status_after_message(self.card.row.status, self.party())
        self.effect.setText(f"После отправки статус заявки станет «{target.label}».")

    def field_errors(self) -> dict[str, ErrorLabel]:
        return {"text": self.text.error, "attachment": self.file.error}

    def call(self) -> TicketCard:
        party = self.party()
        return self._services.tickets.message(
            self.card.id,
            self.text.text(),
            party=party,
            author=self.author.text() if party is Party.CLIENT else "",
            attachment=self.file.file,
            version=self.card.row.version,
        )


class RefuseDialog(TicketAction):
    """«Отказать»: a ground of seed 002 §4.5.1 / §4.3.3 and the words that explain it to the client; filled in from
    the card's suggestion when there is one."""

    ok_text = "Отказать"

    def __init__(self, services: Services, card: TicketCard, parent: QWidget | None = None, **kw: Reload) -> None:
        super().__init__(services, card, parent, **kw)
        self.setWindowTitle(f"Отказ по заявке {card.number}")
        self.setMinimumWidth(640)
        form = _form()
        self.reason = QComboBox(self)
        self.reason.setObjectName("refusal_reason")
        for reason in RefusalReason:
            self.reason.addItem(reason.label[:1].upper() + reason.label[1:], reason.value)
        form.addRow("Основание:", self.reason)
        self.text = QPlainTextEdit(self)
        self.text.setObjectName("refusal_text")
        self.text.setTabChangesFocus(True)
        self.text.setPlaceholderText("Пояснение для заявителя (необязательно)")
        self.text.setMinimumHeight(self.fontMetrics().lineSpacing() * 5)
        self.text_error = ErrorLabel(self)
        self.text_error.setObjectName("refusal_text_error")
        form.addRow("Пояснение:", _with_error(self.text, self.text_error))
        self.body.addLayout(form)
        if card.suggested_refusal is not None:
            reason, text = card.suggested_refusal
            self.reason.setCurrentIndex(self.reason.findData(reason.value))
            self.text.setPlainText(text or (card.lateness[:1].upper() + card.lateness[1:] + "." if card.lateness else ""))
        self.finish()
        self.reason.setFocus()

    def field_errors(self) -> dict[str, ErrorLabel]:
        return {"text": self.text_error}

    def call(self) -> TicketCard | None:
        if not confirm(
            self,
            "Отказ",
            f"Отказать по заявке {self.card.number}? Заявка будет закрыта со статусом «Отказано».",
            "Отказать",
        ):
            return None
        return self._services.tickets.refuse(
            self.card.id,
            RefusalReason(self.reason.currentData()),
            self.text.toPlainText(),
            version=self.card.row.version,
        )


class FeedbackDialog(TicketAction):
    """«Отзыв заявителя» after the work (seed 002 §4.5.2): a rating from 1 to 5 and a comment."""

    ok_text = "Записать отзыв"

    def __init__(self, services: Services, card: TicketCard, parent: QWidget | None = None, **kw: Reload) -> None:
        super().__init__(services, card, parent, **kw)
        self.setWindowTitle(f"Отзыв по заявке {card.number}")
        self.setMinimumWidth(520)
        form = _form()
        marks = QHBoxLayout()
        self.rating = QButtonGroup(self)
        for n in rules.RATINGS:
            button = QRadioButton(str(n), self)
            button.setObjectName(f"rating_{n}")
            self.rating.addButton(button, n)
            marks.addWidget(button)
        marks.addWidget(QLabel("(1 — плохо, 5 — отлично)", self))
        marks.addStretch(1)
        self.rating_error = ErrorLabel(self)
        self.rating_error.setObjectName("rating_error")
        box = QVBoxLayout()
        box.addLayout(marks)
        box.addWidget(self.rating_error)
        form.addRow("Оценка:", box)
        self.comment = QPlainTextEdit(card.feedback, self)
        self.comment.setObjectName("feedback_comment")
        self.comment.setTabChangesFocus(True)
        self.comment.setMinimumHeight(self.fontMetrics().lineSpacing() * 4)
        self.comment_error = ErrorLabel(self)
        self.comment_error.setObjectName("feedback_comment_error")
        form.addRow("Отзыв:", _with_error(self.comment, self.comment_error))
        self.body.addLayout(form)
        if card.rating:
            self.rating.button(card.rating).setChecked(True)
        self.finish()

    def field_errors(self) -> dict[str, ErrorLabel]:
        return {"rating": self.rating_error, "comment": self.comment_error}

    def call(self) -> TicketCard | None:
        rating = self.rating.checkedId()
        if rating not in rules.RATINGS:
            self.rating_error.show_error("Выберите оценку от 1 до 5.")
            return None
        return self._services.tickets.feedback(
            self.card.id, rating, self.comment.toPlainText(), version=self.card.row.version
        )


class WithdrawDialog(TicketAction):
    """The client withdraws the ticket (seed 002 §4.2.3): it is closed with «отозвано заявителем»."""

    ok_text = "Отозвать заявку"

    def __init__(self, services: Services, card: TicketCard, parent: QWidget | None = None, **kw: Reload) -> None:
        super().__init__(services, card, parent, **kw)
        self.setWindowTitle(f"Отзыв заявки {card.number}")
        self.setMinimumWidth(560)
        note = QLabel(
            "Заявитель отзывает заявку: она будет закрыта со статусом «Закрыто» (отозвано заявителем). "
            "Вернуть её в работу будет нельзя.",
            self,
        )
        note.setObjectName("withdraw_note")
        note.setWordWrap(True)
        self.body.addWidget(note)
        self.text = QLineEdit(self)
        self.text.setObjectName("withdraw_text")
        self.text.setPlaceholderText("почему отозвана (необязательно)")
        self.body.addWidget(self.text)
        self.finish()

    def call(self) -> TicketCard:
        return self._services.tickets.withdraw(self.card.id, self.text.text(), version=self.card.row.version)
