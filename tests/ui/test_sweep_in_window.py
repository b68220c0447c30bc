"""The escalation sweep in the running program: at start-up and every five minutes, its result in the status bar,
the open queues read again when appeals moved; an error is a line in the status bar, never a dialog.

The clock is fixed at Monday 23 November 2026, 10:00 in Tyumen.
"""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from desktop.services.appeals import AppealsService
from desktop.services.demo import DEMO_PASSWORD
from desktop.services.errors import ServiceError
from desktop.ui.main_window import MainWindow
from desktop.ui.sweeper import SWEEP_INTERVAL_MS
from tests.ui.helpers import click, table_rows, type_text


def test_the_window_sweeps_every_five_minutes_and_refreshes_the_queue(qtbot, appeals, clock, user_window):
    window = user_window("deputy")
    assert window.sweeper.timer.isActive() and window.sweeper.timer.interval() == SWEEP_INTERVAL_MS == 300_000
    queue = window.show_section("appeals")
    number = appeals.numbers["today"]  # due today, 23.11
    assert next(row for row in table_rows(queue.table) if row[0] == number)[4] == "Заместитель директора"

    clock.advance(days=1)  # Tuesday 24.11, 10:00: its term ended at midnight
    outcome = window.sweeper.run()
    assert outcome.escalated >= 1
    message = window.statusBar().currentMessage()
    assert message.startswith("Проверка сроков обращений в 10:00: Передано на следующий уровень обращений: ")
    assert "Директор — " in message
    row = next(row for row in table_rows(queue.table) if row[0] == number)
    assert row[4] == "Директор"  # the queue was read again

    window.sweeper.run()  # nothing more to do
    assert window.statusBar().currentMessage() == (
        "Проверка сроков обращений в 10:00: Просроченных обращений нет: передавать нечего."
    )


def test_a_failed_sweep_is_a_line_in_the_status_bar(qtbot, appeals, user_window, monkeypatch):
    def fail(self, now=None):  # type: ignore[no-untyped-def]
        raise ServiceError("база данных занята другим компьютером")

    monkeypatch.setattr(AppealsService, "sweep", fail)
    window = user_window("secretary")
    outcome = window.sweeper.run()  # a dialog would fail the test
    assert outcome.failed
    assert window.statusBar().currentMessage() == (
        "Проверка сроков обращений не выполнена: база данных занята другим компьютером"
    )


def test_start_up_sweeps_before_anybody_looks(qtbot, appeals, demo_services, play_dialogs, monkeypatch):
    from desktop.app import run_gui

    def log_in_as_deputy(dialog) -> None:  # type: ignore[no-untyped-def]
        dialog.login_edit.clear()
        type_text(dialog.login_edit, "deputy")
        type_text(dialog.password_edit, DEMO_PASSWORD)
        click(qtbot, dialog.ok_button)

    play_dialogs(log_in_as_deputy)
    shown: list[str] = []

    def event_loop(app: QApplication) -> int:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, MainWindow) and widget.isVisible():
                shown.append(widget.statusBar().currentMessage())
                widget.close()
        return 0

    monkeypatch.setattr(QApplication, "exec", event_loop)
    assert run_gui(db=str(demo_services.location.path)) == 0
    assert len(shown) == 1 and shown[0].startswith("Проверка сроков обращений в ")
