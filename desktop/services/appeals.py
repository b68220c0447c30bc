"""Appeals (seed 000): register, answer, «Вне компетенции», repeat, the escalation sweep, the queue and the card.

Every call is one transaction that checks the acting person's right, changes the appeal's row (its current state,
for the queue) and appends to its history (`appeal_steps`) and to the event log.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    JSON,
    ColumnElement,
    Date,
    Integer,
    Select,
    String,
    Text,
    case,
    cast,
    column,
    func,
    insert,
    literal,
    or_,
    select,
    table,
    text,
    update,
)
from sqlalchemy.orm import Session

from desktop.domain import appeals as rules
from desktop.domain.access import Action, Role
from desktop.domain.appeals import Channel, Delivery, Level, Rubric, Stage, Status, Urgency
from desktop.domain.calendar import UnknownCalendarYear, WorkCalendar
from desktop.services.calendar import CalendarService
from desktop.services.context import ServiceContext
from desktop.services.errors import ConflictError, ServiceError, ValidationError
from desktop.services.files import FileIn, FileInfo, file_problem, load_file, store_file
from desktop.services.numbers import next_number
from desktop.services.settings import SettingsService
from desktop.store.models import Appeal, AppealStep, Attachment, Event, UTCDateTime

ENTITY = "appeal"
#: The shortest search a trigram index can serve; shorter ones scan.
TRIGRAM = 3
#: The FTS5 trigram table of migration 0005 (SQLite): `rowid` is the appeal's id.
_FTS = table("appeals_fts", column("rowid"), column("appeals_fts"))
MAX_ANSWER_LENGTH = 10_000
MAX_REASON_LENGTH = 1000


class StepKind(StrEnum):
    REGISTERED = "registered"
    ESCALATED = "escalated"
    FORWARDED = "forwarded"
    ANSWERED = "answered"
    NOTICE = "notice"


# -- what callers pass and get back ------------------------------------------------------------------------


@dataclass(frozen=True)
class AppealInput:
    """What the person registering an appeal fills in."""

    applicant: str
    rubric: Rubric
    text: str
    email: str = ""
    phone: str = ""
    channel: Channel | None = None
    child_name: str = ""
    child_class: str = ""
    attachment: FileIn | None = None


@dataclass(frozen=True)
class AppealRow:
    """One line of the queue."""

    id: int
    number: str
    external_number: str
    registered_at: dt.datetime  # naive, school time
    applicant: str
    rubric: Rubric
    level: Level
    status: Status
    due_date: dt.date | None
    repeat_no: int
    escalated: bool
    notice: bool
    answered_at: dt.datetime | None  # naive, school time
    urgency: Urgency
    time_left: str
    version: int

    @property
    def due_text(self) -> str:
        return self.due_date.strftime("%d.%m.%Y") if self.due_date else "—"


@dataclass(frozen=True)
class TimelineEntry:
    at: dt.datetime  # naive, school time
    kind: StepKind
    title: str
    detail: str = ""
    actor: str = ""


@dataclass(frozen=True)
class ThreadItem:
    id: int
    number: str
    repeat_no: int
    status: Status
    registered_at: dt.datetime


@dataclass(frozen=True)
class AppealCard:
    """Everything about one appeal, for its card."""

    row: AppealRow
    email: str
    phone: str
    channel: Channel | None
    child_name: str
    child_class: str
    text: str
    attachment: FileInfo | None
    answer_text: str
    answer_delivery: Delivery | None
    answered_by: str
    answer_attachment: FileInfo | None
    parent_number: str
    timeline: list[TimelineEntry]
    thread: list[ThreadItem]
    can_answer: bool = False
    can_forward: bool = False
    can_repeat: bool = False

    @property
    def id(self) -> int:
        return self.row.id

    @property
    def number(self) -> str:
        return self.row.number


class SortKey(StrEnum):
    NUMBER = "number"
    REGISTERED = "registered"
    APPLICANT = "applicant"
    RUBRIC = "rubric"
    LEVEL = "level"
    DUE = "due"
    STATUS = "status"
    REPEAT = "repeat"


@dataclass(frozen=True)
class AppealFilter:
    """Which appeals a queue shows; every condition set must hold."""

    mine: bool = False  # open at the acting person's level
    urgent: bool = False  # open and overdue or due today
    escalated: bool = False  # open and here because a lower level missed its term
    left_school: bool = False  # open at the municipal body or the Department
    answered: bool | None = None  # True: answered only; False: not answered only
    notices: bool = False  # repeats notified to the Department
    level: Level | None = None
    rubric: Rubric | None = None
    date_from: dt.date | None = None  # registered on or after, school date
    date_to: dt.date | None = None
    search: str = ""  # number, applicant or text contains
    thread_id: int | None = None


@dataclass(frozen=True)
class SweepResult:
    escalated: int = 0  # appeals that moved
    steps: int = 0  # levels passed (one appeal may pass several after a long weekend)
    by_level: dict[Level, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def describe(self) -> str:
        if not self.escalated:
            text = "Просроченных обращений нет: передавать нечего."
        else:
            parts = ", ".join(f"{level.label} — {n}" for level, n in sorted(self.by_level.items(), key=lambda i: i[0].rank))
            text = f"Передано на следующий уровень обращений: {self.escalated} ({parts})."
        if self.problems:
            text += "\n" + "\n".join(self.problems)
        return text


@dataclass(frozen=True)
class DirectorSummary:
    at_director: int
    left_school: int
    at_municipal: int
    at_department: int
    notices: int
    urgent: int
    at_deputy: int
    at_sui: int


# -- the service ------------------------------------------------------------------------------------------------


class AppealsService:
    def __init__(self, ctx: ServiceContext, settings: SettingsService, calendar: CalendarService) -> None:
        self._ctx = ctx
        self._settings = settings
        self._calendar = calendar
        self._fts: bool | None = None

    # -- context ----------------------------------------------------------------------------------------------

    def _rules(self) -> tuple[ZoneInfo, WorkCalendar]:
        return self._settings.timezone(), self._calendar.work_calendar()

    def _local(self, moment: dt.datetime | None, tz: ZoneInfo) -> dt.datetime | None:
        return moment.astimezone(tz).replace(tzinfo=None) if moment is not None else None

    def today(self) -> dt.date:
        return self._settings.today()

    def my_levels(self) -> frozenset[Level]:
        """The levels the acting person answers at: the deputy director the first one and the СУИ's technical
        questions, the director the second."""
        roles = self._ctx.actor.roles
        levels: set[Level] = set()
        if Role.DEPUTY in roles:
            levels |= {Level.DEPUTY, Level.SUI}
        if Role.DIRECTOR in roles:
            levels |= {Level.DIRECTOR}
        return frozenset(levels)

    # -- checks -----------------------------------------------------------------------------------------------

    def check_input(self, data: AppealInput) -> dict[str, str]:
        """What is wrong with the registration form, field by field (empty when it will do)."""
        problems: dict[str, str] = {}
        if not data.applicant.strip():
            problems["applicant"] = "Укажите ФИО заявителя."
        elif len(data.applicant.strip()) > 200:
            problems["applicant"] = "ФИО заявителя длиннее 200 знаков."
        email_problem = rules.email_problem(data.email.strip())
        if email_problem:
            problems["email"] = email_problem
        if data.rubric is Rubric.TECHNICAL and not data.email.strip():
            problems["email"] = "По техническому вопросу ответ приходит по электронной почте: укажите e-mail заявителя."
        if len(data.phone.strip()) > 50:
            problems["phone"] = "Телефон длиннее 50 знаков."
        if len(data.child_class.strip()) > 20:
            problems["child_class"] = "Класс длиннее 20 знаков."
        text_problem = rules.text_problem(data.text)
        if text_problem:
            problems["text"] = text_problem
        if data.attachment is not None:
            problem = file_problem(data.attachment, self._settings.appeal_attachment_limit())
            if problem:
                problems["attachment"] = problem
        return problems

    # -- registering ----------------------------------------------------------------------------------------

    def register(self, data: AppealInput, *, parent_id: int | None = None) -> AppealCard:
        """Register a new appeal (or a repeat of the answered appeal `parent_id`) and give it its number."""
        self._ctx.require(Action.APPEALS_REGISTER)
        problems = self.check_input(data)
        if problems:
            raise ValidationError(problems)
        tz, cal = self._rules()
        now = self._ctx.clock()
        with self._ctx.transaction(write=True) as session:
            parent = None
            if parent_id is not None:
                parent = self._get(session, parent_id)
                if Status(parent.status) is not Status.ANSWERED:
                    raise ServiceError(
                        f"Повторное обращение возможно только после ответа: на обращение {parent.number} "
                        "ответ ещё не дан."
                    )
            appeal = create_appeal(session, self._ctx, data, registered_at=now, tz=tz, calendar=cal, parent=parent)
            appeal_id = appeal.id
        return self.card(appeal_id, record_access=False)

    def repeat(self, parent_id: int, text: str, *, attachment: FileIn | None = None, channel: Channel | None = None) -> AppealCard:
        """«Повторное обращение» from an answered appeal: the applicant's details are taken from it."""
        with self._ctx.transaction() as session:
            parent = self._get(session, parent_id)
            data = AppealInput(
                applicant=parent.applicant,
                rubric=Rubric(parent.rubric),
                text=text,
                email=parent.email,
                phone=parent.phone,
                channel=channel or (Channel(parent.channel) if parent.channel else None),
                child_name=parent.child_name,
                child_class=parent.child_class,
                attachment=attachment,
            )
        return self.register(data, parent_id=parent_id)

    # -- answering and forwarding -------------------------------------------------------------------------------

    def answer(
        self,
        appeal_id: int,
        text: str,
        delivery: Delivery,
        *,
        attachment: FileIn | None = None,
        version: int | None = None,
    ) -> AppealCard:
        """Answer at the level the appeal is at now (escalating it first if its term has just passed)."""
        self._ctx.require(Action.APPEALS_ANSWER)
        problems: dict[str, str] = {}
        if not text.strip():
            problems["text"] = "Введите текст ответа."
        elif len(text) > MAX_ANSWER_LENGTH:
            problems["text"] = f"Текст ответа длиннее {MAX_ANSWER_LENGTH} знаков."
        if attachment is not None:
            problem = file_problem(attachment, self._settings.appeal_attachment_limit())
            if problem:
                problems["attachment"] = problem
        if problems:
            raise ValidationError(problems)
        tz, cal = self._rules()
        now = self._ctx.clock()
        with self._ctx.transaction(write=True) as session:
            appeal = self._get(session, appeal_id, version=version, lock=True)
            self._catch_up(session, appeal, now, tz, cal)
            if Status(appeal.status) is Status.ANSWERED:
                raise ServiceError(f"На обращение {appeal.number} уже дан ответ.")
            level = Level(appeal.level)
            self._check_may_answer(appeal, level)
            if level is Level.SUI:
                if delivery is not Delivery.EMAIL:
                    raise ValidationError(
                        {"delivery": "Ответ на технический вопрос направляется заявителю по электронной почте."}
                    )
                if not appeal.email:
                    raise ValidationError({"delivery": "У заявителя не указан e-mail: ответ по электронной почте невозможен."})
            before = _state(appeal)
            stored = store_file(session, attachment, now=now, by=self._ctx.actor.name) if attachment else None
            apply_answer(appeal, now, text.strip(), delivery, self._ctx.actor.name, stored.id if stored else None)
            add_step(session, appeal, StepKind.ANSWERED, now, level, self._ctx.actor.name, note=delivery.label,
                      due_date=appeal.due_date, due_at=appeal.due_at)
            self._ctx.record(session, ENTITY, appeal.number, "answer", before, _state(appeal))
        return self.card(appeal_id, record_access=False)

    def _check_may_answer(self, appeal: Appeal, level: Level) -> None:
        roles = self._ctx.actor.roles
        if self._ctx.actor.kind.value == "bootstrap":
            return
        if level in (Level.DEPUTY, Level.SUI) and roles & {Role.DEPUTY, Role.DIRECTOR}:
            return
        if level is not Level.DEPUTY and level is not Level.SUI and Role.DIRECTOR in roles:
            return  # the director answers at the second level and records what came from above
        raise ServiceError(
            f"Обращение {appeal.number} сейчас на уровне «{level.label}»: ответ даёт "
            f"{'директор' if level is not Level.DEPUTY else 'заместитель директора или директор'}."
        )

    def forward_to_sui(self, appeal_id: int, reason: str, *, version: int | None = None) -> AppealCard:
        """«Вне компетенции» (seed 000 §2): the appeal is not the school's business; it leaves the chain for the
        СУИ, where the answer is due in 30 calendar days."""
        self._ctx.require(Action.APPEALS_FORWARD)
        reason = reason.strip()
        if not reason:
            raise ValidationError({"reason": "Укажите, почему обращение вне компетенции школы."})
        if len(reason) > MAX_REASON_LENGTH:
            raise ValidationError({"reason": f"Причина длиннее {MAX_REASON_LENGTH} знаков."})
        tz, cal = self._rules()
        now = self._ctx.clock()
        with self._ctx.transaction(write=True) as session:
            appeal = self._get(session, appeal_id, version=version, lock=True)
            self._catch_up(session, appeal, now, tz, cal)
            level = Level(appeal.level)
            if Status(appeal.status) is not Status.OPEN or not level.in_school:
                raise ServiceError(
                    f"Обращение {appeal.number} сейчас «{Status(appeal.status).label}», уровень «{level.label}»: "
                    "передать его в СУИ может только школа, пока обращение у неё."
                )
            if level is Level.DIRECTOR and Role.DIRECTOR not in self._ctx.actor.roles and self._ctx.actor.kind.value == "user":
                raise ServiceError(f"Обращение {appeal.number} уже у директора: передать его в СУИ может директор.")
            before = _state(appeal)
            stage = rules.sui_stage(now, cal, tz)
            move_to(appeal, stage, status=Status.SUI)
            add_step(session, appeal, StepKind.FORWARDED, now, Level.SUI, self._ctx.actor.name, note=reason,
                      due_date=stage.due_date, due_at=stage.due_at, counted_from=stage.counted_from, term=stage.term)
            self._ctx.record(session, ENTITY, appeal.number, "forward_to_sui", before, {**_state(appeal), "reason": reason})
        return self.card(appeal_id, record_access=False)

    # -- the sweep --------------------------------------------------------------------------------------------

    def sweep(self, now: dt.datetime | None = None) -> SweepResult:
        """Escalate every open appeal whose due moment has passed by `now` (default: the clock), each escalation
        written at its due moment (seed 000 §2). Safe to run twice or from two computers at once: the run holds
        SQLite's write lock or, on PostgreSQL, locks the rows it moves; the database refuses a second record of the
        same escalation besides.

        Appeals at the same level with the same due moment move alike, so the work is done per group of them in
        set-based statements: 100 000 overdue appeals take a few hundred statements, not 100 000.
        """
        self._ctx.require(Action.APPEALS_SWEEP)
        now = now or self._ctx.clock()
        tz, cal = self._rules()
        by_level: dict[Level, int] = {}
        problems: list[str] = []
        moved = passed_total = 0
        who = self._ctx.actor
        with self._ctx.transaction(write=True) as session:
            postgres = session.get_bind().dialect.name == "postgresql"

            def lit(value: Any, type_: Any) -> Any:
                # PostgreSQL must be told a parameter's type in INSERT … SELECT; SQLite's CAST would mangle dates.
                return cast(literal(value, type_), type_) if postgres else literal(value, type_)

            due = [
                Appeal.status == Status.OPEN.value,
                Appeal.due_at <= now,
                Appeal.level.in_([lv.value for lv in rules.TERMS_WORKING_DAYS]),
            ]
            if postgres:  # lock what this run moves: a second sweep waits, then finds nothing left to move
                session.execute(select(Appeal.id).where(*due).with_for_update())
            groups = session.execute(
                select(Appeal.level, Appeal.due_date, Appeal.due_at, func.count())
                .where(*due)
                .group_by(Appeal.level, Appeal.due_date, Appeal.due_at)
                .order_by(Appeal.due_at)
            ).all()
            recorded_at = self._ctx.clock()
            for level, due_date, due_at, count in groups:
                stage = Stage(Level(level), due_at, due_date, due_at)
                try:
                    passed = rules.escalations(stage, now, cal, tz)
                except UnknownCalendarYear as exc:
                    problems.append(f"Не переданы обращения со сроком {due_date:%d.%m.%Y} ({count}): {exc}")
                    continue
                if not passed:
                    continue
                last = passed[-1]
                group = [
                    Appeal.status == Status.OPEN.value,
                    Appeal.level == level,
                    Appeal.due_date == due_date,
                    Appeal.due_at == due_at,
                ]
                for st in passed:
                    session.execute(
                        insert(AppealStep.__table__).from_select(
                            ["appeal_id", "at", "kind", "level", "due_date", "due_at", "counted_from", "term", "actor", "note"],
                            select(
                                Appeal.id,
                                lit(st.since, UTCDateTime()),
                                lit(StepKind.ESCALATED.value, String()),
                                lit(st.level.value, String()),
                                lit(st.due_date, Date()),
                                lit(st.due_at, UTCDateTime()),
                                lit(st.counted_from, Date()),
                                lit(st.term, Integer()),
                                lit(who.name, String()),
                                lit("", Text()),
                            ).where(*group),
                        )
                    )
                before = {"level": level, "due": _iso(due_at)}
                after = {"level": last.level.value, "due": _iso(last.due_at), "escalated_at": [_iso(st.since) for st in passed]}
                session.execute(
                    insert(Event.__table__).from_select(
                        ["at", "actor", "actor_id", "kind", "entity", "entity_id", "action", "before", "after"],
                        select(
                            lit(recorded_at, UTCDateTime()),
                            lit(who.name, String()),
                            lit(who.user_id, Integer()),
                            lit("change", String()),
                            lit(ENTITY, String()),
                            Appeal.number,
                            lit("escalate", String()),
                            lit(before, JSON()),
                            lit(after, JSON()),
                        ).where(*group),
                    )
                )
                session.execute(
                    update(Appeal)
                    .where(*group)
                    .values(
                        level=last.level.value,
                        level_rank=last.level.rank,
                        level_since=last.since,
                        due_date=last.due_date,
                        due_at=last.due_at,
                        due_sort=due_sort(last.due_at),
                        escalated=True,
                        version=Appeal.version + 1,
                    )
                    .execution_options(synchronize_session=False)
                )
                moved += count
                passed_total += count * len(passed)
                by_level[last.level] = by_level.get(last.level, 0) + count
        return SweepResult(moved, passed_total, by_level, problems)

    def _catch_up(self, session: Session, appeal: Appeal, now: dt.datetime, tz: ZoneInfo, cal: WorkCalendar) -> None:
        """Apply the escalations that are due before acting on one appeal, so nobody answers at a level the appeal
        has already left."""
        if Status(appeal.status) is not Status.OPEN or appeal.due_at is None or appeal.due_at > now:
            return
        stage = Stage(Level(appeal.level), appeal.level_since, appeal.due_date, appeal.due_at)
        passed = rules.escalations(stage, now, cal, tz)
        if not passed:
            return
        before = _state(appeal)
        for st in passed:
            session.execute(insert(AppealStep), [step_values(appeal.id, StepKind.ESCALATED, st, "Система (автоматически)")])
        move_to(appeal, passed[-1], status=Status.OPEN, escalated=True)
        self._ctx.record(session, ENTITY, appeal.number, "escalate", before, _state(appeal))

    # -- reading ----------------------------------------------------------------------------------------------

    def _get(self, session: Session, appeal_id: int, *, version: int | None = None, lock: bool = False) -> Appeal:
        query = select(Appeal).where(Appeal.id == appeal_id)
        if lock and session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update()
        appeal = session.execute(query).scalar_one_or_none()
        if appeal is None:
            raise ServiceError(f"Обращение не найдено (№ {appeal_id}): возможно, база данных была заменена.")
        if version is not None and appeal.version != version:
            raise ConflictError(
                f"Обращение {appeal.number} изменено другим пользователем, пока оно было открыто у вас. "
                "Ваши изменения не сохранены: откройте обращение заново и посмотрите, что изменилось."
            )
        return appeal

    def find(self, number: str) -> int | None:
        """The id of the appeal with register number (or source-system number) `number`."""
        self._ctx.require(Action.APPEALS_VIEW)
        number = number.strip()
        with self._ctx.transaction() as session:
            found = session.scalar(select(Appeal.id).where(Appeal.number == number))
            if found is None:
                found = session.scalar(select(Appeal.id).where(Appeal.external_number == number).order_by(Appeal.id))
            return found

    def _conditions(self, flt: AppealFilter, today: dt.date, tz: ZoneInfo | None = None) -> list[ColumnElement[bool]]:
        c: list[ColumnElement[bool]] = []
        waiting = Appeal.status.in_([Status.OPEN.value, Status.SUI.value])
        if flt.mine:
            c += [waiting, Appeal.level.in_([lv.value for lv in self.my_levels()])]
        if flt.urgent:  # due today or earlier: the due moment is at most the end of today (on the index)
            c += [waiting, Appeal.due_at <= rules.end_of_day(today, tz or self._settings.timezone())]
        if flt.escalated:
            c += [Appeal.status == Status.OPEN.value, Appeal.escalated.is_(True)]
        if flt.left_school:
            c += [Appeal.status == Status.OPEN.value, Appeal.level.in_([Level.MUNICIPAL.value, Level.DEPARTMENT.value])]
        if flt.answered is True:
            c.append(Appeal.status == Status.ANSWERED.value)
        elif flt.answered is False:
            c.append(waiting)
        if flt.notices:
            c.append(Appeal.notice_at.is_not(None))
        if flt.level is not None:
            c.append(Appeal.level == flt.level.value)
        if flt.rubric is not None:
            c.append(Appeal.rubric == flt.rubric.value)
        if flt.date_from is not None:
            c.append(Appeal.reg_date >= flt.date_from)
        if flt.date_to is not None:
            c.append(Appeal.reg_date <= flt.date_to)
        if flt.thread_id is not None:
            c.append(Appeal.thread_id == flt.thread_id)
        needle = " ".join(flt.search.split()).casefold()
        if needle:
            if len(needle) >= TRIGRAM and self._has_fts():
                # The trigram index narrows to the few candidates; LIKE below keeps the exact meaning.
                phrase = '"' + needle.replace('"', '""') + '"'
                c.append(Appeal.id.in_(select(_FTS.c.rowid).where(_FTS.c.appeals_fts.op("MATCH")(phrase))))
            c.append(Appeal.search.contains(needle, autoescape=True))
        return c

    def _has_fts(self) -> bool:
        """Whether this SQLite database has the trigram index of migration 0005 (PostgreSQL's pg_trgm index, when
        there is one, serves LIKE by itself)."""
        if self._fts is None:
            with self._ctx.transaction() as session:
                self._fts = session.get_bind().dialect.name == "sqlite" and bool(
                    session.scalar(text("SELECT count(*) FROM sqlite_master WHERE name = 'appeals_fts'"))
                )
        return self._fts

    def count(self, flt: AppealFilter = AppealFilter()) -> int:
        self._ctx.require(Action.APPEALS_VIEW)
        with self._ctx.transaction() as session:
            query = select(func.count()).select_from(Appeal).where(*self._conditions(flt, self.today()))
            return int(session.scalar(query) or 0)

    def page(
        self,
        flt: AppealFilter = AppealFilter(),
        *,
        sort: SortKey = SortKey.DUE,
        descending: bool = False,
        offset: int = 0,
        limit: int = 200,
    ) -> list[AppealRow]:
        """One page of the queue, filtered and sorted in the database."""
        self._ctx.require(Action.APPEALS_VIEW)
        tz, cal = self._rules()
        today = self._ctx.clock().astimezone(tz).date()
        # Only the row's own columns, as plain rows: no texts, no ORM objects (a page of 200 reads in a few ms).
        query: Select[Any] = select(*_ROW_COLUMNS).where(*self._conditions(flt, today, tz))
        query = query.order_by(*_order(sort, descending)).offset(offset).limit(limit)
        with self._ctx.transaction() as session:
            return [self._row(a, tz, cal, today) for a in session.execute(query)]

    def _row(self, a: Any, tz: ZoneInfo, cal: WorkCalendar, today: dt.date) -> AppealRow:
        """A queue row from an Appeal or from a row of `_ROW_COLUMNS`."""
        status, level = Status(a.status), Level(a.level)
        try:
            urgency = rules.urgency(status, level, a.due_date, today, cal)
            left = "ответ дан" if status is Status.ANSWERED else rules.time_left(a.due_date, today, cal)
        except UnknownCalendarYear:
            urgency, left = rules.Urgency.ON_TRACK, "календарь?"
        registered = self._local(a.registered_at, tz)
        assert registered is not None
        return AppealRow(
            id=a.id,
            number=a.number,
            external_number=a.external_number,
            registered_at=registered,
            applicant=a.applicant,
            rubric=Rubric(a.rubric),
            level=level,
            status=status,
            due_date=a.due_date,
            repeat_no=a.repeat_no,
            escalated=a.escalated,
            notice=a.notice_at is not None,
            answered_at=self._local(a.answered_at, tz),
            urgency=urgency,
            time_left=left,
            version=a.version,
        )

    def card(self, appeal_id: int, *, record_access: bool = True) -> AppealCard:
        """The appeal with its history and thread; opening it is recorded (it holds personal data)."""
        self._ctx.require(Action.APPEALS_VIEW)
        tz, cal = self._rules()
        today = self.today()
        with self._ctx.transaction() as session:
            a = self._get(session, appeal_id)
            row = self._row(a, tz, cal, today)
            steps = session.scalars(
                select(AppealStep).where(AppealStep.appeal_id == a.id).order_by(AppealStep.at, AppealStep.id)
            ).all()
            thread_id = a.thread_id or a.id
            thread = [
                ThreadItem(t.id, t.number, t.repeat_no, Status(t.status), self._local(t.registered_at, tz) or t.registered_at)
                for t in session.scalars(
                    select(Appeal).where(Appeal.thread_id == thread_id).order_by(Appeal.repeat_no, Appeal.id)
                )
            ]
            parent_number = session.scalar(select(Appeal.number).where(Appeal.id == a.parent_id)) if a.parent_id else ""
            timeline = [self._entry(s, tz, cal) for s in steps]
            if record_access:
                self._ctx.record(session, ENTITY, a.number, "open", kind="access")
            level = Level(a.level)
            status = Status(a.status)
            may_answer = self._ctx.may(Action.APPEALS_ANSWER) and status is not Status.ANSWERED
            if may_answer and self._ctx.actor.kind.value == "user":
                roles = self._ctx.actor.roles
                may_answer = Role.DIRECTOR in roles or level in (Level.DEPUTY, Level.SUI)
            may_forward = (
                self._ctx.may(Action.APPEALS_FORWARD)
                and status is Status.OPEN
                and level.in_school
                and (level is Level.DEPUTY or Role.DIRECTOR in self._ctx.actor.roles or self._ctx.actor.kind.value != "user")
            )
            return AppealCard(
                row=row,
                email=a.email,
                phone=a.phone,
                channel=Channel(a.channel) if a.channel else None,
                child_name=a.child_name,
                child_class=a.child_class,
                text=a.text,
                attachment=_file_info(session, a.attachment_id),
                answer_text=a.answer_text,
                answer_delivery=Delivery(a.answer_delivery) if a.answer_delivery else None,
                answered_by=a.answered_by,
                answer_attachment=_file_info(session, a.answer_attachment_id),
                parent_number=parent_number or "",
                timeline=timeline,
                thread=thread,
                can_answer=may_answer,
                can_forward=may_forward,
                can_repeat=self._ctx.may(Action.APPEALS_REGISTER) and status is Status.ANSWERED,
            )

    def _entry(self, s: AppealStep, tz: ZoneInfo, cal: WorkCalendar) -> TimelineEntry:
        at = self._local(s.at, tz) or s.at
        level = Level(s.level)
        kind = StepKind(s.kind)
        detail = ""
        if s.due_date is not None and s.counted_from is not None and s.term:
            try:
                detail = "Срок — " + s.due_date.strftime("%d.%m.%Y") + ": " + rules.explain_term(
                    s.counted_from, s.term, s.due_date, cal, calendar_days=level is Level.SUI
                )
            except UnknownCalendarYear as exc:
                detail = f"Срок — {s.due_date:%d.%m.%Y} ({exc})"
        elif s.due_date is not None:
            detail = f"Срок — {s.due_date:%d.%m.%Y}"
        if kind is StepKind.REGISTERED:
            title = f"Зарегистрировано; рассматривает: {level.label}"
        elif kind is StepKind.ESCALATED:
            if level is Level.DEPARTMENT:
                title = f"Срок истёк без ответа; обращение ушло: {level.label}"
                detail = "Срока у этого уровня нет: обращение вне школы и муниципалитета."
            else:
                title = f"Срок истёк без ответа; передано автоматически: {level.label}"
        elif kind is StepKind.FORWARDED:
            title = "Вне компетенции школы: передано в Систему управления инцидентами"
            detail = (f"Причина: {s.note}. " if s.note else "") + detail
        elif kind is StepKind.ANSWERED:
            on_time = s.due_at is None or s.at < s.due_at
            title = f"Ответ дан ({level.label}; {s.note})" if s.note else f"Ответ дан ({level.label})"
            detail = ("в срок" if on_time else "с нарушением срока") + (
                f" (срок — {s.due_date:%d.%m.%Y})" if s.due_date else ""
            )
        else:
            title = "Уведомление в Департамент образования и науки"
            detail = s.note
        return TimelineEntry(at, kind, title, detail, s.actor)

    def attachment(self, attachment_id: int) -> tuple[str, bytes]:
        """The name and bytes of a file attached to an appeal or its answer; recorded as a look at personal data."""
        self._ctx.require(Action.APPEALS_VIEW)
        with self._ctx.transaction() as session:
            owner = session.scalar(
                select(Appeal.number).where(
                    or_(Appeal.attachment_id == attachment_id, Appeal.answer_attachment_id == attachment_id)
                )
            )
            found = load_file(session, attachment_id) if owner else None
            if found is None:
                raise ServiceError("Файл не найден.")
            attachment, data = found
            self._ctx.record(session, ENTITY, owner, "open_file", after={"file": attachment.name}, kind="access")
            return attachment.name, data

    def director_summary(self) -> DirectorSummary:
        self._ctx.require(Action.APPEALS_VIEW)
        today = self.today()
        with self._ctx.transaction() as session:
            open_ = Appeal.status == Status.OPEN.value
            counts = dict(
                session.execute(select(Appeal.level, func.count()).where(open_).group_by(Appeal.level)).all()
            )
            sui = session.scalar(select(func.count()).where(Appeal.status == Status.SUI.value)) or 0
            notices = session.scalar(select(func.count()).where(Appeal.notice_at.is_not(None))) or 0
            urgent = session.scalar(
                select(func.count()).where(
                    Appeal.status.in_([Status.OPEN.value, Status.SUI.value]), Appeal.due_date <= today
                )
            ) or 0
        municipal = counts.get(Level.MUNICIPAL.value, 0)
        department = counts.get(Level.DEPARTMENT.value, 0)
        return DirectorSummary(
            at_director=counts.get(Level.DIRECTOR.value, 0),
            left_school=municipal + department,
            at_municipal=municipal,
            at_department=department,
            notices=int(notices),
            urgent=int(urgent),
            at_deputy=counts.get(Level.DEPUTY.value, 0),
            at_sui=int(sui),
        )


# -- shared with the import ---------------------------------------------------------------------------------------


def create_appeal(
    session: Session,
    ctx: ServiceContext,
    data: AppealInput,
    *,
    registered_at: dt.datetime,
    tz: ZoneInfo,
    calendar: WorkCalendar,
    parent: Appeal | None = None,
    external_number: str = "",
) -> Appeal:
    """Insert an appeal with the next number of its year, at the first level of its rubric; its history starts
    with the registration and, for the 5th and later repeat, the notice to the Department."""
    stage = rules.first_stage(data.rubric, registered_at, calendar, tz)
    reg_date = rules.local_date(registered_at, tz)
    seq = next_number(session, rules.NUMBER_PREFIX, reg_date.year)
    stored = store_file(session, data.attachment, now=registered_at, by=ctx.actor.name) if data.attachment else None
    repeat_no = parent.repeat_no + 1 if parent is not None else 0
    appeal = Appeal(
        year=reg_date.year,
        seq=seq,
        number=rules.format_number(reg_date.year, seq),
        external_number=external_number,
        registered_at=registered_at,
        reg_date=reg_date,
        applicant=" ".join(data.applicant.split()),
        email=data.email.strip(),
        phone=data.phone.strip(),
        child_name=" ".join(data.child_name.split()),
        child_class=data.child_class.strip(),
        channel=data.channel.value if data.channel else "",
        rubric=data.rubric.value,
        text=data.text.strip(),
        attachment_id=stored.id if stored else None,
        level=stage.level.value,
        level_rank=stage.level.rank,
        status=(Status.SUI if stage.level is Level.SUI else Status.OPEN).value,
        escalated=False,
        level_since=stage.since,
        due_date=stage.due_date,
        due_at=stage.due_at,
        due_sort=due_sort(stage.due_at),
        parent_id=parent.id if parent is not None else None,
        thread_id=(parent.thread_id or parent.id) if parent is not None else None,
        repeat_no=repeat_no,
        notice_at=registered_at if rules.needs_department_notice(repeat_no) else None,
        created_by=ctx.actor.name,
        version=1,
        answer_text="",
        answer_delivery="",
        answered_by="",
    )
    appeal.search = search_text(appeal)
    session.add(appeal)
    session.flush()
    if appeal.thread_id is None:
        appeal.thread_id = appeal.id
    session.execute(insert(AppealStep), [step_values(appeal.id, StepKind.REGISTERED, stage, ctx.actor.name)])
    after = _state(appeal) | {"applicant": appeal.applicant, "rubric": data.rubric.label}
    if parent is not None:
        after["repeat_of"] = parent.number
    ctx.record(session, ENTITY, appeal.number, "register", None, after)
    if appeal.notice_at is not None:
        note = (
            f"{repeat_no}-е повторное обращение в цепочке (первое — "
            f"{session.scalar(select(Appeal.number).where(Appeal.id == appeal.thread_id))})"
        )
        add_step(session, appeal, StepKind.NOTICE, registered_at, Level.DEPARTMENT, ctx.actor.name, note=note)
        ctx.record(session, ENTITY, appeal.number, "department_notice", None, {"repeat": repeat_no})
    return appeal


def apply_answer(
    appeal: Appeal, at: dt.datetime, text: str, delivery: Delivery | None, by: str, attachment_id: int | None
) -> None:
    appeal.status = Status.ANSWERED.value
    appeal.answered_at = at
    appeal.answer_text = text
    appeal.answer_delivery = delivery.value if delivery else ""
    appeal.answered_by = by
    appeal.answer_attachment_id = attachment_id
    appeal.version += 1


def move_to(appeal: Appeal, stage: Stage, *, status: Status, escalated: bool | None = None) -> None:
    appeal.level = stage.level.value
    appeal.level_rank = stage.level.rank
    appeal.level_since = stage.since
    appeal.due_date = stage.due_date
    appeal.due_at = stage.due_at
    appeal.due_sort = due_sort(stage.due_at)
    appeal.status = status.value
    if escalated is not None:
        appeal.escalated = escalated
    appeal.version += 1


def step_values(appeal_id: int, kind: StepKind, stage: Stage, actor: str) -> dict[str, Any]:
    return {
        "appeal_id": appeal_id,
        "at": stage.since,
        "kind": kind.value,
        "level": stage.level.value,
        "due_date": stage.due_date,
        "due_at": stage.due_at,
        "counted_from": stage.counted_from,
        "term": stage.term,
        "actor": actor,
        "note": "",
    }


def add_step(
    session: Session,
    appeal: Appeal,
    kind: StepKind,
    at: dt.datetime,
    level: Level,
    actor: str,
    *,
    note: str = "",
    due_date: dt.date | None = None,
    due_at: dt.datetime | None = None,
    counted_from: dt.date | None = None,
    term: int = 0,
) -> None:
    session.add(
        AppealStep(
            appeal_id=appeal.id,
            at=at,
            kind=kind.value,
            level=level.value,
            due_date=due_date,
            due_at=due_at,
            counted_from=counted_from,
            term=term,
            actor=actor,
            note=note,
        )
    )
    session.flush()


def search_text(a: Appeal) -> str:
    """What the search box finds an appeal by, folded to lower case."""
    return " ".join(f"{a.number} {a.external_number} {a.applicant} {a.text}".split()).casefold()


#: What a queue row is made of (`AppealsService._row`).
_ROW_COLUMNS = (
    Appeal.id, Appeal.number, Appeal.external_number, Appeal.registered_at, Appeal.applicant, Appeal.rubric,
    Appeal.level, Appeal.status, Appeal.due_date, Appeal.repeat_no, Appeal.escalated, Appeal.notice_at,
    Appeal.answered_at, Appeal.version,
)  # fmt: skip

#: The due moment the queue sorts by when there is no term (at the Department): after every real one.
NO_TERM = dt.datetime(9999, 12, 31, tzinfo=dt.UTC)


def due_sort(due_at: dt.datetime | None) -> dt.datetime:
    return due_at if due_at is not None else NO_TERM


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _state(a: Appeal) -> dict[str, Any]:
    return {
        "status": a.status,
        "level": a.level,
        "due": a.due_date.isoformat() if a.due_date else None,
    }


def _file_info(session: Session, attachment_id: int | None) -> FileInfo | None:
    if attachment_id is None:
        return None
    a = session.get(Attachment, attachment_id)
    return FileInfo(a.id, a.name, a.size) if a is not None else None


_STATUS_ORDER = case(
    {Status.OPEN.value: 1, Status.SUI.value: 2, Status.ANSWERED.value: 3}, value=Appeal.status, else_=4
)


def _order(sort: SortKey, descending: bool) -> Sequence[Any]:
    def d(col: Any) -> Any:
        return col.desc() if descending else col.asc()

    if sort is SortKey.NUMBER:
        return [d(Appeal.year), d(Appeal.seq)]
    if sort is SortKey.REGISTERED:
        return [d(Appeal.registered_at), d(Appeal.id)]
    if sort is SortKey.APPLICANT:
        return [d(Appeal.applicant), d(Appeal.id)]
    if sort is SortKey.RUBRIC:
        return [d(Appeal.rubric), d(Appeal.id)]
    if sort is SortKey.LEVEL:
        return [d(Appeal.level_rank), d(Appeal.id)]
    if sort is SortKey.STATUS:
        return [d(_STATUS_ORDER), d(Appeal.id)]
    if sort is SortKey.REPEAT:
        return [d(Appeal.repeat_no), d(Appeal.id)]
    return [d(Appeal.due_sort), d(Appeal.id)]


__all__ = [
    "AppealCard",
    "AppealFilter",
    "AppealInput",
    "AppealRow",
    "AppealsService",
    "ConflictError",
    "DirectorSummary",
    "SortKey",
    "StepKind",
    "SweepResult",
    "ThreadItem",
    "TimelineEntry",
]
