"""Marks and attendance imported from the e-journal's export: the same from Excel and from a Windows-1251 CSV,
re-imports that change nothing, a corrected mark that replaces the old one, row errors that write nothing, final
marks of a family on paper due the next working day, and the weekly report of the imported week.

The clock: Monday 23 November 2026; the week exported is 16-20 November 2026.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from desktop.domain.access import Actor, Role
from desktop.domain.families import Appendix
from desktop.domain.grades import Attendance
from desktop.services.errors import PermissionDenied
from desktop.services.registry import Services
from desktop.services.tabular import ImportFailed
from desktop.store.models import Event, Grade, Printout

HEADER = ["Класс", "Ученик", "Предмет", "Дата", "Отметка", "Посещаемость", "Вид работы", "Комментарий"]
ANDREEV = "Андреев Максим Олегович"
BELOVA = "Белова Ксения Денисовна"
VOROBYOV = "Воробьёв Егор Романович"
ZHUKOVA = "Жукова Дарья Сергеевна"

EXPORT = [
    # Андреев: Математика 4, 5, 4 this week (4,33) and 5 on 10.11 (the term so far: 4,50); Русский язык 5, 3 (4,00);
    # absences: «Н» twice, «Б» once, «УП» once.
    ["5А", ANDREEV, "Математика", "10.11.2026", "5", "", "", ""],
    ["5А", ANDREEV, "Математика", "16.11.2026", "4", "", "Ответ на уроке", ""],
    ["5А", ANDREEV, "Литература", "16.11.2026", "", "Н", "", ""],
    ["5А", ANDREEV, "Русский язык", "17.11.2026", "5", "", "Диктант", ""],
    ["5А", ANDREEV, "История", "17.11.2026", "", "УП", "", "Соревнования по плаванию"],
    ["5А", ANDREEV, "Математика", "18.11.2026", "5", "", "Контрольная работа", ""],
    ["5А", ANDREEV, "Русский язык", "19.11.2026", "3", "", "", "Не выполнено домашнее задание"],
    ["5А", ANDREEV, "Биология", "19.11.2026", "", "Н", "", ""],
    ["5А", ANDREEV, "Математика", "20.11.2026", "4", "", "Самостоятельная работа", ""],
    ["5А", ANDREEV, "Английский язык", "20.11.2026", "", "Б", "", ""],
    # Белова is on paper: a current mark, a final one on Friday 20.11 and one on Tuesday 03.11 (before the 4 November
    # holiday).
    ["5А", BELOVA, "Математика", "18.11.2026", "4", "", "", ""],
    ["5А", BELOVA, "Математика", "20.11.2026", "5", "", "Четвертная", ""],
    ["5 а", "белова ксения денисовна", "Физическая культура", "03.11.2026", "зач", "", "Итоговая", ""],
    # Воробьёв is not on paper: his final mark makes no paper report.
    ["5А", VOROBYOV, "Математика", "20.11.2026", "4", "", "Четвертная", ""],
    ["5Б", ZHUKOVA, "Математика", "19.11.2026", "3", "Н", "", "Опоздание на 20 минут"],
]  # fmt: skip


def write_csv(path: Path, rows: Sequence[Sequence[str]], *, encoding: str = "cp1251") -> Path:
    with path.open("w", encoding=encoding, newline="") as f:
        csv.writer(f, delimiter=";").writerows(rows)
    return path


def write_xlsx(path: Path, rows: Sequence[Sequence[str]]) -> Path:
    """As the e-journal writes it: dates as Excel dates, marks as numbers where they are numbers."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER)
    for row in rows:
        cells: list[object] = list(row)
        cells[3] = dt.datetime.strptime(row[3], "%d.%m.%Y")
        if row[4].isdigit():
            cells[4] = int(row[4])
        ws.append([c if c != "" else None for c in cells])
    wb.save(path)
    return path


def person(services: Services, login: str, name: str, *roles: Role) -> Services:
    user = services.users.add(login, name, list(roles), "Пароль-2026", must_change=False)
    return services.as_actor(Actor.user(user.id, user.login, user.full_name, list(roles)))


@pytest.fixture
def school(services: Services) -> dict[str, int]:
    """The class lists of 5А and 5Б; Белова's family is on paper since 2 November."""
    services.settings.update({"timezone": "Asia/Yekaterinburg", "school_short_name": "МАОУ СОШ № 7"})
    ids = {
        ANDREEV: services.families.add_student(ANDREEV, dt.date(2015, 1, 12), "5А"),
        BELOVA: services.families.add_student(BELOVA, dt.date(2014, 10, 3), "5А"),
        VOROBYOV: services.families.add_student(VOROBYOV, dt.date(2015, 4, 27), "5А"),
        ZHUKOVA: services.families.add_student(ZHUKOVA, dt.date(2015, 2, 14), "5Б"),
    }
    services.families.register_optout(ids[BELOVA], Appendix.NOT_PROVIDE, dt.date(2026, 11, 2))
    return ids


@pytest.fixture
def secretary(services: Services, school: dict[str, int]) -> Services:
    return person(services, "secretary", "Иванова Наталья Сергеевна", Role.SECRETARY)


def grades(services: Services) -> list[tuple]:
    with services.ctx.transaction() as session:
        return [
            (g.id, g.student_id, g.subject, g.day, g.mark, g.attendance, g.work, g.kind, g.comment)
            for g in session.scalars(select(Grade).order_by(Grade.id))
        ]


def count(services: Services, model: type) -> int:
    with services.ctx.transaction() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_an_export_from_excel_and_from_a_windows_1251_csv_gives_the_same_grades(secretary, school, tmp_path):
    result = secretary.grades_io.import_file(write_xlsx(tmp_path / "журнал.xlsx", EXPORT))
    assert (result.added, result.replaced, result.unchanged, result.students) == (len(EXPORT), 0, 0, 4)
    stored = grades(secretary)
    assert len(stored) == len(EXPORT)
    by_row = {(sid, subject, day, mark, att, work, kind, comment) for _id, sid, subject, day, mark, att, work, kind,
              comment in stored}  # fmt: skip
    assert (school[ZHUKOVA], "Математика", dt.date(2026, 11, 19), "3", "Н", "", "current", "Опоздание на 20 минут") in by_row
    assert (school[BELOVA], "Физическая культура", dt.date(2026, 11, 3), "зач", "", "Итоговая", "year", "") in by_row
    assert (school[ANDREEV], "Математика", dt.date(2026, 11, 16), "4", "", "Ответ на уроке", "current", "") in by_row

    # The same export as a Windows-1251 «;» CSV: the same grades, nothing written again.
    again = secretary.grades_io.import_file(write_csv(tmp_path / "журнал.csv", [HEADER, *EXPORT]))
    assert (again.added, again.replaced, again.unchanged, again.removed) == (0, 0, len(EXPORT), 0)
    assert grades(secretary) == stored
    # And the Excel file once more: nothing changes.
    secretary.grades_io.import_file(tmp_path / "журнал.xlsx")
    assert grades(secretary) == stored
    assert count(secretary, Printout) == 2  # the final reports are not doubled either
    with secretary.ctx.transaction() as session:
        events = session.scalars(select(Event).where(Event.entity == "grades_import").order_by(Event.id)).all()
    assert [e.after["added"] for e in events] == [len(EXPORT), 0, 0]
    assert events[0].after == {"file": "журнал.xlsx", "added": len(EXPORT), "replaced": 0, "unchanged": 0,
                               "removed": 0, "students": 4, "finals": 2}  # fmt: skip
    assert {e.actor for e in events} == {"Иванова Наталья Сергеевна"}


def test_a_mark_corrected_in_the_e_journal_replaces_the_old_one(secretary, school, tmp_path):
    secretary.grades_io.import_file(write_csv(tmp_path / "неделя.csv", [HEADER, *EXPORT]))
    before = grades(secretary)
    corrected = [list(r) for r in EXPORT]
    corrected[8][4] = "5"  # Андреев, Математика, 20.11: 4 → 5
    # An overlapping export (the next days added): only the corrected key and the new day change.
    corrected.append(["5А", ANDREEV, "Математика", "23.11.2026", "5", "", "", ""])

    result = secretary.grades_io.import_file(write_csv(tmp_path / "неделя2.csv", [HEADER, *corrected]))

    assert (result.added, result.replaced, result.unchanged) == (1, 1, len(EXPORT) - 1)
    after = grades(secretary)
    assert len(after) == len(before) + 1
    maths = sorted((day, mark) for _i, sid, subject, day, mark, *_ in after if sid == school[ANDREEV]
                   and subject == "Математика")  # fmt: skip
    assert maths == [(dt.date(2026, 11, 10), "5"), (dt.date(2026, 11, 16), "4"), (dt.date(2026, 11, 18), "5"),
                     (dt.date(2026, 11, 20), "5"), (dt.date(2026, 11, 23), "5")]  # fmt: skip
    # Everything else is the same rows as before.
    assert set(before) - set(after) == {next(g for g in before if g[1] == school[ANDREEV] and g[3] == dt.date(2026, 11, 20)
                                             and g[2] == "Математика")}  # fmt: skip


def test_an_unknown_student_or_class_names_the_row_and_writes_nothing(secretary, school, tmp_path):
    rows = [
        HEADER,
        ["5А", ANDREEV, "Математика", "16.11.2026", "4", "", "", ""],
        ["5А", "Петров Иван Иванович", "Математика", "16.11.2026", "5", "", "", ""],
        ["7В", "Сидорова Анна Петровна", "Физика", "16.11.2026", "3", "", "", ""],
        ["5Б", ANDREEV, "Математика", "17.11.2026", "4", "", "", ""],  # not in 5Б
    ]
    with pytest.raises(ImportFailed) as caught:
        secretary.grades_io.import_file(write_csv(tmp_path / "чужие.csv", rows))
    found = [(p.file, p.row, p.column) for p in caught.value.problems]
    assert found == [("чужие.csv", 3, "Ученик"), ("чужие.csv", 4, "Класс"), ("чужие.csv", 5, "Ученик")]
    assert "Петров Иван Иванович" in caught.value.problems[0].reason
    assert "7В" in caught.value.problems[1].reason
    assert "ничего не записано" in str(caught.value)
    assert count(secretary, Grade) == 0
    assert count(secretary, Printout) == 0


def test_every_bad_row_is_listed_and_nothing_is_written(secretary, school, tmp_path):
    rows = [
        HEADER,
        ["5А", ANDREEV, "Математика", "16.11.2026", "", "", "Ответ на уроке", ""],  # neither mark nor attendance
        ["5А", ANDREEV, "Математика", "24.11.2026", "5", "", "", ""],  # tomorrow
        ["5А", ANDREEV, "Математика", "17.11.2026", "6", "", "", ""],
        ["5А", ANDREEV, "Математика", "18.11.2026", "", "опоздал", "", ""],
        ["5А", ANDREEV, "", "31.11.2026", "4", "", "", ""],
        ["5А", BELOVA, "Математика", "20.11.2026", "5", "", "Четвертная", ""],  # good, but not written
    ]
    with pytest.raises(ImportFailed) as caught:
        secretary.grades_io.import_file(write_csv(tmp_path / "ошибки.csv", rows))
    assert [(p.row, p.column) for p in caught.value.problems] == [
        (2, "Отметка"), (3, "Дата"), (4, "Отметка"), (5, "Посещаемость"), (6, "Предмет"), (6, "Дата"),
    ]  # fmt: skip
    assert "ни отметки, ни посещаемости" in caught.value.problems[0].reason
    assert "ещё не наступило" in caught.value.problems[1].reason
    assert count(secretary, Grade) == 0
    assert count(secretary, Printout) == 0

    # A file with neither column at all.
    with pytest.raises(ImportFailed) as caught:
        secretary.grades_io.import_file(write_csv(tmp_path / "без.csv", [HEADER[:4], ["5А", ANDREEV, "Математика",
                                                                                      "16.11.2026"]]))  # fmt: skip
    assert "ни столбца «Отметка», ни столбца «Посещаемость»" in str(caught.value)


def test_final_marks_of_a_student_on_paper_make_a_report_due_the_next_working_day(secretary, school, tmp_path):
    result = secretary.grades_io.import_file(write_csv(tmp_path / "итоги.csv", [HEADER, *EXPORT]))

    assert result.finals == 2
    rows = secretary.grades.printouts()
    # Friday 20.11 → Monday 23.11 (the weekend); Tuesday 03.11 → Thursday 05.11 (4 November is a holiday).
    # Воробьёв is not on paper, and Белова's current mark makes no report.
    assert sorted((r.student_name, r.kind, r.period, r.due_date) for r in rows) == [
        (BELOVA, "final", dt.date(2026, 11, 3), dt.date(2026, 11, 5)),
        (BELOVA, "final", dt.date(2026, 11, 20), dt.date(2026, 11, 23)),
    ]
    assert all(r.handed_at is None and r.printed_at is None for r in rows)
    # The week's report lists the week's final marks: printing it prints that week's final report too.
    belova = next(r.student_id for r in rows)
    secretary.grades.record_printed([belova], dt.date(2026, 11, 18))
    printed = {(r.kind, r.period): r.printed_at is not None for r in secretary.grades.printouts()}
    assert printed == {
        ("final", dt.date(2026, 11, 3)): False,  # another week
        ("final", dt.date(2026, 11, 20)): True,
        ("weekly", dt.date(2026, 11, 16)): True,
    }


def test_the_weekly_report_of_the_imported_week(secretary, school, tmp_path):
    secretary.grades_io.import_file(write_xlsx(tmp_path / "журнал.xlsx", EXPORT))

    report = secretary.grades.weekly_report(school[ANDREEV], dt.date(2026, 11, 18))

    assert (report.week_start, report.week_end) == (dt.date(2026, 11, 16), dt.date(2026, 11, 22))
    lines = {line.subject: line for line in report.subjects}
    assert (lines["Математика"].week_average, lines["Математика"].term_average) == ("4,33", "4,50")
    assert lines["Русский язык"].week_average == "4,00"
    assert lines["Литература"].week_average == "—"
    assert [e.text for e in lines["Математика"].cells[dt.date(2026, 11, 18)]] == ["5"]
    assert report.absences == {Attendance.ABSENT: 2, Attendance.ILL: 1, Attendance.EXCUSED: 1,
                               Attendance.UNEXCUSED: 0}  # fmt: skip
    assert report.finals == ()


def test_only_those_who_may_import_marks_do(services, school, tmp_path):
    operator = person(services, "operator", "Кузнецов Дмитрий Олегович", Role.OPERATOR)
    with pytest.raises(PermissionDenied):
        operator.grades_io.import_file(write_csv(tmp_path / "журнал.csv", [HEADER, *EXPORT]))
    assert count(services, Grade) == 0
