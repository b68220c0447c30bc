"""Printing the week's paper reports, on SQLite and PostgreSQL: two students of one class on paper and one not — the
class's batch is exactly their two reports, one per page, with their marks, averages and absences as counted by hand
and nobody else's name; «everyone» prints the whole class; the printouts are recorded; an empty batch says so."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import update

from desktop.domain.access import Actor, Role
from desktop.services.errors import PermissionDenied, ServiceError
from desktop.services.registry import Services
from desktop.store.models import Grade, Student

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is missing")

#: The tests' clock is Monday 23.11.2026; the week is 23–29.11.2026, in «2 четверть» (05.11–28.12) by default.
FRIDAY = dt.date(2026, 11, 27)
IVANOV = "Иванов Пётр Сергеевич"
PETROVA = "Петрова Анна Олеговна"
SIDOROV = "Сидоров Илья Маратович"  # same class, not on paper
KUZNETSOVA = "Кузнецова Вера Игоревна"  # on paper, another class


def d(day: int, month: int = 11) -> dt.date:
    return dt.date(2026, month, day)


def add_grades(services: Services, student_id: int, rows: list[tuple]) -> None:
    """(subject, day, mark, attendance[, work, kind]) rows straight into the table, as the import would write them."""
    with services.ctx.transaction(write=True) as session:
        for subject, day, mark, attendance, *rest in rows:
            work, kind = (rest + ["", "current"])[:2] if rest else ("", "current")
            session.add(Grade(student_id=student_id, subject=subject, day=day, mark=mark, attendance=attendance,
                              work=work, kind=kind, comment="", imported_at=services.ctx.clock()))  # fmt: skip


@pytest.fixture
def school(services: Services) -> dict[str, int]:
    services.settings.set("school_name", "Муниципальное автономное общеобразовательное учреждение средняя школа № 7")
    services.settings.set("school_short_name", "МАОУ СОШ № 7")
    ids = {
        IVANOV: services.families.add_student(IVANOV, dt.date(2015, 3, 1), "5А"),
        PETROVA: services.families.add_student(PETROVA, dt.date(2015, 6, 2), "5А"),
        SIDOROV: services.families.add_student(SIDOROV, dt.date(2015, 1, 9), "5А"),
        KUZNETSOVA: services.families.add_student(KUZNETSOVA, dt.date(2014, 2, 3), "6Б"),
    }
    with services.ctx.transaction(write=True) as session:
        session.execute(
            update(Student).where(Student.id.in_([ids[IVANOV], ids[PETROVA], ids[KUZNETSOVA]])).values(paper=True)
        )
    add_grades(services, ids[IVANOV], [
        ("Математика", d(10), "3", ""),  # earlier in the term: counts in the forecast only
        ("Математика", d(23), "5", ""),
        ("Математика", d(24), "4", ""),
        ("Математика", d(26), "4-", ""),
        ("Математика", d(27), "5", "", "Четвертная", "term"),  # a final mark: listed, never averaged
        ("Русский язык", d(25), "", "Н"),
        ("Русский язык", d(27), "5", ""),
        ("Русский язык", d(27), "3", ""),
        ("Литература", d(24), "", "Б"),
        ("Математика", d(30), "2", ""),  # next week: not in this report
    ])  # fmt: skip
    add_grades(services, ids[PETROVA], [
        ("Математика", d(23), "2", ""),
        ("Математика", d(25), "3", ""),
        ("Физическая культура", d(26), "", "ОП"),
    ])  # fmt: skip
    add_grades(services, ids[SIDOROV], [("Математика", d(23), "5", "")])
    add_grades(services, ids[KUZNETSOVA], [("Математика", d(23), "4", "")])
    return ids


def pdf_pages(path: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    pages = text.split("\f")
    if pages and not pages[-1].strip():
        pages.pop()
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    count = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert count == len(pages)
    return pages


def test_batch_of_a_class_is_its_paper_students_one_per_page(
    services: Services, school: dict[str, int], tmp_path: Path
) -> None:
    out = tmp_path / "weekly.pdf"
    assert services.weekly_print.print_weekly(out, FRIDAY, class_name="5 а") == 2
    pages = pdf_pages(out)
    assert len(pages) == 2
    ivanov, petrova = pages
    for page in pages:
        assert "Сведения об успеваемости и посещаемости" in page
        assert "средняя школа № 7" in page
        assert "с 23.11.2026 по 29.11.2026" in page
        assert "Пн 23.11" in page and "Сб 28.11" in page and "Вс 29.11" not in page
        assert "Среднее" in page and "за неделю" in page and "Прогноз" in page and "(четверть)" in page
        assert "Получил(а):" in page and "(ФИО представителя)" in page and "(подпись)" in page
        assert "Дата печати: 23.11.2026" in page
        for other in (SIDOROV, KUZNETSOVA):
            assert other.split()[0] not in page

    assert IVANOV in ivanov and "класс 5А" in ivanov and PETROVA not in ivanov
    math = next(line for line in ivanov.splitlines() if line.strip().startswith("Математика"))
    # 5, 4, 4- this week: 13 / 3 = 4,33; the term adds 3 on 10.11: 16 / 4 = 4,00; the final «5» counts in neither.
    assert math.split()[1:] == ["5", "4", "4-", "4,33", "4,00"]
    russian = next(line for line in ivanov.splitlines() if line.strip().startswith("Русский язык"))
    assert russian.split()[2:] == ["Н", "5,", "3", "4,00", "4,00"]  # two lessons on Friday: «5, 3»
    literature = next(line for line in ivanov.splitlines() if line.strip().startswith("Литература"))
    assert literature.split()[1:] == ["Б", "—", "—"]
    flat = " ".join(ivanov.split())
    assert "Пропуски: Н (отсутствовал(а)) — 1, Б (по болезни) — 1, УП (по уважительной причине) — 0, " \
           "ОП (без уважительной причины) — 0" in flat  # fmt: skip
    assert "Итоговые отметки недели: Математика, Четвертная — 5" in flat
    assert "2 четверть" in flat

    assert PETROVA in petrova and IVANOV not in petrova
    math = next(line for line in petrova.splitlines() if line.strip().startswith("Математика"))
    assert math.split()[1:] == ["2", "3", "2,50", "2,50"]
    flat = " ".join(petrova.split())
    assert "Н (отсутствовал(а)) — 0, Б (по болезни) — 0, УП (по уважительной причине) — 0, " \
           "ОП (без уважительной причины) — 1" in flat  # fmt: skip
    assert "Итоговые отметки" not in flat

    printed = services.grades.printouts(week_of=FRIDAY)
    assert sorted(p.student_id for p in printed) == sorted([school[IVANOV], school[PETROVA]])
    assert all(p.printed_at is not None and p.period == d(23) for p in printed)


def test_everyone_prints_the_whole_class_in_name_order(
    services: Services, school: dict[str, int], tmp_path: Path
) -> None:
    out = tmp_path / "all.pdf"
    assert services.weekly_print.print_weekly(out, d(23), class_name="5А", everyone=True) == 3
    pages = pdf_pages(out)
    assert [next(n for n in (IVANOV, PETROVA, SIDOROV) if n in p) for p in pages] == [IVANOV, PETROVA, SIDOROV]
    assert all(KUZNETSOVA not in p for p in pages)
    # every paper student of the school, classes in order
    out = tmp_path / "school.pdf"
    assert services.weekly_print.print_weekly(out, FRIDAY) == 3
    pages = pdf_pages(out)
    assert [next(n for n in (IVANOV, PETROVA, KUZNETSOVA) if n in p) for p in pages] == [IVANOV, PETROVA, KUZNETSOVA]
    assert len({p.student_id for p in services.grades.printouts(week_of=FRIDAY)}) == 4


def test_nobody_on_paper_is_a_clear_error(services: Services, school: dict[str, int], tmp_path: Path) -> None:
    services.families.add_student("Орлов Глеб Андреевич", dt.date(2013, 5, 5), "7В")
    out = tmp_path / "none.pdf"
    with pytest.raises(ServiceError, match="Нет учеников на бумажных отчётах в классе 7В"):
        services.weekly_print.print_weekly(out, FRIDAY, class_name="7в")
    assert not out.exists()
    assert services.grades.printouts(week_of=FRIDAY) == []


def test_only_the_office_prints(services: Services, school: dict[str, int], tmp_path: Path) -> None:
    user = services.users.add("teacher", "Белова Татьяна Юрьевна", [Role.CLASS_TEACHER], "Пароль-2026", must_change=False)
    teacher = services.as_actor(Actor.user(user.id, user.login, user.full_name, [Role.CLASS_TEACHER]))
    with pytest.raises(PermissionDenied):
        teacher.weekly_print.print_weekly(tmp_path / "x.pdf", FRIDAY)
