"""`school-office import students`, `print appendix2|appendix3` and `optout register`: a class list imported from a
Windows-1251 CSV as the secretary; Appendix 2 and 3 printed filled in (the child, both representatives, the school,
the director) and blank (lines instead of names); a signed Appendix 3 registered puts the family on paper and revokes
their codes, Appendix 2 puts them on paper; a bad file is refused with every problem."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

import pytest

from desktop.cli import ENV_NEW_PASSWORD, ENV_PASSWORD, ENV_USER, EXIT_FAILED, EXIT_OK
from desktop.domain.access import Actor
from desktop.services.registry import open_services
from desktop.store.db import resolve_location
from tests.cli.conftest import Run, error_line

PASSWORD = "Пароль-школы-2026"
ADMIN = {ENV_USER: "admin", ENV_PASSWORD: PASSWORD}
SECRETARY = {ENV_USER: "secretary", ENV_PASSWORD: PASSWORD}
DIRECTOR = "Супрун Ирина Евгеньевна"
SCHOOL = "МАОУ СОШ № 7"

CLASS_LIST = [
    ["Ученик", "Класс", "Дата рождения", "Представитель", "Кем приходится", "Телефон", "Email", "Адрес"],
    ["Иванов Артём Сергеевич", "5А", "12.03.2015", "Иванова Мария Петровна", "мать", "+7 912 111-11-11",
     "ivanova@mail.ru", "г. Тюмень, ул. Ленина, д. 1, кв. 2"],
    ["Иванов Артём Сергеевич", "5А", "12.03.2015", "Иванов Сергей Николаевич", "отец", "+7 912 111-11-12", "",
     "г. Тюмень, ул. Ленина, д. 1, кв. 2"],
    ["Смирнова Алёна Игоревна", "5А", "01.09.2015", "Смирнова Ольга Викторовна", "мать", "89120000003", "", ""],
]  # fmt: skip


def write_csv(path: Path, rows: Sequence[Sequence[str]], *, encoding: str = "cp1251") -> Path:
    with path.open("w", encoding=encoding, newline="") as f:
        csv.writer(f, delimiter=";").writerows(rows)
    return path


def pdf_text(path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) не установлен: текст PDF проверить нечем")
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, text=True).stdout
    return " ".join(text.split())


@pytest.fixture
def school(run: Run, tmp_path: Path) -> Run:
    """A database with an administrator and the secretary, the school's profile set, 5А imported."""
    code, _, err = run("init", "--name", "Петров Алексей Игоревич", env=ADMIN)
    assert code == EXIT_OK, err
    code, _, err = run(
        "users", "add", "secretary", "--role", "secretary", "--name", "Иванова Наталья Сергеевна",
        env={**ADMIN, ENV_NEW_PASSWORD: PASSWORD},
    )  # fmt: skip
    assert code == EXIT_OK, err
    for key, value in (
        ("timezone", "Asia/Yekaterinburg"),
        ("school_name", "Муниципальное автономное общеобразовательное учреждение средняя общеобразовательная школа № 7"),
        ("school_short_name", SCHOOL),
        ("director_name", DIRECTOR),
        ("school_address", "625000, г. Тюмень, ул. Школьная, д. 7"),
    ):
        code, _, err = run("settings", "set", key, value, env=ADMIN)
        assert code == EXIT_OK, err
    code, out, err = run("import", "students", str(write_csv(tmp_path / "5а.csv", CLASS_LIST)), env=SECRETARY)
    assert code == EXIT_OK, err
    assert "новых — 2" in out
    return run


def test_a_class_list_is_imported_and_a_bad_one_refused_with_every_problem(school: Run, tmp_path: Path) -> None:
    # The same list again: updated in place, nobody doubled.
    code, out, err = school("import", "students", str(write_csv(tmp_path / "again.csv", CLASS_LIST)), env=SECRETARY)
    assert code == EXIT_OK, err
    assert "новых — 0" in out and "без изменений — 2" in out

    bad = [CLASS_LIST[0], ["Орлов Павел Ильич", "13В", "31.02.2015", "Орлова Анна Ильинична", "соседка", "", "", ""]]
    code, out, err = school("import", "students", str(write_csv(tmp_path / "bad.csv", bad)), env=SECRETARY)
    assert code == EXIT_FAILED
    lines = err.strip().splitlines()
    assert lines[0] == "Ошибка: файл bad.csv не загружен, ничего не записано. Ошибок: 3."
    assert lines[1].startswith("bad.csv, строка 2, столбец «Класс»:")
    assert lines[2].startswith("bad.csv, строка 2, столбец «Дата рождения»:")
    assert lines[3].startswith("bad.csv, строка 2, столбец «Кем приходится»:")


@pytest.mark.parametrize("appendix", ["appendix2", "appendix3"])
def test_appendix_printed_filled_in_and_blank(school: Run, tmp_path: Path, appendix: str) -> None:
    out = tmp_path / f"{appendix}.pdf"
    code, stdout, err = school(
        "print", appendix, "--student", "Иванов Артём Сергеевич", "--class", "5а", "--out", str(out), env=SECRETARY
    )
    assert code == EXIT_OK, err
    assert str(out) in stdout
    text = pdf_text(out)
    for name in ("Иванов Артём Сергеевич", "Иванова Мария Петровна", "Иванов Сергей Николаевич", SCHOOL):
        assert name in text
    assert "Супрун" in text  # the director from settings
    assert "Ленина" in text  # the representatives' address

    blank = tmp_path / f"{appendix}-blank.pdf"
    code, _, err = school("print", appendix, "--blank", "--out", str(blank), env=SECRETARY)
    assert code == EXIT_OK, err
    text = pdf_text(blank)
    assert "Иванов" not in text and "Смирнова" not in text
    assert "____" in text and "Супрун" in text

    # A blank for a given child: the child named, lines for the parents to write in.
    half = tmp_path / f"{appendix}-half.pdf"
    code, _, err = school(
        "print", appendix, "--student", "Смирнова Алёна Игоревна", "--class", "5А", "--blank", "--out", str(half),
        env=SECRETARY,
    )  # fmt: skip
    assert code == EXIT_OK, err
    text = pdf_text(half)
    assert "Смирнова Алёна Игоревна" in text and "Смирнова Ольга Викторовна" not in text and "____" in text


def test_appendix_needs_a_student_unless_blank_and_a_known_one(school: Run, tmp_path: Path) -> None:
    code, _, err = school("print", "appendix2", "--out", str(tmp_path / "a.pdf"), env=SECRETARY)
    assert code == EXIT_FAILED
    assert "--blank" in error_line(err)
    code, _, err = school(
        "print", "appendix2", "--student", "Петров Пётр", "--class", "5А", "--out", str(tmp_path / "a.pdf"),
        env=SECRETARY,
    )  # fmt: skip
    assert code == EXIT_FAILED
    assert "не найден" in error_line(err)


def test_optout_register_puts_the_family_on_paper_and_appendix_3_revokes_codes(
    school: Run, db: Path, tmp_path: Path
) -> None:
    # Артём's mother has consent and a code, as the secretary would have issued them in the program.
    services = open_services(resolve_location(str(db)))
    try:
        secretary = services.as_actor(services.users.authenticate("secretary", PASSWORD))
        artem = secretary.families.find_student("Иванов Артём Сергеевич", "5А")
        mother = next(r for r in secretary.families.card(artem).representatives if r.full_name.startswith("Иванова"))
        secretary.families.record_consent(mother.id, dt.date(2026, 1, 15))
        code_row = secretary.families.issue_code(artem, mother.id)
    finally:
        services.close()

    code, out, err = school(
        "optout", "register", "--student", "Иванов Артём Сергеевич", "--class", "5А", "--appendix", "3",
        "--received", "20.01.2026", env=SECRETARY,
    )  # fmt: skip
    assert code == EXIT_OK, err
    assert "Иванов Артём Сергеевич" in out
    assert "переведён(а) на бумажные отчёты; кодов отозвано: 1." in out

    code, out, err = school(
        "optout", "register", "--student", "Смирнова Алёна Игоревна", "--class", "5А", "--appendix", "2",
        "--received", "2026-01-20", env=SECRETARY,
    )  # fmt: skip
    assert code == EXIT_OK, err
    assert "переведён(а) на бумажные отчёты; кодов отозвано: 0." in out

    services = open_services(resolve_location(str(db)))
    try:
        secretary = services.as_actor(Actor.bootstrap("Проверка"))
        card = secretary.families.card(artem, record_access=False)
        assert card.row.paper and card.paper_since == dt.date(2026, 1, 20)
        codes = [c for r in card.representatives for c in r.codes]
        assert [(c.id, c.state.value) for c in codes] == [(code_row.id, "revoked")]
        alena = secretary.families.find_student("Смирнова Алёна Игоревна", "5А")
        assert secretary.families.card(alena, record_access=False).row.paper
    finally:
        services.close()

    code, _, err = school(
        "optout", "register", "--student", "Иванов Артём Сергеевич", "--class", "5А", "--appendix", "4",
        "--received", "20.01.2026", env=SECRETARY,
    )  # fmt: skip
    assert code == 2
