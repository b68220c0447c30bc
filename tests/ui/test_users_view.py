"""Section «Пользователи»: the administrator adds a user who can then log in, changes roles, blocks and
unblocks (asking first), resets a forgotten password; what the service refuses is shown in Russian."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from desktop.app import sign_in
from desktop.domain.access import Actor, Role
from desktop.services.demo import DEMO_PASSWORD, DEMO_USERS
from desktop.services.demo_tickets import DEMO_AGENTS
from desktop.ui.login import LoginDialog
from desktop.ui.users_view import AddUserDialog, ResetPasswordDialog, RolesDialog, UsersModel, UsersView
from tests.ui.helpers import click, click_cell, log_in, table_rows, tick, type_text


@pytest.fixture
def admin(demo_services):  # type: ignore[no-untyped-def]
    return log_in(demo_services, "admin")


@pytest.fixture
def view(qtbot, user_window) -> UsersView:  # type: ignore[no-untyped-def]
    window = user_window("admin")
    view = window.show_section("users")
    assert isinstance(view, UsersView)
    return view


def row_of(view: UsersView, login: str) -> list[str]:
    return next(row for row in table_rows(view.table) if row[1] == login)


def select(qtbot, view: UsersView, login: str) -> None:  # type: ignore[no-untyped-def]
    row = view.model.row_of(login)
    assert row is not None, f"{login} is not in the table"
    click_cell(qtbot, view.table, row, 0)


def test_the_table_lists_every_user_with_roles_and_state(view):
    rows = table_rows(view.table)
    assert len(rows) == len(DEMO_USERS) + len(DEMO_AGENTS)  # one per role and two more agents
    assert ["Иванова Наталья Сергеевна", "secretary", "секретарь", "активен"] in rows
    assert ["Петров Алексей Игоревич", "admin", "администратор", "активен"] in rows
    headers = [view.model.headerData(c, Qt.Orientation.Horizontal) for c in range(view.model.columnCount())]
    assert headers == ["ФИО", "Логин", "Роли", "Состояние"]
    # Nothing selected: only «Добавить…» can be pressed.
    assert view.add_button.isEnabled()
    assert not any(
        b.isEnabled() for b in (view.roles_button, view.block_button, view.reset_button, view.rename_button)
    )


def test_the_users_model_passes_the_model_tester(qtmodeltester, admin):
    model = UsersModel()
    model.set_users(admin.users.list())
    qtmodeltester.check(model)


def fill_new_user(
    qtbot, dialog: AddUserDialog, name: str, login: str, roles: list[Role], password: str
) -> None:
    form = dialog.form
    type_text(form.editors["full_name"], name)
    type_text(form.editors["login"], login)
    assert dialog.roles is not None
    for role in roles:
        tick(qtbot, dialog.roles.boxes[role])
    type_text(form.editors["password"], password)
    type_text(form.editors["repeat"], password)


def test_the_administrator_adds_a_user_who_then_logs_in_and_chooses_a_password(
    qtbot, view, demo_services, play_dialogs
):
    def add(dialog: AddUserDialog) -> None:
        assert isinstance(dialog, AddUserDialog) and dialog.windowTitle() == "Новый пользователь"
        assert dialog.roles is not None
        assert [box.text() for box in dialog.roles.boxes.values()] == [
            "Администратор", "Директор", "Заместитель директора", "Секретарь", "Оператор заявок", "Исполнитель",
            "Администратор ЭПОС", "Классный руководитель",
        ]  # fmt: skip
        fill_new_user(
            qtbot, dialog, "Новикова Анна Сергеевна", "novikova", [Role.SECRETARY, Role.OPERATOR], "Temp-2026"
        )
        click(qtbot, dialog.ok_button)

    play_dialogs(add)
    click(qtbot, view.add_button)

    assert row_of(view, "novikova") == [
        "Новикова Анна Сергеевна", "novikova", "секретарь, оператор заявок", "активен, сменит пароль при входе"
    ]  # fmt: skip
    assert view.selected() is not None and view.selected().login == "novikova"
    assert view.banner.isVisible() and view.banner.text().startswith(
        "Добавлен пользователь Новикова Анна Сергеевна (логин novikova), роли: секретарь, оператор заявок."
    )

    # She logs in with the temporary password and is asked for her own at once.
    def log_in_step(dialog: LoginDialog) -> None:
        type_text(dialog.login_edit, "novikova")
        type_text(dialog.password_edit, "Temp-2026")
        click(qtbot, dialog.ok_button)

    def choose(dialog) -> None:  # type: ignore[no-untyped-def]
        type_text(dialog.form.editors["password"], "Anna-2026!")
        type_text(dialog.form.editors["repeat"], "Anna-2026!")
        click(qtbot, dialog.ok_button)

    script = play_dialogs(log_in_step, choose)
    services = sign_in(demo_services.as_actor(Actor.anonymous()))
    assert script.seen == ["LoginDialog", "ChangePasswordDialog"]
    assert services is not None and services.actor.roles == {Role.SECRETARY, Role.OPERATOR}
    assert demo_services.users.authenticate("novikova", "Anna-2026!").name == "Новикова Анна Сергеевна"


def test_the_add_dialog_checks_as_one_types_and_shows_the_services_refusal(qtbot, view, admin, play_dialogs):
    def add(dialog: AddUserDialog) -> None:
        assert dialog.roles is not None
        click(qtbot, dialog.ok_button)  # everything empty
        assert dialog.isVisible()
        shown = {key for key, error in dialog.form.errors.items() if error.isVisible()}
        assert shown == {"full_name", "login", "password", "repeat"}
        assert dialog.roles.error.text() == "Отметьте хотя бы одну роль."

        fill_new_user(qtbot, dialog, "Иванова Наталья Сергеевна", "secretary", [Role.AGENT], "Temp-2026")
        assert not dialog.roles.error.isVisible()
        click(qtbot, dialog.ok_button)
        assert dialog.isVisible()
        assert dialog.form.errors["login"].text() == "Логин «secretary» уже занят."  # the service's verdict
        click(qtbot, dialog.buttons.button(dialog.buttons.StandardButton.Cancel))

    play_dialogs(add)
    click(qtbot, view.add_button)
    assert len(admin.users.list()) == len(DEMO_USERS) + len(DEMO_AGENTS)  # nobody added


def test_blocking_asks_first_and_the_blocked_user_cannot_log_in(
    qtbot, view, demo_services, answer_message_box
):
    select(qtbot, view, "secretary")
    assert view.block_button.text() == "Заблокировать"

    answers = answer_message_box("Отмена")
    click(qtbot, view.block_button)
    assert answers.shown[0].startswith("Заблокировать пользователя Иванова Наталья Сергеевна (secretary)?")
    assert answers.defaults == ["Отмена"]  # the safe answer is the default
    assert row_of(view, "secretary")[3] == "активен"

    answer_message_box("Заблокировать")
    click(qtbot, view.block_button)
    assert row_of(view, "secretary")[3] == "заблокирован"
    assert view.block_button.text() == "Разблокировать"
    assert view.banner.text() == "Пользователь Иванова Наталья Сергеевна заблокирован."
    login = LoginDialog(demo_services.as_actor(Actor.anonymous()), "secretary")
    qtbot.addWidget(login)
    type_text(login.password_edit, DEMO_PASSWORD)
    click(qtbot, login.ok_button)
    assert login.error.text() == "Учётная запись заблокирована. Обратитесь к администратору программы."

    answers = answer_message_box("Разблокировать")
    click(qtbot, view.block_button)
    assert answers.shown[0].startswith("Разблокировать пользователя Иванова Наталья Сергеевна (secretary)?")
    assert row_of(view, "secretary")[3] == "активен"
    assert demo_services.users.authenticate("secretary", DEMO_PASSWORD).login == "secretary"


def test_the_administrator_cannot_block_themself(qtbot, view, answer_message_box):
    select(qtbot, view, "admin")
    answer_message_box("Заблокировать")
    click(qtbot, view.block_button)
    assert view.banner.isVisible() and view.banner.text() == "Нельзя заблокировать самого себя."
    assert row_of(view, "admin")[3] == "активен"


def test_roles_are_changed_in_their_dialog(qtbot, view, play_dialogs):
    select(qtbot, view, "secretary")

    def roles(dialog: RolesDialog) -> None:
        assert dialog.roles is not None
        boxes = dialog.roles.boxes
        assert [role for role, box in boxes.items() if box.isChecked()] == [Role.SECRETARY]
        tick(qtbot, boxes[Role.SECRETARY])
        click(qtbot, dialog.ok_button)
        assert dialog.isVisible() and dialog.roles.error.text() == "Отметьте хотя бы одну роль."
        tick(qtbot, boxes[Role.DEPUTY])
        tick(qtbot, boxes[Role.SECRETARY])
        click(qtbot, dialog.ok_button)

    play_dialogs(roles)
    click(qtbot, view.roles_button)
    assert row_of(view, "secretary")[2] == "заместитель директора, секретарь"


def test_the_last_administrator_keeps_the_role(qtbot, view, play_dialogs):
    select(qtbot, view, "admin")

    def drop_admin(dialog: RolesDialog) -> None:
        assert dialog.roles is not None
        tick(qtbot, dialog.roles.boxes[Role.ADMIN])
        tick(qtbot, dialog.roles.boxes[Role.DIRECTOR])
        click(qtbot, dialog.ok_button)
        assert dialog.isVisible()
        assert dialog.error.text() == (
            "«Петров Алексей Игоревич» — единственный действующий администратор: сначала назначьте другого."
        )
        click(qtbot, dialog.buttons.button(dialog.buttons.StandardButton.Cancel))

    play_dialogs(drop_admin)
    click(qtbot, view.roles_button)
    assert row_of(view, "admin")[2] == "администратор"


def test_a_reset_password_must_be_changed_at_the_next_login(qtbot, view, demo_services, play_dialogs):
    select(qtbot, view, "secretary")

    def reset(dialog: ResetPasswordDialog) -> None:
        assert "Новый временный пароль для: <b>Иванова Наталья Сергеевна</b> (secretary)" in [
            label.text() for label in dialog.findChildren(QLabel)
        ]
        type_text(dialog.form.editors["password"], "secretary")
        assert dialog.form.errors["password"].text() == "Пароль не должен совпадать с логином."
        dialog.form.editors["password"].clear()
        type_text(dialog.form.editors["password"], "Reset-2026")
        type_text(dialog.form.editors["repeat"], "Reset-2026")
        click(qtbot, dialog.ok_button)

    play_dialogs(reset)
    click(qtbot, view.reset_button)
    assert view.banner.text().startswith("Пароль пользователя Иванова Наталья Сергеевна сброшен.")
    assert row_of(view, "secretary")[3] == "активен, сменит пароль при входе"
    actor = demo_services.users.authenticate("secretary", "Reset-2026")
    assert demo_services.users.must_change_password(actor)


def test_a_name_is_corrected(qtbot, view, play_dialogs):
    select(qtbot, view, "secretary")

    def rename(dialog) -> None:  # type: ignore[no-untyped-def]
        edit = dialog.form.editors["full_name"]
        assert edit.text() == "Иванова Наталья Сергеевна"
        edit.clear()
        type_text(edit, "Петрова Наталья Сергеевна")
        click(qtbot, dialog.ok_button)

    play_dialogs(rename)
    click(qtbot, view.rename_button)
    assert row_of(view, "secretary")[0] == "Петрова Наталья Сергеевна"
