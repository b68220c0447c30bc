"""First start on an empty database: the school profile is asked for, checked, and saved all or nothing."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialog

from desktop.services.demo import DEMO_PROFILE
from desktop.services.settings import SPECS, computer_timezone
from desktop.ui.first_run import FirstRunDialog
from tests.ui.helpers import click, replace_text

REQUIRED_TEXT_FIELDS = [spec.key for spec in SPECS if spec.required and spec.key != "timezone"]


@pytest.fixture
def dialog(qtbot, sqlite_services) -> FirstRunDialog:  # type: ignore[no-untyped-def]
    assert sqlite_services.settings.missing_profile()  # a new database
    dialog = FirstRunDialog(sqlite_services)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_a_new_database_shows_empty_required_fields_and_this_computers_time_zone(dialog):
    form = dialog.form
    assert REQUIRED_TEXT_FIELDS == [
        "school_name", "school_short_name", "school_address",
        "director_name", "municipal_body", "region_department",
    ]  # fmt: skip
    assert [form.editors[key].text() for key in REQUIRED_TEXT_FIELDS] == [""] * 6
    assert form.value("timezone") == computer_timezone() != ""
    assert not any(error.isVisible() for error in form.errors.values())  # no red before the first try
    assert dialog.ok_button.text() == "Сохранить и начать работу" and dialog.ok_button.isEnabled()
    assert dialog.quit_button.text() == "Выйти"


def test_missing_fields_keep_the_dialog_open_and_store_nothing(qtbot, dialog, sqlite_services):
    form = dialog.form
    replace_text(form.editors["school_short_name"], DEMO_PROFILE["school_short_name"])

    click(qtbot, dialog.ok_button)

    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted
    shown = {key for key, error in form.errors.items() if error.isVisible()}
    assert shown == set(REQUIRED_TEXT_FIELDS) - {"school_short_name"}
    assert form.errors["school_name"].text() == "«Полное наименование школы»: значение не может быть пустым."
    assert dialog.banner.isVisible()
    assert dialog.banner.text() == "Не сохранено: исправьте поля, отмеченные красным."
    assert sqlite_services.settings.get("school_short_name") == ""  # all or nothing: not even this one
    assert sqlite_services.settings.missing_profile() == REQUIRED_TEXT_FIELDS


def test_an_error_goes_away_once_the_field_is_filled(qtbot, dialog):
    click(qtbot, dialog.ok_button)
    error = dialog.form.errors["school_address"]
    assert error.isVisible()
    replace_text(dialog.form.editors["school_address"], DEMO_PROFILE["school_address"])
    assert not error.isVisible()


def test_filling_every_field_saves_the_profile_and_starts_work(qtbot, dialog, sqlite_services):
    form = dialog.form
    for key in REQUIRED_TEXT_FIELDS:
        replace_text(form.editors[key], DEMO_PROFILE[key])
    assert not any(error.isVisible() for error in form.errors.values())

    click(qtbot, dialog.ok_button)

    assert dialog.result() == QDialog.DialogCode.Accepted
    assert not dialog.isVisible()
    assert sqlite_services.settings.missing_profile() == []
    stored = sqlite_services.settings.all()
    for key in REQUIRED_TEXT_FIELDS:
        assert stored[key] == DEMO_PROFILE[key]
    assert stored["timezone"] == computer_timezone()  # the prefilled zone is stored, not just shown
    assert stored["ejournal_url"] == ""  # optional fields may stay empty


def test_a_wrong_value_among_filled_fields_is_refused(qtbot, dialog, sqlite_services):
    form = dialog.form
    for key in REQUIRED_TEXT_FIELDS:
        replace_text(form.editors[key], DEMO_PROFILE[key])
    replace_text(form.editors["ejournal_url"], "school.example.ru")
    assert form.errors["ejournal_url"].isVisible()

    click(qtbot, dialog.ok_button)

    assert dialog.isVisible()
    assert form.errors["ejournal_url"].text().startswith("«Электронный журнал: адрес»: укажите адрес целиком")
    assert sqlite_services.settings.missing_profile() == REQUIRED_TEXT_FIELDS


def test_quit_leaves_the_database_empty(qtbot, dialog, sqlite_services):
    replace_text(dialog.form.editors["school_name"], DEMO_PROFILE["school_name"])
    click(qtbot, dialog.quit_button)
    assert dialog.result() == QDialog.DialogCode.Rejected
    assert not dialog.isVisible()
    assert sqlite_services.settings.get("school_name") == ""
