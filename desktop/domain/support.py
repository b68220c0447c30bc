"""Support requests for the e-journal (seed 001, DOMAIN.md §3): what opens a request, when a correction takes effect,
the request to the e-journal's technical support (СТП) and its required fields, statuses and who moves them, urgency.

Pure: no clock, no database. Moments are passed in; the school's calendar is passed in when it is needed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from desktop.domain.calendar import WorkCalendar
from desktop.domain.russian import WEEKDAYS_ON, working_days_phrase
from desktop.domain.terms import email_problem

NUMBER_PREFIX = "Э"
MAX_DESCRIPTION = 4000
MAX_FIELD = 500
#: seed 001: "вступают в силу на следующий день после 14.00".
EFFECT_HOUR = dt.time(14, 0)
#: Working days a request may stay open at СТП before the queue marks it (a setting; no regulation term).
DEFAULT_STP_REMIND_DAYS = 5
#: Contacts printed in seed 001: the defaults of the settings.
DEFAULT_STP_PHONE = "+7 (800) 350-18-77"
DEFAULT_STP_EMAIL = "support-epos@permkrai.ru"
DEFAULT_STP_WEB_FORM = "https://edu-epos.permkrai.ru/support/support-form"


def format_number(year: int, seq: int) -> str:
    """«Э-2026/0007»."""
    return f"{NUMBER_PREFIX}-{year}/{seq:04d}"


# -- when a correction takes effect ---------------------------------------------------------------------------------


def correction_effective_at(
    changed_at: dt.datetime, *, skip_holidays: bool = False, calendar: WorkCalendar | None = None
) -> dt.datetime:
    """When a change made in the e-journal by the school's administrator at `changed_at` becomes visible to the user.

    seed 001: "изменения … вступают в силу на следующий день после 14.00 (кроме субботы и воскресенья)". Taken
    literally (DOMAIN.md §3): 14:00 on the first day after the day of the change that is not a Saturday or a Sunday; the
    hour of the change does not matter. With `skip_holidays` (a school setting, off by default) a day off of the
    calendar (a public holiday, a transferred day off, the school's own) is skipped too; a Saturday or Sunday stays
    skipped even when the calendar makes it a working day, as the regulation names them.

    The result is in the same clock as `changed_at`: a naive moment is the school's wall-clock time and gives a naive
    result; an aware one gives an aware result in the same zone.
    """
    if skip_holidays and calendar is None:
        calendar = WorkCalendar(strict=False)
    day = changed_at.date() + dt.timedelta(days=1)
    while day.weekday() >= 5 or (skip_holidays and calendar is not None and not calendar.is_working_day(day)):
        day += dt.timedelta(days=1)
    return dt.datetime.combine(day, EFFECT_HOUR, tzinfo=changed_at.tzinfo)


def effective_text(effective_at: dt.datetime, now: dt.datetime | None = None) -> str:
    """«изменения вступят в силу в понедельник 24.11 после 14:00» (or «вступили», once `now` has reached it).

    Both moments in the same clock (the school's wall-clock time, or both aware)."""
    when = f"{WEEKDAYS_ON[effective_at.weekday()]} {effective_at:%d.%m} после {effective_at:%H:%M}"
    if now is not None and now >= effective_at:
        return f"изменения вступили в силу {when}"
    return f"изменения вступят в силу {when}"


# -- the person and the intake --------------------------------------------------------------------------------------


class UserRole(StrEnum):
    """The e-journal user's role (seed 001: «роль пользователя»)."""

    STUDENT = "student"
    PARENT = "parent"
    TEACHER = "teacher"

    @property
    def label(self) -> str:
        return USER_ROLE_LABELS[self]

    @classmethod
    def parse(cls, text: str) -> UserRole:
        key = " ".join(text.split()).casefold()
        for role in cls:
            if key in {role.value, role.label.casefold(), *_ROLE_WORDS[role]}:
                return role
        raise ValueError(
            f"Неизвестная роль пользователя «{text}»: укажите «обучающийся», «родитель» или «педагог»."
        )


USER_ROLE_LABELS = {
    UserRole.STUDENT: "обучающийся",
    UserRole.PARENT: "родитель (законный представитель)",
    UserRole.TEACHER: "педагог",
}
_ROLE_WORDS = {
    UserRole.STUDENT: {"ученик", "ученица", "учащийся", "обучающийся", "студент"},
    UserRole.PARENT: {"родитель", "законный представитель", "мать", "отец", "опекун"},
    UserRole.TEACHER: {"учитель", "педагог", "классный руководитель", "сотрудник"},
}


@dataclass(frozen=True)
class Intake:
    """What a class teacher brings (seed 001): the four required items and what the administrator needs besides."""

    full_name: str
    birth_date: dt.date | None
    gosuslugi_email: str
    screenshots: int  # how many screenshot files are attached
    role: UserRole | None
    class_name: str
    brought_by: str
    description: str


#: The intake's fields in the order of the form, with their Russian names (used in every message).
INTAKE_LABELS = {
    "full_name": "ФИО пользователя",
    "birth_date": "Дата рождения",
    "gosuslugi_email": "Электронная почта (Госуслуги)",
    "screenshots": "Скриншоты ошибки",
    "role": "Роль пользователя",
    "class_name": "Класс",
    "brought_by": "Кто передал (классный руководитель)",
    "description": "Описание проблемы",
}


def intake_problems(data: Intake, today: dt.date) -> dict[str, str]:
    """Every problem of an intake, by field; empty when the request may be opened.

    seed 001: full name, date of birth, the e-mail used for Госуслуги and screenshots are required; the role, class
    (for a student or a parent), who brought it and what is wrong are what the administrator needs to act."""
    p: dict[str, str] = {}
    name = " ".join(data.full_name.split())
    if not name:
        p["full_name"] = "Укажите фамилию, имя и отчество пользователя."
    elif len(name.split()) < 2:
        p["full_name"] = "Укажите фамилию и имя пользователя полностью (и отчество, если есть)."
    elif len(name) > 200:
        p["full_name"] = "ФИО не длиннее 200 знаков."
    if data.birth_date is None:
        p["birth_date"] = "Укажите дату рождения пользователя."
    elif data.birth_date > today:
        p["birth_date"] = f"Дата рождения {data.birth_date:%d.%m.%Y} ещё не наступила."
    elif data.birth_date.year < today.year - 110:
        p["birth_date"] = f"Дата рождения {data.birth_date:%d.%m.%Y}: проверьте год."
    email = data.gosuslugi_email.strip()
    if not email:
        p["gosuslugi_email"] = "Укажите электронную почту, с которой пользователь зарегистрирован на Госуслугах."
    else:
        problem = email_problem(email)
        if problem:
            p["gosuslugi_email"] = problem
    if data.screenshots < 1:
        p["screenshots"] = "Приложите хотя бы один скриншот экрана, подтверждающий ошибку."
    if data.role is None:
        p["role"] = "Укажите роль пользователя: обучающийся, родитель или педагог."
    if data.role in (UserRole.STUDENT, UserRole.PARENT) and not data.class_name.strip():
        p["class_name"] = "Укажите класс обучающегося."
    if len(data.class_name.strip()) > 8:
        p["class_name"] = "Класс записывается коротко: «5А», «11Б»."
    if not " ".join(data.brought_by.split()):
        p["brought_by"] = "Укажите классного руководителя, который передал обращение."
    description = data.description.strip()
    if not description:
        p["description"] = "Опишите, что не работает."
    elif len(description) > MAX_DESCRIPTION:
        p["description"] = f"Описание не длиннее {MAX_DESCRIPTION} знаков (сейчас {len(description)})."
    return p


# -- the request to СТП -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StpRequest:
    """seed 001: what a request to СТП must state. `files` counts the attached screenshots or videos."""

    subject: str
    problem: str
    full_name: str
    role: str
    territory: str
    school: str
    action: str
    files: int


#: The regulation's list, in its order, with the Russian names used in messages and in the letter.
STP_LABELS = {
    "subject": "Тема заявки",
    "problem": "Проблема",
    "full_name": "ФИО пользователя",
    "role": "Роль пользователя",
    "territory": "Территория",
    "school": "Наименование образовательной организации",
    "action": "Действие, после которого возникает ошибка",
    "files": "Скриншот или видео, подтверждающие ошибку",
}


def stp_problems(req: StpRequest) -> dict[str, str]:
    """Every required field of a request to СТП that is missing or too long, by field (seed 001)."""
    p: dict[str, str] = {}
    for key in ("subject", "problem", "full_name", "role", "territory", "school", "action"):
        value = " ".join(str(getattr(req, key)).split())
        label = STP_LABELS[key]
        if not value:
            hint = {
                "territory": " Заполните «Территория» в настройках раздела «Поддержка ЭПОС».",
                "school": " Заполните наименование школы в настройках.",
            }.get(key, "")
            p[key] = f"Не заполнено поле «{label}».{hint}"
        elif key == "subject" and len(value) > 200:
            p[key] = f"«{label}»: не длиннее 200 знаков (сейчас {len(value)})."
        elif key in ("problem", "action") and len(value) > MAX_DESCRIPTION:
            p[key] = f"«{label}»: не длиннее {MAX_DESCRIPTION} знаков (сейчас {len(value)})."
    if req.files < 1:
        p["files"] = f"Не приложен файл «{STP_LABELS['files']}»: приложите скриншот экрана или видео."
    return p


def first_problem(problems: Mapping[str, str]) -> str:
    return next(iter(problems.values()), "")


# -- statuses ---------------------------------------------------------------------------------------------------------


class Status(StrEnum):
    NEW = "new"
    CORRECTED = "corrected"
    NOT_SOLVED = "not_solved"
    AT_STP = "stp"
    SOLVED = "solved"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]

    @property
    def final(self) -> bool:
        return self in (Status.SOLVED, Status.CLOSED)


STATUS_LABELS = {
    Status.NEW: "Новая",
    Status.CORRECTED: "Исправлено",
    Status.NOT_SOLVED: "Не решено",
    Status.AT_STP: "В СТП",
    Status.SOLVED: "Решено",
    Status.CLOSED: "Закрыто",
}
ACTIVE = frozenset(s for s in Status if not s.final)


class Step(StrEnum):
    """What the administrator does to a request; each moves it to one status."""

    CORRECT = "correct"  # «исправлено» in the e-journal, with the moment of the change
    SOLVED = "solved"  # checked with the user: the problem is gone
    NOT_SOLVED = "not_solved"  # checked with the user: still there
    SEND_TO_STP = "send_to_stp"  # a request to СТП (or a follow-up to the open one)
    CLOSE = "close"  # closed without a solution (the user withdrew, left the school, a duplicate)


STEP_TARGET = {
    Step.CORRECT: Status.CORRECTED,
    Step.SOLVED: Status.SOLVED,
    Step.NOT_SOLVED: Status.NOT_SOLVED,
    Step.SEND_TO_STP: Status.AT_STP,
    Step.CLOSE: Status.CLOSED,
}

#: Which steps each status allows. A correction may be tried at any open stage (again after a check, or on СТП's
#: advice); the check needs a correction that has taken effect, or СТП's work; СТП needs a failed check or a request the
#: school cannot fix itself.
ALLOWED: dict[Status, frozenset[Step]] = {
    Status.NEW: frozenset({Step.CORRECT, Step.SEND_TO_STP, Step.CLOSE}),
    Status.CORRECTED: frozenset({Step.CORRECT, Step.SOLVED, Step.NOT_SOLVED, Step.CLOSE}),
    Status.NOT_SOLVED: frozenset({Step.CORRECT, Step.SEND_TO_STP, Step.CLOSE}),
    Status.AT_STP: frozenset({Step.CORRECT, Step.SOLVED, Step.SEND_TO_STP, Step.CLOSE}),
    Status.SOLVED: frozenset(),
    Status.CLOSED: frozenset(),
}


def step_problem(status: Status, step: Step, effective_at: dt.datetime | None, now: dt.datetime) -> str | None:
    """Why `step` cannot be taken on a request in `status` now, in Russian; None when it can.

    `effective_at` and `now` in the same clock."""
    if status.final:
        return f"Запрос уже в статусе «{status.label}»: его нельзя изменить."
    if step not in ALLOWED[status]:
        names = {
            Step.CORRECT: "отметить исправление",
            Step.SOLVED: "отметить «решено»",
            Step.NOT_SOLVED: "отметить «не решено»",
            Step.SEND_TO_STP: "направить заявку в СТП",
            Step.CLOSE: "закрыть запрос",
        }
        if step is Step.NOT_SOLVED and status is Status.AT_STP:
            return "Запрос уже в СТП: добавьте дополнение к заявке в СТП."
        if step is Step.SEND_TO_STP and status is Status.CORRECTED:
            return "Сначала проверьте с пользователем, помогло ли исправление: отметьте «не решено»."
        return f"Нельзя {names[step]}: запрос в статусе «{status.label}»."
    if (
        step in (Step.SOLVED, Step.NOT_SOLVED)
        and status is Status.CORRECTED
        and effective_at is not None
        and now < effective_at
    ):
        return (
            f"Проверять с пользователем рано: {effective_text(effective_at, now)}. "
            "До этого пользователь не увидит исправления."
        )
    return None


# -- urgency in the queue ---------------------------------------------------------------------------------------------


class Stage(StrEnum):
    """What an open request waits for: what the queue shows and filters by."""

    TO_CORRECT = "to_correct"  # new: the administrator checks the data and corrects it
    WAITING_EFFECT = "waiting_effect"  # corrected, not yet visible to the user
    TO_CHECK = "to_check"  # the correction has taken effect: ask the user
    TO_STP = "to_stp"  # not solved: a request to СТП (or a follow-up) is needed
    AT_STP = "at_stp"  # open at СТП
    DONE = "done"

    @property
    def label(self) -> str:
        return STAGE_LABELS[self]


STAGE_LABELS = {
    Stage.TO_CORRECT: "проверить данные и исправить",
    Stage.WAITING_EFFECT: "ждёт вступления изменений в силу",
    Stage.TO_CHECK: "проверить с пользователем",
    Stage.TO_STP: "направить заявку в СТП",
    Stage.AT_STP: "в СТП",
    Stage.DONE: "завершено",
}


class Urgency(StrEnum):
    """The queue's colour: values shared with the other queues' looks."""

    ON_TRACK = "on_track"  # waiting for something that is not late (the effect, СТП within its days)
    DUE_TODAY = "due_today"  # the administrator has something to do now
    OVERDUE = "overdue"  # open at СТП for longer than the school's reminder
    ANSWERED = "answered"  # solved or closed


def stage(status: Status, effective_at: dt.datetime | None, now: dt.datetime) -> Stage:
    if status.final:
        return Stage.DONE
    if status is Status.NEW:
        return Stage.TO_CORRECT
    if status is Status.CORRECTED:
        return Stage.WAITING_EFFECT if effective_at is not None and now < effective_at else Stage.TO_CHECK
    if status is Status.NOT_SOLVED:
        return Stage.TO_STP
    return Stage.AT_STP


@dataclass(frozen=True)
class Standing:
    """A request's place in the queue: its stage, colour and the words for it."""

    stage: Stage
    urgency: Urgency
    text: str


def standing(
    status: Status,
    effective_at: dt.datetime | None,
    stp_sent_on: dt.date | None,
    now: dt.datetime,
    calendar: WorkCalendar,
    remind_days: int = DEFAULT_STP_REMIND_DAYS,
) -> Standing:
    """Where a request stands at `now` (school wall-clock time, like `effective_at`)."""
    st = stage(status, effective_at, now)
    if st is Stage.DONE:
        return Standing(st, Urgency.ANSWERED, status.label.lower())
    if st is Stage.WAITING_EFFECT:
        assert effective_at is not None
        return Standing(st, Urgency.ON_TRACK, effective_text(effective_at, now))
    if st is Stage.AT_STP:
        days = stp_days_open(stp_sent_on, now.date(), calendar) if stp_sent_on else 0
        text = f"в СТП {working_days_phrase(days)}" if days else "в СТП с сегодняшнего дня"
        return Standing(st, Urgency.OVERDUE if days >= remind_days else Urgency.ON_TRACK, text)
    return Standing(st, Urgency.DUE_TODAY, st.label)


def stp_days_open(sent_on: dt.date, today: dt.date, calendar: WorkCalendar) -> int:
    """Whole working days a request has been open at СТП: sent on a Friday, it is 1 on Monday."""
    if today <= sent_on:
        return 0
    return calendar.working_days_between(sent_on, today)


def person_key(full_name: str, birth_date: dt.date) -> str:
    """What identifies one e-journal user: the name (case and «ё» do not matter) and the date of birth."""
    name = " ".join(full_name.split()).casefold().replace("ё", "е")
    return f"{name}|{birth_date.isoformat()}"
