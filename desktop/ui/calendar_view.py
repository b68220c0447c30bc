"""The Calendar section: a month of working days, days off and overrides told apart, and counting terms."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QKeySequence, QPainter, QPen, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QPushButton,
    QSpinBox,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.calendar import LAST_PUBLISHED_YEAR, DayInfo, DayKind, WorkCalendar
from desktop.domain.russian import (
    WEEKDAYS_SHORT,
    long_date_with_weekday,
    month_title,
    plural,
    short_date_with_weekday,
    working_days_phrase,
)
from desktop.services.calendar import Override
from desktop.services.errors import ServiceError
from desktop.services.registry import Services
from desktop.ui.widgets import Banner

#: Cell colours of the kinds of day: background and the colour of the day's number.
KIND_COLOURS: dict[DayKind, tuple[str, str]] = {
    DayKind.WORKDAY: ("#ffffff", "#202020"),
    DayKind.WEEKEND: ("#eceff1", "#b71c1c"),
    DayKind.HOLIDAY: ("#ffcdd2", "#b71c1c"),
    DayKind.TRANSFERRED_DAY_OFF: ("#ffe0b2", "#b71c1c"),
    DayKind.TRANSFERRED_WORKDAY: ("#bbdefb", "#0d47a1"),
    DayKind.SCHOOL_DAY_OFF: ("#e1bee7", "#4a148c"),
    DayKind.SCHOOL_WORKDAY: ("#c8e6c9", "#1b5e20"),
}
LEGEND_ORDER = (
    DayKind.WORKDAY,
    DayKind.WEEKEND,
    DayKind.HOLIDAY,
    DayKind.TRANSFERRED_DAY_OFF,
    DayKind.TRANSFERRED_WORKDAY,
    DayKind.SCHOOL_DAY_OFF,
    DayKind.SCHOOL_WORKDAY,
)

InMonthRole = Qt.ItemDataRole.UserRole + 2  # bool: the day belongs to the month shown
CountedRole = Qt.ItemDataRole.UserRole + 3  # int: its place in the last count, 0 when not counted
NoteRole = Qt.ItemDataRole.UserRole + 4  # str: the holiday's name or the override's reason
TodayRole = Qt.ItemDataRole.UserRole + 5  # bool


class DayDelegate(QStyledItemDelegate):
    """Paints a day: its colour, the number, a short note, the count badge, and a frame for today."""

    def __init__(self, grid: MonthGrid) -> None:
        super().__init__(grid)
        self._grid = grid

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        info = self._grid.info_at(index.row(), index.column())
        if info is None:
            return
        in_month = bool(index.data(InMonthRole))
        background, number_colour = KIND_COLOURS[info.kind]
        rect = option.rect.adjusted(1, 1, -1, -1)
        painter.save()
        painter.fillRect(rect, QColor(background))
        if not in_month:
            painter.fillRect(rect, QColor(255, 255, 255, 150))
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        if selected:
            painter.setPen(QPen(QColor("#1565c0"), 3))
            painter.drawRect(rect.adjusted(1, 1, -2, -2))
        elif index.data(TodayRole):
            painter.setPen(QPen(QColor("#424242"), 2, Qt.PenStyle.DashLine))
            painter.drawRect(rect.adjusted(1, 1, -2, -2))
        font = QFont(option.font)
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        painter.setFont(font)
        colour = QColor(number_colour)
        if not in_month:
            colour.setAlpha(110)
        painter.setPen(colour)
        painter.drawText(rect.adjusted(6, 3, -6, -3), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, str(info.day.day))
        counted = int(index.data(CountedRole) or 0)
        if counted:
            badge = QRect(rect.right() - 26, rect.top() + 4, 22, 18)
            painter.setBrush(QColor("#1565c0"))
            painter.setPen(Qt.PenStyle.NoPen)
            painter.drawRoundedRect(badge, 8, 8)
            small = QFont(option.font)
            small.setBold(True)
            small.setPointSizeF(small.pointSizeF() * 0.85)
            painter.setFont(small)
            painter.setPen(QColor("white"))
            painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, str(counted))
        note = index.data(NoteRole) or ""
        if note and in_month:
            small = QFont(option.font)
            small.setPointSizeF(small.pointSizeF() * 0.8)
            painter.setFont(small)
            painter.setPen(QColor("#37474f"))
            text_rect = rect.adjusted(6, int(rect.height() * 0.42), -4, -3)
            flags = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap
            painter.drawText(text_rect, flags, _fit(note, QFontMetrics(small), text_rect, flags))
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        return QSize(90, 64)


def _fit(text: str, metrics: QFontMetrics, rect: QRect, flags: Qt.AlignmentFlag) -> str:
    """`text` word-wrapped into `rect`, cut at a word with «…» when it does not fit (the tooltip has it all)."""
    if metrics.boundingRect(rect, flags, text).height() <= rect.height():
        return text
    words = text.split()
    while len(words) > 1:
        words.pop()
        candidate = " ".join(words) + "…"
        if metrics.boundingRect(rect, flags, candidate).height() <= rect.height():
            return candidate
    return metrics.elidedText(text, Qt.TextElideMode.ElideRight, rect.width())


def _describe_kind(info: DayInfo) -> str:
    """«Праздник: День народного единства», «Перенесённый выходной (перенос с 03.01.2026)», «Рабочий день»."""
    if info.kind is DayKind.TRANSFERRED_DAY_OFF and info.name and "перенес" in info.name.lower():
        return f"{info.kind.label.capitalize()} ({info.name.split('(', 1)[1].rstrip(')').replace('перенесено', 'перенос')})"
    return info.kind.label.capitalize() + (f": {info.name}" if info.name else "")


def _note(info: DayInfo, override: Override | None) -> str:
    if override is not None:
        return override.reason or info.kind.label
    if info.kind is DayKind.TRANSFERRED_WORKDAY:
        return "рабочая суббота" if info.day.weekday() == 5 else "рабочий день (перенос)"
    if info.kind is DayKind.TRANSFERRED_DAY_OFF and info.name and "перенес" in info.name.lower():
        return info.name.replace("Выходной (перенесено с ", "Выходной, перенос с ").rstrip(")")
    return info.name or ""


class MonthGrid(QTableWidget):
    """Six weeks from Monday: the month shown and the edges of its neighbours."""

    day_activated = Signal(object)  # dt.date

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(6, 7, parent)
        self.setObjectName("month_grid")
        self.setHorizontalHeaderLabels([d.capitalize() for d in WEEKDAYS_SHORT])
        self.verticalHeader().hide()
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setShowGrid(False)
        # DayInfo objects stay on the Python side: the delegate reads them by cell, not through QVariant.
        self.infos: list[DayInfo | None] = [None] * 42
        self.setItemDelegate(DayDelegate(self))
        self.setMinimumSize(560, 360)
        self.first_shown = dt.date(2000, 1, 3)
        self.itemSelectionChanged.connect(self._emit_selected)

    def date_at(self, row: int, column: int) -> dt.date:
        return self.first_shown + dt.timedelta(days=row * 7 + column)

    def info_at(self, row: int, column: int) -> DayInfo | None:
        return self.infos[row * 7 + column] if 0 <= row < 6 and 0 <= column < 7 else None

    def cell_of(self, day: dt.date) -> tuple[int, int] | None:
        offset = (day - self.first_shown).days
        return divmod(offset, 7) if 0 <= offset < 42 else None

    def show_month(
        self,
        year: int,
        month: int,
        calendar: WorkCalendar,
        overrides: dict[dt.date, Override],
        counted: dict[dt.date, int],
        today: dt.date,
    ) -> None:
        first = dt.date(year, month, 1)
        self.first_shown = first - dt.timedelta(days=first.weekday())
        self.blockSignals(True)
        for row in range(6):
            for column in range(7):
                day = self.date_at(row, column)
                info = calendar.day_info(day)
                override = overrides.get(day)
                self.infos[row * 7 + column] = info
                item = QTableWidgetItem()
                item.setData(InMonthRole, day.month == month)
                item.setData(CountedRole, counted.get(day, 0))
                item.setData(NoteRole, _note(info, override))
                item.setData(TodayRole, day == today)
                tip = f"{long_date_with_weekday(day)}\n{info.kind.label}"
                if info.name:
                    tip += f": {info.name}"
                if override is not None and override.reason:
                    tip += f"\n{override.reason}"
                item.setToolTip(tip)
                item.setData(Qt.ItemDataRole.AccessibleTextRole, tip)
                self.setItem(row, column, item)
        self.blockSignals(False)

    def select_day(self, day: dt.date) -> None:
        """Select `day` without telling anyone: only a person's own choice of a day is announced."""
        cell = self.cell_of(day)
        if cell is not None:
            self.blockSignals(True)
            self.setCurrentCell(*cell)
            self.blockSignals(False)
            self.viewport().update()

    def selected_day(self) -> dt.date | None:
        items = self.selectedItems()
        return self.date_at(items[0].row(), items[0].column()) if items else None

    def _emit_selected(self) -> None:
        day = self.selected_day()
        if day is not None:
            self.day_activated.emit(day)


class CalendarView(QWidget):
    """Section «Календарь»: browse months, read what each day is, count working days from a date."""

    title = "Календарь"

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._calendar = services.calendar.work_calendar()
        self._overrides: dict[dt.date, Override] = {}
        self._counted: dict[dt.date, int] = {}
        self._today = services.settings.today()
        self._year, self._month = self._today.year, self._today.month
        self._selected = self._today

        self.prev_button = QPushButton("◀", self)
        self.prev_button.setToolTip("Предыдущий месяц (PgUp)")
        self.next_button = QPushButton("▶", self)
        self.next_button.setToolTip("Следующий месяц (PgDown)")
        self.today_button = QPushButton("Сегодня", self)
        self.today_button.setToolTip("Home")
        self.month_label = QLabel(self)
        self.month_label.setObjectName("month_label")
        title_font = self.month_label.font()
        title_font.setPointSizeF(title_font.pointSizeF() * 1.5)
        title_font.setBold(True)
        self.month_label.setFont(title_font)
        self.month_label.setMinimumWidth(200)
        self.month_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.prev_button.clicked.connect(lambda: self.shift_month(-1))
        self.next_button.clicked.connect(lambda: self.shift_month(1))
        self.today_button.clicked.connect(self.go_today)
        nav = QHBoxLayout()
        nav.addWidget(self.prev_button)
        nav.addWidget(self.month_label)
        nav.addWidget(self.next_button)
        nav.addSpacing(12)
        nav.addWidget(self.today_button)
        nav.addStretch(1)
        self.month_summary = QLabel(self)
        self.month_summary.setObjectName("month_summary")

        self.banner = Banner(self)
        self.banner.setObjectName("unknown_year_banner")
        self.grid = MonthGrid(self)
        self.grid.day_activated.connect(self._on_day_selected)

        left = QVBoxLayout()
        left.addLayout(nav)
        left.addWidget(self.banner)
        left.addWidget(self.grid, 1)
        left.addWidget(self.month_summary)
        left.addWidget(self._legend())

        right = QVBoxLayout()
        day_box = QGroupBox("Выбранный день", self)
        day_layout = QVBoxLayout(day_box)
        self.day_title = QLabel(self)
        self.day_title.setObjectName("day_title")
        bold = self.day_title.font()
        bold.setBold(True)
        self.day_title.setFont(bold)
        self.day_title.setWordWrap(True)
        self.day_details = QLabel(self)
        self.day_details.setObjectName("day_details")
        self.day_details.setWordWrap(True)
        self.day_details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        day_layout.addWidget(self.day_title)
        day_layout.addWidget(self.day_details)
        right.addWidget(day_box)

        count_box = QGroupBox("Отсчитать рабочие дни", self)
        count_form = QFormLayout(count_box)
        self.start_edit = QDateEdit(self)
        self.start_edit.setObjectName("count_start")
        self.start_edit.setCalendarPopup(True)
        self.start_edit.setDisplayFormat("dd.MM.yyyy")
        self.n_spin = QSpinBox(self)
        self.n_spin.setObjectName("count_n")
        self.n_spin.setRange(1, 365)
        self.n_spin.setValue(3)
        self.direction = QComboBox(self)
        self.direction.setObjectName("count_direction")
        self.direction.addItem("вперёд", 1)
        self.direction.addItem("назад", -1)
        self.direction.setToolTip(
            "Вперёд: когда истекает срок в N рабочих дней от даты.\n"
            "Назад: последний день, когда можно успеть «не позднее чем за N рабочих дней» до события."
        )
        self.count_button = QPushButton("Посчитать", self)
        self.count_button.setObjectName("count_button")
        self.count_button.setDefault(True)
        self.result_label = QLabel(self)
        self.result_label.setObjectName("count_result")
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.counted_list = QListWidget(self)
        self.counted_list.setObjectName("counted_days")
        self.counted_list.setMinimumHeight(120)
        count_form.addRow("От даты:", self.start_edit)
        count_form.addRow("Рабочих дней:", self.n_spin)
        count_form.addRow("Направление:", self.direction)
        count_form.addRow(self.count_button)
        count_form.addRow(self.result_label)
        count_form.addRow(self.counted_list)
        self.count_button.clicked.connect(self.count)
        for signal in (self.start_edit.dateChanged, self.n_spin.valueChanged, self.direction.currentIndexChanged):
            signal.connect(self.count)
        right.addWidget(count_box, 1)

        right_panel = QWidget(self)
        right_panel.setLayout(right)
        right_panel.setMinimumWidth(300)
        right_panel.setMaximumWidth(380)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 1)
        layout.addWidget(right_panel)

        QShortcut(QKeySequence(Qt.Key.Key_PageUp), self, activated=lambda: self.shift_month(-1))
        QShortcut(QKeySequence(Qt.Key.Key_PageDown), self, activated=lambda: self.shift_month(1))
        QShortcut(QKeySequence(Qt.Key.Key_Home), self.grid, activated=self.go_today)

        self.start_edit.setDate(QDate(self._today.year, self._today.month, self._today.day))
        self.refresh()
        self.grid.select_day(self._today)

    def _legend(self) -> QWidget:
        frame = QFrame(self)
        rows = QVBoxLayout(frame)
        rows.setContentsMargins(0, 4, 0, 0)
        rows.setSpacing(4)
        for start in (0, 4):
            row = QHBoxLayout()
            for kind in LEGEND_ORDER[start : start + 4]:
                swatch = QLabel(frame)
                swatch.setFixedSize(16, 16)
                swatch.setStyleSheet(f"background: {KIND_COLOURS[kind][0]}; border: 1px solid #90a4ae;")
                row.addWidget(swatch)
                row.addWidget(QLabel(kind.label, frame))
                row.addSpacing(14)
            row.addStretch(1)
            rows.addLayout(row)
        return frame

    # -- state --------------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Reload the calendar and the overrides (after a change in Settings) and redraw."""
        self._calendar = self._services.calendar.work_calendar()
        self._overrides = {o.day: o for o in self._services.calendar.overrides()}
        self._today = self._services.settings.today()
        self._show()
        self.count()

    def _show(self) -> None:
        self.month_label.setText(month_title(self._year, self._month))
        self.grid.show_month(self._year, self._month, self._calendar, self._overrides, self._counted, self._today)
        self.grid.select_day(self._selected)
        shown_years = {self._year, self.grid.date_at(5, 6).year, self.grid.first_shown.year}
        unknown = sorted(y for y in shown_years if not self._calendar.is_known_year(y))
        if unknown:
            years = ", ".join(map(str, unknown))
            self.banner.show_message(
                f"Производственного календаря на {years} год в программе нет (встроен по {LAST_PUBLISHED_YEAR} год). "
                "Показаны только постоянные праздники и выходные; переносы выходных не известны, и сроки в этом "
                "году не считаются. Внесите дни в «Настройки» → «Исключения календаря» и подтвердите год.",
                "warning",
            )
        else:
            self.banner.show_message(None)
        first = dt.date(self._year, self._month, 1)
        last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        working = sum(
            1 for i in range(last.day) if self._calendar.day_info(first + dt.timedelta(days=i)).is_working
        )
        self.month_summary.setText(
            f"В месяце {working_days_phrase(working)} из {last.day} "
            f"{plural(last.day, 'календарного', 'календарных', 'календарных')}"
            + (" (по неполным данным)" if unknown else "")
        )
        self._describe(self._selected)

    def shift_month(self, delta: int) -> None:
        index = self._year * 12 + (self._month - 1) + delta
        self._year, self._month = divmod(index, 12)
        self._month += 1
        day = min(self._selected.day, 28)
        self._selected = dt.date(self._year, self._month, day)
        self._show()

    def go_today(self) -> None:
        self.show_date(self._today)

    def show_date(self, day: dt.date) -> None:
        self._year, self._month, self._selected = day.year, day.month, day
        self._show()

    def _on_day_selected(self, day: dt.date) -> None:
        if (day.year, day.month) != (self._year, self._month):
            self.show_date(day)
            return
        self._selected = day
        self._describe(day)
        self.start_edit.setDate(QDate(day.year, day.month, day.day))

    def _describe(self, day: dt.date) -> None:
        info = self._calendar.day_info(day)
        self.day_title.setText(long_date_with_weekday(day).capitalize())
        lines = [_describe_kind(info)]
        override = self._overrides.get(day)
        if override is not None:
            tz = self._services.settings.timezone()
            lines.append(
                f"Решение школы: {override.reason or 'причина не указана'} "
                f"(внёс {override.created_by}, {override.created_at.astimezone(tz).strftime('%d.%m.%Y')})"
            )
            lines.append("По производственному календарю: " + _describe_kind(WorkCalendar(strict=False).day_info(day)).lower())
        if not info.known:
            lines.append(f"Календарь на {day.year} год неполный: переносы выходных неизвестны.")
        self.day_details.setText("\n".join(lines))

    def count(self) -> None:
        start = self.start_edit.date().toPython()
        n = self.n_spin.value() * int(self.direction.currentData())
        self.counted_list.clear()
        try:
            result = self._services.calendar.count_working_days(start, n)
        except ServiceError as exc:
            self._counted = {}
            self.result_label.setText(str(exc))
            self.result_label.setStyleSheet("color: #b71c1c;")
            self.grid.show_month(self._year, self._month, self._calendar, self._overrides, {}, self._today)
            self.grid.select_day(self._selected)
            return
        self.result_label.setStyleSheet("")
        phrase = working_days_phrase(abs(n))
        if n > 0:
            head = f"{phrase} от {start:%d.%m.%Y}: срок истекает в конце дня"
        else:
            head = f"За {phrase} до {start:%d.%m.%Y}: не позднее"
        self.result_label.setTextFormat(Qt.TextFormat.RichText)
        self.result_label.setText(head + f"<br><b style='font-size: 13pt'>{short_date_with_weekday(result.result)}</b>")
        self._counted = {day: i for i, day in enumerate(result.counted, start=1)}
        for i, day in enumerate(result.counted, start=1):
            self.counted_list.addItem(f"{i}. {short_date_with_weekday(day)}")
        self.grid.show_month(self._year, self._month, self._calendar, self._overrides, self._counted, self._today)
        self.grid.select_day(self._selected)
