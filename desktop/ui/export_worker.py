"""A report written in the background: `services.reports.write(...)` runs in a thread of its own, so that the window
keeps answering while a large register is streamed; it tells how many rows are written, and can be cancelled.

The database: the worker acts through services of its own (`services.as_actor(actor)`: the same engine, the same
person, no state shared with the window's services). Each call opens its own session, which checks a connection out
of the engine's pool for the thread that runs it. A SQLite file gets SQLAlchemy's QueuePool with
`check_same_thread=False` (the pysqlite dialect's default for a file), so a connection may serve the worker and later
the window, one at a time, never both at once; SQLite's busy timeout makes the worker's one write (the export's line in
the journal) wait for the window's. An in-memory SQLite database is one connection per thread (SingletonThreadPool):
another thread would see an empty database, so such a database (tests of services only) is written in the calling
thread.
"""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

from PySide6.QtCore import QObject, QThread, Signal

from desktop.services.errors import ServiceError
from desktop.services.registry import Services

CANCELLED_TEXT = "Выгрузка отменена: файл не сохранён."


def error_text(exc: BaseException, path: Path) -> str:
    """What went wrong, in Russian, for the message under the progress bar."""
    if isinstance(exc, ServiceError):
        return str(exc)
    if isinstance(exc, PermissionError):
        return f"Нет доступа к файлу {path}: он открыт в другой программе или папка закрыта для записи."
    if isinstance(exc, OSError):
        return f"Не удалось записать файл {path}: {exc.strerror or exc}"
    return f"Не удалось выгрузить отчёт: {exc}"


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_mtime_ns, info.st_size


class _Runner(QThread):
    """The thread itself: writes the report and emits what happened (queued to the job in the window's thread)."""

    progressed = Signal(int)
    done = Signal(str, int)
    error = Signal(str)
    stopped = Signal()

    def __init__(self, job: ExportJob) -> None:
        super().__init__(job)
        self._job = job

    def run(self) -> None:
        self._job.work(self)


class ExportJob(QObject):
    """One report to one file. `start()` and the signals:

    * `progress(rows)`: rows written so far (every 500 rows, and the total at the end);
    * `finished(path, count)`: the file is written;
    * `failed(message)`: a Russian message why not;
    * `cancelled()`: `cancel()` stopped it; a half-written (or just finished) file is removed.

    Exactly one of `finished`, `failed`, `cancelled` is emitted, always in the thread that made the job.
    """

    progress = Signal(int)
    finished = Signal(str, int)
    failed = Signal(str)
    cancelled = Signal()

    def __init__(
        self,
        services: Services,
        name: str,
        path: Path,
        *,
        date_from: dt.date | None = None,
        date_to: dt.date | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.name = name
        self.path = Path(path)
        self.date_from = date_from
        self.date_to = date_to
        location = services.location
        self.threaded = not (location.is_sqlite and location.path is None)
        # Services of its own for the thread: the same engine and person, nothing shared with the window's.
        self._services = services.as_actor(services.actor) if self.threaded else services
        self._cancel = threading.Event()
        self._runner: _Runner | None = None
        self.running = False
        self.rows = 0

    def start(self) -> None:
        if self.running:
            return
        self.running = True
        self._cancel.clear()
        if not self.threaded:
            self.work(None)
            return
        runner = _Runner(self)
        runner.progressed.connect(self._on_progress)
        runner.done.connect(self._on_done)
        runner.error.connect(self._on_error)
        runner.stopped.connect(self._on_stopped)
        runner.finished.connect(runner.deleteLater)
        self._runner = runner
        runner.start()

    def cancel(self) -> None:
        """Ask the export to stop at its next batch of rows (it answers with `cancelled`)."""
        self._cancel.set()

    def wait(self, ms: int = 30_000) -> bool:
        """Block until the thread ends (the window closing; tests). True when it has ended."""
        runner = self._runner
        if runner is None:
            return True
        try:
            return runner.wait(ms)
        except RuntimeError:  # already deleted: it had ended
            return True

    # -- in the worker's thread ----------------------------------------------------------------------------------

    def work(self, runner: _Runner | None) -> None:
        from desktop.reports.workbook import ExportCancelled  # openpyxl: not at start-up, when a report is written

        emit_progress = runner.progressed.emit if runner is not None else self._on_progress
        before = _stamp(self.path)

        def progress(rows: int) -> None:
            if self._cancel.is_set():
                raise ExportCancelled
            emit_progress(rows)

        try:
            if self._cancel.is_set():
                raise ExportCancelled
            count = self._services.reports.write(
                self.name, self.path, date_from=self.date_from, date_to=self.date_to, progress=progress
            )
            if self._cancel.is_set():  # cancelled after the last batch: the person does not want the file
                raise ExportCancelled
        except ExportCancelled:
            if _stamp(self.path) != before:  # written by this export (the last progress comes after the save)
                self.path.unlink(missing_ok=True)
            (runner.stopped.emit if runner is not None else self._on_stopped)()
        except Exception as exc:  # noqa: BLE001 - whatever it is, the window says so instead of dying
            (runner.error.emit if runner is not None else self._on_error)(error_text(exc, self.path))
        else:
            (runner.done.emit if runner is not None else self._on_done)(str(self.path), count)

    # -- back in the window's thread -----------------------------------------------------------------------------

    def _on_progress(self, rows: int) -> None:
        self.rows = rows
        self.progress.emit(rows)

    def _finish(self) -> None:
        self.running = False
        self._runner = None

    def _on_done(self, path: str, count: int) -> None:
        self._finish()
        self.rows = count
        self.finished.emit(path, count)

    def _on_error(self, message: str) -> None:
        self._finish()
        self.failed.emit(message)

    def _on_stopped(self) -> None:
        self._finish()
        self.cancelled.emit()
