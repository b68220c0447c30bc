"""Initiative tickets at the service level, on SQLite and PostgreSQL: numbers without gaps, the three terms stored on
creation across holidays, a working Saturday and the school's own days, lateness, who may set which status, messages
that set the waiting statuses, refusals and withdrawal, assignment and proposals, what an agent sees, feedback, the
queue's filters and sorting, stale versions and files."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from desktop.domain.access import Actor, Role
from desktop.domain.tickets import Category, Party, RefusalReason, Status, TermKind, Urgency
from desktop.services.calendar import OverrideKind
from desktop.services.errors import ConflictError, PermissionDenied, ServiceError, ValidationError
from desktop.services.files import FileIn
from desktop.services.registry import Services
from desktop.services.tickets import StepKind, TicketFilter, TicketInput, TicketSort
from desktop.store.models import Attachment, Blob, Event, Ticket, TicketMessage, TicketStep
from tests.conftest import FixedClock

YEKB = ZoneInfo("Asia/Yekaterinburg")

NAMES = {
    "operator": "Кузнецова Мария Петровна",
    "agent": "Смирнова Ольга Павловна",
    "agent2": "Васильев Игорь Николаевич",
    "agent3": "Орлова Анна Дмитриевна",
    "agent4": "Зайцев Павел Андреевич",
    "secretary": "Иванова Наталья Сергеевна",
    "director": "Соколова Елена Викторовна",
    "deputy": "Воронина Ирина Александровна",
}


def local(text: str) -> dt.datetime:
    """«ДД.ММ.ГГГГ ЧЧ:ММ» in Tyumen's time zone as a UTC moment."""
    return dt.datetime.strptime(text, "%d.%m.%Y %H:%M").replace(tzinfo=YEKB).astimezone(dt.UTC)


def d(text: str) -> dt.date:
    return dt.datetime.strptime(text, "%d.%m.%Y").date()


def ticket(
    description: str = "Актовый зал для репетиции концерта ко Дню Победы", **fields: object
) -> TicketInput:
    values: dict[str, object] = {
        "client_name": "Иванов Пётр Сергеевич",
        "category": Category.ROOMS,
        "event_date": d("13.05.2025"),
        "description": description,
        "client_group": "10А",
        "client_contact": "+7 912 000-00-01",
    }
    values.update(fields)
    return TicketInput(**values)  # type: ignore[arg-type]


@pytest.fixture
def school(services: Services, clock: FixedClock) -> Services:
    services.settings.set("timezone", "Asia/Yekaterinburg")
    clock.now = local("30.04.2025 10:00")  # Wednesday; 1–4 and 8–11 May 2025 are days off
    return services


def person(services: Services, role: Role, login: str | None = None) -> Services:
    login = login or role.value
    user = services.users.add(login, NAMES[login], [role], "Пароль-2026", must_change=False)
    return services.as_actor(Actor.user(user.id, user.login, user.full_name, [role]))


def uid(services: Services) -> int:
    assert services.ctx.actor.user_id is not None
    return services.ctx.actor.user_id


@pytest.fixture
def staff(school: Services) -> dict[str, Services]:
    """The operator, two agents, the secretary and the director, each acting as themselves."""
    return {
        "operator": person(school, Role.OPERATOR),
        "agent": person(school, Role.AGENT),
        "agent2": person(school, Role.AGENT, "agent2"),
        "secretary": person(school, Role.SECRETARY),
        "director": person(school, Role.DIRECTOR),
    }


def state(services: Services, ticket_id: int) -> tuple[object, ...]:
    """Everything a refused call must leave as it was: the row, its history, its thread and the change log."""
    with services.ctx.transaction() as session:
        t = session.get(Ticket, ticket_id)
        assert t is not None
        steps = session.scalar(
            select(func.count()).select_from(TicketStep).where(TicketStep.ticket_id == ticket_id)
        )
        messages = session.scalar(
            select(func.count()).select_from(TicketMessage).where(TicketMessage.ticket_id == ticket_id)
        )
        changes = session.scalar(select(func.count()).select_from(Event).where(Event.kind == "change"))
        return (
            t.status, t.version, t.agent_id, t.agent_name, t.refusal_reason, t.close_note, t.rating,
            t.next_due, t.in_work_at, t.closed_at, steps, messages, changes,
        )  # fmt: skip


def events(services: Services, number: str, *actions: str) -> list[Event]:
    with services.ctx.transaction() as session:
        query = select(Event).where(Event.entity == "ticket", Event.entity_id == number)
        if actions:
            query = query.where(Event.action.in_(actions))
        return list(session.scalars(query.order_by(Event.id)))


# -- taking in: numbers and terms --------------------------------------------------------------------------------


def test_numbers_run_without_gaps_in_each_year_and_a_refused_create_takes_none(school: Services, clock):
    first = school.tickets.create(ticket())
    with pytest.raises(ValidationError) as empty:
        school.tickets.create(ticket("   "))
    assert set(empty.value.fields) == {"description"}
    with pytest.raises(ValidationError) as past:
        school.tickets.create(ticket(event_date=d("29.04.2025")))
    assert "29.04.2025" in past.value.fields["event_date"] and "прошла" in past.value.fields["event_date"]
    with pytest.raises(ValidationError) as many:
        school.tickets.create(ticket(files=tuple(FileIn(f"скан{i}.pdf", b"%%PDF %d" % i) for i in range(11))))
    assert "10" in many.value.fields["files"]
    second = school.tickets.create(ticket(client_name="Смирнов Олег Игоревич"))
    clock.now = local("12.01.2026 10:00")
    next_year = school.tickets.create(ticket(event_date=d("30.01.2026")))
    assert [first.number, second.number, next_year.number] == ["И-2025/0001", "И-2025/0002", "И-2026/0001"]
    assert school.tickets.count() == 3
    assert (first.row.status, first.row.late, first.row.client_group) == (Status.OPEN, False, "10А")
    assert [h.kind for h in first.history] == [StepKind.CREATED]


def test_terms_around_the_may_holidays_are_stored_on_creation(school: Services):
    # Event Tue 13.05.2025. Working days strictly before it: 12.05 (1); 8–11.05 off; 07.05 (2), 06.05 (3), 05.05 (4);
    # 1–4.05 off; 30.04 (5).
    # Rooms: 3 / 2 / 2.
    rooms = school.tickets.create(ticket(category=Category.ROOMS))
    assert (rooms.terms.submit_by, rooms.terms.report_by, rooms.terms.client_by) == (
        d("06.05.2025"), d("07.05.2025"), d("07.05.2025"),
    )  # fmt: skip
    # Printing: 5 / 3 / 2.
    printing = school.tickets.create(ticket("Печать грамот для олимпиады", category=Category.PRINTING))
    assert (printing.terms.submit_by, printing.terms.report_by, printing.terms.client_by) == (
        d("30.04.2025"), d("06.05.2025"), d("07.05.2025"),
    )  # fmt: skip
    # Submitted on 30.04, the last day for printing: on time. Open, it waits for the agent's report.
    assert not printing.row.late and printing.lateness == ""
    assert (printing.row.next_kind, printing.row.next_due) == (TermKind.REPORT, d("06.05.2025"))


def test_the_last_day_is_on_time_and_the_next_day_is_late(school: Services, staff, clock):
    operator, agent = staff["operator"], staff["agent"]
    # Printing, event Wed 14.05.2025: 13.05 (1), 12.05 (2), 8–11.05 off, 07.05 (3), 06.05 (4), 05.05 (5): submit by
    # 05.05 inclusive, at any hour of that school day.
    clock.now = local("05.05.2025 23:59")
    on_time = operator.tickets.create(
        ticket("Печать грамот", category=Category.PRINTING, event_date=d("14.05.2025"))
    )
    assert on_time.terms.submit_by == d("05.05.2025") and not on_time.row.late
    clock.now = local("06.05.2025 00:01")
    late = operator.tickets.create(
        ticket("Печать грамот", category=Category.PRINTING, event_date=d("14.05.2025"))
    )
    assert late.row.late and late.row.status is Status.OPEN
    assert late.row.urgency is Urgency.LATE
    assert late.lateness == (
        "подана 06.05.2025, а по категории «Полиграфические услуги» подать нужно не позднее чем за 5 рабочих дней "
        "до мероприятия 14.05.2025, то есть до 05.05.2025 включительно"
    )
    assert late.suggested_refusal == (RefusalReason.LATE, "")
    assert on_time.suggested_refusal is None
    assert late.history[0].note.startswith("подана позже срока: подана 06.05.2025")
    assert events(school, late.number, "create")[0].after["late"] is True  # type: ignore[index]
    assert [r.number for r in operator.tickets.page(TicketFilter(late=True))] == [late.number]
    # The agent sees the lateness but is not offered the refusal: the operator decides.
    operator.tickets.assign(late.id, uid(agent))
    seen = agent.tickets.card(late.id)
    assert seen.lateness == late.lateness and seen.suggested_refusal is None
    refused = operator.tickets.refuse(late.id, RefusalReason.LATE, "Печать занимает неделю")
    assert (refused.row.status, refused.refusal_reason, refused.close_note) == (
        Status.REFUSED, RefusalReason.LATE, "Печать занимает неделю",
    )  # fmt: skip
    assert refused.suggested_refusal is None


def test_terms_across_the_new_year(school: Services, clock):
    clock.now = local("22.12.2025 10:00")
    # Transport, event Tue 13.01.2026: 12.01 (1); 1–11.01.2026 and 31.12.2025 off; 30.12 (2), 29.12 (3);
    # 27–28.12 weekend; 26.12 (4), 25.12 (5).
    card = school.tickets.create(ticket("Автобус на экскурсию в Тобольск", category=Category.TRANSPORT,
                                        event_date=d("13.01.2026")))  # fmt: skip
    assert (card.terms.submit_by, card.terms.report_by, card.terms.client_by) == (
        d("25.12.2025"), d("29.12.2025"), d("30.12.2025"),
    )  # fmt: skip
    assert card.number == "И-2025/0001" and not card.row.late


def test_terms_count_a_working_saturday(school: Services, clock):
    clock.now = local("27.10.2025 10:00")
    # Rooms, event Wed 05.11.2025: 04.11 holiday, 03.11 day off moved from Saturday 01.11, which is working:
    # 01.11 (1), 31.10 (2), 30.10 (3).
    card = school.tickets.create(ticket(event_date=d("05.11.2025")))
    assert (card.terms.submit_by, card.terms.report_by, card.terms.client_by) == (
        d("30.10.2025"), d("31.10.2025"), d("31.10.2025"),
    )  # fmt: skip


def test_the_schools_own_days_count_for_new_tickets_and_old_ones_keep_their_terms(school: Services):
    # Rooms, event Thu 22.05.2025: 21.05 (1), 20.05 (2), 19.05 (3).
    before = school.tickets.create(ticket(event_date=d("22.05.2025")))
    assert (before.terms.submit_by, before.terms.report_by) == (d("19.05.2025"), d("20.05.2025"))
    school.calendar.set_day(d("20.05.2025"), OverrideKind.DAY_OFF, "Карантин, приказ № 41")
    # 21.05 (1), 20.05 off, 19.05 (2), 17–18.05 weekend, 16.05 (3).
    after = school.tickets.create(ticket(event_date=d("22.05.2025")))
    assert (after.terms.submit_by, after.terms.report_by, after.terms.client_by) == (
        d("16.05.2025"), d("19.05.2025"), d("19.05.2025"),
    )  # fmt: skip
    school.calendar.set_day(d("17.05.2025"), OverrideKind.WORKDAY, "Отработка карантина")
    # 21.05 (1), 19.05 (2), Saturday 17.05 worked (3).
    worked = school.tickets.create(ticket(event_date=d("22.05.2025")))
    assert worked.terms.submit_by == d("17.05.2025")
    # The first ticket keeps the terms it was given.
    assert school.tickets.card(before.id).terms.submit_by == d("19.05.2025")


def test_the_form_is_checked_field_by_field(school: Services):
    problems = school.tickets.check_input(
        TicketInput(client_name=" ", category=Category.MEDIA, event_date=d("01.04.2025"), description="",
                    client_contact="mail.ru@", files=(FileIn("пусто.txt", b""),))
    )  # fmt: skip
    assert set(problems) == {"client_name", "description", "event_date", "client_contact", "files"}
    assert school.tickets.check_input(ticket()) == {}


# -- statuses by role ------------------------------------------------------------------------------------------------


def test_each_role_sets_only_its_own_statuses_and_a_refused_step_changes_nothing(school: Services, staff):
    operator, agent, agent2 = staff["operator"], staff["agent"], staff["agent2"]
    secretary, director = staff["secretary"], staff["director"]
    card = operator.tickets.create(ticket())
    tid = card.id

    def refused(who: Services, status: Status, error: type[ServiceError], words: str) -> None:
        before = state(school, tid)
        with pytest.raises(error) as info:
            who.tickets.set_status(tid, status)
        assert words in str(info.value)
        assert state(school, tid) == before

    # Nobody is assigned yet: «В работе» needs an agent.
    refused(operator, Status.IN_WORK, ServiceError, "Сначала назначьте исполнителя")
    refused(operator, Status.DONE, ServiceError, "Из статуса «Открыто» нельзя перейти в «Исполнено»")
    refused(operator, Status.WAIT_CLIENT, ServiceError, "ставится сам")
    refused(operator, Status.OPEN, ServiceError, "Заявка уже в статусе «Открыто»")
    refused(operator, Status.REFUSED, ServiceError, "укажите основание")
    refused(secretary, Status.REVIEW, PermissionDenied, "")
    refused(director, Status.REVIEW, PermissionDenied, "")
    refused(agent, Status.REVIEW, PermissionDenied, "назначена другому исполнителю")

    operator.tickets.assign(tid, uid(agent))
    refused(agent, Status.REVIEW, PermissionDenied, "«На рассмотрении» ставит оператор")
    refused(
        operator, Status.IN_WORK, PermissionDenied, "«В работе» ставит исполнитель, назначенный на заявку"
    )
    refused(agent, Status.IN_WORK, ServiceError, "Из статуса «Открыто» нельзя перейти в «В работе»")

    reviewed = operator.tickets.set_status(tid, Status.REVIEW, note="Данные полные, сроки соблюдены")
    assert reviewed.row.status is Status.REVIEW
    assert reviewed.history[-1].title == "«Открыто» → «На рассмотрении»"
    assert (reviewed.history[-1].note, reviewed.history[-1].actor) == (
        "Данные полные, сроки соблюдены",
        NAMES["operator"],
    )
    refused(agent2, Status.IN_WORK, PermissionDenied, "назначена другому исполнителю")
    refused(agent, Status.DONE, PermissionDenied, "«Исполнено» ставит оператор")
    refused(operator, Status.DONE, ServiceError, "Из статуса «На рассмотрении» нельзя перейти в «Исполнено»")

    in_work = agent.tickets.set_status(tid, Status.IN_WORK, note="Зал 2-го этажа, 12.05 с 15:00")
    assert in_work.row.status is Status.IN_WORK
    assert (in_work.row.next_kind, in_work.row.next_due) == (TermKind.EVENT, d("13.05.2025"))
    assert Status.DONE in operator.tickets.card(tid).next_statuses
    refused(director, Status.DONE, PermissionDenied, "")
    done = operator.tickets.set_status(tid, Status.DONE)
    assert (done.row.status, done.row.urgency, done.row.next_due) == (Status.DONE, Urgency.FINISHED, None)
    refused(operator, Status.CLOSED, ServiceError, "закрыта со статусом «Исполнено»")
    refused(agent, Status.IN_WORK, ServiceError, "больше не меняется")
    assert [(h.kind, h.title) for h in done.history] == [
        (StepKind.CREATED, "Заявка подана: «Открыто»"),
        (StepKind.ASSIGNED, "Назначен исполнитель"),
        (StepKind.STATUS, "«Открыто» → «На рассмотрении»"),
        (StepKind.STATUS, "«На рассмотрении» → «В работе»"),
        (StepKind.STATUS, "«В работе» → «Исполнено»"),
    ]
    assert [e.after for e in events(school, card.number, "status")] == [
        {"status": "На рассмотрении"}, {"status": "В работе"}, {"status": "Исполнено"},
    ]  # fmt: skip


def test_done_needs_the_ticket_to_have_been_in_work(school: Services, staff):
    operator, agent = staff["operator"], staff["agent"]
    tid = operator.tickets.create(ticket()).id
    operator.tickets.assign(tid, uid(agent))
    operator.tickets.set_status(tid, Status.REVIEW)
    operator.tickets.message(tid, "Сколько человек придёт на репетицию?", party=Party.OPERATOR)
    before = state(school, tid)
    with pytest.raises(ServiceError, match="«Исполнено» ставится после того"):
        operator.tickets.set_status(tid, Status.DONE)
    assert state(school, tid) == before
    assert Status.DONE not in operator.tickets.card(tid).next_statuses
    # Once the agent had it in work, waiting for the client does not stop the operator from finishing it.
    agent.tickets.set_status(tid, Status.IN_WORK)
    agent.tickets.message(tid, "Ключ от зала на вахте", party=Party.AGENT)
    assert operator.tickets.set_status(tid, Status.DONE).row.status is Status.DONE


def test_the_director_sees_the_queue_but_does_nothing_to_a_ticket(school: Services, staff):
    operator, director = staff["operator"], staff["director"]
    tid = operator.tickets.create(ticket()).id
    card = director.tickets.card(tid)
    assert (card.parties, card.next_statuses, card.can_assign, card.can_message, card.can_refuse) == (
        frozenset(), (), False, False, False,
    )  # fmt: skip
    assert card.suggested_refusal is None
    before = state(school, tid)
    for call in (
        lambda: director.tickets.message(tid, "Вопрос", party=Party.OPERATOR),
        lambda: director.tickets.refuse(tid, RefusalReason.INCOMPLETE),
        lambda: director.tickets.withdraw(tid),
        lambda: director.tickets.assign(tid, uid(staff["agent"])),
        lambda: director.tickets.create(ticket()),
    ):
        with pytest.raises(PermissionDenied):
            call()
    assert state(school, tid) == before


# -- messages ----------------------------------------------------------------------------------------------------


def test_messages_set_the_waiting_statuses(school: Services, staff):
    operator, agent, agent2 = staff["operator"], staff["agent"], staff["agent2"]
    tid = operator.tickets.create(ticket()).id
    operator.tickets.set_status(tid, Status.REVIEW)

    asked = operator.tickets.message(tid, "Уточните, нужен ли микрофон?", party=Party.OPERATOR)
    assert asked.row.status is Status.WAIT_CLIENT
    assert (asked.row.next_kind, asked.row.next_due) == (TermKind.CLIENT, d("07.05.2025"))
    answered = operator.tickets.message(tid, "Да, два микрофона.", party=Party.CLIENT)
    assert answered.row.status is Status.WAIT_OPERATOR
    assert (answered.messages[-1].author, answered.messages[-1].recorded_by) == (
        "Иванов Пётр Сергеевич",
        NAMES["operator"],
    )

    operator.tickets.assign(tid, uid(agent))
    before = state(school, tid)
    with pytest.raises(PermissionDenied, match="от имени исполнителя"):
        operator.tickets.message(tid, "Пишу за исполнителя", party=Party.AGENT)
    with pytest.raises(PermissionDenied, match="от имени оператора"):
        agent.tickets.message(tid, "Пишу за оператора", party=Party.OPERATOR)
    with pytest.raises(PermissionDenied):
        agent2.tickets.message(tid, "Я не на этой заявке", party=Party.AGENT)
    with pytest.raises(ValidationError):
        agent.tickets.message(tid, "  ", party=Party.AGENT)
    assert state(school, tid) == before

    from_agent = agent.tickets.message(tid, "Зал свободен с 15:00, подойдёт?", party=Party.AGENT)
    assert from_agent.row.status is Status.WAIT_CLIENT
    client = agent.tickets.message(tid, "Подойдёт, спасибо", party=Party.CLIENT, author="Петрова Анна, 10А")
    assert client.row.status is Status.WAIT_OPERATOR
    assert [(m.party, m.author) for m in client.messages] == [
        (Party.OPERATOR, NAMES["operator"]),
        (Party.CLIENT, "Иванов Пётр Сергеевич"),
        (Party.AGENT, NAMES["agent"]),
        (Party.CLIENT, "Петрова Анна, 10А"),
    ]
    assert [h.note for h in client.history if h.kind is StepKind.STATUS][-2:] == [
        "сообщение: исполнитель", "сообщение: заявитель",
    ]  # fmt: skip

    operator.tickets.withdraw(tid)
    before = state(school, tid)
    with pytest.raises(ServiceError, match="уже закрыта со статусом «Закрыто»"):
        operator.tickets.message(tid, "Ещё вопрос", party=Party.OPERATOR)
    assert state(school, tid) == before
    assert not operator.tickets.card(tid).can_message


def test_a_message_may_carry_a_file(school: Services, staff):
    operator = staff["operator"]
    tid = operator.tickets.create(ticket()).id
    plan = FileIn("План зала.png", b"\x89PNG plan")
    card = operator.tickets.message(tid, "Схема расстановки стульев", party=Party.CLIENT, attachment=plan)
    attached = card.messages[-1].attachment
    assert attached is not None and attached.name == "План зала.png"
    assert operator.tickets.attachment(attached.id) == ("План зала.png", plan.data)


# -- refusing and withdrawing --------------------------------------------------------------------------------------


def test_the_operator_refuses_on_any_ground_with_its_words(school: Services, staff):
    operator = staff["operator"]
    tid = operator.tickets.create(ticket()).id
    card = operator.tickets.refuse(tid, RefusalReason.INCOMPLETE, "Не указано, сколько участников")
    assert (card.row.status, card.refusal_reason, card.close_note) == (
        Status.REFUSED, RefusalReason.INCOMPLETE, "Не указано, сколько участников",
    )  # fmt: skip
    assert card.history[-1].note == (
        "в обращении указаны недостоверные и неполные данные; Не указано, сколько участников"
    )
    with pytest.raises(ServiceError, match="уже закрыта"):
        operator.tickets.refuse(tid, RefusalReason.LATE)


def test_the_agent_refuses_only_when_the_client_missed_their_term(school: Services, staff, clock):
    operator, agent = staff["operator"], staff["agent"]
    # Rooms, event 13.05.2025: the client answers by 07.05 (2 working days before: 12.05, 07.05).
    tid = operator.tickets.create(ticket()).id
    operator.tickets.assign(tid, uid(agent))
    operator.tickets.set_status(tid, Status.REVIEW)
    assert not agent.tickets.card(tid).can_refuse
    agent.tickets.message(tid, "Нужен ли проектор?", party=Party.AGENT)

    clock.now = local("07.05.2025 18:00")  # the client's last day: they may still answer
    before = state(school, tid)
    with pytest.raises(PermissionDenied, match="Заявитель ещё может ответить"):
        agent.tickets.refuse(tid, RefusalReason.NO_ANSWER)
    assert state(school, tid) == before
    assert operator.tickets.card(tid).suggested_refusal is None
    assert tid not in {r.id for r in operator.tickets.page(TicketFilter(needs_operator=True))}

    clock.now = local("08.05.2025 09:00")  # the term has passed (a holiday, but a day later all the same)
    offered = operator.tickets.card(tid)
    assert offered.suggested_refusal == (RefusalReason.NO_ANSWER, "ответ нужен был не позднее 07.05.2025")
    assert tid in {r.id for r in operator.tickets.page(TicketFilter(needs_operator=True))}
    seen = agent.tickets.card(tid)
    assert seen.can_refuse and seen.suggested_refusal is None
    for reason in (RefusalReason.LATE, RefusalReason.INCOMPLETE):
        with pytest.raises(PermissionDenied, match="п. 4.3.3"):
            agent.tickets.refuse(tid, reason)
    assert state(school, tid) == before
    card = agent.tickets.refuse(tid, RefusalReason.NO_ANSWER, "Ответа на вопрос о проекторе не было")
    assert (card.row.status, card.refusal_reason) == (Status.REFUSED, RefusalReason.NO_ANSWER)
    assert card.history[-1].actor == NAMES["agent"]


def test_withdrawal_closes_the_ticket_as_withdrawn_by_the_client(school: Services, staff):
    operator, agent, agent2, director = staff["operator"], staff["agent"], staff["agent2"], staff["director"]
    first = operator.tickets.create(ticket()).id
    second = operator.tickets.create(ticket("Печать афиш", category=Category.PRINTING)).id
    operator.tickets.assign(second, uid(agent))
    before = state(school, second)
    with pytest.raises(PermissionDenied):
        agent2.tickets.withdraw(second)
    with pytest.raises(PermissionDenied):
        director.tickets.withdraw(second)
    assert state(school, second) == before

    by_operator = operator.tickets.withdraw(first, "Концерт перенесли")
    assert (by_operator.row.status, by_operator.close_note) == (
        Status.CLOSED,
        "отозвано заявителем; Концерт перенесли",
    )
    by_agent = agent.tickets.withdraw(second)
    assert (by_agent.row.status, by_agent.close_note, by_agent.refusal_reason) == (
        Status.CLOSED, "отозвано заявителем", None,
    )  # fmt: skip
    assert by_agent.history[-1].title == "«Открыто» → «Закрыто»"


# -- assignment and proposals -------------------------------------------------------------------------------------


def test_assignment_and_reassignment_are_in_the_history_and_the_log(school: Services, staff):
    operator, agent, agent2 = staff["operator"], staff["agent"], staff["agent2"]
    card = operator.tickets.create(ticket())
    assigned = operator.tickets.assign(card.id, uid(agent))
    assert (assigned.row.agent_id, assigned.row.agent_name) == (uid(agent), NAMES["agent"])
    with pytest.raises(ServiceError, match="уже назначена"):
        operator.tickets.assign(card.id, uid(agent))
    with pytest.raises(PermissionDenied):
        agent.tickets.assign(card.id, uid(agent2))
    moved = operator.tickets.assign(card.id, uid(agent2), note="Смирнова О. П. в отпуске")
    assert moved.row.agent_name == NAMES["agent2"]
    assert [(h.title, h.note, h.actor) for h in moved.history if h.kind is StepKind.ASSIGNED] == [
        ("Назначен исполнитель", NAMES["agent"], NAMES["operator"]),
        (
            "Исполнитель заменён",
            f"{NAMES['agent']} → {NAMES['agent2']}; Смирнова О. П. в отпуске",
            NAMES["operator"],
        ),
    ]
    logged = events(school, card.number, "assign", "reassign")
    assert [(e.action, e.before, e.after, e.actor) for e in logged] == [
        ("assign", None, {"agent": NAMES["agent"]}, NAMES["operator"]),
        ("reassign", {"agent": NAMES["agent"]}, {"agent": NAMES["agent2"]}, NAMES["operator"]),
    ]
    # The first agent no longer sees it.
    with pytest.raises(PermissionDenied):
        agent.tickets.card(card.id)
    assert agent2.tickets.card(card.id).parties == frozenset({Party.AGENT})


def test_only_an_active_agent_can_be_assigned(school: Services, staff):
    operator, secretary = staff["operator"], staff["secretary"]
    card = operator.tickets.create(ticket())
    school.users.block("agent2")
    before = state(school, card.id)
    with pytest.raises(ServiceError, match="не исполнитель"):
        operator.tickets.assign(card.id, uid(secretary))
    with pytest.raises(ServiceError, match="заблокирован"):
        operator.tickets.assign(card.id, uid(staff["agent2"]))
    assert state(school, card.id) == before
    assert [a.login for a in operator.tickets.agents()] == ["agent"]
    with pytest.raises(ServiceError, match="не исполнитель"):
        operator.tickets.set_specialisations(uid(secretary), [Category.ROOMS])


def test_proposals_weigh_specialisation_absence_and_load(school: Services, staff):
    operator, agent, agent2 = staff["operator"], staff["agent"], staff["agent2"]
    agent3 = person(school, Role.AGENT, "agent3")
    agent4 = person(school, Role.AGENT, "agent4")
    for who in (agent, agent2, agent3):
        operator.tickets.set_specialisations(uid(who), [Category.ROOMS, Category.MEDIA])
    operator.tickets.set_specialisations(uid(agent4), [Category.TRANSPORT])
    # Орлова is away over the work days (30.04–13.05); Смирнова's absence after the event does not matter, and a past
    # one is not even listed.
    operator.tickets.add_absence(
        uid(agent3), d("05.05.2025"), d("08.05.2025"), "курсы повышения квалификации"
    )
    operator.tickets.add_absence(uid(agent), d("19.05.2025"), d("23.05.2025"), "отпуск")
    operator.tickets.add_absence(uid(agent), d("01.04.2025"), d("02.04.2025"), "больничный")
    # Load: Смирнова has two open tickets, Васильев one, and a finished one does not count.
    for who, n in ((agent, 2), (agent2, 1)):
        for _ in range(n):
            operator.tickets.assign(
                operator.tickets.create(ticket("Фотосъёмка", category=Category.MEDIA)).id, uid(who)
            )
    finished = operator.tickets.create(ticket("Печать", category=Category.PRINTING)).id
    operator.tickets.assign(finished, uid(agent2))
    operator.tickets.withdraw(finished)

    tid = operator.tickets.create(ticket()).id
    proposals = operator.tickets.proposals(tid)
    assert [p.reason for p in proposals] == [
        "Васильев И. Н.: бронирование помещений, 1 открытая заявка",
        "Смирнова О. П.: бронирование помещений, 2 открытые заявки",
        "Орлова А. Д.: бронирование помещений, отсутствует 05.05–08.05, 0 открытых заявок",
        "Зайцев П. А.: не по специализации, 0 открытых заявок",
    ]
    assert [p.suitable for p in proposals] == [True, True, False, False]
    views = {a.login: a for a in operator.tickets.agents()}
    assert [a.text for a in views["agent"].absences] == ["19.05.2025–23.05.2025 (отпуск)"]
    assert (views["agent2"].open_tickets, views["agent3"].absent_today) == (1, False)
    # Assigned to Васильев, the ticket does not count against him in its own proposal.
    operator.tickets.assign(tid, uid(agent2))
    assert (
        operator.tickets.proposals(tid)[0].reason
        == "Васильев И. Н.: бронирование помещений, 1 открытая заявка"
    )
    with pytest.raises(PermissionDenied):
        agent.tickets.proposals(tid)
    with pytest.raises(ValidationError):
        operator.tickets.add_absence(uid(agent), d("10.05.2025"), d("09.05.2025"))


# -- who sees what -------------------------------------------------------------------------------------------------


def test_an_agent_sees_only_their_own_tickets(school: Services, staff):
    operator, agent, agent2 = staff["operator"], staff["agent"], staff["agent2"]
    scan = FileIn("смета.pdf", b"%PDF smeta")
    other_scan = FileIn("список класса.pdf", b"%PDF list")
    mine = operator.tickets.create(ticket(files=(scan,)))
    theirs = operator.tickets.create(ticket("Автобус на экскурсию", category=Category.TRANSPORT,
                                            event_date=d("30.05.2025"), files=(other_scan,)))  # fmt: skip
    operator.tickets.create(ticket("Никому не назначена"))
    operator.tickets.assign(mine.id, uid(agent))
    operator.tickets.assign(theirs.id, uid(agent2))

    assert operator.tickets.count() == 3
    assert agent.tickets.count() == 1
    assert [r.number for r in agent.tickets.page()] == [mine.number]
    assert agent.tickets.summary().open == 1
    assert agent.tickets.find(mine.number) == mine.id
    assert agent.tickets.find(theirs.number) is None
    assert agent.tickets.card(mine.id).parties == frozenset({Party.AGENT})
    assert agent.tickets.attachment(mine.files[0].id) == ("смета.pdf", scan.data)
    with pytest.raises(PermissionDenied, match="назначена другому исполнителю"):
        agent.tickets.card(theirs.id)
    with pytest.raises(PermissionDenied):
        agent.tickets.attachment(theirs.files[0].id)
    with pytest.raises(PermissionDenied):
        agent.tickets.create(ticket())
    assert [r.number for r in agent.tickets.page(TicketFilter(mine=True))] == [mine.number]


def test_the_secretary_takes_tickets_in_and_tells_where_they_stand_but_changes_nothing(
    school: Services, staff
):
    operator, secretary = staff["operator"], staff["secretary"]
    card = secretary.tickets.create(ticket())
    assert (card.number, card.row.status) == ("И-2025/0001", Status.OPEN)
    assert (card.parties, card.next_statuses, card.can_assign, card.can_message) == (
        frozenset(),
        (),
        False,
        False,
    )
    assert card.suggested_refusal is None
    assert events(school, card.number, "create")[0].actor == NAMES["secretary"]
    operator.tickets.set_status(card.id, Status.REVIEW)
    # A student asks where their ticket stands (seed 002 §4.1.2): the secretary finds it by its number.
    assert secretary.tickets.find("И-2025/0001") == card.id
    assert secretary.tickets.card(card.id).row.status is Status.REVIEW
    assert secretary.tickets.count() == 1
    before = state(school, card.id)
    for call in (
        lambda: secretary.tickets.set_status(card.id, Status.CLOSED),
        lambda: secretary.tickets.message(card.id, "Вопрос", party=Party.CLIENT),
        lambda: secretary.tickets.refuse(card.id, RefusalReason.INCOMPLETE),
        lambda: secretary.tickets.withdraw(card.id),
        lambda: secretary.tickets.assign(card.id, uid(staff["agent"])),
        lambda: secretary.tickets.feedback(card.id, 5),
        secretary.tickets.agents,
    ):
        with pytest.raises(PermissionDenied):
            call()
    assert state(school, card.id) == before
    # The deputy director both takes in and sees them.
    deputy = person(school, Role.DEPUTY)
    assert deputy.tickets.create(ticket()).number == "И-2025/0002"
    assert deputy.tickets.count() == 2


# -- feedback ---------------------------------------------------------------------------------------------------


def test_feedback_is_recorded_after_the_work_is_done(school: Services, staff):
    operator, agent = staff["operator"], staff["agent"]
    tid = operator.tickets.create(ticket()).id
    operator.tickets.assign(tid, uid(agent))
    operator.tickets.set_status(tid, Status.REVIEW)
    agent.tickets.set_status(tid, Status.IN_WORK)
    with pytest.raises(ServiceError, match="после исполнения, а заявка И-2025/0001 — «В работе»"):
        operator.tickets.feedback(tid, 5)
    operator.tickets.set_status(tid, Status.DONE)
    before = state(school, tid)
    for rating in (0, 6):
        with pytest.raises(ValidationError, match="от 1 до 5"):
            operator.tickets.feedback(tid, rating)
    with pytest.raises(PermissionDenied):
        agent.tickets.feedback(tid, 5)
    assert state(school, tid) == before
    assert operator.tickets.card(tid).can_feedback
    card = operator.tickets.feedback(tid, 5, "Зал подготовили вовремя, спасибо!")
    assert (card.rating, card.feedback) == (5, "Зал подготовили вовремя, спасибо!")
    assert (card.history[-1].title, card.history[-1].note) == (
        "Обратная связь заявителя", "оценка 5 из 5; Зал подготовили вовремя, спасибо!",
    )  # fmt: skip
    assert card.row.status is Status.DONE


# -- the queue -------------------------------------------------------------------------------------------------


def test_the_queue_filters(school: Services, staff):
    operator, agent = staff["operator"], staff["agent"]
    # Today 30.04.2025.
    printing = operator.tickets.create(ticket("Печать грамот для олимпиады", category=Category.PRINTING,
                                              client_name="Иванов Пётр Сергеевич"))  # fmt: skip
    # Rooms, event Mon 05.05: 30.04 (1), 29.04 (2), 28.04 (3): submitted late; the report was due 29.04.
    late = operator.tickets.create(ticket("Репетиция в актовом зале", event_date=d("05.05.2025"),
                                          client_name="Петрова Анна Викторовна"))  # fmt: skip
    bus = operator.tickets.create(ticket("Автобус на экскурсию для 7Б", category=Category.TRANSPORT,
                                         event_date=d("30.05.2025"), client_name="Сидоров Максим Ильич",
                                         client_group="7Б"))  # fmt: skip
    photo = operator.tickets.create(ticket("ФОТОСЪЁМКА выпускного", category=Category.MEDIA,
                                           event_date=d("20.05.2025"), client_name="Белова Дарья Олеговна",
                                           client_group="11А"))  # fmt: skip
    operator.tickets.assign(bus.id, uid(agent))
    operator.tickets.set_status(bus.id, Status.REVIEW)
    agent.tickets.set_status(bus.id, Status.IN_WORK)
    operator.tickets.set_status(photo.id, Status.REVIEW)
    refused = operator.tickets.create(ticket("Сувениры для гостей", category=Category.SOUVENIRS,
                                             client_name="Кузьмин Артём Олегович"))  # fmt: skip
    operator.tickets.refuse(refused.id, RefusalReason.INCOMPLETE)

    def numbers(flt: TicketFilter, who: Services = operator) -> set[str]:
        return {r.number for r in who.tickets.page(flt)}

    assert numbers(TicketFilter(needs_operator=True)) == {printing.number, late.number, photo.number}
    assert numbers(TicketFilter(urgent=True)) == {late.number}
    assert numbers(TicketFilter(late=True)) == {late.number}
    assert numbers(TicketFilter(mine=True), agent) == {bus.number}
    assert numbers(TicketFilter(unassigned=True)) == {printing.number, late.number, photo.number}
    assert numbers(TicketFilter(category=Category.ROOMS)) == {late.number}
    assert numbers(TicketFilter(statuses=frozenset({Status.IN_WORK, Status.REVIEW}))) == {
        bus.number,
        photo.number,
    }
    assert numbers(TicketFilter(active=False)) == {refused.number}
    assert numbers(TicketFilter(agent_id=uid(agent))) == {bus.number}
    assert numbers(TicketFilter(search="АКТОВОМ")) == {late.number}
    assert numbers(TicketFilter(search="фотосъёмка")) == {photo.number}
    assert numbers(TicketFilter(search="иванов")) == {printing.number}
    assert numbers(TicketFilter(search="7б")) == {bus.number}
    assert numbers(TicketFilter(search=late.number)) == {late.number}
    assert numbers(TicketFilter(search="100%")) == set()
    assert operator.tickets.count(TicketFilter(needs_operator=True, category=Category.MEDIA)) == 1
    summary = operator.tickets.summary()
    assert (summary.open, summary.needs_operator, summary.urgent, summary.late, summary.unassigned) == (
        4,
        3,
        1,
        1,
        3,
    )
    row = next(r for r in operator.tickets.page() if r.id == late.id)
    assert (row.urgency, row.due_text) == (Urgency.LATE, "29.04.2025")


def test_the_queue_sorts_by_the_next_term(school: Services, staff):
    operator, agent = staff["operator"], staff["agent"]
    # Next terms as of 30.04.2025: the agent's report while open or reviewed, the event while in work, none when
    # finished (last).
    # Printing, event 13.05: report by 06.05 (12.05, 07.05, 06.05).
    a = operator.tickets.create(ticket("Печать", category=Category.PRINTING))
    # Rooms, event 05.05: report by 29.04 (30.04, 29.04).
    b = operator.tickets.create(ticket(event_date=d("05.05.2025")))
    c = operator.tickets.create(ticket("Автобус", category=Category.TRANSPORT, event_date=d("30.05.2025")))
    e = operator.tickets.create(ticket("Отозвана"))
    # Media, event 20.05: report by 16.05 (19.05, 16.05).
    dd = operator.tickets.create(ticket("Фото", category=Category.MEDIA, event_date=d("20.05.2025")))
    operator.tickets.assign(c.id, uid(agent))
    operator.tickets.set_status(c.id, Status.REVIEW)
    agent.tickets.set_status(c.id, Status.IN_WORK)  # now the event: 30.05
    operator.tickets.withdraw(e.id)
    rows = operator.tickets.page(sort=TicketSort.DUE)
    assert [r.number for r in rows] == [b.number, a.number, dd.number, c.number, e.number]
    assert [r.due_text for r in rows] == ["29.04.2025", "06.05.2025", "16.05.2025", "30.05.2025", "—"]
    descending = operator.tickets.page(sort=TicketSort.DUE, descending=True)
    assert [r.number for r in descending] == [e.number, c.number, dd.number, a.number, b.number]
    assert [r.number for r in operator.tickets.page(sort=TicketSort.DUE, offset=1, limit=2)] == [
        a.number,
        dd.number,
    ]


# -- conflicts and files ---------------------------------------------------------------------------------------


def test_a_stale_version_is_refused_and_changes_nothing(school: Services, staff):
    operator, agent = staff["operator"], staff["agent"]
    card = operator.tickets.create(ticket())
    stale = card.row.version
    fresh = operator.tickets.assign(card.id, uid(agent), version=stale).row.version
    assert fresh == stale + 1
    before = state(school, card.id)
    for call in (
        lambda: operator.tickets.set_status(card.id, Status.REVIEW, version=stale),
        lambda: operator.tickets.message(card.id, "Вопрос", party=Party.OPERATOR, version=stale),
        lambda: operator.tickets.refuse(card.id, RefusalReason.INCOMPLETE, version=stale),
        lambda: operator.tickets.withdraw(card.id, version=stale),
        lambda: operator.tickets.assign(card.id, uid(staff["agent2"]), version=stale),
        lambda: agent.tickets.message(card.id, "Вопрос", party=Party.AGENT, version=stale),
    ):
        with pytest.raises(ConflictError, match="изменена другим пользователем"):
            call()
    assert state(school, card.id) == before
    assert operator.tickets.set_status(card.id, Status.REVIEW, version=fresh).row.version == fresh + 1


def test_files_attached_on_creation_are_kept_once_by_content(school: Services):
    photo = FileIn("C:\\Фото\\сцена.jpg", b"\xff\xd8 stage photo" * 50)
    files = (photo, FileIn("сцена-копия.jpg", photo.data), FileIn("сценарий.docx", b"PK scenario"))
    card = school.tickets.create(ticket(files=files))
    assert [(f.name, f.size) for f in card.files] == [
        ("сцена.jpg", len(photo.data)), ("сцена-копия.jpg", len(photo.data)), ("сценарий.docx", 11),
    ]  # fmt: skip
    assert [school.tickets.attachment(f.id) for f in card.files] == [
        ("сцена.jpg", photo.data), ("сцена-копия.jpg", photo.data), ("сценарий.docx", b"PK scenario"),
    ]  # fmt: skip
    with school.ctx.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Blob)) == 2
        assert session.scalar(select(func.count()).select_from(Attachment)) == 3
    assert [e.after for e in events(school, card.number, "open_file")] == [
        {"file": "сцена.jpg"}, {"file": "сцена-копия.jpg"}, {"file": "сценарий.docx"},
    ]  # fmt: skip
    with pytest.raises(ServiceError, match="Файл не найден"):
        school.tickets.attachment(9999)
    school.settings.set("appeal_attachment_mib", "1")
    with pytest.raises(ValidationError) as info:
        school.tickets.create(ticket(files=(FileIn("видео.mp4", b"x" * (1024 * 1024 + 1)),)))
    assert "видео.mp4" in info.value.fields["files"]
    assert school.tickets.count() == 1
