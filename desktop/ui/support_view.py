"""Section «Поддержка ЭПОС» (seed 001, DOMAIN.md §3): the administrator's and СТП's contacts with the notice for class
teachers, the counts that need attention, and the queue of support requests — paged, sorted and filtered in the
database — each with what comes next in the urgency's colour, icon and words."""

from __future__ import annotations

import dataclasses
import html
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QFont, QFontMetrics
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.access import Action
from desktop.domain.support import Stage, Urgency
from desktop.domain.tickets import short_name
from desktop.services.errors import ServiceError
from desktop.services.registry import Services
from desktop.services.support import (
    Contacts,
    SupportFilter,
    SupportRow,
    SupportService,
    SupportSort,
    SupportSummary,
)
from desktop.ui.appeal_dialogs import HINT_STYLE, export_register
from desktop.ui.print_preview import show_form
from desktop.ui.queue_view import QueueModel, QueueSection, queue_table
from desktop.ui.support_card import open_support
from desktop.ui.support_dialogs import NewSupportDialog
from desktop.ui.urgency import LOOKS, SUPPORT_LEGEND_ORDER, UrgencyLegend, chip_style, urgency_text

SUPPORT_COLUMNS = (
    "Номер",
    "Принят",
    "ФИО",
    "Роль",
    "Класс",
    "Кто передал",
    "Статус",
    "Что дальше",
    "Номер СТП",
)
(COL_NUMBER, COL_RECEIVED, COL_NAME, COL_ROLE, COL_CLASS, COL_BROUGHT, COL_STATUS, COL_NEXT,
 COL_STP) = range(len(SUPPORT_COLUMNS))  # fmt: skip
#: What a click on each column's header sorts by (in the database); None: the column does not sort.
SORT_KEYS: tuple[SupportSort | None, ...] = (
    SupportSort.NUMBER,
    SupportSort.RECEIVED,
    SupportSort.NAME,
    None,
    SupportSort.CLASS,
    None,
    SupportSort.STATUS,
    SupportSort.NEXT,
    None,
)

#: The stage filter: its words and what it selects (the first: every open request).
ACTIVE = "active"
ALL = "all"
NEEDS_ACTION = "needs_action"
LONG_AT_STP = "long_at_stp"
STAGE_CHOICES: tuple[tuple[str, str], ...] = (
    ("Все открытые", ACTIVE),
    ("Все", ALL),
    ("Ждут действия администратора", NEEDS_ACTION),
    ("Новые: проверить данные и исправить", Stage.TO_CORRECT.value),
    ("Ждут вступления изменений в силу", Stage.WAITING_EFFECT.value),
    ("Проверить с пользователем", Stage.TO_CHECK.value),
    ("Направить заявку в СТП", Stage.TO_STP.value),
    ("В СТП", Stage.AT_STP.value),
    ("Долго в СТП", LONG_AT_STP),
    ("Завершённые", Stage.DONE.value),
)
#: The short role in the queue (the card has the full words).
SHORT_ROLES = {"parent": "родитель"}
WEEKDAYS_SHORT = ("пн", "вт", "ср", "чт", "пт", "сб", "вс")


def role_text(row: SupportRow) -> str:
    return SHORT_ROLES.get(row.role.value, row.role.label)


def next_text(row: SupportRow) -> str:
    """The row's standing words; a correction not yet visible is said short («вступят в силу пн 24.11 после 14:00»):
    the full words are in the tooltip and on the card."""
    if row.stage is Stage.WAITING_EFFECT and row.effective_at is not None:
        at = row.effective_at
        return f"вступят в силу {WEEKDAYS_SHORT[at.weekday()]} {at:%d.%m} после {at:%H:%M}"
    return row.standing


class SupportModel(QueueModel[SupportRow, SupportFilter]):
    """The requests matching a filter in the order asked for, a page at a time; a header click sorts in the
    database."""

    columns = SUPPORT_COLUMNS
    sort_keys = SORT_KEYS
    icon_column = COL_NUMBER
    left_column = COL_NEXT
    centered = (COL_RECEIVED, COL_CLASS)
    bold_urgencies = (Urgency.DUE_TODAY, Urgency.OVERDUE)
    done_urgency = Urgency.ANSWERED

    def __init__(self, support: SupportService, parent: QObject | None = None) -> None:
        super().__init__(support, SupportFilter(active=True), SupportSort.NEXT, parent)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if 0 <= column < len(self.sort_keys) and self.sort_keys[column] is None:
            return  # the view puts the indicator back
        super().sort(column, order)

    @staticmethod
    def text(row: SupportRow, column: int) -> str:
        if column == COL_NUMBER:
            return row.number
        if column == COL_RECEIVED:
            return f"{row.received_at:%d.%m.%Y}"
        if column == COL_NAME:
            return row.full_name
        if column == COL_ROLE:
            return role_text(row)
        if column == COL_CLASS:
            return row.class_name or "—"
        if column == COL_BROUGHT:
            return short_name(row.brought_by) if row.brought_by else "—"
        if column == COL_STATUS:
            return row.status.label
        if column == COL_NEXT:
            return next_text(row)
        if column == COL_STP:
            return row.stp_number or ("ждём номер" if row.stp_open else "—")
        return ""

    @staticmethod
    def tooltip(row: SupportRow, column: int) -> str:
        klass = f", {row.class_name}" if row.class_name else ""
        lines = [
            f"{row.number}: {row.standing} ({urgency_text(row.urgency).lower()}).",
            f"{row.full_name}, {row.birth_date:%d.%m.%Y}: {row.role.label}{klass}.",
            f"Принят {row.received_at:%d.%m.%Y в %H:%M}; передал(а) {row.brought_by}.",
        ]
        if row.effective_at is not None and row.stage is Stage.WAITING_EFFECT:
            lines.append(f"Исправление будет видно пользователю с {row.effective_at:%d.%m.%Y %H:%M}.")
        if row.stp_sent_at is not None:
            number = f" № {row.stp_number}" if row.stp_number else " (номер СТП ещё не получен)"
            lines.append(f"Заявка в СТП{number} от {row.stp_sent_at:%d.%m.%Y}" + ("" if row.stp_open else ", закрыта") + ".")
        return "\n".join(lines)

    def cell_data(self, row: SupportRow, column: int, role: int) -> object:
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tooltip(row, column)
        return self.urgency_data(row, column, role)

    def header_tip(self, section: int) -> str | None:
        if section == COL_NEXT:
            return "Что ждёт запрос: действие администратора, вступление изменений в силу или ответ СТП"
        if section == COL_STP:
            return "Номер заявки из письма СТП"
        if section == COL_BROUGHT:
            return "Классный руководитель, который передал обращение пользователя"
        return None


#: The widest words of «Что дальше» (bold: the administrator's turn, long at СТП).
NEXT_SAMPLES = (
    "проверить данные и исправить",
    "проверить с пользователем",
    "в СТП 10 рабочих дней",
    "вступят в силу пн 00.00 после 14:00",
)


def support_table(parent: QWidget, model: SupportModel) -> QTableView:
    """The queue's table: whole rows, columns wide enough for their Russian words; the name takes what is left."""
    samples: dict[int, str | tuple[str, ...]] = {
        COL_NUMBER: "Э-2026/0000",
        COL_RECEIVED: "00.00.0000",
        COL_ROLE: ("обучающийся", "педагог"),
        COL_CLASS: "11Б",
        COL_BROUGHT: "Соловьёва А. В.",
        COL_STATUS: "Исправлено",
        COL_STP: "SD-0000-00000",
    }
    table = queue_table(parent, "support_table", model, samples, COL_NAME, pad=14, title_pad=22)
    bold = QFont(table.font())
    bold.setBold(True)
    widest = max(NEXT_SAMPLES, key=QFontMetrics(bold).horizontalAdvance)
    table.setColumnWidth(COL_NEXT, QFontMetrics(bold).horizontalAdvance(widest) + 16)
    table.setTextElideMode(Qt.TextElideMode.ElideRight)
    return table


class ContactsPanel(QFrame):
    """Who to turn to (seed 001): the school's e-journal administrator (name, room, phone) and СТП (phone, e-mail,
    the web form as a link); a visible hint when the administrator's card is not filled in."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("support_contacts")
        self.setStyleSheet("#support_contacts { background: #f6f8fa; border: 1px solid #dde3ea; border-radius: 4px; }")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.setSpacing(2)
        self.admin = QLabel(self)
        self.admin.setObjectName("contacts_admin")
        self.admin.setWordWrap(True)
        self.admin.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.stp = QLabel(self)
        self.stp.setObjectName("contacts_stp")
        self.stp.setWordWrap(True)
        self.stp.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.stp.linkActivated.connect(lambda link: QDesktopServices.openUrl(QUrl(link)))
        self.missing = QLabel(self)
        self.missing.setObjectName("contacts_missing")
        self.missing.setWordWrap(True)
        self.missing.setStyleSheet("color: #8d4e2a; font-weight: bold;")
        self.missing.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        layout.addWidget(self.admin)
        layout.addWidget(self.stp)
        layout.addWidget(self.missing)

    def show_contacts(self, c: Contacts) -> None:
        if c.admin_missing:
            self.admin.setText("Администратор ЭПОС в школе: <i>не указан</i>")
        else:
            parts = [f"<b>{html.escape(c.admin_name)}</b>"]
            if c.admin_room:
                parts.append(html.escape(c.admin_room))
            if c.admin_phone:
                parts.append(f"тел. {html.escape(c.admin_phone)}")
            self.admin.setText("Администратор ЭПОС в школе: " + ", ".join(parts))
        stp = []
        if c.stp_phone:
            stp.append(f"тел. <b>{html.escape(c.stp_phone)}</b>")
        if c.stp_email:
            stp.append(f"<a href='mailto:{html.escape(c.stp_email)}'>{html.escape(c.stp_email)}</a>")
        if c.stp_web_form:
            stp.append(f"<a href='{html.escape(c.stp_web_form)}'>форма обратной связи</a>")
        self.stp.setText("Техническая поддержка ЭПОС (СТП): " + (", ".join(stp) or "<i>контакты не указаны</i>"))
        self.stp.setToolTip(c.stp_web_form)
        missing = []
        if c.admin_missing:
            missing.append("ФИО")
        if not c.admin_room:
            missing.append("кабинет")
        if not c.admin_phone:
            missing.append("телефон")
        self.missing.setText(
            f"Не заполнены контакты администратора ЭПОС ({', '.join(missing)}): классные руководители не узнают, к "
            "кому обращаться, и в памятке их не будет. Заполните их кнопкой «Контакты…» или в разделе "
            "<a href='settings'>«Настройки»</a>."
            if missing
            else ""
        )
        self.missing.setVisible(bool(missing))


def count_chip(parent: QWidget, name: str, urgency: Urgency, tip: str) -> QPushButton:
    """A count above the queue in its urgency's look; a click shows those requests."""
    button = QPushButton(parent)
    button.setObjectName(name)
    button.setToolTip(tip)
    button.setAutoDefault(False)
    button.setCursor(Qt.CursorShape.PointingHandCursor)
    look = LOOKS[urgency]
    button.setStyleSheet(
        f"QPushButton {{{chip_style(urgency)} padding: 3px 10px; font-weight: bold;}} "
        f"QPushButton:hover {{border: 1px solid {look.accent};}}"
    )
    return button


class SupportView(QueueSection):
    """Section «Поддержка ЭПОС»: the e-journal administrator's main screen; a class teacher sees the requests they
    brought, the director and the deputy oversee."""

    title = "Поддержка ЭПОС"
    nouns = ("запрос", "запроса", "запросов")
    #: «Настройки» asked for (the administrator's contacts are missing and the person may edit them there).
    open_settings = Signal()

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(services, parent)
        ctx = services.ctx
        self.may_create = ctx.may(Action.SUPPORT_CREATE)
        self.may_export = ctx.may(Action.SUPPORT_EXPORT)
        self.may_contacts = ctx.may(Action.SUPPORT_CONTACTS) or ctx.may(Action.SETTINGS_EDIT)
        layout = QVBoxLayout(self)

        top = QHBoxLayout()
        self.contacts = ContactsPanel(self)
        top.addWidget(self.contacts, 1)
        side = QVBoxLayout()
        self.notice_button = self.button(
            "support_notice", "Памятка для классных руководителей…",
            "Одна страница: как передать обращение пользователя и контакты администратора ЭПОС и СТП — просмотр и печать",
        )  # fmt: skip
        self.contacts_button = self.button(
            "support_contacts_edit", "Контакты…", "Контакты администратора ЭПОС и СТП, территория для заявок в СТП"
        )
        self.contacts_button.setVisible(self.may_contacts)
        side.addWidget(self.notice_button)
        side.addWidget(self.contacts_button, 0, Qt.AlignmentFlag.AlignRight)
        side.addStretch(1)
        top.addLayout(side)
        layout.addLayout(top)

        chips = QHBoxLayout()
        chips.setSpacing(6)
        chips.addWidget(QLabel("Сейчас:", self))
        self.action_chip = count_chip(
            self, "support_chip_action", Urgency.DUE_TODAY,
            "Новые, проверка с пользователем и заявки в СТП: показать их",
        )  # fmt: skip
        self.check_chip = count_chip(
            self, "support_chip_check", Urgency.DUE_TODAY,
            "Исправления вступили в силу: спросите пользователя, помогло ли",
        )  # fmt: skip
        self.long_chip = count_chip(
            self, "support_chip_long", Urgency.OVERDUE, "Заявки в СТП, открытые дольше срока напоминания"
        )
        self.chips = {NEEDS_ACTION: self.action_chip, Stage.TO_CHECK.value: self.check_chip, LONG_AT_STP: self.long_chip}
        for key, chip in self.chips.items():
            chips.addWidget(chip)
            chip.clicked.connect(lambda _c=False, k=key: self.show_stage(k))
        self.summary_label = QLabel(self)
        self.summary_label.setObjectName("support_summary")
        self.summary_label.setStyleSheet(HINT_STYLE)
        chips.addWidget(self.summary_label)
        chips.addStretch(1)
        layout.addLayout(chips)

        filters = self.search_row(
            "support_search", "номер, ФИО, почта, класс, номер СТП",
            "Ищет по номеру запроса, ФИО, почте Госуслуг, классу, классному руководителю, номеру и теме заявки СТП "
            "(Ctrl+F)",
        )  # fmt: skip
        self.stage_box = self.combo("support_stage", "Что ждёт запрос", STAGE_CHOICES)
        filters.addWidget(self.stage_box)
        filters.addWidget(QLabel("Класс:", self))
        self.class_edit = QLineEdit(self)
        self.class_edit.setObjectName("support_class")
        self.class_edit.setPlaceholderText("все")
        self.class_edit.setToolTip("Только запросы этого класса, например 5А")
        self.class_edit.setClearButtonEnabled(True)
        self.class_edit.setMaximumWidth(self.fontMetrics().horizontalAdvance("11Б") + 70)
        filters.addWidget(self.class_edit)
        self.reset_button = self.button("support_reset", "Сбросить", "Показать все открытые запросы")
        self.reset_button.setAutoDefault(False)
        filters.addWidget(self.reset_button)
        layout.addLayout(filters)

        self.model = SupportModel(services.support, self)
        self.add_table(
            layout, support_table(self, self.model), COL_NEXT, UrgencyLegend(self, SUPPORT_LEGEND_ORDER), "support"
        )
        self._sort_column = COL_NEXT
        self.table.horizontalHeader().sortIndicatorChanged.connect(self._sort_changed)

        buttons = QHBoxLayout()
        self.new_button = self.button("support_new", "Новый запрос…", "Ctrl+N")
        self.open_button = self.button("support_open", "Открыть карточку", "Enter или двойной щелчок по строке")
        self.export_button = self.button(
            "support_export", "Выгрузить в Excel…", "Реестр запросов по выбранным условиям: даты, статусы, заявки в СТП"
        )
        self.refresh_button = self.button("support_refresh", "Обновить", "F5")
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.refresh_button)
        layout.addLayout(buttons)
        self.new_button.setVisible(self.may_create)
        self.export_button.setVisible(self.may_export)

        self.connect_queue(self.new_request if self.may_create else None)
        self.stage_box.currentIndexChanged.connect(lambda _i: self.apply())
        self.class_edit.textChanged.connect(lambda _t: self.search_timer.start())
        self.class_edit.returnPressed.connect(self.apply)
        self.reset_button.clicked.connect(self.reset)
        self.new_button.clicked.connect(self.new_request)
        self.export_button.clicked.connect(self.export)
        self.notice_button.clicked.connect(self.print_notice)
        self.contacts_button.clicked.connect(self.edit_contacts)
        self.contacts.missing.linkActivated.connect(lambda _link: self.open_settings.emit())
        self.show_contacts()
        self.apply()

    # -- the top ----------------------------------------------------------------------------------------------

    def show_contacts(self) -> None:
        try:
            contacts = self._services.support.contacts()
        except ServiceError as exc:
            self.banner.show_message(str(exc), "warning")
            return
        self.contacts.show_contacts(contacts)

    def show_summary(self) -> None:
        try:
            summary = self._services.support.summary()
        except ServiceError:
            summary = SupportSummary(open=0)
        counts = {
            NEEDS_ACTION: ("Ждут действия", summary.needs_action),
            Stage.TO_CHECK.value: ("Проверить с пользователем", summary.by_stage.get(Stage.TO_CHECK, 0)),
            LONG_AT_STP: ("Долго в СТП", summary.long_at_stp),
        }
        for key, (words, n) in counts.items():
            chip = self.chips[key]
            chip.setText(f"{words}: {n}")
            chip.setEnabled(n > 0)
        waiting = summary.by_stage.get(Stage.WAITING_EFFECT, 0)
        at_stp = summary.by_stage.get(Stage.AT_STP, 0)
        self.summary_label.setText(
            f"открыто {summary.open}; ждут вступления в силу: {waiting}; в СТП: {at_stp}"
        )

    def print_notice(self) -> None:
        """The one-page notice for class teachers (seed 001: inform users and class teachers of the contacts)."""
        io = getattr(self._services, "support_io", None)
        if io is None:
            self.banner.show_message("Памятка появится в следующей версии программы.", "warning")
            return
        show_form(self, "Памятка для классных руководителей", io.write_notice)

    def edit_contacts(self) -> None:
        from desktop.ui.support_contacts import SupportContactsDialog

        if SupportContactsDialog(self._services, self).exec() == QDialog.DialogCode.Accepted:
            self.show_contacts()

    # -- the filter -------------------------------------------------------------------------------------------

    def current_filter(self) -> SupportFilter:
        choice = self.stage_box.currentData()
        flt = SupportFilter(class_name=self.class_edit.text().strip(), search=self.search.text().strip())
        if choice == ACTIVE:
            return dataclasses.replace(flt, active=True)
        if choice == ALL:
            return flt
        if choice == NEEDS_ACTION:
            return dataclasses.replace(flt, needs_action=True)
        if choice == LONG_AT_STP:
            return dataclasses.replace(flt, long_at_stp=True)
        return dataclasses.replace(flt, stage=Stage(choice))

    def apply(self, select: int | None = None) -> None:
        super().apply(select)
        if not self._applying:
            self.show_summary()

    def show_stage(self, choice: str) -> None:
        """Show the requests of one stage (a count's click): the other conditions are dropped."""
        with self.quietly():
            self.search.clear()
            self.class_edit.clear()
            self.stage_box.setCurrentIndex(max(0, self.stage_box.findData(choice)))
        self.apply()
        self.table.setFocus()

    def reset(self) -> None:
        with self.quietly():
            self.stage_box.setCurrentIndex(0)
            self.class_edit.clear()
            self.search.clear()
        self.banner.show_message(None)
        self.apply()

    def _sort_changed(self, column: int, order: Qt.SortOrder) -> None:
        """A column that does not sort keeps the indicator where the order really is."""
        if SORT_KEYS[column] is not None:
            self._sort_column = column
            return
        header = self.table.horizontalHeader()
        _key, descending = self.model.sort_key
        header.blockSignals(True)
        header.setSortIndicator(
            self._sort_column, Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
        )
        header.blockSignals(False)

    def refresh(self) -> None:
        self.show_contacts()
        self.apply()

    def export(self) -> None:
        """The requests of the current filter to Excel (the register, with СТП's numbers)."""
        if not self.may_export:
            return
        io = getattr(self._services, "support_io", None)
        if io is None:
            self.banner.show_message("Выгрузка появится в следующей версии программы.", "warning")
            return
        flt = self.current_filter()

        def write(path: Path) -> int:
            io.export(path, flt)
            return self._services.support.count(flt)

        export_register(
            self, self.banner, "Выгрузить запросы в поддержку ЭПОС", "Запросы в поддержку ЭПОС",
            self._services.settings.today(), write, ("запрос", "запроса", "запросов"),
        )  # fmt: skip

    # -- actions ----------------------------------------------------------------------------------------------

    def open_record(self, record_id: int) -> None:
        card = open_support(self._services, record_id, self)
        if card.changed:
            self.apply(select=card.current_id if card.current_id != record_id else record_id)
        self.table.setFocus()

    def new_request(self) -> None:
        if not self.may_create:
            return
        dialog = NewSupportDialog(self._services, self)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.result_card is None:
            return
        card = dialog.result_card
        self.apply(select=card.id)
        if not self.select_record(card.id):
            self.reset()
            self.select_record(card.id)
        warn = (
            f" У пользователя уже открыта заявка в СТП: {dialog.open_stp[0].text}." if dialog.open_stp else ""
        )
        self.banner.show_message(
            f"Запрос принят: {card.number}. Дальше: {card.row.standing}.{warn}", "warning" if warn else "ok"
        )
        self.table.setFocus()


__all__ = ["SupportModel", "SupportView"]
