"""The command line as a user: the first administrator from `init`, `users ...`, logging in with --user or
$SCHOOL_OFFICE_USER and $SCHOOL_OFFICE_PASSWORD, refusals that change nothing, and `export audit`."""

from __future__ import annotations

import datetime as dt
import io
import re
import sys
import zoneinfo
from pathlib import Path

import openpyxl
import pytest

from desktop import cli
from desktop.cli import ENV_NEW_PASSWORD, ENV_PASSWORD, ENV_USER, EXIT_FAILED, EXIT_OK
from desktop.domain.access import Actor
from desktop.services.audit import AuditRow
from desktop.services.registry import computer_user, open_services
from desktop.store.db import resolve_location
from tests.cli.conftest import NO_USERS_WARNING, Run, error_line, sqlite_only

ADMIN_PASSWORD = "Надёжный-пароль-1"
STAFF_PASSWORD = "Временный-пароль-2"
ADMIN = {ENV_USER: "admin", ENV_PASSWORD: ADMIN_PASSWORD}
HEADERS = ("Дата и время", "Пользователь", "Логин", "Вид", "Объект", "Номер объекта", "Действие", "Было", "Стало")
TYUMEN = zoneinfo.ZoneInfo("Asia/Yekaterinburg")


def _trail(db: Path) -> list[AuditRow]:
    """Every event in the database, oldest first."""
    services = open_services(resolve_location(str(db)), actor=Actor.bootstrap("проверка"))
    try:
        return list(reversed(services.audit.page(limit=10_000)))
    finally:
        services.close()


def _setting(db: Path, key: str) -> str:
    services = open_services(resolve_location(str(db)), actor=Actor.bootstrap("проверка"))
    try:
        return services.settings.get(key)
    finally:
        services.close()


@pytest.fixture
def no_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Standard input is not a terminal (a script, a scheduler): nobody can be asked for a password."""
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))


@pytest.fixture
def admin_db(run: Run, db: Path, no_terminal: None) -> Path:
    """A database whose first administrator `admin` was created by `init`, with one secretary."""
    code, _, err = run("init", "--name", "Петров Алексей Игоревич", env=ADMIN)
    assert code == EXIT_OK, err
    code, _, err = run(
        "users", "add", "ivanova", "--role", "secretary", "--name", "Иванова Наталья Сергеевна",
        env={**ADMIN, ENV_NEW_PASSWORD: STAFF_PASSWORD},
    )  # fmt: skip
    assert code == EXIT_OK, err
    return db


def as_ivanova(password: str = STAFF_PASSWORD) -> dict[str, str]:
    return {ENV_USER: "ivanova", ENV_PASSWORD: password}


# -- a new database ---------------------------------------------------------------------------------------


def test_without_users_commands_run_without_a_password_and_warn(run, db, no_terminal):
    code, out, err = run("settings", "set", "school_short_name", "МАОУ СОШ № 7")
    assert code == EXIT_OK, err
    assert out.strip() == "school_short_name = МАОУ СОШ № 7"
    assert err.startswith(NO_USERS_WARNING)
    assert f"{ENV_USER}=логин {ENV_PASSWORD}=пароль school-office init" in err
    [event] = [row for row in _trail(db) if row.entity_id == "school_short_name"]
    assert (event.actor, event.actor_login) == (computer_user(), "")  # the computer's user, no login


def test_init_without_a_user_in_the_environment_says_how_to_create_the_administrator(run, db):
    code, out, err = run("init")
    assert code == EXIT_OK, err
    assert "Пользователей ещё нет. Создайте администратора: SCHOOL_OFFICE_USER=логин" in out
    assert "Создан первый администратор" not in out


def test_init_creates_the_first_administrator_from_the_environment_and_only_once(run, db, no_terminal):
    code, out, err = run("init", "--name", "Петров Алексей Игоревич", env=ADMIN)
    assert code == EXIT_OK, err
    assert "Создан первый администратор: Петров Алексей Игоревич (логин admin)." in out

    code, out, err = run("init", env={ENV_USER: "boss", ENV_PASSWORD: "Другой-пароль-3"})
    assert code == EXIT_OK, err
    assert "Создан" not in out and "Пользователей ещё нет" not in out

    code, out, err = run("users", "list", env=ADMIN)
    assert code == EXIT_OK, err
    assert NO_USERS_WARNING not in err
    [header, line] = out.splitlines()
    assert header.split() == ["Логин", "ФИО", "Состояние", "Роли"]
    assert line.split() == ["admin", "Петров", "Алексей", "Игоревич", "активен", "администратор"]
    code, _, err = run("users", "list", env={ENV_USER: "boss", ENV_PASSWORD: "Другой-пароль-3"})
    assert code == EXIT_FAILED
    assert error_line(err) == "Ошибка: Неверный логин или пароль."


def test_init_refuses_a_weak_first_password(run, db):
    code, _, err = run("init", env={ENV_USER: "admin", ENV_PASSWORD: "12345"})
    assert code == EXIT_FAILED
    assert error_line(err) == "Ошибка: Пароль должен быть не короче 8 знаков."
    assert "Пользователей ещё нет" in run("init")[1]


# -- users ------------------------------------------------------------------------------------------------


def test_users_add_with_several_roles_and_the_new_user_logs_in(run, admin_db):
    code, out, err = run(
        "users", "add", "Voronina", "--role", "deputy", "--role", "class_teacher",
        "--name", "Воронина Ирина Александровна", env={**ADMIN, ENV_NEW_PASSWORD: STAFF_PASSWORD},
    )  # fmt: skip
    assert code == EXIT_OK, err
    assert out.splitlines()[0] == (
        "Добавлен пользователь Воронина Ирина Александровна (логин voronina), "
        "роли: заместитель директора, классный руководитель."
    )

    code, out, err = run("users", "list", env=ADMIN)
    assert code == EXIT_OK, err
    columns = {line.split()[0]: re.split(r"\s{2,}", line) for line in out.splitlines()[1:]}
    assert columns == {
        "admin": ["admin", "Петров Алексей Игоревич", "активен", "администратор"],
        "ivanova": ["ivanova", "Иванова Наталья Сергеевна", "активен", "секретарь"],
        "voronina": ["voronina", "Воронина Ирина Александровна", "активен", "заместитель директора, классный руководитель"],
    }

    code, out, err = run("calendar", "day-off", "27.11.2026", env={ENV_USER: "voronina", ENV_PASSWORD: STAFF_PASSWORD})
    assert code == EXIT_OK, err  # a deputy may change the school's calendar
    [event] = [row for row in _trail(admin_db) if row.entity == "calendar_override"]
    assert (event.actor, event.actor_login) == ("Воронина Ирина Александровна", "voronina")


def test_users_add_by_somebody_who_is_not_the_administrator_is_refused_before_asking_a_password(run, admin_db):
    before = _trail(admin_db)
    code, _, err = run(
        "users", "add", "petrova", "--role", "admin", "--name", "Петрова Анна Сергеевна", env=as_ivanova()
    )
    assert code == EXIT_FAILED
    assert error_line(err) == (
        "Ошибка: Недостаточно прав: «управление пользователями» доступно ролям: администратор. Ваши роли: секретарь."
    )
    assert [row.action for row in _trail(admin_db)[len(before) :]] == ["login"]  # her login, and nothing else


def test_a_bad_role_is_refused_with_the_roles_there_are(run, admin_db):
    code, _, err = run(
        "users", "add", "petrova", "--role", "librarian", "--name", "Петрова Анна Сергеевна",
        env={**ADMIN, ENV_NEW_PASSWORD: STAFF_PASSWORD},
    )  # fmt: skip
    assert code == EXIT_FAILED
    assert "Неизвестная роль «librarian»" in err and "agent (исполнитель)" in err


def test_a_blocked_user_is_refused_and_unblocked_logs_in_again(run, admin_db):
    code, out, err = run("users", "block", "ivanova", env=ADMIN)
    assert code == EXIT_OK, err
    assert out.strip() == "Иванова Наталья Сергеевна (логин ivanova): заблокирован."
    [line] = [line for line in run("users", "list", env=ADMIN)[1].splitlines() if line.startswith("ivanova ")]
    assert re.split(r"\s{2,}", line)[2] == "заблокирован"

    code, out, err = run("settings", "show", env=as_ivanova())
    assert code == EXIT_FAILED
    assert out == ""
    assert error_line(err) == "Ошибка: Учётная запись заблокирована. Обратитесь к администратору программы."

    assert run("users", "unblock", "ivanova", env=ADMIN)[0] == EXIT_OK
    assert run("settings", "show", env=as_ivanova())[0] == EXIT_OK


def test_the_administrator_cannot_block_himself(run, admin_db):
    code, _, err = run("users", "block", "admin", env=ADMIN)
    assert code == EXIT_FAILED
    assert error_line(err) == "Ошибка: Нельзя заблокировать самого себя."


def test_roles_reset_password_and_passwd(run, admin_db):
    code, out, err = run("users", "roles", "ivanova", "--role", "secretary", "--role", "operator", env=ADMIN)
    assert code == EXIT_OK, err
    assert out.strip() == "Иванова Наталья Сергеевна (логин ivanova), роли: секретарь, оператор заявок."

    code, out, err = run("users", "reset-password", "ivanova", env={**ADMIN, ENV_NEW_PASSWORD: "Сброшенный-пароль-4"})
    assert code == EXIT_OK, err
    assert "задан временный пароль" in out
    assert error_line(run("settings", "show", env=as_ivanova())[2]) == "Ошибка: Неверный логин или пароль."

    code, out, err = run(
        "users", "passwd", env={**as_ivanova("Сброшенный-пароль-4"), ENV_NEW_PASSWORD: "Мой-собственный-5"}
    )
    assert code == EXIT_OK, err
    assert out.strip() == "Пароль изменён."
    assert run("settings", "show", env=as_ivanova("Мой-собственный-5"))[0] == EXIT_OK
    assert run("settings", "show", env=as_ivanova("Сброшенный-пароль-4"))[0] == EXIT_FAILED


# -- logging in -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", [{ENV_USER: "admin", ENV_PASSWORD: "не тот пароль"}, {ENV_USER: "nobody", ENV_PASSWORD: ADMIN_PASSWORD}])
def test_a_wrong_password_or_login_exits_non_zero_and_changes_nothing(run, admin_db, who):
    before = _trail(admin_db)
    code, out, err = run("settings", "set", "school_short_name", "МАОУ СОШ № 7", env=who)
    assert code == EXIT_FAILED
    assert out == ""
    assert error_line(err) == "Ошибка: Неверный логин или пароль."
    assert _setting(admin_db, "school_short_name") == ""
    # Only the failed attempt itself is on record.
    assert [(row.kind, row.action, row.entity_id) for row in _trail(admin_db)[len(before) :]] == [
        ("auth", "failed", who[ENV_USER])
    ]


@sqlite_only  # who acts and how the password is asked: the same on every backend
def test_without_a_password_and_no_terminal_the_command_says_where_to_put_it(run, admin_db, no_terminal):
    before = _trail(admin_db)
    code, _, err = run("settings", "set", "school_short_name", "МАОУ СОШ № 7", env={ENV_USER: "admin"})
    assert code == EXIT_FAILED
    assert error_line(err) == (
        "Ошибка: Пароль не задан: укажите его в переменной SCHOOL_OFFICE_PASSWORD (запросить его негде)."
    )
    assert _setting(admin_db, "school_short_name") == ""
    assert _trail(admin_db) == before


@sqlite_only  # who acts and how the password is asked: the same on every backend
def test_on_a_terminal_the_password_is_asked_for(run, admin_db, monkeypatch):
    asked: list[str] = []
    monkeypatch.setattr(sys, "stdin", type("Terminal", (io.StringIO,), {"isatty": lambda self: True})())
    monkeypatch.setattr(cli.getpass, "getpass", lambda prompt: asked.append(prompt) or ADMIN_PASSWORD)
    code, _, err = run("settings", "set", "school_short_name", "МАОУ СОШ № 7", env={ENV_USER: "admin"})
    assert code == EXIT_OK, err
    assert asked == ["Пароль пользователя admin: "]


@sqlite_only  # who acts and how the password is asked: the same on every backend
def test_without_a_user_the_command_says_how_to_name_one(run, admin_db):
    code, _, err = run("settings", "show")
    assert code == EXIT_FAILED
    assert "--user ЛОГИН" in error_line(err) and ENV_USER in error_line(err)


@sqlite_only  # the command line read: the same on every backend
@pytest.mark.parametrize("where", ["before", "after"])
def test_the_user_option_wins_over_the_environment(run, admin_db, where):
    env = {ENV_USER: "ivanova", ENV_PASSWORD: ADMIN_PASSWORD}  # the password is the administrator's
    args = ["--user", "admin", "users", "list"] if where == "before" else ["users", "list", "--user", "admin"]
    code, _, err = run(*args, env=env)
    assert code == EXIT_OK, err  # ivanova could not list users, and this is not her password
    assert _trail(admin_db)[-1].actor_login == "admin"


# -- export --------------------------------------------------------------------------------------------


@sqlite_only
def test_export_list_names_the_audit_trail(run):
    code, out, err = run("export", "--list", db=False)
    assert code == EXIT_OK, err
    [line] = [line for line in out.splitlines() if line.split()[0] == "audit"]
    assert "журнал событий" in line


def test_an_agent_may_not_export_the_audit_trail_and_nothing_is_written(run, admin_db, tmp_path):
    code, out, err = run(
        "users", "add", "agent", "--role", "agent", "--name", "Смирнова Ольга Павловна",
        env={**ADMIN, ENV_NEW_PASSWORD: STAFF_PASSWORD},
    )  # fmt: skip
    assert code == EXIT_OK, err
    before = _trail(admin_db)
    out_file = tmp_path / "exports" / "audit.xlsx"

    code, out, err = run(
        "export", "audit", "--out", str(out_file), env={ENV_USER: "agent", ENV_PASSWORD: STAFF_PASSWORD}
    )

    assert code == EXIT_FAILED
    assert out == ""
    assert error_line(err) == (
        "Ошибка: Недостаточно прав: «выгрузка журнала событий» доступно ролям: администратор, директор. "
        "Ваши роли: исполнитель."
    )
    assert not out_file.exists()
    # The agent's login is on record; no export, no change.
    assert [(row.kind, row.action, row.actor_login) for row in _trail(admin_db)[len(before) :]] == [
        ("auth", "login", "agent")
    ]


def test_the_administrators_export_lists_the_actions_just_taken_with_user_and_time(run, admin_db, tmp_path):
    assert run("settings", "set", "timezone", "Asia/Yekaterinburg", env=ADMIN)[0] == EXIT_OK
    earlier = len(_trail(admin_db))
    started = dt.datetime.now(TYUMEN).replace(tzinfo=None) - dt.timedelta(seconds=1)
    assert run("settings", "set", "school_short_name", "МАОУ СОШ № 7", env=ADMIN)[0] == EXIT_OK
    assert run("calendar", "day-off", "27.11.2026", "--reason", "Карантин", env=as_ivanova())[0] == EXIT_OK
    out_file = tmp_path / "audit.xlsx"

    code, out, err = run("export", "audit", "--out", str(out_file), env=ADMIN)

    finished = dt.datetime.now(TYUMEN).replace(tzinfo=None) + dt.timedelta(seconds=1)
    assert code == EXIT_OK, err
    sheet = openpyxl.load_workbook(out_file).active
    assert tuple(cell.value for cell in sheet[4]) == HEADERS
    rows = [row for row in sheet.iter_rows(min_row=5, values_only=True)]
    assert out.strip() == f"Выгружено записей: {len(rows)}. Файл: {out_file}"
    recent = rows[earlier:]  # oldest first: what the administrator and the secretary have just done
    assert all(isinstance(row[0], dt.datetime) and started <= row[0] <= finished for row in recent)  # in Tyumen
    assert [row[1:7] for row in recent if row[3] == "изменение"] == [
        ("Петров Алексей Игоревич", "admin", "изменение", "настройки школы", "school_short_name", "задано"),
        ("Иванова Наталья Сергеевна", "ivanova", "изменение", "календарь: день школы", "2026-11-27", "задано"),
    ]
    assert [row[8] for row in recent if row[3] == "изменение"] == [
        "МАОУ СОШ № 7",
        "kind: day_off; reason: Карантин",
    ]
    assert ("Иванова Наталья Сергеевна", "ivanova", "вход и блокировка", "вход в программу", "ivanova", "вход") in [
        row[1:7] for row in recent
    ]
    newest = _trail(admin_db)[-1]
    assert (newest.kind, newest.action, newest.actor_login, newest.after["rows"]) == (
        "access",
        "export",
        "admin",
        len(rows),
    )


def test_export_audit_by_dates(run, admin_db, tmp_path):
    out_file = tmp_path / "audit.xlsx"
    code, out, err = run("export", "audit", "--from", "01.01.2020", "--to", "31.12.2020", "--out", str(out_file), env=ADMIN)
    assert code == EXIT_OK, err
    assert out.startswith("Выгружено записей: 0.")
    sheet = openpyxl.load_workbook(out_file).active
    assert "Период: с 01.01.2020 по 31.12.2020." in sheet["A2"].value

    code, out, err = run("export", "audit", "--from", "02.01.2020", "--to", "01.01.2020", "--out", str(out_file), env=ADMIN)
    assert code == EXIT_FAILED
    assert error_line(err) == "Ошибка: Дата «--from» позже даты «--to»."
