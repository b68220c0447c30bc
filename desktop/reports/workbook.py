"""A register as an Excel sheet people can read and print: title, bold frozen header, filters, fitted widths,
real dates, landscape fit to width with the header repeated on every page. Rows are streamed (write-only); a row
may be `Marked` with a background colour (an overdue appeal)."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
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
        fills: dict[str, PatternFill] = {}
        for row in rows:
            fill = None
            if isinstance(row, Marked):
                fill = fills.setdefault(row.fill, PatternFill("solid", fgColor=row.fill))
                row = row.values
            cells = []
            for column, value in zip(columns, row, strict=True):
                cell = WriteOnlyCell(ws, value)
                if fill is not None:
                    cell.fill = fill
                if column.number_format and isinstance(value, (dt.date, int, float)):
                    cell.number_format = column.number_format
                if column.wrap:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
                cells.append(cell)
            ws.append(cells)
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
