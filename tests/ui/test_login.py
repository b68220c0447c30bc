"""Logging in at start-up: the right password opens the window for that person, a wrong one, a blocked user and
too many attempts are refused with the reason; the first administrator of a new database; a temporary password
changed before work starts."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel

from desktop.app import open_main_window, run_gui, sign_in
from desktop.domain.access import Actor, Role
from desktop.services.demo import DEMO_PASSWORD, DEMO_USERS
from desktop.ui.login import ChangePasswordDialog, FirstAdminDialog, LoginDialog
from desktop.ui.main_window import MainWindow
from tests.ui.helpers import click, list_texts, log_in, type_text

WRONG = "Неверный логин или пароль."


def status_texts(window: MainWindow) -> list[str]:
    return [label.text() for label in window.statusBar().findChildren(QLabel) if label.isVisible()]


def attempt(qtbot, login: str, password: str):  # type: ignore[no-untyped-def]
    """A step of `play_dialogs`: type the login and password into the login dialog and press «Войти»."""

    def step(dialog: LoginDialog) -> None:
        assert isinstance(dialog, LoginDialog)
        dialog.login_edit.clear()
        type_text(dialog.login_edit, login)
        type_text(dialog.password_edit, password)
        click(qtbot, dialog.ok_button)

    return step


@pytest.fixture
def nobody(demo_services):  # type: ignore[no-untyped-def]
    """The demo school's database as the program opens it: nobody logged in yet."""
    return demo_services.as_actor(Actor.anonymous())


def test_the_right_password_opens_the_main_window_for_that_person(qtbot, nobody, play_dialogs):
    script = play_dialogs(attempt(qtbot, "secretary", DEMO_PASSWORD))
    services = sign_in(nobody)
    assert services is not None and script.seen == ["LoginDialog"]
    assert services.actor.login == "secretary" and services.actor.roles == {Role.SECRETARY}

    window = open_main_window(services)
    assert window is not None
    qtbot.addWidget(window)
    window.show()
    assert "Пользователь: Иванова Наталья Сергеевна (секретарь)" in status_texts(window)
    assert list_texts(window.nav) == [
        "Обращения", "Директору", "Заявки", "Семьи", "Доступ к дневнику", "Отчёты на бумаге", "Отчёты", "Календарь",
        "Настройки",
    ]  # fmt: skip


def test_start_up_prefills_the_login_and_shows_the_window(qtbot, demo_services, play_dialogs, monkeypatch):
    """`school-office` with SCHOOL_OFFICE_USER set: the login is filled in, the password is asked for."""
    monkeypatch.setenv("SCHOOL_OFFICE_USER", "director")

    def type_password(dialog: LoginDialog) -> None:
        assert dialog.login_edit.text() == "director"
        assert dialog.demo_hint.isVisible()
        type_text(dialog.password_edit, DEMO_PASSWORD)
        click(qtbot, dialog.ok_button)

    script = play_dialogs(type_password)
    shown: list[tuple[str, list[str]]] = []

    def event_loop(app: QApplication) -> int:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, MainWindow) and widget.isVisible():
                shown.append((widget.user_label.text(), list_texts(widget.nav)))
                widget.close()
        return 0

    monkeypatch.setattr(QApplication, "exec", event_loop)
    assert run_gui(db=str(demo_services.location.path)) == 0
    assert script.seen == ["LoginDialog"]
    assert shown == [
        (
            "Пользователь: Соколова Елена Викторовна (директор)",
            ["Директору", "Обращения", "Заявки", "Семьи", "Доступ к дневнику", "Отчёты на бумаге", "Поддержка ЭПОС",
             "Отчёты", "Календарь", "Настройки", "Журнал событий"],
        )
    ]


def test_a_wrong_password_is_refused_and_no_window_opens(qtbot, nobody, play_dialogs):
    def wrong_then_quit(dialog: LoginDialog) -> None:
        attempt(qtbot, "secretary", "demo12345")(dialog)
        assert dialog.isVisible()  # still asking
        assert dialog.error.isVisible() and dialog.error.text() == WRONG
        assert dialog.password_edit.text() == ""  # to be typed again
        assert dialog.login_edit.text() == "secretary"
        click(qtbot, dialog.quit_button)

    play_dialogs(wrong_then_quit)
    assert sign_in(nobody) is None
    assert not [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]


def test_an_unknown_login_reads_the_same_as_a_wrong_password(qtbot, nobody, play_dialogs):
    def unknown(dialog: LoginDialog) -> None:
        attempt(qtbot, "ivanova", DEMO_PASSWORD)(dialog)
        assert dialog.error.text() == WRONG  # nobody learns which logins exist
        attempt(qtbot, "secretary", DEMO_PASSWORD)(dialog)

    play_dialogs(unknown)
    services = sign_in(nobody)
    assert services is not None and services.actor.login == "secretary"


def test_empty_fields_are_asked_for(qtbot, nobody, play_dialogs):
    def empty(dialog: LoginDialog) -> None:
        click(qtbot, dialog.ok_button)
        assert dialog.error.text() == "Введите логин."
        type_text(dialog.login_edit, "secretary")
        click(qtbot, dialog.ok_button)
        assert dialog.error.text() == "Введите пароль."
        click(qtbot, dialog.quit_button)

    play_dialogs(empty)
    assert sign_in(nobody) is None


def test_a_blocked_user_is_refused(qtbot, demo_services, nobody, play_dialogs):
    log_in(demo_services, "admin").users.block("secretary")

    def blocked(dialog: LoginDialog) -> None:
        attempt(qtbot, "secretary", DEMO_PASSWORD)(dialog)
        assert dialog.isVisible()
        assert dialog.error.text() == "Учётная запись заблокирована. Обратитесь к администратору программы."
        click(qtbot, dialog.quit_button)

    play_dialogs(blocked)
    assert sign_in(nobody) is None


def test_after_five_wrong_passwords_the_next_attempt_must_wait(qtbot, nobody, clock, play_dialogs):
    def guessing(dialog: LoginDialog) -> None:
        for _ in range(5):
            attempt(qtbot, "secretary", "password1")(dialog)
            assert dialog.error.text() == WRONG
        attempt(qtbot, "secretary", DEMO_PASSWORD)(dialog)  # even the right one, too early
        assert dialog.isVisible()
        assert dialog.error.text() == (
            "Слишком много неверных попыток входа подряд (5). Следующая попытка — через 5 секунд."
        )
        clock.advance(seconds=3)
        attempt(qtbot, "secretary", DEMO_PASSWORD)(dialog)
        assert dialog.error.text().endswith("Следующая попытка — через 2 секунды.")
        clock.advance(seconds=2)
        attempt(qtbot, "secretary", DEMO_PASSWORD)(dialog)

    play_dialogs(guessing)
    services = sign_in(nobody)
    assert services is not None and services.actor.login == "secretary"


def test_the_demo_database_shows_its_logins_and_password(qtbot, nobody):
    dialog = LoginDialog(nobody)
    qtbot.addWidget(dialog)
    dialog.show()
    hint = dialog.demo_hint
    assert hint.isVisible()
    for role, _name in DEMO_USERS:
        assert f"<b>{role.value}</b>" in hint.text()
        assert role.label in hint.text()
    assert f"пароль у всех: <b>{DEMO_PASSWORD}</b>" in hint.text()
    assert dialog.windowTitle() == "Вход — Канцелярия школы"


def test_a_real_schools_database_shows_no_demo_password(qtbot, profile_services):
    profile_services.users.create_first_admin("petrov", "Петров Алексей Игоревич", "Secret-2026")
    dialog = LoginDialog(profile_services.as_actor(Actor.anonymous()))
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.demo_hint.isVisible()
    assert DEMO_PASSWORD not in dialog.demo_hint.text()


# -- a new database: its first administrator ----------------------------------------------------------------


def test_a_new_database_asks_for_its_first_administrator_and_logs_them_in(
    qtbot, sqlite_services, play_dialogs
):
    def create(dialog: FirstAdminDialog) -> None:
        assert isinstance(dialog, FirstAdminDialog)
        form = dialog.form
        type_text(form.editors["login"], "Петров")
        assert form.errors["login"].isVisible()  # checked as it is typed
        assert form.errors["login"].text().startswith("Логин «петров» не подходит")
        form.editors["login"].clear()
        type_text(form.editors["login"], "petrov")
        assert not form.errors["login"].isVisible()
        type_text(form.editors["full_name"], "Петров Алексей Игоревич")
        type_text(form.editors["password"], "12121212")
        assert form.errors["password"].text() == "Пароль слишком простой."
        form.editors["password"].clear()
        type_text(form.editors["password"], "Secret-2026")
        type_text(form.editors["repeat"], "Secret-2027")
        assert form.errors["repeat"].text() == "Пароли не совпадают."
        click(qtbot, dialog.ok_button)
        assert dialog.isVisible()  # not with passwords that differ
        form.editors["repeat"].clear()
        type_text(form.editors["repeat"], "Secret-2026")
        assert not any(error.isVisible() for error in form.errors.values())
        click(qtbot, dialog.ok_button)

    script = play_dialogs(create, lambda profile: click(qtbot, profile.quit_button))
    services = sign_in(sqlite_services.as_actor(Actor.anonymous()))
    assert services is not None
    assert (services.actor.login, services.actor.name, services.actor.roles) == (
        "petrov", "Петров Алексей Игоревич", {Role.ADMIN}
    )  # fmt: skip
    assert [u.login for u in services.users.list()] == ["petrov"]
    # The school profile is missing and the administrator may fill it in: asked next («Выйти» here).
    assert open_main_window(services) is None
    assert script.seen == ["FirstAdminDialog", "FirstRunDialog"]


def test_the_first_administrator_dialog_shows_what_the_service_refuses(qtbot, sqlite_services, play_dialogs):
    def too_late(dialog: FirstAdminDialog) -> None:
        form = dialog.form
        type_text(form.editors["full_name"], "Петров Алексей Игоревич")
        type_text(form.editors["login"], "petrov")
        type_text(form.editors["password"], "Secret-2026")
        type_text(form.editors["repeat"], "Secret-2026")
        # Meanwhile, on the other office PC, somebody created the administrator.
        sqlite_services.users.create_first_admin("sokolova", "Соколова Елена Викторовна", "Other-2026")
        click(qtbot, dialog.ok_button)
        assert dialog.isVisible()
        assert dialog.error.text() == "Администратор уже создан: новых пользователей добавляет администратор."
        click(qtbot, dialog.quit_button)

    play_dialogs(too_late)
    assert sign_in(sqlite_services.as_actor(Actor.anonymous())) is None
    assert [u.login for u in sqlite_services.users.list()] == ["sokolova"]


# -- a temporary password ----------------------------------------------------------------------------------


def test_a_temporary_password_is_changed_before_work_starts(qtbot, demo_services, nobody, play_dialogs):
    log_in(demo_services, "admin").users.add("ivanova", "Иванова Мария Петровна", ["secretary"], "Temp-2026")

    def change(dialog: ChangePasswordDialog) -> None:
        assert isinstance(dialog, ChangePasswordDialog) and dialog.windowTitle() == "Смена пароля"
        assert "old_password" not in dialog.form.editors  # just typed at the login
        assert dialog.cancel_button.text() == "Выйти"
        type_text(dialog.form.editors["password"], "Temp-2026")
        type_text(dialog.form.editors["repeat"], "Temp-2026")
        click(qtbot, dialog.ok_button)
        assert dialog.isVisible()
        assert dialog.form.errors["password"].text() == "Новый пароль должен отличаться от текущего."
        for key in ("password", "repeat"):
            dialog.form.editors[key].clear()
            type_text(dialog.form.editors[key], "Mine-2026!")
        click(qtbot, dialog.ok_button)

    script = play_dialogs(attempt(qtbot, "ivanova", "Temp-2026"), change)
    services = sign_in(nobody)
    assert services is not None and services.actor.login == "ivanova"
    assert script.seen == ["LoginDialog", "ChangePasswordDialog"]
    assert not services.users.must_change_password(services.actor)
    assert demo_services.users.authenticate("ivanova", "Mine-2026!").login == "ivanova"


def test_refusing_to_change_a_temporary_password_does_not_start_work(
    qtbot, demo_services, nobody, play_dialogs
):
    log_in(demo_services, "admin").users.add("ivanova", "Иванова Мария Петровна", ["secretary"], "Temp-2026")
    play_dialogs(attempt(qtbot, "ivanova", "Temp-2026"), lambda dialog: click(qtbot, dialog.cancel_button))
    assert sign_in(nobody) is None


def test_somebody_without_the_right_is_not_asked_for_the_school_profile(qtbot, sqlite_services, play_dialogs):
    sqlite_services.users.create_first_admin("petrov", "Петров Алексей Игоревич", "Secret-2026")
    admin = log_in(sqlite_services, "petrov", "Secret-2026")
    admin.users.add("smirnova", "Смирнова Ольга Павловна", ["agent"], "Agent-2026", must_change=False)
    assert sqlite_services.settings.missing_profile()

    script = play_dialogs(attempt(qtbot, "smirnova", "Agent-2026"))
    services = sign_in(sqlite_services.as_actor(Actor.anonymous()))
    assert services is not None
    window = open_main_window(services)  # a FirstRunDialog would fail here: no step left for it
    assert window is not None
    qtbot.addWidget(window)
    assert script.seen == ["LoginDialog"]


def test_switching_user_asks_for_the_next_login(qtbot, demo_services, play_dialogs, monkeypatch):
    """«Сменить пользователя» ends the first person's window; the login dialog comes back, empty."""
    monkeypatch.setenv("SCHOOL_OFFICE_USER", "secretary")
    users: list[str] = []

    def first(dialog: LoginDialog) -> None:
        type_text(dialog.password_edit, DEMO_PASSWORD)
        click(qtbot, dialog.ok_button)

        def switch() -> None:
            window = next(
                w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()
            )
            users.append(window.user_label.text())
            window.switch_action.trigger()

        QTimer.singleShot(50, switch)

    def second(dialog: LoginDialog) -> None:
        assert dialog.login_edit.text() == ""  # the next person types their own
        click(qtbot, dialog.quit_button)

    guard = QTimer()  # never hang the run
    guard.setSingleShot(True)
    guard.timeout.connect(QApplication.quit)
    guard.start(10_000)
    script = play_dialogs(first, second)
    try:
        assert run_gui(db=str(demo_services.location.path)) == 0
    finally:
        guard.stop()
    assert script.seen == ["LoginDialog", "LoginDialog"]
    assert users == ["Пользователь: Иванова Наталья Сергеевна (секретарь)"]
