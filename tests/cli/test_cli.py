"""The `school-office` command line, run in-process on a temporary database (and once as a real process)."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from desktop import __version__
from desktop.cli import ENV_PASSWORD, ENV_USER, EXIT_FAILED, EXIT_OK, EXIT_USAGE
from desktop.domain.access import Actor, Role
from desktop.domain.calendar import LAST_PUBLISHED_YEAR
from desktop.paths import user_data_dir
from desktop.services.demo import DEMO_PASSWORD, DEMO_PROFILE
from desktop.services.demo_tickets import DEMO_AGENTS
from desktop.services.errors import ServiceError
from desktop.services.registry import computer_user, open_services
from desktop.store.db import DEFAULT_FILE, DEMO_FILE, ENV_DB, resolve_location
from tests.cli.conftest import NO_USERS_WARNING, empty_databases, error_line, sqlite_only

D = dt.date


def _services(path: Path | str):
    return open_services(resolve_location(str(path)), actor=Actor.bootstrap("проверка"))


# -- version -------------------------------------------------------------------------------------------


@sqlite_only
def test_version(run):
    code, out, _ = run("--version", db=False)
    assert code == EXIT_OK
    assert out.strip() == f"school-office {__version__}"


def test_version_from_a_real_process_starts_without_qt():
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "desktop", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"school-office {__version__}"
    # `-X importtime` lists every module imported: a command without a window must not load Qt.
    assert "PySide6" not in result.stderr
    assert "desktop.cli" in result.stderr


# -- init and settings ---------------------------------------------------------------------------------


@empty_databases
def test_init_creates_the_database_and_settings_show_lists_every_key(run, db):
    code, out, err = run("init")
    assert code == EXIT_OK, err
    if isinstance(db, Path):
        assert db.is_file()
        assert f"База данных готова: SQLite: {db.resolve()}" in out
    else:  # the schema made in the empty database the server's administrator created
        assert f"База данных готова: PostgreSQL: {db}" in out
    assert "Заполните профиль школы" in out
    assert "  director_name — ФИО директора" in out

    code, out, err = run("settings", "show")
    assert code == EXIT_OK, err
    lines = out.splitlines()
    for key in (
        "school_name",
        "school_short_name",
        "school_address",
        "director_name",
        "municipal_body",
        "region_department",
        "timezone",
        "ejournal_name",
        "ejournal_url",
    ):
        [line] = [line for line in lines if line.startswith(key + " ")]
        if key in ("ejournal_name", "ejournal_url"):
            assert line.endswith("— не задано"), line
        elif key != "timezone":
            assert line.endswith("— не задано (обязательно)"), line
    assert "# Часовой пояс" in out


def test_init_twice_keeps_the_data(run, db):
    assert run("init")[0] == EXIT_OK
    assert run("settings", "set", "school_short_name", "МАОУ СОШ № 7")[0] == EXIT_OK
    code, out, _ = run("init")
    assert code == EXIT_OK
    assert "  school_short_name" not in out  # no longer asked for
    assert "МАОУ СОШ № 7" in run("settings", "show")[1]


@pytest.mark.parametrize(
    ("key", "value", "stored"),
    [
        ("school_short_name", "  МАОУ  СОШ № 7 ", "МАОУ СОШ № 7"),
        ("director_name", "Соколова Елена Викторовна", "Соколова Елена Викторовна"),
        ("timezone", "Asia/Yekaterinburg", "Asia/Yekaterinburg"),
        ("ejournal_url", "https://school.example.ru", "https://school.example.ru"),
    ],
)
def test_settings_set_and_read_back(run, db, key, value, stored):
    code, out, err = run("settings", "set", key, value)
    assert code == EXIT_OK, err
    assert out.strip() == f"{key} = {stored}"

    code, out, _ = run("settings", "show")
    [line] = [line for line in out.splitlines() if line.startswith(key + " ")]
    assert line.split(None, 1)[1] == stored
    services = _services(db)
    try:
        assert services.settings.get(key) == stored
    finally:
        services.close()


def test_settings_set_with_a_bad_key_says_which_keys_exist(run, db):
    code, out, err = run("settings", "set", "school_phone", "+7 3452 00-00-00")
    assert code == EXIT_FAILED
    assert out == ""
    assert err.startswith(NO_USERS_WARNING)  # a database without users is worked on without logging in
    assert error_line(err).startswith(
        "Ошибка: Неизвестный параметр «school_phone». Допустимые параметры: school_name,"
    )
    assert "timezone" in err and "ejournal_url" in err


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("timezone", "Europe/Tyumen", ["«Часовой пояс»", "Europe/Moscow", "Asia/Yekaterinburg"]),
        ("director_name", "Соколова 3", ["«ФИО директора»", "«Иванова Мария Петровна»"]),
        ("school_name", " ", ["«Полное наименование школы»", "не может быть пустым"]),
    ],
)
def test_settings_set_with_a_bad_value_says_what_is_allowed(run, db, key, value, expected):
    run("settings", "set", key, "Asia/Omsk" if key == "timezone" else "Соколова Елена Викторовна")
    code, out, err = run("settings", "set", key, value)
    assert code == EXIT_FAILED
    assert out == ""
    assert error_line(err).startswith("Ошибка: ")
    for text in expected:
        assert text in err
    services = _services(db)
    try:
        assert services.settings.get(key) == (
            "Asia/Omsk" if key == "timezone" else "Соколова Елена Викторовна"
        )
    finally:
        services.close()


# -- calendar -----------------------------------------------------------------------------------------


def test_calendar_day_off_workday_and_list(run):
    code, out, err = run("calendar", "day-off", "27.11.2026", "--reason", "Карантин по ОРВИ, приказ № 214")
    assert code == EXIT_OK, err
    assert out.strip() == "27.11.2026: выходной для школы (Карантин по ОРВИ, приказ № 214)"
    code, out, err = run("calendar", "workday", "2026-11-28")
    assert code == EXIT_OK, err
    assert out.strip() == "28.11.2026: рабочий день для школы"

    code, out, err = run("calendar", "list")
    assert code == EXIT_OK, err
    [day_off] = [line for line in out.splitlines() if line.startswith("27.11.2026")]
    [workday] = [line for line in out.splitlines() if line.startswith("28.11.2026")]
    assert "выходной" in day_off and "Карантин по ОРВИ, приказ № 214" in day_off
    assert computer_user() in day_off  # who made the change: on a database without users, the computer's user
    assert "рабочий день" in workday
    assert out.index("27.11.2026") < out.index("28.11.2026")

    code, out, _ = run("calendar", "list", "--year", "2027")
    assert "Исключений на 2027 год нет." in out
    assert "27.11.2026" not in out


def test_calendar_list_on_an_empty_database(run):
    code, out, _ = run("calendar", "list")
    assert code == EXIT_OK
    assert f"по {LAST_PUBLISHED_YEAR} год включительно" in out
    assert "Исключений нет." in out


def test_an_override_from_the_command_line_changes_the_computed_term(run, db):
    run("init")
    services = _services(db)
    try:
        assert services.calendar.work_calendar().add_working_days(D(2026, 11, 26), 2) == D(2026, 11, 30)
    finally:
        services.close()

    assert run("calendar", "day-off", "27.11.2026", "--reason", "Карантин")[0] == EXIT_OK
    services = _services(db)
    try:
        assert services.calendar.work_calendar().add_working_days(D(2026, 11, 26), 2) == D(2026, 12, 1)
    finally:
        services.close()

    assert run("calendar", "workday", "28.11.2026")[0] == EXIT_OK
    services = _services(db)
    try:
        assert services.calendar.work_calendar().add_working_days(D(2026, 11, 26), 2) == D(2026, 11, 30)
        assert services.calendar.work_calendar().add_working_days(D(2026, 11, 26), 1) == D(2026, 11, 28)
    finally:
        services.close()

    code, out, _ = run("calendar", "remove", "27.11.2026")
    assert code == EXIT_OK
    assert "27.11.2026: исключение «выходной» убрано" in out
    services = _services(db)
    try:
        assert services.calendar.work_calendar().add_working_days(D(2026, 11, 26), 1) == D(2026, 11, 27)
    finally:
        services.close()


def test_removing_a_missing_override_fails_in_russian(run):
    code, _, err = run("calendar", "remove", "27.11.2026")
    assert code == EXIT_FAILED
    assert err.splitlines()[0].startswith(NO_USERS_WARNING)
    assert error_line(err) == "Ошибка: На 27.11.2026 исключений календаря нет."


@sqlite_only
def test_a_bad_date_fails_in_russian_and_stores_nothing(run, db):
    code, _, err = run("calendar", "day-off", "31.02.2026")
    assert code == EXIT_FAILED
    assert "Неверная дата «31.02.2026»" in err
    assert "ДД.ММ.ГГГГ" in err
    assert not db.exists()  # the date is checked before the database is touched


def test_calendar_confirm_year(run, db):
    year = LAST_PUBLISHED_YEAR + 1
    wednesday = next(D(year, 4, day) for day in range(14, 21) if D(year, 4, day).weekday() == 2)
    tuesday = wednesday - dt.timedelta(days=1)
    code, out, err = run(
        "calendar", "day-off", wednesday.strftime("%d.%m.%Y"), "--reason", "Методический день"
    )
    assert code == EXIT_OK
    assert f"confirm-year {year}" in err  # the app warns that it has no calendar for that year
    services = _services(db)
    try:
        with pytest.raises(ServiceError):
            services.calendar.count_working_days(tuesday, 2)
    finally:
        services.close()

    code, out, err = run("calendar", "confirm-year", str(year))
    assert code == EXIT_OK, err
    assert out.startswith(f"{year} год подтверждён")
    assert "(1 дн.)" in out
    assert f"Годы, внесённые школой вручную: {year}" in run("calendar", "list")[1]
    services = _services(db)
    try:
        count = services.calendar.count_working_days(tuesday, 2)
        assert count.counted == [wednesday + dt.timedelta(days=1), wednesday + dt.timedelta(days=2)]
    finally:
        services.close()

    code, out, err = run("calendar", "confirm-year", str(LAST_PUBLISHED_YEAR))
    assert code == EXIT_FAILED
    assert f"Производственный календарь на {LAST_PUBLISHED_YEAR} год уже есть в программе" in err


# -- usage errors --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ["calendar", "holiday", "27.11.2026"],
            "аргумент ДЕЙСТВИЕ: неверное значение 'holiday' (допустимо: 'day-off', 'workday'",
        ),
        (["calendar", "day-off"], "не хватает аргументов: ДАТА"),
        (["settings", "set", "timezone"], "не хватает аргументов: ЗНАЧЕНИЕ"),
        (["calendar", "confirm-year", "следующий"], "аргумент ГОД: неверное значение 'следующий'"),
        (["--frobnicate", "init"], "непонятные аргументы: --frobnicate"),
    ],
)
@sqlite_only
def test_a_usage_error_exits_with_2_and_russian_text(run, db, args, expected):
    code, out, err = run(*args)
    assert code == EXIT_USAGE
    assert out == ""
    assert "использование: school-office" in err
    assert "Ошибка в команде: " + expected in err
    assert "Справка: school-office" in err
    assert not db.exists()


# -- which database --------------------------------------------------------------------------------


def test_the_environment_variable_is_used_without_db(run, db, monkeypatch):
    env_db = db  # a file, or a database on a PostgreSQL server shared by the office's computers
    monkeypatch.setenv(ENV_DB, str(env_db))
    code, out, err = run("init", db=False)
    assert code == EXIT_OK, err
    if isinstance(env_db, Path):
        assert f"SQLite: {env_db.resolve()}" in out
    else:
        assert f"PostgreSQL: {env_db}" in out
    assert run("settings", "set", "school_short_name", "МАОУ СОШ № 7", db=False)[0] == EXIT_OK
    assert not isinstance(env_db, Path) or env_db.is_file()
    assert not (user_data_dir() / DEFAULT_FILE).exists()
    services = _services(env_db)
    try:
        assert services.settings.get("school_short_name") == "МАОУ СОШ № 7"
    finally:
        services.close()


def test_db_wins_over_the_environment_variable(run, db, tmp_path, monkeypatch):
    env_db = tmp_path / "from-env.db"
    monkeypatch.setenv(ENV_DB, str(env_db))
    assert run("settings", "set", "school_short_name", "МАОУ СОШ № 7")[0] == EXIT_OK
    assert not env_db.exists()
    services = _services(db)
    try:
        assert services.settings.get("school_short_name") == "МАОУ СОШ № 7"
    finally:
        services.close()


@sqlite_only
def test_without_db_or_environment_the_users_data_folder_is_used(run):
    code, out, _ = run("init", db=False)
    assert code == EXIT_OK
    assert (user_data_dir() / DEFAULT_FILE).is_file()
    assert str(user_data_dir() / DEFAULT_FILE) in out


@sqlite_only
@pytest.mark.parametrize("args", [["init", "--demo"], ["--demo", "init"]])
def test_init_demo_creates_the_filled_demo_database_apart_from_the_schools_own(run, args):
    code, out, err = run(*args, db=False)
    assert code == EXIT_OK, err
    demo = user_data_dir() / DEMO_FILE
    assert f"База данных готова: SQLite: {demo}" in out
    assert "Заполните профиль" not in out
    assert demo.is_file()
    assert not (user_data_dir() / DEFAULT_FILE).exists()

    # The demo database has one user per role (login = the role's name), and two more agents, with the demo password.
    secretary = {ENV_USER: "secretary", ENV_PASSWORD: DEMO_PASSWORD}
    code, out, err = run("--demo", "settings", "show", db=False, env=secretary)
    assert code == EXIT_OK, err
    assert DEMO_PROFILE["school_short_name"] in out
    assert "— не задано" not in out
    code, out, _ = run("calendar", "list", "--demo", db=False, env=secretary)
    assert "27.11.2026" in out and "Карантин по ОРВИ" in out
    code, out, err = run("users", "list", "--demo", db=False, env={ENV_USER: "admin", ENV_PASSWORD: DEMO_PASSWORD})
    assert code == EXIT_OK, err
    assert {line.split()[0] for line in out.splitlines()[1:]} == {role.value for role in Role} | {
        login for login, _ in DEMO_AGENTS
    }
    code, out, err = run("--demo", "settings", "show", db=False)  # nobody named: the demo too needs a login
    assert code == EXIT_FAILED
    assert ENV_USER in error_line(err)

    code, out, _ = run("settings", "show", db=False)  # the school's own database is still empty
    assert DEMO_PROFILE["school_short_name"] not in out


@sqlite_only
def test_demo_never_fills_the_database_named_in_the_environment(run, tmp_path, monkeypatch):
    school_db = tmp_path / "real-school.db"
    monkeypatch.setenv(ENV_DB, str(school_db))
    assert run("init", db=False)[0] == EXIT_OK
    assert run("init", "--demo", db=False)[0] == EXIT_OK
    services = _services(school_db)
    try:
        assert services.settings.get("school_short_name") == ""
        assert services.calendar.overrides() == []
    finally:
        services.close()
    assert (user_data_dir() / DEMO_FILE).is_file()


@sqlite_only
@pytest.mark.parametrize(
    "kind",
    [
        "folder",
        "not a database",
        "unsupported",
        pytest.param("no such database on the server", marks=pytest.mark.postgres),
        pytest.param("no server", marks=pytest.mark.postgres),
    ],
)
def test_a_database_that_cannot_be_opened_fails_in_russian(run, tmp_path, kind, request):
    if kind == "no such database on the server":
        target = request.getfixturevalue("postgres_server").url("school_office_never_created")
    elif kind == "no server":
        target = "postgresql+psycopg://school:secret@127.0.0.1:9/school_office"  # port 9: nobody listens
    elif kind == "folder":
        target = str(tmp_path)
    elif kind == "not a database":
        (tmp_path / "notes.db").write_text("Заметки секретаря\n" * 200, encoding="utf-8")
        target = str(tmp_path / "notes.db")
    else:
        target = "mysql://office@db.school.local/office"
    code, out, err = run("settings", "show", "--db", target, db=False)
    assert code == EXIT_FAILED
    assert out == ""
    assert err.startswith("Ошибка: ")  # the only line: not even the warning about users
    assert "Traceback" not in err
    assert "secret" not in err  # the password never shown
    assert ("не поддерживается" if kind == "unsupported" else "Не удалось открыть базу данных") in err
