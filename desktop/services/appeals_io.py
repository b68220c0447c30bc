"""Appeals in and out of the program: a register imported from another system, the register exported to Excel,
the answer to an applicant as an e-mail draft (.eml), and the letter about a 5th repeat to the Department (PDF)."""

from __future__ import annotations

import datetime as dt
import mimetypes
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from email.errors import HeaderParseError
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from desktop.domain import appeals as rules
from desktop.domain.access import Action, Actor
from desktop.domain.appeals import Delivery, Level, Rubric, Stage, Status
from desktop.domain.calendar import UnknownCalendarYear, WorkCalendar
from desktop.services.appeals import (
    ENTITY,
    MAX_ANSWER_LENGTH,
    AppealInput,
    StepKind,
    add_step,
    apply_answer,
    create_appeal,
    move_to,
    step_values,
)
from desktop.services.calendar import CalendarService
from desktop.services.context import ServiceContext
from desktop.services.errors import ServiceError
from desktop.services.files import load_file
from desktop.services.registers import (
    exported_by,
    period_text,
    school_short_name,
    titled,
    write_and_record,
    xlsx_path,
)
from desktop.services.settings import SettingsService
from desktop.services.tabular import (
    Field,
    ImportFailed,
    ImportProblem,
    LocalMoment,
    Problems,
    TableRow,
    cell_text,
    parse_local_datetime,
    read_table,
    school_moment,
)
from desktop.store.models import Appeal, AppealStep

IMPORT_ENTITY = "appeal_import"
EXPORT_ENTITY = "appeals"
MAX_APPLICANT_LENGTH = 200
MAX_PHONE_LENGTH = 50
MAX_EXTERNAL_NUMBER_LENGTH = 64
MAX_CHILD_CLASS_LENGTH = 20

# -- the import's columns (issue 4, item 8): a contract for those who prepare the file --------------------------

NUMBER = Field("number", "Номер", aliases=("№", "Номер обращения", "Номер в источнике"))
REGISTERED = Field(
    "registered", "Дата регистрации", required=True, aliases=("Дата и время регистрации", "Зарегистрировано")
)
APPLICANT = Field("applicant", "Заявитель", required=True, aliases=("ФИО заявителя",))
EMAIL = Field(
    "email", "Email", aliases=("E-mail", "Эл. почта", "Электронная почта", "Адрес электронной почты")
)
PHONE = Field("phone", "Телефон", aliases=("Телефон заявителя",))
RUBRIC = Field("rubric", "Рубрика", required=True)
TEXT = Field("text", "Текст", required=True, aliases=("Текст обращения",))
REPEAT_OF = Field("repeat_of", "Повторное к", aliases=("Повтор к", "Повторное обращение к"))
CHANNEL = Field("channel", "Канал", aliases=("Канал поступления",))
ANSWERED = Field("answered", "Дата ответа", aliases=("Дата и время ответа",))
ANSWER = Field("answer", "Ответ", aliases=("Текст ответа",))
CHILD = Field("child_name", "Ребёнок", aliases=("ФИО ребёнка", "Обучающийся"))
CHILD_CLASS = Field("child_class", "Класс")
IMPORT_FIELDS: tuple[Field, ...] = (
    NUMBER, REGISTERED, APPLICANT, EMAIL, PHONE, RUBRIC, TEXT, REPEAT_OF, CHANNEL, ANSWERED, ANSWER, CHILD, CHILD_CLASS,
)  # fmt: skip

#: The columns of the exported register (issue 4, item 9), in this order; then the extra ones.
EXPORT_HEADERS = (
    "Номер",
    "Внешний номер",
    "Дата регистрации",
    "Заявитель",
    "Рубрика",
    "Текст",
    "Ответственный",
    "Срок",
    "Статус",
    "Повтор",
    "Уведомление в Департамент",
    "Дата ответа",
)
EXPORT_EXTRA_HEADERS = ("Email", "Телефон", "Канал", "Повторное к", "Ответ")

#: Row colours of the exported register: what a reader must look at first.
OVERDUE_FILL = "F8D7DA"  # open and its term has passed, or it has left the school
DUE_TODAY_FILL = "FFF3CD"

SYSTEM_ACTOR = Actor.system().name


@dataclass(frozen=True)
class ImportResult:
    """What an import wrote: how many appeals, their new register numbers in order, how many came answered and
    how many escalations their history recorded."""

    count: int
    numbers: list[str]
    answered: int = 0
    escalations: int = 0
    notices: int = 0

    def describe(self) -> str:
        text = f"Загружено обращений: {self.count}"
        if self.numbers:
            first, last = self.numbers[0], self.numbers[-1]
            text += f" ({first})" if first == last else f" ({first} … {last})"
        text += "."
        if self.answered:
            text += f" С ответом: {self.answered}."
        if self.escalations:
            text += f" Передач на следующий уровень до ответа: {self.escalations}."
        if self.notices:
            text += f" Уведомлений в Департамент о повторных обращениях: {self.notices}."
        return text


@dataclass
class _Row:
    """One row of the file as checked: what it will become, or why it cannot."""

    line: int
    external: str = ""
    registered_local: LocalMoment | None = None
    registered_at: dt.datetime | None = None  # UTC
    data: AppealInput | None = None
    answered_at: dt.datetime | None = None  # UTC
    answer: str = ""
    answer_given: bool = False  # the «Дата ответа» cell is filled (even if wrongly)
    repeat_of: str = ""
    parent_line: int | None = None  # a row of the file
    parent_id: int | None = None  # an appeal in the database
    depth: int = 0
    stage: Stage | None = None
    passed: list[Stage] = field(default_factory=list)
    bad: bool = False


class AppealsExchange:
    """Import and export of the register, the answer as an e-mail draft, the notice letter to the Department."""

    def __init__(self, ctx: ServiceContext, settings: SettingsService, calendar: CalendarService) -> None:
        self._ctx = ctx
        self._settings = settings
        self._calendar = calendar

    # -- import -------------------------------------------------------------------------------------------------

    def import_file(self, path: Path) -> ImportResult:
        """Import a register (.xlsx or .csv) from another system: all rows or none (issue 4, item 8).

        Every row is checked first and every problem is reported at once (file, row, column, reason). Then, in one
        transaction, the appeals are registered in the order of their registration moments, each with the next
        number of its year; an answered one gets the escalations its term's passing caused before the answer (an
        answer at the due moment itself is late: the appeal had already passed up), then the answer. Unanswered
        appeals are left to the sweep.
        """
        self._ctx.require(Action.APPEALS_IMPORT)
        path = Path(path)
        table = read_table(path, IMPORT_FIELDS)
        name = table.file
        if not table.rows:
            raise ImportFailed(
                [ImportProblem(name, None, None, "в файле нет ни одного обращения под заголовками.")]
            )
        tz = self._settings.timezone()
        cal = self._calendar.work_calendar()
        now = self._ctx.clock()
        problems = Problems(name)

        def problem(row: _Row, column: Field | None, reason: str) -> None:
            row.bad = True
            problems.add(row.line, column, reason)

        rows = [
            self._parse(r, tz, now, lambda row, col, reason: problem(row, col, reason)) for r in table.rows
        ]
        by_line = {r.line: r for r in rows}
        by_external: dict[str, _Row] = {}
        for r in rows:
            if not r.external:
                continue
            key = r.external.casefold()
            if key in by_external:
                problem(
                    r,
                    NUMBER,
                    f"номер «{r.external}» уже есть в строке {by_external[key].line}: номера не должны "
                    "повторяться, по ним находят первое обращение для «Повторное к».",
                )
            else:
                by_external[key] = r

        with self._ctx.transaction(write=True) as session:
            self._check_against_database(session, rows, by_external, problem)
            self._link_threads(rows, by_line, problem)
            for r in rows:
                if not r.bad:
                    self._plan_chain(r, cal, tz, problem)
            problems.raise_if_any(IMPORT_FIELDS)
            return self._write(session, name, rows, tz, cal)

    def _parse(
        self,
        source: TableRow,
        tz: ZoneInfo,
        now: dt.datetime,
        problem: Callable[[_Row, Field | None, str], None],
    ) -> _Row:
        row = _Row(source.number)
        row.external = source.text(NUMBER.key)
        if len(row.external) > MAX_EXTERNAL_NUMBER_LENGTH:
            problem(row, NUMBER, f"номер длиннее {MAX_EXTERNAL_NUMBER_LENGTH} знаков.")

        registered = source.get(REGISTERED.key)
        if registered is None:
            problem(row, REGISTERED, "не заполнена: укажите дату и время регистрации обращения.")
        else:
            try:
                row.registered_local = parse_local_datetime(registered)
                row.registered_at = school_moment(row.registered_local.value, tz)
                if row.registered_at > now:
                    problem(
                        row,
                        REGISTERED,
                        f"«{cell_text(registered)}» ещё не наступило: дата регистрации в будущем.",
                    )
            except ValueError as exc:
                problem(row, REGISTERED, str(exc))

        applicant = " ".join(source.text(APPLICANT.key).split())
        if not applicant:
            problem(row, APPLICANT, "не заполнен: укажите ФИО заявителя.")
        elif len(applicant) > MAX_APPLICANT_LENGTH:
            problem(row, APPLICANT, f"ФИО длиннее {MAX_APPLICANT_LENGTH} знаков.")

        email = source.text(EMAIL.key)
        email_problem = rules.email_problem(email)
        if email_problem:
            problem(row, EMAIL, email_problem)
        phone = source.text(PHONE.key)
        if len(phone) > MAX_PHONE_LENGTH:
            problem(row, PHONE, f"телефон длиннее {MAX_PHONE_LENGTH} знаков.")
        child_class = source.text(CHILD_CLASS.key)
        if len(child_class) > MAX_CHILD_CLASS_LENGTH:
            problem(row, CHILD_CLASS, f"класс длиннее {MAX_CHILD_CLASS_LENGTH} знаков.")

        rubric_text = source.text(RUBRIC.key)
        rubric = rules.rubric_from_text(rubric_text) if rubric_text else None
        if not rubric_text:
            problem(row, RUBRIC, "не заполнена: укажите «Вопрос к школе» или «Технический вопрос».")
        elif rubric is None:
            problem(
                row,
                RUBRIC,
                f"неизвестная рубрика «{rubric_text}»: допустимы «Вопрос к школе» и «Технический вопрос».",
            )

        text = source.text(TEXT.key)
        text_problem = rules.text_problem(text)
        if text_problem:
            problem(row, TEXT, text_problem)

        channel_text = source.text(CHANNEL.key)
        channel = rules.channel_from_text(channel_text) if channel_text else None
        if channel_text and channel is None:
            allowed = ", ".join(c.label for c in rules.Channel)
            problem(row, CHANNEL, f"неизвестный канал «{channel_text}»: допустимы {allowed} (или пусто).")

        answered = source.get(ANSWERED.key)
        row.answer_given = answered is not None
        row.answer = source.text(ANSWER.key)
        if answered is not None and not row.answer:
            problem(
                row, ANSWER, "есть дата ответа, но нет его текста: заполните «Дата ответа» и «Ответ» вместе."
            )
        if answered is None and row.answer:
            problem(
                row, ANSWERED, "есть текст ответа, но нет его даты: заполните «Дата ответа» и «Ответ» вместе."
            )
        if len(row.answer) > MAX_ANSWER_LENGTH:
            problem(row, ANSWER, f"текст ответа длиннее {MAX_ANSWER_LENGTH} знаков.")
        if answered is not None:
            try:
                local = parse_local_datetime(answered)
                moment = school_moment(local.value, tz)
                if row.registered_at is not None:
                    registered_local = row.registered_at.astimezone(tz)
                    if not local.has_time and local.value.date() == registered_local.date():
                        moment = max(moment, row.registered_at)  # a date alone on the day of registration
                    if moment < row.registered_at:
                        problem(
                            row,
                            ANSWERED,
                            f"ответ ({cell_text(answered)}) раньше регистрации обращения "
                            f"({registered_local:%d.%m.%Y %H:%M}).",
                        )
                if moment > now:
                    problem(
                        row, ANSWERED, f"«{cell_text(answered)}» ещё не наступило: дата ответа в будущем."
                    )
                row.answered_at = moment
            except ValueError as exc:
                problem(row, ANSWERED, str(exc))

        row.repeat_of = source.text(REPEAT_OF.key)
        if rubric is not None and applicant:
            row.data = AppealInput(
                applicant=applicant,
                rubric=rubric,
                text=text,
                email=email,
                phone=phone,
                channel=channel,
                child_name=source.text(CHILD.key),
                child_class=child_class,
            )
        return row

    def _check_against_database(
        self,
        session: Session,
        rows: Sequence[_Row],
        by_external: dict[str, _Row],
        problem: Callable[[_Row, Field | None, str], None],
    ) -> None:
        """Numbers already loaded (the same file twice), and «Повторное к» that names an appeal in the database."""
        externals = [r.external for r in rows if r.external]
        for chunk in _chunks(externals, 500):
            for number, external in session.execute(
                select(Appeal.number, Appeal.external_number).where(Appeal.external_number.in_(chunk))
            ):
                r = by_external.get(external.casefold())
                if r is not None and r.external == external:
                    problem(
                        r,
                        NUMBER,
                        f"обращение с номером «{external}» уже загружено в программу ({number}): "
                        "файл загружают один раз.",
                    )
        for r in rows:
            ref = r.repeat_of
            if not ref or ref.casefold() in by_external:
                continue
            found = session.execute(
                select(Appeal.id, Appeal.number, Appeal.status, Appeal.answered_at).where(
                    Appeal.number == ref
                )
            ).first()
            if found is None:
                matches = session.execute(
                    select(Appeal.id, Appeal.number, Appeal.status, Appeal.answered_at)
                    .where(Appeal.external_number == ref)
                    .order_by(Appeal.id)
                    .limit(2)
                ).all()
                if len(matches) > 1:
                    problem(
                        r,
                        REPEAT_OF,
                        f"номер «{ref}» носят несколько обращений в программе ({matches[0].number}, "
                        f"{matches[1].number}…): укажите регистрационный номер, например {matches[0].number}.",
                    )
                    continue
                found = matches[0] if matches else None
            if found is None:
                problem(
                    r,
                    REPEAT_OF,
                    f"обращения «{ref}» нет ни в файле (столбец «Номер»), ни в программе: укажите номер "
                    "первого обращения.",
                )
                continue
            if Status(found.status) is not Status.ANSWERED or found.answered_at is None:
                problem(
                    r,
                    REPEAT_OF,
                    f"на обращение {found.number} ответ ещё не дан: повторное обращение возможно только после ответа.",
                )
                continue
            if r.registered_at is not None and r.registered_at < found.answered_at:
                tz = self._settings.timezone()
                problem(
                    r,
                    REPEAT_OF,
                    f"повторное обращение зарегистрировано раньше ответа на обращение {found.number} "
                    f"({found.answered_at.astimezone(tz):%d.%m.%Y %H:%M}).",
                )
                continue
            r.parent_id = found.id

    def _link_threads(
        self,
        rows: Sequence[_Row],
        by_line: dict[int, _Row],
        problem: Callable[[_Row, Field | None, str], None],
    ) -> None:
        """«Повторное к» that names a row of the file: that row must have been answered before this one came."""
        by_external = {r.external.casefold(): r for r in rows if r.external}
        for r in rows:
            if not r.repeat_of or r.repeat_of.casefold() not in by_external:
                continue
            parent = by_external[r.repeat_of.casefold()]
            if parent is r:
                problem(r, REPEAT_OF, "обращение не может быть повторным к самому себе.")
                continue
            r.parent_line = parent.line
            if parent.answered_at is None:
                if parent.answer_given:  # the parent's answer date is wrong: its own row says so
                    r.bad = True
                else:
                    problem(
                        r,
                        REPEAT_OF,
                        f"на обращение «{parent.external}» (строка {parent.line}) в файле нет ответа (столбец "
                        "«Дата ответа»): повторное обращение возможно только после ответа.",
                    )
                continue
            if r.registered_at is not None and r.registered_at < parent.answered_at:
                problem(
                    r,
                    REPEAT_OF,
                    f"повторное обращение зарегистрировано раньше ответа на обращение «{parent.external}» "
                    f"(строка {parent.line}).",
                )
        # The depth of each row in its thread: a parent is written before its repeats even at the same minute.
        for r in rows:
            seen = {r.line}
            depth, current = 0, r
            while current.parent_line is not None:
                current = by_line[current.parent_line]
                depth += 1
                if current.line in seen:
                    problem(r, REPEAT_OF, "ссылки «Повторное к» замыкаются в круг.")
                    break
                seen.add(current.line)
            r.depth = depth

    def _plan_chain(
        self, r: _Row, cal: WorkCalendar, tz: ZoneInfo, problem: Callable[[_Row, Field | None, str], None]
    ) -> None:
        """The first level and, for an answered appeal, the levels it passed before the answer."""
        assert r.data is not None and r.registered_at is not None
        try:
            r.stage = rules.first_stage(r.data.rubric, r.registered_at, cal, tz)
        except UnknownCalendarYear as exc:
            problem(r, REGISTERED, str(exc))
            return
        if r.answered_at is None:
            return
        try:
            # `escalations` passes every level whose due moment is at or before the answer: an answer given at the
            # due moment itself is late, and is given at the next level.
            r.passed = rules.escalations(r.stage, r.answered_at, cal, tz)
        except UnknownCalendarYear as exc:
            problem(r, ANSWERED, str(exc))

    def _write(
        self,
        session: Session,
        name: str,
        rows: Sequence[_Row],
        tz: ZoneInfo,
        cal: WorkCalendar,
    ) -> ImportResult:
        actor = self._ctx.actor.name
        created: dict[int, Appeal] = {}
        numbers: list[str] = []
        answered = escalations = notices = 0
        order = sorted(rows, key=lambda r: (r.registered_at, r.depth, r.line))
        for r in order:
            assert r.data is not None and r.registered_at is not None and r.stage is not None
            parent: Appeal | None = None
            if r.parent_line is not None:
                parent = created[r.parent_line]
            elif r.parent_id is not None:
                parent = session.get(Appeal, r.parent_id)
            appeal = create_appeal(
                session,
                self._ctx,
                r.data,
                registered_at=r.registered_at,
                tz=tz,
                calendar=cal,
                parent=parent,
                external_number=r.external,
            )
            created[r.line] = appeal
            numbers.append(appeal.number)
            if appeal.notice_at is not None:
                notices += 1
            if r.answered_at is None:
                continue
            if r.passed:
                session.add_all(
                    AppealStep(**step_values(appeal.id, StepKind.ESCALATED, st, SYSTEM_ACTOR))
                    for st in r.passed
                )
                move_to(appeal, r.passed[-1], status=Status.OPEN, escalated=True)
                escalations += len(r.passed)
            level = Level(appeal.level)
            delivery = Delivery.EMAIL if level is Level.SUI else None
            apply_answer(appeal, r.answered_at, r.answer, delivery, actor, None)
            add_step(
                session,
                appeal,
                StepKind.ANSWERED,
                r.answered_at,
                level,
                actor,
                note=delivery.label if delivery else "",
                due_date=appeal.due_date,
                due_at=appeal.due_at,
            )
            answered += 1
        self._ctx.record(
            session,
            IMPORT_ENTITY,
            name,
            "import",
            None,
            {
                "file": name,
                "count": len(numbers),
                "first": numbers[0] if numbers else None,
                "last": numbers[-1] if numbers else None,
                "answered": answered,
                "escalations": escalations,
            },
        )
        return ImportResult(len(numbers), numbers, answered, escalations, notices)

    # -- export -------------------------------------------------------------------------------------------------

    def export(
        self,
        path: Path,
        *,
        date_from: dt.date | None = None,
        date_to: dt.date | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> int:
        """Write the register to an Excel workbook (issue 4, item 9), ordered by year and number; dates are Excel
        dates in school time. Rows are streamed from the database. The export is recorded. Returns the row count."""
        from desktop.reports.workbook import DATE_FORMAT, DATETIME_FORMAT, Column, Marked

        self._ctx.require(Action.APPEALS_EXPORT)
        path = xlsx_path(path, "Реестр")
        period = period_text(date_from, date_to)
        tz = self._settings.timezone()
        today = self._settings.today()
        columns = [
            Column(EXPORT_HEADERS[0], 13),
            Column(EXPORT_HEADERS[1], 14),
            Column(EXPORT_HEADERS[2], 17, DATETIME_FORMAT),
            Column(EXPORT_HEADERS[3], 28, wrap=True),
            Column(EXPORT_HEADERS[4], 20),
            Column(EXPORT_HEADERS[5], 50, wrap=True),
            Column(EXPORT_HEADERS[6], 28, wrap=True),
            Column(EXPORT_HEADERS[7], 12, DATE_FORMAT),
            Column(EXPORT_HEADERS[8], 17),
            Column(EXPORT_HEADERS[9], 8, "0"),
            Column(EXPORT_HEADERS[10], 15),
            Column(EXPORT_HEADERS[11], 17, DATETIME_FORMAT),
            Column(EXPORT_EXTRA_HEADERS[0], 26),
            Column(EXPORT_EXTRA_HEADERS[1], 17),
            Column(EXPORT_EXTRA_HEADERS[2], 10),
            Column(EXPORT_EXTRA_HEADERS[3], 13),
            Column(EXPORT_EXTRA_HEADERS[4], 50, wrap=True),
        ]

        def rows() -> Iterator[Marked | tuple[object, ...]]:
            parent = aliased(Appeal)
            query = (
                select(
                    Appeal.number,
                    Appeal.external_number,
                    Appeal.registered_at,
                    Appeal.applicant,
                    Appeal.rubric,
                    Appeal.text,
                    Appeal.level,
                    Appeal.due_date,
                    Appeal.status,
                    Appeal.repeat_no,
                    Appeal.notice_at,
                    Appeal.answered_at,
                    Appeal.email,
                    Appeal.phone,
                    Appeal.channel,
                    parent.number.label("parent_number"),
                    Appeal.answer_text,
                )
                .outerjoin(parent, Appeal.parent_id == parent.id)
                .order_by(Appeal.year, Appeal.seq)
                .execution_options(yield_per=1000)
            )
            if date_from is not None:
                query = query.where(Appeal.reg_date >= date_from)
            if date_to is not None:
                query = query.where(Appeal.reg_date <= date_to)
            # Labels looked up once per value, not an enum and a property per row.
            rubrics = {r.value: r.label for r in Rubric}
            channels = {c.value: c.label for c in rules.Channel}
            levels = {lv.value: (lv.label, lv is Level.DEPARTMENT, lv.left_school) for lv in Level}
            statuses = {st.value: (st.label, st is Status.ANSWERED) for st in Status}
            with self._ctx.transaction() as session:
                for (
                    number, external, registered_at, applicant, rubric, text, level, due_date, status, repeat_no,
                    notice_at, answered_at, email, phone, channel, parent_number, answer_text,
                ) in session.execute(query):  # fmt: skip
                    level_label, at_department, left_school = levels[level]
                    status_label, answered = statuses[status]
                    values = (
                        number,
                        external,
                        registered_at.astimezone(tz).replace(tzinfo=None),
                        applicant,
                        rubrics[rubric],
                        text,
                        level_label,
                        None if at_department else due_date,
                        status_label,
                        repeat_no,
                        "Нет" if notice_at is None else "Да",
                        None if answered_at is None else answered_at.astimezone(tz).replace(tzinfo=None),
                        email,
                        phone,
                        channels[channel] if channel else "",
                        parent_number or "",
                        answer_text,
                    )
                    if answered:
                        yield values
                    elif left_school or (due_date is not None and due_date < today):
                        yield Marked(values, OVERDUE_FILL)
                    elif due_date == today:
                        yield Marked(values, DUE_TODAY_FILL)
                    else:
                        yield values

        return write_and_record(
            self._ctx,
            path,
            entity=EXPORT_ENTITY,
            entity_id="register",
            period=period,
            sheet_title="Реестр обращений",
            title=titled("Реестр обращений", school_short_name(self._ctx)),
            subtitle=f"Период регистрации: {period}. Время и даты — {tz}. Розовым выделены обращения с истёкшим "
            f"сроком и ушедшие из школы, жёлтым — со сроком сегодня. {exported_by(self._ctx, tz)}.",
            columns=columns,
            rows=rows(),
            progress=progress,
        )

    # -- the answer as an e-mail --------------------------------------------------------------------------------

    def write_answer_email(self, appeal_id: int, path: Path) -> Path:
        """Write the answer to the applicant as an e-mail draft (.eml, opened by mail programs as a new message to
        send): to the applicant's e-mail, from the school's, with the answer's file attached. A «Технический
        вопрос» is answered this way (seed 000 §3). Recorded as personal data leaving the program."""
        self._ctx.require(Action.APPEALS_VIEW)
        path = Path(path)
        if path.suffix.lower() != ".eml":
            raise ServiceError(f"Письмо сохраняется в файл .eml, а не «{path.name}».")
        tz = self._settings.timezone()
        profile = self._settings.all()
        with self._ctx.transaction() as session:
            a = _get(session, appeal_id)
            if Status(a.status) is not Status.ANSWERED:
                raise ServiceError(
                    f"На обращение {a.number} ответ ещё не дан: письмо с ответом составить нельзя."
                )
            if not a.email:
                raise ServiceError(
                    f"У заявителя обращения {a.number} не указан e-mail: ответ по электронной почте отправить "
                    "некуда. Передайте ответ лично или почтой."
                )
            message = EmailMessage()
            try:
                message["To"] = Address(display_name=a.applicant, addr_spec=a.email)
            except (ValueError, IndexError, HeaderParseError) as exc:
                raise ServiceError(f"Адрес заявителя «{a.email}» не годится для письма: {exc}.") from exc
            school_email = profile.get("school_email", "")
            school_short = profile.get("school_short_name", "") or profile.get("school_name", "")
            if school_email:
                message["From"] = Address(display_name=school_short, addr_spec=school_email)
            message["Subject"] = f"Ответ на обращение {a.number}"
            message["Date"] = format_datetime(self._ctx.clock().astimezone(tz))
            message["X-Unsent"] = "1"  # Outlook and others open the file as a draft to send
            registered = a.registered_at.astimezone(tz)
            lines = [
                f"Здравствуйте, {a.applicant}!",
                "",
                f"На ваше обращение № {a.number} от {registered:%d.%m.%Y}"
                + (f" (номер в системе приёма: {a.external_number})" if a.external_number else "")
                + " сообщаем:",
                "",
                a.answer_text,
                "",
                "С уважением,",
            ]
            signature = [
                profile.get("school_name", "") or school_short,
                profile.get("school_address", ""),
                school_email,
            ]
            lines += [line for line in signature if line]
            message.set_content("\n".join(lines) + "\n", charset="utf-8")
            attached = ""
            if a.answer_attachment_id is not None:
                found = load_file(session, a.answer_attachment_id)
                if found is not None:
                    attachment, data = found
                    kind = mimetypes.guess_type(attachment.name)[0] or "application/octet-stream"
                    maintype, subtype = kind.split("/", 1)
                    message.add_attachment(data, maintype=maintype, subtype=subtype, filename=attachment.name)
                    attached = attachment.name
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(message.as_bytes(policy=SMTP))
            except OSError as exc:
                raise ServiceError(f"Не удалось записать файл {path}: {exc.strerror or exc}") from exc
            self._ctx.record(
                session,
                ENTITY,
                a.number,
                "answer_email",
                None,
                {"file": path.name, "to": a.email, "attachment": attached or None},
                kind="access",
            )
        return path

    # -- the notice letter to the Department --------------------------------------------------------------------

    def write_notice_letter(self, appeal_id: int, path: Path) -> Path:
        """Print the letter to the regional Department about the 5th or later repeat (seed 000 §3) as a PDF."""
        from desktop.printing.fonts import FontMissing
        from desktop.printing.notice import NoticeLetter, ThreadLine, render_notice

        self._ctx.require(Action.APPEALS_VIEW)
        path = Path(path)
        if path.suffix.lower() != ".pdf":
            raise ServiceError(
                f"Письмо сохраняется в PDF: укажите файл с расширением .pdf, а не «{path.name}»."
            )
        tz = self._settings.timezone()
        profile = self._settings.all()
        missing = [
            label
            for key, label in (
                ("school_name", "полное наименование школы"),
                ("school_address", "адрес школы"),
                ("director_name", "ФИО директора"),
                ("region_department", "Департамент образования и науки (регион)"),
            )
            if not profile.get(key, "").strip()
        ]
        if missing:
            raise ServiceError(
                "Для письма в Департамент заполните в настройках школы: " + ", ".join(missing) + "."
            )

        def local(moment: dt.datetime) -> dt.datetime:
            return moment.astimezone(tz).replace(tzinfo=None)

        with self._ctx.transaction() as session:
            a = _get(session, appeal_id)
            if a.notice_at is None:
                raise ServiceError(
                    f"Обращение {a.number} — {_repeat_text(a.repeat_no)}: уведомление в Департамент направляется "
                    f"начиная с {rules.DEPARTMENT_NOTICE_FROM_REPEAT}-го повторного обращения."
                )
            thread = session.scalars(
                select(Appeal)
                .where(Appeal.thread_id == (a.thread_id or a.id), Appeal.repeat_no <= a.repeat_no)
                .order_by(Appeal.repeat_no, Appeal.registered_at, Appeal.id)
            ).all()
            # The line of this appeal: its parents, not a sibling repeat of the same parent.
            chain: list[Appeal] = []
            current: Appeal | None = a
            by_id = {t.id: t for t in thread}
            while current is not None:
                chain.append(current)
                current = by_id.get(current.parent_id) if current.parent_id is not None else None
            chain.reverse()
            contacts = ", ".join(
                part
                for part in (f"e-mail {a.email}" if a.email else "", f"тел. {a.phone}" if a.phone else "")
                if part
            )
            letter = NoticeLetter(
                school_name=profile["school_name"],
                school_short_name=profile.get("school_short_name", ""),
                school_address=profile["school_address"],
                school_email=profile.get("school_email", ""),
                director_name=profile["director_name"],
                department=profile["region_department"],
                date=self._settings.today(),
                applicant=a.applicant,
                applicant_contacts=contacts,
                number=a.number,
                registered=local(a.registered_at),
                repeat_no=a.repeat_no,
                text=a.text,
                thread=[
                    ThreadLine(
                        t.number,
                        local(t.registered_at),
                        local(t.answered_at) if t.answered_at else None,
                        current=t.id == a.id,
                    )
                    for t in chain
                ],
                executor=self._ctx.actor.name if self._ctx.actor.kind.value == "user" else "",
            )
            try:
                render_notice(letter, path)
            except FontMissing as exc:
                raise ServiceError(str(exc)) from exc
            except OSError as exc:
                raise ServiceError(f"Не удалось записать файл {path}: {exc.strerror or exc}") from exc
            self._ctx.record(
                session,
                ENTITY,
                a.number,
                "notice_letter",
                None,
                {"file": path.name, "repeat": a.repeat_no},
                kind="access",
            )
        return path



def _get(session: Session, appeal_id: int) -> Appeal:
    appeal = session.get(Appeal, appeal_id)
    if appeal is None:
        raise ServiceError(f"Обращение не найдено (№ {appeal_id}): возможно, база данных была заменена.")
    return appeal


def _repeat_text(repeat_no: int) -> str:
    return "первое обращение" if repeat_no == 0 else f"{repeat_no}-е повторное"


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


__all__ = [
    "EXPORT_EXTRA_HEADERS",
    "EXPORT_HEADERS",
    "IMPORT_FIELDS",
    "AppealsExchange",
    "ImportFailed",
    "ImportProblem",
    "ImportResult",
]
