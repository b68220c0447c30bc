"""Section «Обращения»: the queue with every deadline in sight, paged, sorted and filtered in the database."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from PySide6.QtCore import QDate, QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QBrush, QColor, QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDateEdit,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.access import Action
from desktop.domain.appeals import LEVEL_LABELS, RUBRIC_LABELS, Level, Rubric, Urgency
from desktop.domain.russian import plural
from desktop.services.appeals import AppealFilter, AppealRow, AppealsService, SortKey
from desktop.services.errors import ServiceError
from desktop.services.registry import Services
from desktop.ui.appeal_card import open_card
from desktop.ui.appeal_dialogs import RegisterDialog, export_register
from desktop.ui.paged_model import PagedRowsModel
from desktop.ui.urgency import LOOKS, UrgencyLegend, notice_icon, urgency_icon, urgency_text
from desktop.ui.widgets import Banner, record_table

APPEAL_COLUMNS = (
    "Номер",
    "Зарегистрировано",
    "Заявитель",
    "Рубрика",
    "Уровень",
    "Срок",
    "Осталось",
    "Статус",
    "Повтор",
)
(COL_NUMBER, COL_REGISTERED, COL_APPLICANT, COL_RUBRIC, COL_LEVEL, COL_DUE, COL_LEFT, COL_STATUS,
 COL_REPEAT) = range(len(APPEAL_COLUMNS))  # fmt: skip
#: What a click on each column's header sorts by (in the database).
SORT_KEYS = (
    SortKey.NUMBER,
    SortKey.REGISTERED,
    SortKey.APPLICANT,
    SortKey.RUBRIC,
    SortKey.LEVEL,
    SortKey.DUE,
    SortKey.DUE,
    SortKey.STATUS,
    SortKey.REPEAT,
)
#: How long typing in the search box must pause before the queue is searched.
SEARCH_DELAY_MS = 300

#: The levels as the table and its filter name them, to fit a column; the full name is in the tooltip and on the card.
LEVEL_SHORT: dict[Level, str] = {
    Level.DEPUTY: "Заместитель директора",
    Level.DIRECTOR: "Директор",
    Level.MUNICIPAL: "Муниципальный орган",
    Level.DEPARTMENT: "Департамент образования",
    Level.SUI: "СУИ",
}

IdRole = Qt.ItemDataRole.UserRole + 1  # int: the appeal's id
UrgencyRole = Qt.ItemDataRole.UserRole + 2  # str: the row's Urgency value

CENTERED = int(Qt.AlignmentFlag.AlignCenter)
LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)


@dataclass(frozen=True)
class Preset:
    """A ready filter of the queue: a button above it, or a count in the director's view."""

    key: str
    title: str
    filter: AppealFilter
    tip: str


PRESETS: tuple[Preset, ...] = (
    Preset("all", "Все", AppealFilter(), "Все обращения: и ждущие ответа, и с ответом"),
    Preset(
        "open", "На рассмотрении", AppealFilter(answered=False), "Ещё без ответа: в школе, вне её и в СУИ"
    ),
    Preset("mine", "Мой уровень", AppealFilter(mine=True), "Ждут ответа на вашем уровне"),
    Preset(
        "urgent",
        "Просрочено и срок сегодня",
        AppealFilter(urgent=True),
        "Без ответа, а срок уже прошёл или истекает сегодня",
    ),
    Preset(
        "escalated",
        "Передано выше",
        AppealFilter(escalated=True),
        "Здесь потому, что нижний уровень пропустил свой срок",
    ),
    Preset(
        "left_school",
        "Ушло из школы",
        AppealFilter(left_school=True),
        "Без ответа ушли в муниципальный орган управления образованием или в Департамент",
    ),
    Preset("answered", "С ответом", AppealFilter(answered=True), "Обращения, на которые дан ответ"),
    Preset(
        "notices",
        "Уведомления в Департамент",
        AppealFilter(notices=True),
        "5-е и следующие повторные обращения в цепочке: о них уведомлён Департамент",
    ),
)
PRESET_CHECKED_STYLE = (
    "QPushButton:checked { background: #1f5fa8; color: white; border: 1px solid #174a84; border-radius: 3px;"
    " padding: 4px 8px; }"
)
PRESETS_BY_KEY = {preset.key: preset for preset in PRESETS}
DEFAULT_PRESET = "open"


class AppealsModel(PagedRowsModel[AppealRow]):
    """The appeals matching a filter in the order asked for, fetched a page at a time as the view scrolls down
    (`canFetchMore` / `fetchMore`); a header click sorts in the database (`sort`)."""

    columns = APPEAL_COLUMNS

    def __init__(self, appeals: AppealsService, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._appeals = appeals
        self._filter = AppealFilter()
        self._sort = SortKey.DUE
        self._descending = False
        self._active = False

    @property
    def filter(self) -> AppealFilter:
        return self._filter

    @property
    def sort_key(self) -> tuple[SortKey, bool]:
        return self._sort, self._descending

    def set_filter(self, flt: AppealFilter) -> None:
        """Show the appeals matching `flt` from the first in the current order."""
        self._filter = flt
        self._active = True
        self.reload()

    def read_total(self) -> int:
        return self._appeals.count(self._filter)

    def read_page(self, offset: int, limit: int) -> list[AppealRow]:
        # Rows that moved while paging (an appeal answered meanwhile) may come again: kept once.
        return self._appeals.page(
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
    def text(row: AppealRow, column: int) -> str:
        if column == COL_NUMBER:
            return row.number
        if column == COL_REGISTERED:
            return f"{row.registered_at:%d.%m.%Y %H:%M}"
        if column == COL_APPLICANT:
            return row.applicant
        if column == COL_RUBRIC:
            return row.rubric.label
        if column == COL_LEVEL:
            return LEVEL_SHORT[row.level]
        if column == COL_DUE:
            return row.due_text
        if column == COL_LEFT:
            return row.time_left
        if column == COL_STATUS:
            return row.status.label
        if column == COL_REPEAT:
            return str(row.repeat_no) if row.repeat_no else "—"
        return ""

    @staticmethod
    def tooltip(row: AppealRow) -> str:
        lines = [f"{row.number}: {urgency_text(row.urgency)}.", f"Заявитель: {row.applicant}."]
        if row.answered_at is not None:
            lines.append(f"Ответ дан {row.answered_at:%d.%m.%Y %H:%M}.")
        else:
            due = (
                f"срок {row.due_text} (осталось: {row.time_left})"
                if row.due_date
                else "срока у этого уровня нет"
            )
            lines.append(f"{row.level.label}: {due}.")
        if row.repeat_no:
            lines.append(f"Повторное обращение № {row.repeat_no} в цепочке.")
        if row.notice:
            lines.append("О нём уведомлён Департамент образования и науки.")
        if row.external_number:
            lines.append(f"Номер в источнике: {row.external_number}.")
        return "\n".join(lines)

    def cell_data(self, row: AppealRow, column: int, role: int) -> object:
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tooltip(row)
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(QColor(LOOKS[row.urgency].background))
        if role == Qt.ItemDataRole.ForegroundRole:
            if row.urgency is Urgency.ANSWERED:
                return QBrush(QColor(LOOKS[Urgency.ANSWERED].text))
            if column == COL_LEFT:
                return QBrush(QColor(LOOKS[row.urgency].text))
            return None
        if role == Qt.ItemDataRole.DecorationRole:
            if column == COL_NUMBER:
                return urgency_icon(row.urgency)
            if column == COL_REPEAT and row.notice:
                return notice_icon()
            return None
        if role == Qt.ItemDataRole.FontRole:
            if column == COL_LEFT and row.urgency in (Urgency.OVERDUE, Urgency.DUE_TODAY):
                font = QFont()
                font.setBold(True)
                return font
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return CENTERED if column in (COL_DUE, COL_LEFT, COL_REPEAT) else LEFT
        if role == IdRole:
            return row.id
        if role == UrgencyRole:
            return row.urgency.value
        return None

    def header_tip(self, section: int) -> str | None:
        if section == COL_LEFT:
            return "Рабочих дней до конца срока на нынешнем уровне"
        if section == COL_DUE:
            return "Последний день срока на нынешнем уровне"
        if section == COL_REPEAT:
            return "Номер повтора в цепочке; конверт — уведомлён Департамент"
        return None


def appeals_table(parent: QWidget, name: str, model: AppealsModel) -> QTableView:
    """The queue's table: whole rows, fixed row height, columns wide enough for their Russian words."""
    table = record_table(parent, name, model, row_padding=10)
    table.setTabKeyNavigation(False)
    header = table.horizontalHeader()
    header.setHighlightSections(False)
    header.setSectionsMovable(False)
    header.setStretchLastSection(False)
    metrics = table.fontMetrics()
    samples = {
        COL_NUMBER: "О-2026/0000",
        COL_REGISTERED: "00.00.0000 00:00",
        COL_RUBRIC: "Технический вопрос",
        COL_LEVEL: max(LEVEL_SHORT.values(), key=metrics.horizontalAdvance),
        COL_DUE: "00.00.0000",
        COL_LEFT: "просрочено_",  # bold
        COL_STATUS: "На рассмотрении",
        COL_REPEAT: "Повтор",
    }
    for column, sample in samples.items():
        extra = 30 if column == COL_NUMBER else 16  # the icon, the cell's margins
        title = metrics.horizontalAdvance(APPEAL_COLUMNS[column]) + 14
        table.setColumnWidth(column, max(metrics.horizontalAdvance(sample) + extra, title))
    header.setSectionResizeMode(COL_APPLICANT, QHeaderView.ResizeMode.Stretch)
    header.setMinimumSectionSize(40)
    return table


class OptionalDateEdit(QDateEdit):
    """A date that may be left empty: its lowest value reads «без даты»; the calendar opens on today's month."""

    EMPTY = QDate(2000, 1, 1)

    def __init__(self, today: dt.date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._today = today
        self.setCalendarPopup(True)
        self.setDisplayFormat("dd.MM.yyyy")
        self.setMinimumDate(self.EMPTY)
        self.setSpecialValueText("без даты")
        self.setDate(self.EMPTY)
        self.calendarWidget().installEventFilter(self)

    def value(self) -> dt.date | None:
        day = self.date()
        return None if day == self.EMPTY else dt.date(day.year(), day.month(), day.day())

    def set_value(self, day: dt.date | None) -> None:
        self.setDate(self.EMPTY if day is None else QDate(day.year, day.month, day.day))

    def set_today(self, today: dt.date) -> None:
        self._today = today

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.calendarWidget()
            and event.type() == QEvent.Type.Show
            and self.date() == self.EMPTY
        ):
            self.calendarWidget().setCurrentPage(self._today.year, self._today.month)
        return False


class AppealsView(QWidget):
    """Section «Обращения»: the deputy director's main screen."""

    title = "Обращения"

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._applying = False
        self._filter_warning = False
        self.may_register = services.ctx.may(Action.APPEALS_REGISTER)
        self.may_export = services.ctx.may(Action.APPEALS_EXPORT)
        today = services.settings.today()
        layout = QVBoxLayout(self)

        presets = QHBoxLayout()
        presets.setSpacing(4)
        self.preset_group = QButtonGroup(self)
        self.preset_group.setExclusive(True)
        self.preset_buttons: dict[str, QPushButton] = {}
        has_level = bool(services.appeals.my_levels()) if services.ctx.may(Action.APPEALS_VIEW) else False
        for preset in PRESETS:
            button = QPushButton(preset.title, self)
            button.setObjectName(f"preset_{preset.key}")
            button.setCheckable(True)
            button.setToolTip(preset.tip)
            button.setAutoDefault(False)
            button.setStyleSheet(PRESET_CHECKED_STYLE)
            if preset.key == "mine" and not has_level:
                button.hide()  # the secretary answers at no level
            self.preset_group.addButton(button)
            self.preset_buttons[preset.key] = button
            presets.addWidget(button)
        presets.addStretch(1)
        layout.addLayout(presets)

        filters = QHBoxLayout()
        filters.addWidget(QLabel("Поиск:", self))
        self.search = QLineEdit(self)
        self.search.setObjectName("appeals_search")
        self.search.setPlaceholderText("номер, заявитель или текст")
        self.search.setToolTip("Ищет по номеру, заявителю и тексту обращения (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(self.fontMetrics().horizontalAdvance("номер, заявитель или текст") + 40)
        filters.addWidget(self.search, 1)
        filters.addSpacing(6)
        self.rubric_box = QComboBox(self)
        self.rubric_box.setObjectName("appeals_rubric")
        self.rubric_box.setToolTip("Рубрика")
        self.rubric_box.addItem("Все рубрики", None)
        for rubric, label in RUBRIC_LABELS.items():
            self.rubric_box.addItem(label, rubric.value)
        filters.addWidget(self.rubric_box)
        self.level_box = QComboBox(self)
        self.level_box.setObjectName("appeals_level")
        self.level_box.setToolTip("Уровень, на котором обращение сейчас")
        self.level_box.addItem("Все уровни", None)
        for level, label in LEVEL_LABELS.items():
            self.level_box.addItem(LEVEL_SHORT[level], level.value)
            self.level_box.setItemData(self.level_box.count() - 1, label, Qt.ItemDataRole.ToolTipRole)
        filters.addWidget(self.level_box)
        filters.addSpacing(6)
        period = QLabel("Период:", self)
        period.setToolTip("Дата регистрации обращения")
        filters.addWidget(period)
        self.date_from = OptionalDateEdit(today, self)
        self.date_from.setObjectName("appeals_from")
        self.date_from.setToolTip("С этого дня (без даты — с самого начала)")
        filters.addWidget(self.date_from)
        filters.addWidget(QLabel("–", self))
        self.date_to = OptionalDateEdit(today, self)
        self.date_to.setObjectName("appeals_to")
        self.date_to.setToolTip("По этот день включительно (без даты — по сегодня)")
        filters.addWidget(self.date_to)
        self.reset_button = QPushButton("Сбросить", self)
        self.reset_button.setObjectName("appeals_reset")
        self.reset_button.setToolTip("Показать обращения на рассмотрении без других условий")
        self.reset_button.setAutoDefault(False)
        filters.addWidget(self.reset_button)
        layout.addLayout(filters)

        self.model = AppealsModel(services.appeals, self)
        self.table = appeals_table(self, "appeals_table", self.model)
        self.table.horizontalHeader().setSortIndicator(COL_DUE, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        layout.addWidget(self.table, 1)

        under = QHBoxLayout()
        self.legend = UrgencyLegend(self)
        under.addWidget(self.legend)
        under.addStretch(1)
        self.count_label = QLabel(self)
        self.count_label.setObjectName("appeals_count")
        font = self.count_label.font()
        font.setBold(True)
        self.count_label.setFont(font)
        under.addWidget(self.count_label)
        layout.addLayout(under)
        self.banner = Banner(self)
        self.banner.setObjectName("appeals_banner")
        layout.addWidget(self.banner)

        buttons = QHBoxLayout()
        self.register_button = QPushButton("Зарегистрировать…", self)
        self.register_button.setObjectName("appeals_register")
        self.register_button.setToolTip("Новое обращение (Ctrl+N)")
        self.open_button = QPushButton("Открыть карточку", self)
        self.open_button.setObjectName("appeals_open")
        self.open_button.setToolTip("Enter или двойной щелчок по строке")
        self.export_button = QPushButton("Выгрузить в Excel…", self)
        self.export_button.setObjectName("appeals_export")
        self.export_button.setToolTip(
            "Реестр обращений за выбранный период (остальные условия не учитываются)"
        )
        self.refresh_button = QPushButton("Обновить", self)
        self.refresh_button.setObjectName("appeals_refresh")
        self.refresh_button.setToolTip("F5")
        buttons.addWidget(self.register_button)
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.refresh_button)
        layout.addLayout(buttons)
        self.register_button.setVisible(self.may_register)
        self.export_button.setVisible(self.may_export)

        self.search_timer = QTimer(self)
        self.search_timer.setSingleShot(True)
        self.search_timer.setInterval(SEARCH_DELAY_MS)
        self.search_timer.timeout.connect(self.apply)
        self.search.textChanged.connect(lambda _text: self.search_timer.start())
        self.search.returnPressed.connect(self._search_now)
        self.preset_group.buttonClicked.connect(lambda _button: self.apply())
        self.rubric_box.currentIndexChanged.connect(lambda _i: self.apply())
        self.level_box.currentIndexChanged.connect(lambda _i: self.apply())
        self.date_from.dateChanged.connect(lambda _d: self.apply())
        self.date_to.dateChanged.connect(lambda _d: self.apply())
        self.reset_button.clicked.connect(lambda: self.show_filter(DEFAULT_PRESET))
        self.table.activated.connect(lambda index: self.open_row(index.row()))
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.model.modelReset.connect(self._update_buttons)
        self.register_button.clicked.connect(self.register)
        self.open_button.clicked.connect(self.open_selected)
        self.export_button.clicked.connect(self.export)
        self.refresh_button.clicked.connect(self.refresh)
        QShortcut(QKeySequence.StandardKey.Find, self, activated=self.focus_search)
        QShortcut(QKeySequence("F5"), self, activated=self.refresh)
        if self.may_register:
            QShortcut(QKeySequence.StandardKey.New, self, activated=self.register)
        self.search.installEventFilter(self)

        self.preset_buttons[DEFAULT_PRESET].setChecked(True)
        self.apply()

    # -- the filter ---------------------------------------------------------------------------------------

    def preset(self) -> Preset:
        checked = self.preset_group.checkedButton()
        for key, button in self.preset_buttons.items():
            if button is checked:
                return PRESETS_BY_KEY[key]
        return PRESETS_BY_KEY[DEFAULT_PRESET]

    def current_filter(self) -> AppealFilter:
        rubric = self.rubric_box.currentData()
        level = self.level_box.currentData()
        return dataclasses.replace(
            self.preset().filter,
            rubric=Rubric(rubric) if rubric else None,
            level=Level(level) if level else None,
            date_from=self.date_from.value(),
            date_to=self.date_to.value(),
            search=self.search.text().strip(),
        )

    def apply(self, select: int | None = None) -> None:
        """Show the appeals matching the filters; keep (or put) the selection on appeal `select`."""
        if self._applying:
            return
        self.search_timer.stop()
        keep = select if select is not None else self.selected_id()
        flt = self.current_filter()
        if flt.date_from and flt.date_to and flt.date_from > flt.date_to:
            self.model.clear()
            self.count_label.setText("")
            self.banner.show_message("Начало периода позже его конца: исправьте даты.", "warning")
            self._filter_warning = True
            return
        try:
            self.model.set_filter(flt)
        except ServiceError as exc:
            self.count_label.setText("")
            self.banner.show_message(str(exc), "warning")
            self._filter_warning = True
            return
        if self._filter_warning:
            self.banner.show_message(None)  # the warning about the last filter no longer holds
            self._filter_warning = False
        n = self.model.total
        self.count_label.setText(f"Найдено: {n}")
        self.count_label.setToolTip(
            f"{n} {plural(n, 'обращение', 'обращения', 'обращений')} по выбранным условиям"
        )
        found = keep is not None and self.select_appeal(keep, fetch=select is not None)
        if not found and self.model.rowCount():
            self.table.selectRow(0)  # the arrows and Enter work at once
            self.table.scrollToTop()

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

    def show_filter(self, preset: str, *, level: Level | None = None) -> None:
        """Show preset `preset` («urgent», «left_school», …), optionally at one level, with no other condition
        (the director's counts open the queue this way)."""
        self._applying = True
        try:
            self.preset_buttons[preset].setChecked(True)
            self.rubric_box.setCurrentIndex(0)
            self.level_box.setCurrentIndex(max(0, self.level_box.findData(level.value)) if level else 0)
            self.date_from.set_value(None)
            self.date_to.set_value(None)
            self.search.clear()
        finally:
            self._applying = False
        self.banner.show_message(None)
        self.apply()
        self.table.setFocus()
        if self.model.rowCount() and not self.table.selectionModel().hasSelection():
            self.table.selectRow(0)

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def refresh(self) -> None:
        """Read the queue again, keeping the selected appeal selected."""
        self.date_from.set_today(self._services.settings.today())
        self.date_to.set_today(self._services.settings.today())
        self.apply()

    # -- the selection --------------------------------------------------------------------------------------

    def selected_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or not 0 <= rows[0].row() < self.model.rowCount():
            return None
        return self.model.row(rows[0].row()).id

    def select_appeal(self, appeal_id: int, *, fetch: bool = True) -> bool:
        """Select the appeal's row; `fetch`: read further pages to find it (after registering, say), not only
        those already read (a change of filter must stay instant on a long queue)."""
        row = self.model.find(appeal_id) if fetch else self.model.row_of(appeal_id)
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
            self.open_appeal(self.model.row(row).id)

    def open_selected(self) -> None:
        appeal_id = self.selected_id()
        if appeal_id is not None:
            self.open_appeal(appeal_id)

    def open_appeal(self, appeal_id: int) -> None:
        """The appeal's card; afterwards the queue shows what changed, with the appeal last shown selected."""
        card = open_card(self._services, appeal_id, self)
        if card.changed:
            self.apply(select=card.current_id)
            if not self.select_appeal(card.current_id):
                self.select_appeal(appeal_id)
        self.table.setFocus()

    def register(self) -> None:
        if not self.may_register:
            return
        dialog = RegisterDialog(self._services, self)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.result_card is None:
            return
        card = dialog.result_card
        self.apply(select=card.id)
        if not self.select_appeal(card.id):
            self.show_filter(DEFAULT_PRESET)  # the filter hid it: show the queue it is in
            self.select_appeal(card.id)
        due = f", срок — {card.row.due_text}" if card.row.due_date else ""
        self.banner.show_message(
            f"Обращение зарегистрировано: {card.number}. Рассматривает: {card.row.level.label}{due}.", "ok"
        )
        self.table.setFocus()

    def export(self) -> None:
        """The register of appeals for the chosen period to Excel (the other conditions do not apply)."""
        flt = self.current_filter()
        export_register(
            self, self.banner, "Выгрузить реестр обращений", "Реестр обращений", self._services.settings.today(),
            lambda target: self._services.appeals_io.export(target, date_from=flt.date_from, date_to=flt.date_to),
            ("обращение", "обращения", "обращений"),
        )  # fmt: skip
