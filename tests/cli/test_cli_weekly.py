"""`school-office print weekly`: the week's paper reports of a class as one PDF, a clear error when nobody is on paper."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import update

from desktop.domain.access import Actor
from desktop.services.registry import open_services
from desktop.store.db import resolve_location
from desktop.store.models import Grade, Student
from tests.cli.conftest import Run, error_line

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is missing")


@pytest.fixture
def school(db: Path) -> None:
    services = open_services(resolve_location(str(db)), actor=Actor.bootstrap("Тест"))
    try:
        paper = services.families.add_student("Иванов Пётр Сергеевич", dt.date(2015, 3, 1), "5А")
        services.families.add_student("Сидоров Илья Маратович", dt.date(2015, 1, 9), "5А")
        services.families.add_student("Орлов Глеб Андреевич", dt.date(2013, 5, 5), "7В")
        now = dt.datetime.now(dt.UTC)
        with services.ctx.transaction(write=True) as session:
            session.execute(update(Student).where(Student.id == paper).values(paper=True))
            for day, mark in ((23, "5"), (24, "4"), (26, "4")):
                session.add(Grade(student_id=paper, subject="Математика", day=dt.date(2026, 11, day), mark=mark,
                                  attendance="", work="", kind="current", comment="", imported_at=now))  # fmt: skip
    finally:
        services.close()


def test_print_weekly_of_a_class(run: Run, school: None, tmp_path: Path) -> None:
    out = tmp_path / "weekly.pdf"
    code, stdout, _err = run("print", "weekly", "--week", "27.11.2026", "--class", "5А", "--out", str(out))
    assert code == 0, _err
    assert stdout.strip() == f"Напечатано отчётов: 1. Файл: {out}"
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert text.rstrip("\f\n").count("\f") == 0  # one page
    assert "Иванов Пётр Сергеевич" in text and "Сидоров" not in text
    assert "с 23.11.2026 по 29.11.2026" in text and "4,33" in text

    code, stdout, _err = run("print", "weekly", "--week", "2026-11-23", "--class", "5А", "--all", "--out", str(out))
    assert code == 0, _err
    assert stdout.startswith("Напечатано отчётов: 2.")


def test_print_weekly_with_nobody_on_paper(run: Run, school: None, tmp_path: Path) -> None:
    out = tmp_path / "none.pdf"
    code, _out, err = run("print", "weekly", "--week", "27.11.2026", "--class", "7В", "--out", str(out))
    assert code == 1
    assert "Нет учеников на бумажных отчётах в классе 7В" in error_line(err)
    assert not out.exists()


def test_print_weekly_bad_date(run: Run, school: None, tmp_path: Path) -> None:
    code, _out, err = run("print", "weekly", "--week", "31.02.2026", "--out", str(tmp_path / "x.pdf"))
    assert code == 1
    assert "Неверная дата" in error_line(err)
