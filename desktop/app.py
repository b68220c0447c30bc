"""Start-up of the GUI: Russian Qt application, database and migrations, escalation sweep, login, main window."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QLocale, QtMsgType, QTranslator, qInstallMessageHandler
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from desktop import __version__
from desktop.about import translation_files
from desktop.paths import resource_path

if TYPE_CHECKING:
    from desktop.services.registry import Services
    from desktop.ui.backup_actions import DailyBackup
    from desktop.ui.error_dialog import ErrorReporter
    from desktop.ui.main_window import MainWindow
    from desktop.ui.sweeper import SweepOutcome

#: Prefills the login dialog (the same variable names the command line's user).
ENV_USER = "SCHOOL_OFFICE_USER"


def make_application(argv: Sequence[str]) -> QApplication:
    """The QApplication with Russian locale and Qt's own Russian translations (buttons «Отмена», «Открыть»)."""
    app = QApplication(list(argv))
    app.setApplicationName("school-office")
    app.setApplicationDisplayName("Канцелярия школы")
    app.setApplicationVersion(__version__)
    app.setStyle("Fusion")
    app.setWindowIcon(app_icon())
    QLocale.setDefault(QLocale(QLocale.Language.Russian, QLocale.Country.Russia))
    for name, folder in translation_files():
        translator = QTranslator(app)
        if translator.load(name, str(folder)):
            app.installTranslator(translator)
    return app


def app_icon() -> QIcon:
    """The program's icon (window title, taskbar, about box): the SVG where Qt can draw it, else the PNG."""
    icon = QIcon()
    for name in ("app.svg", "app.png"):
        path = resource_path("icons", name)
        if path.is_file():
            icon.addFile(str(path))
    return icon


_QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


def _qt_message(kind: QtMsgType, context: object, message: str) -> None:
    if "propagateSizeHints" in message:  # the offscreen platform's harmless notice
        return
    logging.getLogger("qt").log(_QT_LEVELS.get(kind, logging.WARNING), "%s", message)


def start_diagnostics(database: str) -> ErrorReporter:
    """The log file in the user's log folder (rotated), Qt's own warnings in it, and the reporter of errors nobody
    expected: logged with the traceback, shown in Russian, and the program goes on."""
    from desktop.logs import log_start, setup_logging
    from desktop.ui.error_dialog import ErrorReporter

    global _previous_qt_handler
    setup_logging()
    log_start(database)
    _previous_qt_handler = qInstallMessageHandler(_qt_message)
    return ErrorReporter().install()


_previous_qt_handler: object = None


def stop_diagnostics(reporter: ErrorReporter) -> None:
    """The end of the program: the hooks given back, the log closed."""
    from desktop.logs import stop_logging

    logging.getLogger("desktop").info("Программа закрыта")
    reporter.uninstall()
    qInstallMessageHandler(_previous_qt_handler)  # type: ignore[arg-type]
    stop_logging()


def sign_in(services: Services, login: str = "") -> Services | None:
    """Whoever sits at the computer logs in; the services acting as them, or None when they chose «Выйти».

    A database without users asks for its first administrator instead (and logs them in). A temporary password
    (given by the administrator) must be changed before work starts.
    """
    from desktop.ui.login import ChangePasswordDialog, FirstAdminDialog, LoginDialog

    dialog: FirstAdminDialog | LoginDialog
    if services.users.count() == 0:
        dialog = FirstAdminDialog(services)
    else:
        dialog = LoginDialog(services, login)
    if dialog.exec() != QDialog.DialogCode.Accepted or dialog.actor is None:
        return None
    password, actor = dialog.password, dialog.actor
    dialog.forget_password()
    user_services = services.as_actor(actor)
    if (
        user_services.users.must_change_password(actor)
        and ChangePasswordDialog(user_services, current_password=password).exec()
        != QDialog.DialogCode.Accepted
    ):
        return None
    return user_services


def open_main_window(user_services: Services, *, idle_lock_ms: int | None = None) -> MainWindow | None:
    """The main window for the person who logged in; first the school profile when it is missing and theirs to
    fill in (None when they quit it). Somebody without the right works on without it."""
    from desktop.domain.access import Action
    from desktop.ui.main_window import MainWindow

    if user_services.settings.missing_profile() and user_services.ctx.may(Action.SETTINGS_EDIT):
        from desktop.ui.first_run import FirstRunDialog

        if FirstRunDialog(user_services).exec() != QDialog.DialogCode.Accepted:
            return None
    return MainWindow(user_services, idle_lock_ms=idle_lock_ms)


@dataclass
class Prepared:
    """What the start-up made before anybody logs in: the services (nobody acting), the day's backup running in
    the background and the result of the start-up sweep, waiting for the first window to show it."""

    services: Services
    daily_backup: DailyBackup
    swept: SweepOutcome | None


def prepare(services: Services, demo: bool = False) -> Prepared:
    """The start-up work between opening the database and the login: the demo school (`--demo`, only into a blank
    database), the day's backup started in the background, the escalation sweep."""
    from desktop.ui.backup_actions import DailyBackup
    from desktop.ui.sweeper import run_sweep

    if demo:
        from desktop.services.demo import fill_demo

        fill_demo(services)
    # The day's backup (SQLite) in the background: start-up does not wait for it, trouble goes to the status bar.
    daily_backup = DailyBackup(services)
    daily_backup.start()
    # Appeals whose term passed while no computer ran the program move on before anybody looks at them.
    return Prepared(services, daily_backup, run_sweep(services))


def show_main_window(prepared: Prepared, user_services: Services) -> MainWindow | None:
    """The main window of the person who logged in, shown (None when they quit the school profile's dialog): the
    day's backup and the start-up sweep report in its status bar; the sweep only in the first window."""
    window = open_main_window(user_services)
    if window is None:
        return None
    window.resize(1280, 800)
    prepared.daily_backup.show_in(window)
    if prepared.swept is not None:
        window.show_sweep(prepared.swept)
        prepared.swept = None  # the next person's window shows the next sweep
    window.show()
    return window


def _fatal_error() -> int:
    """An error outside the event loop (start-up, login, building the window), where there is nothing to go on
    with: logged with its traceback, said in Russian with the details to copy (not PyInstaller's English traceback
    window), and the program ends with 1. Called from an `except` block."""
    from desktop.logs import error_details
    from desktop.ui.error_dialog import UnexpectedErrorDialog

    logging.getLogger("desktop").exception("Программа не может продолжить работу")
    UnexpectedErrorDialog(error_details(*sys.exc_info()), fatal=True).exec()
    return 1


def run_gui(db: str | None = None, demo: bool = False, user: str | None = None) -> int:
    """Open the database, log in, ask for the school profile on first start, and run the main window.

    `user` (or $SCHOOL_OFFICE_USER) prefills the login. «Сменить пользователя» closes the window and asks again.
    """
    from desktop.services.errors import ServiceError
    from desktop.services.registry import open_services
    from desktop.store.db import DatabaseLocationError, resolve_location

    app = QApplication.instance() or make_application(sys.argv[:1])
    assert isinstance(app, QApplication)
    try:
        location = resolve_location(db, demo=demo)
    except DatabaseLocationError as exc:
        QMessageBox.critical(None, "База данных не открылась", str(exc))
        return 1
    reporter = start_diagnostics(location.describe())
    try:
        services = open_services(location)
    except ServiceError as exc:
        logging.getLogger("desktop").error("База данных не открылась: %s", exc)
        QMessageBox.critical(None, "База данных не открылась", str(exc))
        stop_diagnostics(reporter)
        return 1
    except Exception:  # noqa: BLE001 - see _fatal_error
        code = _fatal_error()
        stop_diagnostics(reporter)
        return code
    try:
        prepared = prepare(services, demo)
        login = (user or os.environ.get(ENV_USER, "")).strip()
        while True:
            user_services = sign_in(services, login)
            if user_services is None:
                return 0
            window = show_main_window(prepared, user_services)
            if window is None:
                return 0
            code = app.exec()
            if not window.switch_requested:
                return code
            window.deleteLater()
            login = ""  # the next person types their own
    except Exception:  # noqa: BLE001 - see _fatal_error
        return _fatal_error()
    finally:
        services.close()
        stop_diagnostics(reporter)
