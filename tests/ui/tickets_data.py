"""Initiative tickets in every state for the GUI tests, made the way the office makes them: taken in, reviewed,
assigned, discussed, worked and finished by the demo school's people at past moments.

Now is Monday 23.11.2026 10:00 in Tyumen. The school has the demo profile but none of the demo data (the demo's own
tickets would change every count): its staff for tickets is made here — the operator, «agent» (Смирнова О. П.) and
«agent2» (Константинова М. П., away 24–25.11.2026).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from desktop.domain.access import Role
from desktop.domain.tickets import Category, Party, Status
from desktop.services.demo import DEMO_PASSWORD
from desktop.services.registry import Services
from desktop.services.tickets import TicketInput
from tests.conftest import NOW, FixedClock
from tests.ui.appeals_data import at
from tests.ui.helpers import log_in

#: The logins made here, their names and roles.
STAFF = (
    ("admin", "Петров Алексей Игоревич", Role.ADMIN),
    ("operator", "Кузнецов Дмитрий Олегович", Role.OPERATOR),
    ("agent", "Смирнова Ольга Павловна", Role.AGENT),
    ("agent2", "Константинова Мария Петровна", Role.AGENT),
    ("secretary", "Иванова Наталья Сергеевна", Role.SECRETARY),
)


@dataclass
class Tickets:
    """The tickets made, by what they show; the agents' ids."""

    ids: dict[str, int] = field(default_factory=dict)
    numbers: dict[str, str] = field(default_factory=dict)
    agents: dict[str, int] = field(default_factory=dict)


def fill_tickets(services: Services, clock: FixedClock) -> Tickets:
    """`services`: a school with its profile (acting as the bootstrap actor, who may add users)."""
    made = Tickets()
    for login, name, role in STAFF:
        services.users.add(login, name, [role], DEMO_PASSWORD, must_change=False)
    operator = log_in(services, "operator").tickets
    agent = log_in(services, "agent").tickets
    agent2 = log_in(services, "agent2").tickets
    made.agents = {a.login: a.user_id for a in operator.agents()}
    operator.set_specialisations(made.agents["agent"], [Category.INFO, Category.PRINTING, Category.MEDIA, Category.ROOMS])
    operator.set_specialisations(made.agents["agent2"], [Category.TRANSPORT, Category.SOUVENIRS, Category.INFO])
    operator.add_absence(made.agents["agent2"], dt.date(2026, 11, 24), dt.date(2026, 11, 25), "курсы")

    steps: list[tuple[dt.datetime, Callable[[], None]]] = []

    def create(key: str, when: dt.datetime, client: str, group: str, category: Category, event: str,
               text: str, contact: str = "") -> None:  # fmt: skip
        def do() -> None:
            day = dt.datetime.strptime(event, "%d.%m.%Y").date()
            card = operator.create(TicketInput(client, category, day, text, group, contact))
            made.ids[key], made.numbers[key] = card.id, card.number

        steps.append((when, do))

    def then(when: dt.datetime, do: Callable[[], object]) -> None:
        steps.append((when, lambda: do() and None))

    a1, a2 = made.agents["agent"], made.agents["agent2"]
    create("done", at("02.11.2026", "11:00"), "Прохоров Илья", "11 «Б»", Category.TRANSPORT, "20.11.2026",
           "Автобус на экскурсию в краеведческий музей для 25 учеников.", "+7 912 000-00-01")  # fmt: skip
    then(at("02.11.2026", "12:00"), lambda: operator.set_status(made.ids["done"], Status.REVIEW))
    then(at("02.11.2026", "12:05"), lambda: operator.assign(made.ids["done"], a2))
    then(at("05.11.2026", "09:00"), lambda: agent2.set_status(made.ids["done"], Status.IN_WORK))
    then(at("19.11.2026", "16:00"), lambda: operator.set_status(made.ids["done"], Status.DONE))
    then(at("20.11.2026", "10:00"), lambda: operator.feedback(made.ids["done"], 5, "Всё прошло отлично."))
    create("conversation", at("16.11.2026", "10:20"), "Галкина Софья", "Совет старшеклассников", Category.MEDIA,
           "08.12.2026", "Фото- и видеосъёмка новогоднего концерта в актовом зале.", "galkina.s@mail.ru")  # fmt: skip
    then(at("16.11.2026", "11:00"), lambda: operator.set_status(made.ids["conversation"], Status.REVIEW))
    then(at("16.11.2026", "11:05"), lambda: operator.assign(made.ids["conversation"], a1))
    then(at("17.11.2026", "09:30"), lambda: agent.message(
        made.ids["conversation"], "Во сколько начинается концерт и нужен ли монтаж ролика?", party=Party.AGENT))
    then(at("18.11.2026", "14:00"), lambda: operator.message(
        made.ids["conversation"], "Начало в 17:00, нужен короткий ролик на 3 минуты.", party=Party.CLIENT))
    then(at("19.11.2026", "10:00"), lambda: agent.set_status(made.ids["conversation"], Status.IN_WORK))
    create("overdue", at("17.11.2026", "15:00"), "Лаптев Роман", "9 «В»", Category.INFO, "25.11.2026",
           "Объявление о турнире по шахматам на сайте школы и в группе ВКонтакте.")  # fmt: skip
    then(at("17.11.2026", "16:00"), lambda: operator.set_status(made.ids["overdue"], Status.REVIEW))
    then(at("17.11.2026", "16:05"), lambda: operator.assign(made.ids["overdue"], a2))
    create("due_today", at("18.11.2026", "09:00"), "Егорова Алина", "10 «А»", Category.PRINTING, "26.11.2026",
           "Напечатать 40 пригласительных на выпускной вечер начальной школы.")  # fmt: skip
    then(at("18.11.2026", "10:00"), lambda: operator.set_status(made.ids["due_today"], Status.REVIEW))
    then(at("18.11.2026", "10:05"), lambda: operator.assign(made.ids["due_today"], a1))
    create("wait_client", at("18.11.2026", "12:00"), "Сидоров Максим", "8 «А»", Category.INFO, "07.12.2026",
           "Анонс благотворительной ярмарки в школьной газете.")  # fmt: skip
    then(at("18.11.2026", "13:00"), lambda: operator.set_status(made.ids["wait_client"], Status.REVIEW))
    then(at("18.11.2026", "13:05"), lambda: operator.assign(made.ids["wait_client"], a1))
    then(at("20.11.2026", "09:00"), lambda: agent.message(
        made.ids["wait_client"], "Пришлите, пожалуйста, текст анонса.", party=Party.AGENT))
    create("late", at("23.11.2026", "09:30"), "Морозова Дарья", "7 «Б»", Category.PRINTING, "26.11.2026",
           "Распечатать афиши спектакля школьного театра, 10 штук формата А3.")  # fmt: skip
    create("open", at("23.11.2026", "09:40"), "Кириллов Тимур", "6 «А»", Category.ROOMS, "10.12.2026",
           "Забронировать актовый зал на репетицию хора, 15:00–17:00.")  # fmt: skip
    for when, do in sorted(steps, key=lambda step: step[0]):
        clock.now = when
        do()
    clock.now = NOW
    return made
