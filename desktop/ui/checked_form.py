"""A form of text fields checked as the person types: a red line under each wrong field, the service's verdict last.

Used by every dialog about people: the first administrator, a new user, a new or reset password.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCheckBox, QFormLayout, QLineEdit, QVBoxLayout, QWidget

from desktop.domain.access import password_problem
from desktop.services.errors import ValidationError
from desktop.services.users import check_login, check_name
from desktop.ui.widgets import ErrorLabel

#: What a field's check returns: the Russian problem, or None when the value will do.
Check = Callable[[], str | None]


def name_problem(text: str) -> str | None:
    if not text.strip():
        return "Укажите фамилию, имя и отчество."
    try:
        check_name(text)
    except ValidationError as exc:
        return exc.fields.get("full_name", str(exc))
    return None


def login_problem(text: str) -> str | None:
    if not text.strip():
        return "Укажите логин: латинскими буквами, например ivanova."
    try:
        check_login(text)
    except ValidationError as exc:
        return exc.fields.get("login", str(exc))
    return None


def new_password_problem(password: str, login: str = "") -> str | None:
    if not password:
        return "Придумайте пароль."
    return password_problem(password, login)


def repeat_problem(password: str, repeat: str) -> str | None:
    if not repeat:
        return "Введите пароль ещё раз."
    return None if repeat == password else "Пароли не совпадают."


class CheckedForm(QWidget):
    """Line edits with a red line under each. A field is checked once the person has typed in it (all of them
    when they press OK), and again whenever another field it depends on changes."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editors: dict[str, QLineEdit] = {}
        self.errors: dict[str, ErrorLabel] = {}
        self._checks: dict[str, Check] = {}
        self._touched: set[str] = set()
        self._passwords: list[QLineEdit] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        layout.addLayout(self.form)

    def add_field(
        self,
        key: str,
        label: str,
        check: Check | None = None,
        *,
        password: bool = False,
        placeholder: str = "",
    ) -> QLineEdit:
        edit = QLineEdit(self)
        edit.setObjectName(key)
        edit.setPlaceholderText(placeholder)
        if password:
            edit.setEchoMode(QLineEdit.EchoMode.Password)
            self._passwords.append(edit)
        error = ErrorLabel(self)
        error.setObjectName(f"{key}_error")
        box = QVBoxLayout()
        box.setSpacing(2)
        box.addWidget(edit)
        box.addWidget(error)
        self.form.addRow(label, box)
        self.editors[key] = edit
        self.errors[key] = error
        if check is not None:
            self._checks[key] = check
        edit.textEdited.connect(lambda _text, k=key: self._edited(k))
        return edit

    def add_show_passwords(self) -> QCheckBox:
        """«Показать пароль»: the administrator reads the temporary password back before telling it."""
        box = QCheckBox("Показать пароль", self)
        box.toggled.connect(self._show_passwords)
        self.form.addRow("", box)
        return box

    def _show_passwords(self, shown: bool) -> None:
        mode = QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
        for edit in self._passwords:
            edit.setEchoMode(mode)

    def value(self, key: str) -> str:
        return self.editors[key].text()

    def _edited(self, key: str) -> None:
        self._touched.add(key)
        self._recheck()
        self.changed.emit()

    def _recheck(self) -> None:
        for key in self._touched:
            check = self._checks.get(key)
            self.errors[key].show_error(check() if check else None)

    def problems(self) -> dict[str, str]:
        """Every field's problem, touched or not."""
        found = {}
        for key, check in self._checks.items():
            problem = check()
            if problem:
                found[key] = problem
        return found

    def check_all(self) -> bool:
        """Show every problem (pressing OK); True when there is none. The first wrong field gets the focus."""
        self._touched.update(self.editors)
        problems = self.problems()
        for key, error in self.errors.items():
            error.show_error(problems.get(key))
        if problems:
            self.editors[next(k for k in self.editors if k in problems)].setFocus()
        return not problems

    def show_errors(self, fields: dict[str, str]) -> list[str]:
        """The service's verdict under the fields it names; returns what belongs to no field here."""
        rest = []
        first = None
        for key, message in fields.items():
            if key in self.errors:
                self.errors[key].show_error(message)
                first = first or key
            else:
                rest.append(message)
        if first is not None:
            self.editors[first].setFocus()
            self.editors[first].selectAll()
        return rest
