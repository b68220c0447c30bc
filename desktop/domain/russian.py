"""Dates written the Russian way: month and weekday names, long and short forms (no locale needed)."""

from __future__ import annotations

import datetime as dt

MONTHS = (
    "январь", "февраль", "март", "апрель", "май", "июнь",
    "июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь",
)  # fmt: skip
MONTHS_GENITIVE = (
    "января", "февраля", "марта", "апреля", "мая", "июня",
    "июля", "августа", "сентября", "октября", "ноября", "декабря",
)  # fmt: skip
WEEKDAYS = ("понедельник", "вторник", "среда", "четверг", "пятница", "суббота", "воскресенье")
WEEKDAYS_SHORT = ("пн", "вт", "ср", "чт", "пт", "сб", "вс")
#: "в понедельник", "во вторник", "в среду" ...: the accusative with its preposition.
WEEKDAYS_ON = ("в понедельник", "во вторник", "в среду", "в четверг", "в пятницу", "в субботу", "в воскресенье")


def month_title(year: int, month: int) -> str:
    """«Ноябрь 2026»."""
    return f"{MONTHS[month - 1].capitalize()} {year}"


def long_date(d: dt.date) -> str:
    """«9 января 2026 г.»."""
    return f"{d.day} {MONTHS_GENITIVE[d.month - 1]} {d.year} г."


def long_date_with_weekday(d: dt.date) -> str:
    """«пятница, 9 января 2026 г.»."""
    return f"{WEEKDAYS[d.weekday()]}, {long_date(d)}"


def short_date(d: dt.date) -> str:
    """«09.01.2026»."""
    return d.strftime("%d.%m.%Y")


def short_date_with_weekday(d: dt.date) -> str:
    """«пт 09.01.2026»."""
    return f"{WEEKDAYS_SHORT[d.weekday()]} {short_date(d)}"


def plural(n: int, one: str, few: str, many: str) -> str:
    """The Russian plural form for n: 1 день, 2 дня, 5 дней (21 день, 111 дней)."""
    n = abs(n)
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def working_days_phrase(n: int) -> str:
    """«1 рабочий день», «3 рабочих дня», «5 рабочих дней»."""
    return f"{n} {plural(n, 'рабочий день', 'рабочих дня', 'рабочих дней')}"
