"""Section «Директору»: the counts of what needs the director, one click from each to the filtered queue; the
appeals at the director's level and the notices to the Department.

The clock is fixed at Monday 23 November 2026, 10:00 in Tyumen.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from desktop.domain.access import Actor
from desktop.domain.appeals import Rubric
from desktop.services.appeals import AppealFilter, AppealInput
from desktop.ui.appeal_card import AppealCardDialog
from desktop.ui.director_view import TILES, DirectorView
from tests.conftest import NOW
from tests.ui.appeals_data import at
from tests.ui.helpers import click, log_in, table_rows

NUMBER, LEVEL, STATUS = 0, 4, 7


def director_view(window) -> DirectorView:  # type: ignore[no-untyped-def]
    view = window.show_section("director")
    assert isinstance(view, DirectorView)
    return view


def test_an_escalated_appeal_is_in_the_directors_view_and_one_click_shows_the_queue(
    qtbot, appeals, demo_services, clock, user_window
):
    # Registered on Tuesday 17.11; the deputy director's 3 working days end with Friday 20.11.
    clock.now = at("17.11.2026", "11:00")
    appeal = log_in(demo_services, "secretary").appeals.register(
        AppealInput(
            "Гусева Валентина Ильинична", Rubric.SCHOOL, "Прошу организовать подвоз детей из Антипино."
        )
    )
    clock.now = NOW
    result = demo_services.as_actor(Actor.system()).appeals.sweep(now=at("21.11.2026", "00:00"))
    assert result.escalated >= 1

    window = user_window("director")
    view = director_view(window)
    summary = demo_services.appeals.director_summary()
    tile = view.tiles["director"]
    assert tile.caption.text() == "У директора" and tile.count == summary.at_director
    assert tile.number.text() == str(summary.at_director)
    assert appeal.number in [row[NUMBER] for row in table_rows(view.director_table)]
    assert view.heading.text() == "Обращения на понедельник, 23 ноября 2026 г."

    click(qtbot, tile)
    assert window.current_section() == "appeals"
    queue = window.views["appeals"]
    assert queue.isVisible()
    assert queue.preset_buttons["open"].isChecked() and queue.level_box.currentText() == "Директор"
    rows = table_rows(queue.table)
    assert {row[LEVEL] for row in rows} == {"Директор"}
    assert appeal.number in [row[NUMBER] for row in rows]
    assert queue.count_label.text() == f"Найдено: {tile.count}"
    assert queue.table.hasFocus()


@pytest.mark.parametrize("spec", TILES, ids=[spec.key for spec in TILES])
def test_every_count_opens_a_queue_of_as_many_appeals(qtbot, appeals, user_window, spec):
    window = user_window("director")
    tile = director_view(window).tiles[spec.key]
    assert tile.count > 0, spec.key  # the test data has some of each
    click(qtbot, tile)
    queue = window.views["appeals"]
    assert queue.count_label.text() == f"Найдено: {tile.count}"
    assert queue.model.rowCount() == tile.count


def test_what_left_the_school_is_counted_by_where_it_went(appeals, demo_services, user_window):
    view = director_view(user_window("director"))
    summary = demo_services.appeals.director_summary()
    left = view.tiles["left_school"]
    assert left.count == summary.at_municipal + summary.at_department
    assert left.detail.text() == (
        f"муниципальный орган — {summary.at_municipal}, Департамент — {summary.at_department}"
    )


def test_the_notices_list_opens_the_card(qtbot, appeals, demo_services, user_window, play_dialogs):
    view = director_view(user_window("director"))
    numbers = [row[NUMBER] for row in table_rows(view.notices_table)]
    assert appeals.numbers["thread5"] in numbers
    assert len(numbers) == demo_services.appeals.count(AppealFilter(notices=True))
    shown: list[str] = []

    def look(card: AppealCardDialog) -> None:
        shown.append(card.title.text())
        assert card.notice_button.isVisible()
        card.accept()

    play_dialogs(look)
    view.notices_table.selectRow(numbers.index(appeals.numbers["thread5"]))
    view.notices_table.setFocus()
    qtbot.keyClick(view.notices_table, Qt.Key.Key_Return)
    assert shown == [f"Обращение {appeals.numbers['thread5']}"]


def test_the_view_is_read_again_when_shown(appeals, demo_services, clock, user_window):
    window = user_window("director")
    view = director_view(window)
    before = view.tiles["deputy"].count
    window.show_section("calendar")
    log_in(demo_services, "secretary").appeals.register(
        AppealInput("Гусева Валентина Ильинична", Rubric.SCHOOL, "Вопрос о кружках.")
    )
    window.show_section("director")
    assert view.tiles["deputy"].count == before + 1
