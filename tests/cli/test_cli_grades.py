"""`school-office import grades`: the e-journal's export imported as the secretary (a second time changes nothing);
a bad file exits 1 listing every problem and writes nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from desktop.cli import ENV_NEW_PASSWORD, ENV_PASSWORD, ENV_USER, EXIT_FAILED, EXIT_OK
from tests.cli.conftest import Run
from tests.cli.test_cli_families import CLASS_LIST, write_csv

PASSWORD = "Пароль-школы-2026"
ADMIN = {ENV_USER: "admin", ENV_PASSWORD: PASSWORD}
SECRETARY = {ENV_USER: "secretary", ENV_PASSWORD: PASSWORD}
HEADER = ["Класс", "Ученик", "Предмет", "Дата", "Отметка", "Посещаемость", "Вид работы", "Комментарий"]
#: The command line runs on the real clock: a day safely in the past.
DAY = (dt.date.today() - dt.timedelta(days=7)).strftime("%d.%m.%Y")
EXPORT = [
    HEADER,
    ["5А", "Иванов Артём Сергеевич", "Математика", DAY, "5", "", "Контрольная работа", ""],
    ["5А", "Иванов Артём Сергеевич", "Русский язык", DAY, "4", "", "", ""],
    ["5А", "Смирнова Алёна Игоревна", "Математика", DAY, "", "Б", "", ""],
]


@pytest.fixture
def school(run: Run, tmp_path: Path) -> Run:
    """An administrator, the secretary, 5А imported."""
    code, _, err = run("init", "--name", "Петров Алексей Игоревич", env=ADMIN)
    assert code == EXIT_OK, err
    code, _, err = run(
        "users", "add", "secretary", "--role", "secretary", "--name", "Иванова Наталья Сергеевна",
        env={**ADMIN, ENV_NEW_PASSWORD: PASSWORD},
    )  # fmt: skip
    assert code == EXIT_OK, err
    code, _, err = run("settings", "set", "timezone", "Asia/Yekaterinburg", env=ADMIN)
    assert code == EXIT_OK, err
    code, _, err = run("import", "students", str(write_csv(tmp_path / "5а.csv", CLASS_LIST)), env=SECRETARY)
    assert code == EXIT_OK, err
    return run


def test_an_export_is_imported_as_the_secretary_and_again_changes_nothing(school: Run, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "журнал.csv", EXPORT)
    code, out, err = school("import", "grades", str(path), env=SECRETARY)
    assert code == EXIT_OK, err
    assert "3 записи по 2 ученикам (новых — 3, исправлено — 0, без изменений — 0)" in out

    code, out, err = school("import", "grades", str(path), env=SECRETARY)
    assert code == EXIT_OK, err
    assert "(новых — 0, исправлено — 0, без изменений — 3)" in out


def test_a_bad_file_exits_1_listing_every_problem(school: Run, tmp_path: Path) -> None:
    bad = [
        *EXPORT,
        ["5А", "Петров Иван Иванович", "Математика", DAY, "5", "", "", ""],
        ["5А", "Иванов Артём Сергеевич", "Математика", DAY, "", "", "", ""],
    ]
    code, out, err = school("import", "grades", str(write_csv(tmp_path / "плохой.csv", bad)), env=SECRETARY)
    assert code == EXIT_FAILED
    assert out == ""
    lines = err.splitlines()
    assert lines[0] == "Ошибка: файл плохой.csv не загружен, ничего не записано. Ошибок: 2."
    assert lines[1].startswith("плохой.csv, строка 5, столбец «Ученик»: Петров Иван Иванович не найден(а)")
    assert lines[2].startswith("плохой.csv, строка 6, столбец «Отметка»: ни отметки, ни посещаемости")
    # Nothing was written: the good rows come in as new afterwards.
    code, out, err = school("import", "grades", str(write_csv(tmp_path / "журнал.csv", EXPORT)), env=SECRETARY)
    assert code == EXIT_OK, err
    assert "новых — 3" in out
