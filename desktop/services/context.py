"""What every service is built with: the session factory, who acts, and the clock (passed in, for tests)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import DBAPIError, InterfaceError, InternalError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from desktop.domain.access import Action, Actor
from desktop.services.errors import (
    DatabaseBroken,
    DatabaseBusy,
    DatabaseFull,
    DatabaseReadOnly,
    DatabaseUnavailable,
    PermissionDenied,
    ServerUnreachable,
)
from desktop.store.models import Event


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass
class ServiceContext:
    """Shared by the services of one running app (or one command)."""

    sessions: sessionmaker[Session]
    actor: Actor
    clock: Callable[[], dt.datetime] = utc_now

    def require(self, action: Action) -> None:
        """Refuse, with a Russian message, an action the acting person's roles do not allow."""
        if not self.actor.may(action):
            raise PermissionDenied(self.actor.refusal(action))

    def may(self, action: Action) -> bool:
        return self.actor.may(action)

    @contextmanager
    def transaction(self, *, write: bool = False) -> Iterator[Session]:
        """One unit of work: committed when the block ends normally, rolled back on any error.

        `write` takes SQLite's write lock at the start (BEGIN IMMEDIATE), for a unit that reads and then writes
        what it read (a register number, a sweep): two at once then run one after the other instead of failing
        on a stale snapshot. PostgreSQL needs nothing here: such units lock the rows they change.

        A database that cannot do the work (busy, read-only, full, a server gone) is reported here, in one place, as
        a `DatabaseUnavailable` with a Russian message saying what is wrong and what to do; the unit is rolled back
        whole, so nothing of it is left half-written. A PostgreSQL connection that died is replaced on the next
        call (the engine pings a pooled connection before handing it out).
        """
        session = self.sessions()
        try:
            if write and session.get_bind().dialect.name == "sqlite":
                session.connection().exec_driver_sql("BEGIN IMMEDIATE")
            yield session
            session.commit()
        except DBAPIError as exc:
            _rollback_quietly(session)
            translated = database_error(exc, session)
            if translated is None:
                raise
            raise translated from exc
        except BaseException:
            _rollback_quietly(session)
            raise
        finally:
            session.close()

    def record(
        self,
        session: Session,
        entity: str,
        entity_id: object,
        action: str,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
        *,
        kind: str = "change",
        actor: Actor | None = None,
    ) -> None:
        """Append an event to the log, in the same transaction as the change it describes.

        `kind` is "change" for a change of state, "access" for opening or exporting personal data,
        "auth" for logging in, failing to, locking and unlocking. `actor` names who acts when it is not the
        context's own (the person who has just logged in).
        """
        who = actor or self.actor
        session.add(
            Event(
                at=self.clock(),
                actor=who.name,
                actor_id=who.user_id,
                kind=kind,
                entity=entity,
                entity_id=str(entity_id),
                action=action,
                before=before,
                after=after,
            )
        )


def _rollback_quietly(session: Session) -> None:
    """Roll back; a connection that is already gone (server down, file unreachable) has nothing left to undo."""
    try:
        session.rollback()
    except DBAPIError:
        pass


#: SQLite's primary result codes by name (Python 3.11 gives `sqlite_errorname`), and the words of their messages.
_SQLITE_KINDS: tuple[tuple[str, tuple[str, ...], type[DatabaseUnavailable]], ...] = (
    ("SQLITE_BUSY", ("database is locked", "database table is locked"), DatabaseBusy),
    ("SQLITE_LOCKED", (), DatabaseBusy),
    ("SQLITE_READONLY", ("readonly database", "read-only"), DatabaseReadOnly),
    ("SQLITE_FULL", ("database or disk is full",), DatabaseFull),
    ("SQLITE_CANTOPEN", ("unable to open database file",), DatabaseBroken),
    ("SQLITE_IOERR", ("disk i/o error",), DatabaseBroken),
    ("SQLITE_CORRUPT", ("malformed",), DatabaseBroken),
    ("SQLITE_NOTADB", ("file is not a database",), DatabaseBroken),
)


def database_error(exc: DBAPIError, session: Session | None = None) -> DatabaseUnavailable | None:
    """The Russian error for a database that could not do the work, or None for an error of another kind
    (a broken constraint, a programming error), which is left as it is."""
    try:
        url = session.get_bind().engine.url if session is not None else None
    except Exception:  # noqa: BLE001 - a session without a bind: no place to name
        url = None
    backend = url.get_backend_name() if url is not None else ""
    orig = exc.orig
    if backend == "sqlite" or orig.__class__.__module__ == "sqlite3":
        return _sqlite_error(exc, str(url.database) if url is not None and url.database else "")
    return _server_error(exc, url)


def _sqlite_error(exc: DBAPIError, path: str) -> DatabaseUnavailable | None:
    if not isinstance(exc, OperationalError | InterfaceError):
        return None
    orig = exc.orig
    name = (getattr(orig, "sqlite_errorname", "") or "").split("_")
    primary = "_".join(name[:2]) if len(name) >= 2 else ""
    text = str(orig).lower()
    kind: type[DatabaseUnavailable] | None = None
    for code, words, cls in _SQLITE_KINDS:
        if primary == code or any(w in text for w in words):
            kind = cls
            break
    where = f" {path}" if path else ""
    if kind is DatabaseBusy:
        return DatabaseBusy(
            "База данных занята: с ней сейчас работает другой компьютер или программа, и она не освободилась "
            "вовремя. Ничего не сохранено — попробуйте ещё раз через минуту."
        )
    if kind is DatabaseReadOnly:
        return DatabaseReadOnly(
            "Изменение не сохранено: база данных открыта только для чтения. Проверьте права на файл"
            f"{where} и на папку, в которой он лежит (в неё тоже нужно писать), и что диск не защищён от записи."
        )
    if kind is DatabaseFull:
        return DatabaseFull(
            f"Изменение не сохранено: нет места на диске с базой данных{where}. "
            "Освободите место на диске и повторите действие."
        )
    if kind is DatabaseBroken:
        return DatabaseBroken(
            f"Не удалось прочитать или записать файл базы данных{where}: {orig}. Ничего не сохранено. "
            "Проверьте, что диск или сетевая папка доступны; если файл повреждён, восстановите его из резервной копии."
        )
    return None


#: PostgreSQL SQLSTATEs: a transaction that must simply be run again, and a server that is busy.
_PG_BUSY = {"40001", "40P01", "55P03", "57014"}
_PG_FULL = {"53100"}
_PG_READ_ONLY = {"25006"}


def _server_error(exc: DBAPIError, url: object) -> DatabaseUnavailable | None:
    orig = exc.orig
    state = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None) or ""
    host = _host(url)
    if state in _PG_BUSY:
        return DatabaseBusy(
            "База данных занята: эти же записи сейчас меняет другой компьютер. Ничего не сохранено — "
            "попробуйте ещё раз через минуту."
        )
    if state in _PG_FULL or state.startswith("53"):
        return DatabaseFull(
            f"Изменение не сохранено: на сервере базы данных {host} нет места на диске или не хватает ресурсов. "
            "Сообщите администратору сервера."
        )
    if state in _PG_READ_ONLY:
        return DatabaseReadOnly(
            f"Изменение не сохранено: сервер базы данных {host} принимает только чтение (это резервный сервер или "
            "база переведена в режим чтения). Проверьте адрес сервера в настройках."
        )
    gone = exc.connection_invalidated or isinstance(exc, InterfaceError) or state.startswith(("08", "57P"))
    if isinstance(exc, OperationalError) and not state:
        gone = True  # the client could not reach the server at all: refused, timed out, no such host
    if gone and not isinstance(exc, InternalError):
        reason = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
        return ServerUnreachable(
            f"Нет связи с сервером базы данных {host}: {reason}. Ничего не сохранено. Проверьте сеть и что "
            "сервер включён; программа переподключится сама — повторите действие."
        )
    return None


def _host(url: object) -> str:
    host = getattr(url, "host", None) or "localhost"
    port = getattr(url, "port", None)
    return f"{host}:{port}" if port else str(host)
