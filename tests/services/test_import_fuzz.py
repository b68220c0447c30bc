"""Bad input at scale (issue 10, item 8): the importers are fed random and malformed files — random bytes, CSV in
every encoding an office may send with random, huge, formula and control-character cells, dates out of range,
broken workbooks — and the services random text with path-like attachment names. Every case ends in a clear
Russian error with nothing written, or a correct import whose rows are really there; never another exception.

SQLite only: one database for the module (the previous release's demo school, migrated), so that the examples
run quickly; each example checks what it changed itself."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import shutil
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from openpyxl.utils.exceptions import IllegalCharacterError
from sqlalchemy import func, select, text

from desktop.domain.access import Actor
from desktop.domain.appeals import Rubric
from desktop.domain.support import UserRole
from desktop.domain.tickets import Category
from desktop.services.appeals import AppealInput
from desktop.services.errors import ServiceError
from desktop.services.files import FileIn
from desktop.services.registry import Services, open_services
from desktop.services.support import SupportInput
from desktop.services.tabular import ImportFailed
from desktop.services.tickets import TicketInput
from desktop.store.db import resolve_location
from desktop.store.models import Appeal, Ticket
from tests.conftest import FixedClock

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "previous_release_0007.db"
CYRILLIC = re.compile("[А-Яа-яЁё]")
#: Examples per property; `FUZZ_EXAMPLES=2000 uv run pytest tests/services/test_import_fuzz.py` for a long soak.
FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
    database=None,
)

# -- the school ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def school(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    """The demo school of the previous release, migrated: classes and students for the marks to match."""
    path = tmp_path_factory.mktemp("fuzz") / "school.db"
    shutil.copyfile(FIXTURE, path)
    opened = open_services(
        resolve_location(str(path)), actor=Actor.bootstrap("Тестовый пользователь"), clock=FixedClock()
    )
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("files")


def counts(services: Services) -> dict[str, int]:
    with services.engine.connect() as connection:
        names = [
            n
            for (n,) in connection.execute(text("SELECT name FROM sqlite_master WHERE type = 'table'"))
            if not n.startswith("appeals_fts_")
        ]
        return {n: connection.execute(text(f'SELECT count(*) FROM "{n}"')).scalar_one() for n in names}


def numbers_stored(services: Services, model: type, numbers: list[str]) -> int:
    with services.ctx.transaction() as session:
        return session.scalar(select(func.count()).select_from(model).where(model.number.in_(numbers))) or 0  # type: ignore[attr-defined]


# -- the importers and what a success must show -----------------------------------------------------------------


def check_appeals(services: Services, result: Any, before: dict[str, int], after: dict[str, int]) -> None:
    assert result.count == len(result.numbers) == after["appeals"] - before["appeals"] > 0
    assert numbers_stored(services, Appeal, result.numbers) == result.count


def check_tickets(services: Services, result: Any, before: dict[str, int], after: dict[str, int]) -> None:
    assert result.count == len(result.numbers) == after["tickets"] - before["tickets"] > 0
    assert numbers_stored(services, Ticket, result.numbers) == result.count


def check_families(services: Services, result: Any, before: dict[str, int], after: dict[str, int]) -> None:
    assert after["students"] - before["students"] == result.added
    assert after["representatives"] - before["representatives"] == result.representatives_added
    assert result.added + result.moved + result.returned + result.updated + result.unchanged > 0


def check_grades(services: Services, result: Any, before: dict[str, int], after: dict[str, int]) -> None:
    assert after["grades"] - before["grades"] == result.added - result.removed
    assert result.added + result.replaced + result.unchanged > 0


#: For each importer: its headers and a row that would import (on the demo school, at the tests' fixed moment),
#: the cells of which the fuzz replaces; and what a success must show.
IMPORTERS: dict[str, tuple[Callable[[Services], Any], list[str], list[str], Callable[..., None]]] = {
    "appeals": (
        lambda s: s.appeals_io.import_file,
        [
            "Номер",
            "Дата регистрации",
            "Заявитель",
            "Рубрика",
            "Текст",
            "Дата ответа",
            "Ответ",
            "Email",
            "Класс",
        ],
        [
            "",
            "20.11.2026 10:00",
            "Кузнецова Мария Петровна",
            "Вопрос к школе",
            "Когда собрание?",
            "",
            "",
            "",
            "",
        ],
        check_appeals,
    ),
    "tickets": (
        lambda s: s.tickets_io.import_file,
        ["Дата подачи", "Заявитель", "Категория", "Дата мероприятия", "Описание", "Контакт", "Класс"],
        ["20.11.2026 10:00", "Иванов Пётр Сергеевич", "Помещения", "25.12.2026", "Актовый зал", "", "10А"],
        check_tickets,
    ),
    "families": (
        lambda s: s.families_io.import_file,
        ["Класс", "Ученик", "Дата рождения", "Представитель", "Кем приходится", "Телефон", "Email", "Адрес"],
        ["5А", "Андреев Максим Олегович", "12.01.2016", "Андреева Ольга Ивановна", "Мать", "", "", ""],
        check_families,
    ),
    "grades": (
        lambda s: s.grades_io.import_file,
        ["Класс", "Ученик", "Предмет", "Дата", "Отметка", "Посещаемость", "Вид работы", "Комментарий"],
        ["5А", "Андреев Максим Олегович", "Математика", "20.11.2026", "5", "", "", ""],
        check_grades,
    ),
}


def run_import(services: Services, kind: str, path: Path) -> None:
    """The property: a Russian `ServiceError` and nothing written, or a success whose rows are there."""
    importer, _, _, check = IMPORTERS[kind]
    before = counts(services)
    try:
        result = importer(services)(path)
    except ServiceError as exc:
        assert CYRILLIC.search(str(exc)), str(exc)
        if isinstance(exc, ImportFailed):
            assert exc.problems
        assert counts(services) == before
    else:
        check(services, result, before, counts(services))


# -- cells ------------------------------------------------------------------------------------------------------

HUGE = "Ж" * 100_000
ODD_CELLS = [
    "",
    " ",
    "=1+1",
    '=HYPERLINK("http://example.com/evil","нажми")',
    "+7 (912) 000-00-01",
    "-5",
    "@SUM(A1)",
    "\x00",
    "a\x00b",
    "\r\n",
    "\x1b[31m",
    '"',
    '"";"',
    ";;;",
    "01.01.0001",
    "01.01.0001 00:00",
    "0001-01-01T00:00+14:00",
    "31.12.9999 23:59",
    "9999-12-31T23:59-12:00",
    "31.02.2025",
    "29.02.2026",
    "32.13.2026 25:61",
    "00.00.0000",
    "2026-11-20T10:00Z",
    "2026-11-20T10:00+99:99",
    "1e308",
    "NaN",
    "-0",
    "99999999999999999999",
    "../../etc/passwd",
    "C:\\Windows\\x",
    HUGE,
    "я" * 65_536,
]
cells = st.one_of(
    st.sampled_from(ODD_CELLS),
    st.text(max_size=40),
    st.text(alphabet=st.characters(max_codepoint=0x4FF), max_size=300),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
)
ENCODINGS = ["utf-8", "utf-8-sig", "cp1251", "utf-16", "latin-1", "koi8-r"]


@st.composite
def rows_of(draw: st.DrawFn, kind: str) -> list[list[str]]:
    """A few rows like the importer's good row, with some cells replaced by odd ones."""
    _, headers, good, _ = IMPORTERS[kind]
    rows = []
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        row = list(good)
        for index in draw(st.sets(st.integers(min_value=0, max_value=len(good) - 1), max_size=len(good))):
            row[index] = draw(cells)
        rows.append(row)
    return [list(headers), *rows]


def csv_bytes(rows: list[list[str]], encoding: str, delimiter: str) -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=delimiter).writerows(rows)
    return out.getvalue().encode(encoding, errors="replace")


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def write(workdir: Path, name: str, data: bytes) -> Path:
    path = workdir / name
    path.write_bytes(data)
    return path


KINDS = st.sampled_from(sorted(IMPORTERS))


# -- the importers ------------------------------------------------------------------------------------------------


@FUZZ
@given(
    kind=KINDS, data=st.binary(max_size=2000), suffix=st.sampled_from([".csv", ".xlsx", ".CSV", ".xls", ""])
)
@example(kind="appeals", data=b"", suffix=".csv")
@example(kind="grades", data=b"PK\x03\x04", suffix=".xlsx")
@example(kind="tickets", data="\ufeffДата подачи;Заявитель\n".encode("utf-16"), suffix=".csv")
def test_random_bytes_are_refused_clearly(
    school: Services, workdir: Path, kind: str, data: bytes, suffix: str
):
    run_import(school, kind, write(workdir, f"файл{suffix}", data))


@FUZZ
@given(
    kind=KINDS,
    data=st.data(),
    encoding=st.sampled_from(ENCODINGS),
    delimiter=st.sampled_from([";", ",", "\t"]),
)
def test_csv_with_odd_cells_imports_or_is_refused_clearly(
    school: Services, workdir: Path, kind: str, data: st.DataObject, encoding: str, delimiter: str
):
    rows = data.draw(rows_of(kind))
    run_import(school, kind, write(workdir, f"{kind}.csv", csv_bytes(rows, encoding, delimiter)))


@pytest.mark.parametrize("kind", sorted(IMPORTERS))
@pytest.mark.parametrize(
    "cell",
    [
        "01.01.0001 00:00",
        "0001-01-01T00:00+14:00",
        "31.12.9999 23:59",
        "9999-12-31T23:59-12:00",
        "31.02.2025",
    ],
)
def test_dates_out_of_range_are_refused_clearly(school: Services, workdir: Path, kind: str, cell: str):
    _, headers, good, _ = IMPORTERS[kind]
    date_columns = [i for i, h in enumerate(headers) if h.startswith("Дата")]
    row = [cell if i in date_columns else v for i, v in enumerate(good)]
    run_import(school, kind, write(workdir, f"{kind}.csv", csv_bytes([headers, row], "utf-8", ";")))


def test_the_good_rows_import(school: Services, workdir: Path):
    """The fuzz's starting point is right: each good row imports (so the fuzz reaches the writing too)."""
    for kind, (_, headers, good, _) in sorted(IMPORTERS.items()):
        run_import(school, kind, write(workdir, f"{kind}.csv", csv_bytes([headers, good], "cp1251", ";")))


xlsx_cells = st.one_of(
    cells,
    st.integers(min_value=-(10**18), max_value=10**18),
    st.floats(allow_nan=True, allow_infinity=False),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(9999, 12, 31)),
    st.dates(min_value=dt.date(1900, 3, 1)),
    st.booleans(),
    st.none(),
)


@FUZZ
@given(kind=KINDS, data=st.data())
def test_workbooks_with_odd_cells_import_or_are_refused_clearly(
    school: Services, workdir: Path, kind: str, data: st.DataObject
):
    _, headers, good, _ = IMPORTERS[kind]
    rows: list[list[object]] = [list(headers)]
    for _ in range(data.draw(st.integers(min_value=1, max_value=3))):
        row: list[object] = list(good)
        for index in data.draw(
            st.sets(st.integers(min_value=0, max_value=len(good) - 1), max_size=len(good))
        ):
            row[index] = data.draw(xlsx_cells)
        rows.append(row)
    try:
        content = xlsx_bytes(rows)
    except (ValueError, TypeError, IllegalCharacterError):
        return  # openpyxl refuses to write it (control characters): there is no file to import
    run_import(school, kind, write(workdir, f"{kind}.xlsx", content))


def good_workbook(kind: str) -> bytes:
    _, headers, good, _ = IMPORTERS[kind]
    return xlsx_bytes([list(headers), list(good), list(good)])


@FUZZ
@given(
    kind=KINDS, cut=st.floats(min_value=0.0, max_value=1.0), flip=st.integers(min_value=0, max_value=10**6)
)
@example(kind="appeals", cut=0.5, flip=0)
@example(kind="families", cut=0.999, flip=0)
def test_broken_workbooks_are_refused_clearly(
    school: Services, workdir: Path, kind: str, cut: float, flip: int
):
    content = good_workbook(kind)
    broken = bytearray(content[: int(len(content) * cut)])
    if broken and flip % 3 == 0:  # also a flipped byte inside what is left
        broken[flip % len(broken)] ^= 0xFF
    run_import(school, kind, write(workdir, f"{kind}.xlsx", bytes(broken)))


def zip_of(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize("kind", sorted(IMPORTERS))
@pytest.mark.parametrize(
    "members",
    [
        {"readme.txt": b"not a workbook"},
        {"[Content_Types].xml": b"<Types/>"},
        {"[Content_Types].xml": b"<broken", "xl/workbook.xml": b"<also broken"},
        {"word/document.xml": b"<w:document/>"},
        {},
    ],
    ids=["text", "content-types-only", "broken-xml", "docx-like", "empty-zip"],
)
def test_a_zip_that_is_not_a_workbook_is_refused_clearly(school: Services, workdir: Path, kind: str, members):
    run_import(school, kind, write(workdir, f"{kind}.xlsx", zip_of(members)))


# openpyxl warns and reads the cell as «#VALUE!», which the importers refuse as «не дата».
@pytest.mark.filterwarnings("ignore:Cell .* is marked as a date:UserWarning")
@pytest.mark.parametrize("kind", sorted(IMPORTERS))
def test_a_date_cell_out_of_range_in_a_workbook_is_refused_clearly(
    school: Services, workdir: Path, kind: str
):
    """A number far beyond 31.12.9999 formatted as a date."""
    _, headers, good, _ = IMPORTERS[kind]
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(headers)
    ws.append(good)
    for column, header in enumerate(headers, start=1):
        if header.startswith("Дата"):
            ws.cell(row=2, column=column, value=10**9).number_format = "DD.MM.YYYY"
    out = io.BytesIO()
    wb.save(out)
    run_import(school, kind, write(workdir, f"{kind}.xlsx", out.getvalue()))


def test_a_csv_cell_over_the_csv_module_limit_is_refused_clearly(school: Services, workdir: Path):
    _, headers, good, _ = IMPORTERS["appeals"]
    row = [*good[:4], "ы" * 200_000, *good[5:]]
    run_import(school, "appeals", write(workdir, "appeals.csv", csv_bytes([headers, row], "utf-8", ";")))


@pytest.mark.parametrize("kind", sorted(IMPORTERS))
def test_a_workbook_whose_sheet_is_broken_is_refused_clearly(school: Services, workdir: Path, kind: str):
    """The zip is whole but the sheet's XML is cut short: openpyxl reads sheets lazily, row by row."""
    content = good_workbook(kind)
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        members = {name: z.read(name) for name in z.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    members[sheet] = members[sheet][: len(members[sheet]) // 2]
    run_import(school, kind, write(workdir, f"{kind}.xlsx", zip_of(members)))


@pytest.mark.parametrize("kind", sorted(IMPORTERS))
@pytest.mark.parametrize(
    "name", ["..csv", " пробел .csv", "файл;с,разделителями.csv", "-rf.csv", "a" * 200 + ".csv"]
)
def test_odd_file_names_import_or_are_refused_clearly(school: Services, workdir: Path, kind: str, name: str):
    _, headers, good, _ = IMPORTERS[kind]
    run_import(school, kind, write(workdir, name, csv_bytes([headers, good], "utf-8", ";")))


# -- the services fed random text ---------------------------------------------------------------------------------

PATH_NAMES = [
    "../../etc/passwd",
    "C:\\Windows\\x",
    "a/b/c.png",
    "/abs.png",
    "..",
    ".",
    "",
    "con.png",
    "ы" * 300,
]
texts = st.one_of(st.sampled_from(ODD_CELLS), st.text(max_size=60))
file_names = st.one_of(st.sampled_from(PATH_NAMES), st.text(max_size=40))
files = st.lists(st.builds(FileIn, file_names, st.binary(max_size=64)), max_size=3).map(tuple)
dates = st.one_of(
    st.dates(), st.sampled_from([dt.date(1, 1, 1), dt.date(9999, 12, 31), dt.date(2026, 11, 25)])
)


def service_call(services: Services, call: Callable[[], Any], table: str) -> None:
    before = counts(services)
    try:
        card = call()
    except ServiceError as exc:
        assert CYRILLIC.search(str(exc)), str(exc)
        assert counts(services) == before
    else:
        assert card.row.number
        assert counts(services)[table] == before[table] + 1
        # An attachment keeps its base name only: a path-like name never leads out of a folder it is saved to.
        for info in getattr(card, "files", ()):
            assert not {"/", "\\"} & set(info.name), info.name
            assert info.name not in ("", ".", ".."), info.name


@FUZZ
@given(
    applicant=texts,
    rubric=st.sampled_from(Rubric),
    body=texts,
    email=texts,
    phone=texts,
    child=texts,
    child_class=texts,
    attachment=st.none() | st.builds(FileIn, file_names, st.binary(max_size=64)),
)
def test_an_appeal_of_random_text_is_registered_or_refused_clearly(
    school: Services, applicant, rubric, body, email, phone, child, child_class, attachment
):
    data = AppealInput(
        applicant=applicant, rubric=rubric, text=body, email=email, phone=phone,
        child_name=child, child_class=child_class, attachment=attachment,
    )  # fmt: skip
    service_call(school, lambda: school.appeals.register(data), "appeals")


@FUZZ
@given(
    client=texts,
    category=st.sampled_from(Category),
    event=dates,
    body=texts,
    group=texts,
    contact=texts,
    files=files,
)
@example(  # found by the fuzz: the production calendar was filled up to the year 10000 and crashed
    client="Иванов Пётр Сергеевич", category=Category.ROOMS, event=dt.date(9999, 12, 31), body="Актовый зал",
    group="", contact="", files=(),
)  # fmt: skip
@example(  # found by the fuzz: an attachment named «..» kept that name (opening it wrote to the folder above)
    client="Иванов Пётр Сергеевич", category=Category.ROOMS, event=dt.date(2026, 12, 25), body="Актовый зал",
    group="10А", contact="+7 912 000-00-01",
    files=(FileIn("../../etc/passwd", b"x"), FileIn("C:\\Windows\\x", b"y"), FileIn("..", b"z")),
)  # fmt: skip
def test_a_ticket_of_random_text_is_created_or_refused_clearly(
    school: Services, client, category, event, body, group, contact, files
):
    data = TicketInput(
        client_name=client, category=category, event_date=event, description=body,
        client_group=group, client_contact=contact, files=files,
    )  # fmt: skip
    service_call(school, lambda: school.tickets.create(data), "tickets")


@FUZZ
@given(
    name=texts,
    birth=st.none() | dates,
    email=texts,
    role=st.none() | st.sampled_from(UserRole),
    class_name=texts,
    brought_by=texts,
    body=texts,
    files=files,
)
def test_a_support_request_of_random_text_is_created_or_refused_clearly(
    school: Services, name, birth, email, role, class_name, brought_by, body, files
):
    data = SupportInput(
        full_name=name, birth_date=birth, gosuslugi_email=email, role=role, class_name=class_name,
        brought_by=brought_by, description=body, files=files,
    )  # fmt: skip
    service_call(school, lambda: school.support.create(data), "support_requests")
