"""`school-office import tickets` and `export tickets`: a register of initiative tickets imported from a Windows-1251
CSV as the operator and exported, row by row against terms counted by hand on the production calendar (the May 2025
holidays, the working Saturday 01.11.2025); a bad file refused with every problem and nothing written; `export
--list` names the register; an agent may neither import nor export."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import openpyxl
import pytest

from desktop.cli import ENV_NEW_PASSWORD, ENV_PASSWORD, ENV_USER, EXIT_FAILED, EXIT_OK
from tests.cli.conftest import Run, error_line, sqlite_only

HEADER = ["Дата подачи", "Заявитель", "Категория", "Дата мероприятия", "Описание", "Контакт", "Класс"]
PASSWORD = "Пароль-школы-2026"
ADMIN = {ENV_USER: "admin", ENV_PASSWORD: PASSWORD}
OPERATOR = {ENV_USER: "operator", ENV_PASSWORD: PASSWORD}
AGENT = {ENV_USER: "agent", ENV_PASSWORD: PASSWORD}

REGISTER = [
    HEADER,
    # Бронирование помещений: 3/2/2 working days before Mon 12.05.2025; 08.05-11.05 off:
    # 07.05 (1), 06.05 (2), 05.05 (3). In time.
    ["30.04.2025 10:00", "Петров Пётр Петрович", "Бронирование помещений", "12.05.2025", "Актовый зал", "", "10А"],
    # Информационная поддержка: 5/3/2 before 12.05.2025; 01.05-04.05 off: …, 30.04 (4), 29.04 (5). Late.
    ["30.04.2025 09:00", "Сидорова Анна Ивановна", "информационная поддержка", "12.05.2025", "Анонс", "a@mail.ru",
     ""],
    # Транспортные услуги: 5/3/2 before Wed 05.11.2025; 04.11 holiday, 03.11 off, Sat 01.11 working:
    # 01.11 (1), 31.10 (2), 30.10 (3), 29.10 (4), 28.10 (5). A date alone is 00:00 of 28.10: in time.
    ["28.10.2025", "Ёлкина Ольга Сергеевна", "Транспортные услуги", "05.11.2025", "Автобус", "", "8Б"],
    # Услуги медиацентра: 3/2/2 before Mon 03.11.2025: 01.11 (1), 31.10 (2), 30.10 (3). Late.
    ["31.10.2025 16:30", "Кузнецов Иван Андреевич", "Услуги медиацентра", "03.11.2025", "Фотосъёмка", "", ""],
]  # fmt: skip


def write_csv(path: Path, rows: Sequence[Sequence[str]], *, encoding: str = "cp1251") -> Path:
    with path.open("w", encoding=encoding, newline="") as f:
        csv.writer(f, delimiter=";").writerows(rows)
    return path


def day(text: str) -> dt.datetime:
    """An expected date as openpyxl reads an Excel date back."""
    return dt.datetime.strptime(text, "%d.%m.%Y")


def export(
    run: Run, out: Path, *args: str, env: dict[str, str] | None = None
) -> dict[str, dict[str, object]]:
    """The exported register by «Номер»: every column by its header."""
    code, stdout, err = run("export", "tickets", "--out", str(out), *args, env=env)
    assert code == EXIT_OK, err
    assert stdout.startswith("Выгружено записей: ")
    ws = openpyxl.load_workbook(out).active
    rows = list(ws.iter_rows(min_row=4, values_only=True))
    header, body = rows[0], rows[1:]
    return {r[0]: dict(zip(header, r, strict=True)) for r in body}


@pytest.fixture
def school(run: Run) -> Run:
    """A database with an administrator, the operator and an agent, in Tyumen time."""
    code, _, err = run("init", "--name", "Петров Алексей Игоревич", env=ADMIN)
    assert code == EXIT_OK, err
    for login, role, name in (
        ("operator", "operator", "Соколова Елена Викторовна"),
        ("agent", "agent", "Смирнов Алексей Петрович"),
    ):
        code, _, err = run(
            "users", "add", login, "--role", role, "--name", name, env={**ADMIN, ENV_NEW_PASSWORD: PASSWORD}
        )
        assert code == EXIT_OK, err
    code, _, err = run("settings", "set", "timezone", "Asia/Yekaterinburg", env=ADMIN)
    assert code == EXIT_OK, err
    return run


def test_a_register_imported_and_exported_matches_terms_counted_by_hand(school, tmp_path):
    code, out, err = school(
        "import", "tickets", str(write_csv(tmp_path / "заявки.csv", REGISTER)), env=OPERATOR
    )
    assert code == EXIT_OK, err
    assert out.strip() == "Загружено заявок: 4 (И-2025/0001 … И-2025/0004). Поданы позже срока: 2."

    register = export(school, tmp_path / "заявки.xlsx", env=OPERATOR)
    columns = ("Заявитель", "Дата подачи", "Дата мероприятия", "Крайний срок подачи", "Подана в срок",
               "Срок отчёта исполнителя", "Срок ответа заявителя", "Статус", "Класс")  # fmt: skip
    assert {n: tuple(r[c] for c in columns) for n, r in register.items()} == {
        "И-2025/0001": ("Сидорова Анна Ивановна", dt.datetime(2025, 4, 30, 9, 0), day("12.05.2025"),
                        day("29.04.2025"), "Нет", day("05.05.2025"), day("06.05.2025"), "Открыто", None),
        "И-2025/0002": ("Петров Пётр Петрович", dt.datetime(2025, 4, 30, 10, 0), day("12.05.2025"),
                        day("05.05.2025"), "Да", day("06.05.2025"), day("06.05.2025"), "Открыто", "10А"),
        "И-2025/0003": ("Ёлкина Ольга Сергеевна", dt.datetime(2025, 10, 28, 0, 0), day("05.11.2025"),
                        day("28.10.2025"), "Да", day("30.10.2025"), day("31.10.2025"), "Открыто", "8Б"),
        "И-2025/0004": ("Кузнецов Иван Андреевич", dt.datetime(2025, 10, 31, 16, 30), day("03.11.2025"),
                        day("30.10.2025"), "Нет", day("31.10.2025"), day("31.10.2025"), "Открыто", None),
    }  # fmt: skip
    assert register["И-2025/0001"]["Категория"] == "Информационная поддержка"
    assert register["И-2025/0001"]["Контакт"] == "a@mail.ru"

    # A period by the date of submission.
    may = export(school, tmp_path / "май.xlsx", "--from", "01.05.2025", "--to", "2025-11-30", env=OPERATOR)
    assert list(may) == ["И-2025/0003", "И-2025/0004"]


def test_a_bad_register_is_refused_with_every_problem_and_nothing_is_written(school, tmp_path):
    path = write_csv(
        tmp_path / "tickets.csv",
        [
            HEADER,
            [
                "30.04.2025 10:00",
                "Петров Пётр Петрович",
                "Бронирование помещений",
                "12.05.2025",
                "Зал",
                "",
                "",
            ],
            ["30.04.2025 10:00", "Петров Пётр Петрович", "Фотосессия", "12.05.2025", "Зал", "", ""],
            [
                "31.04.2025 10:00",
                "Петров Пётр Петрович",
                "Бронирование помещений",
                "12.05.2025",
                "Зал",
                "",
                "",
            ],
            [
                "30.04.2025 10:00",
                "Петров Пётр Петрович",
                "Бронирование помещений",
                "29.04.2025",
                "Зал",
                "",
                "",
            ],
        ],
        encoding="utf-8",
    )

    code, out, err = school("import", "tickets", str(path), env=OPERATOR)

    assert code == EXIT_FAILED
    assert out == ""
    assert err.strip().splitlines() == [
        "Ошибка: файл tickets.csv не загружен, ничего не записано. Ошибок: 3.",
        (
            "tickets.csv, строка 3, столбец «Категория»: неизвестная категория «Фотосессия»: допустимы "
            "«Информационная поддержка», «Полиграфические услуги», «Сувенирная и канцелярская продукция», "
            "«Транспортные услуги», «Бронирование помещений», «Услуги медиацентра»."
        ),
        "tickets.csv, строка 4, столбец «Дата подачи»: «31.04.2025 10:00»: такой даты нет в календаре.",
        (
            "tickets.csv, строка 5, столбец «Дата мероприятия»: мероприятие 29.04.2025 раньше подачи заявки "
            "30.04.2025: заявку подают до мероприятия."
        ),
    ]
    assert export(school, tmp_path / "empty.xlsx", env=OPERATOR) == {}
    # The numbers were not taken: the row put right starts at …/0001.
    good = write_csv(tmp_path / "good.csv", [HEADER, ["30.04.2025 10:00", "Петров Пётр Петрович",
                                                      "Бронирование помещений", "12.05.2025", "Зал", "", ""]])  # fmt: skip
    code, out, err = school("import", "tickets", str(good), env=OPERATOR)
    assert (code, out.strip()) == (EXIT_OK, "Загружено заявок: 1 (И-2025/0001)."), err
    # The same file again is refused: each ticket is loaded once.
    code, _, err = school("import", "tickets", str(good), env=OPERATOR)
    assert code == EXIT_FAILED
    assert "эта заявка уже загружена в программу (И-2025/0001)" in err


def test_an_agent_may_neither_import_nor_export_and_a_missing_file_is_told(school, tmp_path):
    path = write_csv(tmp_path / "a.csv", REGISTER)
    code, out, err = school("import", "tickets", str(path), env=AGENT)
    assert (code, out) == (EXIT_FAILED, "")
    assert error_line(err).startswith("Ошибка: Недостаточно прав")
    code, _, err = school("export", "tickets", "--out", str(tmp_path / "a.xlsx"), env=AGENT)
    assert code == EXIT_FAILED
    assert error_line(err).startswith("Ошибка: Недостаточно прав")
    assert not (tmp_path / "a.xlsx").exists()
    code, _, err = school("import", "tickets", str(tmp_path / "нет.csv"), env=OPERATOR)
    assert (code, error_line(err)) == (EXIT_FAILED, f"Ошибка: Файл не найден: {tmp_path / 'нет.csv'}")


@sqlite_only
def test_export_list_names_the_register_of_tickets(run):
    code, out, err = run("export", "--list", db=False)
    assert code == EXIT_OK, err
    assert "tickets" in [line.split()[0] for line in out.splitlines()]
    assert "реестр заявок по инициативам" in out
