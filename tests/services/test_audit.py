"""The audit trail, on SQLite and PostgreSQL: append-only in the database itself, browsed with filters by the
school's calendar days, user and kind, and exported to Excel with the actions just taken and who took them."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from desktop.domain.access import Role
from desktop.services.audit import AuditFilter
from desktop.services.calendar import OverrideKind
from desktop.services.errors import PermissionDenied, ServiceError
from desktop.store.models import Event

D = dt.date
UTC = dt.UTC
PASSWORD = "Школа-2026"
REFUSAL = "журнал событий только пополняется: записи нельзя изменять или удалять"

#: The columns of the exported trail, a contract for those who read the file.
HEADERS = ("Дата и время", "Пользователь", "Логин", "Вид", "Объект", "Номер объекта", "Действие", "Было", "Стало")


def _rows(services) -> list[tuple[object, ...]]:
    with services.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text("SELECT * FROM events ORDER BY id"))]


def _local(*args: int) -> dt.datetime:
    """A moment in Tyumen (UTC+5), the demo school's zone, as UTC."""
    return dt.datetime(*args, tzinfo=dt.timezone(dt.timedelta(hours=5))).astimezone(UTC)


# -- append-only ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE events SET actor = 'Кто-то другой'",
        "UPDATE events SET after = NULL WHERE entity_id = 'school_short_name'",
        "DELETE FROM events WHERE entity_id = 'school_short_name'",
        "DELETE FROM events",
    ],
)
def test_the_database_refuses_to_change_or_delete_an_event(services, statement):
    services.settings.set("school_short_name", "МАОУ СОШ № 7")
    services.settings.set("school_short_name", "МАОУ СОШ № 12")
    before = _rows(services)

    with pytest.raises(DBAPIError) as info, services.engine.begin() as connection:
        connection.execute(text(statement))

    assert REFUSAL in str(info.value.orig)
    assert _rows(services) == before
    services.settings.set("school_short_name", "МАОУ СОШ № 7")  # appending still works
    assert len(_rows(services)) == len(before) + 1


def test_the_database_refuses_to_empty_the_log_at_once(services):
    services.settings.set("school_short_name", "МАОУ СОШ № 7")
    services.users.add("ivanova", "Иванова Наталья Сергеевна", [Role.SECRETARY], PASSWORD)
    before = _rows(services)
    if services.engine.dialect.name == "postgresql":
        statements = ["TRUNCATE events", "TRUNCATE users CASCADE"]  # no row triggers fire on TRUNCATE
    else:
        statements = ["DELETE FROM events WHERE 1"]  # SQLite's truncate optimisation
    for statement in statements:
        with pytest.raises(DBAPIError) as info, services.engine.begin() as connection:
            connection.execute(text(statement))
        assert REFUSAL in str(info.value.orig)
        assert _rows(services) == before


# -- browsing with filters -------------------------------------------------------------------------------


@pytest.fixture
def trail(services, clock):
    """Two staff members' actions around the 23rd and 24th of November in Tyumen; returns their ids."""
    clock.now = _local(2026, 11, 20, 9, 0)
    services.settings.set("timezone", "Asia/Yekaterinburg")
    services.users.add("ivanova", "Иванова Наталья Сергеевна", [Role.SECRETARY], PASSWORD)
    services.users.add("sokolova", "Соколова Елена Викторовна", [Role.DIRECTOR], PASSWORD)
    ivanova = services.as_actor(services.users.authenticate("ivanova", PASSWORD))
    sokolova = services.as_actor(services.users.authenticate("sokolova", PASSWORD))

    clock.now = _local(2026, 11, 22, 23, 59)  # the evening before: outside
    ivanova.calendar.set_day(D(2026, 12, 1), OverrideKind.DAY_OFF, "до")
    clock.now = _local(2026, 11, 23, 0, 0)  # midnight in Tyumen, still the 22nd in UTC: inside
    ivanova.calendar.set_day(D(2026, 12, 2), OverrideKind.DAY_OFF, "первая минута")
    clock.now = _local(2026, 11, 23, 9, 0)
    with pytest.raises(ServiceError):
        services.users.authenticate("nobody", PASSWORD)  # a failed login, by nobody known
    clock.now = _local(2026, 11, 23, 12, 0)
    sokolova.settings.set("school_short_name", "МАОУ СОШ № 7")
    clock.now = _local(2026, 11, 24, 23, 59)  # the last minute of the range
    ivanova.calendar.set_day(D(2026, 12, 3), OverrideKind.DAY_OFF, "последняя минута")
    clock.now = _local(2026, 11, 25, 0, 0)  # the next day in Tyumen, still the 24th in UTC: outside
    ivanova.calendar.set_day(D(2026, 12, 4), OverrideKind.DAY_OFF, "после")
    return ivanova.actor.user_id, sokolova.actor.user_id


def _ids(rows) -> list[str]:
    return [row.entity_id for row in rows]


def test_the_date_filter_takes_whole_days_in_the_schools_time_zone_both_ends_included(services, trail):
    flt = AuditFilter(date_from=D(2026, 11, 23), date_to=D(2026, 11, 24))
    rows = services.audit.page(flt)
    assert _ids(rows) == ["2026-12-03", "school_short_name", "nobody", "2026-12-02"]  # newest first
    assert services.audit.count(flt) == 4
    assert rows[-1].at == _local(2026, 11, 23, 0, 0)
    one_day = AuditFilter(date_from=D(2026, 11, 23), date_to=D(2026, 11, 23))
    assert _ids(services.audit.page(one_day)) == ["school_short_name", "nobody", "2026-12-02"]
    assert _ids(services.audit.page(AuditFilter(date_from=D(2026, 11, 25)))) == ["2026-12-04"]
    assert "2026-12-01" in _ids(services.audit.page(AuditFilter(date_to=D(2026, 11, 22))))


def test_the_user_and_kind_filters(services, trail):
    ivanova_id, sokolova_id = trail
    mine = services.audit.page(AuditFilter(actor_id=ivanova_id))
    assert _ids(mine) == ["2026-12-04", "2026-12-03", "2026-12-02", "2026-12-01", "ivanova"]
    assert {(row.actor, row.actor_login) for row in mine} == {("Иванова Наталья Сергеевна", "ivanova")}
    assert _ids(services.audit.page(AuditFilter(actor_id=sokolova_id, kind="change"))) == ["school_short_name"]

    logins = services.audit.page(AuditFilter(kind="auth"))
    assert [(row.entity_id, row.action_text) for row in logins] == [
        ("nobody", "неверный пароль"),
        ("sokolova", "вход"),
        ("ivanova", "вход"),
    ]
    assert {row.kind_text for row in logins} == {"вход и блокировка"}
    assert services.audit.count(AuditFilter(kind="auth", date_from=D(2026, 11, 23))) == 1
    assert services.audit.count(AuditFilter(kind="access")) == 0


def test_pages_go_through_every_event_newest_first(services, trail):
    total = services.audit.count()
    pages = [services.audit.page(offset=offset, limit=3) for offset in range(0, total, 3)]
    rows = [row for page in pages for row in page]
    assert len(rows) == total == len({row.id for row in rows})
    assert [row.at for row in rows] == sorted((row.at for row in rows), reverse=True)


# -- export ----------------------------------------------------------------------------------------------


@pytest.fixture
def admin(services, clock):
    services.settings.set("timezone", "Asia/Yekaterinburg")
    services.users.create_first_admin("admin", "Петров Алексей Игоревич", PASSWORD)
    return services.as_actor(services.users.authenticate("admin", PASSWORD))


def _sheet_rows(path) -> list[tuple[object, ...]]:
    sheet = openpyxl.load_workbook(path).active
    return [tuple(row) for row in sheet.iter_rows(min_row=5, values_only=True)]


def test_the_export_lists_the_actions_just_taken_with_the_user_and_time(admin, clock, tmp_path):
    clock.now = _local(2026, 11, 23, 10, 0)
    admin.settings.set("school_short_name", "МАОУ СОШ № 7")
    clock.advance(minutes=5)
    admin.calendar.set_day(D(2026, 11, 27), OverrideKind.DAY_OFF, "Карантин")
    clock.advance(minutes=5)
    path = tmp_path / "журнал.xlsx"

    count = admin.audit.export(path)

    book = openpyxl.load_workbook(path)
    sheet = book.active
    assert sheet.title == "Журнал событий"
    assert sheet["A1"].value == "Журнал событий — МАОУ СОШ № 7"
    assert "Петров Алексей Игоревич, 23.11.2026 10:10" in sheet["A2"].value
    assert tuple(cell.value for cell in sheet[4]) == HEADERS
    assert all(cell.font.bold for cell in sheet[4])
    assert sheet.freeze_panes == "A5"  # the header stays in view
    assert sheet.auto_filter.ref == f"A4:I{4 + count}"
    assert sheet.page_setup.orientation == "landscape"
    rows = _sheet_rows(path)
    assert len(rows) == count
    assert rows[-2:] == [
        (
            dt.datetime(2026, 11, 23, 10, 0),
            "Петров Алексей Игоревич",
            "admin",
            "изменение",
            "настройки школы",
            "school_short_name",
            "задано",
            None,
            "МАОУ СОШ № 7",
        ),
        (
            dt.datetime(2026, 11, 23, 10, 5),
            "Петров Алексей Игоревич",
            "admin",
            "изменение",
            "календарь: день школы",
            "2026-11-27",
            "задано",
            None,
            "kind: day_off; reason: Карантин",
        ),
    ]
    assert sheet.cell(4 + count, 1).number_format == "DD.MM.YYYY HH:MM"  # a real date, shown the Russian way
    # The administrator's login is there too, and the first administrator's creation before it.
    assert ("вход в программу", "admin", "вход") in [row[4:7] for row in rows]

    # The export itself is on record: who looked at the trail, when, and how much of it.
    newest = admin.audit.page(limit=1)[0]
    assert (newest.kind, newest.entity, newest.action, newest.actor_login, newest.at) == (
        "access",
        "audit",
        "export",
        "admin",
        clock.now,
    )
    assert newest.after == {"file": "журнал.xlsx", "rows": count, "period": "за всё время"}


def test_the_export_takes_the_chosen_days_only(admin, clock, tmp_path):
    clock.now = _local(2026, 11, 23, 23, 30)
    admin.settings.set("school_short_name", "МАОУ СОШ № 7")
    clock.now = _local(2026, 11, 24, 0, 30)
    admin.settings.set("school_short_name", "МАОУ СОШ № 12")
    path = tmp_path / "audit.xlsx"

    count = admin.audit.export(path, AuditFilter(date_from=D(2026, 11, 24), date_to=D(2026, 11, 24)))

    assert count == 1
    assert [row[0] for row in _sheet_rows(path)] == [dt.datetime(2026, 11, 24, 0, 30)]
    assert "Период: с 24.11.2026 по 24.11.2026." in openpyxl.load_workbook(path).active["A2"].value


def test_a_refused_export_writes_no_file_and_no_event(services, admin, tmp_path):
    services.users.add("ivanova", "Иванова Наталья Сергеевна", [Role.SECRETARY, Role.AGENT], PASSWORD)
    secretary = services.as_actor(services.users.authenticate("ivanova", PASSWORD))
    folder = tmp_path / "out"
    folder.mkdir()
    path = folder / "audit.xlsx"
    before = _rows(services)

    with pytest.raises(PermissionDenied) as info:
        secretary.audit.export(path)

    assert str(info.value) == (
        "Недостаточно прав: «выгрузка журнала событий» доступно ролям: администратор, директор. "
        "Ваши роли: секретарь, исполнитель."
    )
    assert not path.exists()
    assert list(folder.iterdir()) == []  # not even a half-written file
    assert _rows(services) == before


def test_an_export_to_a_file_that_is_not_xlsx_is_refused(admin, tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    with pytest.raises(ServiceError, match="укажите файл с расширением .xlsx"):
        admin.audit.export(folder / "audit.csv")
    assert list(folder.iterdir()) == []
    assert admin.audit.count(AuditFilter(kind="access")) == 0


def test_an_export_into_a_missing_folder_creates_it(admin, tmp_path):
    path = tmp_path / "выгрузки" / "2026" / "audit.xlsx"
    count = admin.audit.export(path)
    assert len(_sheet_rows(path)) == count > 0


def test_an_export_that_cannot_be_written_is_a_russian_error_and_not_recorded(admin, tmp_path):
    blocker = tmp_path / "не папка"
    blocker.write_text("файл на месте папки", encoding="utf-8")
    with pytest.raises(ServiceError, match="Не удалось записать файл"):
        admin.audit.export(blocker / "audit.xlsx")
    assert admin.audit.count(AuditFilter(kind="access")) == 0


def test_events_are_read_back_with_their_users_even_after_a_rename(services, admin, clock):
    admin.users.add("ivanova", "Иванова Наталья Сергеевна", [Role.SECRETARY], PASSWORD)
    ivanova = services.as_actor(services.users.authenticate("ivanova", PASSWORD))
    ivanova.calendar.set_day(D(2026, 11, 27), OverrideKind.DAY_OFF, "Карантин")
    admin.users.rename("ivanova", "Смирнова Наталья Сергеевна")

    [row] = admin.audit.page(AuditFilter(entity="calendar_override"))
    assert (row.actor, row.actor_login) == ("Иванова Наталья Сергеевна", "ivanova")  # the name as it was then
    with services.ctx.transaction() as session:
        assert session.scalar(select(Event.actor_id).where(Event.entity == "calendar_override")) == ivanova.actor.user_id
