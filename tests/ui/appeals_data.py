"""Appeals in every state for the GUI tests, made the way the office makes them: registered, answered, forwarded
and repeated by the demo school's people at past moments, then swept at the tests' fixed now.

Now is Monday 23.11.2026 10:00 in Tyumen; the demo school has 27.11.2026 off and works on Saturday 28.11.2026.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from desktop.domain.access import Actor
from desktop.domain.appeals import Channel, Delivery, Rubric
from desktop.services.appeals import AppealInput
from desktop.services.registry import Services
from tests.conftest import NOW, FixedClock
from tests.ui.helpers import log_in

TYUMEN = ZoneInfo("Asia/Yekaterinburg")


def at(day: str, time: str = "10:00") -> dt.datetime:
    """«16.11.2026», «09:30» in Tyumen, as the UTC moment the clock gives."""
    local = dt.datetime.strptime(f"{day} {time}", "%d.%m.%Y %H:%M").replace(tzinfo=TYUMEN)
    return local.astimezone(dt.UTC)


@dataclass
class Appeals:
    """The numbers of the appeals made, by what they show."""

    ids: dict[str, int] = field(default_factory=dict)
    numbers: dict[str, str] = field(default_factory=dict)


def fill_appeals(services: Services, clock: FixedClock) -> Appeals:
    """A queue with an appeal of each urgency, one answered, one forwarded to the СУИ, two technical, one that has
    left the school for the Department, and a thread of five repeats (the last one notified to the Department).

    Everything happens in the order of its moments, so that the register numbers follow the dates."""
    made = Appeals()
    secretary = log_in(services, "secretary").appeals
    deputy = log_in(services, "deputy").appeals
    school, technical = Rubric.SCHOOL, Rubric.TECHNICAL
    steps: list[tuple[dt.datetime, Callable[[], None]]] = []

    def register(key: str, when: dt.datetime, applicant: str, text: str, **extra: object) -> None:
        def do() -> None:
            card = secretary.register(AppealInput(applicant, text=text, **extra))  # type: ignore[arg-type]
            made.ids[key], made.numbers[key] = card.id, card.number

        steps.append((when, do))

    def answer(key: str, when: dt.datetime, text: str, delivery: Delivery = Delivery.EMAIL) -> None:
        steps.append((when, lambda: deputy.answer(made.ids[key], text, delivery) and None))

    def repeat(key: str, of: str, when: dt.datetime, text: str) -> None:
        def do() -> None:
            card = secretary.repeat(made.ids[of], text)
            made.ids[key], made.numbers[key] = card.id, card.number

        steps.append((when, do))

    register("thread0", at("01.10.2026", "11:20"), "Крылова Марина Петровна",
             "Прошу разъяснить, почему сыну выставлена неудовлетворительная оценка за четверть по алгебре.",
             rubric=school, email="krylova.m@mail.ru", phone="+7 912 345-67-01", channel=Channel.SITE,
             child_name="Крылов Артём", child_class="8 «А»")  # fmt: skip
    for n in range(1, 6):
        answer(f"thread{n - 1}", at("01.10.2026", "15:00") + dt.timedelta(days=8 * n - 6),
               f"Оценка выставлена по результатам контрольных работ (ответ № {n}).")  # fmt: skip
        repeat(f"thread{n}", f"thread{n - 1}", at("01.10.2026", "11:00") + dt.timedelta(days=8 * n),
               f"Повторно прошу пересмотреть оценку: ответ меня не устраивает ({n}-й раз).")  # fmt: skip
    register("technical_late", at("01.10.2026", "12:00"), "Тарасов Вадим Олегович",
             "Не приходит код подтверждения при входе в электронный дневник.",
             rubric=technical, email="tarasov.vo@mail.ru", channel=Channel.AIS)  # fmt: skip
    register("technical", at("02.11.2026", "10:10"), "Фёдорова Ксения Максимовна",
             "В электронном дневнике не видны оценки за последнюю неделю.",
             rubric=technical, email="fedorova.km@yandex.ru", channel=Channel.SITE)  # fmt: skip
    register("department", at("03.11.2026", "09:40"), "Голубев Сергей Анатольевич",
             "В школьной столовой третью неделю не выдают бесплатное питание моему ребёнку, "
             "хотя все документы сданы в сентябре.",
             rubric=school, email="golubev.sa@yandex.ru", phone="+7 904 111-22-33", channel=Channel.POS,
             child_name="Голубева Дарья", child_class="3 «Б»")  # fmt: skip
    register("municipal", at("12.11.2026", "14:05"), "Абрамова Елена Викторовна",
             "Не работает пандус у центрального входа, ребёнок на коляске не может попасть в школу.",
             rubric=school, phone="+7 922 000-11-44", channel=Channel.POST)  # fmt: skip
    register("director", at("16.11.2026", "10:30"), "Захаров Игорь Николаевич",
             "Прошу перевести дочь из 5 «В» в 5 «А» класс в связи с переездом.",
             rubric=school, email="zakharov@inbox.ru", channel=Channel.EMAIL, child_name="Захарова Алиса",
             child_class="5 «В»")  # fmt: skip
    register("answered", at("16.11.2026", "12:00"), "Лебедева Оксана Юрьевна",
             "Когда будет родительское собрание 9 классов по подготовке к ОГЭ?",
             rubric=school, email="lebedeva.o@mail.ru", channel=Channel.AIS)  # fmt: skip
    answer("answered", at("18.11.2026", "16:10"), "Собрание пройдёт 26.11.2026 в 18:00 в актовом зале.")
    register("today", at("18.11.2026", "08:50"), "Никитин Павел Сергеевич",
             "Прошу выдать справку об обучении для предоставления в органы социальной защиты.",
             rubric=school, phone="+7 950 777-88-99", channel=Channel.IN_PERSON, child_name="Никитин Глеб",
             child_class="7 «Г»")  # fmt: skip
    register("one_day", at("19.11.2026", "13:15"), "Орлова Виктория Андреевна",
             "Прошу сообщить расписание дополнительных занятий по русскому языку для 11 классов.",
             rubric=school, email="orlova.va@gmail.com", channel=Channel.SITE)  # fmt: skip
    register("forwarded", at("19.11.2026", "15:40"), "Соловьёв Андрей Петрович",
             "Почему на портале госуслуг не отображается запись ребёнка в кружок?",
             rubric=school, email="soloviev.ap@mail.ru", channel=Channel.EMAIL)  # fmt: skip
    steps.append((at("20.11.2026", "09:00"), lambda: deputy.forward_to_sui(
        made.ids["forwarded"], "Вопрос о работе портала госуслуг, школа его не ведёт.") and None))  # fmt: skip
    register("on_track", at("20.11.2026", "11:30"), "Михайлова Анна Игоревна",
             "Прошу разрешить ребёнку посещать бассейн в другой группе по состоянию здоровья.",
             rubric=school, phone="+7 919 555-44-33", channel=Channel.IN_PERSON, child_name="Михайлов Лев",
             child_class="2 «А»")  # fmt: skip
    register("fresh", at("23.11.2026", "09:15"), "Белоусова Наталья Викторовна",
             "Прошу предоставить копию приказа о зачислении сына в 1 класс.",
             rubric=school, email="belousova.nv@mail.ru", channel=Channel.IN_PERSON, child_name="Белоусов Марк",
             child_class="1 «В»")  # fmt: skip
    for when, do in sorted(steps, key=lambda step: step[0]):
        clock.now = when
        do()
    clock.now = NOW
    services.as_actor(Actor.system()).appeals.sweep()
    return made
