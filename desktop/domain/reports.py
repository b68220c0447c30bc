"""The period summary's figures ("how many, how fast"), counted from plain facts: appeals by rubric, channel and the
level that answered, the share handled on time at each level, time to answer in working days, repeats and notices;
tickets by category and status, submitted and handled on time, per agent; support requests by outcome; families on
paper and weekly reports handed over on time. Pure: no clock, no database; the facts and "now" are passed in.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from desktop.domain import appeals as ap
from desktop.domain import support as sp
from desktop.domain import tickets as tk
from desktop.domain.calendar import WorkCalendar

# -- appeals -------------------------------------------------------------------------------------------------------


class StayEnd(StrEnum):
    """How an appeal's stay at one level ended."""

    ANSWERED = "answered"
    FORWARDED = "forwarded"  # «Вне компетенции»: sent to the СУИ (a decision taken at the level)
    ESCALATED = "escalated"  # the term passed: moved to the next level
    OPEN = "open"  # still there


@dataclass(frozen=True)
class LevelStay:
    """One level an appeal was at: its term (None: no term, as at the Department) and how the stay ended."""

    level: ap.Level
    due_at: dt.datetime | None
    end: StayEnd
    ended_at: dt.datetime | None = None

    def handled(self) -> bool:
        return self.end in (StayEnd.ANSWERED, StayEnd.FORWARDED)

    def on_time(self) -> bool:
        """Answered or forwarded at this level within its term. The term ends at 24:00 of its last day, which is
        `due_at` itself: a decision at that very moment is late (the appeal has already passed up, seed 000 §2), as
        in `appeals.is_on_time`."""
        if not self.handled() or self.ended_at is None:
            return False
        return ap.is_on_time(self.due_at, self.ended_at)

    def overdue(self, now: dt.datetime) -> bool:
        """Still open at `now` with its term over (the term ends at `due_at`, as the sweep reads it)."""
        return self.end is StayEnd.OPEN and self.due_at is not None and now >= self.due_at


@dataclass(frozen=True)
class AppealFact:
    """One appeal registered in the period, as the summary needs it. Dates are the school's dates."""

    number: str
    reg_date: dt.date
    rubric: ap.Rubric
    channel: ap.Channel | None
    stays: tuple[LevelStay, ...]
    answer_date: dt.date | None = None  # the school date of the answer
    repeat_no: int = 0  # 0 for a first appeal, 1 for the first repeat …
    notice: bool = False  # the 5th-and-later repeat notice to the Department was made

    @property
    def final(self) -> LevelStay | None:
        return self.stays[-1] if self.stays else None

    @property
    def answered_level(self) -> ap.Level | None:
        """The level that answered (not a forwarding to the СУИ, which is no answer)."""
        last = self.final
        return last.level if last is not None and last.end is StayEnd.ANSWERED else None

    @property
    def finished(self) -> bool:
        """Answered (at whatever level, the СУИ included)."""
        return self.answered_level is not None

    @property
    def forwarded(self) -> bool:
        """Forwarded to the СУИ («Вне компетенции») on the way."""
        return any(s.end is StayEnd.FORWARDED for s in self.stays)

    @property
    def escalated(self) -> bool:
        return any(s.end is StayEnd.ESCALATED for s in self.stays)

    def on_time(self) -> bool:
        """Answered with no term missed on the way: every level it passed decided within its term."""
        return self.finished and all(s.on_time() for s in self.stays)


@dataclass(frozen=True)
class LevelTimeliness:
    """At one level: how many appeals reached it and how their stays ended."""

    level: ap.Level
    reached: int = 0
    on_time: int = 0  # answered or forwarded within the term
    late: int = 0  # answered or forwarded after the term (an imported late answer)
    escalated: int = 0  # the term passed: moved on
    open_in_term: int = 0  # still there, term not passed
    open_overdue: int = 0  # still there, term passed

    @property
    def decided(self) -> int:
        """Stays whose outcome is known: all but those still within their term."""
        return self.reached - self.open_in_term

    @property
    def share_on_time(self) -> float | None:
        """On time / decided, or None when nothing was decided at the level."""
        return self.on_time / self.decided if self.decided else None


@dataclass(frozen=True)
class AnswerTimes:
    """Working days from registration to the answer, over the answered appeals."""

    count: int
    average: float | None
    longest: int | None
    longest_number: str = ""


@dataclass(frozen=True)
class MonthShare:
    """Appeals registered in a month: how many are finished and how many of them were handled on time."""

    month: dt.date  # the first day of the month
    finished: int
    on_time: int

    @property
    def share(self) -> float | None:
        return self.on_time / self.finished if self.finished else None


@dataclass(frozen=True)
class AppealsSummary:
    total: int
    by_rubric: dict[ap.Rubric, int]
    by_channel: dict[ap.Channel | None, int]
    by_answer_level: dict[ap.Level, int]  # the answered ones
    forwarded: int  # «Вне компетенции»: forwarded to the СУИ on the way
    still_open: int  # not answered yet
    levels: tuple[LevelTimeliness, ...]
    times: AnswerTimes
    repeats: int
    notices: int
    on_time: int
    finished: int
    months: tuple[MonthShare, ...]


def summarize_appeals(facts: Iterable[AppealFact], now: dt.datetime, calendar: WorkCalendar) -> AppealsSummary:
    """Count the appeals of a period. `now` (aware) tells a stay within its term from an overdue one."""
    items = list(facts)
    by_rubric = Counter(f.rubric for f in items)
    by_channel = Counter(f.channel for f in items)
    by_answer_level = Counter(f.answered_level for f in items if f.answered_level is not None)
    stats: dict[ap.Level, Counter[str]] = {level: Counter() for level in ap.Level}
    for f in items:
        for stay in f.stays:
            c = stats[stay.level]
            c["reached"] += 1
            if stay.handled():
                c["on_time" if stay.on_time() else "late"] += 1
            elif stay.end is StayEnd.ESCALATED:
                c["escalated"] += 1
            elif stay.overdue(now):
                c["open_overdue"] += 1
            else:
                c["open_in_term"] += 1
    levels = tuple(
        LevelTimeliness(level, **{k: stats[level][k] for k in LEVEL_COUNTS})
        for level in sorted(ap.Level, key=lambda lv: lv.rank)
        if stats[level]["reached"]
    )
    days = [
        (calendar.working_days_between(f.reg_date, f.answer_date), f.number)
        for f in items
        if f.answer_date is not None
    ]
    if days:
        longest, longest_number = max(days, key=lambda d: d[0])
        times = AnswerTimes(len(days), sum(d for d, _ in days) / len(days), longest, longest_number)
    else:
        times = AnswerTimes(0, None, None)
    finished = [f for f in items if f.finished]
    months: dict[dt.date, list[AppealFact]] = {}
    for f in finished:
        months.setdefault(f.reg_date.replace(day=1), []).append(f)
    return AppealsSummary(
        total=len(items),
        by_rubric=dict(by_rubric),
        by_channel=dict(by_channel),
        by_answer_level=dict(by_answer_level),
        forwarded=sum(1 for f in items if f.forwarded),
        still_open=sum(1 for f in items if not f.finished),
        levels=levels,
        times=times,
        repeats=sum(1 for f in items if f.repeat_no > 0),
        notices=sum(1 for f in items if f.notice),
        on_time=sum(1 for f in finished if f.on_time()),
        finished=len(finished),
        months=tuple(
            MonthShare(month, len(group), sum(1 for f in group if f.on_time()))
            for month, group in sorted(months.items())
        ),
    )


LEVEL_COUNTS = ("reached", "on_time", "late", "escalated", "open_in_term", "open_overdue")


# -- tickets -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TicketFact:
    number: str
    category: tk.Category
    status: tk.Status
    late: bool  # submitted after its last day
    report_by: dt.date
    in_work_on: dt.date | None  # the school date the work was arranged («В работе»)
    agent: str  # "" when nobody was assigned


@dataclass(frozen=True)
class AgentLoad:
    agent: str
    total: int
    done: int  # «Исполнено», or «Закрыто» after the work (a refusal is never work done)
    handled: int  # with a known outcome of the report term
    handled_on_time: int


@dataclass(frozen=True)
class TicketsSummary:
    total: int
    by_category: dict[tk.Category, int]
    by_status: dict[tk.Status, int]
    submitted_on_time: int
    handled: int  # the work was arranged, or the report term passed without it
    handled_on_time: int  # arranged («В работе») no later than the agent's report term
    agents: tuple[AgentLoad, ...]


def _handled(t: TicketFact, today: dt.date) -> tuple[bool, bool]:
    """(the report term's outcome is known, it was met): the work arranged («В работе») by `report_by` is on time;
    an open ticket past that day without it missed it; a ticket refused or closed before the work has no such
    term to count."""
    if t.in_work_on is not None:
        return True, t.in_work_on <= t.report_by
    if not t.status.final and today > t.report_by:
        return True, False
    return False, False


def _done(t: TicketFact) -> bool:
    """The work was done: «Исполнено», or closed by the operator after the agent had it «В работе» (seed 002 §3.2.6).
    «Отказано» is a refusal whenever it comes, never work done."""
    return t.status is tk.Status.DONE or (t.status is tk.Status.CLOSED and t.in_work_on is not None)


def summarize_tickets(facts: Iterable[TicketFact], today: dt.date) -> TicketsSummary:
    """Count the tickets of a period. A ticket refused, or closed before anybody took it, has no handling term."""
    items = list(facts)
    handled = [(_handled(t, today), t) for t in items]
    agents: dict[str, list[tuple[tuple[bool, bool], TicketFact]]] = {}
    for h, t in handled:
        if t.agent:
            agents.setdefault(t.agent, []).append((h, t))
    return TicketsSummary(
        total=len(items),
        by_category=dict(Counter(t.category for t in items)),
        by_status=dict(Counter(t.status for t in items)),
        submitted_on_time=sum(1 for t in items if not t.late),
        handled=sum(1 for (known, _), _t in handled if known),
        handled_on_time=sum(1 for (known, ok), _t in handled if known and ok),
        agents=tuple(
            AgentLoad(
                agent=name,
                total=len(rows),
                done=sum(1 for _, t in rows if _done(t)),
                handled=sum(1 for (known, _), _t in rows if known),
                handled_on_time=sum(1 for (known, ok), _t in rows if known and ok),
            )
            for name, rows in sorted(agents.items())
        ),
    )


# -- support requests -----------------------------------------------------------------------------------------------


class SupportOutcome(StrEnum):
    SOLVED_AT_SCHOOL = "solved_at_school"
    SOLVED_AFTER_STP = "solved_after_stp"
    CLOSED = "closed"
    OPEN_AT_SCHOOL = "open_at_school"
    OPEN_AT_STP = "open_at_stp"

    @property
    def label(self) -> str:
        return SUPPORT_OUTCOME_LABELS[self]


SUPPORT_OUTCOME_LABELS = {
    SupportOutcome.SOLVED_AT_SCHOOL: "Решено в школе (исправлением данных)",
    SupportOutcome.SOLVED_AFTER_STP: "Решено после заявки в СТП",
    SupportOutcome.CLOSED: "Закрыто без решения",
    SupportOutcome.OPEN_AT_SCHOOL: "Открыто: в работе у администратора ЭПОС",
    SupportOutcome.OPEN_AT_STP: "Открыто: заявка в СТП",
}


def support_outcome(status: sp.Status, sent_to_stp: bool, stp_open: bool) -> SupportOutcome:
    if status is sp.Status.SOLVED:
        return SupportOutcome.SOLVED_AFTER_STP if sent_to_stp else SupportOutcome.SOLVED_AT_SCHOOL
    if status is sp.Status.CLOSED:
        return SupportOutcome.CLOSED
    return SupportOutcome.OPEN_AT_STP if stp_open or status is sp.Status.AT_STP else SupportOutcome.OPEN_AT_SCHOOL


@dataclass(frozen=True)
class SupportSummary:
    total: int
    by_outcome: dict[SupportOutcome, int]
    by_role: dict[sp.UserRole, int]
    sent_to_stp: int


def summarize_support(facts: Iterable[tuple[sp.Status, sp.UserRole, bool, bool]]) -> SupportSummary:
    """From (status, role, ever sent to СТП, open at СТП) of each request of the period."""
    items = list(facts)
    return SupportSummary(
        total=len(items),
        by_outcome=dict(Counter(support_outcome(s, sent, open_) for s, _r, sent, open_ in items)),
        by_role=dict(Counter(r for _s, r, _sent, _open in items)),
        sent_to_stp=sum(1 for _s, _r, sent, _open in items if sent),
    )


# -- families on paper ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PrintoutFact:
    due_date: dt.date
    handed_on: dt.date | None  # the school date it was handed over


@dataclass(frozen=True)
class PaperSummary:
    families_on_paper: int  # studying children whose family gets paper reports, at the period's end
    #: Weekly reports due (by `grades.weekly_report_due`) in the period whose outcome is known: handed over, or
    #: their due day is over. A report due today or later and not handed yet is not counted yet.
    reports: int
    handed_on_time: int
    handed_late: int
    not_handed: int


def summarize_paper(on_paper: int, printouts: Sequence[PrintoutFact]) -> PaperSummary:
    return PaperSummary(
        families_on_paper=on_paper,
        reports=len(printouts),
        handed_on_time=sum(1 for p in printouts if p.handed_on is not None and p.handed_on <= p.due_date),
        handed_late=sum(1 for p in printouts if p.handed_on is not None and p.handed_on > p.due_date),
        not_handed=sum(1 for p in printouts if p.handed_on is None),
    )


# -- the whole summary ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PeriodSummary:
    school: str
    date_from: dt.date | None
    date_to: dt.date | None
    made_at: dt.datetime  # school wall-clock time
    made_by: str
    appeals: AppealsSummary
    tickets: TicketsSummary
    support: SupportSummary
    paper: PaperSummary
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def empty(self) -> bool:
        return not (
            self.appeals.total or self.tickets.total or self.support.total or self.paper.reports
        )


def share_text(part: int, whole: int) -> str:
    """«75 %» (or «—» of nothing), as a person reads a share."""
    if not whole:
        return "—"
    return f"{round(100 * part / whole)} %"
