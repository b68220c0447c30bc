"""Support requests for the e-journal (seed 001): intake from a class teacher, the administrator's correction and when
it takes effect, the check with the user, the request to СТП written as an e-mail (.eml) with its attachments, СТП's
number, follow-ups, closing; one open СТП request per user; the queue and the request's card; the contacts.

Every call is one transaction that checks the acting person's right, changes the request's row (its current state and
the moment the queue sorts by) and appends to its history (`support_steps`) and to the event log. A class teacher sees
only the requests they brought.
"""

from __future__ import annotations

import datetime as dt
import mimetypes
from collections.abc import Sequence
from dataclasses import dataclass, field
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import Session

from desktop.domain import support as rules
from desktop.domain.access import Action, ActorKind, Role
from desktop.domain.calendar import UnknownCalendarYear, WorkCalendar
from desktop.domain.families import name_key
from desktop.domain.support import (
    Intake,
    Stage,
    Standing,
    Status,
    Step,
    StpRequest,
    Urgency,
    UserRole,
)
from desktop.domain.terms import local_date
from desktop.services.errors import ConflictError, PermissionDenied, ServiceError, ValidationError
from desktop.services.files import FileIn, FileInfo, file_problem, load_file, store_file
from desktop.services.numbers import next_number
from desktop.services.school import SchoolService
from desktop.services.settings import SUPPORT_KEYS, YES
from desktop.store.models import (
    Attachment,
    Representative,
    SchoolClass,
    Student,
    SupportFile,
    SupportRequest,
    SupportStep,
    User,
)
from desktop.store.models import UserRole as UserRoleRow

ENTITY = "support"
MAX_FILES = 10
MAX_NOTE = 2000
#: The sort moment of a finished request, which waits for nothing: after every real moment.
NO_MOMENT = dt.datetime(9999, 12, 31, tzinfo=dt.UTC)


class StepKind(StrEnum):
    CREATED = "created"
    CORRECTED = "corrected"
    CHECKED = "checked"
    STP_SENT = "stp_sent"
    FOLLOWUP = "followup"
    STP_NUMBER = "stp_number"
    STP_REPLY = "stp_reply"
    CLOSED = "closed"


STEP_TITLES = {
    StepKind.CREATED: "Запрос принят",
    StepKind.CORRECTED: "Исправлено в ЭПОС",
    StepKind.CHECKED: "Проверено с пользователем",
    StepKind.STP_SENT: "Заявка в СТП",
    StepKind.FOLLOWUP: "Дополнение к заявке в СТП",
    StepKind.STP_NUMBER: "Номер заявки СТП",
    StepKind.STP_REPLY: "Ответ СТП",
    StepKind.CLOSED: "Запрос закрыт",
}


# -- data in and out ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SupportInput:
    """What a class teacher brings (seed 001) and the administrator needs; `files` are the screenshots."""

    full_name: str
    birth_date: dt.date | None
    gosuslugi_email: str
    role: UserRole | None
    class_name: str
    brought_by: str
    description: str
    files: tuple[FileIn, ...] = ()


@dataclass(frozen=True)
class StpLetter:
    """What the administrator writes to СТП besides what the request and the settings already hold; `files` are
    further screenshots or a video (the intake's screenshots go with the letter too)."""

    subject: str
    problem: str
    action: str
    files: tuple[FileIn, ...] = ()


@dataclass(frozen=True)
class SupportRow:
    id: int
    number: str
    received_at: dt.datetime  # school wall-clock time
    full_name: str
    birth_date: dt.date
    role: UserRole
    class_name: str
    brought_by: str
    status: Status
    stage: Stage
    urgency: Urgency
    standing: str
    effective_at: dt.datetime | None  # school wall-clock time
    stp_number: str
    stp_sent_at: dt.datetime | None
    stp_open: bool
    version: int


@dataclass(frozen=True)
class SupportHistoryItem:
    at: dt.datetime
    kind: StepKind
    title: str
    note: str
    actor: str
    status_from: Status | None
    status_to: Status | None
    letter: FileInfo | None
    files: tuple[FileInfo, ...]
    step_id: int


@dataclass(frozen=True)
class OpenStp:
    """A person's request that is open at СТП: named when a second one is refused."""

    id: int
    number: str
    stp_number: str
    sent_on: dt.date | None

    @property
    def text(self) -> str:
        stp = "заявка в СТП" + (f" № {self.stp_number}" if self.stp_number else "")
        if self.sent_on:
            stp += f" от {self.sent_on:%d.%m.%Y}"
        return f"запрос {self.number} ({stp})"


class DuplicateStpRequest(ConflictError):
    """seed 001: one open СТП request per user's problem; the open one is named and a follow-up offered."""

    def __init__(self, message: str, open_request: OpenStp) -> None:
        super().__init__(message)
        self.open_request = open_request


@dataclass(frozen=True)
class SupportCard:
    row: SupportRow
    gosuslugi_email: str
    description: str
    received_by: str
    files: tuple[FileInfo, ...]
    history: tuple[SupportHistoryItem, ...]
    corrected_at: dt.datetime | None
    correction_note: str
    effective_text: str
    stp_subject: str
    stp_problem: str
    stp_action: str
    followups: int
    close_note: str
    #: «есть в реестре семей: Иванов Иван Петрович, 5А» or «в реестре семей не найден».
    register_link: str
    student_id: int | None
    #: Other open requests at СТП of the same person (a second one cannot be sent).
    other_open_stp: tuple[OpenStp, ...]
    steps: frozenset[Step]
    can_followup: bool
    can_stp_number: bool

    @property
    def id(self) -> int:
        return self.row.id

    @property
    def number(self) -> str:
        return self.row.number


class SupportSort(StrEnum):
    NEXT = "next"
    NUMBER = "number"
    RECEIVED = "received"
    NAME = "name"
    CLASS = "class"
    STATUS = "status"


@dataclass(frozen=True)
class SupportFilter:
    stage: Stage | None = None
    active: bool | None = None  # True: open only, False: finished only
    needs_action: bool = False  # to correct, to check, to send to СТП
    long_at_stp: bool = False  # open at СТП for the reminder's working days or more
    role: UserRole | None = None
    class_name: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    search: str = ""


@dataclass(frozen=True)
class SupportSummary:
    open: int
    by_stage: dict[Stage, int] = field(default_factory=dict)
    long_at_stp: int = 0

    @property
    def needs_action(self) -> int:
        return sum(self.by_stage.get(s, 0) for s in (Stage.TO_CORRECT, Stage.TO_CHECK, Stage.TO_STP))


@dataclass(frozen=True)
class Contacts:
    """seed 001: the responsible administrator's card and СТП's contacts (settings)."""

    admin_name: str
    admin_room: str
    admin_phone: str
    stp_phone: str
    stp_email: str
    stp_web_form: str
    school: str

    @property
    def admin_missing(self) -> bool:
        return not self.admin_name


@dataclass(frozen=True)
class SentLetter:
    """A letter to СТП as written: where it was saved (if anywhere), its name and bytes, and whether it was a
    follow-up to the open request."""

    request_id: int
    number: str
    name: str
    data: bytes
    path: Path | None
    followup: bool


# -- the service ---------------------------------------------------------------------------------------------------


class SupportService(SchoolService):

    # -- context ------------------------------------------------------------------------------------------------

    def _calendar_rules(self) -> WorkCalendar:
        return self._calendar.work_calendar()

    def _only_own(self) -> bool:
        """A class teacher who is not the administrator or a manager sees only the requests they brought."""
        actor = self._ctx.actor
        if actor.kind is not ActorKind.USER:
            return False
        return Role.CLASS_TEACHER in actor.roles and actor.roles.isdisjoint(
            {Role.EPOS_ADMIN, Role.DIRECTOR, Role.DEPUTY}
        )

    def _now_local(self) -> dt.datetime:
        return self._ctx.clock().astimezone(self._settings.timezone())

    def _remind_days(self) -> int:
        return int(self._settings.get("support_stp_remind_days"))

    def effective_at(self, changed_at: dt.datetime) -> dt.datetime:
        """When a change made at `changed_at` takes effect, by the school's setting (seed 001, DOMAIN.md §3), as an
        aware moment in the school's time zone."""
        tz = self._settings.timezone()
        local = changed_at.astimezone(tz) if changed_at.tzinfo else changed_at.replace(tzinfo=tz)
        skip = self._settings.get("support_holidays_delay") == YES
        try:
            return rules.correction_effective_at(local, skip_holidays=skip, calendar=self._calendar_rules() if skip else None)
        except UnknownCalendarYear:
            return rules.correction_effective_at(local, skip_holidays=skip, calendar=WorkCalendar(strict=False))

    def contacts(self) -> Contacts:
        """The contacts to show in the section and print for class teachers: no personal data, no right needed."""
        s = self._settings.all()
        return Contacts(
            admin_name=s["epos_admin_name"],
            admin_room=s["epos_admin_room"],
            admin_phone=s["epos_admin_phone"],
            stp_phone=s["stp_phone"],
            stp_email=s["stp_email"],
            stp_web_form=s["stp_web_form"],
            school=s["school_short_name"] or s["school_name"],
        )

    def set_contacts(self, values: dict[str, str]) -> dict[str, str]:
        """The e-journal administrator keeps their own contacts and СТП's (seed 001): only the section's settings,
        checked and recorded by the settings; returns them as stored."""
        self._ctx.require(Action.SUPPORT_CONTACTS)
        foreign = sorted(set(values) - SUPPORT_KEYS)
        if foreign:
            raise ServiceError(f"Это не настройки раздела «Поддержка ЭПОС»: {', '.join(foreign)}.")
        return self._settings.update(values)

    # -- intake ------------------------------------------------------------------------------------------------------

    def check_input(self, data: SupportInput) -> dict[str, str]:
        """What is wrong with the intake form, field by field (empty when the request may be opened)."""
        intake = Intake(
            full_name=data.full_name,
            birth_date=data.birth_date,
            gosuslugi_email=data.gosuslugi_email,
            screenshots=len(data.files),
            role=data.role,
            class_name=data.class_name,
            brought_by=data.brought_by,
            description=data.description,
        )
        problems = rules.intake_problems(intake, self.today())
        if "screenshots" not in problems:
            problems.update(self._file_problems(data.files, "screenshots"))
        return problems

    def _file_problems(self, files: Sequence[FileIn], key: str) -> dict[str, str]:
        if len(files) > MAX_FILES:
            return {key: f"Можно приложить не больше {MAX_FILES} файлов."}
        limit = self._settings.appeal_attachment_limit()
        for file in files:
            problem = file_problem(file, limit)
            if problem:
                return {key: problem}
        return {}

    def create(self, data: SupportInput) -> SupportCard:
        """Open a request with its number, linked to the person in the families register when they are there."""
        self._ctx.require(Action.SUPPORT_CREATE)
        if self._only_own():  # a class teacher brings requests in their own name
            data = SupportInput(**{**data.__dict__, "brought_by": data.brought_by.strip() or self._ctx.actor.name})
        problems = self.check_input(data)
        if problems:
            raise ValidationError(problems)
        assert data.birth_date is not None and data.role is not None
        now = self._ctx.clock()
        tz = self._settings.timezone()
        with self._ctx.transaction(write=True) as session:
            received = local_date(now, tz)
            seq = next_number(session, rules.NUMBER_PREFIX, received.year)
            student_id, representative_id = _register_link(session, data.full_name, data.birth_date, data.role)
            req = SupportRequest(
                year=received.year,
                seq=seq,
                number=rules.format_number(received.year, seq),
                received_at=now,
                received_date=received,
                full_name=" ".join(data.full_name.split()),
                person_key=rules.person_key(data.full_name, data.birth_date),
                birth_date=data.birth_date,
                gosuslugi_email=data.gosuslugi_email.strip(),
                user_role=data.role.value,
                class_name=data.class_name.strip().upper().replace(" ", ""),
                brought_by=" ".join(data.brought_by.split()),
                brought_by_id=(
                    self._ctx.actor.user_id
                    if Role.CLASS_TEACHER in self._ctx.actor.roles
                    else _class_teacher_id(session, data.brought_by)
                ),
                description=data.description.strip(),
                student_id=student_id,
                representative_id=representative_id,
                status=Status.NEW.value,
                next_at=now,
                correction_note="",
                stp_subject="",
                stp_problem="",
                stp_action="",
                stp_number="",
                stp_open=False,
                followups=0,
                close_note="",
                created_by=self._ctx.actor.name,
                version=1,
            )
            req.search = _search_text(req)
            session.add(req)
            session.flush()
            step = self._step(session, req, StepKind.CREATED, now, status_to=Status.NEW)
            for file in data.files:
                stored = store_file(session, file, now=now, by=self._ctx.actor.name)
                session.add(SupportFile(request_id=req.id, attachment_id=stored.id, step_id=step.id))
            self._ctx.record(
                session, ENTITY, req.number, "create", None,
                {"person": req.full_name, "role": data.role.label, "class": req.class_name,
                 "brought_by": req.brought_by, "files": len(data.files)},
            )  # fmt: skip
            request_id = req.id
        return self.card(request_id, record_access=False)

    def open_at_stp(self, full_name: str, birth_date: dt.date, *, except_id: int | None = None) -> list[OpenStp]:
        """The person's requests that are open at СТП (to warn at intake and to refuse a second one)."""
        if not self._ctx.may(Action.SUPPORT_CREATE):
            self._ctx.require(Action.SUPPORT_VIEW)
        with self._ctx.transaction() as session:
            return _open_stp(session, rules.person_key(full_name, birth_date), except_id)

    # -- the administrator's steps -----------------------------------------------------------------------------------

    def correct(
        self, request_id: int, changed_at: dt.datetime | None = None, *, note: str = "", version: int | None = None
    ) -> SupportCard:
        """«Исправлено»: the administrator changed the user's data in the e-journal at `changed_at` (now when not
        given); the request waits until the change takes effect, then asks for a check with the user."""
        self._ctx.require(Action.SUPPORT_WORK)
        now = self._ctx.clock()
        changed = changed_at or now
        if changed.tzinfo is None:
            changed = changed.replace(tzinfo=self._settings.timezone())
        if changed > now + dt.timedelta(minutes=5):
            raise ValidationError({"changed_at": "Время исправления ещё не наступило: укажите, когда данные изменили."})
        note = _checked_note(note, "changed_at")
        effective = self.effective_at(changed)
        with self._ctx.transaction() as session:
            req = self._get(session, request_id, version=version, lock=True)
            if changed < req.received_at - dt.timedelta(days=7):
                raise ValidationError(
                    {"changed_at": f"Исправление не может быть раньше, чем за неделю до приёма запроса {req.number}."}
                )
            self._allow(req, Step.CORRECT, now)
            before = Status(req.status)
            req.corrected_at, req.effective_at, req.correction_note = changed, effective, note
            self._set_status(req, Status.CORRECTED, effective.astimezone(dt.UTC))
            words = rules.effective_text(effective)
            self._step(session, req, StepKind.CORRECTED, now, before, Status.CORRECTED, _join(words, note))
            self._ctx.record(
                session, ENTITY, req.number, "corrected", {"status": before.label},
                {"status": Status.CORRECTED.label, "changed_at": changed.isoformat(), "effective_at": effective.isoformat()},
            )  # fmt: skip
        return self.card(request_id, record_access=False)

    def check(self, request_id: int, solved: bool, *, note: str = "", version: int | None = None) -> SupportCard:
        """The administrator asked the user after the change took effect (or after СТП's work): solved or not."""
        self._ctx.require(Action.SUPPORT_WORK)
        now = self._ctx.clock()
        note = _checked_note(note, "note")
        with self._ctx.transaction() as session:
            req = self._get(session, request_id, version=version, lock=True)
            step = Step.SOLVED if solved else Step.NOT_SOLVED
            self._allow(req, step, now)
            before = Status(req.status)
            target = rules.STEP_TARGET[step]
            if solved:
                req.closed_at, req.stp_open = now, False
                self._set_status(req, target, NO_MOMENT)
            else:
                self._set_status(req, target, now)
            words = "пользователь подтвердил: проблема решена" if solved else "пользователь сообщил: проблема не решена"
            self._step(session, req, StepKind.CHECKED, now, before, target, _join(words, note))
            self._ctx.record(session, ENTITY, req.number, "checked", {"status": before.label}, {"status": target.label})
        return self.card(request_id, record_access=False)

    def close(self, request_id: int, note: str, *, version: int | None = None) -> SupportCard:
        """Close without a solution (the user withdrew, left the school, the request was a mistake): why is required."""
        self._ctx.require(Action.SUPPORT_WORK)
        if not note.strip():
            raise ValidationError({"note": "Укажите, почему запрос закрывается без решения."})
        note = _checked_note(note, "note")
        now = self._ctx.clock()
        with self._ctx.transaction() as session:
            req = self._get(session, request_id, version=version, lock=True)
            self._allow(req, Step.CLOSE, now)
            before = Status(req.status)
            req.closed_at, req.close_note, req.stp_open = now, note, False
            self._set_status(req, Status.CLOSED, NO_MOMENT)
            self._step(session, req, StepKind.CLOSED, now, before, Status.CLOSED, note)
            self._ctx.record(
                session, ENTITY, req.number, "closed", {"status": before.label},
                {"status": Status.CLOSED.label, "note": note},
            )  # fmt: skip
        return self.card(request_id, record_access=False)

    # -- СТП ---------------------------------------------------------------------------------------------------------

    def stp_request(self, request_id: int, letter: StpLetter) -> StpRequest:
        """The request to СТП as the regulation lists it: the letter's fields, the person from the request, the
        territory and the school from the settings, the files (intake's and the letter's)."""
        self._ctx.require(Action.SUPPORT_VIEW)
        s = self._settings.all()
        with self._ctx.transaction() as session:
            req = self._get(session, request_id)
            intake_files = _count_files(session, req.id)
            return StpRequest(
                subject=letter.subject,
                problem=letter.problem,
                full_name=req.full_name,
                role=UserRole(req.user_role).label,
                territory=s["support_territory"],
                school=s["school_name"] or s["school_short_name"],
                action=letter.action,
                files=intake_files + len(letter.files),
            )

    def stp_problems(self, request_id: int, letter: StpLetter) -> dict[str, str]:
        """Every required field of the request to СТП that is missing, by field, checked before sending."""
        problems = rules.stp_problems(self.stp_request(request_id, letter))
        problems.update(self._file_problems(letter.files, "files"))
        if not self._settings.get("stp_email"):
            problems["stp_email"] = "Не указан адрес электронной почты СТП: заполните его в настройках раздела."
        return problems

    def send_to_stp(
        self, request_id: int, letter: StpLetter, *, out: Path | None = None, version: int | None = None
    ) -> SentLetter:
        """Write the request to СТП as an e-mail (.eml with every screenshot and video attached), keep it with the
        request and record it; «В СТП». Refused, naming the open one, while the same person has a request open at
        СТП (seed 001: one request per user's problem; add a follow-up to it instead)."""
        self._ctx.require(Action.SUPPORT_WORK)
        problems = self.stp_problems(request_id, letter)
        if problems:
            raise ValidationError(problems)
        if out is not None:
            _check_eml_path(out)
        now = self._ctx.clock()
        with self._ctx.transaction(write=True) as session:
            req = self._get(session, request_id, version=version, lock=True)
            if req.stp_open:
                raise ServiceError(
                    f"По запросу {req.number} заявка в СТП уже направлена"
                    + (f" (№ {req.stp_number})" if req.stp_number else "")
                    + ": добавьте к ней дополнение, а не новую заявку."
                )
            if session.get_bind().dialect.name == "postgresql":
                # Two requests of one person sent at once from two PCs: the second waits here and then sees the first
                # (SQLite's write lock, taken at the start of this transaction, serialises them already).
                session.execute(select(func.pg_advisory_xact_lock(func.hashtext(req.person_key))))
            others = _open_stp(session, req.person_key, req.id)
            if others:
                first = others[0]
                raise DuplicateStpRequest(
                    f"У пользователя {req.full_name} ({req.birth_date:%d.%m.%Y}) уже открыта заявка в СТП: "
                    f"{first.text}. Вторую заявку по проблеме одного пользователя не направляют (регламент ЭПОС): "
                    f"откройте запрос {first.number} и добавьте дополнение к открытой заявке.",
                    first,
                )
            self._allow(req, Step.SEND_TO_STP, now)
            before = Status(req.status)
            new_files = self._store_files(session, letter.files, now)
            req.stp_subject = " ".join(letter.subject.split())
            req.stp_problem = letter.problem.strip()
            req.stp_action = letter.action.strip()
            req.stp_sent_at, req.stp_sent_on = now, local_date(now, self._settings.timezone())
            req.stp_open, req.stp_number = True, ""
            self._set_status(req, Status.AT_STP, now)
            req.search = _search_text(req)
            session.flush()
            name, data = self._letter(session, req, None, new_files)
            stored = store_file(session, FileIn(name, data), now=now, by=self._ctx.actor.name)
            step = self._step(
                session, req, StepKind.STP_SENT, now, before, Status.AT_STP, f"Тема: {req.stp_subject}", stored.id
            )
            for attachment in new_files:
                session.add(SupportFile(request_id=req.id, attachment_id=attachment.id, step_id=step.id))
            self._ctx.record(
                session, ENTITY, req.number, "stp_sent", {"status": before.label},
                {"status": Status.AT_STP.label, "subject": req.stp_subject, "to": self._settings.get("stp_email"),
                 "files": _count_files(session, req.id)},
            )  # fmt: skip
            result = SentLetter(req.id, req.number, name, data, None, followup=False)
        return _save_letter(result, out)

    def add_followup(
        self,
        request_id: int,
        text: str,
        files: Sequence[FileIn] = (),
        *,
        out: Path | None = None,
        version: int | None = None,
    ) -> SentLetter:
        """A follow-up to the open СТП request (seed 001: «на доработку … в ответном письме СТП»): written as a reply
        naming СТП's number; a request that was «Не решено» goes back to «В СТП»."""
        self._ctx.require(Action.SUPPORT_WORK)
        text = text.strip()
        if not text:
            raise ValidationError({"text": "Напишите, что добавить к заявке в СТП."})
        if len(text) > rules.MAX_DESCRIPTION:
            raise ValidationError({"text": f"Дополнение не длиннее {rules.MAX_DESCRIPTION} знаков (сейчас {len(text)})."})
        problems = self._file_problems(files, "files")
        if problems:
            raise ValidationError(problems)
        if not self._settings.get("stp_email"):
            raise ValidationError({"stp_email": "Не указан адрес электронной почты СТП: заполните его в настройках."})
        if out is not None:
            _check_eml_path(out)
        now = self._ctx.clock()
        with self._ctx.transaction() as session:
            req = self._get(session, request_id, version=version, lock=True)
            if Status(req.status).final:
                raise ServiceError(f"Запрос {req.number} уже в статусе «{Status(req.status).label}».")
            if not req.stp_open:
                raise ServiceError(
                    f"По запросу {req.number} нет открытой заявки в СТП: дополнять нечего. Направьте заявку в СТП."
                )
            before = Status(req.status)
            new_files = self._store_files(session, files, now)
            req.followups += 1
            if before in (Status.NOT_SOLVED, Status.CORRECTED):
                self._set_status(req, Status.AT_STP, req.stp_sent_at or now)
            else:
                req.version += 1
            name, data = self._letter(session, req, text, new_files)
            stored = store_file(session, FileIn(name, data), now=now, by=self._ctx.actor.name)
            after = Status(req.status)
            step = self._step(
                session, req, StepKind.FOLLOWUP, now, before if after is not before else None,
                after if after is not before else None, text, stored.id,
            )  # fmt: skip
            for attachment in new_files:
                session.add(SupportFile(request_id=req.id, attachment_id=attachment.id, step_id=step.id))
            self._ctx.record(
                session, ENTITY, req.number, "stp_followup", None,
                {"followup": req.followups, "stp_number": req.stp_number, "files": len(new_files)},
            )  # fmt: skip
            result = SentLetter(req.id, req.number, name, data, None, followup=True)
        return _save_letter(result, out)

    def set_stp_number(self, request_id: int, stp_number: str, *, version: int | None = None) -> SupportCard:
        """СТП's own number of the request, when their letter arrives."""
        self._ctx.require(Action.SUPPORT_WORK)
        stp_number = " ".join(stp_number.split()).lstrip("№ ").strip()
        if not stp_number:
            raise ValidationError({"stp_number": "Укажите номер заявки из письма СТП."})
        if len(stp_number) > 64:
            raise ValidationError({"stp_number": "Номер заявки СТП не длиннее 64 знаков."})
        now = self._ctx.clock()
        with self._ctx.transaction() as session:
            req = self._get(session, request_id, version=version, lock=True)
            if req.stp_sent_at is None:
                raise ServiceError(f"По запросу {req.number} заявка в СТП ещё не направлена.")
            before = req.stp_number
            if before == stp_number:
                return self.card(request_id, record_access=False)
            req.stp_number = stp_number
            req.search = _search_text(req)
            req.version += 1
            self._step(session, req, StepKind.STP_NUMBER, now, note=f"№ {stp_number}" + (f" (был {before})" if before else ""))
            self._ctx.record(session, ENTITY, req.number, "stp_number", {"stp_number": before}, {"stp_number": stp_number})
        return self.card(request_id, record_access=False)

    def record_stp_reply(self, request_id: int, text: str, *, version: int | None = None) -> SupportCard:
        """What СТП answered (pasted from their letter), kept in the history."""
        self._ctx.require(Action.SUPPORT_WORK)
        text = text.strip()
        if not text:
            raise ValidationError({"text": "Вставьте текст ответа СТП."})
        text = _checked_note(text, "text", rules.MAX_DESCRIPTION)
        now = self._ctx.clock()
        with self._ctx.transaction() as session:
            req = self._get(session, request_id, version=version, lock=True)
            if req.stp_sent_at is None:
                raise ServiceError(f"По запросу {req.number} заявка в СТП ещё не направлена.")
            req.version += 1
            self._step(session, req, StepKind.STP_REPLY, now, note=text)
            self._ctx.record(session, ENTITY, req.number, "stp_reply", None, {"length": len(text)})
        return self.card(request_id, record_access=False)

    def letter(self, step_id: int) -> tuple[str, bytes]:
        """A letter to СТП as it was written (to save it again or open it in the mail program)."""
        self._ctx.require(Action.SUPPORT_VIEW)
        with self._ctx.transaction() as session:
            step = session.get(SupportStep, step_id)
            if step is None or step.letter_id is None:
                raise ServiceError("Письмо не найдено.")
            req = self._get(session, step.request_id)
            found = load_file(session, step.letter_id)
            if found is None:
                raise ServiceError("Письмо не найдено.")
            self._ctx.record(session, ENTITY, req.number, "open_letter", after={"file": found[0].name}, kind="access")
            return found[0].name, found[1]

    def attachment(self, attachment_id: int) -> tuple[str, bytes]:
        """A screenshot or video of a request; opening it is recorded (personal data)."""
        self._ctx.require(Action.SUPPORT_VIEW)
        with self._ctx.transaction() as session:
            request_id = session.scalar(select(SupportFile.request_id).where(SupportFile.attachment_id == attachment_id))
            if request_id is None:
                raise ServiceError("Файл не найден.")
            req = self._get(session, request_id)
            found = load_file(session, attachment_id)
            if found is None:
                raise ServiceError("Файл не найден.")
            self._ctx.record(session, ENTITY, req.number, "open_file", after={"file": found[0].name}, kind="access")
            return found[0].name, found[1]

    # -- writing the letter ------------------------------------------------------------------------------------------

    def _letter(
        self, session: Session, req: SupportRequest, followup: str | None, new_files: Sequence[Attachment]
    ) -> tuple[str, bytes]:
        """The e-mail to СТП: every field of seed 001 in the body, the files attached; a follow-up is a reply that
        names СТП's number and carries only its own files."""
        s = self._settings.all()
        tz = self._settings.timezone()
        message = EmailMessage()
        try:
            message["To"] = Address(display_name="Служба технической поддержки ЭПОС", addr_spec=s["stp_email"])
        except (ValueError, IndexError) as exc:
            raise ServiceError(f"Адрес СТП «{s['stp_email']}» не годится для письма: {exc}.") from exc
        school = s["school_short_name"] or s["school_name"]
        if s["school_email"]:
            message["From"] = Address(display_name=school, addr_spec=s["school_email"])
        ref = f"[{req.number}]"
        if followup is None:
            message["Subject"] = f"{req.stp_subject} {ref}"
        else:
            number = f" № {req.stp_number}" if req.stp_number else ""
            message["Subject"] = f"Re: Дополнение к заявке{number}: {req.stp_subject} {ref}"
        message["Date"] = format_datetime(self._ctx.clock().astimezone(tz))
        message["Message-ID"] = make_msgid(domain="school-office.local")
        message["X-Unsent"] = "1"  # mail programs open the file as a draft to send
        lines: list[str] = ["Здравствуйте!", ""]
        if followup is not None:
            number = f" № {req.stp_number}" if req.stp_number else f" «{req.stp_subject}»"
            sent = req.stp_sent_at.astimezone(tz) if req.stp_sent_at else None
            lines += [
                f"Дополнение к заявке{number}" + (f" от {sent:%d.%m.%Y}" if sent else "") + ":",
                "",
                followup,
                "",
                "Напоминаем данные заявки:",
            ]
        fields = [
            ("Тема заявки", req.stp_subject),
            ("Проблема", req.stp_problem),
            ("ФИО пользователя", req.full_name),
            ("Роль пользователя", UserRole(req.user_role).label),
            ("Дата рождения", f"{req.birth_date:%d.%m.%Y}"),
            ("Электронная почта (Госуслуги)", req.gosuslugi_email),
            ("Класс", req.class_name),
            ("Территория", s["support_territory"]),
            ("Наименование образовательной организации", s["school_name"] or s["school_short_name"]),
            ("Действие, после которого возникает ошибка", req.stp_action),
        ]
        lines += [f"{label}: {value}" for label, value in fields if value]
        if req.corrected_at is not None:
            lines.append(
                f"Исправление в ЭПОС администратором школы: {req.corrected_at.astimezone(tz):%d.%m.%Y %H:%M}; "
                "после вступления изменений в силу ошибка сохраняется."
            )
        if followup is None:
            files = [a for a, _ in self._request_files(session, req.id)] + list(new_files)
        else:
            files = list(new_files)
        if files:
            lines += ["", "Скриншоты и видео, подтверждающие ошибку, — во вложении:"]
            lines += [f"  {i}. {a.name}" for i, a in enumerate(files, 1)]
        contacts = self.contacts()
        admin = ", ".join(
            x for x in (contacts.admin_name, contacts.admin_room, f"тел. {contacts.admin_phone}" if contacts.admin_phone else "") if x
        )
        lines += ["", "Администратор ЭПОС образовательной организации:", admin or self._ctx.actor.name]
        if s["school_email"]:
            lines.append(s["school_email"])
        lines.append(f"Номер запроса в школе: {req.number}")
        message.set_content("\n".join(lines) + "\n", charset="utf-8")
        for attachment in files:
            found = load_file(session, attachment.id)
            if found is None:
                continue
            kind = mimetypes.guess_type(attachment.name)[0] or "application/octet-stream"
            maintype, subtype = kind.split("/", 1)
            message.add_attachment(found[1], maintype=maintype, subtype=subtype, filename=attachment.name)
        what = "дополнение в СТП" if followup is not None else "заявка в СТП"
        name = f"{req.number.replace('/', '-')} {what}" + (f" {req.followups}" if followup is not None else "") + ".eml"
        return name, bytes(message)

    def _request_files(self, session: Session, request_id: int) -> list[tuple[Attachment, int | None]]:
        return [
            (a, step_id)
            for a, step_id in session.execute(
                select(Attachment, SupportFile.step_id)
                .join(SupportFile, SupportFile.attachment_id == Attachment.id)
                .where(SupportFile.request_id == request_id)
                .order_by(Attachment.id)
            ).all()
        ]

    def _store_files(self, session: Session, files: Sequence[FileIn], now: dt.datetime) -> list[Attachment]:
        return [store_file(session, f, now=now, by=self._ctx.actor.name) for f in files]

    # -- state -------------------------------------------------------------------------------------------------------

    def _allow(self, req: SupportRequest, step: Step, now: dt.datetime) -> None:
        tz = self._settings.timezone()
        effective = _aware(req.effective_at)
        problem = rules.step_problem(
            Status(req.status), step, effective.astimezone(tz) if effective else None, now.astimezone(tz)
        )
        if problem:
            raise ServiceError(f"Запрос {req.number}: {problem}")

    def _set_status(self, req: SupportRequest, status: Status, next_at: dt.datetime) -> None:
        req.status = status.value
        req.next_at = next_at
        req.version += 1

    def _step(
        self,
        session: Session,
        req: SupportRequest,
        kind: StepKind,
        at: dt.datetime,
        status_from: Status | None = None,
        status_to: Status | None = None,
        note: str = "",
        letter_id: int | None = None,
    ) -> SupportStep:
        step = SupportStep(
            request_id=req.id,
            at=at,
            kind=kind.value,
            status_from=status_from.value if status_from else "",
            status_to=status_to.value if status_to else "",
            actor=self._ctx.actor.name,
            note=note,
            letter_id=letter_id,
        )
        session.add(step)
        session.flush()
        return step

    def _get(
        self, session: Session, request_id: int, *, version: int | None = None, lock: bool = False
    ) -> SupportRequest:
        query = select(SupportRequest).where(SupportRequest.id == request_id)
        if lock and session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update()
        req = session.execute(query).scalar_one_or_none()
        if req is None:
            raise ServiceError(f"Запрос в поддержку не найден (№ {request_id}): возможно, база данных была заменена.")
        if self._only_own() and req.brought_by_id != self._ctx.actor.user_id:
            raise PermissionDenied(
                f"Запрос {req.number} передал другой классный руководитель: его видят администратор ЭПОС и он."
            )
        if version is not None and req.version != version:
            raise ConflictError(
                f"Запрос {req.number} изменён другим пользователем, пока он был открыт у вас. "
                "Ваши изменения не сохранены: откройте запрос заново и посмотрите, что изменилось."
            )
        return req

    # -- reading -----------------------------------------------------------------------------------------------------

    def find(self, number: str) -> int | None:
        self._ctx.require(Action.SUPPORT_VIEW)
        with self._ctx.transaction() as session:
            query = select(SupportRequest.id).where(SupportRequest.number == number.strip())
            if self._only_own():
                query = query.where(SupportRequest.brought_by_id == self._ctx.actor.user_id)
            return session.scalar(query)

    def _long_threshold(self, today: dt.date) -> dt.date | None:
        """The latest sending date that has been open at СТП for the reminder's working days by `today`.

        Open for n working days means n working days in (sent, today] (`rules.stp_days_open`): sent before the
        n-th working day counting back from today (the last working day up to today being the first), so a request
        sent on a day off counts like one sent on the working day before it."""
        cal = self._calendar_rules()
        try:
            last_working = cal.subtract_working_days(today, 0)
            nth = cal.subtract_working_days(last_working, max(self._remind_days(), 1) - 1)
            return nth - dt.timedelta(days=1)
        except UnknownCalendarYear:
            return None

    def conditions(self, flt: SupportFilter) -> list[ColumnElement[bool]]:
        """The WHERE conditions of a filter, narrowed to a class teacher's own requests: for the queue and the export."""
        now = self._ctx.clock()
        c: list[ColumnElement[bool]] = []
        r = SupportRequest
        active = r.status.in_([s.value for s in rules.ACTIVE])
        if self._only_own():
            c.append(r.brought_by_id == self._ctx.actor.user_id)
        if flt.stage is not None:
            c.append(_stage_condition(flt.stage, now))
        if flt.active is True:
            c.append(active)
        elif flt.active is False:
            c.append(~active)
        if flt.needs_action:
            c.append(
                or_(
                    _stage_condition(Stage.TO_CORRECT, now),
                    _stage_condition(Stage.TO_CHECK, now),
                    _stage_condition(Stage.TO_STP, now),
                )
            )
        if flt.long_at_stp:
            threshold = self._long_threshold(self.today())
            c.append(and_(r.status == Status.AT_STP.value, r.stp_sent_on <= (threshold or dt.date.min)))
        if flt.role is not None:
            c.append(r.user_role == flt.role.value)
        if flt.class_name.strip():
            c.append(r.class_name == flt.class_name.strip().upper().replace(" ", ""))
        if flt.date_from is not None:
            c.append(r.received_date >= flt.date_from)
        if flt.date_to is not None:
            c.append(r.received_date <= flt.date_to)
        needle = " ".join(flt.search.split()).casefold().replace("ё", "е")
        if needle:
            c.append(r.search.contains(needle, autoescape=True))
        return c

    def count(self, flt: SupportFilter = SupportFilter()) -> int:
        self._ctx.require(Action.SUPPORT_VIEW)
        with self._ctx.transaction() as session:
            return int(session.scalar(select(func.count()).select_from(SupportRequest).where(*self.conditions(flt))) or 0)

    def page(
        self,
        flt: SupportFilter = SupportFilter(),
        *,
        sort: SupportSort = SupportSort.NEXT,
        descending: bool = False,
        offset: int = 0,
        limit: int = 200,
    ) -> list[SupportRow]:
        """One page of the queue, filtered and sorted in the database."""
        self._ctx.require(Action.SUPPORT_VIEW)
        query: Select[Any] = select(SupportRequest).where(*self.conditions(flt))
        query = query.order_by(*_order(sort, descending)).offset(offset).limit(limit)
        cal, now, remind = self._calendar_rules(), self._now_local(), self._remind_days()
        with self._ctx.transaction() as session:
            return [self._row(r, cal, now, remind) for r in session.scalars(query)]

    def rows_for_export(self, flt: SupportFilter = SupportFilter()) -> list[tuple[SupportRow, SupportRequest]]:
        """Every row of a filter with its stored record (for the register), oldest first. Not recorded here: the
        caller that takes the rows out of the program records the export (`SupportExchange.export`)."""
        self._ctx.require(Action.SUPPORT_EXPORT)
        query = select(SupportRequest).where(*self.conditions(flt)).order_by(SupportRequest.received_at, SupportRequest.id)
        cal, now, remind = self._calendar_rules(), self._now_local(), self._remind_days()
        with self._ctx.transaction() as session:
            out = []
            for r in session.scalars(query):
                out.append((self._row(r, cal, now, remind), r))
                session.expunge(r)
            return out

    def summary(self) -> SupportSummary:
        self._ctx.require(Action.SUPPORT_VIEW)
        with self._ctx.transaction() as session:

            def n(*cond: ColumnElement[bool]) -> int:
                return int(session.scalar(select(func.count()).select_from(SupportRequest).where(*cond)) or 0)

            own = [SupportRequest.brought_by_id == self._ctx.actor.user_id] if self._only_own() else []
            now = self._ctx.clock()
            by_stage: dict[Stage, int] = {st: n(*own, _stage_condition(st, now)) for st in Stage if st is not Stage.DONE}
            threshold = self._long_threshold(self.today())
            long = n(
                *own,
                SupportRequest.status == Status.AT_STP.value,
                SupportRequest.stp_sent_on <= (threshold or dt.date.min),
            )
            return SupportSummary(open=sum(by_stage.values()), by_stage=by_stage, long_at_stp=long)

    def _row(self, r: SupportRequest, cal: WorkCalendar, now: dt.datetime, remind: int) -> SupportRow:
        status = Status(r.status)
        tz = now.tzinfo
        effective = r.effective_at.astimezone(tz) if r.effective_at is not None else None
        try:
            st = rules.standing(status, effective, r.stp_sent_on, now, cal, remind)
        except UnknownCalendarYear:
            stg = rules.stage(status, effective, now)
            st = Standing(stg, Urgency.ON_TRACK, stg.label + " (календарь?)")
        received = self._local(r.received_at)
        assert received is not None
        return SupportRow(
            id=r.id,
            number=r.number,
            received_at=received,
            full_name=r.full_name,
            birth_date=r.birth_date,
            role=UserRole(r.user_role),
            class_name=r.class_name,
            brought_by=r.brought_by,
            status=status,
            stage=st.stage,
            urgency=st.urgency,
            standing=st.text,
            effective_at=effective.replace(tzinfo=None) if effective is not None else None,
            stp_number=r.stp_number,
            stp_sent_at=self._local(r.stp_sent_at),
            stp_open=r.stp_open,
            version=r.version,
        )

    def card(self, request_id: int, *, record_access: bool = True) -> SupportCard:
        """The request with its screenshots, history, correction and СТП letters; opening it is recorded."""
        self._ctx.require(Action.SUPPORT_VIEW)
        cal, now, remind = self._calendar_rules(), self._now_local(), self._remind_days()
        with self._ctx.transaction() as session:
            r = self._get(session, request_id)
            row = self._row(r, cal, now, remind)
            files_by_step: dict[int | None, list[FileInfo]] = {}
            for a, step_id in self._request_files(session, r.id):
                files_by_step.setdefault(step_id, []).append(FileInfo(a.id, a.name, a.size))
            letters = {
                a.id: FileInfo(a.id, a.name, a.size)
                for a in session.scalars(
                    select(Attachment)
                    .join(SupportStep, SupportStep.letter_id == Attachment.id)
                    .where(SupportStep.request_id == r.id)
                )
            }
            history = tuple(
                SupportHistoryItem(
                    at=self._local(s.at) or s.at,
                    kind=StepKind(s.kind),
                    title=STEP_TITLES[StepKind(s.kind)],
                    note=s.note,
                    actor=s.actor,
                    status_from=Status(s.status_from) if s.status_from else None,
                    status_to=Status(s.status_to) if s.status_to else None,
                    letter=letters.get(s.letter_id) if s.letter_id else None,
                    files=tuple(files_by_step.get(s.id, ())),
                    step_id=s.id,
                )
                for s in session.scalars(
                    select(SupportStep).where(SupportStep.request_id == r.id).order_by(SupportStep.at, SupportStep.id)
                )
            )
            link = _link_text(session, r)
            others = tuple(o for o in _open_stp(session, r.person_key, r.id))
            if record_access:
                self._ctx.record(session, ENTITY, r.number, "open", kind="access")
            status = Status(r.status)
            works = self._ctx.may(Action.SUPPORT_WORK)
            effective = _aware(r.effective_at)
            steps = frozenset(
                step
                for step in Step
                if works
                and rules.step_problem(status, step, effective, now) is None
                and not (step is Step.SEND_TO_STP and (r.stp_open or others))
            )
            all_files: list[FileInfo] = [f for fs in files_by_step.values() for f in fs]
            return SupportCard(
                row=row,
                gosuslugi_email=r.gosuslugi_email,
                description=r.description,
                received_by=r.created_by,
                files=tuple(sorted(all_files, key=lambda f: f.id)),
                history=history,
                corrected_at=self._local(r.corrected_at),
                correction_note=r.correction_note,
                effective_text=rules.effective_text(effective.astimezone(now.tzinfo), now) if effective else "",
                stp_subject=r.stp_subject,
                stp_problem=r.stp_problem,
                stp_action=r.stp_action,
                followups=r.followups,
                close_note=r.close_note,
                register_link=link,
                student_id=r.student_id,
                other_open_stp=others,
                steps=steps,
                can_followup=works and r.stp_open and not status.final,
                can_stp_number=works and r.stp_sent_at is not None and not status.final,
            )


# -- helpers -------------------------------------------------------------------------------------------------------


def _aware(moment: dt.datetime | None) -> dt.datetime | None:
    if moment is None:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _stage_condition(stage: Stage, now: dt.datetime) -> ColumnElement[bool]:
    r = SupportRequest
    if stage is Stage.TO_CORRECT:
        return r.status == Status.NEW.value
    if stage is Stage.WAITING_EFFECT:
        return and_(r.status == Status.CORRECTED.value, r.effective_at > now)
    if stage is Stage.TO_CHECK:
        return and_(r.status == Status.CORRECTED.value, or_(r.effective_at <= now, r.effective_at.is_(None)))
    if stage is Stage.TO_STP:
        return r.status == Status.NOT_SOLVED.value
    if stage is Stage.AT_STP:
        return r.status == Status.AT_STP.value
    return r.status.in_([Status.SOLVED.value, Status.CLOSED.value])


def _open_stp(session: Session, key: str, except_id: int | None) -> list[OpenStp]:
    query = select(SupportRequest).where(SupportRequest.person_key == key, SupportRequest.stp_open.is_(True))
    if except_id is not None:
        query = query.where(SupportRequest.id != except_id)
    return [
        OpenStp(r.id, r.number, r.stp_number, r.stp_sent_on)
        for r in session.scalars(query.order_by(SupportRequest.stp_sent_at))
    ]


def _class_teacher_id(session: Session, name: str) -> int | None:
    """The class teacher among the program's users who brought a request the administrator took in for them (by name),
    so that they see it too; None when no such user, or several of that name."""
    key = name_key(name)
    found = [
        user_id
        for user_id, full_name in session.execute(
            select(User.id, User.full_name)
            .join(UserRoleRow, UserRoleRow.user_id == User.id)
            .where(UserRoleRow.role == Role.CLASS_TEACHER.value, User.active.is_(True))
        ).all()
        if name_key(full_name) == key
    ]
    return found[0] if len(found) == 1 else None


def _register_link(
    session: Session, full_name: str, birth_date: dt.date, role: UserRole
) -> tuple[int | None, int | None]:
    """The student (by name and date of birth) or the parent (by name, when only one has it) in the families register."""
    key = name_key(full_name)
    if role is UserRole.STUDENT:
        return session.scalar(select(Student.id).where(Student.name_key == key, Student.birth_date == birth_date)), None
    if role is UserRole.PARENT:
        found = session.scalars(select(Representative.id).where(Representative.name_key == key).limit(2)).all()
        return None, found[0] if len(found) == 1 else None
    return None, None


def _link_text(session: Session, r: SupportRequest) -> str:
    if r.student_id is not None:
        found = session.execute(
            select(Student.full_name, SchoolClass.name, Student.studying)
            .join(SchoolClass, SchoolClass.id == Student.class_id)
            .where(Student.id == r.student_id)
        ).first()
        if found:
            left = "" if found.studying else " (выбыл)"
            mismatch = f"; в запросе указан класс {r.class_name}" if r.class_name and r.class_name != found.name else ""
            return f"Есть в реестре семей: {found.full_name}, {found.name}{left}{mismatch}"
    if r.representative_id is not None:
        rep = session.get(Representative, r.representative_id)
        if rep is not None:
            return f"Есть в реестре семей как представитель: {rep.full_name}" + (f", тел. {rep.phone}" if rep.phone else "")
    if UserRole(r.user_role) is UserRole.TEACHER:
        return "Педагог: в реестре семей не ведётся"
    return "В реестре семей не найден (проверьте ФИО и дату рождения)"


def _count_files(session: Session, request_id: int) -> int:
    return int(session.scalar(select(func.count()).select_from(SupportFile).where(SupportFile.request_id == request_id)) or 0)


def _search_text(r: SupportRequest) -> str:
    parts = (r.number, r.full_name, r.gosuslugi_email, r.class_name, r.brought_by, r.stp_number, r.stp_subject, r.description)
    return " ".join(" ".join(p.split()) for p in parts if p).casefold().replace("ё", "е")


def _join(*parts: str) -> str:
    return "; ".join(p for p in parts if p)


def _checked_note(note: str, key: str, limit: int = MAX_NOTE) -> str:
    note = note.strip()
    if len(note) > limit:
        raise ValidationError({key: f"Примечание не длиннее {limit} знаков (сейчас {len(note)})."})
    return note


def _check_eml_path(path: Path) -> None:
    if Path(path).suffix.lower() != ".eml":
        raise ServiceError(f"Письмо сохраняется в файл .eml, а не «{Path(path).name}».")


def _save_letter(letter: SentLetter, out: Path | None) -> SentLetter:
    """Write the letter to `out`: after the transaction, so a failed write leaves the letter kept with the request."""
    if out is None:
        return letter
    path = Path(out)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".part")
        tmp.write_bytes(letter.data)
        tmp.replace(path)
    except OSError as exc:
        raise ServiceError(
            f"Заявка записана в программе, но файл письма {path} сохранить не удалось: {exc.strerror}. "
            "Сохраните письмо из карточки запроса ещё раз."
        ) from exc
    return SentLetter(letter.request_id, letter.number, letter.name, letter.data, path, letter.followup)


def _order(sort: SupportSort, descending: bool) -> Sequence[Any]:
    r = SupportRequest

    def d(col: Any) -> Any:
        return col.desc() if descending else col.asc()

    key = {
        SupportSort.NEXT: r.next_at,
        SupportSort.NUMBER: r.received_at,
        SupportSort.RECEIVED: r.received_at,
        SupportSort.NAME: r.full_name,
        SupportSort.CLASS: r.class_name,
        SupportSort.STATUS: r.status,
    }[sort]
    return (d(key), d(r.id))
