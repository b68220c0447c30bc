"""An error nobody expected, in a click or in a background thread: written to the log with its traceback, told in
Russian with «Копировать подробности», and the program goes on."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtWidgets import QPushButton

from desktop import logs
from desktop.services.errors import ValidationError
from desktop.ui.error_dialog import ErrorReporter, UnexpectedErrorDialog


@pytest.fixture
def reporter(tmp_path, monkeypatch, qapp):
    monkeypatch.setenv(logs.ENV_LOG_DIR, str(tmp_path / "logs"))
    logs.setup_logging()
    installed = ErrorReporter().install()
    yield installed
    installed.uninstall()
    logs.stop_logging()


def _log_text(tmp_path) -> str:
    return (tmp_path / "logs" / "school-office.log").read_text(encoding="utf-8")


@pytest.mark.qt_no_exception_capture
def test_an_error_in_a_click_is_logged_shown_and_the_program_goes_on(qtbot, tmp_path, reporter, play_dialogs, qapp):
    shown: list[dict[str, object]] = []

    def look(dialog):  # type: ignore[no-untyped-def]
        assert isinstance(dialog, UnexpectedErrorDialog)
        dialog.copy_button.click()
        shown.append(
            {
                "title": dialog.windowTitle(),
                "message": dialog.message.text(),
                "advice": dialog.advice.text(),
                "copied": qapp.clipboard().text(),
                "buttons": dialog.copy_button.text(),
            }
        )
        dialog.accept()

    script = play_dialogs(look)
    clicks: list[int] = []
    button = QPushButton("Сохранить")
    qtbot.addWidget(button)

    def save() -> None:
        clicks.append(1)
        if len(clicks) == 1:
            raise ZeroDivisionError("деление на ноль при сохранении")

    button.clicked.connect(save)
    button.click()
    qtbot.waitUntil(lambda: script.seen == ["UnexpectedErrorDialog"])
    assert shown[0]["title"] == "Непредвиденная ошибка"
    assert "программа продолжает работу" in str(shown[0]["message"])
    assert str(tmp_path / "logs" / "school-office.log") in str(shown[0]["advice"])
    assert shown[0]["buttons"] == "Скопировано"
    copied = str(shown[0]["copied"])
    assert "ZeroDivisionError: деление на ноль при сохранении" in copied and "in save" in copied
    log = _log_text(tmp_path)
    assert "ERROR" in log and "Непредвиденная ошибка" in log and "Traceback (most recent call last)" in log
    assert "ZeroDivisionError: деление на ноль при сохранении" in log
    # The program went on: the next click works.
    button.click()
    assert len(clicks) == 2 and reporter.shown == 1


@pytest.mark.qt_no_exception_capture
def test_an_error_in_a_background_thread_is_shown_from_the_window_thread(qtbot, tmp_path, reporter, play_dialogs):
    script = play_dialogs(lambda dialog: dialog.accept())

    def work() -> None:
        raise OSError("диск отключён")

    thread = threading.Thread(target=work, name="экспорт")
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: script.seen == ["UnexpectedErrorDialog"])
    log = _log_text(tmp_path)
    assert "поток «экспорт»" in log and "OSError: диск отключён" in log


@pytest.mark.qt_no_exception_capture
def test_a_refusal_nobody_caught_is_said_in_its_own_words_not_as_a_crash(qtbot, tmp_path, reporter, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    warned: list[tuple[str, str]] = []
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda parent, title, text: warned.append((title, text))))
    button = QPushButton()
    qtbot.addWidget(button)

    def refuse() -> None:
        raise ValidationError({"class": "Не указан класс ученика."})

    button.clicked.connect(refuse)
    button.click()
    qtbot.waitUntil(lambda: bool(warned))
    assert warned == [("Действие не выполнено", "Не указан класс ученика.")]
    assert "WARNING" in _log_text(tmp_path)


@pytest.mark.qt_no_exception_capture
def test_a_dialog_that_cannot_be_shown_does_not_loop(qtbot, tmp_path, reporter, monkeypatch):
    """Showing the report fails itself (here: exec refuses): it is logged once, and no endless chain of reports."""
    button = QPushButton()
    qtbot.addWidget(button)
    button.clicked.connect(lambda: 1 / 0)
    button.click()
    qtbot.wait(200)
    log = _log_text(tmp_path)
    assert log.count("ZeroDivisionError") == 1
    assert "Сообщение об ошибке не показано" in log
    assert reporter.shown == 1


def test_a_second_error_while_the_first_is_shown_is_counted_not_stacked(qapp):
    dialog = UnexpectedErrorDialog("первая")
    dialog.repeated("вторая")
    dialog.repeated("третья")
    assert dialog.repeat_label.text() == "Ошибка повторилась ещё 2 раз(а)."
    assert dialog.details == "третья" and dialog.details_view.toPlainText() == "третья"
    dialog.deleteLater()


@pytest.mark.qt_no_exception_capture
def test_an_error_at_start_up_is_said_in_russian_and_the_program_ends(
    qtbot, tmp_path, demo_services, play_dialogs, monkeypatch
):
    import desktop.app

    monkeypatch.setenv(logs.ENV_LOG_DIR, str(tmp_path / "logs"))

    def broken(services, demo=False):  # type: ignore[no-untyped-def]
        raise KeyError("настройка, которой нет")

    monkeypatch.setattr(desktop.app, "prepare", broken)
    seen: list[str] = []
    script = play_dialogs(lambda dialog: (seen.append(dialog.message.text()), dialog.accept()))
    assert desktop.app.run_gui(db=str(demo_services.location.path)) == 1
    assert script.seen == ["UnexpectedErrorDialog"]
    assert "работать дальше она не может" in seen[0]
    log = _log_text(tmp_path)
    assert "Программа не может продолжить работу" in log and "KeyError: 'настройка, которой нет'" in log
    assert "Программа закрыта" in log
    assert logs.current_log_file() is None  # the log is closed with the program
