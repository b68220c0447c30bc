"""The demo school: an empty database is filled once with a complete profile and a few calendar days."""

from __future__ import annotations

from sqlalchemy import func, select

from desktop.domain.access import ActorKind, Role
from desktop.domain.appeals import Level, Status, Urgency
from desktop.domain.tickets import Category, RefusalReason
from desktop.domain.tickets import Status as TicketStatus
from desktop.domain.tickets import Urgency as TicketUrgency
from desktop.services.appeals import StepKind
from desktop.services.demo import DEMO_OVERRIDES, DEMO_PASSWORD, DEMO_PROFILE, DEMO_USERS, fill_demo
from desktop.services.demo_tickets import DEMO_AGENTS
from desktop.services.settings import DEFAULT_IDLE_LOCK_MINUTES
from desktop.store.models import Event


def _event_count(services) -> int:
    with services.ctx.transaction() as session:
        return int(session.scalar(select(func.count()).select_from(Event)) or 0)


def test_fill_demo_fills_an_empty_database_with_a_complete_profile(services):
    assert services.settings.missing_profile() != []

    assert fill_demo(services) is True

    assert services.settings.missing_profile() == []
    assert services.settings.all() == {
        **DEMO_PROFILE,
        "idle_lock_minutes": str(DEFAULT_IDLE_LOCK_MINUTES),
        "appeal_attachment_mib": "10",
    }
    assert services.settings.is_demo()
    assert [(o.day, o.kind, o.reason) for o in services.calendar.overrides()] == list(DEMO_OVERRIDES)
    # The demo school's own days show in its calendar.
    calendar = services.calendar.work_calendar()
    for day, kind, _reason in DEMO_OVERRIDES:
        assert calendar.is_working_day(day) is (kind.value == "workday")


def test_fill_demo_creates_one_user_per_role_who_logs_in_with_the_demo_password(services):
    fill_demo(services)

    users = services.users.list()
    # One per role, and the initiative tickets' extra agents.
    assert {user.login: user.roles for user in users} == {
        **{role.value: frozenset({role}) for role in Role},
        **{login: frozenset({Role.AGENT}) for login, _name in DEMO_AGENTS},
    }
    assert {user.full_name for user in users} == {name for _role, name in DEMO_USERS + DEMO_AGENTS}
    assert all(user.active and not user.must_change_password for user in users)
    actor = services.users.authenticate("agent", DEMO_PASSWORD)
    assert (actor.kind, actor.login, actor.roles) == (ActorKind.USER, "agent", frozenset({Role.AGENT}))


def test_the_demo_has_appeals_in_every_state_and_a_thread_with_five_repeats(services):
    fill_demo(services)
    rows = services.appeals.page(limit=500)
    assert {row.urgency for row in rows} >= {
        Urgency.ON_TRACK, Urgency.ONE_DAY, Urgency.ESCALATED, Urgency.LEFT_SCHOOL, Urgency.ANSWERED,
    }  # fmt: skip
    assert {row.level for row in rows} == set(Level)
    assert {row.status for row in rows} == set(Status)
    assert max(row.repeat_no for row in rows) == 5
    assert [row.repeat_no for row in rows if row.notice] == [5]
    at_department = next(row for row in rows if row.level is Level.DEPARTMENT)
    timeline = services.appeals.card(at_department.id).timeline
    assert [entry.kind for entry in timeline] == [StepKind.REGISTERED] + [StepKind.ESCALATED] * 3
    assert any("нерабоч" in entry.detail for entry in timeline)  # its terms crossed a holiday
    # Nobody passed it on by hand: the escalations are the app's own, as the sweep records them.
    assert {entry.actor for entry in timeline[1:]} == {"Система (автоматически)"}


def test_the_demo_has_tickets_in_every_status_and_category(services):
    fill_demo(services)
    operator = services.as_actor(services.users.authenticate("operator", DEMO_PASSWORD))
    rows = operator.tickets.page(limit=500)
    assert {row.status for row in rows} == set(TicketStatus)
    assert {row.category for row in rows} == set(Category)
    # Numbers follow the days the tickets came in.
    assert [r.number for r in sorted(rows, key=lambda r: r.submitted_at)] == sorted(r.number for r in rows)
    # Submitted late and waiting for the operator's decision.
    [late] = [row for row in rows if row.late and row.status is TicketStatus.OPEN]
    assert late.urgency is TicketUrgency.LATE
    late_card = operator.tickets.card(late.id)
    assert late_card.suggested_refusal == (RefusalReason.LATE, "") and late_card.lateness
    # The client missed their term: the operator is offered the refusal.
    offered = [
        card
        for row in rows
        if row.status is TicketStatus.WAIT_CLIENT
        and (card := operator.tickets.card(row.id)).suggested_refusal is not None
    ]
    assert [card.suggested_refusal[0] for card in offered] == [RefusalReason.NO_ANSWER]  # type: ignore[index]
    cards = [operator.tickets.card(row.id) for row in rows]
    assert any({m.party.value for m in c.messages} >= {"agent", "client"} for c in cards)
    assert any(h.title == "Исполнитель заменён" for c in cards for h in c.history)
    [rated] = [c for c in cards if c.rating is not None]
    assert rated.row.status is TicketStatus.DONE and rated.feedback
    assert any(c.files for c in cards)
    # The agents have their specialisations; one will be away, which the proposals say.
    agents = operator.tickets.agents()
    assert len(agents) == 1 + len(DEMO_AGENTS) and all(a.categories for a in agents)
    assert [len(a.absences) for a in agents].count(1) == 1
    assert {p.agent.name for p in operator.tickets.proposals(rows[0].id)} == {a.name for a in agents}
    # Each agent sees only their own tickets.
    agent = services.as_actor(services.users.authenticate("agent", DEMO_PASSWORD))
    own = agent.tickets.page(limit=500)
    assert own and {row.agent_name for row in own} == {"Смирнова Ольга Павловна"}


def test_fill_demo_is_idempotent(services, clock):
    fill_demo(services)
    settings, overrides, events, tickets = (
        services.settings.all(),
        services.calendar.overrides(),
        _event_count(services),
        services.tickets.count(),
    )
    clock.advance(days=1)

    assert fill_demo(services) is False

    assert services.settings.all() == settings
    assert services.calendar.overrides() == overrides
    assert _event_count(services) == events
    assert services.tickets.count() == tickets


def test_fill_demo_leaves_a_real_schools_profile_alone(services):
    real = {
        "school_name": "МБОУ «Гимназия № 1» города Ишима",
        "school_short_name": "Гимназия № 1",
        "school_address": "627750, г. Ишим, ул. Ленина, д. 1",
        "director_name": "Кузнецов Павел Андреевич",
        "municipal_body": "Управление образования г. Ишима",
        "region_department": "Департамент образования и науки Тюменской области",
    }
    services.settings.update(real)
    events = _event_count(services)

    assert fill_demo(services) is False

    assert {key: services.settings.get(key) for key in real} == real
    assert services.calendar.overrides() == []
    assert services.users.count() == 0
    assert _event_count(services) == events


def test_fill_demo_leaves_a_half_filled_real_database_alone(services):
    """`--db real.db --demo` by mistake must not pour the demo school into a school's own database."""
    services.settings.set("school_short_name", "Гимназия № 1")

    assert fill_demo(services) is False

    assert services.settings.get("school_short_name") == "Гимназия № 1"
    assert services.settings.get("school_name") == ""
    assert services.calendar.overrides() == []
