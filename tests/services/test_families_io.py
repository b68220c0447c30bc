"""Class lists in the families register, on SQLite and PostgreSQL: the same list from Excel and from a Windows-1251
CSV with «;» gives the same register; re-importing a changed list moves, updates and adds people in place and keeps
their consents and codes; a bad file is refused with every problem (row, column) and nothing written; the slip and
the register of codes, printed, show the same code and the printing is recorded."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from desktop.domain.access import Actor, Role
from desktop.domain.families import CodeState, Relation
from desktop.services.errors import PermissionDenied
from desktop.services.registry import Services, open_services
from desktop.services.tabular import ImportFailed
from desktop.store.db import resolve_location
from desktop.store.models import (
    AccessCode,
    Consent,
    Event,
    Representative,
    Student,
    StudentEvent,
    StudentRepresentative,
)

HEADER = ["Класс", "Ученик", "Дата рождения", "Представитель", "Кем приходится", "Телефон", "Email", "Адрес"]
IVANOVY = "г. Тюмень, ул. Ленина, д. 1, кв. 2"
KUZNETSOVY = "г. Тюмень, ул. Мира, д. 5, кв. 10"
CLASS_LIST = [
    HEADER,
    ["5А", "Иванов Артём Сергеевич", "12.03.2015", "Иванова Мария Петровна", "мать", "+7 912 111-11-11",
     "ivanova@mail.ru", IVANOVY],
    ["5А", "Иванов Артём Сергеевич", "12.03.2015", "Иванов Сергей Николаевич", "отец", "8 (912) 111-11-12", "",
     IVANOVY],
    ["5 а", "Смирнова Алёна Игоревна", "01.09.2015", "Смирнова Ольга Викторовна", "мама", "89120000003", "", ""],
    ["6Б", "Кузнецов Дмитрий Андреевич", "20.05.2014", "Кузнецова Елена Павловна", "Мать", "+7 912 000-00-04",
     "", KUZNETSOVY],
    # A sister in another class: the same mother (name and phone) is linked, not doubled.
    ["3А", "Кузнецова Анна Андреевна", "10.10.2017", "Кузнецова Елена Павловна", "мать", "+79120000004", "",
     KUZNETSOVY],
]  # fmt: skip

# The same list, updated: Алёна moved to 5Б and her father added (and her name typed without «ё»); the father of
# Артём has a new phone; a new pupil in 5А. The Кузнецовы are as they were.
CHANGED = [
    HEADER,
    ["5А", "Иванов Артём Сергеевич", "12.03.2015", "Иванова Мария Петровна", "мать", "+7 912 111-11-11",
     "ivanova@mail.ru", IVANOVY],
    ["5А", "Иванов Артём Сергеевич", "12.03.2015", "Иванов Сергей Николаевич", "отец", "+7 922 555-55-55", "",
     IVANOVY],
    ["5Б", "СМИРНОВА Алена Игоревна", "01.09.2015", "Смирнова Ольга Викторовна", "мать", "89120000003", "", ""],
    ["5Б", "СМИРНОВА Алена Игоревна", "01.09.2015", "Смирнов Игорь Олегович", "отец", "89120000033", "", ""],
    ["6Б", "Кузнецов Дмитрий Андреевич", "20.05.2014", "Кузнецова Елена Павловна", "мать", "+7 912 000-00-04",
     "", KUZNETSOVY],
    ["3А", "Кузнецова Анна Андреевна", "10.10.2017", "Кузнецова Елена Павловна", "мать", "+79120000004", "",
     KUZNETSOVY],
    ["5А", "Петров Кирилл Максимович", "30.12.2015", "Петрова Анна Сергеевна", "мать", "", "petrova@yandex.ru", ""],
]  # fmt: skip


def day(text: str) -> dt.date:
    return dt.datetime.strptime(text, "%d.%m.%Y").date()


def write_csv(path: Path, rows: Sequence[Sequence[object]], *, encoding: str = "cp1251") -> Path:
    with path.open("w", encoding=encoding, newline="") as f:
        csv.writer(f, delimiter=";").writerows(rows)
    return path


def write_xlsx(path: Path, rows: Sequence[Sequence[object]]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    for r in rows:
        ws.append(list(r))
    wb.save(path)
    return path


def as_excel(rows: Sequence[Sequence[str]]) -> list[list[object]]:
    """The list as Excel keeps it: dates of birth are real dates."""
    return [list(rows[0])] + [[r[0], r[1], day(r[2]), *r[3:]] for r in rows[1:]]


def count(services: Services, model: type) -> int:
    with services.ctx.transaction() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def counts(services: Services) -> dict[str, int]:
    models = (Student, Representative, StudentRepresentative, StudentEvent, Consent, AccessCode, Event)
    return {m.__name__: count(services, m) for m in models}


def register(services: Services) -> list[tuple[object, ...]]:
    """Every student with their class and representatives, as the register holds them."""
    with services.ctx.transaction() as session:
        out = []
        for s in session.scalars(select(Student).order_by(Student.name_key)):
            cls = s.class_id
            reps = session.execute(
                select(Representative, StudentRepresentative.relation)
                .join(StudentRepresentative, StudentRepresentative.representative_id == Representative.id)
                .where(StudentRepresentative.student_id == s.id)
                .order_by(Representative.name_key)
            ).all()
            from desktop.store.models import SchoolClass

            name = session.scalar(select(SchoolClass.name).where(SchoolClass.id == cls))
            out.append(
                (s.full_name, s.birth_date, name, s.studying,
                 tuple((r.full_name, rel, r.phone, r.email, r.address) for r, rel in reps))
            )  # fmt: skip
        return out


def person(services: Services, login: str, name: str, *roles: Role) -> Services:
    user = services.users.add(login, name, list(roles), "Пароль-2026", must_change=False)
    return services.as_actor(Actor.user(user.id, user.login, user.full_name, list(roles)))


@pytest.fixture
def school(services: Services) -> Services:
    services.settings.update(
        {
            "timezone": "Asia/Yekaterinburg",
            "school_name": "Муниципальное автономное общеобразовательное учреждение средняя общеобразовательная "
            "школа № 7 города Тюмени",
            "school_short_name": "МАОУ СОШ № 7",
            "director_name": "Супрун Ирина Евгеньевна",
            "ejournal_name": "Электронный журнал Тюменской области",
            "ejournal_url": "https://edu.72to.ru",
        }
    )
    return services


@pytest.fixture
def secretary(school: Services) -> Services:
    return person(school, "secretary", "Иванова Наталья Сергеевна", Role.SECRETARY)


def test_a_class_list_from_excel_and_from_a_windows_1251_csv_gives_the_same_register(
    secretary, school, tmp_path, clock
):
    result = secretary.families_io.import_file(write_xlsx(tmp_path / "классы.xlsx", as_excel(CLASS_LIST)))
    assert (result.added, result.moved, result.updated, result.unchanged) == (4, 0, 0, 0)
    assert (result.representatives_added, result.representatives_updated) == (4, 1)  # the mother linked twice
    assert "новых — 4" in result.describe()

    expected = [
        ("Иванов Артём Сергеевич", day("12.03.2015"), "5А", True,
         (("Иванов Сергей Николаевич", "father", "8 (912) 111-11-12", "", IVANOVY),
          ("Иванова Мария Петровна", "mother", "+7 912 111-11-11", "ivanova@mail.ru", IVANOVY))),
        ("Кузнецов Дмитрий Андреевич", day("20.05.2014"), "6Б", True,
         (("Кузнецова Елена Павловна", "mother", "+7 912 000-00-04", "", KUZNETSOVY),)),
        ("Кузнецова Анна Андреевна", day("10.10.2017"), "3А", True,
         (("Кузнецова Елена Павловна", "mother", "+7 912 000-00-04", "", KUZNETSOVY),)),
        ("Смирнова Алёна Игоревна", day("01.09.2015"), "5А", True,
         (("Смирнова Ольга Викторовна", "mother", "89120000003", "", ""),)),
    ]  # fmt: skip
    assert register(school) == expected
    assert count(school, Representative) == 4

    # The same list as a Windows-1251 CSV with «;», its columns in another order and one header an alias.
    order = [1, 0, 2, 4, 3, 7, 6, 5]
    rows = [[r[i] for i in order] for r in CLASS_LIST]
    rows[0][0] = "ФИО ученика"
    path = write_csv(tmp_path / "классы.csv", rows)
    assert "Алёна".encode("cp1251") in path.read_bytes()
    other = open_services(
        resolve_location(str(tmp_path / "other.db")), actor=Actor.bootstrap("Проверка"), clock=clock
    )
    try:
        other.families_io.import_file(path)
        assert register(other) == expected
    finally:
        other.close()

    with school.ctx.transaction() as session:
        events = session.scalars(select(Event).where(Event.entity == "families_import")).all()
        assert [(e.action, e.actor, e.after["file"], e.after["added"]) for e in events] == [
            ("import", "Иванова Наталья Сергеевна", "классы.xlsx", 4)
        ]


def test_re_importing_a_changed_list_updates_people_in_place_and_keeps_consents_and_codes(
    secretary, school, tmp_path
):
    secretary.families_io.import_file(write_xlsx(tmp_path / "list.xlsx", as_excel(CLASS_LIST)))
    artem = secretary.families.find_student("Иванов Артём Сергеевич", "5А")
    alena = secretary.families.find_student("Смирнова Алёна Игоревна", "5А")
    father = next(r for r in secretary.families.card(artem).representatives if r.relation is Relation.FATHER)
    consent = secretary.families.record_consent(father.id, day("20.11.2026"))
    code = secretary.families.issue_code(artem, father.id, choice=lambda alphabet: alphabet[0])
    before = counts(school)

    result = secretary.families_io.import_file(write_csv(tmp_path / "list.csv", CHANGED))
    assert (result.added, result.moved, result.returned, result.updated, result.unchanged) == (1, 1, 0, 1, 2)
    assert (result.representatives_added, result.representatives_updated) == (2, 1)

    after = counts(school)
    assert after["Student"] == before["Student"] + 1  # only the new pupil
    assert (
        after["Representative"] == before["Representative"] + 2
    )  # Алёна's father and the new pupil's mother
    assert after["Consent"] == before["Consent"] and after["AccessCode"] == before["AccessCode"]

    # Артём's father: the same person, his phone replaced; his consent and his code are still in force.
    card = secretary.families.card(artem)
    same = next(r for r in card.representatives if r.relation is Relation.FATHER)
    assert same.id == father.id
    assert same.phone == "+7 922 555-55-55"
    assert [c.id for c in same.consents] == [consent] and same.consent_now
    assert [(c.id, c.code, c.state) for c in same.codes] == [(code.id, "AAAA-AAAA", CodeState.ACTIVE)]

    # Алёна: the same student, moved to 5Б on record, her name as the list now writes it, two representatives.
    card = secretary.families.card(alena)
    assert (card.row.full_name, card.row.class_name) == ("СМИРНОВА Алена Игоревна", "5Б")
    assert [(h.kind, h.text) for h in card.history] == [
        ("enrolled", "Внесён(а) в реестр, класс 5А"),
        ("moved", "Переведён(а) из 5А в 5Б"),
    ]
    assert sorted((r.full_name, r.relation) for r in card.representatives) == [
        ("Смирнов Игорь Олегович", Relation.FATHER),
        ("Смирнова Ольга Викторовна", Relation.MOTHER),
    ]

    # The same changed list once more: nothing to do, nobody doubled.
    after = counts(school)
    again = secretary.families_io.import_file(write_csv(tmp_path / "list.csv", CHANGED))
    assert (again.added, again.moved, again.updated, again.unchanged) == (0, 0, 0, 5)
    final = counts(school)
    assert final == {**after, "Event": after["Event"] + 1}  # only the import's own record


def test_students_missing_from_a_list_stay_and_one_who_left_comes_back_on_record(secretary, school, tmp_path):
    secretary.families_io.import_file(write_xlsx(tmp_path / "list.xlsx", as_excel(CLASS_LIST)))
    dima = secretary.families.find_student("Кузнецов Дмитрий Андреевич", "6Б")
    secretary.families.student_left(dima, day("01.11.2026"), "переезд")

    # Only 6Б, and Дмитрий in it again: the others are not touched, he is studying again.
    result = secretary.families_io.import_file(write_csv(tmp_path / "6b.csv", [CLASS_LIST[0], CLASS_LIST[4]]))
    assert (result.returned, result.added) == (1, 0)
    assert "вернулись в школу — 1" in result.describe()
    card = secretary.families.card(dima)
    assert card.row.studying and card.row.left_on is None and card.row.class_name == "6Б"
    assert [h.kind for h in card.history] == ["enrolled", "left", "returned"]
    assert [s[3] for s in register(school)] == [True, True, True, True]


def test_a_bad_file_lists_every_problem_with_row_and_column_and_writes_nothing(secretary, school, tmp_path):
    secretary.families_io.import_file(write_xlsx(tmp_path / "list.xlsx", as_excel(CLASS_LIST)))
    before = counts(school)
    snapshot = register(school)
    bad = [
        HEADER,
        ["13В", "Орлов Павел Ильич", "01.02.2015", "Орлова Анна Ильинична", "мать", "", "", ""],  # 2
        ["5А", "Орлова Вера Ильинична", "31.02.2015", "Орлова Анна Ильинична", "мать", "", "", ""],  # 3
        ["5А", "Белов Пётр Андреевич", "01.01.2024", "Белова Ирина Олеговна", "мать", "", "", ""],  # 4
        ["5А", "Соколов Иван Ильич", "02.02.2015", "Соколова Мария Ивановна", "соседка", "", "", ""],  # 5
        [
            "5А",
            "Соколов Иван Ильич",
            "02.02.2015",
            "Соколов Илья Петрович",
            "отец",
            "12",
            "sokolov@",
            "",
        ],  # 6
        ["5А", "Соколов Иван Ильич", "03.03.2015", "Соколов Илья Петрович", "отец", "", "", ""],  # 7
        ["", "Новиков Лев Андреевич", "", "", "", "+7 912 000-00-99", "", ""],  # 8
        # In the register Иванов Артём is in 5А born 12.03.2015: another date is not silently a second child.
        ["5А", "Иванов Артём Сергеевич", "13.03.2015", "Иванова Мария Петровна", "мать", "", "", ""],  # 9
    ]
    with pytest.raises(ImportFailed) as caught:
        secretary.families_io.import_file(write_xlsx(tmp_path / "bad.xlsx", bad))
    found = [(p.file, p.row, p.column) for p in caught.value.problems]
    assert found == [
        ("bad.xlsx", 2, "Класс"),
        ("bad.xlsx", 3, "Дата рождения"),
        ("bad.xlsx", 4, "Дата рождения"),
        ("bad.xlsx", 5, "Кем приходится"),
        ("bad.xlsx", 6, "Телефон"),
        ("bad.xlsx", 6, "Email"),
        ("bad.xlsx", 7, "Дата рождения"),
        ("bad.xlsx", 8, "Класс"),
        ("bad.xlsx", 8, "Дата рождения"),
        ("bad.xlsx", 8, "Представитель"),
        ("bad.xlsx", 9, "Дата рождения"),
    ]
    reasons = {(p.row, p.column): p.reason for p in caught.value.problems}
    assert "13В" in reasons[(2, "Класс")]
    assert "31.02.2015" in reasons[(3, "Дата рождения")]
    assert "проверьте год" in reasons[(4, "Дата рождения")]
    assert "соседка" in reasons[(5, "Кем приходится")]
    assert "строке 5" in reasons[(7, "Дата рождения")]
    assert "12.03.2015" in reasons[(9, "Дата рождения")]
    assert "ничего не записано" in str(caught.value)
    assert counts(school) == before
    assert register(school) == snapshot


def test_only_those_who_keep_the_register_import_it(school, tmp_path):
    director = person(school, "director", "Супрун Ирина Евгеньевна", Role.DIRECTOR)
    with pytest.raises(PermissionDenied):
        director.families_io.import_file(write_xlsx(tmp_path / "list.xlsx", as_excel(CLASS_LIST)))
    assert count(school, Student) == 0


def pdf_text(path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) не установлен: текст PDF проверить нечем")
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout


def test_the_slip_and_the_register_of_codes_show_the_same_code_and_printing_is_recorded(
    secretary, school, tmp_path
):
    secretary.families_io.import_file(write_xlsx(tmp_path / "list.xlsx", as_excel(CLASS_LIST)))
    artem = secretary.families.find_student("Иванов Артём Сергеевич", "5А")
    mother = next(r for r in secretary.families.card(artem).representatives if r.relation is Relation.MOTHER)
    secretary.families.record_consent(mother.id, day("20.11.2026"))
    code = secretary.families.issue_code(artem, mother.id)

    slip = secretary.families_io.print_slip(code.id, tmp_path / "slip.pdf")
    book = secretary.families_io.print_codes_register(tmp_path / "codes.pdf", class_name="5а")
    application = secretary.families_io.print_access_application(artem, mother.id, tmp_path / "app.pdf")
    slip_text, book_text = pdf_text(slip), pdf_text(book)
    assert code.code in slip_text and code.code in book_text
    assert "Иванов Артём Сергеевич" in slip_text and "Иванова Мария Петровна" in slip_text
    assert "Иванов Артём" in book_text and "Иванова Мария" in book_text  # names wrap in the table's cells
    assert "Иванова Мария Петровна" in pdf_text(application)
    with school.ctx.transaction() as session:
        printed = session.scalars(select(Event).where(Event.action == "print").order_by(Event.id)).all()
        assert [(e.kind, e.after["form"]) for e in printed] == [
            ("access", "access_slip"),
            ("access", "codes_register"),
            ("access", "access_application"),
        ]
