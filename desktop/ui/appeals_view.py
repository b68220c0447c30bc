"""Section «Обращения»: the queue with every deadline in sight, paged, sorted and filtered in the database."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from PySide6.QtCore import QDate, QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QDateEdit,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.access import Action
from desktop.domain.appeals import LEVEL_LABELS, RUBRIC_LABELS, Level, Rubric, Urgency
from desktop.services.appeals import AppealFilter, AppealRow, AppealsService, SortKey
from desktop.services.registry import Services
from desktop.ui.appeal_card import open_card
from desktop.ui.appeal_dialogs import RegisterDialog, export_register
from desktop.ui.queue_view import (
    QueueModel,
    QueueSection,
    queue_table,
    toggle_button,
)
from desktop.ui.urgency import UrgencyLegend, notice_icon, urgency_text

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
#: The levels as the table and its filter name them, to fit a column; the full name is in the tooltip and on the card.
LEVEL_SHORT: dict[Level, str] = {
    Level.DEPUTY: "Заместитель директора",
    Level.DIRECTOR: "Директор",
    Level.MUNICIPAL: "Муниципальный орган",
    Level.DEPARTMENT: "Департамент образования",
    Level.SUI: "СУИ",
}


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
PRESETS_BY_KEY = {preset.key: preset for preset in PRESETS}
DEFAULT_PRESET = "open"


class AppealsModel(QueueModel[AppealRow, AppealFilter]):
    """The appeals matching a filter in the order asked for, fetched a page at a time as the view scrolls down
    (`canFetchMore` / `fetchMore`); a header click sorts in the database (`sort`)."""

    columns = APPEAL_COLUMNS
    sort_keys = SORT_KEYS
    icon_column = COL_NUMBER
    left_column = COL_LEFT
    centered = (COL_DUE, COL_LEFT, COL_REPEAT)
    bold_urgencies = (Urgency.OVERDUE, Urgency.DUE_TODAY)
    done_urgency = Urgency.ANSWERED

    def __init__(self, appeals: AppealsService, parent: QObject | None = None) -> None:
        super().__init__(appeals, AppealFilter(), SortKey.DUE, parent)

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
        if role == Qt.ItemDataRole.DecorationRole and column == COL_REPEAT and row.notice:
            return notice_icon()
        return self.urgency_data(row, column, role)

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
    samples: dict[int, str | tuple[str, ...]] = {
        COL_NUMBER: "О-2026/0000",
        COL_REGISTERED: "00.00.0000 00:00",
        COL_RUBRIC: "Технический вопрос",
        COL_LEVEL: tuple(LEVEL_SHORT.values()),
        COL_DUE: "00.00.0000",
        COL_LEFT: "просрочено_",  # bold
        COL_STATUS: "На рассмотрении",
        COL_REPEAT: "Повтор",
    }
    return queue_table(parent, name, model, samples, COL_APPLICANT, pad=16, title_pad=14)


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


class AppealsView(QueueSection):
    """Section «Обращения»: the deputy director's main screen."""

    title = "Обращения"
    nouns = ("обращение", "обращения", "обращений")

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(services, parent)
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
            button = toggle_button(self, f"preset_{preset.key}", preset.title, preset.tip)
            if preset.key == "mine" and not has_level:
                button.hide()  # the secretary answers at no level
            self.preset_group.addButton(button)
            self.preset_buttons[preset.key] = button
            presets.addWidget(button)
        presets.addStretch(1)
        layout.addLayout(presets)

        filters = self.search_row(
            "appeals_search", "номер, заявитель или текст", "Ищет по номеру, заявителю и тексту обращения (Ctrl+F)"
        )
        self.rubric_box = self.combo(
            "appeals_rubric", "Рубрика", [("Все рубрики", None), *((label, r.value) for r, label in RUBRIC_LABELS.items())]
        )
        filters.addWidget(self.rubric_box)
        self.level_box = self.combo("appeals_level", "Уровень, на котором обращение сейчас", [("Все уровни", None)])
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
        self.reset_button = self.button(
            "appeals_reset", "Сбросить", "Показать обращения на рассмотрении без других условий"
        )
        self.reset_button.setAutoDefault(False)
        filters.addWidget(self.reset_button)
        layout.addLayout(filters)

        self.model = AppealsModel(services.appeals, self)
        self.add_table(layout, appeals_table(self, "appeals_table", self.model), COL_DUE, UrgencyLegend(self), "appeals")

        buttons = QHBoxLayout()
        self.register_button = self.button("appeals_register", "Зарегистрировать…", "Новое обращение (Ctrl+N)")
        self.open_button = self.button("appeals_open", "Открыть карточку", "Enter или двойной щелчок по строке")
        self.export_button = self.button(
            "appeals_export", "Выгрузить в Excel…", "Реестр обращений за выбранный период (остальные условия не учитываются)"
        )
        self.refresh_button = self.button("appeals_refresh", "Обновить", "F5")
        buttons.addWidget(self.register_button)
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.refresh_button)
        layout.addLayout(buttons)
        self.register_button.setVisible(self.may_register)
        self.export_button.setVisible(self.may_export)

        self.connect_queue(self.register if self.may_register else None)
        self.preset_group.buttonClicked.connect(lambda _button: self.apply())
        self.rubric_box.currentIndexChanged.connect(lambda _i: self.apply())
        self.level_box.currentIndexChanged.connect(lambda _i: self.apply())
        self.date_from.dateChanged.connect(lambda _d: self.apply())
        self.date_to.dateChanged.connect(lambda _d: self.apply())
        self.reset_button.clicked.connect(lambda: self.show_filter(DEFAULT_PRESET))
        self.register_button.clicked.connect(self.register)
        self.export_button.clicked.connect(self.export)

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

    def check_filter(self, flt: AppealFilter) -> str | None:
        if flt.date_from and flt.date_to and flt.date_from > flt.date_to:
            return "Начало периода позже его конца: исправьте даты."
        return None

    def show_filter(self, preset: str, *, level: Level | None = None) -> None:
        """Show preset `preset` («urgent», «left_school», …), optionally at one level, with no other condition
        (the director's counts open the queue this way)."""
        with self.quietly():
            self.preset_buttons[preset].setChecked(True)
            self.rubric_box.setCurrentIndex(0)
            self.level_box.setCurrentIndex(max(0, self.level_box.findData(level.value)) if level else 0)
            self.date_from.set_value(None)
            self.date_to.set_value(None)
            self.search.clear()
        self.banner.show_message(None)
        self.apply()
        self.table.setFocus()
        if self.model.rowCount() and not self.table.selectionModel().hasSelection():
            self.table.selectRow(0)

    def refresh(self) -> None:
        """Read the queue again, keeping the selected appeal selected."""
        self.date_from.set_today(self._services.settings.today())
        self.date_to.set_today(self._services.settings.today())
        self.apply()

    select_appeal = QueueSection.select_record

    # -- actions --------------------------------------------------------------------------------------------

    def open_record(self, record_id: int) -> None:
        self.open_appeal(record_id)

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
