"""The period summary and the director's dashboard on SQLite and PostgreSQL, against one small held-out register built
through the services (appeals registered, escalated, forwarded, answered and repeated to a Department notice; tickets
moved through their statuses by the operator and the agents; support requests; families on paper and their weekly
printouts), whose every figure is counted by hand in the comments. Calendar: 2025 — 01.05–04.05 and 08.05–11.05 off.
Tyumen time (UTC+5)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from desktop.domain import support as sp
from desktop.domain.access import Actor, Role
from desktop.domain.appeals import Channel, Delivery, Level, Rubric
from desktop.domain.families import Appendix
from desktop.domain.reports import AnswerTimes, MonthShare, SupportOutcome
from desktop.domain.tickets import Category, RefusalReason, Status
from desktop.services.appeals import AppealInput
from desktop.services.errors import PermissionDenied
from desktop.services.files import FileIn
from desktop.services.registry import Services
from desktop.services.support import StpLetter, SupportInput
from desktop.services.tickets import TicketInput
from tests.conftest import FixedClock

YEKB = ZoneInfo("Asia/Yekaterinburg")
SMIRNOVA, VASILIEV = "Смирнова Ольга Павловна", "Васильев Игорь Николаевич"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


def local(text: str) -> dt.datetime:
    return dt.datetime.strptime(text, "%d.%m.%Y %H:%M").replace(tzinfo=YEKB).astimezone(dt.UTC)


def d(text: str) -> dt.date:
    return dt.datetime.strptime(text, "%d.%m.%Y").date()


def appeal(applicant: str, **fields: object) -> AppealInput:
    values: dict[str, object] = {"applicant": applicant, "rubric": Rubric.SCHOOL, "text": "Вопрос о расписании",
                                 "email": "parent@example.ru", "channel": Channel.IN_PERSON}  # fmt: skip
    values.update(fields)
    return AppealInput(**values)  # type: ignore[arg-type]


def ticket(category: Category, event: str, description: str = "Актовый зал для концерта") -> TicketInput:
    return TicketInput(client_name="Иванов Пётр Сергеевич", category=category, event_date=d(event),
                       description=description, client_group="10А", client_contact="+7 912 000-00-01")  # fmt: skip


def intake(name: str, born: str) -> SupportInput:
    return SupportInput(full_name=name, birth_date=d(born), gosuslugi_email="user@mail.ru", role=sp.UserRole.STUDENT,
                        class_name="6А", brought_by=SMIRNOVA, description="Не видит оценки в дневнике",
                        files=(FileIn("Скриншот.png", PNG),))  # fmt: skip


LETTER = StpLetter(subject="Не отображаются оценки", problem="Обучающийся не видит оценки",
                   action="Вход через Госуслуги, раздел «Дневник»", files=())  # fmt: skip


def person(services: Services, role: Role, login: str, name: str = "") -> Services:
    user = services.users.add(login, name or "Сотрудникова Анна Петровна", [role], "Пароль-2026", must_change=False)
    return services.as_actor(Actor.user(user.id, user.login, user.full_name, [role]))


@pytest.fixture
def school(services: Services, clock: FixedClock) -> Services:
    services.settings.update(
        {
            "timezone": "Asia/Yekaterinburg",
            "school_name": "МАОУ «Средняя общеобразовательная школа № 1»",
            "school_short_name": "МАОУ «СОШ № 1»",
            "support_territory": "Тюменская область",
            "stp_email": "support@epos-test.ru",
        }
    )
    clock.now = local("30.04.2025 10:00")
    return services


def weekly(services: Services, student_id: int, monday: str) -> int:
    rows = [p for p in services.grades.printouts(week_of=d(monday)) if p.kind == "weekly" and p.student_id == student_id]
    assert len(rows) == 1
    return rows[0].id


# -- the held-out register: May 2025 ----------------------------------------------------------------------------------


@pytest.fixture
def register(school: Services, clock: FixedClock) -> dict[str, str]:
    s = school
    numbers: dict[str, str] = {}

    # Appeals. P0 on 30.04 (the day before the period) and P1 on 02.06 (after it) are never counted.
    numbers["P0"] = s.appeals.register(appeal("Орлова Анна", channel=Channel.POST)).number
    clock.now = local("05.05.2025 10:00")  # Monday; the deputy's 3 working days: 06.05, 07.05, 12.05
    b1 = s.appeals.register(appeal("Белов Игорь", channel=Channel.EMAIL))
    b2 = s.appeals.register(appeal("Громова Вера"))
    b3 = s.appeals.register(appeal("Дроздов Олег", channel=Channel.SITE))
    b4 = s.appeals.register(appeal("Ершова Нина", rubric=Rubric.TECHNICAL, channel=Channel.EMAIL))
    numbers["B3"] = b3.number
    clock.now = local("06.05.2025 10:00")
    s.appeals.answer(b1.id, "Ответ заместителя", Delivery.EMAIL)  # B1: the deputy, on time
    s.appeals.forward_to_sui(b3.id, "Вопрос о портале госуслуг")  # B3: to the СУИ, 30 days: due 05.06
    clock.now = local("12.05.2025 10:00")
    b5 = s.appeals.register(appeal("Жукова Ольга", channel=Channel.POST))  # due 15.05; nobody ever answers
    # B2: the deputy's term ended at 24:00 12.05; the director's 2 working days: 13.05, 14.05.
    s.appeals.sweep(local("13.05.2025 01:00"))
    clock.now = local("14.05.2025 09:00")
    s.appeals.answer(b2.id, "Ответ директора", Delivery.IN_PERSON)  # B2: the director, on time
    # R0 and its five repeats, each answered by the deputy: the 5th repeat notifies the Department.
    current = s.appeals.register(appeal("Зуева Мария"))
    for n in range(1, 6):
        clock.advance(minutes=10)
        s.appeals.answer(current.id, f"Ответ {n}", Delivery.IN_PERSON)
        clock.advance(minutes=10)
        current = s.appeals.repeat(current.id, f"Не устроил ответ, {n}-й раз")
    assert current.row.repeat_no == 5 and current.row.notice
    clock.now = local("15.05.2025 10:00")
    s.appeals.answer(current.id, "Ответ на пятый повтор", Delivery.IN_PERSON)
    clock.now = local("20.05.2025 10:00")
    s.appeals.answer(b3.id, "Ответ СУИ", Delivery.EMAIL)  # B3: the СУИ, on time
    clock.now = local("02.06.2025 09:00")
    numbers["P1"] = s.appeals.register(appeal("Иванова Ирина")).number
    assert b4.row.level is Level.SUI and b5.row.level is Level.DEPUTY

    # Tickets. Rooms: submit 3 / report 2 working days before the event; printing: 5 / 3.
    operator = person(s, Role.OPERATOR, "operator")
    smirnova = person(s, Role.AGENT, "agent", SMIRNOVA)
    vasiliev = person(s, Role.AGENT, "agent2", VASILIEV)
    sm_id, va_id = smirnova.ctx.actor.user_id, vasiliev.ctx.actor.user_id
    assert sm_id is not None and va_id is not None
    clock.now = local("30.04.2025 11:00")
    operator.tickets.create(ticket(Category.ROOMS, "20.05.2025"))  # K0: the day before the period
    clock.now = local("05.05.2025 11:00")
    # K1: event Tue 20.05: submit by 15.05 (19, 16, 15), report by 16.05 (19, 16). In work 06.05, done: on time.
    k1 = operator.tickets.create(ticket(Category.ROOMS, "20.05.2025")).id
    operator.tickets.assign(k1, sm_id)
    operator.tickets.set_status(k1, Status.REVIEW)
    clock.now = local("06.05.2025 11:00")
    smirnova.tickets.set_status(k1, Status.IN_WORK)
    clock.now = local("12.05.2025 11:00")
    # K3: rooms, event Tue 27.05: submit by 22.05, report by 23.05 (26, 23); reviewed, never taken in work: missed.
    k3 = operator.tickets.create(ticket(Category.ROOMS, "27.05.2025", "Кабинет для репетиции")).id
    operator.tickets.assign(k3, va_id)
    operator.tickets.set_status(k3, Status.REVIEW)
    # K4: refused before any work: no handling term.
    k4 = operator.tickets.create(ticket(Category.ROOMS, "27.05.2025", "Спортзал")).id
    clock.now = local("13.05.2025 11:00")
    operator.tickets.refuse(k4, RefusalReason.INCOMPLETE, "Не указано время")
    # K5: printing, event Fri 30.05: submit by 23.05 (29, 28, 27, 26, 23), report by 27.05 (29, 28, 27);
    # in work 26.05: on time; then closed by the operator.
    k5 = operator.tickets.create(ticket(Category.PRINTING, "30.05.2025", "Печать афиш")).id
    operator.tickets.assign(k5, va_id)
    operator.tickets.set_status(k5, Status.REVIEW)
    clock.now = local("14.05.2025 11:00")
    # K2: printing, event Tue 20.05: submit by 13.05 (19, 16, 15, 14, 13): late; report by 15.05 (19, 16, 15);
    # taken in work 16.05: late.
    k2 = operator.tickets.create(ticket(Category.PRINTING, "20.05.2025", "Печать грамот")).id
    assert operator.tickets.card(k2).row.late
    operator.tickets.assign(k2, sm_id)
    operator.tickets.set_status(k2, Status.REVIEW)
    clock.now = local("16.05.2025 11:00")
    smirnova.tickets.set_status(k2, Status.IN_WORK)
    clock.now = local("20.05.2025 18:00")
    operator.tickets.set_status(k1, Status.DONE)
    clock.now = local("26.05.2025 11:00")
    vasiliev.tickets.set_status(k5, Status.IN_WORK)
    clock.now = local("28.05.2025 11:00")
    operator.tickets.set_status(k5, Status.CLOSED, note="Афиши не понадобились")
    # K6: rooms, event Tue 10.06: report by 06.06 (09.06, 06.06): still within its term on 02.06.
    operator.tickets.create(ticket(Category.ROOMS, "10.06.2025", "Зал для выпускного"))

    # Support requests.
    admin = person(s, Role.EPOS_ADMIN, "admin", "Широких Елена Александровна")
    clock.now = local("30.04.2025 12:00")
    admin.support.create(intake("Артемьев Антон", "01.02.2013"))  # S0: before the period
    clock.now = local("05.05.2025 10:00")
    s1 = admin.support.create(intake("Борисова Бэлла", "02.03.2013")).id
    admin.support.correct(s1)  # takes effect on 06.05 at 14:00
    s2 = admin.support.create(intake("Власов Виктор", "03.04.2013")).id
    admin.support.send_to_stp(s2, LETTER)
    clock.now = local("07.05.2025 10:00")
    admin.support.check(s1, solved=True)  # S1: solved at school
    admin.support.check(s2, solved=True)  # S2: solved after СТП
    clock.now = local("12.05.2025 10:00")
    s3 = admin.support.create(intake("Галкина Галина", "04.05.2013")).id
    admin.support.close(s3, "Дубликат запроса")  # S3: closed
    clock.now = local("13.05.2025 10:00")
    s4 = admin.support.create(intake("Давыдов Денис", "05.06.2013")).id
    admin.support.send_to_stp(s4, LETTER)  # S4: open at СТП

    # Families on paper: X since 28.04, Y since 14.05. Weekly reports are due on the week's last working day:
    # week 28.04 → 30.04 (April: not in the period), 05.05 → 07.05, 12.05 → 16.05, 19.05 → 23.05, 26.05 → 30.05.
    x = s.families.add_student("Хохлов Харитон", d("01.03.2015"), "5А")
    y = s.families.add_student("Юдина Юлия", d("02.06.2015"), "5А")
    s.families.add_student("Яковлев Ян", d("03.07.2015"), "5А")  # not on paper
    s.families.register_optout(x, Appendix.NOT_PROVIDE, d("28.04.2025"))
    clock.now = local("30.04.2025 15:00")
    s.grades.record_printed([x], d("28.04.2025"))
    s.grades.hand_over(weekly(s, x, "28.04.2025"), "Хохлова Ирина")  # due 30.04: before the period
    clock.now = local("07.05.2025 15:00")
    s.grades.record_printed([x], d("05.05.2025"))
    s.grades.hand_over(weekly(s, x, "05.05.2025"), "Хохлова Ирина")  # X, due 07.05: on time
    clock.now = local("14.05.2025 15:00")
    s.families.register_optout(y, Appendix.CANCEL, d("14.05.2025"))
    clock.now = local("15.05.2025 15:00")
    s.grades.record_printed([x, y], d("12.05.2025"))
    s.grades.hand_over(weekly(s, y, "12.05.2025"), "Юдин Юрий")  # Y, due 16.05: on time
    clock.now = local("19.05.2025 15:00")
    s.grades.hand_over(weekly(s, x, "12.05.2025"), "Хохлова Ирина")  # X, due 16.05: late
    clock.now = local("23.05.2025 15:00")
    s.grades.record_printed([x, y], d("19.05.2025"))
    s.grades.hand_over(weekly(s, y, "19.05.2025"), "Юдин Юрий")  # Y, due 23.05: on time; X's never handed
    # Week 26.05 (due 30.05): nothing printed for either: two reports not handed.

    clock.now = local("02.06.2025 10:00")  # Monday: the summary is made
    return numbers


def test_the_summary_of_the_held_out_register(school: Services, register: dict[str, str]):
    s = school.reports.summary(d("01.05.2025"), d("31.05.2025"))
    a = s.appeals
    # B1–B5 and R0–R5: 11; P0 (30.04) and P1 (02.06) are outside.
    assert a.total == 11
    assert a.by_rubric == {Rubric.SCHOOL: 10, Rubric.TECHNICAL: 1}
    # In person: B2, R0–R5 (repeats keep the channel) = 7; e-mail: B1, B4; site: B3; post: B5.
    assert a.by_channel == {Channel.IN_PERSON: 7, Channel.EMAIL: 2, Channel.SITE: 1, Channel.POST: 1}
    assert a.by_answer_level == {Level.DEPUTY: 7, Level.DIRECTOR: 1, Level.SUI: 1}  # B1+R0–R5; B2; B3
    assert (a.finished, a.still_open, a.forwarded, a.on_time) == (9, 2, 1, 8)  # B2 passed a missed term
    assert (a.repeats, a.notices) == (5, 1)
    levels = {lv.level: (lv.reached, lv.on_time, lv.late, lv.escalated, lv.open_in_term, lv.open_overdue)
              for lv in a.levels}  # fmt: skip
    assert levels == {
        # B1, B2, B3, B5, R0–R5 = 10: on time B1, B3 (forwarded), R0–R5 = 8; escalated B2, B5.
        Level.DEPUTY: (10, 8, 0, 2, 0, 0),
        # B2 on time; B5, never swept, really passed the director at 24:00 19.05 (16.05, 19.05).
        Level.DIRECTOR: (2, 1, 0, 1, 0, 0),
        Level.MUNICIPAL: (1, 0, 0, 1, 0, 0),  # B5: 20, 21, 22.05, then the Department
        Level.DEPARTMENT: (1, 0, 0, 0, 1, 0),
        Level.SUI: (2, 1, 0, 0, 1, 0),  # B3 on time; B4 due 04.06
    }
    shares = {lv.level: lv.share_on_time for lv in a.levels}
    assert shares == {Level.DEPUTY: 0.8, Level.DIRECTOR: 0.5, Level.MUNICIPAL: 0.0, Level.DEPARTMENT: None,
                      Level.SUI: 1.0}  # fmt: skip
    # Working days to the answer: B1 (05.05→06.05) 1; B2 (→14.05: 06, 07, 12, 13, 14) 5; B3 (→20.05: 06, 07, 12–16,
    # 19, 20) 9; R0–R4 on 14.05: 0; R5 (14.05→15.05) 1. 16 over 9; the longest B3.
    assert a.times == AnswerTimes(9, 16 / 9, 9, register["B3"])
    assert a.months == (MonthShare(d("01.05.2025"), 9, 8),)

    t = s.tickets
    assert t.total == 6  # K1–K6; K0 (30.04) is outside
    assert t.by_category == {Category.ROOMS: 4, Category.PRINTING: 2}
    assert t.by_status == {Status.DONE: 1, Status.IN_WORK: 1, Status.REVIEW: 1, Status.REFUSED: 1,
                           Status.CLOSED: 1, Status.OPEN: 1}  # fmt: skip
    assert t.submitted_on_time == 5  # K2 late
    assert (t.handled, t.handled_on_time) == (4, 2)  # K1, K2, K3, K5; K1, K5 on time
    assert [(g.agent, g.total, g.done, g.handled, g.handled_on_time) for g in t.agents] == [
        (VASILIEV, 2, 1, 2, 1),  # K3 missed, K5 on time and closed after the work
        (SMIRNOVA, 2, 1, 2, 1),  # K1 on time and done, K2 late
    ]

    sup = s.support
    assert (sup.total, sup.sent_to_stp) == (4, 2)  # S0 (30.04) is outside
    assert sup.by_outcome == {
        SupportOutcome.SOLVED_AT_SCHOOL: 1,
        SupportOutcome.SOLVED_AFTER_STP: 1,
        SupportOutcome.CLOSED: 1,
        SupportOutcome.OPEN_AT_STP: 1,
    }

    p = s.paper
    # X: 07.05 on time, 16.05 late, 23.05 printed not handed, 30.05 nothing; Y (from 14.05): 16.05 on time, 23.05 on
    # time, 30.05 nothing. 7 reports: 3 on time, 1 late, 3 not handed.
    assert (p.families_on_paper, p.reports, p.handed_on_time, p.handed_late, p.not_handed) == (2, 7, 3, 1, 3)
    assert not s.empty and s.school == "МАОУ «СОШ № 1»"


def test_the_period_boundaries(school: Services, register: dict[str, str]):
    # Only 30.04: P0, K0, S0, and X's report due 30.04 (handed that day).
    day = school.reports.summary(d("30.04.2025"), d("30.04.2025"))
    assert (day.appeals.total, day.tickets.total, day.support.total) == (1, 1, 1)
    assert (day.paper.reports, day.paper.handed_on_time) == (1, 1)
    # 05.05 alone: B1–B4, K1, S1, S2; no weekly report falls due.
    monday = school.reports.summary(d("05.05.2025"), d("05.05.2025"))
    assert (monday.appeals.total, monday.tickets.total, monday.support.total, monday.paper.reports) == (4, 1, 2, 0)
    # A period with nothing in it: zeros, not an error.
    empty = school.reports.summary(d("01.03.2025"), d("31.03.2025"))
    assert empty.empty and empty.appeals.total == 0 and empty.paper.reports == 0
    # No bounds: everything, P1 (registered today) included.
    assert school.reports.summary().appeals.total == 13


def test_the_summary_is_for_the_director_the_deputy_and_the_secretary(school: Services):
    for role in (Role.DIRECTOR, Role.DEPUTY, Role.SECRETARY):
        assert person(school, role, f"may{role.value}").reports.summary().empty
    for role in (Role.OPERATOR, Role.AGENT, Role.CLASS_TEACHER, Role.EPOS_ADMIN):
        with pytest.raises(PermissionDenied):
            person(school, role, f"not{role.value}").reports.summary()


# -- the dashboard ---------------------------------------------------------------------------------------------------


def test_the_dashboard_on_a_known_day(school: Services, clock: FixedClock):
    s = school
    clock.now = local("03.03.2025 10:00")
    d6 = s.appeals.register(appeal("Лебедева Лада"))
    clock.now = local("04.03.2025 10:00")
    s.appeals.answer(d6.id, "Ответ", Delivery.IN_PERSON)  # March: 1 finished, on time
    clock.now = local("14.04.2025 10:00")
    s.appeals.register(appeal("Мухина Мила"))  # never answered, never swept: at the Department since 25.04
    clock.now = local("02.05.2025 10:00")
    # A technical question: 30 calendar days end Sun 01.06 → Mon 02.06: due today.
    s.appeals.register(appeal("Нестеров Нил", rubric=Rubric.TECHNICAL, channel=Channel.EMAIL))
    clock.now = local("26.05.2025 10:00")
    s.appeals.register(appeal("Осипова Ольга"))  # deputy 27, 28, 29.05; director 30.05, 02.06: due today
    clock.now = local("27.05.2025 10:00")
    s.appeals.register(appeal("Панов Павел"))  # deputy 28, 29, 30.05; director 02.06, 03.06
    clock.now = local("02.06.2025 09:00")
    s.appeals.register(appeal("Рябова Рита"))  # deputy until 05.06

    operator = person(s, Role.OPERATOR, "operator")
    clock.now = local("26.05.2025 11:00")
    # Rooms, event Mon 02.06: report by 29.05 (30.05, 29.05): overdue on 02.06.
    operator.tickets.create(ticket(Category.ROOMS, "02.06.2025"))
    # Rooms, event Thu 05.06: report by 03.06 (04.06, 03.06): not yet.
    operator.tickets.create(ticket(Category.ROOMS, "05.06.2025", "Кабинет"))
    # Refused: finished, never overdue.
    refused = operator.tickets.create(ticket(Category.ROOMS, "02.06.2025", "Спортзал")).id
    operator.tickets.refuse(refused, RefusalReason.INCOMPLETE)

    f1 = s.families.add_student("Фомин Фёдор", d("01.03.2015"), "5А")
    f2 = s.families.add_student("Фролова Фаина", d("02.03.2015"), "5А")
    f3 = s.families.add_student("Филиппов Филипп", d("03.03.2015"), "5А")
    for sid in (f1, f2, f3):
        s.families.register_optout(sid, Appendix.NOT_PROVIDE, d("19.05.2025"))
    s.families.student_left(f3, d("30.05.2025"))  # left: no longer on paper
    clock.now = local("02.06.2025 09:30")
    s.grades.record_printed([f1], d("02.06.2025"))
    s.grades.hand_over(weekly(s, f1, "02.06.2025"), "Фомина Фаина")

    clock.now = local("02.06.2025 10:00")
    board = s.reports.dashboard()
    assert board.today == d("02.06.2025")
    assert (board.at_director, board.left_school, board.due_today) == (2, 1, 2)
    assert board.overdue_tickets == 1
    assert (board.paper_families, board.without_report) == (2, 1)  # F2 has not had this week's report
    # Twelve months, July 2024 to June 2025, the empty ones present with zeros.
    assert [m.month for m in board.months] == [d(f"01.{m:02d}.2024") for m in range(7, 13)] + [
        d(f"01.{m:02d}.2025") for m in range(1, 7)
    ]
    assert [(m.finished, m.on_time) for m in board.months] == [(0, 0)] * 8 + [(1, 1)] + [(0, 0)] * 3
    assert board.months[8].share == 1.0 and board.months[0].share is None
