"""`school-office export support` and `print support-notice`: the register of support requests for the e-journal
exported by the ЭПОС administrator, refused to a class teacher and to a file that is not .xlsx; the one-page notice
for class teachers printed by a class teacher, refused to a file that is not .pdf; `export --list` names the register;
the README's command table names every command of the command line."""

from __future__ import annotations

import argparse
import datetime as dt
import re
from pathlib import Path

import openpyxl
import pypdfium2 as pdfium
import pytest

from desktop.cli import ENV_NEW_PASSWORD, ENV_PASSWORD, ENV_USER, EXIT_FAILED, EXIT_OK, build_parser
from desktop.domain.access import Actor
from desktop.domain.support import UserRole
from desktop.services.files import FileIn
from desktop.services.registry import open_services
from desktop.services.reports import REPORTS
from desktop.services.support import SupportInput
from desktop.services.support_io import EXPORT_HEADERS
from desktop.store.db import resolve_location
from tests.cli.conftest import Run, error_line, sqlite_only

PASSWORD = "Пароль-школы-2026"
ADMIN = {ENV_USER: "admin", ENV_PASSWORD: PASSWORD}
EPOS = {ENV_USER: "epos", ENV_PASSWORD: PASSWORD}
TEACHER = {ENV_USER: "teacher", ENV_PASSWORD: PASSWORD}
README = Path(__file__).resolve().parents[2] / "README.md"


@pytest.fixture
def school(run: Run, db: Path) -> Run:
    """An administrator, the ЭПОС administrator and a class teacher; the administrator's contacts; one request."""
    code, _, err = run("init", "--name", "Петров Алексей Игоревич", env=ADMIN)
    assert code == EXIT_OK, err
    for login, role, name in (
        ("epos", "epos_admin", "Широких Елена Александровна"),
        ("teacher", "class_teacher", "Иванова Мария Петровна"),
    ):
        code, _, err = run(
            "users", "add", login, "--role", role, "--name", name, env={**ADMIN, ENV_NEW_PASSWORD: PASSWORD}
        )
        assert code == EXIT_OK, err
    for key, value in (
        ("timezone", "Asia/Yekaterinburg"),
        ("school_short_name", "МАОУ СОШ № 7"),
        ("epos_admin_name", "Широких Елена Александровна"),
        ("epos_admin_room", "каб. 314А"),
        ("epos_admin_phone", "89223339394"),
    ):
        code, _, err = run("settings", "set", key, value, env=ADMIN)
        assert code == EXIT_OK, err
    services = open_services(resolve_location(str(db)), actor=Actor.bootstrap("Тест"))
    try:
        services.support.create(
            SupportInput(
                full_name="Петров Иван Сергеевич",
                birth_date=dt.date(2014, 3, 2),
                gosuslugi_email="family@mail.ru",
                role=UserRole.STUDENT,
                class_name="5А",
                brought_by="Иванова Мария Петровна",
                description="Не видит отметки",
                files=(FileIn("экран.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 32),),
            )
        )
    finally:
        services.close()
    return run


def test_the_epos_administrator_exports_the_register_of_support_requests(school, tmp_path):
    out = tmp_path / "запросы.xlsx"
    code, stdout, err = school("export", "support", "--out", str(out), env=EPOS)
    assert code == EXIT_OK, err
    assert stdout.strip() == f"Выгружено записей: 1. Файл: {out}"
    ws = openpyxl.load_workbook(out).active
    rows = list(ws.iter_rows(min_row=4, values_only=True))
    assert list(rows[0]) == list(EXPORT_HEADERS)
    assert rows[1][2:6] == ("Петров Иван Сергеевич", dt.datetime(2014, 3, 2), "обучающийся", "5А")

    # A period by the date of receipt: one that has nothing yet.
    code, stdout, err = school(
        "export", "support", "--out", str(tmp_path / "пусто.xlsx"), "--from", "01.01.2020", "--to", "31.12.2020",
        env=EPOS,
    )  # fmt: skip
    assert (code, stdout.strip()) == (EXIT_OK, f"Выгружено записей: 0. Файл: {tmp_path / 'пусто.xlsx'}"), err


def test_a_class_teacher_may_not_export_and_a_file_that_is_not_xlsx_is_refused(school, tmp_path):
    out = tmp_path / "r.xlsx"
    code, stdout, err = school("export", "support", "--out", str(out), env=TEACHER)
    assert (code, stdout) == (EXIT_FAILED, "")
    assert error_line(err).startswith("Ошибка: Недостаточно прав")
    assert not out.exists()

    code, stdout, err = school("export", "support", "--out", str(tmp_path / "r.csv"), env=EPOS)
    assert (code, stdout) == (EXIT_FAILED, "")
    assert error_line(err) == (
        "Ошибка: Реестр запросов выгружается в Excel: укажите файл с расширением .xlsx, а не «r.csv»."
    )
    assert not (tmp_path / "r.csv").exists()


def test_a_class_teacher_prints_the_notice_on_one_page(school, tmp_path):
    out = tmp_path / "памятка.pdf"
    code, stdout, err = school("print", "support-notice", "--out", str(out), env=TEACHER)
    assert code == EXIT_OK, err
    assert stdout.strip() == f"Памятка классному руководителю об ошибках в работе ЭПОС сохранена: {out}"
    pdf = pdfium.PdfDocument(str(out))
    try:
        assert len(pdf) == 1
        text = " ".join(pdf[0].get_textpage().get_text_range().split())
    finally:
        pdf.close()
    assert "Широких Елена Александровна" in text and "+7 (800) 350-18-77" in text

    code, stdout, err = school(
        "print", "support-notice", "--out", str(tmp_path / "памятка.docx"), env=TEACHER
    )
    assert (code, stdout) == (EXIT_FAILED, "")
    assert error_line(err) == (
        "Ошибка: Памятка сохраняется в PDF: укажите файл с расширением .pdf, а не «памятка.docx»."
    )
    code, _, err = school("print", "support-notice", env=TEACHER)
    assert code == 2 and "--out" in err


@sqlite_only
def test_export_list_names_the_register_of_support_requests(run):
    code, out, err = run("export", "--list", db=False)
    assert code == EXIT_OK, err
    assert "support" in [line.split()[0] for line in out.splitlines()]
    assert "реестр запросов в поддержку ЭПОС" in out


def _commands(parser: argparse.ArgumentParser, prefix: str = "") -> list[str]:
    """Every command of the command line, as typed: «init», «users add», «print support-notice» …"""
    found: list[str] = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                below = _commands(sub, f"{prefix}{name} ")
                found += below or [f"{prefix}{name}"]
    return found


def test_the_readme_lists_every_command():
    table = [line for line in README.read_text(encoding="utf-8").splitlines() if line.startswith("| `")]
    first = [re.split(r"(?<!\\)\|", line)[1] for line in table]  # the first column («\|» is a «|» inside it)
    typed = [re.sub(r"\s+", " ", cell) for column in first for cell in re.findall(r"`([^`]+)`", column)]
    commands = [c for c in _commands(build_parser()) if c != "export"] + [
        f"export {report.name}" for report in REPORTS
    ]
    missing = [c for c in commands if not any(t == c or t.startswith(c + " ") for t in typed)]
    assert missing == [], f"нет в таблице команд README: {missing}"
