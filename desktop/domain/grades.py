"""Marks and attendance for the paper reports of families without the e-diary (seed 004; seed 003 §2.11; DOMAIN.md
§5): the marks and absence kinds of the e-journal's export, the week of a date, averages written the Russian way, the
school's terms (a setting) for the forecast of the term mark, and the term of a report of final marks.

Pure rules: no clock, no database.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from itertools import pairwise

from desktop.domain.calendar import WorkCalendar

#: seed 004: final marks and exam results «не позже суток после получения результатов»: the next working day.
FINAL_REPORT_WORKING_DAYS = 1
#: seed 004: «не реже чем один раз в неделю»; the office is reminded from this weekday on (Friday).
REMIND_FROM_WEEKDAY = 4


class Attendance(StrEnum):
    """Absence marks of the e-journal."""

    ABSENT = "Н"
    ILL = "Б"
    EXCUSED = "УП"
    UNEXCUSED = "ОП"

    @property
    def label(self) -> str:
        return ATTENDANCE_LABELS[self]


ATTENDANCE_LABELS: dict[Attendance, str] = {
    Attendance.ABSENT: "отсутствовал(а)",
    Attendance.ILL: "по болезни",
    Attendance.EXCUSED: "по уважительной причине",
    Attendance.UNEXCUSED: "без уважительной причины",
}


def attendance_from_text(text: str) -> Attendance | None:
    key = re.sub(r"[\s.]", "", str(text)).upper().replace("H", "Н").replace("B", "Б")
    return next((a for a in Attendance if a.value == key), None)


#: Marks as the e-journal writes them: 1..5, with «+»/«-» read as the plain mark for the average.
_MARK = re.compile(r"^([1-5])\s*[+-]?$")
#: Marks that are not numbers and do not count in an average.
NON_NUMERIC = {"зач": "зачёт", "зачет": "зачёт", "зачёт": "зачёт", "незач": "незачёт", "осв": "освоено", "н/а": "н/а"}


def mark_value(text: str) -> int | None:
    """The number a mark counts as in an average: «5», «4-», «3+» → 5, 4, 3; «зач», «н/а» → None."""
    m = _MARK.match(str(text).strip())
    return int(m.group(1)) if m else None


def mark_problem(text: str) -> str | None:
    value = str(text).strip()
    if not value:
        return None
    if mark_value(value) is None and value.casefold().rstrip(".") not in NON_NUMERIC:
        return f"Отметка «{value}» не распознана: нужна цифра от 1 до 5 (можно с + или -), «зач» или «н/а»."
    return None


class WorkKind(StrEnum):
    """Kinds of work that matter to the report: the final ones are due to families by the next working day."""

    CURRENT = "current"
    TERM = "term"
    HALF_YEAR = "half_year"
    YEAR = "year"
    EXAM = "exam"

    @property
    def final(self) -> bool:
        return self is not WorkKind.CURRENT


def work_kind(text: str) -> WorkKind:
    """«Четвертная», «Триместровая», «Полугодовая», «Годовая», «Итоговая», «Экзамен» are final; anything else
    («Контрольная работа», «Ответ на уроке», empty) is current work."""
    key = str(text).strip().casefold()
    if key.startswith(("четверт", "триместр")):
        return WorkKind.TERM
    if key.startswith("полугод"):
        return WorkKind.HALF_YEAR
    if key.startswith(("годов", "итогов")):
        return WorkKind.YEAR
    if key.startswith(("экзамен", "огэ", "егэ", "гиа")):
        return WorkKind.EXAM
    return WorkKind.CURRENT


def week_of(day: dt.date) -> tuple[dt.date, dt.date]:
    """Monday to Sunday of the week of `day`."""
    monday = day - dt.timedelta(days=day.weekday())
    return monday, monday + dt.timedelta(days=6)


def average(values: Iterable[int]) -> Decimal | None:
    """The average of numeric marks to two places, half up («4,333» → 4.33, «4,335» → 4.34); None without marks."""
    marks = list(values)
    if not marks:
        return None
    return (Decimal(sum(marks)) / Decimal(len(marks))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def russian_number(value: Decimal | None) -> str:
    """«4,33» with a decimal comma; «5,00» stays two places; «—» when there is none."""
    return "—" if value is None else f"{value:.2f}".replace(".", ",")


@dataclass(frozen=True)
class Term:
    name: str
    start: dt.date
    end: dt.date


#: **decision** (a setting, `terms`): four quarters of a usual Russian school year; a school writes its own.
DEFAULT_TERMS_TEXT = "1 четверть: 01.09–26.10; 2 четверть: 05.11–28.12; 3 четверть: 09.01–21.03; 4 четверть: 01.04–26.05"

_TERM = re.compile(r"^\s*(?P<name>[^:]+?)\s*:\s*(?P<a>\d{1,2}\.\d{1,2})\s*[-–—]\s*(?P<b>\d{1,2}\.\d{1,2})\s*$")


def parse_terms(text: str, school_year_start: int) -> list[Term]:
    """«1 четверть: 01.09–26.10; 2 четверть: …» for the school year starting in September of `school_year_start`:
    September–December dates fall in that year, January–August in the next. Raises ValueError with a Russian message."""
    terms: list[Term] = []
    for part in [p for p in re.split(r"[;\n]", text) if p.strip()]:
        m = _TERM.match(part)
        if not m:
            raise ValueError(f"Четверть «{part.strip()}» записана неверно: нужно «1 четверть: 01.09–26.10».")
        start, end = (_day(m.group(g), school_year_start) for g in ("a", "b"))
        if end < start:
            raise ValueError(f"«{m.group('name')}»: конец раньше начала.")
        terms.append(Term(m.group("name"), start, end))
    for before, after in pairwise(terms):
        if after.start <= before.end:
            raise ValueError(f"«{after.name}» начинается раньше, чем кончается «{before.name}».")
    if not terms:
        raise ValueError("Укажите хотя бы одну четверть.")
    return terms


def _day(text: str, school_year_start: int) -> dt.date:
    dd, mm = (int(x) for x in text.split("."))
    year = school_year_start if mm >= 9 else school_year_start + 1
    try:
        return dt.date(year, mm, dd)
    except ValueError:
        raise ValueError(f"Дата «{text}» не существует.") from None


def school_year_start(day: dt.date) -> int:
    """The calendar year the school year of `day` began in (September)."""
    return day.year if day.month >= 9 else day.year - 1


def term_of(day: dt.date, terms: Sequence[Term]) -> Term | None:
    """The term `day` falls in; during holidays the term just ended (its forecast is its final one)."""
    current = None
    for term in terms:
        if term.start <= day:
            current = term
    return current


def weekly_report_due(day: dt.date, calendar: WorkCalendar) -> dt.date:
    """The week's report is handed over by the last working day of its week (Saturday when it is worked)."""
    _monday, sunday = week_of(day)
    return calendar.subtract_working_days(sunday + dt.timedelta(days=1), 1)


def final_report_due(known_on: dt.date, calendar: WorkCalendar) -> dt.date:
    """seed 004: final marks reach the family no later than the day after they are known — the next working day."""
    return calendar.add_working_days(known_on, FINAL_REPORT_WORKING_DAYS)
