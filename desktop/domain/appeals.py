"""Appeals (seed 000): rubrics, channels, the escalation chain and its due moments, urgency, repeats.

Pure rules: no clock, no database. Moments are timezone-aware; a term's dates are taken in the school's time zone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from zoneinfo import ZoneInfo

from desktop.domain.calendar import WorkCalendar
from desktop.domain.russian import plural

# The shared term helpers, under the names the appeals' code has always used (rules.time_left ...).
from desktop.domain.terms import email_problem as email_problem
from desktop.domain.terms import end_of_day as end_of_day
from desktop.domain.terms import explain_term as explain_term
from desktop.domain.terms import local_date as local_date
from desktop.domain.terms import time_left as time_left

#: seed 000 §1: «Текст обращения ограничен 500 символами».
MAX_TEXT_LENGTH = 500
#: seed 000 §1 allows one file; its size limit is a **decision** (DOMAIN.md §2), kept as a setting with this default.
DEFAULT_ATTACHMENT_LIMIT_MIB = 10
#: seed 000 §2, «Технический вопрос»: an answer «в срок не более 30 календарных дней».
TECHNICAL_TERM_CALENDAR_DAYS = 30
#: seed 000 §3: «В случае пятого повторного обращения … уведомлением направляется в Департамент»;
#: **decision** (DOMAIN.md §2): and on every later repeat too.
DEPARTMENT_NOTICE_FROM_REPEAT = 5

NUMBER_PREFIX = "О"


class Rubric(StrEnum):
    SCHOOL = "school"
    TECHNICAL = "technical"

    @property
    def label(self) -> str:
        return RUBRIC_LABELS[self]


RUBRIC_LABELS = {Rubric.SCHOOL: "Вопрос к школе", Rubric.TECHNICAL: "Технический вопрос"}


class Channel(StrEnum):
    """How the appeal reached the school."""

    IN_PERSON = "in_person"
    POST = "post"
    EMAIL = "email"
    SITE = "site"
    POS = "pos"
    AIS = "ais"

    @property
    def label(self) -> str:
        return CHANNEL_LABELS[self]


CHANNEL_LABELS = {
    Channel.IN_PERSON: "лично",
    Channel.POST: "почта",
    Channel.EMAIL: "e-mail",
    Channel.SITE: "сайт",
    Channel.POS: "ПОС",
    Channel.AIS: "АИС",
}


class Delivery(StrEnum):
    """How an answer was handed to the applicant."""

    IN_PERSON = "in_person"
    POST = "post"
    EMAIL = "email"

    @property
    def label(self) -> str:
        return DELIVERY_LABELS[self]


DELIVERY_LABELS = {Delivery.IN_PERSON: "лично", Delivery.POST: "почта", Delivery.EMAIL: "e-mail"}


class Level(StrEnum):
    """Who holds the appeal now (seed 000 §2)."""

    DEPUTY = "deputy"
    DIRECTOR = "director"
    MUNICIPAL = "municipal"
    DEPARTMENT = "department"
    SUI = "sui"

    @property
    def label(self) -> str:
        return LEVEL_LABELS[self]

    @property
    def rank(self) -> int:
        return LEVEL_RANK[self]

    @property
    def in_school(self) -> bool:
        return self in (Level.DEPUTY, Level.DIRECTOR)

    @property
    def left_school(self) -> bool:
        return self in (Level.MUNICIPAL, Level.DEPARTMENT)


LEVEL_LABELS = {
    Level.DEPUTY: "Заместитель директора",
    Level.DIRECTOR: "Директор",
    Level.MUNICIPAL: "Муниципальный орган управления образованием",
    Level.DEPARTMENT: "Департамент образования и науки",
    Level.SUI: "Система управления инцидентами",
}
LEVEL_RANK = {Level.DEPUTY: 1, Level.DIRECTOR: 2, Level.MUNICIPAL: 3, Level.DEPARTMENT: 4, Level.SUI: 5}

#: seed 000 §2: the chain of a «Вопрос к школе», each level's term in working days counted from the end of the
#: previous level's term. The Department has no term: the appeal has left the school's and the municipality's hands.
CHAIN: tuple[Level, ...] = (Level.DEPUTY, Level.DIRECTOR, Level.MUNICIPAL, Level.DEPARTMENT)
TERMS_WORKING_DAYS: dict[Level, int] = {Level.DEPUTY: 3, Level.DIRECTOR: 2, Level.MUNICIPAL: 3}


class Status(StrEnum):
    OPEN = "open"
    ANSWERED = "answered"
    SUI = "sui"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS = {Status.OPEN: "На рассмотрении", Status.ANSWERED: "Ответ дан", Status.SUI: "Передано в СУИ"}


def _by_label(enum: type, labels: dict, text: str, extra: dict[str, object] | None = None) -> object | None:
    key = " ".join(str(text).split()).casefold()
    for member, label in labels.items():
        if label.casefold() == key or member.value == key:
            return member
    return (extra or {}).get(key)


def rubric_from_text(text: str) -> Rubric | None:
    """«Вопрос к школе» / «Технический вопрос» (also the seed's own spellings «Вопрос школе», «Технические вопросы»)."""
    found = _by_label(
        Rubric,
        RUBRIC_LABELS,
        text,
        {"вопрос школе": Rubric.SCHOOL, "технические вопросы": Rubric.TECHNICAL},
    )
    return found if isinstance(found, Rubric) else None


def channel_from_text(text: str) -> Channel | None:
    found = _by_label(
        Channel,
        CHANNEL_LABELS,
        text,
        {"email": Channel.EMAIL, "e-mail": Channel.EMAIL, "электронная почта": Channel.EMAIL, "лично": Channel.IN_PERSON},
    )
    return found if isinstance(found, Channel) else None


def delivery_from_text(text: str) -> Delivery | None:
    found = _by_label(Delivery, DELIVERY_LABELS, text, {"email": Delivery.EMAIL, "электронная почта": Delivery.EMAIL})
    return found if isinstance(found, Delivery) else None


# -- numbers and checks -------------------------------------------------------------------------------------


def format_number(year: int, seq: int) -> str:
    """The register number: «О-2026/0001», unique in its year."""
    return f"{NUMBER_PREFIX}-{year}/{seq:04d}"


def text_problem(text: str) -> str | None:
    """seed 000 §1: the text is required and at most 500 characters."""
    if not text.strip():
        return "Введите текст обращения."
    if len(text) > MAX_TEXT_LENGTH:
        extra = len(text) - MAX_TEXT_LENGTH
        return (
            f"Текст обращения — {len(text)} {plural(len(text), 'знак', 'знака', 'знаков')}, а можно не больше "
            f"{MAX_TEXT_LENGTH}: сократите на {extra} {plural(extra, 'знак', 'знака', 'знаков')}."
        )
    return None


def needs_department_notice(repeat_no: int) -> bool:
    """seed 000 §3: the 5th repeat in a thread, and (decision) every later one, is notified to the Department."""
    return repeat_no >= DEPARTMENT_NOTICE_FROM_REPEAT


# -- the chain ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Stage:
    """A level an appeal is at: since when, and the day (and moment, its end) by which that level must answer."""

    level: Level
    since: dt.datetime
    due_date: dt.date | None
    due_at: dt.datetime | None
    #: The day the term was counted from, and its length, for the card's explanation.
    counted_from: dt.date | None = None
    term: int = 0


def first_stage(rubric: Rubric, registered_at: dt.datetime, calendar: WorkCalendar, tz: ZoneInfo) -> Stage:
    """Where a new appeal goes (seed 000 §2): a «Вопрос к школе» to the deputy director with 3 working days, a
    «Технический вопрос» to the СУИ with 30 calendar days (moved to the next working day, Civil Code art. 193)."""
    day = local_date(registered_at, tz)
    if rubric is Rubric.TECHNICAL:
        return sui_stage(registered_at, calendar, tz)
    term = TERMS_WORKING_DAYS[Level.DEPUTY]
    due = calendar.add_working_days(day, term)
    return Stage(Level.DEPUTY, registered_at, due, end_of_day(due, tz), day, term)


def sui_stage(since: dt.datetime, calendar: WorkCalendar, tz: ZoneInfo) -> Stage:
    """At the СУИ the answer is due in 30 calendar days from `since` (seed 000 §2; DOMAIN.md §1 calendar days)."""
    day = local_date(since, tz)
    due = calendar.calendar_days_deadline(day, TECHNICAL_TERM_CALENDAR_DAYS)
    return Stage(Level.SUI, since, due, end_of_day(due, tz), day, TECHNICAL_TERM_CALENDAR_DAYS)


def next_stage(stage: Stage, calendar: WorkCalendar, tz: ZoneInfo) -> Stage | None:
    """The level an unanswered appeal passes to when `stage`'s term ends, entered at that due moment; None at the
    end of the chain (the Department) and at the СУИ, which do not escalate."""
    if stage.level not in TERMS_WORKING_DAYS or stage.due_date is None or stage.due_at is None:
        return None
    following = CHAIN[CHAIN.index(stage.level) + 1]
    term = TERMS_WORKING_DAYS.get(following)
    if term is None:
        return Stage(following, stage.due_at, None, None, None, 0)
    due = calendar.add_working_days(stage.due_date, term)
    return Stage(following, stage.due_at, due, end_of_day(due, tz), stage.due_date, term)


def escalations(stage: Stage, until: dt.datetime, calendar: WorkCalendar, tz: ZoneInfo) -> list[Stage]:
    """Every level the appeal passes to while nobody answers, up to the moment `until` (inclusive: at its due
    moment a term has ended). Each stage's `since` is the due moment of the one before: the true history, however
    late somebody looks."""
    passed: list[Stage] = []
    current: Stage | None = stage
    while current is not None and current.due_at is not None and current.due_at <= until:
        current = next_stage(current, calendar, tz)
        if current is not None:
            passed.append(current)
    return passed


def is_on_time(due_at: dt.datetime | None, answered_at: dt.datetime) -> bool:
    return due_at is None or answered_at < due_at


# -- urgency ---------------------------------------------------------------------------------------------------


class Urgency(StrEnum):
    """How a queue row is marked: by colour, by icon and by words."""

    ON_TRACK = "on_track"  # more than 1 working day left
    ONE_DAY = "one_day"  # 1 working day left
    DUE_TODAY = "due_today"
    OVERDUE = "overdue"  # the term has passed (at the СУИ, or before the sweep has run)
    ESCALATED = "escalated"  # here because a lower level missed its term
    LEFT_SCHOOL = "left_school"  # at the municipal body or the Department
    ANSWERED = "answered"

    @property
    def label(self) -> str:
        return URGENCY_LABELS[self]


URGENCY_LABELS = {
    Urgency.ON_TRACK: "в срок",
    Urgency.ONE_DAY: "остался 1 рабочий день",
    Urgency.DUE_TODAY: "срок сегодня",
    Urgency.OVERDUE: "срок прошёл",
    Urgency.ESCALATED: "передано выше: нижний уровень пропустил срок",
    Urgency.LEFT_SCHOOL: "ушло из школы",
    Urgency.ANSWERED: "ответ дан",
}


def urgency(
    status: Status, level: Level, due_date: dt.date | None, today: dt.date, calendar: WorkCalendar
) -> Urgency:
    if status is Status.ANSWERED:
        return Urgency.ANSWERED
    if level.left_school:
        return Urgency.LEFT_SCHOOL
    if due_date is not None and due_date < today:
        return Urgency.OVERDUE
    if level is Level.DIRECTOR:
        return Urgency.ESCALATED
    if due_date is None or due_date == today:
        return Urgency.DUE_TODAY if due_date is not None else Urgency.ON_TRACK
    return Urgency.ONE_DAY if calendar.working_days_between(today, due_date) <= 1 else Urgency.ON_TRACK
