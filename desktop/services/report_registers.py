"""The registers of the families' paperwork and of missed terms (overdue, access-codes, optouts, printouts), and the
period summary's workbook: written for the reports service.

Each register checks its own right before it touches a file, streams its rows from the database into the sheet
(`desktop.reports.workbook`) and records the export as a look at personal data (`registers.write_and_record`).
Dates and times are real Excel values in school time; the rows that need a look are highlighted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, or_, select

from desktop.domain import appeals as ap
from desktop.domain.families import Appendix, CodeState, Handover
from desktop.domain.reports import PeriodSummary
from desktop.services.context import ServiceContext
from desktop.services.registers import (
    exported_by,
    period_text,
    school_short_name,
    titled,
    write_and_record,
    xlsx_path,
)
from desktop.store.models import (
    AccessCode,
    Appeal,
    AppealStep,
    OptOut,
    Printout,
    Representative,
    SchoolClass,
    Student,
)

if TYPE_CHECKING:
    from desktop.reports.workbook import Marked
    from desktop.services.reports import ReportsService

Progress = Callable[[int], None]
Writer = Callable[["ReportsService", Path, dt.date | None, dt.date | None, Progress | None], int]

#: Who and what the export is recorded as: «отчёты», the report's name.
ENTITY = "reports"
#: A term that has passed and nobody has acted: the same pink as the register of appeals.
OVERDUE_FILL = "F8D7DA"
STREAM = 1000

# -- the columns: a contract for those who read the files ----------------------------------------------------------

OVERDUE_HEADERS = (
    "Номер", "Дата регистрации", "Заявитель", "Рубрика", "Уровень, пропустивший срок", "Срок уровня",
    "Передано на уровень", "Когда передано", "Текущий уровень", "Статус", "Ответ дан",
)  # fmt: skip
ACCESS_CODES_HEADERS = (
    "Дата выдачи", "Ученик", "Класс", "Законный представитель", "Код", "Как передан", "Через кого", "Выдал",
    "Состояние", "Окончание", "Причина",
)  # fmt: skip
OPTOUTS_HEADERS = (
    "Дата заявления", "Приложение", "Ученик", "Класс", "Заявители", "Зарегистрировал", "Когда зарегистрировано",
)  # fmt: skip
PRINTOUTS_HEADERS = (
    "Ученик", "Класс", "Отчёт", "Срок вручения", "Напечатан", "Кто напечатал", "Вручён", "Кому вручён",
    "Кто вручил", "В срок",
)  # fmt: skip

#: The steps that move an appeal to another level (a step's `level` is the level it entered).
_MOVES = ("registered", "escalated", "forwarded")
#: The levels that have a term of their own: an open appeal past it is missing it now.
_TERMED = tuple(level.value for level in ap.TERMS_WORKING_DAYS)


def mask_code(code: str) -> str:
    """«K7QM-4XTP» → «K7••••P»: enough to tell two codes apart on paper, not enough to use one. A short code shows
    its first character only. The dots are always four: the mask does not tell the code's length either."""
    chars = code.replace("-", "").strip()
    if not chars:
        return ""
    if len(chars) >= 8:
        return f"{chars[:2]}••••{chars[-1]}"
    return f"{chars[0]}••••"


def printout_title(kind: str, period: dt.date) -> str:
    """What the paper report is, as the section «Отчёты на бумаге» names it (`grades.PrintoutRow.title`)."""
    if kind == "final":
        return f"Итоговые отметки от {period:%d.%m.%Y}"
    return f"Неделя {period:%d.%m}–{period + dt.timedelta(days=6):%d.%m.%Y}"


def _start(day: dt.date, tz: dt.tzinfo) -> dt.datetime:
    """00:00 of `day` in school time, as a UTC moment."""
    return dt.datetime.combine(day, dt.time(0), tzinfo=tz).astimezone(dt.UTC)


class _Register:
    """One register's writing: the right checked first, the file's name, the period, the heading, the record."""

    def __init__(self, service: ReportsService, name: str, what: str, path: Path, date_from: dt.date | None,
                 date_to: dt.date | None) -> None:  # fmt: skip
        from desktop.services.reports import REPORT_BY_NAME

        self.info = REPORT_BY_NAME[name]
        self.ctx: ServiceContext = service._ctx
        self.ctx.require(self.info.needs)  # before anything is read or written
        self.path = xlsx_path(path, what)
        self.period = period_text(date_from, date_to)
        self.tz = service._settings.timezone()
        self.today = service.today()

    def local(self, moment: dt.datetime | None) -> dt.datetime | None:
        """A stored moment as a naive school-time datetime: Excel has no time zones."""
        return moment.astimezone(self.tz).replace(tzinfo=None) if moment is not None else None

    def write(self, *, sheet: str, columns: list[object], rows: Iterator[object], period_of: str, note: str = "",
              progress: Progress | None) -> int:  # fmt: skip
        note = f" {note}" if note else ""
        return write_and_record(
            self.ctx,
            self.path,
            entity=ENTITY,
            entity_id=self.info.name,
            period=self.period,
            sheet_title=sheet,
            title=titled(self.info.title, school_short_name(self.ctx)),
            subtitle=f"{period_of}: {self.period}. Время и даты — {self.tz}.{note} {exported_by(self.ctx, self.tz)}.",
            columns=columns,
            rows=rows,
            progress=progress,
        )


# -- overdue and escalated appeals ---------------------------------------------------------------------------------


def write_overdue(
    service: ReportsService, path: Path, date_from: dt.date | None, date_to: dt.date | None,
    progress: Progress | None = None,
) -> int:  # fmt: skip
    """One row per missed term of the appeals registered in the period: each escalation (the level that missed its
    term, the term, where the appeal went and when), and each open appeal past its current term that nobody has
    moved yet (highlighted: the level is missing it now)."""
    from sqlalchemy.orm import aliased

    from desktop.reports.workbook import DATE_FORMAT, DATETIME_FORMAT, Column, Marked

    reg = _Register(service, "overdue", "Отчёт", path, date_from, date_to)
    now = reg.ctx.clock()
    columns: list[object] = [
        Column(OVERDUE_HEADERS[0], 13),
        Column(OVERDUE_HEADERS[1], 17, DATETIME_FORMAT),
        Column(OVERDUE_HEADERS[2], 28, wrap=True),
        Column(OVERDUE_HEADERS[3], 18),
        Column(OVERDUE_HEADERS[4], 26, wrap=True),
        Column(OVERDUE_HEADERS[5], 12, DATE_FORMAT),
        Column(OVERDUE_HEADERS[6], 26, wrap=True),
        Column(OVERDUE_HEADERS[7], 17, DATETIME_FORMAT),
        Column(OVERDUE_HEADERS[8], 26, wrap=True),
        Column(OVERDUE_HEADERS[9], 16),
        Column(OVERDUE_HEADERS[10], 17, DATETIME_FORMAT),
    ]

    def missing_now(a: Any) -> bool:
        return (
            a.status == ap.Status.OPEN.value
            and a.level in _TERMED
            and a.due_at is not None
            and a.due_at <= now
        )

    def head(a: Any) -> tuple[object, ...]:
        return (a.number, reg.local(a.registered_at), a.applicant, ap.Rubric(a.rubric).label)

    def tail(a: Any) -> tuple[object, ...]:
        return (
            ap.Level(a.level).label,
            ap.Status(a.status).label,
            reg.local(a.answered_at) if a.status == ap.Status.ANSWERED.value else None,
        )

    def still(a: Any) -> Marked:
        values = (*head(a), ap.Level(a.level).label, a.due_date, None, None, *tail(a))
        return Marked(values, OVERDUE_FILL)

    def rows() -> Iterator[object]:
        escalation = aliased(AppealStep)
        escalated = (
            select(escalation.id)
            .where(escalation.appeal_id == Appeal.id, escalation.kind == "escalated")
            .exists()
        )
        overdue_now = (
            (Appeal.status == ap.Status.OPEN.value) & Appeal.level.in_(_TERMED) & (Appeal.due_at <= now)
        )
        query = (
            select(
                Appeal.id, Appeal.number, Appeal.registered_at, Appeal.applicant, Appeal.rubric, Appeal.level,
                Appeal.status, Appeal.due_date, Appeal.due_at, Appeal.answered_at, AppealStep.kind,
                AppealStep.level.label("step_level"), AppealStep.due_date.label("step_due"),
                AppealStep.at.label("step_at"),
            )
            .outerjoin(AppealStep, (AppealStep.appeal_id == Appeal.id) & AppealStep.kind.in_(_MOVES))
            .where(or_(escalated, overdue_now))
            .order_by(Appeal.year, Appeal.seq, AppealStep.at, AppealStep.id)
            .execution_options(yield_per=STREAM)
        )  # fmt: skip
        if date_from is not None:
            query = query.where(Appeal.reg_date >= date_from)
        if date_to is not None:
            query = query.where(Appeal.reg_date <= date_to)
        with reg.ctx.transaction() as session:
            current: Any = None
            before: tuple[str, dt.date | None] | None = None  # the level the appeal was at, and its term
            for r in session.execute(query):
                if current is None or r.id != current.id:
                    if current is not None and missing_now(current):
                        yield still(current)
                    current, before = r, None
                if r.kind is None:
                    continue
                if r.kind == "escalated":
                    missed = ap.Level(before[0]).label if before else None
                    due = before[1] if before else None
                    yield (*head(r), missed, due, ap.Level(r.step_level).label, reg.local(r.step_at), *tail(r))
                before = (r.step_level, r.step_due)
            if current is not None and missing_now(current):
                yield still(current)

    return reg.write(
        sheet="Просроченные обращения",
        columns=columns,
        rows=rows(),
        period_of="Период регистрации обращений",
        note="Каждая строка — пропущенный срок: уровень, который его пропустил, и куда обращение передано. Розовым "
        "выделены обращения, срок которых истёк, а ответа и передачи ещё нет.",
        progress=progress,
    )


# -- the families' registers ---------------------------------------------------------------------------------------


def write_access_codes(
    service: ReportsService, path: Path, date_from: dt.date | None, date_to: dt.date | None,
    progress: Progress | None = None,
) -> int:  # fmt: skip
    """The codes issued in the period (re-issues and revocations included), in the order they were issued. The code
    itself is a credential: the file shows it masked."""
    from desktop.reports.workbook import DATETIME_FORMAT, Column

    reg = _Register(service, "access-codes", "Журнал", path, date_from, date_to)
    columns: list[object] = [
        Column(ACCESS_CODES_HEADERS[0], 17, DATETIME_FORMAT),
        Column(ACCESS_CODES_HEADERS[1], 28, wrap=True),
        Column(ACCESS_CODES_HEADERS[2], 7),
        Column(ACCESS_CODES_HEADERS[3], 28, wrap=True),
        Column(ACCESS_CODES_HEADERS[4], 11),
        Column(ACCESS_CODES_HEADERS[5], 18, wrap=True),
        Column(ACCESS_CODES_HEADERS[6], 24, wrap=True),
        Column(ACCESS_CODES_HEADERS[7], 24, wrap=True),
        Column(ACCESS_CODES_HEADERS[8], 14),
        Column(ACCESS_CODES_HEADERS[9], 17, DATETIME_FORMAT),
        Column(ACCESS_CODES_HEADERS[10], 32, wrap=True),
    ]

    def rows() -> Iterator[object]:
        query = (
            select(
                AccessCode.issued_at, Student.full_name.label("student"), SchoolClass.name.label("class_name"),
                Representative.full_name.label("representative"), AccessCode.code, AccessCode.handover,
                AccessCode.handed_via, AccessCode.issued_by, AccessCode.state, AccessCode.ended_at,
                AccessCode.end_reason,
            )
            .join(Student, Student.id == AccessCode.student_id)
            .join(SchoolClass, SchoolClass.id == Student.class_id)
            .join(Representative, Representative.id == AccessCode.representative_id)
            .order_by(AccessCode.issued_at, AccessCode.id)
            .execution_options(yield_per=STREAM)
        )  # fmt: skip
        if date_from is not None:
            query = query.where(AccessCode.issued_at >= _start(date_from, reg.tz))
        if date_to is not None:
            query = query.where(AccessCode.issued_at < _start(date_to + dt.timedelta(days=1), reg.tz))
        with reg.ctx.transaction() as session:
            for c in session.execute(query):
                yield (
                    reg.local(c.issued_at), c.student, c.class_name, c.representative, mask_code(c.code),
                    Handover(c.handover).label, c.handed_via or None, c.issued_by, CodeState(c.state).label,
                    reg.local(c.ended_at), c.end_reason or None,
                )  # fmt: skip

    return reg.write(
        sheet="Коды доступа",
        columns=columns,
        rows=rows(),
        period_of="Период выдачи кодов",
        note="Коды показаны не полностью: это ключ к данным ребёнка.",
        progress=progress,
    )


def write_optouts(
    service: ReportsService, path: Path, date_from: dt.date | None, date_to: dt.date | None,
    progress: Progress | None = None,
) -> int:  # fmt: skip
    """The applications to opt out of the e-diary (Appendix 2 or 3) received in the period, by their date."""
    from desktop.reports.workbook import DATE_FORMAT, DATETIME_FORMAT, Column

    reg = _Register(service, "optouts", "Реестр", path, date_from, date_to)
    columns: list[object] = [
        Column(OPTOUTS_HEADERS[0], 12, DATE_FORMAT),
        Column(OPTOUTS_HEADERS[1], 44, wrap=True),
        Column(OPTOUTS_HEADERS[2], 28, wrap=True),
        Column(OPTOUTS_HEADERS[3], 7),
        Column(OPTOUTS_HEADERS[4], 36, wrap=True),
        Column(OPTOUTS_HEADERS[5], 26, wrap=True),
        Column(OPTOUTS_HEADERS[6], 17, DATETIME_FORMAT),
    ]

    def rows() -> Iterator[object]:
        query = (
            select(
                OptOut.received_on, OptOut.appendix, Student.full_name.label("student"),
                SchoolClass.name.label("class_name"), OptOut.applicants, OptOut.registered_by, OptOut.registered_at,
            )
            .join(Student, Student.id == OptOut.student_id)
            .join(SchoolClass, SchoolClass.id == Student.class_id)
            .order_by(OptOut.received_on, OptOut.id)
            .execution_options(yield_per=STREAM)
        )  # fmt: skip
        if date_from is not None:
            query = query.where(OptOut.received_on >= date_from)
        if date_to is not None:
            query = query.where(OptOut.received_on <= date_to)
        with reg.ctx.transaction() as session:
            for o in session.execute(query):
                yield (
                    o.received_on, Appendix(o.appendix).label, o.student, o.class_name, o.applicants,
                    o.registered_by, reg.local(o.registered_at),
                )  # fmt: skip

    return reg.write(
        sheet="Отказы от дневника",
        columns=columns,
        rows=rows(),
        period_of="Период подачи заявлений",
        progress=progress,
    )


def write_printouts(
    service: ReportsService, path: Path, date_from: dt.date | None, date_to: dt.date | None,
    progress: Progress | None = None,
) -> int:  # fmt: skip
    """The paper reports of the period's weeks (and the final-marks reports of its days): printed when and by whom,
    handed to whom and when, on time or not; one not handed over past its term is highlighted."""
    from desktop.reports.workbook import DATE_FORMAT, DATETIME_FORMAT, Column, Marked

    reg = _Register(service, "printouts", "Журнал", path, date_from, date_to)
    columns: list[object] = [
        Column(PRINTOUTS_HEADERS[0], 28, wrap=True),
        Column(PRINTOUTS_HEADERS[1], 7),
        Column(PRINTOUTS_HEADERS[2], 26, wrap=True),
        Column(PRINTOUTS_HEADERS[3], 12, DATE_FORMAT),
        Column(PRINTOUTS_HEADERS[4], 17, DATETIME_FORMAT),
        Column(PRINTOUTS_HEADERS[5], 24, wrap=True),
        Column(PRINTOUTS_HEADERS[6], 17, DATETIME_FORMAT),
        Column(PRINTOUTS_HEADERS[7], 28, wrap=True),
        Column(PRINTOUTS_HEADERS[8], 24, wrap=True),
        Column(PRINTOUTS_HEADERS[9], 10),
    ]

    def rows() -> Iterator[object]:
        query = (
            select(
                Student.full_name.label("student"), SchoolClass.name.label("class_name"), Printout.kind,
                Printout.period, Printout.due_date, Printout.printed_at, Printout.printed_by, Printout.handed_at,
                Printout.handed_to, Printout.handed_by,
            )
            .join(Student, Student.id == Printout.student_id)
            .join(SchoolClass, SchoolClass.id == Student.class_id)
            .order_by(
                Printout.period, Printout.kind.desc(), func.length(SchoolClass.name), SchoolClass.name,
                Student.name_key, Printout.id,
            )
            .execution_options(yield_per=STREAM)
        )  # fmt: skip
        if date_from is not None:
            query = query.where(Printout.period >= date_from)
        if date_to is not None:
            query = query.where(Printout.period <= date_to)
        with reg.ctx.transaction() as session:
            for p in session.execute(query):
                handed = reg.local(p.handed_at)
                if handed is None:
                    on_time = "не вручён"
                else:
                    on_time = "да" if handed.date() <= p.due_date else "нет"
                values = (
                    p.student, p.class_name, printout_title(p.kind, p.period), p.due_date, reg.local(p.printed_at),
                    p.printed_by or None, handed, p.handed_to or None, p.handed_by or None, on_time,
                )  # fmt: skip
                yield Marked(values, OVERDUE_FILL) if handed is None and p.due_date < reg.today else values

    return reg.write(
        sheet="Вручение отчётов",
        columns=columns,
        rows=rows(),
        period_of="Период отчётов (недели и дни итоговых отметок)",
        note="Розовым выделены отчёты, не врученные в срок до сегодняшнего дня.",
        progress=progress,
    )


REGISTER_WRITERS: dict[str, Writer] = {
    "overdue": write_overdue,
    "access-codes": write_access_codes,
    "optouts": write_optouts,
    "printouts": write_printouts,
}


def write_summary(ctx: ServiceContext, summary: PeriodSummary, path: Path, *, progress: Progress | None = None) -> int:
    """Write the summary workbook (never half a file) and record the export; returns how many records it counts."""
    from desktop.reports.summary import write_summary_workbook
    from desktop.services.errors import ServiceError
    from desktop.services.registers import period_text, xlsx_path

    path = xlsx_path(path, "Сводный отчёт")
    try:
        write_summary_workbook(path, summary, progress=progress)
    except OSError as exc:
        raise ServiceError(f"Не удалось записать файл {path}: {exc.strerror or exc}") from exc
    counted = summary.appeals.total + summary.tickets.total + summary.support.total + summary.paper.reports
    with ctx.transaction() as session:
        ctx.record(
            session, "summary", period_text(summary.date_from, summary.date_to), "export", None,
            {"file": path.name, "records": counted}, kind="access",
        )  # fmt: skip
    return counted
