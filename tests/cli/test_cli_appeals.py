"""`school-office import appeals`, `sweep --now` and `export appeals`: a register imported, swept at fixed moments and
exported, row by row against deadlines counted by hand on the official production calendars (New Year and May
holidays, transferred days off, the working Saturday 01.11.2025), school time zones and calendar overrides; a bad
file refused with every problem; two sweeps at once recording each escalation once; the notice letter and the
answer e-mail from the command line."""

from __future__ import annotations

import csv
import datetime as dt
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from sqlalchemy import func, select

from desktop.cli import EXIT_FAILED, EXIT_OK
from desktop.domain.access import Actor
from desktop.services.registry import open_services
from desktop.store.db import resolve_location
from desktop.store.models import Appeal, AppealStep
from tests.cli.conftest import Run, error_line, sqlite_only

HEADER = [
    "Номер",
    "Дата регистрации",
    "Заявитель",
    "Email",
    "Рубрика",
    "Текст",
    "Повторное к",
    "Дата ответа",
    "Ответ",
]
YEKB = ZoneInfo("Asia/Yekaterinburg")


def line(
    number: str,
    registered: str,
    *,
    rubric: str = "Вопрос к школе",
    email: str = "",
    repeat_of: str = "",
    answered: str = "",
    answer: str = "",
    applicant: str = "Кузнецова Мария Петровна",
    text: str = "Когда будет родительское собрание?",
) -> list[str]:
    return [number, registered, applicant, email, rubric, text, repeat_of, answered, answer]


def write_csv(
    path: Path, rows: Sequence[Sequence[str]], *, encoding: str = "cp1251", delimiter: str = ";"
) -> Path:
    with path.open("w", encoding=encoding, newline="") as f:
        csv.writer(f, delimiter=delimiter).writerows(rows)
    return path


def day(text: str) -> dt.datetime:
    """An expected «Срок» as openpyxl reads an Excel date back."""
    return dt.datetime.strptime(text, "%d.%m.%Y")


def moment(text: str) -> dt.datetime:
    return dt.datetime.strptime(text, "%d.%m.%Y %H:%M")


def export(run: Run, out: Path) -> dict[str, dict[str, object]]:
    """The exported register by «Внешний номер»: every column by its header."""
    code, _, err = run("export", "appeals", "--out", str(out))
    assert code == EXIT_OK, err
    ws = openpyxl.load_workbook(out).active
    rows = list(ws.iter_rows(min_row=4, values_only=True))
    header, body = rows[0], rows[1:]
    return {r[1]: dict(zip(header, r, strict=True)) for r in body}


def state(register: dict[str, dict[str, object]], key: str) -> tuple[object, ...]:
    r = register[key]
    return r["Ответственный"], r["Срок"], r["Статус"]


def sweep(run: Run, now: str) -> str:
    code, out, err = run("sweep", "--now", now)
    assert code == EXIT_OK, err
    return out


DEPUTY, DIRECTOR = "Заместитель директора", "Директор"
MUNICIPAL, DEPARTMENT = "Муниципальный орган управления образованием", "Департамент образования и науки"
SUI = "Система управления инцидентами"
OPEN, ANSWERED, AT_SUI = "На рассмотрении", "Ответ дан", "Передано в СУИ"

REGISTER = [
    HEADER,
    # May holidays 2025: 01.05-04.05 and 08.05-11.05 off (02.05 moved from 04.01, 08.05 from 23.02).
    line("Р-1", "30.04.2025 10:00"),
    # New Year 2025: 28.12.2024 a working Saturday, 30.12-31.12 transferred days off, 01.01-08.01 holidays.
    line("Р-2", "27.12.2024 15:00"),
    # 01.11.2025 a working Saturday, 03.11 a day off moved from it, 04.11 a holiday.
    line("Р-3", "30.10.2025 09:00"),
    # Answered late: after the deputy's and the director's terms, within the municipal body's.
    line("Р-4", "30.04.2025 12:00", answered="14.05.2025 09:00", answer="Ответ муниципального органа"),
    # Technical: 30 calendar days; 03.01.2025 is a holiday, so the term ends on 09.01.2025.
    line("Р-5", "04.12.2024 12:00", rubric="Технический вопрос", email="t@mail.ru"),
    # Technical: 12.06.2025 Russia Day, 13.06 moved from 08.03, 14-15.06 weekend: due 16.06.2025.
    line("Р-6", "13.05.2025 09:00", rubric="Технический вопрос", email="t@mail.ru"),
]
# A thread: the first appeal and five repeats, each after the answer to the one before.
_previous = ""
for _i in range(6):
    _answer = (f"{4 + 2 * _i:02d}.02.2025 15:00", f"Ответ {_i}") if _i < 5 else ("", "")
    REGISTER.append(
        line(
            f"Н-{_i}",
            f"{3 + 2 * _i:02d}.02.2025 10:00",
            repeat_of=_previous,
            answered=_answer[0],
            answer=_answer[1],
            applicant="Лебедева Ксения Олеговна",
            email="k@mail.ru",
        )
    )
    _previous = f"Н-{_i}"


@pytest.fixture
def school(run: Run) -> Run:
    for key, value in (
        ("timezone", "Asia/Yekaterinburg"),
        ("school_name", "МАОУ «Средняя общеобразовательная школа № 7» города Тюмени"),
        ("school_short_name", "МАОУ СОШ № 7"),
        ("school_address", "625000, г. Тюмень, ул. Республики, д. 1"),
        ("director_name", "Иванова Мария Петровна"),
        ("region_department", "Департамент образования и науки Тюменской области"),
        ("school_email", "school7@edu.tyumen.ru"),
    ):
        code, _, err = run("settings", "set", key, value)
        assert code == EXIT_OK, err
    return run


def test_a_register_imported_swept_at_fixed_moments_and_exported_matches_deadlines_counted_by_hand(
    school, tmp_path, db
):
    code, out, err = school("import", "appeals", str(write_csv(tmp_path / "реестр.csv", REGISTER)))
    assert code == EXIT_OK, err
    assert out.strip() == (
        "Загружено обращений: 12 (О-2024/0001 … О-2025/0010). С ответом: 6. "
        "Передач на следующий уровень до ответа: 2. Уведомлений в Департамент о повторных обращениях: 1."
    )
    out_file = tmp_path / "реестр.xlsx"

    register = export(school, out_file)
    assert {k: r["Номер"] for k, r in register.items()} == {
        "Р-5": "О-2024/0001",
        "Р-2": "О-2024/0002",
        "Н-0": "О-2025/0001",
        "Н-1": "О-2025/0002",
        "Н-2": "О-2025/0003",
        "Н-3": "О-2025/0004",
        "Н-4": "О-2025/0005",
        "Н-5": "О-2025/0006",
        "Р-1": "О-2025/0007",
        "Р-4": "О-2025/0008",
        "Р-6": "О-2025/0009",
        "Р-3": "О-2025/0010",
    }
    assert state(register, "Р-1") == (DEPUTY, day("07.05.2025"), OPEN)
    assert state(register, "Р-2") == (DEPUTY, day("10.01.2025"), OPEN)
    assert state(register, "Р-3") == (DEPUTY, day("05.11.2025"), OPEN)
    assert state(register, "Р-4") == (MUNICIPAL, day("16.05.2025"), ANSWERED)
    assert register["Р-4"]["Дата ответа"] == moment("14.05.2025 09:00")
    assert state(register, "Р-5") == (SUI, day("09.01.2025"), AT_SUI)
    assert state(register, "Р-6") == (SUI, day("16.06.2025"), AT_SUI)
    assert [
        (register[f"Н-{i}"]["Повтор"], register[f"Н-{i}"]["Уведомление в Департамент"]) for i in range(6)
    ] == [(0, "Нет"), (1, "Нет"), (2, "Нет"), (3, "Нет"), (4, "Нет"), (5, "Да")]
    assert register["Н-5"]["Повторное к"] == "О-2025/0005"
    assert register["Р-1"]["Дата регистрации"] == moment("30.04.2025 10:00")

    # 10.01.2025 ends; the director has 13.01 and 14.01; the municipal body 15.01, 16.01 and 17.01.
    assert sweep(school, "2025-01-10T23:59").startswith("Просроченных обращений нет")
    assert sweep(school, "2025-01-11T00:00") == "Передано на следующий уровень обращений: 1 (Директор — 1).\n"
    assert state(export(school, out_file), "Р-2") == (DIRECTOR, day("14.01.2025"), OPEN)
    sweep(school, "2025-01-15T00:00")
    assert state(export(school, out_file), "Р-2") == (MUNICIPAL, day("17.01.2025"), OPEN)

    # 07.05.2025 ends at 24:00 school time; then the director's 12.05, 13.05; the municipal body's 14.05-16.05.
    sweep(school, "2025-05-07T23:59")
    register = export(school, out_file)
    assert state(register, "Р-1") == (DEPUTY, day("07.05.2025"), OPEN)
    assert state(register, "Р-2") == (DEPARTMENT, None, OPEN)
    sweep(school, "2025-05-08T00:00")
    assert state(export(school, out_file), "Р-1") == (DIRECTOR, day("13.05.2025"), OPEN)
    sweep(school, "2025-05-13T23:59")
    assert state(export(school, out_file), "Р-1") == (DIRECTOR, day("13.05.2025"), OPEN)
    sweep(school, "2025-05-14T00:00")
    assert state(export(school, out_file), "Р-1") == (MUNICIPAL, day("16.05.2025"), OPEN)
    sweep(school, "2025-05-17T00:00")
    register = export(school, out_file)
    assert state(register, "Р-1") == (DEPARTMENT, None, OPEN)
    assert state(register, "Р-4") == (MUNICIPAL, day("16.05.2025"), ANSWERED)  # answered: never escalates
    assert state(register, "Р-6") == (SUI, day("16.06.2025"), AT_SUI)  # the СУИ has no chain
    # 05.11 ends; the director has 06.11 and 07.11; the municipal body 10.11-12.11.
    sweep(school, "2025-11-06T00:00")
    assert state(export(school, out_file), "Р-3") == (DIRECTOR, day("07.11.2025"), OPEN)
    sweep(school, "2025-11-08T12:00")
    assert state(export(school, out_file), "Р-3") == (MUNICIPAL, day("12.11.2025"), OPEN)
    assert state(export(school, out_file), "Н-5")[0] == DEPARTMENT

    # The history of Р-2 holds each escalation at its due moment (24:00 in Yekaterinburg), once.
    services = open_services(resolve_location(str(db)), actor=Actor.bootstrap("проверка"))
    try:
        with services.ctx.transaction() as session:
            appeal_id = session.scalar(select(Appeal.id).where(Appeal.external_number == "Р-2"))
            history = session.execute(
                select(AppealStep.kind, AppealStep.level, AppealStep.at)
                .where(AppealStep.appeal_id == appeal_id)
                .order_by(AppealStep.at)
            ).all()
    finally:
        services.close()
    assert [(k, lv, at.astimezone(YEKB).strftime("%d.%m.%Y %H:%M")) for k, lv, at in history] == [
        ("registered", "deputy", "27.12.2024 15:00"),
        ("escalated", "director", "11.01.2025 00:00"),
        ("escalated", "municipal", "15.01.2025 00:00"),
        ("escalated", "department", "18.01.2025 00:00"),
    ]


def test_the_school_time_zone_decides_the_date_and_the_sweep_moment_is_school_time(capsys, tmp_path, another_db):
    rows = [HEADER, line("Z-1", "2025-04-30T01:00+05:00"), line("Z-2", "30.04.2025 10:00")]
    path = write_csv(tmp_path / "zones.csv", rows, encoding="utf-8-sig", delimiter=",")
    registers = {}
    for zone in ("Asia/Yekaterinburg", "Europe/Kaliningrad"):
        run = Run(capsys, another_db(zone.replace("/", "-")))
        assert run("settings", "set", "timezone", zone)[0] == EXIT_OK
        code, _, err = run("import", "appeals", str(path))
        assert code == EXIT_OK, err
        sweep(run, "2025-05-07T23:59")
        before = export(run, tmp_path / "before.xlsx")
        sweep(run, "2025-05-08T00:00")
        registers[zone] = (before, export(run, tmp_path / "after.xlsx"))

    yekb_before, yekb_after = registers["Asia/Yekaterinburg"]
    kgd_before, kgd_after = registers["Europe/Kaliningrad"]
    # 30.04 01:00 in Yekaterinburg is still 29.04 (22:00) in Kaliningrad: three working days from a day earlier.
    assert state(yekb_before, "Z-1") == (DEPUTY, day("07.05.2025"), OPEN)
    assert kgd_before["Z-1"]["Дата регистрации"] == moment("29.04.2025 22:00")
    assert state(kgd_before, "Z-1") == (DIRECTOR, day("12.05.2025"), OPEN)  # 06.05 ended before 07.05 23:59
    # A time without an offset is the school's own: the same dates in both, and `--now` is school time too.
    assert state(yekb_before, "Z-2") == state(kgd_before, "Z-2") == (DEPUTY, day("07.05.2025"), OPEN)
    assert state(yekb_after, "Z-2") == state(kgd_after, "Z-2") == (DIRECTOR, day("13.05.2025"), OPEN)


@pytest.mark.parametrize(
    ("override", "expected"),
    [
        # Quarantine on 06.05.2025: the deputy counts 05.05, 07.05, 12.05; the director 13.05, 14.05.
        (
            ("day-off", "06.05.2025", "--reason", "Карантин"),
            [(DEPUTY, "12.05.2025"), (DIRECTOR, "14.05.2025"), (MUNICIPAL, "19.05.2025")],
        ),
        # The school works on Saturday 03.05.2025: the deputy counts 03.05, 05.05, 06.05.
        (
            ("workday", "2025-05-03"),
            [(DEPUTY, "06.05.2025"), (DIRECTOR, "12.05.2025"), (MUNICIPAL, "15.05.2025")],
        ),
    ],
)
def test_a_calendar_override_moves_the_deadlines(school, tmp_path, override, expected):
    code, _, err = school("calendar", *override)
    assert code == EXIT_OK, err
    assert (
        school(
            "import", "appeals", str(write_csv(tmp_path / "a.csv", [HEADER, line("Р-1", "30.04.2025 10:00")]))
        )[0]
        == 0
    )
    out_file = tmp_path / "a.xlsx"
    got = [state(export(school, out_file), "Р-1")[:2]]
    for level, due in expected[:-1]:
        following = (day(due) + dt.timedelta(days=1)).strftime("%Y-%m-%dT00:00")
        sweep(school, following)
        got.append(state(export(school, out_file), "Р-1")[:2])
    assert got == [(level, day(due)) for level, due in expected]


def test_a_bad_register_is_refused_with_every_problem_and_nothing_is_written(school, tmp_path):
    path = write_csv(
        tmp_path / "appeals.csv",
        [
            HEADER,
            line("1", "30.04.2025 10:00"),
            line("2", "30.04.2025 10:00", text="я" * 501),
            line("3", "30.04.2025 10:00", rubric="Жалоба"),
            line("4", "05.05.2025 10:00", repeat_of="1"),
        ],
        encoding="utf-8",
    )

    code, out, err = school("import", "appeals", str(path))

    assert code == EXIT_FAILED
    assert out == ""
    lines = err.strip().splitlines()
    assert lines[-4:] == [
        "Ошибка: файл appeals.csv не загружен, ничего не записано. Ошибок: 3.",
        "appeals.csv, строка 3, столбец «Текст»: Текст обращения — 501 знак, а можно не больше 500: сократите на 1 знак.",
        (
            "appeals.csv, строка 4, столбец «Рубрика»: неизвестная рубрика «Жалоба»: допустимы «Вопрос к школе» и "
            "«Технический вопрос»."
        ),
        (
            "appeals.csv, строка 5, столбец «Повторное к»: на обращение «1» (строка 2) в файле нет ответа (столбец "
            "«Дата ответа»): повторное обращение возможно только после ответа."
        ),
    ]
    assert export(school, tmp_path / "empty.xlsx") == {}
    # The numbers were not taken: the same file, put right, starts at …/0001.
    good = write_csv(tmp_path / "good.csv", [HEADER, line("1", "30.04.2025 10:00")])
    code, out, err = school("import", "appeals", str(good))
    assert (code, out.strip()) == (EXIT_OK, "Загружено обращений: 1 (О-2025/0001)."), err


def test_a_missing_file_and_a_wrong_sweep_moment_are_told(school, tmp_path):
    code, _, err = school("import", "appeals", str(tmp_path / "нет.csv"))
    assert (code, error_line(err)) == (EXIT_FAILED, f"Ошибка: Файл не найден: {tmp_path / 'нет.csv'}")
    code, _, err = school("sweep", "--now", "завтра")
    assert code == EXIT_FAILED
    assert error_line(err).startswith("Ошибка: --now: «завтра» — не дата и время.")
    code, _, err = school("sweep", "--now", "01.01.0001 00:00")
    assert code == EXIT_FAILED
    assert "дата вне допустимого диапазона" in error_line(err)


@sqlite_only
def test_export_list_names_the_register_of_appeals(run):
    code, out, err = run("export", "--list", db=False)
    assert code == EXIT_OK, err
    assert [line.split()[0] for line in out.splitlines()] == [
        "appeals", "overdue", "tickets", "support", "access-codes", "optouts", "printouts", "audit", "summary",
    ]  # fmt: skip
    assert "журнал регистрации обращений" in out


def test_the_notice_letter_and_the_answer_email_from_the_command_line(school, tmp_path):
    assert school("import", "appeals", str(write_csv(tmp_path / "a.csv", REGISTER)))[0] == EXIT_OK
    pdf = tmp_path / "уведомление.pdf"
    code, out, err = school("print", "notice", "О-2025/0006", "--out", str(pdf))
    assert code == EXIT_OK, err
    assert out.strip() == f"Письмо в Департамент по обращению О-2025/0006 сохранено: {pdf}"
    assert pdf.read_bytes().startswith(b"%PDF")
    code, _, err = school("print", "notice", "О-2025/0005", "--out", str(tmp_path / "x.pdf"))
    assert code == EXIT_FAILED
    assert "4-е повторное" in error_line(err)

    eml = tmp_path / "ответ.eml"
    code, out, err = school(
        "appeals", "email", "Н-4", "--out", str(eml)
    )  # the source system's number works too
    assert code == EXIT_OK, err
    assert "Subject: =?utf-8?" in eml.read_text(encoding="ascii")
    code, _, err = school("appeals", "email", "О-2099/0001", "--out", str(eml))
    assert (code, error_line(err)) == (
        EXIT_FAILED,
        "Ошибка: Обращение «О-2099/0001» не найдено: укажите его номер, например О-2026/0001.",
    )


# -- two sweeps at once ----------------------------------------------------------------------------------------


def _many(count: int) -> list[list[str]]:
    rows = [HEADER]
    for i in range(count):
        rows.append(
            line(
                f"М-{i}",
                f"{1 + i % 28:02d}.04.2025 {8 + i % 10:02d}:{i % 60:02d}",
                applicant=f"Заявитель {i}",
            )
        )
    return rows


def test_two_sweeps_started_at_once_record_each_escalation_once(run, tmp_path, db):
    url = str(db)
    assert run("settings", "set", "timezone", "Asia/Yekaterinburg")[0] == EXIT_OK
    count = 300
    code, _, err = run("import", "appeals", str(write_csv(tmp_path / "many.csv", _many(count))))
    assert code == EXIT_OK, err

    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    command = [sys.executable, "-m", "desktop", "sweep", "--now", "2025-06-30T12:00", "--db", url]
    processes = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        for _ in range(2)
    ]
    results = [p.communicate(timeout=120) for p in processes]

    assert [p.returncode for p in processes] == [0, 0], results
    moved = 0
    for stdout, _ in results:
        if stdout.startswith("Передано"):
            moved += int(stdout.split(":")[1].split("(")[0])
    assert moved == count  # each appeal moved by one of the two sweeps, not by both
    services = open_services(resolve_location(url), actor=Actor.bootstrap("проверка"))
    try:
        with services.ctx.transaction() as session:
            escalations = session.scalar(
                select(func.count()).select_from(AppealStep).where(AppealStep.kind == "escalated")
            )
            distinct = session.scalar(
                select(func.count()).select_from(
                    select(AppealStep.appeal_id, AppealStep.level)
                    .where(AppealStep.kind == "escalated")
                    .distinct()
                    .subquery()
                )
            )
            levels = session.execute(select(Appeal.level, func.count()).group_by(Appeal.level)).all()
    finally:
        services.close()
    assert escalations == distinct == 3 * count  # director, municipal body, Department: each once
    assert levels == [("department", count)]


def test_screenshot_of_the_queue_on_the_demo_database_is_taken_as_the_deputy_director(tmp_path, monkeypatch):
    """Nobody named: the demo administrator sees no appeals, so the snapshot is taken as the one who works them."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("SCHOOL_OFFICE_USER", raising=False)
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    out = tmp_path / "appeals.png"
    result = subprocess.run(
        [sys.executable, "-m", "desktop", "--demo", "screenshot", "--view", "appeals", "--out", str(out)],
        check=False, capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert out.stat().st_size > 10_000
    assert "appeals" in result.stdout
