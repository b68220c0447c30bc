"""Demo marks and attendance (seed 003 §2.11, seed 004): the e-journal's export of this week and the previous one
(Monday to the last working day up to today) for every studying demo student — 4 to 6 lessons a day by each class's
timetable, marks mostly 4 and 5, a few absences («Н», «Б» for a day of illness) — imported as the demo secretary
through `GradesExchange`, and a term mark («Четвертная») for a student on paper, so that a final report is due."""

from __future__ import annotations

import datetime as dt
import random

from desktop.domain.access import Actor, Role
from desktop.domain.calendar import UnknownCalendarYear
from desktop.services.calendar import CalendarService
from desktop.services.context import ServiceContext
from desktop.services.families import StudentFilter
from desktop.services.grades_io import GradesExchange
from desktop.services.registry import Services
from desktop.services.settings import SettingsService
from desktop.services.tabular import TableRow

#: The subjects of a class's timetable by grade (the first ones come more often).
SUBJECTS = {
    5: ("Русский язык", "Математика", "Литература", "Английский язык", "История", "Биология", "География",
        "Физическая культура", "Музыка", "Технология", "Изобразительное искусство"),
    9: ("Русский язык", "Алгебра", "Геометрия", "Литература", "Английский язык", "Физика", "Химия", "Биология",
        "История", "Обществознание", "Информатика", "География", "Физическая культура"),
}  # fmt: skip
WORKS = ("", "", "", "", "Ответ на уроке", "Самостоятельная работа", "Домашнее задание", "Контрольная работа")
MARKS = ("5", "4", "3", "2")
MARK_WEIGHTS = (42, 40, 15, 3)


def fill_demo_grades(services: Services, actors: dict[Role, Actor]) -> None:
    """Import two weeks of the demo classes' marks and attendance as the demo secretary."""
    ctx = ServiceContext(services.ctx.sessions, actors[Role.SECRETARY], services.ctx.clock)
    exchange = GradesExchange(ctx, SettingsService(ctx), CalendarService(ctx))
    today = services.settings.today()
    cal = services.calendar.work_calendar()

    def working(day: dt.date) -> bool:
        try:
            return cal.is_working_day(day)
        except UnknownCalendarYear:
            return day.weekday() < 5

    monday = today - dt.timedelta(days=today.weekday() + 7)
    days = [d for i in range((today - monday).days + 1) if working(d := monday + dt.timedelta(days=i))]
    students = [s for s in services.families.students(StudentFilter(studying=True), limit=10_000)]
    if not days or not students:
        return
    rng = random.Random(f"demo-grades-{monday.isoformat()}")

    timetable: dict[tuple[str, int], list[str]] = {}
    for cls in sorted({s.class_name for s in students}):
        subjects = SUBJECTS[9 if int("".join(ch for ch in cls if ch.isdigit()) or 5) >= 7 else 5]
        for weekday in range(6):
            count = rng.randint(4, 6)
            timetable[(cls, weekday)] = rng.sample(subjects, count)

    rows: list[tuple[str, str, str, dt.date, str, str, str, str]] = []
    for n, s in enumerate(students):
        ill_day = days[1] if n == 1 and len(days) > 1 else None  # a day of illness: «Б» at every lesson
        for day in days:
            ill = day == ill_day or rng.random() < 0.02
            for i, subject in enumerate(timetable[(s.class_name, day.weekday())]):
                if ill:
                    rows.append((s.class_name, s.full_name, subject, day, "", "Б", "", ""))
                    continue
                if (n == 3 and day == days[0] and i == 0) or rng.random() < 0.015:
                    rows.append((s.class_name, s.full_name, subject, day, "", "Н", "", ""))
                    continue
                if rng.random() < 0.4:
                    mark = rng.choices(MARKS, MARK_WEIGHTS)[0]
                    comment = "Не выполнено домашнее задание" if mark == "2" else ""
                    rows.append((s.class_name, s.full_name, subject, day, mark, "", rng.choice(WORKS), comment))

    # A term mark for a student on paper: their family is due a report of it by the next working day.
    paper = next((s for s in students if s.paper), None)
    if paper is not None:
        subject = timetable[(paper.class_name, days[-1].weekday())][0]
        rows.append((paper.class_name, paper.full_name, subject, days[-1], "5", "", "Четвертная", ""))

    keys = ("class", "student", "subject", "date", "mark", "attendance", "work", "comment")
    table = [
        TableRow(number, {k: (v if v != "" else None) for k, v in zip(keys, row, strict=True)})
        for number, row in enumerate(rows, start=2)
    ]
    exchange.import_rows("Выгрузка электронного журнала (демо).xlsx", table)
