"""Support requests for the e-journal (seed 001) out of the program: the register exported to Excel and the printed
notice for class teachers.

The register is written the way every register is (`desktop.services.registers`, `desktop.reports.workbook`): the
title with the school, the filter in words, a bold frozen header with filters, real Excel dates, fitted widths; a
request open at СТП for the reminder's working days or more is highlighted, as the queue marks it. Which requests it
holds is the queue's own rule (`SupportService.conditions`, through `rows_for_export`). The export takes personal data
out of the program and is recorded; the notice holds none and needs no right.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

from desktop.domain.access import Action
from desktop.domain.calendar import UnknownCalendarYear, WorkCalendar
from desktop.domain.support import Stage, Status, Urgency, stp_days_open
from desktop.services.calendar import CalendarService
from desktop.services.context import ServiceContext
from desktop.services.errors import ServiceError
from desktop.services.registers import (
    exported_by,
    period_text,
    school_short_name,
    titled,
    write_and_record,
    xlsx_path,
)
from desktop.services.school import SchoolService
from desktop.services.settings import YES, SettingsService
from desktop.services.support import ENTITY, SupportFilter, SupportRow, SupportService
from desktop.store.models import SupportRequest

#: The event of an export: the requests' own entity, the register as a whole.
EXPORT_ENTITY = ENTITY
EXPORT_ENTITY_ID = "register"

#: The columns of the exported register, in this order (a contract for those who read the file).
EXPORT_HEADERS = (
    "Номер",
    "Принят",
    "ФИО пользователя",
    "Дата рождения",
    "Роль",
    "Класс",
    "Кто передал",
    "Электронная почта (Госуслуги)",
    "Описание",
    "Статус",
    "Что дальше",
    "Исправлено",
    "Вступает в силу",
    "Заявка в СТП",
    "Номер СТП",
    "Рабочих дней в СТП",
    "Дополнений",
    "Закрыт",
    "Итог",
)

#: The default filter: every request (`SupportFilter` is frozen, so one instance serves every call).
EVERY_REQUEST = SupportFilter()

#: The row colour of a request open at СТП for the reminder's working days or more (the queue's «overdue» colour).
LONG_AT_STP_FILL = "F8D7DA"


class SupportExchange(SchoolService):
    """The register of support requests to Excel, and the notice for class teachers to PDF."""

    def __init__(self, ctx: ServiceContext, settings: SettingsService, calendar: CalendarService) -> None:
        super().__init__(ctx, settings, calendar)
        self._support = SupportService(ctx, settings, calendar)

    # -- export -------------------------------------------------------------------------------------------------

    def export(
        self,
        path: Path,
        flt: SupportFilter = EVERY_REQUEST,
        *,
        progress: Callable[[int], None] | None = None,
    ) -> Path:
        """Write the register of support requests of `flt` (the queue's filter; received from `date_from` to
        `date_to`, school dates) to an Excel workbook, oldest first, and return the path. See `write_register`."""
        self.write_register(path, flt, progress=progress)
        return xlsx_path(path, "Реестр запросов")

    def write_register(
        self,
        path: Path,
        flt: SupportFilter = EVERY_REQUEST,
        *,
        progress: Callable[[int], None] | None = None,
    ) -> int:
        """`export`, returning the row count. Moments are Excel dates and times in school time, «Дата рождения» a
        date; requests open at СТП for the reminder's working days or more are highlighted. A class teacher may not
        export (the right is the service's); the export is recorded (personal data leaving the program)."""
        from desktop.reports.workbook import DATE_FORMAT, DATETIME_FORMAT, Column, Marked

        self._ctx.require(Action.SUPPORT_EXPORT)
        path = xlsx_path(path, "Реестр запросов")
        period = period_text(flt.date_from, flt.date_to)
        tz = self._settings.timezone()
        today = self.today()
        remind = int(self._settings.get("support_stp_remind_days"))
        try:
            cal: WorkCalendar | None = self._calendar.work_calendar()
        except UnknownCalendarYear:
            cal = None
        pairs = self._support.rows_for_export(flt)

        widths = (13, 17, 30, 12, 18, 8, 28, 30, 60, 13, 36, 17, 17, 17, 14, 11, 11, 17, 40)
        formats = {1: DATETIME_FORMAT, 3: DATE_FORMAT, 11: DATETIME_FORMAT, 12: DATETIME_FORMAT, 13: DATETIME_FORMAT,
                   15: "0", 16: "0", 17: DATETIME_FORMAT}  # fmt: skip
        wrapped = {2, 6, 8, 10, 18}
        columns = [
            Column(h, widths[i], formats.get(i), wrap=i in wrapped) for i, h in enumerate(EXPORT_HEADERS)
        ]

        def local(moment: dt.datetime | None) -> dt.datetime | None:
            return moment.astimezone(tz).replace(tzinfo=None) if moment is not None else None

        def rows() -> Iterator[Marked | tuple[object, ...]]:
            for row, r in pairs:
                values = (
                    row.number,
                    row.received_at,
                    row.full_name,
                    row.birth_date,
                    row.role.label,
                    row.class_name or None,
                    row.brought_by,
                    r.gosuslugi_email,
                    r.description,
                    row.status.label,
                    row.standing,
                    local(r.corrected_at),
                    row.effective_at,
                    row.stp_sent_at,
                    row.stp_number or None,
                    _days_at_stp(r, cal, today, tz),
                    r.followups if r.stp_sent_at is not None else None,
                    local(r.closed_at),
                    _outcome(row, r),
                )
                yield Marked(values, LONG_AT_STP_FILL) if _long_at_stp(row) else values

        legend = f"Розовым выделены запросы, открытые в СТП {remind} и более рабочих дней."
        return write_and_record(
            self._ctx,
            path,
            entity=EXPORT_ENTITY,
            entity_id=EXPORT_ENTITY_ID,
            period=period,
            sheet_title="Запросы ЭПОС",
            title=titled("Реестр запросов в поддержку ЭПОС", school_short_name(self._ctx)),
            subtitle=f"Период приёма: {period}.{_filter_text(flt)} Время и даты — {tz}. {legend} "
            f"{exported_by(self._ctx, tz)}.",
            columns=columns,
            rows=rows(),
            progress=progress,
        )

    # -- the notice ---------------------------------------------------------------------------------------------

    def write_notice(self, path: Path) -> Path:
        """The one-page notice for class teachers (who to bring an e-journal problem to, what to collect, when a
        correction takes effect, СТП's contacts) as a PDF; it holds no personal data, so no right is needed."""
        from desktop.printing.fonts import FontMissing
        from desktop.printing.forms import FormError
        from desktop.printing.support_notice import SupportNotice, render_support_notice

        path = Path(path)
        if path.suffix.lower() != ".pdf":
            raise ServiceError(
                f"Памятка сохраняется в PDF: укажите файл с расширением .pdf, а не «{path.name}»."
            )
        contacts = self._support.contacts()
        s = self._settings.all()
        notice = SupportNotice(
            school=s["school_name"] or contacts.school,
            date=self.today(),
            admin_name=contacts.admin_name,
            admin_room=contacts.admin_room,
            admin_phone=contacts.admin_phone,
            stp_phone=contacts.stp_phone,
            stp_email=contacts.stp_email,
            stp_web_form=contacts.stp_web_form,
            holidays_delay=s["support_holidays_delay"] == YES,
        )
        try:
            return render_support_notice(notice, path)
        except (FontMissing, FormError) as exc:
            raise ServiceError(str(exc)) from exc
        except OSError as exc:
            raise ServiceError(f"Не удалось записать файл {path}: {exc.strerror or exc}") from exc


# -- helpers -------------------------------------------------------------------------------------------------------


def _long_at_stp(row: SupportRow) -> bool:
    """Open at СТП for the reminder's working days or more: what the queue colours as overdue."""
    return row.stage is Stage.AT_STP and row.urgency is Urgency.OVERDUE


def _days_at_stp(r: SupportRequest, cal: WorkCalendar | None, today: dt.date, tz: dt.tzinfo) -> int | None:
    """Whole working days the request has been (or was, until it was closed) at СТП; empty if it never went there."""
    if r.stp_sent_on is None or cal is None:
        return None
    end = today
    if r.closed_at is not None:
        closed = r.closed_at if r.closed_at.tzinfo else r.closed_at.replace(tzinfo=dt.UTC)
        end = min(today, closed.astimezone(tz).date())
    try:
        return stp_days_open(r.stp_sent_on, end, cal)
    except UnknownCalendarYear:
        return None


def _outcome(row: SupportRow, r: SupportRequest) -> str:
    if row.status is Status.SOLVED:
        return "Проблема решена"
    if row.status is Status.CLOSED:
        return f"Закрыт без решения: {r.close_note}" if r.close_note else "Закрыт без решения"
    return ""


def _filter_text(flt: SupportFilter) -> str:
    """« Отбор: в СТП; роль — родитель; класс 5А.» — the queue's filter beyond the period, when there is one."""
    parts: list[str] = []
    if flt.stage is not None:
        parts.append(flt.stage.label)
    if flt.active is True:
        parts.append("только открытые")
    elif flt.active is False:
        parts.append("только завершённые")
    if flt.needs_action:
        parts.append("требуют действия")
    if flt.long_at_stp:
        parts.append("долго в СТП")
    if flt.role is not None:
        parts.append(f"роль — {flt.role.label}")
    if flt.class_name.strip():
        parts.append(f"класс {flt.class_name.strip().upper()}")
    if flt.search.strip():
        parts.append(f"поиск «{flt.search.strip()}»")
    return f" Отбор: {'; '.join(parts)}." if parts else ""


__all__ = ["EXPORT_HEADERS", "LONG_AT_STP_FILL", "SupportExchange"]
