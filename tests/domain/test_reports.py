"""The period summary's figures counted from facts built by hand (seed 000, seed 001, seed 002, seed 004; DOMAIN.md
§2, §4, §5). Every expected number is counted by hand in the comments from the Russian production calendar: 2024:
28.12 a working Saturday, 30.12.2024–08.01.2025 off; 2025: 01.05–04.05 and 08.05–11.05 off. Terms end at 24:00 of
their last day in Tyumen (UTC+5), written here as 00:00 of the next day.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.domain import support as sp
from desktop.domain.appeals import Channel, Level, Rubric
from desktop.domain.calendar import WorkCalendar
from desktop.domain.reports import (
    AnswerTimes,
    AppealFact,
    LevelStay,
    MonthShare,
    PeriodSummary,
    PrintoutFact,
    StayEnd,
    SupportOutcome,
    TicketFact,
    share_text,
    summarize_appeals,
    summarize_paper,
    summarize_support,
    summarize_tickets,
    support_outcome,
)
from desktop.domain.tickets import Category, Status

YEKB = ZoneInfo("Asia/Yekaterinburg")
CAL = WorkCalendar()


def at(text: str) -> dt.datetime:
    """«ДД.ММ.ГГГГ ЧЧ:ММ» in Tyumen as a UTC moment."""
    return dt.datetime.strptime(text, "%d.%m.%Y %H:%M").replace(tzinfo=YEKB).astimezone(dt.UTC)


def d(text: str) -> dt.date:
    return dt.datetime.strptime(text, "%d.%m.%Y").date()


def stay(level: Level, due: str | None, end: StayEnd, ended: str | None = None) -> LevelStay:
    return LevelStay(level, at(due) if due else None, end, at(ended) if ended else None)


#: Looked at on Thursday 15.05.2025 at noon.
NOW = at("15.05.2025 12:00")

APPEALS = [
    # A1 registered Wed 30.04.2025; deputy's 3 working days: 05.05, 06.05, 07.05 (01–04.05 off) → due 07.05.
    # Answered by the deputy on 06.05: on time. Working days (30.04, 06.05]: 05.05, 06.05 = 2.
    AppealFact("A1", d("30.04.2025"), Rubric.SCHOOL, Channel.EMAIL,
               (stay(Level.DEPUTY, "08.05.2025 00:00", StayEnd.ANSWERED, "06.05.2025 15:00"),),
               answer_date=d("06.05.2025")),
    # A2 registered 30.04; the deputy's term passed at 24:00 07.05; the director's 2 working days from 07.05:
    # 12.05, 13.05 (08–11.05 off) → due 13.05; the director answered 12.05: the director on time, the appeal not
    # (a term was missed on the way). A first repeat. Days (30.04, 12.05]: 05, 06, 07, 12.05 = 4.
    AppealFact("A2", d("30.04.2025"), Rubric.SCHOOL, Channel.IN_PERSON,
               (stay(Level.DEPUTY, "08.05.2025 00:00", StayEnd.ESCALATED, "08.05.2025 00:00"),
                stay(Level.DIRECTOR, "14.05.2025 00:00", StayEnd.ANSWERED, "12.05.2025 11:00")),
               answer_date=d("12.05.2025"), repeat_no=1),
    # A3 registered Mon 05.05; the deputy's term 06, 07, 12.05; forwarded to the СУИ on 06.05 (30 calendar days:
    # 05.06.2025, a Thursday), answered by the СУИ on 20.05: on time. Days (05.05, 20.05]: 06, 07, 12, 13, 14,
    # 15, 16, 19, 20 = 9.
    AppealFact("A3", d("05.05.2025"), Rubric.SCHOOL, Channel.SITE,
               (stay(Level.DEPUTY, "13.05.2025 00:00", StayEnd.FORWARDED, "06.05.2025 10:00"),
                stay(Level.SUI, "06.06.2025 00:00", StayEnd.ANSWERED, "20.05.2025 09:00")),
               answer_date=d("20.05.2025")),
    # A4 a technical question of 01.04.2025: 30 calendar days end 01.05, a holiday → 05.05. Not answered by
    # 15.05: open past its term at the СУИ.
    AppealFact("A4", d("01.04.2025"), Rubric.TECHNICAL, Channel.EMAIL,
               (stay(Level.SUI, "06.05.2025 00:00", StayEnd.OPEN),)),
    # A5 registered Tue 13.05; due 14, 15, 16.05: open within its term.
    AppealFact("A5", d("13.05.2025"), Rubric.SCHOOL, Channel.POST,
               (stay(Level.DEPUTY, "17.05.2025 00:00", StayEnd.OPEN),)),
    # A6 registered Fri 27.12.2024: 28.12 (a working Saturday), then 30.12–08.01 off: 09.01, 10.01 → due 10.01.2025.
    # Answered 09.01.2025: on time. Days (27.12.2024, 09.01.2025]: 28.12, 09.01 = 2.
    AppealFact("A6", d("27.12.2024"), Rubric.SCHOOL, Channel.AIS,
               (stay(Level.DEPUTY, "11.01.2025 00:00", StayEnd.ANSWERED, "09.01.2025 16:00"),),
               answer_date=d("09.01.2025")),
    # A7 a technical question of 01.04.2025 (due 05.05), answered 07.05 (an imported late answer): late at the СУИ.
    # Days (01.04, 07.05]: April 2–4 (3), 7–11 (5), 14–18 (5), 21–25 (5), 28–30 (3) = 21; May 5, 6, 7 = 3; 24.
    AppealFact("A7", d("01.04.2025"), Rubric.TECHNICAL, Channel.EMAIL,
               (stay(Level.SUI, "06.05.2025 00:00", StayEnd.ANSWERED, "07.05.2025 10:00"),),
               answer_date=d("07.05.2025")),
    # A8 the 5th repeat (a notice to the Department), registered and answered on Wed 14.05: 0 working days.
    AppealFact("A8", d("14.05.2025"), Rubric.SCHOOL, Channel.IN_PERSON,
               (stay(Level.DEPUTY, "20.05.2025 00:00", StayEnd.ANSWERED, "14.05.2025 17:00"),),
               answer_date=d("14.05.2025"), repeat_no=5, notice=True),
    # A9 registered 14.04.2025, nobody answered: deputy due 17.04, director 21.04, municipal 24.04; at the
    # Department since 25.04 00:00 (no term there).
    AppealFact("A9", d("14.04.2025"), Rubric.SCHOOL, None,
               (stay(Level.DEPUTY, "18.04.2025 00:00", StayEnd.ESCALATED, "18.04.2025 00:00"),
                stay(Level.DIRECTOR, "22.04.2025 00:00", StayEnd.ESCALATED, "22.04.2025 00:00"),
                stay(Level.MUNICIPAL, "25.04.2025 00:00", StayEnd.ESCALATED, "25.04.2025 00:00"),
                stay(Level.DEPARTMENT, None, StayEnd.OPEN))),
]  # fmt: skip


def test_appeals_by_rubric_channel_and_answering_level():
    s = summarize_appeals(APPEALS, NOW, CAL)
    assert s.total == 9
    assert s.by_rubric == {Rubric.SCHOOL: 7, Rubric.TECHNICAL: 2}
    assert s.by_channel == {Channel.EMAIL: 3, Channel.IN_PERSON: 2, Channel.SITE: 1, Channel.POST: 1,
                            Channel.AIS: 1, None: 1}  # fmt: skip
    # Answered: A1, A6, A8 by the deputy; A2 by the director; A3, A7 by the СУИ.
    assert s.by_answer_level == {Level.DEPUTY: 3, Level.DIRECTOR: 1, Level.SUI: 2}
    assert (s.finished, s.still_open, s.forwarded) == (6, 3, 1)
    # On time: A1, A3, A6, A8 (A2 passed a missed term, A7 was late).
    assert s.on_time == 4
    assert (s.repeats, s.notices) == (2, 1)


def test_each_level_reached_on_time_late_escalated_and_open():
    levels = {lv.level: lv for lv in summarize_appeals(APPEALS, NOW, CAL).levels}
    assert list(levels) == [Level.DEPUTY, Level.DIRECTOR, Level.MUNICIPAL, Level.DEPARTMENT, Level.SUI]

    def row(level: Level) -> tuple[int, ...]:
        lv = levels[level]
        return lv.reached, lv.on_time, lv.late, lv.escalated, lv.open_in_term, lv.open_overdue

    # Deputy: A1, A2, A3, A5, A6, A8, A9 reached; on time A1, A3 (forwarded), A6, A8; escalated A2, A9; A5 open.
    assert row(Level.DEPUTY) == (7, 4, 0, 2, 1, 0)
    assert levels[Level.DEPUTY].share_on_time == 4 / 6
    assert row(Level.DIRECTOR) == (2, 1, 0, 1, 0, 0)  # A2 on time, A9 escalated
    assert levels[Level.DIRECTOR].share_on_time == 1 / 2
    assert row(Level.MUNICIPAL) == (1, 0, 0, 1, 0, 0)
    assert levels[Level.MUNICIPAL].share_on_time == 0
    assert row(Level.DEPARTMENT) == (1, 0, 0, 0, 1, 0)  # no term: never overdue
    assert levels[Level.DEPARTMENT].share_on_time is None
    assert row(Level.SUI) == (3, 1, 1, 0, 0, 1)  # A3 on time, A7 late, A4 open past 05.05
    assert levels[Level.SUI].share_on_time == 1 / 3


def test_time_to_answer_in_working_days():
    # A1 2, A2 4, A3 9, A6 2, A7 24, A8 0: 41 over 6 answered; the longest A7.
    assert summarize_appeals(APPEALS, NOW, CAL).times == AnswerTimes(6, 41 / 6, 24, "A7")


def test_months_of_registration_with_the_on_time_share():
    assert summarize_appeals(APPEALS, NOW, CAL).months == (
        MonthShare(d("01.12.2024"), 1, 1),  # A6
        MonthShare(d("01.04.2025"), 3, 1),  # A1 on time; A2, A7 not
        MonthShare(d("01.05.2025"), 2, 2),  # A3, A8
    )


def test_an_answer_at_the_due_moment_itself_is_late_and_an_open_stay_is_overdue_from_it():
    due = "08.05.2025 00:00"  # 24:00 of 07.05
    assert stay(Level.DEPUTY, due, StayEnd.ANSWERED, "07.05.2025 23:59").on_time()
    assert not stay(Level.DEPUTY, due, StayEnd.ANSWERED, due).on_time()
    fact = AppealFact("X", d("30.04.2025"), Rubric.SCHOOL, None, (stay(Level.DEPUTY, due, StayEnd.OPEN),))
    assert [lv.open_in_term for lv in summarize_appeals([fact], at("07.05.2025 23:59"), CAL).levels] == [1]
    assert [lv.open_overdue for lv in summarize_appeals([fact], at(due), CAL).levels] == [1]


# -- tickets --------------------------------------------------------------------------------------------------------

TODAY = d("15.05.2025")
SMIRNOVA, VASILIEV = "Смирнова Ольга Павловна", "Васильев Игорь Николаевич"

TICKETS = [
    TicketFact("T1", Category.ROOMS, Status.DONE, False, d("07.05.2025"), d("06.05.2025"), SMIRNOVA),  # on time
    TicketFact("T2", Category.PRINTING, Status.IN_WORK, False, d("06.05.2025"), d("12.05.2025"), SMIRNOVA),  # late
    TicketFact("T3", Category.TRANSPORT, Status.REVIEW, True, d("12.05.2025"), None, VASILIEV),  # missed, open
    TicketFact("T4", Category.ROOMS, Status.REFUSED, True, d("13.05.2025"), None, ""),  # refused before work
    TicketFact("T5", Category.INFO, Status.CLOSED, False, d("20.05.2025"), d("14.05.2025"), VASILIEV),  # on time
    TicketFact("T6", Category.MEDIA, Status.OPEN, False, d("20.05.2025"), None, ""),  # within its term
    TicketFact("T7", Category.SOUVENIRS, Status.WAIT_CLIENT, False, d("14.05.2025"), None, VASILIEV),  # missed
    TicketFact("T8", Category.PRINTING, Status.REFUSED, False, d("06.05.2025"), d("05.05.2025"), SMIRNOVA),  # on time
    TicketFact("T9", Category.ROOMS, Status.WAIT_OPERATOR, False, d("15.05.2025"), None, ""),  # its last day: today
]


def test_tickets_by_category_status_and_terms():
    s = summarize_tickets(TICKETS, TODAY)
    assert s.total == 9
    assert s.by_category == {Category.ROOMS: 3, Category.PRINTING: 2, Category.TRANSPORT: 1, Category.INFO: 1,
                             Category.MEDIA: 1, Category.SOUVENIRS: 1}  # fmt: skip
    assert s.by_status == {Status.DONE: 1, Status.IN_WORK: 1, Status.REVIEW: 1, Status.REFUSED: 2, Status.CLOSED: 1,
                           Status.OPEN: 1, Status.WAIT_CLIENT: 1, Status.WAIT_OPERATOR: 1}  # fmt: skip
    assert s.submitted_on_time == 7  # T3, T4 late
    # Known: T1, T2, T3, T5, T7, T8; met: T1, T5, T8. T4 (refused before work), T6 and T9 (in term) are not known.
    assert (s.handled, s.handled_on_time) == (6, 3)


def test_tickets_per_agent():
    agents = summarize_tickets(TICKETS, TODAY).agents
    assert [(a.agent, a.total, a.done, a.handled, a.handled_on_time) for a in agents] == [
        (VASILIEV, 3, 1, 3, 1),  # T3, T5, T7: T5 closed after the work; T5 on time
        (SMIRNOVA, 3, 1, 3, 2),  # T1, T2, T8: T1 done (T8 refused after the work is not done); T1, T8 on time
    ]


# -- support requests -----------------------------------------------------------------------------------------------


def test_support_requests_by_outcome():
    facts = [
        (sp.Status.SOLVED, sp.UserRole.STUDENT, False, False),
        (sp.Status.SOLVED, sp.UserRole.PARENT, True, False),
        (sp.Status.CLOSED, sp.UserRole.TEACHER, True, False),
        (sp.Status.CORRECTED, sp.UserRole.STUDENT, False, False),
        (sp.Status.AT_STP, sp.UserRole.PARENT, True, True),
        (sp.Status.NOT_SOLVED, sp.UserRole.PARENT, False, False),
        (sp.Status.CORRECTED, sp.UserRole.STUDENT, True, True),  # corrected on СТП's advice, СТП still open
        (sp.Status.NEW, sp.UserRole.TEACHER, False, False),
    ]
    s = summarize_support(facts)
    assert (s.total, s.sent_to_stp) == (8, 4)
    assert s.by_outcome == {
        SupportOutcome.SOLVED_AT_SCHOOL: 1,
        SupportOutcome.SOLVED_AFTER_STP: 1,
        SupportOutcome.CLOSED: 1,
        SupportOutcome.OPEN_AT_SCHOOL: 3,
        SupportOutcome.OPEN_AT_STP: 2,
    }
    assert s.by_role == {sp.UserRole.STUDENT: 3, sp.UserRole.PARENT: 3, sp.UserRole.TEACHER: 2}
    assert support_outcome(sp.Status.NOT_SOLVED, True, False) is SupportOutcome.OPEN_AT_SCHOOL


# -- paper reports --------------------------------------------------------------------------------------------------


def test_paper_reports_on_time_late_and_not_handed():
    s = summarize_paper(
        2,
        [
            PrintoutFact(d("07.05.2025"), d("06.05.2025")),  # before the due day
            PrintoutFact(d("07.05.2025"), None),  # not handed
            PrintoutFact(d("16.05.2025"), d("16.05.2025")),  # on the due day itself
            PrintoutFact(d("16.05.2025"), d("19.05.2025")),  # the Monday after
        ],
    )
    assert (s.families_on_paper, s.reports, s.handed_on_time, s.handed_late, s.not_handed) == (2, 4, 2, 1, 1)


# -- an empty period -------------------------------------------------------------------------------------------------


def test_an_empty_period_is_zeros_not_an_error():
    appeals = summarize_appeals([], NOW, CAL)
    assert (appeals.total, appeals.finished, appeals.on_time, appeals.levels, appeals.months) == (0, 0, 0, (), ())
    assert appeals.times == AnswerTimes(0, None, None)
    tickets = summarize_tickets([], TODAY)
    assert (tickets.total, tickets.handled, tickets.agents, tickets.by_status) == (0, 0, (), {})
    summary = PeriodSummary("Школа", d("01.05.2025"), d("31.05.2025"), dt.datetime(2025, 6, 1, 9, 0), "Директор",
                            appeals, tickets, summarize_support([]), summarize_paper(0, []))  # fmt: skip
    assert summary.empty
    assert share_text(0, 0) == "—" and share_text(2, 3) == "67 %"


# -- properties -----------------------------------------------------------------------------------------------------

LEVELS = [Level.DEPUTY, Level.DIRECTOR, Level.MUNICIPAL, Level.DEPARTMENT, Level.SUI]
BASE = at("01.04.2025 00:00")


@st.composite
def stays(draw: st.DrawFn) -> LevelStay:
    level = draw(st.sampled_from(LEVELS))
    due = None if level is Level.DEPARTMENT else BASE + dt.timedelta(hours=draw(st.integers(0, 2000)))
    end = draw(st.sampled_from(list(StayEnd)))
    ended = None if end is StayEnd.OPEN else BASE + dt.timedelta(hours=draw(st.integers(0, 2000)))
    return LevelStay(level, due, end, ended)


@st.composite
def facts(draw: st.DrawFn) -> AppealFact:
    chain = tuple(draw(st.lists(stays(), min_size=1, max_size=4)))
    reg = dt.date(2025, 3, 1) + dt.timedelta(days=draw(st.integers(0, 30)))
    answered = reg + dt.timedelta(days=draw(st.integers(0, 60))) if chain[-1].end is StayEnd.ANSWERED else None
    return AppealFact("N", reg, draw(st.sampled_from(list(Rubric))), None, chain, answer_date=answered)


@settings(max_examples=150, deadline=None)
@given(st.lists(facts(), max_size=12), st.integers(0, 2000))
def test_every_stay_is_counted_once_and_shares_are_shares(items: list[AppealFact], hours: int):
    s = summarize_appeals(items, BASE + dt.timedelta(hours=hours), CAL)
    assert sum(lv.reached for lv in s.levels) == sum(len(f.stays) for f in items)
    for lv in s.levels:
        assert lv.on_time + lv.late + lv.escalated + lv.open_in_term + lv.open_overdue == lv.reached
        assert lv.share_on_time is None or 0 <= lv.share_on_time <= 1
    assert 0 <= s.on_time <= s.finished <= s.total == len(items)
    assert s.finished + s.still_open == s.total
    assert sum(m.finished for m in s.months) == s.finished
    if s.times.count:
        assert s.times.longest is not None and s.times.average is not None
        assert 0 <= s.times.average <= s.times.longest


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(list(Status)), st.booleans(), st.integers(0, 20), st.one_of(st.none(), st.integers(0, 20)),
                  st.sampled_from(["", "А", "Б"])),
        max_size=15,
    ),
    st.integers(0, 20),
)
def test_tickets_handled_on_time_never_exceed_handled(rows, today_offset):
    base = d("01.05.2025")
    items = [
        TicketFact(f"T{i}", Category.ROOMS, status, late, base + dt.timedelta(days=rb),
                   None if iw is None else base + dt.timedelta(days=iw), agent)
        for i, (status, late, rb, iw, agent) in enumerate(rows)
    ]
    s = summarize_tickets(items, base + dt.timedelta(days=today_offset))
    assert 0 <= s.handled_on_time <= s.handled <= s.total
    assert sum(a.total for a in s.agents) == sum(1 for t in items if t.agent)
    for a in s.agents:
        assert a.handled_on_time <= a.handled <= a.total and a.done <= a.total
