"""The Russian working-day calendar with the school's overrides (DOMAIN.md §1, Civil Code arts. 191, 193, 194).

Pure: no clock, no database. Built from the production calendar that the `holidays` package carries for
Russia (public holidays, transferred days off, working Saturdays) plus the school's own overrides, which win.
A year whose production calendar the package does not know (it silently returns only the fixed-date
holidays there) is reported with `UnknownCalendarYear` instead of being guessed, unless the school has
entered that year's days itself and confirmed it.
"""

from __future__ import annotations

import enum
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

import holidays
from holidays.countries import russia as _russia

#: The first year of the Russian Federation's calendar in `holidays`.
FIRST_KNOWN_YEAR: int = _russia.Russia.start_year


def _last_published_year() -> int:
    """The last year whose transfers of days off the installed `holidays` release knows.

    Every year's production calendar (a government decree) shows up in the package as transfers or
    observed days; a later year has only the fixed-date holidays and is not to be trusted.
    """
    static = getattr(_russia, "RussiaStaticHolidays", None)
    years: set[int] = set()
    for attr in ("special_public_holidays", "special_public_holidays_observed"):
        years.update(getattr(static, attr, {}) or {})
    return max(years) if years else 2027


#: The last year whose production calendar is published in the installed `holidays` release.
LAST_PUBLISHED_YEAR: int = _last_published_year()

_SATURDAY = 5


class UnknownCalendarYear(ValueError):
    """A computation needs a year whose production calendar the app does not know."""

    def __init__(self, year: int) -> None:
        self.year = year
        super().__init__(
            f"Производственный календарь на {year} год программе неизвестен: сроки в этом году "
            f"не рассчитываются наугад. Внесите праздничные, перенесённые и рабочие дни {year} года "
            f"в разделе «Настройки» → «Исключения календаря» и подтвердите год кнопкой «Подтвердить год…» "
            f"(или командами «school-office calendar day-off/workday» и «school-office calendar confirm-year {year}»)."
        )


class DayKind(enum.Enum):
    """Why a day is (not) a working day; the order of the checks in `WorkCalendar.day_info`."""

    WORKDAY = "workday"  # an ordinary Monday-Friday
    WEEKEND = "weekend"  # an ordinary Saturday or Sunday
    HOLIDAY = "holiday"  # a public holiday (Labour Code art. 112)
    TRANSFERRED_DAY_OFF = "transferred_day_off"  # a weekday off by a transfer or because a holiday fell on a weekend
    TRANSFERRED_WORKDAY = "transferred_workday"  # a Saturday or Sunday made a working day by a transfer
    SCHOOL_DAY_OFF = "school_day_off"  # the school's own override: closed (regional holiday, quarantine ...)
    SCHOOL_WORKDAY = "school_workday"  # the school's own override: open on a day that is otherwise off

    @property
    def is_working(self) -> bool:
        return self in (DayKind.WORKDAY, DayKind.TRANSFERRED_WORKDAY, DayKind.SCHOOL_WORKDAY)

    @property
    def label(self) -> str:
        """The Russian name shown to people."""
        return _KIND_LABELS[self]


_KIND_LABELS = {
    DayKind.WORKDAY: "рабочий день",
    DayKind.WEEKEND: "выходной",
    DayKind.HOLIDAY: "праздник",
    DayKind.TRANSFERRED_DAY_OFF: "перенесённый выходной",
    DayKind.TRANSFERRED_WORKDAY: "рабочий выходной (перенос)",
    DayKind.SCHOOL_DAY_OFF: "выходной по решению школы",
    DayKind.SCHOOL_WORKDAY: "рабочий день по решению школы",
}


@dataclass(frozen=True, slots=True)
class DayInfo:
    """What one date is, for showing it: kind, the holiday's name if any, and whether the year is known."""

    day: date
    kind: DayKind
    name: str | None
    known: bool

    @property
    def is_working(self) -> bool:
        return self.kind.is_working


class WorkCalendar:
    """Working days of the Russian production calendar with the school's overrides on top.

    `days_off` and `workdays` are the school's overrides (they win over the production calendar);
    `confirmed_years` are years the school has entered by hand and vouches for although the installed
    production calendar does not cover them. With `strict` (the default) a computation that touches a
    year outside the known ones raises `UnknownCalendarYear`.
    """

    def __init__(
        self,
        days_off: Iterable[date] = (),
        workdays: Iterable[date] = (),
        *,
        confirmed_years: Iterable[int] = (),
        strict: bool = True,
    ) -> None:
        self._days_off = frozenset(days_off)
        self._workdays = frozenset(workdays)
        both = self._days_off & self._workdays
        if both:
            listed = ", ".join(d.strftime("%d.%m.%Y") for d in sorted(both))
            raise ValueError(f"День не может быть одновременно выходным и рабочим: {listed}")
        self.strict = strict
        self._known_years = frozenset(range(FIRST_KNOWN_YEAR, LAST_PUBLISHED_YEAR + 1)) | frozenset(
            confirmed_years
        )
        # The contiguous run of known years around the published ones: the fast path checks against it.
        hi = LAST_PUBLISHED_YEAR
        while hi + 1 in self._known_years:
            hi += 1
        self._fast_lo = date(FIRST_KNOWN_YEAR, 1, 1).toordinal()
        self._fast_hi = date(hi, 12, 31).toordinal()
        self._ru = holidays.RU(years=(), language="ru")
        # Sorted ordinals of the working days in the years [_lo_year, _hi_year], built on demand.
        self._lo_year = 0
        self._hi_year = -1
        self._wd: list[int] = []
        self._wd_lo = 0  # ordinal of 1 January of _lo_year
        self._wd_hi = -1  # ordinal of 31 December of _hi_year

    # -- what is known -------------------------------------------------------------------------------

    @property
    def days_off(self) -> frozenset[date]:
        return self._days_off

    @property
    def workdays(self) -> frozenset[date]:
        return self._workdays

    def is_known_year(self, year: int) -> bool:
        """True when the production calendar of `year` is published in the app or confirmed by the school."""
        return year in self._known_years

    def _check_years(self, first: int, last: int) -> None:
        if not self.strict:
            return
        for year in range(min(first, last), max(first, last) + 1):
            if year not in self._known_years:
                raise UnknownCalendarYear(year)

    # -- single days ---------------------------------------------------------------------------------

    def _raw_kind(self, d: date) -> tuple[DayKind, str | None]:
        """The kind of a day by the production calendar and the overrides, without the known-year check."""
        if d in self._days_off:
            return DayKind.SCHOOL_DAY_OFF, None
        if d in self._workdays:
            return DayKind.SCHOOL_WORKDAY, None
        ru = self._ru
        name = ru.get(d)
        if d.weekday() >= _SATURDAY:
            if d in ru.weekend_workdays:
                return DayKind.TRANSFERRED_WORKDAY, None
            return (DayKind.HOLIDAY if name else DayKind.WEEKEND), name
        if name is None:
            return DayKind.WORKDAY, None
        if "перенес" in name.lower() or "(выходной)" in name:
            return DayKind.TRANSFERRED_DAY_OFF, name
        return DayKind.HOLIDAY, name

    def day_info(self, d: date) -> DayInfo:
        """What `d` is, for display. Never raises for an unknown year: `known` says so instead."""
        kind, name = self._raw_kind(d)
        return DayInfo(d, kind, name, self.is_known_year(d.year))

    def is_working_day(self, d: date) -> bool:
        """True when `d` is a working day."""
        self._check_years(d.year, d.year)
        return self._raw_kind(d)[0].is_working

    # -- the array of working days ------------------------------------------------------------------

    def _cover(self, first_year: int, last_year: int) -> None:
        """Make the working-day array span at least the years [first_year, last_year]."""
        lo = min(first_year, self._lo_year) if self._wd_hi >= self._wd_lo else first_year
        hi = max(last_year, self._hi_year)
        if lo == self._lo_year and hi == self._hi_year:
            return
        for year in range(lo, hi + 1):
            self._ru._populate(year)  # noqa: SLF001 - fill the production calendar of every year at once
        start = date(lo, 1, 1).toordinal()
        end = date(hi, 12, 31).toordinal()
        fromordinal = date.fromordinal
        self._wd = [o for o in range(start, end + 1) if self._raw_kind(fromordinal(o))[0].is_working]
        self._lo_year, self._hi_year, self._wd_lo, self._wd_hi = lo, hi, start, end

    def _covering(self, o: int) -> list[int]:
        """The working-day array, made to span the year of ordinal `o` and its neighbours."""
        if not self._wd_lo <= o <= self._wd_hi:
            y = date.fromordinal(o).year
            self._cover(y - 1, y + 1)
        return self._wd

    def _checked(self, start: int, result: int) -> date:
        if not (self._fast_lo <= start <= self._fast_hi and self._fast_lo <= result <= self._fast_hi):
            self._check_years(date.fromordinal(start).year, date.fromordinal(result).year)
        return date.fromordinal(result)

    # -- terms ------------------------------------------------------------------------------------

    def add_working_days(self, d: date, n: int) -> date:
        """The n-th working day strictly after `d` (a term starts the next day: Civil Code art. 191).

        n == 0 gives `d` itself when it is a working day, else the next working day; a negative n
        counts backwards, as `subtract_working_days(d, -n)`.
        """
        if n < 0:
            return self.subtract_working_days(d, -n)
        self._check_years(d.year, d.year)  # before covering it: an unknown year 9999 is not filled in at all
        o = d.toordinal()
        wd = self._covering(o)
        i = (bisect_right(wd, o) + n - 1) if n else bisect_left(wd, o)
        while i >= len(wd):
            self._cover(self._lo_year, self._hi_year + 1 + n // 200)
            wd = self._wd
            i = (bisect_right(wd, o) + n - 1) if n else bisect_left(wd, o)
        return self._checked(o, wd[i])

    def subtract_working_days(self, d: date, n: int) -> date:
        """The n-th working day strictly before `d` ("no later than n working days before the event").

        n == 0 gives `d` itself when it is a working day, else the previous working day; a negative n
        counts forwards, as `add_working_days(d, -n)`.
        """
        if n < 0:
            return self.add_working_days(d, -n)
        self._check_years(d.year, d.year)  # before covering it: an unknown year 9999 is not filled in at all
        o = d.toordinal()
        wd = self._covering(o)
        i = (bisect_left(wd, o) - n) if n else bisect_right(wd, o) - 1
        while i < 0:
            self._cover(self._lo_year - 1 - n // 200, self._hi_year)
            wd = self._wd
            i = (bisect_left(wd, o) - n) if n else bisect_right(wd, o) - 1
        return self._checked(o, wd[i])

    def working_days_between(self, a: date, b: date) -> int:
        """How many working days lie in (a, b]; negative, -working_days_between(b, a), when b < a."""
        if b < a:
            return -self.working_days_between(b, a)
        self._check_years(a.year, b.year)
        self._cover(a.year, b.year)
        return bisect_right(self._wd, b.toordinal()) - bisect_right(self._wd, a.toordinal())

    def working_days_in(self, a: date, b: date) -> list[date]:
        """The working days in (a, b], in order: what a count of working days counted."""
        if b <= a:
            return []
        self._check_years(a.year, b.year)
        self._cover(a.year, b.year)
        lo = bisect_right(self._wd, a.toordinal())
        hi = bisect_right(self._wd, b.toordinal())
        return [date.fromordinal(o) for o in self._wd[lo:hi]]

    def next_working_day_on_or_after(self, d: date) -> date:
        """`d` when it is a working day, else the first working day after it."""
        return self.add_working_days(d, 0)

    def calendar_days_deadline(self, d: date, n: int) -> date:
        """The last day of a term of n calendar days from `d` (Civil Code arts. 191, 193).

        The term ends on `d + n`; when that day is not a working day, it ends on the next working day.
        """
        end = d + timedelta(days=n)
        return self.next_working_day_on_or_after(end)
