"""Section «Заявки»: the initiative tickets' queue (seed 002), paged, sorted and filtered in the database, with
each ticket's next term in sight; and the operator's «Исполнители» (specialisations, absences, load)."""

from __future__ import annotations

import dataclasses
import html

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QBrush, QColor, QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.domain import tickets as rules
from desktop.domain.access import Action
from desktop.domain.russian import plural
from desktop.domain.tickets import CATEGORY_LABELS, STATUS_LABELS, Category, Status, Urgency
from desktop.services.errors import ServiceError, ValidationError
from desktop.services.registry import Services
from desktop.services.tickets import AgentView, TicketFilter, TicketRow, TicketSort, TicketsService
from desktop.ui.appeal_dialogs import export_register
from desktop.ui.appeals_view import CENTERED, LEFT, PRESET_CHECKED_STYLE, SEARCH_DELAY_MS
from desktop.ui.paged_model import PagedRowsModel
from desktop.ui.ticket_card import open_ticket
from desktop.ui.ticket_dialogs import NewTicketDialog, pydate, qdate
from desktop.ui.urgency import LOOKS, TICKET_LEGEND_ORDER, UrgencyLegend, urgency_icon, urgency_text
from desktop.ui.widgets import Banner, ErrorLabel, confirm, record_table

TICKET_COLUMNS = (
    "Номер",
    "Подана",
    "Заявитель",
    "Категория",
    "Мероприятие",
    "Срок",
    "Осталось",
    "Исполнитель",
    "Статус",
)
(COL_NUMBER, COL_SUBMITTED, COL_CLIENT, COL_CATEGORY, COL_EVENT, COL_DUE, COL_LEFT, COL_AGENT,
 COL_STATUS) = range(len(TICKET_COLUMNS))  # fmt: skip
#: What a click on each column's header sorts by (in the database).
SORT_KEYS = (
    TicketSort.NUMBER,
    TicketSort.SUBMITTED,
    TicketSort.CLIENT,
    TicketSort.CATEGORY,
    TicketSort.EVENT,
    TicketSort.DUE,
    TicketSort.DUE,
    TicketSort.AGENT,
    TicketSort.STATUS,
)

IdRole = Qt.ItemDataRole.UserRole + 1  # int: the ticket's id
UrgencyRole = Qt.ItemDataRole.UserRole + 2  # str: the row's Urgency value

#: The status filter's first two choices, then each status.
ALL_ACTIVE = "active"
ALL = "all"


class TicketsModel(PagedRowsModel[TicketRow]):
    """The tickets matching a filter in the order asked for, a page at a time; a header click sorts in the
    database."""

    columns = TICKET_COLUMNS

    def __init__(self, tickets: TicketsService, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tickets = tickets
        self._filter = TicketFilter(active=True)
        self._sort = TicketSort.DUE
        self._descending = False
        self._active = False

    @property
    def filter(self) -> TicketFilter:
        return self._filter

    def set_filter(self, flt: TicketFilter) -> None:
        self._filter = flt
        self._active = True
        self.reload()

    def read_total(self) -> int:
        return self._tickets.count(self._filter)

    def read_page(self, offset: int, limit: int) -> list[TicketRow]:
        return self._tickets.page(
            self._filter, sort=self._sort, descending=self._descending, offset=offset, limit=limit
        )

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(SORT_KEYS):
            return
        self._sort = SORT_KEYS[column]
        self._descending = order == Qt.SortOrder.DescendingOrder
        if self._active:
            self.reload()

    @staticmethod
    def text(row: TicketRow, column: int) -> str:
        if column == COL_NUMBER:
            return row.number
        if column == COL_SUBMITTED:
            return f"{row.submitted_at:%d.%m.%Y}"  # the hour is in the tooltip: the column gives its room to names
        if column == COL_CLIENT:  # «Егоров К. А., 10 «А»»: the full name is in the tooltip and on the card
            name = rules.short_name(row.client_name)
            return f"{name}, {row.client_group}" if row.client_group else name
        if column == COL_CATEGORY:
            return row.category.label
        if column == COL_EVENT:
            return f"{row.event_date:%d.%m.%Y}"
        if column == COL_DUE:
            return row.due_text
        if column == COL_LEFT:
            return row.time_left
        if column == COL_AGENT:
            return rules.short_name(row.agent_name) if row.agent_name else "—"
        if column == COL_STATUS:
            return row.status.label
        return ""

    @staticmethod
    def tooltip(row: TicketRow, column: int) -> str:
        client = f"{row.client_name}, {row.client_group}" if row.client_group else row.client_name
        lines = [
            f"{row.number}: {urgency_text(row.urgency)}.",
            f"Заявитель: {client}.",
            f"Подана {row.submitted_at:%d.%m.%Y в %H:%M}; категория «{row.category.label}»; "
            f"мероприятие {row.event_date:%d.%m.%Y}.",
        ]
        if row.next_kind is not None and row.next_due is not None:
            lines.append(f"Ближайший срок — {row.next_kind.label}: {row.due_text} (осталось: {row.time_left}).")
        elif row.status.final:
            lines.append(f"Заявка завершена: «{row.status.label}».")
        if row.late:
            lines.append("Подана позже срока: оператор может отказать (п. 4.5.1).")
        if column == COL_AGENT and row.agent_name:
            lines.append(f"Исполнитель: {row.agent_name}.")
        return "\n".join(lines)

    def cell_data(self, row: TicketRow, column: int, role: int) -> object:
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tooltip(row, column)
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(QColor(LOOKS[row.urgency].background))
        if role == Qt.ItemDataRole.ForegroundRole:
            if row.urgency is Urgency.FINISHED:
                return QBrush(QColor(LOOKS[Urgency.FINISHED].text))
            if column == COL_LEFT:
                return QBrush(QColor(LOOKS[row.urgency].text))
            return None
        if role == Qt.ItemDataRole.DecorationRole:
            return urgency_icon(row.urgency) if column == COL_NUMBER else None
        if role == Qt.ItemDataRole.FontRole:
            if column == COL_LEFT and row.urgency in (Urgency.OVERDUE, Urgency.DUE_TODAY, Urgency.LATE):
                font = QFont()
                font.setBold(True)
                return font
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return CENTERED if column in (COL_EVENT, COL_DUE, COL_LEFT) else LEFT
        if role == IdRole:
            return row.id
        if role == UrgencyRole:
            return row.urgency.value
        return None

    def header_tip(self, section: int) -> str | None:
        if section == COL_DUE:
            return "Ближайший срок заявки: отчёт исполнителя, ответ заявителя или само мероприятие"
        if section == COL_LEFT:
            return "Рабочих дней до ближайшего срока (какого — в подсказке строки)"
        if section == COL_EVENT:
            return "Дата мероприятия"
        return None


def tickets_table(parent: QWidget, model: TicketsModel) -> QTableView:
    """The queue's table: whole rows, fixed row height, columns wide enough for their Russian words."""
    table = record_table(parent, "tickets_table", model, row_padding=10)
    table.setTabKeyNavigation(False)
    header = table.horizontalHeader()
    header.setHighlightSections(False)
    header.setSectionsMovable(False)
    header.setStretchLastSection(False)
    metrics = table.fontMetrics()
    # The applicant's column takes what is left: «Фамилия И. О., класс», a long group elided (the tooltip has it).
    samples = {
        COL_NUMBER: "И-2026/0000",
        COL_SUBMITTED: "00.00.0000",
        COL_CATEGORY: "Информационная поддержка",
        COL_EVENT: "00.00.0000",
        COL_DUE: "00.00.0000",
        COL_LEFT: "просрочено_",  # bold
        COL_AGENT: "Смирнова О. П.",
        COL_STATUS: "Ожидание ответа заявителя",
    }
    for column, sample in samples.items():
        extra = 30 if column == COL_NUMBER else 14
        title = metrics.horizontalAdvance(TICKET_COLUMNS[column]) + 22
        table.setColumnWidth(column, max(metrics.horizontalAdvance(sample) + extra, title))
    table.setTextElideMode(Qt.TextElideMode.ElideRight)
    header.setSectionResizeMode(COL_CLIENT, QHeaderView.ResizeMode.Stretch)
    header.setMinimumSectionSize(40)
    return table


def _toggle(parent: QWidget, name: str, title: str, tip: str) -> QPushButton:
    button = QPushButton(title, parent)
    button.setObjectName(name)
    button.setCheckable(True)
    button.setToolTip(tip)
    button.setAutoDefault(False)
    button.setStyleSheet(PRESET_CHECKED_STYLE)
    return button


class TicketsView(QWidget):
    """Section «Заявки»: the operator's main screen; an agent sees their own tickets."""

    title = "Заявки"

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._applying = False
        ctx = services.ctx
        self.may_create = ctx.may(Action.TICKETS_CREATE)
        self.may_operate = ctx.may(Action.TICKETS_OPERATE)
        self.may_work = ctx.may(Action.TICKETS_WORK)
        self.may_manage_agents = ctx.may(Action.AGENTS_MANAGE)
        layout = QVBoxLayout(self)

        toggles = QHBoxLayout()
        toggles.setSpacing(4)
        self.mine_button = _toggle(self, "tickets_mine", "Мои заявки", "Заявки, где исполнитель — вы")
        self.operator_button = _toggle(
            self, "tickets_operator", "Ждут оператора",
            "Новые, с ответом заявителя, без исполнителя или с истёкшим сроком ответа заявителя",
        )  # fmt: skip
        self.urgent_button = _toggle(
            self, "tickets_urgent", "Срок сегодня и просрочено", "Ближайший срок сегодня или уже прошёл"
        )
        self.late_button = _toggle(
            self, "tickets_late", "Поданы позже срока", "Поданы позже последнего дня подачи (п. 4.1.1)"
        )
        self.toggles = (self.mine_button, self.operator_button, self.urgent_button, self.late_button)
        for button in self.toggles:
            toggles.addWidget(button)
        self.mine_button.setVisible(self.may_work)
        self.operator_button.setVisible(self.may_operate)
        toggles.addStretch(1)
        layout.addLayout(toggles)

        filters = QHBoxLayout()
        filters.addWidget(QLabel("Поиск:", self))
        self.search = QLineEdit(self)
        self.search.setObjectName("tickets_search")
        self.search.setPlaceholderText("номер, заявитель, контакт или текст")
        self.search.setToolTip("Ищет по номеру, заявителю, контакту и описанию заявки (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(self.fontMetrics().horizontalAdvance("номер, заявитель, контакт или текст") + 40)
        filters.addWidget(self.search, 1)
        filters.addSpacing(6)
        self.status_box = QComboBox(self)
        self.status_box.setObjectName("tickets_status")
        self.status_box.setToolTip("Статус заявки")
        self.status_box.addItem("Все активные", ALL_ACTIVE)
        self.status_box.addItem("Все", ALL)
        for status, label in STATUS_LABELS.items():
            self.status_box.addItem(label, status.value)
        filters.addWidget(self.status_box)
        self.category_box = QComboBox(self)
        self.category_box.setObjectName("tickets_category")
        self.category_box.setToolTip("Категория")
        self.category_box.addItem("Все категории", None)
        for category, label in CATEGORY_LABELS.items():
            self.category_box.addItem(label, category.value)
        filters.addWidget(self.category_box)
        self.agent_box = QComboBox(self)
        self.agent_box.setObjectName("tickets_agent")
        self.agent_box.setToolTip("Исполнитель")
        self.agent_box.setVisible(self.may_operate)
        filters.addWidget(self.agent_box)
        self.reset_button = QPushButton("Сбросить", self)
        self.reset_button.setObjectName("tickets_reset")
        self.reset_button.setToolTip("Показать все активные заявки без других условий")
        self.reset_button.setAutoDefault(False)
        filters.addWidget(self.reset_button)
        layout.addLayout(filters)
        self._fill_agents()

        self.model = TicketsModel(services.tickets, self)
        self.table = tickets_table(self, self.model)
        self.table.horizontalHeader().setSortIndicator(COL_DUE, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        layout.addWidget(self.table, 1)

        under = QHBoxLayout()
        self.legend = UrgencyLegend(self, TICKET_LEGEND_ORDER)
        under.addWidget(self.legend)
        under.addStretch(1)
        self.count_label = QLabel(self)
        self.count_label.setObjectName("tickets_count")
        font = self.count_label.font()
        font.setBold(True)
        self.count_label.setFont(font)
        under.addWidget(self.count_label)
        layout.addLayout(under)
        self.banner = Banner(self)
        self.banner.setObjectName("tickets_banner")
        layout.addWidget(self.banner)

        buttons = QHBoxLayout()
        self.new_button = QPushButton("Новая заявка…", self)
        self.new_button.setObjectName("tickets_new")
        self.new_button.setToolTip("Ctrl+N")
        self.open_button = QPushButton("Открыть карточку", self)
        self.open_button.setObjectName("tickets_open")
        self.open_button.setToolTip("Enter или двойной щелчок по строке")
        self.agents_button = QPushButton("Исполнители…", self)
        self.agents_button.setObjectName("tickets_agents")
        self.agents_button.setToolTip("Специализации, отсутствия и загрузка исполнителей")
        self.export_button = QPushButton("Выгрузить в Excel…", self)
        self.export_button.setObjectName("tickets_export")
        self.export_button.setToolTip("Реестр заявок: номера, даты, сроки, «Подана в срок», исполнители, статусы")
        self.refresh_button = QPushButton("Обновить", self)
        self.refresh_button.setObjectName("tickets_refresh")
        self.refresh_button.setToolTip("F5")
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        buttons.addWidget(self.agents_button)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.refresh_button)
        layout.addLayout(buttons)
        self.new_button.setVisible(self.may_create)
        self.agents_button.setVisible(self.may_manage_agents)
        self.export_button.setVisible(ctx.may(Action.TICKETS_EXPORT))

        self.search_timer = QTimer(self)
        self.search_timer.setSingleShot(True)
        self.search_timer.setInterval(SEARCH_DELAY_MS)
        self.search_timer.timeout.connect(self.apply)
        self.search.textChanged.connect(lambda _text: self.search_timer.start())
        self.search.returnPressed.connect(self._search_now)
        for button in self.toggles:
            button.toggled.connect(lambda _on: self.apply())
        for box in (self.status_box, self.category_box, self.agent_box):
            box.currentIndexChanged.connect(lambda _i: self.apply())
        self.reset_button.clicked.connect(self.reset)
        self.table.activated.connect(lambda index: self.open_row(index.row()))
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.model.modelReset.connect(self._update_buttons)
        self.new_button.clicked.connect(self.new_ticket)
        self.open_button.clicked.connect(self.open_selected)
        self.agents_button.clicked.connect(self.manage_agents)
        self.export_button.clicked.connect(self.export)
        self.refresh_button.clicked.connect(self.refresh)
        QShortcut(QKeySequence.StandardKey.Find, self, activated=self.focus_search)
        QShortcut(QKeySequence("F5"), self, activated=self.refresh)
        if self.may_create:
            QShortcut(QKeySequence.StandardKey.New, self, activated=self.new_ticket)
        self.search.installEventFilter(self)
        self.apply()

    # -- the filter -----------------------------------------------------------------------------------------

    def _fill_agents(self) -> None:
        if not self.may_operate:
            return
        keep = self.agent_box.currentData()
        self._applying = True
        try:
            self.agent_box.clear()
            self.agent_box.addItem("Все исполнители", None)
            try:
                agents = self._services.tickets.agents()
            except ServiceError:
                agents = []
            for agent in agents:
                self.agent_box.addItem(agent.name, agent.user_id)
            self.agent_box.setCurrentIndex(max(0, self.agent_box.findData(keep)))
        finally:
            self._applying = False

    def current_filter(self) -> TicketFilter:
        status = self.status_box.currentData()
        category = self.category_box.currentData()
        agent = self.agent_box.currentData() if self.may_operate else None
        flt = TicketFilter()
        if status == ALL_ACTIVE:
            flt = dataclasses.replace(flt, active=True)
        elif status != ALL:
            flt = dataclasses.replace(flt, statuses=frozenset({Status(status)}))
        return dataclasses.replace(
            flt,
            category=Category(category) if category else None,
            agent_id=int(agent) if agent is not None else None,
            mine=self.mine_button.isChecked() and self.may_work,
            needs_operator=self.operator_button.isChecked(),
            urgent=self.urgent_button.isChecked(),
            late=self.late_button.isChecked(),
            search=self.search.text().strip(),
        )

    def apply(self, select: int | None = None) -> None:
        """Show the tickets matching the filters; keep (or put) the selection on ticket `select`."""
        if self._applying:
            return
        self.search_timer.stop()
        keep = select if select is not None else self.selected_id()
        try:
            self.model.set_filter(self.current_filter())
        except ServiceError as exc:
            self.count_label.setText("")
            self.banner.show_message(str(exc), "warning")
            return
        n = self.model.total
        self.count_label.setText(f"Найдено: {n}")
        self.count_label.setToolTip(f"{n} {plural(n, 'заявка', 'заявки', 'заявок')} по выбранным условиям")
        found = keep is not None and self.select_ticket(keep, fetch=select is not None)
        if not found and self.model.rowCount():
            self.table.selectRow(0)
            self.table.scrollToTop()

    def reset(self) -> None:
        self._applying = True
        try:
            for button in self.toggles:
                button.setChecked(False)
            self.status_box.setCurrentIndex(0)
            self.category_box.setCurrentIndex(0)
            self.agent_box.setCurrentIndex(0)
            self.search.clear()
        finally:
            self._applying = False
        self.banner.show_message(None)
        self.apply()

    def _search_now(self) -> None:
        self.apply()
        if self.model.rowCount():
            self.table.setFocus()
            if not self.table.selectionModel().hasSelection():
                self.table.selectRow(0)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """↓ in the search box goes down to the table."""
        down = (
            watched is self.search and event.type() == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_Down  # type: ignore[attr-defined]
        )
        if down and self.model.rowCount():
            if self.search_timer.isActive():
                self.apply()
            self.table.setFocus()
            if not self.table.selectionModel().hasSelection():
                self.table.selectRow(0)
            return True
        return super().eventFilter(watched, event)

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def export(self) -> None:
        """The whole register of tickets to Excel."""
        export_register(
            self, self.banner, "Выгрузить реестр заявок", "Реестр заявок", self._services.settings.today(),
            self._services.tickets_io.export, ("заявка", "заявки", "заявок"),
        )  # fmt: skip

    def refresh(self) -> None:
        self._fill_agents()
        self.apply()

    # -- the selection --------------------------------------------------------------------------------------

    def selected_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or not 0 <= rows[0].row() < self.model.rowCount():
            return None
        return self.model.row(rows[0].row()).id

    def select_ticket(self, ticket_id: int, *, fetch: bool = True) -> bool:
        row = self.model.find(ticket_id) if fetch else self.model.row_of(ticket_id)
        if row is None:
            return False
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))
        return True

    def _update_buttons(self) -> None:
        self.open_button.setEnabled(self.selected_id() is not None)

    # -- actions --------------------------------------------------------------------------------------------

    def open_row(self, row: int) -> None:
        if 0 <= row < self.model.rowCount():
            self.open_ticket(self.model.row(row).id)

    def open_selected(self) -> None:
        ticket_id = self.selected_id()
        if ticket_id is not None:
            self.open_ticket(ticket_id)

    def open_ticket(self, ticket_id: int) -> None:
        card = open_ticket(self._services, ticket_id, self)
        if card.changed:
            self.apply(select=ticket_id)
        self.table.setFocus()

    def new_ticket(self) -> None:
        if not self.may_create:
            return
        dialog = NewTicketDialog(self._services, self)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.result_card is None:
            return
        card = dialog.result_card
        self.apply(select=card.id)
        if not self.select_ticket(card.id):
            self.reset()
            self.select_ticket(card.id)
        late = " Подана позже срока: оператор решит, принять ли её." if card.row.late else ""
        self.banner.show_message(
            f"Заявка подана: {card.number}. Подать нужно было не позднее {card.terms.submit_by:%d.%m.%Y}, "
            f"отчёт исполнителя — до {card.terms.report_by:%d.%m.%Y}.{late}",
            "warning" if card.row.late else "ok",
        )
        self.table.setFocus()

    def manage_agents(self) -> None:
        if not self.may_manage_agents:
            return
        AgentsDialog(self._services, self).exec()
        self.refresh()


# -- the operator's agents ----------------------------------------------------------------------------------------


class AgentsDialog(QDialog):
    """«Исполнители»: each agent with their specialisations, absences, open tickets and whether they are away
    today; the operator ticks the categories and adds or removes absences (seed 002 §3.1.3)."""

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self.agents: list[AgentView] = []
        self.setWindowTitle("Исполнители")
        self.setMinimumSize(860, 520)
        body = QVBoxLayout(self)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.setChildrenCollapsible(False)
        self.list = QListWidget(split)
        self.list.setObjectName("agents_list")
        self.list.setMinimumWidth(self.fontMetrics().horizontalAdvance("Константинова Мария Петровна") + 40)
        self.list.setSpacing(3)
        right = QWidget(split)
        panel = QVBoxLayout(right)
        panel.setContentsMargins(8, 0, 0, 0)
        self.summary = QLabel(right)
        self.summary.setObjectName("agent_summary")
        self.summary.setWordWrap(True)
        panel.addWidget(self.summary)

        cats = QGroupBox("Специализации", right)
        cats_layout = QVBoxLayout(cats)
        self.category_boxes: dict[Category, QCheckBox] = {}
        for category, label in CATEGORY_LABELS.items():
            box = QCheckBox(label, cats)
            box.setObjectName(f"spec_{category.value}")
            self.category_boxes[category] = box
            cats_layout.addWidget(box)
        self.save_specs = QPushButton("Сохранить специализации", cats)
        self.save_specs.setObjectName("save_specialisations")
        cats_layout.addWidget(self.save_specs, 0, Qt.AlignmentFlag.AlignLeft)
        panel.addWidget(cats)

        away = QGroupBox("Отсутствия (сегодня и дальше)", right)
        away_layout = QVBoxLayout(away)
        self.absences = QListWidget(away)
        self.absences.setObjectName("absences_list")
        self.absences.setMaximumHeight(self.fontMetrics().lineSpacing() * 5 + 12)
        away_layout.addWidget(self.absences)
        self.remove_absence_button = QPushButton("Удалить отсутствие…", away)
        self.remove_absence_button.setObjectName("remove_absence")
        away_layout.addWidget(self.remove_absence_button, 0, Qt.AlignmentFlag.AlignLeft)
        add = QFormLayout()
        today = services.settings.today()
        dates = QHBoxLayout()
        self.absence_from = QDateEdit(qdate(today), away)
        self.absence_to = QDateEdit(qdate(today), away)
        for edit, name in ((self.absence_from, "absence_from"), (self.absence_to, "absence_to")):
            edit.setObjectName(name)
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd.MM.yyyy")
        dates.addWidget(self.absence_from)
        dates.addWidget(QLabel("–", away))
        dates.addWidget(self.absence_to)
        dates.addStretch(1)
        add.addRow("Отсутствует с … по:", dates)
        self.absence_reason = QLineEdit(away)
        self.absence_reason.setObjectName("absence_reason")
        self.absence_reason.setPlaceholderText("отпуск, больничный, командировка…")
        add.addRow("Причина:", self.absence_reason)
        self.add_absence_button = QPushButton("Добавить отсутствие", away)
        self.add_absence_button.setObjectName("add_absence")
        add.addRow("", self.add_absence_button)
        away_layout.addLayout(add)
        self.absence_error = ErrorLabel(away)
        self.absence_error.setObjectName("absence_error")
        away_layout.addWidget(self.absence_error)
        panel.addWidget(away)
        panel.addStretch(1)
        split.addWidget(self.list)
        split.addWidget(right)
        split.setStretchFactor(1, 1)
        body.addWidget(split, 1)
        self.banner = Banner(self)
        self.banner.setObjectName("agents_banner")
        body.addWidget(self.banner)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.button(QDialogButtonBox.StandardButton.Close).setText("Закрыть")
        close.rejected.connect(self.reject)
        body.addWidget(close)

        self.list.currentRowChanged.connect(lambda _r: self._show_current())
        self.absences.currentRowChanged.connect(lambda _r: self._update_buttons())
        self.save_specs.clicked.connect(self.save_specialisations)
        self.add_absence_button.clicked.connect(self.add_absence)
        self.remove_absence_button.clicked.connect(self.remove_absence)
        self.load()

    def load(self, keep: int | None = None) -> None:
        try:
            self.agents = self._services.tickets.agents()
        except ServiceError as exc:
            self.banner.show_message(str(exc), "warning")
            self.agents = []
        self.list.clear()
        for agent in self.agents:
            item = QListWidgetItem(self._line(agent), self.list)
            item.setData(Qt.ItemDataRole.UserRole, agent.user_id)
            cats = ", ".join(c.label for c in Category if c in agent.categories) or "без специализации"
            item.setToolTip(f"Специализации: {cats}")
            if agent.absent_today:
                item.setForeground(QColor("#8d4e2a"))
        if not self.agents:
            self.summary.setText("В школе нет исполнителей: добавьте пользователя с ролью «исполнитель».")
        ids = [a.user_id for a in self.agents]
        self.list.setCurrentRow(ids.index(keep) if keep in ids else (0 if ids else -1))
        self._show_current()

    @staticmethod
    def _line(agent: AgentView) -> str:
        """«Имя\n1 открытая заявка · сегодня отсутствует»: the specialisations are in the tooltip and on the right."""
        away = " · сегодня отсутствует" if agent.absent_today else ""
        return f"{agent.name}\n{rules.load_text(agent.open_tickets)}{away}"

    def current(self) -> AgentView | None:
        row = self.list.currentRow()
        return self.agents[row] if 0 <= row < len(self.agents) else None

    def _show_current(self) -> None:
        agent = self.current()
        for box in self.category_boxes.values():
            box.setEnabled(agent is not None)
            box.setChecked(False)
        self.absences.clear()
        if agent is None:
            self._update_buttons()
            return
        away = "<span style='color:#8d4e2a'><b>сегодня отсутствует</b></span>" if agent.absent_today else "сегодня на месте"
        self.summary.setText(
            f"<b>{html.escape(agent.name)}</b> ({html.escape(agent.login)}): "
            f"{rules.load_text(agent.open_tickets)}, {away}."
        )
        for category, box in self.category_boxes.items():
            box.setChecked(category in agent.categories)
        for absence in agent.absences:
            item = QListWidgetItem(absence.text, self.absences)
            item.setData(Qt.ItemDataRole.UserRole, absence.id)
        if not agent.absences:
            placeholder = QListWidgetItem("отсутствий не запланировано", self.absences)
            placeholder.setFlags(Qt.ItemFlag.NoItemFlags)
            placeholder.setForeground(QColor("#80868b"))
        self._update_buttons()

    def _update_buttons(self) -> None:
        agent = self.current()
        self.save_specs.setEnabled(agent is not None)
        self.add_absence_button.setEnabled(agent is not None)
        item = self.absences.currentItem()
        self.remove_absence_button.setEnabled(item is not None and item.data(Qt.ItemDataRole.UserRole) is not None)

    def save_specialisations(self) -> None:
        agent = self.current()
        if agent is None:
            return
        chosen = [c for c, box in self.category_boxes.items() if box.isChecked()]
        try:
            self._services.tickets.set_specialisations(agent.user_id, chosen)
        except ServiceError as exc:
            self.banner.show_message(str(exc), "warning")
            return
        self.load(agent.user_id)
        self.banner.show_message(f"Специализации сохранены: {agent.name}.", "ok")

    def add_absence(self) -> None:
        agent = self.current()
        if agent is None:
            return
        self.absence_error.show_error(None)
        try:
            self._services.tickets.add_absence(
                agent.user_id,
                pydate(self.absence_from.date()),
                pydate(self.absence_to.date()),
                self.absence_reason.text(),
            )
        except ValidationError as exc:
            self.absence_error.show_error("\n".join(exc.fields.values()) or str(exc))
            return
        except ServiceError as exc:
            self.absence_error.show_error(str(exc))
            return
        self.absence_reason.clear()
        self.load(agent.user_id)
        self.banner.show_message(f"Отсутствие добавлено: {agent.name}.", "ok")

    def remove_absence(self) -> None:
        agent = self.current()
        item = self.absences.currentItem()
        if agent is None or item is None or item.data(Qt.ItemDataRole.UserRole) is None:
            return
        if not confirm(
            self, "Удалить отсутствие", f"Удалить отсутствие {item.text()} у исполнителя {agent.name}?", "Удалить"
        ):
            return
        try:
            self._services.tickets.remove_absence(int(item.data(Qt.ItemDataRole.UserRole)))
        except ServiceError as exc:
            self.banner.show_message(str(exc), "warning")
            return
        self.load(agent.user_id)
        self.banner.show_message(f"Отсутствие удалено: {agent.name}.", "ok")


__all__ = ["AgentsDialog", "TicketsModel", "TicketsView"]
