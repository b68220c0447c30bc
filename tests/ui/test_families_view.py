"""Section «Семьи»: the register paged from the database, its filters and search, a new student, Enter opens the
family card."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from desktop.ui.families_view import COL_CONSENT, COL_NAME, COL_STATE, FamiliesModel, FamiliesView
from desktop.ui.family_card import FamilyCardDialog
from desktop.ui.family_dialogs import AddStudentDialog, qdate
from tests.ui.families_data import Families, fill_families
from tests.ui.helpers import click, log_in, type_text


@pytest.fixture
def families(demo_services, clock) -> Families:  # type: ignore[no-untyped-def]
    return fill_families(demo_services, clock)


def names(view: FamiliesView) -> list[str]:
    model = view.model
    while model.canFetchMore():
        model.fetchMore()
    return [model.row(r).full_name for r in range(model.rowCount())]


def row_of(view: FamiliesView, name: str) -> int:
    return names(view).index(name)


def test_the_register_model_is_a_sound_qt_model(qtmodeltester, demo_services, families):
    model = FamiliesModel(log_in(demo_services, "secretary").families)
    model.page_size = 2  # several pages
    model.reload()
    qtmodeltester.check(model)


def test_the_register_shows_each_childs_consent_and_access(user_window, families):
    view = user_window("secretary").show_section("families")
    assert isinstance(view, FamiliesView)
    shown = {view.model.row(r).full_name: r for r in range(view.model.rowCount())}
    assert "Яковлев Денис Романович" not in names(view)  # who left is under «Выбывшие»
    cells = {
        name: (view.model.index(row_of(view, name), COL_CONSENT).data(), view.model.index(row_of(view, name), COL_STATE).data())
        for name in ("Орлов Кирилл Андреевич", "Белова Анна Сергеевна", "Гусев Тимофей Олегович", "Зайцева Полина Игоревна")
    }
    assert shown and cells == {
        "Орлов Кирилл Андреевич": ("2 из 2", "доступ выдан"),
        "Белова Анна Сергеевна": ("есть", "согласие есть, кода нет"),
        "Гусев Тимофей Олегович": ("нет", "нет согласия"),
        "Зайцева Полина Игоревна": ("есть", "отчёт на бумаге"),
    }


def test_filters_class_and_search(qtbot, user_window, families):
    view = user_window("secretary").show_section("families")
    click(qtbot, view.without_consent)
    assert "Гусев Тимофей Олегович" in names(view) and "Орлов Кирилл Андреевич" not in names(view)
    click(qtbot, view.without_consent)
    click(qtbot, view.paper)
    assert "Зайцева Полина Игоревна" in names(view) and "Белова Анна Сергеевна" not in names(view)
    click(qtbot, view.left_school)
    assert not view.paper.isChecked()  # «Выбывшие» look at those who left
    left = names(view)
    assert "Яковлев Денис Романович" in left and "Орлов Кирилл Андреевич" not in left
    assert all(not view.model.row(r).studying for r in range(view.model.rowCount()))
    click(qtbot, view.reset_button)
    view.class_box.setCurrentIndex(view.class_box.findData("7В"))
    assert "Гусев Тимофей Олегович" in names(view)
    assert {view.model.row(r).class_name for r in range(view.model.rowCount())} == {"7В"}
    click(qtbot, view.reset_button)
    qtbot.keyClick(view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert view.search.hasFocus()
    type_text(view.search, "орлова марина")  # a parent's name finds the child
    qtbot.keyClick(view.search, Qt.Key.Key_Return)
    assert names(view) == ["Орлов Кирилл Андреевич"]
    assert view.count_label.text() == "Найдено: 1"


def test_adding_a_student_shows_them_selected(qtbot, user_window, families, play_dialogs):
    view = user_window("secretary").show_section("families")

    def fill(dialog: AddStudentDialog) -> None:
        click(qtbot, dialog.ok_button)
        assert dialog.isVisible() and dialog.errors["full_name"].text() == "Укажите ФИО ученика."
        type_text(dialog.name_edit, "Новиков Лев Аркадьевич")
        dialog.birth_edit.setDate(qdate(dt.date(2017, 4, 1)))
        type_text(dialog.class_edit, "3 б")
        click(qtbot, dialog.ok_button)

    play_dialogs(fill)
    click(qtbot, view.add_button)
    assert view.model.row(view.table.currentIndex().row()).full_name == "Новиков Лев Аркадьевич"
    assert view.model.index(view.table.currentIndex().row(), 0).data() == "3Б"
    assert "Ученик внесён в реестр: Новиков Лев Аркадьевич" in view.banner.text()
    assert view.class_box.findData("3Б") >= 0


def test_enter_opens_the_family_card(qtbot, user_window, families, play_dialogs):
    view = user_window("secretary").show_section("families")
    row = row_of(view, "Орлов Кирилл Андреевич")
    view.table.selectRow(row)
    view.table.setFocus()
    seen: list[str] = []

    def look(card: FamilyCardDialog) -> None:
        seen.append(card.title.text())
        seen.extend(box.title() for box in card.rep_boxes)
        click(qtbot, card.close_button)

    play_dialogs(look)
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    assert seen == ["Орлов Кирилл Андреевич, 5А", "Орлова Марина Викторовна — мать", "Орлов Андрей Петрович — отец"]
    assert view.model.index(row, COL_NAME).data() == "Орлов Кирилл Андреевич"


def test_the_director_reads_the_register_but_adds_nobody(user_window, families):
    view = user_window("director").show_section("families")
    assert not view.add_button.isVisible() and "Орлов Кирилл Андреевич" in names(view)
