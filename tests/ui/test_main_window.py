"""The main window: sections in the navigation list, switching them, the status bar, the title, closing."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QLabel

from desktop import __version__
from desktop.services.demo import DEMO_PROFILE, fill_demo
from desktop.ui.appeals_view import AppealsView
from desktop.ui.calendar_view import CalendarView
from desktop.ui.settings_view import SettingsView
from tests.ui.helpers import click, click_item, list_texts, replace_text

SHORT_NAME = DEMO_PROFILE["school_short_name"]


def status_texts(window) -> list[str]:  # type: ignore[no-untyped-def]
    return [label.text() for label in window.statusBar().findChildren(QLabel) if label.isVisible()]


def test_navigation_lists_the_sections_and_a_click_opens_one(qtbot, demo_services, open_window):
    window = open_window(demo_services)
    assert list_texts(window.nav) == [
        "Обращения", "Директору", "Заявки", "Семьи", "Доступ к дневнику", "Отчёты на бумаге", "Поддержка ЭПОС",
        "Отчёты", "Календарь", "Настройки", "Пользователи", "Журнал событий",
    ]  # fmt: skip
    assert isinstance(window.stack.currentWidget(), AppealsView)  # the office's daily work comes first
    assert window.views["appeals"].isVisible() and not window.views["calendar"].isVisible()

    click_item(qtbot, window.nav, window.nav.item(9))
    assert isinstance(window.stack.currentWidget(), SettingsView)
    assert window.views["settings"].isVisible() and not window.views["appeals"].isVisible()
    assert window.current_section() == "settings"

    click_item(qtbot, window.nav, window.nav.item(8))
    assert isinstance(window.stack.currentWidget(), CalendarView)
    assert window.views["calendar"].isVisible() and not window.views["settings"].isVisible()


def test_ctrl_and_the_section_number_switch_sections(qtbot, demo_services, open_window):
    window = open_window(demo_services)
    menus = {action.text().replace("&", ""): action.menu() for action in window.menuBar().actions()}
    shortcuts = {a.text(): a.shortcut().toString() for a in menus["Разделы"].actions()}
    assert shortcuts == {
        "Обращения": "Ctrl+1",
        "Директору": "Ctrl+2",
        "Заявки": "Ctrl+3",
        "Семьи": "Ctrl+4",
        "Доступ к дневнику": "Ctrl+5",
        "Отчёты на бумаге": "Ctrl+6",
        "Поддержка ЭПОС": "Ctrl+7",
        "Отчёты": "Ctrl+8",
        "Календарь": "Ctrl+9",
        "Настройки": "Ctrl+0",
        "Пользователи": "",  # the eleventh and twelfth: past ten, no shortcut
        "Журнал событий": "",
    }
    assert [window.nav.item(i).toolTip() for i in range(window.nav.count())] == [
        f"Ctrl+{n % 10}" for n in range(1, 11)
    ] + ["", ""]

    qtbot.keyClick(window.nav, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert window.views["settings"].isVisible()
    assert window.nav.currentItem().text() == "Настройки"  # the list follows the keyboard

    qtbot.keyClick(window.views["settings"], Qt.Key.Key_9, Qt.KeyboardModifier.ControlModifier)
    assert window.views["calendar"].isVisible()
    assert window.nav.currentItem().text() == "Календарь"

    by_shortcut = {a.shortcut(): a for a in menus["Разделы"].actions()}
    by_shortcut[QKeySequence("Ctrl+0")].trigger()  # the same through the menu «Разделы»
    assert window.views["settings"].isVisible()


def test_status_bar_names_the_database_file_and_the_school(demo_services, open_window):
    window = open_window(demo_services)
    path = demo_services.location.path
    assert path is not None and path.exists()
    texts = status_texts(window)
    assert f"База данных: SQLite: {path}" in texts
    assert SHORT_NAME in texts
    assert "Пользователь: Тестовый пользователь" in texts
    assert SHORT_NAME in window.windowTitle()
    assert "Канцелярия школы" in window.windowTitle()


def test_school_name_appears_once_the_profile_is_filled(sqlite_services, open_window):
    empty = open_window(sqlite_services)
    assert empty.windowTitle() == "Канцелярия школы"
    assert SHORT_NAME not in status_texts(empty)

    fill_demo(sqlite_services)
    filled = open_window(sqlite_services)
    assert filled.windowTitle() == f"{SHORT_NAME} — Канцелярия школы"
    assert SHORT_NAME in status_texts(filled)


def test_saving_a_new_short_name_renames_the_window_at_once(qtbot, demo_services, open_window):
    window = open_window(demo_services)
    window.show_section("settings")
    profile = window.views["settings"].profile
    edit = profile.form.editors["school_short_name"]
    replace_text(edit, "Школа № 7")
    click(qtbot, profile.save_button)
    assert window.windowTitle() == "Школа № 7 — Канцелярия школы"
    assert "Школа № 7" in status_texts(window)


def _edit_short_name(qtbot, window, text):  # type: ignore[no-untyped-def]
    window.show_section("settings")
    edit = window.views["settings"].profile.form.editors["school_short_name"]
    replace_text(edit, text)
    window.show_section("calendar")  # the secretary went elsewhere and forgot
    assert window.views["settings"].has_unsaved_changes()


def test_closing_with_unsaved_profile_asks_and_cancel_keeps_the_window(
    qtbot, demo_services, open_window, answer_message_box
):
    window = open_window(demo_services)
    _edit_short_name(qtbot, window, "Школа № 7")
    answers = answer_message_box("Отмена")

    assert window.close() is False
    assert answers.shown == ["Профиль школы изменён, но не сохранён. Сохранить перед выходом?"]
    assert sorted(answers.buttons[0]) == ["Не сохранять", "Отмена", "Сохранить"]  # order is the platform's
    assert answers.defaults == ["Сохранить"]
    assert window.isVisible()
    assert window.views["settings"].isVisible()  # shown where the unsaved edit is
    assert window.views["settings"].profile.form.editors["school_short_name"].text() == "Школа № 7"
    assert demo_services.settings.get("school_short_name") == SHORT_NAME


def test_closing_and_choosing_save_stores_the_edit(qtbot, demo_services, open_window, answer_message_box):
    window = open_window(demo_services)
    _edit_short_name(qtbot, window, "Школа № 7")
    answer_message_box("Сохранить")
    assert window.close() is True
    assert not window.isVisible()
    assert demo_services.settings.get("school_short_name") == "Школа № 7"


def test_closing_and_choosing_not_to_save_drops_the_edit(
    qtbot, demo_services, open_window, answer_message_box
):
    window = open_window(demo_services)
    _edit_short_name(qtbot, window, "Школа № 7")
    answer_message_box("Не сохранять")
    assert window.close() is True
    assert demo_services.settings.get("school_short_name") == SHORT_NAME


def test_closing_and_saving_a_wrong_value_keeps_the_window_with_the_error(
    qtbot, demo_services, open_window, answer_message_box
):
    window = open_window(demo_services)
    window.show_section("settings")
    form = window.views["settings"].profile.form
    director = form.editors["director_name"]
    replace_text(director, "Соколова 7")
    answer_message_box("Сохранить")
    assert window.close() is False
    assert window.isVisible() and window.views["settings"].isVisible()
    assert form.errors["director_name"].isVisible()
    assert demo_services.settings.get("director_name") == DEMO_PROFILE["director_name"]


def test_closing_without_edits_does_not_ask(demo_services, open_window):
    window = open_window(demo_services)
    assert not window.views["settings"].has_unsaved_changes()
    assert window.close() is True  # a question would fail here (tests/ui/conftest.py refuses modal dialogs)


def test_ctrl_q_quits(qtbot, demo_services, open_window):
    window = open_window(demo_services)
    qtbot.keyClick(window.nav, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    assert not window.isVisible()


def test_about_names_the_version_the_database_and_every_licence(demo_services, open_window, play_dialogs, qapp):
    seen: dict[str, object] = {}

    def look(dialog):  # type: ignore[no-untyped-def]
        assert dialog.windowTitle() == "О программе"
        seen["facts"] = dialog.facts.text()
        seen["rows"] = [
            dialog.components.topLevelItem(i).text(0) for i in range(dialog.components.topLevelItemCount())
        ]
        # Qt's licence, the one a school must be able to read: select it and open its text.
        row = seen["rows"].index("Qt 6 и PySide6")  # type: ignore[union-attr]
        dialog.components.setCurrentItem(dialog.components.topLevelItem(row))
        dialog.licence_button.click()
        dialog.copy_button.click()
        dialog.reject()

    def licence(dialog):  # type: ignore[no-untyped-def]
        seen["licence"] = dialog.text.toPlainText()
        dialog.reject()

    script = play_dialogs(look, licence)
    window = open_window(demo_services)
    menus = {action.text().replace("&", ""): action.menu() for action in window.menuBar().actions()}
    about = next(a for a in menus["Справка"].actions() if a.text().replace("&", "") == "О программе")
    about.trigger()
    assert script.seen == ["AboutDialog", "LicenceDialog"]
    assert f"База данных: SQLite: {demo_services.location.path}" in str(seen["facts"])
    assert "Переводы Qt: загружены" in str(seen["facts"])
    assert {"Qt 6 и PySide6", "Шрифты DejaVu", "SQLAlchemy", "ReportLab", "openpyxl"} <= set(seen["rows"])  # type: ignore[arg-type]
    assert "GNU LESSER GENERAL PUBLIC LICENSE" in str(seen["licence"])
    copied = qapp.clipboard().text()
    assert f"Канцелярия школы, версия {__version__}" in copied and str(demo_services.location.path) in copied
