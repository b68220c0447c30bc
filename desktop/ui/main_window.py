"""The main window: the sections the logged-in person may open on the left, the section on the right, who is
logged in and the database in the status bar; locking by Ctrl+L or after idle minutes."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QTableView,
    QWidget,
)
from sqlalchemy.exc import SQLAlchemyError

from desktop.domain.access import Action, ActorKind, Role
from desktop.domain.appeals import Level
from desktop.services.changes import ChangeSummary
from desktop.services.errors import ServiceError
from desktop.services.registry import Services
from desktop.services.reports import REPORTS
from desktop.ui.access_view import AccessView
from desktop.ui.appeals_view import AppealsView
from desktop.ui.audit_view import AuditView
from desktop.ui.backup_actions import install_backup_actions
from desktop.ui.calendar_view import CalendarView
from desktop.ui.director_view import DirectorView
from desktop.ui.families_view import FamiliesView
from desktop.ui.lock import IDLE_LOCK_MINUTES, IdleWatcher, LockScreen, who_text
from desktop.ui.login import ChangePasswordDialog
from desktop.ui.printouts_view import PrintoutsView, reminder_text
from desktop.ui.queue_view import QueueSection, keep_rows
from desktop.ui.reports_view import ReportsView
from desktop.ui.settings_view import SettingsView
from desktop.ui.support_view import SupportView
from desktop.ui.sweeper import Sweeper, SweepOutcome
from desktop.ui.tickets_view import TicketsView
from desktop.ui.users_view import UsersView

#: The smallest the window can be made: the calendar's grid and panel side by side.
MIN_SIZE = (960, 600)
#: How often the window asks whether somebody changed something (`ChangesService.since`: one cheap query).
CHANGES_POLL_MS = 3000
#: The status bar's quiet note after the open section was read again for another person's change.
CHANGES_NOTE = "Обновлено: изменения с другого компьютера"


@dataclass(frozen=True)
class Section:
    """A section of the main window: its key (for the command line), its Russian title, how to build it, and
    the right needed to open it (None: everyone who has logged in), or rights any one of which opens it."""

    key: str
    title: str
    build: Callable[[Services], QWidget]
    needs: Action | None = None
    any_of: tuple[Action, ...] = ()

    def open_to(self, services: Services) -> bool:
        """Whether the acting person may open the section."""
        if self.any_of:
            return any(services.ctx.may(action) for action in self.any_of)
        return self.needs is None or services.ctx.may(self.needs)


#: The rights to export the reports of the section «Отчёты» (one of them is enough to see it).
REPORT_RIGHTS: tuple[Action, ...] = tuple(dict.fromkeys(report.needs for report in REPORTS))


#: The sections in the order of the navigation list; later issues add theirs here. Ctrl+1 … Ctrl+9, Ctrl+0 open the
#: first ten a person sees. The director sees eleven (their dashboard first, see `sections_for`): the last, «Журнал
#: событий», has no shortcut; so has the set-up person's eleventh and twelfth.
SECTIONS: tuple[Section, ...] = (
    Section("appeals", "Обращения", AppealsView, Action.APPEALS_VIEW),
    Section("director", "Директору", DirectorView, Action.APPEALS_VIEW),
    Section("tickets", "Заявки", TicketsView, Action.TICKETS_VIEW),
    Section("families", "Семьи", FamiliesView, Action.FAMILIES_VIEW),
    Section("access", "Доступ к дневнику", AccessView, Action.FAMILIES_VIEW),
    Section("printouts", "Отчёты на бумаге", PrintoutsView, Action.FAMILIES_VIEW),
    Section("support", "Поддержка ЭПОС", SupportView, Action.SUPPORT_VIEW),
    Section("reports", "Отчёты", ReportsView, any_of=REPORT_RIGHTS),
    Section("calendar", "Календарь", CalendarView),
    Section("settings", "Настройки", SettingsView),
    Section("users", "Пользователи", UsersView, Action.USERS_MANAGE),
    Section("audit", "Журнал событий", AuditView, Action.AUDIT_VIEW),
)


#: The section a director's window opens on and lists first: their dashboard.
DIRECTOR_FIRST = "director"


def sections_for(services: Services) -> tuple[Section, ...]:
    """The sections the acting person may open; a director's dashboard comes first (their first screen)."""
    sections = tuple(s for s in SECTIONS if s.open_to(services))
    if Role.DIRECTOR in services.actor.roles:
        sections = tuple(sorted(sections, key=lambda s: s.key != DIRECTOR_FIRST))
    return sections


def school_idle_lock_ms(services: Services) -> int:
    """The school's idle time before the window locks itself, in milliseconds."""
    try:
        minutes = services.settings.idle_lock_minutes()
    except (ValueError, ServiceError):  # a value stored by hand that is not a number
        minutes = IDLE_LOCK_MINUTES
    return minutes * 60_000


class SectionViews(Mapping[str, QWidget]):
    """The sections' views of a window by key: the sections the person may open, each built on first use (when it is
    shown, or looked up here); `built` gives a view only if it is built already."""

    def __init__(self, window: MainWindow) -> None:
        self._window = window
        self._built: dict[str, QWidget] = {}

    def __getitem__(self, key: str) -> QWidget:
        view = self._built.get(key)
        if view is None:
            keys = [section.key for section in self._window.sections]
            if key not in keys:
                raise KeyError(key)
            view = self._built[key] = self._window._build_section(keys.index(key))
        return view

    def __iter__(self) -> Iterator[str]:
        return iter([section.key for section in self._window.sections])

    def __len__(self) -> int:
        return len(self._window.sections)

    def __contains__(self, key: object) -> bool:
        return any(section.key == key for section in self._window.sections)

    def built(self, key: str) -> QWidget | None:
        return self._built.get(key)


class MainWindow(QMainWindow):
    """`idle_lock_ms`: the idle time before the window locks (None: the school's setting; tests pass a few ms).

    A person who logged in can lock the window; the built-in actors (a database being set up) cannot, having
    no password to unlock it with.
    """

    #: Emitted after the window closed because its person chose «Сменить пользователя».
    switch_user_requested = Signal()

    def __init__(
        self, services: Services, parent: QWidget | None = None, *, idle_lock_ms: int | None = None
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._actor = services.actor
        self._fixed_idle = idle_lock_ms
        self.locked = False
        self.switch_requested = False
        self.can_lock = self._actor.kind is ActorKind.USER
        self.setMinimumSize(*MIN_SIZE)
        self.sections = sections_for(services)

        self.nav = QListWidget(self)
        self.nav.setObjectName("navigation")
        self.nav.setMaximumWidth(240)
        self.nav.setMinimumWidth(170)
        font = self.nav.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.nav.setFont(font)
        self.nav.setSpacing(2)
        self.stack = QStackedWidget(self)
        # A section is built when it is first shown (or asked for): start-up builds only the first one.
        self.views = SectionViews(self)
        for number, section in enumerate(self.sections, start=1):
            self.stack.addWidget(QWidget(self.stack))  # its place, until the section is built
            item = QListWidgetItem(section.title, self.nav)
            item.setData(Qt.ItemDataRole.UserRole, section.key)
            if number <= 10:
                item.setToolTip(f"Ctrl+{number % 10}")
        self.nav.currentRowChanged.connect(self._on_section)
        self.content = QSplitter(self)
        self.content.setObjectName("content")
        self.content.addWidget(self.nav)
        self.content.addWidget(self.stack)
        self.content.setStretchFactor(1, 1)
        self.content.setChildrenCollapsible(False)
        self.content.setSizes([self.nav.minimumWidth(), 10_000])  # the room goes to the section
        self.lock_screen = LockScreen(services, self)
        self.lock_screen.unlocked.connect(self._unlocked)
        self.lock_screen.switch_user.connect(self.switch_user)
        self.pages = QStackedWidget(self)
        self.pages.addWidget(self.content)
        self.pages.addWidget(self.lock_screen)
        self.setCentralWidget(self.pages)

        self.school_label = QLabel(self)
        self.user_label = QLabel(f"Пользователь: {who_text(self._actor)}", self)
        self.user_label.setObjectName("user_label")
        self.db_label = QLabel(self)
        self.db_label.setObjectName("database_label")
        self.db_label.setText(f"База данных: {services.location.describe()}")
        self.db_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.statusBar().addWidget(self.school_label, 1)
        # From Friday on: the week's paper reports not yet handed over (seed 004), a click opens the section.
        self.reminder_label = QLabel(self)
        self.reminder_label.setObjectName("printouts_reminder")
        self.reminder_label.setStyleSheet("color: #b71c1c; font-weight: bold; padding: 0 8px;")
        self.reminder_label.setToolTip("Открыть раздел «Отчёты на бумаге»")
        self.reminder_label.linkActivated.connect(lambda _link: self.show_section("printouts"))
        self.statusBar().addWidget(self.reminder_label)
        self.update_reminder()
        self.statusBar().addPermanentWidget(self.user_label)
        self.statusBar().addPermanentWidget(self.db_label)
        self._build_menu()
        self._update_title()

        self.idle = IdleWatcher(
            idle_lock_ms if idle_lock_ms is not None else school_idle_lock_ms(services), self
        )
        self.idle.idle.connect(lambda: self.lock("idle_lock"))
        if self.can_lock:
            self.idle.start()
        self.sweeper = Sweeper(services, self)
        self.sweeper.swept.connect(self.show_sweep)
        self.sweeper.start()
        self._changes_token = self._read_changes_token()
        self.changes_timer = QTimer(self)
        self.changes_timer.setInterval(CHANGES_POLL_MS)
        self.changes_timer.timeout.connect(self.poll_changes)
        self.changes_timer.start()
        self.nav.setCurrentRow(0)  # builds the first section: its data is read before the window is shown
        self.nav.setFocus()

    def _build_section(self, index: int) -> QWidget:
        """Build the section at `index` in its place in the stack, and connect it to the window and to the sections
        built before it (one built later connects itself to this one then)."""
        section = self.sections[index]
        view = section.build(self._services)
        placeholder = self.stack.widget(index)
        current = self.stack.currentIndex()
        self.stack.insertWidget(index, view)
        self.stack.removeWidget(placeholder)
        placeholder.deleteLater()
        self.stack.setCurrentIndex(current)
        if isinstance(view, SettingsView):
            view.calendar_changed.connect(lambda: self._refresh_built("calendar"))
            view.profile_saved.connect(self._update_title)
            view.profile_saved.connect(lambda: self._refresh_built("calendar"))  # the time zone decides "today"
            view.profile_saved.connect(self._update_idle_interval)
            view.profile_saved.connect(self._show_support_contacts)  # the contacts are settings
        elif isinstance(view, SupportView):
            view.open_settings.connect(lambda: self.show_section("settings"))
        elif isinstance(view, DirectorView):
            if "appeals" in self.views:
                view.open_queue.connect(self.show_appeals)
            view.open_section.connect(self.show_filtered)
        elif isinstance(view, PrintoutsView):
            view.changed.connect(self.update_reminder)
        return view

    def _refresh_built(self, key: str) -> None:
        """Read section `key` again if it is built (one built later reads the data then)."""
        refresh = getattr(self.views.built(key), "refresh", None)
        if callable(refresh):
            refresh()

    def _show_support_contacts(self) -> None:
        support_view = self.views.built("support")
        if isinstance(support_view, SupportView):
            support_view.show_contacts()

    def _build_menu(self) -> None:
        file_menu = self.menuBar().addMenu("&Файл")
        self.change_password_action = QAction("Сменить &пароль…", self)
        self.change_password_action.triggered.connect(self.change_password)
        self.lock_action = QAction("&Заблокировать", self)
        self.lock_action.setShortcut(QKeySequence("Ctrl+L"))
        self.lock_action.triggered.connect(lambda: self.lock("lock"))
        self.switch_action = QAction("Сменить по&льзователя…", self)
        self.switch_action.triggered.connect(self.switch_user)
        quit_action = QAction("Вы&ход", self)
        quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        quit_action.triggered.connect(self.close)
        for action in (self.change_password_action, self.lock_action):
            action.setEnabled(self.can_lock)
            file_menu.addAction(action)
        file_menu.addAction(self.switch_action)
        install_backup_actions(self, file_menu)
        file_menu.addSeparator()
        file_menu.addAction(quit_action)
        self.sections_menu = self.menuBar().addMenu("&Разделы")
        for number, section in enumerate(self.sections, start=1):
            action = QAction(section.title, self)
            if number <= 10:  # the tenth is Ctrl+0
                action.setShortcut(QKeySequence(f"Ctrl+{number % 10}"))
            action.triggered.connect(lambda _checked=False, key=section.key: self.show_section(key))
            self.sections_menu.addAction(action)
        help_menu = self.menuBar().addMenu("&Справка")
        about = QAction("&О программе", self)
        about.triggered.connect(self._about)
        help_menu.addAction(about)

    def _about(self) -> None:
        from desktop.ui.about_dialog import AboutDialog

        AboutDialog(self._services.location.describe(), self).exec()

    def _update_title(self) -> None:
        short = self._services.settings.get("school_short_name")
        self.school_label.setText(short)
        self.setWindowTitle(f"{short} — Канцелярия школы" if short else "Канцелярия школы")

    def update_reminder(self) -> None:
        """Show (or hide) «Не вручены отчёты за неделю: K семей» in the status bar."""
        text = reminder_text(self._services)
        self.reminder_label.setText(
            f"<a href='printouts' style='color:#b71c1c; text-decoration:none'>⚠ {text}</a>" if text else ""
        )
        self.reminder_label.setVisible(bool(text))

    def _update_idle_interval(self) -> None:
        if self._fixed_idle is None:
            self.idle.set_interval(school_idle_lock_ms(self._services))

    def _on_section(self, row: int) -> None:
        if row < 0:
            return
        view = self.views[self.sections[row].key]  # built here when it is first shown
        refresh = getattr(view, "refresh", None)
        if callable(refresh) and view is not self.stack.currentWidget():
            refresh()
        self.stack.setCurrentIndex(row)

    def show_section(self, key: str) -> QWidget:
        keys = [section.key for section in self.sections]
        if key not in keys:
            raise KeyError(key)
        self.nav.setCurrentRow(keys.index(key))
        return self.views[key]

    def current_section(self) -> str:
        return self.sections[self.stack.currentIndex()].key

    def show_appeals(self, preset: str, level: Level | None = None) -> AppealsView:
        """Switch to «Обращения» showing the queue filtered by `preset` (and `level`): a count's click."""
        view = self.show_section("appeals")
        assert isinstance(view, AppealsView)
        view.show_filter(preset, level=level)
        return view

    def show_filtered(self, key: str) -> QWidget | None:
        """Switch to section `key` showing what a count of the director's dashboard counted: «tickets» with its
        «Срок сегодня и просрочено» filter, «printouts» at this week with the reports still to hand over first."""
        if key not in self.views:
            return None
        view = self.show_section(key)
        if isinstance(view, TicketsView):
            view.reset()
            view.urgent_button.setChecked(True)  # the toggle applies the filter
            view.table.setFocus()
            if view.model.rowCount() and not view.table.selectionModel().hasSelection():
                view.table.selectRow(0)
        elif isinstance(view, PrintoutsView):
            view.this_week()
            waiting = next(
                (row for row, item in enumerate(view.model.rows) if not item.final and not item.handed), None
            )
            if waiting is not None:
                view.table.selectRow(waiting)
            view.table.setFocus()
        return view

    # -- the escalation sweep ------------------------------------------------------------------------

    def show_sweep(self, outcome: SweepOutcome) -> None:
        """A sweep's result in the status bar; the queues are read again when appeals moved."""
        self.statusBar().showMessage(outcome.text, 30_000 if outcome.escalated or outcome.failed else 10_000)
        if outcome.escalated:
            for key in ("appeals", "director"):
                self._refresh_built(key)
            self.poll_changes(note=False)  # this computer's own sweep is no news from another

    # -- other computers' changes ------------------------------------------------------------------------

    def _read_changes_token(self) -> int:
        try:
            return self._services.changes.token()
        except (ServiceError, SQLAlchemyError):
            return 0

    def poll_changes(self, *, note: bool = True) -> ChangeSummary | None:
        """Every `CHANGES_POLL_MS`: when somebody else changed something since the last look, read the open section
        again in place (its selection, sort, filters and scroll position kept) and say so quietly in the status bar.

        Not while the window is locked or a dialog is open over it (a card): the next look after it closes sees
        the change. A database that does not answer is asked again next time."""
        if self.locked or QApplication.activeModalWidget() is not None:
            return None
        try:
            seen = self._services.changes.since(self._changes_token)
        except (ServiceError, SQLAlchemyError):
            return None
        self._changes_token = seen.token
        if seen.changed_by_others:
            self.refresh_current()
            if note:
                self.statusBar().showMessage(CHANGES_NOTE, 6000)
        return seen

    def refresh_current(self) -> None:
        """Read the open section again as F5 does, keeping its place: a queue keeps its selection, sort, filters and
        scroll position; another section is refreshed if it can be."""
        view = self.stack.currentWidget()
        if isinstance(view, QueueSection):
            view.refresh_in_place()
            return
        refresh = getattr(view, "refresh", None)
        if not callable(refresh):
            return
        table = getattr(view, "table", None)
        if isinstance(table, QTableView):
            keep_rows(table, table.model(), refresh)
        else:
            refresh()

    # -- who is at the keyboard ----------------------------------------------------------------------

    def change_password(self) -> None:
        if not self.can_lock or self.locked:
            return
        if ChangePasswordDialog(self._services, parent=self).exec() == QDialog.DialogCode.Accepted:
            self.statusBar().showMessage("Пароль изменён.", 8000)

    def lock(self, reason: str = "lock") -> None:
        """Hide the data behind the lock screen; `reason` is "lock" (Ctrl+L) or "idle_lock" for the record."""
        if self.locked or not self.can_lock:
            return
        self._cancel_dialogs()
        self.locked = True
        self.idle.stop()
        self.content.setEnabled(False)
        self.pages.setCurrentWidget(self.lock_screen)
        for action in (*self.sections_menu.actions(), self.change_password_action, self.lock_action):
            action.setEnabled(False)
        self.lock_screen.reset()
        self._services.users.record_lock(self._actor, reason)

    def _cancel_dialogs(self) -> None:
        """A dialog left open (half-typed, a question) is cancelled: it would show data over the lock screen."""
        for widget in QApplication.topLevelWidgets():
            if not isinstance(widget, (QDialog, QMessageBox)) or not widget.isVisible():
                continue
            owner = widget.parentWidget()
            while owner is not None and owner is not self:
                owner = owner.parentWidget()
            if owner is self:
                widget.reject()

    def _unlocked(self) -> None:
        self._services.users.record_lock(self._actor, "unlock")
        self.locked = False
        self.content.setEnabled(True)
        self.pages.setCurrentWidget(self.content)
        for action in (*self.sections_menu.actions(), self.change_password_action, self.lock_action):
            action.setEnabled(True)
        self.idle.start()
        current = self.stack.currentWidget()
        (current if current is not None else self.nav).setFocus()

    def switch_user(self) -> None:
        """Close this person's window so that another can log in (`switch_user_requested`)."""
        self.switch_requested = True
        if self.close():
            self.switch_user_requested.emit()
        else:
            self.switch_requested = False

    def closeEvent(self, event: QCloseEvent) -> None:
        settings_view = self.views.built("settings")  # never shown: nothing typed into it
        if isinstance(settings_view, SettingsView) and settings_view.has_unsaved_changes():
            if self.locked:
                # Whoever is at a locked window is not the person who typed the edit: not theirs to save.
                settings_view.profile.form.reload()
            elif not self._ask_to_save(settings_view):
                event.ignore()
                return
        self.idle.stop()
        self.sweeper.stop()
        self.changes_timer.stop()
        reports_view = self.views.built("reports")
        if isinstance(reports_view, ReportsView):
            reports_view.stop()  # a report being written is cancelled, its thread ended before the window goes
        event.accept()

    def _ask_to_save(self, settings_view: SettingsView) -> bool:
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Несохранённые изменения",
            "Профиль школы изменён, но не сохранён. Сохранить перед выходом?",
            parent=self,
        )
        save = box.addButton("Сохранить", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Не сохранять", QMessageBox.ButtonRole.DestructiveRole)
        cancel = box.addButton("Отмена", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(save)
        box.exec()
        clicked = box.clickedButton()
        if clicked is cancel or (clicked is save and not settings_view.profile.form.save()):
            self.show_section("settings")
            return False
        return True
