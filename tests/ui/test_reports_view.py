"""Section «Отчёты»: only the reports the person may export, the period with its quick choices, the export written in
the background with the rows counted and «Отмена», the file opened when done, errors said in Russian.

The clock is fixed at Monday 23 November 2026, 10:00 in Tyumen.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from desktop.reports.workbook import ExportCancelled
from desktop.services.errors import ServiceError
from desktop.services.reports import REPORTS, ReportsService
from desktop.ui.export_worker import ExportJob
from desktop.ui.reports_view import ReportsView, default_file_name
from tests.ui.helpers import click, log_in

ALL = [r.name for r in REPORTS]


def reports_view(window) -> ReportsView:  # type: ignore[no-untyped-def]
    view = window.show_section("reports")
    assert isinstance(view, ReportsView)
    return view


def save_to(monkeypatch: pytest.MonkeyPatch, target: Path) -> list[str]:
    """The file dialog answers `target`; returns the names it suggested."""
    suggested: list[str] = []

    def answer(_parent, _title, name, _filters):  # type: ignore[no-untyped-def]
        suggested.append(Path(name).name)
        return str(target), "Книга Excel (*.xlsx)"

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(answer))
    return suggested


def wait_done(qtbot, view: ReportsView) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: not view.running(), timeout=30_000)


@pytest.mark.parametrize(
    ("login", "names"),
    [
        ("director", ALL),
        ("deputy", ["appeals", "overdue", "tickets", "support", "access-codes", "optouts", "printouts", "summary"]),
        ("secretary", ["appeals", "overdue", "access-codes", "optouts", "printouts", "summary"]),
        ("operator", ["tickets"]),
        ("epos_admin", ["support"]),
        ("admin", ["audit"]),
    ],
)
def test_the_list_shows_only_the_reports_the_person_may_export(user_window, login, names):
    view = reports_view(user_window(login))
    assert [r.name for r in view.reports] == names
    titles = {r.name: r.title for r in REPORTS}
    assert [view.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(view.list.count())] == names
    assert [view.list.item(i).text().split(" — ")[0] for i in range(view.list.count())] == [titles[n] for n in names]


@pytest.mark.parametrize("login", ["agent", "class_teacher"])
def test_no_reports_no_section(user_window, login):
    window = user_window(login)
    assert "reports" not in window.views
    with pytest.raises(KeyError):
        window.show_section("reports")


def test_the_quick_periods(user_window):
    view = reports_view(user_window("secretary"))
    assert view.period() == (dt.date(2026, 9, 1), dt.date(2027, 8, 31))  # this school year first
    view.quick["month"].click()
    assert view.period() == (dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    assert view.period_label.text() == "Выгрузить с 01.11.2026 по 30.11.2026"
    view.quick["last_month"].click()
    assert view.period() == (dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    view.quick["term"].click()  # the demo school's second term
    date_from, date_to = view.period()
    assert date_from is not None and date_to is not None and date_from <= dt.date(2026, 11, 23) <= date_to
    view.quick["all"].click()
    assert view.period() == (None, None)
    assert view.period_label.text() == "Выгрузить за всё время"
    view.quick["year"].click()
    view.to_edit.setDate(view.from_edit.date().addDays(-1))  # the end before the start
    assert "позже его конца" in view.period_label.text()
    assert not view.save_button.isEnabled()


def test_an_export_writes_the_file_in_the_background_and_opens_it(
    qtbot, user_window, monkeypatch, tmp_path, opened_files
):
    view = reports_view(user_window("secretary"))
    view.select_report("appeals")
    view.quick["month"].click()
    target = tmp_path / "журнал.xlsx"
    suggested = save_to(monkeypatch, target)
    view.list.setFocus()
    qtbot.keyClick(view.list, Qt.Key.Key_Return)  # Enter starts the export
    assert view.running() or target.exists()
    wait_done(qtbot, view)
    assert suggested == ["Журнал регистрации обращений 01.11.2026–30.11.2026.xlsx"]
    assert target.exists()
    assert opened_files == [target]
    assert f"Файл: {target}" in view.banner.text() and "сохранён" in view.banner.text()
    assert not view.progress.isVisible() and view.save_button.isEnabled()
    rows = list(load_workbook(target, read_only=True).worksheets[0].iter_rows(values_only=True))
    assert len(rows) > 4  # the title, the header and rows of November's appeals
    assert "выгружено" in view.banner.text()


def test_the_default_name_of_the_summary_names_the_period():
    summary = next(r for r in REPORTS if r.name == "summary")
    name = default_file_name(summary, dt.date(2026, 9, 1), dt.date(2026, 11, 30))
    assert name == "Сводный отчёт 01.09.2026–30.11.2026.xlsx"
    assert default_file_name(summary, None, None) == "Сводный отчёт за всё время.xlsx"


def test_the_rows_written_are_shown_as_they_go(qtbot, user_window, monkeypatch, tmp_path, opened_files):
    def write(self, name, path, *, date_from=None, date_to=None, progress=None):  # type: ignore[no-untyped-def]
        for rows in (500, 1000, 1500):
            assert progress is not None
            progress(rows)
            time.sleep(0.05)
        Path(path).write_bytes(b"xlsx")
        progress(1729)
        return 1729

    monkeypatch.setattr(ReportsService, "write", write)
    view = reports_view(user_window("director"))
    view.select_report("audit")
    seen: list[int] = []
    job = view.export("audit", tmp_path / "журнал событий.xlsx", None, None)
    job.progress.connect(seen.append)
    assert view.progress.isVisible() and view.cancel_button.isVisible()
    assert not view.save_button.isEnabled()  # one export at a time
    wait_done(qtbot, view)
    assert seen[-1] == 1729 and len(seen) >= 2
    assert "1\u00a0729 строк" in view.banner.text()
    assert opened_files == [tmp_path / "журнал событий.xlsx"]


def test_cancelling_removes_the_file_and_says_so(qtbot, user_window, monkeypatch, tmp_path, opened_files):
    def write(self, name, path, *, date_from=None, date_to=None, progress=None):  # type: ignore[no-untyped-def]
        partial = Path(str(path) + ".part")
        partial.write_bytes(b"half")
        try:
            for k in range(1, 2000):
                assert progress is not None
                progress(500 * k)
                time.sleep(0.01)
        finally:
            partial.unlink(missing_ok=True)
        return 0

    monkeypatch.setattr(ReportsService, "write", write)
    view = reports_view(user_window("director"))
    target = tmp_path / "реестр.xlsx"
    view.export("appeals", target, None, None)
    qtbot.waitUntil(lambda: view.rows_label.text().startswith("Записано"), timeout=10_000)
    click(qtbot, view.cancel_button)
    wait_done(qtbot, view)
    assert "отменена" in view.banner.text()
    assert not target.exists() and not Path(str(target) + ".part").exists()
    assert opened_files == []
    assert view.save_button.isEnabled() and view.list.isEnabled()


def test_a_cancel_after_the_last_rows_removes_the_finished_file(qtbot, demo_services, tmp_path):
    """The last progress call comes after the file is saved: cancelled then, the file is removed all the same."""
    services = log_in(demo_services, "director")
    job = ExportJob(services, "appeals", tmp_path / "a.xlsx")
    outcomes: list[str] = []
    job.cancelled.connect(lambda: outcomes.append("cancelled"))
    job.finished.connect(lambda *_: outcomes.append("finished"))
    job.progress.connect(lambda _rows: job.cancel())
    job.start()
    qtbot.waitUntil(lambda: not job.running, timeout=30_000)
    assert job.wait()
    assert outcomes in (["cancelled"], ["finished"])  # a small register may be done before the cancel arrives
    if outcomes == ["cancelled"]:
        assert not (tmp_path / "a.xlsx").exists()


def test_the_worker_refuses_a_report_the_person_may_not_export(qtbot, demo_services, tmp_path):
    job = ExportJob(log_in(demo_services, "operator"), "appeals", tmp_path / "a.xlsx")
    messages: list[str] = []
    job.failed.connect(messages.append)
    job.start()
    qtbot.waitUntil(lambda: not job.running, timeout=30_000)
    assert messages and messages[0].startswith("Недостаточно прав")
    assert not (tmp_path / "a.xlsx").exists()


@pytest.mark.parametrize(
    ("error", "text"),
    [
        (ServiceError("Начало периода позже его конца."), "Отчёт не выгружен. Начало периода позже его конца."),
        (PermissionError(13, "Permission denied"), "Отчёт не выгружен. Нет доступа к файлу"),
        (OSError(28, "No space left on device"), "Отчёт не выгружен. Не удалось записать файл"),
    ],
)
def test_an_error_is_shown_in_russian(qtbot, user_window, monkeypatch, tmp_path, opened_files, error, text):
    def write(self, name, path, *, date_from=None, date_to=None, progress=None):  # type: ignore[no-untyped-def]
        raise error

    monkeypatch.setattr(ReportsService, "write", write)
    view = reports_view(user_window("secretary"))
    view.export("appeals", tmp_path / "a.xlsx", None, None)
    wait_done(qtbot, view)
    assert view.banner.text().startswith(text)
    assert opened_files == []
    assert view.save_button.isEnabled()


def test_cancelled_is_raised_to_the_writer(qtbot, demo_services, tmp_path, monkeypatch):
    """The cancel flag is checked in the progress callback, which raises ExportCancelled into the writer."""
    raised: list[type] = []

    def write(self, name, path, *, date_from=None, date_to=None, progress=None):  # type: ignore[no-untyped-def]
        try:
            for k in range(1, 2000):
                assert progress is not None
                progress(500 * k)
                time.sleep(0.01)
        except ExportCancelled:
            raised.append(ExportCancelled)
            raise
        return 0

    monkeypatch.setattr(ReportsService, "write", write)
    job = ExportJob(log_in(demo_services, "director"), "audit", tmp_path / "a.xlsx")
    job.progress.connect(lambda _rows: job.cancel())
    job.start()
    qtbot.waitUntil(lambda: not job.running, timeout=10_000)
    assert raised == [ExportCancelled]
