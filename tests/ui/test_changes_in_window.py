"""Two computers on one database: another person's change shows in the open queue within the poll, the selection
kept; a card saved after somebody else changed its record is refused with what changed, and nothing is overwritten.

The clock is fixed at Monday 23 November 2026, 10:00 in Tyumen.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from desktop.domain.appeals import Delivery
from desktop.domain.tickets import Party
from desktop.services.registry import Services, open_services
from desktop.ui.main_window import CHANGES_NOTE, CHANGES_POLL_MS
from desktop.ui.queue_view import QueueSection
from desktop.ui.ticket_card import TicketCardDialog
from tests.ui.helpers import log_in, table_rows


@pytest.fixture
def other_computer(demo_services: Services, clock) -> Iterator[Services]:  # type: ignore[no-untyped-def]
    """The same database file opened again, as by the program on another computer (nobody logged in yet)."""
    opened = open_services(demo_services.location, clock=clock, run_migrations=False)
    try:
        yield opened
    finally:
        opened.close()


def test_another_computers_change_shows_in_the_open_queue_keeping_the_selection(
    qtbot, appeals, demo_services, other_computer, user_window
):
    window = user_window("deputy")
    assert window.changes_timer.isActive() and window.changes_timer.interval() == CHANGES_POLL_MS == 3000
    view = window.show_section("appeals")
    assert isinstance(view, QueueSection)
    assert view.select_record(appeals.ids["today"])
    sort = view.model.sort_key
    number = appeals.numbers["on_track"]
    before = next(row for row in table_rows(view.table) if row[0] == number)

    seen = window.poll_changes()  # nothing new: nothing read again
    assert seen is not None and not seen.changed_by_others

    log_in(other_computer, "director").appeals.answer(appeals.ids["on_track"], "Разрешено.", Delivery.IN_PERSON)
    assert next(row for row in table_rows(view.table) if row[0] == number) == before  # not yet

    qtbot.waitUntil(lambda: window.statusBar().currentMessage() == CHANGES_NOTE, timeout=CHANGES_POLL_MS + 2000)
    after = next((row for row in table_rows(view.table) if row[0] == number), None)
    assert after != before  # answered: shown so (or gone from the open appeals)
    assert view.selected_id() == appeals.ids["today"]  # the selection stays
    assert view.model.sort_key == sort

    window.statusBar().clearMessage()
    log_in(demo_services, "deputy").appeals.card(appeals.ids["today"])  # a look is not a change
    seen = window.poll_changes()
    assert seen is not None and not seen.changed_by_others
    assert window.statusBar().currentMessage() == ""


def test_the_window_does_not_poll_while_locked(qtbot, appeals, other_computer, user_window):
    window = user_window("deputy")
    window.lock()
    log_in(other_computer, "director").appeals.answer(appeals.ids["on_track"], "Разрешено.", Delivery.IN_PERSON)
    assert window.poll_changes() is None  # nothing is read behind the lock screen


def test_a_stale_status_change_names_what_changed_and_overwrites_nothing(
    qtbot, profile_services, tickets, clock, answer_message_box
):
    card = TicketCardDialog(log_in(profile_services, "operator"), tickets.ids["wait_client"])
    qtbot.addWidget(card)
    card.show()
    qtbot.waitExposed(card)
    shown = card.card
    wanted = next(status for status in shown.next_statuses if not status.final)

    other = open_services(profile_services.location, clock=clock, run_migrations=False)
    try:
        log_in(other, "agent").tickets.message(tickets.ids["wait_client"], "Напоминаю.", party=Party.AGENT)
    finally:
        other.close()
    now = profile_services.tickets.card(tickets.ids["wait_client"], record_access=False)

    boxes = answer_message_box("Закрыть")
    card.set_status(wanted)
    assert len(boxes.shown) == 1 and boxes.buttons[0] == ["Обновить карточку", "Закрыть"]
    text = boxes.shown[0]
    assert text.startswith("Запись изменена другим пользователем.")
    assert "не сохранен" in text
    assert f"• Сообщений: «{len(shown.messages)}» → «{len(now.messages)}»" in text  # the agent's message
    if now.row.status != shown.row.status:
        assert f"• Статус: «{shown.row.status.label}» → «{now.row.status.label}»" in text
    after = profile_services.tickets.card(tickets.ids["wait_client"], record_access=False)
    assert after.row.status == now.row.status and after.row.version == now.row.version  # nothing overwritten
    assert card.card.row.version == shown.row.version  # «Закрыть»: the card is left as it was

    answer_message_box("Обновить карточку")
    card.set_status(wanted)
    assert card.card.row.version == now.row.version  # read again
    assert card.banner.text().endswith("Карточка обновлена, статус не изменён.")
