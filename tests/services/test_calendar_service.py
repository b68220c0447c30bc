"""The school's calendar: overrides in the database, confirmed years, and counting working days from a date."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from desktop.domain.calendar import LAST_PUBLISHED_YEAR, DayKind, UnknownCalendarYear
from desktop.services.calendar import MAX_REASON, OverrideKind, parse_date
from desktop.services.errors import ServiceError
from desktop.store.models import Event

D = dt.date
THU = D(2026, 11, 26)
FRI = D(2026, 11, 27)
SAT = D(2026, 11, 28)
NEXT_YEAR = LAST_PUBLISHED_YEAR + 1  # the first year the app has no production calendar for


def _events(services, entity: str) -> list[Event]:
    with services.ctx.transaction() as session:
        return list(session.scalars(select(Event).where(Event.entity == entity).order_by(Event.id)))


# -- overrides ---------------------------------------------------------------------------------------


def test_a_day_off_is_stored_with_its_reason_and_recorded(services, clock):
    services.calendar.set_day(FRI, OverrideKind.DAY_OFF, "  Карантин по ОРВИ,\n приказ № 214 ")

    [override] = services.calendar.overrides()
    assert override.day == FRI
    assert override.kind is OverrideKind.DAY_OFF
    assert override.reason == "Карантин по ОРВИ, приказ № 214"
    assert override.created_at == clock.now
    assert override.created_by == "Тестовый пользователь"
    [event] = _events(services, "calendar_override")
    assert (event.entity_id, event.action, event.actor, event.at) == (
        "2026-11-27",
        "set",
        "Тестовый пользователь",
        clock.now,
    )
    assert event.before is None
    assert event.after == {"kind": "day_off", "reason": "Карантин по ОРВИ, приказ № 214"}


def test_setting_a_day_again_replaces_its_override(services, clock):
    services.calendar.set_day(FRI, OverrideKind.DAY_OFF, "Карантин")
    clock.advance(days=1)
    services.calendar.set_day(FRI, OverrideKind.WORKDAY, "Карантин отменён")

    [override] = services.calendar.overrides()
    assert (override.kind, override.reason, override.created_at) == (
        OverrideKind.WORKDAY,
        "Карантин отменён",
        clock.now,
    )
    first, second = _events(services, "calendar_override")
    assert second.before == {"kind": "day_off", "reason": "Карантин"}
    assert second.after == {"kind": "workday", "reason": "Карантин отменён"}
    assert services.calendar.work_calendar().is_working_day(FRI)


def test_setting_a_day_to_what_it_already_is_changes_and_logs_nothing(services, clock):
    services.calendar.set_day(FRI, OverrideKind.DAY_OFF, "Карантин")
    first_at = clock.now
    clock.advance(hours=3)
    again = services.calendar.set_day(FRI, OverrideKind.DAY_OFF, " Карантин ")
    assert again.created_at == first_at
    [override] = services.calendar.overrides()
    assert override.created_at == first_at
    assert len(_events(services, "calendar_override")) == 1


def test_removing_an_override_restores_the_production_calendar(services):
    services.calendar.set_day(FRI, OverrideKind.DAY_OFF, "Карантин")
    assert not services.calendar.work_calendar().is_working_day(FRI)

    removed = services.calendar.remove_day(FRI)

    assert (removed.day, removed.kind, removed.reason) == (FRI, OverrideKind.DAY_OFF, "Карантин")
    assert services.calendar.overrides() == []
    assert services.calendar.work_calendar().is_working_day(FRI)
    last = _events(services, "calendar_override")[-1]
    assert (last.action, last.before, last.after) == (
        "remove",
        {"kind": "day_off", "reason": "Карантин"},
        None,
    )


def test_removing_a_day_without_an_override_is_refused_in_russian(services):
    with pytest.raises(ServiceError) as info:
        services.calendar.remove_day(FRI)
    assert str(info.value) == "На 27.11.2026 исключений календаря нет."
    assert _events(services, "calendar_override") == []


def test_a_reason_that_is_too_long_is_refused_and_nothing_is_stored(services):
    with pytest.raises(ServiceError) as info:
        services.calendar.set_day(FRI, OverrideKind.DAY_OFF, "я" * (MAX_REASON + 1))
    assert f"не длиннее {MAX_REASON} знаков" in str(info.value)
    assert services.calendar.overrides() == []
    assert _events(services, "calendar_override") == []


def test_overrides_are_listed_in_date_order_and_by_year(services):
    services.calendar.set_day(D(2027, 3, 30), OverrideKind.DAY_OFF, "Методический день")
    services.calendar.set_day(SAT, OverrideKind.WORKDAY, "Отработка")
    services.calendar.set_day(FRI, OverrideKind.DAY_OFF, "Карантин")
    assert [o.day for o in services.calendar.overrides()] == [FRI, SAT, D(2027, 3, 30)]
    assert [o.day for o in services.calendar.overrides(2026)] == [FRI, SAT]
    assert [o.day for o in services.calendar.overrides(2027)] == [D(2027, 3, 30)]
    assert services.calendar.overrides(2025) == []


# -- the calendar with the overrides ------------------------------------------------------------------


def test_a_school_day_off_on_a_weekday_shifts_a_term(services):
    assert services.calendar.work_calendar().add_working_days(THU, 2) == D(2026, 11, 30)
    services.calendar.set_day(FRI, OverrideKind.DAY_OFF, "Карантин")
    calendar = services.calendar.work_calendar()
    assert calendar.day_info(FRI).kind is DayKind.SCHOOL_DAY_OFF
    assert calendar.add_working_days(THU, 2) == D(2026, 12, 1)
    assert calendar.working_days_between(THU, D(2026, 11, 30)) == 1


def test_a_school_workday_on_a_saturday_is_counted(services):
    assert not services.calendar.work_calendar().is_working_day(SAT)
    services.calendar.set_day(SAT, OverrideKind.WORKDAY, "Отработка")
    calendar = services.calendar.work_calendar()
    assert calendar.is_working_day(SAT)
    assert calendar.day_info(SAT).kind is DayKind.SCHOOL_WORKDAY
    assert calendar.add_working_days(THU, 2) == SAT
    assert calendar.working_days_between(THU, D(2026, 11, 30)) == 3


# -- confirmed years ----------------------------------------------------------------------------------


def test_confirming_the_next_year_makes_computations_in_it_work(services, clock):
    start = D(NEXT_YEAR, 3, 1)
    with pytest.raises(UnknownCalendarYear):
        services.calendar.work_calendar().add_working_days(start, 5)
    with pytest.raises(ServiceError) as info:
        services.calendar.count_working_days(start, 5)
    assert f"confirm-year {NEXT_YEAR}" in str(info.value)

    services.calendar.set_day(D(NEXT_YEAR, 3, 8), OverrideKind.DAY_OFF, "Международный женский день")
    services.calendar.confirm_year(NEXT_YEAR)

    assert services.calendar.confirmed_years() == [NEXT_YEAR]
    calendar = services.calendar.work_calendar()
    assert calendar.is_known_year(NEXT_YEAR)
    count = services.calendar.count_working_days(start, 5)
    assert count.result == calendar.add_working_days(start, 5)
    assert len(count.counted) == 5
    assert all(calendar.is_working_day(d) for d in count.counted)
    assert D(NEXT_YEAR, 3, 8) not in count.counted
    [event] = _events(services, "calendar_year")
    assert (event.entity_id, event.action, event.at, event.after) == (
        str(NEXT_YEAR),
        "confirm",
        clock.now,
        {"year": NEXT_YEAR},
    )


def test_confirming_a_year_twice_changes_nothing(services):
    services.calendar.confirm_year(NEXT_YEAR)
    services.calendar.confirm_year(NEXT_YEAR)
    assert services.calendar.confirmed_years() == [NEXT_YEAR]
    assert len(_events(services, "calendar_year")) == 1


@pytest.mark.parametrize("year", [LAST_PUBLISHED_YEAR, 2026])
def test_a_year_already_published_cannot_be_confirmed(services, year):
    with pytest.raises(ServiceError) as info:
        services.calendar.confirm_year(year)
    assert f"Производственный календарь на {year} год уже есть в программе" in str(info.value)
    assert services.calendar.confirmed_years() == []
    assert _events(services, "calendar_year") == []


def test_a_year_too_far_ahead_cannot_be_confirmed(services):
    with pytest.raises(ServiceError) as info:
        services.calendar.confirm_year(LAST_PUBLISHED_YEAR + 6)
    assert "слишком далёк" in str(info.value)
    assert services.calendar.confirmed_years() == []


# -- counting working days ---------------------------------------------------------------------------


def test_counting_across_the_new_year_holidays_returns_the_counted_days(services):
    # 31.12.2025 is a transferred day off, 1-9 January 2026 are off: the count resumes on Monday 12 January.
    count = services.calendar.count_working_days(D(2025, 12, 29), 3)
    assert count.result == D(2026, 1, 13)
    assert count.counted == [D(2025, 12, 30), D(2026, 1, 12), D(2026, 1, 13)]
    assert (count.start, count.n) == (D(2025, 12, 29), 3)


def test_counting_backwards_lists_the_days_from_the_nearest(services):
    count = services.calendar.count_working_days(D(2026, 1, 13), -2)
    assert count.result == D(2025, 12, 30)
    assert count.counted == [D(2026, 1, 12), D(2025, 12, 30)]


def test_counting_zero_days_from_a_holiday_gives_the_next_working_day_and_counts_nothing(services):
    count = services.calendar.count_working_days(D(2026, 1, 1), 0)
    assert count.result == D(2026, 1, 12)
    assert count.counted == []


def test_the_counted_days_are_exactly_the_next_n_working_days(services):
    calendar = services.calendar.work_calendar()
    start = D(2025, 12, 31)
    for n in (-6, -1, 1, 2, 5):
        step = 1 if n > 0 else -1
        days = [start + dt.timedelta(days=step * k) for k in range(1, 30)]
        expected = [d for d in days if calendar.is_working_day(d)][: abs(n)]
        count = services.calendar.count_working_days(start, n)
        assert count.counted == expected, n
        assert count.result == expected[-1], n


def test_counting_honours_the_schools_overrides(services):
    services.calendar.set_day(FRI, OverrideKind.DAY_OFF, "Карантин")
    services.calendar.set_day(SAT, OverrideKind.WORKDAY, "Отработка")
    count = services.calendar.count_working_days(THU, 3)
    assert count.counted == [SAT, D(2026, 11, 30), D(2026, 12, 1)]
    assert count.result == D(2026, 12, 1)


def test_counting_in_an_unknown_year_is_a_russian_service_error(services):
    with pytest.raises(ServiceError) as info:
        services.calendar.count_working_days(D(LAST_PUBLISHED_YEAR, 12, 20), 30)
    message = str(info.value)
    assert f"Производственный календарь на {NEXT_YEAR} год программе неизвестен" in message
    assert not isinstance(info.value, UnknownCalendarYear)


def test_counting_too_many_days_is_refused(services):
    with pytest.raises(ServiceError) as info:
        services.calendar.count_working_days(THU, 1001)
    assert "от −1000 до 1000" in str(info.value)


# -- dates typed by people ---------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["27.11.2026", "2026-11-27", " 27.11.2026 "])
def test_parse_date_accepts_russian_and_iso_dates(text):
    assert parse_date(text) == FRI


@pytest.mark.parametrize("text", ["", "завтра", "27/11/2026", "31.02.2026", "2026-13-01", "27.11.26"])
def test_parse_date_refuses_anything_else_in_russian(text):
    with pytest.raises(ServiceError) as info:
        parse_date(text)
    message = str(info.value)
    assert message.startswith("Неверная дата")
    assert "ДД.ММ.ГГГГ" in message and "ГГГГ-ММ-ДД" in message
