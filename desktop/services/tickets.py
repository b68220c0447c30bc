"""Initiative tickets (seed 002): take in, review, assign and reassign, messages that set the waiting statuses,
take in work, finish, refuse, close or withdraw, feedback; the agents' specialisations and absences; the queue.

Every call is one transaction that checks the acting person's right, changes the ticket's row (its current state and
next term, for the queue) and appends to its history (`ticket_steps`) and to the event log. An agent sees only the
tickets assigned to them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, delete, func, or_, select
from sqlalchemy.orm import Session

from desktop.domain import tickets as rules
from desktop.domain.access import Action, ActorKind, Role
from desktop.domain.calendar import UnknownCalendarYear, WorkCalendar
from desktop.domain.terms import email_problem, local_date, time_left
from desktop.domain.tickets import (
    AgentInfo,
    Category,
    Party,
    Proposal,
    RefusalReason,
    Status,
    TermKind,
    Terms,
    Urgency,
)
from desktop.services.context import ServiceContext
from desktop.services.errors import ConflictError, PermissionDenied, ServiceError, ValidationError
from desktop.services.files import FileIn, FileInfo, file_problem, load_file, store_file
from desktop.services.numbers import next_number
from desktop.services.school import SchoolService
from desktop.store.models import (
    AgentAbsence,
    AgentCategory,
    Attachment,
    Ticket,
    TicketFile,
    TicketMessage,
    TicketStep,
    User,
    UserRole,
)

ENTITY = "ticket"
MAX_FILES = 10
MAX_NOTE_LENGTH = 2000
#: The sort key of a finished ticket, which waits for nothing: after every real date.
NO_TERM = dt.date(9999, 12, 31)


class StepKind(StrEnum):
    CREATED = "created"
    STATUS = "status"
    ASSIGNED = "assigned"
    MESSAGE = "message"
    FEEDBACK = "feedback"


# -- what callers pass and get back ------------------------------------------------------------------------------


@dataclass(frozen=True)
class TicketInput:
    """What is taken in from the client (seed 002 §3.1.1)."""

    client_name: str
    category: Category
    event_date: dt.date
    description: str
    client_group: str = ""  # class or group, e.g. «10А» or «Совет старшеклассников»
    client_contact: str = ""  # phone or e-mail
    files: tuple[FileIn, ...] = ()


@dataclass(frozen=True)
class TicketRow:
    """One line of the queue."""

    id: int
    number: str
    submitted_at: dt.datetime  # naive, school time
    client_name: str
    client_group: str
    category: Category
    event_date: dt.date
    status: Status
    late: bool
    next_kind: TermKind | None
    next_due: dt.date | None
    time_left: str
    agent_id: int | None
    agent_name: str
    urgency: Urgency
    version: int

    @property
    def due_text(self) -> str:
        return self.next_due.strftime("%d.%m.%Y") if self.next_due else "—"


@dataclass(frozen=True)
class MessageItem:
    at: dt.datetime  # naive, school time
    party: Party
    author: str
    recorded_by: str
    text: str
    attachment: FileInfo | None


@dataclass(frozen=True)
class HistoryItem:
    at: dt.datetime  # naive, school time
    kind: StepKind
    title: str
    note: str
    actor: str


@dataclass(frozen=True)
class TicketCard:
    """Everything about one ticket, for its card, and what the acting person may do with it now."""

    row: TicketRow
    client_contact: str
    description: str
    terms: Terms
    files: list[FileInfo]
    messages: list[MessageItem]
    history: list[HistoryItem]
    refusal_reason: RefusalReason | None
    close_note: str
    rating: int | None
    feedback: str
    #: Why the ticket is late, in words (empty when on time).
    lateness: str
    #: The refusal the operator is offered with its reason filled in (seed 002 §4.5.1), or None.
    suggested_refusal: tuple[RefusalReason, str] | None
    #: The statuses the acting person may set by hand now (besides refusing and withdrawing).
    next_statuses: tuple[Status, ...] = ()
    parties: frozenset[Party] = frozenset()
    can_assign: bool = False
    can_message: bool = False
    can_refuse: bool = False
    can_withdraw: bool = False
    can_feedback: bool = False

    @property
    def id(self) -> int:
        return self.row.id

    @property
    def number(self) -> str:
        return self.row.number


class TicketSort(StrEnum):
    NUMBER = "number"
    SUBMITTED = "submitted"
    CLIENT = "client"
    CATEGORY = "category"
    EVENT = "event"
    DUE = "due"
    AGENT = "agent"
    STATUS = "status"


@dataclass(frozen=True)
class TicketFilter:
    """Which tickets a queue shows; every condition set must hold."""

    statuses: frozenset[Status] = frozenset()  # empty: any
    active: bool | None = None  # True: not finished; False: finished only
    category: Category | None = None
    agent_id: int | None = None
    unassigned: bool = False
    mine: bool = False  # assigned to the acting agent
    needs_operator: bool = False  # waits for the operator's step
    urgent: bool = False  # active, and the next term is today or past
    late: bool = False  # submitted after the last day
    date_from: dt.date | None = None  # submitted on or after, school date
    date_to: dt.date | None = None
    search: str = ""  # number, client, contact or description contains


@dataclass(frozen=True)
class AbsenceView:
    id: int
    date_from: dt.date
    date_to: dt.date
    reason: str

    @property
    def text(self) -> str:
        span = f"{self.date_from:%d.%m.%Y}" + (f"–{self.date_to:%d.%m.%Y}" if self.date_to != self.date_from else "")
        return f"{span} ({self.reason})" if self.reason else span


@dataclass(frozen=True)
class AgentView:
    """An agent (role `agent`) with their specialisations, absences and current load."""

    user_id: int
    login: str
    name: str
    active: bool
    categories: frozenset[Category]
    absences: tuple[AbsenceView, ...]
    open_tickets: int
    absent_today: bool = False

    def info(self) -> AgentInfo:
        return AgentInfo(
            self.user_id,
            self.name,
            self.categories,
            tuple((a.date_from, a.date_to) for a in self.absences),
            self.open_tickets,
        )


@dataclass(frozen=True)
class TicketSummary:
    open: int
    needs_operator: int
    urgent: int
    late: int
    unassigned: int
    by_status: dict[Status, int] = field(default_factory=dict)


# -- the service ---------------------------------------------------------------------------------------------------


class TicketsService(SchoolService):

    # -- context ------------------------------------------------------------------------------------------------

    def _calendar_rules(self) -> WorkCalendar:
        return self._calendar.work_calendar()

    def _only_own(self) -> bool:
        """An agent who is neither the operator nor a manager sees only the tickets assigned to them."""
        actor = self._ctx.actor
        if actor.kind is not ActorKind.USER:
            return False
        return Role.AGENT in actor.roles and actor.roles.isdisjoint({Role.OPERATOR, Role.DIRECTOR, Role.DEPUTY})

    def parties(self, ticket: Ticket | TicketRow) -> frozenset[Party]:
        """Who the acting person is on this ticket: the operator, its agent, or neither."""
        actor = self._ctx.actor
        if actor.kind is ActorKind.BOOTSTRAP:
            return frozenset({Party.OPERATOR, Party.AGENT})
        if actor.kind is not ActorKind.USER:
            return frozenset()
        found: set[Party] = set()
        if Role.OPERATOR in actor.roles:
            found.add(Party.OPERATOR)
        if Role.AGENT in actor.roles and ticket.agent_id is not None and ticket.agent_id == actor.user_id:
            found.add(Party.AGENT)
        return frozenset(found)

    # -- checks -------------------------------------------------------------------------------------------------

    def check_input(self, data: TicketInput, *, submitted: dt.date | None = None) -> dict[str, str]:
        """What is wrong with the form, field by field (empty when it will do)."""
        problems: dict[str, str] = {}
        name = " ".join(data.client_name.split())
        if not name:
            problems["client_name"] = "Укажите ФИО заявителя."
        elif len(name) > 200:
            problems["client_name"] = "ФИО заявителя длиннее 200 знаков."
        if len(data.client_group.strip()) > 100:
            problems["client_group"] = "Класс или объединение — не длиннее 100 знаков."
        contact = data.client_contact.strip()
        if len(contact) > 200:
            problems["client_contact"] = "Контакт длиннее 200 знаков."
        elif "@" in contact and (problem := email_problem(contact)):
            problems["client_contact"] = problem
        if not data.description.strip():
            problems["description"] = "Опишите, что нужно сделать."
        elif len(data.description) > rules.MAX_DESCRIPTION_LENGTH:
            problems["description"] = f"Описание длиннее {rules.MAX_DESCRIPTION_LENGTH} знаков."
        submitted = submitted or self.today()
        if data.event_date < submitted:
            problems["event_date"] = (
                f"Дата мероприятия {data.event_date:%d.%m.%Y} уже прошла (заявка подаётся {submitted:%d.%m.%Y})."
            )
        else:
            try:
                rules.terms_for(data.category, data.event_date, self._calendar_rules())
            except UnknownCalendarYear as exc:
                problems["event_date"] = str(exc)
        if len(data.files) > MAX_FILES:
            problems["files"] = f"К заявке можно приложить не больше {MAX_FILES} файлов."
        else:
            limit = self._settings.appeal_attachment_limit()
            for file in data.files:
                problem = file_problem(file, limit)
                if problem:
                    problems["files"] = problem
                    break
        return problems

    # -- taking in ------------------------------------------------------------------------------------------------

    def create(self, data: TicketInput) -> TicketCard:
        """Take in a ticket: its number, its terms, «Открыто»; a late one is marked at once (seed 002 §4.1.1)."""
        self._ctx.require(Action.TICKETS_CREATE)
        problems = self.check_input(data)
        if problems:
            raise ValidationError(problems)
        now = self._ctx.clock()
        with self._ctx.transaction(write=True) as session:
            ticket = create_ticket(
                session, self._ctx, data, submitted_at=now, tz=self._settings.timezone(), calendar=self._calendar_rules()
            )
            ticket_id = ticket.id
        return self.card(ticket_id, record_access=False)

    # -- agents ----------------------------------------------------------------------------------------------------

    def agents(self, *, include_inactive: bool = False) -> list[AgentView]:
        """Every agent with their specialisations, absences (from today on) and open tickets: the operator's view of
        who can take what."""
        if not (self._ctx.may(Action.TICKETS_OPERATE) or self._ctx.may(Action.AGENTS_MANAGE)):
            self._ctx.require(Action.TICKETS_OPERATE)
        today = self.today()
        with self._ctx.transaction() as session:
            return self._agents(session, today, include_inactive=include_inactive)

    def _agents(self, session: Session, today: dt.date, *, include_inactive: bool = False) -> list[AgentView]:
        query = select(User).join(UserRole).where(UserRole.role == Role.AGENT.value)
        if not include_inactive:
            query = query.where(User.active.is_(True))
        users = session.scalars(query.order_by(User.full_name, User.id)).unique().all()
        ids = [u.id for u in users]
        cats: dict[int, set[Category]] = {i: set() for i in ids}
        for user_id, category in session.execute(
            select(AgentCategory.user_id, AgentCategory.category).where(AgentCategory.user_id.in_(ids))
        ):
            cats[user_id].add(Category(category))
        absences: dict[int, list[AbsenceView]] = {i: [] for i in ids}
        for a in session.scalars(
            select(AgentAbsence)
            .where(AgentAbsence.user_id.in_(ids), AgentAbsence.date_to >= today)
            .order_by(AgentAbsence.date_from, AgentAbsence.id)
        ):
            absences[a.user_id].append(AbsenceView(a.id, a.date_from, a.date_to, a.reason))
        loads = dict(
            session.execute(
                select(Ticket.agent_id, func.count())
                .where(Ticket.agent_id.in_(ids), Ticket.status.in_([s.value for s in rules.ACTIVE]))
                .group_by(Ticket.agent_id)
            ).all()
        )
        return [
            AgentView(
                user_id=u.id,
                login=u.login,
                name=u.full_name,
                active=u.active,
                categories=frozenset(cats[u.id]),
                absences=tuple(absences[u.id]),
                open_tickets=int(loads.get(u.id, 0)),
                absent_today=any(a.date_from <= today <= a.date_to for a in absences[u.id]),
            )
            for u in users
        ]

    def _agent_user(self, session: Session, user_id: int) -> User:
        user = session.get(User, user_id)
        if user is None or Role.AGENT.value not in {r.role for r in user.roles}:
            raise ServiceError("Этот пользователь не исполнитель: назначить можно только пользователя с ролью «исполнитель».")
        return user

    def set_specialisations(self, user_id: int, categories: Iterable[Category]) -> AgentView:
        """Replace the categories an agent is specialised in."""
        self._ctx.require(Action.AGENTS_MANAGE)
        chosen = sorted(set(categories), key=list(Category).index)
        with self._ctx.transaction() as session:
            user = self._agent_user(session, user_id)
            before = sorted(
                session.scalars(select(AgentCategory.category).where(AgentCategory.user_id == user_id)).all()
            )
            session.execute(delete(AgentCategory).where(AgentCategory.user_id == user_id))
            session.add_all(AgentCategory(user_id=user_id, category=c.value) for c in chosen)
            self._ctx.record(
                session,
                "agent",
                user.login,
                "specialisations",
                {"categories": [Category(c).label for c in before]},
                {"categories": [c.label for c in chosen]},
            )
        return self._agent_view(user_id)

    def add_absence(self, user_id: int, date_from: dt.date, date_to: dt.date, reason: str = "") -> AgentView:
        self._ctx.require(Action.AGENTS_MANAGE)
        if date_to < date_from:
            raise ValidationError({"date_to": "Дата окончания отсутствия раньше даты начала."})
        if len(reason.strip()) > 200:
            raise ValidationError({"reason": "Причина длиннее 200 знаков."})
        with self._ctx.transaction() as session:
            user = self._agent_user(session, user_id)
            session.add(AgentAbsence(user_id=user_id, date_from=date_from, date_to=date_to, reason=reason.strip()))
            self._ctx.record(
                session,
                "agent",
                user.login,
                "absence_add",
                None,
                {"from": date_from.isoformat(), "to": date_to.isoformat(), "reason": reason.strip()},
            )
        return self._agent_view(user_id)

    def remove_absence(self, absence_id: int) -> AgentView:
        self._ctx.require(Action.AGENTS_MANAGE)
        with self._ctx.transaction() as session:
            absence = session.get(AgentAbsence, absence_id)
            if absence is None:
                raise ServiceError("Отсутствие не найдено: возможно, его уже удалили.")
            user = session.get(User, absence.user_id)
            user_id = absence.user_id
            self._ctx.record(
                session,
                "agent",
                user.login if user else user_id,
                "absence_remove",
                {"from": absence.date_from.isoformat(), "to": absence.date_to.isoformat(), "reason": absence.reason},
                None,
            )
            session.delete(absence)
        return self._agent_view(user_id)

    def _agent_view(self, user_id: int) -> AgentView:
        with self._ctx.transaction() as session:
            found = [a for a in self._agents(session, self.today(), include_inactive=True) if a.user_id == user_id]
        if not found:
            raise ServiceError("Исполнитель не найден.")
        return found[0]

    # -- routing ----------------------------------------------------------------------------------------------------

    def proposals(self, ticket_id: int) -> list[Proposal]:
        """The agents for this ticket, best first, each with the reason in words (seed 002 §3.1.3): specialised in
        its category, present from today to the event, least open work. The operator decides."""
        self._ctx.require(Action.TICKETS_OPERATE)
        today = self.today()
        with self._ctx.transaction() as session:
            ticket = self._get(session, ticket_id)
            agents = self._agents(session, today)
            category, event = Category(ticket.category), ticket.event_date
        # The ticket's own agent does not count it against themselves.
        infos = [
            AgentInfo(a.user_id, a.name, a.categories, a.info().absences, a.open_tickets - (a.user_id == ticket.agent_id))
            for a in agents
        ]
        return rules.propose_agents(infos, category, min(today, event), event)

    def assign(self, ticket_id: int, user_id: int, *, version: int | None = None, note: str = "") -> TicketCard:
        """Assign the ticket to an agent, or reassign it; recorded in its history either way."""
        self._ctx.require(Action.TICKETS_OPERATE)
        now = self._ctx.clock()
        with self._ctx.transaction(write=True) as session:
            ticket = self._get(session, ticket_id, version=version, lock=True)
            _require_active(ticket)
            user = self._agent_user(session, user_id)
            if not user.active:
                raise ServiceError(f"Пользователь {user.full_name} заблокирован: назначить его нельзя.")
            if ticket.agent_id == user_id:
                raise ServiceError(f"Заявка {ticket.number} уже назначена исполнителю {user.full_name}.")
            before = ticket.agent_name
            ticket.agent_id = user.id
            ticket.agent_name = user.full_name
            ticket.version += 1
            title = f"{before} → {user.full_name}" if before else user.full_name
            self._step(session, ticket, StepKind.ASSIGNED, now, note=_join(title, note.strip()))
            self._ctx.record(session, ENTITY, ticket.number, "reassign" if before else "assign",
                             {"agent": before} if before else None, {"agent": user.full_name})  # fmt: skip
        return self.card(ticket_id, record_access=False)

    # -- statuses --------------------------------------------------------------------------------------------------

    def set_status(self, ticket_id: int, status: Status, *, version: int | None = None, note: str = "") -> TicketCard:
        """Set a status by hand as seed 002 §3.2 allows the acting person; refusing and withdrawing have their own
        calls (they need a reason)."""
        if status is Status.REFUSED:
            raise ServiceError("Для отказа укажите основание: «Отказать…».")
        self._require_any(Action.TICKETS_OPERATE, Action.TICKETS_WORK)
        now = self._ctx.clock()
        with self._ctx.transaction(write=True) as session:
            ticket = self._get(session, ticket_id, version=version, lock=True)
            current = Status(ticket.status)
            if status is Status.IN_WORK and ticket.agent_id is None:
                raise ServiceError("Сначала назначьте исполнителя: «В работе» ставит исполнитель заявки.")
            problem = rules.transition_problem(
                current, status, self.parties(ticket), was_in_work=ticket.in_work_at is not None
            )
            if problem:
                setter = rules.MANUAL.get(status)
                not_theirs = setter is not None and setter[0] not in self.parties(ticket) and not current.final
                raise PermissionDenied(problem) if not_theirs else ServiceError(problem)
            self._move(session, ticket, status, now, note=note.strip())
        return self.card(ticket_id, record_access=False)

    def take_in_work(self, ticket_id: int, *, version: int | None = None, note: str = "") -> TicketCard:
        """«В работе», set by the ticket's agent when the work is arranged and the client has their positive answer
        (seed 002 §3.2.3)."""
        self._ctx.require(Action.TICKETS_WORK)
        return self.set_status(ticket_id, Status.IN_WORK, version=version, note=note)

    def refuse(
        self, ticket_id: int, reason: RefusalReason, text: str = "", *, version: int | None = None
    ) -> TicketCard:
        """«Отказано» on a ground of seed 002 §4.5.1 (the operator) or §4.3.3 (the agent, when the client has not
        answered by their term), with the free text that explains it to the client."""
        self._require_any(Action.TICKETS_OPERATE, Action.TICKETS_WORK)
        if len(text) > MAX_NOTE_LENGTH:
            raise ValidationError({"text": f"Пояснение длиннее {MAX_NOTE_LENGTH} знаков."})
        now = self._ctx.clock()
        today = self.today()
        with self._ctx.transaction(write=True) as session:
            ticket = self._get(session, ticket_id, version=version, lock=True)
            _require_active(ticket)
            client_late = Status(ticket.status) is Status.WAIT_CLIENT and today > ticket.client_by
            problem = rules.refusal_problem(reason, self.parties(ticket), client_late=client_late)
            if problem:
                raise PermissionDenied(problem)
            ticket.refusal_reason = reason.value
            ticket.close_note = text.strip()
            self._move(session, ticket, Status.REFUSED, now, note=_join(reason.label, text.strip()))
        return self.card(ticket_id, record_access=False)

    def withdraw(self, ticket_id: int, text: str = "", *, version: int | None = None) -> TicketCard:
        """The client withdraws the ticket (seed 002 §4.2.3): «Закрыто» with the reason «отозвано заявителем»."""
        self._require_any(Action.TICKETS_OPERATE, Action.TICKETS_WORK)
        now = self._ctx.clock()
        with self._ctx.transaction(write=True) as session:
            ticket = self._get(session, ticket_id, version=version, lock=True)
            _require_active(ticket)
            if not self.parties(ticket):
                raise PermissionDenied("Отзыв заявки записывает оператор или исполнитель этой заявки.")
            ticket.close_note = _join(rules.WITHDRAWN, text.strip())
            self._move(session, ticket, Status.CLOSED, now, note=ticket.close_note)
        return self.card(ticket_id, record_access=False)

    def message(
        self,
        ticket_id: int,
        text: str,
        *,
        party: Party,
        author: str = "",
        attachment: FileIn | None = None,
        version: int | None = None,
    ) -> TicketCard:
        """Add a message to the thread. From the operator or the agent it sets «Ожидание ответа заявителя»; the
        client's words, recorded by the operator or the agent, set «Ожидание ответа оператора» (seed 002 §3.2.4–5)."""
        self._require_any(Action.TICKETS_OPERATE, Action.TICKETS_WORK)
        problems: dict[str, str] = {}
        if not text.strip():
            problems["text"] = "Введите текст сообщения."
        elif len(text) > rules.MAX_MESSAGE_LENGTH:
            problems["text"] = f"Сообщение длиннее {rules.MAX_MESSAGE_LENGTH} знаков."
        if attachment is not None and (problem := file_problem(attachment, self._settings.appeal_attachment_limit())):
            problems["attachment"] = problem
        if problems:
            raise ValidationError(problems)
        now = self._ctx.clock()
        with self._ctx.transaction(write=True) as session:
            ticket = self._get(session, ticket_id, version=version, lock=True)
            _require_active(ticket)
            mine = self.parties(ticket)
            if party is Party.CLIENT:
                if not mine:
                    raise PermissionDenied("Ответ заявителя записывает оператор или исполнитель этой заявки.")
                who = " ".join(author.split()) or ticket.client_name
            elif party not in mine:
                raise PermissionDenied(
                    "Писать от имени оператора может оператор."
                    if party is Party.OPERATOR
                    else "Писать от имени исполнителя может исполнитель, назначенный на эту заявку."
                )
            else:
                who = self._ctx.actor.name
            stored = store_file(session, attachment, now=now, by=self._ctx.actor.name) if attachment else None
            session.add(
                TicketMessage(
                    ticket_id=ticket.id,
                    at=now,
                    party=party.value,
                    author=who,
                    recorded_by=self._ctx.actor.name,
                    text=text.strip(),
                    attachment_id=stored.id if stored else None,
                )
            )
            target = rules.status_after_message(Status(ticket.status), party)
            self._ctx.record(session, ENTITY, ticket.number, "message", None, {"from": party.label, "author": who})
            if target is not Status(ticket.status):
                self._move(session, ticket, target, now, note=f"сообщение: {party.label}")
            else:
                ticket.version += 1
        return self.card(ticket_id, record_access=False)

    def feedback(self, ticket_id: int, rating: int, comment: str = "", *, version: int | None = None) -> TicketCard:
        """The client's rating (1–5) and comment after the work (seed 002 §4.5.2), recorded by the operator."""
        self._ctx.require(Action.TICKETS_OPERATE)
        if rating not in rules.RATINGS:
            raise ValidationError({"rating": "Оценка — от 1 до 5."})
        if len(comment) > MAX_NOTE_LENGTH:
            raise ValidationError({"comment": f"Отзыв длиннее {MAX_NOTE_LENGTH} знаков."})
        now = self._ctx.clock()
        with self._ctx.transaction(write=True) as session:
            ticket = self._get(session, ticket_id, version=version, lock=True)
            if Status(ticket.status) is not Status.DONE:
                raise ServiceError(
                    f"Обратную связь записывают после исполнения, а заявка {ticket.number} — "
                    f"«{Status(ticket.status).label}»."
                )
            before = {"rating": ticket.rating, "comment": ticket.feedback} if ticket.rating else None
            ticket.rating = rating
            ticket.feedback = comment.strip()
            ticket.feedback_at = now
            ticket.version += 1
            self._step(session, ticket, StepKind.FEEDBACK, now, note=_join(f"оценка {rating} из 5", comment.strip()))
            self._ctx.record(session, ENTITY, ticket.number, "feedback", before, {"rating": rating, "comment": comment.strip()})
        return self.card(ticket_id, record_access=False)

    # -- internals of a change ------------------------------------------------------------------------------------

    def _require_any(self, *actions: Action) -> None:
        if not any(self._ctx.may(a) for a in actions):
            self._ctx.require(actions[0])

    def _move(self, session: Session, ticket: Ticket, status: Status, now: dt.datetime, *, note: str = "") -> None:
        before = Status(ticket.status)
        apply_status(ticket, status, now)
        self._step(session, ticket, StepKind.STATUS, now, status_from=before, status_to=status, note=note)
        self._ctx.record(session, ENTITY, ticket.number, "status", {"status": before.label}, {"status": status.label})

    def _step(
        self,
        session: Session,
        ticket: Ticket,
        kind: StepKind,
        at: dt.datetime,
        *,
        status_from: Status | None = None,
        status_to: Status | None = None,
        note: str = "",
    ) -> None:
        session.add(
            TicketStep(
                ticket_id=ticket.id,
                at=at,
                kind=kind.value,
                status_from=status_from.value if status_from else "",
                status_to=status_to.value if status_to else "",
                actor=self._ctx.actor.name,
                note=note,
            )
        )

    # -- reading -----------------------------------------------------------------------------------------------------

    def _get(self, session: Session, ticket_id: int, *, version: int | None = None, lock: bool = False) -> Ticket:
        query = select(Ticket).where(Ticket.id == ticket_id)
        if lock and session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update()
        ticket = session.execute(query).scalar_one_or_none()
        if ticket is None:
            raise ServiceError(f"Заявка не найдена (№ {ticket_id}): возможно, база данных была заменена.")
        if self._only_own() and ticket.agent_id != self._ctx.actor.user_id:
            raise PermissionDenied(f"Заявка {ticket.number} назначена другому исполнителю: её видят оператор и он.")
        if version is not None and ticket.version != version:
            raise ConflictError(
                f"Заявка {ticket.number} изменена другим пользователем, пока она была открыта у вас. "
                "Ваши изменения не сохранены: откройте заявку заново и посмотрите, что изменилось."
            )
        return ticket

    def find(self, number: str) -> int | None:
        self._ctx.require(Action.TICKETS_VIEW)
        with self._ctx.transaction() as session:
            query = select(Ticket.id).where(Ticket.number == number.strip())
            if self._only_own():
                query = query.where(Ticket.agent_id == self._ctx.actor.user_id)
            return session.scalar(query)

    def conditions(self, flt: TicketFilter, today: dt.date) -> list[ColumnElement[bool]]:
        """The WHERE conditions of a filter, narrowed to the agent's own tickets: for the queue and the export."""
        c: list[ColumnElement[bool]] = []
        active = Ticket.status.in_([s.value for s in rules.ACTIVE])
        if self._only_own():
            c.append(Ticket.agent_id == self._ctx.actor.user_id)
        if flt.statuses:
            c.append(Ticket.status.in_([s.value for s in flt.statuses]))
        if flt.active is True:
            c.append(active)
        elif flt.active is False:
            c.append(~active)
        if flt.category is not None:
            c.append(Ticket.category == flt.category.value)
        if flt.agent_id is not None:
            c.append(Ticket.agent_id == flt.agent_id)
        if flt.unassigned:
            c += [active, Ticket.agent_id.is_(None)]
        if flt.mine:
            c.append(Ticket.agent_id == (self._ctx.actor.user_id or -1))
        if flt.needs_operator:
            c.append(needs_operator_condition(today))
        if flt.urgent:
            c += [active, Ticket.next_due <= today]
        if flt.late:
            c.append(Ticket.late.is_(True))
        if flt.date_from is not None:
            c.append(Ticket.submit_date >= flt.date_from)
        if flt.date_to is not None:
            c.append(Ticket.submit_date <= flt.date_to)
        needle = " ".join(flt.search.split()).casefold()
        if needle:
            c.append(Ticket.search.contains(needle, autoescape=True))
        return c

    def count(self, flt: TicketFilter = TicketFilter()) -> int:
        self._ctx.require(Action.TICKETS_VIEW)
        with self._ctx.transaction() as session:
            query = select(func.count()).select_from(Ticket).where(*self.conditions(flt, self.today()))
            return int(session.scalar(query) or 0)

    def page(
        self,
        flt: TicketFilter = TicketFilter(),
        *,
        sort: TicketSort = TicketSort.DUE,
        descending: bool = False,
        offset: int = 0,
        limit: int = 200,
    ) -> list[TicketRow]:
        """One page of the queue, filtered and sorted in the database."""
        self._ctx.require(Action.TICKETS_VIEW)
        today = self.today()
        cal = self._calendar_rules()
        query: Select[Any] = select(Ticket).where(*self.conditions(flt, today))
        query = query.order_by(*_order(sort, descending)).offset(offset).limit(limit)
        with self._ctx.transaction() as session:
            return [self._row(t, cal, today) for t in session.scalars(query)]

    def summary(self) -> TicketSummary:
        self._ctx.require(Action.TICKETS_VIEW)
        today = self.today()
        with self._ctx.transaction() as session:
            own = [Ticket.agent_id == self._ctx.actor.user_id] if self._only_own() else []
            by_status = {
                Status(s): int(n)
                for s, n in session.execute(
                    select(Ticket.status, func.count()).where(*own).group_by(Ticket.status)
                ).all()
            }
            active = Ticket.status.in_([s.value for s in rules.ACTIVE])

            def n(*cond: ColumnElement[bool]) -> int:
                return int(session.scalar(select(func.count()).select_from(Ticket).where(*own, *cond)) or 0)

            return TicketSummary(
                open=sum(by_status.get(s, 0) for s in rules.ACTIVE),
                needs_operator=n(needs_operator_condition(today)),
                urgent=n(active, Ticket.next_due <= today),
                late=n(active, Ticket.late.is_(True)),
                unassigned=n(active, Ticket.agent_id.is_(None)),
                by_status=by_status,
            )

    def _row(self, t: Ticket, cal: WorkCalendar, today: dt.date) -> TicketRow:
        status = Status(t.status)
        due = t.next_due if t.next_due != NO_TERM else None
        try:
            urgency = rules.urgency(status, t.late, due, today, cal)
            left = status.label.lower() if status.final else time_left(due, today, cal)
        except UnknownCalendarYear:
            urgency, left = Urgency.ON_TRACK, "календарь?"
        submitted = self._local(t.submitted_at)
        assert submitted is not None
        return TicketRow(
            id=t.id,
            number=t.number,
            submitted_at=submitted,
            client_name=t.client_name,
            client_group=t.client_group,
            category=Category(t.category),
            event_date=t.event_date,
            status=status,
            late=t.late,
            next_kind=TermKind(t.next_kind) if t.next_kind else None,
            next_due=due,
            time_left=left,
            agent_id=t.agent_id,
            agent_name=t.agent_name,
            urgency=urgency,
            version=t.version,
        )

    def card(self, ticket_id: int, *, record_access: bool = True) -> TicketCard:
        """The ticket with its thread, files, history and terms; opening it is recorded (personal data)."""
        self._ctx.require(Action.TICKETS_VIEW)
        today = self.today()
        cal = self._calendar_rules()
        with self._ctx.transaction() as session:
            t = self._get(session, ticket_id)
            row = self._row(t, cal, today)
            terms = Terms(t.event_date, t.submit_by, t.report_by, t.client_by)
            files = [
                FileInfo(a.id, a.name, a.size)
                for a in session.scalars(
                    select(Attachment)
                    .join(TicketFile, TicketFile.attachment_id == Attachment.id)
                    .where(TicketFile.ticket_id == t.id)
                    .order_by(Attachment.id)
                )
            ]
            messages = [
                MessageItem(
                    self._local(m.at) or m.at,
                    Party(m.party),
                    m.author,
                    m.recorded_by,
                    m.text,
                    _file_info(session, m.attachment_id),
                )
                for m in session.scalars(
                    select(TicketMessage).where(TicketMessage.ticket_id == t.id).order_by(TicketMessage.at, TicketMessage.id)
                )
            ]
            history = [
                self._history(s)
                for s in session.scalars(
                    select(TicketStep).where(TicketStep.ticket_id == t.id).order_by(TicketStep.at, TicketStep.id)
                )
            ]
            if record_access:
                self._ctx.record(session, ENTITY, t.number, "open", kind="access")
            status = Status(t.status)
            parties = self.parties(t)
            staff = self._ctx.may(Action.TICKETS_OPERATE) or self._ctx.may(Action.TICKETS_WORK)
            next_statuses = tuple(
                s
                for s in (Status.REVIEW, Status.IN_WORK, Status.DONE, Status.CLOSED)
                if staff
                and not (s is Status.IN_WORK and t.agent_id is None)
                and rules.transition_problem(status, s, parties, was_in_work=t.in_work_at is not None) is None
            )
            client_late = status is Status.WAIT_CLIENT and today > t.client_by
            category = Category(t.category)
            return TicketCard(
                row=row,
                client_contact=t.client_contact,
                description=t.description,
                terms=terms,
                files=files,
                messages=messages,
                history=history,
                refusal_reason=RefusalReason(t.refusal_reason) if t.refusal_reason else None,
                close_note=t.close_note,
                rating=t.rating,
                feedback=t.feedback,
                lateness=rules.lateness_text(t.submit_date, terms, category) if t.late else "",
                suggested_refusal=(
                    rules.suggested_refusal(status, t.late, t.client_by, today)
                    if Party.OPERATOR in parties
                    else None
                ),
                next_statuses=next_statuses,
                parties=parties,
                can_assign=self._ctx.may(Action.TICKETS_OPERATE) and not status.final,
                can_message=staff and bool(parties) and not status.final,
                can_refuse=staff
                and not status.final
                and (Party.OPERATOR in parties or (Party.AGENT in parties and client_late)),
                can_withdraw=staff and bool(parties) and not status.final,
                can_feedback=self._ctx.may(Action.TICKETS_OPERATE) and status is Status.DONE,
            )

    def _history(self, s: TicketStep) -> HistoryItem:
        at = self._local(s.at) or s.at
        kind = StepKind(s.kind)
        if kind is StepKind.CREATED:
            title = "Заявка подана: «Открыто»"
        elif kind is StepKind.STATUS:
            title = f"«{Status(s.status_from).label}» → «{Status(s.status_to).label}»"
        elif kind is StepKind.ASSIGNED:
            title = "Назначен исполнитель" if "→" not in s.note else "Исполнитель заменён"
        elif kind is StepKind.FEEDBACK:
            title = "Обратная связь заявителя"
        else:
            title = "Сообщение"
        return HistoryItem(at, kind, title, s.note, s.actor)

    def attachment(self, attachment_id: int) -> tuple[str, bytes]:
        """The name and bytes of a file of a ticket or of its messages; recorded as a look at personal data."""
        self._ctx.require(Action.TICKETS_VIEW)
        with self._ctx.transaction() as session:
            ticket_id = session.scalar(
                select(TicketFile.ticket_id).where(TicketFile.attachment_id == attachment_id)
            ) or session.scalar(select(TicketMessage.ticket_id).where(TicketMessage.attachment_id == attachment_id))
            if ticket_id is None:
                raise ServiceError("Файл не найден.")
            ticket = self._get(session, ticket_id)
            found = load_file(session, attachment_id)
            if found is None:
                raise ServiceError("Файл не найден.")
            attachment, data = found
            self._ctx.record(session, ENTITY, ticket.number, "open_file", after={"file": attachment.name}, kind="access")
            return attachment.name, data


# -- shared with the import --------------------------------------------------------------------------------------------


def create_ticket(
    session: Session,
    ctx: ServiceContext,
    data: TicketInput,
    *,
    submitted_at: dt.datetime,
    tz: Any,
    calendar: WorkCalendar,
) -> Ticket:
    """Insert a ticket with the next number of its year and its terms, «Открыто»; late ones marked and explained."""
    submit_date = local_date(submitted_at, tz)
    terms = rules.terms_for(data.category, data.event_date, calendar)
    late = not rules.submitted_on_time(submit_date, terms)
    seq = next_number(session, rules.NUMBER_PREFIX, submit_date.year)
    ticket = Ticket(
        year=submit_date.year,
        seq=seq,
        number=rules.format_number(submit_date.year, seq),
        submitted_at=submitted_at,
        submit_date=submit_date,
        client_name=" ".join(data.client_name.split()),
        client_group=" ".join(data.client_group.split()),
        client_contact=data.client_contact.strip(),
        category=data.category.value,
        event_date=data.event_date,
        description=data.description.strip(),
        submit_by=terms.submit_by,
        report_by=terms.report_by,
        client_by=terms.client_by,
        late=late,
        status=Status.OPEN.value,
        agent_id=None,
        agent_name="",
        refusal_reason="",
        close_note="",
        feedback="",
        created_by=ctx.actor.name,
        version=1,
    )
    _set_next(ticket)
    ticket.search = search_text(ticket)
    session.add(ticket)
    session.flush()
    for file in data.files:
        stored = store_file(session, file, now=submitted_at, by=ctx.actor.name)
        session.add(TicketFile(ticket_id=ticket.id, attachment_id=stored.id))
    note = "подана позже срока: " + rules.lateness_text(submit_date, terms, data.category) if late else ""
    session.add(
        TicketStep(
            ticket_id=ticket.id, at=submitted_at, kind=StepKind.CREATED.value, status_from="",
            status_to=Status.OPEN.value, actor=ctx.actor.name, note=note,
        )
    )  # fmt: skip
    ctx.record(
        session, ENTITY, ticket.number, "create", None,
        {"client": ticket.client_name, "category": data.category.label, "event": data.event_date.isoformat(),
         "late": late},
    )  # fmt: skip
    return ticket


def apply_status(ticket: Ticket, status: Status, now: dt.datetime) -> None:
    ticket.status = status.value
    if status is Status.IN_WORK and ticket.in_work_at is None:
        ticket.in_work_at = now
    if status.final:
        ticket.closed_at = now
    _set_next(ticket)
    ticket.version += 1


def _set_next(ticket: Ticket) -> None:
    terms = Terms(ticket.event_date, ticket.submit_by, ticket.report_by, ticket.client_by)
    nxt = rules.next_term(Status(ticket.status), terms, was_in_work=ticket.in_work_at is not None)
    ticket.next_kind = nxt[0].value if nxt else ""
    ticket.next_due = nxt[1] if nxt else NO_TERM


def needs_operator_condition(today: dt.date) -> ColumnElement[bool]:
    """Waiting for the operator's step: new, or the client has written, or reviewed but nobody assigned, or the
    client's term has passed while we wait for them (the operator decides on a refusal, seed 002 §4.5.1)."""
    return or_(
        Ticket.status.in_([Status.OPEN.value, Status.WAIT_OPERATOR.value]),
        and_(Ticket.status == Status.REVIEW.value, Ticket.agent_id.is_(None)),
        and_(Ticket.status == Status.WAIT_CLIENT.value, Ticket.client_by < today),
    )


def search_text(t: Ticket) -> str:
    text = f"{t.number} {t.client_name} {t.client_group} {t.client_contact} {t.description}"
    return " ".join(text.split()).casefold()


def _join(*parts: str) -> str:
    return "; ".join(p for p in parts if p)


def _require_active(ticket: Ticket) -> None:
    status = Status(ticket.status)
    if status.final:
        raise ServiceError(f"Заявка {ticket.number} уже закрыта со статусом «{status.label}».")


def _file_info(session: Session, attachment_id: int | None) -> FileInfo | None:
    if attachment_id is None:
        return None
    a = session.get(Attachment, attachment_id)
    return FileInfo(a.id, a.name, a.size) if a is not None else None


_STATUS_ORDER = case({s.value: i for i, s in enumerate(Status)}, value=Ticket.status, else_=len(Status))


def _order(sort: TicketSort, descending: bool) -> Sequence[Any]:
    def d(col: Any) -> Any:
        return col.desc() if descending else col.asc()

    if sort is TicketSort.NUMBER:
        return [d(Ticket.year), d(Ticket.seq)]
    if sort is TicketSort.SUBMITTED:
        return [d(Ticket.submitted_at), d(Ticket.id)]
    if sort is TicketSort.CLIENT:
        return [d(Ticket.client_name), d(Ticket.id)]
    if sort is TicketSort.CATEGORY:
        return [d(Ticket.category), d(Ticket.id)]
    if sort is TicketSort.EVENT:
        return [d(Ticket.event_date), d(Ticket.id)]
    if sort is TicketSort.AGENT:
        return [d(Ticket.agent_name), d(Ticket.id)]
    if sort is TicketSort.STATUS:
        return [d(_STATUS_ORDER), d(Ticket.id)]
    return [d(Ticket.next_due), d(Ticket.id)]


__all__ = [
    "AgentView",
    "HistoryItem",
    "MessageItem",
    "TicketCard",
    "TicketFilter",
    "TicketInput",
    "TicketRow",
    "TicketSort",
    "TicketSummary",
    "TicketsService",
    "create_ticket",
]
