"""The main window: a list of sections on the left, the section on the right, the database in the status bar."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QWidget,
)

from desktop import __version__
from desktop.services.registry import Services
from desktop.ui.calendar_view import CalendarView
from desktop.ui.settings_view import SettingsView

#: The smallest the window can be made: the calendar's grid and panel side by side.
MIN_SIZE = (960, 600)


@dataclass(frozen=True)
class Section:
    """A section of the main window: its key (for the command line), its Russian title, how to build it."""

    key: str
    title: str
    build: Callable[[Services], QWidget]


#: The sections in the order of the navigation list; later issues add theirs here.
SECTIONS: tuple[Section, ...] = (
    Section("calendar", "Календарь", CalendarView),
    Section("settings", "Настройки", SettingsView),
)


class MainWindow(QMainWindow):
    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self.setMinimumSize(*MIN_SIZE)
        self.nav = QListWidget(self)
        self.nav.setObjectName("navigation")
        self.nav.setMaximumWidth(240)
        self.nav.setMinimumWidth(170)
        font = self.nav.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.nav.setFont(font)
        self.nav.setSpacing(2)
        self.stack = QStackedWidget(self)
        self.views: dict[str, QWidget] = {}
        for number, section in enumerate(SECTIONS, start=1):
            view = section.build(services)
            self.views[section.key] = view
            self.stack.addWidget(view)
            item = QListWidgetItem(section.title, self.nav)
            item.setData(Qt.ItemDataRole.UserRole, section.key)
            item.setToolTip(f"Ctrl+{number}")
        self.nav.currentRowChanged.connect(self._on_section)
        splitter = QSplitter(self)
        splitter.addWidget(self.nav)
        splitter.addWidget(self.stack)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        self.setCentralWidget(splitter)

        settings_view = self.views["settings"]
        calendar_view = self.views["calendar"]
        assert isinstance(settings_view, SettingsView) and isinstance(calendar_view, CalendarView)
        settings_view.calendar_changed.connect(calendar_view.refresh)
        settings_view.profile_saved.connect(self._update_title)
        settings_view.profile_saved.connect(calendar_view.refresh)  # the time zone decides what "today" is

        self.school_label = QLabel(self)
        self.db_label = QLabel(self)
        self.db_label.setObjectName("database_label")
        self.db_label.setText(f"База данных: {services.location.describe()}")
        self.db_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.statusBar().addWidget(self.school_label, 1)
        self.statusBar().addPermanentWidget(QLabel(f"Пользователь: {services.ctx.actor}", self))
        self.statusBar().addPermanentWidget(self.db_label)
        self._build_menu()
        self._update_title()
        self.nav.setCurrentRow(0)
        self.nav.setFocus()

    def _build_menu(self) -> None:
        file_menu = self.menuBar().addMenu("&Файл")
        quit_action = QAction("Вы&ход", self)
        quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        sections_menu = self.menuBar().addMenu("&Разделы")
        for number, section in enumerate(SECTIONS, start=1):
            action = QAction(section.title, self)
            action.setShortcut(QKeySequence(f"Ctrl+{number}"))
            action.triggered.connect(lambda _checked=False, key=section.key: self.show_section(key))
            sections_menu.addAction(action)
        help_menu = self.menuBar().addMenu("&Справка")
        about = QAction("О программе", self)
        about.triggered.connect(self._about)
        help_menu.addAction(about)

    def _about(self) -> None:
        QMessageBox.about(
            self,
            "О программе",
            f"<b>Канцелярия школы</b>, версия {__version__}<br>"
            f"База данных: {self._services.location.describe()}<br>"
            "Сроки считаются по производственному календарю РФ с исключениями школы.",
        )

    def _update_title(self) -> None:
        short = self._services.settings.get("school_short_name")
        self.school_label.setText(short)
        self.setWindowTitle(f"{short} — Канцелярия школы" if short else "Канцелярия школы")

    def _on_section(self, row: int) -> None:
        if row < 0:
            return
        view = self.stack.widget(row)
        refresh = getattr(view, "refresh", None)
        if callable(refresh) and view is not self.stack.currentWidget():
            refresh()
        self.stack.setCurrentIndex(row)

    def show_section(self, key: str) -> QWidget:
        keys = [section.key for section in SECTIONS]
        if key not in keys:
            raise KeyError(key)
        self.nav.setCurrentRow(keys.index(key))
        return self.views[key]

    def current_section(self) -> str:
        return SECTIONS[self.stack.currentIndex()].key

    def closeEvent(self, event: QCloseEvent) -> None:
        settings_view = self.views["settings"]
        if isinstance(settings_view, SettingsView) and settings_view.has_unsaved_changes():
            box = QMessageBox(
                QMessageBox.Icon.Question,
                "Несохранённые изменения",
                "Профиль школы изменён, но не сохранён. Сохранить перед выходом?",
                parent=self,
            )
            save = box.addButton("Сохранить", QMessageBox.ButtonRole.AcceptRole)
            discard = box.addButton("Не сохранять", QMessageBox.ButtonRole.DestructiveRole)
            cancel = box.addButton("Отмена", QMessageBox.ButtonRole.RejectRole)
            box.setDefaultButton(save)
            box.exec()
            clicked = box.clickedButton()
            if clicked is cancel or (clicked is save and not settings_view.profile.form.save()):
                event.ignore()
                self.show_section("settings")
                return
            del discard
        event.accept()
