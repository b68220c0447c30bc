"""What the main window offers each role: only the sections it may open, editing only where it may edit; who is
logged in; the menu «Файл» (own password, lock, switch user, exit). Hiding is not the protection: the services
refuse as well (tests/services)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from desktop.services.demo import DEMO_PASSWORD
from desktop.ui.login import ChangePasswordDialog
from desktop.ui.settings_view import SettingsView
from tests.ui.helpers import click, list_texts, replace_text, type_text


def status_texts(window) -> list[str]:  # type: ignore[no-untyped-def]
    return [label.text() for label in window.statusBar().findChildren(QLabel) if label.isVisible()]


def menu(window, title: str):  # type: ignore[no-untyped-def]
    return next(a.menu() for a in window.menuBar().actions() if a.text().replace("&", "") == title)


@pytest.mark.parametrize(
    ("login", "sections", "user"),
    [
        (
            "admin",
            ["Отчёты", "Календарь", "Настройки", "Пользователи", "Журнал событий"],
            "Петров Алексей Игоревич (администратор)",
        ),
        (
            "director",
            ["Директору", "Обращения", "Заявки", "Семьи", "Доступ к дневнику", "Отчёты на бумаге", "Поддержка ЭПОС",
             "Отчёты", "Календарь", "Настройки", "Журнал событий"],
            "Соколова Елена Викторовна (директор)",
        ),
        (
            "deputy",
            ["Обращения", "Директору", "Заявки", "Семьи", "Доступ к дневнику", "Отчёты на бумаге", "Поддержка ЭПОС",
             "Отчёты", "Календарь", "Настройки"],
            "Воронина Ирина Александровна (заместитель директора)",
        ),
        (
            "secretary",
            ["Обращения", "Директору", "Заявки", "Семьи", "Доступ к дневнику", "Отчёты на бумаге", "Отчёты", "Календарь",
             "Настройки"],
            "Иванова Наталья Сергеевна (секретарь)",
        ),
        ("agent", ["Заявки", "Календарь", "Настройки"], "Смирнова Ольга Павловна (исполнитель)"),
        (
            "epos_admin",
            ["Семьи", "Доступ к дневнику", "Отчёты на бумаге", "Поддержка ЭПОС", "Отчёты", "Календарь", "Настройки"],
            "Морозов Андрей Николаевич (администратор ЭПОС)",
        ),
        ("class_teacher", ["Поддержка ЭПОС", "Календарь", "Настройки"], "Белова Татьяна Юрьевна (классный руководитель)"),
    ],
)
def test_each_role_sees_its_sections_and_its_name(user_window, login, sections, user):
    window = user_window(login)
    assert list_texts(window.nav) == sections
    assert [a.text() for a in menu(window, "Разделы").actions()] == sections
    assert f"Пользователь: {user}" in status_texts(window)


def test_an_agent_reads_the_settings_but_cannot_change_them(qtbot, demo_services, user_window):
    window = user_window("agent")
    assert "users" not in window.views and "audit" not in window.views
    with pytest.raises(KeyError):
        window.show_section("users")
    view = window.show_section("settings")
    assert isinstance(view, SettingsView)

    profile = view.profile
    assert profile.read_only_note.isVisible()
    assert profile.read_only_note.text() == "Только просмотр. Изменять их могут: администратор, директор."
    assert not profile.save_button.isVisible() and not profile.revert_button.isVisible()
    short_name = profile.form.editors["school_short_name"]
    assert short_name.isReadOnly()
    before = short_name.text()
    type_text(short_name, "Школа")
    assert short_name.text() == before  # typing does nothing
    timezone = profile.form.editors["timezone"]
    qtbot.keyClick(timezone, Qt.Key.Key_Down)
    assert profile.form.value("timezone") == "Asia/Yekaterinburg"
    qtbot.keyClick(short_name, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert not profile.banner.isVisible()

    view.tabs.setCurrentWidget(view.overrides)
    overrides = view.overrides
    assert overrides.table.rowCount() == 3  # the school's days are shown
    assert overrides.read_only_note.isVisible()
    assert "заместитель директора, секретарь" in overrides.read_only_note.text()
    for button in (overrides.add_day_off, overrides.add_workday, overrides.edit_button, overrides.remove_button,
                   overrides.confirm_year_button):  # fmt: skip
        assert not button.isVisible()
    overrides.table.selectRow(0)
    qtbot.keyClick(overrides.table, Qt.Key.Key_Delete)  # a question would fail here
    overrides.edit_selected()  # so would a dialog
    assert len(demo_services.calendar.overrides()) == 3


def test_a_secretary_edits_the_schools_days_but_only_reads_the_profile(user_window):
    view = user_window("secretary").show_section("settings")
    assert view.profile.form.editors["school_name"].isReadOnly()
    assert not view.profile.save_button.isVisible()
    assert not view.overrides.read_only_note.isVisible()
    assert view.overrides.add_day_off.isVisibleTo(
        view.overrides
    ) and view.overrides.confirm_year_button.isVisibleTo(view.overrides)


def test_the_director_edits_the_profile(qtbot, demo_services, user_window):
    view = user_window("director").show_section("settings")
    profile = view.profile
    assert not profile.read_only_note.isVisible()
    replace_text(profile.form.editors["school_short_name"], "Школа № 7")
    click(qtbot, profile.save_button)
    assert demo_services.settings.get("school_short_name") == "Школа № 7"


def test_the_file_menu(user_window):
    window = user_window("secretary")
    actions = [a for a in menu(window, "Файл").actions() if not a.isSeparator()]
    assert [(a.text().replace("&", ""), a.shortcut().toString()) for a in actions] == [
        ("Сменить пароль…", ""),
        ("Заблокировать", "Ctrl+L"),
        ("Сменить пользователя…", ""),
        ("Выход", "Ctrl+Q"),
    ]


def test_changing_ones_own_password_from_the_menu(qtbot, demo_services, user_window, play_dialogs):
    window = user_window("secretary")

    def change(dialog: ChangePasswordDialog) -> None:
        assert isinstance(dialog, ChangePasswordDialog)
        form = dialog.form
        type_text(form.editors["old_password"], "wrong-password")
        type_text(form.editors["password"], "Natalia-2026")
        type_text(form.editors["repeat"], "Natalia-2026")
        click(qtbot, dialog.ok_button)
        assert dialog.isVisible() and form.errors["old_password"].text() == "Текущий пароль введён неверно."
        form.editors["old_password"].clear()
        type_text(form.editors["old_password"], DEMO_PASSWORD)
        click(qtbot, dialog.ok_button)

    play_dialogs(change)
    window.change_password_action.trigger()
    assert window.statusBar().currentMessage() == "Пароль изменён."
    assert demo_services.users.authenticate("secretary", "Natalia-2026").login == "secretary"


def test_switch_user_closes_the_window_for_the_next_person(qtbot, user_window):
    window = user_window("secretary")
    with qtbot.waitSignal(window.switch_user_requested):
        window.switch_action.trigger()
    assert not window.isVisible() and window.switch_requested


@pytest.mark.parametrize("login", ["admin", "agent", "operator", "class_teacher"])
def test_a_role_without_the_families_right_has_no_families_sections(user_window, login):
    window = user_window(login)
    assert "families" not in window.views and "access" not in window.views and "printouts" not in window.views
    with pytest.raises(KeyError):
        window.show_section("families")


def test_the_families_register_is_read_only_for_the_director(user_window):
    view = user_window("director").show_section("families")
    assert not view.add_button.isVisible()
    access = user_window("deputy").show_section("access")
    assert not access.full_codes  # the codes are masked for those who do not issue them
