"""Demo initiative tickets (seed 002): every status and every category as of today, a ticket submitted late that
waits for the operator's decision, a client who missed their term, messages both ways, a reassignment, feedback;
two more agents with their specialisations and an absence."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from desktop.domain.access import Actor, Role
from desktop.domain.calendar import UnknownCalendarYear
from desktop.domain.tickets import Category, Party, RefusalReason, Status
from desktop.services.calendar import CalendarService
from desktop.services.context import ServiceContext
from desktop.services.demo import DEMO_PASSWORD
from desktop.services.files import FileIn
from desktop.services.registry import Services
from desktop.services.settings import SettingsService
from desktop.services.tickets import TicketInput, TicketsService

#: Agents besides the demo school's own (login, full name); they log in with the demo password.
DEMO_AGENTS = (
    ("agent2", "Васильев Игорь Николаевич"),
    ("agent3", "Орлова Анна Дмитриевна"),
)

#: What each demo agent does (seed 002 §3.1.3: the operator routes by specialisation and load).
_SPECIALISATIONS = {
    "agent": (Category.TRANSPORT, Category.ROOMS, Category.SOUVENIRS),
    "agent2": (Category.PRINTING, Category.INFO, Category.SOUVENIRS),
    "agent3": (Category.MEDIA, Category.ROOMS, Category.INFO),
}


class _Clock:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


_DIPLOMA = FileIn(
    "Макет грамоты.txt",
    "ГРАМОТА\nнаграждается ______________________\nза победу в школьном этапе олимпиады по математике\n"
    "Директор МАОУ СОШ № 7 ____________ Е. В. Соколова\n".encode(),
)
_LIST = FileIn(
    "Список участников заседания.txt",
    "Совет старшеклассников, заседание\n1. Белова Дарья, 11А — председатель\n2. Сидоров Максим, 10Б\n"
    "3. Петрова Анна, 10А\n4. Ким Артём, 9В\n".encode(),
)


@dataclass
class _Plan:
    """One ticket: when it came in, who took it in, what it asks, and what happened to it afterwards."""

    day: dt.date
    hh: int
    mm: int
    by: str
    data: TicketInput
    steps: list[tuple[dt.date, int, Callable[[int], object]]] = field(default_factory=list)


def fill_demo_tickets(services: Services, actors: dict[Role, Actor]) -> None:
    """Add the extra agents, then take in and work the demo tickets as the demo staff, each step at its own moment
    before now, on the working calendar relative to today (so the demo always looks alive)."""
    now = services.ctx.clock()
    clock = _Clock(now)
    tz = services.settings.timezone()
    cal = services.calendar.work_calendar()
    today = now.astimezone(tz).date()

    logins: dict[str, Actor] = {"agent": actors[Role.AGENT]}
    for login, name in DEMO_AGENTS:
        user = services.users.add(login, name, [Role.AGENT], DEMO_PASSWORD, must_change=False)
        logins[login] = Actor.user(user.id, user.login, user.full_name, [Role.AGENT])
    ids = {login: actor.user_id or 0 for login, actor in logins.items()}

    def as_(actor: Actor) -> TicketsService:
        ctx = ServiceContext(services.ctx.sessions, actor, clock)
        return TicketsService(ctx, SettingsService(ctx), CalendarService(ctx))

    operator = as_(actors[Role.OPERATOR])
    people = {"operator": operator, "secretary": as_(actors[Role.SECRETARY])}
    people.update({login: as_(actor) for login, actor in logins.items()})

    def fwd(n: int) -> dt.date:
        return cal.add_working_days(today, n)

    def back(n: int) -> dt.date:
        return cal.subtract_working_days(today, n) if n else today

    def at(day: dt.date, hh: int, mm: int = 0) -> dt.datetime:
        moment = dt.datetime.combine(day, dt.time(hh, mm), tzinfo=tz).astimezone(dt.UTC)
        return min(moment, now)

    try:
        fwd(14)
    except UnknownCalendarYear:  # the production calendar of the events' year is not known yet: no tickets
        return
    clock.now = at(back(12), 9)
    for login, categories in _SPECIALISATIONS.items():
        operator.set_specialisations(ids[login], categories)
    # Орлова is away on a course in a couple of weeks: the proposals say so for tickets whose work falls then.
    operator.add_absence(ids["agent3"], fwd(8), fwd(12), "курсы повышения квалификации")

    who = people.__getitem__

    def status(login: str, target: Status, note: str = "") -> Callable[[int], object]:
        return lambda t: who(login).set_status(t, target, note=note)

    def assign(user: str, note: str = "") -> Callable[[int], object]:
        return lambda t: operator.assign(t, ids[user], note=note)

    def say(login: str, party: Party, text: str) -> Callable[[int], object]:
        return lambda t: who(login).message(t, text, party=party)

    plans = [
        # «Открыто»: fresh, on time; and one submitted late that waits for the operator's decision.
        _Plan(today, 8, 30, "secretary", TicketInput(
            "Белова Дарья Олеговна", Category.ROOMS, fwd(8),
            "Совету старшеклассников нужен актовый зал на заседание с приглашёнными родителями, с 15:00 до 17:00, "
            "на 60 человек, с проектором и микрофоном.",
            client_group="Совет старшеклассников", client_contact="+7 912 400-11-22", files=(_LIST,),
        )),
        _Plan(today, 9, 10, "operator", TicketInput(
            "Сидоров Максим Ильич", Category.PRINTING, fwd(3),
            "Напечатать 45 грамот победителям и призёрам школьного этапа олимпиады по математике, макет приложен.",
            client_group="10Б", client_contact="sidorov.m@example.ru", files=(_DIPLOMA,),
        )),
        # «На рассмотрении»: checked by the operator, not yet given to anyone; and one already assigned.
        _Plan(back(1), 11, 0, "secretary", TicketInput(
            "Петрова Анна Викторовна", Category.INFO, fwd(10),
            "Разместить на сайте школы и в группе ВКонтакте анонс благотворительной ярмарки 10А класса.",
            client_group="10А", client_contact="+7 922 300-44-55",
        ), [(back(1), 14, status("operator", Status.REVIEW, "Данные полные, сроки соблюдены"))]),
        _Plan(back(2), 10, 20, "operator", TicketInput(
            "Ким Артём Сергеевич", Category.SOUVENIRS, fwd(12),
            "Подготовить 12 папок, блокнотов и ручек с символикой школы для гостей конференции «Шаг в науку».",
            client_group="Научное общество учащихся", client_contact="kim.a@example.ru",
        ), [
            (back(1), 9, status("operator", Status.REVIEW)),
            (back(1), 9, assign("agent2")),
        ]),
        # «В работе»: assigned by mistake, reassigned; the agent asked, the client answered, the bus is booked.
        _Plan(back(4), 9, 40, "secretary", TicketInput(
            "Николаева Ксения Андреевна", Category.TRANSPORT, fwd(9),
            "Автобус на экскурсию в Тобольский кремль для 7Б класса: 28 учеников и 3 взрослых, выезд в 8:00 от школы.",
            client_group="7Б", client_contact="+7 904 222-33-44",
        ), [
            (back(4), 11, status("operator", Status.REVIEW)),
            (back(4), 11, assign("agent2")),
            (back(4), 14, assign("agent", "транспорт ведёт Смирнова О. П.")),
            (back(3), 10, say("agent", Party.AGENT, "Уточните, пожалуйста, время возвращения и нужен ли "
                              "сопровождающий медработник.")),
            (back(2), 16, say("agent", Party.CLIENT, "Возвращаемся к 19:00. Медработник поедет с нами, "
                              "это Захарова Н. И.")),
            (back(1), 12, status("agent", Status.IN_WORK, "Автобус ПАЗ на 35 мест заказан, водитель Гусев В. П.")),
        ]),
        # «Ожидание ответа заявителя»: the client still has time to answer.
        _Plan(back(3), 13, 15, "operator", TicketInput(
            "Захарова Полина Игоревна", Category.MEDIA, fwd(6),
            "Фотосъёмка выпускного вечера 11А класса в актовом зале, около двух часов.",
            client_group="11А", client_contact="+7 950 111-00-99",
        ), [
            (back(2), 9, status("operator", Status.REVIEW)),
            (back(2), 9, assign("agent3")),
            (today, 11, say("agent3", Party.AGENT, "Нужна ли видеосъёмка или только фото? И во сколько начало?")),
        ]),
        # «Ожидание ответа заявителя», and the client's term has passed: the operator is offered the refusal.
        _Plan(back(3), 9, 0, "secretary", TicketInput(
            "Егоров Кирилл Павлович", Category.ROOMS, fwd(1),
            "Кабинет 305 для репетиции школьного театра после уроков, с 15:30 до 18:00.",
            client_group="Театральная студия «Маска»", client_contact="+7 912 777-66-55",
        ), [
            (back(3), 12, status("operator", Status.REVIEW)),
            (back(3), 12, assign("agent")),
            (back(3), 15, say("agent", Party.AGENT, "Кабинет 305 в этот день занят до 16:30. Подойдёт кабинет 210 "
                              "или начало в 16:30?")),
        ]),
        # «Ожидание ответа оператора»: the client has answered the operator's question.
        _Plan(back(2), 12, 30, "operator", TicketInput(
            "Фролов Денис Александрович", Category.INFO, fwd(7),
            "Объявить по школьному радио о сборе макулатуры 9В класса.",
            client_group="9В", client_contact="frolov.d@example.ru",
        ), [
            (back(2), 15, say("operator", Party.OPERATOR, "В какие дни и в каком кабинете принимается макулатура?")),
            (today, 8, say("operator", Party.CLIENT, "Во вторник и среду, с 14:00 до 16:00, у входа в спортзал.")),
        ]),
        # «Исполнено» with the client's feedback.
        _Plan(back(10), 10, 0, "operator", TicketInput(
            "Соловьёва Мария Евгеньевна", Category.PRINTING, back(3),
            "Распечатать программки концерта ко Дню матери, 150 экземпляров, цветные, формат А5.",
            client_group="Совет старшеклассников", client_contact="+7 919 555-12-12",
        ), [
            (back(9), 10, status("operator", Status.REVIEW)),
            (back(9), 10, assign("agent2")),
            (back(6), 15, status("agent2", Status.IN_WORK, "Макет согласован, печать в типографии 4 дня")),
            (back(2), 11, status("operator", Status.DONE, "Программки переданы организаторам")),
            (back(1), 10, lambda t: operator.feedback(t, 5, "Программки получились очень красивые, спасибо!")),
        ]),
        # «Отказано»: submitted too late for souvenirs.
        _Plan(back(2), 9, 50, "secretary", TicketInput(
            "Тихонов Глеб Романович", Category.SOUVENIRS, fwd(2),
            "Кружки с логотипом школы для команды, едущей на соревнования по волейболу, 10 штук.",
            client_group="Школьный спортивный клуб", client_contact="+7 908 444-55-66",
        ), [(back(2), 15, lambda t: operator.refuse(
            t, RefusalReason.LATE, "Изготовление кружек занимает не меньше недели; подайте заявку заранее."
        ))]),
        # «Закрыто»: withdrawn by the client.
        _Plan(back(5), 14, 0, "operator", TicketInput(
            "Лебедева Анна Сергеевна", Category.MEDIA, fwd(5),
            "Видеосъёмка концерта 5А класса для родителей.",
            client_group="5А", client_contact="+7 912 345-67-01",
        ), [
            (back(5), 16, status("operator", Status.REVIEW)),
            (back(5), 16, assign("agent3")),
            (back(1), 13, lambda t: operator.withdraw(t, "Концерт перенесён на следующую четверть")),
        ]),
        # «Исполнено» without feedback yet: the students' council had its room.
        _Plan(back(7), 11, 30, "secretary", TicketInput(
            "Белова Дарья Олеговна", Category.ROOMS, back(1),
            "Кабинет 112 для заседания совета старшеклассников по подготовке Недели науки.",
            client_group="Совет старшеклассников", client_contact="+7 912 400-11-22",
        ), [
            (back(7), 14, status("operator", Status.REVIEW)),
            (back(7), 14, assign("agent")),
            (back(6), 10, status("agent", Status.IN_WORK, "Кабинет 112 свободен, ключ на вахте")),
            (back(1), 17, status("operator", Status.DONE)),
        ]),
    ]  # fmt: skip

    # Taken in in the order they came, so that the numbers follow the days; then each one's story.
    created: list[tuple[_Plan, int]] = []
    for plan in sorted(plans, key=lambda p: at(p.day, p.hh, p.mm)):
        clock.now = at(plan.day, plan.hh, plan.mm)
        created.append((plan, people[plan.by].create(plan.data).id))
    for plan, ticket_id in created:
        for day, hh, action in plan.steps:
            clock.now = at(day, hh)
            action(ticket_id)
    clock.now = now
