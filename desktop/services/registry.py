"""Opens a database (migrating it) and builds the services on it: what the GUI and the command line start with."""

from __future__ import annotations

import datetime as dt
import getpass
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, NoSuchModuleError

from desktop.domain.access import Actor
from desktop.services.appeals import AppealsService
from desktop.services.appeals_io import AppealsExchange
from desktop.services.audit import AuditService
from desktop.services.calendar import CalendarService
from desktop.services.changes import ChangesService
from desktop.services.context import ServiceContext, utc_now
from desktop.services.errors import ServiceError
from desktop.services.families import FamiliesService
from desktop.services.families_io import FamiliesExchange
from desktop.services.grades import GradesService
from desktop.services.grades_io import GradesExchange
from desktop.services.reports import ReportsService
from desktop.services.settings import SettingsService
from desktop.services.support import SupportService
from desktop.services.support_io import SupportExchange
from desktop.services.tickets import TicketsService
from desktop.services.tickets_io import TicketsExchange
from desktop.services.users import UsersService
from desktop.services.weekly_print import WeeklyPrinter
from desktop.store import migrate
from desktop.store.db import DatabaseLocation, make_engine, session_factory


def computer_user() -> str:
    """The name of the person logged in to the computer: who sets up a database that has no users yet."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no user name on some Windows set-ups
        return "неизвестный пользователь"


@dataclass
class Services:
    """Everything the front ends call, built once at start-up and passed down."""

    location: DatabaseLocation
    engine: Engine
    ctx: ServiceContext
    settings: SettingsService
    calendar: CalendarService
    users: UsersService
    audit: AuditService
    appeals: AppealsService
    appeals_io: AppealsExchange
    tickets: TicketsService
    families: FamiliesService
    grades: GradesService
    grades_io: GradesExchange
    families_io: FamiliesExchange
    tickets_io: TicketsExchange
    weekly_print: WeeklyPrinter
    support: SupportService
    support_io: SupportExchange
    reports: ReportsService
    changes: ChangesService

    @property
    def actor(self) -> Actor:
        return self.ctx.actor

    def as_actor(self, actor: Actor) -> Services:
        """The same database and clock, acting as `actor` (after a login, or as the system)."""
        return _build(self.location, self.engine, ServiceContext(self.ctx.sessions, actor, self.ctx.clock))

    def close(self) -> None:
        self.engine.dispose()


def backup_before_upgrade(location: DatabaseLocation, revision: str, now: dt.datetime) -> Path | None:
    """A checked copy of a SQLite database in its backups folder before a new release changes its schema
    (`school-office-…-перед-обновлением-0007.db`); the copy's path. When the copy cannot be made the database is not
    upgraded (ServiceError): the school keeps working with the previous release until there is room for it.

    A PostgreSQL database is the server's administrator's to back up (`pg_dump`, README) before installing.
    """
    from desktop.services.backup import BEFORE_UPGRADE, BackupError, backup_name, backups_folder, copy_sqlite

    path = location.path
    if path is None:
        logging.getLogger("desktop").info("Обновление схемы базы PostgreSQL с версии %s", revision)
        return None
    out = backups_folder(path) / backup_name(now.astimezone(), f"-{BEFORE_UPGRADE}-{revision}")
    try:
        copy_sqlite(path, out)
    except BackupError as exc:
        raise ServiceError(
            f"База данных не обновлена до новой версии программы: не удалось сначала сделать её резервную копию. "
            f"{exc} Освободите место на диске или проверьте права на папку {out.parent} и запустите программу снова."
        ) from exc
    logging.getLogger("desktop").info("Перед обновлением схемы (версия %s) сделана копия базы: %s", revision, out)
    return out


def open_services(
    location: DatabaseLocation,
    *,
    actor: Actor | None = None,
    clock: Callable[[], dt.datetime] = utc_now,
    run_migrations: bool = True,
) -> Services:
    """Open the database at `location`, bring its schema up to date, and build the services on it.

    Without `actor` nobody is logged in: only reading the school profile and logging in are possible.
    """
    try:
        engine = make_engine(location)
    except (ImportError, NoSuchModuleError) as exc:
        # A driver that is not installed (postgresql+psycopg2://) or not known to SQLAlchemy.
        raise ServiceError(
            f"Не удалось открыть базу данных ({location.describe()}): драйвер «{location.url.drivername}» "
            "не поддерживается. Для PostgreSQL укажите адрес postgresql+psycopg://пользователь@сервер/база."
        ) from exc
    try:
        if run_migrations:
            migrate.upgrade(engine, before=lambda revision: backup_before_upgrade(location, revision, clock()))
    except ServiceError:
        engine.dispose()  # the file is not left open behind the message (Windows keeps open files locked)
        raise
    except DBAPIError as exc:  # no server, no access, or a file that is not a database
        engine.dispose()
        raise ServiceError(
            f"Не удалось открыть базу данных ({location.describe()}): {exc.orig}. "
            "Проверьте путь или адрес сервера и права доступа."
        ) from exc
    ctx = ServiceContext(sessions=session_factory(engine), actor=actor or Actor.anonymous(), clock=clock)
    return _build(location, engine, ctx)


def _build(location: DatabaseLocation, engine: Engine, ctx: ServiceContext) -> Services:
    settings = SettingsService(ctx)
    calendar = CalendarService(ctx)
    built = Services(
        location=location,
        engine=engine,
        ctx=ctx,
        settings=settings,
        calendar=calendar,
        users=UsersService(ctx),
        audit=AuditService(ctx, settings.timezone),
        appeals=AppealsService(ctx, settings, calendar),
        appeals_io=AppealsExchange(ctx, settings, calendar),
        tickets=TicketsService(ctx, settings, calendar),
        families=FamiliesService(ctx, settings, calendar),
        grades=GradesService(ctx, settings, calendar),
        grades_io=GradesExchange(ctx, settings, calendar),
        families_io=FamiliesExchange(ctx, settings, calendar),
        tickets_io=TicketsExchange(ctx, settings, calendar),
        weekly_print=WeeklyPrinter(ctx, settings, calendar),
        support=SupportService(ctx, settings, calendar),
        support_io=SupportExchange(ctx, settings, calendar),
        reports=ReportsService(ctx, settings, calendar),
        changes=ChangesService(ctx),
    )
    built.reports.bind(built)
    return built
