"""Section «Директору»: the counts of what needs the director, one click from each to the filtered queue; the
appeals at the director's level and the notices to the Department.

The clock is fixed at Monday 23 November 2026, 10:00 in Tyumen.
"""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from desktop.domain.access import Actor
from desktop.domain.appeals import Rubric
from desktop.services.appeals import AppealFilter, AppealInput
from desktop.ui.appeal_card import AppealCardDialog
from desktop.ui.director_view import APPEAL_TILES, DirectorView
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
    assert view.heading.text() == "Сегодня, понедельник, 23 ноября 2026 г."

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


@pytest.mark.parametrize("spec", APPEAL_TILES, ids=[spec.key for spec in APPEAL_TILES])
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


# -- the dashboard: today's numbers beyond the appeals, the trend, the first screen ------------------------------------


def test_the_tiles_show_the_dashboards_numbers(appeals, demo_services, user_window):
    view = director_view(user_window("director"))
    board = demo_services.reports.dashboard()
    expected = {
        "director": board.at_director,
        "left_school": board.left_school,
        "urgent": board.due_today,
        "tickets": board.overdue_tickets,
        "families": board.without_report,
    }
    assert {key: view.tiles[key].count for key in expected} == expected
    assert view.tiles["tickets"].caption.text() == "Просроченные заявки"
    assert view.tiles["families"].caption.text() == "Семьи без отчёта за эту неделю"
    assert view.tiles["families"].detail.text().startswith(f"на бумаге — {board.paper_families}")
    assert view.tiles["families"].accessibleName() == f"Семьи без отчёта за эту неделю: {board.without_report}"


def test_the_tickets_tile_opens_the_urgent_tickets(qtbot, demo_services, user_window):
    window = user_window("director")
    tile = director_view(window).tiles["tickets"]
    assert tile.isVisible()
    click(qtbot, tile)
    assert window.current_section() == "tickets"
    queue = window.views["tickets"]
    assert queue.urgent_button.isChecked()
    assert queue.model.rowCount() == demo_services.tickets.summary().urgent
    assert queue.model.rowCount() >= tile.count  # the overdue ones and those due today


def test_the_families_tile_opens_this_weeks_paper_reports(qtbot, demo_services, user_window):
    window = user_window("director")
    view = director_view(window)
    tile = view.tiles["families"]
    printouts = window.views["printouts"]
    printouts.move_week(-1)  # looked at last week before
    click(qtbot, tile)
    assert window.current_section() == "printouts"
    assert "(текущая)" in printouts.week_label.text()
    item = printouts.selected_item()
    if tile.count:
        assert item is not None and not item.handed and not item.final


def test_the_trend_chart_has_twelve_months_with_their_shares(appeals, demo_services, user_window):
    chart = director_view(user_window("director")).chart
    board = demo_services.reports.dashboard()
    assert chart.bars() == 12
    labels = chart.labels()
    assert [name for name, _ in labels] == [
        "дек", "янв", "фев", "мар", "апр", "май", "июн", "июл", "авг", "сен", "окт", "ноя"
    ]  # fmt: skip
    november = board.months[-1]
    assert november.finished > 0 and labels[-1][1] == f"{round(november.share * 100)} %"
    assert labels[0][1] == "—"  # December 2025: no appeals
    description = chart.accessibleDescription()
    assert chart.toolTip() == description
    assert f"ноябрь 2026: {round(november.share * 100)} % в срок ({november.on_time} из {november.finished})" in (
        description
    )
    assert "декабрь 2025: нет завершённых обращений" in description


def test_the_chart_draws_without_data(qtbot):
    from desktop.domain.reports import MonthShare
    from desktop.ui.trend_chart import TrendChart, describe

    chart = TrendChart()
    qtbot.addWidget(chart)
    chart.resize(600, 200)
    months = [MonthShare(dt.date(2026, m, 1), f, o) for m, f, o in ((9, 0, 0), (10, 4, 3), (11, 10, 10))]
    chart.set_months(months)
    assert chart.labels() == [("сен", "—"), ("окт", "75 %"), ("ноя", "100 %")]
    assert chart.grab().width() == 600  # painted without an error
    assert describe([]) == "Нет данных о сроках ответов."


def test_the_director_starts_on_the_dashboard_others_on_the_appeals(user_window):
    director = user_window("director")
    assert director.current_section() == "director"
    assert director.views["director"].isVisible()
    assert director.nav.item(0).text() == "Директору" and director.nav.item(0).toolTip() == "Ctrl+1"
    assert user_window("deputy").current_section() == "appeals"
