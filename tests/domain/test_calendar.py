"""Tests of the working-day calendar (DOMAIN.md §1, Civil Code arts. 191, 193, 194).

The production calendars of 2024, 2025 and 2026 are written out here by hand from the government decrees
(Постановления Правительства РФ от 10.08.2023 № 1335 «О переносе выходных дней в 2024 году»,
от 04.10.2024 № 1335 «О переносе выходных дней в 2025 году», от 24.09.2025 № 1466 «О переносе выходных
дней в 2026 году») and Labour Code art. 112 -- not taken from the `holidays` package that the code is
built on, so that the package itself is checked too. The property tests then compare the fast code with
a naive day-by-day count and with `holidays.RU(...).get_nth_working_day`.
"""

from __future__ import annotations

from datetime import date, timedelta

import holidays
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from desktop.domain.calendar import (
    LAST_PUBLISHED_YEAR,
    DayInfo,
    DayKind,
    UnknownCalendarYear,
    WorkCalendar,
)

PROPERTY = settings(max_examples=200, deadline=None)

UNKNOWN_YEAR = LAST_PUBLISHED_YEAR + 1

CAL = WorkCalendar()  # no overrides; shared, it only caches


def d(s: str) -> date:
    return date.fromisoformat(s)


def days(first: str, last: str | None = None) -> list[date]:
    """Every date from `first` to `last` inclusive (one date when `last` is omitted)."""
    a, b = d(first), d(last or first)
    return [a + timedelta(days=i) for i in range((b - a).days + 1)]


# ---------------------------------------------------------------------------------------------------
# The official production calendars, by hand.
#   days_off: every non-working day that is not an ordinary Saturday/Sunday is listed, plus the weekend
#             days inside the holiday runs (harmless: they are off anyway);
#   working_saturdays: weekend days made working by a transfer;
#   total: the number of working days of a five-day week, as published with the calendar.
# ---------------------------------------------------------------------------------------------------

OFFICIAL: dict[int, dict] = {
    2024: {
        # Transfers: Sat 06.01 -> Fri 10.05; Sun 07.01 -> Tue 31.12; Sat 27.04 -> Mon 29.04;
        #            Sat 02.11 -> Tue 30.04; Sat 28.12 -> Mon 30.12.
        "days_off": [
            *days("2024-01-01", "2024-01-08"),
            *days("2024-02-23"),
            *days("2024-03-08"),
            *days("2024-04-28", "2024-05-01"),
            *days("2024-05-09", "2024-05-12"),
            *days("2024-06-12"),
            *days("2024-11-03", "2024-11-04"),
            *days("2024-12-29", "2024-12-31"),
        ],
        "working_saturdays": days("2024-04-27") + days("2024-11-02") + days("2024-12-28"),
        "total": 248,
    },
    2025: {
        # Transfers: Sat 04.01 -> Fri 02.05; Sun 05.01 -> Wed 31.12; Sun 23.02 -> Thu 08.05;
        #            Sat 08.03 -> Fri 13.06; Sat 01.11 -> Mon 03.11.
        # So Mon 24.02 and Mon 10.03 are ordinary working days (art. 112 would otherwise move them there).
        "days_off": [
            *days("2025-01-01", "2025-01-08"),
            *days("2025-05-01", "2025-05-04"),
            *days("2025-05-08", "2025-05-11"),
            *days("2025-06-12", "2025-06-15"),
            *days("2025-11-02", "2025-11-04"),
            *days("2025-12-31"),
        ],
        "working_saturdays": days("2025-11-01"),
        "total": 247,
    },
    2026: {
        # Transfers: Sat 03.01 -> Fri 09.01; Sun 04.01 -> Thu 31.12. By art. 112: Sun 08.03 -> Mon 09.03,
        # Sat 09.05 -> Mon 11.05. No working Saturdays.
        "days_off": [
            *days("2026-01-01", "2026-01-09"),
            *days("2026-02-23"),
            *days("2026-03-09"),
            *days("2026-05-01"),
            *days("2026-05-11"),
            *days("2026-06-12"),
            *days("2026-11-04"),
            *days("2026-12-31"),
        ],
        "working_saturdays": [],
        "total": 247,
    },
}


def official_is_working(day: date) -> bool:
    table = OFFICIAL[day.year]
    if day in table["working_saturdays"]:
        return True
    return day.weekday() < 5 and day not in table["days_off"]


@pytest.mark.parametrize("year", sorted(OFFICIAL))
def test_hand_written_table_adds_up_to_the_published_total(year: int) -> None:
    every_day = days(f"{year}-01-01", f"{year}-12-31")
    assert sum(official_is_working(x) for x in every_day) == OFFICIAL[year]["total"]


@pytest.mark.parametrize("year", sorted(OFFICIAL))
def test_every_day_of_the_year_matches_the_official_calendar(year: int) -> None:
    wrong = [
        (x.isoformat(), CAL.is_working_day(x))
        for x in days(f"{year}-01-01", f"{year}-12-31")
        if CAL.is_working_day(x) != official_is_working(x)
    ]
    assert wrong == []


@pytest.mark.parametrize("year", sorted(OFFICIAL))
def test_yearly_total_of_working_days(year: int) -> None:
    assert CAL.working_days_between(date(year - 1, 12, 31), date(year, 12, 31)) == OFFICIAL[year]["total"]
    in_year = CAL.working_days_in(date(year - 1, 12, 31), date(year, 12, 31))
    assert in_year == [x for x in days(f"{year}-01-01", f"{year}-12-31") if official_is_working(x)]


@pytest.mark.parametrize(
    "day",
    [
        "2024-04-27",  # working Saturdays
        "2024-11-02",
        "2024-12-28",
        "2025-11-01",
        "2025-02-24",  # Sun 23.02.2025 was transferred to 08.05, not to Monday
        "2025-03-10",  # Sat 08.03.2025 was transferred to 13.06, not to Monday
        "2025-01-09",
        "2026-01-12",
        "2026-12-30",
    ],
)
def test_notable_working_days(day: str) -> None:
    assert CAL.is_working_day(d(day))


@pytest.mark.parametrize(
    "day",
    [
        "2024-01-08",
        "2024-04-29",
        "2024-04-30",
        "2024-05-10",
        "2024-12-30",
        "2024-12-31",
        "2025-05-02",
        "2025-05-08",
        "2025-06-13",
        "2025-11-03",
        "2025-12-31",
        "2026-01-09",
        "2026-03-09",
        "2026-05-11",
        "2026-12-31",
    ],
)
def test_notable_days_off(day: str) -> None:
    assert not CAL.is_working_day(d(day))


# ---------------------------------------------------------------------------------------------------
# Terms
# ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        ("2024-12-27", 1, "2024-12-28"),  # Friday -> the working Saturday
        ("2024-12-28", 1, "2025-01-09"),  # 29.12.2024 .. 08.01.2025 off
        ("2024-12-27", 2, "2025-01-09"),
        ("2025-12-30", 1, "2026-01-12"),  # 31.12.2025 .. 11.01.2026 off
        ("2025-12-29", 2, "2026-01-12"),
        ("2024-04-26", 1, "2024-04-27"),  # working Saturday
        ("2024-04-26", 2, "2024-05-02"),  # 28.04 .. 01.05 off
        ("2024-11-01", 1, "2024-11-02"),  # working Saturday
        ("2024-11-01", 2, "2024-11-05"),  # 03.11 .. 04.11 off
        ("2025-10-31", 1, "2025-11-01"),  # working Saturday
        ("2025-10-31", 2, "2025-11-05"),
        ("2025-02-21", 1, "2025-02-24"),  # Monday after Sun 23.02 is working
        ("2025-04-30", 1, "2025-05-05"),  # 01.05 .. 04.05 off
        ("2025-04-30", 4, "2025-05-12"),  # 05, 06, 07, then 08 .. 11 off -> 12
        ("2025-06-11", 1, "2025-06-16"),  # 12.06 .. 15.06 off
        ("2026-03-06", 1, "2026-03-10"),  # Mon 09.03.2026 off (08.03 is Sunday)
        ("2026-05-08", 1, "2026-05-12"),  # Mon 11.05.2026 off (09.05 is Saturday)
        ("2026-02-20", 1, "2026-02-24"),  # Mon 23.02.2026 off
        ("2024-06-07", 3, "2024-06-13"),  # Mon 10, Tue 11, (Wed 12 off) Thu 13
        ("2024-06-15", 1, "2024-06-17"),  # from a Saturday
        ("2024-06-10", 5, "2024-06-18"),
    ],
)
def test_add_working_days(start: str, n: int, expected: str) -> None:
    assert CAL.add_working_days(d(start), n) == d(expected)
    # and back: the n-th working day before the result is the start (when the start is a working day)
    if CAL.is_working_day(d(start)):
        assert CAL.subtract_working_days(d(expected), n) == d(start)


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        ("2025-01-09", 1, "2024-12-28"),  # over the New Year holidays to the working Saturday
        ("2025-01-09", 2, "2024-12-27"),
        ("2026-01-12", 1, "2025-12-30"),
        ("2024-05-02", 1, "2024-04-27"),
        ("2024-05-02", 2, "2024-04-26"),
        ("2024-11-05", 1, "2024-11-02"),
        ("2025-11-05", 1, "2025-11-01"),
        ("2025-05-12", 1, "2025-05-07"),
        ("2025-05-12", 4, "2025-04-30"),
        ("2026-03-10", 1, "2026-03-06"),
        ("2024-06-17", 1, "2024-06-14"),  # from a Monday over the weekend
        ("2024-06-16", 1, "2024-06-14"),  # from a Sunday
        ("2024-06-13", 1, "2024-06-11"),  # over Wed 12.06
    ],
)
def test_subtract_working_days(start: str, n: int, expected: str) -> None:
    assert CAL.subtract_working_days(d(start), n) == d(expected)


def test_zero_working_days() -> None:
    # n == 0: the day itself when working, else the next (add) / previous (subtract) working day
    assert CAL.add_working_days(d("2024-06-14"), 0) == d("2024-06-14")
    assert CAL.subtract_working_days(d("2024-06-14"), 0) == d("2024-06-14")
    assert CAL.add_working_days(d("2024-06-15"), 0) == d("2024-06-17")
    assert CAL.subtract_working_days(d("2024-06-15"), 0) == d("2024-06-14")
    assert CAL.add_working_days(d("2024-12-28"), 0) == d("2024-12-28")  # working Saturday
    assert CAL.add_working_days(d("2024-12-29"), 0) == d("2025-01-09")
    assert CAL.subtract_working_days(d("2024-12-29"), 0) == d("2024-12-28")
    assert CAL.add_working_days(d("2026-01-01"), 0) == d("2026-01-12")
    assert CAL.subtract_working_days(d("2026-01-01"), 0) == d("2025-12-30")
    assert CAL.next_working_day_on_or_after(d("2025-05-08")) == d("2025-05-12")
    assert CAL.next_working_day_on_or_after(d("2025-05-07")) == d("2025-05-07")


def test_negative_n_counts_the_other_way() -> None:
    assert CAL.add_working_days(d("2025-01-09"), -1) == d("2024-12-28")
    assert CAL.add_working_days(d("2025-01-09"), -2) == d("2024-12-27")
    assert CAL.subtract_working_days(d("2024-12-27"), -1) == d("2024-12-28")
    assert CAL.subtract_working_days(d("2025-12-30"), -1) == d("2026-01-12")
    for start in days("2024-12-20", "2025-01-15"):
        for n in range(1, 8):
            assert CAL.add_working_days(start, -n) == CAL.subtract_working_days(start, n)
            assert CAL.subtract_working_days(start, -n) == CAL.add_working_days(start, n)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("2024-12-27", "2024-12-27", 0),
        ("2024-12-27", "2024-12-28", 1),  # (a, b]: the start is not counted, the working Saturday is
        ("2024-12-26", "2024-12-27", 1),
        ("2024-12-27", "2025-01-09", 2),
        ("2024-12-28", "2025-01-08", 0),
        ("2025-12-30", "2026-01-12", 1),
        ("2025-12-31", "2026-01-11", 0),
        ("2024-06-14", "2024-06-16", 0),  # Friday to Sunday
        ("2024-06-14", "2024-06-17", 1),
        ("2025-04-30", "2025-05-31", 18),
        ("2025-01-09", "2024-12-27", -2),  # negative when b < a
        ("2024-12-28", "2024-12-27", -1),
        ("2026-01-12", "2025-12-30", -1),
        ("2023-12-31", "2026-12-31", 248 + 247 + 247),
    ],
)
def test_working_days_between(a: str, b: str, expected: int) -> None:
    assert CAL.working_days_between(d(a), d(b)) == expected


def test_working_days_in() -> None:
    assert CAL.working_days_in(d("2024-12-26"), d("2025-01-10")) == [
        d("2024-12-27"),
        d("2024-12-28"),
        d("2025-01-09"),
        d("2025-01-10"),
    ]
    assert CAL.working_days_in(d("2024-12-28"), d("2025-01-08")) == []
    assert CAL.working_days_in(d("2025-01-10"), d("2024-12-26")) == []
    assert CAL.working_days_in(d("2025-01-10"), d("2025-01-10")) == []


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        ("2024-06-03", 30, "2024-07-03"),  # ends on a Wednesday: stays
        ("2024-06-15", 30, "2024-07-15"),  # ends on a Monday
        ("2024-06-14", 30, "2024-07-15"),  # ends on Sunday 14.07 -> Monday
        ("2025-12-02", 30, "2026-01-12"),  # ends on 01.01.2026 -> first working day after the holidays
        ("2024-04-01", 30, "2024-05-02"),  # ends on 01.05.2024
        ("2024-10-05", 30, "2024-11-05"),  # ends on Mon 04.11.2024 (holiday)
        ("2025-04-08", 30, "2025-05-12"),  # ends on Thu 08.05.2025 (transferred day off)
        ("2026-02-07", 30, "2026-03-10"),  # ends on Mon 09.03.2026 (day off instead of Sun 08.03)
        ("2024-11-28", 30, "2024-12-28"),  # ends on the working Saturday: stays
        ("2024-10-03", 30, "2024-11-02"),  # ends on the working Saturday: stays
        ("2025-11-30", 30, "2025-12-30"),  # ends on a Tuesday
        ("2025-12-01", 30, "2026-01-12"),  # ends on Wed 31.12.2025 (transferred day off)
        ("2024-06-14", 0, "2024-06-14"),
        ("2024-06-14", 1, "2024-06-17"),  # Saturday -> Monday
    ],
)
def test_calendar_days_deadline(start: str, n: int, expected: str) -> None:
    assert CAL.calendar_days_deadline(d(start), n) == d(expected)


# ---------------------------------------------------------------------------------------------------
# The school's overrides
# ---------------------------------------------------------------------------------------------------


def test_school_day_off_on_a_weekday_shifts_a_term() -> None:
    quarantine = WorkCalendar(days_off=days("2025-02-25", "2025-02-26"))
    assert CAL.add_working_days(d("2025-02-24"), 1) == d("2025-02-25")
    assert quarantine.add_working_days(d("2025-02-24"), 1) == d("2025-02-27")
    assert quarantine.add_working_days(d("2025-02-24"), 3) == d("2025-03-03")
    assert quarantine.subtract_working_days(d("2025-02-27"), 1) == d("2025-02-24")
    assert quarantine.working_days_between(d("2025-02-24"), d("2025-02-28")) == 2
    assert not quarantine.is_working_day(d("2025-02-25"))
    assert quarantine.calendar_days_deadline(d("2025-02-15"), 10) == d("2025-02-27")


def test_school_workday_on_a_sunday_is_counted() -> None:
    open_sunday = WorkCalendar(workdays=[d("2025-03-02")])
    assert open_sunday.is_working_day(d("2025-03-02"))
    assert open_sunday.add_working_days(d("2025-02-28"), 1) == d("2025-03-02")
    assert open_sunday.add_working_days(d("2025-02-28"), 2) == d("2025-03-03")
    assert open_sunday.subtract_working_days(d("2025-03-03"), 1) == d("2025-03-02")
    assert open_sunday.working_days_between(d("2025-02-28"), d("2025-03-03")) == 2
    assert CAL.working_days_between(d("2025-02-28"), d("2025-03-03")) == 1
    assert open_sunday.calendar_days_deadline(d("2025-02-01"), 29) == d("2025-03-02")


def test_overrides_win_over_the_production_calendar() -> None:
    cal = WorkCalendar(days_off=[d("2024-12-28")], workdays=[d("2025-01-03")])
    assert not cal.is_working_day(d("2024-12-28"))  # a working Saturday closed by the school
    assert cal.is_working_day(d("2025-01-03"))  # a public holiday on which the school works
    assert cal.add_working_days(d("2024-12-27"), 1) == d("2025-01-03")
    assert cal.add_working_days(d("2024-12-27"), 2) == d("2025-01-09")
    assert cal.working_days_between(d("2024-12-26"), d("2025-01-09")) == 3
    assert cal.day_info(d("2024-12-28")).kind is DayKind.SCHOOL_DAY_OFF
    assert cal.day_info(d("2025-01-03")).kind is DayKind.SCHOOL_WORKDAY


def test_a_date_both_off_and_working_is_refused() -> None:
    with pytest.raises(ValueError, match="01.09.2025"):
        WorkCalendar(days_off=[d("2025-09-01"), d("2025-09-02")], workdays=[d("2025-09-01")])


def test_overrides_are_exposed() -> None:
    cal = WorkCalendar(days_off=[d("2025-09-01")], workdays=[d("2025-09-06")])
    assert cal.days_off == frozenset({d("2025-09-01")})
    assert cal.workdays == frozenset({d("2025-09-06")})


# ---------------------------------------------------------------------------------------------------
# day_info
# ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "kind", "name"),
    [
        ("2026-01-07", DayKind.HOLIDAY, "Рождество Христово"),
        ("2024-05-09", DayKind.HOLIDAY, "День Победы"),
        ("2025-06-12", DayKind.HOLIDAY, "День России"),
        ("2024-11-04", DayKind.HOLIDAY, "День народного единства"),
        ("2026-02-23", DayKind.HOLIDAY, "День защитника Отечества"),
        ("2024-03-08", DayKind.HOLIDAY, "Международный женский день"),
        ("2025-05-01", DayKind.HOLIDAY, "Праздник Весны и Труда"),
        ("2025-02-23", DayKind.HOLIDAY, "День защитника Отечества"),  # a holiday on a Sunday
        ("2024-01-06", DayKind.HOLIDAY, "Новогодние каникулы"),  # a holiday on a Saturday
        ("2026-01-09", DayKind.TRANSFERRED_DAY_OFF, None),
        ("2026-03-09", DayKind.TRANSFERRED_DAY_OFF, None),
        ("2026-05-11", DayKind.TRANSFERRED_DAY_OFF, None),
        ("2026-12-31", DayKind.TRANSFERRED_DAY_OFF, None),
        ("2024-04-29", DayKind.TRANSFERRED_DAY_OFF, None),
        ("2024-12-31", DayKind.TRANSFERRED_DAY_OFF, None),
        ("2025-05-08", DayKind.TRANSFERRED_DAY_OFF, None),
        ("2025-06-13", DayKind.TRANSFERRED_DAY_OFF, None),
        ("2025-11-03", DayKind.TRANSFERRED_DAY_OFF, None),
        ("2024-04-27", DayKind.TRANSFERRED_WORKDAY, None),
        ("2024-11-02", DayKind.TRANSFERRED_WORKDAY, None),
        ("2024-12-28", DayKind.TRANSFERRED_WORKDAY, None),
        ("2025-11-01", DayKind.TRANSFERRED_WORKDAY, None),
        ("2024-06-15", DayKind.WEEKEND, None),
        ("2026-01-10", DayKind.WEEKEND, None),
        ("2025-02-24", DayKind.WORKDAY, None),
        ("2025-03-10", DayKind.WORKDAY, None),
    ],
)
def test_day_info_kinds(day: str, kind: DayKind, name: str | None) -> None:
    info = CAL.day_info(d(day))
    assert isinstance(info, DayInfo)
    assert info.day == d(day)
    assert info.kind is kind
    assert info.known is True
    assert info.is_working is kind.is_working is CAL.is_working_day(d(day))
    if name is not None:
        assert info.name == name
    if kind is DayKind.TRANSFERRED_DAY_OFF:
        assert info.name  # says why: "Выходной (перенесено с ...)" or "... (выходной)"
    if kind in (DayKind.WORKDAY, DayKind.WEEKEND, DayKind.TRANSFERRED_WORKDAY):
        assert info.name is None
    assert kind.label  # a Russian label for display


def test_day_info_of_school_overrides() -> None:
    cal = WorkCalendar(days_off=[d("2025-10-15")], workdays=[d("2025-10-19")])
    off = cal.day_info(d("2025-10-15"))
    on = cal.day_info(d("2025-10-19"))
    assert (off.kind, off.is_working, off.known) == (DayKind.SCHOOL_DAY_OFF, False, True)
    assert (on.kind, on.is_working, on.known) == (DayKind.SCHOOL_WORKDAY, True, True)
    assert DayKind.SCHOOL_DAY_OFF.label == "выходной по решению школы"


def test_day_info_of_an_unknown_year_does_not_raise() -> None:
    info = CAL.day_info(date(UNKNOWN_YEAR, 3, 1))
    assert info.known is False
    assert CAL.day_info(date(LAST_PUBLISHED_YEAR, 3, 1)).known is True
    assert WorkCalendar(confirmed_years=[UNKNOWN_YEAR]).day_info(date(UNKNOWN_YEAR, 3, 1)).known is True


def test_kinds_are_working_or_not() -> None:
    working = {k for k in DayKind if k.is_working}
    assert working == {DayKind.WORKDAY, DayKind.TRANSFERRED_WORKDAY, DayKind.SCHOOL_WORKDAY}
    assert all(k.label for k in DayKind)


# ---------------------------------------------------------------------------------------------------
# A year the calendar does not know
# ---------------------------------------------------------------------------------------------------


def test_last_published_year_covers_the_hand_checked_years() -> None:
    assert LAST_PUBLISHED_YEAR >= 2026
    assert CAL.is_known_year(LAST_PUBLISHED_YEAR)
    assert not CAL.is_known_year(UNKNOWN_YEAR)


def test_unknown_year_is_reported_not_guessed() -> None:
    with pytest.raises(UnknownCalendarYear) as exc:
        CAL.is_working_day(date(UNKNOWN_YEAR, 3, 1))
    assert exc.value.year == UNKNOWN_YEAR
    assert str(UNKNOWN_YEAR) in str(exc.value)
    assert "Производственный календарь" in str(exc.value)
    assert isinstance(exc.value, ValueError)

    with pytest.raises(UnknownCalendarYear, match=str(UNKNOWN_YEAR)):
        CAL.add_working_days(date(LAST_PUBLISHED_YEAR, 12, 20), 20)
    with pytest.raises(UnknownCalendarYear, match=str(UNKNOWN_YEAR)):
        CAL.subtract_working_days(date(UNKNOWN_YEAR, 1, 20), 1)
    with pytest.raises(UnknownCalendarYear, match=str(UNKNOWN_YEAR)):
        CAL.working_days_between(date(LAST_PUBLISHED_YEAR, 12, 1), date(UNKNOWN_YEAR, 1, 20))
    with pytest.raises(UnknownCalendarYear, match=str(UNKNOWN_YEAR)):
        CAL.working_days_in(date(LAST_PUBLISHED_YEAR, 12, 1), date(UNKNOWN_YEAR, 1, 20))
    with pytest.raises(UnknownCalendarYear, match=str(UNKNOWN_YEAR)):
        CAL.calendar_days_deadline(date(LAST_PUBLISHED_YEAR, 12, 20), 30)
    # a term that stays inside the known years still computes
    assert CAL.add_working_days(date(LAST_PUBLISHED_YEAR, 6, 1), 5).year == LAST_PUBLISHED_YEAR


def test_a_confirmed_year_computes() -> None:
    confirmed = WorkCalendar(confirmed_years=[UNKNOWN_YEAR])
    lenient = WorkCalendar(strict=False)
    assert confirmed.is_known_year(UNKNOWN_YEAR)
    start = date(LAST_PUBLISHED_YEAR, 12, 20)
    result = confirmed.add_working_days(start, 20)
    assert result.year == UNKNOWN_YEAR
    assert confirmed.is_working_day(result)
    assert result == lenient.add_working_days(start, 20)
    assert confirmed.working_days_between(start, result) == 20
    assert confirmed.is_working_day(date(UNKNOWN_YEAR, 1, 1)) is False  # New Year is fixed by the Labour Code
    march = date(UNKNOWN_YEAR, 3, 1)
    assert confirmed.is_working_day(march) == lenient.is_working_day(march) == (march.weekday() < 5)
    # the school enters the year's transfers itself and confirms it
    entered = WorkCalendar(days_off=[date(UNKNOWN_YEAR, 1, 9)], confirmed_years=[UNKNOWN_YEAR])
    assert not entered.is_working_day(date(UNKNOWN_YEAR, 1, 9))
    assert entered.day_info(date(UNKNOWN_YEAR, 1, 9)).kind is DayKind.SCHOOL_DAY_OFF


def test_strict_false_computes_an_unknown_year() -> None:
    lenient = WorkCalendar(strict=False)
    start = date(LAST_PUBLISHED_YEAR, 12, 20)
    result = lenient.add_working_days(start, 20)
    assert result.year == UNKNOWN_YEAR
    assert lenient.is_working_day(result)
    assert lenient.subtract_working_days(result, 20) <= start
    assert lenient.working_days_between(start, result) == 20
    lenient.is_working_day(date(UNKNOWN_YEAR + 5, 6, 1))  # far ahead: no exception


# ---------------------------------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------------------------------

RU = holidays.RU(years=range(2008, LAST_PUBLISHED_YEAR + 3), language="ru")

DATES = st.dates(min_value=date(2010, 1, 1), max_value=date(2027, 10, 31))
NS = st.integers(min_value=1, max_value=60)
OFFSETS = st.lists(st.integers(min_value=-120, max_value=120), max_size=8, unique=True)


@st.composite
def calendars(draw: st.DrawFn, d0: date) -> WorkCalendar:
    """No overrides, or random school days off / workdays near `d0` (never the same day in both)."""
    if not draw(st.booleans()):
        return CAL
    off = {d0 + timedelta(days=k) for k in draw(OFFSETS)}
    on = {d0 + timedelta(days=k) for k in draw(OFFSETS)} - off
    return WorkCalendar(days_off=off, workdays=on)


def naive_add(cal: WorkCalendar, start: date, n: int) -> date:
    """The n-th working day after `start` (before it when n < 0), one day at a time."""
    step = timedelta(days=1 if n > 0 else -1)
    x = start
    for _ in range(abs(n)):
        x += step
        while not cal.is_working_day(x):
            x += step
    return x


def add_or_reject(cal: WorkCalendar, start: date, n: int) -> date:
    """`add_working_days`, skipping the rare example whose term runs into the unknown year."""
    try:
        return cal.add_working_days(start, n)
    except UnknownCalendarYear as exc:
        assert exc.year == UNKNOWN_YEAR
        assume(False)
        raise  # unreachable


@PROPERTY
@given(data=st.data(), start=DATES, n=NS)
def test_add_and_subtract_give_working_days_on_the_right_side(
    data: st.DataObject, start: date, n: int
) -> None:
    cal = data.draw(calendars(start))
    later = add_or_reject(cal, start, n)
    earlier = cal.subtract_working_days(start, n)
    assert later > start
    assert earlier < start
    assert cal.is_working_day(later)
    assert cal.is_working_day(earlier)
    assert cal.add_working_days(start, -n) == earlier
    assert cal.subtract_working_days(start, -n) == later


@PROPERTY
@given(data=st.data(), start=DATES, n=NS)
def test_subtract_undoes_add(data: st.DataObject, start: date, n: int) -> None:
    cal = data.draw(calendars(start))
    later = add_or_reject(cal, start, n)
    back = cal.subtract_working_days(later, n)
    assert back <= start
    assert cal.is_working_day(back)
    assert back == cal.subtract_working_days(start, 0)  # the last working day on or before the start
    assert cal.add_working_days(cal.subtract_working_days(start, n), n) == cal.add_working_days(start, 0)


@PROPERTY
@given(data=st.data(), start=DATES, n=NS)
def test_between_counts_what_add_moved(data: st.DataObject, start: date, n: int) -> None:
    cal = data.draw(calendars(start))
    later = add_or_reject(cal, start, n)
    assert cal.working_days_between(start, later) == n
    assert cal.working_days_between(later, start) == -n
    assert cal.working_days_between(start, later - timedelta(days=1)) == n - 1
    assert cal.working_days_in(start, later)[-1] == later


@PROPERTY
@given(data=st.data(), a=DATES, span=st.integers(min_value=-400, max_value=400))
def test_working_days_in_lists_what_between_counts(data: st.DataObject, a: date, span: int) -> None:
    cal = data.draw(calendars(a))
    b = min(a + timedelta(days=span), date(LAST_PUBLISHED_YEAR, 12, 31))  # stay inside the known years
    span = (b - a).days
    listed = cal.working_days_in(a, b)
    count = cal.working_days_between(a, b)
    if b <= a:
        assert listed == []
        assert count == -cal.working_days_between(b, a) <= 0
        return
    assert len(listed) == count
    assert listed == sorted(set(listed))
    assert all(a < x <= b for x in listed)
    assert all(cal.is_working_day(x) for x in listed)
    every_day = [a + timedelta(days=i) for i in range(1, span + 1)]
    assert listed == [x for x in every_day if cal.is_working_day(x)]


@PROPERTY
@given(data=st.data(), start=DATES, n=st.integers(min_value=-60, max_value=60))
def test_add_agrees_with_a_naive_count(data: st.DataObject, start: date, n: int) -> None:
    cal = data.draw(calendars(start))
    try:
        expected = naive_add(cal, start, n) if n else cal.add_working_days(start, 0)
    except UnknownCalendarYear:
        # the naive count runs into the unknown year: so must the fast one
        with pytest.raises(UnknownCalendarYear):
            cal.add_working_days(start, n)
        return
    assert cal.add_working_days(start, n) == expected
    if n:
        assert cal.subtract_working_days(start, -n) == expected
    else:
        x = start
        while not cal.is_working_day(x):
            x += timedelta(days=1)
        assert expected == x


@PROPERTY
@given(start=DATES, n=NS)
def test_add_agrees_with_the_holidays_package(start: date, n: int) -> None:
    expected = RU.get_nth_working_day(start, n)
    if expected.year > LAST_PUBLISHED_YEAR:
        with pytest.raises(UnknownCalendarYear):
            CAL.add_working_days(start, n)
        assert WorkCalendar(strict=False).add_working_days(start, n) == expected
    else:
        assert CAL.add_working_days(start, n) == expected
    assert CAL.subtract_working_days(start, n) == RU.get_nth_working_day(start, -n)
    assert CAL.add_working_days(start, 0) == RU.get_nth_working_day(start, 0)
