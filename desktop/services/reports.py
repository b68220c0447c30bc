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
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

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
        self._trend_cache: dict[tuple[object, ...], tuple[MonthShare, ...]] = {}

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
            appeals = appeal_facts(session, date_from, date_to, tz, now=now, calendar=cal)
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
            levels: dict[ap.Level, int] = {}
            due_today = 0
            for level, due_date, count in open_stages(session, now, cal, tz):
                levels[level] = levels.get(level, 0) + count
                if due_date is not None and due_date <= today:
                    due_today += count
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
            # The trend counts finished appeals only, which a pending escalation does not touch: it changes only with
            # a new step or appeal, so it is kept between calls (the window refreshes the dashboard every few seconds
            # when other computers work).
            key = (
                first,
                today,
                session.scalar(select(func.max(AppealStep.id))),
                session.scalar(select(func.count(Appeal.id))),
            )
            trend = self._trend_cache.get(key)
            if trend is None:
                facts = appeal_facts(session, first, today, tz)
                try:
                    trend = rules.summarize_appeals(facts, now, cal).months
                except UnknownCalendarYear:
                    trend = rules.summarize_appeals(facts, now, WorkCalendar(strict=False)).months
                self._trend_cache = {key: trend}
        by_month = {m.month: m for m in trend}
        series = tuple(
            by_month.get(month, MonthShare(month, 0, 0))
            for month in (_month_back(today.replace(day=1), k) for k in range(months - 1, -1, -1))
        )
        return Dashboard(
            today=today,
            at_director=levels.get(ap.Level.DIRECTOR, 0),
            left_school=levels.get(ap.Level.MUNICIPAL, 0) + levels.get(ap.Level.DEPARTMENT, 0),
            due_today=due_today,
            overdue_tickets=int(overdue_tickets or 0),
            paper_families=len(paper_ids),
            without_report=len(paper_ids - handed),
            months=series,
        )


# -- facts from the database -------------------------------------------------------------------------------------


def _month_back(first_of_month: dt.date, k: int) -> dt.date:
    index = first_of_month.year * 12 + first_of_month.month - 1 - k
    return dt.date(index // 12, index % 12 + 1, 1)


def open_stages(
    session: Session, now: dt.datetime, cal: WorkCalendar, tz: ZoneInfo
) -> list[tuple[ap.Level, dt.date | None, int]]:
    """Where the appeals not answered yet really are at `now`: (level, due date, how many), with the escalations whose
    due moment has passed applied even when no sweep has run yet (seed 000 §2: escalation happens by itself). Grouped
    like the sweep, so it is a few rows whatever the number of appeals."""
    groups = session.execute(
        select(Appeal.level, Appeal.due_date, Appeal.due_at, func.count())
        .where(Appeal.status.in_([ap.Status.OPEN.value, ap.Status.SUI.value]))
        .group_by(Appeal.level, Appeal.due_date, Appeal.due_at)
    ).all()
    out = []
    for level, due_date, due_at, count in groups:
        stage = ap.Stage(ap.Level(level), now, due_date, due_at)
        try:
            passed = ap.escalations(stage, now, cal, tz) if due_at is not None and due_at <= now else []
        except UnknownCalendarYear:
            passed = []
        last = passed[-1] if passed else stage
        out.append((last.level, last.due_date, int(count)))
    return out


def appeal_facts(
    session: Session,
    date_from: dt.date | None,
    date_to: dt.date | None,
    tz: ZoneInfo,
    *,
    now: dt.datetime | None = None,
    calendar: WorkCalendar | None = None,
) -> list[AppealFact]:
    """The appeals registered in the period (by the school date of registration, both ends included) with the levels
    they passed, rebuilt from their steps. With `now` and `calendar`, an appeal whose term has passed while no sweep
    ran (or that was imported unanswered) is counted where it really is: the escalations due by `now` are applied at
    their due moments, as the sweep would write them (seed 000 §2)."""
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
    # Plain rows of the columns the stays need, not ORM objects: the dashboard reads a year of appeals this way.
    steps: dict[int, list[Any]] = {}
    step_columns = (
        AppealStep.appeal_id, AppealStep.kind, AppealStep.level, AppealStep.at, AppealStep.due_at, AppealStep.due_date,
    )  # fmt: skip
    for chunk in range(0, len(ids), 900):
        part = ids[chunk : chunk + 900]
        for step in session.execute(
            select(*step_columns).where(AppealStep.appeal_id.in_(part)).order_by(AppealStep.at, AppealStep.id)
        ):
            steps.setdefault(step.appeal_id, []).append(step)
    out = []
    for r in rows:
        stays: list[LevelStay] = []
        last_due_date: dt.date | None = None
        last_since: dt.datetime | None = None
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
            else:
                continue  # the Department notice: no stay of its own
            last_due_date, last_since = step.due_date, step.at
        if now is not None and calendar is not None and ap.Status(r.status) is ap.Status.OPEN:
            stays = _pending_escalations(stays, last_due_date, last_since, now, calendar, tz)
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


def _pending_escalations(
    stays: list[LevelStay],
    due_date: dt.date | None,
    since: dt.datetime | None,
    now: dt.datetime,
    calendar: WorkCalendar,
    tz: ZoneInfo,
) -> list[LevelStay]:
    """The open stay whose term is over, moved on as the sweep would move it: each level left at its due moment."""
    if not stays or since is None:
        return stays
    last = stays[-1]
    if not last.overdue(now) or last.level not in ap.TERMS_WORKING_DAYS:
        return stays
    try:
        passed = ap.escalations(ap.Stage(last.level, since, due_date, last.due_at), now, calendar, tz)
    except UnknownCalendarYear:
        return stays  # counted as open past its term: the card and the sweep say why
    out = stays[:-1]
    current = last
    for stage in passed:
        out.append(LevelStay(current.level, current.due_at, StayEnd.ESCALATED, stage.since))
        current = LevelStay(stage.level, stage.due_at, StayEnd.OPEN)
    out.append(current)
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
    """Families on paper at the period's end, and the weekly reports of the period (seed 004 «не реже одного раза в
    неделю»; DOMAIN.md §5).

    A week's report belongs to the period whose dates hold its due day (`grades.weekly_report_due`, the last working
    day of the week), so a week that straddles two months is counted once. Each week a family was on paper on that due
    day (from its `paper_since`, while the child studied) has a report: the printout recorded for it, handed over or
    not, or — with no printout at all — a report not handed over. A report not handed over counts once its due day is
    over; one due today or later is still in its term and is left out. A week with no working day has no report."""
    end = min(date_to, today) if date_to is not None else today
    students = session.execute(
        select(Student.id, Student.paper, Student.paper_since, Student.studying, Student.left_on).where(
            Student.paper.is_(True)
        )
    ).all()

    def studying_on(s: Any, day: dt.date) -> bool:
        return s.studying or (s.left_on is not None and s.left_on > day)

    def on_paper_on(s: Any, day: dt.date) -> bool:
        return (s.paper_since is None or s.paper_since <= day) and studying_on(s, day)

    on_paper = sum(1 for s in students if on_paper_on(s, end))
    weekly = session.execute(
        select(Printout.student_id, Printout.period, Printout.due_date, Printout.handed_at).where(
            Printout.kind == "weekly"
        )
    ).all()

    def in_period(day: dt.date) -> bool:
        return (date_from is None or day >= date_from) and (date_to is None or day <= date_to)

    facts: list[rules.PrintoutFact] = []
    printed: set[tuple[int, dt.date]] = set()
    for p in weekly:
        printed.add((p.student_id, p.period))
        handed = local_date(p.handed_at, tz) if p.handed_at is not None else None  # type: ignore[arg-type]
        if in_period(p.due_date) and (handed is not None or p.due_date < today):
            facts.append(rules.PrintoutFact(p.due_date, handed))
    if date_from is not None:
        first = date_from
    else:
        starts = [s.paper_since for s in students if s.paper_since is not None]
        starts += [p.period for p in weekly]
        if not starts:
            return on_paper, facts
        first = min(starts)
    week = gr.week_of(first)[0]
    while week <= end:
        try:
            due = gr.weekly_report_due(week, cal)
        except UnknownCalendarYear:
            due = week + dt.timedelta(days=4)
        if week <= due < today and in_period(due):
            for s in students:
                if (s.id, week) not in printed and on_paper_on(s, due):
                    facts.append(rules.PrintoutFact(due, None))
        week += dt.timedelta(days=7)
    facts.sort(key=lambda f: f.due_date)
    return on_paper, facts
