"""The school's working-day calendar: its overrides and confirmed years in the database, and counting terms."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select

from desktop.domain.access import Action
from desktop.domain.calendar import LAST_PUBLISHED_YEAR, UnknownCalendarYear, WorkCalendar
from desktop.services.context import ServiceContext
from desktop.services.errors import ServiceError
from desktop.store.models import CalendarConfirmedYear, CalendarOverride

MAX_REASON = 500


class OverrideKind(StrEnum):
    DAY_OFF = "day_off"
    WORKDAY = "workday"

    @property
    def label(self) -> str:
        return "выходной" if self is OverrideKind.DAY_OFF else "рабочий день"


@dataclass(frozen=True)
class Override:
    day: dt.date
    kind: OverrideKind
    reason: str
    created_at: dt.datetime
    created_by: str


@dataclass(frozen=True)
class WorkingDayCount:
    """The answer to "count N working days from this date": the date reached and the days counted."""

    start: dt.date
    n: int
    result: dt.date
    counted: list[dt.date]


def format_date(d: dt.date) -> str:
    return d.strftime("%d.%m.%Y")


def parse_date(text: str) -> dt.date:
    """A date typed by a person: 2026-11-27 or 27.11.2026."""
    text = text.strip()
    for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ServiceError(f"Неверная дата «{text}»: укажите её как ДД.ММ.ГГГГ (27.11.2026) или ГГГГ-ММ-ДД (2026-11-27).")


class CalendarService:
    """Overrides of the production calendar (extra days off, extra working days) and confirmed years."""

    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    def overrides(self, year: int | None = None) -> list[Override]:
        with self._ctx.transaction() as session:
            query = select(CalendarOverride).order_by(CalendarOverride.day)
            if year is not None:
                query = query.where(
                    CalendarOverride.day >= dt.date(year, 1, 1), CalendarOverride.day <= dt.date(year, 12, 31)
                )
            return [
                Override(row.day, OverrideKind(row.kind), row.reason, row.created_at, row.created_by)
                for row in session.scalars(query)
            ]

    def confirmed_years(self) -> list[int]:
        with self._ctx.transaction() as session:
            return list(session.scalars(select(CalendarConfirmedYear.year).order_by(CalendarConfirmedYear.year)))

    def work_calendar(self) -> WorkCalendar:
        """The production calendar with this school's overrides and confirmed years."""
        with self._ctx.transaction() as session:
            rows = session.execute(select(CalendarOverride.day, CalendarOverride.kind)).all()
            years = list(session.scalars(select(CalendarConfirmedYear.year)))
        return WorkCalendar(
            days_off=[d for d, kind in rows if kind == OverrideKind.DAY_OFF.value],
            workdays=[d for d, kind in rows if kind == OverrideKind.WORKDAY.value],
            confirmed_years=years,
        )

    def set_day(self, day: dt.date, kind: OverrideKind, reason: str = "") -> Override:
        """Make `day` a day off or a working day for the school; replaces an override of that day."""
        self._ctx.require(Action.CALENDAR_EDIT)
        reason = " ".join(reason.split())
        if len(reason) > MAX_REASON:
            raise ServiceError(f"Причина не длиннее {MAX_REASON} знаков (сейчас {len(reason)}).")
        now = self._ctx.clock()
        with self._ctx.transaction() as session:
            row = session.get(CalendarOverride, day)
            before = {"kind": row.kind, "reason": row.reason} if row is not None else None
            if row is not None and before == {"kind": kind.value, "reason": reason}:
                return Override(day, kind, reason, row.created_at, row.created_by)  # nothing changes, nothing logged
            if row is None:
                row = CalendarOverride(day=day, kind=kind.value, reason=reason, created_at=now, created_by=self._ctx.actor.name)
                session.add(row)
            else:
                row.kind, row.reason, row.created_at, row.created_by = kind.value, reason, now, self._ctx.actor.name
            self._ctx.record(session, "calendar_override", day.isoformat(), "set", before, {"kind": kind.value, "reason": reason})
            return Override(day, kind, reason, now, self._ctx.actor.name)

    def remove_day(self, day: dt.date) -> Override:
        """Drop the school's override of `day`; the production calendar applies again."""
        self._ctx.require(Action.CALENDAR_EDIT)
        with self._ctx.transaction() as session:
            row = session.get(CalendarOverride, day)
            if row is None:
                raise ServiceError(f"На {format_date(day)} исключений календаря нет.")
            removed = Override(row.day, OverrideKind(row.kind), row.reason, row.created_at, row.created_by)
            session.delete(row)
            self._ctx.record(session, "calendar_override", day.isoformat(), "remove", {"kind": row.kind, "reason": row.reason}, None)
            return removed

    def confirm_year(self, year: int) -> None:
        """The school vouches for `year`: it has entered that year's days off and working days by hand."""
        self._ctx.require(Action.CALENDAR_EDIT)
        if year <= LAST_PUBLISHED_YEAR:
            raise ServiceError(
                f"Производственный календарь на {year} год уже есть в программе; подтверждать его не нужно."
            )
        if year > LAST_PUBLISHED_YEAR + 5:
            raise ServiceError(f"Год {year} слишком далёк: подтвердить можно годы до {LAST_PUBLISHED_YEAR + 5}.")
        with self._ctx.transaction() as session:
            if session.get(CalendarConfirmedYear, year) is not None:
                return
            session.add(CalendarConfirmedYear(year=year, confirmed_at=self._ctx.clock(), confirmed_by=self._ctx.actor.name))
            self._ctx.record(session, "calendar_year", year, "confirm", None, {"year": year})

    def unconfirm_year(self, year: int) -> None:
        self._ctx.require(Action.CALENDAR_EDIT)
        with self._ctx.transaction() as session:
            row = session.get(CalendarConfirmedYear, year)
            if row is None:
                raise ServiceError(f"Год {year} не был подтверждён.")
            session.delete(row)
            self._ctx.record(session, "calendar_year", year, "unconfirm", {"year": year}, None)

    def count_working_days(self, start: dt.date, n: int) -> WorkingDayCount:
        """Count n working days from `start` (backwards when n < 0): the date reached and each day counted."""
        if not -1000 <= n <= 1000:
            raise ServiceError("Число рабочих дней должно быть от −1000 до 1000.")
        calendar = self.work_calendar()
        try:
            result = calendar.add_working_days(start, n)
            if n == 0:  # nothing is counted: the result is the start, moved to a working day if need be
                counted = []
            elif n > 0:
                counted = calendar.working_days_in(start, result)
            else:
                counted = list(reversed(calendar.working_days_in(result - dt.timedelta(days=1), start - dt.timedelta(days=1))))
        except UnknownCalendarYear as exc:
            raise ServiceError(str(exc)) from exc
        return WorkingDayCount(start, n, result, counted)
