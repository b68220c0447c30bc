"""The event log speaks Russian: every kind of record and action the demo school's work leaves has its name."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from desktop.domain.access import Actor
from desktop.services.audit import ACTION_LABELS, ENTITY_LABELS
from desktop.services.demo import fill_demo
from desktop.services.registry import open_services
from desktop.store.db import resolve_location
from desktop.store.models import Event
from tests.conftest import FixedClock


def test_every_event_of_the_demo_school_has_russian_names(tmp_path: Path):
    services = open_services(
        resolve_location(str(tmp_path / "school.db")), actor=Actor.bootstrap("Тест"), clock=FixedClock()
    )
    try:
        assert fill_demo(services)
        with services.ctx.transaction() as session:
            pairs = set(session.execute(select(Event.entity, Event.action).distinct()).tuples())
    finally:
        services.close()
    assert {"support", "ticket", "appeal", "student"} <= {entity for entity, _ in pairs}
    assert sorted(e for e, _ in pairs if e not in ENTITY_LABELS) == []
    assert sorted(a for _, a in pairs if a not in ACTION_LABELS) == []
