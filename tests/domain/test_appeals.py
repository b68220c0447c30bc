"""The appeal rules of seed 000 with fixed dates: the chain's due days across holidays, transferred days off, working
Saturdays and time zones; the moment of escalation; urgency; the term explanations of the card; repeats."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.domain import appeals as rules
from desktop.domain.appeals import Level, Rubric, Status, Urgency
from desktop.domain.calendar import WorkCalendar

YEKB = ZoneInfo("Asia/Yekaterinburg")  # Tyumen's time, UTC+5
KGD = ZoneInfo("Europe/Kaliningrad")  # UTC+2
CAL = WorkCalendar()


def at(text: str, tz: ZoneInfo = YEKB) -> dt.datetime:
    """A school-local moment «ДД.ММ.ГГГГ ЧЧ:ММ» as an aware datetime."""
    return dt.datetime.strptime(text, "%d.%m.%Y %H:%M").replace(tzinfo=tz)


def d(text: str) -> dt.date:
    return dt.datetime.strptime(text, "%d.%m.%Y").date()


def chain(registered: dt.datetime, tz: ZoneInfo = YEKB, calendar: WorkCalendar = CAL) -> list[rules.Stage]:
    first = rules.first_stage(Rubric.SCHOOL, registered, calendar, tz)
    return [first, *rules.escalations(first, dt.datetime(2100, 1, 1, tzinfo=dt.UTC), calendar, tz)]


# -- the chain's due days, computed by hand from the production calendars ------------------------------------


@pytest.mark.parametrize(
    ("registered", "deputy", "director", "municipal"),
    [
        # May holidays 2025: 01.05-04.05 and 08.05-11.05 are days off.
        ("30.04.2025 10:00", "07.05.2025", "13.05.2025", "16.05.2025"),
        # New Year: 28.12.2024 a working Saturday, 29.12.2024-08.01.2025 days off.
        ("27.12.2024 16:45", "10.01.2025", "14.01.2025", "17.01.2025"),
        # November 2025: 01.11 a working Saturday, 02.11-04.11 days off.
        ("31.10.2025 09:00", "06.11.2025", "10.11.2025", "13.11.2025"),
        # An ordinary week, registered on a Friday evening: the term starts on Monday.
        ("14.11.2025 18:30", "19.11.2025", "21.11.2025", "26.11.2025"),
        # Registered on a Sunday.
        ("16.11.2025 12:00", "19.11.2025", "21.11.2025", "26.11.2025"),
        # Defender of the Fatherland day 2026 (23.02, Monday).
        ("19.02.2026 11:00", "25.02.2026", "27.02.2026", "04.03.2026"),
    ],
)
def test_the_due_day_of_each_level(registered, deputy, director, municipal):
    stages = chain(at(registered))
    assert [s.level for s in stages] == [Level.DEPUTY, Level.DIRECTOR, Level.MUNICIPAL, Level.DEPARTMENT]
    assert [s.due_date for s in stages] == [d(deputy), d(director), d(municipal), None]


def test_each_level_is_entered_at_the_end_of_the_previous_levels_due_day_in_school_time():
    stages = chain(at("30.04.2025 10:00"))
    assert [s.since.astimezone(YEKB) for s in stages] == [
        at("30.04.2025 10:00"),
        at("08.05.2025 00:00"),
        at("14.05.2025 00:00"),
        at("17.05.2025 00:00"),
    ]
    assert stages[0].due_at == dt.datetime(2025, 5, 7, 19, 0, tzinfo=dt.UTC)  # 24:00 in UTC+5


def test_the_time_zone_decides_the_registration_day_and_so_every_due_day():
    moment = dt.datetime(2025, 3, 11, 20, 30, tzinfo=dt.UTC)  # Tuesday night in Kaliningrad, Wednesday in Tyumen
    assert rules.first_stage(Rubric.SCHOOL, moment, CAL, KGD).due_date == d("14.03.2025")
    assert rules.first_stage(Rubric.SCHOOL, moment, CAL, YEKB).due_date == d("17.03.2025")


def test_the_schools_own_day_off_and_working_day_move_the_terms():
    quarantine = WorkCalendar(days_off=[d("06.05.2025")])
    assert chain(at("30.04.2025 10:00"), calendar=quarantine)[0].due_date == d("12.05.2025")
    extra_saturday = WorkCalendar(workdays=[d("03.05.2025")])
    assert chain(at("30.04.2025 10:00"), calendar=extra_saturday)[0].due_date == d("06.05.2025")


@pytest.mark.parametrize(
    ("registered", "due"),
    [
        ("01.04.2025 10:00", "05.05.2025"),  # day 30 is 01.05, a holiday: the next working day
        ("02.12.2025 10:00", "12.01.2026"),  # day 30 is 01.01.2026: after the New Year holidays
        ("03.11.2025 10:00", "03.12.2025"),  # day 30 is a working Wednesday
        ("26.09.2025 10:00", "27.10.2025"),  # day 30 is Sunday 26.10
    ],
)
def test_a_technical_question_goes_to_the_sui_with_30_calendar_days(registered, due):
    stage = rules.first_stage(Rubric.TECHNICAL, at(registered), CAL, YEKB)
    assert (stage.level, stage.due_date) == (Level.SUI, d(due))
    assert rules.next_stage(stage, CAL, YEKB) is None  # the СУИ does not escalate
    assert rules.escalations(stage, at("01.01.2027 00:00"), CAL, YEKB) == []


# -- when the sweep escalates ----------------------------------------------------------------------------------


def test_an_appeal_escalates_at_its_due_moment_and_not_a_moment_before():
    first = rules.first_stage(Rubric.SCHOOL, at("30.04.2025 10:00"), CAL, YEKB)
    just_before = at("08.05.2025 00:00") - dt.timedelta(microseconds=1)
    assert rules.escalations(first, just_before, CAL, YEKB) == []
    passed = rules.escalations(first, at("08.05.2025 00:00"), CAL, YEKB)
    assert [(s.level, s.due_date) for s in passed] == [(Level.DIRECTOR, d("13.05.2025"))]


def test_a_sweep_after_a_long_break_writes_every_level_at_its_own_due_moment():
    first = rules.first_stage(Rubric.SCHOOL, at("30.04.2025 10:00"), CAL, YEKB)
    passed = rules.escalations(first, at("01.06.2025 09:00"), CAL, YEKB)
    assert [(s.level, s.since.astimezone(YEKB)) for s in passed] == [
        (Level.DIRECTOR, at("08.05.2025 00:00")),
        (Level.MUNICIPAL, at("14.05.2025 00:00")),
        (Level.DEPARTMENT, at("17.05.2025 00:00")),
    ]
    assert passed[-1].due_at is None


def test_an_answer_before_the_due_moment_is_on_time_and_at_it_is_late():
    due = at("08.05.2025 00:00")
    assert rules.is_on_time(due, due - dt.timedelta(seconds=1))
    assert not rules.is_on_time(due, due)


@settings(max_examples=300, deadline=None)
@given(
    day=st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2027, 10, 31)),
    minutes=st.integers(min_value=0, max_value=24 * 60 - 1),
)
def test_every_levels_term_counts_its_working_days_from_the_previous_due_day(day, minutes):
    registered = dt.datetime.combine(day, dt.time(0), tzinfo=YEKB) + dt.timedelta(minutes=minutes)
    deputy, director, municipal, department = chain(registered)
    for stage, start, term in ((deputy, day, 3), (director, deputy.due_date, 2), (municipal, director.due_date, 3)):
        assert CAL.is_working_day(stage.due_date)
        assert CAL.working_days_between(start, stage.due_date) == term
        assert stage.due_at == dt.datetime.combine(stage.due_date + dt.timedelta(days=1), dt.time(0), tzinfo=YEKB)
    assert director.since == deputy.due_at and municipal.since == director.due_at
    assert department.since == municipal.due_at and department.due_date is None


# -- urgency and time left ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "level", "status", "left", "urgency"),
    [
        ("30.04.2025", Level.DEPUTY, Status.OPEN, "3 р.д.", Urgency.ON_TRACK),
        ("05.05.2025", Level.DEPUTY, Status.OPEN, "2 р.д.", Urgency.ON_TRACK),
        ("06.05.2025", Level.DEPUTY, Status.OPEN, "1 р.д.", Urgency.ONE_DAY),
        ("07.05.2025", Level.DEPUTY, Status.OPEN, "сегодня", Urgency.DUE_TODAY),
        ("08.05.2025", Level.DEPUTY, Status.OPEN, "просрочено", Urgency.OVERDUE),
        ("06.05.2025", Level.DIRECTOR, Status.OPEN, "1 р.д.", Urgency.ESCALATED),
        ("06.05.2025", Level.MUNICIPAL, Status.OPEN, "1 р.д.", Urgency.LEFT_SCHOOL),
        ("06.05.2025", Level.DEPUTY, Status.ANSWERED, "1 р.д.", Urgency.ANSWERED),
        ("08.05.2025", Level.SUI, Status.SUI, "просрочено", Urgency.OVERDUE),
    ],
)
def test_time_left_and_urgency(today, level, status, left, urgency):
    due = d("07.05.2025")
    assert rules.time_left(due, d(today), CAL) == left
    assert rules.urgency(status, level, due, d(today), CAL) is urgency


def test_over_a_weekend_one_working_day_is_left_before_a_monday_term():
    assert rules.time_left(d("17.11.2025"), d("15.11.2025"), CAL) == "1 р.д."
    assert rules.urgency(Status.OPEN, Level.DEPUTY, d("17.11.2025"), d("15.11.2025"), CAL) is Urgency.ONE_DAY


def test_no_term_at_the_department():
    assert rules.time_left(None, d("15.11.2025"), CAL) == "—"
    assert rules.urgency(Status.OPEN, Level.DEPARTMENT, None, d("15.11.2025"), CAL) is Urgency.LEFT_SCHOOL


# -- what the card says about a term -------------------------------------------------------------------------


def test_the_card_explains_which_days_a_term_counted_and_which_it_skipped():
    assert (
        rules.explain_term(d("30.04.2025"), 3, d("07.05.2025"), CAL)
        == "3 р.д. от 30.04.2025: 05.05, 06.05, 07.05; 01.05-04.05 нерабочие"
    )
    assert (
        rules.explain_term(d("27.12.2024"), 3, d("10.01.2025"), CAL)
        == "3 р.д. от 27.12.2024: 28.12, 09.01, 10.01; 29.12-08.01 нерабочие"
    )
    assert rules.explain_term(d("12.11.2025"), 3, d("17.11.2025"), CAL) == (
        "3 р.д. от 12.11.2025: 13.11, 14.11, 17.11; 15.11-16.11 нерабочие"
    )
    assert rules.explain_term(d("18.11.2025"), 2, d("20.11.2025"), CAL) == "2 р.д. от 18.11.2025: 19.11, 20.11"


def test_the_card_explains_a_calendar_day_term_moved_past_a_holiday():
    text = rules.explain_term(d("01.04.2025"), 30, d("05.05.2025"), CAL, calendar_days=True)
    assert text.startswith("30 к.д. от 01.04.2025: по 05.05.2025")
    assert "01.05-04.05" in text and "перенесён" in text


# -- input, numbers, repeats ----------------------------------------------------------------------------------


def test_the_text_may_have_500_characters_and_not_501():
    assert rules.text_problem("я" * 500) is None
    problem = rules.text_problem("я" * 501)
    assert problem is not None and "501" in problem and "500" in problem and "1 знак" in problem
    assert rules.text_problem("   ") == "Введите текст обращения."


@pytest.mark.parametrize(
    ("text", "rubric"),
    [
        ("Вопрос к школе", Rubric.SCHOOL),
        ("вопрос  школе", Rubric.SCHOOL),
        ("Технический вопрос", Rubric.TECHNICAL),
        ("Технические вопросы", Rubric.TECHNICAL),
        ("Жалоба", None),
    ],
)
def test_rubrics_are_read_as_people_write_them(text, rubric):
    assert rules.rubric_from_text(text) is rubric


def test_channels_by_their_russian_names():
    assert [rules.channel_from_text(t) for t in ("лично", "Почта", "e-mail", "сайт", "ПОС", "АИС", "факс")] == [
        rules.Channel.IN_PERSON,
        rules.Channel.POST,
        rules.Channel.EMAIL,
        rules.Channel.SITE,
        rules.Channel.POS,
        rules.Channel.AIS,
        None,
    ]


def test_register_numbers():
    assert rules.format_number(2026, 1) == "О-2026/0001"
    assert rules.format_number(2026, 12345) == "О-2026/12345"


@pytest.mark.parametrize(("repeat", "notice"), [(0, False), (1, False), (4, False), (5, True), (6, True), (12, True)])
def test_the_fifth_repeat_and_every_later_one_is_notified_to_the_department(repeat, notice):
    assert rules.needs_department_notice(repeat) is notice


def test_level_and_status_names_are_the_issues():
    assert [level.label for level in Level] == [
        "Заместитель директора",
        "Директор",
        "Муниципальный орган управления образованием",
        "Департамент образования и науки",
        "Система управления инцидентами",
    ]
    assert [s.label for s in Status] == ["На рассмотрении", "Ответ дан", "Передано в СУИ"]
