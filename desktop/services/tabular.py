"""Reading the tables people exchange (Excel .xlsx, CSV in UTF-8 or Windows-1251) for imports, with Russian headers.

The reader knows nothing about what the rows mean: an import names its columns (`Field`), gets every row with its
row number in the file, checks the values itself and reports what is wrong as `ImportProblem`s (file, row, column,
reason), all of them at once, through `ImportFailed`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from desktop.domain.russian import plural
from desktop.services.errors import ServiceError

#: How many problems the message of `ImportFailed` lists before «… и ещё N»; `problems` always holds them all.
MESSAGE_PROBLEMS = 30

SUFFIXES = (".xlsx", ".csv")


# -- problems -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportProblem:
    """What is wrong, and where: the file's name, its row number as a spreadsheet shows it, the column's header."""

    file: str
    row: int | None
    column: str | None
    reason: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", строка {self.row}"
        if self.column:
            where += f", столбец «{self.column}»"
        return f"{where}: {self.reason}"


class ImportFailed(ServiceError):
    """A file that cannot be imported; `problems` lists every problem found, and nothing was written."""

    def __init__(self, problems: Sequence[ImportProblem], *, limit: int = MESSAGE_PROBLEMS) -> None:
        self.problems = list(problems)
        count = len(self.problems)
        head = (
            f"Файл не загружен: {count} {plural(count, 'ошибка', 'ошибки', 'ошибок')}, "
            "ничего не записано. Исправьте файл и загрузите его снова."
        )
        lines = [head, *(str(p) for p in self.problems[:limit])]
        if count > limit:
            lines.append(f"… и ещё {count - limit} {plural(count - limit, 'ошибка', 'ошибки', 'ошибок')}.")
        super().__init__("\n".join(lines))


class Problems:
    """The problems of one file as they are found, raised together at the end (all or nothing)."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.found: list[ImportProblem] = []

    def __bool__(self) -> bool:
        return bool(self.found)

    def add(self, row: int | None, column: Field | None, reason: str) -> None:
        self.found.append(ImportProblem(self.file, row, column.header if column else None, reason))

    def raise_if_any(self, fields: Sequence[Field]) -> None:
        """Raise `ImportFailed` with every problem, by row and then in the order of `fields`, when there is one."""
        if self.found:
            order = {f.header: i for i, f in enumerate(fields)}
            self.found.sort(key=lambda p: (p.row or 0, order.get(p.column or "", len(order))))
            raise ImportFailed(self.found)


# -- columns and rows -----------------------------------------------------------------------------------------


def header_key(text: object) -> str:
    """A header as compared: case, spaces, «ё» and a trailing «*» or «:» do not matter."""
    key = "".join(str(text or "").split()).casefold().replace("ё", "е")
    return key.rstrip("*:")


@dataclass(frozen=True)
class Field:
    """A column an import knows: its key in the code, its header as printed, whether the file must have it, and
    other headers that mean the same («E-mail» for «Email»)."""

    key: str
    header: str
    required: bool = False
    aliases: tuple[str, ...] = ()

    def matches(self, text: object) -> bool:
        key = header_key(text)
        return key == header_key(self.header) or any(key == header_key(a) for a in self.aliases)


Value = str | int | float | dt.datetime | dt.date | dt.time | bool | None


@dataclass(frozen=True)
class TableRow:
    """One filled row: its number in the file and its values by field key (None for an empty cell or an absent
    optional column)."""

    number: int
    values: dict[str, Value]

    def get(self, key: str) -> Value:
        return self.values.get(key)

    def text(self, key: str) -> str:
        """The cell as text, stripped; "" for an empty cell. Whole numbers from Excel lose their «.0»."""
        return cell_text(self.values.get(key))


@dataclass
class Table:
    """What a file holds: its name, the header row's number, which fields it has, and its non-empty rows."""

    file: str
    header_row: int
    present: set[str] = field(default_factory=set)
    rows: list[TableRow] = field(default_factory=list)

    def has(self, key: str) -> bool:
        return key in self.present


def cell_text(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Да" if value else "Нет"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    return str(value).strip()


def _empty(value: Value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# -- reading ----------------------------------------------------------------------------------------------------


def read_table(path: Path, fields: Sequence[Field]) -> Table:
    """Read the first sheet of an .xlsx file or a .csv file, find the header row (the first non-empty one) and the
    known columns in it, and return the non-empty rows below it. Unknown columns are ignored. A file that cannot be
    read, or lacks a required column, raises `ImportFailed`."""
    path = Path(path)
    name = path.name
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise ImportFailed(
            [
                ImportProblem(
                    name,
                    None,
                    None,
                    "загружаются только файлы Excel (.xlsx) и CSV (.csv); "
                    "файл .xls сохраните в Excel как «Книга Excel (.xlsx)».",
                )
            ]
        )
    try:
        records = _xlsx_records(path) if suffix == ".xlsx" else _csv_records(path)
        return _table(name, records, fields)
    except OSError as exc:
        raise ImportFailed(
            [ImportProblem(name, None, None, f"файл не читается: {exc.strerror or exc}")]
        ) from exc


def _table(name: str, records: Iterable[tuple[int, Sequence[Value]]], fields: Sequence[Field]) -> Table:
    it = iter(records)
    header: Sequence[Value] | None = None
    header_row = 0
    for number, cells in it:
        if any(not _empty(c) for c in cells):
            header, header_row = cells, number
            break
    if header is None:
        raise ImportFailed(
            [ImportProblem(name, None, None, "файл пустой: нет ни строки заголовков, ни данных.")]
        )

    problems: list[ImportProblem] = []
    positions: dict[str, int] = {}
    for index, cell in enumerate(header):
        if _empty(cell):
            continue
        for f in fields:
            if f.matches(cell):
                if f.key in positions:
                    problems.append(
                        ImportProblem(
                            name, header_row, cell_text(cell), f"столбец «{f.header}» указан дважды."
                        )
                    )
                else:
                    positions[f.key] = index
                break
    for f in fields:
        if f.required and f.key not in positions:
            problems.append(
                ImportProblem(name, header_row, f.header, "нет обязательного столбца с таким заголовком.")
            )
    if problems:
        found = ", ".join(f"«{cell_text(c)}»" for c in header if not _empty(c))
        problems.append(ImportProblem(name, header_row, None, f"заголовки в файле: {found}."))
        raise ImportFailed(problems)

    table = Table(name, header_row, set(positions))
    for number, cells in it:
        if all(_empty(c) for c in cells):
            continue
        values: dict[str, Value] = {}
        for key, index in positions.items():
            value = cells[index] if index < len(cells) else None
            values[key] = None if _empty(value) else value
        if all(v is None for v in values.values()):
            continue  # only columns the import does not read are filled
        table.rows.append(TableRow(number, values))
    return table


def _xlsx_records(path: Path) -> Iterator[tuple[int, Sequence[Value]]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
        try:
            ws = wb.worksheets[0]
            ws.reset_dimensions()  # some programs write a wrong sheet size: read every row there is
            # Read-only sheets yield an empty row for each row that has no cells, so the count is the row number.
            rows = [
                (number, tuple(_xlsx_value(v) for v in row))
                for number, row in enumerate(ws.iter_rows(values_only=True), start=1)
            ]
        finally:
            wb.close()
    except OSError:
        raise  # the file itself cannot be read: `read_table` says so
    except Exception as exc:
        # Whatever a damaged workbook makes openpyxl raise (a zip that is not a workbook, XML cut short while the
        # rows are read, a cell it cannot convert): the person needs to hear that the file is damaged.
        raise ImportFailed(
            [ImportProblem(path.name, None, None, f"это не файл Excel .xlsx или он повреждён ({exc}).")]
        ) from exc
    return iter(rows)


def _xlsx_value(value: object) -> Value:
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, (int, float, dt.datetime, dt.date, dt.time, bool)) or value is None:
        return value
    return str(value)


def decode_text(data: bytes) -> str:
    """CSV text as Russian offices save it: UTF-8 (with or without the BOM Excel adds), else Windows-1251."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1251", errors="replace")


def sniff_delimiter(first_line: str) -> str:
    """«;» (Russian Excel) or «,» — whichever the header line has more of outside quotes; a tab if it has only tabs."""
    outside = re.sub(r'"[^"]*"', "", first_line)
    semicolons, commas, tabs = outside.count(";"), outside.count(","), outside.count("\t")
    if semicolons == commas == 0 and tabs:
        return "\t"
    return ";" if semicolons >= commas and semicolons else ","


def _csv_records(path: Path) -> Iterator[tuple[int, Sequence[Value]]]:
    text = decode_text(path.read_bytes())
    first = next((line for line in text.splitlines() if line.strip()), "")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(first))
    try:
        # A record is a row as a spreadsheet shows it (a quoted cell may span lines): count records, not lines.
        rows = [
            (number, [c.strip() or None for c in record]) for number, record in enumerate(reader, start=1)
        ]
    except csv.Error as exc:
        raise ImportFailed(
            [ImportProblem(path.name, reader.line_num, None, f"файл CSV повреждён: {exc}.")]
        ) from exc
    return iter(rows)


# -- dates ------------------------------------------------------------------------------------------------------

_RU_DATETIME = re.compile(
    r"^(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})(?:[ T,]+(?P<H>\d{1,2})[:.](?P<M>\d{2})(?::(?P<S>\d{2}))?)?$"
)
_ISO_DATETIME = re.compile(
    r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
    r"(?:[ T]+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:\.\d+)?)?(?P<tz>Z|[+-]\d{2}:?\d{2})?)?$"
)
DATETIME_HINT = "ДД.ММ.ГГГГ ЧЧ:ММ (30.04.2025 10:00) или ГГГГ-ММ-ДД ЧЧ:ММ (2025-04-30 10:00)"
DATE_HINT = "ДД.ММ.ГГГГ (30.04.2025) или ГГГГ-ММ-ДД (2025-04-30)"
#: Excel's serial day numbers that make sense as dates (1900-01-01 … 9999-12-31).
_EXCEL_SERIALS = (1, 2958465)


@dataclass(frozen=True)
class LocalMoment:
    """A moment as a file gives it: in the school's local time (naive), or, when the file says so (ISO with «Z» or
    «+05:00»), at a given UTC offset (aware). `has_time` is False for a date alone (00:00)."""

    value: dt.datetime
    has_time: bool


def parse_local_datetime(value: Value) -> LocalMoment:
    """A cell holding a date and time in school time: an Excel date, «30.04.2025 10:00», «2025-04-30T10:00[:00]»,
    or a date alone (then 00:00, `has_time` False). An ISO time with an offset («2025-04-30T10:00+05:00», «…Z»)
    is that moment, whatever the school's zone. Raises ValueError with a Russian reason."""
    if isinstance(value, dt.datetime):
        return LocalMoment(value.replace(microsecond=0), True)
    if isinstance(value, dt.date):
        return LocalMoment(dt.datetime.combine(value, dt.time(0)), False)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if _EXCEL_SERIALS[0] <= value <= _EXCEL_SERIALS[1]:
            from openpyxl.utils.datetime import from_excel

            moment = from_excel(value)
            if isinstance(moment, dt.datetime):
                moment = moment.replace(microsecond=0)
                return LocalMoment(moment, moment.time() != dt.time(0))
        raise ValueError(f"«{cell_text(value)}» — не дата. Укажите дату и время: {DATETIME_HINT}.")
    text = cell_text(value)
    match = _RU_DATETIME.match(text) or _ISO_DATETIME.match(text)
    if match is None:
        raise ValueError(f"«{text}» — не дата и время. Укажите их так: {DATETIME_HINT}.")
    groups = match.groupdict()
    offset = groups.pop("tz", None)
    parts = {k: int(v) if v is not None else None for k, v in groups.items()}
    try:
        day = dt.date(parts["y"] or 0, parts["m"] or 0, parts["d"] or 0)
    except ValueError:
        raise ValueError(f"«{text}»: такой даты нет в календаре.") from None
    if parts["H"] is None:
        return LocalMoment(dt.datetime.combine(day, dt.time(0)), False)
    try:
        clock = dt.time(parts["H"] or 0, parts["M"] or 0, parts["S"] or 0)
    except ValueError:
        raise ValueError(f"«{text}»: неверное время, часы от 0 до 23, минуты от 0 до 59.") from None
    moment = dt.datetime.combine(day, clock)
    if offset:
        sign = -1 if offset.startswith("-") else 1
        digits = offset.lstrip("+-").replace(":", "")
        shift = (
            dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:])) if offset != "Z" else dt.timedelta(0)
        )
        if shift > dt.timedelta(hours=14):
            raise ValueError(f"«{text}»: неверное смещение часового пояса.")
        moment = moment.replace(tzinfo=dt.timezone(sign * shift))
    return LocalMoment(moment, True)


def parse_date_value(value: Value) -> dt.date:
    """A cell holding a date: an Excel date, «30.04.2025», «2025-04-30». Raises ValueError with a Russian reason."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        moment = parse_local_datetime(value)
    except ValueError:
        raise ValueError(f"«{cell_text(value)}» — не дата. Укажите её так: {DATE_HINT}.") from None
    if moment.has_time:
        raise ValueError(f"«{cell_text(value)}»: нужна только дата, без времени: {DATE_HINT}.")
    return moment.value.date()


def school_moment(local: dt.datetime, tz: dt.tzinfo) -> dt.datetime:
    """A school-local (naive) moment as UTC; an aware one (the file gave its offset) as it is. A local time that a
    clock change repeated is taken as the first.

    Raises ValueError with a Russian reason for a moment in the first or the last year a datetime holds (01.01.0001,
    31.12.9999): it may not be shown in another time zone at all."""
    try:
        aware = local if local.tzinfo is not None else local.replace(tzinfo=tz, fold=0)
        moment = aware.astimezone(dt.UTC)
    except OverflowError:
        moment = None
    if moment is None or not dt.MINYEAR < moment.year < dt.MAXYEAR:
        shown = f"{local.day:02}.{local.month:02}.{local.year:04}"
        raise ValueError(f"«{shown}»: дата вне допустимого диапазона, укажите год от 0002 до 9998.")
    return moment


__all__ = [
    "DATETIME_HINT",
    "DATE_HINT",
    "Field",
    "ImportFailed",
    "ImportProblem",
    "LocalMoment",
    "Table",
    "TableRow",
    "cell_text",
    "decode_text",
    "header_key",
    "parse_date_value",
    "parse_local_datetime",
    "read_table",
    "school_moment",
    "sniff_delimiter",
]
