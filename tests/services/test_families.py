"""The families register and e-diary access at the service level, on SQLite and PostgreSQL, as the secretary notices
it: students added, moved and leaving with their history; one parent of two children; access applications with their
2-working-day term in the queue; no code without consent; re-issued and revoked codes in the register; refusals
numbered without gaps and signed by the director named in the settings; Appendix 2 and 3 putting a family on paper;
the register's filters; who may do what; the event log; stale versions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from desktop.domain.access import Actor, Role
from desktop.domain.families import Appendix, ApplicationStatus, CodeState, Handover, RefusalGround, Relation
from desktop.domain.tickets import Urgency
from desktop.services.errors import ConflictError, PermissionDenied, ServiceError, ValidationError
from desktop.services.families import ApplicationFilter, NoConsent, RepresentativeInput, StudentFilter
from desktop.services.files import FileIn
from desktop.services.registry import Services
from desktop.store.models import (
    AccessApplication,
    AccessCode,
    AccessRefusal,
    Consent,
    Event,
    OptOut,
    Representative,
    Student,
    StudentEvent,
)
from tests.conftest import FixedClock

YEKB = ZoneInfo("Asia/Yekaterinburg")
DIRECTOR = "Соколова Елена Викторовна"

NAMES = {
    "secretary": "Иванова Наталья Сергеевна",
    "director": DIRECTOR,
    "deputy": "Воронина Ирина Александровна",
    "epos_admin": "Морозов Андрей Николаевич",
    "class_teacher": "Белова Татьяна Юрьевна",
    "admin": "Петров Алексей Игоревич",
    "operator": "Кузнецов Дмитрий Олегович",
    "agent": "Смирнова Ольга Павловна",
}

MOTHER = RepresentativeInput("Смирнова Алёна Викторовна", Relation.MOTHER, "+7 (912) 345-67-89",
                             "smirnova.av@example.ru", "625000, г. Тюмень, ул. Мельникайте, д. 100, кв. 12")  # fmt: skip
FATHER = RepresentativeInput("Смирнов Игорь Петрович", Relation.FATHER, "+7 922 111-22-33", "",
                             "625000, г. Тюмень, ул. Мельникайте, д. 100, кв. 12")  # fmt: skip


def local(text: str) -> dt.datetime:
    """«ДД.ММ.ГГГГ ЧЧ:ММ» in Tyumen's time zone as a UTC moment."""
    return dt.datetime.strptime(text, "%d.%m.%Y %H:%M").replace(tzinfo=YEKB).astimezone(dt.UTC)


def d(text: str) -> dt.date:
    return dt.datetime.strptime(text, "%d.%m.%Y").date()


@pytest.fixture
def school(services: Services, clock: FixedClock) -> Services:
    services.settings.set("timezone", "Asia/Yekaterinburg")
    services.settings.set("director_name", DIRECTOR)
    clock.now = local("30.04.2025 10:00")  # Wednesday; 1–4 and 8–11 May 2025 are days off
    return services


def person(services: Services, role: Role, login: str | None = None) -> Services:
    login = login or role.value
    user = services.users.add(login, NAMES[login], [role], "Пароль-2026", must_change=False)
    return services.as_actor(Actor.user(user.id, user.login, user.full_name, [role]))


@pytest.fixture
def secretary(school: Services) -> Services:
    return person(school, Role.SECRETARY)


def family(s: Services, name: str = "Смирнов Артём Игоревич", born: str = "14.03.2014", cls: str = "5А",
           *reps: RepresentativeInput) -> tuple[int, list[int]]:  # fmt: skip
    student = s.families.add_student(name, d(born), cls)
    return student, [s.families.add_representative(student, rep) for rep in (reps or (MOTHER,))]


def count(s: Services, model: type) -> int:
    with s.ctx.transaction() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def events(
    s: Services, entity: str | None = None, entity_id: object = None
) -> list[tuple[str, str, str, str]]:
    """(kind, entity, action, actor) of the event log, oldest first."""
    with s.ctx.transaction() as session:
        query = select(Event).where(Event.entity.in_(("student", "representative", "access")))
        if entity is not None:
            query = query.where(Event.entity == entity)
        if entity_id is not None:
            query = query.where(Event.entity_id == str(entity_id))
        return [(e.kind, e.entity, e.action, e.actor) for e in session.scalars(query.order_by(Event.id))]


def snapshot(s: Services) -> tuple[object, ...]:
    """Everything a refused call must leave as it was: every families table, each student's version, the log."""
    with s.ctx.transaction() as session:
        versions = tuple(session.scalars(select(Student.version).order_by(Student.id)))
        states = tuple(session.scalars(select(AccessCode.state).order_by(AccessCode.id)))
        statuses = tuple(session.scalars(select(AccessApplication.status).order_by(AccessApplication.id)))
    return (
        versions, states, statuses,
        *(count(s, m) for m in (Student, StudentEvent, Representative, Consent, AccessApplication, AccessCode,
                                AccessRefusal, OptOut, Event)),
    )  # fmt: skip


# -- the register ----------------------------------------------------------------------------------------------


def test_students_are_added_moved_with_their_history_and_kept_when_they_leave(secretary: Services, clock):
    artem, [mother] = family(secretary)
    masha, _ = family(secretary, "Кузнецова Мария Андреевна", "02.07.2010", "9 б",
                      RepresentativeInput("Кузнецова Светлана Олеговна", Relation.MOTHER, "8 904 555-66-77"))  # fmt: skip
    assert secretary.families.classes() == [("5А", 1), ("9Б", 1)]
    with pytest.raises(ValidationError) as twice:
        secretary.families.add_student("СМИРНОВ Артем Игоревич", d("14.03.2014"), "5 а")
    assert twice.value.fields["full_name"] == "Ученик СМИРНОВ Артем Игоревич (14.03.2014) уже есть в реестре."
    with pytest.raises(ValidationError) as wrong:
        secretary.families.add_student(" ", d("14.03.2024"), "12А")
    assert set(wrong.value.fields) == {"full_name", "birth_date", "class_name"}

    clock.now = local("05.05.2025 11:00")
    secretary.families.move_student(artem, "5 б")
    card = secretary.families.card(artem)
    assert (card.row.class_name, card.row.studying) == ("5Б", True)
    assert [h.text for h in card.history] == ["Внесён(а) в реестр, класс 5А", "Переведён(а) из 5А в 5Б"]
    assert [h.on for h in card.history] == [d("30.04.2025"), d("05.05.2025")]
    assert {h.actor for h in card.history} == {NAMES["secretary"]}
    with pytest.raises(ServiceError, match="в классе 5А не найден"):
        secretary.families.find_student("Смирнов Артём Игоревич", "5А")  # not in 5А any more
    assert secretary.families.find_student("смирнов артем игоревич") == artem

    secretary.families.record_consent(mother, d("05.05.2025"))
    code = secretary.families.issue_code(artem, mother)
    father = secretary.families.add_representative(artem, RepresentativeInput("Смирнов Игорь Петрович", Relation.FATHER))
    waiting = secretary.families.register_application(artem, father)
    secretary.families.student_left(artem, d("06.05.2025"), "переезд в Тобольск")
    # The father's application does not wait on in the queue for a student who has left.
    assert secretary.families.applications() == []
    [closed] = [a for a in secretary.families.applications(ApplicationFilter(status=None)) if a.id == waiting.id]
    assert closed.status is ApplicationStatus.CLOSED
    card = secretary.families.card(artem)
    assert (card.row.studying, card.row.left_on, card.row.state_text) == (
        False,
        d("06.05.2025"),
        "выбыл(а) 06.05.2025",
    )
    assert card.history[-1].text == "Выбыл(а) из школы (класс 5Б): переезд в Тобольск"
    [ended] = next(r for r in card.representatives if r.id == mother).codes
    assert (ended.id, ended.state, ended.end_reason) == (code.id, CodeState.REVOKED, "ученик выбыл из школы")
    # Kept in the register, out of the list of those studying; nothing more is done for a student who left.
    assert [r.id for r in secretary.families.students()] == [masha]
    assert [r.id for r in secretary.families.students(StudentFilter(studying=False))] == [artem]
    assert secretary.families.classes() == [("5А", 0), ("5Б", 0), ("9Б", 1)]
    with pytest.raises(ServiceError, match="выбыл"):
        secretary.families.issue_code(artem, mother)
    with pytest.raises(ServiceError, match="выбыл"):
        secretary.families.move_student(artem, "6А")
    with pytest.raises(ServiceError, match="уже выбыл"):
        secretary.families.student_left(artem, d("06.05.2025"))


def test_a_parent_of_two_children_is_one_person(secretary: Services):
    artem, [mother] = family(secretary)
    # The same mother as the younger child's list gives her: «ё» as «е», 8 for +7, other spaces.
    same = RepresentativeInput("СМИРНОВА Алена  Викторовна", Relation.MOTHER, "8 912 345 67 89")
    sonya, [again] = family(secretary, "Смирнова Софья Игоревна", "21.09.2017", "2А", same)
    assert again == mother
    assert count(secretary, Representative) == 1
    with pytest.raises(ValidationError, match="уже указан"):
        secretary.families.add_representative(sonya, MOTHER)
    # A namesake with another phone is another person.
    namesake = secretary.families.add_representative(
        sonya, RepresentativeInput("Смирнова Алёна Викторовна", Relation.OTHER, "+7 900 000-00-01")
    )
    assert namesake != mother
    # One consent of hers counts for both children.
    secretary.families.record_consent(mother, d("30.04.2025"))
    rows = {r.id: r for r in secretary.families.students()}
    assert (rows[artem].with_consent, rows[sonya].with_consent, rows[sonya].representatives) == (1, 1, 2)
    for child in (artem, sonya):
        [rep] = [r for r in secretary.families.card(child).representatives if r.id == mother]
        assert rep.consent_now and rep.full_name == "Смирнова Алёна Викторовна"
    # Her data changed on one card is changed on both.
    secretary.families.update_representative(
        mother, RepresentativeInput(MOTHER.full_name, Relation.GUARDIAN, "+7 912 345-67-00", "", MOTHER.address),
        student_id=sonya,
    )  # fmt: skip
    phones = {r.relation: r.phone for c in (artem, sonya) for r in secretary.families.card(c).representatives
              if r.id == mother}  # fmt: skip
    assert phones == {Relation.MOTHER: "+7 912 345-67-00", Relation.GUARDIAN: "+7 912 345-67-00"}


def test_the_register_filters(secretary: Services):
    a, [a_mother] = family(secretary, "Андреев Максим Олегович", "10.01.2014", "5А",
                           RepresentativeInput("Андреева Ирина Павловна", Relation.MOTHER, "+7 912 000-00-01"))  # fmt: skip
    b, [b_father] = family(secretary, "Борисова Ксения Денисовна", "11.02.2014", "5А",
                           RepresentativeInput("Борисов Денис Юрьевич", Relation.FATHER, "+7 912 000-00-02"))  # fmt: skip
    c, _ = family(secretary, "Волков Егор Романович", "05.05.2010", "9Б",
                  RepresentativeInput("Волкова Елена Сергеевна", Relation.MOTHER, "+7 912 000-00-03"))  # fmt: skip
    e, [e_rep] = family(secretary, "Григорьева Полина Артёмовна", "19.08.2010", "9Б",
                        RepresentativeInput("Григорьев Артём Ильич", Relation.FATHER, "+7 912 000-00-04"))  # fmt: skip
    secretary.families.record_consent(a_mother, d("30.04.2025"))
    secretary.families.record_consent(b_father, d("30.04.2025"))
    secretary.families.record_consent(e_rep, d("30.04.2025"))
    secretary.families.issue_code(a, a_mother)
    secretary.families.register_optout(e, Appendix.NOT_PROVIDE, d("30.04.2025"))

    def ids(**flt: object) -> set[int]:
        found = {r.id for r in secretary.families.students(StudentFilter(**flt))}  # type: ignore[arg-type]
        assert secretary.families.count(StudentFilter(**flt)) == len(found)  # type: ignore[arg-type]
        return found

    assert ids() == {a, b, c, e}
    assert ids(class_name="5 а") == {a, b} and ids(class_name="9б") == {c, e}
    assert ids(search="андреева") == {a}  # by a parent's name
    assert ids(search="Денис") == {b}  # the father's first name and the child's patronymic
    assert ids(search="Григорьев") == {e}
    assert ids(search="Артем") == {e}  # «Артёмовна», «Артём» typed with «е»
    assert ids(without_consent=True) == {c}
    assert ids(without_code=True) == {b, c}  # on paper needs no code
    assert ids(paper=True) == {e}
    assert {r.id: r.state_text for r in secretary.families.students()} == {
        a: "доступ выдан", b: "согласие есть, кода нет", c: "нет согласия", e: "отчёт на бумаге",
    }  # fmt: skip
    summary = secretary.families.summary()
    assert (summary.students, summary.on_paper, summary.without_consent, summary.codes_active) == (4, 1, 1, 1)
    assert summary.by_class == {"5А": 2, "9Б": 2}


# -- applications and codes ------------------------------------------------------------------------------------------


def test_an_application_is_due_in_two_working_days_and_the_queue_shows_the_time_left(
    secretary: Services, clock
):
    artem, [mother] = family(secretary)
    app = secretary.families.register_application(artem, mother)
    # Received Wed 30.04.2025: 01.05–04.05 off; 05.05 (1), 06.05 (2).
    assert (app.number, app.status, app.due_date) == (
        "Д-2025/0001",
        ApplicationStatus.WAITING,
        d("06.05.2025"),
    )
    assert (app.time_left, app.urgency, app.consent_now) == ("2 р.д.", Urgency.ON_TRACK, False)
    assert app.received_at == dt.datetime(2025, 4, 30, 10, 0)
    with pytest.raises(ServiceError, match="уже зарегистрировано: № Д-2025/0001"):
        secretary.families.register_application(artem, mother)

    def queue() -> list[tuple[str, Urgency]]:
        return [(a.time_left, a.urgency) for a in secretary.families.applications()]

    clock.now = local("05.05.2025 09:00")
    assert queue() == [("1 р.д.", Urgency.ONE_DAY)]
    clock.now = local("06.05.2025 09:00")
    assert queue() == [("сегодня", Urgency.DUE_TODAY)]
    assert len(secretary.families.applications(ApplicationFilter(urgent=True))) == 1
    clock.now = local("07.05.2025 09:00")
    assert queue() == [("просрочено", Urgency.OVERDUE)]
    assert secretary.families.summary().urgent == 1
    # A second application today waits behind the overdue one: 07.05 -> 08.05–11.05 off; 12.05 (1), 13.05 (2).
    sonya, [father] = family(secretary, "Смирнова Софья Игоревна", "21.09.2017", "2А", FATHER)
    later = secretary.families.register_application(sonya, father)
    assert (later.number, later.due_date, later.time_left) == ("Д-2025/0002", d("13.05.2025"), "2 р.д.")
    assert [a.number for a in secretary.families.applications()] == ["Д-2025/0001", "Д-2025/0002"]
    assert [a.number for a in secretary.families.applications(ApplicationFilter(class_name="2 а"))] == [
        "Д-2025/0002"
    ]


def test_no_code_without_consent_and_one_after_the_consent_is_recorded(secretary: Services, clock):
    artem, [mother] = family(secretary)
    app = secretary.families.register_application(artem, mother)
    before = snapshot(secretary)
    with pytest.raises(NoConsent) as info:
        secretary.families.issue_code(artem, mother)
    assert (info.value.student_id, info.value.representative_id) == (artem, mother)
    assert "нет согласия на обработку персональных данных" in str(info.value)
    assert snapshot(secretary) == before  # nothing written, the application still waits
    # A consent dated tomorrow is refused.
    with pytest.raises(ValidationError):
        secretary.families.record_consent(mother, d("01.05.2025"))

    clock.now = local("05.05.2025 10:00")
    scan = FileIn("Согласие Смирновой.pdf", b"%PDF-1.4 consent")
    consent_id = secretary.families.record_consent(mother, d("05.05.2025"), scan)
    assert secretary.families.consent_scan(consent_id) == ("Согласие Смирновой.pdf", scan.data)
    code = secretary.families.issue_code(
        artem, mother, handover=Handover.CLASS_TEACHER, handed_via="Белова Татьяна Юрьевна",
        choice=lambda alphabet: alphabet[0],
    )  # fmt: skip
    assert (code.code, code.state, code.generated, code.handover, code.handed_via) == (
        "AAAA-AAAA", CodeState.ACTIVE, True, Handover.CLASS_TEACHER, "Белова Татьяна Юрьевна",
    )  # fmt: skip
    assert (code.issued_by, code.issued_at) == (NAMES["secretary"], dt.datetime(2025, 5, 5, 10, 0))
    assert (code.student_name, code.class_name, code.representative_name) == (
        "Смирнов Артём Игоревич", "5А", "Смирнова Алёна Викторовна",
    )  # fmt: skip
    [granted] = secretary.families.applications(ApplicationFilter(status=None))
    assert (granted.id, granted.status, granted.urgency) == (
        app.id,
        ApplicationStatus.GRANTED,
        Urgency.FINISHED,
    )
    assert secretary.families.applications() == []
    with pytest.raises(ValidationError) as teacher:
        secretary.families.issue_code(artem, mother, handover=Handover.CLASS_TEACHER)
    assert set(teacher.value.fields) == {"handed_via"}


def test_a_reissued_code_replaces_the_old_one_and_the_register_shows_both(secretary: Services, clock):
    artem, [mother, father] = family(secretary, "Смирнов Артём Игоревич", "14.03.2014", "5А", MOTHER, FATHER)
    secretary.families.record_consent(mother, d("30.04.2025"))
    secretary.families.record_consent(father, d("30.04.2025"))
    first = secretary.families.issue_code(artem, mother)
    fathers = secretary.families.issue_code(artem, father, code=" k7qm-4xtp ")
    assert (fathers.code, fathers.generated) == ("K7QM-4XTP", False)
    with pytest.raises(ValidationError) as typed:
        secretary.families.issue_code(artem, father, code="К7QМ")  # Cyrillic К and М
    assert "русские буквы" in typed.value.fields["code"]
    clock.now = local("05.05.2025 12:00")
    second = secretary.families.issue_code(artem, mother)
    assert second.code != first.code
    register = secretary.families.codes()
    assert [(c.id, c.state) for c in register] == [
        (first.id, CodeState.REPLACED), (fathers.id, CodeState.ACTIVE), (second.id, CodeState.ACTIVE),
    ]  # fmt: skip
    assert (register[0].end_reason, register[0].ended_at) == (
        "выдан новый код",
        dt.datetime(2025, 5, 5, 12, 0),
    )
    assert [c.id for c in secretary.families.codes(active_only=True)] == [fathers.id, second.id]
    assert [c.id for c in secretary.families.codes(date_from=d("05.05.2025"))] == [second.id]
    assert [c.id for c in secretary.families.codes(date_to=d("30.04.2025"))] == [first.id, fathers.id]
    assert secretary.families.codes(class_name="9Б") == []
    assert [a for _, e, a, _ in events(secretary, "access", f"{artem}/{mother}")] == ["issue", "reissue"]


def test_revoking_a_code_needs_a_reason(secretary: Services):
    artem, [mother] = family(secretary)
    secretary.families.record_consent(mother, d("30.04.2025"))
    code = secretary.families.issue_code(artem, mother)
    before = snapshot(secretary)
    with pytest.raises(ValidationError) as empty:
        secretary.families.revoke_code(code.id, "  ")
    assert empty.value.fields == {"reason": "Укажите, почему код отзывается."}
    assert snapshot(secretary) == before
    secretary.families.revoke_code(code.id, " код сообщён посторонним ")
    [row] = secretary.families.codes()
    assert (row.state, row.end_reason) == (CodeState.REVOKED, "код сообщён посторонним")
    with pytest.raises(ServiceError, match="уже не действует: отозван"):
        secretary.families.revoke_code(code.id, "ещё раз")


def test_withdrawing_consent_revokes_the_representatives_codes_only(secretary: Services, clock):
    artem, [mother, father] = family(secretary, "Смирнов Артём Игоревич", "14.03.2014", "5А", MOTHER, FATHER)
    sonya, _ = family(secretary, "Смирнова Софья Игоревна", "21.09.2017", "2А", MOTHER)
    consent = secretary.families.record_consent(mother, d("30.04.2025"))
    secretary.families.record_consent(father, d("30.04.2025"))
    secretary.families.issue_code(artem, mother)
    secretary.families.issue_code(sonya, mother)
    fathers = secretary.families.issue_code(artem, father)
    clock.now = local("05.05.2025 10:00")
    with pytest.raises(ValidationError):
        secretary.families.withdraw_consent(consent, d("06.05.2025"))  # a date to come
    secretary.families.withdraw_consent(consent, d("05.05.2025"))
    states = {
        (c.student_id, c.representative_id): (c.state, c.end_reason) for c in secretary.families.codes()
    }
    assert states == {
        (artem, mother): (CodeState.REVOKED, "согласие отозвано"),
        (sonya, mother): (CodeState.REVOKED, "согласие отозвано"),
        (artem, father): (CodeState.ACTIVE, ""),
    }
    [rep] = [r for r in secretary.families.card(artem).representatives if r.id == mother]
    assert not rep.consent_now and rep.consents[0].text == "дано 30.04.2025, отозвано 05.05.2025"
    with pytest.raises(NoConsent):
        secretary.families.issue_code(sonya, mother)
    with pytest.raises(ServiceError, match="уже отозвано 05.05.2025"):
        secretary.families.withdraw_consent(consent, d("05.05.2025"))
    assert fathers.state is CodeState.ACTIVE


# -- refusals --------------------------------------------------------------------------------------------------------


def test_a_refusal_is_numbered_without_gaps_signed_by_the_director_and_closes_the_application(
    school: Services, clock
):
    secretary, director = person(school, Role.SECRETARY), person(school, Role.DIRECTOR)
    artem, [mother] = family(secretary)
    app = secretary.families.register_application(artem, mother)
    with pytest.raises(NoConsent):
        secretary.families.issue_code(artem, mother)
    with pytest.raises(ValidationError) as none:
        director.families.refuse([], student_id=artem, representative_id=mother)
    assert none.value.fields == {"grounds": "Отметьте хотя бы одно основание отказа из перечня регламента."}
    first = director.families.refuse([RefusalGround.NO_CONSENT, RefusalGround.NO_CONSENT],
                                     student_id=artem, representative_id=mother)  # fmt: skip
    assert (first.number, first.decided_on, first.director_name) == (
        "ОТК-2025/0001",
        d("30.04.2025"),
        DIRECTOR,
    )
    assert (first.child_name, first.child_class, first.applicant_name, first.grounds) == (
        "Смирнов Артём Игоревич", "5А", "Смирнова Алёна Викторовна", (RefusalGround.NO_CONSENT,),
    )  # fmt: skip
    [closed] = secretary.families.applications(ApplicationFilter(status=None))
    assert (closed.id, closed.status, closed.time_left) == (app.id, ApplicationStatus.REFUSED, "отказано")
    assert secretary.families.card(artem).refusals == [first]

    # A child who is not in the register, named by hand; the director's name is the one in the settings that day.
    school.settings.set("director_name", "Воронина Ирина Александровна")
    clock.now = local("05.05.2025 10:00")
    second = secretary.families.refuse(
        [RefusalGround.NOT_STUDENT, RefusalGround.NOT_APPLICANT], child_name=" Орлов  Павел Ильич ", child_class="7 в",
        applicant_name="Орлов Илья Сергеевич", text="Ребёнок обучается в МАОУ СОШ № 12",
    )  # fmt: skip
    assert (second.number, second.student_id, second.child_name, second.child_class) == (
        "ОТК-2025/0002", None, "Орлов Павел Ильич", "7В",
    )  # fmt: skip
    assert (second.director_name, second.text) == (
        "Воронина Ирина Александровна",
        "Ребёнок обучается в МАОУ СОШ № 12",
    )
    assert second.grounds == (RefusalGround.NOT_STUDENT, RefusalGround.NOT_APPLICANT)
    with pytest.raises(ValidationError) as nameless:
        secretary.families.refuse([RefusalGround.NOT_STUDENT], applicant_name="Орлов Илья Сергеевич")
    assert set(nameless.value.fields) == {"child_name"}
    with pytest.raises(ValidationError):
        secretary.families.refuse([RefusalGround.OWN_REFUSAL], student_id=artem, decided_on=d("06.05.2025"))
    clock.now = local("12.01.2026 10:00")
    third = secretary.families.refuse([RefusalGround.OWN_REFUSAL], student_id=artem, representative_id=mother)
    assert [r.number for r in secretary.families.refusals()] == [
        "ОТК-2025/0001",
        "ОТК-2025/0002",
        "ОТК-2026/0001",
    ]
    assert [r.number for r in secretary.families.refusals(year=2026)] == [third.number]
    assert secretary.families.refusal(second.id) == second
    assert first.director_name == DIRECTOR  # the first decision keeps the name it was signed with
    assert secretary.families.refusal(first.id).director_name == DIRECTOR


# -- opting out ------------------------------------------------------------------------------------------------------


def test_appendix_2_puts_the_family_on_paper_and_appendix_3_also_ends_their_codes(secretary: Services, clock):
    artem, [mother, father] = family(secretary, "Смирнов Артём Игоревич", "14.03.2014", "5А", MOTHER, FATHER)
    masha, [m_mother] = family(secretary, "Кузнецова Мария Андреевна", "02.07.2010", "9Б",
                               RepresentativeInput("Кузнецова Светлана Олеговна", Relation.MOTHER, "8 904 555-66-77"))  # fmt: skip
    for rep in (mother, father, m_mother):
        secretary.families.record_consent(rep, d("30.04.2025"))
    secretary.families.issue_code(artem, mother)
    secretary.families.issue_code(artem, father)
    masha_code = secretary.families.issue_code(masha, m_mother)

    clock.now = local("05.05.2025 10:00")
    with pytest.raises(ValidationError):
        secretary.families.register_optout(artem, Appendix.NOT_PROVIDE, d("06.05.2025"))
    row = secretary.families.register_optout(artem, Appendix.NOT_PROVIDE, d("05.05.2025"),
                                             scan=FileIn("Приложение 2.pdf", b"%PDF signed"))  # fmt: skip
    assert (row.appendix, row.received_on, row.registered_by) == (
        Appendix.NOT_PROVIDE,
        d("05.05.2025"),
        NAMES["secretary"],
    )
    assert row.applicants == "Смирнова Алёна Викторовна, Смирнов Игорь Петрович"
    card = secretary.families.card(artem)
    assert (card.row.paper, card.paper_since, card.row.state_text) == (
        True,
        d("05.05.2025"),
        "отчёт на бумаге",
    )
    assert card.optouts == [row]

    masha_row = secretary.families.register_optout(masha, Appendix.CANCEL, d("30.04.2025"))
    assert masha_row.applicants == "Кузнецова Светлана Олеговна"
    masha_card = secretary.families.card(masha)
    assert (masha_card.row.paper, masha_card.paper_since, masha_card.row.active_codes) == (
        True,
        d("30.04.2025"),
        0,
    )
    [ended] = masha_card.representatives[0].codes
    assert (ended.id, ended.state, ended.end_reason) == (
        masha_code.id, CodeState.REVOKED, "заявление об отмене услуги (Приложение № 3)",
    )  # fmt: skip
    assert [r.id for r in secretary.families.students(StudentFilter(paper=True))] == [artem, masha]
    assert [a for _, _, a, _ in events(secretary, "student", masha) if a.startswith("optout")] == ["optout_3"]


# -- rights ----------------------------------------------------------------------------------------------------------


def test_each_action_is_refused_to_roles_without_it_and_changes_nothing(school: Services):
    secretary = person(school, Role.SECRETARY)
    people = {role: person(school, role) for role in Role if role is not Role.SECRETARY}
    people[Role.SECRETARY] = secretary
    artem, [mother, father] = family(secretary, "Смирнов Артём Игоревич", "14.03.2014", "5А", MOTHER, FATHER)
    consent = secretary.families.record_consent(mother, d("30.04.2025"))
    code = secretary.families.issue_code(artem, mother)
    secretary.families.register_application(artem, father)

    view = {Role.DIRECTOR, Role.DEPUTY, Role.SECRETARY, Role.EPOS_ADMIN}
    edit = {Role.DEPUTY, Role.SECRETARY}
    access = {Role.SECRETARY, Role.EPOS_ADMIN}
    actions: list[tuple[str, set[Role], Callable[[Services], object]]] = [
        ("classes", view, lambda s: s.families.classes()),
        ("students", view, lambda s: s.families.students()),
        ("card", view, lambda s: s.families.card(artem)),
        ("codes", view, lambda s: s.families.codes()),
        ("applications", view, lambda s: s.families.applications()),
        ("refusals", view, lambda s: s.families.refusals()),
        ("summary", view, lambda s: s.families.summary()),
        ("add_student", edit, lambda s: s.families.add_student("Ким Алина Сергеевна", d("01.01.2014"), "5А")),
        ("move", edit, lambda s: s.families.move_student(artem, "5Б")),
        ("left", edit, lambda s: s.families.student_left(artem, d("30.04.2025"))),
        ("add_representative", edit, lambda s: s.families.add_representative(
            artem, RepresentativeInput("Смирнова Галина Ивановна", Relation.OTHER))),
        ("update_representative", edit, lambda s: s.families.update_representative(mother, MOTHER)),
        ("consent", access, lambda s: s.families.record_consent(father, d("30.04.2025"))),
        ("withdraw", access, lambda s: s.families.withdraw_consent(consent, d("30.04.2025"))),
        ("application", access, lambda s: s.families.register_application(artem, mother)),
        ("issue", access, lambda s: s.families.issue_code(artem, mother)),
        ("revoke", access, lambda s: s.families.revoke_code(code.id, "утерян")),
        ("refuse", {Role.DIRECTOR, Role.SECRETARY},
         lambda s: s.families.refuse([RefusalGround.NO_CONSENT], student_id=artem, representative_id=father)),
        ("optout", edit, lambda s: s.families.register_optout(artem, Appendix.NOT_PROVIDE, d("30.04.2025"))),
    ]  # fmt: skip
    before = snapshot(school)
    refused = 0
    for name, allowed, act in actions:
        for role, s in people.items():
            if role in allowed:
                continue
            with pytest.raises(PermissionDenied, match="Недостаточно прав"):
                act(s)
            refused += 1
            assert snapshot(school) == before, (name, role)
    assert refused == sum(len(Role) - len(allowed) for _, allowed, _ in actions)


def test_the_class_teacher_cannot_open_the_register_and_the_epos_admin_issues_codes_but_does_not_edit(
    school: Services,
):
    secretary, teacher, epos = (
        person(school, role) for role in (Role.SECRETARY, Role.CLASS_TEACHER, Role.EPOS_ADMIN)
    )
    director = person(school, Role.DIRECTOR)
    artem, [mother] = family(secretary)
    with pytest.raises(PermissionDenied) as info:
        teacher.families.students()
    assert str(info.value) == (
        "Недостаточно прав: «просмотр реестра семей» доступно ролям: директор, заместитель директора, секретарь, "
        "администратор ЭПОС. Ваши роли: классный руководитель."
    )
    with pytest.raises(PermissionDenied):
        teacher.families.card(artem)
    # The e-journal's administrator records the consent and issues the code, handed over through the class teacher.
    epos.families.record_consent(mother, d("30.04.2025"))
    code = epos.families.issue_code(
        artem, mother, handover=Handover.CLASS_TEACHER, handed_via=NAMES["class_teacher"]
    )
    assert (code.issued_by, code.state) == (NAMES["epos_admin"], CodeState.ACTIVE)
    assert epos.families.card(artem).row.active_codes == 1
    for edit in (
        lambda: epos.families.add_student("Ким Алина Сергеевна", d("01.01.2014"), "5А"),
        lambda: epos.families.move_student(artem, "5Б"),
        lambda: epos.families.add_representative(artem, FATHER),
        lambda: epos.families.register_optout(artem, Appendix.CANCEL, d("30.04.2025")),
        lambda: epos.families.refuse([RefusalGround.OWN_REFUSAL], student_id=artem, representative_id=mother),
    ):
        with pytest.raises(PermissionDenied):
            edit()
    # The director signs refusals and oversees, but neither issues codes nor edits the register.
    with pytest.raises(PermissionDenied):
        director.families.issue_code(artem, mother)
    with pytest.raises(PermissionDenied):
        director.families.move_student(artem, "5Б")
    assert director.families.codes()[0].id == code.id


# -- the event log and stale versions ------------------------------------------------------------------------------


def test_every_change_and_every_look_at_a_card_is_in_the_event_log(secretary: Services):
    artem, [mother] = family(secretary)
    consent = secretary.families.record_consent(mother, d("30.04.2025"), FileIn("Согласие.pdf", b"%PDF"))
    secretary.families.register_application(artem, mother)
    code = secretary.families.issue_code(artem, mother)
    secretary.families.revoke_code(code.id, "утерян")
    secretary.families.update_representative(mother, MOTHER)
    secretary.families.move_student(artem, "5Б")
    secretary.families.card(artem)
    secretary.families.card(artem, record_access=False)
    secretary.families.consent_scan(consent)
    secretary.families.codes()
    secretary.families.register_optout(artem, Appendix.NOT_PROVIDE, d("30.04.2025"))
    refusal = secretary.families.refuse(
        [RefusalGround.OWN_REFUSAL], student_id=artem, representative_id=mother
    )
    secretary.families.withdraw_consent(consent, d("30.04.2025"))
    secretary.families.student_left(artem, d("30.04.2025"))
    me = NAMES["secretary"]
    assert events(secretary) == [
        ("change", "student", "enroll", me),
        ("change", "student", "representative_add", me),
        ("change", "representative", "consent", me),
        ("change", "access", "application", me),
        ("change", "access", "issue", me),
        ("change", "access", "revoke", me),
        ("change", "representative", "update", me),
        ("change", "student", "move", me),
        ("access", "student", "open", me),
        ("access", "representative", "open_file", me),
        ("access", "access", "view_register", me),
        ("change", "student", "optout_2", me),
        ("change", "access", "refusal", me),
        ("change", "representative", "consent_withdrawn", me),
        ("change", "student", "left", me),
    ]
    with secretary.ctx.transaction() as session:
        move = session.scalar(select(Event).where(Event.action == "move"))
        refused = session.scalar(select(Event).where(Event.action == "refusal"))
        assert move is not None and (move.entity_id, move.before, move.after) == (str(artem), {"class": "5А"},
                                                                                  {"class": "5Б"})  # fmt: skip
        assert refused is not None and refused.entity_id == refusal.number == "ОТК-2025/0001"
        assert refused.after["grounds"] == [RefusalGround.OWN_REFUSAL.label]  # type: ignore[index]


def test_a_stale_version_is_refused_and_changes_nothing(school: Services):
    secretary, deputy = person(school, Role.SECRETARY), person(school, Role.DEPUTY)
    artem, [mother] = family(secretary)
    seen = secretary.families.card(artem)
    rep_seen = seen.representatives[0]
    deputy.families.move_student(artem, "5Б", version=seen.row.version)
    deputy.families.update_representative(mother, MOTHER, version=rep_seen.version)
    before = snapshot(school)
    with pytest.raises(ConflictError, match="изменены другим пользователем"):
        secretary.families.move_student(artem, "5В", version=seen.row.version)
    with pytest.raises(ConflictError, match="изменены другим пользователем"):
        secretary.families.student_left(artem, d("30.04.2025"), version=seen.row.version)
    with pytest.raises(ConflictError, match="Смирнова Алёна Викторовна изменены другим пользователем"):
        secretary.families.update_representative(mother, FATHER, version=rep_seen.version)
    assert snapshot(school) == before
    fresh = secretary.families.card(artem, record_access=False)
    secretary.families.move_student(artem, "5В", version=fresh.row.version)
    assert secretary.families.card(artem, record_access=False).row.class_name == "5В"
