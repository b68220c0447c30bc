"""Initiative tickets (seed 002) in and out of the program: a register of tickets taken in elsewhere (a paper log, a
spreadsheet, another system) imported all or nothing, and the register exported to Excel.

The reading of files (.xlsx; .csv in UTF-8 with or without BOM or Windows-1251, «;» or «,»), the problems (file, row,
column, reason) and the Excel sheet are the appeals' own (`desktop.services.tabular`, `desktop.reports.workbook`); a
ticket is inserted by the same `create_ticket` the tickets service uses, at its submission moment, so its number,
terms and late mark come out as if it had been taken in then.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.domain import tickets as rules
from desktop.domain.access import Action
from desktop.domain.calendar import UnknownCalendarYear, WorkCalendar
from desktop.domain.russian import plural
from desktop.domain.terms import email_problem
from desktop.domain.tickets import Category, RefusalReason, Status
from desktop.services.calendar import CalendarService
from desktop.services.context import ServiceContext
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
    Problems,
    TableRow,
    cell_text,
    parse_date_value,
    parse_local_datetime,
    read_table,
    school_moment,
)
from desktop.services.tickets import TicketFilter, TicketInput, TicketsService, create_ticket
from desktop.store.models import Ticket

IMPORT_ENTITY = "ticket_import"
EXPORT_ENTITY = "tickets"
#: The same limits as the form of the tickets service (`TicketsService.check_input`) and the columns of `tickets`.
MAX_CLIENT_LENGTH = 200
MAX_GROUP_LENGTH = 100
MAX_CONTACT_LENGTH = 200

# -- the import's columns: a contract for those who prepare the file ---------------------------------------------

SUBMITTED = Field(
    "submitted", "Дата подачи", required=True, aliases=("Дата и время подачи", "Подана", "Дата заявки")
)
CLIENT = Field("client", "Заявитель", required=True, aliases=("ФИО заявителя",))
CATEGORY = Field("category", "Категория", required=True, aliases=("Категория заявки",))
EVENT = Field("event", "Дата мероприятия", required=True, aliases=("Дата проведения мероприятия",))
DESCRIPTION = Field(
    "description", "Описание", required=True, aliases=("Описание заявки", "Что нужно сделать")
)
CONTACT = Field("contact", "Контакт", aliases=("Контакты", "Контакт заявителя", "Телефон или e-mail"))
GROUP = Field("group", "Класс", aliases=("Класс или объединение", "Объединение", "Группа"))
IMPORT_FIELDS: tuple[Field, ...] = (SUBMITTED, CLIENT, CATEGORY, EVENT, DESCRIPTION, CONTACT, GROUP)

#: The columns of the exported register, in this order; then the extra ones.
EXPORT_HEADERS = (
    "Номер",
    "Дата подачи",
    "Заявитель",
    "Категория",
    "Дата мероприятия",
    "Крайний срок подачи",
    "Подана в срок",
    "Срок отчёта исполнителя",
    "Срок ответа заявителя",
    "Исполнитель",
    "Статус",
)
EXPORT_EXTRA_HEADERS = ("Класс", "Контакт", "Описание", "Причина отказа или закрытия", "Оценка", "Отзыв")

#: The row colour of a ticket submitted after its last day (seed 002 §4.1.1): the operator decides on it.
LATE_FILL = "F8D7DA"

_CATEGORIES = ", ".join(f"«{c.label}»" for c in Category)


@dataclass(frozen=True)
class ImportResult:
    """What an import wrote: how many tickets, their new numbers in order, how many were submitted late."""

    count: int
    numbers: list[str]
    late: int = 0

    def describe(self) -> str:
        text = f"Загружено заявок: {self.count}"
        if self.numbers:
            first, last = self.numbers[0], self.numbers[-1]
            text += f" ({first})" if first == last else f" ({first} … {last})"
        text += "."
        if self.late:
            text += f" Поданы позже срока: {self.late}."
        return text


@dataclass
class _Row:
    """One row of the file as checked: what it will become, or why it cannot."""

    line: int
    submitted_at: dt.datetime | None = None  # UTC
    submit_date: dt.date | None = None  # school date
    data: TicketInput | None = None
    bad: bool = False


class TicketsExchange:
    """Import and export of the register of initiative tickets."""

    def __init__(self, ctx: ServiceContext, settings: SettingsService, calendar: CalendarService) -> None:
        self._ctx = ctx
        self._settings = settings
        self._calendar = calendar
        # The queue's own conditions decide which tickets an export holds (an agent: only their own).
        self._tickets = TicketsService(ctx, settings, calendar)

    # -- import -------------------------------------------------------------------------------------------------

    def import_file(self, path: Path) -> ImportResult:
        """Import a register of tickets (.xlsx or .csv): all rows or none.

        Columns: «Дата подачи», «Заявитель», «Категория» (one of the six of seed 002 §4.1.1), «Дата мероприятия»,
        «Описание» (all required), «Контакт» and «Класс» (optional). «Дата подачи» is school time: an Excel date,
        «ДД.ММ.ГГГГ ЧЧ:ММ» or ISO; **decision**: a date without a time is the start (00:00, school time) of that
        day — the ticket counts as submitted on that school date, which is all the late mark looks at (seed 002
        §4.1.1: any hour of the last day is in time).

        Every row is checked first and every problem is reported at once (file, row, column, reason): an unknown
        category, a date that cannot be read, an event before the submission date, a description too long, a
        submission in the future, a year the production calendar does not know, a ticket already loaded. Then, in
        one transaction, the tickets are created in the order of their submission moments (numbers follow dates),
        each with `create_ticket` at that moment; the import itself is one more event in the log.
        """
        self._ctx.require(Action.TICKETS_IMPORT)
        path = Path(path)
        table = read_table(path, IMPORT_FIELDS)
        name = table.file
        if not table.rows:
            raise ImportFailed(
                [ImportProblem(name, None, None, "в файле нет ни одной заявки под заголовками.")]
            )
        tz = self._settings.timezone()
        cal = self._calendar.work_calendar()
        now = self._ctx.clock()
        problems = Problems(name)

        def problem(row: _Row, column: Field | None, reason: str) -> None:
            row.bad = True
            problems.add(row.line, column, reason)

        rows = [self._parse(r, tz, cal, now, problem) for r in table.rows]
        seen: dict[tuple[object, ...], _Row] = {}
        for r in rows:
            key = _key(r)
            if key is None:
                continue
            if key in seen:
                problem(
                    r, None, f"та же заявка, что в строке {seen[key].line}: каждая заявка — одной строкой."
                )
            else:
                seen[key] = r

        with self._ctx.transaction(write=True) as session:
            self._check_against_database(session, rows, problem)
            problems.raise_if_any(IMPORT_FIELDS)
            return self._write(session, name, rows, tz, cal)

    def _parse(
        self,
        source: TableRow,
        tz: ZoneInfo,
        cal: WorkCalendar,
        now: dt.datetime,
        problem: Callable[[_Row, Field | None, str], None],
    ) -> _Row:
        row = _Row(source.number)

        submitted = source.get(SUBMITTED.key)
        if submitted is None:
            problem(row, SUBMITTED, "не заполнена: укажите дату и время подачи заявки.")
        else:
            try:
                local = parse_local_datetime(submitted)  # a date alone is 00:00 of that day
                row.submitted_at = school_moment(local.value, tz)
                row.submit_date = row.submitted_at.astimezone(tz).date()
                if row.submitted_at > now:
                    problem(
                        row, SUBMITTED, f"«{cell_text(submitted)}» ещё не наступило: дата подачи в будущем."
                    )
            except ValueError as exc:
                problem(row, SUBMITTED, str(exc))

        client = " ".join(source.text(CLIENT.key).split())
        if not client:
            problem(row, CLIENT, "не заполнен: укажите ФИО заявителя.")
        elif len(client) > MAX_CLIENT_LENGTH:
            problem(row, CLIENT, f"ФИО длиннее {MAX_CLIENT_LENGTH} знаков.")

        category_text = source.text(CATEGORY.key)
        category = rules.category_from_text(category_text) if category_text else None
        if not category_text:
            problem(row, CATEGORY, f"не заполнена: укажите одну из категорий: {_CATEGORIES}.")
        elif category is None:
            problem(row, CATEGORY, f"неизвестная категория «{category_text}»: допустимы {_CATEGORIES}.")

        event: dt.date | None = None
        event_cell = source.get(EVENT.key)
        if event_cell is None:
            problem(row, EVENT, "не заполнена: укажите дату мероприятия.")
        else:
            try:
                event = parse_date_value(event_cell)
            except ValueError as exc:
                problem(row, EVENT, str(exc))
        if event is not None and row.submit_date is not None and event < row.submit_date:
            problem(
                row,
                EVENT,
                f"мероприятие {event:%d.%m.%Y} раньше подачи заявки {row.submit_date:%d.%m.%Y}: "
                "заявку подают до мероприятия.",
            )
        elif event is not None and category is not None:
            try:
                rules.terms_for(category, event, cal)
            except UnknownCalendarYear as exc:
                problem(row, EVENT, str(exc))

        description = source.text(DESCRIPTION.key)
        if not description:
            problem(row, DESCRIPTION, "не заполнено: опишите, что нужно сделать.")
        elif len(description) > rules.MAX_DESCRIPTION_LENGTH:
            excess = len(description) - rules.MAX_DESCRIPTION_LENGTH
            problem(
                row,
                DESCRIPTION,
                f"описание — {len(description)} {plural(len(description), 'знак', 'знака', 'знаков')}, а можно не "
                f"больше {rules.MAX_DESCRIPTION_LENGTH}: сократите на {excess} "
                f"{plural(excess, 'знак', 'знака', 'знаков')}.",
            )

        contact = source.text(CONTACT.key)
        if len(contact) > MAX_CONTACT_LENGTH:
            problem(row, CONTACT, f"контакт длиннее {MAX_CONTACT_LENGTH} знаков.")
        elif "@" in contact and (reason := email_problem(contact)):
            problem(row, CONTACT, reason)
        group = " ".join(source.text(GROUP.key).split())
        if len(group) > MAX_GROUP_LENGTH:
            problem(row, GROUP, f"класс или объединение длиннее {MAX_GROUP_LENGTH} знаков.")

        if category is not None and event is not None and client:
            row.data = TicketInput(
                client_name=client,
                category=category,
                event_date=event,
                description=description,
                client_group=group,
                client_contact=contact,
            )
        return row

    def _check_against_database(
        self, session: Session, rows: Sequence[_Row], problem: Callable[[_Row, Field | None, str], None]
    ) -> None:
        """A ticket already in the program (the same file loaded twice): the same submission moment, client,
        category, event and description."""
        by_moment: dict[dt.datetime, list[_Row]] = {}
        for r in rows:
            if not r.bad and r.submitted_at is not None and r.data is not None:
                by_moment.setdefault(r.submitted_at, []).append(r)
        moments = list(by_moment)
        for start in range(0, len(moments), 500):
            chunk = moments[start : start + 500]
            found = session.execute(
                select(
                    Ticket.number, Ticket.submitted_at, Ticket.client_name, Ticket.category, Ticket.event_date,
                    Ticket.description,
                ).where(Ticket.submitted_at.in_(chunk))
            )  # fmt: skip
            existing = {
                (t.submitted_at, t.client_name.casefold(), t.category, t.event_date, t.description): t.number
                for t in found
            }
            for moment in chunk:
                for r in by_moment[moment]:
                    number = existing.get(_key(r))  # type: ignore[arg-type]
                    if number is not None:
                        problem(
                            r,
                            None,
                            f"эта заявка уже загружена в программу ({number}): файл загружают один раз.",
                        )

    def _write(
        self, session: Session, name: str, rows: Sequence[_Row], tz: ZoneInfo, cal: WorkCalendar
    ) -> ImportResult:
        numbers: list[str] = []
        late = 0
        for r in sorted(rows, key=lambda r: (r.submitted_at, r.line)):
            assert r.data is not None and r.submitted_at is not None
            ticket = create_ticket(
                session, self._ctx, r.data, submitted_at=r.submitted_at, tz=tz, calendar=cal
            )
            numbers.append(ticket.number)
            late += bool(ticket.late)
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
                "late": late,
            },
        )
        return ImportResult(len(numbers), numbers, late)

    # -- export -------------------------------------------------------------------------------------------------

    def export(
        self,
        path: Path,
        *,
        date_from: dt.date | None = None,
        date_to: dt.date | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> int:
        """Write the register of tickets to an Excel workbook, ordered by year and number, submitted (school date)
        from `date_from` to `date_to`. Dates are Excel dates, «Дата подачи» a date and time in school time; tickets
        submitted late are highlighted. An agent gets only the tickets assigned to them (the queue's own rule).
        Rows are streamed from the database. The export is recorded (personal data leaving the program). Returns
        the row count."""
        from desktop.reports.workbook import DATE_FORMAT, DATETIME_FORMAT, Column, Marked

        self._ctx.require(Action.TICKETS_EXPORT)
        path = xlsx_path(path, "Реестр")
        period = period_text(date_from, date_to)
        tz = self._settings.timezone()
        today = self._settings.today()
        widths = (13, 17, 28, 24, 12, 12, 9, 12, 12, 28, 18, 10, 24, 50, 40, 8, 40)
        formats = {
            1: DATETIME_FORMAT,
            4: DATE_FORMAT,
            5: DATE_FORMAT,
            7: DATE_FORMAT,
            8: DATE_FORMAT,
            15: "0",
        }
        wrapped = {2, 3, 9, 13, 14, 16}
        columns = [
            Column(header, widths[i], formats.get(i), wrap=i in wrapped)
            for i, header in enumerate((*EXPORT_HEADERS, *EXPORT_EXTRA_HEADERS))
        ]
        # The queue's conditions: the period by the school date of submission, and an agent's own tickets only.
        conditions = self._tickets.conditions(TicketFilter(date_from=date_from, date_to=date_to), today)

        def rows() -> Iterator[Marked | tuple[object, ...]]:
            query = (
                select(Ticket)
                .where(*conditions)
                .order_by(Ticket.year, Ticket.seq)
                .execution_options(yield_per=1000)
            )
            with self._ctx.transaction() as session:
                for t in session.scalars(query):
                    values = (
                        t.number,
                        t.submitted_at.astimezone(tz).replace(tzinfo=None),
                        t.client_name,
                        Category(t.category).label,
                        t.event_date,
                        t.submit_by,
                        "Нет" if t.late else "Да",
                        t.report_by,
                        t.client_by,
                        t.agent_name,
                        Status(t.status).label,
                        t.client_group,
                        t.client_contact,
                        t.description,
                        _end_reason(t),
                        t.rating,
                        t.feedback,
                    )
                    yield Marked(values, LATE_FILL) if t.late else values

        return write_and_record(
            self._ctx,
            path,
            entity=EXPORT_ENTITY,
            entity_id="register",
            period=period,
            sheet_title="Реестр заявок",
            title=titled("Реестр заявок по инициативам", school_short_name(self._ctx)),
            subtitle=f"Период подачи: {period}. Время и даты — {tz}. Розовым выделены заявки, поданные позже срока. "
            f"{exported_by(self._ctx, tz)}.",
            columns=columns,
            rows=rows(),
            progress=progress,
        )



def _key(r: _Row) -> tuple[object, ...] | None:
    """What makes two rows the same ticket."""
    if r.data is None or r.submitted_at is None:
        return None
    d = r.data
    return (r.submitted_at, d.client_name.casefold(), d.category.value, d.event_date, d.description.strip())


def _end_reason(t: Ticket) -> str:
    """«Причина отказа или закрытия»: the refusal's ground and its explanation, or the note of closing."""
    if t.refusal_reason:
        label = RefusalReason(t.refusal_reason).label
        return f"{label}: {t.close_note}" if t.close_note else label
    return t.close_note


__all__ = [
    "EXPORT_EXTRA_HEADERS",
    "EXPORT_HEADERS",
    "IMPORT_FIELDS",
    "ImportResult",
    "TicketsExchange",
]
