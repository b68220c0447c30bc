"""Initiative tickets (seed 002, «Мои инициативы»): categories and their terms, statuses and who may set them,
refusal grounds, urgency, and the proposal of an agent.

Pure rules: no clock, no database. Dates are school dates; "today" and the submission date are passed in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from desktop.domain.calendar import WorkCalendar
from desktop.domain.russian import plural

NUMBER_PREFIX = "И"
MAX_DESCRIPTION_LENGTH = 4000
MAX_MESSAGE_LENGTH = 4000
#: seed 002 §4.5.2 asks for feedback; **decision**: a rating from 1 to 5, as school marks.
RATINGS = range(1, 6)


def format_number(year: int, seq: int) -> str:
    """The ticket's number: «И-2026/0001», unique in its year (seed 002 §3.1.2)."""
    return f"{NUMBER_PREFIX}-{year}/{seq:04d}"


# -- categories and terms ------------------------------------------------------------------------------------


class Category(StrEnum):
    INFO = "info"
    PRINTING = "printing"
    SOUVENIRS = "souvenirs"
    TRANSPORT = "transport"
    ROOMS = "rooms"
    MEDIA = "media"

    @property
    def label(self) -> str:
        return CATEGORY_LABELS[self]

    @property
    def terms(self) -> CategoryTerms:
        return CATEGORY_TERMS[self]


CATEGORY_LABELS: dict[Category, str] = {
    Category.INFO: "Информационная поддержка",
    Category.PRINTING: "Полиграфические услуги",
    Category.SOUVENIRS: "Сувенирная и канцелярская продукция",
    Category.TRANSPORT: "Транспортные услуги",
    Category.ROOMS: "Бронирование помещений",
    Category.MEDIA: "Услуги медиацентра",
}


@dataclass(frozen=True)
class CategoryTerms:
    """Working days before the event: the last day to submit (seed 002 §4.1.1), the day by which the agent reports
    (§4.4.1), the day by which the client answers questions (§4.2.2). **Decision** (DOMAIN.md §4): "за N рабочих
    дней" is "no later than N working days before the event"."""

    submit: int
    report: int
    client: int


_LONG = CategoryTerms(submit=5, report=3, client=2)
_SHORT = CategoryTerms(submit=3, report=2, client=2)
CATEGORY_TERMS: dict[Category, CategoryTerms] = {
    Category.INFO: _LONG,
    Category.PRINTING: _LONG,
    Category.SOUVENIRS: _LONG,
    Category.TRANSPORT: _LONG,
    Category.ROOMS: _SHORT,
    Category.MEDIA: _SHORT,
}


def category_from_text(text: str) -> Category | None:
    """A category by its name (any case and spacing), its code, or the seed's own longer wording."""
    key = " ".join(str(text).split()).casefold().rstrip(".")
    for category, label in CATEGORY_LABELS.items():
        if key in (label.casefold(), category.value):
            return category
    aliases = {
        "бронирование помещений университета": Category.ROOMS,
        "бронирование помещений школы": Category.ROOMS,
        "медиацентр": Category.MEDIA,
        "сувенирная продукция": Category.SOUVENIRS,
        "канцелярская продукция": Category.SOUVENIRS,
        "транспорт": Category.TRANSPORT,
    }
    return aliases.get(key)


@dataclass(frozen=True)
class Terms:
    """A ticket's three days, all before the event, and whether it came in time."""

    event: dt.date
    submit_by: dt.date
    report_by: dt.date
    client_by: dt.date


def terms_for(category: Category, event: dt.date, calendar: WorkCalendar) -> Terms:
    """"No later than N working days before the event on date e": the last allowed day is the N-th working day
    strictly before e (DOMAIN.md §1), for each of the category's three terms."""
    t = category.terms
    return Terms(
        event=event,
        submit_by=calendar.subtract_working_days(event, t.submit),
        report_by=calendar.subtract_working_days(event, t.report),
        client_by=calendar.subtract_working_days(event, t.client),
    )


def submitted_on_time(submitted: dt.date, terms: Terms) -> bool:
    """seed 002 §4.1.1: submitted on or before the last day to submit (any hour of that school day)."""
    return submitted <= terms.submit_by


def lateness_text(submitted: dt.date, terms: Terms, category: Category) -> str:
    """Why a ticket is late, in words for the operator and for the refusal."""
    n = category.terms.submit
    return (
        f"подана {submitted:%d.%m.%Y}, а по категории «{category.label}» подать нужно не позднее чем за {n} "
        f"{plural(n, 'рабочий день', 'рабочих дня', 'рабочих дней')} до мероприятия {terms.event:%d.%m.%Y}, "
        f"то есть до {terms.submit_by:%d.%m.%Y} включительно"
    )


# -- statuses and who sets them ------------------------------------------------------------------------------------


class Status(StrEnum):
    OPEN = "open"
    REVIEW = "review"
    IN_WORK = "in_work"
    WAIT_CLIENT = "wait_client"
    WAIT_OPERATOR = "wait_operator"
    DONE = "done"
    REFUSED = "refused"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]

    @property
    def final(self) -> bool:
        return self in FINAL


STATUS_LABELS: dict[Status, str] = {
    Status.OPEN: "Открыто",
    Status.REVIEW: "На рассмотрении",
    Status.IN_WORK: "В работе",
    Status.WAIT_CLIENT: "Ожидание ответа заявителя",
    Status.WAIT_OPERATOR: "Ожидание ответа оператора",
    Status.DONE: "Исполнено",
    Status.REFUSED: "Отказано",
    Status.CLOSED: "Закрыто",
}
FINAL = frozenset({Status.DONE, Status.REFUSED, Status.CLOSED})
ACTIVE = tuple(s for s in Status if s not in FINAL)


def status_from_text(text: str) -> Status | None:
    key = " ".join(str(text).split()).casefold()
    return next((s for s, label in STATUS_LABELS.items() if key in (label.casefold(), s.value)), None)


class Party(StrEnum):
    """Who acts on a ticket in the terms of seed 002 §2."""

    OPERATOR = "operator"
    AGENT = "agent"  # the agent assigned to the ticket
    CLIENT = "client"  # the client, whose words staff record

    @property
    def label(self) -> str:
        return {"operator": "оператор", "agent": "исполнитель", "client": "заявитель"}[self.value]


#: seed 002 §3.2: the statuses a person sets by hand, from which statuses. «Открыто» is set on creation and the two
#: «Ожидание …» by the messages themselves (§3.2.4, §3.2.5), never by hand.
#: - «На рассмотрении»: the operator, after checking completeness and terms (§3.2.2, §4.6.3); also to take a
#:   ticket back from waiting.
#: - «В работе»: the agent, when the work is arranged and the client has a positive answer (§3.2.3).
#: - «Исполнено», «Отказано», «Закрыто»: the operator at the end of the work (§3.2.6); «Исполнено» only after
#:   the ticket has been «В работе».
MANUAL: dict[Status, tuple[Party, frozenset[Status]]] = {
    Status.REVIEW: (Party.OPERATOR, frozenset({Status.OPEN, Status.WAIT_CLIENT, Status.WAIT_OPERATOR})),
    Status.IN_WORK: (Party.AGENT, frozenset({Status.REVIEW, Status.WAIT_CLIENT, Status.WAIT_OPERATOR})),
    Status.DONE: (Party.OPERATOR, frozenset({Status.IN_WORK, Status.WAIT_CLIENT, Status.WAIT_OPERATOR})),
    Status.REFUSED: (Party.OPERATOR, frozenset(ACTIVE)),
    Status.CLOSED: (Party.OPERATOR, frozenset(ACTIVE)),
}


def transition_problem(
    current: Status, target: Status, parties: Iterable[Party], *, was_in_work: bool = False
) -> str | None:
    """Why `parties` may not set `target` on a ticket in `current` (seed 002 §3.2), in Russian; None when they may."""
    parties = frozenset(parties)
    if target is current:
        return f"Заявка уже в статусе «{target.label}»."
    if current.final:
        return f"Заявка закрыта со статусом «{current.label}»: её статус больше не меняется."
    if target is Status.OPEN:
        return "Статус «Открыто» ставится сам при подаче заявки."
    if target in (Status.WAIT_CLIENT, Status.WAIT_OPERATOR):
        return (
            f"Статус «{target.label}» ставится сам, когда отправлено сообщение: "
            "от оператора или исполнителя — ждём заявителя, от заявителя — ждём оператора."
        )
    who, sources = MANUAL[target]
    if who not in parties:
        whom = "оператор" if who is Party.OPERATOR else "исполнитель, назначенный на заявку"
        return f"Статус «{target.label}» ставит {whom} (Положение о сервисе, п. 3.2)."
    if current not in sources:
        return f"Из статуса «{current.label}» нельзя перейти в «{target.label}»."
    if target is Status.DONE and not (was_in_work or current is Status.IN_WORK):
        return "«Исполнено» ставится после того, как заявка была «В работе»: исполнитель ещё не взял её в работу."
    return None


def status_after_message(current: Status, author: Party) -> Status:
    """seed 002 §3.2.4–3.2.5: a message from the operator or an agent sets «Ожидание ответа заявителя», one from the
    client «Ожидание ответа оператора». A closed ticket takes no messages (the service refuses them)."""
    return Status.WAIT_OPERATOR if author is Party.CLIENT else Status.WAIT_CLIENT


class RefusalReason(StrEnum):
    """seed 002 §4.5.1 (the operator's grounds) and §4.3.3 (the agent's)."""

    LATE = "late"
    INCOMPLETE = "incomplete"
    NO_ANSWER = "no_answer"

    @property
    def label(self) -> str:
        return REFUSAL_LABELS[self]


REFUSAL_LABELS: dict[RefusalReason, str] = {
    RefusalReason.LATE: "обращение отправлено позже сроков, установленных в п. 4.1.1",
    RefusalReason.INCOMPLETE: "в обращении указаны недостоверные и неполные данные",
    RefusalReason.NO_ANSWER: "заявитель не ответил на уточняющие вопросы в срок (п. 4.2.2)",
}

WITHDRAWN = "отозвано заявителем"


def refusal_problem(reason: RefusalReason, parties: Iterable[Party], *, client_late: bool) -> str | None:
    """The operator refuses on any ground of §4.5.1; the agent only when the client has not answered by their term
    (§4.3.3). Seed 002 §3.2.6 leaves the status to the operator; the agent's refusal is recorded the same way."""
    parties = frozenset(parties)
    if Party.OPERATOR in parties:
        return None
    if Party.AGENT in parties and reason is RefusalReason.NO_ANSWER:
        return None if client_late else "Заявитель ещё может ответить: его срок не прошёл."
    return "Отказать может оператор, а исполнитель — только если заявитель не ответил в срок (п. 4.3.3)."


def suggested_refusal(
    status: Status, late: bool, client_by: dt.date, today: dt.date
) -> tuple[RefusalReason, str] | None:
    """The refusal the operator is offered with its reason filled in: a ticket submitted late (§4.5.1), or a client
    who has not answered by their term (§4.2.2); None when neither holds."""
    if status.final:
        return None
    if late:
        return RefusalReason.LATE, ""
    if status is Status.WAIT_CLIENT and today > client_by:
        return RefusalReason.NO_ANSWER, f"ответ нужен был не позднее {client_by:%d.%m.%Y}"
    return None


# -- the next term and urgency ------------------------------------------------------------------------------------


class TermKind(StrEnum):
    REPORT = "report"
    CLIENT = "client"
    EVENT = "event"

    @property
    def label(self) -> str:
        return {"report": "отчёт исполнителя", "client": "ответ заявителя", "event": "мероприятие"}[self.value]


def next_term(status: Status, terms: Terms, *, was_in_work: bool = False) -> tuple[TermKind, dt.date] | None:
    """What the ticket waits for next: the client's answer while waiting for them (§4.2.2), the event once the work is
    arranged («В работе», or a later question from the client about arranged work), otherwise the agent's report
    (§4.4.1); nothing once it is finished."""
    if status.final:
        return None
    if status is Status.WAIT_CLIENT:
        return TermKind.CLIENT, terms.client_by
    if status is Status.IN_WORK or (was_in_work and status is Status.WAIT_OPERATOR):
        return TermKind.EVENT, terms.event
    return TermKind.REPORT, terms.report_by


class Urgency(StrEnum):
    """How a queue row is marked. The values shared with the appeals' urgency look the same in every queue."""

    ON_TRACK = "on_track"
    ONE_DAY = "one_day"
    DUE_TODAY = "due_today"
    OVERDUE = "overdue"
    LATE = "late"  # submitted after the last day: the operator decides
    FINISHED = "answered"

    @property
    def label(self) -> str:
        return URGENCY_LABELS[self]


URGENCY_LABELS: dict[Urgency, str] = {
    Urgency.ON_TRACK: "в срок",
    Urgency.ONE_DAY: "остался 1 рабочий день",
    Urgency.DUE_TODAY: "срок сегодня",
    Urgency.OVERDUE: "срок прошёл",
    Urgency.LATE: "подана позже срока",
    Urgency.FINISHED: "завершена",
}


def urgency(status: Status, late: bool, due: dt.date | None, today: dt.date, calendar: WorkCalendar) -> Urgency:
    if status.final:
        return Urgency.FINISHED
    if late and status is Status.OPEN:
        return Urgency.LATE
    if due is None:
        return Urgency.ON_TRACK
    return due_urgency(due, today, calendar)


def due_urgency(due: dt.date, today: dt.date, calendar: WorkCalendar) -> Urgency:
    """The urgency of anything due on a date, by the working days left: the queues of tickets, access applications
    and paper reports share it."""
    if due < today:
        return Urgency.OVERDUE
    if due == today:
        return Urgency.DUE_TODAY
    left = calendar.working_days_between(today, due)
    if left == 0:  # an event on a weekend seen on the Friday before: no working day is left
        return Urgency.DUE_TODAY
    return Urgency.ONE_DAY if left == 1 else Urgency.ON_TRACK


# -- proposing an agent --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AgentInfo:
    """An agent as routing sees them: specialisations, absences (inclusive date ranges) and open tickets."""

    user_id: int
    name: str
    categories: frozenset[Category]
    absences: tuple[tuple[dt.date, dt.date], ...]
    open_tickets: int


@dataclass(frozen=True)
class Proposal:
    agent: AgentInfo
    fits: bool  # specialised in the category
    absent: tuple[dt.date, dt.date] | None  # the first absence that overlaps the days needed
    reason: str

    @property
    def suitable(self) -> bool:
        return self.fits and self.absent is None


def collation_key(name: str) -> str:
    """Russian alphabetical order without a locale: «Ё» sorts as «Е» (Python's own order puts it before «А»)."""
    return name.casefold().replace("ё", "е")


def short_name(full_name: str) -> str:
    """«Иванова Мария Петровна» → «Иванова М. П.»; a single word stays as it is."""
    parts = full_name.split()
    if len(parts) < 2:
        return full_name
    return parts[0] + " " + " ".join(p[0] + "." for p in parts[1:3])


def load_text(n: int) -> str:
    return f"{n} {plural(n, 'открытая заявка', 'открытые заявки', 'открытых заявок')}"


def propose_agents(
    agents: Sequence[AgentInfo], category: Category, needed_from: dt.date, needed_to: dt.date
) -> list[Proposal]:
    """Every agent, best first (seed 002 §3.1.3, DOMAIN.md §4): specialised in the category and present on every day
    from `needed_from` to `needed_to` (the work and the event), then by least open work, then by name. Each with the
    reason in words: «Иванова М. П.: бронирование помещений, 1 открытая заявка»."""

    def overlap(agent: AgentInfo) -> tuple[dt.date, dt.date] | None:
        hits = [(a, b) for a, b in agent.absences if a <= needed_to and b >= needed_from]
        return min(hits) if hits else None

    proposals = []
    for agent in agents:
        fits = category in agent.categories
        absent = overlap(agent)
        parts = [category.label.lower() if fits else "не по специализации"]
        if absent is not None:
            a, b = absent
            parts.append(f"отсутствует {a:%d.%m}" + (f"–{b:%d.%m}" if b != a else ""))
        parts.append(load_text(agent.open_tickets))
        proposals.append(Proposal(agent, fits, absent, f"{short_name(agent.name)}: {', '.join(parts)}"))
    proposals.sort(
        key=lambda p: (not p.suitable, not p.fits, p.agent.open_tickets, collation_key(p.agent.name), p.agent.user_id)
    )
    return proposals


def best_agent(proposals: Sequence[Proposal]) -> Proposal | None:
    """The one to propose: the first suitable agent; none when nobody fits (the operator chooses by hand)."""
    return next((p for p in proposals if p.suitable), None)
