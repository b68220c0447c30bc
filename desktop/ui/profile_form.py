"""The school profile form: one field per setting, checked as the person types, saved all or nothing."""

from __future__ import annotations

from collections.abc import Collection

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QWheelEvent
from PySide6.QtWidgets import QComboBox, QCompleter, QFormLayout, QLineEdit, QVBoxLayout, QWidget

from desktop.services.errors import ValidationError
from desktop.services.registry import Services
from desktop.services.settings import SPECS, SettingSpec, available_timezones
from desktop.ui.widgets import ErrorLabel

#: Russia's time zones first, west to east, with the cities people know them by.
RUSSIAN_ZONES = (
    ("Europe/Kaliningrad", "Калининград, UTC+2"),
    ("Europe/Moscow", "Москва, Санкт-Петербург, Крым, UTC+3"),
    ("Europe/Samara", "Самара, Ижевск, UTC+4"),
    ("Asia/Yekaterinburg", "Екатеринбург, Тюмень, Пермь, Челябинск, UTC+5"),
    ("Asia/Omsk", "Омск, UTC+6"),
    ("Asia/Novosibirsk", "Новосибирск, UTC+7"),
    ("Asia/Krasnoyarsk", "Красноярск, Кемерово, UTC+7"),
    ("Asia/Irkutsk", "Иркутск, Улан-Удэ, UTC+8"),
    ("Asia/Yakutsk", "Якутск, Чита, UTC+9"),
    ("Asia/Vladivostok", "Владивосток, Хабаровск, UTC+10"),
    ("Asia/Magadan", "Магадан, Южно-Сахалинск, UTC+11"),
    ("Asia/Kamchatka", "Петропавловск-Камчатский, UTC+12"),
)

#: Fields one may read but not change look it: grey, like paper behind glass.
READ_ONLY_STYLE = (
    "QLineEdit:read-only { background: #f2f2f2; color: #202020; }"
    " QComboBox:editable { background: #f2f2f2; color: #202020; }"
)


class TimezoneBox(QComboBox):
    """An editable list of time zones: Russia's with their cities first, then every IANA name."""

    read_only = False

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        names = [zone for zone, _ in RUSSIAN_ZONES]
        for zone, cities in RUSSIAN_ZONES:
            self.addItem(f"{zone} — {cities}", zone)
        self.insertSeparator(self.count())
        for zone in sorted(available_timezones() - set(names)):
            self.addItem(zone, zone)
        completer = QCompleter([self.itemText(i) for i in range(self.count()) if self.itemText(i)], self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.setCompleter(completer)

    def set_read_only(self, read_only: bool) -> None:
        """Shown as text that cannot be changed: no typing, no list, no wheel."""
        self.read_only = read_only
        line = self.lineEdit()
        if line is not None:
            line.setReadOnly(read_only)

    def showPopup(self) -> None:
        if not self.read_only:
            super().showPopup()

    def wheelEvent(self, event: QWheelEvent) -> None:
        if self.read_only:
            event.ignore()
        else:
            super().wheelEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self.read_only and event.key() not in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab):
            event.ignore()
        else:
            super().keyPressEvent(event)

    def zone(self) -> str:
        """The IANA name typed or chosen (the part before « — »)."""
        return self.currentText().split(" — ", 1)[0].strip()

    def set_zone(self, zone: str) -> None:
        index = self.findData(zone)
        if index >= 0:
            self.setCurrentIndex(index)
        else:
            self.setEditText(zone)


class ProfileForm(QWidget):
    """Fields of the school profile with live checks; `save()` stores the changed ones in one transaction."""

    changed = Signal()

    def __init__(
        self, services: Services, parent: QWidget | None = None, *, keys: Collection[str] | None = None
    ) -> None:
        """`keys` limits the form to those settings (in the order of SPECS): the support contacts' own dialog."""
        super().__init__(parent)
        self._services = services
        self._stored: dict[str, str] = {}
        self.editors: dict[str, QLineEdit | TimezoneBox] = {}
        self.errors: dict[str, ErrorLabel] = {}
        self.read_only = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        for spec in SPECS:
            if keys is not None and spec.key not in keys:
                continue
            editor = self._make_editor(spec)
            error = ErrorLabel(self)
            box = QVBoxLayout()
            box.setSpacing(2)
            box.addWidget(editor)
            box.addWidget(error)
            label = spec.label + (" *" if spec.required else "")
            form.addRow(label + ":", box)
            self.editors[spec.key] = editor
            self.errors[spec.key] = error
        layout.addLayout(form)
        self.reload()

    def _make_editor(self, spec: SettingSpec) -> QLineEdit | TimezoneBox:
        if spec.key == "timezone":
            tz = TimezoneBox(self)
            tz.setObjectName("setting_timezone")
            tz.currentTextChanged.connect(lambda _text, key=spec.key: self._check(key))
            tz.setToolTip(spec.hint)
            return tz
        edit = QLineEdit(self)
        edit.setObjectName(f"setting_{spec.key}")
        edit.setPlaceholderText(spec.hint)
        edit.setClearButtonEnabled(True)
        edit.textChanged.connect(lambda _text, key=spec.key: self._check(key))
        return edit

    def set_read_only(self, read_only: bool) -> None:
        """Shown, not editable: for those whose roles do not allow changing the school's settings."""
        self.read_only = read_only
        for editor in self.editors.values():
            if isinstance(editor, TimezoneBox):
                editor.set_read_only(read_only)
            else:
                editor.setReadOnly(read_only)
                editor.setClearButtonEnabled(not read_only)
        self.setStyleSheet(READ_ONLY_STYLE if read_only else "")

    def value(self, key: str) -> str:
        editor = self.editors[key]
        return editor.zone() if isinstance(editor, TimezoneBox) else editor.text()

    def set_value(self, key: str, value: str) -> None:
        editor = self.editors[key]
        if isinstance(editor, TimezoneBox):
            editor.set_zone(value)
        else:
            editor.setText(value)
            editor.setCursorPosition(0)  # long names show their beginning

    def reload(self) -> None:
        """Show what is stored, dropping unsaved edits."""
        self._stored = {k: v for k, v in self._services.settings.all().items() if k in self.editors}
        for key, value in self._stored.items():
            self.set_value(key, value)
        for error in self.errors.values():
            error.show_error(None)
        self.changed.emit()

    def _check(self, key: str) -> None:
        spec = next(s for s in SPECS if s.key == key)
        value = self.value(key)
        message = None
        if value.strip() or spec.required:
            try:
                spec.validate(value)
            except ValueError as exc:
                message = str(exc)
        self.errors[key].show_error(message)
        self.changed.emit()

    def dirty_values(self) -> dict[str, str]:
        return {key: self.value(key) for key in self.editors if self.value(key) != self._stored.get(key, "")}

    def is_dirty(self) -> bool:
        return bool(self.dirty_values())

    def has_errors(self) -> bool:
        return any(not error.isHidden() for error in self.errors.values())

    def save(self, *, all_fields: bool = False) -> bool:
        """Store the changed fields (or all of them); on a refusal show each field's error and store nothing."""
        values = {key: self.value(key) for key in self.editors} if all_fields else self.dirty_values()
        if not values:
            return True
        try:
            self._services.settings.update(values)
        except ValidationError as exc:
            for key, message in exc.fields.items():
                self.errors[key].show_error(message)
            first = next(iter(exc.fields))
            self.editors[first].setFocus()
            self.changed.emit()
            return False
        self.reload()
        return True
