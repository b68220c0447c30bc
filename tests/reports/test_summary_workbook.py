"""The summary workbook: sheets, the key figures by label, numbers as numbers and shares as percentages, charts where
there are data, an empty period that says so, and never half a file."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from desktop.domain import appeals as ap
from desktop.domain import support as sp
from desktop.domain import tickets as tk
from desktop.domain.reports import (
    AgentLoad,
    AnswerTimes,
    AppealsSummary,
    LevelTimeliness,
    MonthShare,
    PaperSummary,
    PeriodSummary,
    SupportOutcome,
    SupportSummary,
    TicketsSummary,
)
from desktop.reports import summary as sm
from desktop.reports.summary import write_summary_workbook

MADE = dt.datetime(2026, 11, 23, 10, 15)


def full_summary() -> PeriodSummary:
    appeals = AppealsSummary(
        total=10,
        by_rubric={ap.Rubric.SCHOOL: 7, ap.Rubric.TECHNICAL: 3},
        by_channel={ap.Channel.EMAIL: 5, ap.Channel.POST: 2, None: 3},
        by_answer_level={ap.Level.DEPUTY: 5, ap.Level.DIRECTOR: 2, ap.Level.SUI: 1},
        forwarded=2,
        still_open=2,
        levels=(
            LevelTimeliness(ap.Level.DEPUTY, reached=7, on_time=5, late=0, escalated=1, open_in_term=1),
            LevelTimeliness(ap.Level.DIRECTOR, reached=1, on_time=0, late=1),
        ),
        times=AnswerTimes(count=8, average=2.375, longest=7, longest_number="О-2026-0004"),
        repeats=3,
        notices=1,
        on_time=6,
        finished=8,
        months=(MonthShare(dt.date(2026, 9, 1), 3, 3), MonthShare(dt.date(2026, 10, 1), 5, 3)),
    )
    tickets = TicketsSummary(
        total=4,
        by_category={tk.Category.PRINTING: 3, tk.Category.ROOMS: 1},
        by_status={tk.Status.IN_WORK: 2, tk.Status.DONE: 1, tk.Status.OPEN: 1},
        submitted_on_time=3,
        handled=3,
        handled_on_time=2,
        agents=(AgentLoad("Петров П. П.", total=3, done=1, handled=3, handled_on_time=2),),
    )
    support = SupportSummary(
        total=5,
        by_outcome={SupportOutcome.SOLVED_AT_SCHOOL: 3, SupportOutcome.OPEN_AT_STP: 2},
        by_role={sp.UserRole.PARENT: 4, sp.UserRole.TEACHER: 1},
        sent_to_stp=2,
    )
    paper = PaperSummary(families_on_paper=2, reports=8, handed_on_time=6, handed_late=1, not_handed=1)
    return PeriodSummary(
        school="МАОУ СОШ № 7",
        date_from=dt.date(2026, 9, 1),
        date_to=dt.date(2026, 11, 30),
        made_at=MADE,
        made_by="Иванова Наталья Сергеевна",
        appeals=appeals,
        tickets=tickets,
        support=support,
        paper=paper,
    )


def empty_summary() -> PeriodSummary:
    return PeriodSummary(
        school="МАОУ СОШ № 7",
        date_from=dt.date(2027, 1, 1),
        date_to=dt.date(2027, 1, 31),
        made_at=MADE,
        made_by="Иванова Наталья Сергеевна",
        appeals=AppealsSummary(
            total=0,
            by_rubric={},
            by_channel={},
            by_answer_level={},
            forwarded=0,
            still_open=0,
            levels=(),
            times=AnswerTimes(0, None, None),
            repeats=0,
            notices=0,
            on_time=0,
            finished=0,
            months=(),
        ),
        tickets=TicketsSummary(0, {}, {}, 0, 0, 0, ()),
        support=SupportSummary(0, {}, {}, 0),
        paper=PaperSummary(0, 0, 0, 0, 0),
    )


def find(ws: Worksheet, label: str, after: int = 0) -> tuple:
    """The cells to the right of `label` in column A (the first one below row `after`)."""
    for row in ws.iter_rows(min_row=after + 1):
        if row[0].value == label:
            return row[1:]
    raise AssertionError(f"«{label}» not found on «{ws.title}»")


def row_of(ws: Worksheet, text: str) -> int:
    for row in ws.iter_rows(max_col=1):
        if row[0].value == text:
            return row[0].row
    raise AssertionError(f"«{text}» not found on «{ws.title}»")


def texts(ws: Worksheet) -> list[str]:
    return [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]


@pytest.fixture
def book(tmp_path: Path) -> openpyxl.Workbook:
    path = tmp_path / "Сводный отчёт.xlsx"
    calls: list[int] = []
    write_summary_workbook(path, full_summary(), progress=calls.append)
    assert calls == [10 + 4 + 5 + 8]
    assert not list(tmp_path.glob("*.part"))
    return openpyxl.load_workbook(path)


def test_sheets_title_and_period(book: openpyxl.Workbook) -> None:
    assert book.sheetnames == ["Сводка", "Обращения", "Заявки", "Поддержка ЭПОС", "Отчёты на бумаге"]
    ws = book["Сводка"]
    assert ws["A1"].value == "Сводный отчёт за период — МАОУ СОШ № 7"
    assert ws["A1"].font.b
    assert ws["A2"].value == "Период: с 01.09.2026 по 30.11.2026"
    assert ws["A3"].value == "Выгрузил: Иванова Наталья Сергеевна, 23.11.2026 10:15"
    assert sm.NO_DATA not in texts(ws)


def test_key_figures_by_label(book: openpyxl.Workbook) -> None:
    ws = book["Сводка"]
    header = row_of(ws, "Показатель")
    assert [c.value for c in ws[header]][:4] == ["Показатель", "Значение", "Доля", "Пояснение"]
    assert all(c.font.b and c.fill.fgColor.rgb.endswith("DDE7F0") for c in ws[header][:4])
    expected = {
        "Обращений зарегистрировано": 10,
        "Ответ дан": 8,
        "Из них в срок": 6,
        "Передано в СУИ": 2,
        "Ещё без ответа": 2,
        "Самый долгий ответ, рабочих дней": 7,
        "Повторных обращений": 3,
        "Уведомлений в Департамент (5-е и следующие повторы)": 1,
        "Заявок по инициативам": 4,
        "Подано в срок": 3,
        "Исполнено в срок (взято в работу не позже срока отчёта)": 2,
        "Запросов в поддержку ЭПОС": 5,
        "Направлено в СТП": 2,
        "Семей на бумажных отчётах": 2,
        "Еженедельных отчётов к вручению": 8,
        "Вручено в срок": 6,
    }
    for label, value in expected.items():
        cell = find(ws, label)[0]
        assert cell.value == value and type(cell.value) is int, label
    assert find(ws, "Средний срок ответа, рабочих дней")[0].value == pytest.approx(2.375)
    assert find(ws, "Средний срок ответа, рабочих дней")[0].number_format == "0.0"
    assert "О-2026-0004" in find(ws, "Самый долгий ответ, рабочих дней")[2].value
    on_time_share = find(ws, "Из них в срок")[1]
    assert on_time_share.value == pytest.approx(0.75) and on_time_share.number_format == "0%"
    assert find(ws, "Исполнено в срок (взято в работу не позже срока отчёта)")[1].value == pytest.approx(
        2 / 3
    )
    assert find(ws, "Вручено в срок")[1].value == pytest.approx(0.75)
    assert find(ws, "Обращений зарегистрировано")[1].value is None
    assert ws.freeze_panes == f"A{header + 1}"
    assert ws.auto_filter.ref.startswith(f"A{header}:D")


def test_appeals_sheet(book: openpyxl.Workbook) -> None:
    ws = book["Обращения"]
    assert ws["A1"].value == "Обращения — МАОУ СОШ № 7"
    rubric = row_of(ws, "Обращения по рубрикам")
    assert find(ws, "Вопрос к школе", rubric)[0].value == 7
    assert find(ws, "Технический вопрос", rubric)[0].value == 3
    assert find(ws, "Всего", rubric)[0].value == 10
    channel = row_of(ws, "Обращения по каналам поступления")
    assert find(ws, "e-mail", channel)[0].value == 5
    assert find(ws, "не указан", channel)[0].value == 3
    assert find(ws, "лично", channel)[0].value == 0
    answered = row_of(ws, "Ответы по уровням")
    assert find(ws, "Система управления инцидентами", answered)[0].value == 1
    levels = row_of(ws, "Соблюдение сроков по уровням")
    assert [c.value for c in ws[levels + 1]][:8] == list(sm.LEVEL_HEADERS)
    deputy = find(ws, "Заместитель директора", levels)
    assert [c.value for c in deputy[:6]] == [7, 5, 0, 1, 1, 0]
    assert deputy[6].value == pytest.approx(5 / 6) and deputy[6].number_format == "0%"
    assert find(ws, "Директор", levels)[6].value == 0
    assert ws.auto_filter.ref == f"A{levels + 1}:H{levels + 3}"
    times = row_of(ws, "Срок ответа")
    assert [c.value for c in ws[times + 2]][:4] == [8, 2.375, 7, "О-2026-0004"]
    repeats = row_of(ws, "Повторные обращения")
    assert find(ws, "Уведомлений в Департамент (5-е и следующие повторы)", repeats)[0].value == 1
    months = row_of(ws, "Доля ответов в срок по месяцам регистрации")
    first = ws.cell(months + 2, 1)
    assert first.value == dt.datetime(2026, 9, 1) and first.number_format == "MM.YYYY"
    assert ws.cell(months + 3, 4).value == pytest.approx(0.6)
    assert len(ws._charts) == 4
    assert ws.freeze_panes == "A3"
    assert ws.print_title_rows == "$1:$2"
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage


def test_tickets_support_paper(book: openpyxl.Workbook) -> None:
    ws = book["Заявки"]
    category = row_of(ws, "Заявки по категориям")
    assert find(ws, tk.Category.PRINTING.label, category)[0].value == 3
    status = row_of(ws, "Заявки по статусам")
    assert find(ws, tk.Status.IN_WORK.label, status)[0].value == 2
    agents = row_of(ws, "Заявки по исполнителям")
    assert [c.value for c in ws[agents + 1]][:6] == list(sm.AGENT_HEADERS)
    petrov = find(ws, "Петров П. П.", agents)
    assert [c.value for c in petrov[:4]] == [3, 1, 3, 2]
    assert petrov[4].value == pytest.approx(2 / 3) and petrov[4].number_format == "0%"
    assert find(ws, "Подано в срок")[1].value == pytest.approx(0.75)
    assert len(ws._charts) == 1
    assert ws.auto_filter.ref.startswith(f"A{agents + 1}:F")

    ws = book["Поддержка ЭПОС"]
    outcome = row_of(ws, "Запросы по результату")
    assert find(ws, "Решено в школе (исправлением данных)", outcome)[0].value == 3
    assert find(ws, "Открыто: заявка в СТП", outcome)[0].value == 2
    assert find(ws, "Закрыто без решения", outcome)[0].value == 0
    role = row_of(ws, "Запросы по ролям пользователей")
    assert find(ws, "родитель (законный представитель)", role)[0].value == 4
    assert find(ws, "Направлено в СТП")[0].value == 2
    assert len(ws._charts) == 1

    ws = book["Отчёты на бумаге"]
    assert find(ws, "Семей на бумажных отчётах")[0].value == 2
    handing = row_of(ws, "Вручение еженедельных отчётов")
    assert [c.value for c in find(ws, "Вручено в срок", handing)[:1]] == [6]
    assert find(ws, "Вручено с опозданием", handing)[0].value == 1
    assert find(ws, "Не вручено", handing)[1].value == pytest.approx(1 / 8)
    assert len(ws._charts) == 1


def test_widths_fitted(book: openpyxl.Workbook) -> None:
    ws = book["Сводка"]
    assert ws.column_dimensions["A"].width >= len("Уведомлений в Департамент (5-е и следующие повторы)")
    assert ws.column_dimensions["B"].width < 20


def test_empty_period_is_a_valid_workbook_that_says_so(tmp_path: Path) -> None:
    path = tmp_path / "пусто.xlsx"
    write_summary_workbook(path, empty_summary())
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Сводка", "Обращения", "Заявки", "Поддержка ЭПОС", "Отчёты на бумаге"]
    ws = book["Сводка"]
    assert "За период нет данных." in texts(ws)
    assert find(ws, "Обращений зарегистрировано")[0].value == 0
    assert find(ws, "Из них в срок")[1].value is None
    assert find(ws, "Средний срок ответа, рабочих дней")[0].value is None
    assert "За период обращений не зарегистрировано." in texts(book["Обращения"])
    assert "За период заявок по инициативам не подано." in texts(book["Заявки"])
    assert "За период запросов в поддержку ЭПОС не поступало." in texts(book["Поддержка ЭПОС"])
    assert "За период еженедельных отчётов к вручению не было." in texts(book["Отчёты на бумаге"])
    assert all(not book[name]._charts for name in book.sheetnames)


def test_open_period_wording(tmp_path: Path) -> None:
    from dataclasses import replace

    path = tmp_path / "s.xlsx"
    write_summary_workbook(path, replace(empty_summary(), date_from=None, date_to=None, school=""))
    ws = openpyxl.load_workbook(path)["Сводка"]
    assert ws["A1"].value == "Сводный отчёт за период"
    assert ws["A2"].value == "Период: всё время"
    write_summary_workbook(path, replace(empty_summary(), date_from=dt.date(2026, 9, 1), date_to=None))
    assert openpyxl.load_workbook(path)["Сводка"]["A2"].value == "Период: с 01.09.2026 по 23.11.2026"
    write_summary_workbook(path, replace(empty_summary(), date_from=None))
    assert openpyxl.load_workbook(path)["Сводка"]["A2"].value == "Период: с начала учёта по 31.01.2027"


def test_a_failed_save_leaves_the_old_file_and_no_part(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "s.xlsx"
    path.write_bytes(b"old")

    def broken(self: object, filename: str) -> None:
        Path(filename).write_bytes(b"half")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(openpyxl.Workbook, "save", broken)
    with pytest.raises(OSError):
        write_summary_workbook(path, full_summary())
    assert path.read_bytes() == b"old"
    assert not list(tmp_path.glob("*.part"))


@pytest.mark.skipif(os.name == "nt" or os.geteuid() == 0, reason="root writes into any folder")
def test_a_folder_not_writable_fails_with_no_part(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(OSError):
            write_summary_workbook(folder / "s.xlsx", full_summary())
        assert not list(folder.iterdir())
    finally:
        folder.chmod(0o700)


def test_a_folder_that_cannot_be_made_fails_before_writing(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_bytes(b"")
    with pytest.raises(OSError):
        write_summary_workbook(blocker / "s.xlsx", full_summary())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]
