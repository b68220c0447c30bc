"""The initiative-ticket rules of seed 002 («Мои инициативы») with fixed dates: the three terms of each category
across holidays, transferred days off, working Saturdays and the school's overrides; lateness; who sets which status;
refusals; the next term and urgency; the proposal of an agent.

Every expected date is counted by hand from the Russian production calendars (2024: 28.12 a working Saturday,
29.12.2024-08.01.2025 off; 2025: 01.05-04.05 and 08.05-11.05 off, 01.11 a working Saturday, 02.11-04.11 off,
31.12 off; 2026: 01.01-11.01 off, 23.02 (Mon) off, 08.03 (Sun) moved to 09.03 (Mon)). The comment of each row lists
the working days counted back from the event, so that a reader can check it with a paper calendar.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.domain import tickets as rules
from desktop.domain.calendar import UnknownCalendarYear, WorkCalendar
from desktop.domain.tickets import (
    AgentInfo,
    Category,
    CategoryTerms,
    Party,
    RefusalReason,
    Status,
    TermKind,
    Terms,
    Urgency,
)

CAL = WorkCalendar()

LONG = (Category.INFO, Category.PRINTING, Category.SOUVENIRS, Category.TRANSPORT)  # 5 / 3 / 2 working days
SHORT = (Category.ROOMS, Category.MEDIA)  # 3 / 2 / 2 working days

OPERATOR = frozenset({Party.OPERATOR})
AGENT = frozenset({Party.AGENT})
CLIENT = frozenset({Party.CLIENT})
NOBODY: frozenset[Party] = frozenset()
BOTH = frozenset({Party.OPERATOR, Party.AGENT})

O, RV, W, WC, WO, DN, RF, CL = (
    Status.OPEN,
    Status.REVIEW,
    Status.IN_WORK,
    Status.WAIT_CLIENT,
    Status.WAIT_OPERATOR,
    Status.DONE,
    Status.REFUSED,
    Status.CLOSED,
)


def d(text: str) -> dt.date:
    return dt.datetime.strptime(text, "%d.%m.%Y").date()


def russian(message: str | None) -> bool:
    """A message for people: not empty, in Cyrillic, with no Latin word (no code names leaking out)."""
    return bool(
        message
        and message.strip()
        and re.search("[А-Яа-яЁё]", message)
        and not re.search("[A-Za-z]", message)
    )


# -- the terms of each category, counted by hand -----------------------------------------------------------------


def test_the_two_groups_of_terms_are_those_of_the_regulation():
    # seed 002 §4.1.1 (submit), §4.4.1 (agent reports), §4.2.2 (client answers).
    for category in LONG:
        assert category.terms == CategoryTerms(submit=5, report=3, client=2), category
    for category in SHORT:
        assert category.terms == CategoryTerms(submit=3, report=2, client=2), category
    assert set(LONG) | set(SHORT) == set(Category)


@pytest.mark.parametrize(
    ("event", "long_terms", "short_terms"),
    [
        # Mon 12.05.2025, after both May blocks. Back from the event: 07.05 (1), 06.05 (2), 05.05 (3),
        # 01.05-04.05 off, 30.04 (4), 29.04 (5).
        (
            "12.05.2025",
            ("29.04.2025", "05.05.2025", "06.05.2025"),
            ("05.05.2025", "06.05.2025", "06.05.2025"),
        ),
        # Mon 05.05.2025, just after 01.05-04.05: 30.04 (1), 29.04 (2), 28.04 (3), 25.04 (4), 24.04 (5).
        (
            "05.05.2025",
            ("24.04.2025", "28.04.2025", "29.04.2025"),
            ("28.04.2025", "29.04.2025", "29.04.2025"),
        ),
        # Thu 09.01.2025, first working day of 2025: 29.12.2024-08.01.2025 off; 28.12.2024 (Sat, working) (1),
        # 27.12 (2), 26.12 (3), 25.12 (4), 24.12 (5).
        (
            "09.01.2025",
            ("24.12.2024", "26.12.2024", "27.12.2024"),
            ("26.12.2024", "27.12.2024", "27.12.2024"),
        ),
        # Fri 10.01.2025: 09.01 (1), 28.12.2024 Sat (2), 27.12 (3), 26.12 (4), 25.12 (5). The client's last day
        # is the working Saturday.
        (
            "10.01.2025",
            ("25.12.2024", "27.12.2024", "28.12.2024"),
            ("27.12.2024", "28.12.2024", "28.12.2024"),
        ),
        # Wed 05.11.2025: 02.11-04.11 off; 01.11 (Sat, working) (1), 31.10 (2), 30.10 (3), 29.10 (4), 28.10 (5).
        (
            "05.11.2025",
            ("28.10.2025", "30.10.2025", "31.10.2025"),
            ("30.10.2025", "31.10.2025", "31.10.2025"),
        ),
        # Thu 06.11.2025: 05.11 (1), 01.11 Sat (2), 31.10 (3), 30.10 (4), 29.10 (5).
        (
            "06.11.2025",
            ("29.10.2025", "31.10.2025", "01.11.2025"),
            ("31.10.2025", "01.11.2025", "01.11.2025"),
        ),
        # The working Saturday 01.11.2025 as the event itself: 31.10 (1), 30.10 (2), 29.10 (3), 28.10 (4), 27.10 (5).
        (
            "01.11.2025",
            ("27.10.2025", "29.10.2025", "30.10.2025"),
            ("29.10.2025", "30.10.2025", "30.10.2025"),
        ),
        # Tue 24.02.2026: 23.02 (Mon) off, 21-22.02 weekend; 20.02 (1), 19.02 (2), 18.02 (3), 17.02 (4), 16.02 (5).
        (
            "24.02.2026",
            ("16.02.2026", "18.02.2026", "19.02.2026"),
            ("18.02.2026", "19.02.2026", "19.02.2026"),
        ),
        # Wed 25.02.2026: 24.02 (1), 20.02 (2), 19.02 (3), 18.02 (4), 17.02 (5).
        (
            "25.02.2026",
            ("17.02.2026", "19.02.2026", "20.02.2026"),
            ("19.02.2026", "20.02.2026", "20.02.2026"),
        ),
        # Tue 10.03.2026: 07.03-08.03 weekend, 09.03 (Mon) off for 08.03; 06.03 (1), 05.03 (2), 04.03 (3),
        # 03.03 (4), 02.03 (5).
        (
            "10.03.2026",
            ("02.03.2026", "04.03.2026", "05.03.2026"),
            ("04.03.2026", "05.03.2026", "05.03.2026"),
        ),
        # Mon 17.11.2025 after a plain weekend: 14.11 (1), 13.11 (2), 12.11 (3), 11.11 (4), 10.11 (5).
        (
            "17.11.2025",
            ("10.11.2025", "12.11.2025", "13.11.2025"),
            ("12.11.2025", "13.11.2025", "13.11.2025"),
        ),
        # An event on a Sunday, 16.11.2025: the same days as for Monday 17.11.
        (
            "16.11.2025",
            ("10.11.2025", "12.11.2025", "13.11.2025"),
            ("12.11.2025", "13.11.2025", "13.11.2025"),
        ),
        # An event on a holiday, Fri 09.05.2025: 08.05 off; 07.05 (1), 06.05 (2), 05.05 (3), 30.04 (4), 29.04 (5).
        (
            "09.05.2025",
            ("29.04.2025", "05.05.2025", "06.05.2025"),
            ("05.05.2025", "06.05.2025", "06.05.2025"),
        ),
        # An event on a holiday, Mon 23.02.2026: 20.02 (1), 19.02 (2), 18.02 (3), 17.02 (4), 16.02 (5).
        (
            "23.02.2026",
            ("16.02.2026", "18.02.2026", "19.02.2026"),
            ("18.02.2026", "19.02.2026", "19.02.2026"),
        ),
        # An event on New Year's Day, Thu 01.01.2026: 31.12.2025 off; 30.12 (1), 29.12 (2), 26.12 (3), 25.12 (4),
        # 24.12 (5).
        (
            "01.01.2026",
            ("24.12.2025", "26.12.2025", "29.12.2025"),
            ("26.12.2025", "29.12.2025", "29.12.2025"),
        ),
        # Mon 12.01.2026, first working day of 2026 (01.01-11.01 off): the same days as for 01.01.2026.
        (
            "12.01.2026",
            ("24.12.2025", "26.12.2025", "29.12.2025"),
            ("26.12.2025", "29.12.2025", "29.12.2025"),
        ),
    ],
)
def test_the_three_terms_of_each_category(event, long_terms, short_terms):
    for group, (submit, report, client) in ((LONG, long_terms), (SHORT, short_terms)):
        for category in group:
            assert rules.terms_for(category, d(event), CAL) == Terms(
                event=d(event), submit_by=d(submit), report_by=d(report), client_by=d(client)
            ), category


@pytest.mark.parametrize(
    ("calendar", "long_terms", "short_terms"),
    [
        # The school closed on Tue 06.05.2025 (quarantine). Event Mon 12.05.2025: 07.05 (1), 06.05 closed,
        # 05.05 (2), 01.05-04.05 off, 30.04 (3), 29.04 (4), 28.04 (5). Every term moves.
        (
            WorkCalendar(days_off=[d("06.05.2025")]),
            ("28.04.2025", "30.04.2025", "05.05.2025"),
            ("30.04.2025", "05.05.2025", "05.05.2025"),
        ),
        # The school works on Sat 03.05.2025: 07.05 (1), 06.05 (2), 05.05 (3), 03.05 (4), 30.04 (5).
        # Only the long submit term moves (29.04 -> 30.04); the short terms stay.
        (
            WorkCalendar(workdays=[d("03.05.2025")]),
            ("30.04.2025", "05.05.2025", "06.05.2025"),
            ("05.05.2025", "06.05.2025", "06.05.2025"),
        ),
        # The school works on Sat 10.05.2025, the day before a Monday event: 10.05 (1), 07.05 (2), 06.05 (3),
        # 05.05 (4), 30.04 (5).
        (
            WorkCalendar(workdays=[d("10.05.2025")]),
            ("30.04.2025", "06.05.2025", "07.05.2025"),
            ("06.05.2025", "07.05.2025", "07.05.2025"),
        ),
    ],
    ids=["extra-day-off", "extra-working-saturday", "working-saturday-before-the-event"],
)
def test_the_schools_overrides_move_the_terms(calendar, long_terms, short_terms):
    event = d("12.05.2025")
    for group, (submit, report, client) in ((LONG, long_terms), (SHORT, short_terms)):
        for category in group:
            terms = rules.terms_for(category, event, calendar)
            assert (terms.submit_by, terms.report_by, terms.client_by) == (d(submit), d(report), d(client))


def test_a_term_in_a_year_without_a_production_calendar_is_not_guessed():
    with pytest.raises(UnknownCalendarYear):
        rules.terms_for(Category.INFO, d("15.03.2100"), CAL)


# -- submitted in time or late ----------------------------------------------------------------------------------


def test_submitted_on_the_last_day_is_on_time_and_the_next_day_late():
    # Event Mon 12.05.2025; 5 working days back is 29.04.2025, 3 working days back is 05.05.2025.
    info = rules.terms_for(Category.INFO, d("12.05.2025"), CAL)
    assert info.submit_by == d("29.04.2025")
    assert rules.submitted_on_time(d("28.04.2025"), info)
    assert rules.submitted_on_time(d("29.04.2025"), info)
    assert not rules.submitted_on_time(d("30.04.2025"), info)
    assert not rules.submitted_on_time(d("01.05.2025"), info)  # a holiday after the last day is late as well
    rooms = rules.terms_for(Category.ROOMS, d("12.05.2025"), CAL)
    assert rooms.submit_by == d("05.05.2025")
    assert rules.submitted_on_time(d("03.05.2025"), rooms)  # a holiday before the last day is in time
    assert rules.submitted_on_time(d("05.05.2025"), rooms)
    assert not rules.submitted_on_time(d("06.05.2025"), rooms)
    assert not rules.submitted_on_time(d("12.05.2025"), rooms)


def test_a_weekend_submission_after_a_friday_last_day_is_late():
    # Event Thu 20.11.2025: 19.11 (1), 18.11 (2), 17.11 (3), 14.11 (4), 13.11 (5) -> the long term ends on Thursday
    # 13.11; event Wed 19.11.2025: 18.11 (1), 17.11 (2), 14.11 (3) -> the short term ends on Friday 14.11.
    rooms = rules.terms_for(Category.ROOMS, d("19.11.2025"), CAL)
    assert rooms.submit_by == d("14.11.2025")
    assert rules.submitted_on_time(d("14.11.2025"), rooms)
    assert not rules.submitted_on_time(d("15.11.2025"), rooms)
    assert not rules.submitted_on_time(d("16.11.2025"), rooms)
    info = rules.terms_for(Category.INFO, d("20.11.2025"), CAL)
    assert info.submit_by == d("13.11.2025")
    assert not rules.submitted_on_time(d("14.11.2025"), info)


def test_the_lateness_text_names_the_category_the_days_the_event_and_the_last_day():
    info = rules.terms_for(Category.INFO, d("12.05.2025"), CAL)
    assert rules.lateness_text(d("30.04.2025"), info, Category.INFO) == (
        "подана 30.04.2025, а по категории «Информационная поддержка» подать нужно не позднее чем за 5 рабочих дней "
        "до мероприятия 12.05.2025, то есть до 29.04.2025 включительно"
    )
    rooms = rules.terms_for(Category.ROOMS, d("12.05.2025"), CAL)
    text = rules.lateness_text(d("06.05.2025"), rooms, Category.ROOMS)
    assert text == (
        "подана 06.05.2025, а по категории «Бронирование помещений» подать нужно не позднее чем за 3 рабочих дня "
        "до мероприятия 12.05.2025, то есть до 05.05.2025 включительно"
    )
    assert russian(text)


# -- statuses: who sets which, from where --------------------------------------------------------------------------

#: Written out by hand from seed 002 §3.2 (not derived from `rules.MANUAL`): with `was_in_work=True`, the targets
#: each party may set from each current status.
#: - operator: «На рассмотрении» from «Открыто» and back from either waiting (§3.2.2); «Исполнено» after the work,
#:   from «В работе» or a waiting that followed it (§3.2.6); «Отказано» and «Закрыто» from every active status.
#: - agent: «В работе» after the review, or back from a waiting (§3.2.3); nothing else.
#: - nobody: «Открыто» and both «Ожидание …» (automatic), anything from a final status.
OPERATOR_MAY: dict[Status, set[Status]] = {
    O: {RV, RF, CL},
    RV: {RF, CL},
    W: {DN, RF, CL},
    WC: {RV, DN, RF, CL},
    WO: {RV, DN, RF, CL},
    DN: set(),
    RF: set(),
    CL: set(),
}
AGENT_MAY: dict[Status, set[Status]] = {
    O: set(),
    RV: {W},
    W: set(),
    WC: {W},
    WO: {W},
    DN: set(),
    RF: set(),
    CL: set(),
}
GRID = list(itertools.product(Status, Status))


def grid_id(pair: tuple[Status, Status]) -> str:
    return f"{pair[0].value}->{pair[1].value}"


@pytest.mark.parametrize(("current", "target"), GRID, ids=[grid_id(p) for p in GRID])
def test_what_the_operator_may_set(current, target):
    problem = rules.transition_problem(current, target, OPERATOR, was_in_work=True)
    if target in OPERATOR_MAY[current]:
        assert problem is None
    else:
        assert russian(problem), problem


@pytest.mark.parametrize(("current", "target"), GRID, ids=[grid_id(p) for p in GRID])
def test_what_the_agent_may_set(current, target):
    problem = rules.transition_problem(current, target, AGENT, was_in_work=True)
    if target in AGENT_MAY[current]:
        assert problem is None
    else:
        assert russian(problem), problem


@pytest.mark.parametrize("was_in_work", [False, True])
def test_a_client_or_nobody_sets_nothing_by_hand_and_an_operator_who_is_also_the_agent_may_do_both(
    was_in_work,
):
    for current, target in GRID:
        assert russian(rules.transition_problem(current, target, CLIENT, was_in_work=was_in_work))
        assert russian(rules.transition_problem(current, target, NOBODY, was_in_work=was_in_work))
        allowed = OPERATOR_MAY[current] | AGENT_MAY[current]
        if not was_in_work and current is not W:  # a ticket «В работе» now has been in work
            allowed -= {DN}
        both = rules.transition_problem(current, target, BOTH, was_in_work=was_in_work)
        assert (both is None) == (target in allowed), (current, target, both)


def test_the_operator_puts_a_new_ticket_under_review_and_the_agent_may_not():
    assert rules.transition_problem(O, RV, OPERATOR) is None
    problem = rules.transition_problem(O, RV, AGENT)
    assert problem == "Статус «На рассмотрении» ставит оператор (Положение о сервисе, п. 3.2)."
    assert rules.transition_problem(O, RV, [Party.OPERATOR]) is None  # any iterable of parties


def test_the_agent_takes_a_reviewed_ticket_into_work_and_the_operator_may_not():
    assert rules.transition_problem(RV, W, AGENT) is None
    problem = rules.transition_problem(RV, W, OPERATOR)
    assert problem is not None and "исполнитель" in problem and "«В работе»" in problem
    # The agent may not skip the operator's review.
    assert rules.transition_problem(O, W, AGENT) == "Из статуса «Открыто» нельзя перейти в «В работе»."


@pytest.mark.parametrize("current", [O, RV, WC, WO])
def test_done_is_refused_until_the_ticket_has_been_in_work(current):
    problem = rules.transition_problem(current, DN, OPERATOR, was_in_work=False)
    assert russian(problem)
    assert rules.transition_problem(current, DN, AGENT, was_in_work=True) is not None  # never the agent


@pytest.mark.parametrize("current", [WC, WO])
def test_done_after_a_waiting_that_followed_the_work(current):
    assert rules.transition_problem(current, DN, OPERATOR, was_in_work=True) is None
    problem = rules.transition_problem(current, DN, OPERATOR, was_in_work=False)
    assert problem is not None and "«В работе»" in problem


def test_done_from_in_work_is_allowed_to_the_operator():
    assert rules.transition_problem(W, DN, OPERATOR, was_in_work=True) is None
    assert rules.transition_problem(W, DN, AGENT, was_in_work=True) is not None


# A ticket that is «В работе» right now has been in work, whatever the caller passes as `was_in_work` (an imported
# ticket, say).
def test_done_from_in_work_needs_no_separate_flag():
    assert rules.transition_problem(W, DN, OPERATOR) is None


@pytest.mark.parametrize("target", [RF, CL])
@pytest.mark.parametrize("current", [O, RV, W, WC, WO])
def test_the_operator_refuses_or_closes_from_every_active_status(current, target):
    assert rules.transition_problem(current, target, OPERATOR) is None
    assert rules.transition_problem(current, target, AGENT) is not None


@pytest.mark.parametrize("current", [DN, RF, CL])
def test_nothing_changes_a_final_status(current):
    for target in Status:
        for parties in (OPERATOR, AGENT, BOTH):
            problem = rules.transition_problem(current, target, parties, was_in_work=True)
            assert russian(problem)
            assert f"«{current.label}»" in problem


@pytest.mark.parametrize("target", [O, WC, WO])
def test_open_and_both_waitings_are_never_set_by_hand(target):
    for current in rules.ACTIVE:
        if current is target:
            continue  # «уже в статусе …»
        for parties in (OPERATOR, AGENT, BOTH):
            problem = rules.transition_problem(current, target, parties, was_in_work=True)
            assert russian(problem)
            assert f"«{target.label}»" in problem


def test_the_messages_say_why():
    assert rules.transition_problem(RV, RV, OPERATOR) == "Заявка уже в статусе «На рассмотрении»."
    assert rules.transition_problem(DN, RF, OPERATOR) == (
        "Заявка закрыта со статусом «Исполнено»: её статус больше не меняется."
    )
    assert rules.transition_problem(RV, O, OPERATOR) == "Статус «Открыто» ставится сам при подаче заявки."
    waiting = rules.transition_problem(RV, WC, OPERATOR)
    assert waiting is not None and waiting.startswith("Статус «Ожидание ответа заявителя» ставится сам")
    assert (
        rules.transition_problem(W, RV, OPERATOR)
        == "Из статуса «В работе» нельзя перейти в «На рассмотрении»."
    )
    refused_by_agent = rules.transition_problem(RV, RF, AGENT)
    assert refused_by_agent is not None and "оператор" in refused_by_agent


# -- messages move the status ------------------------------------------------------------------------------------


@pytest.mark.parametrize("current", [O, RV, W, WC, WO])
def test_a_message_sets_the_waiting_for_the_other_side(current):
    # seed 002 §3.2.4-3.2.5.
    assert rules.status_after_message(current, Party.CLIENT) is WO
    assert rules.status_after_message(current, Party.OPERATOR) is WC
    assert rules.status_after_message(current, Party.AGENT) is WC


# -- labels are a contract ---------------------------------------------------------------------------------------


def test_the_status_labels_are_those_of_the_regulation():
    assert [s.label for s in Status] == [
        "Открыто",
        "На рассмотрении",
        "В работе",
        "Ожидание ответа заявителя",
        "Ожидание ответа оператора",
        "Исполнено",
        "Отказано",
        "Закрыто",
    ]
    assert {s for s in Status if s.final} == {DN, RF, CL}
    assert set(rules.ACTIVE) == {O, RV, W, WC, WO}


def test_the_category_labels():
    assert [c.label for c in Category] == [
        "Информационная поддержка",
        "Полиграфические услуги",
        "Сувенирная и канцелярская продукция",
        "Транспортные услуги",
        "Бронирование помещений",
        "Услуги медиацентра",
    ]


def test_other_labels_and_the_number():
    assert [p.label for p in Party] == ["оператор", "исполнитель", "заявитель"]
    assert [k.label for k in TermKind] == ["отчёт исполнителя", "ответ заявителя", "мероприятие"]
    assert [u.label for u in Urgency] == [
        "в срок",
        "остался 1 рабочий день",
        "срок сегодня",
        "срок прошёл",
        "подана позже срока",
        "завершена",
    ]
    assert all(russian(r.label) for r in RefusalReason)
    assert rules.format_number(2026, 1) == "И-2026/0001"
    assert rules.format_number(2025, 123) == "И-2025/0123"
    assert rules.format_number(2026, 12345) == "И-2026/12345"
    assert list(rules.RATINGS) == [1, 2, 3, 4, 5]


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Информационная поддержка", Category.INFO),
        ("  информационная   ПОДДЕРЖКА ", Category.INFO),
        ("Полиграфические\tуслуги", Category.PRINTING),
        ("сувенирная и\nканцелярская продукция", Category.SOUVENIRS),
        ("ТРАНСПОРТНЫЕ УСЛУГИ.", Category.TRANSPORT),
        ("Бронирование\xa0помещений", Category.ROOMS),
        ("бронирование помещений Университета", Category.ROOMS),
        ("Бронирование помещений школы", Category.ROOMS),
        ("услуги медиацентра", Category.MEDIA),
        ("Медиацентр", Category.MEDIA),
        ("сувенирная продукция", Category.SOUVENIRS),
        ("канцелярская продукция", Category.SOUVENIRS),
        ("Транспорт", Category.TRANSPORT),
        ("rooms", Category.ROOMS),
        (" MEDIA ", Category.MEDIA),
        ("Питание", None),
        ("бронирование", None),
        ("", None),
        ("   ", None),
    ],
)
def test_categories_are_read_as_people_write_them(text, category):
    assert rules.category_from_text(text) is category


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("Открыто", O),
        ("  на   РАССМОТРЕНИИ ", RV),
        ("в работе", W),
        ("Ожидание\xa0ответа  заявителя", WC),
        ("ОЖИДАНИЕ ОТВЕТА ОПЕРАТОРА", WO),
        ("исполнено", DN),
        ("\tОтказано\n", RF),
        ("закрыто", CL),
        ("in_work", W),
        ("WAIT_CLIENT", WC),
        ("Ожидание", None),
        ("Отклонено", None),
        ("", None),
    ],
)
def test_statuses_are_read_as_people_write_them(text, status):
    assert rules.status_from_text(text) is status


# -- refusals ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("client_late", [False, True])
@pytest.mark.parametrize("reason", list(RefusalReason))
def test_who_may_refuse_on_which_ground(reason, client_late):
    # Written out by hand from seed 002 §4.5.1 (the operator, any ground) and §4.3.3 (the agent, only when the client
    # has not answered the questions by their term).
    assert rules.refusal_problem(reason, OPERATOR, client_late=client_late) is None
    assert rules.refusal_problem(reason, BOTH, client_late=client_late) is None
    agent_may = reason is RefusalReason.NO_ANSWER and client_late
    agent = rules.refusal_problem(reason, AGENT, client_late=client_late)
    assert (agent is None) == agent_may
    if not agent_may:
        assert russian(agent)
    assert russian(rules.refusal_problem(reason, CLIENT, client_late=client_late))
    assert russian(rules.refusal_problem(reason, NOBODY, client_late=client_late))


def test_the_agent_is_told_when_the_client_may_still_answer():
    problem = rules.refusal_problem(RefusalReason.NO_ANSWER, AGENT, client_late=False)
    assert problem == "Заявитель ещё может ответить: его срок не прошёл."
    other = rules.refusal_problem(RefusalReason.INCOMPLETE, AGENT, client_late=True)
    assert other is not None and "4.3.3" in other


CLIENT_BY = d("06.05.2025")


@pytest.mark.parametrize(
    ("status", "late", "today", "reason"),
    [
        (O, True, "30.04.2025", RefusalReason.LATE),
        (RV, True, "30.04.2025", RefusalReason.LATE),
        (WC, True, "07.05.2025", RefusalReason.LATE),  # late wins over the missing answer
        (WC, False, "05.05.2025", None),
        (WC, False, "06.05.2025", None),  # the client's last day itself: they may still answer
        (WC, False, "07.05.2025", RefusalReason.NO_ANSWER),
        (WC, False, "12.05.2025", RefusalReason.NO_ANSWER),
        (O, False, "07.05.2025", None),
        (RV, False, "07.05.2025", None),
        (W, False, "07.05.2025", None),
        (WO, False, "07.05.2025", None),  # waiting for the operator, not for the client
        (DN, True, "07.05.2025", None),
        (RF, True, "07.05.2025", None),
        (CL, False, "07.05.2025", None),
    ],
)
def test_the_suggested_refusal(status, late, today, reason):
    suggestion = rules.suggested_refusal(status, late, CLIENT_BY, d(today))
    if reason is None:
        assert suggestion is None
    else:
        assert suggestion is not None and suggestion[0] is reason
        assert isinstance(suggestion[1], str)


def test_the_no_answer_suggestion_gives_the_clients_last_day():
    assert rules.suggested_refusal(WC, False, CLIENT_BY, d("07.05.2025")) == (
        RefusalReason.NO_ANSWER,
        "ответ нужен был не позднее 06.05.2025",
    )


# -- the next term and urgency -------------------------------------------------------------------------------------

# Info support for the event on Mon 12.05.2025, counted by hand above.
TERMS = Terms(
    event=d("12.05.2025"), submit_by=d("29.04.2025"), report_by=d("05.05.2025"), client_by=d("06.05.2025")
)


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (O, (TermKind.REPORT, "05.05.2025")),
        (RV, (TermKind.REPORT, "05.05.2025")),
        (WO, (TermKind.REPORT, "05.05.2025")),
        (WC, (TermKind.CLIENT, "06.05.2025")),
        (W, (TermKind.EVENT, "12.05.2025")),
        (DN, None),
        (RF, None),
        (CL, None),
    ],
)
def test_the_next_term(status, expected):
    got = rules.next_term(status, TERMS)
    assert got == (None if expected is None else (expected[0], d(expected[1])))


def test_a_question_from_the_client_about_arranged_work_waits_for_the_event_not_the_past_report_day():
    # The work was arranged («В работе») and the client then wrote: the operator answers, the event is what is next.
    assert rules.next_term(WO, TERMS, was_in_work=True) == (TermKind.EVENT, d("12.05.2025"))
    # Waiting for the client is always the client's own term.
    assert rules.next_term(WC, TERMS, was_in_work=True) == (TermKind.CLIENT, d("06.05.2025"))


@pytest.mark.parametrize(
    ("status", "late", "due", "today", "urgency"),
    [
        # Due Mon 17.11.2025. From Wed 12.11: 13.11, 14.11, 17.11 = 3 working days left.
        (RV, False, "17.11.2025", "12.11.2025", Urgency.ON_TRACK),
        # From Thu 13.11: 14.11, 17.11 = 2.
        (RV, False, "17.11.2025", "13.11.2025", Urgency.ON_TRACK),
        # From Fri 14.11, Sat 15.11, Sun 16.11: only 17.11 = 1, across the weekend.
        (RV, False, "17.11.2025", "14.11.2025", Urgency.ONE_DAY),
        (WC, False, "17.11.2025", "15.11.2025", Urgency.ONE_DAY),
        (WO, False, "17.11.2025", "16.11.2025", Urgency.ONE_DAY),
        (RV, False, "17.11.2025", "17.11.2025", Urgency.DUE_TODAY),
        # An event on Sun 16.11.2025 seen on Fri 14.11: no working day is left before it (15.11, 16.11 off).
        (W, False, "16.11.2025", "14.11.2025", Urgency.DUE_TODAY),
        (RV, False, "17.11.2025", "18.11.2025", Urgency.OVERDUE),
        # Due Mon 05.05.2025. From Wed 30.04: 01.05-04.05 off, so only 05.05 = 1.
        (RV, False, "05.05.2025", "30.04.2025", Urgency.ONE_DAY),
        # From Tue 29.04: 30.04, 05.05 = 2.
        (RV, False, "05.05.2025", "29.04.2025", Urgency.ON_TRACK),
        # Late and still «Открыто»: the operator decides, whatever the term.
        (O, True, "17.11.2025", "12.11.2025", Urgency.LATE),
        (O, True, "17.11.2025", "20.11.2025", Urgency.LATE),
        # Late but already taken on: the term counts as usual.
        (RV, True, "17.11.2025", "12.11.2025", Urgency.ON_TRACK),
        (W, True, "17.11.2025", "18.11.2025", Urgency.OVERDUE),
        # Finished, even if late or overdue.
        (DN, False, "17.11.2025", "18.11.2025", Urgency.FINISHED),
        (RF, True, "17.11.2025", "14.11.2025", Urgency.FINISHED),
        (CL, False, None, "14.11.2025", Urgency.FINISHED),
        # No term at all.
        (O, False, None, "14.11.2025", Urgency.ON_TRACK),
    ],
)
def test_urgency(status, late, due, today, urgency):
    assert rules.urgency(status, late, None if due is None else d(due), d(today), CAL) is urgency


def test_a_schools_working_saturday_leaves_two_days_before_a_monday_term():
    # From Fri 14.11.2025 with the school open on Sat 15.11: 15.11, 17.11 = 2 working days left.
    calendar = WorkCalendar(workdays=[d("15.11.2025")])
    assert rules.urgency(RV, False, d("17.11.2025"), d("14.11.2025"), calendar) is Urgency.ON_TRACK


# -- proposing an agent --------------------------------------------------------------------------------------------

NEEDED_FROM, NEEDED_TO = d("05.05.2025"), d("12.05.2025")


def agent(user_id, name, categories, open_tickets, *absences):
    return AgentInfo(
        user_id=user_id,
        name=name,
        categories=frozenset(categories),
        absences=tuple((d(a), d(b)) for a, b in absences),
        open_tickets=open_tickets,
    )


STAFF = [
    agent(1, "Иванова Мария Петровна", [Category.ROOMS], 1),
    # Away just before and just after the needed days: present on every one of them.
    agent(
        2,
        "Белова Ольга Игоревна",
        [Category.ROOMS, Category.MEDIA],
        1,
        ("28.04.2025", "04.05.2025"),
        ("13.05.2025", "15.05.2025"),
    ),
    # Away from the first needed day on, and away from the last needed day on.
    agent(3, "Петров Иван Сергеевич", [Category.ROOMS], 0, ("05.05.2025", "07.05.2025")),
    agent(4, "Сидорова Анна Викторовна", [Category.ROOMS], 0, ("12.05.2025", "16.05.2025")),
    agent(5, "Алексеев Павел Андреевич", [Category.INFO], 0),
    agent(6, "Громов Олег Ильич", [Category.ROOMS], 5),
    # Two absences: the later one is outside; the one-day absence inside is the one named.
    agent(
        7, "Волкова Елена", [Category.ROOMS], 2, ("20.05.2025", "25.05.2025"), ("08.05.2025", "08.05.2025")
    ),
    agent(8, "Дмитриев", [Category.MEDIA], 0, ("01.05.2025", "05.05.2025")),
]


def test_agents_are_proposed_best_first_with_the_reason_in_words():
    proposals = rules.propose_agents(list(reversed(STAFF)), Category.ROOMS, NEEDED_FROM, NEEDED_TO)
    assert [p.reason for p in proposals] == [
        # Suitable, by load, then by name (Белова before Иванова at 1 open ticket each).
        "Белова О. И.: бронирование помещений, 1 открытая заявка",
        "Иванова М. П.: бронирование помещений, 1 открытая заявка",
        "Громов О. И.: бронирование помещений, 5 открытых заявок",
        # Specialised but away on some needed day.
        "Петров И. С.: бронирование помещений, отсутствует 05.05–07.05, 0 открытых заявок",
        "Сидорова А. В.: бронирование помещений, отсутствует 12.05–16.05, 0 открытых заявок",
        "Волкова Е.: бронирование помещений, отсутствует 08.05, 2 открытые заявки",
        # Not specialised.
        "Алексеев П. А.: не по специализации, 0 открытых заявок",
        "Дмитриев: не по специализации, отсутствует 01.05–05.05, 0 открытых заявок",
    ]
    assert [p.agent.user_id for p in proposals] == [2, 1, 6, 3, 4, 7, 5, 8]
    assert [p.suitable for p in proposals] == [True, True, True, False, False, False, False, False]
    assert [p.fits for p in proposals] == [True] * 6 + [False] * 2
    by_id = {p.agent.user_id: p for p in proposals}
    assert by_id[2].absent is None
    assert by_id[3].absent == (d("05.05.2025"), d("07.05.2025"))
    assert by_id[4].absent == (d("12.05.2025"), d("16.05.2025"))
    assert by_id[7].absent == (d("08.05.2025"), d("08.05.2025"))
    best = rules.best_agent(proposals)
    assert best is not None and best.agent.name == "Белова Ольга Игоревна"


def test_the_category_decides_who_fits():
    proposals = rules.propose_agents(STAFF, Category.MEDIA, NEEDED_FROM, NEEDED_TO)
    assert [p.agent.user_id for p in proposals if p.suitable] == [2]
    assert proposals[1].reason == "Дмитриев: услуги медиацентра, отсутствует 01.05–05.05, 0 открытых заявок"


def test_an_absence_just_outside_the_needed_days_does_not_count():
    staff = [
        agent(
            1, "Орлова Нина", [Category.INFO], 0, ("01.05.2025", "04.05.2025"), ("13.05.2025", "13.05.2025")
        )
    ]
    (proposal,) = rules.propose_agents(staff, Category.INFO, NEEDED_FROM, NEEDED_TO)
    assert proposal.suitable and proposal.absent is None
    assert proposal.reason == "Орлова Н.: информационная поддержка, 0 открытых заявок"


def test_an_absence_covering_the_whole_needed_range_counts():
    staff = [agent(1, "Орлова Нина", [Category.INFO], 0, ("01.05.2025", "31.05.2025"))]
    (proposal,) = rules.propose_agents(staff, Category.INFO, NEEDED_FROM, NEEDED_TO)
    assert not proposal.suitable and proposal.absent == (d("01.05.2025"), d("31.05.2025"))


def test_nobody_suitable_means_no_proposal():
    staff = [STAFF[2], STAFF[3], STAFF[4]]  # away, away, not specialised
    proposals = rules.propose_agents(staff, Category.ROOMS, NEEDED_FROM, NEEDED_TO)
    assert len(proposals) == 3
    assert rules.best_agent(proposals) is None
    assert rules.best_agent([]) is None
    assert rules.propose_agents([], Category.ROOMS, NEEDED_FROM, NEEDED_TO) == []


def test_equal_names_are_ordered_by_id():
    staff = [agent(9, "Иванова Мария", [Category.ROOMS], 0), agent(4, "Иванова Мария", [Category.ROOMS], 0)]
    proposals = rules.propose_agents(staff, Category.ROOMS, NEEDED_FROM, NEEDED_TO)
    assert [p.agent.user_id for p in proposals] == [4, 9]


# Ties follow the Russian alphabet: «Ё» (U+0401) would sort before «А» (U+0410) as plain Python strings.
def test_ties_follow_the_russian_alphabet_with_yo():
    staff = [agent(1, "Ёлкина Ольга", [Category.ROOMS], 1), agent(2, "Абрамова Анна", [Category.ROOMS], 1)]
    proposals = rules.propose_agents(staff, Category.ROOMS, NEEDED_FROM, NEEDED_TO)
    assert [p.agent.name for p in proposals] == ["Абрамова Анна", "Ёлкина Ольга"]


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (0, "0 открытых заявок"),
        (1, "1 открытая заявка"),
        (2, "2 открытые заявки"),
        (4, "4 открытые заявки"),
        (5, "5 открытых заявок"),
        (11, "11 открытых заявок"),
        (12, "12 открытых заявок"),
        (14, "14 открытых заявок"),
        (21, "21 открытая заявка"),
        (22, "22 открытые заявки"),
        (111, "111 открытых заявок"),
    ],
)
def test_the_load_in_words(n, text):
    assert rules.load_text(n) == text
    (proposal,) = rules.propose_agents(
        [agent(1, "Иванова Мария Петровна", [Category.ROOMS], n)], Category.ROOMS, NEEDED_FROM, NEEDED_TO
    )
    assert proposal.reason == f"Иванова М. П.: бронирование помещений, {text}"


@pytest.mark.parametrize(
    ("full", "short"),
    [
        ("Иванова Мария Петровна", "Иванова М. П."),
        ("  Иванова   Мария  Петровна ", "Иванова М. П."),
        ("Сидорова Анна", "Сидорова А."),
        ("Дмитриев", "Дмитриев"),
    ],
)
def test_short_names(full, short):
    assert rules.short_name(full) == short


# -- the property: every term is the N-th working day before the event ---------------------------------------------


@settings(max_examples=300, deadline=None)
@given(
    event=st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2026, 12, 31)),
    category=st.sampled_from(list(Category)),
)
def test_every_term_is_the_nth_working_day_before_the_event(event, category):
    terms = rules.terms_for(category, event, CAL)
    assert terms.event == event
    assert terms.submit_by <= terms.report_by <= terms.client_by < event
    n = {
        Category.INFO: (5, 3, 2),
        Category.PRINTING: (5, 3, 2),
        Category.SOUVENIRS: (5, 3, 2),
        Category.TRANSPORT: (5, 3, 2),
        Category.ROOMS: (3, 2, 2),
        Category.MEDIA: (3, 2, 2),
    }[category]
    for term, days in zip((terms.submit_by, terms.report_by, terms.client_by), n, strict=True):
        assert CAL.is_working_day(term)
        between = CAL.working_days_in(term, event - dt.timedelta(days=1))  # working days in (term, event)
        assert len(between) == days - 1, (term, between)
