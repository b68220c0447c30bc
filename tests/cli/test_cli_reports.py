"""`school-office export`: every report of the reports section from the command line — `--list` names all nine with
what they hold, each writes its workbook as the director, the summary says it is saved; the errors in Russian with
their exit codes (unknown report, no --out, a period backwards, not .xlsx, no right) and no file left behind."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from desktop.cli import ENV_NEW_PASSWORD, ENV_PASSWORD, ENV_USER, EXIT_FAILED, EXIT_OK
from desktop.domain.access import Actor
from desktop.domain.appeals import Rubric
from desktop.domain.families import Appendix, Relation
from desktop.services.appeals import AppealInput
from desktop.services.families import RepresentativeInput
from desktop.services.registry import open_services
from desktop.services.report_registers import (
    ACCESS_CODES_HEADERS,
    OPTOUTS_HEADERS,
    OVERDUE_HEADERS,
    PRINTOUTS_HEADERS,
)
from desktop.services.reports import REPORTS
from desktop.store.db import resolve_location
from tests.cli.conftest import Run, error_line, sqlite_only

PASSWORD = "Пароль-школы-2026"
ADMIN = {ENV_USER: "admin", ENV_PASSWORD: PASSWORD}
DIRECTOR = {ENV_USER: "director", ENV_PASSWORD: PASSWORD}
AGENT = {ENV_USER: "agent", ENV_PASSWORD: PASSWORD}
NAMES = ["appeals", "overdue", "tickets", "support", "access-codes", "optouts", "printouts", "audit", "summary"]


@pytest.fixture
def school(run: Run, db: Path) -> Run:
    """An administrator, the director and an agent; an appeal, a family with a code that then opted out and a
    paper report printed for this week."""
    code, _, err = run("init", "--name", "Петров Алексей Игоревич", env=ADMIN)
    assert code == EXIT_OK, err
    for login, role, name in (
        ("director", "director", "Соколова Елена Викторовна"),
        ("agent", "agent", "Смирнова Ольга Павловна"),
    ):
        code, _, err = run(
            "users", "add", login, "--role", role, "--name", name, env={**ADMIN, ENV_NEW_PASSWORD: PASSWORD}
        )
        assert code == EXIT_OK, err
    for key, value in (("timezone", "Asia/Yekaterinburg"), ("school_short_name", "МАОУ СОШ № 7")):
        code, _, err = run("settings", "set", key, value, env=ADMIN)
        assert code == EXIT_OK, err
    services = open_services(resolve_location(str(db)), actor=Actor.bootstrap("Тест"))
    try:
        services.appeals.register(AppealInput("Кузнецова Мария Петровна", Rubric.SCHOOL, "Когда собрание?"))
        today = services.settings.today()
        student = services.families.add_student("Смирнов Артём Игоревич", dt.date(2014, 3, 14), "5А")
        mother = services.families.add_representative(
            student, RepresentativeInput("Смирнова Алёна Викторовна", Relation.MOTHER)
        )
        services.families.record_consent(mother, today)
        services.families.issue_code(student, mother, code="K7QM-4XTP")
        services.families.register_optout(student, Appendix.CANCEL, today)
        services.grades.record_printed([student], today)
    finally:
        services.close()
    return run


@sqlite_only
def test_the_list_names_every_report_with_what_it_holds(run: Run):
    code, out, err = run("export", "--list", db=False)
    assert code == EXIT_OK, err
    lines = out.splitlines()
    assert [line.split()[0] for line in lines] == NAMES == [r.name for r in REPORTS]
    for line, report in zip(lines, REPORTS, strict=True):
        assert report.title.lower() in line.lower() and report.description in line
    assert "журнал выдачи кодов доступа" in out and "сводный отчёт за период" in out


@pytest.mark.parametrize("name", [n for n in NAMES if n != "summary"])
def test_each_register_is_written_by_the_director(school: Run, tmp_path: Path, name: str):
    out = tmp_path / "отчёты" / f"{name}.xlsx"
    code, stdout, err = school("export", name, "--out", str(out), env=DIRECTOR)
    assert code == EXIT_OK, err
    count = int(stdout.split("Выгружено записей: ")[1].split(".")[0])
    assert stdout.strip() == f"Выгружено записей: {count}. Файл: {out}"
    ws = openpyxl.load_workbook(out).active
    assert ws["A1"].value.endswith("МАОУ СОШ № 7")
    assert ws.freeze_panes == "A5"
    assert ws.max_row >= 4 + count
    expected = {"appeals": 1, "access-codes": 1, "optouts": 1, "printouts": 1, "overdue": 0}
    if name in expected:
        assert count == expected[name]
    headers = {
        "overdue": OVERDUE_HEADERS, "access-codes": ACCESS_CODES_HEADERS, "optouts": OPTOUTS_HEADERS,
        "printouts": PRINTOUTS_HEADERS,
    }  # fmt: skip
    if name in headers:
        assert [c.value for c in ws[4]] == list(headers[name])
    if name == "access-codes":
        assert ws.cell(5, 5).value == "K7••••P"


def test_the_summary_is_saved(school: Run, tmp_path: Path):
    out = tmp_path / "сводный.xlsx"
    code, stdout, err = school("export", "summary", "--out", str(out), "--from", "01.09.2025", env=DIRECTOR)
    assert code == EXIT_OK, err
    assert stdout.strip() == f"Сводный отчёт сохранён: {out}"
    assert openpyxl.load_workbook(out).sheetnames


def test_the_period_narrows_a_register(school: Run, tmp_path: Path):
    out = tmp_path / "отказы.xlsx"
    code, stdout, err = school(
        "export", "optouts", "--out", str(out), "--from", "01.01.2020", "--to", "31.12.2020", env=DIRECTOR
    )
    assert (code, stdout.strip()) == (EXIT_OK, f"Выгружено записей: 0. Файл: {out}"), err


def test_the_errors_are_in_russian(school: Run, tmp_path: Path):
    code, stdout, err = school("export", "grades", "--out", str(tmp_path / "x.xlsx"), env=DIRECTOR)
    assert (code, stdout) == (EXIT_FAILED, "")
    assert error_line(err) == (
        "Ошибка: Неизвестный отчёт «grades». Доступные отчёты: " + ", ".join(NAMES) + "."
    )
    code, stdout, err = school("export", "optouts", env=DIRECTOR)
    assert (code, stdout, error_line(err)) == (EXIT_FAILED, "", "Ошибка: Укажите файл: --out ФАЙЛ.xlsx")
    code, stdout, err = school("export", env=DIRECTOR)
    assert code == EXIT_FAILED and error_line(err).startswith("Ошибка: Укажите, что выгрузить. Доступно: appeals,")
    out = tmp_path / "x.xlsx"
    code, stdout, err = school(
        "export", "printouts", "--out", str(out), "--from", "01.12.2026", "--to", "01.11.2026", env=DIRECTOR
    )
    assert (code, error_line(err)) == (EXIT_FAILED, "Ошибка: Дата «--from» позже даты «--to».")
    code, stdout, err = school("export", "access-codes", "--out", str(tmp_path / "коды.csv"), env=DIRECTOR)
    assert (code, stdout) == (EXIT_FAILED, "")
    assert error_line(err) == "Ошибка: Журнал выгружается в Excel: укажите файл с расширением .xlsx, а не «коды.csv»."
    assert not (tmp_path / "коды.csv").exists()
    assert not out.exists()


@sqlite_only  # the right is checked before the database is read: the same on every backend
@pytest.mark.parametrize("name", NAMES)
def test_a_role_without_the_right_is_refused_and_nothing_is_written(school: Run, tmp_path: Path, name: str):
    out = tmp_path / f"{name}.xlsx"
    code, stdout, err = school("export", name, "--out", str(out), env=AGENT)
    assert (code, stdout) == (EXIT_FAILED, "")
    assert error_line(err).startswith("Ошибка: Недостаточно прав")
    assert not out.exists()
