"""Support requests for the e-journal at the service level, on SQLite and PostgreSQL (seed 001): a request is opened
only with the four required items and takes a number without gaps, it is linked to the families register, a
correction's effect is stored and gates the check, the request to СТП is a .eml with every field and file, a second
СТП request for the same person is refused, follow-ups, closing, what a class teacher sees, stale versions, the
queue's filters and the event log."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from desktop.domain.access import Actor, Role
from desktop.domain.families import Relation
from desktop.domain.support import Stage, Status, Step, Urgency, UserRole
from desktop.services.calendar import OverrideKind
from desktop.services.errors import ConflictError, PermissionDenied, ServiceError, ValidationError
from desktop.services.families import RepresentativeInput
from desktop.services.files import FileIn
from desktop.services.registry import Services
from desktop.services.support import (
    DuplicateStpRequest,
    StepKind,
    StpLetter,
    SupportFilter,
    SupportInput,
)
from desktop.store.models import Attachment, Event, NumberCounter, SupportFile, SupportRequest, SupportStep
from tests.conftest import FixedClock

YEKB = ZoneInfo("Asia/Yekaterinburg")

NAMES = {
    "admin": "Широких Елена Александровна",
    "teacher": "Смирнова Ольга Павловна",
    "teacher2": "Васильев Игорь Николаевич",
    "director": "Соколова Елена Викторовна",
    "deputy": "Воронина Ирина Александровна",
}
ROLES = {
    "admin": Role.EPOS_ADMIN,
    "teacher": Role.CLASS_TEACHER,
    "teacher2": Role.CLASS_TEACHER,
    "director": Role.DIRECTOR,
    "deputy": Role.DEPUTY,
}
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
JPEG = b"\xff\xd8\xff\xe0" + b"jpeg" * 300
MP4 = b"\x00\x00\x00\x18ftypmp42" + b"\x01\x02" * 5000


def local(text: str) -> dt.datetime:
    """«ДД.ММ.ГГГГ ЧЧ:ММ» in Yekaterinburg's time zone as a UTC moment."""
    return dt.datetime.strptime(text, "%d.%m.%Y %H:%M").replace(tzinfo=YEKB).astimezone(dt.UTC)


def d(text: str) -> dt.date:
    return dt.datetime.strptime(text, "%d.%m.%Y").date()


def intake(**fields: object) -> SupportInput:
    values: dict[str, object] = {
        "full_name": "Иванова Алёна Петровна",
        "birth_date": d("01.03.2014"),
        "gosuslugi_email": "ivanova.alena@mail.ru",
        "role": UserRole.STUDENT,
        "class_name": "6А",
        "brought_by": "",
        "description": "Не видит оценки за ноябрь в дневнике",
        "files": (FileIn("Скриншот дневника.png", PNG),),
    }
    values.update(fields)
    return SupportInput(**values)  # type: ignore[arg-type]


def letter(**fields: object) -> StpLetter:
    values: dict[str, object] = {
        "subject": "Не отображаются оценки",
        "problem": "Обучающийся не видит оценки за ноябрь в дневнике",
        "action": "Вход через Госуслуги, раздел «Дневник»",
        "files": (),
    }
    values.update(fields)
    return StpLetter(**values)  # type: ignore[arg-type]


@pytest.fixture
def school(services: Services, clock: FixedClock) -> Services:
    services.settings.update(
        {
            "timezone": "Asia/Yekaterinburg",
            "school_name": "МАОУ «Средняя общеобразовательная школа № 1»",
            "school_short_name": "МАОУ «СОШ № 1»",
            "support_territory": "Пермский край, г. Пермь",
            "epos_admin_name": NAMES["admin"],
            "epos_admin_room": "каб. 314А",
            "stp_email": "support@epos-test.ru",
        }
    )
    clock.now = local("21.11.2025 10:00")  # Friday
    return services


@pytest.fixture
def staff(school: Services) -> dict[str, Services]:
    out = {}
    for login, name in NAMES.items():
        user = school.users.add(login, name, [ROLES[login]], "Пароль-2026", must_change=False)
        out[login] = school.as_actor(Actor.user(user.id, user.login, user.full_name, [ROLES[login]]))
    return out


def state(services: Services, request_id: int | None = None) -> tuple[object, ...]:
    """Everything a refused call must leave as it was."""
    with services.ctx.transaction() as session:
        row: tuple[object, ...] = ()
        if request_id is not None:
            r = session.get(SupportRequest, request_id)
            assert r is not None
            row = (
                r.status, r.version, r.next_at, r.corrected_at, r.effective_at, r.stp_open, r.stp_sent_at,
                r.stp_subject, r.stp_number, r.followups, r.close_note, r.closed_at,
            )  # fmt: skip

        def n(model: type) -> int:
            return int(session.scalar(select(func.count()).select_from(model)) or 0)

        counters = tuple(
            session.execute(select(NumberCounter.series, NumberCounter.year, NumberCounter.last)).all()
        )
        changes = session.scalar(select(func.count()).select_from(Event).where(Event.kind == "change"))
        return (*row, n(SupportRequest), n(SupportStep), n(SupportFile), n(Attachment), counters, changes)


def events(services: Services, *actions: str, number: str | None = None) -> list[Event]:
    with services.ctx.transaction() as session:
        query = select(Event).where(Event.entity == "support")
        if number is not None:
            query = query.where(Event.entity_id == number)
        if actions:
            query = query.where(Event.action.in_(actions))
        return list(session.scalars(query.order_by(Event.id)))


def stored(services: Services, request_id: int) -> SupportRequest:
    with services.ctx.transaction() as session:
        r = session.get(SupportRequest, request_id)
        assert r is not None
        session.expunge(r)
        return r


def parse(data: bytes) -> email.message.EmailMessage:
    message = email.message_from_bytes(data, policy=email.policy.default)
    assert isinstance(message, email.message.EmailMessage)
    return message


def attachments(message: email.message.EmailMessage) -> dict[str, tuple[str, bytes]]:
    return {
        str(part.get_filename()): (part.get_content_type(), part.get_payload(decode=True))
        for part in message.iter_attachments()
    }


def to_not_solved(admin: Services, clock: FixedClock, request_id: int) -> None:
    """Corrected now, checked after it took effect: not solved (the clock moves to the effect)."""
    card = admin.support.correct(request_id)
    assert card.row.effective_at is not None
    clock.now = card.row.effective_at.replace(tzinfo=YEKB).astimezone(dt.UTC)
    admin.support.check(request_id, solved=False)


# -- intake: the four required items, numbers, the register ----------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "key", "words"),
    [
        ({"full_name": "  "}, "full_name", "Укажите фамилию, имя и отчество"),
        ({"birth_date": None}, "birth_date", "Укажите дату рождения"),
        ({"birth_date": d("22.11.2025")}, "birth_date", "ещё не наступила"),
        ({"gosuslugi_email": ""}, "gosuslugi_email", "Госуслугах"),
        ({"gosuslugi_email": "ivanova@@mail.ru"}, "gosuslugi_email", "записан неверно"),
        ({"files": ()}, "screenshots", "скриншот"),
        ({"files": (FileIn("пустой.png", b""),)}, "screenshots", "пустой"),
    ],
)
def test_a_request_is_not_opened_without_each_required_item_and_nothing_is_written(
    staff, school, fields, key, words
):
    teacher = staff["teacher"]
    before = state(school)
    with pytest.raises(ValidationError) as info:
        teacher.support.create(intake(**fields))
    assert set(info.value.fields) == {key}
    assert words in info.value.fields[key]
    assert state(school) == before
    assert events(school) == []
    assert school.support.count() == 0


def test_numbers_run_without_gaps_and_a_refused_intake_takes_none(staff, school, clock):
    teacher = staff["teacher"]
    first = teacher.support.create(intake())
    with pytest.raises(ValidationError):
        teacher.support.create(intake(gosuslugi_email="нет"))
    second = teacher.support.create(intake(full_name="Петров Пётр Ильич", birth_date=d("02.02.2013")))
    clock.now = local("12.01.2026 10:00")
    next_year = teacher.support.create(intake(full_name="Сидоров Иван Ильич"))
    assert [first.number, second.number, next_year.number] == ["Э-2025/0001", "Э-2025/0002", "Э-2026/0001"]
    assert (first.row.status, first.row.stage, first.row.urgency) == (
        Status.NEW,
        Stage.TO_CORRECT,
        Urgency.DUE_TODAY,
    )
    # A class teacher brings requests in their own name; the history starts with the intake.
    assert first.row.brought_by == NAMES["teacher"] and first.received_by == NAMES["teacher"]
    assert [h.kind for h in first.history] == [StepKind.CREATED]
    assert [f.name for f in first.files] == ["Скриншот дневника.png"]
    assert first.row.received_at == dt.datetime(2025, 11, 21, 10, 0)
    assert first.gosuslugi_email == "ivanova.alena@mail.ru"


def test_a_request_is_linked_to_the_families_register(staff, school):
    student_id = school.families.add_student("Иванова Алёна Петровна", d("01.03.2014"), "6А")
    other_id = school.families.add_student("Кузнецов Олег Ильич", d("05.05.2012"), "8Б")
    school.families.add_representative(
        other_id, RepresentativeInput("Кузнецова Анна Сергеевна", Relation.MOTHER)
    )
    teacher = staff["teacher"]
    # Case and «ё» do not matter; the date of birth does.
    found = teacher.support.create(intake(full_name="ИВАНОВА алена   Петровна"))
    assert found.student_id == student_id
    assert found.register_link == "Есть в реестре семей: Иванова Алёна Петровна, 6А"
    moved = teacher.support.create(intake(class_name="7б"))
    assert moved.row.class_name == "7Б"
    assert (
        moved.register_link == "Есть в реестре семей: Иванова Алёна Петровна, 6А; в запросе указан класс 7Б"
    )
    missing = teacher.support.create(intake(birth_date=d("02.03.2014")))
    assert missing.student_id is None
    assert missing.register_link == "В реестре семей не найден (проверьте ФИО и дату рождения)"
    parent = teacher.support.create(
        intake(
            full_name="Кузнецова Анна Сергеевна",
            birth_date=d("10.10.1985"),
            role=UserRole.PARENT,
            class_name="8Б",
        )
    )
    assert parent.register_link == "Есть в реестре семей как представитель: Кузнецова Анна Сергеевна"
    teacher_card = teacher.support.create(
        intake(
            full_name="Орлова Анна Дмитриевна",
            birth_date=d("10.10.1980"),
            role=UserRole.TEACHER,
            class_name="",
        )
    )
    assert teacher_card.register_link == "Педагог: в реестре семей не ведётся"


# -- correction and its effect -----------------------------------------------------------------------------------


def test_a_correction_on_friday_evening_takes_effect_on_monday_at_14_and_gates_the_check(
    staff, school, clock
):
    admin = staff["admin"]
    card = staff["teacher"].support.create(intake())
    clock.now = local("21.11.2025 19:00")
    corrected = admin.support.correct(card.id, note="Исправлена почта в профиле")
    assert corrected.row.status is Status.CORRECTED
    assert corrected.row.effective_at == dt.datetime(2025, 11, 24, 14, 0)
    assert stored(school, card.id).effective_at == local("24.11.2025 14:00")
    assert stored(school, card.id).corrected_at == local("21.11.2025 19:00")
    assert corrected.corrected_at == dt.datetime(2025, 11, 21, 19, 0)
    assert corrected.effective_text == "изменения вступят в силу в понедельник 24.11 после 14:00"
    assert (corrected.row.stage, corrected.row.urgency) == (Stage.WAITING_EFFECT, Urgency.ON_TRACK)
    assert corrected.row.standing == "изменения вступят в силу в понедельник 24.11 после 14:00"
    assert corrected.history[-1].kind is StepKind.CORRECTED
    assert corrected.history[-1].note == (
        "изменения вступят в силу в понедельник 24.11 после 14:00; Исправлена почта в профиле"
    )
    assert Step.SOLVED not in corrected.steps and Step.CORRECT in corrected.steps

    for moment in ("22.11.2025 12:00", "24.11.2025 13:59"):
        clock.now = local(moment)
        before = state(school, card.id)
        with pytest.raises(ServiceError) as early:
            admin.support.check(card.id, solved=True)
        assert str(early.value) == (
            "Запрос Э-2025/0001: Проверять с пользователем рано: изменения вступят в силу в понедельник 24.11 после "
            "14:00. До этого пользователь не увидит исправления."
        )
        assert state(school, card.id) == before

    clock.now = local("24.11.2025 14:00")
    now_card = admin.support.card(card.id)
    assert now_card.effective_text == "изменения вступили в силу в понедельник 24.11 после 14:00"
    assert (now_card.row.stage, now_card.row.urgency) == (Stage.TO_CHECK, Urgency.DUE_TODAY)
    assert {Step.SOLVED, Step.NOT_SOLVED} <= now_card.steps
    checked = admin.support.check(card.id, solved=False, note="Оценки всё ещё не видны")
    assert (checked.row.status, checked.row.stage) == (Status.NOT_SOLVED, Stage.TO_STP)
    assert Step.SEND_TO_STP in checked.steps


def test_the_moment_of_the_change_is_taken_in_the_schools_time_zone(staff, school, clock):
    admin = staff["admin"]
    card = staff["teacher"].support.create(intake())
    clock.now = local("24.11.2025 10:00")
    # Sunday 23.11 20:30 UTC is Monday 01:30 in Yekaterinburg: Tuesday, not Monday.
    sunday_utc = dt.datetime(2025, 11, 23, 20, 30, tzinfo=dt.UTC)
    assert admin.support.correct(card.id, sunday_utc).row.effective_at == dt.datetime(2025, 11, 25, 14, 0)
    # A naive moment is the school's wall-clock time.
    naive = admin.support.correct(card.id, dt.datetime(2025, 11, 22, 23, 0))
    assert naive.row.effective_at == dt.datetime(2025, 11, 24, 14, 0)
    assert admin.support.effective_at(dt.datetime(2025, 11, 21, 19, 0)) == dt.datetime(
        2025, 11, 24, 14, 0, tzinfo=YEKB
    )
    with pytest.raises(ValidationError) as future:
        admin.support.correct(card.id, local("24.11.2025 11:00"))
    assert set(future.value.fields) == {"changed_at"}
    with pytest.raises(ValidationError) as long_ago:
        admin.support.correct(card.id, local("10.11.2025 10:00"))
    assert "раньше, чем за неделю" in long_ago.value.fields["changed_at"]


def test_with_the_holidays_option_a_holiday_delays_the_effect(staff, school, clock):
    admin = staff["admin"]
    clock.now = local("30.12.2025 10:00")
    card = staff["teacher"].support.create(intake())
    assert admin.support.correct(card.id).row.effective_at == dt.datetime(2025, 12, 31, 14, 0)
    admin.settings.set("support_holidays_delay", "да")
    on = admin.support.correct(card.id)
    assert on.row.effective_at == dt.datetime(2026, 1, 12, 14, 0)
    assert on.effective_text == "изменения вступят в силу в понедельник 12.01 после 14:00"
    clock.now = local("31.12.2025 15:00")
    with pytest.raises(ServiceError, match="рано"):
        admin.support.check(card.id, solved=True)
    # The school's own day off counts too, with the option on.
    school.calendar.set_day(d("18.11.2026"), OverrideKind.DAY_OFF, "Карантин, приказ № 214")
    clock.now = local("17.11.2026 09:00")
    other = staff["teacher"].support.create(intake(full_name="Петров Пётр Ильич"))
    assert admin.support.correct(other.id).row.effective_at == dt.datetime(2026, 11, 19, 14, 0)
    admin.settings.set("support_holidays_delay", "нет")
    assert admin.support.correct(other.id).row.effective_at == dt.datetime(2026, 11, 18, 14, 0)


# -- the request to СТП --------------------------------------------------------------------------------------------


def test_the_request_to_stp_is_an_eml_with_every_field_and_every_file(staff, school, clock, tmp_path: Path):
    admin = staff["admin"]
    card = staff["teacher"].support.create(
        intake(files=(FileIn("Скриншот дневника.png", PNG), FileIn("экран 2.jpg", JPEG)))
    )
    to_not_solved(admin, clock, card.id)
    out = tmp_path / "письма" / "заявка.eml"
    sent = admin.support.send_to_stp(
        card.id, letter(files=(FileIn("видео ошибки.mp4", MP4), FileIn("ещё экран.png", PNG[::-1]))), out=out
    )
    assert sent.path == out and out.read_bytes() == sent.data and not sent.followup
    assert sent.name == "Э-2025-0001 заявка в СТП.eml"
    message = parse(sent.data)
    assert message["To"].addresses[0].addr_spec == "support@epos-test.ru"
    assert message["Subject"] == "Не отображаются оценки [Э-2025/0001]"
    assert message["X-Unsent"] == "1"
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    text = body.get_content()
    for line in (
        "Тема заявки: Не отображаются оценки",
        "Проблема: Обучающийся не видит оценки за ноябрь в дневнике",
        "ФИО пользователя: Иванова Алёна Петровна",
        "Роль пользователя: обучающийся",
        "Территория: Пермский край, г. Пермь",
        "Наименование образовательной организации: МАОУ «Средняя общеобразовательная школа № 1»",
        "Действие, после которого возникает ошибка: Вход через Госуслуги, раздел «Дневник»",
        "Дата рождения: 01.03.2014",
        "Электронная почта (Госуслуги): ivanova.alena@mail.ru",
        "Номер запроса в школе: Э-2025/0001",
        "Широких Елена Александровна, каб. 314А",
    ):
        assert line in text, line
    assert attachments(message) == {
        "Скриншот дневника.png": ("image/png", PNG),
        "экран 2.jpg": ("image/jpeg", JPEG),
        "видео ошибки.mp4": ("video/mp4", MP4),
        "ещё экран.png": ("image/png", PNG[::-1]),
    }
    after = admin.support.card(card.id)
    assert (after.row.status, after.row.stage, after.row.stp_open) == (Status.AT_STP, Stage.AT_STP, True)
    assert after.row.standing == "в СТП с сегодняшнего дня"
    assert after.stp_subject == "Не отображаются оценки"
    assert len(after.files) == 4
    step = after.history[-1]
    assert step.kind is StepKind.STP_SENT and step.letter is not None
    assert [f.name for f in step.files] == ["видео ошибки.mp4", "ещё экран.png"]
    assert admin.support.letter(step.step_id) == (sent.name, sent.data)
    assert school.support.attachment(step.files[0].id) == ("видео ошибки.mp4", MP4)
    # The same request cannot be sent twice: a follow-up is offered.
    with pytest.raises(ServiceError, match="добавьте к ней дополнение"):
        admin.support.send_to_stp(card.id, letter())
    assert after.can_followup and Step.SEND_TO_STP not in after.steps


@pytest.mark.parametrize(
    ("setting", "fields", "keys"),
    [
        ({"support_territory": ""}, {}, {"territory"}),
        ({"stp_email": ""}, {}, {"stp_email"}),
        ({}, {"subject": " "}, {"subject"}),
        ({}, {"action": ""}, {"action"}),
        ({}, {"problem": "", "subject": ""}, {"problem", "subject"}),
    ],
)
def test_a_request_to_stp_missing_a_required_field_is_refused_and_nothing_is_recorded(
    staff, school, clock, setting, fields, keys
):
    admin = staff["admin"]
    card = staff["teacher"].support.create(intake())
    to_not_solved(admin, clock, card.id)
    if setting:
        school.settings.update(setting)
    assert set(admin.support.stp_problems(card.id, letter(**fields))) == keys
    before = state(school, card.id)
    with pytest.raises(ValidationError) as info:
        admin.support.send_to_stp(card.id, letter(**fields))
    assert set(info.value.fields) == keys
    if "territory" in keys:
        assert "«Территория»" in info.value.fields["territory"]
    if "subject" in keys:
        assert "«Тема заявки»" in info.value.fields["subject"]
    if "action" in keys:
        assert "«Действие, после которого возникает ошибка»" in info.value.fields["action"]
    assert state(school, card.id) == before


def test_a_second_stp_request_for_the_same_person_is_refused_naming_the_first(staff, school, clock):
    admin, teacher = staff["admin"], staff["teacher"]
    first = teacher.support.create(intake())
    second = staff["teacher2"].support.create(
        intake(full_name="  иванова АЛЕНА петровна", description="Другое")
    )
    stranger = teacher.support.create(intake(birth_date=d("02.03.2014")))  # a namesake born on another day
    admin.support.send_to_stp(first.id, letter())
    admin.support.set_stp_number(first.id, "№ 48213")
    clock.advance(hours=1)
    before = state(school, second.id)
    with pytest.raises(DuplicateStpRequest) as info:
        admin.support.send_to_stp(second.id, letter())
    assert (
        "Э-2025/0001" in str(info.value) and "№ 48213" in str(info.value) and "21.11.2025" in str(info.value)
    )
    assert info.value.open_request.number == first.number
    assert info.value.open_request.stp_number == "48213"
    assert isinstance(info.value, ConflictError)
    assert state(school, second.id) == before
    assert [o.number for o in admin.support.card(second.id).other_open_stp] == [first.number]
    assert Step.SEND_TO_STP not in admin.support.card(second.id).steps
    assert [o.number for o in teacher.support.open_at_stp("ИВАНОВА Алёна Петровна", d("01.03.2014"))] == [
        first.number
    ]
    # A namesake with another date of birth is another person.
    admin.support.send_to_stp(stranger.id, letter())
    # Once the first is solved, the second may go.
    admin.support.check(first.id, solved=True)
    sent = admin.support.send_to_stp(second.id, letter())
    assert sent.number == second.number
    assert admin.support.card(second.id).row.status is Status.AT_STP


def test_after_the_first_is_closed_the_second_may_be_sent(staff, clock):
    admin = staff["admin"]
    first = staff["teacher"].support.create(intake())
    second = staff["teacher"].support.create(intake())
    admin.support.send_to_stp(first.id, letter())
    with pytest.raises(DuplicateStpRequest):
        admin.support.send_to_stp(second.id, letter())
    admin.support.close(first.id, "Дубликат запроса Э-2025/0002")
    assert not admin.support.card(first.id).row.stp_open
    admin.support.send_to_stp(second.id, letter())


def test_a_followup_goes_to_the_same_request_with_its_own_files(staff, school, clock, tmp_path: Path):
    admin = staff["admin"]
    card = staff["teacher"].support.create(intake())
    with pytest.raises(ServiceError, match="нет открытой заявки в СТП"):
        admin.support.add_followup(card.id, "Ещё одна подробность")
    first = admin.support.send_to_stp(card.id, letter())
    with pytest.raises(ValidationError) as empty:
        admin.support.add_followup(card.id, "   ")
    assert set(empty.value.fields) == {"text"}
    numbered = admin.support.set_stp_number(card.id, " №  48213 ")
    assert numbered.row.stp_number == "48213"
    assert numbered.history[-1].kind is StepKind.STP_NUMBER
    clock.advance(days=3)
    out = tmp_path / "дополнение.eml"
    sent = admin.support.add_followup(
        card.id, "Ошибка сохраняется и в мобильном приложении", [FileIn("видео 2.mp4", MP4)], out=out
    )
    assert sent.followup and out.read_bytes() == sent.data
    assert sent.name == "Э-2025-0001 дополнение в СТП 1.eml"
    message = parse(sent.data)
    assert message["Subject"] == "Re: Дополнение к заявке № 48213: Не отображаются оценки [Э-2025/0001]"
    assert message["To"].addresses[0].addr_spec == "support@epos-test.ru"
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    text = body.get_content()
    assert "Дополнение к заявке № 48213 от 21.11.2025:" in text
    assert "Ошибка сохраняется и в мобильном приложении" in text
    assert "ФИО пользователя: Иванова Алёна Петровна" in text
    assert attachments(message) == {"видео 2.mp4": ("video/mp4", MP4)}  # only its own files
    after = admin.support.card(card.id)
    assert after.followups == 1 and after.row.status is Status.AT_STP
    step = after.history[-1]
    assert step.kind is StepKind.FOLLOWUP and [f.name for f in step.files] == ["видео 2.mp4"]
    assert admin.support.letter(step.step_id) == (sent.name, sent.data)
    second = admin.support.add_followup(card.id, "Скриншот из приложения", [FileIn("телефон.png", PNG)])
    assert second.name == "Э-2025-0001 дополнение в СТП 2.eml" and second.path is None
    assert admin.support.card(card.id).followups == 2
    # The first letter is still kept as written.
    sent_step = next(h for h in after.history if h.kind is StepKind.STP_SENT)
    assert admin.support.letter(sent_step.step_id) == (first.name, first.data)
    replied = admin.support.record_stp_reply(card.id, "Заявка передана разработчикам")
    assert replied.history[-1].kind is StepKind.STP_REPLY


def test_a_followup_brings_a_request_that_was_not_solved_back_to_stp(staff, clock):
    admin = staff["admin"]
    card = staff["teacher"].support.create(intake())
    admin.support.send_to_stp(card.id, letter())
    to_not_solved(admin, clock, card.id)  # СТП advised a correction; it did not help
    assert admin.support.card(card.id).row.status is Status.NOT_SOLVED
    with pytest.raises(ServiceError, match="добавьте к ней дополнение"):
        admin.support.send_to_stp(card.id, letter())
    admin.support.add_followup(card.id, "Исправление по совету СТП не помогло")
    assert admin.support.card(card.id).row.status is Status.AT_STP


# -- closing, rights, versions ------------------------------------------------------------------------------------


def test_closing_needs_a_reason_and_ends_the_request(staff, school):
    admin = staff["admin"]
    card = staff["teacher"].support.create(intake())
    before = state(school, card.id)
    with pytest.raises(ValidationError) as info:
        admin.support.close(card.id, "  ")
    assert set(info.value.fields) == {"note"}
    assert state(school, card.id) == before
    closed = admin.support.close(card.id, "Пользователь выбыл из школы")
    assert (closed.row.status, closed.row.stage, closed.row.urgency) == (
        Status.CLOSED,
        Stage.DONE,
        Urgency.ANSWERED,
    )
    assert closed.close_note == "Пользователь выбыл из школы" and closed.steps == frozenset()
    with pytest.raises(ServiceError, match="уже в статусе «Закрыто»"):
        admin.support.correct(card.id)


def test_a_class_teacher_sees_only_the_requests_they_brought(staff, school):
    mine = [
        staff["teacher"].support.create(intake()),
        staff["teacher"].support.create(intake(class_name="6Б")),
    ]
    other = staff["teacher2"].support.create(intake(full_name="Петров Пётр Ильич"))
    teacher = staff["teacher"]
    assert teacher.support.count() == 2
    assert {r.number for r in teacher.support.page()} == {c.number for c in mine}
    assert teacher.support.find(other.number) is None
    assert teacher.support.find(mine[0].number) == mine[0].id
    assert teacher.support.summary().open == 2
    for call in (
        lambda: teacher.support.card(other.id),
        lambda: teacher.support.attachment(other.files[0].id),
        lambda: teacher.support.stp_request(other.id, letter()),
    ):
        with pytest.raises(PermissionDenied, match="другой классный руководитель"):
            call()
    assert teacher.support.card(mine[0].id).number == mine[0].number
    assert teacher.support.count(SupportFilter(search="пётр ильич")) == 0
    # The administrator and the director see all of them.
    assert staff["admin"].support.count() == 3 and staff["director"].support.count() == 3
    assert staff["deputy"].support.find(other.number) == other.id
    # A class teacher does not work the queue.
    with pytest.raises(PermissionDenied):
        teacher.support.correct(mine[0].id)


def test_the_administrators_work_is_refused_to_the_director_and_nothing_changes(staff, school):
    card = staff["teacher"].support.create(intake())
    director = staff["director"]
    before = state(school, card.id)
    for call in (
        lambda: director.support.correct(card.id),
        lambda: director.support.close(card.id, "Так решил директор"),
        lambda: director.support.send_to_stp(card.id, letter()),
        lambda: director.support.create(intake()),
    ):
        with pytest.raises(PermissionDenied):
            call()
    assert state(school, card.id) == before
    assert director.support.card(card.id).steps == frozenset()
    assert len(director.support.rows_for_export()) == 1
    with pytest.raises(PermissionDenied):
        staff["teacher"].support.rows_for_export()


def test_a_stale_version_is_refused_and_changes_nothing(staff, school, clock):
    admin = staff["admin"]
    card = staff["teacher"].support.create(intake())
    old = card.row.version
    fresh = admin.support.correct(card.id, version=old)
    assert fresh.row.version > old
    before = state(school, card.id)
    for call in (
        lambda: admin.support.correct(card.id, version=old),
        lambda: admin.support.close(card.id, "Дубликат", version=old),
        lambda: admin.support.check(card.id, solved=False, version=old),
        lambda: admin.support.send_to_stp(card.id, letter(), version=old),
    ):
        with pytest.raises(ConflictError, match="изменён другим пользователем"):
            call()
        assert state(school, card.id) == before
    admin.support.close(card.id, "Дубликат", version=fresh.row.version)


# -- the queue ------------------------------------------------------------------------------------------------------


def test_the_queue_filters_by_stage_action_long_stay_at_stp_search_and_class(staff, school, clock):
    admin, teacher = staff["admin"], staff["teacher"]
    school.settings.set("support_stp_remind_days", "5")

    def new(name: str, **fields: object) -> int:
        return teacher.support.create(intake(full_name=name, **fields)).id

    clock.now = local("10.11.2025 10:00")  # Monday
    long_stp = new("Долгов Олег Ильич", gosuslugi_email="dolgov@mail.ru")
    admin.support.send_to_stp(long_stp, letter())
    clock.now = local("12.11.2025 10:00")
    short_stp = new("Коротков Олег Ильич")
    admin.support.send_to_stp(short_stp, letter())
    clock.now = local("17.11.2025 10:00")  # Monday: five working days after 10.11, three after 12.11
    to_correct = new("Новикова Анна Петровна", class_name="9В")
    waiting = new("Ждунов Пётр Ильич")
    admin.support.correct(waiting)  # takes effect on 18.11 at 14:00
    to_check = new("Проверкина Алёна Ильинична", gosuslugi_email="proverkina@yandex.ru")
    admin.support.correct(to_check, local("13.11.2025 16:00"))  # took effect on 14.11
    to_stp = new("Отказов Иван Ильич")
    admin.support.correct(to_stp, local("13.11.2025 16:00"))
    admin.support.check(to_stp, solved=False)
    solved = new("Решенов Иван Ильич")
    admin.support.correct(solved, local("13.11.2025 16:00"))
    admin.support.check(solved, solved=True)
    closed = new("Закрытов Иван Ильич")
    admin.support.close(closed, "Обратился повторно, дубликат")

    def ids(**flt: object) -> set[int]:
        return {r.id for r in admin.support.page(SupportFilter(**flt))}  # type: ignore[arg-type]

    assert ids(stage=Stage.TO_CORRECT) == {to_correct}
    assert ids(stage=Stage.WAITING_EFFECT) == {waiting}
    assert ids(stage=Stage.TO_CHECK) == {to_check}
    assert ids(stage=Stage.TO_STP) == {to_stp}
    assert ids(stage=Stage.AT_STP) == {long_stp, short_stp}
    assert ids(stage=Stage.DONE) == {solved, closed}
    assert ids(needs_action=True) == {to_correct, to_check, to_stp}
    assert ids(long_at_stp=True) == {long_stp}
    assert ids(active=False) == {solved, closed}
    assert len(ids(active=True)) == 6
    assert ids(search="Э-2025/0003") == {to_correct}
    assert ids(search="ПРОВЕРКИНА алена") == {to_check}
    assert ids(search="dolgov@mail") == {long_stp}
    assert ids(class_name="9в") == {to_correct}
    assert ids(role=UserRole.TEACHER) == set()
    rows = {r.id: r for r in admin.support.page()}
    assert (rows[long_stp].urgency, rows[long_stp].standing) == (Urgency.OVERDUE, "в СТП 5 рабочих дней")
    assert (rows[short_stp].urgency, rows[short_stp].standing) == (Urgency.ON_TRACK, "в СТП 3 рабочих дня")
    summary = admin.support.summary()
    assert summary.open == 6 and summary.long_at_stp == 1 and summary.needs_action == 3
    assert summary.by_stage == {
        Stage.TO_CORRECT: 1,
        Stage.WAITING_EFFECT: 1,
        Stage.TO_CHECK: 1,
        Stage.TO_STP: 1,
        Stage.AT_STP: 2,
    }
    assert admin.support.count(SupportFilter(needs_action=True)) == 3
    # Once the correction takes effect, the request waits for a check.
    clock.now = local("18.11.2025 14:00")
    assert ids(stage=Stage.TO_CHECK) == {to_check, waiting}
    assert ids(stage=Stage.WAITING_EFFECT) == set()
    # The reminder is a setting.
    school.settings.set("support_stp_remind_days", "3")
    assert ids(long_at_stp=True) == {long_stp, short_stp}
    assert admin.support.summary().long_at_stp == 2


def test_a_request_sent_to_stp_on_a_day_off_is_long_at_stp_in_the_filter_as_in_its_row(staff, school, clock):
    admin = staff["admin"]
    school.settings.set("support_stp_remind_days", "1")
    clock.now = local("22.11.2025 11:00")  # Saturday
    card = staff["teacher"].support.create(intake())
    admin.support.send_to_stp(card.id, letter())
    clock.now = local("24.11.2025 09:00")  # Monday: one working day
    row = admin.support.page()[0]
    assert (row.urgency, row.standing) == (Urgency.OVERDUE, "в СТП 1 рабочий день")
    assert [r.id for r in admin.support.page(SupportFilter(long_at_stp=True))] == [card.id]
    assert admin.support.summary().long_at_stp == 1
    clock.now = local("23.11.2025 20:00")  # Sunday: none yet
    assert admin.support.page(SupportFilter(long_at_stp=True)) == []


# -- the record ------------------------------------------------------------------------------------------------------


def test_every_change_and_every_look_is_recorded_with_the_actor(staff, school, clock):
    admin, teacher = staff["admin"], staff["teacher"]
    card = teacher.support.create(intake())
    to_not_solved(admin, clock, card.id)
    sent = admin.support.send_to_stp(card.id, letter())
    admin.support.set_stp_number(card.id, "48213")
    admin.support.add_followup(card.id, "Дополнение")
    admin.support.record_stp_reply(card.id, "Исправлено на стороне ЭПОС")
    admin.support.check(card.id, solved=True)
    step_id = next(h.step_id for h in admin.support.card(card.id).history if h.kind is StepKind.STP_SENT)
    admin.support.letter(step_id)
    admin.support.attachment(card.files[0].id)
    changes = [(e.action, e.actor) for e in events(school, number=card.number) if e.kind == "change"]
    assert changes == [
        ("create", NAMES["teacher"]),
        ("corrected", NAMES["admin"]),
        ("checked", NAMES["admin"]),
        ("stp_sent", NAMES["admin"]),
        ("stp_number", NAMES["admin"]),
        ("stp_followup", NAMES["admin"]),
        ("stp_reply", NAMES["admin"]),
        ("checked", NAMES["admin"]),
    ]
    looks = [(e.action, e.actor) for e in events(school) if e.kind == "access"]
    assert ("open", NAMES["admin"]) in looks
    assert ("open_letter", NAMES["admin"]) in looks and ("open_file", NAMES["admin"]) in looks
    assert looks[-2:] == [("open_letter", NAMES["admin"]), ("open_file", NAMES["admin"])]
    created = events(school, "create", number=card.number)[0]
    assert created.actor_id == teacher.ctx.actor.user_id and created.at == local("21.11.2025 10:00")
    assert created.after is not None and created.after["person"] == "Иванова Алёна Петровна"
    stp_sent = events(school, "stp_sent")[0]
    assert stp_sent.after is not None and stp_sent.after["to"] == "support@epos-test.ru"
    assert stp_sent.actor_id == admin.ctx.actor.user_id
    assert sent.number == card.number


def test_contacts_come_from_the_settings(staff, school):
    contacts = staff["teacher"].support.contacts()
    assert (contacts.admin_name, contacts.admin_room) == (NAMES["admin"], "каб. 314А")
    assert (contacts.stp_phone, contacts.stp_email) == ("+7 (800) 350-18-77", "support@epos-test.ru")
    assert contacts.stp_web_form == "https://edu-epos.permkrai.ru/support/support-form"
    assert contacts.school == "МАОУ «СОШ № 1»" and not contacts.admin_missing
    # The administrator keeps the section's contacts, not the rest of the settings.
    assert staff["admin"].support.set_contacts({"epos_admin_room": "каб. 1"}) == {"epos_admin_room": "каб. 1"}
    assert staff["teacher"].support.contacts().admin_room == "каб. 1"
    changed = [e for e in _settings_events(school) if e.actor == NAMES["admin"]]
    assert changed and changed[-1].kind == "change"
    with pytest.raises(ServiceError, match="school_name"):
        staff["admin"].support.set_contacts({"school_name": "Другая школа"})
    with pytest.raises(PermissionDenied, match="контакты администратора ЭПОС и СТП"):
        staff["teacher"].support.set_contacts({"epos_admin_room": "каб. 2"})
    assert school.settings.get("epos_admin_room") == "каб. 1"


def _settings_events(services: Services) -> list[Event]:
    with services.ctx.transaction() as session:
        return list(session.scalars(select(Event).where(Event.entity == "settings").order_by(Event.id)))


def test_a_request_the_administrator_takes_in_for_a_class_teacher_is_seen_by_that_teacher(staff, school):
    brought = staff["admin"].support.create(intake(brought_by=NAMES["teacher"].upper()))
    nobody = staff["admin"].support.create(intake(full_name="Петров Пётр Ильич", brought_by="Иванова Анна Петровна"))
    teacher = staff["teacher"]
    assert teacher.support.find(brought.number) == brought.id
    assert teacher.support.find(nobody.number) is None
    assert staff["teacher2"].support.find(brought.number) is None
