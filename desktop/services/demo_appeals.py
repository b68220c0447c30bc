"""Demo appeals: every state of the queue as of today, a thread with five repeats, escalations across a holiday."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from desktop.domain.access import Actor, Role
from desktop.domain.appeals import Channel, Delivery, Rubric
from desktop.domain.calendar import WorkCalendar
from desktop.services.appeals import AppealInput, AppealsService
from desktop.services.calendar import CalendarService
from desktop.services.context import ServiceContext
from desktop.services.files import FileIn
from desktop.services.registry import Services
from desktop.services.settings import SettingsService


class _Clock:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


_SCAN = FileIn(
    "Заявление Лебедевой.txt",
    "Директору МАОУ СОШ № 7\nот Лебедевой С. В.\n\nПрошу рассмотреть вопрос о переводе дочери в 7 «А» класс.\n".encode(),
)


def fill_demo_appeals(services: Services, actors: dict[Role, Actor]) -> None:
    """Register, answer and sweep demo appeals as the demo staff, each at its own moment before now."""
    now = services.ctx.clock()
    clock = _Clock(now)

    def as_(actor: Actor) -> AppealsService:
        ctx = ServiceContext(services.ctx.sessions, actor, clock)
        return AppealsService(ctx, SettingsService(ctx), CalendarService(ctx))

    secretary, deputy, director = (as_(actors[role]) for role in (Role.SECRETARY, Role.DEPUTY, Role.DIRECTOR))
    tz = services.settings.timezone()
    cal = services.calendar.work_calendar()
    today = now.astimezone(tz).date()

    def back(n: int) -> dt.date:
        return cal.subtract_working_days(today, n) if n else today

    def at(day: dt.date, hh: int, mm: int = 0) -> dt.datetime:
        moment = dt.datetime.combine(day, dt.time(hh, mm), tzinfo=tz).astimezone(dt.UTC)
        return min(moment, now)

    def register(day: dt.date, hh: int, mm: int, data: AppealInput, *, by: AppealsService = secretary) -> int:
        clock.now = at(day, hh, mm)
        return by.register(data).id

    def then(day: dt.date, hh: int, action: Callable[[], object]) -> None:
        clock.now = at(day, hh)
        action()

    # Waiting at the deputy director's level: fresh, one day left, due today.
    register(today, 8, 40, AppealInput(
        "Лебедева Светлана Викторовна", Rubric.SCHOOL,
        "Прошу рассмотреть перевод дочери Лебедевой Анны из 6 «Б» в 7 «А» класс в связи с переездом. "
        "Заявление прилагаю.",
        email="lebedeva.sv@example.ru", phone="+7 912 345-67-01", channel=Channel.IN_PERSON,
        child_name="Лебедева Анна", child_class="6Б", attachment=_SCAN,
    ))
    register(back(2), 10, 15, AppealInput(
        "Григорьев Павел Андреевич", Rubric.SCHOOL,
        "Почему в расписании 8 «В» класса шесть уроков по вторникам, а в других восьмых классах пять?",
        email="grigoriev.pa@example.ru", channel=Channel.AIS, child_name="Григорьев Максим", child_class="8В",
    ))
    register(back(3), 11, 30, AppealInput(
        "Фёдорова Ольга Николаевна", Rubric.SCHOOL,
        "Когда будет организовано горячее питание для учащихся группы продлённого дня?",
        phone="+7 904 111-22-33", channel=Channel.POST,
    ))
    # Escalated to the director: the deputy's term passed without an answer.
    register(back(4), 9, 5, AppealInput(
        "Николаев Сергей Петрович", Rubric.SCHOOL,
        "Прошу разъяснить порядок освобождения от уроков физкультуры на основании справки из поликлиники.",
        email="nikolaev.sp@example.ru", channel=Channel.SITE, child_name="Николаев Егор", child_class="9А",
    ))
    # Left the school: at the municipal body, and at the Department.
    register(back(6), 14, 20, AppealInput(
        "Егорова Марина Степановна", Rubric.SCHOOL,
        "Ребёнку не выдали учебники по английскому языку, хотя прошло уже три недели учебной четверти.",
        email="egorova.ms@example.ru", channel=Channel.POS, child_name="Егоров Кирилл", child_class="3Б",
    ))
    holiday = _holiday_before(cal, today - dt.timedelta(days=14))
    if holiday is not None:
        register(cal.subtract_working_days(holiday, 1), 15, 45, AppealInput(
            "Соловьёв Виктор Александрович", Rubric.SCHOOL,
            "Прошу сообщить, почему отменили школьный автобус из посёлка Мичуринский и как теперь добираться детям.",
            email="soloviev.va@example.ru", channel=Channel.AIS,
        ))
    # Answered: on time by the deputy director, and late by the director.
    on_time = register(back(5), 10, 0, AppealInput(
        "Павлова Ирина Михайловна", Rubric.SCHOOL, "Можно ли записать сына в кружок робототехники в середине года?",
        email="pavlova.im@example.ru", channel=Channel.EMAIL, child_name="Павлов Денис", child_class="5А",
    ))
    then(back(4), 16, lambda: deputy.answer(
        on_time, "Да, запись открыта до конца декабря. Занятия по средам в 15:00, кабинет 214.", Delivery.EMAIL
    ))
    late = register(back(9), 12, 10, AppealInput(
        "Морозова Анастасия Игоревна", Rubric.SCHOOL,
        "Прошу пересмотреть четвертную отметку по математике: в журнале не учтены две контрольные работы.",
        phone="+7 922 555-44-10", channel=Channel.IN_PERSON, child_name="Морозов Илья", child_class="7Б",
    ))
    then(back(5), 11, lambda: director.answer(
        late, "Отметки проверены с учителем, контрольные работы учтены, четвертная отметка исправлена на «4».",
        Delivery.IN_PERSON,
    ))
    # The СУИ: a technical question, and one the school found outside its competence.
    register(back(7), 13, 0, AppealInput(
        "Тимофеев Роман Олегович", Rubric.TECHNICAL,
        "Не могу войти в электронный дневник через Госуслуги: пишет «учётная запись не связана».",
        email="timofeev.ro@example.ru", channel=Channel.AIS,
    ))
    outside = register(back(2), 9, 50, AppealInput(
        "Ковалёва Дарья Сергеевна", Rubric.SCHOOL,
        "Прошу выдать путёвку в летний лагерь через портал госуслуг: заявка висит второй месяц.",
        email="kovaleva.ds@example.ru", channel=Channel.AIS,
    ))
    then(back(1), 10, lambda: deputy.forward_to_sui(
        outside, "Путёвки в лагеря выдаёт муниципалитет через портал госуслуг, школа их не распределяет"
    ))
    # A thread of six: the first appeal and five repeats; the fifth is notified to the Department.
    texts = [
        "На спортивной площадке школы сломаны тренажёры, дети могут пораниться. Прошу принять меры.",
        "Ответ не устроил: тренажёры по-прежнему сломаны, площадка открыта.",
        "Прошло две недели, ничего не изменилось. Прошу назвать срок ремонта.",
        "Срок ремонта не назван. Прошу закрыть площадку до ремонта.",
        "Площадка не закрыта. Вчера мой сын получил травму.",
        "Пятое повторное обращение: прошу провести проверку и сообщить о результатах.",
    ]
    answers = [
        "Заявка на ремонт направлена в хозяйственную службу.",
        "Ремонт запланирован, ожидаем поставку деталей.",
        "Поставка деталей ожидается в течение месяца.",
        "Площадка будет огорожена до ремонта.",
        "Проведена служебная проверка, площадка закрыта.",
    ]
    first_day = 17
    current = register(back(first_day), 9, 30, AppealInput(
        "Зуев Андрей Владимирович", Rubric.SCHOOL, texts[0], email="zuev.av@example.ru",
        phone="+7 912 000-11-22", channel=Channel.AIS,
    ))
    for n in range(1, 6):
        day = back(first_day - 3 * n + 2)
        then(day, 15, lambda c=current, a=answers[n - 1]: deputy.answer(c, a, Delivery.EMAIL))
        clock.now = at(back(first_day - 3 * n), 10)
        current = secretary.repeat(current, texts[n], channel=Channel.AIS).id

    clock.now = now
    as_(Actor.system()).sweep(now)  # as the app's own sweep does it


def _holiday_before(cal: WorkCalendar, day: dt.date) -> dt.date | None:
    """The latest weekday off (a holiday or a transferred day off) on or before `day`, within a year."""
    for back in range(366):
        d = day - dt.timedelta(days=back)
        if d.weekday() < 5 and not cal.is_working_day(d):
            return d
    return None
