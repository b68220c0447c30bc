"""`school-office backup` and `school-office restore`: exit codes and Russian messages."""

from __future__ import annotations

import sqlite3
from contextlib import closing

import pytest

from desktop.cli import ENV_NEW_PASSWORD, ENV_PASSWORD, ENV_USER, EXIT_FAILED, EXIT_OK, EXIT_USAGE
from tests.cli.conftest import Run, error_line

PASSWORD = "Надёжный-пароль-42"
ADMIN = {ENV_USER: "admin", ENV_PASSWORD: PASSWORD}


@pytest.fixture
def db(tmp_path):
    """A SQLite file: backups and restores of files are what these tests are about (PostgreSQL: below)."""
    return tmp_path / "school.db"


@pytest.fixture
def run(capsys, db):
    return Run(capsys, db)


@pytest.fixture
def admin_db(run, db):
    code, _out, err = run("init", env=ADMIN)
    assert code == EXIT_OK, err
    return db


def _short_name(path) -> str:
    with closing(sqlite3.connect(path)) as c:
        return c.execute("SELECT value FROM settings WHERE key = 'school_short_name'").fetchone()[0]


def test_backup_and_restore(run, admin_db, tmp_path):
    assert run("settings", "set", "school_short_name", "До копии", env=ADMIN)[0] == EXIT_OK
    out = tmp_path / "copy.db"
    code, stdout, err = run("backup", "--out", str(out), env=ADMIN)
    assert code == EXIT_OK, err
    assert stdout.strip() == f"Резервная копия сохранена: {out}"
    assert run("settings", "set", "school_short_name", "После копии", env=ADMIN)[0] == EXIT_OK

    code, stdout, err = run("restore", str(out), env=ADMIN)
    assert code == EXIT_OK, err
    assert f"База данных восстановлена из {out}" in stdout
    assert "Прежняя база сохранена:" in stdout and "перед-восстановлением" in stdout
    assert _short_name(admin_db) == "До копии"


def test_backup_into_the_folder_with_rotation(run, admin_db):
    for _ in range(3):
        code, _stdout, err = run("backup", "--keep", "2", env=ADMIN)
        assert code == EXIT_OK, err
    folder = admin_db.parent / "backups"
    assert len([p for p in folder.iterdir() if p.suffix == ".db"]) == 2
    code, _, err = run("backup", "--keep", "0", env=ADMIN)
    assert code == EXIT_FAILED and "хотя бы одну" in error_line(err)


def test_restore_refuses_a_text_file_and_changes_nothing(run, admin_db, tmp_path):
    text = tmp_path / "note.db"
    text.write_text("не база", encoding="utf-8")
    assert run("settings", "set", "school_short_name", "Наша школа", env=ADMIN)[0] == EXIT_OK
    code, _stdout, err = run("restore", str(text), env=ADMIN)
    assert code == EXIT_FAILED
    assert error_line(err) == (
        f"Ошибка: Восстановление отменено, база не изменена: файл {text} — не база данных SQLite."
    )
    assert _short_name(admin_db) == "Наша школа"  # (logging in is on record: the file itself may change)
    assert not (admin_db.parent / "backups").exists()


def test_backup_and_restore_need_the_right(run, admin_db, tmp_path):
    new_user = {**ADMIN, ENV_NEW_PASSWORD: PASSWORD}
    assert run("users", "add", "sec", "--name", "Секретарь Анна", "--role", "secretary", env=new_user)[0] == EXIT_OK
    # The first login must change the temporary password: set it ready for the command line.
    secretary = {ENV_USER: "sec", ENV_PASSWORD: PASSWORD}
    code, _, err = run("backup", "--out", str(tmp_path / "x.db"), env=secretary)
    assert code == EXIT_FAILED
    assert "Недостаточно прав" in error_line(err) and "резервные копии" in error_line(err)
    assert not (tmp_path / "x.db").exists()


def test_restore_without_a_file_is_a_usage_error(run, admin_db):
    code, _, err = run("restore", env=ADMIN)
    assert code == EXIT_USAGE and "не хватает аргументов" in err


@pytest.mark.postgres
def test_postgres_backup_runs_pg_dump_and_restore_gives_the_recipe(capsys, postgres_server, tmp_path):
    from desktop.services.backup import find_pg_program

    if find_pg_program("pg_dump") is None:
        pytest.skip("pg_dump не найден")
    run = Run(capsys, postgres_server.create_database())
    assert run("init", env=ADMIN)[0] == EXIT_OK
    out = tmp_path / "school.dump"
    code, _stdout, err = run("backup", "--out", str(out), env=ADMIN)
    assert code == EXIT_OK, err
    assert out.read_bytes().startswith(b"PGDMP")
    code, _stdout, err = run("restore", str(out), env=ADMIN)
    assert code == EXIT_FAILED
    assert "не выполняет сама" in error_line(err) and "pg_restore --clean" in error_line(err)
