"""A register as an Excel sheet people can read and print: title, bold frozen header, filters, fitted widths,
real dates, landscape fit to width with the header repeated on every page. Rows are streamed (write-only); a row
may be `Marked` with a background colour (an overdue appeal)."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

HEADER_FILL = PatternFill("solid", fgColor="DDE7F0")
THIN = Side(style="thin", color="9AA8B5")
HEADER_BORDER = Border(bottom=THIN, top=THIN, left=THIN, right=THIN)
DATETIME_FORMAT = "DD.MM.YYYY HH:MM"
DATE_FORMAT = "DD.MM.YYYY"


class ExportCancelled(Exception):
    """Raised by a progress callback to stop writing: the half-written file is removed, nothing replaces a good one."""


@dataclass(frozen=True)
class Column:
    """A column: its header (a contract for those who read the file), its width in characters, its format."""

    header: str
    width: float
    number_format: str | None = None
    wrap: bool = False


@dataclass(frozen=True)
class Marked:
    """A row with a background colour (RGB hex, e.g. "F8D7DA") that makes it stand out: overdue, needs a look."""

    values: Sequence[object]
    fill: str


_FORMATTED = (dt.date, int, float)  # values a column's number format applies to (a datetime is a date)


def _values_to_row(ws: WriteOnlyWorksheet, values: Iterable[object], row_idx: int) -> Iterator[Cell]:
    """`WriteOnlyWorksheet._values_to_row` for rows of plain values and ready cells: a cell is placed as it is (openpyxl
    first tries to bind it as a value, and formats an error message for each), a value goes through one reused cell
    until it takes a style (a date), as openpyxl does it."""
    reused = WriteOnlyCell(ws)
    for col_idx, value in enumerate(values, 1):
        if value is None:
            continue
        if isinstance(value, Cell):
            cell = value
        else:
            cell = reused
            cell.value = value
        cell.column = col_idx
        cell.row = row_idx
        if cell.hyperlink is not None:
            cell.hyperlink.ref = cell.coordinate
        yield cell
        if cell is reused and cell.has_style:
            reused = WriteOnlyCell(ws)


def _row_writer(
    ws: WriteOnlyWorksheet, columns: Sequence[Column]
) -> Callable[[Sequence[object], str | None], list[object]]:
    """A function turning a row's values into what `ws.append` takes, fast (issue 9: the register of 100 000 appeals
    in at most 1.3 times openpyxl's own time for the bare values): a value that needs no style goes as it is; one
    that does goes in its column's cell with a style made once per (column, formatted or not, fill). An empty value
    of a row with no fill gets no style (a wrapped empty cell looks the same)."""
    wrap = Alignment(wrap_text=True, vertical="top")
    fills: dict[str, PatternFill] = {}
    styles: dict[tuple[int, bool, str | None], StyleArray | None] = {}

    def style(index: int, formatted: bool, fill: str | None) -> StyleArray | None:
        key = (index, formatted, fill)
        if key not in styles:
            column = columns[index]
            template = WriteOnlyCell(ws)
            if fill is not None:
                template.fill = fills.setdefault(fill, PatternFill("solid", fgColor=fill))
            if formatted:
                template.number_format = column.number_format
            if column.wrap:
                template.alignment = wrap
            styles[key] = template._style if template.has_style else None
        return styles[key]

    if hasattr(ws, "_values_to_row"):  # openpyxl 3.1: hand our cells to the writer without its slow checks
        ws._values_to_row = functools.partial(_values_to_row, ws)  # type: ignore[method-assign]
    width = len(columns)
    indexes = range(width)
    # Per column, the style of a value that is not formatted, and, for a column with a number format, of one that is.
    plain = [style(i, False, None) for i in indexes]
    formatted = [style(i, True, None) if columns[i].number_format else None for i in indexes]
    has_format = [bool(column.number_format) for column in columns]
    # The columns where a row without a fill needs a cell rather than a bare value.
    styled = [i for i in indexes if plain[i] is not None or has_format[i]]

    # A written row's cells are done with once `ws.append` returns (the sheet is streamed), so each column has one
    # cell that is given the next row's styled value in turn instead of a new cell each time.
    cells = [WriteOnlyCell(ws) for _ in indexes]

    def styled_cell(i: int, value: object, st: StyleArray) -> Cell:
        cell = cells[i]
        cell._style = StyleArray(st)  # a copy: binding a date may set its number format
        cell.value = value
        return cell

    def write_row(values: Sequence[object], fill: str | None) -> list[object]:
        if len(values) != width:
            raise ValueError(f"a row has {len(values)} values for {width} columns")
        if fill is None:
            out = list(values)
            for i in styled:
                value = out[i]
                if value is None or value == "":
                    continue  # an empty cell: nothing to show, nothing to style
                st = formatted[i] if has_format[i] and isinstance(value, _FORMATTED) else plain[i]
                if st is not None:
                    out[i] = styled_cell(i, value, st)
            return out
        return [
            styled_cell(i, value, style(i, has_format[i] and isinstance(value, _FORMATTED), fill))  # type: ignore[arg-type]
            for i, value in enumerate(values)
        ]

    return write_row


def write_register(
    path: Path,
    *,
    sheet_title: str,
    title: str,
    subtitle: str,
    columns: Sequence[Column],
    rows: Iterable[Sequence[object] | Marked],
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write one sheet to `path` (atomically: a half-written file never replaces a good one); returns the row count."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)  # a folder that cannot be made fails before any work is done
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet_title[:31])
    header_row = 4
    ws.freeze_panes = f"A{header_row + 1}"
    for i, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = column.width
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{header_row}:{header_row}"

    title_cell = WriteOnlyCell(ws, title)
    title_cell.font = Font(bold=True, size=14)
    ws.append([title_cell])
    ws.append([WriteOnlyCell(ws, subtitle)])
    ws.append([])
    header = []
    for column in columns:
        cell = WriteOnlyCell(ws, column.header)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.border = HEADER_BORDER
        cell.alignment = Alignment(vertical="center", wrap_text=True)
        header.append(cell)
    ws.append(header)

    count = 0
    partial = path.with_name(path.name + ".part")
    try:
        write_row = _row_writer(ws, columns)
        for row in rows:
            if isinstance(row, Marked):
                ws.append(write_row(row.values, row.fill))
            else:
                ws.append(write_row(row, None))
            count += 1
            if progress is not None and count % 500 == 0:
                progress(count)
        last = header_row + max(count, 1)
        ws.auto_filter.ref = f"A{header_row}:{get_column_letter(len(columns))}{last}"
        wb.save(partial)
        partial.replace(path)
    except BaseException:
        # Finish the half-streamed sheet now: left open, openpyxl fails noisily when it is collected later.
        with contextlib.suppress(Exception):
            ws.close()
        raise
    finally:
        partial.unlink(missing_ok=True)
    if progress is not None:
        progress(count)
    return count
