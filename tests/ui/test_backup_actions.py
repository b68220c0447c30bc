"""«Файл → Сделать резервную копию…», «Восстановить из резервной копии…» and the daily backup at start."""

from __future__ import annotations

from PySide6.QtWidgets import QFileDialog, QMainWindow, QMessageBox

from desktop.services.backup import Backups
from desktop.ui.backup_actions import DailyBackup, backup_now, restore_from


def test_backup_then_restore_with_a_confirmation(qtbot, sqlite_services, tmp_path, monkeypatch):
    window = QMainWindow()
    qtbot.addWidget(window)
    sqlite_services.settings.set("school_short_name", "До копии")
    out = tmp_path / "copy.db"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(out), "")))
    assert backup_now(window, sqlite_services) == out
    assert "Резервная копия сохранена" in window.statusBar().currentMessage()

    sqlite_services.settings.set("school_short_name", "После копии")
    asked: list[str] = []
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(out), "")))

    def question(parent, title, text, *args):
        asked.append(text)
        return QMessageBox.StandardButton.No if len(asked) == 1 else QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", staticmethod(lambda p, t, text, *a: told.append(text)))
    reopened: list[bool] = []
    assert restore_from(window, sqlite_services, lambda: reopened.append(True)) is False  # «Нет»: nothing done
    assert sqlite_services.settings.get("school_short_name") == "После копии"
    assert "копия текущей базы будет сохранена" in asked[0] and "войти ещё раз" in asked[0]

    assert restore_from(window, sqlite_services, lambda: reopened.append(True)) is True
    assert sqlite_services.settings.get("school_short_name") == "До копии"
    assert reopened == [True] and "Прежняя база сохранена" in told[0]


def test_a_refused_restore_says_why(qtbot, sqlite_services, tmp_path, monkeypatch):
    window = QMainWindow()
    qtbot.addWidget(window)
    text = tmp_path / "note.db"
    text.write_text("не база", encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(text), "")))
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a: QMessageBox.StandardButton.Yes))
    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda p, t, msg, *a: warned.append(msg)))
    assert restore_from(window, sqlite_services) is False
    assert "не база данных SQLite" in warned[0]


def test_daily_backup_runs_in_the_background_and_reports_in_the_status_bar(qtbot, sqlite_services):
    window = QMainWindow()
    qtbot.addWidget(window)
    daily = DailyBackup(sqlite_services)
    with qtbot.waitSignal(daily.finished, timeout=10_000):
        daily.start()
    daily.show_in(window)
    assert "Резервная копия за сегодня сохранена" in window.statusBar().currentMessage()
    assert len(Backups(sqlite_services).copies()) == 1
    again = DailyBackup(sqlite_services)
    again.start()
    again.wait(10)
    assert again.text == ""  # already made today: nothing to say
