"""What the appeals' and the tickets' queues share: the model over a service's sorted pages, the table, the toggle
buttons, and `QueueSection` with the search box, the count, the banner, the keys and the selection."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Generic, Protocol, TypeVar

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QBrush, QColor, QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.russian import plural
from desktop.services.errors import ServiceError
from desktop.services.registry import Services
from desktop.ui.paged_model import HasId, PagedRowsModel
from desktop.ui.urgency import LOOKS, urgency_icon
from desktop.ui.widgets import Banner, record_table

RowT = TypeVar("RowT", bound=HasId)
FilterT = TypeVar("FilterT")

#: How long typing in the search box must pause before the queue is searched.
SEARCH_DELAY_MS = 300
CENTERED = int(Qt.AlignmentFlag.AlignCenter)
LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
IdRole = Qt.ItemDataRole.UserRole + 1  # int: the record's id
UrgencyRole = Qt.ItemDataRole.UserRole + 2  # str: the row's Urgency value
PRESET_CHECKED_STYLE = (
    "QPushButton:checked { background: #1f5fa8; color: white; border: 1px solid #174a84; border-radius: 3px;"
    " padding: 4px 8px; }"
)


def keep_rows(table: QTableView, model: object, refresh: Callable[[], None]) -> None:
    """Call `refresh`, reading again as many rows of a `PagedRowsModel` as were read, and put the table's scroll
    bars back where they were."""
    vertical, horizontal = table.verticalScrollBar(), table.horizontalScrollBar()
    at, across = vertical.value(), horizontal.value()
    paged = isinstance(model, PagedRowsModel)
    if paged:
        model.keep_rows = model.rowCount()
    try:
        refresh()
    finally:
        if paged:
            model.keep_rows = 0
    vertical.setValue(min(at, vertical.maximum()))
    horizontal.setValue(min(across, horizontal.maximum()))


class QueueSource(Protocol[RowT, FilterT]):
    """A service that counts and pages its records by a filter (`AppealsService`, `TicketsService`)."""

    def count(self, flt: FilterT) -> int: ...

    def page(self, flt: FilterT, *, sort: Any, descending: bool, offset: int, limit: int) -> list[RowT]: ...


class QueueModel(PagedRowsModel[RowT], Generic[RowT, FilterT]):
    """The records matching a filter in the order asked for, fetched a page at a time as the view scrolls down;
    a header click sorts in the database by the column's key in `sort_keys`."""

    sort_keys: Sequence[object] = ()
    #: For `urgency_data`: the column with the urgency's icon, the one with the time left (coloured; bold for
    #: `bold_urgencies`), the centred ones, and the urgency of a finished record (its whole row greyed).
    icon_column = 0
    left_column = -1
    centered: Sequence[int] = ()
    bold_urgencies: Sequence[object] = ()
    done_urgency: object = None

    def __init__(
        self, source: QueueSource[RowT, FilterT], flt: FilterT, sort: object, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._source = source
        self._filter = flt
        self._sort = sort
        self._descending = False
        self._active = False

    @property
    def filter(self) -> FilterT:
        return self._filter

    @property
    def sort_key(self) -> tuple[Any, bool]:
        return self._sort, self._descending

    def set_filter(self, flt: FilterT) -> None:
        """Show the records matching `flt` from the first in the current order."""
        self._filter = flt
        self._active = True
        self.reload()

    def read_total(self) -> int:
        return self._source.count(self._filter)

    def read_page(self, offset: int, limit: int) -> list[RowT]:
        # Rows that moved while paging (answered meanwhile) may come again: kept once.
        return self._source.page(
            self._filter, sort=self._sort, descending=self._descending, offset=offset, limit=limit
        )

    def urgency_data(self, row: Any, column: int, role: int) -> object:
        """A cell's background, colour, icon, font and alignment by the look of the row's `urgency`; its id and
        urgency in `IdRole` and `UrgencyRole`."""
        urgency = row.urgency
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(QColor(LOOKS[urgency].background))
        if role == Qt.ItemDataRole.ForegroundRole:
            if urgency is self.done_urgency or column == self.left_column:
                return QBrush(QColor(LOOKS[urgency].text))
            return None
        if role == Qt.ItemDataRole.DecorationRole:
            return urgency_icon(urgency) if column == self.icon_column else None
        if role == Qt.ItemDataRole.FontRole:
            if column == self.left_column and urgency in self.bold_urgencies:
                font = QFont()
                font.setBold(True)
                return font
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return CENTERED if column in self.centered else LEFT
        if role == IdRole:
            return row.id
        if role == UrgencyRole:
            return urgency.value
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.sort_keys):
            return
        self._sort = self.sort_keys[column]
        self._descending = order == Qt.SortOrder.DescendingOrder
        if self._active:
            self.reload()


def queue_table(
    parent: QWidget,
    name: str,
    model: PagedRowsModel[Any],
    samples: dict[int, str | Sequence[str]],
    stretch: int,
    *,
    pad: int,
    title_pad: int,
) -> QTableView:
    """A queue's table: whole rows, fixed row height, each column as wide as its `samples` (the widest of several)
    or its title, the first with room for the urgency's icon; column `stretch` takes what is left."""
    table = record_table(parent, name, model, row_padding=10)
    table.setTabKeyNavigation(False)
    header = table.horizontalHeader()
    header.setHighlightSections(False)
    header.setSectionsMovable(False)
    header.setStretchLastSection(False)
    metrics = table.fontMetrics()
    for column, sample in samples.items():
        widest = sample if isinstance(sample, str) else max(sample, key=metrics.horizontalAdvance)
        extra = 30 if column == 0 else pad  # the icon, the cell's margins
        title = metrics.horizontalAdvance(model.columns[column]) + title_pad
        table.setColumnWidth(column, max(metrics.horizontalAdvance(widest) + extra, title))
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    header.setMinimumSectionSize(40)
    return table


def toggle_button(parent: QWidget, name: str, title: str, tip: str, style: str = PRESET_CHECKED_STYLE) -> QPushButton:
    """A button above a queue that stays pressed while its condition applies."""
    button = QPushButton(title, parent)
    button.setObjectName(name)
    button.setCheckable(True)
    button.setToolTip(tip)
    button.setAutoDefault(False)
    button.setStyleSheet(style)
    return button


class QueueSection(QWidget):
    """A section with a queue. A subclass builds its rows with `search_row`, `combo`, `add_table`, `button`, then
    calls `connect_queue`; it supplies `current_filter` and `open_record`, and may `check_filter`. `nouns` count
    the records in the tooltip of «Найдено: N»."""

    nouns: tuple[str, str, str] = ("запись", "записи", "записей")
    model: QueueModel[Any, Any]

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._applying = False
        self._filter_warning = False

    # -- building ---------------------------------------------------------------------------------------------

    def search_row(self, name: str, placeholder: str, tip: str) -> QHBoxLayout:
        """«Поиск:» and the search box: the row the filters go on after it."""
        row = QHBoxLayout()
        row.addWidget(QLabel("Поиск:", self))
        self.search_box(name, placeholder, tip)
        self.search.setMinimumWidth(self.fontMetrics().horizontalAdvance(placeholder) + 40)
        row.addWidget(self.search, 1)
        row.addSpacing(6)
        return row

    def search_box(self, name: str, placeholder: str, tip: str) -> QLineEdit:
        """The search box alone, as `self.search`."""
        self.search = QLineEdit(self)
        self.search.setObjectName(name)
        self.search.setPlaceholderText(placeholder)
        self.search.setToolTip(tip)
        self.search.setClearButtonEnabled(True)
        return self.search

    def combo(self, name: str, tip: str, items: Iterable[tuple[str, object]]) -> QComboBox:
        box = QComboBox(self)
        box.setObjectName(name)
        box.setToolTip(tip)
        for text, data in items:
            box.addItem(text, data)
        return box

    def button(self, name: str, title: str, tip: str) -> QPushButton:
        button = QPushButton(title, self)
        button.setObjectName(name)
        button.setToolTip(tip)
        return button

    def add_table(
        self, layout: QVBoxLayout, table: QTableView, sort_column: int | None, legend: QWidget, prefix: str
    ) -> None:
        """The table, sorted by `sort_column` (None: in the model's own order); under it the legend (or a hint)
        and «Найдено: N», then the banner."""
        self.table = table
        if sort_column is not None:
            table.horizontalHeader().setSortIndicator(sort_column, Qt.SortOrder.AscendingOrder)
            table.setSortingEnabled(True)
        layout.addWidget(table, 1)
        under = QHBoxLayout()
        self.legend = legend
        under.addWidget(legend)
        under.addStretch(1)
        self.count_label = QLabel(self)
        self.count_label.setObjectName(f"{prefix}_count")
        font = self.count_label.font()
        font.setBold(True)
        self.count_label.setFont(font)
        under.addWidget(self.count_label)
        layout.addLayout(under)
        self.banner = Banner(self)
        self.banner.setObjectName(f"{prefix}_banner")
        layout.addWidget(self.banner)

    def connect_queue(self, new: Callable[[], None] | None) -> None:
        """The delayed search, Enter and ↓ in the search box, the table's rows and selection, «Открыть карточку»
        and «Обновить», the keys Ctrl+F, F5 and (with `new`) Ctrl+N."""
        self.search_timer = QTimer(self)
        self.search_timer.setSingleShot(True)
        self.search_timer.setInterval(SEARCH_DELAY_MS)
        self.search_timer.timeout.connect(self.apply)
        self.search.textChanged.connect(lambda _text: self.search_timer.start())
        self.search.returnPressed.connect(self._search_now)
        self.table.activated.connect(lambda index: self.open_row(index.row()))
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.model.modelReset.connect(self._update_buttons)
        self.open_button.clicked.connect(self.open_selected)
        self.refresh_button.clicked.connect(self.refresh)
        QShortcut(QKeySequence.StandardKey.Find, self, activated=self.focus_search)
        QShortcut(QKeySequence("F5"), self, activated=self.refresh)
        if new is not None:
            QShortcut(QKeySequence.StandardKey.New, self, activated=new)
        self.search.installEventFilter(self)

    # -- the filter ---------------------------------------------------------------------------------------

    def current_filter(self) -> object:
        raise NotImplementedError

    def check_filter(self, flt: Any) -> str | None:
        """Why `flt` cannot be shown (say, a period that ends before it starts), or None."""
        return None

    @contextmanager
    def quietly(self) -> Iterator[None]:
        """Set several filters at once, then `apply` them once."""
        self._applying = True
        try:
            yield
        finally:
            self._applying = False

    def apply(self, select: int | None = None) -> None:
        """Show the records matching the filters; keep (or put) the selection on record `select`."""
        if self._applying:
            return
        self.search_timer.stop()
        keep = select if select is not None else self.selected_id()
        flt = self.current_filter()
        problem = self.check_filter(flt)
        if problem is not None:
            self.model.clear()
        else:
            try:
                self.model.set_filter(flt)
            except ServiceError as exc:
                problem = str(exc)
        if problem is not None:
            self.count_label.setText("")
            self.banner.show_message(problem, "warning")
            self._filter_warning = True
            return
        if self._filter_warning:
            self.banner.show_message(None)  # the warning about the last filter no longer holds
            self._filter_warning = False
        n = self.model.total
        self.count_label.setText(f"Найдено: {n}")
        self.count_label.setToolTip(f"{n} {plural(n, *self.nouns)} по выбранным условиям")
        found = keep is not None and self.select_record(keep, fetch=select is not None)
        if not found and self.model.rowCount():
            self.table.selectRow(0)  # the arrows and Enter work at once
            self.table.scrollToTop()

    def _to_table(self) -> None:
        self.table.setFocus()
        if not self.table.selectionModel().hasSelection():
            self.table.selectRow(0)

    def _search_now(self) -> None:
        self.apply()
        if self.model.rowCount():
            self._to_table()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """↓ in the search box goes down to the table."""
        down = (
            watched is self.search and event.type() == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_Down  # type: ignore[attr-defined]
        )
        if down and self.model.rowCount():
            if self.search_timer.isActive():
                self.apply()
            self._to_table()
            return True
        return super().eventFilter(watched, event)

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def refresh(self) -> None:
        """Read the queue again, keeping the selected record selected."""
        self.apply()

    def refresh_in_place(self) -> None:
        """`refresh` (F5) that keeps the place too: the rows scrolled through are read again, the selected record
        stays selected and the table where it was scrolled to (after a change made on another computer)."""
        keep_rows(self.table, self.model, self.refresh)

    # -- the selection --------------------------------------------------------------------------------------

    def selected_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or not 0 <= rows[0].row() < self.model.rowCount():
            return None
        return self.model.row(rows[0].row()).id

    def select_record(self, record_id: int, *, fetch: bool = True) -> bool:
        """Select the record's row; `fetch`: read further pages to find it (after adding one, say), not only
        those already read (a change of filter must stay instant on a long queue)."""
        row = self.model.find(record_id) if fetch else self.model.row_of(record_id)
        if row is None:
            return False
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))
        return True

    def _update_buttons(self) -> None:
        self.open_button.setEnabled(self.selected_id() is not None)

    # -- actions --------------------------------------------------------------------------------------------

    def open_record(self, record_id: int) -> None:
        raise NotImplementedError

    def open_row(self, row: int) -> None:
        if 0 <= row < self.model.rowCount():
            self.open_record(self.model.row(row).id)

    def open_selected(self) -> None:
        record_id = self.selected_id()
        if record_id is not None:
            self.open_record(record_id)


__all__ = ["IdRole", "QueueModel", "QueueSection", "UrgencyRole", "keep_rows", "queue_table", "toggle_button"]
