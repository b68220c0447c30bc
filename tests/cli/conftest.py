"""Running `school-office` in this process on a temporary database, as a given user or as nobody.

The database (`db`) is a fresh SQLite file and, again, a fresh database on the throwaway PostgreSQL server of
`tests/pg.py`; a test about SQLite files themselves (a file created, the default or the demo file) or one that never
opens the database takes `@sqlite_only`."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pytest

from desktop.cli import EXIT_FAILED, main
from desktop.domain.access import Actor
from desktop.services.registry import open_services
from desktop.store.db import resolve_location
from tests.pg import USER, PostgresServer

#: The first line the command line prints to stderr on a database that has no users yet.
NO_USERS_WARNING = "Внимание: в базе ещё нет пользователей, команда выполнена без входа."


class Run:
    """Runs `school-office ARGS` in this process and keeps what it printed.

    `env` sets environment variables for this one run (None removes one): who acts and with which password.
    """

    def __init__(self, capsys: pytest.CaptureFixture[str], db: Path | str) -> None:
        self.capsys = capsys
        self.db = db

    def __call__(
        self, *args: str, db: bool = True, env: Mapping[str, str | None] | None = None
    ) -> tuple[int, str, str]:
        argv = [*args, "--db", str(self.db)] if db else list(args)
        saved = {name: os.environ.get(name) for name in env or {}}
        try:
            for name, value in (env or {}).items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
            try:
                code = main(argv)
            except SystemExit as exc:  # argparse: --version, --help and usage errors
                code = exc.code if isinstance(exc.code, int) else EXIT_FAILED
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
        out, err = self.capsys.readouterr()
        return code, out, err


#: For a test that is about SQLite files or never opens the database: it runs on a SQLite file only.
sqlite_only = pytest.mark.parametrize("db", ["sqlite"], indirect=True)
#: For a test of a first start: on PostgreSQL too the database is empty (created, no schema yet), as `createdb` leaves it.
empty_databases = pytest.mark.parametrize(
    "db", ["sqlite", pytest.param("postgres-empty", marks=pytest.mark.postgres)], indirect=True
)


class PostgresDatabases:
    """Fresh databases on the throwaway server, each a copy of one migrated once: `CREATE DATABASE … TEMPLATE`
    copies the files in a tenth of a second, where migrating a new database takes a second. (The migrations
    themselves, on an empty PostgreSQL database, run in the services' tests and in `empty()`.)"""

    def __init__(self, server: PostgresServer) -> None:
        self.server = server
        self.template = server.create_database()
        opened = open_services(resolve_location(self.template), actor=Actor.bootstrap("шаблон"))
        opened.close()  # no connection may stay open to a template while it is copied
        self._template_name = self.template.rsplit("/", 1)[1]

    def _execute(self, sql: str) -> None:
        import psycopg

        dsn = f"host=127.0.0.1 port={self.server.port} user={USER} dbname=postgres"
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(sql)

    def migrated(self) -> str:
        name = f"cli_{uuid.uuid4().hex[:12]}"
        self._execute(f'CREATE DATABASE "{name}" TEMPLATE "{self._template_name}"')
        return self.server.url(name)

    def empty(self) -> str:
        return self.server.create_database()


@pytest.fixture(scope="session")
def postgres_databases(postgres_server: PostgresServer) -> Iterator[PostgresDatabases]:
    yield PostgresDatabases(postgres_server)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Path | str:
    """The database of the test: a SQLite file (not there yet), or the address of a fresh PostgreSQL database
    (schema made, nothing in it; with `@empty_databases`, not even the schema)."""
    if request.param == "sqlite":
        return tmp_path / "school.db"
    databases: PostgresDatabases = request.getfixturevalue("postgres_databases")
    return databases.empty() if request.param == "postgres-empty" else databases.migrated()


@pytest.fixture
def another_db(request: pytest.FixtureRequest, db: Path | str, tmp_path: Path) -> Callable[[str], Path | str]:
    """Makes one more fresh database on the backend of `db`, for a test that compares two schools."""

    def make(name: str) -> Path | str:
        if isinstance(db, Path):
            return tmp_path / f"{name}.db"
        databases: PostgresDatabases = request.getfixturevalue("postgres_databases")
        return databases.migrated()

    return make


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], db: Path | str) -> Run:
    return Run(capsys, db)


def error_line(err: str) -> str:
    """The error of a failed command: the last line of stderr (a warning may come before it)."""
    lines = err.strip().splitlines()
    assert lines, "nothing on stderr"
    return lines[-1]
