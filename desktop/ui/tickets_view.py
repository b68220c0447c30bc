"""Section «Заявки»: the initiative tickets' queue (seed 002), paged, sorted and filtered in the database, with
each ticket's next term in sight; and the operator's «Исполнители» (specialisations, absences, load)."""

from __future__ import annotations

import dataclasses
import html

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
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
from desktop.domain.tickets import CATEGORY_LABELS, STATUS_LABELS, Category, Status, Urgency
from desktop.services.errors import ServiceError, ValidationError
from desktop.services.registry import Services
from desktop.services.tickets import AgentView, TicketFilter, TicketRow, TicketSort, TicketsService
from desktop.ui.appeal_dialogs import export_register
from desktop.ui.queue_view import (
    QueueModel,
    QueueSection,
    queue_table,
    toggle_button,
)
from desktop.ui.ticket_card import open_ticket
from desktop.ui.ticket_dialogs import NewTicketDialog, pydate, qdate
from desktop.ui.urgency import TICKET_LEGEND_ORDER, UrgencyLegend, urgency_text
from desktop.ui.widgets import Banner, ErrorLabel, confirm

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


#: The status filter's first two choices, then each status.
ALL_ACTIVE = "active"
ALL = "all"


class TicketsModel(QueueModel[TicketRow, TicketFilter]):
    """The tickets matching a filter in the order asked for, a page at a time; a header click sorts in the
    database."""

    columns = TICKET_COLUMNS
    sort_keys = SORT_KEYS
    icon_column = COL_NUMBER
    left_column = COL_LEFT
    centered = (COL_EVENT, COL_DUE, COL_LEFT)
    bold_urgencies = (Urgency.OVERDUE, Urgency.DUE_TODAY, Urgency.LATE)
    done_urgency = Urgency.FINISHED

    def __init__(self, tickets: TicketsService, parent: QObject | None = None) -> None:
        super().__init__(tickets, TicketFilter(active=True), TicketSort.DUE, parent)

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
            (
                f"Подана {row.submitted_at:%d.%m.%Y в %H:%M}; категория «{row.category.label}»; "
                f"мероприятие {row.event_date:%d.%m.%Y}."
            ),
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
        return self.urgency_data(row, column, role)

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
    # The applicant's column takes what is left: «Фамилия И. О., класс», a long group elided (the tooltip has it).
    samples: dict[int, str | tuple[str, ...]] = {
        COL_NUMBER: "И-2026/0000",
        COL_SUBMITTED: "00.00.0000",
        COL_CATEGORY: "Информационная поддержка",
        COL_EVENT: "00.00.0000",
        COL_DUE: "00.00.0000",
        COL_LEFT: "просрочено_",  # bold
        COL_AGENT: "Смирнова О. П.",
        COL_STATUS: "Ожидание ответа заявителя",
    }
    table = queue_table(parent, "tickets_table", model, samples, COL_CLIENT, pad=14, title_pad=22)
    table.setTextElideMode(Qt.TextElideMode.ElideRight)
    return table


class TicketsView(QueueSection):
    """Section «Заявки»: the operator's main screen; an agent sees their own tickets."""

    title = "Заявки"
    nouns = ("заявка", "заявки", "заявок")

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(services, parent)
        ctx = services.ctx
        self.may_create = ctx.may(Action.TICKETS_CREATE)
        self.may_operate = ctx.may(Action.TICKETS_OPERATE)
        self.may_work = ctx.may(Action.TICKETS_WORK)
        self.may_manage_agents = ctx.may(Action.AGENTS_MANAGE)
        layout = QVBoxLayout(self)

        toggles = QHBoxLayout()
        toggles.setSpacing(4)
        self.mine_button = toggle_button(self, "tickets_mine", "Мои заявки", "Заявки, где исполнитель — вы")
        self.operator_button = toggle_button(
            self, "tickets_operator", "Ждут оператора",
            "Новые, с ответом заявителя, без исполнителя или с истёкшим сроком ответа заявителя",
        )  # fmt: skip
        self.urgent_button = toggle_button(
            self, "tickets_urgent", "Срок сегодня и просрочено", "Ближайший срок сегодня или уже прошёл"
        )
        self.late_button = toggle_button(
            self, "tickets_late", "Поданы позже срока", "Поданы позже последнего дня подачи (п. 4.1.1)"
        )
        self.toggles = (self.mine_button, self.operator_button, self.urgent_button, self.late_button)
        for button in self.toggles:
            toggles.addWidget(button)
        self.mine_button.setVisible(self.may_work)
        self.operator_button.setVisible(self.may_operate)
        toggles.addStretch(1)
        layout.addLayout(toggles)

        filters = self.search_row(
            "tickets_search", "номер, заявитель, контакт или текст",
            "Ищет по номеру, заявителю, контакту и описанию заявки (Ctrl+F)",
        )  # fmt: skip
        self.status_box = self.combo(
            "tickets_status", "Статус заявки",
            [("Все активные", ALL_ACTIVE), ("Все", ALL), *((label, s.value) for s, label in STATUS_LABELS.items())],
        )  # fmt: skip
        filters.addWidget(self.status_box)
        self.category_box = self.combo(
            "tickets_category", "Категория",
            [("Все категории", None), *((label, c.value) for c, label in CATEGORY_LABELS.items())],
        )  # fmt: skip
        filters.addWidget(self.category_box)
        self.agent_box = self.combo("tickets_agent", "Исполнитель", ())
        self.agent_box.setVisible(self.may_operate)
        filters.addWidget(self.agent_box)
        self.reset_button = self.button("tickets_reset", "Сбросить", "Показать все активные заявки без других условий")
        self.reset_button.setAutoDefault(False)
        filters.addWidget(self.reset_button)
        layout.addLayout(filters)
        self._fill_agents()

        self.model = TicketsModel(services.tickets, self)
        self.add_table(
            layout, tickets_table(self, self.model), COL_DUE, UrgencyLegend(self, TICKET_LEGEND_ORDER), "tickets"
        )

        buttons = QHBoxLayout()
        self.new_button = self.button("tickets_new", "Новая заявка…", "Ctrl+N")
        self.open_button = self.button("tickets_open", "Открыть карточку", "Enter или двойной щелчок по строке")
        self.agents_button = self.button(
            "tickets_agents", "Исполнители…", "Специализации, отсутствия и загрузка исполнителей"
        )
        self.export_button = self.button(
            "tickets_export", "Выгрузить в Excel…",
            "Реестр заявок: номера, даты, сроки, «Подана в срок», исполнители, статусы",
        )  # fmt: skip
        self.refresh_button = self.button("tickets_refresh", "Обновить", "F5")
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

        self.connect_queue(self.new_ticket if self.may_create else None)
        for button in self.toggles:
            button.toggled.connect(lambda _on: self.apply())
        for box in (self.status_box, self.category_box, self.agent_box):
            box.currentIndexChanged.connect(lambda _i: self.apply())
        self.reset_button.clicked.connect(self.reset)
        self.new_button.clicked.connect(self.new_ticket)
        self.agents_button.clicked.connect(self.manage_agents)
        self.export_button.clicked.connect(self.export)
        self.apply()

    # -- the filter -----------------------------------------------------------------------------------------

    def _fill_agents(self) -> None:
        if not self.may_operate:
            return
        keep = self.agent_box.currentData()
        with self.quietly():
            self.agent_box.clear()
            self.agent_box.addItem("Все исполнители", None)
            try:
                agents = self._services.tickets.agents()
            except ServiceError:
                agents = []
            for agent in agents:
                self.agent_box.addItem(agent.name, agent.user_id)
            self.agent_box.setCurrentIndex(max(0, self.agent_box.findData(keep)))

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

    def reset(self) -> None:
        with self.quietly():
            for button in self.toggles:
                button.setChecked(False)
            self.status_box.setCurrentIndex(0)
            self.category_box.setCurrentIndex(0)
            self.agent_box.setCurrentIndex(0)
            self.search.clear()
        self.banner.show_message(None)
        self.apply()

    def export(self) -> None:
        """The whole register of tickets to Excel."""
        export_register(
            self, self.banner, "Выгрузить реестр заявок", "Реестр заявок", self._services.settings.today(),
            self._services.tickets_io.export, ("заявка", "заявки", "заявок"),
        )  # fmt: skip

    def refresh(self) -> None:
        self._fill_agents()
        self.apply()

    select_ticket = QueueSection.select_record

    # -- actions --------------------------------------------------------------------------------------------

    def open_record(self, record_id: int) -> None:
        self.open_ticket(record_id)

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
