"""A cheap check of whether anything changed since the last look: the newest event's id as a token.

Every change appends a row to `events` in the same transaction as the change itself, so the newest event id grows
whenever anybody (on any computer) changes anything; `since(token)` says which kinds of records changed and whether
somebody else did it. Looks at personal data and logins («access», «auth» events) are not changes. Nothing personal
is revealed (only entity names and counts): any person logged in may ask.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select

from desktop.services.audit import ENTITY_LABELS
from desktop.services.context import ServiceContext
from desktop.store.models import Event

#: Event kinds that change nothing: a look at personal data, a login or a lock.
NOT_CHANGES = ("access", "auth")


@dataclass(frozen=True)
class ChangeSummary:
    """What changed after a token: `token` is the newest event id seen (the next call's token), `entities` how many
    changes each kind of record had, `by_others` those made by somebody other than the acting person."""

    token: int
    entities: dict[str, int] = field(default_factory=dict)
    by_others: dict[str, int] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return bool(self.entities)

    @property
    def changed_by_others(self) -> bool:
        return bool(self.by_others)

    def touches(self, *entities: str) -> bool:
        """Whether somebody else changed a record of one of `entities` (say, "ticket", "agent")."""
        return any(entity in self.by_others for entity in entities)

    def text(self) -> str:
        """«обращение: 2, заявка по инициативе: 1» — the others' changes, in Russian."""
        return ", ".join(f"{ENTITY_LABELS.get(e, e)}: {n}" for e, n in sorted(self.by_others.items()))


class ChangesService:
    """`token()` and `since(token)`: one indexed query each, cheap enough to ask every few seconds."""

    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    def token(self) -> int:
        """The newest event's id (0 for an empty log): it grows with every change anybody makes."""
        with self._ctx.transaction() as session:
            return int(session.scalar(select(func.max(Event.id))) or 0)

    def since(self, token: int) -> ChangeSummary:
        """The changes after `token` (an earlier `token()`), by kind of record, and those made by others."""
        me = self._ctx.actor
        entities: dict[str, int] = {}
        others: dict[str, int] = {}
        with self._ctx.transaction() as session:
            newest = int(session.scalar(select(func.max(Event.id))) or 0)
            if newest <= token:
                return ChangeSummary(token=max(newest, token))
            rows = session.execute(
                select(Event.entity, Event.actor_id, Event.actor, func.count())
                .where(Event.id > token, Event.id <= newest, Event.kind.not_in(NOT_CHANGES))
                .group_by(Event.entity, Event.actor_id, Event.actor)
            ).all()
        for entity, actor_id, actor, count in rows:
            entities[entity] = entities.get(entity, 0) + count
            mine = actor_id == me.user_id and (me.user_id is not None or actor == me.name)
            if not mine:
                others[entity] = others.get(entity, 0) + count
        return ChangeSummary(token=newest, entities=entities, by_others=others)


__all__ = ["NOT_CHANGES", "ChangeSummary", "ChangesService"]
