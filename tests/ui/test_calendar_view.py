"""Section «Календарь»: what each day of a month is, moving between months, and counting working days.

The clock is fixed at Monday 23 November 2026, 10:00 in Tyumen; the demo school has 27.11.2026 off
(quarantine) and works on Saturday 28.11.2026.
"""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QDate, Qt

from desktop.domain.calendar import DayKind
from desktop.domain.russian import MONTHS
from desktop.services.calendar import OverrideKind
from desktop.services.demo import DEMO_OVERRIDES
from desktop.ui.calendar_view import CalendarView, CountedRole, InMonthRole, NoteRole, TodayRole
from tests.ui.helpers import click, click_day, list_texts

QUARANTINE = DEMO_OVERRIDES[0][2]
MAKEUP_SATURDAY = DEMO_OVERRIDES[1][2]


@pytest.fixture
def view(qtbot, demo_services) -> CalendarView:  # type: ignore[no-untyped-def]
    view = CalendarView(demo_services)
    qtbot.addWidget(view)
    view.resize(1200, 760)
    with qtbot.waitActive(view):  # active, so that PgUp/PgDown reach it
        view.show()
        view.activateWindow()
    return view


def cell(view: CalendarView, day: dt.date):  # type: ignore[no-untyped-def]
    """The grid's item of `day` and what the view knows of it."""
    position = view.grid.cell_of(day)
    assert position is not None, f"{day} is not shown"
    return view.grid.item(*position), view.grid.info_at(*position)


def counted_marks(view: CalendarView) -> dict[dt.date, int]:
    """The days the grid marks with a count badge, and their numbers."""
    marks = {}
    for row in range(6):
        for column in range(7):
            number = view.grid.item(row, column).data(CountedRole)
            if number:
                marks[view.grid.date_at(row, column)] = number
    return marks


def count(view: CalendarView, start: dt.date, n: int, direction: str = "вперёд") -> None:
    """Fill the «Отсчитать рабочие дни» panel as the secretary does; it counts as soon as a field changes."""
    view.direction.setCurrentIndex(view.direction.findText(direction))
    view.n_spin.setValue(n)
    view.start_edit.setDate(QDate(start.year, start.month, start.day))


def go_to_month(qtbot, view: CalendarView, year: int, month: int) -> None:  # type: ignore[no-untyped-def]
    """Click ▶ or ◀ until the month is shown, as the secretary would."""
    name, shown_year = view.month_label.text().split()
    shown = int(shown_year) * 12 + [m.capitalize() for m in MONTHS].index(name)
    delta = year * 12 + month - 1 - shown
    for _ in range(abs(delta)):
        click(qtbot, view.next_button if delta > 0 else view.prev_button)
    assert view.month_label.text() == f"{MONTHS[month - 1].capitalize()} {year}"


# -- what the month shows ---------------------------------------------------------------------------------


def test_opens_on_this_month_with_today_selected(view):
    assert view.month_label.text() == "Ноябрь 2026"
    assert view.day_title.text() == "Понедельник, 23 ноября 2026 г."
    assert view.day_details.text() == "Рабочий день"
    item, info = cell(view, dt.date(2026, 11, 23))
    assert item.data(TodayRole) is True and info.kind is DayKind.WORKDAY
    assert view.grid.selected_day() == dt.date(2026, 11, 23)
    assert view.grid.date_at(0, 0) == dt.date(2026, 10, 26)  # weeks start on Monday
    assert view.grid.horizontalHeaderItem(0).text() == "Пн"
    assert view.month_summary.text() == "В месяце 20 рабочих дней из 30 календарных"
    assert not view.banner.isVisible()


def test_a_holiday_a_school_day_off_and_a_school_working_saturday_are_told_apart(view):
    holiday, info = cell(view, dt.date(2026, 11, 4))
    assert info.kind is DayKind.HOLIDAY and info.name == "День народного единства"
    assert holiday.data(NoteRole) == "День народного единства"
    assert holiday.toolTip() == "среда, 4 ноября 2026 г.\nпраздник: День народного единства"

    day_off, info = cell(view, dt.date(2026, 11, 27))
    assert info.kind is DayKind.SCHOOL_DAY_OFF and not info.is_working
    assert day_off.data(NoteRole) == QUARANTINE
    assert day_off.toolTip() == f"пятница, 27 ноября 2026 г.\nвыходной по решению школы\n{QUARANTINE}"

    saturday, info = cell(view, dt.date(2026, 11, 28))
    assert info.kind is DayKind.SCHOOL_WORKDAY and info.is_working
    assert saturday.data(NoteRole) == MAKEUP_SATURDAY
    assert saturday.toolTip() == (
        f"суббота, 28 ноября 2026 г.\nрабочий день по решению школы\n{MAKEUP_SATURDAY}"
    )

    sunday, info = cell(view, dt.date(2026, 11, 29))
    assert info.kind is DayKind.WEEKEND and sunday.data(NoteRole) == ""

    october, _ = cell(view, dt.date(2026, 10, 26))
    assert october.data(InMonthRole) is False and holiday.data(InMonthRole) is True


def test_clicking_a_day_describes_it_and_starts_the_count_there(qtbot, view):
    click_day(qtbot, view.grid, dt.date(2026, 11, 27))
    assert view.day_title.text() == "Пятница, 27 ноября 2026 г."
    assert view.day_details.text().splitlines() == [
        "Выходной по решению школы",
        f"Решение школы: {QUARANTINE} (внёс Демонстрационные данные, 23.11.2026)",
        "По производственному календарю: рабочий день",
    ]
    assert view.start_edit.date() == QDate(2026, 11, 27)

    click_day(qtbot, view.grid, dt.date(2026, 11, 4))
    assert view.day_details.text() == "Праздник: День народного единства"


# -- moving between months -----------------------------------------------------------------------------


def test_arrow_buttons_keys_and_today_move_between_months(qtbot, view):
    click(qtbot, view.next_button)
    assert view.month_label.text() == "Декабрь 2026"
    click(qtbot, view.next_button)
    assert view.month_label.text() == "Январь 2027"
    click(qtbot, view.prev_button)
    click(qtbot, view.prev_button)
    click(qtbot, view.prev_button)
    assert view.month_label.text() == "Октябрь 2026"

    qtbot.keyClick(view.grid, Qt.Key.Key_PageUp)
    assert view.month_label.text() == "Сентябрь 2026"
    qtbot.keyClick(view.start_edit, Qt.Key.Key_PageDown)  # anywhere in the section
    qtbot.keyClick(view.grid, Qt.Key.Key_PageDown)
    assert view.month_label.text() == "Ноябрь 2026"
    qtbot.keyClick(view.grid, Qt.Key.Key_PageDown)
    assert view.month_label.text() == "Декабрь 2026"

    click(qtbot, view.today_button)
    assert view.month_label.text() == "Ноябрь 2026"
    assert view.grid.selected_day() == dt.date(2026, 11, 23)

    click(qtbot, view.prev_button)
    qtbot.keyClick(view.grid, Qt.Key.Key_Home)  # the tooltip of «Сегодня» promises Home
    assert view.month_label.text() == "Ноябрь 2026"


def test_january_2026_shows_the_transferred_day_off(qtbot, view):
    go_to_month(qtbot, view, 2026, 1)
    item, info = cell(view, dt.date(2026, 1, 9))
    assert info.kind is DayKind.TRANSFERRED_DAY_OFF
    assert info.kind.label == "перенесённый выходной"
    assert "перенесённый выходной" in item.toolTip()
    assert item.data(NoteRole) == "Выходной, перенос с 03.01.2026"
    _, new_year = cell(view, dt.date(2026, 1, 1))
    assert new_year.kind is DayKind.HOLIDAY
    _, monday = cell(view, dt.date(2026, 1, 12))
    assert monday.kind is DayKind.WORKDAY
    assert view.month_summary.text().startswith("В месяце 15 рабочих дней из 31 ")
    assert not view.banner.isVisible()


def test_a_year_without_a_production_calendar_is_flagged_and_not_counted(qtbot, view):
    go_to_month(qtbot, view, 2028, 3)
    assert view.banner.isVisible()
    assert view.banner.text().startswith("Производственного календаря на 2028 год в программе нет")
    assert "fff3cd" in view.banner.styleSheet()  # the yellow warning
    assert view.month_summary.text().endswith("(по неполным данным)")

    count(view, dt.date(2028, 3, 10), 3)
    assert view.result_label.text().startswith("Производственный календарь на 2028 год программе неизвестен")
    assert "b71c1c" in view.result_label.styleSheet()  # in red
    assert "срок истекает" not in view.result_label.text()
    assert list_texts(view.counted_list) == []
    assert counted_marks(view) == {}

    click(qtbot, view.today_button)
    assert not view.banner.isVisible()


# -- counting working days ---------------------------------------------------------------------------


def test_three_working_days_from_30_december_2025_end_on_14_january(qtbot, view):
    go_to_month(qtbot, view, 2026, 1)
    count(view, dt.date(2025, 12, 30), 3)

    text = view.result_label.text()
    assert "3 рабочих дня от 30.12.2025: срок истекает в конце дня" in text
    assert "ср 14.01.2026" in text
    assert list_texts(view.counted_list) == ["1. пн 12.01.2026", "2. вт 13.01.2026", "3. ср 14.01.2026"]
    assert counted_marks(view) == {dt.date(2026, 1, 12): 1, dt.date(2026, 1, 13): 2, dt.date(2026, 1, 14): 3}


def test_counting_backwards_gives_the_last_day_to_act(qtbot, view):
    go_to_month(qtbot, view, 2025, 12)
    count(view, dt.date(2026, 1, 12), 3, direction="назад")

    text = view.result_label.text()
    assert "За 3 рабочих дня до 12.01.2026: не позднее" in text
    assert "пт 26.12.2025" in text
    assert list_texts(view.counted_list) == ["1. вт 30.12.2025", "2. пн 29.12.2025", "3. пт 26.12.2025"]
    assert counted_marks(view) == {
        dt.date(2025, 12, 30): 1, dt.date(2025, 12, 29): 2, dt.date(2025, 12, 26): 3
    }  # fmt: skip


def test_the_schools_own_days_change_the_count(qtbot, view):
    count(view, dt.date(2026, 11, 25), 2)  # Thursday 26th, Friday 27th is off, Saturday 28th is worked
    assert "сб 28.11.2026" in view.result_label.text()
    assert list_texts(view.counted_list) == ["1. чт 26.11.2026", "2. сб 28.11.2026"]
    assert counted_marks(view) == {dt.date(2026, 11, 26): 1, dt.date(2026, 11, 28): 2}


def test_an_override_added_elsewhere_shows_after_refresh(qtbot, view, demo_services):
    go_to_month(qtbot, view, 2026, 1)
    count(view, dt.date(2025, 12, 30), 3)
    assert "ср 14.01.2026" in view.result_label.text()

    demo_services.calendar.set_day(dt.date(2026, 1, 13), OverrideKind.DAY_OFF, "Авария теплосети")
    view.refresh()

    assert "чт 15.01.2026" in view.result_label.text()
    assert list_texts(view.counted_list) == ["1. пн 12.01.2026", "2. ср 14.01.2026", "3. чт 15.01.2026"]
    item, info = cell(view, dt.date(2026, 1, 13))
    assert info.kind is DayKind.SCHOOL_DAY_OFF and item.data(NoteRole) == "Авария теплосети"
    assert counted_marks(view) == {dt.date(2026, 1, 12): 1, dt.date(2026, 1, 14): 2, dt.date(2026, 1, 15): 3}
    assert view.month_summary.text().startswith("В месяце 14 рабочих дней из 31 ")


def test_paging_to_see_the_counted_days_keeps_the_count(qtbot, view):
    go_to_month(qtbot, view, 2025, 12)
    count(view, dt.date(2025, 12, 30), 3)
    assert "ср 14.01.2026" in view.result_label.text()

    click(qtbot, view.next_button)  # to see the days counted in January

    assert view.start_edit.date() == QDate(2025, 12, 30)
    assert "ср 14.01.2026" in view.result_label.text()
    assert counted_marks(view) == {dt.date(2026, 1, 12): 1, dt.date(2026, 1, 13): 2, dt.date(2026, 1, 14): 3}
