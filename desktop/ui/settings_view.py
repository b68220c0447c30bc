"""The Settings section: the school profile and the school's own calendar days (overrides)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.access import Action, allowed_roles, format_roles
from desktop.domain.calendar import LAST_PUBLISHED_YEAR
from desktop.domain.russian import WEEKDAYS, short_date
from desktop.services.calendar import MAX_REASON, Override, OverrideKind
from desktop.services.errors import ServiceError
from desktop.services.registry import Services
from desktop.ui.profile_form import ProfileForm
from desktop.ui.widgets import Banner, ErrorLabel, confirm, ok_cancel_buttons, show_error

OVERRIDE_COLUMNS = ("Дата", "День недели", "Тип", "Причина", "Кто внёс", "Когда")


class OverrideDialog(QDialog):
    """Add or change one of the school's calendar days: the date, day off or working day, and why."""

    def __init__(
        self, kind: OverrideKind, day: dt.date, reason: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.kind = kind
        self.setWindowTitle("Выходной день школы" if kind is OverrideKind.DAY_OFF else "Рабочий день школы")
        layout = QVBoxLayout(self)
        explain = QLabel(
            "Школа не работает в этот день (региональный праздник, карантин, закрытие): сроки сдвигаются."
            if kind is OverrideKind.DAY_OFF
            else "Школа работает в этот день, хотя по производственному календарю он выходной: он входит в сроки."
        )
        explain.setWordWrap(True)
        layout.addWidget(explain)
        form = QFormLayout()
        self.date_edit = QDateEdit(QDate(day.year, day.month, day.day), self)
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("dd.MM.yyyy")
        self.reason_edit = QLineEdit(reason, self)
        self.reason_edit.setMaxLength(MAX_REASON)
        self.reason_edit.setPlaceholderText("Например: приказ директора № 214 от 20.11.2026")
        form.addRow("Дата:", self.date_edit)
        form.addRow("Причина:", self.reason_edit)
        layout.addLayout(form)
        layout.addWidget(ok_cancel_buttons(self, "Сохранить"))
        self.resize(460, self.sizeHint().height())

    def day(self) -> dt.date:
        return self.date_edit.date().toPython()

    def reason(self) -> str:
        return self.reason_edit.text()


class ConfirmYearDialog(QDialog):
    """Vouch for a year the app's production calendar does not cover yet."""

    def __init__(self, year: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Подтвердить год")
        layout = QVBoxLayout(self)
        text = QLabel(
            "Подтверждайте год только после того, как внесли все его праздники, перенесённые выходные и рабочие "
            "субботы по постановлению Правительства РФ о переносе выходных дней. Постоянные праздники "
            "(1–8 января, 23 февраля, 8 марта, 1 и 9 мая, 12 июня, 4 ноября) программа знает сама."
        )
        text.setWordWrap(True)
        layout.addWidget(text)
        self.year_box = QSpinBox(self)
        self.year_box.setRange(LAST_PUBLISHED_YEAR + 1, LAST_PUBLISHED_YEAR + 5)
        self.year_box.setValue(year)
        form = QFormLayout()
        form.addRow("Год:", self.year_box)
        layout.addLayout(form)
        layout.addWidget(ok_cancel_buttons(self, "Подтвердить"))


def _only_for(action: Action) -> str:
    return f"Изменять их могут: {format_roles(allowed_roles(action))}."


class ProfileTab(QWidget):
    saved = Signal()

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editable = services.ctx.may(Action.SETTINGS_EDIT)
        self.form = ProfileForm(services, self)
        self.form.set_read_only(not self.editable)
        self.banner = Banner(self)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        inner = QWidget()
        inner_layout = QVBoxLayout(inner)
        intro = QLabel(
            "Сведения о школе попадают в бланки, заявления и отчёты. Поля со звёздочкой обязательны. "
            "Сроки считаются в датах выбранного часового пояса."
        )
        intro.setWordWrap(True)
        inner_layout.addWidget(intro)
        self.read_only_note = Banner(self)
        self.read_only_note.setObjectName("profile_read_only")
        if not self.editable:
            self.read_only_note.show_message("Только просмотр. " + _only_for(Action.SETTINGS_EDIT), "info")
        inner_layout.addWidget(self.read_only_note)
        inner_layout.addWidget(self.form)
        inner_layout.addStretch(1)
        scroll.setWidget(inner)
        self.save_button = QPushButton("Сохранить", self)
        self.save_button.setObjectName("save_profile")
        self.save_button.setToolTip("Ctrl+S")
        self.revert_button = QPushButton("Отменить изменения", self)
        self.save_button.clicked.connect(self.save)
        self.revert_button.clicked.connect(self.revert)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.save)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.banner)
        layout.addLayout(buttons)
        self.save_button.setVisible(self.editable)
        self.revert_button.setVisible(self.editable)
        self.form.changed.connect(self._update_buttons)
        self._update_buttons()

    def _update_buttons(self) -> None:
        dirty = self.form.is_dirty()
        self.save_button.setEnabled(dirty and not self.form.has_errors())
        self.revert_button.setEnabled(dirty)
        if dirty:
            self.banner.show_message(None)

    def save(self) -> None:
        if not self.editable or not self.form.is_dirty():
            return
        if self.form.save():
            self.banner.show_message("Изменения сохранены.", "ok")
            self.saved.emit()
        else:
            self.banner.show_message("Не сохранено: исправьте поля, отмеченные красным.", "warning")

    def revert(self) -> None:
        self.form.reload()
        self.banner.show_message("Изменения отменены.", "info")


class OverridesTab(QWidget):
    """The school's own days off and working days, and the years it has entered by hand."""

    changed = Signal()

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._rows: list[Override] = []
        self.editable = services.ctx.may(Action.CALENDAR_EDIT)
        layout = QVBoxLayout(self)
        intro = QLabel(
            f"Производственный календарь России (праздники, переносы, рабочие субботы) встроен в программу "
            f"по {LAST_PUBLISHED_YEAR} год включительно. Здесь — дни, которые школа меняет сама: региональные "
            "праздники, карантин, закрытие, отработки. Они важнее производственного календаря."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.read_only_note = Banner(self)
        self.read_only_note.setObjectName("overrides_read_only")
        if not self.editable:
            self.read_only_note.show_message("Только просмотр. " + _only_for(Action.CALENDAR_EDIT), "info")
        layout.addWidget(self.read_only_note)
        self.years_label = QLabel(self)
        self.years_label.setWordWrap(True)
        layout.addWidget(self.years_label)
        self.table = QTableWidget(0, len(OVERRIDE_COLUMNS), self)
        self.table.setObjectName("overrides_table")
        self.table.setHorizontalHeaderLabels(OVERRIDE_COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(self.edit_selected)
        layout.addWidget(self.table, 1)
        self.error = ErrorLabel(self)
        layout.addWidget(self.error)
        buttons = QHBoxLayout()
        self.add_day_off = QPushButton("Добавить выходной…", self)
        self.add_workday = QPushButton("Добавить рабочий день…", self)
        self.edit_button = QPushButton("Изменить…", self)
        self.remove_button = QPushButton("Удалить…", self)
        self.remove_button.setToolTip("Delete")
        self.confirm_year_button = QPushButton("Подтвердить год…", self)
        self.confirm_year_button.setToolTip(
            f"Для {LAST_PUBLISHED_YEAR + 1} года и позже: после того как внесены все его дни"
        )
        self.add_day_off.clicked.connect(lambda: self.add(OverrideKind.DAY_OFF))
        self.add_workday.clicked.connect(lambda: self.add(OverrideKind.WORKDAY))
        self.edit_button.clicked.connect(self.edit_selected)
        self.remove_button.clicked.connect(self.remove_selected)
        self.confirm_year_button.clicked.connect(self.confirm_year)
        QShortcut(QKeySequence.StandardKey.Delete, self.table, activated=self.remove_selected)
        for button in (self.add_day_off, self.add_workday, self.edit_button, self.remove_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.confirm_year_button)
        layout.addLayout(buttons)
        for button in (self.add_day_off, self.add_workday, self.edit_button, self.remove_button):
            button.setVisible(self.editable)
        self.confirm_year_button.setVisible(self.editable)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.reload()

    def reload(self) -> None:
        self._rows = self._services.calendar.overrides()
        tz = self._services.settings.timezone()
        self.table.setRowCount(len(self._rows))
        for r, o in enumerate(self._rows):
            cells = (
                short_date(o.day),
                WEEKDAYS[o.day.weekday()],
                o.kind.label,
                o.reason or "—",
                o.created_by,
                o.created_at.astimezone(tz).strftime("%d.%m.%Y %H:%M"),
            )
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c == 3:
                    item.setToolTip(o.reason)
                self.table.setItem(r, c, item)
        years = self._services.calendar.confirmed_years()
        self.years_label.setText(
            "Годы, внесённые школой вручную: " + ", ".join(map(str, years)) if years else ""
        )
        self.years_label.setVisible(bool(years))
        self._update_buttons()

    def _selected(self) -> Override | None:
        rows = self.table.selectionModel().selectedRows()
        return self._rows[rows[0].row()] if rows else None

    def _update_buttons(self) -> None:
        selected = self._selected() is not None
        self.edit_button.setEnabled(selected)
        self.remove_button.setEnabled(selected)

    def _default_day(self) -> dt.date:
        return self._services.settings.today()

    def add(self, kind: OverrideKind) -> None:
        if not self.editable:
            return
        dialog = OverrideDialog(kind, self._default_day(), parent=self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self._store(dialog.day(), kind, dialog.reason(), replacing=None)

    def edit_selected(self) -> None:
        current = self._selected()
        if current is None or not self.editable:
            return
        dialog = OverrideDialog(current.kind, current.day, current.reason, parent=self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self._store(dialog.day(), current.kind, dialog.reason(), replacing=current.day)

    def _store(self, day: dt.date, kind: OverrideKind, reason: str, replacing: dt.date | None) -> None:
        existing = next((o for o in self._rows if o.day == day and o.day != replacing), None)
        if existing is not None and not confirm(
            self,
            "Заменить исключение",
            f"На {short_date(day)} уже записан {existing.kind.label} ({existing.reason or 'без причины'}). Заменить?",
            "Заменить",
        ):
            return
        try:
            self._services.calendar.set_day(day, kind, reason)
            if replacing is not None and replacing != day:
                self._services.calendar.remove_day(replacing)
        except ServiceError as exc:
            show_error(self, "Не сохранено", str(exc))
            return
        self.reload()
        self._select_day(day)
        self.changed.emit()

    def _select_day(self, day: dt.date) -> None:
        for r, o in enumerate(self._rows):
            if o.day == day:
                self.table.selectRow(r)
                return

    def remove_selected(self) -> None:
        current = self._selected()
        if current is None or not self.editable:
            return
        if not confirm(
            self,
            "Удалить исключение",
            f"Удалить {current.kind.label} {short_date(current.day)} ({current.reason or 'без причины'})?\n"
            "В этот день снова будет действовать производственный календарь, сроки пересчитаются.",
            "Удалить",
        ):
            return
        try:
            self._services.calendar.remove_day(current.day)
        except ServiceError as exc:
            show_error(self, "Не удалено", str(exc))
            return
        self.reload()
        self.changed.emit()

    def confirm_year(self) -> None:
        if not self.editable:
            return
        dialog = ConfirmYearDialog(max(LAST_PUBLISHED_YEAR + 1, self._default_day().year), self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        try:
            self._services.calendar.confirm_year(dialog.year_box.value())
        except ServiceError as exc:
            show_error(self, "Год не подтверждён", str(exc))
            return
        self.reload()
        self.changed.emit()


class SettingsView(QWidget):
    """Section «Настройки»: tabs for the school profile and the calendar overrides."""

    title = "Настройки"
    profile_saved = Signal()
    calendar_changed = Signal()

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tabs = QTabWidget(self)
        self.profile = ProfileTab(services, self)
        self.overrides = OverridesTab(services, self)
        self.tabs.addTab(self.profile, "Профиль школы")
        self.tabs.addTab(self.overrides, "Исключения календаря")
        self.profile.saved.connect(self.profile_saved)
        self.overrides.changed.connect(self.calendar_changed)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)

    def refresh(self) -> None:
        self.overrides.reload()
        if not self.profile.form.is_dirty():
            self.profile.form.reload()
            self.profile.banner.show_message(None)  # «сохранено» belongs to the visit it was said in

    def has_unsaved_changes(self) -> bool:
        return self.profile.form.is_dirty()
