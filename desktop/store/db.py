"""Where the database is and how to open it: URL resolution, SQLite pragmas, PostgreSQL, sessions."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy.dialects.sqlite  # noqa: F401 — the usual database's dialect, see below
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker

from desktop.paths import user_data_dir

# The SQLite dialect is imported with SQLAlchemy rather than by the first `create_engine`: the program imports this
# module before Qt, and once PySide6 is loaded every module imported after it has its source read by PySide6's
# import hook (it looks for «PySide6» in it), which cost the start-up ~10–30 ms for the dialect's modules.
ENV_DB = "SCHOOL_OFFICE_DB"
DEFAULT_FILE = "school-office.db"
DEMO_FILE = "school-office-demo.db"
#: How long SQLite waits for another writer before it gives up, milliseconds.
SQLITE_BUSY_TIMEOUT_MS = 10_000
#: How long to wait for a PostgreSQL server to answer, seconds.
PG_CONNECT_TIMEOUT_S = 10


class DatabaseLocationError(ValueError):
    """The database given on the command line or in the environment cannot be used."""


@dataclass(frozen=True)
class DatabaseLocation:
    """A resolved database: its SQLAlchemy URL and, for people, where it is."""

    url: URL

    @property
    def is_sqlite(self) -> bool:
        return self.url.get_backend_name() == "sqlite"

    @property
    def path(self) -> Path | None:
        """The SQLite file, or None for a server database."""
        if self.is_sqlite and self.url.database and self.url.database != ":memory:":
            return Path(self.url.database)
        return None

    def describe(self) -> str:
        """A one-line Russian description for the status bar and messages (no password)."""
        if self.path is not None:
            return f"SQLite: {self.path}"
        if self.is_sqlite:
            return "SQLite в памяти"
        return f"PostgreSQL: {self.url.render_as_string(hide_password=True)}"


def resolve_location(db: str | None = None, *, demo: bool = False, environ: dict[str, str] | None = None) -> DatabaseLocation:
    """The database to use: `--db` first, then $SCHOOL_OFFICE_DB, then the file in the user's data folder.

    `db` is any SQLAlchemy URL or a path to a `.db` file. `demo` without `db` picks the separate demo file.
    """
    env = os.environ if environ is None else environ
    raw = db or (None if demo else env.get(ENV_DB)) or None
    if raw is None:
        return DatabaseLocation(_sqlite_url(user_data_dir() / (DEMO_FILE if demo else DEFAULT_FILE)))
    raw = raw.strip()
    if "://" not in raw:
        return DatabaseLocation(_sqlite_url(Path(raw).expanduser()))
    try:
        url = make_url(raw)
    except (ArgumentError, ValueError) as exc:
        raise DatabaseLocationError(
            f"Не удалось разобрать адрес базы данных «{raw}». Пример: postgresql+psycopg://school:пароль@сервер:5432/school_office"
        ) from exc
    backend = url.get_backend_name()
    if backend == "postgresql" and url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    if backend not in ("sqlite", "postgresql"):
        raise DatabaseLocationError(
            f"База данных «{backend}» не поддерживается: укажите путь к файлу .db или адрес "
            "postgresql+psycopg://пользователь@сервер/база"
        )
    if backend == "sqlite" and url.database and url.database != ":memory:":
        url = _sqlite_url(Path(url.database).expanduser())
    return DatabaseLocation(url)


def _sqlite_url(path: Path) -> URL:
    return URL.create("sqlite+pysqlite", database=str(path.resolve()))


def make_engine(location: DatabaseLocation) -> Engine:
    """An engine for the location; SQLite gets WAL, foreign keys and a busy timeout on every connection."""
    if location.is_sqlite:
        if location.path is not None:
            try:
                location.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise DatabaseLocationError(
                    f"Не удалось создать папку для базы данных {location.path.parent}: {exc.strerror}"
                ) from exc
        engine = create_engine(
            location.url,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # A server that does not answer must not freeze the start-up for minutes.
    return create_engine(location.url, pool_pre_ping=True, connect_args={"connect_timeout": PG_CONNECT_TIMEOUT_S})


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # 64 MB of page cache instead of 2 MB: a sweep or an import over 100 000 appeals stays in memory.
        cursor.execute("PRAGMA cache_size=-65536")
    finally:
        cursor.close()
    # SQLite's own lower() folds only Latin letters: searching «иванов» must find «Иванов».
    dbapi_connection.create_function("lower", 1, _lower, deterministic=True)  # type: ignore[attr-defined]


def _lower(value: object) -> object:
    return value.lower() if isinstance(value, str) else value


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)
