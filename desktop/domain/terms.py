"""Terms on the working-day calendar that every queue shares: school dates of moments, the end of a day, the time
left to a due date, and the explanation of what a term counted. Pure: no clock, no database."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from desktop.domain.calendar import WorkCalendar

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]{2,}$")


def email_problem(email: str) -> str | None:
    if email and not _EMAIL.match(email):
        return f"Адрес электронной почты «{email}» записан неверно: нужен вид имя@домен.ru."
    return None


def local_date(moment: dt.datetime, tz: ZoneInfo) -> dt.date:
    return moment.astimezone(tz).date()


def end_of_day(day: dt.date, tz: ZoneInfo) -> dt.datetime:
    """24:00 of `day` in the school's time zone (Civil Code art. 194), as a UTC moment."""
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=tz).astimezone(dt.UTC)


def time_left(due_date: dt.date | None, today: dt.date, calendar: WorkCalendar) -> str:
    """"2 р.д.", "сегодня", "просрочено", or "—" when there is no term."""
    if due_date is None:
        return "—"
    if due_date < today:
        return "просрочено"
    if due_date == today:
        return "сегодня"
    return f"{calendar.working_days_between(today, due_date)} р.д."


# -- explaining a term ------------------------------------------------------------------------------------------


def _ddmm(d: dt.date) -> str:
    return d.strftime("%d.%m")


def _ranges(days: list[dt.date]) -> list[str]:
    out: list[str] = []
    start = prev = None
    for d in days:
        if prev is not None and (d - prev).days == 1:
            prev = d
            continue
        if start is not None and prev is not None:
            out.append(_ddmm(start) if start == prev else f"{_ddmm(start)}-{_ddmm(prev)}")
        start = prev = d
    if start is not None and prev is not None:
        out.append(_ddmm(start) if start == prev else f"{_ddmm(start)}-{_ddmm(prev)}")
    return out


def explain_term(start: dt.date, term: int, due: dt.date, calendar: WorkCalendar, *, calendar_days: bool = False) -> str:
    """What a term counted: «3 р.д. от 30.04.2025: 05.05, 06.05, 07.05; 01.05-04.05 нерабочие»; for calendar days
    «30 к.д. от 01.03.2025: по 31.03.2025 (30.03 нерабочий, срок перенесён)»."""
    off = [
        start + dt.timedelta(days=i)
        for i in range(1, (due - start).days)
        if not calendar.is_working_day(start + dt.timedelta(days=i))
    ]
    if calendar_days:
        plain_end = start + dt.timedelta(days=term)
        text = f"{term} к.д. от {start:%d.%m.%Y}: по {due:%d.%m.%Y}"
        if plain_end != due:
            moved = _ranges([d for d in off if d >= plain_end])
            text += f" ({', '.join(moved)} нерабоч., срок перенесён на следующий рабочий день)"
        return text
    counted = calendar.working_days_in(start, due)
    text = f"{term} р.д. от {start:%d.%m.%Y}: {', '.join(_ddmm(d) for d in counted)}"
    if off:
        skipped = _ranges(off)
        text += f"; {', '.join(skipped)} {'нерабочий' if len(off) == 1 else 'нерабочие'}"
    return text
