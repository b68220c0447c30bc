"""Users and rights at the service level, on SQLite and PostgreSQL: each role against each guarded action,
passwords as salted scrypt hashes, logging in with its growing delay, and the administrator's work on record."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from desktop.domain.access import PERMISSIONS, Action, Actor, ActorKind, Role
from desktop.domain.appeals import Delivery, Rubric, Status
from desktop.domain.families import Appendix, RefusalGround, Relation
from desktop.domain.support import Status as SupportStatus
from desktop.domain.support import UserRole
from desktop.domain.tickets import Category
from desktop.domain.tickets import Status as TicketStatus
from desktop.services import users as users_module
from desktop.services.appeals import AppealInput
from desktop.services.calendar import OverrideKind
from desktop.services.demo import DEMO_USERS
from desktop.services.errors import AuthenticationFailed, PermissionDenied, ServiceError, ValidationError
from desktop.services.families import RepresentativeInput
from desktop.services.files import FileIn
from desktop.services.registry import Services, open_services
from desktop.services.support import SupportInput
from desktop.services.tickets import TicketInput
from desktop.services.users import WRONG_CREDENTIALS
from desktop.store.db import resolve_location
from desktop.store.models import Base, Event, User
from tests.conftest import FixedClock

PASSWORD = "Школа-2026"
OTHER_PASSWORD = "Гимназия-1"
NAMES = dict(DEMO_USERS)


def _events(services: Services, **where: Any) -> list[Event]:
    with services.ctx.transaction() as session:
        query = select(Event).order_by(Event.id)
        for column, value in where.items():
            query = query.where(getattr(Event, column) == value)
        return list(session.scalars(query))


def _snapshot(services: Services) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table of the app: what "nothing changed" is checked against."""
    with services.engine.connect() as connection:
        return {
            table.name: [tuple(row) for row in connection.execute(select(table).order_by(*table.primary_key.columns))]
            for table in Base.metadata.sorted_tables
        }


def _refusal(message: str) -> tuple[str, set[str], set[str]]:
    match = re.fullmatch(r"Недостаточно прав: «(.+)» доступно ролям: (.+)\. Ваши роли: (.+)\.", message)
    assert match, message
    return match[1], set(match[2].split(", ")), set(match[3].split(", "))


# -- each role against each guarded action ----------------------------------------------------------------


@dataclass
class Staff:
    """A database with one real user per role, each logged in once (scrypt is slow: shared by the module)."""

    services: Services
    clock: FixedClock
    actors: dict[Role, Actor]
    out: Path
    #: An appeal waiting at the deputy director's level for each (role, action) that needs one.
    appeals: dict[tuple[Role, Action], int]
    #: A ticket for each (role, action) that needs one: new for the operator's step, reviewed and given to the
    #: agent for the agent's step.
    tickets: dict[tuple[Role, Action], int]
    agent_id: int = 0
    #: A student of the school with one representative, per role: for the families' actions.
    families: dict[Role, tuple[int, int]] = dataclasses.field(default_factory=dict)
    #: A new support request for the e-journal per role, brought by the class teacher: for the administrator's step.
    support: dict[Role, int] = dataclasses.field(default_factory=dict)


def _support_input(role: Role) -> SupportInput:
    return SupportInput(
        f"Пользователев Иван {role.value}",
        dt.date(2013, 4, 1 + list(Role).index(role)),
        f"user.{role.value}@mail.ru",
        UserRole.STUDENT,
        "6А",
        NAMES[Role.CLASS_TEACHER],
        f"Не видит оценки ({role.value})",
        (FileIn("Скриншот.png", b"\x89PNG screenshot " + role.value.encode()),),
    )


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def staff(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Staff]:
    folder = tmp_path_factory.mktemp("staff")
    if request.param == "sqlite":
        location = resolve_location(str(folder / "school.db"))
    else:
        location = resolve_location(request.getfixturevalue("postgres_server").create_database())
    clock = FixedClock()
    services = open_services(location, actor=Actor.bootstrap("Тестовый пользователь"), clock=clock)
    try:
        services.settings.set("timezone", "Asia/Yekaterinburg")
        for role in Role:
            services.users.add(role.value, NAMES[role], [role], PASSWORD, must_change=False)
        actors = {role: services.users.authenticate(role.value, PASSWORD) for role in Role}
        appeals = {
            (role, action): services.appeals.register(
                AppealInput(f"Заявитель {role.value}", Rubric.SCHOOL, f"Обращение для проверки {action.value}")
            ).id
            for role in Role
            for action in (Action.APPEALS_ANSWER, Action.APPEALS_FORWARD)
        }
        agent_id = services.users.get(Role.AGENT.value).id
        tickets: dict[tuple[Role, Action], int] = {}
        for role in Role:
            for action in (Action.TICKETS_OPERATE, Action.TICKETS_WORK):
                ticket = services.tickets.create(
                    TicketInput(NAMES[role], Category.ROOMS, dt.date(2027, 3, 1), f"Заявка для проверки {action.value}")
                )
                if action is Action.TICKETS_WORK:
                    services.tickets.set_status(ticket.id, TicketStatus.REVIEW)
                    services.tickets.assign(ticket.id, agent_id)
                tickets[(role, action)] = ticket.id
        families: dict[Role, tuple[int, int]] = {}
        for i, role in enumerate(Role):
            student_id = services.families.add_student(f"Ученикова Мария {role.value}", dt.date(2014, 3, 1 + i), "5А")
            rep_id = services.families.add_representative(
                student_id, RepresentativeInput(f"Родителева Анна {role.value}", Relation.MOTHER)
            )
            families[role] = (student_id, rep_id)
        teacher = services.as_actor(actors[Role.CLASS_TEACHER])
        support = {role: teacher.support.create(_support_input(role)).id for role in Role}
        yield Staff(services, clock, actors, folder, appeals, tickets, agent_id, families, support)
    finally:
        services.close()


def _day_of(role: Role) -> dt.date:
    return dt.date(2026, 12, 1) + dt.timedelta(days=list(Role).index(role))


#: Each guarded action and the service call that guards it; the call returns a check of its effect.
GUARDED: dict[Action, Callable[[Services, Role, Path], Callable[[], None]]] = {}


def _guards(action: Action):
    def register(call):
        GUARDED[action] = call
        return call

    return register


@_guards(Action.SETTINGS_EDIT)
def _edit_settings(services: Services, role: Role, out: Path) -> Callable[[], None]:
    value = f"МАОУ СОШ № {list(Role).index(role) + 1}"
    services.settings.set("school_short_name", value)
    return lambda: _assert(services.settings.get("school_short_name") == value)


@_guards(Action.CALENDAR_EDIT)
def _edit_calendar(services: Services, role: Role, out: Path) -> Callable[[], None]:
    day = _day_of(role)
    services.calendar.set_day(day, OverrideKind.DAY_OFF, "Карантин, приказ № 214")
    return lambda: _assert(
        [(o.kind, o.created_by) for o in services.calendar.overrides() if o.day == day]
        == [(OverrideKind.DAY_OFF, NAMES[role])]
    )


@_guards(Action.USERS_MANAGE)
def _manage_users(services: Services, role: Role, out: Path) -> Callable[[], None]:
    login = f"new.{role.value}"
    services.users.add(login, "Новикова Анна Петровна", [Role.SECRETARY], PASSWORD)
    return lambda: _assert(services.users.get(login).roles == {Role.SECRETARY})


@_guards(Action.AUDIT_VIEW)
def _view_audit(services: Services, role: Role, out: Path) -> Callable[[], None]:
    rows = services.audit.page()
    count = services.audit.count()
    return lambda: _assert(count == len(rows) and any(r.actor_login == role.value for r in rows))


@_guards(Action.AUDIT_EXPORT)
def _export_audit(services: Services, role: Role, out: Path) -> Callable[[], None]:
    written = services.audit.export(out)
    return lambda: _assert(out.is_file() and written > 0)


@_guards(Action.APPEALS_VIEW)
def _view_appeal(services: Services, role: Role, out: Path) -> Callable[[], None]:
    rows = services.appeals.page()
    card = services.appeals.card(rows[0].id)
    return lambda: _assert(card.number == rows[0].number and services.appeals.count() == len(rows))


@_guards(Action.APPEALS_REGISTER)
def _register_appeal(services: Services, role: Role, out: Path) -> Callable[[], None]:
    card = services.appeals.register(AppealInput(f"Новый заявитель {role.value}", Rubric.SCHOOL, "Вопрос о питании"))
    return lambda: _assert(
        services.appeals.card(card.id, record_access=False).row.applicant == f"Новый заявитель {role.value}"
    )


#: Filled by the tests below from the module's fixture (guards get no fixture).
STAFF_APPEALS: dict[tuple[Role, Action], int] = {}


@_guards(Action.APPEALS_ANSWER)
def _answer_appeal(services: Services, role: Role, out: Path) -> Callable[[], None]:
    appeal_id = STAFF_APPEALS[(role, Action.APPEALS_ANSWER)]
    services.appeals.answer(appeal_id, "Ответ дан на приёме", Delivery.IN_PERSON)
    return lambda: _assert(services.appeals.card(appeal_id, record_access=False).row.status is Status.ANSWERED)


@_guards(Action.APPEALS_FORWARD)
def _forward_appeal(services: Services, role: Role, out: Path) -> Callable[[], None]:
    appeal_id = STAFF_APPEALS[(role, Action.APPEALS_FORWARD)]
    services.appeals.forward_to_sui(appeal_id, "Вопрос о работе портала госуслуг")
    return lambda: _assert(services.appeals.card(appeal_id, record_access=False).row.status is Status.SUI)


@_guards(Action.APPEALS_SWEEP)
def _sweep(services: Services, role: Role, out: Path) -> Callable[[], None]:
    result = services.appeals.sweep()
    return lambda: _assert(result.escalated == 0 and not result.problems)


@_guards(Action.APPEALS_IMPORT)
def _import_appeals(services: Services, role: Role, out: Path) -> Callable[[], None]:
    register = out.with_suffix(".csv")
    register.write_text(
        "Дата регистрации;Заявитель;Рубрика;Текст;Дата ответа;Ответ\n"  # answered: the sweep's check stays as it is
        f"30.04.2025 10:00;Заявитель {role.value};Вопрос к школе;Вопрос;05.05.2025 10:00;Ответ дан\n",
        encoding="utf-8",
    )
    result = services.appeals_io.import_file(register)
    return lambda: _assert(result.count == 1 and services.appeals.find(result.numbers[0]) is not None)


@_guards(Action.APPEALS_EXPORT)
def _export_appeals(services: Services, role: Role, out: Path) -> Callable[[], None]:
    written = services.appeals_io.export(out)
    return lambda: _assert(out.is_file() and written > 0)


STAFF_TICKETS: dict[tuple[Role, Action], int] = {}
#: The user id of the staff's agent (looking it up needs a right of its own).
STAFF_AGENT: dict[str, int] = {}


@_guards(Action.TICKETS_VIEW)
def _view_ticket(services: Services, role: Role, out: Path) -> Callable[[], None]:
    rows = services.tickets.page()
    card = services.tickets.card(rows[0].id)
    return lambda: _assert(card.number == rows[0].number and services.tickets.count() == len(rows))


@_guards(Action.TICKETS_CREATE)
def _create_ticket(services: Services, role: Role, out: Path) -> Callable[[], None]:
    card = services.tickets.create(TicketInput(NAMES[role], Category.PRINTING, dt.date(2027, 3, 1), "Грамоты"))
    return lambda: _assert(card.row.status is TicketStatus.OPEN and card.row.client_name == NAMES[role])


@_guards(Action.TICKETS_OPERATE)
def _assign_ticket(services: Services, role: Role, out: Path) -> Callable[[], None]:
    ticket_id = STAFF_TICKETS[(role, Action.TICKETS_OPERATE)]
    agent_id = STAFF_AGENT["id"]
    services.tickets.assign(ticket_id, agent_id)
    return lambda: _assert(services.tickets.card(ticket_id, record_access=False).row.agent_id == agent_id)


@_guards(Action.TICKETS_WORK)
def _take_ticket_in_work(services: Services, role: Role, out: Path) -> Callable[[], None]:
    ticket_id = STAFF_TICKETS[(role, Action.TICKETS_WORK)]
    services.tickets.take_in_work(ticket_id)
    return lambda: _assert(services.tickets.card(ticket_id, record_access=False).row.status is TicketStatus.IN_WORK)


@_guards(Action.TICKETS_IMPORT)
def _import_tickets(services: Services, role: Role, out: Path) -> Callable[[], None]:
    register = out.with_suffix(".csv")
    register.write_text(
        "Дата подачи;Заявитель;Категория;Дата мероприятия;Описание\n"
        f"02.11.2026 10:00;{NAMES[role]};Услуги медиацентра;15.12.2026;Фотосъёмка концерта\n",
        encoding="utf-8",
    )
    result = services.tickets_io.import_file(register)
    return lambda: _assert(result.count == 1 and services.tickets.find(result.numbers[0]) is not None)


@_guards(Action.TICKETS_EXPORT)
def _export_tickets(services: Services, role: Role, out: Path) -> Callable[[], None]:
    written = services.tickets_io.export(out)
    return lambda: _assert(out.is_file() and written > 0)


@_guards(Action.AGENTS_MANAGE)
def _manage_agents(services: Services, role: Role, out: Path) -> Callable[[], None]:
    agent_id = STAFF_AGENT["id"]
    view = services.tickets.set_specialisations(agent_id, [Category.ROOMS, Category.MEDIA])
    return lambda: _assert(view.categories == {Category.ROOMS, Category.MEDIA})


STAFF_FAMILIES: dict[Role, tuple[int, int]] = {}


@_guards(Action.FAMILIES_VIEW)
def _view_family(services: Services, role: Role, out: Path) -> Callable[[], None]:
    rows = services.families.students()
    card = services.families.card(rows[0].id)
    return lambda: _assert(card.row.full_name == rows[0].full_name and services.families.count() == len(rows))


@_guards(Action.FAMILIES_EDIT)
def _add_student(services: Services, role: Role, out: Path) -> Callable[[], None]:
    student_id = services.families.add_student(f"Новенький Пётр {role.value}", dt.date(2015, 5, 5), "4Б")
    return lambda: _assert(services.families.card(student_id, record_access=False).row.class_name == "4Б")


@_guards(Action.FAMILIES_IMPORT)
def _import_students(services: Services, role: Role, out: Path) -> Callable[[], None]:
    register = out.with_suffix(".csv")
    register.write_text(
        "Класс;Ученик;Дата рождения;Представитель;Кем приходится\n"
        f"3В;Загрузкин Олег {role.value};01.02.2018;Загрузкина Ольга {role.value};мать\n",
        encoding="utf-8",
    )
    result = services.families_io.import_file(register)
    return lambda: _assert(result.added == 1)


@_guards(Action.ACCESS_MANAGE)
def _record_consent(services: Services, role: Role, out: Path) -> Callable[[], None]:
    student_id, rep_id = STAFF_FAMILIES[role]
    services.families.record_consent(rep_id, dt.date(2026, 11, 20))
    card = services.families.card(student_id, record_access=False)
    return lambda: _assert(card.representatives[0].consent_now)


@_guards(Action.ACCESS_REFUSE)
def _refuse_access(services: Services, role: Role, out: Path) -> Callable[[], None]:
    refusal = services.families.refuse(
        [RefusalGround.NOT_STUDENT], child_name=f"Чужой Ребёнок {role.value}", applicant_name="Чужая Анна Петровна"
    )
    return lambda: _assert(refusal.number.startswith("ОТК-2026/") and refusal.grounds == (RefusalGround.NOT_STUDENT,))


@_guards(Action.OPTOUT_REGISTER)
def _register_optout(services: Services, role: Role, out: Path) -> Callable[[], None]:
    student_id, _rep = STAFF_FAMILIES[role]
    services.families.register_optout(student_id, Appendix.NOT_PROVIDE, dt.date(2026, 11, 20))
    return lambda: _assert(services.families.card(student_id, record_access=False).row.paper)


@_guards(Action.GRADES_IMPORT)
def _import_grades(services: Services, role: Role, out: Path) -> Callable[[], None]:
    register = out.with_suffix(".csv")
    register.write_text(
        "Класс;Ученик;Предмет;Дата;Отметка\n"
        f"5А;Ученикова Мария {role.value};Математика;20.11.2026;5\n",
        encoding="utf-8",
    )
    result = services.grades_io.import_file(register)
    return lambda: _assert(result.added == 1)


@_guards(Action.PRINTOUTS_MANAGE)
def _record_printed(services: Services, role: Role, out: Path) -> Callable[[], None]:
    student_id, _rep = STAFF_FAMILIES[role]
    services.grades.record_printed([student_id], dt.date(2026, 11, 23))
    return lambda: _assert(
        [(p.student_id, p.printed_by) for p in services.grades.printouts() if p.student_id == student_id]
        == [(student_id, NAMES[role])]
    )


STAFF_SUPPORT: dict[Role, int] = {}


@_guards(Action.SUPPORT_VIEW)
def _view_support(services: Services, role: Role, out: Path) -> Callable[[], None]:
    rows = services.support.page()
    card = services.support.card(rows[0].id)
    return lambda: _assert(card.number == rows[0].number and services.support.count() == len(rows) > 0)


@_guards(Action.SUPPORT_CREATE)
def _create_support(services: Services, role: Role, out: Path) -> Callable[[], None]:
    card = services.support.create(_support_input(role))
    return lambda: _assert(card.row.status is SupportStatus.NEW and card.row.brought_by == NAMES[Role.CLASS_TEACHER])


@_guards(Action.SUPPORT_WORK)
def _correct_support(services: Services, role: Role, out: Path) -> Callable[[], None]:
    request_id = STAFF_SUPPORT[role]
    services.support.correct(request_id)
    return lambda: _assert(
        services.support.card(request_id, record_access=False).row.status is SupportStatus.CORRECTED
    )


@_guards(Action.SUPPORT_EXPORT)
def _export_support(services: Services, role: Role, out: Path) -> Callable[[], None]:
    written = services.support_io.export(out)
    return lambda: _assert(written == out and out.is_file() and out.stat().st_size > 0)


@_guards(Action.SUPPORT_CONTACTS)
def _edit_support_contacts(services: Services, role: Role, out: Path) -> Callable[[], None]:
    room = f"каб. {list(Role).index(role) + 1}"
    services.support.set_contacts({"epos_admin_room": room})
    return lambda: _assert(services.support.contacts().admin_room == room)


@_guards(Action.FAMILIES_EXPORT)
def _export_optouts(services: Services, role: Role, out: Path) -> Callable[[], None]:
    written = services.reports.write("optouts", out)
    return lambda: _assert(out.is_file() and written >= 0)


@_guards(Action.REPORTS_SUMMARY)
def _export_summary(services: Services, role: Role, out: Path) -> Callable[[], None]:
    summary = services.reports.summary()
    written = services.reports.write("summary", out)
    return lambda: _assert(out.is_file() and written == summary.appeals.total + summary.tickets.total
                           + summary.support.total + summary.paper.reports)  # fmt: skip


@_guards(Action.BACKUP_MANAGE)
def _make_backup(services: Services, role: Role, out: Path) -> Callable[[], None]:
    from desktop.services.backup import Backups

    written = Backups(services).backup(out)  # the whole database, whatever the name says
    return lambda: _assert(written == out and out.is_file() and out.stat().st_size > 0)


def _assert(condition: bool) -> None:
    assert condition


def test_every_guarded_action_has_its_service_call():
    assert set(GUARDED) == set(PERMISSIONS)


@pytest.mark.parametrize("action", list(PERMISSIONS), ids=str)
@pytest.mark.parametrize("role", list(Role), ids=str)
def test_each_role_against_each_guarded_action(staff: Staff, role: Role, action: Action):
    actor = staff.actors[role]
    STAFF_APPEALS.update(staff.appeals)
    STAFF_TICKETS.update(staff.tickets)
    STAFF_AGENT["id"] = staff.agent_id
    STAFF_FAMILIES.update(staff.families)
    STAFF_SUPPORT.update(staff.support)
    services = staff.services.as_actor(actor)
    out = staff.out / f"audit-{role.value}-{action.value}.xlsx"
    staff.clock.advance(minutes=1)
    before = _snapshot(staff.services)

    if role in PERMISSIONS[action]:
        check = GUARDED[action](services, role, out)
        check()
        if action not in (Action.AUDIT_VIEW, Action.APPEALS_SWEEP):  # a change or a look is on record, as this user
            newest = _events(staff.services)[-1]
            assert (newest.actor_id, newest.actor, newest.at) == (actor.user_id, NAMES[role], staff.clock.now)
            looks = (Action.AUDIT_EXPORT, Action.APPEALS_VIEW, Action.APPEALS_EXPORT, Action.TICKETS_VIEW,
                     Action.TICKETS_EXPORT, Action.FAMILIES_VIEW, Action.PRINTOUTS_MANAGE, Action.SUPPORT_VIEW,
                     Action.SUPPORT_EXPORT, Action.FAMILIES_EXPORT, Action.REPORTS_SUMMARY,
                     Action.BACKUP_MANAGE)  # fmt: skip
            assert newest.kind == ("access" if action in looks else "change")
    else:
        with pytest.raises(PermissionDenied) as info:
            GUARDED[action](services, role, out)
        label, allowed, mine = _refusal(str(info.value))
        assert label == action.label
        assert allowed == {r.label for r in PERMISSIONS[action]}
        assert mine == {role.label}
        assert _snapshot(staff.services) == before  # no new rows, no changed ones, no new events
        assert not out.exists()


# -- passwords ------------------------------------------------------------------------------------------


def test_passwords_are_stored_only_as_salted_scrypt_hashes(services):
    services.users.add("ivanova", "Иванова Наталья Сергеевна", [Role.SECRETARY], PASSWORD)
    services.users.add("petrova", "Петрова Анна Сергеевна", [Role.SECRETARY], PASSWORD)
    with services.ctx.transaction() as session:
        first, second = session.scalars(select(User.password_hash).order_by(User.login)).all()
    for stored in (first, second):
        scheme, n, *_params_salt_and_key = stored.split("$")
        assert scheme == "scrypt"
        assert int(n) >= 2**14  # slow on purpose
        assert PASSWORD not in stored and PASSWORD.encode().hex() not in stored
    assert first != second  # the same password, a different salt
    assert first.split("$")[4] != second.split("$")[4]
    assert services.users.authenticate("ivanova", PASSWORD).login == "ivanova"
    assert services.users.authenticate("petrova", PASSWORD).login == "petrova"
    # Nothing the users list shows carries the hash.
    assert all("scrypt" not in repr(info) for info in services.users.list())


def test_a_new_users_login_name_roles_and_password_are_checked(services):
    with pytest.raises(ValidationError) as info:
        services.users.add("Иванова", "Иванова Наталья Сергеевна", [Role.SECRETARY], PASSWORD)
    assert "латинские буквы" in str(info.value)
    with pytest.raises(ValidationError) as info:
        services.users.add("ivanova", "Иванова Наталья Сергеевна", ["librarian"], PASSWORD)
    assert "Неизвестная роль «librarian»" in str(info.value) and "secretary (секретарь)" in str(info.value)
    with pytest.raises(ValidationError) as info:
        services.users.add("ivanova", "Иванова Наталья Сергеевна", [Role.SECRETARY], "short")
    assert str(info.value) == "Пароль должен быть не короче 8 знаков."
    assert services.users.count() == 0
    assert _events(services, entity="user") == []

    services.users.add("ivanova", "Иванова Наталья Сергеевна", [Role.SECRETARY], PASSWORD)
    with pytest.raises(ValidationError) as info:
        services.users.add(" IVANOVA ", "Иванова Мария Петровна", [Role.AGENT], PASSWORD)
    assert str(info.value) == "Логин «ivanova» уже занят."
    assert services.users.count() == 1


# -- logging in -----------------------------------------------------------------------------------------


def test_the_right_password_logs_in_and_the_login_is_recorded(services, clock):
    info = services.users.add("voronina", "Воронина Ирина Александровна", [Role.DEPUTY, Role.SECRETARY], PASSWORD)

    actor = services.users.authenticate("  Voronina ", PASSWORD)  # as typed, with a capital and spaces

    assert (actor.kind, actor.user_id, actor.login, actor.name) == (
        ActorKind.USER,
        info.id,
        "voronina",
        "Воронина Ирина Александровна",
    )
    assert actor.roles == {Role.DEPUTY, Role.SECRETARY}
    [event] = _events(services, kind="auth")
    assert (event.entity, event.entity_id, event.action, event.actor_id, event.actor, event.at) == (
        "login",
        "voronina",
        "login",
        info.id,
        "Воронина Ирина Александровна",
        clock.now,
    )


def test_a_wrong_password_and_an_unknown_login_get_the_same_answer_and_are_recorded(services, monkeypatch):
    services.users.add("ivanova", "Иванова Наталья Сергеевна", [Role.SECRETARY], PASSWORD)
    checks: list[str] = []
    real_verify = users_module.verify_password
    monkeypatch.setattr(users_module, "verify_password", lambda pw, stored: checks.append(pw) or real_verify(pw, stored))

    with pytest.raises(AuthenticationFailed) as wrong:
        services.users.authenticate("ivanova", OTHER_PASSWORD)
    with pytest.raises(AuthenticationFailed) as unknown:
        services.users.authenticate("ivanov", PASSWORD)

    assert str(wrong.value) == str(unknown.value) == WRONG_CREDENTIALS == "Неверный логин или пароль."
    assert len(checks) == 2  # an unknown login costs a password check too: timing does not tell it apart
    events = _events(services, kind="auth")
    assert [(e.entity_id, e.action, e.after) for e in events] == [
        ("ivanova", "failed", {"failures": 1}),
        ("ivanov", "failed", {"failures": 1}),
    ]


def test_a_blocked_user_cannot_log_in_even_with_the_right_password(services):
    services.users.add("ivanova", "Иванова Наталья Сергеевна", [Role.SECRETARY], PASSWORD)
    services.users.add("admin", "Петров Алексей Игоревич", [Role.ADMIN], PASSWORD)
    services.users.block("ivanova")

    with pytest.raises(AuthenticationFailed) as info:
        services.users.authenticate("ivanova", PASSWORD)

    assert str(info.value) == "Учётная запись заблокирована. Обратитесь к администратору программы."
    assert [(e.entity_id, e.action) for e in _events(services, kind="auth")] == [("ivanova", "refused_blocked")]
    services.users.unblock("ivanova")
    assert services.users.authenticate("ivanova", PASSWORD).login == "ivanova"


def _fail(services: Services, login: str, times: int) -> None:
    for _ in range(times):
        with pytest.raises(AuthenticationFailed, match="Неверный логин или пароль"):
            services.users.authenticate(login, OTHER_PASSWORD)


def test_after_five_wrong_passwords_the_next_attempt_waits_without_looking_at_the_password(
    services, clock, monkeypatch
):
    services.users.add("ivanova", "Иванова Наталья Сергеевна", [Role.SECRETARY], PASSWORD)
    _fail(services, "ivanova", 4)
    _fail(services, "ivanova", 1)  # the fifth wrong one in a row is still checked at once
    checks: list[str] = []
    real_verify = users_module.verify_password
    monkeypatch.setattr(users_module, "verify_password", lambda pw, stored: checks.append(pw) or real_verify(pw, stored))

    clock.advance(seconds=4)
    with pytest.raises(AuthenticationFailed) as info:
        services.users.authenticate("ivanova", PASSWORD)  # the right password, but too early

    assert str(info.value) == (
        "Слишком много неверных попыток входа подряд (5). Следующая попытка — через 1 секунду."
    )
    assert checks == []  # the password was not even looked at

    clock.advance(seconds=1)
    actor = services.users.authenticate("ivanova", PASSWORD)
    assert actor.login == "ivanova"
    assert checks == [PASSWORD]


def test_the_wait_grows_with_each_further_wrong_password(services, clock):
    services.users.add("ivanova", "Иванова Наталья Сергеевна", [Role.SECRETARY], PASSWORD)
    _fail(services, "ivanova", 5)
    with pytest.raises(AuthenticationFailed, match="через 5 секунд"):
        services.users.authenticate("ivanova", PASSWORD)
    clock.advance(seconds=5)
    _fail(services, "ivanova", 1)  # the sixth wrong one: now 10 seconds

    clock.advance(seconds=9)
    with pytest.raises(AuthenticationFailed, match=r"подряд \(6\)\. Следующая попытка — через 1 секунду"):
        services.users.authenticate("ivanova", PASSWORD)
    clock.advance(seconds=1)
    _fail(services, "ivanova", 1)  # the seventh: 20 seconds
    with pytest.raises(AuthenticationFailed, match="через 20 секунд"):
        services.users.authenticate("ivanova", PASSWORD)
    clock.advance(seconds=20)
    assert services.users.authenticate("ivanova", PASSWORD).login == "ivanova"


def test_a_wrong_login_is_delayed_too(services, clock):
    _fail(services, "nobody", 5)
    with pytest.raises(AuthenticationFailed, match="Слишком много неверных попыток"):
        services.users.authenticate("nobody", PASSWORD)


def test_a_successful_login_resets_the_count(services, clock):
    services.users.add("ivanova", "Иванова Наталья Сергеевна", [Role.SECRETARY], PASSWORD)
    _fail(services, "ivanova", 5)
    clock.advance(seconds=5)
    services.users.authenticate("ivanova", PASSWORD)

    _fail(services, "ivanova", 4)  # without the reset this would be the 6th to 9th in a row: delayed
    assert services.users.authenticate("ivanova", PASSWORD).login == "ivanova"


def test_a_password_reset_lifts_the_wait_and_must_be_changed_at_the_next_login(services, clock):
    services.users.add("ivanova", "Иванова Наталья Сергеевна", [Role.SECRETARY], PASSWORD, must_change=False)
    _fail(services, "ivanova", 5)
    with pytest.raises(AuthenticationFailed, match="Слишком много неверных попыток"):
        services.users.authenticate("ivanova", PASSWORD)

    info = services.users.reset_password("ivanova", OTHER_PASSWORD)

    assert info.must_change_password
    actor = services.users.authenticate("ivanova", OTHER_PASSWORD)  # at once: no wait left
    assert services.users.must_change_password(actor)
    with pytest.raises(AuthenticationFailed, match="Неверный логин или пароль"):
        services.users.authenticate("ivanova", PASSWORD)  # the old password no longer works


def test_changing_ones_own_password_needs_the_current_one(services):
    services.users.add("ivanova", "Иванова Наталья Сергеевна", [Role.SECRETARY], PASSWORD)
    actor = services.users.authenticate("ivanova", PASSWORD)
    assert services.users.must_change_password(actor)  # a new user chooses their own password
    own = services.as_actor(actor)

    with pytest.raises(ValidationError) as info:
        own.users.change_own_password(OTHER_PASSWORD, "Новый-пароль-1")
    assert str(info.value) == "Текущий пароль введён неверно."
    with pytest.raises(ValidationError) as info:
        own.users.change_own_password(PASSWORD, "ivanova")
    assert str(info.value) == "Пароль должен быть не короче 8 знаков."
    assert _events(services, action="change_password") == []

    own.users.change_own_password(PASSWORD, "Новый-пароль-1")

    assert not services.users.must_change_password(actor)
    assert services.users.authenticate("ivanova", "Новый-пароль-1").login == "ivanova"
    with pytest.raises(AuthenticationFailed):
        services.users.authenticate("ivanova", PASSWORD)
    [event] = _events(services, action="change_password")
    assert (event.actor_id, event.actor, event.entity_id) == (actor.user_id, "Иванова Наталья Сергеевна", "ivanova")


def test_only_a_logged_in_user_has_an_own_password(services):
    with pytest.raises(ServiceError, match="только войдя в программу под своим логином"):
        services.users.change_own_password(PASSWORD, OTHER_PASSWORD)


# -- the administrator's work -------------------------------------------------------------------------


def test_the_first_administrator_is_created_only_once(services):
    admin = services.users.create_first_admin("admin", "Петров Алексей Игоревич", PASSWORD)
    assert (admin.login, admin.roles, admin.active, admin.must_change_password) == (
        "admin",
        {Role.ADMIN},
        True,
        False,
    )
    with pytest.raises(ServiceError, match="Администратор уже создан"):
        services.users.create_first_admin("admin2", "Соколова Елена Викторовна", PASSWORD)
    assert [u.login for u in services.users.list()] == ["admin"]


def test_the_last_active_administrator_cannot_be_blocked_or_lose_the_role(services):
    services.users.add("petrov", "Петров Алексей Игоревич", [Role.ADMIN], PASSWORD)
    services.users.add("sokolova", "Соколова Елена Викторовна", [Role.ADMIN, Role.DIRECTOR], PASSWORD)
    services.users.block("sokolova")  # a blocked administrator does not count
    events = len(_events(services))

    with pytest.raises(ServiceError) as info:
        services.users.block("petrov")
    assert str(info.value) == (
        "«Петров Алексей Игоревич» — единственный действующий администратор: сначала назначьте другого."
    )
    with pytest.raises(ServiceError, match="единственный действующий администратор"):
        services.users.set_roles("petrov", [Role.DIRECTOR])
    assert services.users.get("petrov").active
    assert services.users.get("petrov").roles == {Role.ADMIN}
    assert len(_events(services)) == events

    services.users.unblock("sokolova")
    assert services.users.set_roles("petrov", [Role.DIRECTOR]).roles == {Role.DIRECTOR}
    with pytest.raises(ServiceError, match="единственный действующий администратор"):
        services.users.block("sokolova")


def test_an_administrator_cannot_block_himself(services):
    services.users.add("petrov", "Петров Алексей Игоревич", [Role.ADMIN], PASSWORD)
    services.users.add("sokolova", "Соколова Елена Викторовна", [Role.ADMIN], PASSWORD)
    petrov = services.as_actor(services.users.authenticate("petrov", PASSWORD))

    with pytest.raises(ServiceError) as info:
        petrov.users.block("petrov")

    assert str(info.value) == "Нельзя заблокировать самого себя."
    assert services.users.get("petrov").active
    petrov.users.block("sokolova")  # another administrator, though, he may
    assert not services.users.get("sokolova").active


def test_every_change_of_a_user_is_recorded_with_who_did_it(services, clock):
    services.users.add("petrov", "Петров Алексей Игоревич", [Role.ADMIN], PASSWORD)
    actor = services.users.authenticate("petrov", PASSWORD)
    admin = services.as_actor(actor)

    admin.users.add("ivanova", "Иванова Наталья Сергеевна", [Role.SECRETARY], PASSWORD)
    clock.advance(minutes=1)
    admin.users.set_roles("ivanova", [Role.SECRETARY, Role.OPERATOR])
    admin.users.rename("ivanova", "Иванова-Смирнова Наталья Сергеевна")
    admin.users.block("ivanova")
    admin.users.unblock("ivanova")
    admin.users.reset_password("ivanova", OTHER_PASSWORD)

    events = _events(services, entity="user", entity_id="ivanova")
    assert [(e.action, e.before, e.after) for e in events] == [
        ("add", None, {"full_name": "Иванова Наталья Сергеевна", "roles": ["secretary"], "active": True}),
        ("set_roles", {"roles": ["secretary"]}, {"roles": ["operator", "secretary"]}),
        ("rename", {"full_name": "Иванова Наталья Сергеевна"}, {"full_name": "Иванова-Смирнова Наталья Сергеевна"}),
        ("block", {"active": True}, {"active": False}),
        ("unblock", {"active": False}, {"active": True}),
        ("reset_password", None, None),
    ]
    assert {(e.actor_id, e.actor, e.kind) for e in events} == {(actor.user_id, "Петров Алексей Игоревич", "change")}
    assert events[0].at == clock.now - dt.timedelta(minutes=1)
    assert events[-1].at == clock.now
    assert all(OTHER_PASSWORD not in repr((e.before, e.after)) for e in events)  # no password in the trail
