"""Locking the window of a shared PC: Ctrl+L and idle time hide the data behind the lock screen; only the
password of the person logged in opens it again, on the section they left."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from sqlalchemy import select

from desktop.services.demo import DEMO_PASSWORD
from desktop.store.models import Event
from desktop.ui.main_window import MainWindow
from desktop.ui.users_view import UsersView
from tests.ui.helpers import click, log_in, replace_text, type_text


def lock_events(services) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    with services.ctx.transaction() as session:
        rows = session.scalars(
            select(Event).where(Event.action.in_(("lock", "idle_lock", "unlock"))).order_by(Event.id)
        )
        return [(e.actor, e.entity_id, e.action) for e in rows]


def data_hidden(window: MainWindow) -> bool:
    return (
        window.locked
        and window.lock_screen.isVisible()
        and not window.content.isVisible()
        and not any(view.isVisible() for view in window.views.values())
    )


def unlock_with(qtbot, window: MainWindow, password: str) -> None:  # type: ignore[no-untyped-def]
    type_text(window.lock_screen.password_edit, password)
    click(qtbot, window.lock_screen.unlock_button)


def test_ctrl_l_hides_the_data_and_only_the_right_password_brings_it_back(qtbot, demo_services, user_window):
    window = user_window("admin")
    window.show_section("users")
    assert window.views["users"].isVisible()

    qtbot.keyClick(window.nav, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)

    assert data_hidden(window)
    screen = window.lock_screen
    assert screen.who.text().startswith(
        "Работает: <b>Петров Алексей Игоревич (администратор)</b>, логин admin."
    )
    assert screen.password_edit.hasFocus()
    sections = window.sections_menu.actions()
    assert not any(action.isEnabled() for action in sections)  # Ctrl+1… do nothing behind the lock

    unlock_with(qtbot, window, "demo12345")
    assert data_hidden(window)
    assert screen.error.isVisible() and screen.error.text() == "Неверный логин или пароль."
    assert screen.password_edit.text() == ""

    unlock_with(qtbot, window, DEMO_PASSWORD)
    assert not window.locked
    assert window.content.isVisible() and not screen.isVisible()
    assert window.current_section() == "users" and window.views["users"].isVisible()  # where it was left
    assert all(action.isEnabled() for action in window.sections_menu.actions())
    assert lock_events(demo_services) == [
        ("Петров Алексей Игоревич", "admin", "lock"),
        ("Петров Алексей Игоревич", "admin", "unlock"),
    ]


def test_the_lock_screen_is_under_the_same_login_delay(qtbot, demo_services, user_window, clock):
    window = user_window("secretary")
    window.lock()
    for _ in range(5):
        unlock_with(qtbot, window, "guess-1234")
    unlock_with(qtbot, window, DEMO_PASSWORD)
    assert window.locked
    assert window.lock_screen.error.text() == (
        "Слишком много неверных попыток входа подряд (5). Следующая попытка — через 5 секунд."
    )
    clock.advance(seconds=5)
    unlock_with(qtbot, window, DEMO_PASSWORD)
    assert not window.locked


def test_the_window_locks_itself_after_the_idle_time(qtbot, demo_services, user_window):
    window = user_window("secretary", idle_lock_ms=150)
    window.show_section("settings")
    qtbot.waitUntil(lambda: window.locked, timeout=3000)
    assert data_hidden(window)
    assert lock_events(demo_services) == [("Иванова Наталья Сергеевна", "secretary", "idle_lock")]

    unlock_with(qtbot, window, DEMO_PASSWORD)
    assert window.current_section() == "settings" and window.views["settings"].isVisible()
    assert window.idle.timer.isActive()  # counting again


def test_typing_and_the_mouse_restart_the_idle_count(qtbot, user_window):
    window = user_window("secretary", idle_lock_ms=60_000)
    timer = window.idle.timer
    qtbot.waitUntil(lambda: timer.remainingTime() < 59_100, timeout=5000)  # counting down
    qtbot.keyClick(window.nav, Qt.Key.Key_Shift)
    assert timer.remainingTime() > 59_500
    qtbot.waitUntil(lambda: timer.remainingTime() < 59_100, timeout=5000)
    qtbot.mouseClick(window.nav.viewport(), Qt.MouseButton.LeftButton)
    assert timer.remainingTime() > 59_500
    assert not window.locked


def test_idle_lock_cancels_an_open_dialog(qtbot, demo_services, user_window, monkeypatch):
    """A dialog left half-typed would show over the lock screen: locking cancels it, nothing is saved."""
    window = user_window("admin", idle_lock_ms=60_000)
    view = window.show_section("users")
    assert isinstance(view, UsersView)
    results: list[int] = []

    def exec_(dialog: QDialog) -> int:
        dialog.show()
        type_text(dialog.form.editors["full_name"], "Новикова Анна Сергеевна")
        window.idle.timer.timeout.emit()  # the secretary went away
        assert not dialog.isVisible()
        results.append(dialog.result())
        return dialog.result()

    monkeypatch.setattr(QDialog, "exec", exec_)
    click(qtbot, view.add_button)
    assert results == [QDialog.DialogCode.Rejected]
    assert data_hidden(window)
    assert "Новикова Анна Сергеевна" not in [u.full_name for u in log_in(demo_services, "admin").users.list()]


def test_a_locked_window_closes_without_saving_somebody_elses_edit(qtbot, demo_services, user_window):
    """Whoever is at a locked window is not the one who typed: the edit is dropped, nobody is asked."""
    window = user_window("director")
    form = window.show_section("settings").profile.form
    replace_text(form.editors["school_short_name"], "Школа № 7")
    window.lock()
    assert window.close() is True  # a question would fail here
    assert demo_services.settings.get("school_short_name") != "Школа № 7"


def test_ctrl_s_does_nothing_behind_the_lock(qtbot, demo_services, user_window):
    window = user_window("director")
    profile = window.show_section("settings").profile
    replace_text(profile.form.editors["school_short_name"], "Школа № 7")
    window.lock()
    qtbot.keyClick(window.lock_screen.password_edit, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert demo_services.settings.get("school_short_name") != "Школа № 7"
    unlock_with(qtbot, window, DEMO_PASSWORD)
    assert profile.form.editors["school_short_name"].text() == "Школа № 7"  # the edit waited behind the lock


def test_switching_user_from_the_lock_screen_closes_the_window(qtbot, user_window):
    window = user_window("secretary")
    window.lock()
    with qtbot.waitSignal(window.switch_user_requested):
        click(qtbot, window.lock_screen.switch_button)
    assert not window.isVisible() and window.switch_requested


def test_a_database_being_set_up_has_nobody_to_lock_for(qtbot, demo_services, open_window):
    """The built-in actor of a database without users has no password: no lock, no idle lock."""
    window = open_window(demo_services)
    assert not window.lock_action.isEnabled() and not window.change_password_action.isEnabled()
    qtbot.keyClick(window.nav, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert not window.locked and not window.idle.timer.isActive()


def test_the_idle_time_is_the_schools_setting(qtbot, demo_services, user_window):
    window = user_window("director")
    assert window.idle.timer.interval() == 15 * 60_000  # the default
    profile = window.show_section("settings").profile
    replace_text(profile.form.editors["idle_lock_minutes"], "5")
    click(qtbot, profile.save_button)
    assert window.idle.timer.interval() == 5 * 60_000  # at once, without restarting
    assert window.idle.timer.isActive()
