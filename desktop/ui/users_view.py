"""Section «Пользователи» (administrator): who works in the program, their roles; add, block, reset a password."""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.access import PERMISSIONS, Role
from desktop.services.errors import ServiceError, ValidationError
from desktop.services.registry import Services
from desktop.services.users import UserInfo
from desktop.ui.checked_form import (
    CheckedForm,
    login_problem,
    name_problem,
    new_password_problem,
    repeat_problem,
)
from desktop.ui.widgets import Banner, ErrorLabel, confirm, ok_cancel_buttons, record_table

USER_COLUMNS = ("ФИО", "Логин", "Роли", "Состояние")
BLOCKED_COLOUR = "#8a8a8a"


def role_title(role: Role) -> str:
    """«Заместитель директора»: the role's label as a checkbox shows it."""
    return role.label[:1].upper() + role.label[1:]


def role_rights(role: Role) -> str:
    """What the role may do, for its tooltip."""
    rights = [action.label for action, roles in PERMISSIONS.items() if role in roles]
    return (
        "Может: " + "; ".join(rights) + "."
        if rights
        else "Особых прав в программе пока нет: работа с данными."
    )


#: The invisible root of a table model: the parent of every row.
ROOT = QModelIndex()


class UsersModel(QAbstractTableModel):
    """The users as rows (a school has dozens, not thousands: loaded whole)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._users: list[UserInfo] = []

    def set_users(self, users: list[UserInfo]) -> None:
        self.beginResetModel()
        self._users = list(users)
        self.endResetModel()

    def user(self, row: int) -> UserInfo:
        return self._users[row]

    def row_of(self, login: str) -> int | None:
        return next((r for r, u in enumerate(self._users) if u.login == login), None)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = ROOT) -> int:
        return 0 if parent.isValid() else len(self._users)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = ROOT) -> int:
        return 0 if parent.isValid() else len(USER_COLUMNS)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._users):
            return None
        user = self._users[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            column = index.column()
            if column == 0:
                return user.full_name
            if column == 1:
                return user.login
            if column == 2:
                return user.roles_text
            if column == 3:
                state = user.state_text
                if user.active and user.must_change_password:
                    state += ", сменит пароль при входе"
                return state
        if role == Qt.ItemDataRole.ForegroundRole and not user.active:
            return QBrush(QColor(BLOCKED_COLOUR))
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(USER_COLUMNS)
        ):
            return USER_COLUMNS[section]
        return None


class RolesBox(QGroupBox):
    """A checkbox per role, with the Russian label and, in the tooltip, what the role may do."""

    def __init__(self, chosen: frozenset[Role] = frozenset(), parent: QWidget | None = None) -> None:
        super().__init__("Роли", parent)
        grid = QGridLayout(self)
        self.boxes: dict[Role, QCheckBox] = {}
        roles = list(Role)
        half = (len(roles) + 1) // 2
        for i, role in enumerate(roles):
            box = QCheckBox(role_title(role), self)
            box.setObjectName(f"role_{role.value}")
            box.setToolTip(role_rights(role))
            box.setChecked(role in chosen)
            grid.addWidget(box, i % half, i // half)
            self.boxes[role] = box
        self.error = ErrorLabel(self)
        grid.addWidget(self.error, half, 0, 1, 2)

    def roles(self) -> list[Role]:
        return [role for role, box in self.boxes.items() if box.isChecked()]


def _password_fields(form: CheckedForm, login: Callable[[], str]) -> None:
    """«Временный пароль» twice and «Показать пароль»."""
    form.add_field(
        "password",
        "Временный пароль:",
        lambda: new_password_problem(form.value("password"), login()),
        password=True,
        placeholder="не короче 8 знаков",
    )
    form.add_field(
        "repeat",
        "Ещё раз:",
        lambda: repeat_problem(form.value("password"), form.value("repeat")),
        password=True,
    )
    form.add_show_passwords()


def _first_login_note() -> QLabel:
    note = QLabel(
        "Сообщите сотруднику логин и временный пароль: при первом входе программа попросит его придумать свой."
    )
    note.setWordWrap(True)
    return note


class _UserDialog(QDialog):
    """A dialog that calls the service when OK is pressed and stays open, with the service's error, if it refuses.

    `result_user` is the user as the service returned them.
    """

    ok_text = "Сохранить"

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self.result_user: UserInfo | None = None
        self.body = QVBoxLayout(self)
        self.form = CheckedForm(self)
        self.error = ErrorLabel(self)
        self.error.setObjectName("dialog_error")
        self.roles: RolesBox | None = None

    def finish_layout(self) -> None:
        self.body.addWidget(self.error)
        self.buttons = ok_cancel_buttons(self, self.ok_text, self.submit)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.body.addWidget(self.buttons)

    def call(self) -> UserInfo:
        raise NotImplementedError

    def submit(self) -> None:
        self.error.show_error(None)
        ok = self.form.check_all()
        if self.roles is not None:
            no_roles = not self.roles.roles()
            self.roles.error.show_error("Отметьте хотя бы одну роль." if no_roles else None)
            ok = ok and not no_roles
        if not ok:
            return
        try:
            self.result_user = self.call()
        except ValidationError as exc:
            fields = dict(exc.fields)
            if "roles" in fields and self.roles is not None:
                self.roles.error.show_error(fields.pop("roles"))
            self.error.show_error("\n".join(self.form.show_errors(fields)) or None)
            return
        except ServiceError as exc:
            self.error.show_error(str(exc))
            return
        self.accept()


class AddUserDialog(_UserDialog):
    """A new user: full name, login, roles and a temporary password (changed at the first login)."""

    ok_text = "Добавить"

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(services, parent)
        self.setWindowTitle("Новый пользователь")
        f = self.form
        f.add_field(
            "full_name",
            "ФИО:",
            lambda: name_problem(f.value("full_name")),
            placeholder="Фамилия Имя Отчество",
        )
        f.add_field(
            "login", "Логин:", lambda: login_problem(f.value("login")), placeholder="например, ivanova"
        )
        self.roles = RolesBox(parent=self)
        for box in self.roles.boxes.values():
            box.toggled.connect(self._roles_changed)
        f.form.addRow("", self.roles)
        _password_fields(f, lambda: f.value("login").strip())
        self.body.addWidget(f)
        self.body.addWidget(_first_login_note())
        self.finish_layout()
        self.setMinimumWidth(600)
        f.editors["full_name"].setFocus()

    def _roles_changed(self) -> None:
        assert self.roles is not None
        if self.roles.roles():
            self.roles.error.show_error(None)

    def call(self) -> UserInfo:
        assert self.roles is not None
        f = self.form
        return self._services.users.add(
            f.value("login").strip(), f.value("full_name"), self.roles.roles(), f.value("password")
        )


class RolesDialog(_UserDialog):
    """Change a user's roles."""

    def __init__(self, services: Services, user: UserInfo, parent: QWidget | None = None) -> None:
        super().__init__(services, parent)
        self._user = user
        self.setWindowTitle("Роли пользователя")
        self.body.addWidget(QLabel(f"<b>{html.escape(user.full_name)}</b> ({html.escape(user.login)})"))
        self.roles = RolesBox(user.roles, self)
        self.body.addWidget(self.roles)
        self.finish_layout()

    def call(self) -> UserInfo:
        assert self.roles is not None
        return self._services.users.set_roles(self._user.login, self.roles.roles())


class RenameDialog(_UserDialog):
    """Correct a user's full name (a typo, a new surname)."""

    def __init__(self, services: Services, user: UserInfo, parent: QWidget | None = None) -> None:
        super().__init__(services, parent)
        self._user = user
        self.setWindowTitle("ФИО пользователя")
        self.body.addWidget(QLabel(f"Логин: <b>{html.escape(user.login)}</b>"))
        f = self.form
        edit = f.add_field("full_name", "ФИО:", lambda: name_problem(f.value("full_name")))
        edit.setText(user.full_name)
        self.body.addWidget(f)
        self.finish_layout()
        self.setMinimumWidth(480)

    def call(self) -> UserInfo:
        return self._services.users.rename(self._user.login, self.form.value("full_name"))


class ResetPasswordDialog(_UserDialog):
    """A new temporary password for a user who forgot theirs; they choose their own at the next login."""

    ok_text = "Сбросить пароль"

    def __init__(self, services: Services, user: UserInfo, parent: QWidget | None = None) -> None:
        super().__init__(services, parent)
        self._user = user
        self.setWindowTitle("Сброс пароля")
        who = QLabel(
            f"Новый временный пароль для: <b>{html.escape(user.full_name)}</b> ({html.escape(user.login)})"
        )
        who.setWordWrap(True)
        self.body.addWidget(who)
        _password_fields(self.form, lambda: user.login)
        self.body.addWidget(self.form)
        self.body.addWidget(_first_login_note())
        self.finish_layout()
        self.setMinimumWidth(480)
        self.form.editors["password"].setFocus()

    def call(self) -> UserInfo:
        return self._services.users.reset_password(self._user.login, self.form.value("password"))


class UsersView(QWidget):
    """Section «Пользователи»: the table of users and what the administrator does with them."""

    title = "Пользователи"

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Сотрудники, которые работают в программе. Роли определяют, какие разделы и действия им доступны. "
            "Заблокированный пользователь не может войти; его записи сохраняются."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.model = UsersModel(self)
        self.table = record_table(self, "users_table", self.model, row_padding=10)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _index: self.edit_roles())
        layout.addWidget(self.table, 1)
        self.banner = Banner(self)
        self.banner.setObjectName("users_banner")
        layout.addWidget(self.banner)
        buttons = QHBoxLayout()
        self.add_button = QPushButton("Добавить…", self)
        self.add_button.setToolTip("Ctrl+N")
        self.rename_button = QPushButton("Изменить ФИО…", self)
        self.roles_button = QPushButton("Роли…", self)
        self.block_button = QPushButton("Заблокировать", self)
        self.reset_button = QPushButton("Сбросить пароль…", self)
        self.add_button.clicked.connect(self.add_user)
        self.rename_button.clicked.connect(self.rename)
        self.roles_button.clicked.connect(self.edit_roles)
        self.block_button.clicked.connect(self.toggle_block)
        self.reset_button.clicked.connect(self.reset_password)
        QShortcut(QKeySequence.StandardKey.New, self, activated=self.add_user)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.rename_button)
        buttons.addWidget(self.roles_button)
        buttons.addStretch(1)
        buttons.addWidget(self.reset_button)
        buttons.addWidget(self.block_button)
        layout.addLayout(buttons)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.refresh()

    # -- the list ----------------------------------------------------------------------------------

    def refresh(self, select: str | None = None) -> None:
        current = select or (self.selected().login if self.selected() else None)
        try:
            users = self._services.users.list()
        except ServiceError as exc:
            self.model.set_users([])
            self.banner.show_message(str(exc), "warning")
            self._update_buttons()
            return
        self.model.set_users(users)
        row = self.model.row_of(current) if current else None
        if row is not None:
            self.table.selectRow(row)
        self._update_buttons()

    def selected(self) -> UserInfo | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.user(rows[0].row()) if rows else None

    def select_login(self, login: str) -> None:
        row = self.model.row_of(login)
        if row is not None:
            self.table.selectRow(row)

    def _update_buttons(self) -> None:
        user = self.selected()
        for button in (self.rename_button, self.roles_button, self.block_button, self.reset_button):
            button.setEnabled(user is not None)
        self.block_button.setText(
            "Разблокировать" if user is not None and not user.active else "Заблокировать"
        )

    def _done(self, text: str, login: str) -> None:
        self.refresh(select=login)
        self.banner.show_message(text, "ok")

    # -- actions -----------------------------------------------------------------------------------

    def add_user(self) -> None:
        dialog = AddUserDialog(self._services, self)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.result_user is None:
            return
        user = dialog.result_user
        self._done(
            f"Добавлен пользователь {user.full_name} (логин {user.login}), роли: {user.roles_text}. "
            "При первом входе он сменит временный пароль на свой.",
            user.login,
        )

    def edit_roles(self) -> None:
        user = self.selected()
        if user is None:
            return
        dialog = RolesDialog(self._services, user, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and (changed := dialog.result_user) is not None:
            self._done(f"Роли пользователя {changed.full_name}: {changed.roles_text}.", changed.login)

    def rename(self) -> None:
        user = self.selected()
        if user is None:
            return
        dialog = RenameDialog(self._services, user, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and (changed := dialog.result_user) is not None:
            self._done(f"ФИО пользователя {changed.login}: {changed.full_name}.", changed.login)

    def toggle_block(self) -> None:
        user = self.selected()
        if user is None:
            return
        if user.active:
            asked = confirm(
                self,
                "Заблокировать пользователя",
                f"Заблокировать пользователя {user.full_name} ({user.login})?\n"
                "Он не сможет войти в программу. Его записи сохранятся; разблокировать можно в любой момент.",
                "Заблокировать",
            )
        else:
            asked = confirm(
                self,
                "Разблокировать пользователя",
                f"Разблокировать пользователя {user.full_name} ({user.login})?\n"
                "Он снова сможет входить в программу со своим паролем.",
                "Разблокировать",
            )
        if not asked:
            return
        users = self._services.users
        try:
            changed = users.block(user.login) if user.active else users.unblock(user.login)
        except ServiceError as exc:
            self.banner.show_message(str(exc), "warning")
            return
        state = "разблокирован" if changed.active else "заблокирован"
        self._done(f"Пользователь {changed.full_name} {state}.", changed.login)

    def reset_password(self) -> None:
        user = self.selected()
        if user is None:
            return
        dialog = ResetPasswordDialog(self._services, user, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and (changed := dialog.result_user) is not None:
            self._done(
                f"Пароль пользователя {changed.full_name} сброшен. Сообщите ему временный пароль: при входе "
                "программа попросит придумать свой.",
                changed.login,
            )
