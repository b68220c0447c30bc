"""Paper reports for families without the e-diary (seed 004; seed 003 §2.11): the week's marks and attendance of a
student as report data, the batch of a week, and the register of printouts — printed, handed over (to whom, when),
and what is still to hand over this week, or due by the next working day for final marks.

Marks come in through `desktop.services.grades_io` (the e-journal's export). Every change is recorded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.domain import grades as rules
from desktop.domain.access import Action
from desktop.domain.calendar import UnknownCalendarYear
from desktop.domain.grades import Attendance, Term
from desktop.domain.terms import time_left
from desktop.domain.tickets import Urgency, due_urgency
from desktop.services.errors import ServiceError, ValidationError
from desktop.services.school import SchoolService
from desktop.store.models import Grade, Printout, Representative, SchoolClass, Student, StudentRepresentative

ENTITY = "printout"
WEEKLY = "weekly"
FINAL = "final"


@dataclass(frozen=True)
class Entry:
    """One lesson's entry in a day's cell: a mark, an absence, or both; the kind of work for final ones."""

    mark: str
    attendance: str
    work: str
    final: bool

    @property
    def text(self) -> str:
        return " ".join(part for part in (self.mark, self.attendance) if part)


@dataclass(frozen=True)
class SubjectLine:
    subject: str
    cells: dict[dt.date, list[Entry]]
    week_average: str  # «4,33» or «—»
    term_average: str  # the forecast of the term mark: the term's marks so far


@dataclass(frozen=True)
class WeeklyReport:
    """Everything one printed weekly report says (plain data for `desktop.printing`)."""

    school_name: str
    school_short_name: str
    student_id: int
    student_name: str
    class_name: str
    week_start: dt.date
    week_end: dt.date
    days: tuple[dt.date, ...]  # Monday to Saturday, and Sunday when it has entries
    subjects: tuple[SubjectLine, ...]
    term_name: str
    absences: dict[Attendance, int]
    finals: tuple[tuple[str, str, str], ...]  # (subject, kind of work, mark) of final marks this week
    representatives: tuple[str, ...]
    printed_on: dt.date


@dataclass(frozen=True)
class PrintoutRow:
    id: int
    student_id: int
    student_name: str
    class_name: str
    kind: str  # weekly | final
    period: dt.date
    due_date: dt.date
    printed_at: dt.datetime | None  # naive, school time
    printed_by: str
    handed_at: dt.datetime | None
    handed_to: str
    handed_by: str
    urgency: Urgency
    time_left: str

    @property
    def title(self) -> str:
        if self.kind == FINAL:
            return f"Итоговые отметки от {self.period:%d.%m.%Y}"
        return f"Неделя {self.period:%d.%m}–{self.period + dt.timedelta(days=6):%d.%m.%Y}"


@dataclass(frozen=True)
class WeekState:
    """The current week's paper families: whose report is handed over, whose not yet."""

    week_start: dt.date
    on_paper: int
    handed: int
    pending: list[PrintoutRow | tuple[int, str, str]] = field(default_factory=list)
    remind: bool = False


class GradesService(SchoolService):

    def terms(self, day: dt.date) -> list[Term]:
        return rules.parse_terms(self._settings.get("terms") or rules.DEFAULT_TERMS_TEXT, rules.school_year_start(day))

    # -- the report -----------------------------------------------------------------------------------------------

    def weekly_report(self, student_id: int, day: dt.date) -> WeeklyReport:
        """The report of the week (Monday to Sunday) of `day`: marks and absences by subject and day, each subject's
        average for the week and for the term so far (the forecast of the term mark), absences by kind."""
        self._ctx.require(Action.FAMILIES_VIEW)
        return self.weekly_reports([student_id], day)[0]

    def weekly_reports(self, student_ids: Sequence[int], day: dt.date) -> list[WeeklyReport]:
        """The reports of many students in one go (two queries), in the order given."""
        self._ctx.require(Action.FAMILIES_VIEW)
        monday, sunday = rules.week_of(day)
        term = rules.term_of(sunday, self.terms(day))
        first = min(term.start, monday) if term else monday
        school_name = self._settings.get("school_name") or ""
        short = self._settings.get("school_short_name") or school_name
        today = self.today()
        with self._ctx.transaction() as session:
            students = {
                s.id: (s, cls)
                for s, cls in session.execute(
                    select(Student, SchoolClass.name)
                    .join(SchoolClass, SchoolClass.id == Student.class_id)
                    .where(Student.id.in_(student_ids))
                )
            }
            missing = [i for i in student_ids if i not in students]
            if missing:
                raise ServiceError(f"Ученик не найден (№ {missing[0]}).")
            grades: dict[int, list[Grade]] = {i: [] for i in student_ids}
            for g in session.scalars(
                select(Grade)
                .where(Grade.student_id.in_(student_ids), Grade.day >= first, Grade.day <= sunday)
                .order_by(Grade.day, Grade.id)
            ):
                grades[g.student_id].append(g)
            reps: dict[int, list[str]] = {i: [] for i in student_ids}
            for sid, name in session.execute(
                select(StudentRepresentative.student_id, Representative.full_name)
                .join(Representative, Representative.id == StudentRepresentative.representative_id)
                .where(StudentRepresentative.student_id.in_(student_ids))
                .order_by(Representative.id)
            ):
                reps[sid].append(name)
        reports = []
        for sid in student_ids:
            student, cls = students[sid]
            reports.append(
                _report(student, cls, grades[sid], monday, sunday, term, school_name, short, tuple(reps[sid]), today)
            )
        return reports

    def batch(self, day: dt.date, *, class_name: str = "", everyone: bool = False) -> list[int]:
        """The students whose weekly report is printed: those on paper (or everyone studying with `everyone`), in
        class and name order."""
        self._ctx.require(Action.FAMILIES_VIEW)
        from desktop.domain.families import class_key

        query = (
            select(Student.id)
            .join(SchoolClass, SchoolClass.id == Student.class_id)
            .where(Student.studying.is_(True))
            .order_by(func.length(SchoolClass.name), SchoolClass.name, Student.name_key, Student.id)
        )
        if not everyone:
            query = query.where(Student.paper.is_(True))
        if class_name:
            query = query.where(SchoolClass.name == class_key(class_name))
        with self._ctx.transaction() as session:
            return list(session.scalars(query))

    # -- the register of printouts ------------------------------------------------------------------------------

    def record_printed(self, student_ids: Sequence[int], day: dt.date) -> int:
        """Record the weekly reports of `day`'s week as printed now (a reprint keeps one record, with its new
        time), and the reports of final marks of that week not printed yet, which the weekly report lists; returns
        how many weekly reports."""
        self._ctx.require(Action.PRINTOUTS_MANAGE)
        monday, sunday = rules.week_of(day)
        due = rules.weekly_report_due(day, self._calendar.work_calendar())
        now = self._ctx.clock()
        with self._ctx.transaction(write=True) as session:
            for sid in student_ids:
                row = session.scalar(
                    select(Printout).where(Printout.student_id == sid, Printout.kind == WEEKLY, Printout.period == monday)
                )
                if row is None:
                    row = Printout(student_id=sid, kind=WEEKLY, period=monday, due_date=due, created_at=now)
                    session.add(row)
                row.printed_at = now
                row.printed_by = self._ctx.actor.name
            # The week's report lists the week's final marks too: their reports are printed with it.
            for final in session.scalars(
                select(Printout).where(
                    Printout.student_id.in_(student_ids), Printout.kind == FINAL, Printout.printed_at.is_(None),
                    Printout.period >= monday, Printout.period <= sunday,
                )
            ):  # fmt: skip
                final.printed_at = now
                final.printed_by = self._ctx.actor.name
            self._ctx.record(session, ENTITY, monday.isoformat(), "print_weekly", None,
                             {"students": len(student_ids)}, kind="access")  # fmt: skip
        return len(student_ids)

    def record_final_printed(self, printout_id: int) -> None:
        self._ctx.require(Action.PRINTOUTS_MANAGE)
        now = self._ctx.clock()
        with self._ctx.transaction(write=True) as session:
            row = self._printout(session, printout_id)
            row.printed_at = now
            row.printed_by = self._ctx.actor.name
            self._ctx.record(session, ENTITY, row.id, "print_final", None, {"student": row.student_id}, kind="access")

    def hand_over(self, printout_id: int, to_whom: str, at: dt.datetime | None = None) -> None:
        """The report handed to the family (to whom, when), against signature on its «Получил(а)» line."""
        self._ctx.require(Action.PRINTOUTS_MANAGE)
        who = " ".join(to_whom.split())
        if not who:
            raise ValidationError({"to_whom": "Укажите, кому вручён отчёт (ФИО представителя)."})
        now = self._ctx.clock()
        at = at or now
        if at > now:
            raise ValidationError({"at": "Время вручения ещё не наступило."})
        with self._ctx.transaction(write=True) as session:
            row = self._printout(session, printout_id)
            if row.printed_at is None:
                raise ServiceError("Отчёт ещё не напечатан: сначала напечатайте его.")
            before = {"handed_to": row.handed_to} if row.handed_at else None
            row.handed_at = at
            row.handed_to = who
            row.handed_by = self._ctx.actor.name
            self._ctx.record(session, ENTITY, row.id, "hand_over", before,
                             {"handed_to": who, "at": at.isoformat(), "student": row.student_id})  # fmt: skip

    def _printout(self, session: Session, printout_id: int) -> Printout:
        row = session.get(Printout, printout_id)
        if row is None:
            raise ServiceError("Отчёт не найден в журнале выдачи.")
        return row

    def add_final(self, session: Session, student_id: int, known_on: dt.date) -> bool:
        """For the import: final marks of a student on paper known on `known_on` make a report due the next working
        day (seed 004); True when one was added."""
        exists = session.scalar(
            select(Printout.id).where(Printout.student_id == student_id, Printout.kind == FINAL, Printout.period == known_on)
        )
        if exists:
            return False
        due = rules.final_report_due(known_on, self._calendar.work_calendar())
        session.add(Printout(student_id=student_id, kind=FINAL, period=known_on, due_date=due, created_at=self._ctx.clock()))
        return True

    def printouts(self, *, week_of: dt.date | None = None, pending_only: bool = False) -> list[PrintoutRow]:
        """The register of printouts (of one week with `week_of`), finals first by due date, then by class and name."""
        self._ctx.require(Action.FAMILIES_VIEW)
        today = self.today()
        cal = self._calendar.work_calendar()
        query = (
            select(Printout, Student.full_name, SchoolClass.name)
            .join(Student, Student.id == Printout.student_id)
            .join(SchoolClass, SchoolClass.id == Student.class_id)
            .order_by(Printout.kind, Printout.due_date, func.length(SchoolClass.name), SchoolClass.name, Student.name_key)
        )
        if week_of is not None:
            monday, sunday = rules.week_of(week_of)
            query = query.where(Printout.period >= monday, Printout.period <= sunday)
        if pending_only:
            query = query.where(Printout.handed_at.is_(None))
        with self._ctx.transaction() as session:
            rows = session.execute(query).all()
        out = []
        for p, name, cls in rows:
            handed = p.handed_at is not None
            try:
                urgency = Urgency.FINISHED if handed else due_urgency(p.due_date, today, cal)
                left = "вручён" if handed else time_left(p.due_date, today, cal)
            except UnknownCalendarYear:
                urgency, left = Urgency.ON_TRACK, "календарь?"
            out.append(
                PrintoutRow(
                    id=p.id, student_id=p.student_id, student_name=name, class_name=cls, kind=p.kind, period=p.period,
                    due_date=p.due_date, printed_at=self._local(p.printed_at), printed_by=p.printed_by,
                    handed_at=self._local(p.handed_at), handed_to=p.handed_to, handed_by=p.handed_by, urgency=urgency,
                    time_left=left,
                )
            )
        return out

    def week_state(self, day: dt.date | None = None) -> WeekState:
        """This week's families on paper: how many, how many have received their report, who has not (with their
        printout when it is printed), and whether to remind (from Friday on, seed 004 «не реже раза в неделю»)."""
        self._ctx.require(Action.FAMILIES_VIEW)
        day = day or self.today()
        monday, _sunday = rules.week_of(day)
        with self._ctx.transaction() as session:
            paper = session.execute(
                select(Student.id, Student.full_name, SchoolClass.name)
                .join(SchoolClass, SchoolClass.id == Student.class_id)
                .where(Student.studying.is_(True), Student.paper.is_(True))
                .order_by(func.length(SchoolClass.name), SchoolClass.name, Student.name_key)
            ).all()
        printed = {p.student_id: p for p in self.printouts(week_of=monday) if p.kind == WEEKLY}
        pending: list[PrintoutRow | tuple[int, str, str]] = []
        handed = 0
        for sid, name, cls in paper:
            p = printed.get(sid)
            if p is not None and p.handed_at is not None:
                handed += 1
            else:
                pending.append(p if p is not None else (sid, name, cls))
        return WeekState(monday, len(paper), handed, pending, remind=bool(pending) and day.weekday() >= rules.REMIND_FROM_WEEKDAY)


def _report(
    student: Student,
    cls: str,
    grades: list[Grade],
    monday: dt.date,
    sunday: dt.date,
    term: Term | None,
    school_name: str,
    short: str,
    reps: tuple[str, ...],
    today: dt.date,
) -> WeeklyReport:
    week = [g for g in grades if monday <= g.day <= sunday]
    term_grades = [g for g in grades if term is not None and term.start <= g.day <= sunday]
    subjects = sorted({g.subject for g in week} | {g.subject for g in term_grades}, key=str.casefold)
    days = [monday + dt.timedelta(days=i) for i in range(6)]
    if any(g.day == sunday for g in week):
        days.append(sunday)
    lines = []
    for subject in subjects:
        cells: dict[dt.date, list[Entry]] = {}
        for g in week:
            if g.subject == subject:
                cells.setdefault(g.day, []).append(Entry(g.mark, g.attendance, g.work, g.kind != "current"))
        week_marks = [v for g in week if g.subject == subject and g.kind == "current" and (v := rules.mark_value(g.mark))]
        term_marks = [
            v for g in term_grades if g.subject == subject and g.kind == "current" and (v := rules.mark_value(g.mark))
        ]
        lines.append(
            SubjectLine(
                subject, cells, rules.russian_number(rules.average(week_marks)),
                rules.russian_number(rules.average(term_marks)),
            )
        )
    absences = {kind: sum(1 for g in week if g.attendance == kind.value) for kind in Attendance}
    finals = tuple((g.subject, g.work, g.mark) for g in week if g.kind != "current" and g.mark)
    return WeeklyReport(
        school_name=school_name, school_short_name=short, student_id=student.id, student_name=student.full_name,
        class_name=cls, week_start=monday, week_end=sunday, days=tuple(days), subjects=tuple(lines),
        term_name=term.name if term else "", absences=absences, finals=finals, representatives=reps, printed_on=today,
    )  # fmt: skip


__all__ = ["Entry", "GradesService", "PrintoutRow", "SubjectLine", "WeekState", "WeeklyReport"]
