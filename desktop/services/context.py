"""What every service is built with: the session factory, who acts, and the clock (passed in, for tests)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from desktop.domain.access import Action, Actor
from desktop.services.errors import PermissionDenied
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
        """
        session = self.sessions()
        try:
            if write and session.get_bind().dialect.name == "sqlite":
                session.connection().exec_driver_sql("BEGIN IMMEDIATE")
            yield session
            session.commit()
        except BaseException:
            session.rollback()
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
