"""Locking the window of a shared office PC: the lock screen, and the watch for a keyboard and mouse left idle."""

from __future__ import annotations

import html

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.access import Actor, format_roles
from desktop.services.errors import ServiceError
from desktop.services.registry import Services
from desktop.ui.widgets import ErrorLabel

#: Office PCs are shared: the window locks itself after this many minutes without keyboard or mouse, unless the
#: school's settings say otherwise («Блокировка при бездействии, минут»).
IDLE_LOCK_MINUTES = 15

#: What counts as somebody using the program.
ACTIVITY_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TabletPress,
    }
)


class IdleWatcher(QObject):
    """Emits `idle` after `interval_ms` without key or mouse input anywhere in the application."""

    idle = Signal()

    def __init__(self, interval_ms: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(max(1, interval_ms))
        self.timer.timeout.connect(self.idle)
        self._installed = False

    def start(self) -> None:
        app = QApplication.instance()
        if app is not None and not self._installed:
            app.installEventFilter(self)
            self._installed = True
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()
        app = QApplication.instance()
        if app is not None and self._installed:
            app.removeEventFilter(self)
            self._installed = False

    def set_interval(self, interval_ms: int) -> None:
        self.timer.setInterval(max(1, interval_ms))
        if self.timer.isActive():
            self.timer.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in ACTIVITY_EVENTS and self.timer.isActive():
            self.timer.start()  # restart the count
        return False


def who_text(actor: Actor) -> str:
    """«Иванова Наталья Сергеевна (секретарь)»; the built-in actors by their name alone."""
    return f"{actor.name} ({format_roles(actor.roles)})" if actor.user_id is not None else actor.name


class LockScreen(QWidget):
    """Shown instead of the window's content: who is logged in, their password, «Разблокировать».

    The password goes through the same login check as the login dialog (so the delay after wrong passwords
    applies); `unlocked` is emitted when it is right.
    """

    unlocked = Signal()
    switch_user = Signal()

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self.setObjectName("lock_screen")
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        panel = QFrame(self)
        panel.setObjectName("lock_panel")
        panel.setFrameShape(QFrame.Shape.StyledPanel)
        panel.setMinimumWidth(440)
        panel.setMaximumWidth(560)
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(28, 24, 28, 24)
        layout.setSpacing(10)
        self.title = QLabel("Окно заблокировано", panel)
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.title.setFont(font)
        layout.addWidget(self.title)
        self.who = QLabel(panel)
        self.who.setObjectName("lock_who")
        self.who.setWordWrap(True)
        self.who.setText(
            f"Работает: <b>{html.escape(who_text(services.actor))}</b>, логин {html.escape(services.actor.login)}.<br>"
            "Чтобы продолжить, введите свой пароль."
        )
        layout.addWidget(self.who)
        self.password_edit = QLineEdit(panel)
        self.password_edit.setObjectName("unlock_password")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setPlaceholderText("Пароль")
        self.password_edit.returnPressed.connect(self.try_unlock)
        layout.addWidget(self.password_edit)
        self.error = ErrorLabel(panel)
        self.error.setObjectName("unlock_error")
        layout.addWidget(self.error)
        buttons = QHBoxLayout()
        self.switch_button = QPushButton("Сменить пользователя", panel)
        self.switch_button.setToolTip("Завершить работу этого пользователя и войти под другим логином")
        self.switch_button.clicked.connect(self.switch_user)
        self.unlock_button = QPushButton("Разблокировать", panel)
        self.unlock_button.setDefault(True)
        self.unlock_button.clicked.connect(self.try_unlock)
        buttons.addWidget(self.switch_button)
        buttons.addStretch(1)
        buttons.addWidget(self.unlock_button)
        layout.addLayout(buttons)
        row.addWidget(panel, 1)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)

    def reset(self) -> None:
        self.password_edit.clear()
        self.error.show_error(None)
        self.password_edit.setFocus()

    def try_unlock(self) -> None:
        actor = self._services.actor
        password = self.password_edit.text()
        self.password_edit.clear()
        if not password:
            self.error.show_error("Введите пароль.")
            self.password_edit.setFocus()
            return
        try:
            again = self._services.users.authenticate(actor.login, password)
        except ServiceError as exc:
            self.error.show_error(str(exc))
            self.password_edit.setFocus()
            return
        if again.user_id != actor.user_id:  # cannot happen: logins are unique
            self.error.show_error("Это пароль другого пользователя.")
            return
        self.error.show_error(None)
        self.unlocked.emit()
