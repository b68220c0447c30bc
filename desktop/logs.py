"""The program's log: a rotating file in the user's log folder, and the details of an error nobody expected.

No Qt here: desktop/ui/error_dialog.py shows the errors, this module only writes them down.
"""

from __future__ import annotations

import datetime as dt
import faulthandler
import logging
import logging.handlers
import os
import platform
import sys
import traceback
from pathlib import Path
from types import TracebackType
from typing import IO

from desktop import __version__
from desktop.paths import user_log_dir

#: Overrides the log folder (tests, a portable install on a USB stick).
ENV_LOG_DIR = "SCHOOL_OFFICE_LOG_DIR"
LOG_FILE = "school-office.log"
#: A crash of the interpreter itself (a fault in a library) leaves its stacks here.
CRASH_FILE = "crash.log"
#: One file of about 1 MB and five older ones: months of a school's office day, a few MB on disk.
MAX_BYTES = 1_000_000
BACKUP_COUNT = 5
FORMAT = "%(asctime)s %(levelname)-7s [%(process)d] %(name)s: %(message)s"

log = logging.getLogger("desktop")

_handler: logging.Handler | None = None
_crash_file: IO[str] | None = None


def log_folder(environ: dict[str, str] | None = None) -> Path:
    env = os.environ if environ is None else environ
    override = env.get(ENV_LOG_DIR, "").strip()
    return Path(override).expanduser() if override else user_log_dir()


def setup_logging(folder: Path | None = None, *, level: int = logging.INFO) -> Path | None:
    """Write the log to `folder` (the user's log folder by default), rotating by size; the log file's path.

    Calling it again moves the log (the previous handler is removed). When the folder cannot be made (a read-only
    profile), the program works on without a log file: None, and the reason goes to stderr.
    """
    global _handler, _crash_file
    folder = folder or log_folder()
    root = logging.getLogger()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.handlers.RotatingFileHandler(
            folder / LOG_FILE, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8"
        )
    except OSError as exc:
        if sys.stderr is not None:
            print(f"Журнал работы не ведётся: папка {folder} недоступна ({exc}).", file=sys.stderr)
        return None
    handler.setFormatter(logging.Formatter(FORMAT))
    if _handler is not None:
        root.removeHandler(_handler)
        _handler.close()
    _handler = handler
    root.addHandler(handler)
    if root.level == logging.NOTSET or root.level > level:
        root.setLevel(level)
    logging.captureWarnings(True)
    try:
        crash = open(folder / CRASH_FILE, "a", encoding="utf-8")  # noqa: SIM115 - open for the process' life
    except OSError:
        crash = None
    if crash is not None:
        if _crash_file is not None:
            _crash_file.close()
        _crash_file = crash
        faulthandler.enable(crash)
    return folder / LOG_FILE


def stop_logging() -> None:
    """Close the log file (tests; the end of the program)."""
    global _handler, _crash_file
    if _handler is not None:
        logging.getLogger().removeHandler(_handler)
        _handler.close()
        _handler = None
    if _crash_file is not None:
        if faulthandler.is_enabled():
            faulthandler.disable()
        _crash_file.close()
        _crash_file = None


def current_log_file() -> Path | None:
    handler = _handler
    if isinstance(handler, logging.FileHandler):
        return Path(handler.baseFilename)
    return None


def system_text() -> str:
    """«Linux 6.1 (x86_64), Python 3.11.7[, сборка PyInstaller]»: the computer, for the log and for whoever helps."""
    return (
        f"{platform.system()} {platform.release()} ({platform.machine()}), Python {platform.python_version()}"
        + (", сборка PyInstaller" if getattr(sys, "frozen", False) else "")
    )


def log_start(database: str) -> None:
    log.info("Запуск: Канцелярия школы %s; %s; база: %s", __version__, system_text(), database)


def error_details(
    exc_type: type[BaseException],
    exc: BaseException,
    tb: TracebackType | None,
    *,
    now: dt.datetime | None = None,
    where: str = "",
) -> str:
    """What to hand to whoever helps: version, moment, system, and the traceback (no personal data is added)."""
    moment = (now or dt.datetime.now()).strftime("%d.%m.%Y %H:%M:%S")
    lines = [
        f"Канцелярия школы {__version__}",
        f"Время: {moment}",
        f"Система: {system_text()}",
    ]
    if where:
        lines.append(f"Где: {where}")
    logfile = current_log_file()
    if logfile is not None:
        lines.append(f"Журнал: {logfile}")
    lines.append("")
    lines.extend(line.rstrip("\n") for line in traceback.format_exception(exc_type, exc, tb))
    return "\n".join(lines)
