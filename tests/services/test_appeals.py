"""Appeals at the service level, on SQLite and PostgreSQL: numbers without gaps, the sweep writing true history once
(also when two run at once), answering at the right level, «Вне компетенции», repeats and the Department notice,
the queue's filters and sorting, and the card's timeline."""

from __future__ import annotations

import datetime as dt
import threading
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, update

from desktop.domain.access import Actor, Role
from desktop.domain.appeals import Delivery, Level, Rubric, Status, Urgency
from desktop.services.appeals import AppealFilter, AppealInput, ConflictError, SortKey, StepKind
from desktop.services.errors import ServiceError, ValidationError
from desktop.services.files import FileIn
from desktop.services.registry import Services, open_services
from desktop.store.models import Appeal, AppealStep, Blob, Event, NumberCounter
from tests.conftest import FixedClock

YEKB = ZoneInfo("Asia/Yekaterinburg")


def local(text: str) -> dt.datetime:
    """«ДД.ММ.ГГГГ ЧЧ:ММ» in Tyumen's time zone as a UTC moment."""
    return dt.datetime.strptime(text, "%d.%m.%Y %H:%M").replace(tzinfo=YEKB).astimezone(dt.UTC)


def d(text: str) -> dt.date:
    return dt.datetime.strptime(text, "%d.%m.%Y").date()


def appeal(text: str = "Когда будет родительское собрание?", **fields: object) -> AppealInput:
    values: dict[str, object] = {"applicant": "Кузнецова Мария Петровна", "rubric": Rubric.SCHOOL, "text": text}
    values.update(fields)
    return AppealInput(**values)  # type: ignore[arg-type]


@pytest.fixture
def school(services: Services, clock: FixedClock) -> Services:
    services.settings.set("timezone", "Asia/Yekaterinburg")
    clock.now = local("30.04.2025 10:00")
    return services


def person(services: Services, role: Role, login: str | None = None) -> Services:
    login = login or role.value
    user = services.users.add(login, f"Сотрудник {login}", [role], "Пароль-2026", must_change=False)
    return services.as_actor(Actor.user(user.id, user.login, user.full_name, [role]))


def steps(services: Services, appeal_id: int) -> list[tuple[str, str, dt.datetime]]:
    with services.ctx.transaction() as session:
        return [
            (s.kind, s.level, s.at)
            for s in session.scalars(select(AppealStep).where(AppealStep.appeal_id == appeal_id).order_by(AppealStep.id))
        ]


# -- registering ----------------------------------------------------------------------------------------------


def test_numbers_run_without_gaps_in_each_year_and_a_refused_registration_takes_none(school: Services, clock):
    first = school.appeals.register(appeal())
    with pytest.raises(ValidationError) as info:
        school.appeals.register(appeal("я" * 501))
    assert "501" in info.value.fields["text"]
    second = school.appeals.register(appeal(applicant="Смирнов Олег Игоревич"))
    clock.now = local("01.01.2026 10:00")
    next_year = school.appeals.register(appeal())
    assert [first.number, second.number, next_year.number] == ["О-2025/0001", "О-2025/0002", "О-2026/0001"]
    assert school.appeals.count() == 3


def test_a_new_appeal_waits_for_the_deputy_director_three_working_days(school: Services):
    card = school.appeals.register(appeal(channel=None, child_name="Кузнецов Петя", child_class="5Б"))
    assert (card.row.level, card.row.status, card.row.due_date) == (Level.DEPUTY, Status.OPEN, d("07.05.2025"))
    assert (card.row.time_left, card.row.urgency) == ("3 р.д.", Urgency.ON_TRACK)
    assert (card.child_name, card.child_class) == ("Кузнецов Петя", "5Б")
    assert card.timeline[0].detail == "Срок — 07.05.2025: 3 р.д. от 30.04.2025: 05.05, 06.05, 07.05; 01.05-04.05 нерабочие"


def test_the_form_is_checked_field_by_field(school: Services):
    problems = school.appeals.check_input(
        AppealInput(applicant=" ", rubric=Rubric.TECHNICAL, text="", email="mail.ru")
    )
    assert set(problems) == {"applicant", "email", "text"}
    assert school.appeals.check_input(appeal()) == {}


def test_an_attached_file_is_kept_once_by_its_content_and_the_limit_is_a_setting(school: Services):
    scan = FileIn("C:\\Сканы\\заявление.pdf", b"%PDF-1.4 scan" * 100)
    a = school.appeals.register(appeal(attachment=scan))
    b = school.appeals.register(appeal(attachment=FileIn("копия.pdf", scan.data)))
    assert a.attachment is not None and a.attachment.name == "заявление.pdf"
    assert school.appeals.attachment(b.attachment.id) == ("копия.pdf", scan.data)  # type: ignore[union-attr]
    with school.ctx.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Blob)) == 1
    school.settings.set("appeal_attachment_mib", "1")
    with pytest.raises(ValidationError) as info:
        school.appeals.register(appeal(attachment=FileIn("фото.jpg", b"x" * (1024 * 1024 + 1))))
    assert "фото.jpg" in info.value.fields["attachment"]
    assert school.appeals.count() == 2


def test_two_people_registering_at_once_get_distinct_numbers_without_gaps(school: Services, clock):
    others = [open_services(school.location, actor=Actor.bootstrap(f"Секретарь {i}"), clock=clock) for i in range(2)]
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def work(services: Services) -> None:
        try:
            barrier.wait()
            for _ in range(25):
                services.appeals.register(appeal())
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(s,)) for s in others]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for s in others:
        s.close()
    assert errors == []
    numbers = sorted(row.number for row in school.appeals.page(limit=100))
    assert numbers == [f"О-2025/{i:04d}" for i in range(1, 51)]
    with school.ctx.transaction() as session:
        assert session.scalar(select(NumberCounter.last)) == 50


# -- the sweep --------------------------------------------------------------------------------------------------


def test_the_sweep_escalates_at_the_due_moment_and_writes_it_then(school: Services):
    card = school.appeals.register(appeal())
    assert school.appeals.sweep(local("07.05.2025 23:59")).escalated == 0
    result = school.appeals.sweep(local("08.05.2025 00:00"))
    assert (result.escalated, result.by_level) == (1, {Level.DIRECTOR: 1})
    row = school.appeals.card(card.id).row
    assert (row.level, row.due_date, row.escalated) == (Level.DIRECTOR, d("13.05.2025"), True)
    assert steps(school, card.id)[-1] == ("escalated", "director", local("08.05.2025 00:00"))


def test_a_late_sweep_writes_the_true_history_once(school: Services):
    card = school.appeals.register(appeal())
    first = school.appeals.sweep(local("02.06.2025 08:00"))  # the office PC was off for weeks
    again = school.appeals.sweep(local("02.06.2025 08:00"))
    assert (first.escalated, first.steps, again.escalated) == (1, 3, 0)
    assert steps(school, card.id) == [
        ("registered", "deputy", local("30.04.2025 10:00")),
        ("escalated", "director", local("08.05.2025 00:00")),
        ("escalated", "municipal", local("14.05.2025 00:00")),
        ("escalated", "department", local("17.05.2025 00:00")),
    ]
    row = school.appeals.card(card.id).row
    assert (row.level, row.due_date, row.urgency, row.time_left) == (Level.DEPARTMENT, None, Urgency.LEFT_SCHOOL, "—")
    with school.ctx.transaction() as session:
        events = session.scalars(select(Event).where(Event.action == "escalate")).all()
    assert len(events) == 1 and events[0].actor == school.actor.name


def test_two_sweeps_at_once_record_each_escalation_once(school: Services, clock):
    for i in range(40):
        clock.now = local("30.04.2025 10:00") + dt.timedelta(minutes=i)
        school.appeals.register(appeal())
    sweepers = [open_services(school.location, actor=Actor.system(), clock=clock) for _ in range(2)]
    barrier = threading.Barrier(2)
    results: list[object] = []

    def work(services: Services) -> None:
        barrier.wait()
        try:
            results.append(services.appeals.sweep(local("15.05.2025 12:00")))
        except BaseException as exc:  # noqa: BLE001 - reported below
            results.append(exc)

    threads = [threading.Thread(target=work, args=(s,)) for s in sweepers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for s in sweepers:
        s.close()
    assert not [r for r in results if isinstance(r, BaseException)], results
    assert sum(r.escalated for r in results) == 40  # type: ignore[attr-defined]
    with school.ctx.transaction() as session:
        escalations = session.execute(
            select(AppealStep.appeal_id, AppealStep.level).where(AppealStep.kind == StepKind.ESCALATED.value)
        ).all()
    assert len(escalations) == len(set(escalations)) == 80  # director and municipal, once each


def test_an_answered_appeal_never_escalates(school: Services, clock):
    card = school.appeals.register(appeal())
    clock.now = local("07.05.2025 23:00")
    school.appeals.answer(card.id, "Собрание 15 мая в 18:00.", Delivery.EMAIL)
    assert school.appeals.sweep(local("01.07.2025 00:00")).escalated == 0
    row = school.appeals.card(card.id).row
    assert (row.status, row.level, row.urgency) == (Status.ANSWERED, Level.DEPUTY, Urgency.ANSWERED)


# -- answering ----------------------------------------------------------------------------------------------------


def test_whoever_answers_after_the_due_moment_answers_at_the_next_level(school: Services, clock):
    card = school.appeals.register(appeal())
    deputy = person(school, Role.DEPUTY)
    director = person(school, Role.DIRECTOR)
    clock.now = local("08.05.2025 09:00")  # no sweep has run yet
    with pytest.raises(ServiceError, match="директор"):
        deputy.appeals.answer(card.id, "Ответ", Delivery.IN_PERSON)
    answered = director.appeals.answer(card.id, "Ответ директора", Delivery.POST)
    assert (answered.row.level, answered.row.status, answered.answer_delivery) == (
        Level.DIRECTOR,
        Status.ANSWERED,
        Delivery.POST,
    )
    kinds = [e.kind for e in answered.timeline]
    assert kinds == [StepKind.REGISTERED, StepKind.ESCALATED, StepKind.ANSWERED]
    assert answered.timeline[-1].detail.startswith("в срок")
    with pytest.raises(ServiceError, match="уже дан ответ"):
        director.appeals.answer(card.id, "Ещё раз", Delivery.POST)


def test_a_save_over_somebody_elses_change_is_refused(school: Services):
    card = school.appeals.register(appeal())
    school.appeals.forward_to_sui(card.id, "Вопрос о портале госуслуг", version=card.row.version)
    with pytest.raises(ConflictError, match="изменено другим пользователем"):
        school.appeals.answer(card.id, "Ответ", Delivery.EMAIL, version=card.row.version)


def test_out_of_competence_goes_to_the_sui_with_thirty_calendar_days(school: Services, clock):
    card = school.appeals.register(appeal(email="maria@example.ru"))
    clock.now = local("01.04.2025 10:00") + dt.timedelta(days=29)  # 30.04.2025
    moved = school.appeals.forward_to_sui(card.id, "Вопрос о работе портала госуслуг")
    assert (moved.row.level, moved.row.status, moved.row.due_date) == (Level.SUI, Status.SUI, d("30.05.2025"))
    assert school.appeals.sweep(local("01.07.2025 00:00")).escalated == 0
    with pytest.raises(ValidationError):
        school.appeals.answer(card.id, "Ответ", Delivery.POST)  # the СУИ answers by e-mail
    done = school.appeals.answer(card.id, "Ответ СУИ", Delivery.EMAIL)
    assert done.row.status is Status.ANSWERED


def test_a_technical_question_needs_an_email_and_waits_at_the_sui(school: Services):
    with pytest.raises(ValidationError) as info:
        school.appeals.register(appeal(rubric=Rubric.TECHNICAL))
    assert "e-mail" in info.value.fields["email"]
    card = school.appeals.register(appeal(rubric=Rubric.TECHNICAL, email="maria@example.ru"))
    assert (card.row.level, card.row.status, card.row.due_date) == (Level.SUI, Status.SUI, d("30.05.2025"))


def test_an_appeal_that_has_left_the_school_cannot_be_sent_to_the_sui(school: Services):
    card = school.appeals.register(appeal())
    school.appeals.sweep(local("20.05.2025 00:00"))
    with pytest.raises(ServiceError, match="передать его в СУИ может только школа"):
        school.appeals.forward_to_sui(card.id, "Не к школе")


# -- repeats ---------------------------------------------------------------------------------------------------


def test_only_an_answered_appeal_can_be_repeated(school: Services):
    card = school.appeals.register(appeal())
    with pytest.raises(ServiceError, match="только после ответа"):
        school.appeals.repeat(card.id, "Не устроил ответ")


def test_the_fifth_repeat_and_later_ones_notify_the_department(school: Services, clock):
    current = school.appeals.register(appeal())
    for n in range(1, 7):
        clock.advance(days=1)
        school.appeals.answer(current.id, f"Ответ {n}", Delivery.IN_PERSON)
        clock.advance(hours=1)
        current = school.appeals.repeat(current.id, f"Повторно, {n}-й раз")
        assert current.row.repeat_no == n
        assert current.row.notice is (n >= 5)
        assert current.row.level is Level.DEPUTY and current.row.status is Status.OPEN  # the chain starts again
    assert [t.repeat_no for t in current.thread] == [0, 1, 2, 3, 4, 5, 6]
    assert current.parent_number == current.thread[-2].number
    notices = school.appeals.page(AppealFilter(notices=True))
    assert [r.repeat_no for r in notices] == [5, 6]
    assert school.appeals.director_summary().notices == 2
    assert current.timeline[-1].kind is StepKind.NOTICE


# -- the queue -----------------------------------------------------------------------------------------------------


@pytest.fixture
def queue(school: Services, clock: FixedClock) -> dict[str, int]:
    """Appeals in every state, looked at on 13.05.2025 (Tuesday)."""
    ids: dict[str, int] = {}
    clock.now = local("25.04.2025 10:00")
    ids["department"] = school.appeals.register(appeal("Старое обращение", applicant="Орлова Анна")).id
    clock.now = local("30.04.2025 10:00")
    ids["director"] = school.appeals.register(appeal("О питании", applicant="Белов Игорь")).id
    clock.now = local("06.05.2025 11:00")
    ids["today"] = school.appeals.register(appeal("ИВАНОВ спрашивает о форме", applicant="Иванов Пётр")).id
    clock.now = local("07.05.2025 11:00")
    ids["answered"] = school.appeals.register(appeal("О кружках", applicant="Зайцева Ольга")).id
    school.appeals.answer(ids["answered"], "Кружки со вторника.", Delivery.IN_PERSON)
    clock.now = local("12.05.2025 09:00")
    ids["fresh"] = school.appeals.register(appeal("Об экскурсии", applicant="Анисимова Вера")).id
    ids["technical"] = school.appeals.register(
        appeal("Не входит в дневник", applicant="Попов Илья", rubric=Rubric.TECHNICAL, email="popov@example.ru")
    ).id
    clock.now = local("13.05.2025 10:00")
    school.appeals.sweep()
    return ids


def ids_of(services: Services, flt: AppealFilter, **kw: object) -> list[int]:
    return [r.id for r in services.appeals.page(flt, **kw)]  # type: ignore[arg-type]


def test_every_row_shows_its_urgency(school: Services, queue: dict[str, int]):
    rows = {r.id: r for r in school.appeals.page()}
    shown = {name: (rows[i].level, rows[i].time_left, rows[i].urgency) for name, i in queue.items()}
    assert shown == {
        "department": (Level.MUNICIPAL, "сегодня", Urgency.LEFT_SCHOOL),
        "director": (Level.DIRECTOR, "сегодня", Urgency.ESCALATED),
        "answered": (Level.DEPUTY, "ответ дан", Urgency.ANSWERED),
        "today": (Level.DEPUTY, "сегодня", Urgency.DUE_TODAY),
        "fresh": (Level.DEPUTY, "2 р.д.", Urgency.ON_TRACK),
        "technical": (Level.SUI, "21 р.д.", Urgency.ON_TRACK),
    }


def test_the_filters(school: Services, queue: dict[str, int]):
    deputy = person(school, Role.DEPUTY)
    director = person(school, Role.DIRECTOR)
    q = queue
    assert set(ids_of(deputy, AppealFilter(mine=True))) == {q["today"], q["fresh"], q["technical"]}
    assert set(ids_of(director, AppealFilter(mine=True))) == {q["director"]}
    assert set(ids_of(school, AppealFilter(urgent=True))) == {q["director"], q["today"], q["department"]}
    assert set(ids_of(school, AppealFilter(escalated=True))) == {q["director"], q["department"]}
    assert set(ids_of(school, AppealFilter(left_school=True))) == {q["department"]}
    assert set(ids_of(school, AppealFilter(answered=True))) == {q["answered"]}
    assert set(ids_of(school, AppealFilter(rubric=Rubric.TECHNICAL))) == {q["technical"]}
    assert set(ids_of(school, AppealFilter(date_from=d("06.05.2025"), date_to=d("07.05.2025")))) == {
        q["answered"],
        q["today"],
    }
    assert set(ids_of(school, AppealFilter(search="иванов"))) == {q["today"]}  # Cyrillic, any case
    assert set(ids_of(school, AppealFilter(search="о-2025/0002"))) == {q["director"]}
    assert school.appeals.count(AppealFilter(search="иванов")) == 1
    summary = school.appeals.director_summary()
    assert (summary.at_director, summary.left_school, summary.urgent, summary.at_sui) == (1, 1, 3, 1)


@pytest.mark.parametrize(
    ("needle", "expected"),
    [
        ("вано", {"today"}),  # inside a word: «Иванов»
        ("ПЁТР", {"today"}),  # any case, «ё» kept
        ("о пит", {"director"}),  # across a space
        ("спрашивает   о", {"today"}),  # runs of spaces are one
        ("ЁТ", {"today"}),  # shorter than a trigram: still found
        ("о-2025/000", {"department", "director", "today", "answered", "fresh", "technical"}),
        ("50%", set()),  # LIKE's wildcards are letters here
        ('"кружк', set()),  # a quote does not break the index's query
        ("кружк", {"answered"}),
    ],
)
def test_the_search_box_finds_a_piece_of_a_number_name_or_text(school: Services, queue: dict[str, int], needle, expected):
    assert set(ids_of(school, AppealFilter(search=needle))) == {queue[name] for name in expected}
    assert school.appeals.count(AppealFilter(search=needle)) == len(expected)


def test_the_search_box_follows_a_changed_applicant_and_a_removed_appeal(school: Services, queue: dict[str, int]):
    """The search index keeps step with the appeals table (SQLite's triggers of migration 0005)."""
    with school.ctx.transaction() as session:
        session.execute(update(Appeal).where(Appeal.id == queue["fresh"]).values(search="о-2025/0005 гусева вера"))
    assert ids_of(school, AppealFilter(search="гусева")) == [queue["fresh"]]
    assert ids_of(school, AppealFilter(search="анисимова")) == []


def test_sorting_by_due_puts_the_most_urgent_first_and_no_term_last(school: Services, queue: dict[str, int], clock):
    clock.now = local("20.05.2025 10:00")
    school.appeals.sweep()  # two reach the Department, where there is no term
    order = ids_of(school, AppealFilter(answered=False), sort=SortKey.DUE)
    assert order == [queue["today"], queue["fresh"], queue["technical"], queue["department"], queue["director"]]
    assert ids_of(school, AppealFilter(), sort=SortKey.NUMBER, descending=True)[0] == queue["technical"]
    page = ids_of(school, AppealFilter(), sort=SortKey.NUMBER, offset=2, limit=2)
    assert page == [queue["today"], queue["answered"]]


def test_opening_a_card_is_on_record(school: Services):
    card = school.appeals.register(appeal())
    school.appeals.card(card.id)
    with school.ctx.transaction() as session:
        kinds = session.execute(select(Event.kind, Event.action).where(Event.entity == "appeal")).all()
    assert ("access", "open") in kinds and ("change", "register") in kinds


def test_only_staff_of_the_appeals_see_them(school: Services):
    school.appeals.register(appeal())
    admin = person(school, Role.ADMIN)
    with pytest.raises(ServiceError, match="Недостаточно прав"):
        admin.appeals.page()
    secretary = person(school, Role.SECRETARY)
    with pytest.raises(ServiceError, match="Недостаточно прав"):
        secretary.appeals.answer(1, "Ответ", Delivery.POST)
