"""The families register and e-diary access (seeds 003, 004; DOMAIN.md §5): classes, students and their history,
legal representatives, consents, access applications with their 2-working-day term, registration codes issued against
signature (re-issued and revoked on record), refusal decisions, and opt-out applications that put a family on paper.

Every call is one transaction that checks the acting person's right and records the change (or the look at personal
data) in the event log. Nothing is deleted: a student who leaves is marked, a code that ends keeps its row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func, or_, select
from sqlalchemy.orm import Session

from desktop.domain import families as rules
from desktop.domain.access import Action
from desktop.domain.calendar import UnknownCalendarYear
from desktop.domain.families import (
    Appendix,
    ApplicationStatus,
    CodeState,
    Handover,
    RefusalGround,
    Relation,
)
from desktop.domain.terms import email_problem, time_left
from desktop.domain.tickets import Urgency, due_urgency
from desktop.services.context import ServiceContext
from desktop.services.errors import ConflictError, ServiceError, ValidationError
from desktop.services.files import FileIn, FileInfo, file_problem, load_file, store_file
from desktop.services.numbers import next_number
from desktop.services.school import SchoolService
from desktop.store.models import (
    AccessApplication,
    AccessCode,
    AccessRefusal,
    Attachment,
    Consent,
    OptOut,
    Representative,
    SchoolClass,
    Student,
    StudentEvent,
    StudentRepresentative,
)

ENTITY_STUDENT = "student"
ENTITY_REPRESENTATIVE = "representative"
ENTITY_ACCESS = "access"


class NoConsent(ServiceError):
    """A code was asked for a representative without consent in force: the refusal decision is offered instead."""

    def __init__(self, message: str, student_id: int, representative_id: int) -> None:
        super().__init__(message)
        self.student_id = student_id
        self.representative_id = representative_id


# -- what callers pass and get back ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RepresentativeInput:
    full_name: str
    relation: Relation
    phone: str = ""
    email: str = ""
    address: str = ""


@dataclass(frozen=True)
class StudentRow:
    id: int
    full_name: str
    birth_date: dt.date
    class_name: str
    studying: bool
    left_on: dt.date | None
    paper: bool
    representatives: int
    with_consent: int
    active_codes: int
    version: int

    @property
    def state_text(self) -> str:
        if not self.studying:
            return f"выбыл(а) {self.left_on:%d.%m.%Y}" if self.left_on else "выбыл(а)"
        if self.paper:
            return "отчёт на бумаге"
        if self.active_codes:
            return "доступ выдан"
        if self.with_consent:
            return "согласие есть, кода нет"
        return "нет согласия"


@dataclass(frozen=True)
class ConsentView:
    id: int
    given_on: dt.date
    withdrawn_on: dt.date | None
    scan: FileInfo | None

    def valid_on(self, day: dt.date) -> bool:
        return rules.Consent(self.given_on, self.withdrawn_on).valid_on(day)

    @property
    def text(self) -> str:
        text = f"дано {self.given_on:%d.%m.%Y}"
        return text + (f", отозвано {self.withdrawn_on:%d.%m.%Y}" if self.withdrawn_on else "")


@dataclass(frozen=True)
class CodeRow:
    id: int
    student_id: int
    student_name: str
    class_name: str
    representative_id: int
    representative_name: str
    code: str
    generated: bool
    state: CodeState
    handover: Handover
    handed_via: str
    issued_at: dt.datetime  # naive, school time
    issued_by: str
    ended_at: dt.datetime | None
    end_reason: str


@dataclass(frozen=True)
class RepresentativeView:
    id: int
    full_name: str
    relation: Relation
    phone: str
    email: str
    address: str
    consents: list[ConsentView]
    consent_now: bool
    codes: list[CodeRow]
    version: int


@dataclass(frozen=True)
class ApplicationRow:
    id: int
    number: str
    student_id: int
    student_name: str
    class_name: str
    representative_id: int
    representative_name: str
    received_at: dt.datetime  # naive, school time
    due_date: dt.date
    status: ApplicationStatus
    time_left: str
    urgency: Urgency
    consent_now: bool
    version: int


@dataclass(frozen=True)
class RefusalRow:
    id: int
    number: str
    decided_on: dt.date
    child_name: str
    child_class: str
    applicant_name: str
    grounds: tuple[RefusalGround, ...]
    text: str
    director_name: str
    student_id: int | None
    representative_id: int | None


@dataclass(frozen=True)
class OptOutRow:
    id: int
    appendix: Appendix
    received_on: dt.date
    applicants: str
    registered_by: str


@dataclass(frozen=True)
class HistoryItem:
    at: dt.datetime  # naive, school time
    on: dt.date
    kind: str
    text: str
    actor: str


@dataclass(frozen=True)
class StudentCard:
    row: StudentRow
    paper_since: dt.date | None
    representatives: list[RepresentativeView]
    history: list[HistoryItem]
    applications: list[ApplicationRow]
    refusals: list[RefusalRow]
    optouts: list[OptOutRow]

    @property
    def id(self) -> int:
        return self.row.id


@dataclass(frozen=True)
class StudentFilter:
    class_name: str = ""
    search: str = ""  # a piece of the student's or a representative's name
    studying: bool | None = True
    paper: bool | None = None
    without_consent: bool = False  # studying, and no representative has consent in force
    without_code: bool = False  # studying, not on paper, and no code in force


@dataclass(frozen=True)
class ApplicationFilter:
    status: ApplicationStatus | None = ApplicationStatus.WAITING
    urgent: bool = False  # waiting and due today or overdue
    class_name: str = ""


@dataclass(frozen=True)
class AccessSummary:
    waiting: int
    urgent: int
    students: int
    on_paper: int
    without_consent: int
    codes_active: int
    by_class: dict[str, int] = field(default_factory=dict)


# -- the service -------------------------------------------------------------------------------------------------------


class FamiliesService(SchoolService):

    # -- classes and students -------------------------------------------------------------------------------------

    def classes(self) -> list[tuple[str, int]]:
        """Every class with the number of students studying in it, in school order («1А», «2Б» … «11А»)."""
        self._ctx.require(Action.FAMILIES_VIEW)
        with self._ctx.transaction() as session:
            rows = session.execute(
                select(SchoolClass.name, func.count(Student.id))
                .outerjoin(Student, and_(Student.class_id == SchoolClass.id, Student.studying.is_(True)))
                .group_by(SchoolClass.name)
            ).all()
        return sorted(((name, int(n)) for name, n in rows), key=lambda item: class_order(item[0]))

    def add_student(self, full_name: str, birth_date: dt.date, class_name: str) -> int:
        self._ctx.require(Action.FAMILIES_EDIT)
        problems = self._student_problems(full_name, birth_date, class_name)
        if problems:
            raise ValidationError(problems)
        now = self._ctx.clock()
        with self._ctx.transaction(write=True) as session:
            key = rules.name_key(full_name)
            if session.scalar(select(Student.id).where(Student.name_key == key, Student.birth_date == birth_date)):
                raise ValidationError(
                    {"full_name": f"Ученик {rules.clean_name(full_name)} ({birth_date:%d.%m.%Y}) уже есть в реестре."}
                )
            student = enroll(session, self._ctx, full_name, birth_date, class_name, now, self.today())
            return student.id

    def _student_problems(self, full_name: str, birth_date: dt.date, class_name: str) -> dict[str, str]:
        problems: dict[str, str] = {}
        name = rules.clean_name(full_name)
        if not name:
            problems["full_name"] = "Укажите ФИО ученика."
        elif len(name) > 200:
            problems["full_name"] = "ФИО ученика длиннее 200 знаков."
        if problem := rules.birth_date_problem(birth_date, self.today()):
            problems["birth_date"] = problem
        if problem := rules.class_problem(class_name):
            problems["class_name"] = problem
        return problems

    def move_student(self, student_id: int, class_name: str, *, on: dt.date | None = None, version: int | None = None) -> None:
        """Move to another class: recorded, the old class kept in the history."""
        self._ctx.require(Action.FAMILIES_EDIT)
        if problem := rules.class_problem(class_name):
            raise ValidationError({"class_name": problem})
        now = self._ctx.clock()
        with self._ctx.transaction(write=True) as session:
            student = self._student(session, student_id, version=version)
            if not student.studying:
                raise ServiceError(f"{student.full_name} выбыл(а) из школы: перевести в другой класс нельзя.")
            move(session, self._ctx, student, class_name, now, on or self.today())

    def student_left(self, student_id: int, on: dt.date, note: str = "", *, version: int | None = None) -> None:
        """The student has left the school: marked, never deleted; codes in force are revoked and a waiting
        application is closed."""
        self._ctx.require(Action.FAMILIES_EDIT)
        now = self._ctx.clock()
        with self._ctx.transaction(write=True) as session:
            student = self._student(session, student_id, version=version)
            if not student.studying:
                raise ServiceError(f"{student.full_name} уже выбыл(а) из школы.")
            student.studying = False
            student.left_on = on
            student.version += 1
            cls = _class_name(session, student.class_id)
            session.add(StudentEvent(student_id=student.id, at=now, on=on, kind="left", from_class=cls, to_class="",
                                     actor=self._ctx.actor.name, note=note.strip()))  # fmt: skip
            _end_codes(session, student.id, None, CodeState.REVOKED, now, "ученик выбыл из школы")
            _decide_waiting(session, student.id, None, ApplicationStatus.CLOSED, now)
            self._ctx.record(session, ENTITY_STUDENT, student.id, "left", {"class": cls}, {"left_on": on.isoformat()})

    # -- representatives ------------------------------------------------------------------------------------------

    def add_representative(self, student_id: int, data: RepresentativeInput) -> int:
        """Link a representative to the child: an existing person (same name and phone) is linked, not doubled."""
        self._ctx.require(Action.FAMILIES_EDIT)
        problems = representative_problems(data)
        if problems:
            raise ValidationError(problems)
        with self._ctx.transaction(write=True) as session:
            student = self._student(session, student_id)
            rep = find_representative(session, data.full_name, data.phone)
            if rep is None:
                rep = Representative(
                    full_name=rules.clean_name(data.full_name), name_key=rules.name_key(data.full_name),
                    phone=data.phone.strip(), phone_key=rules.phone_key(data.phone), email=data.email.strip(),
                    address=rules.clean_name(data.address), version=1,
                )  # fmt: skip
                session.add(rep)
                session.flush()
            link = session.get(StudentRepresentative, (student.id, rep.id))
            if link is not None:
                raise ValidationError({"full_name": f"{rep.full_name} уже указан(а) представителем этого ученика."})
            session.add(StudentRepresentative(student_id=student.id, representative_id=rep.id, relation=data.relation.value))
            self._ctx.record(session, ENTITY_STUDENT, student.id, "representative_add", None,
                             {"representative": rep.full_name, "relation": data.relation.label})  # fmt: skip
            return rep.id

    def update_representative(self, representative_id: int, data: RepresentativeInput, *, student_id: int | None = None,
                              version: int | None = None) -> None:  # fmt: skip
        self._ctx.require(Action.FAMILIES_EDIT)
        problems = representative_problems(data)
        if problems:
            raise ValidationError(problems)
        with self._ctx.transaction(write=True) as session:
            rep = self._representative(session, representative_id, version=version)
            before = {"full_name": rep.full_name, "phone": rep.phone, "email": rep.email, "address": rep.address}
            rep.full_name = rules.clean_name(data.full_name)
            rep.name_key = rules.name_key(data.full_name)
            rep.phone = data.phone.strip()
            rep.phone_key = rules.phone_key(data.phone)
            rep.email = data.email.strip()
            rep.address = rules.clean_name(data.address)
            rep.version += 1
            after = {"full_name": rep.full_name, "phone": rep.phone, "email": rep.email, "address": rep.address}
            if student_id is not None:
                link = session.get(StudentRepresentative, (student_id, rep.id))
                if link is not None and link.relation != data.relation.value:
                    before["relation"] = Relation(link.relation).label
                    link.relation = data.relation.value
                    after["relation"] = data.relation.label
            self._ctx.record(session, ENTITY_REPRESENTATIVE, rep.id, "update", before, after)

    # -- consent ----------------------------------------------------------------------------------------------------

    def record_consent(self, representative_id: int, given_on: dt.date, scan: FileIn | None = None) -> int:
        """The representative's signed consent to personal-data processing (152-ФЗ; seed 003 §2.5, §3.1)."""
        self._ctx.require(Action.ACCESS_MANAGE)
        problems: dict[str, str] = {}
        if problem := rules.consent_problem(given_on, None, self.today()):
            problems["given_on"] = problem
        if scan is not None and (problem := file_problem(scan, self._settings.appeal_attachment_limit())):
            problems["scan"] = problem
        if problems:
            raise ValidationError(problems)
        now = self._ctx.clock()
        with self._ctx.transaction(write=True) as session:
            rep = self._representative(session, representative_id)
            stored = store_file(session, scan, now=now, by=self._ctx.actor.name) if scan else None
            consent = Consent(representative_id=rep.id, given_on=given_on, withdrawn_on=None,
                              attachment_id=stored.id if stored else None, recorded_by=self._ctx.actor.name,
                              recorded_at=now)  # fmt: skip
            session.add(consent)
            session.flush()
            self._ctx.record(session, ENTITY_REPRESENTATIVE, rep.id, "consent", None,
                             {"given_on": given_on.isoformat(), "scan": scan.name if scan else ""})  # fmt: skip
            return consent.id

    def withdraw_consent(self, consent_id: int, on: dt.date) -> None:
        """Consent withdrawn: the representative's codes in force are revoked (no consent, no access)."""
        self._ctx.require(Action.ACCESS_MANAGE)
        now = self._ctx.clock()
        with self._ctx.transaction(write=True) as session:
            consent = session.get(Consent, consent_id)
            if consent is None:
                raise ServiceError("Согласие не найдено.")
            if consent.withdrawn_on is not None:
                raise ServiceError(f"Согласие уже отозвано {consent.withdrawn_on:%d.%m.%Y}.")
            if problem := rules.consent_problem(consent.given_on, on, self.today()):
                raise ValidationError({"withdrawn_on": problem})
            consent.withdrawn_on = on
            still = [
                rules.Consent(c.given_on, c.withdrawn_on)
                for c in session.scalars(select(Consent).where(Consent.representative_id == consent.representative_id))
            ]
            if not rules.has_consent(still, self.today()):
                _end_codes(session, None, consent.representative_id, CodeState.REVOKED, now, "согласие отозвано")
            self._ctx.record(session, ENTITY_REPRESENTATIVE, consent.representative_id, "consent_withdrawn",
                             {"given_on": consent.given_on.isoformat()}, {"withdrawn_on": on.isoformat()})  # fmt: skip

    # -- access applications ---------------------------------------------------------------------------------------

    def register_application(self, student_id: int, representative_id: int) -> ApplicationRow:
        """Register an application for access the day it comes (seed 003 §2.9); access due in 2 working days."""
        self._ctx.require(Action.ACCESS_MANAGE)
        now = self._ctx.clock()
        today = self.today()
        cal = self._calendar.work_calendar()
        try:
            due = rules.access_due(today, cal)
        except UnknownCalendarYear as exc:
            raise ServiceError(str(exc)) from exc
        with self._ctx.transaction(write=True) as session:
            student = self._student(session, student_id)
            rep = self._representative(session, representative_id)
            self._require_link(session, student, rep)
            if not student.studying:
                raise ServiceError(f"{student.full_name} выбыл(а) из школы: заявление о доступе не регистрируется.")
            waiting = _waiting(session, student.id, rep.id)
            if waiting:
                raise ServiceError(
                    f"Заявление этого представителя уже зарегистрировано: № {waiting[0].number}, ждёт доступа."
                )
            seq = next_number(session, rules.APPLICATION_PREFIX, today.year)
            app = AccessApplication(
                year=today.year, seq=seq, number=rules.format_number(rules.APPLICATION_PREFIX, today.year, seq),
                student_id=student.id, representative_id=rep.id, received_at=now, received_on=today, due_date=due,
                status=ApplicationStatus.WAITING.value, created_by=self._ctx.actor.name, version=1,
            )  # fmt: skip
            session.add(app)
            session.flush()
            self._ctx.record(session, ENTITY_ACCESS, app.number, "application", None,
                             {"student": student.full_name, "representative": rep.full_name, "due": due.isoformat()})  # fmt: skip
            app_id = app.id
        return self._application_rows(ApplicationFilter(status=None), ids=[app_id])[0]

    def applications(self, flt: ApplicationFilter = ApplicationFilter()) -> list[ApplicationRow]:
        """The applications queue, most urgent first, with the time left in working days."""
        self._ctx.require(Action.FAMILIES_VIEW)
        return self._application_rows(flt)

    def _application_rows(
        self, flt: ApplicationFilter, ids: Sequence[int] | None = None, student_id: int | None = None
    ) -> list[ApplicationRow]:
        today = self.today()
        cal = self._calendar.work_calendar()
        query = (
            select(AccessApplication, Student.full_name, SchoolClass.name, Representative.full_name)
            .join(Student, Student.id == AccessApplication.student_id)
            .join(SchoolClass, SchoolClass.id == Student.class_id)
            .join(Representative, Representative.id == AccessApplication.representative_id)
            .order_by(AccessApplication.due_date, AccessApplication.id)
        )
        if ids is not None:
            query = query.where(AccessApplication.id.in_(ids))
        if student_id is not None:
            query = query.where(AccessApplication.student_id == student_id)
        if flt.status is not None:
            query = query.where(AccessApplication.status == flt.status.value)
        if flt.urgent:
            query = query.where(
                AccessApplication.status == ApplicationStatus.WAITING.value, AccessApplication.due_date <= today
            )
        if flt.class_name:
            query = query.where(SchoolClass.name == rules.class_key(flt.class_name))
        with self._ctx.transaction() as session:
            rows = session.execute(query).all()
            consents = _consents_by_rep(session, [a.representative_id for a, *_ in rows])
        out = []
        for app, student_name, class_name, rep_name in rows:
            status = ApplicationStatus(app.status)
            try:
                if status is ApplicationStatus.WAITING:
                    urgency = due_urgency(app.due_date, today, cal)
                    left = time_left(app.due_date, today, cal)
                else:
                    urgency, left = Urgency.FINISHED, status.label.lower()
            except UnknownCalendarYear:
                urgency, left = Urgency.ON_TRACK, "календарь?"
            out.append(
                ApplicationRow(
                    id=app.id, number=app.number, student_id=app.student_id, student_name=student_name,
                    class_name=class_name, representative_id=app.representative_id, representative_name=rep_name,
                    received_at=self._local(app.received_at) or app.received_at, due_date=app.due_date,
                    status=status, time_left=left, urgency=urgency,
                    consent_now=rules.has_consent(consents.get(app.representative_id, []), today), version=app.version,
                )
            )
        return out

    # -- codes --------------------------------------------------------------------------------------------------------

    def issue_code(
        self,
        student_id: int,
        representative_id: int,
        *,
        handover: Handover = Handover.PERSONALLY,
        handed_via: str = "",
        code: str | None = None,
        choice: Callable[[str], str] | None = None,
    ) -> CodeRow:
        """Issue a registration code (generated, or `code` typed in from the e-journal) for the representative and
        the child, handed over against signature (seed 003 §3.2). Without consent in force: `NoConsent`, and the
        refusal decision is offered instead. A waiting application of the pair is closed as granted; a code in force
        is replaced (re-issue)."""
        self._ctx.require(Action.ACCESS_MANAGE)
        if code is not None and (problem := rules.code_problem(code)):
            raise ValidationError({"code": problem})
        if handover is Handover.CLASS_TEACHER and not rules.clean_name(handed_via):
            raise ValidationError({"handed_via": "Укажите классного руководителя, через которого передаётся код."})
        now = self._ctx.clock()
        today = self.today()
        with self._ctx.transaction(write=True) as session:
            student = self._student(session, student_id)
            rep = self._representative(session, representative_id)
            self._require_link(session, student, rep)
            if not student.studying:
                raise ServiceError(f"{student.full_name} выбыл(а) из школы: код не выдаётся.")
            consents = _consents_by_rep(session, [rep.id]).get(rep.id, [])
            if not rules.has_consent(consents, today):
                raise NoConsent(
                    f"У представителя {rep.full_name} нет согласия на обработку персональных данных: код не выдаётся "
                    "(регламент, п. 2.6). Зарегистрируйте согласие или оформите решение об отказе.",
                    student.id,
                    rep.id,
                )
            value = rules.normalize_code(code) if code is not None else rules.generate_code(*(c for c in [choice] if c))
            replaced = _end_codes(session, student.id, rep.id, CodeState.REPLACED, now, "выдан новый код")
            app = next(iter(_decide_waiting(session, student.id, rep.id, ApplicationStatus.GRANTED, now)), None)
            row = AccessCode(
                student_id=student.id, representative_id=rep.id, application_id=app.id if app else None, code=value,
                generated=code is None, state=CodeState.ACTIVE.value, handover=handover.value,
                handed_via=rules.clean_name(handed_via), issued_at=now, issued_by=self._ctx.actor.name, end_reason="",
            )  # fmt: skip
            session.add(row)
            session.flush()
            self._ctx.record(session, ENTITY_ACCESS, f"{student.id}/{rep.id}", "reissue" if replaced else "issue",
                             None, {"student": student.full_name, "representative": rep.full_name,
                                    "handover": handover.label, "application": app.number if app else ""})  # fmt: skip
            code_id = row.id
        return self.codes(ids=[code_id])[0]

    def revoke_code(self, code_id: int, reason: str) -> None:
        self._ctx.require(Action.ACCESS_MANAGE)
        if not reason.strip():
            raise ValidationError({"reason": "Укажите, почему код отзывается."})
        now = self._ctx.clock()
        with self._ctx.transaction(write=True) as session:
            row = session.get(AccessCode, code_id)
            if row is None:
                raise ServiceError("Код не найден.")
            if CodeState(row.state) is not CodeState.ACTIVE:
                raise ServiceError(f"Код уже не действует: {CodeState(row.state).label}.")
            row.state = CodeState.REVOKED.value
            row.ended_at = now
            row.end_reason = reason.strip()
            self._ctx.record(session, ENTITY_ACCESS, f"{row.student_id}/{row.representative_id}", "revoke", None,
                             {"reason": reason.strip()})  # fmt: skip

    def codes(
        self,
        *,
        class_name: str = "",
        date_from: dt.date | None = None,
        date_to: dt.date | None = None,
        active_only: bool = False,
        ids: Sequence[int] | None = None,
    ) -> list[CodeRow]:
        """The register of issued codes (re-issues and revocations included), in the order they were issued.
        Reading it is recorded: codes open a child's data."""
        self._ctx.require(Action.FAMILIES_VIEW)
        tz = self._settings.timezone()
        query = (
            select(AccessCode, Student.full_name, SchoolClass.name, Representative.full_name)
            .join(Student, Student.id == AccessCode.student_id)
            .join(SchoolClass, SchoolClass.id == Student.class_id)
            .join(Representative, Representative.id == AccessCode.representative_id)
            .order_by(AccessCode.issued_at, AccessCode.id)
        )
        if ids is not None:
            query = query.where(AccessCode.id.in_(ids))
        if class_name:
            query = query.where(SchoolClass.name == rules.class_key(class_name))
        if active_only:
            query = query.where(AccessCode.state == CodeState.ACTIVE.value)
        if date_from is not None:
            query = query.where(AccessCode.issued_at >= _start(date_from, tz))
        if date_to is not None:
            query = query.where(AccessCode.issued_at < _start(date_to + dt.timedelta(days=1), tz))
        with self._ctx.transaction() as session:
            rows = session.execute(query).all()
            if ids is None:
                self._ctx.record(session, ENTITY_ACCESS, "codes", "view_register", kind="access",
                                 after={"class": class_name, "rows": len(rows)})  # fmt: skip
        return [
            CodeRow(
                id=c.id, student_id=c.student_id, student_name=s, class_name=k, representative_id=c.representative_id,
                representative_name=r, code=c.code, generated=c.generated, state=CodeState(c.state),
                handover=Handover(c.handover), handed_via=c.handed_via,
                issued_at=self._local(c.issued_at) or c.issued_at, issued_by=c.issued_by,
                ended_at=self._local(c.ended_at), end_reason=c.end_reason,
            )
            for c, s, k, r in rows
        ]

    # -- refusals ------------------------------------------------------------------------------------------------------

    def refuse(
        self,
        grounds: Iterable[RefusalGround],
        *,
        student_id: int | None = None,
        representative_id: int | None = None,
        child_name: str = "",
        child_class: str = "",
        applicant_name: str = "",
        text: str = "",
        decided_on: dt.date | None = None,
    ) -> RefusalRow:
        """The refusal decision (seed 003 §2.6; seed 004 «Отказ в предоставлении услуги») with its grounds from the
        closed list, signed by the director: numbered, kept, printable. The child and the applicant come from the
        register, or are named by hand when they are not in it (a child who is not a student of the school)."""
        self._ctx.require(Action.ACCESS_REFUSE)
        chosen = tuple(dict.fromkeys(grounds))
        problems: dict[str, str] = {}
        if not chosen:
            problems["grounds"] = "Отметьте хотя бы одно основание отказа из перечня регламента."
        decided_on = decided_on or self.today()
        if decided_on > self.today():
            problems["decided_on"] = "Дата решения ещё не наступила."
        if problems:
            raise ValidationError(problems)
        now = self._ctx.clock()
        director = self._settings.get("director_name") or ""
        with self._ctx.transaction(write=True) as session:
            student = self._student(session, student_id) if student_id is not None else None
            rep = self._representative(session, representative_id) if representative_id is not None else None
            child = student.full_name if student else rules.clean_name(child_name)
            cls = _class_name(session, student.class_id) if student else rules.class_key(child_class)
            applicant = rep.full_name if rep else rules.clean_name(applicant_name)
            if not child:
                raise ValidationError({"child_name": "Укажите ребёнка, о котором подано заявление."})
            if not applicant:
                raise ValidationError({"applicant_name": "Укажите заявителя."})
            app = None
            if student is not None and rep is not None:
                app = next(iter(_decide_waiting(session, student.id, rep.id, ApplicationStatus.REFUSED, now)), None)
            seq = next_number(session, rules.REFUSAL_PREFIX, decided_on.year)
            row = AccessRefusal(
                year=decided_on.year, seq=seq, number=rules.format_number(rules.REFUSAL_PREFIX, decided_on.year, seq),
                decided_on=decided_on, student_id=student.id if student else None,
                representative_id=rep.id if rep else None, application_id=app.id if app else None, child_name=child,
                child_class=cls, applicant_name=applicant, grounds=[g.value for g in chosen], text=text.strip(),
                director_name=director, created_by=self._ctx.actor.name, created_at=now,
            )  # fmt: skip
            session.add(row)
            session.flush()
            self._ctx.record(session, ENTITY_ACCESS, row.number, "refusal", None,
                             {"child": child, "applicant": applicant, "grounds": [g.label for g in chosen]})  # fmt: skip
            return _refusal_row(row)

    def refusals(self, *, year: int | None = None) -> list[RefusalRow]:
        self._ctx.require(Action.FAMILIES_VIEW)
        query = select(AccessRefusal).order_by(AccessRefusal.year, AccessRefusal.seq)
        if year is not None:
            query = query.where(AccessRefusal.year == year)
        with self._ctx.transaction() as session:
            return [_refusal_row(r) for r in session.scalars(query)]

    def refusal(self, refusal_id: int) -> RefusalRow:
        self._ctx.require(Action.FAMILIES_VIEW)
        with self._ctx.transaction() as session:
            row = session.get(AccessRefusal, refusal_id)
            if row is None:
                raise ServiceError("Решение об отказе не найдено.")
            return _refusal_row(row)

    # -- opting out --------------------------------------------------------------------------------------------------

    def register_optout(
        self, student_id: int, appendix: Appendix, received_on: dt.date, *, scan: FileIn | None = None
    ) -> OptOutRow:
        """Register a signed Appendix 2 or 3 (seed 004): the family goes on paper reports; with Appendix 3 their
        electronic access ends (codes in force revoked)."""
        self._ctx.require(Action.OPTOUT_REGISTER)
        if received_on > self.today():
            raise ValidationError({"received_on": f"Дата {received_on:%d.%m.%Y} ещё не наступила."})
        if scan is not None and (problem := file_problem(scan, self._settings.appeal_attachment_limit())):
            raise ValidationError({"scan": problem})
        now = self._ctx.clock()
        with self._ctx.transaction(write=True) as session:
            student = self._student(session, student_id)
            if not student.studying:
                raise ServiceError(f"{student.full_name} выбыл(а) из школы.")
            reps = _representatives_of(session, student.id)
            applicants = ", ".join(r.full_name for r, _ in reps) or "—"
            stored = store_file(session, scan, now=now, by=self._ctx.actor.name) if scan else None
            row = OptOut(student_id=student.id, appendix=appendix.value, received_on=received_on,
                         applicants=applicants[:400], attachment_id=stored.id if stored else None,
                         registered_by=self._ctx.actor.name, registered_at=now)  # fmt: skip
            session.add(row)
            before = {"paper": student.paper}
            if not student.paper:
                student.paper = True
                student.paper_since = received_on
            student.version += 1
            revoked = 0
            if appendix is Appendix.CANCEL:
                revoked = _end_codes(session, student.id, None, CodeState.REVOKED, now,
                                     "заявление об отмене услуги (Приложение № 3)")  # fmt: skip
            session.flush()
            self._ctx.record(session, ENTITY_STUDENT, student.id, f"optout_{appendix.value}", before,
                             {"paper": True, "received_on": received_on.isoformat(), "codes_revoked": revoked})  # fmt: skip
            return OptOutRow(row.id, appendix, received_on, applicants, row.registered_by)

    # -- reading -------------------------------------------------------------------------------------------------------

    def _student(self, session: Session, student_id: int, *, version: int | None = None) -> Student:
        student = session.get(Student, student_id)
        if student is None:
            raise ServiceError(f"Ученик не найден (№ {student_id}).")
        if version is not None and student.version != version:
            raise ConflictError(
                f"Данные ученика {student.full_name} изменены другим пользователем. Ваши изменения не сохранены: "
                "откройте карточку заново."
            )
        return student

    def _representative(self, session: Session, representative_id: int, *, version: int | None = None) -> Representative:
        rep = session.get(Representative, representative_id)
        if rep is None:
            raise ServiceError(f"Представитель не найден (№ {representative_id}).")
        if version is not None and rep.version != version:
            raise ConflictError(
                f"Данные представителя {rep.full_name} изменены другим пользователем. Ваши изменения не сохранены: "
                "откройте карточку заново."
            )
        return rep

    def _require_link(self, session: Session, student: Student, rep: Representative) -> None:
        if session.get(StudentRepresentative, (student.id, rep.id)) is None:
            raise ServiceError(f"{rep.full_name} не указан(а) представителем ученика {student.full_name}.")

    def find_student(self, full_name: str, class_name: str = "") -> int:
        """The id of the student studying under this name (in this class): for the command line. A name that is not
        found, or found in several classes without a class given, is a clear error."""
        self._ctx.require(Action.FAMILIES_VIEW)
        key = rules.name_key(full_name)
        with self._ctx.transaction() as session:
            query = (
                select(Student.id, SchoolClass.name)
                .join(SchoolClass, SchoolClass.id == Student.class_id)
                .where(Student.name_key == key, Student.studying.is_(True))
            )
            if class_name:
                query = query.where(SchoolClass.name == rules.class_key(class_name))
            found = session.execute(query).all()
        where = f" в классе {rules.class_key(class_name)}" if class_name else ""
        if not found:
            raise ServiceError(f"Ученик «{rules.clean_name(full_name)}»{where} не найден в реестре.")
        if len(found) > 1:
            classes = ", ".join(sorted(name for _, name in found))
            raise ServiceError(f"Учеников «{rules.clean_name(full_name)}» несколько ({classes}): укажите класс.")
        return int(found[0][0])

    def _conditions(self, flt: StudentFilter, today: dt.date) -> list[ColumnElement[bool]]:
        c: list[ColumnElement[bool]] = []
        if flt.class_name:
            c.append(SchoolClass.name == rules.class_key(flt.class_name))
        if flt.studying is not None:
            c.append(Student.studying.is_(flt.studying))
        if flt.paper is not None:
            c.append(Student.paper.is_(flt.paper))
        consent_now = (
            select(Consent.id)
            .join(StudentRepresentative, StudentRepresentative.representative_id == Consent.representative_id)
            .where(
                StudentRepresentative.student_id == Student.id,
                Consent.given_on <= today,
                or_(Consent.withdrawn_on.is_(None), Consent.withdrawn_on > today),
            )
        )
        if flt.without_consent:
            c += [Student.studying.is_(True), ~exists(consent_now)]
        if flt.without_code:
            active = select(AccessCode.id).where(
                AccessCode.student_id == Student.id, AccessCode.state == CodeState.ACTIVE.value
            )
            c += [Student.studying.is_(True), Student.paper.is_(False), ~exists(active)]
        needle = rules.name_key(flt.search)
        if needle:
            by_rep = (
                select(StudentRepresentative.student_id)
                .join(Representative, Representative.id == StudentRepresentative.representative_id)
                .where(Representative.name_key.contains(needle, autoescape=True))
            )
            c.append(or_(Student.name_key.contains(needle, autoescape=True), Student.id.in_(by_rep)))
        return c

    def count(self, flt: StudentFilter = StudentFilter()) -> int:
        self._ctx.require(Action.FAMILIES_VIEW)
        with self._ctx.transaction() as session:
            query = (
                select(func.count())
                .select_from(Student)
                .join(SchoolClass, SchoolClass.id == Student.class_id)
                .where(*self._conditions(flt, self.today()))
            )
            return int(session.scalar(query) or 0)

    def students(self, flt: StudentFilter = StudentFilter(), *, offset: int = 0, limit: int = 200) -> list[StudentRow]:
        """One page of the register, by class then name."""
        self._ctx.require(Action.FAMILIES_VIEW)
        today = self.today()
        query = (
            select(Student, SchoolClass.name)
            .join(SchoolClass, SchoolClass.id == Student.class_id)
            .where(*self._conditions(flt, today))
            .order_by(func.length(SchoolClass.name), SchoolClass.name, Student.name_key, Student.id)  # «5А» before «10А»
            .offset(offset)
            .limit(limit)
        )
        with self._ctx.transaction() as session:
            rows = session.execute(query).all()
            return self._rows(session, rows, today)

    def _rows(self, session: Session, rows: Sequence[Any], today: dt.date) -> list[StudentRow]:
        ids = [s.id for s, _ in rows]
        links: dict[int, list[int]] = {i: [] for i in ids}
        for sid, rid in session.execute(
            select(StudentRepresentative.student_id, StudentRepresentative.representative_id).where(
                StudentRepresentative.student_id.in_(ids)
            )
        ):
            links[sid].append(rid)
        consents = _consents_by_rep(session, [r for reps in links.values() for r in reps])
        codes = dict(
            session.execute(
                select(AccessCode.student_id, func.count())
                .where(AccessCode.student_id.in_(ids), AccessCode.state == CodeState.ACTIVE.value)
                .group_by(AccessCode.student_id)
            ).all()
        )
        return [
            StudentRow(
                id=s.id, full_name=s.full_name, birth_date=s.birth_date, class_name=cls, studying=s.studying,
                left_on=s.left_on, paper=s.paper, representatives=len(links[s.id]),
                with_consent=sum(rules.has_consent(consents.get(r, []), today) for r in links[s.id]),
                active_codes=int(codes.get(s.id, 0)), version=s.version,
            )
            for s, cls in rows
        ]

    def card(self, student_id: int, *, record_access: bool = True) -> StudentCard:
        """The student with the family: representatives with consents and codes, applications, refusals, opt-outs
        and the history. Opening it is recorded (a child's personal data)."""
        self._ctx.require(Action.FAMILIES_VIEW)
        today = self.today()
        with self._ctx.transaction() as session:
            student = self._student(session, student_id)
            cls = _class_name(session, student.class_id)
            row = self._rows(session, [(student, cls)], today)[0]
            reps = _representatives_of(session, student.id)
            consents = _consents_full(session, [r.id for r, _ in reps])
            history = [
                HistoryItem(self._local(e.at) or e.at, e.on, e.kind, _history_text(e), e.actor)
                for e in session.scalars(
                    select(StudentEvent).where(StudentEvent.student_id == student.id).order_by(StudentEvent.at, StudentEvent.id)
                )
            ]
            refusals = [
                _refusal_row(r)
                for r in session.scalars(
                    select(AccessRefusal).where(AccessRefusal.student_id == student.id).order_by(AccessRefusal.id)
                )
            ]
            optouts = [
                OptOutRow(o.id, Appendix(o.appendix), o.received_on, o.applicants, o.registered_by)
                for o in session.scalars(select(OptOut).where(OptOut.student_id == student.id).order_by(OptOut.id))
            ]
            if record_access:
                self._ctx.record(session, ENTITY_STUDENT, student.id, "open", kind="access")
        codes = self.codes(ids=self._code_ids(student.id))
        applications = self._application_rows(ApplicationFilter(status=None), student_id=student.id)
        views = []
        for rep, relation in reps:
            own = consents.get(rep.id, [])
            views.append(
                RepresentativeView(
                    id=rep.id, full_name=rep.full_name, relation=Relation(relation), phone=rep.phone, email=rep.email,
                    address=rep.address, consents=own, consent_now=any(c.valid_on(today) for c in own),
                    codes=[c for c in codes if c.representative_id == rep.id], version=rep.version,
                )
            )
        return StudentCard(row, student.paper_since, views, history, applications, refusals, optouts)

    def _code_ids(self, student_id: int) -> list[int]:
        with self._ctx.transaction() as session:
            return list(session.scalars(select(AccessCode.id).where(AccessCode.student_id == student_id)))

    def consent_scan(self, consent_id: int) -> tuple[str, bytes]:
        """The signed consent's scan; looking at it is recorded."""
        self._ctx.require(Action.FAMILIES_VIEW)
        with self._ctx.transaction() as session:
            consent = session.get(Consent, consent_id)
            found = load_file(session, consent.attachment_id) if consent and consent.attachment_id else None
            if consent is None or found is None:
                raise ServiceError("Скан согласия не найден.")
            attachment, data = found
            self._ctx.record(session, ENTITY_REPRESENTATIVE, consent.representative_id, "open_file", kind="access",
                             after={"file": attachment.name})  # fmt: skip
            return attachment.name, data

    def summary(self) -> AccessSummary:
        self._ctx.require(Action.FAMILIES_VIEW)
        today = self.today()
        waiting = self._application_rows(ApplicationFilter())
        with self._ctx.transaction() as session:
            by_class = dict(
                session.execute(
                    select(SchoolClass.name, func.count(Student.id))
                    .join(Student, Student.class_id == SchoolClass.id)
                    .where(Student.studying.is_(True))
                    .group_by(SchoolClass.name)
                ).all()
            )
            on_paper = session.scalar(
                select(func.count()).select_from(Student).where(Student.studying.is_(True), Student.paper.is_(True))
            )
            codes = session.scalar(
                select(func.count()).select_from(AccessCode).where(AccessCode.state == CodeState.ACTIVE.value)
            )
        return AccessSummary(
            waiting=len(waiting),
            urgent=sum(1 for a in waiting if a.due_date <= today),
            students=sum(by_class.values()),
            on_paper=int(on_paper or 0),
            without_consent=self.count(StudentFilter(without_consent=True)),
            codes_active=int(codes or 0),
            by_class={k: int(v) for k, v in by_class.items()},
        )


# -- shared with the import --------------------------------------------------------------------------------------------


def class_order(name: str) -> tuple[int, str]:
    digits = "".join(ch for ch in name if ch.isdigit())
    return (int(digits) if digits else 99, name)


def get_class(session: Session, name: str) -> SchoolClass:
    key = rules.class_key(name)
    found = session.scalar(select(SchoolClass).where(SchoolClass.name == key))
    if found is None:
        found = SchoolClass(name=key)
        session.add(found)
        session.flush()
    return found


def enroll(
    session: Session, ctx: ServiceContext, full_name: str, birth_date: dt.date, class_name: str, now: dt.datetime,
    on: dt.date,
) -> Student:  # fmt: skip
    cls = get_class(session, class_name)
    student = Student(full_name=rules.clean_name(full_name), name_key=rules.name_key(full_name), birth_date=birth_date,
                      class_id=cls.id, studying=True, paper=False, version=1)  # fmt: skip
    session.add(student)
    session.flush()
    session.add(StudentEvent(student_id=student.id, at=now, on=on, kind="enrolled", from_class="", to_class=cls.name,
                             actor=ctx.actor.name, note=""))  # fmt: skip
    ctx.record(session, ENTITY_STUDENT, student.id, "enroll", None,
               {"full_name": student.full_name, "birth_date": birth_date.isoformat(), "class": cls.name})  # fmt: skip
    return student


def move(session: Session, ctx: ServiceContext, student: Student, class_name: str, now: dt.datetime, on: dt.date) -> bool:
    """Move a student to `class_name` (True), or do nothing when they are there already (False)."""
    cls = get_class(session, class_name)
    if cls.id == student.class_id:
        return False
    before = _class_name(session, student.class_id)
    student.class_id = cls.id
    student.version += 1
    session.add(StudentEvent(student_id=student.id, at=now, on=on, kind="moved", from_class=before, to_class=cls.name,
                             actor=ctx.actor.name, note=""))  # fmt: skip
    ctx.record(session, ENTITY_STUDENT, student.id, "move", {"class": before}, {"class": cls.name})
    return True


def find_representative(session: Session, full_name: str, phone: str) -> Representative | None:
    """The same person: the same name (case and ё aside) and the same phone digits (or both without a phone)."""
    return session.scalar(
        select(Representative)
        .where(Representative.name_key == rules.name_key(full_name), Representative.phone_key == rules.phone_key(phone))
        .order_by(Representative.id)
    )


def representative_problems(data: RepresentativeInput) -> dict[str, str]:
    problems: dict[str, str] = {}
    name = rules.clean_name(data.full_name)
    if not name:
        problems["full_name"] = "Укажите ФИО представителя."
    elif len(name) > 200:
        problems["full_name"] = "ФИО представителя длиннее 200 знаков."
    if data.phone.strip() and not 5 <= len(rules.phone_key(data.phone)) <= 15:
        problems["phone"] = f"Телефон «{data.phone}» записан неверно: нужны цифры, например +7 912 345-67-89."
    if problem := email_problem(data.email.strip()):
        problems["email"] = problem
    if len(data.address.strip()) > 300:
        problems["address"] = "Адрес длиннее 300 знаков."
    return problems


def _start(day: dt.date, tz: dt.tzinfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=tz).astimezone(dt.UTC)


def _class_name(session: Session, class_id: int) -> str:
    return session.scalar(select(SchoolClass.name).where(SchoolClass.id == class_id)) or ""


def _representatives_of(session: Session, student_id: int) -> list[tuple[Representative, str]]:
    return [
        (rep, relation)
        for rep, relation in session.execute(
            select(Representative, StudentRepresentative.relation)
            .join(StudentRepresentative, StudentRepresentative.representative_id == Representative.id)
            .where(StudentRepresentative.student_id == student_id)
            .order_by(Representative.id)
        )
    ]


def _consents_by_rep(session: Session, rep_ids: Sequence[int]) -> dict[int, list[rules.Consent]]:
    out: dict[int, list[rules.Consent]] = {}
    if not rep_ids:
        return out
    for c in session.scalars(select(Consent).where(Consent.representative_id.in_(set(rep_ids)))):
        out.setdefault(c.representative_id, []).append(rules.Consent(c.given_on, c.withdrawn_on))
    return out


def _consents_full(session: Session, rep_ids: Sequence[int]) -> dict[int, list[ConsentView]]:
    out: dict[int, list[ConsentView]] = {}
    if not rep_ids:
        return out
    for c in session.scalars(
        select(Consent).where(Consent.representative_id.in_(set(rep_ids))).order_by(Consent.given_on, Consent.id)
    ):
        scan = None
        if c.attachment_id is not None:
            a = session.get(Attachment, c.attachment_id)
            scan = FileInfo(a.id, a.name, a.size) if a else None
        out.setdefault(c.representative_id, []).append(ConsentView(c.id, c.given_on, c.withdrawn_on, scan))
    return out


def _end_codes(
    session: Session, student_id: int | None, rep_id: int | None, state: CodeState, now: dt.datetime, reason: str
) -> int:
    """End the codes in force of a child, of a representative, or of the pair; how many ended."""
    query = select(AccessCode).where(AccessCode.state == CodeState.ACTIVE.value)
    if student_id is not None:
        query = query.where(AccessCode.student_id == student_id)
    if rep_id is not None:
        query = query.where(AccessCode.representative_id == rep_id)
    ended = 0
    for code in session.scalars(query):
        code.state = state.value
        code.ended_at = now
        code.end_reason = reason
        ended += 1
    return ended


def _waiting(session: Session, student_id: int, rep_id: int | None) -> list[AccessApplication]:
    """The applications of a child (from one representative, or from any) still waiting for access."""
    query = select(AccessApplication).where(
        AccessApplication.student_id == student_id, AccessApplication.status == ApplicationStatus.WAITING.value
    )
    if rep_id is not None:
        query = query.where(AccessApplication.representative_id == rep_id)
    return list(session.scalars(query.order_by(AccessApplication.id)))


def _decide_waiting(
    session: Session, student_id: int, rep_id: int | None, status: ApplicationStatus, now: dt.datetime
) -> list[AccessApplication]:
    """Close the waiting applications (granted, refused, or closed when the student left); the ones closed."""
    decided = _waiting(session, student_id, rep_id)
    for app in decided:
        app.status = status.value
        app.decided_at = now
        app.version += 1
    return decided


def _refusal_row(r: AccessRefusal) -> RefusalRow:
    return RefusalRow(
        id=r.id, number=r.number, decided_on=r.decided_on, child_name=r.child_name, child_class=r.child_class,
        applicant_name=r.applicant_name, grounds=tuple(RefusalGround(g) for g in r.grounds), text=r.text,
        director_name=r.director_name, student_id=r.student_id, representative_id=r.representative_id,
    )  # fmt: skip


def _history_text(e: StudentEvent) -> str:
    if e.kind == "enrolled":
        return f"Внесён(а) в реестр, класс {e.to_class}"
    if e.kind == "moved":
        return f"Переведён(а) из {e.from_class} в {e.to_class}"
    if e.kind == "left":
        return f"Выбыл(а) из школы (класс {e.from_class})" + (f": {e.note}" if e.note else "")
    return e.note or e.kind


__all__ = [
    "AccessSummary",
    "ApplicationFilter",
    "ApplicationRow",
    "CodeRow",
    "ConsentView",
    "FamiliesService",
    "NoConsent",
    "OptOutRow",
    "RefusalRow",
    "RepresentativeInput",
    "RepresentativeView",
    "StudentCard",
    "StudentFilter",
    "StudentRow",
]
