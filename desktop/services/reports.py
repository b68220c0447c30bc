"""Reports: the catalogue of every register and the period summary the office exports to Excel, the summary's figures
counted from the database, and the director's dashboard (today's numbers and the on-time trend by month).

The registers themselves are written by the services that own their data (appeals, tickets, support, audit, the
families' registers); this service names them, checks who may export which, and dispatches.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.domain import appeals as ap
from desktop.domain import grades as gr
from desktop.domain import reports as rules
from desktop.domain import support as sp
from desktop.domain import tickets as tk
from desktop.domain.access import Action
from desktop.domain.calendar import UnknownCalendarYear, WorkCalendar
from desktop.domain.reports import AppealFact, LevelStay, MonthShare, PeriodSummary, StayEnd
from desktop.domain.terms import local_date
from desktop.services.errors import PermissionDenied, ServiceError
from desktop.services.school import SchoolService
from desktop.store.models import Appeal, AppealStep, Printout, Student, SupportRequest, Ticket

if TYPE_CHECKING:
    from desktop.services.registry import Services

Progress = Callable[[int], None]


@dataclass(frozen=True)
class ReportInfo:
    """A report the office can export: its command-line name, its title, what it holds, and who may export it."""

    name: str
    title: str
    description: str
    needs: Action
    #: Whether the period (--from/--to) narrows it; the summary and the registers all take one.
    period: bool = True


#: Every report, in the order the reports section and `export --list` show them.
REPORTS: tuple[ReportInfo, ...] = (
    ReportInfo(
        "appeals",
        "Журнал регистрации обращений",
        "номера, даты, заявители, рубрики, уровни, сроки, статусы, повторы, ответы",
        Action.APPEALS_EXPORT,
    ),
    ReportInfo(
        "overdue",
        "Просроченные и переданные выше обращения",
        "каждый пропущенный срок: уровень, который его пропустил, срок, куда и когда обращение передано",
        Action.APPEALS_EXPORT,
    ),
    ReportInfo(
        "tickets",
        "Реестр заявок по инициативам",
        "номера, даты, категории, сроки, подана ли в срок, исполнители, статусы",
        Action.TICKETS_EXPORT,
    ),
    ReportInfo(
        "support",
        "Реестр запросов в поддержку ЭПОС",
        "пользователи, исправления и когда они вступают в силу, заявки в СТП и их номера, статусы",
        Action.SUPPORT_EXPORT,
    ),
    ReportInfo(
        "access-codes",
        "Журнал выдачи кодов доступа к электронному дневнику",
        "кому и для кого выдан код, когда, как передан, повторные выдачи и отзывы",
        Action.FAMILIES_EXPORT,
    ),
    ReportInfo(
        "optouts",
        "Реестр заявлений об отказе от электронного дневника",
        "приложение № 2 или № 3, ученик, класс, заявители, дата, кто зарегистрировал",
        Action.FAMILIES_EXPORT,
    ),
    ReportInfo(
        "printouts",
        "Журнал вручения отчётов на бумаге",
        "чей отчёт, за какую неделю, срок, когда напечатан, кому и когда вручён, в срок ли",
        Action.FAMILIES_EXPORT,
    ),
    ReportInfo(
        "audit",
        "Журнал событий",
        "кто, когда, что изменил, открыл или выгрузил",
        Action.AUDIT_EXPORT,
    ),
    ReportInfo(
        "summary",
        "Сводный отчёт за период",
        "обращения, заявки, запросы в поддержку ЭПОС и отчёты на бумаге: сколько и как быстро, с диаграммами",
        Action.REPORTS_SUMMARY,
    ),
)
REPORT_BY_NAME: dict[str, ReportInfo] = {r.name: r for r in REPORTS}


@dataclass(frozen=True)
class Dashboard:
    """The director's numbers for today, and the share of appeals answered on time by month."""

    today: dt.date
    at_director: int
    left_school: int
    due_today: int  # appeals whose term ends today or has passed, not answered
    overdue_tickets: int
    paper_families: int
    without_report: int  # families on paper without this week's report handed over
    months: tuple[MonthShare, ...]


class ReportsService(SchoolService):
    """Names the reports, checks the right to each, dispatches the writing; counts the summary and the dashboard."""

    def bind(self, services: Services) -> None:
        """The registry's other services, which write the registers they own."""
        self._services = services

    # -- the catalogue ---------------------------------------------------------------------------------------------

    def available(self) -> list[ReportInfo]:
        """The reports the acting person may export."""
        return [r for r in REPORTS if self._ctx.may(r.needs)]

    def info(self, name: str) -> ReportInfo:
        if name not in REPORT_BY_NAME:
            raise ServiceError(f"Неизвестный отчёт «{name}». Доступные отчёты: {', '.join(REPORT_BY_NAME)}.")
        return REPORT_BY_NAME[name]

    def write(
        self,
        name: str,
        path: Path,
        *,
        date_from: dt.date | None = None,
        date_to: dt.date | None = None,
        progress: Progress | None = None,
    ) -> int:
        """Write report `name` for the period to `path`; returns how many rows (for the summary: how many records were
        counted). The right is checked before anything is read; a half-written file never replaces a good one."""
        report = self.info(name)
        if not self._ctx.may(report.needs):
            raise PermissionDenied(self._ctx.actor.refusal(report.needs))
        if date_from and date_to and date_from > date_to:
            raise ServiceError(
                f"Начало периода {date_from:%d.%m.%Y} позже его конца {date_to:%d.%m.%Y}: укажите период заново."
            )
        s = self._services
        path = Path(path)
        if name == "appeals":
            return s.appeals_io.export(path, date_from=date_from, date_to=date_to, progress=progress)
        if name == "tickets":
            return s.tickets_io.export(path, date_from=date_from, date_to=date_to, progress=progress)
        if name == "support":
            from desktop.services.support import SupportFilter

            flt = SupportFilter(date_from=date_from, date_to=date_to)
            return s.support_io.write_register(path, flt, progress=progress)
        if name == "audit":
            from desktop.services.audit import AuditFilter

            return s.audit.export(path, AuditFilter(date_from=date_from, date_to=date_to), progress)
        if name == "summary":
            from desktop.services.report_registers import write_summary

            return write_summary(self._ctx, self.summary(date_from, date_to), path, progress=progress)
        from desktop.services.report_registers import REGISTER_WRITERS

        return REGISTER_WRITERS[name](self, path, date_from, date_to, progress)

    # -- the summary -----------------------------------------------------------------------------------------------

    def summary(self, date_from: dt.date | None = None, date_to: dt.date | None = None) -> PeriodSummary:
        """The period's figures: appeals, tickets, support requests registered in it, and the weekly paper reports of
        its weeks. A period with no data gives a summary of zeros (`empty`), not an error."""
        self._ctx.require(Action.REPORTS_SUMMARY)
        tz = self._settings.timezone()
        now = self._ctx.clock()
        today = self.today()
        cal = self._calendar.work_calendar()
        profile = self._settings.all()
        with self._ctx.transaction() as session:
            appeals = appeal_facts(session, date_from, date_to, tz)
            tickets = ticket_facts(session, date_from, date_to, tz)
            support = support_facts(session, date_from, date_to)
            on_paper, printouts = paper_facts(session, date_from, date_to, today, cal, tz)
        notes: list[str] = []
        try:
            appeals_summary = rules.summarize_appeals(appeals, now, cal)
        except UnknownCalendarYear as exc:
            appeals_summary = rules.summarize_appeals(appeals, now, WorkCalendar(strict=False))
            notes.append(f"Рабочие дни посчитаны по производственному календарю без проверки: {exc}")
        made = now.astimezone(tz).replace(tzinfo=None)
        return PeriodSummary(
            school=profile["school_short_name"] or profile["school_name"],
            date_from=date_from,
            date_to=date_to,
            made_at=made,
            made_by=self._ctx.actor.name,
            appeals=appeals_summary,
            tickets=rules.summarize_tickets(tickets, today),
            support=rules.summarize_support(support),
            paper=rules.summarize_paper(on_paper, printouts),
            notes=tuple(notes),
        )

    # -- the director's dashboard ----------------------------------------------------------------------------------

    def dashboard(self, months: int = 12) -> Dashboard:
        """Today's numbers for the director's first screen and the on-time share of the last `months` months."""
        self._ctx.require(Action.APPEALS_VIEW)
        today = self.today()
        tz = self._settings.timezone()
        now = self._ctx.clock()
        cal = self._calendar.work_calendar()
        first = _month_back(today.replace(day=1), months - 1)
        monday, _sunday = gr.week_of(today)
        with self._ctx.transaction() as session:
            levels = dict(
                session.execute(
                    select(Appeal.level, func.count())
                    .where(Appeal.status == ap.Status.OPEN.value)
                    .group_by(Appeal.level)
                ).all()
            )
            due_today = session.scalar(
                select(func.count()).where(
                    Appeal.status.in_([ap.Status.OPEN.value, ap.Status.SUI.value]), Appeal.due_date <= today
                )
            )
            active = [s.value for s in tk.ACTIVE]
            overdue_tickets = session.scalar(
                select(func.count()).where(Ticket.status.in_(active), Ticket.next_due < today)
            )
            paper_ids = set(
                session.scalars(select(Student.id).where(Student.studying.is_(True), Student.paper.is_(True)))
            )
            handed = set(
                session.scalars(
                    select(Printout.student_id).where(
                        Printout.kind == "weekly", Printout.period == monday, Printout.handed_at.is_not(None)
                    )
                )
            )
            facts = appeal_facts(session, first, today, tz)
        try:
            trend = rules.summarize_appeals(facts, now, cal).months
        except UnknownCalendarYear:
            trend = rules.summarize_appeals(facts, now, WorkCalendar(strict=False)).months
        by_month = {m.month: m for m in trend}
        series = tuple(
            by_month.get(month, MonthShare(month, 0, 0))
            for month in (_month_back(today.replace(day=1), k) for k in range(months - 1, -1, -1))
        )
        return Dashboard(
            today=today,
            at_director=int(levels.get(ap.Level.DIRECTOR.value, 0)),
            left_school=int(levels.get(ap.Level.MUNICIPAL.value, 0) + levels.get(ap.Level.DEPARTMENT.value, 0)),
            due_today=int(due_today or 0),
            overdue_tickets=int(overdue_tickets or 0),
            paper_families=len(paper_ids),
            without_report=len(paper_ids - handed),
            months=series,
        )


# -- facts from the database -------------------------------------------------------------------------------------


def _month_back(first_of_month: dt.date, k: int) -> dt.date:
    index = first_of_month.year * 12 + first_of_month.month - 1 - k
    return dt.date(index // 12, index % 12 + 1, 1)


def appeal_facts(session: Session, date_from: dt.date | None, date_to: dt.date | None, tz: dt.tzinfo) -> list[AppealFact]:
    """The appeals registered in the period with the levels they passed, rebuilt from their steps."""
    period = []
    if date_from is not None:
        period.append(Appeal.reg_date >= date_from)
    if date_to is not None:
        period.append(Appeal.reg_date <= date_to)
    rows = session.execute(
        select(
            Appeal.id, Appeal.number, Appeal.reg_date, Appeal.rubric, Appeal.channel, Appeal.answered_at,
            Appeal.repeat_no, Appeal.notice_at, Appeal.status,
        ).where(*period).order_by(Appeal.id)
    ).all()  # fmt: skip
    if not rows:
        return []
    ids = [r.id for r in rows]
    steps: dict[int, list[AppealStep]] = {}
    for chunk in range(0, len(ids), 900):
        part = ids[chunk : chunk + 900]
        for step in session.scalars(
            select(AppealStep).where(AppealStep.appeal_id.in_(part)).order_by(AppealStep.at, AppealStep.id)
        ):
            steps.setdefault(step.appeal_id, []).append(step)
    out = []
    for r in rows:
        stays: list[LevelStay] = []
        for step in steps.get(r.id, []):
            kind = step.kind
            level = ap.Level(step.level)
            if kind == "registered":
                stays.append(LevelStay(level, step.due_at, StayEnd.OPEN))
            elif kind in ("escalated", "forwarded"):
                if stays:
                    end = StayEnd.ESCALATED if kind == "escalated" else StayEnd.FORWARDED
                    last = stays[-1]
                    stays[-1] = LevelStay(last.level, last.due_at, end, step.at)
                stays.append(LevelStay(level, step.due_at, StayEnd.OPEN))
            elif kind == "answered" and stays:
                last = stays[-1]
                stays[-1] = LevelStay(last.level, last.due_at, StayEnd.ANSWERED, step.at)
        answered = r.answered_at if ap.Status(r.status) is ap.Status.ANSWERED else None
        out.append(
            AppealFact(
                number=r.number,
                reg_date=r.reg_date,
                rubric=ap.Rubric(r.rubric),
                channel=ap.Channel(r.channel) if r.channel else None,
                stays=tuple(stays),
                answer_date=local_date(answered, tz) if answered is not None else None,  # type: ignore[arg-type]
                repeat_no=r.repeat_no or 0,
                notice=r.notice_at is not None,
            )
        )
    return out


def ticket_facts(session: Session, date_from: dt.date | None, date_to: dt.date | None, tz: dt.tzinfo) -> list[rules.TicketFact]:
    period = []
    if date_from is not None:
        period.append(Ticket.submit_date >= date_from)
    if date_to is not None:
        period.append(Ticket.submit_date <= date_to)
    return [
        rules.TicketFact(
            number=t.number,
            category=tk.Category(t.category),
            status=tk.Status(t.status),
            late=t.late,
            report_by=t.report_by,
            in_work_on=local_date(t.in_work_at, tz) if t.in_work_at is not None else None,  # type: ignore[arg-type]
            agent=t.agent_name,
        )
        for t in session.execute(
            select(
                Ticket.number, Ticket.category, Ticket.status, Ticket.late, Ticket.report_by, Ticket.in_work_at,
                Ticket.agent_name,
            ).where(*period).order_by(Ticket.id)
        ).all()
    ]  # fmt: skip


def support_facts(
    session: Session, date_from: dt.date | None, date_to: dt.date | None
) -> list[tuple[sp.Status, sp.UserRole, bool, bool]]:
    period = []
    if date_from is not None:
        period.append(SupportRequest.received_date >= date_from)
    if date_to is not None:
        period.append(SupportRequest.received_date <= date_to)
    return [
        (sp.Status(r.status), sp.UserRole(r.user_role), r.stp_sent_at is not None, bool(r.stp_open))
        for r in session.execute(
            select(
                SupportRequest.status, SupportRequest.user_role, SupportRequest.stp_sent_at, SupportRequest.stp_open
            ).where(*period)
        ).all()
    ]


def paper_facts(
    session: Session,
    date_from: dt.date | None,
    date_to: dt.date | None,
    today: dt.date,
    cal: WorkCalendar,
    tz: dt.tzinfo,
) -> tuple[int, list[rules.PrintoutFact]]:
    """Families on paper at the period's end, and the weekly reports due in the period: each week a family was on
    paper (from the week of its `paper_since`), its report — handed over or not (a week with no printout at all is
    a report not handed over)."""
    end = min(date_to or today, today)
    students = session.execute(
        select(Student.id, Student.paper, Student.paper_since, Student.studying, Student.left_on).where(
            Student.paper.is_(True) | Student.id.in_(select(Printout.student_id))
        )
    ).all()
    on_paper = sum(1 for s in students if s.paper and s.studying and (s.paper_since is None or s.paper_since <= end))
    weekly = session.execute(
        select(Printout.student_id, Printout.period, Printout.due_date, Printout.handed_at).where(
            Printout.kind == "weekly"
        )
    ).all()
    by_key = {(p.student_id, p.period): p for p in weekly}
    first_week = gr.week_of(date_from)[0] if date_from else min((p.period for p in weekly), default=None)
    if first_week is None:
        starts = [s.paper_since for s in students if s.paper and s.paper_since is not None]
        first_week = gr.week_of(min(starts))[0] if starts else None
    if first_week is None:
        return on_paper, []
    facts: list[rules.PrintoutFact] = []
    week = first_week
    while week <= end:
        try:
            due = gr.weekly_report_due(week, cal)
        except UnknownCalendarYear:
            due = week + dt.timedelta(days=4)
        for s in students:
            printed = by_key.get((s.id, week))
            if printed is None:
                was_on_paper = s.paper and s.paper_since is not None and s.paper_since <= week + dt.timedelta(days=6)
                left = s.left_on is not None and s.left_on < week
                if not was_on_paper or left or due > today:
                    continue  # not on paper that week, or its report is not due yet
                facts.append(rules.PrintoutFact(due, None))
                continue
            handed = local_date(printed.handed_at, tz) if printed.handed_at is not None else None  # type: ignore[arg-type]
            facts.append(rules.PrintoutFact(printed.due_date, handed))
        week += dt.timedelta(days=7)
    return on_paper, facts
