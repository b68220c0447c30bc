"""Fixtures of the GUI tests: the application as the program starts it, databases a secretary would have,
and a guard that no modal dialog ever waits for a click that will not come."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QMessageBox

from desktop.domain.access import Actor
from desktop.services.demo import DEMO_PROFILE, fill_demo
from desktop.services.registry import Services, open_services
from desktop.store.db import resolve_location
from desktop.ui.main_window import MainWindow
from tests.conftest import FixedClock
from tests.ui.appeals_data import Appeals, fill_appeals
from tests.ui.helpers import log_in
from tests.ui.tickets_data import Tickets, fill_tickets


@pytest.fixture(scope="session")
def qapp() -> Iterator[QApplication]:
    """The QApplication of the program's own start-up (Russian locale, Fusion style, Qt's Russian texts).

    Overrides pytest-qt's fixture of that name; an application another test already made is used as it is.
    """
    from desktop.app import make_application

    app = QApplication.instance() or make_application(["school-office-tests"])
    assert isinstance(app, QApplication)
    yield app


@pytest.fixture(autouse=True)
def _no_blocking_dialogs(monkeypatch: pytest.MonkeyPatch) -> None:
    """A modal dialog nobody answers would hang the run: fail instead. Tests that expect one patch it."""

    def refuse(*args: object, **kwargs: object) -> int:
        raise AssertionError(f"unexpected modal dialog: {args!r}")

    monkeypatch.setattr(QDialog, "exec", refuse)
    monkeypatch.setattr(QMessageBox, "exec", refuse)
    for name in ("about", "critical", "information", "question", "warning"):
        monkeypatch.setattr(QMessageBox, name, staticmethod(refuse))
    for name in ("getSaveFileName", "getOpenFileName", "getOpenFileNames", "getExistingDirectory"):
        monkeypatch.setattr(QFileDialog, name, staticmethod(refuse))
    # Nor may a test start another program (a PDF viewer, Excel, the mail program): see `opened_files`.
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(refuse))


@dataclass
class DialogScript:
    """The dialogs a patched QDialog.exec was asked to show, and the steps still to play."""

    steps: list[Callable[[QDialog], None]]
    seen: list[str] = field(default_factory=list)


@pytest.fixture
def play_dialogs(monkeypatch: pytest.MonkeyPatch, qtbot) -> Callable[..., DialogScript]:  # type: ignore[no-untyped-def]
    """`play_dialogs(step, step, ...)`: each modal dialog that opens is shown and handed to the next step, which
    types and clicks in it like a person; what the dialog ends with is what `exec()` returns. A dialog with
    no step left fails the test."""

    def install(*steps: Callable[[QDialog], None]) -> DialogScript:
        script = DialogScript(list(steps))

        def exec_(dialog: QDialog) -> int:
            script.seen.append(type(dialog).__name__)
            assert script.steps, f"unexpected dialog {type(dialog).__name__} «{dialog.windowTitle()}»"
            step = script.steps.pop(0)
            qtbot.addWidget(dialog)
            dialog.show()
            qtbot.waitExposed(dialog)
            step(dialog)
            result = dialog.result()
            dialog.hide()
            return result

        monkeypatch.setattr(QDialog, "exec", exec_)
        return script

    return install


@dataclass
class MessageBoxAnswers:
    """What the patched QMessageBox.exec showed, and which button it clicked."""

    answer: str
    shown: list[str] = field(default_factory=list)
    buttons: list[list[str]] = field(default_factory=list)
    defaults: list[str] = field(default_factory=list)


@pytest.fixture
def answer_message_box(monkeypatch: pytest.MonkeyPatch) -> Callable[[str], MessageBoxAnswers]:
    """`answer_message_box("Отмена")`: every QMessageBox that opens is answered by clicking that button."""

    def install(answer: str) -> MessageBoxAnswers:
        record = MessageBoxAnswers(answer)

        def exec_(box: QMessageBox) -> int:
            record.shown.append(box.text())
            record.buttons.append([b.text() for b in box.buttons()])
            default = box.defaultButton()
            record.defaults.append(default.text() if default is not None else "")
            for button in box.buttons():
                if button.text() == answer:
                    button.click()
                    return box.result()
            raise AssertionError(f"no button «{answer}» in the message box: {record.buttons[-1]}")

        monkeypatch.setattr(QMessageBox, "exec", exec_)
        return record

    return install


@pytest.fixture
def answer_message_boxes(monkeypatch: pytest.MonkeyPatch) -> Callable[..., MessageBoxAnswers]:
    """`answer_message_boxes("Сохранить письмо…", "Не открывать")`: the message boxes that open are answered
    in turn, each by clicking the button with that text; one more box than answers fails the test."""

    def install(*answers: str) -> MessageBoxAnswers:
        record = MessageBoxAnswers(" / ".join(answers))
        queue = list(answers)

        def exec_(box: QMessageBox) -> int:
            record.shown.append(box.text())
            record.buttons.append([b.text() for b in box.buttons()])
            assert queue, f"unexpected message box: {box.text()!r}"
            answer = queue.pop(0)
            for button in box.buttons():
                if button.text() == answer:
                    button.click()
                    return box.result()
            raise AssertionError(f"no button «{answer}» in the message box: {record.buttons[-1]}")

        monkeypatch.setattr(QMessageBox, "exec", exec_)
        return record

    return install


@pytest.fixture
def opened_files(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The files the program asked the computer to open in their own programs (nothing is started)."""
    opened: list[Path] = []

    def open_url(url) -> bool:  # type: ignore[no-untyped-def]
        opened.append(Path(url.toLocalFile()))
        return True

    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(open_url))
    return opened


@pytest.fixture
def profile_services(sqlite_services: Services) -> Services:
    """A school with its profile filled in (the demo school's) and no calendar overrides yet."""
    sqlite_services.settings.update(DEMO_PROFILE)
    return sqlite_services


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo school filled once per run at the tests' fixed moment (it takes seconds: a slow password hash for
    each demo user, then appeals, tickets and families); each test gets its own copy."""
    path = tmp_path_factory.mktemp("demo-template") / "school.db"
    filled = open_services(resolve_location(str(path)), actor=Actor.bootstrap("Тестовый пользователь"), clock=FixedClock())
    try:
        assert fill_demo(filled)
    finally:
        filled.close()
    return path


@pytest.fixture
def demo_services(sqlite_services: Services, demo_template: Path, tmp_path: Path) -> Services:
    """The demo school: profile and its own calendar days (27.11.2026 off, 28.11.2026 worked), its staff, appeals,
    tickets and families, as `fill_demo` makes them at the tests' fixed moment (a copy of the run's template)."""
    sqlite_services.engine.dispose()  # the next connection opens the copy
    target = tmp_path / "school.db"
    with closing(sqlite3.connect(demo_template)) as source, closing(sqlite3.connect(target)) as copy:
        source.backup(copy)
    return sqlite_services


@pytest.fixture
def open_window(qtbot) -> Callable[[Services], MainWindow]:  # type: ignore[no-untyped-def]
    """`open_window(services)`: the main window, shown and active (so that its keyboard shortcuts work).

    Unsaved profile edits are dropped before pytest-qt closes it, so that a failed test never hangs on
    the «Несохранённые изменения» question.
    """

    def open_(services: Services, *, idle_lock_ms: int | None = None) -> MainWindow:
        window = MainWindow(services, idle_lock_ms=idle_lock_ms)
        qtbot.addWidget(window, before_close_func=lambda w: w.views["settings"].profile.form.reload())
        window.resize(1280, 800)
        with qtbot.waitActive(window):
            window.show()
            window.activateWindow()
        return window

    return open_


@pytest.fixture
def user_window(demo_services: Services, open_window) -> Callable[..., MainWindow]:  # type: ignore[no-untyped-def]
    """`user_window("secretary")`: the demo school's main window for one of its users, after their login."""

    def open_(login: str, *, idle_lock_ms: int | None = None) -> MainWindow:
        return open_window(log_in(demo_services, login), idle_lock_ms=idle_lock_ms)

    return open_


@pytest.fixture
def appeals(demo_services: Services, clock) -> Appeals:  # type: ignore[no-untyped-def]
    """The demo school with the appeals of tests/ui/appeals_data.py on top of its own, swept at the fixed now."""
    return fill_appeals(demo_services, clock)


@pytest.fixture
def tickets(profile_services, clock) -> Tickets:  # type: ignore[no-untyped-def]
    """The tickets' school (seed 002) filled with tickets in every state."""
    return fill_tickets(profile_services, clock)
