"""SQLAlchemy 2 typed models of the app's tables; the schema itself changes only through migrations."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A moment stored in UTC and returned timezone-aware, on SQLite (no time zones) and PostgreSQL alike."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: object) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("a naive datetime cannot be stored: pass an aware one")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: dt.datetime | None, dialect: object) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Setting(Base):
    """One school setting (profile, time zone ...): key and text value."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[str] = mapped_column(String(200))


class CalendarOverride(Base):
    """The school's own day off or working day on top of the production calendar (DOMAIN.md §1)."""

    __tablename__ = "calendar_overrides"

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # "day_off" | "workday"
    reason: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(200))


class CalendarConfirmedYear(Base):
    """A year the school has entered by hand and vouches for, although the app's production calendar lacks it."""

    __tablename__ = "calendar_confirmed_years"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    confirmed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    confirmed_by: Mapped[str] = mapped_column(String(200))


class User(Base):
    """A person who works in the app: login, full name, roles, and the password as a salted slow hash only."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    login: Mapped[str] = mapped_column(String(64), unique=True)  # stored in lower case
    full_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(300))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    password_changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    roles: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin", order_by="UserRole.role"
    )


class UserRole(Base):
    """One role of one user; a person may hold several."""

    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(32), primary_key=True)
    user: Mapped[User] = relationship(back_populates="roles")


class LoginAttempts(Base):
    """Wrong passwords in a row for a login (known or not), for the growing delay before the next attempt."""

    __tablename__ = "login_attempts"

    login: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class Event(Base):
    """An append-only record of a change of state, a look at personal data, or a login: who, when, what.

    Nothing in the app updates or deletes a row; the database refuses it too (triggers of migration 0002).
    """

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    actor: Mapped[str] = mapped_column(String(200))  # the person's name as it was then
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True, index=True)
    kind: Mapped[str] = mapped_column(String(16), default="change", index=True)  # change | access | auth
    entity: Mapped[str] = mapped_column(String(64), index=True)
    entity_id: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    before: Mapped[dict[str, object] | None] = mapped_column(JSON, nullable=True)
    after: Mapped[dict[str, object] | None] = mapped_column(JSON, nullable=True)


class NumberCounter(Base):
    """The last register number given in a series and year («О» for appeals): numbers without gaps."""

    __tablename__ = "number_counters"

    series: Mapped[str] = mapped_column(String(8), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer, default=0)


class Blob(Base):
    """A file's bytes, stored once under their SHA-256 however many records attach them."""

    __tablename__ = "blobs"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class Attachment(Base):
    """A file attached to a record: the original name is data, never a path."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(ForeignKey("blobs.sha256"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(200))


class Appeal(Base):
    """A parent's appeal (seed 000) with its current state on the row, so that a queue is one indexed query."""

    __tablename__ = "appeals"
    __table_args__ = (
        UniqueConstraint("year", "seq"),
        Index("ix_appeals_status_due_at", "status", "due_at"),
        # The queue's filters: open appeals by level, and the escalated ones, each in due order.
        Index("ix_appeals_queue_level", "status", "level", "due_sort"),
        Index("ix_appeals_queue_escalated", "status", "escalated", "due_sort"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(24), unique=True)
    external_number: Mapped[str] = mapped_column(String(64), default="", index=True)
    registered_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    reg_date: Mapped[dt.date] = mapped_column(Date, index=True)  # in the school's time zone
    applicant: Mapped[str] = mapped_column(String(200), index=True)
    email: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(50), default="")
    child_name: Mapped[str] = mapped_column(String(200), default="")
    child_class: Mapped[str] = mapped_column(String(20), default="")
    channel: Mapped[str] = mapped_column(String(16), default="")
    rubric: Mapped[str] = mapped_column(String(16), index=True)
    text: Mapped[str] = mapped_column(Text)
    attachment_id: Mapped[int | None] = mapped_column(ForeignKey("attachments.id"), nullable=True)
    level: Mapped[str] = mapped_column(String(16))
    level_rank: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    escalated: Mapped[bool] = mapped_column(Boolean, default=False)
    level_since: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    due_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    due_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    #: due_at, or a moment after every real one when there is no term: what the queue sorts by, with an index.
    due_sort: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    answered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    answer_text: Mapped[str] = mapped_column(Text, default="")
    answer_delivery: Mapped[str] = mapped_column(String(16), default="")
    answer_attachment_id: Mapped[int | None] = mapped_column(ForeignKey("attachments.id"), nullable=True)
    answered_by: Mapped[str] = mapped_column(String(200), default="")
    thread_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)  # the first appeal's id
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("appeals.id"), nullable=True)
    repeat_no: Mapped[int] = mapped_column(Integer, default=0)
    notice_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_by: Mapped[str] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer, default=1)
    #: Number, source number, applicant and text in lower case, folded by Python: the queue's search box looks
    #: here, alike on SQLite and on a PostgreSQL server whatever its locale.
    search: Mapped[str] = mapped_column(Text, default="")


class AppealStep(Base):
    """One thing that happened to an appeal: registered, escalated, forwarded to the СУИ, answered, notified.

    (appeal, kind, level) is unique: the database itself refuses a second record of the same escalation.
    """

    __tablename__ = "appeal_steps"
    __table_args__ = (UniqueConstraint("appeal_id", "kind", "level", name="uq_appeal_steps_once"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    appeal_id: Mapped[int] = mapped_column(ForeignKey("appeals.id"))  # indexed by the unique constraint
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    kind: Mapped[str] = mapped_column(String(16))
    level: Mapped[str] = mapped_column(String(16))
    due_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    due_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    counted_from: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    term: Mapped[int] = mapped_column(Integer, default=0)
    actor: Mapped[str] = mapped_column(String(200))
    note: Mapped[str] = mapped_column(Text, default="")


class AgentCategory(Base):
    """A category an agent (role `agent`) is specialised in (seed 002 §3.1.3)."""

    __tablename__ = "agent_categories"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    category: Mapped[str] = mapped_column(String(16), primary_key=True)


class AgentAbsence(Base):
    """Days an agent is away (holiday, sick leave, course), both ends included."""

    __tablename__ = "agent_absences"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    date_from: Mapped[dt.date] = mapped_column(Date)
    date_to: Mapped[dt.date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(200), default="")


class Ticket(Base):
    """A student initiative ticket (seed 002) with its terms and current state on the row, for the queue."""

    __tablename__ = "tickets"
    __table_args__ = (
        UniqueConstraint("year", "seq"),
        Index("ix_tickets_queue", "status", "next_due"),
        Index("ix_tickets_agent_queue", "agent_id", "status", "next_due"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(24), unique=True)
    submitted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    submit_date: Mapped[dt.date] = mapped_column(Date, index=True)  # in the school's time zone
    client_name: Mapped[str] = mapped_column(String(200), index=True)
    client_group: Mapped[str] = mapped_column(String(100), default="")
    client_contact: Mapped[str] = mapped_column(String(200), default="")
    category: Mapped[str] = mapped_column(String(16), index=True)
    event_date: Mapped[dt.date] = mapped_column(Date, index=True)
    description: Mapped[str] = mapped_column(Text)
    submit_by: Mapped[dt.date] = mapped_column(Date)
    report_by: Mapped[dt.date] = mapped_column(Date)
    client_by: Mapped[dt.date] = mapped_column(Date)
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16))
    #: The date of what the ticket waits for next (domain `next_term`), or 9999-12-31 when finished: the sort key.
    next_due: Mapped[dt.date] = mapped_column(Date)
    next_kind: Mapped[str] = mapped_column(String(16), default="")
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    agent_name: Mapped[str] = mapped_column(String(200), default="")
    in_work_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    refusal_reason: Mapped[str] = mapped_column(String(16), default="")
    close_note: Mapped[str] = mapped_column(Text, default="")
    rating: Mapped[int | None] = mapped_column(Integer, nullable=True)
    feedback: Mapped[str] = mapped_column(Text, default="")
    feedback_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_by: Mapped[str] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer, default=1)
    #: Number, client, contact and description folded to lower case by Python, for the search box.
    search: Mapped[str] = mapped_column(Text, default="")


class TicketFile(Base):
    """A file attached to a ticket when it was submitted."""

    __tablename__ = "ticket_files"

    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), primary_key=True)
    attachment_id: Mapped[int] = mapped_column(ForeignKey("attachments.id"), primary_key=True)


class TicketMessage(Base):
    """One message of a ticket's thread: from the operator, an agent, or the client (recorded by staff)."""

    __tablename__ = "ticket_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    party: Mapped[str] = mapped_column(String(16))  # operator | agent | client
    author: Mapped[str] = mapped_column(String(200))  # the person who wrote it (or the client's name)
    recorded_by: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    attachment_id: Mapped[int | None] = mapped_column(ForeignKey("attachments.id"), nullable=True)


class TicketStep(Base):
    """One thing that happened to a ticket: created, status changed, assigned, reassigned, feedback."""

    __tablename__ = "ticket_steps"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    kind: Mapped[str] = mapped_column(String(16))
    status_from: Mapped[str] = mapped_column(String(16), default="")
    status_to: Mapped[str] = mapped_column(String(16), default="")
    actor: Mapped[str] = mapped_column(String(200))
    note: Mapped[str] = mapped_column(Text, default="")


class SchoolClass(Base):
    """A class of the school: «5А»."""

    __tablename__ = "school_classes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(8), unique=True)


class Student(Base):
    """A student of the school (or who has left: kept, never deleted). Identified by name and date of birth."""

    __tablename__ = "students"
    __table_args__ = (UniqueConstraint("name_key", "birth_date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    full_name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200), index=True)
    birth_date: Mapped[dt.date] = mapped_column(Date)
    class_id: Mapped[int] = mapped_column(ForeignKey("school_classes.id"), index=True)
    studying: Mapped[bool] = mapped_column(Boolean, default=True)
    left_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    #: The family gets the week's marks on paper (opted out, or asked for it; seed 004).
    paper: Mapped[bool] = mapped_column(Boolean, default=False)
    paper_since: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)


class StudentEvent(Base):
    """A student's history in the school: enrolled, moved to another class, left, came back."""

    __tablename__ = "student_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id"), index=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    on: Mapped[dt.date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(16))
    from_class: Mapped[str] = mapped_column(String(8), default="")
    to_class: Mapped[str] = mapped_column(String(8), default="")
    actor: Mapped[str] = mapped_column(String(200))
    note: Mapped[str] = mapped_column(Text, default="")


class Representative(Base):
    """A legal representative (parent, guardian). Identified by name and phone."""

    __tablename__ = "representatives"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    full_name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200), index=True)
    phone: Mapped[str] = mapped_column(String(50), default="")
    phone_key: Mapped[str] = mapped_column(String(20), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    version: Mapped[int] = mapped_column(Integer, default=1)


class StudentRepresentative(Base):
    """Who a representative is to a child; a child may have several, a parent several children."""

    __tablename__ = "student_representatives"

    student_id: Mapped[int] = mapped_column(ForeignKey("students.id"), primary_key=True)
    representative_id: Mapped[int] = mapped_column(ForeignKey("representatives.id"), primary_key=True, index=True)
    relation: Mapped[str] = mapped_column(String(16))


class Consent(Base):
    """A representative's consent to personal-data processing (152-ФЗ): given, the signed scan, withdrawn."""

    __tablename__ = "consents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    representative_id: Mapped[int] = mapped_column(ForeignKey("representatives.id"), index=True)
    given_on: Mapped[dt.date] = mapped_column(Date)
    withdrawn_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    attachment_id: Mapped[int | None] = mapped_column(ForeignKey("attachments.id"), nullable=True)
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class AccessApplication(Base):
    """An application for access to the e-diary: registered the day it comes, access due in 2 working days."""

    __tablename__ = "access_applications"
    __table_args__ = (UniqueConstraint("year", "seq"), Index("ix_access_applications_queue", "status", "due_date"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(24), unique=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id"), index=True)
    representative_id: Mapped[int] = mapped_column(ForeignKey("representatives.id"), index=True)
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    received_on: Mapped[dt.date] = mapped_column(Date)
    due_date: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16))
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_by: Mapped[str] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer, default=1)


class AccessCode(Base):
    """A registration code handed to a representative for a child against signature; re-issues and revocations
    leave the old row with its state."""

    __tablename__ = "access_codes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id"), index=True)
    representative_id: Mapped[int] = mapped_column(ForeignKey("representatives.id"), index=True)
    application_id: Mapped[int | None] = mapped_column(ForeignKey("access_applications.id"), nullable=True)
    code: Mapped[str] = mapped_column(String(40))
    generated: Mapped[bool] = mapped_column(Boolean, default=True)
    state: Mapped[str] = mapped_column(String(16))
    handover: Mapped[str] = mapped_column(String(16))
    handed_via: Mapped[str] = mapped_column(String(200), default="")  # the class teacher's name
    issued_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    issued_by: Mapped[str] = mapped_column(String(200))
    ended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    end_reason: Mapped[str] = mapped_column(Text, default="")


class AccessRefusal(Base):
    """A refusal decision with its grounds from the closed list, signed by the director; numbered and kept."""

    __tablename__ = "access_refusals"
    __table_args__ = (UniqueConstraint("year", "seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(24), unique=True)
    decided_on: Mapped[dt.date] = mapped_column(Date)
    student_id: Mapped[int | None] = mapped_column(ForeignKey("students.id"), nullable=True, index=True)
    representative_id: Mapped[int | None] = mapped_column(ForeignKey("representatives.id"), nullable=True)
    application_id: Mapped[int | None] = mapped_column(ForeignKey("access_applications.id"), nullable=True)
    child_name: Mapped[str] = mapped_column(String(200))
    child_class: Mapped[str] = mapped_column(String(8), default="")
    applicant_name: Mapped[str] = mapped_column(String(200))
    grounds: Mapped[list[str]] = mapped_column(JSON)
    text: Mapped[str] = mapped_column(Text, default="")
    director_name: Mapped[str] = mapped_column(String(200))
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class OptOut(Base):
    """A signed opt-out application registered (seed 004 Appendix 2 or 3): the family goes on paper."""

    __tablename__ = "optouts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id"), index=True)
    appendix: Mapped[str] = mapped_column(String(1))
    received_on: Mapped[dt.date] = mapped_column(Date)
    applicants: Mapped[str] = mapped_column(String(400))
    attachment_id: Mapped[int | None] = mapped_column(ForeignKey("attachments.id"), nullable=True)
    registered_by: Mapped[str] = mapped_column(String(200))
    registered_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class Grade(Base):
    """A mark or an absence from the e-journal's export: one lesson's entry for one student."""

    __tablename__ = "grades"
    __table_args__ = (Index("ix_grades_student_day", "student_id", "day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id"))
    subject: Mapped[str] = mapped_column(String(100))
    day: Mapped[dt.date] = mapped_column(Date)
    mark: Mapped[str] = mapped_column(String(16), default="")
    attendance: Mapped[str] = mapped_column(String(4), default="")
    work: Mapped[str] = mapped_column(String(100), default="")
    kind: Mapped[str] = mapped_column(String(16), default="current")
    comment: Mapped[str] = mapped_column(Text, default="")
    imported_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class Printout(Base):
    """A paper report for a family on paper: the week's (or final marks'), printed, then handed over against
    signature; what is not handed over is what the office is reminded of."""

    __tablename__ = "printouts"
    __table_args__ = (UniqueConstraint("student_id", "kind", "period"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id"), index=True)
    kind: Mapped[str] = mapped_column(String(8))  # weekly | final
    #: The Monday of the week (weekly), or the day the final marks were known (final).
    period: Mapped[dt.date] = mapped_column(Date, index=True)
    due_date: Mapped[dt.date] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    printed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    printed_by: Mapped[str] = mapped_column(String(200), default="")
    handed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    handed_to: Mapped[str] = mapped_column(String(200), default="")
    handed_by: Mapped[str] = mapped_column(String(200), default="")


class SupportRequest(Base):
    """A support request for the e-journal (seed 001): a user's problem brought by a class teacher, the school's
    correction and when it takes effect, and the request to СТП with its number. Current state on the row."""

    __tablename__ = "support_requests"
    __table_args__ = (
        UniqueConstraint("year", "seq"),
        Index("ix_support_requests_queue", "status", "next_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(24), unique=True)
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    received_date: Mapped[dt.date] = mapped_column(Date, index=True)  # in the school's time zone
    full_name: Mapped[str] = mapped_column(String(200))
    #: Name (folded) and date of birth: one e-journal user (domain `person_key`).
    person_key: Mapped[str] = mapped_column(String(220), index=True)
    birth_date: Mapped[dt.date] = mapped_column(Date)
    gosuslugi_email: Mapped[str] = mapped_column(String(200))
    user_role: Mapped[str] = mapped_column(String(16))
    class_name: Mapped[str] = mapped_column(String(8), default="")
    brought_by: Mapped[str] = mapped_column(String(200))
    brought_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True, index=True)
    description: Mapped[str] = mapped_column(Text)
    student_id: Mapped[int | None] = mapped_column(ForeignKey("students.id"), nullable=True, index=True)
    representative_id: Mapped[int | None] = mapped_column(ForeignKey("representatives.id"), nullable=True)
    status: Mapped[str] = mapped_column(String(16))
    #: The moment the queue sorts by: the intake, the correction's effect, the СТП request; far future when finished.
    next_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    corrected_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    effective_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    correction_note: Mapped[str] = mapped_column(Text, default="")
    stp_subject: Mapped[str] = mapped_column(String(200), default="")
    stp_problem: Mapped[str] = mapped_column(Text, default="")
    stp_action: Mapped[str] = mapped_column(Text, default="")
    stp_sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    stp_sent_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    stp_number: Mapped[str] = mapped_column(String(64), default="")
    #: True while the request to СТП is open: at most one per person (the service refuses a second one).
    stp_open: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    followups: Mapped[int] = mapped_column(Integer, default=0)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    close_note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer, default=1)
    #: Number, name, e-mail, class, teacher, СТП number and description folded to lower case, for the search box.
    search: Mapped[str] = mapped_column(Text, default="")


class SupportStep(Base):
    """One step of a support request's history: intake, correction, check, request or follow-up to СТП, СТП's number
    or answer, closing. A letter to СТП keeps the `.eml` written (as an attachment) so it can be saved again."""

    __tablename__ = "support_steps"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("support_requests.id"), index=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    kind: Mapped[str] = mapped_column(String(16))
    status_from: Mapped[str] = mapped_column(String(16), default="")
    status_to: Mapped[str] = mapped_column(String(16), default="")
    actor: Mapped[str] = mapped_column(String(200))
    note: Mapped[str] = mapped_column(Text, default="")
    letter_id: Mapped[int | None] = mapped_column(ForeignKey("attachments.id"), nullable=True)


class SupportFile(Base):
    """A screenshot or video of a support request: brought at intake, or added with a step (a follow-up)."""

    __tablename__ = "support_files"

    request_id: Mapped[int] = mapped_column(ForeignKey("support_requests.id"), primary_key=True)
    attachment_id: Mapped[int] = mapped_column(ForeignKey("attachments.id"), primary_key=True)
    step_id: Mapped[int | None] = mapped_column(ForeignKey("support_steps.id"), nullable=True)
