"""What the services that count terms share: the context, the school's settings and calendar, today's school date and
moments in school time."""

from __future__ import annotations

import datetime as dt

from desktop.services.calendar import CalendarService
from desktop.services.context import ServiceContext
from desktop.services.settings import SettingsService


class SchoolService:
    """A service on the school's calendar and time zone (tickets, families, grades)."""

    def __init__(self, ctx: ServiceContext, settings: SettingsService, calendar: CalendarService) -> None:
        self._ctx = ctx
        self._settings = settings
        self._calendar = calendar

    def today(self) -> dt.date:
        """Today's date in the school's time zone."""
        return self._settings.today()

    def _local(self, moment: dt.datetime | None) -> dt.datetime | None:
        """A stored moment as the school's wall-clock time (naive), for showing and printing."""
        return moment.astimezone(self._settings.timezone()).replace(tzinfo=None) if moment is not None else None
