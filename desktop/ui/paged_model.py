"""The queues' common table model: rows read from the database a page at a time as the view scrolls down."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar, Generic, Protocol, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

#: Rows fetched from the database at a time, as the table is scrolled.
PAGE_SIZE = 200
#: At most this many rows are fetched to find a row to select (after registering an appeal, say).
FIND_LIMIT = 5000

#: The invisible root of a table model: the parent of every row.
ROOT = QModelIndex()


class HasId(Protocol):
    """A row that knows its record's id: a row that comes again on a later page is kept once."""

    @property
    def id(self) -> int: ...


RowT = TypeVar("RowT", bound=HasId)


class PagedRowsModel(QAbstractTableModel, Generic[RowT]):
    """The rows of a query, fetched `page_size` at a time as the view scrolls down (`canFetchMore` /
    `fetchMore`): a list of a million rows opens as fast as one of ten.

    A subclass names its `columns`, reads the total and a page (`read_total`, `read_page`), shows a cell
    (`cell_data`) and may give a header its tooltip (`header_tip`); `reload` reads again from the first
    page."""

    #: The columns' titles, in order.
    columns: ClassVar[tuple[str, ...]] = ()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[RowT] = []
        self._ids: set[int] = set()
        self._offset = 0
        self._exhausted = True
        self.total = 0
        self.page_size = PAGE_SIZE
        #: `reload` reads at least this many rows (those already scrolled through), so that a refresh keeps the
        #: place the person scrolled to; 0: the first page only.
        self.keep_rows = 0

    # -- what a subclass supplies ---------------------------------------------------------------------------

    def read_total(self) -> int:
        """How many rows the query has in all (for «Найдено: …»)."""
        raise NotImplementedError

    def read_page(self, offset: int, limit: int) -> Sequence[RowT]:
        """At most `limit` rows from the `offset`-th the database has given so far (0: from the first row).
        Fewer than `limit` means the last page."""
        raise NotImplementedError

    def cell_data(self, row: RowT, column: int, role: int) -> object:
        """What cell `column` of `row` shows in `role`; None for nothing."""
        raise NotImplementedError

    def header_tip(self, section: int) -> str | None:
        """The tooltip of column `section`'s header, if it has one."""
        return None

    # -- reading --------------------------------------------------------------------------------------------

    def reload(self) -> None:
        """Read again from the first page (after a new filter or order, a change, and «Обновить»)."""
        self.beginResetModel()
        try:
            self._rows, self._ids, self._offset, self._exhausted = [], set(), 0, False
            self.total = self.read_total()
            self._rows = self._next_page()
            while len(self._rows) < min(self.keep_rows, FIND_LIMIT) and not self._exhausted:
                self._rows.extend(self._next_page())
        except BaseException:
            self._rows, self._ids, self._exhausted, self.total = [], set(), True, 0
            raise
        finally:
            self.endResetModel()

    def clear(self) -> None:
        """No rows and nothing to fetch (a filter that cannot match, say)."""
        self.beginResetModel()
        self._rows, self._ids, self._offset, self._exhausted, self.total = [], set(), 0, True, 0
        self.endResetModel()

    def _next_page(self) -> list[RowT]:
        page = self.read_page(self._offset, self.page_size)
        self._offset += len(page)
        self._exhausted = len(page) < self.page_size
        # Rows written or changed while paging push others down: a row may come again; keep each once.
        fresh = [row for row in page if row.id not in self._ids]
        self._ids.update(row.id for row in fresh)
        return fresh

    # -- rows by number and by id ---------------------------------------------------------------------------

    def row(self, row: int) -> RowT:
        return self._rows[row]

    def row_of(self, row_id: int) -> int | None:
        """The row of record `row_id` among those fetched so far."""
        return next((r for r, row in enumerate(self._rows) if row.id == row_id), None)

    def find(self, row_id: int, limit: int = FIND_LIMIT) -> int | None:
        """The row of record `row_id`, fetching further pages (up to `limit` rows) until it is found."""
        found = self.row_of(row_id)
        while found is None and self.canFetchMore() and len(self._rows) < limit:
            before = len(self._rows)
            self.fetchMore()
            if len(self._rows) == before:
                break
            found = next((r for r in range(before, len(self._rows)) if self._rows[r].id == row_id), None)
        return found

    # -- QAbstractTableModel --------------------------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = ROOT) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex = ROOT) -> bool:
        return not parent.isValid() and not self._exhausted

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex = ROOT) -> None:
        if parent.isValid() or self._exhausted:
            return
        fresh = self._next_page()
        if not fresh:
            return
        first = len(self._rows)
        self.beginInsertRows(ROOT, first, first + len(fresh) - 1)
        self._rows.extend(fresh)
        self.endInsertRows()

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        return self.cell_data(self._rows[index.row()], index.column(), role)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.header_tip(section)
        return None
