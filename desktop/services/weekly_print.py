"""Printing the week's paper reports (seed 004): the batch of a week — the students on paper (of one class, or
everyone studying) — as one PDF, one report per student on a new page, then recorded in the register of printouts.

The glue between `GradesService` (the report data, the batch, the register) and `desktop.printing.weekly_report`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from desktop.domain import grades as rules
from desktop.domain.access import Action
from desktop.services.calendar import CalendarService
from desktop.services.context import ServiceContext
from desktop.services.errors import ServiceError
from desktop.services.grades import GradesService
from desktop.services.settings import SettingsService


class WeeklyPrinter:
    def __init__(self, ctx: ServiceContext, settings: SettingsService, calendar: CalendarService) -> None:
        self._ctx = ctx
        self._grades = GradesService(ctx, settings, calendar)

    def print_weekly(self, path: Path | str, day: dt.date, *, class_name: str = "", everyone: bool = False) -> int:
        """The reports of the week (Monday to Sunday) of `day` for the students on paper (every student studying
        with `everyone`), of `class_name` only when given, ordered by class and name, written to one PDF at `path`
        and recorded as printed; returns how many reports."""
        self._ctx.require(Action.PRINTOUTS_MANAGE)
        from desktop.domain.families import class_key

        ids = self._grades.batch(day, class_name=class_name, everyone=everyone)
        if not ids:
            monday, sunday = rules.week_of(day)
            who = "Нет учеников" if everyone else "Нет учеников на бумажных отчётах"
            where = f" в классе {class_key(class_name)}" if class_name.strip() else ""
            hint = "" if everyone else (
                " Семью переводят на бумажные отчёты заявлением (Приложение № 2 или 3); "
                "можно напечатать и отчёты всех учеников класса."
            )
            raise ServiceError(
                f"{who}{where}: печатать нечего (неделя с {monday:%d.%m.%Y} по {sunday:%d.%m.%Y}).{hint}"
            )
        reports = self._grades.weekly_reports(ids, day)
        from desktop.printing.fonts import FontMissing
        from desktop.printing.forms import FormError
        from desktop.printing.weekly_report import render_weekly_reports

        try:
            count = render_weekly_reports(reports, Path(path))
        except (FontMissing, FormError) as exc:
            raise ServiceError(str(exc)) from exc
        except OSError as exc:
            raise ServiceError(f"Не удалось записать файл: {exc.strerror or exc}") from exc
        self._grades.record_printed(ids, day)
        return count


__all__ = ["WeeklyPrinter"]
