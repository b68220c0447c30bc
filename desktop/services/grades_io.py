"""Marks and attendance in from the e-journal's export (seed 003 §2.11: at least weekly; seed 004: the paper reports
of families without the e-diary are printed from them).

The reading of files (.xlsx; .csv in UTF-8 with or without BOM or Windows-1251, «;» or «,») and the problems (file,
row, column, reason) are the other imports' own (`desktop.services.tabular`); students are matched to the families
register by class and name (`desktop.domain.families.class_key`, `name_key`); final marks of students on paper make
a report due the next working day through the grades service (`GradesService.add_final`), in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.domain import families as family_rules
from desktop.domain import grades as rules
from desktop.domain.access import Action
from desktop.domain.russian import plural
from desktop.services.calendar import CalendarService
from desktop.services.context import ServiceContext
from desktop.services.grades import GradesService
from desktop.services.settings import SettingsService
from desktop.services.tabular import (
    Field,
    ImportFailed,
    ImportProblem,
    Problems,
    TableRow,
    parse_date_value,
    read_table,
)
from desktop.store.models import Grade, SchoolClass, Student

IMPORT_ENTITY = "grades_import"
MAX_SUBJECT_LENGTH = 100
MAX_MARK_LENGTH = 16
MAX_WORK_LENGTH = 100

# -- the import's columns: a contract for those who prepare the file ---------------------------------------------

CLASS = Field("class", "Класс", required=True, aliases=("Класс ученика", "Класс обучающегося"))
STUDENT = Field(
    "student", "Ученик", required=True,
    aliases=("ФИО ученика", "Обучающийся", "ФИО обучающегося", "Ученик (ФИО)", "ФИО"),
)  # fmt: skip
SUBJECT = Field("subject", "Предмет", required=True, aliases=("Учебный предмет", "Дисциплина"))
DATE = Field("date", "Дата", required=True, aliases=("Дата урока", "Дата занятия", "Дата отметки"))
MARK = Field("mark", "Отметка", aliases=("Оценка", "Балл"))
ATTENDANCE = Field("attendance", "Посещаемость", aliases=("Пропуск", "Пропуски", "Отсутствие", "Присутствие"))
WORK = Field("work", "Вид работы", aliases=("Тип работы", "Вид контроля", "Тип отметки", "Форма контроля"))
COMMENT = Field("comment", "Комментарий", aliases=("Примечание", "Комментарий учителя"))
IMPORT_FIELDS: tuple[Field, ...] = (CLASS, STUDENT, SUBJECT, DATE, MARK, ATTENDANCE, WORK, COMMENT)

_ATTENDANCE = ", ".join(f"«{a.value}» ({a.label})" for a in rules.Attendance)

#: What one entry of a (student, subject, day) is, compared between the file and the store.
_Entry = tuple[str, str, str, str, str]  # mark, attendance, work, kind, comment


@dataclass(frozen=True)
class GradesImportResult:
    """What an import did: entries added (for a student, subject and day with nothing stored), written in place of
    different stored ones (`replaced`), already stored as they are (`unchanged`), stored ones the file dropped for
    its days (`removed`); the students the file has, and the final-mark reports made due."""

    file: str
    added: int = 0
    replaced: int = 0
    unchanged: int = 0
    removed: int = 0
    students: int = 0
    finals: int = 0

    def describe(self) -> str:
        total = self.added + self.replaced + self.unchanged
        text = (
            f"Загружены отметки и посещаемость из {self.file}: {total} {plural(total, 'запись', 'записи', 'записей')} "
            f"по {self.students} {plural(self.students, 'ученику', 'ученикам', 'ученикам')} (новых — {self.added}, "
            f"исправлено — {self.replaced}, без изменений — {self.unchanged}"
        )
        if self.removed:
            text += f", удалено исправленных журналом — {self.removed}"
        text += ")."
        if self.finals:
            text += (
                f" Итоговые отметки для семей на бумажных отчётах: {self.finals} "
                f"{plural(self.finals, 'отчёт', 'отчёта', 'отчётов')} к выдаче на следующий рабочий день."
            )
        return text

    def counts(self) -> dict[str, int]:
        return {
            "added": self.added, "replaced": self.replaced, "unchanged": self.unchanged, "removed": self.removed,
            "students": self.students, "finals": self.finals,
        }  # fmt: skip


@dataclass
class _Row:
    line: int
    class_name: str = ""
    full_name: str = ""
    subject: str = ""
    day: dt.date | None = None
    mark: str = ""
    attendance: str = ""
    work: str = ""
    kind: rules.WorkKind = rules.WorkKind.CURRENT
    comment: str = ""
    ok: bool = True

    @property
    def entry(self) -> _Entry:
        return (self.mark, self.attendance, self.work, self.kind.value, self.comment)


def _subject_key(text: str) -> str:
    return " ".join(text.split()).casefold().replace("ё", "е")


class GradesExchange:
    """The e-journal's export of marks and attendance imported into the program."""

    def __init__(self, ctx: ServiceContext, settings: SettingsService, calendar: CalendarService) -> None:
        self._ctx = ctx
        self._settings = settings
        self._calendar = calendar
        self._grades = GradesService(ctx, settings, calendar)

    def import_file(self, path: Path) -> GradesImportResult:
        """Import an export of marks and attendance (.xlsx or .csv): all rows or none.

        Columns, in any order: «Класс», «Ученик», «Предмет», «Дата» (required), «Отметка» and/or «Посещаемость»
        (a row has at least one of them), «Вид работы» and «Комментарий» (optional). A mark is a digit 1-5 (with
        «+» or «-»), «зач» or «н/а»; attendance is «Н», «Б», «УП» or «ОП». «Вид работы» «Четвертная»,
        «Полугодовая», «Годовая», «Итоговая», «Экзамен» makes a mark final.

        Students are matched to the register by class and full name (case and «ё» aside) among those studying; an
        unknown class, an unknown student or two namesakes in one class is an error of that row.

        Re-importing an overlapping export never duplicates: **decision** — the file is the truth for each
        (student, subject, day) it contains. The stored entries of such a key are replaced by the file's when they
        differ (a mark corrected in the e-journal comes through; a mark the e-journal deleted for that day goes),
        and left as they are when the same; a key the file does not contain is not touched (an export of one week
        leaves the others). A second import of the same file changes nothing.

        Final marks (a final «Вид работы») of a student on paper that are new or changed make a report due the next
        working day after the day of the mark (seed 004, `GradesService.add_final`), in the same transaction.

        Every row is checked first and every problem is reported at once (file, row, column, reason): an empty
        or ill-formed class, student, subject or date, a date in the future, a row with neither mark nor
        attendance, an unknown mark or attendance; then, against the register, unknown classes and students.
        The import is one event in the log with its counts.
        """
        self._ctx.require(Action.GRADES_IMPORT)
        table = read_table(Path(path), IMPORT_FIELDS)
        if not (table.has(MARK.key) or table.has(ATTENDANCE.key)):
            raise ImportFailed([ImportProblem(table.file, table.header_row, None,
                                              "нет ни столбца «Отметка», ни столбца «Посещаемость»: нужен хотя бы "
                                              "один из них.")])  # fmt: skip
        return self.import_rows(table.file, table.rows)

    def import_rows(self, name: str, rows: Sequence[TableRow]) -> GradesImportResult:
        """Import rows already read (by field key of `IMPORT_FIELDS`), named `name` in problems and the log: the
        same checks and the same writing as `import_file` (the demo school's marks come in this way)."""
        self._ctx.require(Action.GRADES_IMPORT)
        if not rows:
            raise ImportFailed([ImportProblem(name, None, None, "в файле нет ни одной строки под заголовками.")])
        today = self._settings.today()
        problems = Problems(name)
        parsed = [_parse(r, today, problems) for r in rows]
        with self._ctx.transaction(write=True) as session:
            students = _match(session, [r for r in parsed if r.class_name and r.full_name], problems)
            problems.raise_if_any(IMPORT_FIELDS)
            return self._write(session, name, parsed, students)

    def _write(
        self, session: Session, name: str, rows: Sequence[_Row], students: dict[int, int]
    ) -> GradesImportResult:
        """`students`: the student's id by row line."""
        now = self._ctx.clock()
        by_key: dict[tuple[int, str, dt.date], list[_Row]] = {}
        for r in rows:
            assert r.day is not None
            by_key.setdefault((students[r.line], _subject_key(r.subject), r.day), []).append(r)
        ids = sorted({k[0] for k in by_key})
        first, last = min(k[2] for k in by_key), max(k[2] for k in by_key)
        stored: dict[tuple[int, str, dt.date], list[Grade]] = {}
        for start in range(0, len(ids), 500):
            for g in session.scalars(
                select(Grade).where(
                    Grade.student_id.in_(ids[start : start + 500]), Grade.day >= first, Grade.day <= last
                )
            ):
                key = (g.student_id, _subject_key(g.subject), g.day)
                if key in by_key:
                    stored.setdefault(key, []).append(g)
        counts = dict.fromkeys(("added", "replaced", "unchanged", "removed"), 0)
        final_days: dict[int, set[dt.date]] = {}
        for key, file_rows in by_key.items():
            old = stored.get(key, [])
            if sorted(r.entry for r in file_rows) == sorted(
                (g.mark, g.attendance, g.work, g.kind, g.comment) for g in old
            ):
                counts["unchanged"] += len(file_rows)
                continue
            for g in old:
                session.delete(g)
            if old:
                counts["replaced"] += min(len(old), len(file_rows))
                counts["added"] += max(0, len(file_rows) - len(old))
                counts["removed"] += max(0, len(old) - len(file_rows))
            else:
                counts["added"] += len(file_rows)
            for r in file_rows:
                session.add(Grade(student_id=key[0], subject=r.subject, day=r.day, mark=r.mark,
                                  attendance=r.attendance, work=r.work, kind=r.kind.value, comment=r.comment,
                                  imported_at=now))  # fmt: skip
                if r.kind.final and r.mark:
                    final_days.setdefault(key[0], set()).add(key[2])
        session.flush()
        finals = 0
        if final_days:
            paper = set(session.scalars(select(Student.id).where(Student.id.in_(sorted(final_days)),
                                                                 Student.paper.is_(True))))  # fmt: skip
            for sid in sorted(paper):
                for day in sorted(final_days[sid]):
                    finals += self._grades.add_final(session, sid, day)
        result = GradesImportResult(file=name, students=len(ids), finals=finals, **counts)
        self._ctx.record(session, IMPORT_ENTITY, name, "import", None, {"file": name, **result.counts()})
        return result


def _parse(source: TableRow, today: dt.date, problems: Problems) -> _Row:
    row = _Row(source.number)

    def problem(column: Field, reason: str) -> None:
        problems.add(row.line, column, reason)
        row.ok = False

    class_text = source.text(CLASS.key)
    if not class_text:
        problem(CLASS, "не заполнен: укажите класс ученика, например «5А».")
    elif reason := family_rules.class_problem(class_text):
        problem(CLASS, reason)
    else:
        row.class_name = family_rules.class_key(class_text)

    row.full_name = family_rules.clean_name(source.text(STUDENT.key))
    if not row.full_name:
        problem(STUDENT, "не заполнено: укажите фамилию, имя и отчество ученика.")

    row.subject = " ".join(source.text(SUBJECT.key).split())
    if not row.subject:
        problem(SUBJECT, "не заполнен: укажите учебный предмет.")
    elif len(row.subject) > MAX_SUBJECT_LENGTH:
        problem(SUBJECT, f"название длиннее {MAX_SUBJECT_LENGTH} знаков.")

    cell = source.get(DATE.key)
    if cell is None:
        problem(DATE, "не заполнена: укажите дату урока (ДД.ММ.ГГГГ).")
    else:
        try:
            day = parse_date_value(cell)
        except ValueError as exc:
            problem(DATE, str(exc))
        else:
            if day > today:
                problem(DATE, f"{day:%d.%m.%Y} ещё не наступило: отметки будущих дней не загружаются.")
            else:
                row.day = day

    row.mark = " ".join(source.text(MARK.key).split())
    attendance_text = source.text(ATTENDANCE.key)
    if not row.mark and not attendance_text:
        problem(MARK, "ни отметки, ни посещаемости: в строке нужна отметка и/или отметка о пропуске.")
    if row.mark:
        if reason := rules.mark_problem(row.mark):
            problem(MARK, reason)
        elif len(row.mark) > MAX_MARK_LENGTH:
            problem(MARK, f"отметка длиннее {MAX_MARK_LENGTH} знаков.")
    if attendance_text:
        attendance = rules.attendance_from_text(attendance_text)
        if attendance is None:
            problem(ATTENDANCE, f"неизвестное значение «{attendance_text}»: допустимо {_ATTENDANCE}.")
        else:
            row.attendance = attendance.value

    row.work = " ".join(source.text(WORK.key).split())
    if len(row.work) > MAX_WORK_LENGTH:
        problem(WORK, f"длиннее {MAX_WORK_LENGTH} знаков.")
    row.kind = rules.work_kind(row.work)
    row.comment = source.text(COMMENT.key)
    return row


def _match(session: Session, rows: Sequence[_Row], problems: Problems) -> dict[int, int]:
    """The studying student of each row, by class and name; unknown classes and students are row problems."""
    classes = sorted({r.class_name for r in rows})
    known_classes = set(session.scalars(select(SchoolClass.name).where(SchoolClass.name.in_(classes))))
    roster: dict[tuple[str, str], list[int]] = {}
    for sid, key, cls in session.execute(
        select(Student.id, Student.name_key, SchoolClass.name)
        .join(SchoolClass, SchoolClass.id == Student.class_id)
        .where(SchoolClass.name.in_(classes), Student.studying.is_(True))
    ):
        roster.setdefault((cls, key), []).append(sid)
    found: dict[int, int] = {}
    for r in rows:
        if r.class_name not in known_classes:
            problems.add(r.line, CLASS, f"класса {r.class_name} нет в реестре семей: сначала загрузите список "
                         "класса (import students).")  # fmt: skip
            continue
        ids = roster.get((r.class_name, family_rules.name_key(r.full_name)), [])
        if not ids:
            problems.add(r.line, STUDENT, f"{r.full_name} не найден(а) среди учеников {r.class_name} в реестре "
                         "семей: проверьте ФИО и класс или загрузите список класса.")  # fmt: skip
        elif len(ids) > 1:
            problems.add(r.line, STUDENT, f"в {r.class_name} {len(ids)} ученика с ФИО «{r.full_name}»: отметки "
                         "не загружаются, пока их не различить (исправьте ФИО в реестре и в журнале).")  # fmt: skip
        else:
            found[r.line] = ids[0]
    return found


__all__ = ["IMPORT_FIELDS", "GradesExchange", "GradesImportResult"]
