"""Logging in: the login dialog, the first administrator of a new database, and changing one's own password."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.access import Actor
from desktop.services.demo import DEMO_PASSWORD, DEMO_USERS
from desktop.services.errors import ServiceError, ValidationError
from desktop.services.registry import Services, computer_user
from desktop.ui.checked_form import (
    CheckedForm,
    login_problem,
    name_problem,
    new_password_problem,
    repeat_problem,
)
from desktop.ui.widgets import Banner, ErrorLabel

APP_TITLE = "Канцелярия школы"


def _heading(services: Services) -> QLabel:
    """The school's short name (or the program's) in large letters at the top of a dialog."""
    name = services.settings.get("school_short_name") or APP_TITLE
    label = QLabel(name)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 1.3)
    font.setBold(True)
    label.setFont(font)
    label.setWordWrap(True)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    return label


def demo_hint_html() -> str:
    """The demo database's logins and their shared password, for the login screen."""
    cells = [
        f"<td nowrap><b>{role.value}</b></td><td nowrap>— {html.escape(role.label)}</td>"
        for role, _name in DEMO_USERS
    ]
    half = (len(cells) + 1) // 2
    rows = "".join(
        f"<tr>{cells[i]}<td width='28'></td>{cells[i + half] if i + half < len(cells) else ''}</tr>"
        for i in range(half)
    )
    return (
        "<b>Демонстрационная база.</b> Войдите под любым из логинов, пароль у всех: "
        f"<b>{DEMO_PASSWORD}</b><table cellspacing='3'>{rows}</table>"
    )


class LoginDialog(QDialog):
    """Login and password; the service's verdict (wrong password, blocked, wait) under the fields.

    After `exec()` returns Accepted, `actor` is who logged in and `password` what they typed (the caller needs
    it once, for a forced change of a temporary password, and then calls `forget_password()`).
    """

    def __init__(self, services: Services, login: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self.actor: Actor | None = None
        self.password = ""
        self.setWindowTitle(f"Вход — {APP_TITLE}")
        layout = QVBoxLayout(self)
        layout.addWidget(_heading(services))
        intro = QLabel("Войдите под своим логином. Компьютер общий: уходя, заблокируйте окно (Ctrl+L).")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.login_edit = QLineEdit(login.strip(), self)
        self.login_edit.setObjectName("login")
        self.login_edit.setPlaceholderText("например, ivanova")
        self.password_edit = QLineEdit(self)
        self.password_edit.setObjectName("password")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow("Логин:", self.login_edit)
        form.addRow("Пароль:", self.password_edit)
        layout.addLayout(form)
        self.error = ErrorLabel(self)
        self.error.setObjectName("login_error")
        layout.addWidget(self.error)
        self.demo_hint = Banner(self)
        self.demo_hint.setObjectName("demo_hint")
        self.demo_hint.setTextFormat(Qt.TextFormat.RichText)
        if services.settings.is_demo():
            self.demo_hint.show_message(demo_hint_html(), "info")
        layout.addWidget(self.demo_hint)
        buttons = QDialogButtonBox(self)
        self.ok_button = buttons.addButton("Войти", QDialogButtonBox.ButtonRole.AcceptRole)
        self.quit_button = buttons.addButton("Выйти", QDialogButtonBox.ButtonRole.RejectRole)
        self.ok_button.setDefault(True)
        buttons.accepted.connect(self.try_login)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.setMinimumWidth(600)
        layout.setSpacing(8)
        (self.password_edit if self.login_edit.text() else self.login_edit).setFocus()

    def try_login(self) -> None:
        login, password = self.login_edit.text().strip(), self.password_edit.text()
        if not login:
            self._fail("Введите логин.", self.login_edit)
            return
        if not password:
            self._fail("Введите пароль.", self.password_edit)
            return
        try:
            actor = self._services.users.authenticate(login, password)
        except ServiceError as exc:
            self.password_edit.clear()
            self._fail(str(exc), self.password_edit)
            return
        self.actor, self.password = actor, password
        self.error.show_error(None)
        self.accept()

    def _fail(self, message: str, focus: QLineEdit) -> None:
        self.error.show_error(message)
        focus.setFocus()

    def forget_password(self) -> None:
        self.password = ""


class FirstAdminDialog(QDialog):
    """A database without users: the person setting it up creates the first administrator and is logged in."""

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self.actor: Actor | None = None
        self.password = ""
        self.setWindowTitle(f"Первый администратор — {APP_TITLE}")
        layout = QVBoxLayout(self)
        intro = QLabel(
            "<b>В базе данных ещё нет пользователей.</b><br>Создайте учётную запись администратора программы. "
            "Он добавит остальных сотрудников и назначит им роли."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.form = CheckedForm(self)
        f = self.form
        f.add_field(
            "full_name",
            "ФИО:",
            lambda: name_problem(f.value("full_name")),
            placeholder="Фамилия Имя Отчество",
        )
        f.add_field(
            "login", "Логин:", lambda: login_problem(f.value("login")), placeholder="например, petrov"
        )
        f.add_field(
            "password",
            "Пароль:",
            lambda: new_password_problem(f.value("password"), f.value("login")),
            password=True,
            placeholder="не короче 8 знаков",
        )
        f.add_field(
            "repeat",
            "Ещё раз:",
            lambda: repeat_problem(f.value("password"), f.value("repeat")),
            password=True,
        )
        layout.addWidget(f)
        self.error = ErrorLabel(self)
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(self)
        self.ok_button = buttons.addButton("Создать и войти", QDialogButtonBox.ButtonRole.AcceptRole)
        self.quit_button = buttons.addButton("Выйти", QDialogButtonBox.ButtonRole.RejectRole)
        self.ok_button.setDefault(True)
        buttons.accepted.connect(self.create)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.setMinimumWidth(600)
        f.editors["full_name"].setFocus()

    def create(self) -> None:
        self.error.show_error(None)
        if not self.form.check_all():
            return
        login, password = self.form.value("login").strip(), self.form.value("password")
        setup = self._services.as_actor(Actor.bootstrap(computer_user()))
        try:
            info = setup.users.create_first_admin(login, self.form.value("full_name"), password)
            self.actor = self._services.users.authenticate(info.login, password)
        except ValidationError as exc:
            self.error.show_error("\n".join(self.form.show_errors(exc.fields)) or None)
            return
        except ServiceError as exc:
            self.error.show_error(str(exc))
            return
        self.password = password
        self.accept()

    def forget_password(self) -> None:
        self.password = ""


class ChangePasswordDialog(QDialog):
    """Change one's own password. With `current_password` (a temporary one given by the administrator, just
    typed at the login) the person is not asked for it again and cannot skip the change."""

    def __init__(
        self, services: Services, current_password: str | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._current = current_password
        self.setWindowTitle("Смена пароля")
        layout = QVBoxLayout(self)
        actor = services.actor
        if current_password is not None:
            text = (
                f"<b>{html.escape(actor.name)}</b>, вы вошли с временным паролем, который выдал администратор. "
                "Придумайте свой пароль: его будете знать только вы."
            )
        else:
            text = f"<b>{html.escape(actor.name)}</b> ({html.escape(actor.login)}): новый пароль."
        intro = QLabel(text)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.form = CheckedForm(self)
        f = self.form
        if current_password is None:
            f.add_field(
                "old_password",
                "Текущий пароль:",
                lambda: None if f.value("old_password") else "Введите текущий пароль.",
                password=True,
            )
        f.add_field(
            "password",
            "Новый пароль:",
            lambda: new_password_problem(f.value("password"), actor.login),
            password=True,
            placeholder="не короче 8 знаков",
        )
        f.add_field(
            "repeat",
            "Ещё раз:",
            lambda: repeat_problem(f.value("password"), f.value("repeat")),
            password=True,
        )
        layout.addWidget(f)
        self.error = ErrorLabel(self)
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(self)
        self.ok_button: QPushButton = buttons.addButton(
            "Сменить пароль", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.cancel_button = buttons.addButton(
            "Выйти" if current_password is not None else "Отмена", QDialogButtonBox.ButtonRole.RejectRole
        )
        self.ok_button.setDefault(True)
        buttons.accepted.connect(self.change)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.setMinimumWidth(480)
        next(iter(f.editors.values())).setFocus()

    def change(self) -> None:
        self.error.show_error(None)
        if not self.form.check_all():
            return
        old = self._current if self._current is not None else self.form.value("old_password")
        try:
            self._services.users.change_own_password(old, self.form.value("password"))
        except ValidationError as exc:
            rest = self.form.show_errors(exc.fields)
            self.error.show_error("\n".join(rest) or None)
            return
        except ServiceError as exc:
            self.error.show_error(str(exc))
            return
        self._current = None
        self.accept()
