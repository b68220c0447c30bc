"""Support requests for the e-journal out of the program, on SQLite and PostgreSQL: the register exported to Excel with
the exact columns in order, real dates and times in school time, a frozen header, a filter and a request long at СТП
highlighted, the export recorded, a class teacher refused; the one-page notice for class teachers with the
administrator's name and СТП's phone (or a line to write in by hand)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pypdfium2 as pdfium
import pytest
from sqlalchemy import select

from desktop.domain.access import Actor, Role
from desktop.domain.support import DEFAULT_STP_PHONE, UserRole
from desktop.services.errors import PermissionDenied, ServiceError
from desktop.services.files import FileIn
from desktop.services.registry import Services
from desktop.services.support import StpLetter, SupportFilter, SupportInput
from desktop.services.support_io import EXPORT_HEADERS, LONG_AT_STP_FILL
from desktop.store.models import Event
from tests.conftest import NOW, FixedClock

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
HEADERS = [
    "Номер", "Принят", "ФИО пользователя", "Дата рождения", "Роль", "Класс", "Кто передал",
    "Электронная почта (Госуслуги)", "Описание", "Статус", "Что дальше", "Исправлено", "Вступает в силу",
    "Заявка в СТП", "Номер СТП", "Рабочих дней в СТП", "Дополнений", "Закрыт", "Итог",
]  # fmt: skip


def person(services: Services, login: str, name: str, *roles: Role) -> Services:
    user = services.users.add(login, name, list(roles), "Пароль-2026", must_change=False)
    return services.as_actor(Actor.user(user.id, user.login, user.full_name, list(roles)))


def intake(
    name: str, born: dt.date, role: UserRole = UserRole.STUDENT, class_name: str = "5А"
) -> SupportInput:
    return SupportInput(
        full_name=name,
        birth_date=born,
        gosuslugi_email="family@mail.ru",
        role=role,
        class_name=class_name,
        brought_by="Иванова Мария Петровна",
        description="Не видит расписание и отметки в дневнике",
        files=(FileIn("экран.png", PNG),),
    )


@pytest.fixture
def school(services: Services) -> Services:
    services.settings.update(
        {
            "timezone": "Asia/Yekaterinburg",
            "school_name": "Муниципальное автономное общеобразовательное учреждение «Средняя школа № 7»",
            "school_short_name": "МАОУ СОШ № 7",
            "support_territory": "Пермский край, г. Пермь",
            "epos_admin_name": "Широких Елена Александровна",
            "epos_admin_room": "каб. 314А",
            "epos_admin_phone": "89223339394",
        }
    )
    return services


@pytest.fixture
def admin(school: Services) -> Services:
    return person(school, "epos", "Широких Елена Александровна", Role.EPOS_ADMIN)


@pytest.fixture
def register(admin: Services, clock: FixedClock) -> dict[str, str]:
    """Three requests: one at СТП since Mon 09.11.2026 (10 working days by Mon 23.11: long), one corrected today,
    one closed without a solution. Their numbers by what they are."""
    clock.now = dt.datetime(2026, 11, 9, 6, 30, tzinfo=dt.UTC)  # Mon 09.11.2026 11:30 in Yekaterinburg
    long = admin.support.create(intake("Петров Иван Сергеевич", dt.date(2014, 3, 2)))
    admin.support.send_to_stp(
        long.id,
        StpLetter("Не отображается расписание", "Расписание пустое", "Вход в дневник под ролью обучающегося"),
    )
    admin.support.set_stp_number(long.id, "STP-1042")
    clock.now = NOW  # Mon 23.11.2026 10:00
    corrected = admin.support.create(
        intake("Соколова Анна Павловна", dt.date(1985, 7, 14), UserRole.PARENT, "7Б")
    )
    admin.support.correct(corrected.id)
    closed = admin.support.create(intake("Ким Олег Юрьевич", dt.date(1990, 1, 5), UserRole.TEACHER, ""))
    admin.support.close(closed.id, "Пользователь уволился")
    return {"long": long.number, "corrected": corrected.number, "closed": closed.number}


def test_the_register_has_the_exact_columns_real_dates_a_frozen_header_a_filter_and_long_at_stp_highlighted(
    admin, register, tmp_path
):
    assert list(EXPORT_HEADERS) == HEADERS
    path = admin.support_io.export(tmp_path / "запросы.xlsx")
    assert path == tmp_path / "запросы.xlsx"

    ws = openpyxl.load_workbook(path).active
    assert ws["A1"].value == "Реестр запросов в поддержку ЭПОС — МАОУ СОШ № 7"
    assert "Период приёма: за всё время." in ws["A2"].value
    assert "Выгрузил: Широких Елена Александровна, 23.11.2026 10:00" in ws["A2"].value
    assert [c.value for c in ws[4]] == HEADERS
    assert ws.freeze_panes == "A5"
    assert ws.auto_filter.ref == "A4:S7"

    rows = {r[0].value: r for r in ws.iter_rows(min_row=5)}
    assert list(rows) == [register["long"], register["corrected"], register["closed"]]  # oldest first
    by = {n: {h: c.value for h, c in zip(HEADERS, r, strict=True)} for n, r in rows.items()}

    long = by[register["long"]]
    assert long["Принят"] == dt.datetime(2026, 11, 9, 11, 30)
    assert long["Дата рождения"] == dt.datetime(2014, 3, 2)
    assert (long["Роль"], long["Класс"], long["Статус"]) == ("обучающийся", "5А", "В СТП")
    assert long["Заявка в СТП"] == dt.datetime(2026, 11, 9, 11, 30)
    assert (long["Номер СТП"], long["Рабочих дней в СТП"], long["Дополнений"]) == ("STP-1042", 10, 0)
    assert long["Что дальше"] == "в СТП 10 рабочих дней"
    assert long["Электронная почта (Госуслуги)"] == "family@mail.ru"

    corrected = by[register["corrected"]]
    assert corrected["Исправлено"] == dt.datetime(2026, 11, 23, 10, 0)
    assert corrected["Вступает в силу"] == dt.datetime(2026, 11, 24, 14, 0)  # the next day after 14:00
    assert corrected["Статус"] == "Исправлено"
    assert corrected["Рабочих дней в СТП"] is None and corrected["Заявка в СТП"] is None

    closed = by[register["closed"]]
    assert closed["Закрыт"] == dt.datetime(2026, 11, 23, 10, 0)
    assert closed["Итог"] == "Закрыт без решения: Пользователь уволился"
    assert (closed["Роль"], closed["Класс"]) == ("педагог", None)

    # Dates are dates, not text, with the register's formats.
    cells = rows[register["long"]]
    assert cells[1].is_date and cells[1].number_format == "DD.MM.YYYY HH:MM"
    assert cells[3].is_date and cells[3].number_format == "DD.MM.YYYY"
    assert rows[register["corrected"]][12].is_date
    # Only the request long at СТП is highlighted.
    assert [r[0].fill.fgColor.rgb.endswith(LONG_AT_STP_FILL) for r in rows.values()] == [True, False, False]

    with admin.ctx.transaction() as session:
        event = session.scalars(
            select(Event).where(Event.action == "export", Event.entity == "support")
        ).one()
    assert (event.kind, event.entity_id) == ("access", "register")


def test_the_register_follows_the_filter_and_the_period(admin, register, tmp_path):
    path = admin.support_io.export(
        tmp_path / "ноябрь.xlsx",
        SupportFilter(date_from=dt.date(2026, 11, 20), date_to=dt.date(2026, 11, 30)),
    )
    ws = openpyxl.load_workbook(path).active
    assert [r[0] for r in ws.iter_rows(min_row=5, values_only=True)] == [
        register["corrected"],
        register["closed"],
    ]
    assert "Период приёма: с 20.11.2026 по 30.11.2026." in ws["A2"].value
    assert admin.support_io.write_register(tmp_path / "долго.xlsx", SupportFilter(long_at_stp=True)) == 1


def test_a_class_teacher_cannot_export_and_a_wrong_file_is_refused(school, register, admin, tmp_path):
    teacher = person(school, "teacher", "Иванова Мария Петровна", Role.CLASS_TEACHER)
    with pytest.raises(PermissionDenied):
        teacher.support_io.export(tmp_path / "r.xlsx")
    assert not (tmp_path / "r.xlsx").exists()
    with pytest.raises(ServiceError, match=r"выгружается в Excel: укажите файл с расширением \.xlsx"):
        admin.support_io.export(tmp_path / "r.csv")
    assert not (tmp_path / "r.csv").exists()


def _pdf(path: Path) -> tuple[int, str]:
    pdf = pdfium.PdfDocument(str(path))
    try:
        return len(pdf), "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    finally:
        pdf.close()


def test_the_notice_is_one_page_with_the_administrator_and_stp(school, tmp_path):
    # A class teacher prints it: it holds no personal data and needs no right.
    teacher = person(school, "teacher", "Иванова Мария Петровна", Role.CLASS_TEACHER)
    path = teacher.support_io.write_notice(tmp_path / "памятка.pdf")
    pages, text = _pdf(path)
    assert pages == 1
    flat = " ".join(text.split())
    assert "Памятка классному руководителю: ошибки в работе ЭПОС" in flat
    assert "Широких Елена Александровна" in flat
    assert "каб. 314А" in flat and "89223339394" in flat
    assert DEFAULT_STP_PHONE in flat
    assert "support-epos@permkrai.ru" in flat and "https://epos.permkrai.ru/" in flat
    assert "на следующий день после 14:00, кроме субботы и воскресенья" in flat
    assert "зарегистрирован на Госуслугах" in flat
    assert "по состоянию на 23.11.2026" in flat
    assert "Муниципальное автономное общеобразовательное учреждение" in flat


def test_the_notice_without_an_administrator_leaves_lines_to_write_in(services, tmp_path):
    services.settings.update({"timezone": "Asia/Yekaterinburg", "school_short_name": "МАОУ СОШ № 7"})
    path = services.support_io.write_notice(tmp_path / "памятка.pdf")
    pages, text = _pdf(path)
    assert pages == 1
    assert "Администратор ЭПОС: ____" in " ".join(text.split())
    assert DEFAULT_STP_PHONE in text
    with pytest.raises(ServiceError, match=r"Памятка сохраняется в PDF"):
        services.support_io.write_notice(tmp_path / "памятка.docx")
