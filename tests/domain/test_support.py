"""Support requests for the e-journal (seed 001, DOMAIN.md §3), the pure rules: when a correction takes effect (every
expected moment worked out by hand on the Russian production calendar), the words for it, the intake's and the СТП
request's required fields, which step each status allows, the queue's standing, the user's role and the person's key."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.domain.calendar import WorkCalendar
from desktop.domain.support import (
    ALLOWED,
    Intake,
    Stage,
    Status,
    Step,
    StpRequest,
    Urgency,
    UserRole,
    correction_effective_at,
    effective_text,
    format_number,
    intake_problems,
    person_key,
    standing,
    step_problem,
    stp_days_open,
    stp_problems,
)

YEKB = ZoneInfo("Asia/Yekaterinburg")
CAL = WorkCalendar()


def at(text: str) -> dt.datetime:
    """«ДД.ММ.ГГГГ ЧЧ:ММ» as a naive wall-clock moment."""
    return dt.datetime.strptime(text, "%d.%m.%Y %H:%M")


def d(text: str) -> dt.date:
    return dt.datetime.strptime(text, "%d.%m.%Y").date()


# -- when a correction takes effect -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changed", "effective"),
    [
        # The week of 17–21 November 2025 (Monday to Friday), and its weekend.
        ("17.11.2025 10:00", dt.datetime(2025, 11, 18, 14, 0)),  # Mon → Tue
        ("18.11.2025 10:00", dt.datetime(2025, 11, 19, 14, 0)),  # Tue → Wed
        ("19.11.2025 10:00", dt.datetime(2025, 11, 20, 14, 0)),  # Wed → Thu
        ("20.11.2025 10:00", dt.datetime(2025, 11, 21, 14, 0)),  # Thu → Fri
        ("21.11.2025 10:00", dt.datetime(2025, 11, 24, 14, 0)),  # Fri → Mon
        ("21.11.2025 19:30", dt.datetime(2025, 11, 24, 14, 0)),  # Friday evening → Monday
        ("22.11.2025 11:00", dt.datetime(2025, 11, 24, 14, 0)),  # Sat → Mon
        ("23.11.2025 18:00", dt.datetime(2025, 11, 24, 14, 0)),  # Sun → Mon
        # The hour does not matter (taken literally): before and after 14:00 of the same day.
        ("17.11.2025 09:00", dt.datetime(2025, 11, 18, 14, 0)),
        ("17.11.2025 13:59", dt.datetime(2025, 11, 18, 14, 0)),
        ("17.11.2025 14:01", dt.datetime(2025, 11, 18, 14, 0)),
        ("17.11.2025 16:00", dt.datetime(2025, 11, 18, 14, 0)),
        ("17.11.2025 00:00", dt.datetime(2025, 11, 18, 14, 0)),
        ("17.11.2025 23:59", dt.datetime(2025, 11, 18, 14, 0)),  # just before midnight
        ("18.11.2025 00:00", dt.datetime(2025, 11, 19, 14, 0)),  # just after it
        ("20.11.2025 23:59", dt.datetime(2025, 11, 21, 14, 0)),
        ("21.11.2025 23:59", dt.datetime(2025, 11, 24, 14, 0)),
        # Holidays do not delay it by default: only Saturday and Sunday are named by the regulation.
        ("30.12.2025 10:00", dt.datetime(2025, 12, 31, 14, 0)),  # 31.12.2025 is a day off, but a Wednesday
        ("11.06.2025 10:00", dt.datetime(2025, 6, 12, 14, 0)),  # 12.06 Russia Day, a Thursday
        (
            "07.03.2026 10:00",
            dt.datetime(2026, 3, 9, 14, 0),
        ),  # Saturday → Monday 09.03 (a day off for 8 March)
        ("08.05.2025 10:00", dt.datetime(2025, 5, 9, 14, 0)),  # Thursday → Friday 09.05, Victory Day
        ("31.10.2025 10:00", dt.datetime(2025, 11, 3, 14, 0)),  # Friday → Monday 03.11 (a day off)
        ("01.11.2025 10:00", dt.datetime(2025, 11, 3, 14, 0)),  # a working Saturday is still a Saturday
    ],
)
def test_a_correction_takes_effect_the_next_day_after_14_except_saturday_and_sunday(changed, effective):
    assert correction_effective_at(at(changed)) == effective
    assert correction_effective_at(at(changed), skip_holidays=False, calendar=CAL) == effective


@pytest.mark.parametrize(
    ("changed", "effective"),
    [
        # 31.12.2025 (moved from 05.01) and 1–11 January 2026 are days off: Monday 12.01.2026.
        ("30.12.2025 10:00", dt.datetime(2026, 1, 12, 14, 0)),
        # 12.06.2025 Russia Day and 13.06.2025 (moved from 08.03, a Saturday), then the weekend: Monday 16.06.
        ("11.06.2025 10:00", dt.datetime(2025, 6, 16, 14, 0)),
        # 08.03.2026 is a Sunday: Monday 09.03.2026 is the day off instead, so Tuesday 10.03.
        ("07.03.2026 10:00", dt.datetime(2026, 3, 10, 14, 0)),
        # 09.05.2025 Victory Day (Friday), the weekend: Monday 12.05.
        ("08.05.2025 10:00", dt.datetime(2025, 5, 12, 14, 0)),
        # 01.11.2025 is a working Saturday (its day off moved to 03.11): a Saturday stays skipped, 03.11 and
        # 04.11 are days off, so Wednesday 05.11.
        ("31.10.2025 10:00", dt.datetime(2025, 11, 5, 14, 0)),
        ("01.11.2025 10:00", dt.datetime(2025, 11, 5, 14, 0)),
        # An ordinary week does not change.
        ("17.11.2025 10:00", dt.datetime(2025, 11, 18, 14, 0)),
        ("21.11.2025 19:30", dt.datetime(2025, 11, 24, 14, 0)),
    ],
)
def test_with_the_option_on_days_off_of_the_calendar_delay_it_too(changed, effective):
    assert correction_effective_at(at(changed), skip_holidays=True, calendar=CAL) == effective
    # Without a calendar the production calendar is used.
    assert correction_effective_at(at(changed), skip_holidays=True) == effective


def test_the_schools_own_day_off_delays_it_only_with_the_option_on():
    quarantine = WorkCalendar(days_off=[d("18.11.2025"), d("19.11.2025")])
    assert correction_effective_at(
        at("17.11.2025 10:00"), skip_holidays=True, calendar=quarantine
    ) == dt.datetime(2025, 11, 20, 14, 0)
    assert correction_effective_at(at("17.11.2025 10:00"), calendar=quarantine) == dt.datetime(
        2025, 11, 18, 14, 0
    )
    # A Saturday the school makes a working day is still a Saturday.
    saturday = WorkCalendar(workdays=[d("22.11.2025")])
    assert correction_effective_at(
        at("21.11.2025 10:00"), skip_holidays=True, calendar=saturday
    ) == dt.datetime(2025, 11, 24, 14, 0)


def test_an_aware_moment_gives_an_aware_result_in_the_same_zone_and_a_naive_one_a_naive_result():
    aware = correction_effective_at(dt.datetime(2025, 11, 21, 19, 30, tzinfo=YEKB))
    assert aware == dt.datetime(2025, 11, 24, 14, 0, tzinfo=YEKB)
    assert aware.tzinfo is YEKB and aware.utcoffset() == dt.timedelta(hours=5)
    assert aware.astimezone(dt.UTC) == dt.datetime(2025, 11, 24, 9, 0, tzinfo=dt.UTC)
    naive = correction_effective_at(dt.datetime(2025, 11, 21, 19, 30))
    assert naive == dt.datetime(2025, 11, 24, 14, 0) and naive.tzinfo is None
    on = correction_effective_at(
        dt.datetime(2025, 12, 30, 9, 0, tzinfo=YEKB), skip_holidays=True, calendar=CAL
    )
    assert on == dt.datetime(2026, 1, 12, 14, 0, tzinfo=YEKB) and on.tzinfo is YEKB


@given(
    changed=st.datetimes(min_value=dt.datetime(2024, 1, 1), max_value=dt.datetime(2027, 12, 31, 23, 59)),
    skip=st.booleans(),
)
def test_the_effect_is_always_14_00_on_a_weekday_after_the_day_of_the_change(changed, skip):
    result = correction_effective_at(changed, skip_holidays=skip, calendar=CAL)
    assert result.time() == dt.time(14, 0) and result.tzinfo is None
    assert result.weekday() < 5
    assert result.date() > changed.date()
    if skip:
        assert CAL.is_working_day(result.date())
        days = result.date() - changed.date()
        # Every day in between is a weekend or a day off.
        for i in range(1, days.days):
            between = changed.date() + dt.timedelta(days=i)
            assert between.weekday() >= 5 or not CAL.is_working_day(between)
    else:
        assert (result.date() - changed.date()).days <= 3
        if changed.weekday() < 4:
            assert result.date() == changed.date() + dt.timedelta(days=1)


@given(changed=st.datetimes(min_value=dt.datetime(2024, 1, 1), max_value=dt.datetime(2027, 12, 31)))
def test_the_hour_of_the_change_never_matters(changed):
    morning = changed.replace(hour=0, minute=0, second=0, microsecond=0)
    assert correction_effective_at(changed) == correction_effective_at(morning)


# -- the words --------------------------------------------------------------------------------------------------


def test_the_words_for_the_effect_name_the_weekday_the_date_and_the_hour():
    monday = dt.datetime(2025, 11, 24, 14, 0)
    assert effective_text(monday) == "изменения вступят в силу в понедельник 24.11 после 14:00"
    assert (
        effective_text(dt.datetime(2025, 11, 18, 14, 0))
        == "изменения вступят в силу во вторник 18.11 после 14:00"
    )
    assert (
        effective_text(dt.datetime(2025, 11, 19, 14, 0))
        == "изменения вступят в силу в среду 19.11 после 14:00"
    )
    assert (
        effective_text(dt.datetime(2025, 11, 20, 14, 0))
        == "изменения вступят в силу в четверг 20.11 после 14:00"
    )
    assert (
        effective_text(dt.datetime(2025, 11, 21, 14, 0))
        == "изменения вступят в силу в пятницу 21.11 после 14:00"
    )
    assert (
        effective_text(dt.datetime(2026, 1, 12, 14, 0))
        == "изменения вступят в силу в понедельник 12.01 после 14:00"
    )
    assert (
        effective_text(monday, dt.datetime(2025, 11, 24, 13, 59))
        == "изменения вступят в силу в понедельник 24.11 после 14:00"
    )
    assert effective_text(monday, monday) == "изменения вступили в силу в понедельник 24.11 после 14:00"
    assert (
        effective_text(monday, dt.datetime(2025, 11, 25, 9, 0))
        == "изменения вступили в силу в понедельник 24.11 после 14:00"
    )
    aware = dt.datetime(2025, 11, 24, 14, 0, tzinfo=YEKB)
    assert effective_text(aware, dt.datetime(2025, 11, 24, 9, 0, tzinfo=dt.UTC)).startswith(
        "изменения вступили"
    )
    assert effective_text(aware, dt.datetime(2025, 11, 24, 8, 59, tzinfo=dt.UTC)).startswith(
        "изменения вступят"
    )


def test_numbers():
    assert format_number(2026, 7) == "Э-2026/0007"
    assert format_number(2025, 1234) == "Э-2025/1234"


# -- the intake --------------------------------------------------------------------------------------------------

TODAY = d("23.11.2026")


def intake(**fields: object) -> Intake:
    values: dict[str, object] = {
        "full_name": "Иванова Алёна Петровна",
        "birth_date": d("01.03.2014"),
        "gosuslugi_email": "ivanova.alena@mail.ru",
        "screenshots": 1,
        "role": UserRole.STUDENT,
        "class_name": "6А",
        "brought_by": "Смирнова Ольга Павловна",
        "description": "Не видит оценки за ноябрь",
    }
    values.update(fields)
    return Intake(**values)  # type: ignore[arg-type]


def test_a_complete_intake_has_no_problems():
    assert intake_problems(intake(), TODAY) == {}
    # A teacher needs no class.
    assert intake_problems(intake(role=UserRole.TEACHER, class_name=""), TODAY) == {}
    # Born today is not in the future.
    assert intake_problems(intake(birth_date=TODAY), TODAY) == {}


@pytest.mark.parametrize(
    ("fields", "key", "words"),
    [
        ({"full_name": ""}, "full_name", "Укажите фамилию, имя и отчество пользователя."),
        ({"full_name": "   "}, "full_name", "Укажите фамилию, имя и отчество пользователя."),
        ({"full_name": "Иванова"}, "full_name", "Укажите фамилию и имя пользователя полностью"),
        ({"birth_date": None}, "birth_date", "Укажите дату рождения пользователя."),
        ({"birth_date": d("24.11.2026")}, "birth_date", "Дата рождения 24.11.2026 ещё не наступила."),
        ({"birth_date": d("01.01.1900")}, "birth_date", "Дата рождения 01.01.1900: проверьте год."),
        ({"gosuslugi_email": ""}, "gosuslugi_email", "Укажите электронную почту, с которой пользователь"),
        ({"gosuslugi_email": "  "}, "gosuslugi_email", "Укажите электронную почту, с которой пользователь"),
        ({"gosuslugi_email": "ivanova@mail"}, "gosuslugi_email", "«ivanova@mail» записан неверно"),
        ({"gosuslugi_email": "ivanova mail.ru"}, "gosuslugi_email", "записан неверно"),
        ({"screenshots": 0}, "screenshots", "Приложите хотя бы один скриншот экрана"),
        ({"role": None}, "role", "Укажите роль пользователя"),
        ({"class_name": ""}, "class_name", "Укажите класс обучающегося."),
        ({"role": UserRole.PARENT, "class_name": " "}, "class_name", "Укажите класс обучающегося."),
        ({"class_name": "шестой А класс"}, "class_name", "Класс записывается коротко"),
        ({"brought_by": ""}, "brought_by", "Укажите классного руководителя"),
        ({"description": " "}, "description", "Опишите, что не работает."),
        ({"description": "х" * 4001}, "description", "Описание не длиннее 4000 знаков (сейчас 4001)."),
    ],
)
def test_each_problem_of_an_intake_names_its_field(fields, key, words):
    problems = intake_problems(intake(**fields), TODAY)
    assert set(problems) == {key}
    assert words in problems[key]


def test_all_four_required_items_missing_are_named_at_once():
    problems = intake_problems(
        intake(full_name="", birth_date=None, gosuslugi_email="", screenshots=0), TODAY
    )
    assert set(problems) == {"full_name", "birth_date", "gosuslugi_email", "screenshots"}


# -- the request to СТП ---------------------------------------------------------------------------------------------


def stp(**fields: object) -> StpRequest:
    values: dict[str, object] = {
        "subject": "Не отображаются оценки",
        "problem": "Обучающийся не видит оценки за ноябрь в дневнике",
        "full_name": "Иванова Алёна Петровна",
        "role": "обучающийся",
        "territory": "Пермский край, г. Пермь",
        "school": "МАОУ «СОШ № 1»",
        "action": "Открыть раздел «Дневник»",
        "files": 2,
    }
    values.update(fields)
    return StpRequest(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("key", "label"),
    [
        ("subject", "Тема заявки"),
        ("problem", "Проблема"),
        ("full_name", "ФИО пользователя"),
        ("role", "Роль пользователя"),
        ("territory", "Территория"),
        ("school", "Наименование образовательной организации"),
        ("action", "Действие, после которого возникает ошибка"),
    ],
)
@pytest.mark.parametrize("blank", ["", "  \n "])
def test_each_required_field_of_a_request_to_stp_missing_is_named(key, label, blank):
    assert stp_problems(stp()) == {}
    problems = stp_problems(stp(**{key: blank}))
    assert set(problems) == {key}
    assert problems[key].startswith(f"Не заполнено поле «{label}».")


def test_the_settings_behind_territory_and_school_are_pointed_at():
    assert "в настройках раздела «Поддержка ЭПОС»" in stp_problems(stp(territory=""))["territory"]
    assert "в настройках" in stp_problems(stp(school=""))["school"]


def test_a_request_to_stp_needs_a_screenshot_or_a_video():
    problems = stp_problems(stp(files=0))
    assert set(problems) == {"files"}
    assert "скриншот" in problems["files"] and "видео" in problems["files"]
    everything = stp_problems(StpRequest("", "", "", "", "", "", "", 0))
    assert list(everything) == [
        "subject",
        "problem",
        "full_name",
        "role",
        "territory",
        "school",
        "action",
        "files",
    ]


def test_long_fields_of_a_request_to_stp_are_refused():
    assert "не длиннее 200 знаков (сейчас 201)" in stp_problems(stp(subject="т" * 201))["subject"]
    assert "не длиннее 4000 знаков" in stp_problems(stp(problem="т" * 4001))["problem"]
    assert "не длиннее 4000 знаков" in stp_problems(stp(action="т" * 4001))["action"]


# -- statuses and steps ------------------------------------------------------------------------------------------

BEFORE = dt.datetime(2025, 11, 24, 13, 59)
EFFECT = dt.datetime(2025, 11, 24, 14, 0)
AFTER = dt.datetime(2025, 11, 24, 14, 0)

OK = None
#: Every status against every step, written out by hand (after the correction took effect).
GRID: dict[Status, dict[Step, str | None]] = {
    Status.NEW: {
        Step.CORRECT: OK,
        Step.SOLVED: "Нельзя отметить «решено»: запрос в статусе «Новая».",
        Step.NOT_SOLVED: "Нельзя отметить «не решено»: запрос в статусе «Новая».",
        Step.SEND_TO_STP: OK,
        Step.CLOSE: OK,
    },
    Status.CORRECTED: {
        Step.CORRECT: OK,
        Step.SOLVED: OK,
        Step.NOT_SOLVED: OK,
        Step.SEND_TO_STP: "Сначала проверьте с пользователем, помогло ли исправление: отметьте «не решено».",
        Step.CLOSE: OK,
    },
    Status.NOT_SOLVED: {
        Step.CORRECT: OK,
        Step.SOLVED: "Нельзя отметить «решено»: запрос в статусе «Не решено».",
        Step.NOT_SOLVED: "Нельзя отметить «не решено»: запрос в статусе «Не решено».",
        Step.SEND_TO_STP: OK,
        Step.CLOSE: OK,
    },
    Status.AT_STP: {
        Step.CORRECT: OK,
        Step.SOLVED: OK,
        Step.NOT_SOLVED: "Запрос уже в СТП: добавьте дополнение к заявке в СТП.",
        Step.SEND_TO_STP: OK,
        Step.CLOSE: OK,
    },
    Status.SOLVED: {step: "Запрос уже в статусе «Решено»: его нельзя изменить." for step in Step},
    Status.CLOSED: {step: "Запрос уже в статусе «Закрыто»: его нельзя изменить." for step in Step},
}


@pytest.mark.parametrize("step", list(Step), ids=str)
@pytest.mark.parametrize("status", list(Status), ids=str)
def test_which_step_each_status_allows(status, step):
    assert step_problem(status, step, EFFECT, AFTER) == GRID[status][step]
    assert (GRID[status][step] is None) == (step in ALLOWED[status])


def test_the_grid_covers_every_status_and_step():
    assert set(GRID) == set(Status) and all(set(row) == set(Step) for row in GRID.values())


@pytest.mark.parametrize("step", [Step.SOLVED, Step.NOT_SOLVED])
def test_a_check_before_the_correction_takes_effect_is_refused_with_the_effect_words(step):
    assert step_problem(Status.CORRECTED, step, EFFECT, BEFORE) == (
        "Проверять с пользователем рано: изменения вступят в силу в понедельник 24.11 после 14:00. "
        "До этого пользователь не увидит исправления."
    )
    assert step_problem(Status.CORRECTED, step, EFFECT, EFFECT) is None
    assert step_problem(Status.CORRECTED, step, None, BEFORE) is None
    # A new correction or closing does not wait for the effect.
    assert step_problem(Status.CORRECTED, Step.CORRECT, EFFECT, BEFORE) is None
    assert step_problem(Status.CORRECTED, Step.CLOSE, EFFECT, BEFORE) is None
    # СТП's work is checked at any time.
    assert step_problem(Status.AT_STP, Step.SOLVED, EFFECT, BEFORE) is None


def test_final_statuses():
    assert {s for s in Status if s.final} == {Status.SOLVED, Status.CLOSED}
    assert [s.label for s in Status] == ["Новая", "Исправлено", "Не решено", "В СТП", "Решено", "Закрыто"]


# -- the queue -----------------------------------------------------------------------------------------------------


def test_standing_of_each_stage():
    now = dt.datetime(2025, 11, 24, 10, 0)
    new = standing(Status.NEW, None, None, now, CAL)
    assert (new.stage, new.urgency, new.text) == (
        Stage.TO_CORRECT,
        Urgency.DUE_TODAY,
        "проверить данные и исправить",
    )
    waiting = standing(Status.CORRECTED, EFFECT, None, now, CAL)
    assert (waiting.stage, waiting.urgency, waiting.text) == (
        Stage.WAITING_EFFECT,
        Urgency.ON_TRACK,
        "изменения вступят в силу в понедельник 24.11 после 14:00",
    )
    check = standing(Status.CORRECTED, EFFECT, None, EFFECT, CAL)
    assert (check.stage, check.urgency, check.text) == (
        Stage.TO_CHECK,
        Urgency.DUE_TODAY,
        "проверить с пользователем",
    )
    to_stp = standing(Status.NOT_SOLVED, EFFECT, None, now, CAL)
    assert (to_stp.stage, to_stp.urgency, to_stp.text) == (
        Stage.TO_STP,
        Urgency.DUE_TODAY,
        "направить заявку в СТП",
    )
    solved = standing(Status.SOLVED, EFFECT, d("21.11.2025"), now, CAL)
    assert (solved.stage, solved.urgency, solved.text) == (Stage.DONE, Urgency.ANSWERED, "решено")
    closed = standing(Status.CLOSED, None, None, now, CAL)
    assert (closed.stage, closed.urgency, closed.text) == (Stage.DONE, Urgency.ANSWERED, "закрыто")


def test_standing_at_stp_counts_working_days_across_a_weekend_and_holidays():
    today = standing(Status.AT_STP, None, d("24.11.2025"), at("24.11.2025 17:00"), CAL)
    assert (today.stage, today.urgency, today.text) == (
        Stage.AT_STP,
        Urgency.ON_TRACK,
        "в СТП с сегодняшнего дня",
    )
    # Sent on a Friday: one working day on Monday.
    monday = standing(Status.AT_STP, None, d("21.11.2025"), at("24.11.2025 09:00"), CAL)
    assert (monday.urgency, monday.text) == (Urgency.ON_TRACK, "в СТП 1 рабочий день")
    # Thursday 30.10.2025 → Wednesday 05.11.2025: 31.10, the working Saturday 01.11 and 05.11 (03–04.11 are off).
    assert stp_days_open(d("30.10.2025"), d("05.11.2025"), CAL) == 3
    nov = standing(Status.AT_STP, None, d("30.10.2025"), at("05.11.2025 09:00"), CAL, remind_days=3)
    assert (nov.urgency, nov.text) == (Urgency.OVERDUE, "в СТП 3 рабочих дня")
    assert (
        standing(Status.AT_STP, None, d("30.10.2025"), at("05.11.2025 09:00"), CAL, 4).urgency
        is Urgency.ON_TRACK
    )
    # 30.12.2025 → 12.01.2026: only 12.01 is a working day.
    assert stp_days_open(d("30.12.2025"), d("12.01.2026"), CAL) == 1
    assert stp_days_open(d("30.12.2025"), d("11.01.2026"), CAL) == 0
    # Monday 17.11 → Monday 24.11.2025: five working days, the default reminder.
    week = standing(Status.AT_STP, None, d("17.11.2025"), at("24.11.2025 09:00"), CAL)
    assert (week.urgency, week.text) == (Urgency.OVERDUE, "в СТП 5 рабочих дней")
    assert stp_days_open(d("24.11.2025"), d("24.11.2025"), CAL) == 0
    assert stp_days_open(d("25.11.2025"), d("24.11.2025"), CAL) == 0


# -- the user's role and the person ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("student", UserRole.STUDENT),
        ("Обучающийся", UserRole.STUDENT),
        ("  УЧЕНИК ", UserRole.STUDENT),
        ("parent", UserRole.PARENT),
        ("родитель (законный   представитель)", UserRole.PARENT),
        ("Мать", UserRole.PARENT),
        ("законный представитель", UserRole.PARENT),
        ("TEACHER", UserRole.TEACHER),
        ("педагог", UserRole.TEACHER),
        ("Классный  руководитель", UserRole.TEACHER),
    ],
)
def test_the_users_role_is_read_from_its_usual_words(text, role):
    assert UserRole.parse(text) is role


@pytest.mark.parametrize("text", ["", "директор", "бабушка"])
def test_an_unknown_role_is_refused_with_the_choices(text):
    with pytest.raises(ValueError) as info:
        UserRole.parse(text)
    assert f"Неизвестная роль пользователя «{text}»" in str(info.value)
    assert "«обучающийся», «родитель» или «педагог»" in str(info.value)


def test_role_labels():
    assert [r.label for r in UserRole] == ["обучающийся", "родитель (законный представитель)", "педагог"]


def test_the_persons_key_ignores_case_yo_and_spaces_but_not_the_birth_date():
    born = d("01.03.2014")
    key = person_key("Иванова Алёна Петровна", born)
    assert key == "иванова алена петровна|2014-03-01"
    assert person_key("  ИВАНОВА   АЛЕНА петровна ", born) == key
    assert person_key("иванова\tалЁна\nпетровна", born) == key
    assert person_key("Иванова Алёна Петровна", d("02.03.2014")) != key
    assert person_key("Иванова Алина Петровна", born) != key
