"""Section «Отчёты на бумаге»: the week's families on paper with the state of their report, urgency by colour, icon
and words; marking the handover; the start-up reminder from Friday on; no section without the families right.

Now is Monday 23.11.2026 10:00 in Tyumen (the demo school's 27.11.2026 is a day off)."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from desktop.domain.tickets import Urgency
from desktop.services.grades import FINAL
from desktop.store.models import Printout
from desktop.ui.printouts_view import (
    NOT_PRINTED,
    P_CHILD,
    P_LEFT,
    P_REPORT,
    P_STATE,
    HandOverDialog,
    PrintoutsModel,
    PrintoutsView,
    week_items,
)
from desktop.ui.urgency import LOOKS
from tests.ui.appeals_data import at
from tests.ui.families_data import Families, fill_families
from tests.ui.helpers import click, log_in


@pytest.fixture
def families(demo_services, clock) -> Families:  # type: ignore[no-untyped-def]
    """The test families; Зайцева (6А) is on paper. Another paper family, Громов (6А), has the week printed."""
    made = fill_families(demo_services, clock)
    fam = log_in(demo_services, "secretary").families
    from desktop.domain.families import Appendix, Relation
    from desktop.services.families import RepresentativeInput

    clock.now = at("16.11.2026", "09:00")
    made.students["gromov"] = fam.add_student("Громов Степан Ильич", dt.date(2014, 2, 3), "6А")
    made.reps["gromova"] = fam.add_representative(
        made.students["gromov"], RepresentativeInput("Громова Вера Петровна", Relation.MOTHER, "+7 900 000-00-01")
    )
    fam.add_representative(
        made.students["gromov"], RepresentativeInput("Громов Илья Сергеевич", Relation.FATHER, "+7 900 000-00-02")
    )
    fam.register_optout(made.students["gromov"], Appendix.NOT_PROVIDE, dt.date(2026, 11, 16))
    clock.now = at("23.11.2026", "09:00")
    log_in(demo_services, "secretary").grades.record_printed([made.students["gromov"]], dt.date(2026, 11, 23))
    clock.now = at("23.11.2026", "10:00")
    return made


def row_of(model, name: str) -> int:  # type: ignore[no-untyped-def]
    return next(r for r in range(model.rowCount()) if model.index(r, P_CHILD).data() == name)


def test_the_section_lists_the_paper_families_and_their_state(qtbot, user_window, families):
    view = user_window("secretary").show_section("printouts")
    assert isinstance(view, PrintoutsView)
    model = view.model
    names = [model.index(r, P_CHILD).data() for r in range(model.rowCount())]
    assert "Зайцева Полина Игоревна" in names and "Громов Степан Ильич" in names
    assert "Орлов Кирилл Андреевич" not in names  # on the e-diary
    paper, printed = row_of(model, "Зайцева Полина Игоревна"), row_of(model, "Громов Степан Ильич")
    assert model.index(paper, P_STATE).data() == NOT_PRINTED
    assert model.index(printed, P_STATE).data() == "напечатан 23.11, ждёт вручения"
    assert model.index(printed, P_REPORT).data() == "Неделя 23.11–29.11.2026"
    assert model.index(printed, P_CHILD).data(Qt.ItemDataRole.DecorationRole) is not None
    on_paper = view.summary.text()
    assert "На бумаге: <b>" in on_paper and "вручено: <b>0</b>" in on_paper
    assert view.week_label.text() == "Неделя 23.11–29.11.2026 (текущая)"
    assert view.hand_button.isVisible() and view.print_button.isVisible()
    view.table.selectRow(paper)
    assert not view.hand_button.isEnabled()  # nothing printed to hand over
    view.table.selectRow(printed)
    assert view.hand_button.isEnabled()

    click(qtbot, view.prev_button)
    assert view.week_label.text() == "Неделя 16.11–22.11.2026"
    assert all(view.model.index(r, P_STATE).data() == NOT_PRINTED for r in range(view.model.rowCount()))
    click(qtbot, view.today_button)
    assert view.week_label.text().endswith("(текущая)")


def test_marking_the_handover_updates_the_list(qtbot, user_window, families, play_dialogs):
    window = user_window("secretary")
    view = window.show_section("printouts")
    row = row_of(view.model, "Громов Степан Ильич")
    seen: dict[str, object] = {}

    def hand(dialog: HandOverDialog) -> None:
        seen["choices"] = [dialog.who.itemText(i) for i in range(dialog.who.count())]
        seen["when"] = dialog.when.dateTime().toPython()
        dialog.who.setCurrentIndex(0)
        dialog.submit()

    play_dialogs(hand)
    assert view.hand_over_row(row)
    assert seen["choices"] == ["Громова Вера Петровна", "Громов Илья Сергеевич"]
    assert seen["when"] == dt.datetime(2026, 11, 23, 10, 0)  # now, school time
    row = row_of(view.model, "Громов Степан Ильич")
    assert view.model.index(row, P_STATE).data() == "вручён: Громова Вера Петровна, 23.11.2026 10:00"
    assert view.model.index(row, P_LEFT).data() == "вручён"
    colour = view.model.index(row, 0).data(Qt.ItemDataRole.BackgroundRole).color().name()
    assert colour == LOOKS[Urgency.FINISHED].background
    assert "вручено: <b>1</b>" in view.summary.text()


def test_an_empty_name_is_refused_in_the_dialog(qtbot, user_window, families, play_dialogs):
    view = user_window("secretary").show_section("printouts")

    def empty(dialog: HandOverDialog) -> None:
        dialog.who.setEditText("  ")
        dialog.submit()
        assert "Укажите, кому вручён отчёт" in dialog.error.text()
        dialog.reject()

    play_dialogs(empty)
    assert not view.hand_over_row(row_of(view.model, "Громов Степан Ильич"))


def test_a_final_marks_report_is_urgent_until_handed_over(demo_services, families, clock):
    services = log_in(demo_services, "secretary")
    with services.ctx.transaction(write=True) as session:
        session.add(Printout(student_id=families.students["paper"], kind=FINAL, period=dt.date(2026, 11, 23),
                             due_date=dt.date(2026, 11, 24), created_at=clock()))  # fmt: skip
    items, _summary = week_items(services, dt.date(2026, 11, 23))
    item = next(i for i in items if i.student_name == "Зайцева Полина Игоревна" and i.final)
    assert items[0].final  # finals come first
    assert item.urgency is Urgency.DUE_TODAY  # due the next working day: shown urgent
    assert item.time_left == "срочно, 1 р.д."


def test_the_model_is_a_sound_qt_model(qtmodeltester, demo_services, families):
    model = PrintoutsModel()
    model.set_rows(week_items(log_in(demo_services, "secretary"), dt.date(2026, 11, 23))[0])
    assert model.rowCount() >= 2
    qtmodeltester.check(model)


def test_the_reminder_appears_on_a_friday(user_window, families, clock):
    clock.now = at("27.11.2026", "10:00")
    window = user_window("secretary")
    assert window.reminder_label.isVisible()
    assert "Не вручены отчёты за неделю:" in window.reminder_label.text()
    assert "семьи" in window.reminder_label.text() or "семей" in window.reminder_label.text()


def test_no_reminder_on_a_tuesday(user_window, families, clock):
    clock.now = at("24.11.2026", "10:00")
    window = user_window("secretary")
    assert not window.reminder_label.isVisible()


@pytest.mark.parametrize("login", ["admin", "agent", "operator"])
def test_a_role_without_the_families_right_has_no_section_and_no_reminder(user_window, families, clock, login):
    clock.now = at("27.11.2026", "10:00")
    window = user_window(login)
    assert "printouts" not in window.views
    assert not window.reminder_label.isVisible()


def test_the_director_looks_but_does_not_act(user_window, families):
    view = user_window("director").show_section("printouts")
    assert view.model.rowCount() >= 2
    assert not view.hand_button.isVisible() and not view.print_button.isVisible()


def test_the_weeks_batch_of_a_class_goes_to_the_preview_and_is_recorded(qtbot, user_window, families, play_dialogs):
    view = user_window("secretary").show_section("printouts")
    if view.print_glue is None:
        pytest.skip("services.weekly_print is not there yet")
    view.class_box.setCurrentIndex(view.class_box.findData("6А"))
    shown: list[str] = []

    def preview(dialog) -> None:  # type: ignore[no-untyped-def]
        shown.append(dialog.windowTitle())
        dialog.reject()

    script = play_dialogs(preview)
    click(qtbot, view.print_button)
    assert script.seen == ["PrintPreviewDialog"]
    assert "Отчёты недели 23.11.2026 — 6А" in shown[0]
    row = row_of(view.model, "Зайцева Полина Игоревна")
    assert view.model.index(row, P_STATE).data() == "напечатан 23.11, ждёт вручения"
