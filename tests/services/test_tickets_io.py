"""Initiative tickets in and out, on SQLite and PostgreSQL: a register imported from Excel or from a Windows-1251 CSV
with «;» all or nothing, terms counted by hand on the production calendar (the May 2025 holidays, the working Saturday
01.11.2025), a bad file refused with every problem and nothing written; the register exported to Excel with real dates,
a frozen header, a filter and «Да»/«Нет», an agent's export holding only their own tickets."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from sqlalchemy import func, select

from desktop.domain.access import PERMISSIONS, Action, Actor, Role
from desktop.domain.tickets import RefusalReason, Status
from desktop.services.errors import PermissionDenied, ServiceError
from desktop.services.registry import Services, open_services
from desktop.services.tabular import ImportFailed
from desktop.services.tickets import TicketFilter, TicketSort
from desktop.services.tickets_io import EXPORT_EXTRA_HEADERS, EXPORT_HEADERS
from desktop.store.db import resolve_location
from desktop.store.models import Event, Ticket

YEKB = ZoneInfo("Asia/Yekaterinburg")
HEADER = ["Дата подачи", "Заявитель", "Категория", "Дата мероприятия", "Описание", "Контакт", "Класс"]
ROOMS, INFO, TRANSPORT = "Бронирование помещений", "Информационная поддержка", "Транспортные услуги"
MEDIA, PRINTING = "Услуги медиацентра", "Полиграфические услуги"
SOUVENIRS = "Сувенирная и канцелярская продукция"


def d(text: str) -> dt.date:
    return dt.datetime.strptime(text, "%d.%m.%Y").date()


def naive(text: str) -> dt.datetime:
    return dt.datetime.strptime(text, "%d.%m.%Y %H:%M")


def local(text: str) -> dt.datetime:
    return naive(text).replace(tzinfo=YEKB).astimezone(dt.UTC)


def write_csv(
    path: Path, rows: Sequence[Sequence[object]], *, encoding: str = "utf-8", delimiter: str = ";"
) -> Path:
    with path.open("w", encoding=encoding, newline="") as f:
        csv.writer(f, delimiter=delimiter).writerows(rows)
    return path


def write_xlsx(path: Path, rows: Sequence[Sequence[object]]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    for r in rows:
        ws.append(list(r))
    wb.save(path)
    return path


def count(services: Services, model: type) -> int:
    with services.ctx.transaction() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def person(services: Services, login: str, name: str, *roles: Role) -> Services:
    user = services.users.add(login, name, list(roles), "Пароль-2026", must_change=False)
    return services.as_actor(Actor.user(user.id, user.login, user.full_name, list(roles)))


@pytest.fixture
def school(services: Services) -> Services:
    services.settings.update({"timezone": "Asia/Yekaterinburg", "school_short_name": "МАОУ СОШ № 7"})
    return services


# A register as another office keeps it: rows not in date order, dates in every accepted form (file rows 2…7).
REGISTER = [
    HEADER,
    # 3/2/2 working days before Mon 12.05.2025; 08.05-11.05 off: 07.05 (1), 06.05 (2), 05.05 (3).
    [
        "30.04.2025 10:00",
        "Петров Пётр Петрович",
        ROOMS,
        "12.05.2025",
        "Актовый зал на репетицию",
        "+7 912 000-00-01",
        "10А",
    ],
    # 5/3/2 before 12.05.2025: 07.05 (1), 06.05 (2), 05.05 (3), 30.04 (4), 29.04 (5) — submitted 30.04: late.
    [
        "30.04.2025 09:00",
        "Сидорова Анна Ивановна",
        INFO,
        "12.05.2025",
        "Анонс концерта на сайте школы",
        "anna@mail.ru",
        "",
    ],
    # 5/3/2 before Wed 05.11.2025; 04.11 holiday, 03.11 off (moved from Sat 01.11), 01.11 a working Saturday:
    # 01.11 (1), 31.10 (2), 30.10 (3), 29.10 (4), 28.10 (5). A date alone: 00:00 of 28.10, the last day: in time.
    ["28.10.2025", "Ёлкина Ольга Сергеевна", TRANSPORT, "05.11.2025", "Автобус на экскурсию", "", "8Б"],
    # 3/2/2 before Mon 03.11.2025: 01.11 (1), 31.10 (2), 30.10 (3) — submitted 31.10: late.
    ["31.10.2025 16:30", "Кузнецов Иван Андреевич", MEDIA, "03.11.2025", "Фотосъёмка выставки", "", ""],
    # 5/3/2 before Thu 15.05.2025: 14.05 (1), 13.05 (2), 12.05 (3), 07.05 (4), 06.05 (5): late evening of the last
    # day is still in time.
    [
        "2025-05-06T18:45",
        "Лебедева Ксения Олеговна",
        PRINTING,
        "2025-05-15",
        "Грамоты для победителей",
        "",
        "11В",
    ],
    # 5/3/2 before Fri 02.05.2025 (a day off itself): 30.04 (1), 29.04 (2), 28.04 (3), 25.04 (4), 24.04 (5).
    [
        "24.04.2025 12:00",
        "Морозова Дарья Ильинична",
        SOUVENIRS,
        "02.05.2025",
        "Блокноты для олимпиады",
        "",
        "",
    ],
]
# By submission moment: 24.04, 30.04 09:00, 30.04 10:00, 06.05, 28.10, 31.10.
# (number, submitted, client, event, submit by, late, report by, client by)
EXPECTED = [
    ("И-2025/0001", naive("24.04.2025 12:00"), "Морозова Дарья Ильинична", d("02.05.2025"), d("24.04.2025"), False,
     d("28.04.2025"), d("29.04.2025")),
    ("И-2025/0002", naive("30.04.2025 09:00"), "Сидорова Анна Ивановна", d("12.05.2025"), d("29.04.2025"), True,
     d("05.05.2025"), d("06.05.2025")),
    ("И-2025/0003", naive("30.04.2025 10:00"), "Петров Пётр Петрович", d("12.05.2025"), d("05.05.2025"), False,
     d("06.05.2025"), d("06.05.2025")),
    ("И-2025/0004", naive("06.05.2025 18:45"), "Лебедева Ксения Олеговна", d("15.05.2025"), d("06.05.2025"), False,
     d("12.05.2025"), d("13.05.2025")),
    ("И-2025/0005", naive("28.10.2025 00:00"), "Ёлкина Ольга Сергеевна", d("05.11.2025"), d("28.10.2025"), False,
     d("30.10.2025"), d("31.10.2025")),
    ("И-2025/0006", naive("31.10.2025 16:30"), "Кузнецов Иван Андреевич", d("03.11.2025"), d("30.10.2025"), True,
     d("31.10.2025"), d("31.10.2025")),
]  # fmt: skip


def summary(services: Services) -> list[tuple[object, ...]]:
    with services.ctx.transaction() as session:
        tickets = session.scalars(select(Ticket).order_by(Ticket.year, Ticket.seq)).all()
        return [
            (t.number, t.submitted_at.astimezone(YEKB).replace(tzinfo=None), t.client_name, t.event_date,
             t.submit_by, t.late, t.report_by, t.client_by)
            for t in tickets
        ]  # fmt: skip


def details(services: Services) -> list[tuple[object, ...]]:
    with services.ctx.transaction() as session:
        return [
            (t.number, t.category, t.client_group, t.client_contact, t.description, t.status, t.next_due)
            for t in session.scalars(select(Ticket).order_by(Ticket.year, Ticket.seq))
        ]


def test_a_register_is_imported_in_date_order_with_terms_counted_by_hand(school, tmp_path):
    operator = person(school, "operator", "Соколова Елена Викторовна", Role.OPERATOR)
    result = operator.tickets_io.import_file(write_xlsx(tmp_path / "заявки.xlsx", REGISTER))

    assert result.describe() == "Загружено заявок: 6 (И-2025/0001 … И-2025/0006). Поданы позже срока: 2."
    assert summary(school) == EXPECTED
    # The queue shows them as the service took them in: «Открыто», waiting for the agent's report.
    rows = operator.tickets.page(TicketFilter(), sort=TicketSort.NUMBER)
    assert [(r.number, r.status, r.late) for r in rows] == [(e[0], Status.OPEN, e[5]) for e in EXPECTED]
    assert details(school)[2] == (
        "И-2025/0003", "rooms", "10А", "+7 912 000-00-01", "Актовый зал на репетицию", "open", d("06.05.2025"),
    )  # fmt: skip
    with school.ctx.transaction() as session:
        events = session.scalars(select(Event).where(Event.entity == "ticket_import")).all()
        assert [(e.action, e.actor, e.after["count"], e.after["file"], e.after["late"]) for e in events] == [
            ("import", "Соколова Елена Викторовна", 6, "заявки.xlsx", 2)
        ]
        assert (
            session.scalar(
                select(func.count())
                .select_from(Event)
                .where(Event.entity == "ticket", Event.action == "create")
            )
            == 6
        )
        # The history starts at the submission moment, not at the moment of the import.
        first = session.scalars(select(Ticket).where(Ticket.number == "И-2025/0002")).one()
        assert first.submitted_at == local("30.04.2025 09:00")


def test_a_windows_1251_csv_with_semicolons_imports_exactly_like_an_excel_file(school, tmp_path, clock):
    # The Excel file holds real Excel dates and times; the CSV the same as text, in Windows-1251 with «;».
    excel_rows: list[list[object]] = [HEADER]
    for r in REGISTER[1:]:
        submitted = r[0]
        if "T" in submitted:
            value: object = dt.datetime.fromisoformat(submitted)
        elif " " in submitted:
            value = naive(submitted)
        else:
            value = d(submitted)
        event = dt.datetime.fromisoformat(r[3]).date() if "-" in r[3] else d(r[3])
        excel_rows.append([value, r[1], r[2], event, r[4], r[5], r[6]])
    school.tickets_io.import_file(write_xlsx(tmp_path / "a.xlsx", excel_rows))

    other = open_services(
        resolve_location(str(tmp_path / "other.db")), actor=Actor.bootstrap("Проверка"), clock=clock
    )
    try:
        other.settings.update({"timezone": "Asia/Yekaterinburg"})
        path = write_csv(tmp_path / "a.csv", REGISTER, encoding="cp1251", delimiter=";")
        assert "Ёлкина".encode("cp1251") in path.read_bytes()
        other.tickets_io.import_file(path)
        assert summary(other) == summary(school) == EXPECTED
        assert details(other) == details(school)
    finally:
        other.close()


def test_a_bad_file_lists_every_problem_with_row_and_column_and_writes_nothing(school, tmp_path):
    school.tickets_io.import_file(write_csv(tmp_path / "first.csv", REGISTER[:2]))  # one ticket already there
    before = (count(school, Ticket), count(school, Event))
    rows = [
        HEADER,
        ["01.04.2025 10:00", "Иванова Мария Петровна", INFO, "30.04.2025", "Анонс", "", ""],  # 2: good
        ["01.04.2025 10:00", "Иванова Мария Петровна", "Фотосессия", "30.04.2025", "Съёмка", "", ""],  # 3
        ["вчера", "Иванова Мария Петровна", INFO, "30.04.2025", "Анонс", "", ""],  # 4
        ["30.04.2025 10:00", "Иванова Мария Петровна", INFO, "29.04.2025", "Анонс", "", ""],  # 5
        ["01.04.2025 10:00", "Иванова Мария Петровна", INFO, "30.04.2025", "я" * 4001, "", ""],  # 6
        ["01.12.2026 09:00", "Иванова Мария Петровна", INFO, "30.12.2026", "Анонс", "", ""],  # 7: after NOW
        ["20.11.2026 10:00", "Иванова Мария Петровна", INFO, "15.05.2040", "Анонс", "", ""],  # 8: no calendar
        ["01.04.2025 10:00", "", INFO, "скоро", "Анонс", "ivan@", ""],  # 9: three problems
        REGISTER[1],  # 10: already in the program
    ]

    with pytest.raises(ImportFailed) as caught:
        school.tickets_io.import_file(write_csv(tmp_path / "bad.csv", rows))

    got = [(p.file, p.row, p.column) for p in caught.value.problems]
    assert got == [
        ("bad.csv", 3, "Категория"),
        ("bad.csv", 4, "Дата подачи"),
        ("bad.csv", 5, "Дата мероприятия"),
        ("bad.csv", 6, "Описание"),
        ("bad.csv", 7, "Дата подачи"),
        ("bad.csv", 8, "Дата мероприятия"),
        ("bad.csv", 9, "Заявитель"),
        ("bad.csv", 9, "Дата мероприятия"),
        ("bad.csv", 9, "Контакт"),
        ("bad.csv", 10, None),
    ]
    reasons = {(p.row, p.column): p.reason for p in caught.value.problems}
    assert reasons[(3, "Категория")].startswith(
        "неизвестная категория «Фотосессия»: допустимы «Информационная"
    )
    assert reasons[(4, "Дата подачи")].startswith("«вчера» — не дата и время.")
    assert reasons[(5, "Дата мероприятия")].startswith(
        "мероприятие 29.04.2025 раньше подачи заявки 30.04.2025"
    )
    assert reasons[(6, "Описание")] == ("описание — 4001 знак, а можно не больше 4000: сократите на 1 знак.")
    assert "ещё не наступило" in reasons[(7, "Дата подачи")]
    assert "2040" in reasons[(8, "Дата мероприятия")]
    assert reasons[(10, None)].startswith("эта заявка уже загружена в программу (И-2025/0001)")
    assert str(caught.value).startswith("Файл не загружен: 10 ошибок, ничего не записано.")
    assert "bad.csv, строка 3, столбец «Категория»: неизвестная категория" in str(caught.value)
    assert (count(school, Ticket), count(school, Event)) == before
    # The numbers were not taken: the good row alone goes on with …/0002.
    result = school.tickets_io.import_file(write_csv(tmp_path / "good.csv", rows[:2]))
    assert result.numbers == ["И-2025/0002"]


def test_missing_columns_and_rights_are_refused(school, tmp_path):
    with pytest.raises(ImportFailed) as caught:
        school.tickets_io.import_file(
            write_csv(tmp_path / "x.csv", [["Дата подачи", "Заявитель"], ["x", "y"]])
        )
    assert [p.column for p in caught.value.problems][:3] == ["Категория", "Дата мероприятия", "Описание"]
    agent = person(school, "agent", "Смирнов Алексей Петрович", Role.AGENT)
    with pytest.raises(PermissionDenied):
        agent.tickets_io.import_file(write_csv(tmp_path / "a.csv", REGISTER))
    assert count(school, Ticket) == 0


def test_the_exported_register_has_the_exact_columns_real_dates_a_frozen_header_and_a_filter(
    school, tmp_path, monkeypatch
):
    operator = person(school, "operator", "Соколова Елена Викторовна", Role.OPERATOR)
    agent_user = school.users.add(
        "agent", "Смирнов Алексей Петрович", [Role.AGENT], "Пароль-2026", must_change=False
    )
    agent = school.as_actor(Actor.user(agent_user.id, "agent", agent_user.full_name, [Role.AGENT]))
    operator.tickets_io.import_file(write_csv(tmp_path / "a.csv", REGISTER))
    ids = {r.number: r.id for r in operator.tickets.page(TicketFilter(), sort=TicketSort.NUMBER)}
    # И-2025/0003: assigned, in work, done, rated; И-2025/0002 (late): refused.
    operator.tickets.set_status(ids["И-2025/0003"], Status.REVIEW)
    operator.tickets.assign(ids["И-2025/0003"], agent_user.id)
    agent.tickets.set_status(ids["И-2025/0003"], Status.IN_WORK)
    operator.tickets.set_status(ids["И-2025/0003"], Status.DONE)
    operator.tickets.feedback(ids["И-2025/0003"], 5, "Спасибо, всё прошло хорошо")
    operator.tickets.refuse(ids["И-2025/0002"], RefusalReason.LATE, "подайте заранее")
    director = person(school, "director", "Иванова Мария Петровна", Role.DIRECTOR)
    out = tmp_path / "out" / "заявки.xlsx"

    assert director.tickets_io.export(out) == 6

    ws = openpyxl.load_workbook(out).active
    assert ws.freeze_panes == "A5"
    assert ws.auto_filter.ref == "A4:Q10"
    header = [c.value for c in ws[4]]
    assert header == [
        "Номер", "Дата подачи", "Заявитель", "Категория", "Дата мероприятия", "Крайний срок подачи", "Подана в срок",
        "Срок отчёта исполнителя", "Срок ответа заявителя", "Исполнитель", "Статус",
        "Класс", "Контакт", "Описание", "Причина отказа или закрытия", "Оценка", "Отзыв",
    ]  # fmt: skip
    assert header == [*EXPORT_HEADERS, *EXPORT_EXTRA_HEADERS]
    assert all(c.font.bold for c in ws[4])
    values = [[c.value for c in r] for r in ws.iter_rows(min_row=5)]
    midnight = dt.time(0)
    assert [v[:9] for v in values] == [
        [n, sub, client, cat, dt.datetime.combine(ev, midnight), dt.datetime.combine(by, midnight),
         "Нет" if late else "Да", dt.datetime.combine(rep, midnight), dt.datetime.combine(cli, midnight)]
        for (n, sub, client, ev, by, late, rep, cli), cat in zip(
            EXPECTED, [SOUVENIRS, INFO, ROOMS, PRINTING, TRANSPORT, MEDIA], strict=True
        )
    ]  # fmt: skip
    assert [v[9:11] for v in values] == [
        [None, "Открыто"],
        [None, "Отказано"],
        ["Смирнов Алексей Петрович", "Исполнено"],
        [None, "Открыто"],
        [None, "Открыто"],
        [None, "Открыто"],
    ]
    assert values[1][14] == "обращение отправлено позже сроков, установленных в п. 4.1.1: подайте заранее"
    assert values[2][11:] == [
        "10А", "+7 912 000-00-01", "Актовый зал на репетицию", None, 5, "Спасибо, всё прошло хорошо",
    ]  # fmt: skip
    first = next(ws.iter_rows(min_row=5, max_row=5))
    assert first[1].is_date and first[1].number_format == "DD.MM.YYYY HH:MM"
    assert all(first[i].is_date and first[i].number_format == "DD.MM.YYYY" for i in (4, 5, 7, 8))
    # Late tickets stand out; those in time do not.
    rows = list(ws.iter_rows(min_row=5))
    assert [r[0].fill.fgColor.rgb.endswith("F8D7DA") for r in rows] == [e[5] for e in EXPECTED]

    # The export is recorded as personal data leaving the program; a period narrows it.
    with school.ctx.transaction() as session:
        event = session.scalars(
            select(Event).where(Event.entity == "tickets").order_by(Event.id.desc())
        ).first()
        assert (event.kind, event.action, event.actor, event.after["rows"]) == (
            "access", "export", "Иванова Мария Петровна", 6,
        )  # fmt: skip
    assert (
        director.tickets_io.export(tmp_path / "may.xlsx", date_from=d("01.05.2025"), date_to=d("31.05.2025"))
        == 1
    )
    with pytest.raises(ServiceError, match=r"\.xlsx"):
        director.tickets_io.export(tmp_path / "a.csv")

    # An agent may not export; were they allowed, they would get only the tickets assigned to them.
    with pytest.raises(PermissionDenied):
        agent.tickets_io.export(tmp_path / "agent.xlsx")
    assert not (tmp_path / "agent.xlsx").exists()
    monkeypatch.setitem(PERMISSIONS, Action.TICKETS_EXPORT, PERMISSIONS[Action.TICKETS_EXPORT] | {Role.AGENT})
    assert agent.tickets_io.export(tmp_path / "agent.xlsx") == 1
    ws = openpyxl.load_workbook(tmp_path / "agent.xlsx").active
    assert [r[0] for r in ws.iter_rows(min_row=5, values_only=True)] == ["И-2025/0003"]
