"""Section «Заявки»: the queue model, a ticket taken in through the dialog with its terms counted live, the
urgency of each row, filters, an agent who sees only their own tickets, the keyboard, the agents' dialog.

The clock is fixed at Monday 23 November 2026, 10:00 in Tyumen; the demo school has 27.11 off and works 28.11.
"""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QDate, Qt

from desktop.domain.tickets import Category, Status, Urgency
from desktop.ui.queue_view import UrgencyRole
from desktop.ui.ticket_card import TicketCardDialog
from desktop.ui.ticket_dialogs import NewTicketDialog
from desktop.ui.tickets_view import (
    COL_LEFT,
    COL_NUMBER,
    COL_STATUS,
    TICKET_COLUMNS,
    AgentsDialog,
    TicketsModel,
    TicketsView,
)
from desktop.ui.urgency import TICKET_LEGEND_ORDER, legend_text
from tests.ui.helpers import click, log_in, table_rows, tick, type_text


@pytest.fixture
def user_window(profile_services, tickets, open_window):  # type: ignore[no-untyped-def]
    """`user_window("operator")`: the main window of the tickets' school for one of its staff."""
    return lambda login: open_window(log_in(profile_services, login))


def queue(window) -> TicketsView:  # type: ignore[no-untyped-def]
    view = window.show_section("tickets")
    assert isinstance(view, TicketsView)
    return view


def row_of(view: TicketsView, number: str) -> int | None:
    return next((r for r, row in enumerate(table_rows(view.table)) if row[COL_NUMBER] == number), None)


def test_the_queue_model_passes_the_model_tester(qtbot, qtmodeltester, profile_services, tickets):
    model = TicketsModel(log_in(profile_services, "operator").tickets)
    model.page_size = 3  # several pages
    model.set_filter(model.filter)
    qtmodeltester.check(model, force_py=True)
    while model.canFetchMore():
        model.fetchMore()
    assert model.rowCount() == model.total == 6  # the active ones
    assert model.columnCount() == len(TICKET_COLUMNS)


def test_the_queue_shows_each_ticket_with_its_urgency_in_words_colour_and_icon(qtbot, tickets, user_window):
    view = queue(user_window("operator"))
    rows = {row[COL_NUMBER]: row for row in table_rows(view.table)}
    assert view.count_label.text() == "Найдено: 6"
    assert rows[tickets.numbers["late"]][COL_LEFT] and rows[tickets.numbers["late"]][COL_STATUS] == "Открыто"
    model = view.model
    urgencies = {
        model.index(r, 0).data(Qt.ItemDataRole.DisplayRole): model.index(r, 0).data(UrgencyRole)
        for r in range(model.rowCount())
    }
    assert urgencies[tickets.numbers["late"]] == Urgency.LATE.value
    assert urgencies[tickets.numbers["overdue"]] == Urgency.OVERDUE.value
    assert urgencies[tickets.numbers["due_today"]] == Urgency.DUE_TODAY.value
    assert urgencies[tickets.numbers["open"]] == Urgency.ON_TRACK.value
    r = row_of(view, tickets.numbers["due_today"])
    assert r is not None
    assert model.index(r, COL_NUMBER).data(Qt.ItemDataRole.DecorationRole) is not None
    assert "отчёт исполнителя" in model.index(r, COL_LEFT).data(Qt.ItemDataRole.ToolTipRole)
    assert view.legend.texts() == [legend_text(u) for u in TICKET_LEGEND_ORDER]
    assert "подана позже срока" in view.legend.texts()


def test_a_ticket_taken_in_through_the_dialog_is_in_the_queue_with_its_terms(
    qtbot, tickets, user_window, play_dialogs
):
    view = queue(user_window("operator"))
    assert view.new_button.isVisible()
    seen: dict[str, str] = {}

    def fill(dialog: NewTicketDialog) -> None:
        assert isinstance(dialog, NewTicketDialog)
        assert not dialog.ok_button.isEnabled()
        type_text(dialog.editors["client_name"], "Волков Артём")
        type_text(dialog.editors["client_group"], "9 «А»")
        dialog.category.setCurrentIndex(dialog.category.findData(Category.ROOMS.value))
        dialog.event_date.setDate(QDate(2026, 12, 4))
        type_text(dialog.description.edit, "Спортзал для турнира")
        seen["counter"] = dialog.description.counter.text()
        seen["terms"] = dialog.terms.text()
        seen["late_hidden"] = str(dialog.late.isHidden())
        dialog.event_date.setDate(QDate(2026, 11, 25))
        seen["late"] = dialog.late.text()
        dialog.event_date.setDate(QDate(2026, 12, 4))
        click(qtbot, dialog.ok_button)

    play_dialogs(fill)
    qtbot.keyClick(view.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert seen["counter"] == "20 / 4000"
    # 3 working days before Fri 04.12: 01.12; the report 2 before: 02.12; the client 2 before: 02.12.
    assert "Подать не позднее <b>01.12.2026</b>" in seen["terms"]
    assert "отчёт исполнителя до <b>02.12.2026</b>" in seen["terms"]
    assert seen["late_hidden"] == "True"
    assert seen["late"].startswith("Срок подачи прошёл")
    rows = table_rows(view.table)
    chosen = view.table.selectionModel().selectedRows()[0].row()
    assert rows[chosen][2] == "Волков А., 9 «А»"
    assert rows[chosen][COL_STATUS] == "Открыто"
    number = rows[chosen][COL_NUMBER]
    assert view.banner.text().startswith(f"Заявка подана: {number}.")
    assert view.model.index(chosen, 0).data(UrgencyRole) == Urgency.ON_TRACK.value
    assert view.model.index(chosen, 0).data(Qt.ItemDataRole.ToolTipRole).startswith(f"{number}: В срок.")


def test_the_new_ticket_dialog_shows_errors_at_the_field(qtbot, tickets, user_window, play_dialogs):
    view = queue(user_window("operator"))
    seen: dict[str, object] = {}

    def fill(dialog: NewTicketDialog) -> None:
        type_text(dialog.editors["client_contact"], "not@an@email")
        seen["contact"] = dialog.errors["client_contact"].text()
        seen["hint"] = dialog.hint.text()
        dialog.reject()

    play_dialogs(fill)
    click(qtbot, view.new_button)
    assert seen["contact"]
    assert "ФИО заявителя" in str(seen["hint"]) and "описание" in str(seen["hint"])


def test_filters_narrow_the_queue(qtbot, tickets, user_window):
    view = queue(user_window("operator"))
    click(qtbot, view.late_button)
    assert [r[COL_NUMBER] for r in table_rows(view.table)] == [tickets.numbers["late"]]
    click(qtbot, view.late_button)
    click(qtbot, view.urgent_button)
    urgent = {tickets.numbers[k] for k in ("overdue", "due_today", "late")}  # the late one's report is due today
    assert {r[COL_NUMBER] for r in table_rows(view.table)} == urgent
    click(qtbot, view.urgent_button)
    view.status_box.setCurrentIndex(view.status_box.findData(Status.WAIT_CLIENT.value))
    assert [r[COL_NUMBER] for r in table_rows(view.table)] == [tickets.numbers["wait_client"]]
    view.status_box.setCurrentIndex(view.status_box.findData("all"))
    assert view.count_label.text() == "Найдено: 7"
    view.agent_box.setCurrentIndex(view.agent_box.findData(tickets.agents["agent2"]))
    assert {r[COL_NUMBER] for r in table_rows(view.table)} == {tickets.numbers["done"], tickets.numbers["overdue"]}
    click(qtbot, view.reset_button)
    click(qtbot, view.operator_button)
    assert {r[COL_NUMBER] for r in table_rows(view.table)} == {tickets.numbers["late"], tickets.numbers["open"]}
    click(qtbot, view.operator_button)
    view.category_box.setCurrentIndex(view.category_box.findData(Category.MEDIA.value))
    assert [r[COL_NUMBER] for r in table_rows(view.table)] == [tickets.numbers["conversation"]]


def test_a_header_click_sorts_in_the_database(qtbot, tickets, user_window):
    view = queue(user_window("operator"))
    header = view.table.horizontalHeader()
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=_x(header, COL_NUMBER))
    numbers = [r[COL_NUMBER] for r in table_rows(view.table)]
    assert numbers == sorted(numbers) or numbers == sorted(numbers, reverse=True)


def _x(header, column: int):  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QPoint

    return QPoint(header.sectionViewportPosition(column) + header.sectionSize(column) // 2, header.height() // 2)


def test_search_with_ctrl_f_and_enter_opens_the_card(qtbot, tickets, user_window, play_dialogs):
    view = queue(user_window("operator"))
    seen: list[str] = []

    def look(card: TicketCardDialog) -> None:
        assert isinstance(card, TicketCardDialog)
        seen.append(card.title.text())
        card.accept()

    play_dialogs(look)
    qtbot.keyClick(view.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert view.search.hasFocus()
    type_text(view.search, "шахмат")
    qtbot.keyClick(view.search, Qt.Key.Key_Return)
    assert [r[COL_NUMBER] for r in table_rows(view.table)] == [tickets.numbers["overdue"]]
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    assert seen == [f"Заявка {tickets.numbers['overdue']}"]


def test_an_agent_sees_only_their_own_tickets(qtbot, tickets, user_window):
    view = queue(user_window("agent"))
    numbers = {r[COL_NUMBER] for r in table_rows(view.table)}
    assert numbers == {tickets.numbers[k] for k in ("conversation", "due_today", "wait_client")}
    assert not view.new_button.isVisible() and not view.agents_button.isVisible()
    assert not view.agent_box.isVisible() and view.mine_button.isVisible()
    click(qtbot, view.mine_button)
    assert {r[COL_NUMBER] for r in table_rows(view.table)} == numbers


def test_the_operator_edits_specialisations_and_absences(qtbot, profile_services, tickets, user_window, play_dialogs,
                                                         answer_message_box):  # fmt: skip
    view = queue(user_window("operator"))
    seen: dict[str, object] = {}

    def agents(dialog: AgentsDialog) -> None:
        assert isinstance(dialog, AgentsDialog)
        lines = [dialog.list.item(i).text() for i in range(dialog.list.count())]
        seen["lines"] = lines
        row = next(i for i, a in enumerate(dialog.agents) if a.login == "agent2")
        dialog.list.setCurrentRow(row)
        tick(qtbot, dialog.category_boxes[Category.MEDIA])
        click(qtbot, dialog.save_specs)
        seen["saved"] = dialog.banner.text()
        dialog.absence_from.setDate(QDate(2026, 12, 1))
        dialog.absence_to.setDate(QDate(2026, 12, 3))
        type_text(dialog.absence_reason, "отпуск")
        click(qtbot, dialog.add_absence_button)
        seen["absences"] = [dialog.absences.item(i).text() for i in range(dialog.absences.count())]
        dialog.absences.setCurrentRow(0)
        click(qtbot, dialog.remove_absence_button)
        seen["after"] = [dialog.absences.item(i).text() for i in range(dialog.absences.count())]
        dialog.reject()

    play_dialogs(agents)
    boxes = answer_message_box("Удалить")
    click(qtbot, view.agents_button)
    lines = seen["lines"]
    assert "Константинова Мария Петровна\n1 открытая заявка · сегодня отсутствует" not in lines  # away from 24.11
    assert "Константинова Мария Петровна\n1 открытая заявка" in lines  # type: ignore[union-attr]
    assert seen["saved"] == "Специализации сохранены: Константинова Мария Петровна."
    assert seen["absences"] == ["24.11.2026–25.11.2026 (курсы)", "01.12.2026–03.12.2026 (отпуск)"]
    assert seen["after"] == ["01.12.2026–03.12.2026 (отпуск)"]
    assert "Удалить отсутствие 24.11.2026–25.11.2026" in boxes.shown[0]
    agent2 = next(a for a in log_in(profile_services, "operator").tickets.agents() if a.login == "agent2")
    assert Category.MEDIA in agent2.categories
    assert agent2.absences[0].date_from == dt.date(2026, 12, 1)


def test_export_writes_the_register_of_tickets_and_offers_to_open_it(
    qtbot, tickets, user_window, tmp_path, monkeypatch, answer_message_boxes, opened_files
):
    from openpyxl import load_workbook
    from PySide6.QtWidgets import QFileDialog

    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda parent, title, suggested, filters: (str(tmp_path / "р"), filters))
    )
    boxes = answer_message_boxes("Не открывать")
    view = queue(user_window("operator"))
    assert view.export_button.isVisible()
    click(qtbot, view.export_button)
    path = tmp_path / "р.xlsx"
    assert view.banner.text().startswith("Выгружено ") and view.banner.text().endswith(f"в файл {path}")
    assert boxes.shown == [f"Реестр сохранён в файл {path}. Открыть его?"] and opened_files == []
    sheet = load_workbook(path).active
    assert "Подана в срок" in [cell for row in sheet.iter_rows(values_only=True) for cell in row]
    # An agent may not export the register: no button.
    assert not queue(user_window("agent")).export_button.isVisible()
