"""«Файл → Сделать резервную копию…» and «Восстановить из резервной копии…», and the quiet daily backup at start."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMenu, QMessageBox, QWidget

from desktop.domain.access import Action, Actor
from desktop.services.backup import BackupError, Backups, backup_name, backups_folder
from desktop.services.errors import ServiceError

if TYPE_CHECKING:
    from desktop.services.registry import Services


def install_backup_actions(window: QMainWindow, menu: QMenu) -> None:
    """Add the two actions to the «Файл» menu of `window` (whose services are `window._services`), for those who
    may back up: the administrator and the director."""
    services: Services = window._services  # type: ignore[attr-defined]
    if not services.ctx.may(Action.BACKUP_MANAGE):
        return
    menu.addSeparator()
    make = QAction("Сделать &резервную копию…", window)
    make.triggered.connect(lambda: backup_now(window, services))
    restore = QAction("&Восстановить из резервной копии…", window)
    restore.triggered.connect(lambda: restore_from(window, services, getattr(window, "switch_user", None)))
    menu.addAction(make)
    menu.addAction(restore)
    window.backup_action = make  # type: ignore[attr-defined]
    window.restore_action = restore  # type: ignore[attr-defined]


def _status(parent: QWidget, text: str) -> None:
    if isinstance(parent, QMainWindow):
        parent.statusBar().showMessage(text, 15_000)


def backup_now(parent: QWidget, services: Services) -> Path | None:
    """Ask where to, and write a checked copy of the database there."""
    location = services.location
    now = services.ctx.clock().astimezone(services.settings.timezone())
    if location.path is not None:
        suggested = backups_folder(location.path) / backup_name(now)
        suggested.parent.mkdir(parents=True, exist_ok=True)
        wanted = "База данных (*.db)"
    else:
        suggested = Path.home() / backup_name(now).replace(".db", ".dump")
        wanted = "Копия PostgreSQL (*.dump)"
    name, _ = QFileDialog.getSaveFileName(parent, "Резервная копия базы данных", str(suggested), wanted)
    if not name:
        return None
    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        path = Backups(services).backup(Path(name))
    except ServiceError as exc:
        QGuiApplication.restoreOverrideCursor()
        QMessageBox.warning(parent, "Резервная копия не сделана", str(exc))
        return None
    QGuiApplication.restoreOverrideCursor()
    _status(parent, f"Резервная копия сохранена: {path}")
    return path


def restore_from(parent: QWidget, services: Services, reopen: Callable[[], object] | None = None) -> bool:
    """Ask for a backup file and, after a confirmation, restore the database from it; then `reopen` (the window
    closes and the login is asked again, on the restored database)."""
    start = str(backups_folder(services.location.path)) if services.location.path is not None else str(Path.home())
    name, _ = QFileDialog.getOpenFileName(parent, "Восстановить из резервной копии", start, "База данных (*.db);;Все файлы (*)")
    if not name:
        return False
    source = Path(name)
    kept_in = backups_folder(services.location.path) if services.location.path is not None else None
    answer = QMessageBox.question(
        parent,
        "Восстановить базу данных?",
        f"Текущая база данных будет заменена копией из файла {source}. Всё, что внесено после этой копии, "
        "пропадёт из базы.\n\n"
        + (f"Сначала копия текущей базы будет сохранена в папку {kept_in} — к ней можно вернуться.\n\n" if kept_in else "")
        + "После восстановления программа откроет базу заново: нужно будет войти ещё раз. Другие компьютеры, "
        "работающие с этой базой, должны закрыть программу.\n\nВосстановить?",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    if answer != QMessageBox.StandardButton.Yes:
        return False
    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        result = Backups(services).restore(source)
    except ServiceError as exc:
        QGuiApplication.restoreOverrideCursor()
        QMessageBox.warning(parent, "База данных не восстановлена", str(exc))
        return False
    QGuiApplication.restoreOverrideCursor()
    kept = f"\nПрежняя база сохранена: {result.kept}" if result.kept else ""
    QMessageBox.information(
        parent,
        "База данных восстановлена",
        f"База данных восстановлена из файла {result.source}.{kept}\n\nПрограмма откроет базу заново: войдите ещё раз.",
    )
    if reopen is not None:
        reopen()
    return True


class DailyBackup(QObject):
    """The automatic backup of the day, made in the background at start: start-up never waits for it.

    `finished` carries the status-bar text: where the copy went, or what went wrong (never a crash).
    """

    finished = Signal(str)

    def __init__(self, services: Services, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self.text: str | None = None
        self._thread = threading.Thread(target=self._run, name="daily-backup", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def wait(self, timeout: float | None = None) -> None:
        self._thread.join(timeout)

    def _run(self) -> None:
        from desktop.services.registry import open_services

        text = ""
        try:
            # Its own connections: the window's stay on the main thread.
            own = open_services(self._services.location, actor=Actor.system(), clock=self._services.ctx.clock,
                                run_migrations=False)  # fmt: skip
            try:
                path = Backups(own).daily()
            finally:
                own.close()
            text = f"Резервная копия за сегодня сохранена: {path}" if path else ""
        except (BackupError, ServiceError) as exc:
            text = f"Ежедневная резервная копия не сделана: {exc}"
        except Exception as exc:  # noqa: BLE001 — a backup must never bring the program down
            text = f"Ежедневная резервная копия не сделана: {exc}"
        self.text = text
        self.finished.emit(text)

    def show_in(self, window: QMainWindow) -> None:
        """Show the outcome in `window`'s status bar, now if it is known, else when it is."""

        def show(text: str) -> None:
            if text:
                window.statusBar().showMessage(text, 15_000)

        self.finished.connect(show)  # first, so that an outcome arriving meanwhile is not lost
        if self.text is not None:
            show(self.text)
