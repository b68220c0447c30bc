"""Backups of the database: consistent while others write, checked, atomic, rotated, one a day at start; restores
that refuse anything but a sound backup of this program and keep a copy of what they replace."""

from __future__ import annotations

import sqlite3
import threading
import time
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import select

from desktop.domain.access import Actor, Role
from desktop.services.backup import KEEP, NAME_RE, BackupError, Backups, check_backup_file, find_pg_program
from desktop.services.errors import PermissionDenied
from desktop.services.registry import Services, open_services
from desktop.store.db import resolve_location
from desktop.store.models import Event
from tests.conftest import FixedClock

PASSWORD = "Надёжный-пароль-42"


def _events(services: Services) -> list[Event]:
    with services.ctx.transaction() as session:
        return list(session.scalars(select(Event).order_by(Event.id)))


def _rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(path)) as connection:
        return connection.execute(sql).fetchall()


def test_backup_while_another_connection_writes_is_consistent(sqlite_services, tmp_path):
    database = sqlite_services.location.path
    with closing(sqlite3.connect(database)) as c:
        c.execute("CREATE TABLE load (id INTEGER PRIMARY KEY, a INTEGER, b INTEGER)")
        c.commit()
    stop = threading.Event()

    def write() -> None:
        with closing(sqlite3.connect(database, timeout=10)) as c:
            n = 0
            while not stop.is_set():
                n += 1
                with c:  # two rows in one transaction: a consistent copy has both or neither
                    c.execute("INSERT INTO load (a, b) VALUES (?, ?)", (n, n))
                    c.execute("INSERT INTO load (a, b) VALUES (?, ?)", (-n, -n))
                started.set()
                time.sleep(0.0005)  # let the backup have the interpreter too

    started = threading.Event()
    writer = threading.Thread(target=write)
    writer.start()
    try:
        assert started.wait(10)
        outs = [Backups(sqlite_services).backup(tmp_path / f"copy{i}.db") for i in range(2)]
    finally:
        stop.set()
        writer.join()
    for out in outs:
        assert check_backup_file(out) is None
        assert _rows(out, "PRAGMA integrity_check") == [("ok",)]
        count, total = _rows(out, "SELECT count(*), coalesce(sum(a), 0) FROM load")[0]
        assert count % 2 == 0 and total == 0
        assert not out.with_name(out.name + ".part").exists()
        assert not Path(str(out) + "-wal").exists()  # one self-contained file
    newest = _events(sqlite_services)[-1]
    assert (newest.action, newest.kind, newest.after) == ("backup", "access", {"file": str(outs[-1])})


def test_rotation_keeps_the_newest_n_and_leaves_other_files(sqlite_services, clock):
    backups = Backups(sqlite_services)
    made = []
    for _ in range(5):
        made.append(backups.backup(keep=3))
        clock.advance(hours=1)
    folder = backups.folder()
    assert folder == sqlite_services.location.path.parent / "backups"
    assert backups.copies() == made[-3:]
    assert all(NAME_RE.match(p.name) for p in made)
    # 10:00 in Yekaterinburg-or-Tyumen time is not asked for: the name is school time, whatever the zone is.
    (folder / "notes.txt").write_text("моё")
    backups.rotate(1)
    assert backups.copies() == made[-1:]
    assert (folder / "notes.txt").exists()
    with pytest.raises(BackupError, match="не меньше одной"):
        backups.rotate(0)
    assert KEEP == 30


def test_daily_backup_is_made_once_a_day_as_the_system(sqlite_services, clock):
    backups = Backups(sqlite_services.as_actor(Actor.anonymous()))  # nobody logged in yet: no right needed
    first = backups.daily()
    assert first is not None and first.is_file()
    clock.advance(hours=3)
    assert backups.daily() is None
    clock.advance(days=1)
    second = backups.daily()
    assert second is not None and second != first
    assert backups.copies() == [first, second]
    daily = [e for e in _events(sqlite_services) if e.action == "daily_backup"]
    assert [e.actor for e in daily] == [Actor.system().name] * 2


def test_daily_backup_rotates(sqlite_services, clock):
    backups = Backups(sqlite_services)
    for _ in range(4):
        backups.daily(keep=2)
        clock.advance(days=1)
    assert len(backups.copies()) == 2


def test_backup_needs_the_right(sqlite_services, tmp_path):
    sqlite_services.users.add("sec", "Секретарь Анна Ивановна", [Role.SECRETARY], PASSWORD, must_change=False)
    secretary = sqlite_services.as_actor(sqlite_services.users.authenticate("sec", PASSWORD))
    with pytest.raises(PermissionDenied):
        Backups(secretary).backup(tmp_path / "copy.db")
    with pytest.raises(PermissionDenied):
        Backups(secretary).restore(tmp_path / "copy.db")
    assert not (tmp_path / "copy.db").exists()


def test_backup_refuses_to_overwrite_the_database(sqlite_services):
    with pytest.raises(BackupError, match="поверх самой базы"):
        Backups(sqlite_services).backup(sqlite_services.location.path)


# -- restore ----------------------------------------------------------------------------------------------


def _database_state(path: Path) -> tuple[bytes, list[str]]:
    siblings = sorted(p.name for p in path.parent.rglob("*"))
    return path.read_bytes(), siblings


@pytest.fixture
def saved(sqlite_services, tmp_path) -> Path:
    sqlite_services.settings.set("school_short_name", "Школа до копии")
    return Backups(sqlite_services).backup(tmp_path / "saved.db")


def _refused(services: Services, source: Path, match: str) -> None:
    database = services.location.path
    services.engine.dispose()
    before = _database_state(database)
    with pytest.raises(BackupError, match=match):
        Backups(services).restore(source)
    services.engine.dispose()
    assert _database_state(database) == before  # nothing changed, no copy kept, nothing half-written


def test_restore_refuses_a_text_file(sqlite_services, tmp_path):
    text = tmp_path / "note.db"
    text.write_text("это не база данных", encoding="utf-8")
    _refused(sqlite_services, text, "не база данных SQLite")
    _refused(sqlite_services, tmp_path / "missing.db", "не найден")


def test_restore_refuses_a_corrupt_database(sqlite_services, saved, tmp_path):
    broken = tmp_path / "broken.db"
    data = saved.read_bytes()
    broken.write_bytes(data[: len(data) // 2])
    _refused(sqlite_services, broken, "повреждена|не открывается")


def test_restore_refuses_a_database_of_another_program(sqlite_services, tmp_path):
    other = tmp_path / "other.db"
    with closing(sqlite3.connect(other)) as c:
        c.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
        c.commit()
    _refused(sqlite_services, other, "другой программы")


def test_restore_refuses_a_database_of_a_newer_program(sqlite_services, saved, tmp_path):
    newer = tmp_path / "newer.db"
    newer.write_bytes(saved.read_bytes())
    with closing(sqlite3.connect(newer)) as c:
        c.execute("UPDATE alembic_version SET version_num = 'f00dfeed9999'")
        c.commit()
    _refused(sqlite_services, newer, "более новой версией")


def test_restore_refuses_the_database_itself(sqlite_services):
    _refused(sqlite_services, sqlite_services.location.path, "это и есть текущая база")


def test_a_good_restore_brings_back_the_old_rows_and_keeps_what_it_replaced(sqlite_services, saved, clock):
    sqlite_services.settings.set("school_short_name", "Школа после копии")
    clock.advance(minutes=5)
    result = Backups(sqlite_services).restore(saved)
    # The same services go on, on the restored file.
    assert sqlite_services.settings.get("school_short_name") == "Школа до копии"
    assert result.kept is not None and "перед-восстановлением" in result.kept.name
    assert result.kept.parent == sqlite_services.location.path.parent / "backups"
    kept = _rows(result.kept, "SELECT value FROM settings WHERE key = 'school_short_name'")
    assert kept == [("Школа после копии",)]
    assert result.kept not in Backups(sqlite_services).copies()  # not rotated away
    newest = _events(sqlite_services)[-1]
    assert newest.action == "restore"
    assert newest.after["from"] == str(saved) and newest.after["by"] == "Тестовый пользователь"
    assert newest.at == clock.now
    # The program opens it afresh, too.
    sqlite_services.close()
    again = open_services(resolve_location(str(sqlite_services.location.path)), actor=Actor.bootstrap("проверка"))
    try:
        assert again.settings.get("school_short_name") == "Школа до копии"
    finally:
        again.close()


def test_restore_replaces_a_database_that_no_longer_opens(tmp_path, saved):
    database = tmp_path / "broken-current.db"
    database.write_bytes(b"SQLite format 3\x00" + b"\x00" * 500)
    services = open_services(
        resolve_location(str(database)), actor=Actor.bootstrap("проверка"), clock=FixedClock(), run_migrations=False
    )
    try:
        result = Backups(services).restore(saved)
        assert result.kept is not None and result.kept.read_bytes().startswith(b"SQLite format 3")
        assert services.settings.get("school_short_name") == "Школа до копии"
    finally:
        services.close()


# -- PostgreSQL ------------------------------------------------------------------------------------------


@pytest.mark.postgres
def test_postgres_backup_runs_pg_dump(postgres_server, tmp_path, clock):
    services = open_services(resolve_location(postgres_server.create_database()), actor=Actor.bootstrap("проверка"), clock=clock)
    try:
        if find_pg_program("pg_dump") is None:
            pytest.skip("pg_dump не найден")
        out = tmp_path / "school.dump"
        assert Backups(services).backup(out) == out
        assert out.read_bytes().startswith(b"PGDMP")
        assert not out.with_name(out.name + ".part").exists()
        with pytest.raises(BackupError, match="pg_restore"):
            Backups(services).restore(out)
        with pytest.raises(BackupError, match="--out"):
            Backups(services).backup()
    finally:
        services.close()


@pytest.mark.postgres
def test_postgres_backup_without_pg_dump_gives_the_recipe(postgres_server, tmp_path, monkeypatch):
    import desktop.services.backup as backup_module

    monkeypatch.setattr(backup_module, "find_pg_program", lambda name: None)
    services = open_services(resolve_location(postgres_server.create_database()), actor=Actor.bootstrap("проверка"))
    try:
        with pytest.raises(BackupError, match="pg_dump не найдена.*pg_dump --format=custom"):
            Backups(services).backup(tmp_path / "school.dump")
        assert not (tmp_path / "school.dump").exists()
    finally:
        services.close()
