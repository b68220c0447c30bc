"""The rules of the paper reports: marks and absences as the e-journal writes them, the week, averages the Russian way,
the school's terms, and the terms of final and weekly reports on the production calendar (counted by hand)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from desktop.domain import grades as rules
from desktop.domain.calendar import WorkCalendar
from desktop.domain.grades import Attendance, WorkKind

CAL = WorkCalendar()


def d(text: str) -> dt.date:
    return dt.datetime.strptime(text, "%d.%m.%Y").date()


@pytest.mark.parametrize(
    ("text", "value"), [("5", 5), ("4-", 4), ("3+", 3), (" 2 ", 2), ("1", 1), ("зач", None), ("6", None), ("", None)]
)
def test_a_mark_counts_as_its_digit(text, value):
    assert rules.mark_value(text) == value


def test_unknown_marks_are_named():
    assert rules.mark_problem("5") is None and rules.mark_problem("зач.") is None and rules.mark_problem("") is None
    assert rules.mark_problem("отл") == (
        "Отметка «отл» не распознана: нужна цифра от 1 до 5 (можно с + или -), «зач» или «н/а»."
    )


@pytest.mark.parametrize(
    ("text", "kind"),
    [("н", Attendance.ABSENT), ("Н.", Attendance.ABSENT), ("б", Attendance.ILL), ("уп", Attendance.EXCUSED),
     ("ОП", Attendance.UNEXCUSED), ("H", Attendance.ABSENT), ("X", None)],
)  # fmt: skip
def test_absence_marks_as_the_e_journal_writes_them(text, kind):
    assert rules.attendance_from_text(text) is kind


@pytest.mark.parametrize(
    ("text", "kind"),
    [("Контрольная работа", WorkKind.CURRENT), ("", WorkKind.CURRENT), ("Четвертная", WorkKind.TERM),
     ("Полугодовая", WorkKind.HALF_YEAR), ("Годовая", WorkKind.YEAR), ("Итоговая", WorkKind.YEAR),
     ("Экзамен", WorkKind.EXAM), ("ОГЭ", WorkKind.EXAM)],
)  # fmt: skip
def test_final_kinds_of_work(text, kind):
    assert rules.work_kind(text) is kind
    assert kind.final is (kind is not WorkKind.CURRENT)


@pytest.mark.parametrize(
    ("marks", "text"),
    [([5, 4, 4], "4,33"), ([5, 5], "5,00"), ([4, 5, 5], "4,67"), ([3], "3,00"), ([], "—")],
)  # fmt: skip
def test_averages_are_written_the_russian_way(marks, text):
    assert rules.russian_number(rules.average(marks)) == text


def test_half_rounds_up():
    assert rules.average([4, 4, 4, 4, 4, 4, 4, 5]) == Decimal("4.13")  # 4,125 → 4,13
    assert rules.average([3, 4]) == Decimal("3.50")


@pytest.mark.parametrize(
    ("day", "monday", "sunday"),
    [("25.11.2026", "23.11.2026", "29.11.2026"), ("23.11.2026", "23.11.2026", "29.11.2026"),
     ("29.11.2026", "23.11.2026", "29.11.2026"), ("01.01.2026", "29.12.2025", "04.01.2026")],
)  # fmt: skip
def test_the_week_runs_monday_to_sunday(day, monday, sunday):
    assert rules.week_of(d(day)) == (d(monday), d(sunday))


def test_terms_of_the_school_year_from_the_setting():
    terms = rules.parse_terms(rules.DEFAULT_TERMS_TEXT, 2026)
    assert [(t.name, t.start, t.end) for t in terms] == [
        ("1 четверть", d("01.09.2026"), d("26.10.2026")),
        ("2 четверть", d("05.11.2026"), d("28.12.2026")),
        ("3 четверть", d("09.01.2027"), d("21.03.2027")),
        ("4 четверть", d("01.04.2027"), d("26.05.2027")),
    ]
    assert rules.term_of(d("25.11.2026"), terms).name == "2 четверть"
    assert rules.term_of(d("30.10.2026"), terms).name == "1 четверть"  # autumn holidays: the term just ended
    assert rules.term_of(d("31.08.2026"), terms) is None
    assert rules.school_year_start(d("15.01.2027")) == 2026 and rules.school_year_start(d("01.09.2026")) == 2026


@pytest.mark.parametrize(
    ("text", "problem"),
    [("1 четверть 01.09-26.10", "записана неверно"), ("1 четверть: 26.10-01.09", "конец раньше начала"),
     ("1: 01.09-30.10; 2: 25.10-28.12", "начинается раньше"), ("1: 31.09-30.10", "не существует"), ("", "хотя бы")],
)  # fmt: skip
def test_bad_terms_are_refused_in_russian(text, problem):
    with pytest.raises(ValueError, match=problem):
        rules.parse_terms(text, 2026)


@pytest.mark.parametrize(
    ("known", "due"),
    [
        ("27.11.2026", "30.11.2026"),  # Friday → Monday (28–29.11 weekend)
        ("30.12.2025", "12.01.2026"),  # 31.12.2025 was a day off (moved from 05.01), then 01–11.01.2026
        ("31.12.2025", "12.01.2026"),  # New Year: 01–11.01.2026 off → Monday 12.01
        ("30.04.2025", "05.05.2025"),  # 01–04.05.2025 off → Monday 05.05
        ("31.10.2025", "01.11.2025"),  # Friday → the working Saturday 01.11.2025
    ],
)
def test_final_marks_reach_the_family_by_the_next_working_day(known, due):
    assert rules.final_report_due(d(known), CAL) == d(due)


@pytest.mark.parametrize(
    ("day", "due"),
    [
        ("25.11.2026", "27.11.2026"),  # Friday of a plain week
        ("29.10.2025", "01.11.2025"),  # the week with the working Saturday 01.11.2025
        ("06.05.2025", "07.05.2025"),  # 08–11.05.2025 off: Wednesday 07.05 is the week's last working day
    ],
)
def test_the_weekly_report_is_due_by_the_last_working_day_of_its_week(day, due):
    assert rules.weekly_report_due(d(day), CAL) == d(due)


def test_a_school_day_off_moves_the_weekly_term():
    quarantine = WorkCalendar(days_off=[d("27.11.2026")])
    assert rules.weekly_report_due(d("23.11.2026"), quarantine) == d("26.11.2026")
