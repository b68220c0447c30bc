"""Appeals in and out, on SQLite and PostgreSQL: a register imported from CSV (UTF-8, UTF-8 with BOM, Windows-1251;
«;» or «,») or Excel all or nothing, late answers with the escalations they went through, repeat threads from the file
and from the database; the register exported to Excel with real dates; the answer as an .eml draft; the PDF letter to
the Department about a 5th repeat."""

from __future__ import annotations

import csv
import datetime as dt
import email
import email.policy
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from sqlalchemy import func, select

from desktop.domain.access import Actor, Role
from desktop.domain.appeals import Delivery, Level, Rubric, Status
from desktop.services.appeals import AppealFilter, AppealInput, SortKey, StepKind
from desktop.services.appeals_io import EXPORT_EXTRA_HEADERS, EXPORT_HEADERS
from desktop.services.errors import PermissionDenied, ServiceError
from desktop.services.files import FileIn
from desktop.services.registry import Services
from desktop.services.tabular import (
    Field,
    ImportFailed,
    ImportProblem,
    parse_date_value,
    parse_local_datetime,
    read_table,
    sniff_delimiter,
)
from desktop.store.models import Appeal, AppealStep, Event, NumberCounter

YEKB = ZoneInfo("Asia/Yekaterinburg")
HEADER = [
    "Номер",
    "Дата регистрации",
    "Заявитель",
    "Email",
    "Телефон",
    "Рубрика",
    "Текст",
    "Повторное к",
    "Канал",
    "Дата ответа",
    "Ответ",
]


def local(text: str, tz: ZoneInfo = YEKB) -> dt.datetime:
    """«ДД.ММ.ГГГГ ЧЧ:ММ» in the school's zone as a UTC moment."""
    return dt.datetime.strptime(text, "%d.%m.%Y %H:%M").replace(tzinfo=tz).astimezone(dt.UTC)


def d(text: str) -> dt.date:
    return dt.datetime.strptime(text, "%d.%m.%Y").date()


def naive(text: str) -> dt.datetime:
    return dt.datetime.strptime(text, "%d.%m.%Y %H:%M")


def row(
    number: str,
    registered: str,
    applicant: str = "Кузнецова Мария Петровна",
    *,
    email: str = "",
    phone: str = "",
    rubric: str = "Вопрос к школе",
    text: str = "Когда будет родительское собрание?",
    repeat_of: str = "",
    channel: str = "",
    answered: str = "",
    answer: str = "",
) -> list[str]:
    return [number, registered, applicant, email, phone, rubric, text, repeat_of, channel, answered, answer]


def write_csv(
    path: Path, rows: Sequence[Sequence[object]], *, encoding: str = "utf-8", delimiter: str = ";"
) -> Path:
    with path.open("w", encoding=encoding, newline="") as f:
        csv.writer(f, delimiter=delimiter).writerows(rows)
    return path


def write_xlsx(path: Path, rows: Sequence[Sequence[object]], *, skip: int = 0) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    for _ in range(skip):
        ws.append([])
    for r in rows:
        ws.append(list(r))
    wb.save(path)
    return path


@pytest.fixture
def school(services: Services) -> Services:
    services.settings.update(
        {
            "timezone": "Asia/Yekaterinburg",
            "school_name": "Муниципальное автономное общеобразовательное учреждение «Средняя общеобразовательная "
            "школа № 7» города Тюмени",
            "school_short_name": "МАОУ СОШ № 7",
            "school_address": "625000, г. Тюмень, ул. Республики, д. 1",
            "director_name": "Иванова Мария Петровна",
            "region_department": "Департамент образования и науки Тюменской области",
            "school_email": "school7@edu.tyumen.ru",
        }
    )
    return services


def rows_of(services: Services) -> list:
    return services.appeals.page(AppealFilter(), sort=SortKey.NUMBER, limit=1000)


def steps(services: Services, appeal_id: int) -> list[tuple[str, str, dt.datetime]]:
    with services.ctx.transaction() as session:
        return [
            (s.kind, s.level, s.at)
            for s in session.scalars(
                select(AppealStep)
                .where(AppealStep.appeal_id == appeal_id)
                .order_by(AppealStep.at, AppealStep.id)
            )
        ]


def count(services: Services, model: type) -> int:
    with services.ctx.transaction() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def person(services: Services, role: Role) -> Services:
    user = services.users.add(role.value, f"Сотрудник {role.value}", [role], "Пароль-2026", must_change=False)
    return services.as_actor(Actor.user(user.id, user.login, user.full_name, [role]))


REGISTER = [
    HEADER,
    row("В-1", "30.04.2025 10:00", "Петров Пётр Петрович", email="petrov@mail.ru", channel="сайт"),
    row(
        "В-2",
        "30.04.2025 11:00",
        "Сидорова Анна Ивановна",
        rubric="Технический вопрос",
        email="anna@mail.ru",
        text="Не открывается дневник; пишет «ошибка 500», что делать?",
    ),
    row(
        "В-3",
        "2025-05-05 09:30",
        "Ёлкина Ольга",
        answered="06.05.2025 15:00",
        answer="Собрание 15 мая в 18:00.",
    ),
]
EXPECTED = [
    (
        "О-2025/0001",
        "В-1",
        naive("30.04.2025 10:00"),
        "Петров Пётр Петрович",
        Level.DEPUTY,
        Status.OPEN,
        d("07.05.2025"),
    ),
    (
        "О-2025/0002",
        "В-2",
        naive("30.04.2025 11:00"),
        "Сидорова Анна Ивановна",
        Level.SUI,
        Status.SUI,
        d("30.05.2025"),
    ),
    (
        "О-2025/0003",
        "В-3",
        naive("05.05.2025 09:30"),
        "Ёлкина Ольга",
        Level.DEPUTY,
        Status.ANSWERED,
        d("12.05.2025"),
    ),
]


def summary(services: Services) -> list[tuple]:
    return [
        (r.number, r.external_number, r.registered_at, r.applicant, r.level, r.status, r.due_date)
        for r in rows_of(services)
    ]


# -- formats --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "encoding", "delimiter"),
    [
        ("csv", "utf-8", ";"),
        ("csv", "utf-8", ","),
        ("csv", "utf-8-sig", ";"),
        ("csv", "utf-8-sig", ","),
        ("csv", "cp1251", ";"),
        ("csv", "cp1251", ","),
        ("xlsx", None, None),
    ],
)
def test_csv_in_every_encoding_and_delimiter_and_excel_import_alike(
    school, tmp_path, kind, encoding, delimiter
):
    if kind == "csv":
        path = write_csv(tmp_path / "реестр.csv", REGISTER, encoding=encoding, delimiter=delimiter)
    else:
        path = write_xlsx(tmp_path / "реестр.xlsx", REGISTER)

    result = school.appeals_io.import_file(path)

    assert (result.count, result.numbers, result.answered) == (
        3,
        ["О-2025/0001", "О-2025/0002", "О-2025/0003"],
        1,
    )
    assert summary(school) == EXPECTED
    card = school.appeals.card(rows_of(school)[1].id)
    assert card.text == "Не открывается дневник; пишет «ошибка 500», что делать?"
    assert card.email == "anna@mail.ru"


def test_excel_with_real_dates_a_header_below_empty_rows_and_numbers_as_numbers(school, tmp_path):
    path = tmp_path / "реестр.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([])
    ws.append(["Текст", "Рубрика", "Заявитель", "Дата регистрации", "Номер", "Дата ответа", "Ответ"])
    ws.append(
        [
            "Про питание",
            "вопрос к школе",
            "Петров Пётр",
            dt.datetime(2025, 4, 30, 10, 0),
            17,
            dt.datetime(2025, 5, 6, 9, 0),
            "Ответ дан устно",
        ]
    )
    ws.append([])
    ws.append(["Про форму", "Вопрос школе", "Сидоров Иван", dt.date(2025, 4, 30), 18.0, None, None])
    wb.save(path)

    result = school.appeals_io.import_file(path)

    assert result.count == 2
    rows = rows_of(school)
    # 30.04.2025 alone is 00:00 of that day: registered before 17's 10:00, so it is numbered first.
    assert [(r.external_number, r.registered_at, r.status) for r in rows] == [
        ("18", naive("30.04.2025 00:00"), Status.OPEN),
        ("17", naive("30.04.2025 10:00"), Status.ANSWERED),
    ]
    assert rows[1].answered_at == naive("06.05.2025 09:00")


def test_headers_in_any_order_any_case_with_aliases_and_unknown_columns_ignored(school, tmp_path):
    path = write_csv(
        tmp_path / "a.csv",
        [
            [
                "  ТЕКСТ обращения ",
                "Комментарий",
                "e-mail",
                "заявитель",
                "РУБРИКА",
                "дата   регистрации",
                "ответ",
                "Дата ответа",
                "Канал поступления",
            ],
            [
                "Про питание",
                "что угодно",
                "p@mail.ru",
                "Петров Пётр",
                "Вопрос к школе",
                "30.04.2025 10:00",
                "",
                "",
                "лично",
            ],
        ],
    )

    assert school.appeals_io.import_file(path).count == 1

    [r] = rows_of(school)
    card = school.appeals.card(r.id)
    assert (card.text, card.email, card.row.applicant, card.channel.label) == (
        "Про питание",
        "p@mail.ru",
        "Петров Пётр",
        "лично",
    )
    assert card.row.external_number == ""


def test_a_missing_required_column_is_named_and_nothing_is_read(school, tmp_path):
    path = write_csv(tmp_path / "a.csv", [["Номер", "Заявитель", "Текст"], ["1", "Петров", "Вопрос"]])

    with pytest.raises(ImportFailed) as info:
        school.appeals_io.import_file(path)

    assert [(p.row, p.column) for p in info.value.problems[:2]] == [(1, "Дата регистрации"), (1, "Рубрика")]
    assert "a.csv, строка 1, столбец «Дата регистрации»: нет обязательного столбца" in str(info.value)
    assert "заголовки в файле: «Номер», «Заявитель», «Текст»" in str(info.value)
    assert count(school, Appeal) == 0


def test_other_files_are_refused_in_russian(school, tmp_path):
    xls = tmp_path / "реестр.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0 old excel")
    with pytest.raises(ImportFailed, match="только файлы Excel"):
        school.appeals_io.import_file(xls)
    broken = tmp_path / "реестр.xlsx"
    broken.write_bytes(b"not a zip")
    with pytest.raises(ImportFailed, match="не файл Excel"):
        school.appeals_io.import_file(broken)
    empty = write_csv(tmp_path / "пусто.csv", [HEADER])
    with pytest.raises(ImportFailed, match="нет ни одного обращения"):
        school.appeals_io.import_file(empty)


# -- all or nothing ------------------------------------------------------------------------------------------


def test_every_bad_row_is_listed_with_file_row_column_and_reason_and_nothing_is_written(
    school, tmp_path, clock
):
    path = write_csv(
        tmp_path / "appeals.csv",
        [
            HEADER,
            row("1", "30.04.2025 10:00"),  # good
            row("2", "30.04.2025 10:00", text="я" * 501),
            row("3", "30.04.2025 10:00", rubric="Жалоба"),
            row("4", "01.05.2025 10:00", repeat_of="1"),  # 1 is not answered
            row("5", "31.04.2025 10:00"),
            row("6", "30.04.2025 10:00", applicant=""),
            row("7", "30.04.2025 10:00", answered="05.05.2025 10:00"),
            row("8", "30.04.2025 10:00", answer="Ответ без даты"),
            row("9", "30.04.2025 10:00", answered="29.04.2025 10:00", answer="Раньше регистрации"),
            row("10", "30.04.2025 10:00", email="not-an-email"),
            row("11", "30.04.2025 10:00", channel="голубиная почта"),
            row("1", "30.04.2025 11:00"),
            row("13", "30.04.2025 10:00", repeat_of="нет-такого"),
            row("14", "01.12.2026 10:00"),  # after «now» (23.11.2026)
            row("15", "30.04.2025 10:00", answered="02.05.2025 10:00", answer="Ответ"),
            row("16", "01.05.2025 09:00", repeat_of="15"),  # before 15's answer
            row("17", "30.04.2025 10:00", text="   "),
            row("18", "", rubric=""),
        ],
    )

    with pytest.raises(ImportFailed) as info:
        school.appeals_io.import_file(path)

    got = [(p.row, p.column) for p in info.value.problems]
    assert got == [
        (3, "Текст"),
        (4, "Рубрика"),
        (5, "Повторное к"),
        (6, "Дата регистрации"),
        (7, "Заявитель"),
        (8, "Ответ"),
        (9, "Дата ответа"),
        (10, "Дата ответа"),
        (11, "Email"),
        (12, "Канал"),
        (13, "Номер"),
        (14, "Повторное к"),
        (15, "Дата регистрации"),
        (17, "Повторное к"),
        (18, "Текст"),
        (19, "Дата регистрации"),
        (19, "Рубрика"),
    ]
    text = {p.row: str(p) for p in info.value.problems}
    assert text[3] == (
        "appeals.csv, строка 3, столбец «Текст»: Текст обращения — 501 знак, а можно не больше 500: сократите на 1 знак."
    )
    assert text[4] == (
        "appeals.csv, строка 4, столбец «Рубрика»: неизвестная рубрика «Жалоба»: допустимы «Вопрос к школе» и "
        "«Технический вопрос»."
    )
    assert "ответ" in text[5] and "повторное обращение возможно только после ответа" in text[5]
    assert "такой даты нет в календаре" in text[6]
    assert "уже есть в строке 2" in text[13]
    assert "ни в файле" in text[14]
    assert "в будущем" in text[15]
    assert "раньше ответа" in text[17]
    message = str(info.value)
    assert message.startswith("Файл не загружен: 17 ошибок, ничего не записано.")

    # Nothing written: no appeal, no event, no number taken; the next registration is still …/0001.
    assert count(school, Appeal) == 0
    assert count(school, AppealStep) == 0
    with school.ctx.transaction() as session:
        assert (
            session.scalar(select(func.count()).select_from(Event).where(Event.entity.like("appeal%"))) == 0
        )
        assert session.scalars(select(NumberCounter.last)).all() in ([], [0])
    good = write_csv(tmp_path / "good.csv", [HEADER, row("1", "30.04.2025 10:00")])
    assert school.appeals_io.import_file(good).numbers == ["О-2025/0001"]
    clock.now = local("24.11.2026 10:00")
    card = school.appeals.register(AppealInput("Смирнов Олег", Rubric.SCHOOL, "Вопрос"))
    assert card.number == "О-2026/0001"


def test_a_long_list_of_problems_is_capped_in_the_message_but_kept_whole(school, tmp_path):
    rows = [HEADER] + [row(str(i), "30.04.2025 10:00", rubric="Жалоба") for i in range(45)]
    with pytest.raises(ImportFailed) as info:
        school.appeals_io.import_file(write_csv(tmp_path / "a.csv", rows))
    assert len(info.value.problems) == 45
    assert str(info.value).splitlines()[-1] == "… и ещё 15 ошибок."


def test_importing_the_same_file_twice_is_refused(school, tmp_path):
    path = write_csv(tmp_path / "a.csv", [HEADER, row("В-1", "30.04.2025 10:00")])
    school.appeals_io.import_file(path)
    with pytest.raises(ImportFailed) as info:
        school.appeals_io.import_file(path)
    assert [(p.row, p.column) for p in info.value.problems] == [(2, "Номер")]
    assert "уже загружено в программу (О-2025/0001)" in str(info.value.problems[0])
    assert count(school, Appeal) == 1


def test_a_year_without_a_production_calendar_is_a_problem_of_its_row(school, tmp_path, clock):
    clock.now = dt.datetime(2035, 6, 1, tzinfo=dt.UTC)
    path = write_csv(tmp_path / "a.csv", [HEADER, row("1", "30.04.2025 10:00"), row("2", "02.03.2034 10:00")])
    with pytest.raises(ImportFailed) as info:
        school.appeals_io.import_file(path)
    [problem] = info.value.problems
    assert (problem.row, problem.column) == (3, "Дата регистрации")
    assert "Производственный календарь на 2034 год программе неизвестен" in problem.reason
    assert count(school, Appeal) == 0


def test_only_those_who_may_import_do(school, tmp_path):
    path = write_csv(tmp_path / "a.csv", [HEADER, row("1", "30.04.2025 10:00")])
    with pytest.raises(PermissionDenied, match="загрузка реестра обращений"):
        person(school, Role.AGENT).appeals_io.import_file(path)
    assert person(school, Role.SECRETARY).appeals_io.import_file(path).count == 1


def test_the_import_is_one_event_besides_each_registration(school, tmp_path):
    school.appeals_io.import_file(write_csv(tmp_path / "реестр.csv", REGISTER))
    with school.ctx.transaction() as session:
        events = [
            (e.entity, e.entity_id, e.action)
            for e in session.scalars(
                select(Event).where(Event.entity.in_(["appeal", "appeal_import"])).order_by(Event.id)
            )
        ]
        imported = session.scalar(select(Event).where(Event.entity == "appeal_import"))
        assert imported is not None
        assert imported.after["count"] == 3 and imported.after["first"] == "О-2025/0001"
    assert events == [
        ("appeal", "О-2025/0001", "register"),
        ("appeal", "О-2025/0002", "register"),
        ("appeal", "О-2025/0003", "register"),
        ("appeal_import", "реестр.csv", "import"),
    ]


# -- the chain at import -----------------------------------------------------------------------------------


def test_a_late_answer_shows_the_escalations_before_it_in_the_card(school, tmp_path):
    path = write_csv(
        tmp_path / "a.csv",
        [
            HEADER,
            # deputy due 07.05 (01.05-04.05 off), director due 13.05 (08.05-11.05 off), municipal due 16.05
            row("late", "30.04.2025 10:00", answered="14.05.2025 09:00", answer="Ответ муниципалитета"),
            row("at-due", "30.04.2025 10:00", answered="08.05.2025 00:00", answer="Ответ в полночь"),
            row("on-time", "30.04.2025 10:00", answered="07.05.2025 23:59", answer="Ответ в срок"),
            row("after-all", "30.04.2025 10:00", answered="20.05.2025 12:00", answer="Ответ из Департамента"),
        ],
    )

    result = school.appeals_io.import_file(path)

    assert result.escalations == 2 + 1 + 0 + 3
    by_external = {r.external_number: r for r in rows_of(school)}
    late = school.appeals.card(by_external["late"].id)
    assert [(e.kind, e.at) for e in late.timeline] == [
        (StepKind.REGISTERED, naive("30.04.2025 10:00")),
        (StepKind.ESCALATED, naive("08.05.2025 00:00")),
        (StepKind.ESCALATED, naive("14.05.2025 00:00")),
        (StepKind.ANSWERED, naive("14.05.2025 09:00")),
    ]
    assert [e.title for e in late.timeline][1:] == [
        "Срок истёк без ответа; передано автоматически: Директор",
        "Срок истёк без ответа; передано автоматически: Муниципальный орган управления образованием",
        "Ответ дан (Муниципальный орган управления образованием)",
    ]
    assert late.timeline[-1].detail == "в срок (срок — 16.05.2025)"
    assert (late.row.level, late.row.status, late.row.due_date, late.row.escalated) == (
        Level.MUNICIPAL,
        Status.ANSWERED,
        d("16.05.2025"),
        True,
    )
    assert late.answer_text == "Ответ муниципалитета"
    assert late.answered_by == "Тестовый пользователь"

    at_due = school.appeals.card(by_external["at-due"].id)
    assert [e.kind for e in at_due.timeline] == [StepKind.REGISTERED, StepKind.ESCALATED, StepKind.ANSWERED]
    assert (at_due.row.level, at_due.row.due_date) == (Level.DIRECTOR, d("13.05.2025"))

    on_time = school.appeals.card(by_external["on-time"].id)
    assert [e.kind for e in on_time.timeline] == [StepKind.REGISTERED, StepKind.ANSWERED]
    assert (on_time.row.level, on_time.row.escalated, on_time.timeline[-1].detail) == (
        Level.DEPUTY,
        False,
        "в срок (срок — 07.05.2025)",
    )

    after_all = school.appeals.card(by_external["after-all"].id)
    assert [e.at for e in after_all.timeline if e.kind is StepKind.ESCALATED] == [
        naive("08.05.2025 00:00"),
        naive("14.05.2025 00:00"),
        naive("17.05.2025 00:00"),
    ]
    assert (after_all.row.level, after_all.row.due_date) == (Level.DEPARTMENT, None)

    # Answered appeals never escalate afterwards.
    assert school.as_actor(Actor.system()).appeals.sweep(local("01.06.2025 00:00")).escalated == 0


def test_unanswered_imported_appeals_are_left_to_the_sweep_which_writes_true_history(school, tmp_path):
    school.appeals_io.import_file(write_csv(tmp_path / "a.csv", [HEADER, row("1", "30.04.2025 10:00")]))
    [r] = rows_of(school)
    assert (r.level, r.escalated, r.due_date) == (Level.DEPUTY, False, d("07.05.2025"))

    sweep = school.as_actor(Actor.system()).appeals.sweep
    assert sweep(local("07.05.2025 23:59")).escalated == 0
    assert sweep(local("13.05.2025 12:00")).steps == 1
    assert sweep(local("17.05.2025 00:00")).steps == 2
    assert [(k, lv, at) for k, lv, at in steps(school, r.id)] == [
        ("registered", "deputy", local("30.04.2025 10:00")),
        ("escalated", "director", local("08.05.2025 00:00")),
        ("escalated", "municipal", local("14.05.2025 00:00")),
        ("escalated", "department", local("17.05.2025 00:00")),
    ]


def test_an_imported_technical_appeal_whose_thirtieth_day_is_a_holiday(school, tmp_path):
    path = write_csv(
        tmp_path / "a.csv",
        [
            HEADER,
            # 04.12.2024 + 30 days = 03.01.2025, in the New Year holidays (01.01-08.01): due the next working day.
            row(
                "T1",
                "04.12.2024 12:00",
                rubric="Технические вопросы",
                email="t@mail.ru",
                answered="09.01.2025 17:00",
                answer="Доступ восстановлен",
            ),
            # 13.05.2025 + 30 = 12.06.2025, Russia Day; 13.06 off (moved from 08.03), 14-15.06 weekend.
            row("T2", "13.05.2025 09:00", rubric="Технический вопрос", email="t@mail.ru"),
        ],
    )

    school.appeals_io.import_file(path)

    t1, t2 = rows_of(school)
    assert (t1.level, t1.status, t1.due_date) == (Level.SUI, Status.ANSWERED, d("09.01.2025"))
    card = school.appeals.card(t1.id)
    assert card.answer_delivery is Delivery.EMAIL
    assert card.timeline[-1].title == "Ответ дан (Система управления инцидентами; e-mail)"
    assert card.timeline[-1].detail == "в срок (срок — 09.01.2025)"
    assert (t2.level, t2.status, t2.due_date) == (Level.SUI, Status.SUI, d("16.06.2025"))
    assert school.as_actor(Actor.system()).appeals.sweep(local("01.07.2025 00:00")).escalated == 0


def test_an_offset_in_the_file_is_kept_and_the_school_zone_decides_the_date(services, tmp_path):
    rows = [HEADER, row("1", "2025-04-30T01:00+05:00")]
    services.settings.set("timezone", "Asia/Yekaterinburg")
    services.appeals_io.import_file(write_csv(tmp_path / "a.csv", rows))
    services.settings.set("timezone", "Europe/Kaliningrad")
    services.appeals_io.import_file(
        write_csv(tmp_path / "b.csv", [HEADER, row("2", "2025-04-30T01:00+05:00")])
    )
    first, second = rows_of(services)
    # 30.04 01:00 in Yekaterinburg is 29.04 22:00 in Kaliningrad: three working days from a day earlier.
    assert (first.due_date, second.due_date) == (d("07.05.2025"), d("06.05.2025"))


# -- threads -----------------------------------------------------------------------------------------------


def test_repeat_threads_from_the_file_and_from_the_database(school, tmp_path):
    first = write_csv(
        tmp_path / "first.csv",
        [
            HEADER,
            row("A", "03.02.2025 10:00", answered="04.02.2025 15:00", answer="Ответ 0"),
            row("B", "05.02.2025 10:00", repeat_of="A", answered="06.02.2025 15:00", answer="Ответ 1"),
        ],
    )
    school.appeals_io.import_file(first)
    second = write_csv(
        tmp_path / "second.csv",
        [
            HEADER,
            # listed newest first: the order of registration decides numbers and threads, not the order of rows
            row("F", "13.02.2025 10:00", repeat_of="E", text="Пятый повтор"),
            row("E", "11.02.2025 10:00", repeat_of="D", answered="12.02.2025 15:00", answer="Ответ 4"),
            row("D", "09.02.2025 10:00", repeat_of="C", answered="10.02.2025 15:00", answer="Ответ 3"),
            row(
                "C",
                "07.02.2025 10:00",
                repeat_of="О-2025/0002",
                answered="08.02.2025 15:00",
                answer="Ответ 2",
            ),
            row("X", "07.02.2025 11:00", repeat_of="A", answered="08.02.2025 15:00", answer="Тоже к A"),
        ],
    )

    result = school.appeals_io.import_file(second)

    assert result.numbers == ["О-2025/0003", "О-2025/0004", "О-2025/0005", "О-2025/0006", "О-2025/0007"]
    assert result.notices == 1
    rows = {r.external_number: r for r in rows_of(school)}
    assert {k: r.repeat_no for k, r in rows.items()} == {
        "A": 0,
        "B": 1,
        "C": 2,
        "X": 1,
        "D": 3,
        "E": 4,
        "F": 5,
    }
    assert [k for k, r in rows.items() if r.notice] == ["F"]
    card = school.appeals.card(rows["F"].id)
    assert card.parent_number == rows["E"].number
    assert [t.number for t in card.thread] == [rows[k].number for k in ("A", "B", "X", "C", "D", "E", "F")]
    assert card.timeline[-1].kind is StepKind.NOTICE


def test_a_repeat_of_an_unanswered_appeal_in_the_database_is_refused(school, tmp_path):
    school.appeals_io.import_file(write_csv(tmp_path / "a.csv", [HEADER, row("A", "03.02.2025 10:00")]))
    path = write_csv(tmp_path / "b.csv", [HEADER, row("B", "05.02.2025 10:00", repeat_of="A")])
    with pytest.raises(ImportFailed) as info:
        school.appeals_io.import_file(path)
    assert [str(p) for p in info.value.problems] == [
        (
            "b.csv, строка 2, столбец «Повторное к»: на обращение О-2025/0001 ответ ещё не дан: повторное обращение "
            "возможно только после ответа."
        )
    ]
    assert count(school, Appeal) == 1


# -- export -------------------------------------------------------------------------------------------------


def test_the_exported_register_has_the_columns_real_dates_a_frozen_header_and_a_filter(
    school, tmp_path, clock
):
    school.appeals_io.import_file(
        write_csv(
            tmp_path / "a.csv",
            REGISTER
            + [
                row(
                    "В-4",
                    "07.05.2025 12:00",
                    repeat_of="В-3",
                    text="Повтор",
                    email="y@mail.ru",
                    phone="+7 900",
                ),
                row("В-5", "30.04.2025 12:00", answered="14.05.2025 09:00", answer="Поздний ответ"),
            ],
        )
    )
    school.as_actor(Actor.system()).appeals.sweep(local("17.05.2025 00:00"))
    clock.now = local("20.05.2025 12:00")
    out = tmp_path / "out" / "реестр.xlsx"

    assert school.appeals_io.export(out) == 5

    wb = openpyxl.load_workbook(out)
    ws = wb.active
    assert ws.freeze_panes == "A5"
    assert ws.auto_filter.ref == f"A4:{openpyxl.utils.get_column_letter(17)}9"
    header = [c.value for c in ws[4]]
    assert header == [*EXPORT_HEADERS, *EXPORT_EXTRA_HEADERS]
    assert header[:12] == [
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
    ]
    values = [[c.value for c in r] for r in ws.iter_rows(min_row=5)]
    assert [v[:12] for v in values] == [
        [
            "О-2025/0001",
            "В-1",
            naive("30.04.2025 10:00"),
            "Петров Пётр Петрович",
            "Вопрос к школе",
            "Когда будет родительское собрание?",
            "Департамент образования и науки",
            None,
            "На рассмотрении",
            0,
            "Нет",
            None,
        ],
        [
            "О-2025/0002",
            "В-2",
            naive("30.04.2025 11:00"),
            "Сидорова Анна Ивановна",
            "Технический вопрос",
            "Не открывается дневник; пишет «ошибка 500», что делать?",
            "Система управления инцидентами",
            naive("30.05.2025 00:00"),
            "Передано в СУИ",
            0,
            "Нет",
            None,
        ],
        [
            "О-2025/0003",
            "В-5",
            naive("30.04.2025 12:00"),
            "Кузнецова Мария Петровна",
            "Вопрос к школе",
            "Когда будет родительское собрание?",
            "Муниципальный орган управления образованием",
            naive("16.05.2025 00:00"),
            "Ответ дан",
            0,
            "Нет",
            naive("14.05.2025 09:00"),
        ],
        [
            "О-2025/0004",
            "В-3",
            naive("05.05.2025 09:30"),
            "Ёлкина Ольга",
            "Вопрос к школе",
            "Когда будет родительское собрание?",
            "Заместитель директора",
            naive("12.05.2025 00:00"),
            "Ответ дан",
            0,
            "Нет",
            naive("06.05.2025 15:00"),
        ],
        [
            "О-2025/0005",
            "В-4",
            naive("07.05.2025 12:00"),
            "Кузнецова Мария Петровна",
            "Вопрос к школе",
            "Повтор",
            "Муниципальный орган управления образованием",
            naive("21.05.2025 00:00"),
            "На рассмотрении",
            1,
            "Нет",
            None,
        ],
    ]
    assert values[4][12:] == ["y@mail.ru", "+7 900", None, "О-2025/0004", None]
    assert values[0][12:15] == ["petrov@mail.ru", None, "сайт"]
    assert values[3][16] == "Собрание 15 мая в 18:00."
    # Real dates with Russian formats, not text.
    first = next(ws.iter_rows(min_row=5, max_row=5))
    assert first[2].is_date and first[2].number_format == "DD.MM.YYYY HH:MM"
    second = next(ws.iter_rows(min_row=6, max_row=6))
    assert second[7].is_date and second[7].number_format == "DD.MM.YYYY"
    # Open appeals that have left the school stand out.
    assert first[0].fill.fgColor.rgb.endswith("F8D7DA")
    assert not second[0].fill.fgColor.rgb.endswith("F8D7DA")


def test_the_export_takes_a_period_is_recorded_and_needs_the_right(school, tmp_path):
    school.appeals_io.import_file(write_csv(tmp_path / "a.csv", REGISTER))
    out = tmp_path / "may.xlsx"
    assert school.appeals_io.export(out, date_from=d("01.05.2025"), date_to=d("31.05.2025")) == 1
    with school.ctx.transaction() as session:
        event = session.scalars(
            select(Event).where(Event.entity == "appeals").order_by(Event.id.desc())
        ).first()
        assert (event.kind, event.action, event.after["rows"], event.after["file"]) == (
            "access",
            "export",
            1,
            "may.xlsx",
        )
    with pytest.raises(ServiceError, match=r"\.xlsx"):
        school.appeals_io.export(tmp_path / "a.csv")
    with pytest.raises(PermissionDenied):
        person(school, Role.AGENT).appeals_io.export(tmp_path / "x.xlsx")
    assert not (tmp_path / "x.xlsx").exists()


# -- the answer as an e-mail ---------------------------------------------------------------------------------


def test_the_answer_email_is_a_draft_to_the_applicant_from_the_school_with_the_answers_file(
    school, tmp_path, clock
):
    clock.now = local("30.04.2025 10:00")
    card = school.appeals.register(
        AppealInput(
            "Сидорова Анна Ивановна", Rubric.TECHNICAL, "Не открывается дневник", email="anna@mail.ru"
        )
    )
    clock.now = local("05.05.2025 11:00")
    school.appeals.answer(
        card.id,
        "Пароль сброшен, войдите заново.",
        Delivery.EMAIL,
        attachment=FileIn("инструкция.pdf", b"%PDF-1.4 x"),
    )

    path = school.appeals_io.write_answer_email(card.id, tmp_path / "ответ.eml")

    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert message["To"].addresses[0].addr_spec == "anna@mail.ru"
    assert message["To"].addresses[0].display_name == "Сидорова Анна Ивановна"
    assert message["From"].addresses[0].addr_spec == "school7@edu.tyumen.ru"
    assert message["From"].addresses[0].display_name == "МАОУ СОШ № 7"
    assert message["Subject"] == "Ответ на обращение О-2025/0001"
    assert message["X-Unsent"] == "1"
    body = message.get_body(("plain",)).get_content()
    assert body.startswith("Здравствуйте, Сидорова Анна Ивановна!")
    assert "На ваше обращение № О-2025/0001 от 30.04.2025 сообщаем:" in body
    assert "Пароль сброшен, войдите заново." in body
    assert "Средняя общеобразовательная школа № 7" in body
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "инструкция.pdf"
    assert attachment.get_content() == b"%PDF-1.4 x"
    with school.ctx.transaction() as session:
        event = session.scalars(select(Event).where(Event.action == "answer_email")).one()
        assert (event.entity_id, event.after["to"]) == ("О-2025/0001", "anna@mail.ru")


def test_no_answer_email_without_an_answer_or_an_address(school, tmp_path):
    school.appeals_io.import_file(
        write_csv(
            tmp_path / "a.csv",
            REGISTER + [row("В-9", "05.05.2025 09:00", answered="06.05.2025 10:00", answer="Да")],
        )
    )
    rows = {r.external_number: r.id for r in rows_of(school)}
    with pytest.raises(ServiceError, match="ответ ещё не дан"):
        school.appeals_io.write_answer_email(rows["В-2"], tmp_path / "a.eml")
    with pytest.raises(ServiceError, match="не указан e-mail"):
        school.appeals_io.write_answer_email(rows["В-9"], tmp_path / "b.eml")
    assert not list(tmp_path.glob("*.eml"))


# -- the notice letter -----------------------------------------------------------------------------------------


def _thread(school: Services, tmp_path: Path) -> dict[str, int]:
    rows = [HEADER]
    previous = ""
    for i in range(6):
        answered = (f"{4 + 2 * i:02d}.02.2025 15:00", f"Ответ {i}") if i < 5 else ("", "")
        rows.append(
            row(
                f"N{i}",
                f"{3 + 2 * i:02d}.02.2025 10:00",
                "Лебедева Ксения Олеговна",
                email="k@mail.ru",
                phone="+7 912 000-00-00",
                text=f"Прошу пересмотреть оценку, обращение {i}",
                repeat_of=previous,
                answered=answered[0],
                answer=answered[1],
            )
        )
        previous = f"N{i}"
    school.appeals_io.import_file(write_csv(tmp_path / "thread.csv", rows))
    return {r.external_number: r.id for r in rows_of(school)}


def test_the_notice_letter_to_the_department_is_a_pdf_naming_the_applicant_and_the_thread(school, tmp_path):
    ids = _thread(school, tmp_path)

    path = school.appeals_io.write_notice_letter(ids["N5"], tmp_path / "письма" / "уведомление.pdf")

    data = path.read_bytes()
    assert data.startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
        flat = " ".join(text.split())
        assert "Уведомление о повторном обращении" in flat
        assert "Лебедева Ксения Олеговна" in flat
        assert "Департамент образования и науки Тюменской области" in flat
        assert "5-е повторное обращение" in flat
        for number in ("О-2025/0001", "О-2025/0005", "О-2025/0006"):
            assert number in flat
        assert "Прошу пересмотреть оценку, обращение 5" in flat
        assert "М. П. Иванова" in flat
        assert "04.02.2025" in flat and "на рассмотрении" in flat
    with school.ctx.transaction() as session:
        event = session.scalars(select(Event).where(Event.action == "notice_letter")).one()
        assert event.entity_id == "О-2025/0006"


def test_no_notice_letter_before_the_fifth_repeat_or_without_the_schools_details(school, tmp_path):
    ids = _thread(school, tmp_path)
    with pytest.raises(
        ServiceError, match="4-е повторное: уведомление в Департамент направляется начиная с 5-го"
    ):
        school.appeals_io.write_notice_letter(ids["N4"], tmp_path / "a.pdf")
    with school.ctx.transaction() as session:
        from desktop.store.models import Setting

        session.delete(session.get(Setting, "region_department"))
    with pytest.raises(
        ServiceError, match=r"заполните в настройках школы: Департамент образования и науки \(регион\)"
    ):
        school.appeals_io.write_notice_letter(ids["N5"], tmp_path / "b.pdf")
    assert not list(tmp_path.glob("*.pdf"))


# -- the table reader ----------------------------------------------------------------------------------------


def test_dates_and_times_are_read_in_the_russian_and_iso_ways():
    assert parse_local_datetime("30.04.2025 10:00").value == naive("30.04.2025 10:00")
    assert parse_local_datetime("5.3.2025 9:05").value == naive("05.03.2025 09:05")
    assert parse_local_datetime("2025-04-30 10:00:15").value == dt.datetime(2025, 4, 30, 10, 0, 15)
    assert parse_local_datetime("2025-04-30T10:00").value == naive("30.04.2025 10:00")
    at_offset = parse_local_datetime("2025-04-30T10:00+05:00").value
    assert at_offset.astimezone(dt.UTC) == dt.datetime(2025, 4, 30, 5, 0, tzinfo=dt.UTC)
    only_date = parse_local_datetime("30.04.2025")
    assert (only_date.value, only_date.has_time) == (naive("30.04.2025 00:00"), False)
    assert parse_local_datetime(dt.datetime(2025, 4, 30, 10, 0)).value == naive("30.04.2025 10:00")
    assert parse_local_datetime(dt.date(2025, 4, 30)).has_time is False
    assert parse_local_datetime(45777.5).value == naive("30.04.2025 12:00")  # an Excel serial number
    assert parse_date_value("2025-04-30") == d("30.04.2025")
    for bad, reason in (
        ("30/04/2025", "не дата и время"),
        ("31.04.2025", "такой даты нет"),
        ("30.04.2025 25:00", "неверное время"),
        ("вчера", "не дата и время"),
    ):
        with pytest.raises(ValueError, match=reason):
            parse_local_datetime(bad)
    with pytest.raises(ValueError, match="только дата"):
        parse_date_value("30.04.2025 10:00")


def test_the_delimiter_is_taken_from_the_header_line():
    assert sniff_delimiter("Номер;Дата регистрации;Заявитель") == ";"
    assert sniff_delimiter("Номер,Дата регистрации,Заявитель") == ","
    assert sniff_delimiter('"Фамилия, имя";Дата') == ";"
    assert sniff_delimiter('"Фамилия; имя",Дата,Класс') == ","
    assert sniff_delimiter("Номер\tДата") == "\t"


def test_rows_keep_their_numbers_in_the_file_past_empty_rows_and_multiline_cells(tmp_path):
    fields = [Field("name", "ФИО", required=True), Field("note", "Примечание")]
    path = tmp_path / "a.csv"
    path.write_text('ФИО;Примечание\n\nИванов;"две\nстроки"\n;\nПетров;\n', encoding="utf-8")
    table = read_table(path, fields)
    assert [(r.number, r.text("name"), r.text("note")) for r in table.rows] == [
        (3, "Иванов", "две\nстроки"),
        (5, "Петров", ""),
    ]
    xlsx = write_xlsx(
        tmp_path / "a.xlsx", [["ФИО*", "Лишний"], ["Иванов", "x"], [], ["Петров", None]], skip=2
    )
    table = read_table(xlsx, fields)
    assert table.header_row == 3
    assert [(r.number, r.text("name")) for r in table.rows] == [(4, "Иванов"), (6, "Петров")]
    assert not table.has("note")


def test_an_import_problem_reads_as_file_row_column_reason():
    assert str(ImportProblem("appeals.csv", 5, "Текст", "слишком длинный.")) == (
        "appeals.csv, строка 5, столбец «Текст»: слишком длинный."
    )
    assert (
        str(ImportProblem("appeals.csv", 5, None, "пустая строка."))
        == "appeals.csv, строка 5: пустая строка."
    )
    assert str(ImportProblem("appeals.csv", None, None, "не читается.")) == "appeals.csv: не читается."
