"""The program's log: in the log folder, rotated by size, never stopping the program when it cannot be written."""

from __future__ import annotations

import datetime as dt
import logging
import re
import sys

import pytest

from desktop import __version__, logs


@pytest.fixture
def log_dir(tmp_path, monkeypatch):
    folder = tmp_path / "журнал"
    monkeypatch.setenv(logs.ENV_LOG_DIR, str(folder))
    yield folder
    logs.stop_logging()


def test_the_log_goes_to_the_log_folder_with_the_start_line(log_dir):
    path = logs.setup_logging()
    assert path == log_dir / "school-office.log"
    logs.log_start("SQLite: /школа.db")
    logging.getLogger("desktop.test").warning("Проверка записи")
    text = path.read_text(encoding="utf-8")
    assert f"Запуск: Канцелярия школы {__version__}" in text and "база: SQLite: /школа.db" in text
    assert re.search(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ WARNING \[\d+\] desktop.test: Проверка записи$", text, re.MULTILINE)
    assert logs.current_log_file() == path


def test_the_log_is_rotated_and_old_files_are_dropped(log_dir, monkeypatch):
    monkeypatch.setattr(logs, "MAX_BYTES", 2_000)
    monkeypatch.setattr(logs, "BACKUP_COUNT", 3)
    logs.setup_logging()
    for n in range(400):
        logging.getLogger("desktop.test").info("строка журнала номер %d", n)
    names = sorted(p.name for p in log_dir.iterdir() if p.name.startswith("school-office.log"))
    assert names == ["school-office.log", "school-office.log.1", "school-office.log.2", "school-office.log.3"]
    sizes = [(log_dir / name).stat().st_size for name in names]
    assert all(size < 2_200 for size in sizes), sizes  # about MAX_BYTES: the handler counts characters
    assert "номер 399" in (log_dir / "school-office.log").read_text(encoding="utf-8")


def test_a_folder_that_cannot_be_made_leaves_the_program_without_a_log_but_running(tmp_path, monkeypatch, capsys):
    blocker = tmp_path / "файл"
    blocker.write_text("не папка", encoding="utf-8")
    assert logs.setup_logging(blocker / "журнал") is None
    assert "Журнал работы не ведётся" in capsys.readouterr().err
    logging.getLogger("desktop.test").error("и всё равно работает")


def test_setting_up_twice_moves_the_log_without_writing_twice(tmp_path):
    first = logs.setup_logging(tmp_path / "a")
    second = logs.setup_logging(tmp_path / "b")
    try:
        logging.getLogger("desktop.test").warning("одна запись")
        assert first is not None and second is not None
        assert "одна запись" not in first.read_text(encoding="utf-8")
        assert second.read_text(encoding="utf-8").count("одна запись") == 1
    finally:
        logs.stop_logging()


def test_error_details_have_the_version_the_moment_and_the_traceback():
    try:
        {}["нет такого ключа"]
    except KeyError:
        details = logs.error_details(*sys.exc_info(), now=dt.datetime(2026, 12, 2, 9, 30), where="поток «экспорт»")
    assert details.startswith(f"Канцелярия школы {__version__}\nВремя: 02.12.2026 09:30:00")
    assert "Где: поток «экспорт»" in details
    assert "Traceback (most recent call last)" in details and "KeyError: 'нет такого ключа'" in details
