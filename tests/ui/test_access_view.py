"""Section «Доступ к дневнику»: the applications queue with urgency by colour, icon and words; Enter opens the
family card; the register of issued codes (in full for who issues them, masked for the others); refusals."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from desktop.domain.tickets import Urgency
from desktop.ui.access_view import (
    A_CHILD,
    A_CONSENT,
    A_LEFT,
    A_NUMBER,
    C_CODE,
    AccessView,
    ApplicationsModel,
    masked,
)
from desktop.ui.family_card import FamilyCardDialog
from desktop.ui.urgency import LOOKS
from tests.ui.families_data import Families, fill_families
from tests.ui.helpers import click, log_in


@pytest.fixture
def families(demo_services, clock) -> Families:  # type: ignore[no-untyped-def]
    return fill_families(demo_services, clock)


def row_of(model, name: str) -> int:  # type: ignore[no-untyped-def]
    return next(r for r in range(model.rowCount()) if model.index(r, A_CHILD).data() == name)


def test_the_queue_shows_the_urgency_by_colour_icon_and_words(user_window, families):
    view = user_window("secretary").show_section("access")
    assert isinstance(view, AccessView)
    model = view.applications
    late, soon = row_of(model, "Гусев Тимофей Олегович"), row_of(model, "Белова Анна Сергеевна")
    assert late < soon  # the most urgent first
    assert model.index(late, A_LEFT).data() == "просрочено"
    assert model.index(late, 0).data(Qt.ItemDataRole.BackgroundRole).color().name() == LOOKS[Urgency.OVERDUE].background
    assert model.index(late, A_NUMBER).data(Qt.ItemDataRole.DecorationRole) is not None
    assert model.index(late, A_CONSENT).data() == "нет"
    assert "Согласия на обработку данных нет" in model.index(late, 1).data(Qt.ItemDataRole.ToolTipRole)
    assert model.index(soon, A_LEFT).data() == "1 р.д."
    assert model.index(soon, 0).data(Qt.ItemDataRole.BackgroundRole).color().name() == LOOKS[Urgency.ONE_DAY].background
    assert view.legend.texts() == ["больше 1 р.д.", "остался 1 р.д.", "срок сегодня", "просрочено", "решено"]

    view.show_box.setCurrentIndex(view.show_box.findData("urgent"))
    urgent = [model.index(r, A_CHILD).data() for r in range(model.rowCount())]
    assert "Гусев Тимофей Олегович" in urgent and "Белова Анна Сергеевна" not in urgent
    view.show_box.setCurrentIndex(view.show_box.findData("all"))
    statuses = {model.index(r, A_CHILD).data(): model.index(r, 8).data() for r in range(model.rowCount())}
    assert statuses["Орлов Кирилл Андреевич"] == "Доступ предоставлен"


def test_the_queue_model_is_a_sound_qt_model(qtmodeltester, demo_services, families):
    model = ApplicationsModel()
    from desktop.services.families import ApplicationFilter

    model.set_rows(log_in(demo_services, "secretary").families.applications(ApplicationFilter(status=None)))
    qtmodeltester.check(model)


def test_enter_opens_the_family_card(qtbot, user_window, families, play_dialogs):
    view = user_window("secretary").show_section("access")
    view.table.selectRow(row_of(view.applications, "Белова Анна Сергеевна"))
    view.table.setFocus()
    seen: list[str] = []

    def look(card: FamilyCardDialog) -> None:
        seen.append(card.title.text())
        click(qtbot, card.close_button)

    play_dialogs(look)
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    assert seen == ["Белова Анна Сергеевна, 4Б"]


def test_the_codes_register_in_full_for_the_secretary_masked_for_the_director(user_window, families):
    for login, expected in (("secretary", "M3RD-8HWA"), ("director", "M3RD-••••")):
        view = user_window(login).show_section("access")
        view.tabs.setCurrentIndex(1)
        view.class_box.setCurrentIndex(view.class_box.findData("5А"))
        codes = [view.codes.index(r, C_CODE).data() for r in range(view.codes.rowCount())]
        assert expected in codes, login
    assert masked("K7QM-4XTP") == "K7QM-••••"


def test_the_refusals_list(qtbot, demo_services, user_window, families):
    from desktop.domain.families import RefusalGround

    log_in(demo_services, "secretary").families.refuse(
        [RefusalGround.NO_CONSENT], student_id=families.students["gusev"], representative_id=families.reps["guseva"]
    )
    view = user_window("secretary").show_section("access")
    view.tabs.setCurrentIndex(2)
    rows = [view.refusals.index(r, 2).data() for r in range(view.refusals.rowCount())]
    assert "Гусев Тимофей Олегович" in rows
    assert view.print_refusal_button.isEnabled()
