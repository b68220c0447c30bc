"""The database: migrations build the schema the models expect, data survives, and the location is resolved."""

from __future__ import annotations

import datetime as dt
import socket

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import DBAPIError

from desktop.domain.access import Actor
from desktop.paths import user_data_dir
from desktop.services.calendar import OverrideKind
from desktop.services.errors import ServiceError
from desktop.services.registry import open_services
from desktop.store import migrate
from desktop.store.db import (
    DEFAULT_FILE,
    DEMO_FILE,
    ENV_DB,
    SQLITE_BUSY_TIMEOUT_MS,
    DatabaseLocationError,
    make_engine,
    resolve_location,
)
from desktop.store.models import Base, Event, UTCDateTime

# -- migrations ----------------------------------------------------------------------------------------


def test_migrations_create_the_schema_the_models_describe(services):
    with services.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": migrate.include_name}
        )
        differences = compare_metadata(context, Base.metadata)
        tables = set(inspect(connection).get_table_names())
    assert differences == []
    assert set(Base.metadata.tables) <= tables
    assert migrate.current_revision(services.engine) == migrate.head_revision()


def test_a_fresh_database_is_migrated_once_and_a_second_upgrade_changes_nothing(db_location, clock):
    opened = open_services(db_location, actor=Actor.bootstrap("x"), clock=clock, run_migrations=False)
    try:
        assert migrate.current_revision(opened.engine) is None
        assert migrate.upgrade(opened.engine) is True
        opened.settings.set("school_short_name", "МАОУ СОШ № 7")
        assert migrate.upgrade(opened.engine) is False
        assert migrate.current_revision(opened.engine) == migrate.head_revision()
        assert opened.settings.get("school_short_name") == "МАОУ СОШ № 7"
    finally:
        opened.close()


def test_a_migrated_database_keeps_its_data_when_reopened(services, clock):
    services.settings.set("school_short_name", "МАОУ СОШ № 7")
    services.calendar.set_day(dt.date(2026, 11, 27), OverrideKind.DAY_OFF, "Карантин")
    with services.ctx.transaction() as session:
        events_before = len(session.scalars(select(Event)).all())
    services.close()

    reopened = open_services(services.location, actor=Actor.bootstrap("другой"), clock=clock)
    try:
        assert reopened.settings.get("school_short_name") == "МАОУ СОШ № 7"
        [override] = reopened.calendar.overrides()
        assert (override.day, override.kind, override.reason) == (
            dt.date(2026, 11, 27),
            OverrideKind.DAY_OFF,
            "Карантин",
        )
        with reopened.ctx.transaction() as session:
            assert len(session.scalars(select(Event)).all()) == events_before == 2
    finally:
        reopened.close()


def test_a_foundation_database_keeps_its_events_through_the_users_migration(db_location, clock):
    """A school that ran the foundation (0001) keeps its trail: old events become changes by no known user."""
    engine = make_engine(db_location)
    try:
        config = migrate.alembic_config()
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "0001")
        events_0001 = sa.table(
            "events",
            sa.column("at", UTCDateTime()),
            sa.column("actor", sa.String()),
            sa.column("entity", sa.String()),
            sa.column("entity_id", sa.String()),
            sa.column("action", sa.String()),
            sa.column("before", sa.JSON()),
            sa.column("after", sa.JSON()),
        )
        with engine.begin() as connection:
            connection.execute(
                sa.insert(events_0001).values(
                    at=dt.datetime(2026, 9, 1, 4, 0, tzinfo=dt.UTC),
                    actor="Иванова Н. С.",
                    entity="settings",
                    entity_id="school_short_name",
                    action="set",
                    before={"value": None},
                    after={"value": "МАОУ СОШ № 7"},
                )
            )
    finally:
        engine.dispose()

    opened = open_services(db_location, actor=Actor.bootstrap("x"), clock=clock)
    try:
        assert migrate.current_revision(opened.engine) == migrate.head_revision() == "0008"
        [row] = opened.audit.page()
        assert (row.at, row.actor, row.actor_login, row.kind, row.entity_id, row.after) == (
            dt.datetime(2026, 9, 1, 4, 0, tzinfo=dt.UTC),
            "Иванова Н. С.",
            "",
            "change",
            "school_short_name",
            {"value": "МАОУ СОШ № 7"},
        )
        with pytest.raises(DBAPIError), opened.engine.begin() as connection:  # and from now on append-only
            connection.execute(text("DELETE FROM events"))
        assert opened.audit.count() == 1
    finally:
        opened.close()


# -- SQLite connections ------------------------------------------------------------------------------


def test_sqlite_connections_use_wal_foreign_keys_and_a_busy_timeout(tmp_path):
    location = resolve_location(str(tmp_path / "school.db"))
    engine = make_engine(location)
    try:
        # Every connection of the pool gets the pragmas, not only the first one.
        with engine.connect() as first, engine.connect() as second:
            for connection in (first, second):
                assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
                assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
                assert connection.execute(text("PRAGMA busy_timeout")).scalar() == SQLITE_BUSY_TIMEOUT_MS
        assert SQLITE_BUSY_TIMEOUT_MS >= 1000
    finally:
        engine.dispose()


def test_the_sqlite_folder_is_created_when_missing(tmp_path, clock):
    location = resolve_location(str(tmp_path / "new" / "folder" / "school.db"))
    opened = open_services(location, actor=Actor.bootstrap("x"), clock=clock)
    try:
        opened.settings.set("school_short_name", "МАОУ СОШ № 7")
    finally:
        opened.close()
    assert (tmp_path / "new" / "folder" / "school.db").is_file()


# -- where the database is ---------------------------------------------------------------------------


def test_a_plain_path_becomes_an_absolute_sqlite_url(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    location = resolve_location("school.db", environ={})
    assert location.is_sqlite
    assert location.url.drivername == "sqlite+pysqlite"
    assert location.path == tmp_path.resolve() / "school.db"
    assert location.describe() == f"SQLite: {tmp_path.resolve() / 'school.db'}"


def test_a_home_relative_path_is_expanded(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    location = resolve_location("~/office/school.db", environ={})
    assert location.path == tmp_path.resolve() / "office" / "school.db"


def test_a_sqlite_url_is_kept_on_sqlite(tmp_path):
    location = resolve_location(f"sqlite:///{tmp_path}/school.db", environ={})
    assert location.is_sqlite
    assert location.path == tmp_path.resolve() / "school.db"


def test_postgresql_gets_the_psycopg_driver_and_the_password_is_not_shown():
    location = resolve_location("postgresql://office:secret@db.school.local:5433/office", environ={})
    assert location.url.drivername == "postgresql+psycopg"
    assert (location.url.host, location.url.port, location.url.database) == (
        "db.school.local",
        5433,
        "office",
    )
    assert location.url.password == "secret"
    assert location.path is None
    assert "secret" not in location.describe()
    assert location.describe().startswith("PostgreSQL: postgresql+psycopg://office:")


def test_an_explicit_psycopg_url_is_kept():
    location = resolve_location("postgresql+psycopg://office@db/office", environ={})
    assert location.url.drivername == "postgresql+psycopg"


def test_an_unsupported_backend_is_refused_in_russian():
    with pytest.raises(DatabaseLocationError) as info:
        resolve_location("mysql://office@db/office", environ={})
    message = str(info.value)
    assert "«mysql» не поддерживается" in message
    assert ".db" in message and "postgresql+psycopg://" in message  # what is allowed instead


def test_a_malformed_url_is_refused_in_russian():
    with pytest.raises(DatabaseLocationError) as info:
        resolve_location("://db.school.local/office", environ={})
    assert "Не удалось разобрать адрес базы данных" in str(info.value)


def test_a_url_with_a_bad_port_is_refused_in_russian():
    with pytest.raises(DatabaseLocationError) as info:
        resolve_location("postgresql://office@db.school.local:порт/office", environ={})
    assert "Не удалось разобрать адрес базы данных" in str(info.value)


def test_db_option_wins_over_the_environment(tmp_path):
    location = resolve_location(str(tmp_path / "option.db"), environ={ENV_DB: str(tmp_path / "env.db")})
    assert location.path == tmp_path.resolve() / "option.db"


def test_the_environment_is_used_without_db_option(tmp_path):
    location = resolve_location(None, environ={ENV_DB: str(tmp_path / "env.db")})
    assert location.path == tmp_path.resolve() / "env.db"


def test_without_option_and_environment_the_file_is_in_the_users_data_folder(tmp_path_factory):
    location = resolve_location(None, environ={})
    assert location.path == (user_data_dir() / DEFAULT_FILE).resolve()
    assert location.path.name == "school-office.db"
    # conftest points the data folder into the test's temporary folder: nothing real is touched.
    assert location.path.is_relative_to(tmp_path_factory.getbasetemp().resolve())


def test_demo_is_a_separate_file_in_the_users_data_folder(tmp_path):
    demo = resolve_location(None, demo=True, environ={})
    default = resolve_location(None, environ={})
    assert demo.path == (user_data_dir() / DEMO_FILE).resolve()
    assert demo.path != default.path
    # A school's own database named in the environment is never filled with the demo school.
    env_demo = resolve_location(None, demo=True, environ={ENV_DB: str(tmp_path / "real-school.db")})
    assert env_demo.path == demo.path


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_an_unreachable_server_gives_a_russian_service_error(clock):
    location = resolve_location(f"postgresql://office@127.0.0.1:{_closed_port()}/office", environ={})
    with pytest.raises(ServiceError) as info:
        open_services(location, actor=Actor.bootstrap("x"), clock=clock)
    message = str(info.value)
    assert message.startswith("Не удалось открыть базу данных (PostgreSQL: ")
    assert "Проверьте путь или адрес сервера" in message


def test_a_file_that_is_not_a_database_gives_a_russian_service_error(tmp_path, clock):
    path = tmp_path / "notes.db"
    path.write_bytes("Это не база данных, а заметки секретаря.\n".encode() * 200)
    with pytest.raises(ServiceError) as info:
        open_services(resolve_location(str(path)), actor=Actor.bootstrap("x"), clock=clock)
    assert str(info.value).startswith(f"Не удалось открыть базу данных (SQLite: {path.resolve()})")
    assert path.read_bytes().startswith("Это не база данных".encode())  # the file is left alone


def test_a_folder_given_as_the_database_gives_a_russian_service_error(tmp_path, clock):
    with pytest.raises(ServiceError) as info:
        open_services(resolve_location(str(tmp_path)), actor=Actor.bootstrap("x"), clock=clock)
    assert "Не удалось открыть базу данных" in str(info.value)


def test_a_driver_that_is_not_installed_gives_a_russian_service_error(clock):
    location = resolve_location(f"postgresql+psycopg2://office@127.0.0.1:{_closed_port()}/office", environ={})
    with pytest.raises(ServiceError) as info:  # not a traceback about a missing module
        open_services(location, actor=Actor.bootstrap("x"), clock=clock)
    assert str(info.value).startswith("Не удалось открыть базу данных (PostgreSQL: ")
