"""Section «Журнал событий»: the actions just taken, with who and when (the school's time); filters; paging
through a long trail; the export to Excel.

The clock is fixed at Monday 23 November 2026, 10:00 in Tyumen (05:00 UTC).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QFileDialog

from desktop.domain.russian import plural
from desktop.services.audit import AuditFilter
from desktop.store.models import Event
from desktop.ui.audit_view import AUDIT_COLUMNS, AuditModel, AuditView
from tests.conftest import NOW
from tests.ui.helpers import click, click_cell, log_in, table_rows, tick, type_text

PETROV = "Петров Алексей Игоревич"


def audit_view(window) -> AuditView:  # type: ignore[no-untyped-def]
    view = window.show_section("audit")
    assert isinstance(view, AuditView)
    return view


def test_the_trail_lists_what_was_just_done_by_whom_and_when(
    qtbot, demo_services, user_window, clock, play_dialogs, answer_message_box
):
    window = user_window("admin")  # logged in at 10:00
    users = window.show_section("users")
    clock.advance(minutes=5)

    def add(dialog) -> None:  # type: ignore[no-untyped-def]
        type_text(dialog.form.editors["full_name"], "Новикова Анна Сергеевна")
        type_text(dialog.form.editors["login"], "novikova")
        tick(qtbot, next(iter(dialog.roles.boxes.values())))
        type_text(dialog.form.editors["password"], "Temp-2026")
        type_text(dialog.form.editors["repeat"], "Temp-2026")
        click(qtbot, dialog.ok_button)

    play_dialogs(add)
    click(qtbot, users.add_button)  # 10:05
    clock.advance(minutes=7, seconds=30)
    click_cell(qtbot, users.table, users.model.row_of("secretary"), 0)
    answer_message_box("Заблокировать")
    click(qtbot, users.block_button)  # 10:12:30

    qtbot.keyClick(window.nav, Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)  # «Журнал событий», after «Отчёты»
    view = window.views["audit"]
    assert view.isVisible()
    headers = [view.model.headerData(c, Qt.Orientation.Horizontal) for c in range(view.model.columnCount())]
    assert headers == list(AUDIT_COLUMNS)
    rows = table_rows(view.table)
    assert rows[0] == [
        "23.11.2026 10:12:30", PETROV, "изменение", "пользователь", "secretary", "заблокирован",
        "active: да", "active: нет",
    ]  # fmt: skip
    assert rows[1][:6] == ["23.11.2026 10:05:00", PETROV, "изменение", "пользователь", "novikova", "добавлен"]
    assert "full_name: Новикова Анна Сергеевна" in rows[1][7]
    assert rows[2] == [
        "23.11.2026 10:00:00",
        PETROV,
        "вход и блокировка",
        "вход в программу",
        "admin",
        "вход",
        "",
        "",
    ]
    n = len(rows)
    assert (
        view.count_label.text()
        == f"Найдено {n} {plural(n, 'событие', 'события', 'событий')} с 24.10.2026 по 23.11.2026."
    )

    click_cell(qtbot, view.table, 1, 0)  # the selected event in full under the table
    assert view.details.isVisible()
    assert view.details.text().startswith(
        f"23.11.2026 10:05:00 · {PETROV} (admin) · изменение · пользователь novikova · добавлен"
    )
    assert "Стало: full_name: Новикова Анна Сергеевна" in view.details.text()


def test_filters_by_user_and_kind(qtbot, demo_services, user_window, clock):
    clock.advance(minutes=1)
    log_in(demo_services, "director")
    clock.advance(minutes=1)
    view = audit_view(user_window("admin"))
    director = view.user_box.findText("Соколова Елена Викторовна (director)")
    assert director > 0 and view.user_box.itemText(0) == "все"
    view.user_box.setCurrentIndex(director)
    assert {row[1] for row in table_rows(view.table)} == {"Соколова Елена Викторовна"}  # her demo appeals too
    view.kind_box.setCurrentIndex(view.kind_box.findText("вход и блокировка"))
    assert table_rows(view.table) == [
        ["23.11.2026 10:01:00", "Соколова Елена Викторовна", "вход и блокировка", "вход в программу", "director",
         "вход", "", ""],
    ]  # fmt: skip

    view.user_box.setCurrentIndex(0)
    assert {row[2] for row in table_rows(view.table)} == {"вход и блокировка"}
    assert [row[4] for row in table_rows(view.table)] == ["admin", "director"]

    view.kind_box.setCurrentIndex(0)
    view.entity_box.setCurrentIndex(view.entity_box.findText("календарь: день школы"))
    assert sorted(row[4] for row in table_rows(view.table)) == ["2026-11-27", "2026-11-28", "2027-03-30"]

    view.entity_box.setCurrentIndex(0)
    type_text(view.search, "2026-11-2")
    assert sorted(row[4] for row in table_rows(view.table)) == ["2026-11-27", "2026-11-28"]


def test_the_period_is_the_last_30_days_and_can_be_changed(qtbot, demo_services, user_window):
    view = audit_view(user_window("director"))
    assert view.date_from.date() == QDate(2026, 10, 24) and view.date_to.date() == QDate(2026, 11, 23)
    assert view.model.rowCount() > 0

    view.kind_box.setCurrentIndex(view.kind_box.findText("вход и блокировка"))
    view.date_to.setDate(QDate(2026, 11, 22))  # every login happened today
    assert view.model.rowCount() == 0
    assert view.count_label.text() == "Найдено 0 событий с 24.10.2026 по 22.11.2026."

    view.date_from.setDate(QDate(2026, 11, 25))
    assert view.banner.isVisible() and view.banner.text() == "Начало периода позже его конца: исправьте даты."


def add_events(services, n: int) -> None:  # type: ignore[no-untyped-def]
    """`n` events, a minute apart, ending at the fixed now (written as a service would, straight to the store)."""
    with services.ctx.transaction() as session:
        session.add_all(
            Event(
                at=NOW - dt.timedelta(minutes=n - i),
                actor="Иванова Наталья Сергеевна",
                kind="change",
                entity="calendar_override",
                entity_id=f"day-{i:04d}",
                action="set",
                before=None,
                after={"kind": "day_off"},
            )
            for i in range(n)
        )


def test_a_long_trail_is_fetched_a_page_at_a_time(qtbot, demo_services):
    add_events(demo_services, 450)
    admin = log_in(demo_services, "admin")
    flt = AuditFilter(entity="calendar_override", text="day-")
    model = AuditModel(admin.audit, admin.settings.timezone())
    model.page_size = 200
    model.set_filter(flt)
    assert model.total == 450
    assert model.rowCount() == 200 and model.canFetchMore()
    assert model.index(0, 4).data() == "day-0449"  # newest first
    model.fetchMore()
    assert model.rowCount() == 400 and model.canFetchMore()
    model.fetchMore()
    assert model.rowCount() == 450 and not model.canFetchMore()
    assert model.index(449, 4).data() == "day-0000"
    assert model.index(449, 0).data() == "23.11.2026 02:30:00"  # 450 minutes before 10:00


def test_scrolling_to_the_end_fetches_more(qtbot, demo_services, user_window):
    add_events(demo_services, 450)
    view = audit_view(user_window("admin"))
    type_text(view.search, "day-")
    assert view.model.rowCount() == 200
    view.table.scrollToBottom()
    qtbot.waitUntil(lambda: view.model.rowCount() > 200)


def test_new_events_while_paging_do_not_repeat_rows(qtbot, demo_services):
    add_events(demo_services, 30)
    admin = log_in(demo_services, "admin")
    model = AuditModel(admin.audit, admin.settings.timezone())
    model.page_size = 10
    model.set_filter(AuditFilter(entity="calendar_override", text="day-"))
    add_events(demo_services, 3)  # three newer ones (the same ids as text, new rows)
    while model.canFetchMore():
        model.fetchMore()
    ids = [model.row(r).id for r in range(model.rowCount())]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("page_size", [3, 200])
def test_the_audit_model_passes_the_model_tester(qtmodeltester, demo_services, page_size):
    admin = log_in(demo_services, "admin")
    model = AuditModel(admin.audit, admin.settings.timezone())
    model.page_size = page_size
    model.set_filter(AuditFilter())
    assert model.rowCount() > 0
    qtmodeltester.check(model)


def test_export_writes_the_shown_events_to_excel(qtbot, demo_services, user_window, tmp_path, monkeypatch):
    asked: list[str] = []

    def save_as(parent, title, suggested, filters):  # type: ignore[no-untyped-def]
        asked.append(suggested)
        return str(tmp_path / "журнал"), filters

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(save_as))
    view = audit_view(user_window("director"))
    view.kind_box.setCurrentIndex(view.kind_box.findText("вход и блокировка"))
    shown = view.model.rowCount()
    assert view.export_button.isVisible()
    click(qtbot, view.export_button)

    path = tmp_path / "журнал.xlsx"  # «.xlsx» added to a name typed without it
    assert Path(asked[0]).name == "Журнал событий 23.11.2026.xlsx"
    assert view.banner.isVisible()
    assert view.banner.text() == f"Выгружено {shown} событие в файл {path}"
    sheet = load_workbook(path).active
    values = [[cell for cell in row] for row in sheet.iter_rows(values_only=True)]
    header = values.index(next(row for row in values if row and row[0] == "Дата и время"))
    assert values[header + 1][1:4] == ["Соколова Елена Викторовна", "director", "вход и блокировка"]
    assert values[header + 1][0] == dt.datetime(2026, 11, 23, 10, 0)

    view.kind_box.setCurrentIndex(0)  # the export itself is on record
    assert table_rows(view.table)[0][1:6] == [
        "Соколова Елена Викторовна", "просмотр данных", "журнал событий", "events", "выгрузка"
    ]  # fmt: skip


def test_a_file_that_cannot_be_written_is_reported(qtbot, user_window, tmp_path, monkeypatch):
    taken = tmp_path / "журнал.xlsx"
    taken.mkdir()  # a folder by that name: the file cannot be written
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a: (str(taken), "")))
    view = audit_view(user_window("admin"))
    click(qtbot, view.export_button)
    assert view.banner.isVisible() and view.banner.text().startswith("Не удалось записать файл")
