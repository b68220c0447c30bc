"""An error nobody expected: written to the log with its traceback, told in Russian with «Копировать подробности»,
and the program goes on (the action that failed is simply not done)."""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable
from types import TracebackType

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from desktop.logs import current_log_file, error_details

log = logging.getLogger("desktop.errors")

MESSAGE = (
    "В программе произошла непредвиденная ошибка, и последнее действие могло не выполниться. "
    "Всё, что было сохранено раньше, в базе цело; программа продолжает работу."
)
FATAL_MESSAGE = (
    "В программе произошла непредвиденная ошибка, и работать дальше она не может: окно будет закрыто. "
    "Всё, что было сохранено раньше, в базе цело. Запустите программу снова."
)
ADVICE = (
    "Если ошибка повторится, нажмите «Копировать подробности» и передайте их тому, кто обслуживает программу."
)


class UnexpectedErrorDialog(QDialog):
    """«Непредвиденная ошибка»: what happened in plain words, the details (folded) and a button to copy them."""

    def __init__(self, details: str, parent: QWidget | None = None, *, fatal: bool = False) -> None:
        super().__init__(parent)
        self.setWindowTitle("Непредвиденная ошибка")
        self.setObjectName("unexpectedError")
        self.details = details
        self.repeats = 0
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        icon = QLabel(self)
        icon.setPixmap(self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxCritical).pixmap(40, 40))
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        top.addWidget(icon)
        text = QVBoxLayout()
        self.message = QLabel(f"<b>{FATAL_MESSAGE if fatal else MESSAGE}</b>", self)
        self.message.setWordWrap(True)
        text.addWidget(self.message)
        advice = ADVICE
        logfile = current_log_file()
        if logfile is not None:
            advice += f"<br>Подробности записаны в журнал: {logfile}"
        self.advice = QLabel(advice, self)
        self.advice.setWordWrap(True)
        self.advice.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        text.addWidget(self.advice)
        self.repeat_label = QLabel(self)
        self.repeat_label.setVisible(False)
        text.addWidget(self.repeat_label)
        top.addLayout(text, 1)
        layout.addLayout(top)

        self.details_view = QPlainTextEdit(details, self)
        self.details_view.setReadOnly(True)
        self.details_view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.details_view.setVisible(False)
        self.details_view.setMinimumHeight(220)
        layout.addWidget(self.details_view, 1)

        buttons = QDialogButtonBox(self)
        self.toggle_button = QPushButton("Показать подробности", self)
        self.toggle_button.clicked.connect(self._toggle_details)
        self.copy_button = QPushButton("Копировать подробности", self)
        self.copy_button.clicked.connect(self.copy_details)
        self.close_button = buttons.addButton("Закрыть", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.toggle_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)
        self.close_button.setDefault(True)
        self.resize(620, 220)

    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.details)
        self.copy_button.setText("Скопировано")

    def _toggle_details(self) -> None:
        shown = not self.details_view.isVisible()
        self.details_view.setVisible(shown)
        self.toggle_button.setText("Скрыть подробности" if shown else "Показать подробности")
        self.adjustSize()

    def repeated(self, details: str) -> None:
        """The same dialog is still open and another error came: count it, keep the newest details."""
        self.repeats += 1
        self.details = details
        self.details_view.setPlainText(details)
        self.repeat_label.setText(f"Ошибка повторилась ещё {self.repeats} раз(а).")
        self.repeat_label.setVisible(True)
        self.copy_button.setText("Копировать подробности")


class ErrorReporter(QObject):
    """Catches what escapes every handler: in the GUI thread (sys.excepthook, which PySide6 calls for an exception
    in a slot) and in other threads (threading.excepthook). Logs it and shows it from the GUI thread."""

    _arrived = Signal(object, object, object, str)

    def __init__(self, parent_window: Callable[[], QWidget | None] | None = None) -> None:
        super().__init__()
        self._parent_window = parent_window or QApplication.activeWindow
        self._previous_hook = sys.excepthook
        self._previous_thread_hook = threading.excepthook
        self._arrived.connect(self._show, Qt.ConnectionType.QueuedConnection)
        self.dialog: UnexpectedErrorDialog | None = None
        self.shown = 0
        self._showing = False

    def install(self) -> ErrorReporter:
        sys.excepthook = self.excepthook
        threading.excepthook = self.thread_excepthook
        return self

    def uninstall(self) -> None:
        if sys.excepthook == self.excepthook:
            sys.excepthook = self._previous_hook
        if threading.excepthook == self.thread_excepthook:
            threading.excepthook = self._previous_thread_hook

    def excepthook(
        self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None, where: str = ""
    ) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            self._previous_hook(exc_type, exc, tb)
            return
        self.report(exc_type, exc, tb, where)

    def thread_excepthook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None or issubclass(args.exc_type, SystemExit):
            return
        thread = args.thread.name if args.thread is not None else "?"
        self.report(args.exc_type, args.exc_value, args.exc_traceback, f"поток «{thread}»")

    def report(
        self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None, where: str = ""
    ) -> None:
        """Log now (from any thread), show in the GUI thread."""
        from desktop.services.errors import ServiceError

        if isinstance(exc, ServiceError):
            # A refusal with its own Russian words that no dialog caught: it is said as it is, not as a crash.
            log.warning("Не перехвачено: %s", exc, exc_info=(exc_type, exc, tb))
        else:
            log.error("Непредвиденная ошибка%s", f" ({where})" if where else "", exc_info=(exc_type, exc, tb))
        try:
            details = error_details(exc_type, exc, tb, where=where)
        except Exception:  # noqa: BLE001 - the report must never fail itself
            details = f"{exc_type.__name__}: {exc}"
        self._arrived.emit(exc_type, exc, details, where)

    def _show(self, exc_type: type[BaseException], exc: BaseException, details: str, where: str) -> None:
        from desktop.services.errors import ServiceError

        if self._showing:  # an error while an error is being shown: already logged, no second dialog on top
            if self.dialog is not None:
                self.dialog.repeated(details)
            return
        self._showing = True
        try:
            self.shown += 1
            parent = self._parent_window()
            if isinstance(exc, ServiceError):
                QMessageBox.warning(parent, "Действие не выполнено", str(exc))
                return
            self.dialog = UnexpectedErrorDialog(details, parent)
            self.dialog.exec()
        except Exception:  # a report that fails must not report itself again, endlessly
            log.exception("Сообщение об ошибке не показано")
        finally:
            self._showing = False
            if self.dialog is not None:
                self.dialog.deleteLater()
                self.dialog = None
