"""The demo school: an empty database is filled once with a complete profile and a few calendar days."""

from __future__ import annotations

import email
import email.policy

from sqlalchemy import func, select

from desktop.domain.access import ActorKind, Role
from desktop.domain.appeals import Level, Status, Urgency
from desktop.domain.families import Appendix, ApplicationStatus, CodeState, Handover, RefusalGround
from desktop.domain.grades import DEFAULT_TERMS_TEXT
from desktop.domain.support import (
    DEFAULT_STP_EMAIL,
    DEFAULT_STP_PHONE,
    DEFAULT_STP_REMIND_DAYS,
    DEFAULT_STP_WEB_FORM,
    UserRole,
)
from desktop.domain.support import Stage as SupportStage
from desktop.domain.support import Status as SupportStatus
from desktop.domain.tickets import Category, RefusalReason
from desktop.domain.tickets import Status as TicketStatus
from desktop.domain.tickets import Urgency as TicketUrgency
from desktop.services.appeals import StepKind
from desktop.services.demo import DEMO_OVERRIDES, DEMO_PASSWORD, DEMO_PROFILE, DEMO_USERS, fill_demo
from desktop.services.demo_tickets import DEMO_AGENTS
from desktop.services.families import ApplicationFilter, StudentFilter
from desktop.services.settings import DEFAULT_IDLE_LOCK_MINUTES, SPEC_BY_KEY
from desktop.services.support import StepKind as SupportStepKind
from desktop.store.models import Event


def _event_count(services) -> int:
    with services.ctx.transaction() as session:
        return int(session.scalar(select(func.count()).select_from(Event)) or 0)


def _support_count(services) -> int:
    from desktop.store.models import SupportRequest

    with services.ctx.transaction() as session:
        return int(session.scalar(select(func.count()).select_from(SupportRequest)) or 0)


def test_fill_demo_fills_an_empty_database_with_a_complete_profile(services):
    assert services.settings.missing_profile() != []

    assert fill_demo(services) is True

    assert services.settings.missing_profile() == []
    assert services.settings.all() == {
        **DEMO_PROFILE,
        "idle_lock_minutes": str(DEFAULT_IDLE_LOCK_MINUTES),
        "appeal_attachment_mib": "10",
        "terms": DEFAULT_TERMS_TEXT,
        "support_holidays_delay": "нет",
        "support_stp_remind_days": str(DEFAULT_STP_REMIND_DAYS),
    }
    # Every setting is either the demo's or its default; the support contacts are the demo school's own.
    assert set(services.settings.all()) == set(SPEC_BY_KEY)
    assert {k: v for k, v in services.settings.all().items() if k not in DEMO_PROFILE} == {
        k: SPEC_BY_KEY[k].default() for k in SPEC_BY_KEY if k not in DEMO_PROFILE
    }
    contacts = services.support.contacts()
    assert (contacts.admin_name, contacts.admin_room, contacts.admin_phone) == (
        "Морозов Андрей Николаевич", "каб. 314А", "8 (3452) 50-12-34",
    )  # fmt: skip
    assert (contacts.stp_phone, contacts.stp_email, contacts.stp_web_form) == (
        DEFAULT_STP_PHONE, DEFAULT_STP_EMAIL, DEFAULT_STP_WEB_FORM,
    )  # fmt: skip
    assert services.settings.get("support_territory") == "Тюменская область, г. Тюмень"
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


def test_the_demo_has_families_in_every_state(services):
    fill_demo(services)
    secretary = services.as_actor(services.users.authenticate("secretary", DEMO_PASSWORD))
    families = secretary.families
    today = families.today()
    assert [name for name, _ in families.classes()] == [
        "5А",
        "5Б",
        "9Б",
    ]  # 5Б: the class one student came from
    rows = families.students(StudentFilter(studying=None))
    assert 12 <= len(rows) <= 16
    assert {r.class_name for r in rows if r.studying} == {"5А", "9Б"}
    # Every birth date fits the class: 10-12 years old in the 5th, 14-16 in the 9th.
    for r in rows:
        age = (
            today.year
            - r.birth_date.year
            - ((today.month, today.day) < (r.birth_date.month, r.birth_date.day))
        )
        assert age in ({"5А": (10, 11, 12), "9Б": (14, 15, 16)}[r.class_name]), (r.full_name, age)
    assert {r.state_text for r in rows if r.studying} == {
        "доступ выдан", "согласие есть, кода нет", "нет согласия", "отчёт на бумаге",
    }  # fmt: skip
    cards = {r.id: families.card(r.id, record_access=False) for r in rows}
    # Two representatives with consent and codes, one handed over through the class teacher.
    both = [c for c in cards.values() if len(c.representatives) == 2
            and all(r.consent_now and any(k.state is CodeState.ACTIVE for k in r.codes) for r in c.representatives)]  # fmt: skip
    assert any(k.handover is Handover.CLASS_TEACHER and k.handed_via == "Белова Татьяна Юрьевна"
               for c in both for r in c.representatives for k in r.codes)  # fmt: skip
    # Consent given, no code yet, an application waiting: one due today or overdue.
    waiting = families.applications()
    assert waiting and all(a.consent_now for a in waiting)
    assert any(a.due_date <= today for a in waiting) and families.applications(ApplicationFilter(urgent=True))
    assert all(cards[a.student_id].row.active_codes == 0 for a in waiting)
    # No consent: the director's refusal, which closed the application; and a child who is not a student.
    refusals = families.refusals()
    [no_consent] = [r for r in refusals if RefusalGround.NO_CONSENT in r.grounds]
    assert no_consent.student_id is not None and no_consent.director_name == DEMO_PROFILE["director_name"]
    assert not any(r.consent_now for r in cards[no_consent.student_id].representatives)
    assert [a.status for a in cards[no_consent.student_id].applications] == [ApplicationStatus.REFUSED]
    assert any(r.student_id is None and RefusalGround.NOT_STUDENT in r.grounds for r in refusals)
    assert [r.number for r in refusals] == [
        f"ОТК-{r.decided_on.year}/{i:04d}" for i, r in enumerate(refusals, 1)
    ]
    # Opted out: Appendix 2 on paper; Appendix 3 on paper with its codes revoked.
    optouts = {o.appendix: c for c in cards.values() for o in c.optouts}
    assert set(optouts) == set(Appendix)
    assert all(c.row.paper and c.paper_since for c in optouts.values())
    cancelled = [k for r in optouts[Appendix.CANCEL].representatives for k in r.codes]
    assert cancelled and {k.state for k in cancelled} == {CodeState.REVOKED}
    # A re-issued code, shown with the one it replaced.
    codes = families.codes()
    assert any(k.state is CodeState.REPLACED for k in codes)
    assert {k.state for k in codes} == set(CodeState)
    # A mother of two: one person, both children in her care.
    per_rep: dict[int, set[int]] = {}
    for c in cards.values():
        for r in c.representatives:
            per_rep.setdefault(r.id, set()).add(c.id)
    assert max(len(children) for children in per_rep.values()) == 2
    # Moved from another class, with the history kept; and a student who left, kept, codes revoked.
    assert any(
        h.kind == "moved" and h.text == "Переведён(а) из 5Б в 5А" for c in cards.values() for h in c.history
    )
    [left] = [c for c in cards.values() if not c.row.studying]
    assert left.row.left_on and {k.state for r in left.representatives for k in r.codes} == {
        CodeState.REVOKED
    }
    assert families.count(StudentFilter(without_consent=True)) >= 2
    # The steps were taken by the demo staff, not by the setup.
    history_actors = {h.actor for c in cards.values() for h in c.history}
    assert history_actors == {"Иванова Наталья Сергеевна"}
    assert {k.issued_by for k in codes} == {"Иванова Наталья Сергеевна", "Морозов Андрей Николаевич"}


def test_fill_demo_is_idempotent(services, clock):
    fill_demo(services)
    settings, overrides, events, tickets, students, support = (
        services.settings.all(),
        services.calendar.overrides(),
        _event_count(services),
        services.tickets.count(),
        services.families.count(StudentFilter(studying=None)),
        _support_count(services),
    )
    clock.advance(days=1)

    assert fill_demo(services) is False

    assert services.settings.all() == settings
    assert services.calendar.overrides() == overrides
    assert _event_count(services) == events
    assert services.tickets.count() == tickets
    assert services.families.count(StudentFilter(studying=None)) == students
    assert _support_count(services) == support


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


def test_the_demo_has_this_weeks_marks_and_a_final_report_due(services):
    from desktop.domain.grades import week_of
    from desktop.store.models import Grade

    fill_demo(services)
    today = services.grades.today()
    monday, sunday = week_of(today)
    with services.ctx.transaction() as session:
        week = session.scalars(select(Grade).where(Grade.day >= monday, Grade.day <= sunday)).all()
        students = session.scalar(select(func.count(func.distinct(Grade.student_id))))
    assert week and {g.attendance for g in week} <= {"", "Н", "Б"}
    assert students == services.families.count(StudentFilter(studying=True))
    finals = [p for p in services.grades.printouts() if p.kind == "final"]
    assert len(finals) == 1 and finals[0].handed_at is None and finals[0].due_date > finals[0].period


def test_the_demo_has_support_requests_in_every_stage_and_letters_to_stp(services):
    fill_demo(services)
    admin = services.as_actor(services.users.authenticate("epos_admin", DEMO_PASSWORD)).support
    rows = admin.page(limit=500)
    assert 12 <= len(rows) <= 15
    assert {row.stage for row in rows} == set(SupportStage)
    assert {row.status for row in rows} == set(SupportStatus)
    assert {row.role for row in rows} == set(UserRole)
    # Numbers follow the days the requests came in.
    assert [r.number for r in sorted(rows, key=lambda r: (r.received_at, r.number))] == sorted(
        r.number for r in rows
    )
    # Corrected on Friday evening: the change takes effect on Monday after 14:00, which is still to come.
    [waiting] = [row for row in rows if row.stage is SupportStage.WAITING_EFFECT]
    assert waiting.standing == "изменения вступят в силу в понедельник 23.11 после 14:00"
    assert admin.card(waiting.id).corrected_at.weekday() == 4  # type: ignore[union-attr]
    # At СТП: one within the reminder's days, one longer; every request to СТП has СТП's number.
    at_stp = [row for row in rows if row.stage is SupportStage.AT_STP]
    assert sorted(row.urgency.value for row in at_stp) == ["on_track", "overdue"]
    assert admin.summary().long_at_stp == 1
    cards = {row.id: admin.card(row.id, record_access=False) for row in rows}
    assert all(c.row.stp_number for c in cards.values() if c.row.stp_sent_at is not None)
    assert any(c.followups and c.row.stage is SupportStage.AT_STP for c in cards.values())
    # The same teacher's second request waits while his first one is open at СТП.
    assert any(c.other_open_stp and c.row.status is SupportStatus.NEW for c in cards.values())
    # Solved after a correction and after СТП; closed because the student left the school.
    solved = [c for c in cards.values() if c.row.status is SupportStatus.SOLVED]
    assert {any(h.kind is SupportStepKind.STP_SENT for h in c.history) for c in solved} == {True, False}
    [closed] = [c for c in cards.values() if c.row.status is SupportStatus.CLOSED]
    assert "выбыл из школы" in closed.close_note and "(выбыл)" in closed.register_link
    # Students and parents of the families register are linked to it.
    assert sum(c.register_link.startswith("Есть в реестре семей:") for c in cards.values()) >= 5
    assert any("как представитель" in c.register_link for c in cards.values())
    # Every request has its screenshots; one has a screen recording.
    assert all(c.files for c in cards.values())
    names = [f.name for c in cards.values() for f in c.files]
    assert "скриншот_дневник.png" in names and "запись_экрана.mp4" in names
    name, data = admin.attachment(
        next(f.id for c in cards.values() for f in c.files if f.name.endswith(".png"))
    )
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    # The steps were taken by the demo class teacher and the e-journal's administrator.
    assert {h.actor for c in cards.values() for h in c.history} == {
        "Белова Татьяна Юрьевна", "Морозов Андрей Николаевич",
    }  # fmt: skip
    # The letters to СТП are kept with the requests and open as e-mails with their attachments.
    letters = [h for c in cards.values() for h in c.history if h.letter is not None]
    assert {h.kind for h in letters} == {SupportStepKind.STP_SENT, SupportStepKind.FOLLOWUP}
    with_video = None
    for h in letters:
        name, data = admin.letter(h.step_id)
        assert name.endswith(".eml")
        message = email.message_from_bytes(data, policy=email.policy.default)
        assert message["To"].addresses[0].addr_spec == DEFAULT_STP_EMAIL
        attachments = [a.get_filename() for a in message.iter_attachments()]
        assert attachments
        body = message.get_body(preferencelist=("plain",)).get_content()
        assert "Тюменская область, г. Тюмень" in body and "Морозов Андрей Николаевич" in body
        if "запись_экрана.mp4" in attachments:
            with_video = message
    assert with_video is not None
    # The class teacher sees only the requests she brought.
    teacher = services.as_actor(services.users.authenticate("class_teacher", DEMO_PASSWORD)).support
    own = teacher.page(limit=500)
    assert own and len(own) < len(rows) and {row.brought_by for row in own} == {"Белова Татьяна Юрьевна"}
