"""A database that cannot do the work gives a clear Russian message and leaves nothing half-written: SQLite locked by
another computer, opened read-only, or out of space; a PostgreSQL server that dropped the connection (the next call
reconnects by itself) or that is not there at all."""

from __future__ import annotations

import socket
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import event, func, select

from desktop.domain.access import Actor
from desktop.domain.appeals import Rubric
from desktop.services.appeals import AppealInput
from desktop.services.context import ServiceContext
from desktop.services.errors import (
    DatabaseBusy,
    DatabaseFull,
    DatabaseReadOnly,
    ServerUnreachable,
    ServiceError,
)
from desktop.services.files import FileIn
from desktop.services.registry import Services, open_services
from desktop.store import db as store_db
from desktop.store.db import make_engine, resolve_location, session_factory
from desktop.store.models import Appeal, Blob, Event, NumberCounter
from tests.conftest import FixedClock


def appeal(**fields: object) -> AppealInput:
    values: dict[str, object] = {
        "applicant": "Кузнецова Мария Петровна",
        "rubric": Rubric.SCHOOL,
        "text": "Когда собрание?",
    }
    values.update(fields)
    return AppealInput(**values)  # type: ignore[arg-type]


def counts(services: Services) -> tuple[int, int, int, int | None]:
    """Appeals, events, blobs and the last register number: what a half-written registration would change."""
    with services.ctx.transaction() as session:
        return (
            session.scalar(select(func.count()).select_from(Appeal)) or 0,
            session.scalar(select(func.count()).select_from(Event)) or 0,
            session.scalar(select(func.count()).select_from(Blob)) or 0,
            session.scalar(select(NumberCounter.last)),
        )


@pytest.fixture
def sqlite_school(tmp_path: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch) -> Iterator[Services]:
    # Another computer's write lock is waited for a fifth of a second here, not ten seconds.
    monkeypatch.setattr(store_db, "SQLITE_BUSY_TIMEOUT_MS", 200)
    services = open_services(
        resolve_location(str(tmp_path / "school.db")), actor=Actor.bootstrap("Секретарь"), clock=clock
    )
    services.appeals.register(appeal())
    try:
        yield services
    finally:
        services.close()


def on_every_connection(services: Services, *statements: str) -> None:
    """Run `statements` on every new connection of the services' engine (after its own pragmas), from now on."""

    def run(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        for statement in statements:
            dbapi_connection.execute(statement)

    event.listen(services.engine, "connect", run)
    services.engine.dispose()


def test_a_database_locked_by_another_computer_says_so_and_saves_nothing(sqlite_school: Services):
    before = counts(sqlite_school)
    other = sqlite3.connect(sqlite_school.location.path, isolation_level=None)
    try:
        other.execute("BEGIN EXCLUSIVE")
        with pytest.raises(DatabaseBusy) as info:
            sqlite_school.appeals.register(appeal())
        assert "База данных занята" in str(info.value) and "через минуту" in str(info.value)
        assert counts(sqlite_school) == before  # reading goes on while another computer writes
    finally:
        other.rollback()
        other.close()
    assert sqlite_school.appeals.register(appeal()).number == "О-2026/0002"  # free again: no number was lost


def test_a_read_only_database_names_the_file_and_saves_nothing(sqlite_school: Services):
    before = counts(sqlite_school)
    on_every_connection(sqlite_school, "PRAGMA query_only=ON")
    with pytest.raises(DatabaseReadOnly) as info:
        sqlite_school.appeals.register(appeal(attachment=FileIn("скан.pdf", b"%PDF" * 100)))
    message = str(info.value)
    assert (
        "только для чтения" in message and f"Проверьте права на файл {sqlite_school.location.path}" in message
    )
    assert counts(sqlite_school) == before


def test_a_full_disk_says_so_and_saves_nothing(sqlite_school: Services):
    before = counts(sqlite_school)
    with sqlite_school.ctx.transaction() as session:
        pages = session.connection().exec_driver_sql("PRAGMA page_count").scalar_one()
    # The file may not grow by more than a few pages: a 1 MB scan does not fit.
    on_every_connection(sqlite_school, f"PRAGMA max_page_count={pages + 4}")
    with pytest.raises(DatabaseFull) as info:
        sqlite_school.appeals.register(appeal(attachment=FileIn("скан.pdf", bytes(range(256)) * 4096)))
    assert "нет места на диске" in str(info.value) and str(sqlite_school.location.path) in str(info.value)
    assert counts(sqlite_school) == before
    assert sqlite_school.appeals.register(appeal()).number == "О-2026/0002"  # small changes still fit


# -- PostgreSQL: a server that went away ------------------------------------------------------------------------


@pytest.fixture
def pg_school(postgres_server, clock: FixedClock) -> Iterator[Services]:  # type: ignore[no-untyped-def]
    services = open_services(
        resolve_location(postgres_server.create_database()), actor=Actor.bootstrap("Секретарь"), clock=clock
    )
    services.appeals.register(appeal())
    try:
        yield services
    finally:
        services.close()


def drop_connections(services: Services) -> int:
    """What a server restart or a network cut does: every connection of the database ended from the server's side."""
    url = services.location.url
    with psycopg.connect(
        host=url.host, port=url.port, user=url.username, dbname="postgres", autocommit=True
    ) as admin:
        return len(
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                (url.database,),
            ).fetchall()
        )


@pytest.mark.postgres
def test_the_app_reconnects_by_itself_after_the_server_dropped_its_connections(pg_school: Services):
    assert drop_connections(pg_school) >= 1  # the pooled, idle connection
    assert (
        pg_school.appeals.register(appeal()).number == "О-2026/0002"
    )  # replaced on the next call, unnoticed
    assert counts(pg_school)[0] == 2


@pytest.mark.postgres
def test_a_connection_lost_in_the_middle_of_a_change_says_so_saves_nothing_and_the_next_try_works(
    pg_school: Services,
):
    before = counts(pg_school)
    with pytest.raises(ServerUnreachable) as info, pg_school.ctx.transaction(write=True) as session:
        session.add(
            Event(
                at=pg_school.ctx.clock(), actor="x", kind="change", entity="appeal", entity_id="1", action="x"
            )
        )
        session.flush()  # written, not committed
        drop_connections(pg_school)
        session.execute(select(func.count()).select_from(Appeal)).scalar_one()
    url = pg_school.location.url
    message = str(info.value)
    assert f"Нет связи с сервером базы данных {url.host}:{url.port}" in message
    assert "переподключится сама" in message
    assert counts(pg_school) == before
    assert pg_school.appeals.register(appeal()).number == "О-2026/0002"


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])  # nobody listens once the socket is closed


def test_a_server_that_is_not_there_gives_a_russian_message(clock: FixedClock):
    location = resolve_location(f"postgresql+psycopg://app@127.0.0.1:{_closed_port()}/school_office")
    with pytest.raises(ServiceError, match="Не удалось открыть базу данных"):
        open_services(location, actor=Actor.bootstrap("Секретарь"))
    # A server that goes away after the start: every call says so, in one place.
    engine = make_engine(location)
    try:
        ctx = ServiceContext(session_factory(engine), Actor.bootstrap("Секретарь"), clock)
        with pytest.raises(ServerUnreachable) as info, ctx.transaction() as session:
            session.execute(select(func.count()).select_from(Appeal))
    finally:
        engine.dispose()
    assert f"Нет связи с сервером базы данных 127.0.0.1:{location.url.port}" in str(info.value)
    assert "проверьте сеть" in str(info.value).lower()
