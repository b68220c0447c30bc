"""Running `school-office` in this process on a temporary database, as a given user or as nobody."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import pytest

from desktop.cli import EXIT_FAILED, main

#: The first line the command line prints to stderr on a database that has no users yet.
NO_USERS_WARNING = "Внимание: в базе ещё нет пользователей, команда выполнена без входа."


class Run:
    """Runs `school-office ARGS` in this process and keeps what it printed.

    `env` sets environment variables for this one run (None removes one): who acts and with which password.
    """

    def __init__(self, capsys: pytest.CaptureFixture[str], db: Path) -> None:
        self.capsys = capsys
        self.db = db

    def __call__(
        self, *args: str, db: bool = True, env: Mapping[str, str | None] | None = None
    ) -> tuple[int, str, str]:
        argv = [*args, "--db", str(self.db)] if db else list(args)
        saved = {name: os.environ.get(name) for name in env or {}}
        try:
            for name, value in (env or {}).items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
            try:
                code = main(argv)
            except SystemExit as exc:  # argparse: --version, --help and usage errors
                code = exc.code if isinstance(exc.code, int) else EXIT_FAILED
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
        out, err = self.capsys.readouterr()
        return code, out, err


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "school.db"


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], db: Path) -> Run:
    return Run(capsys, db)


def error_line(err: str) -> str:
    """The error of a failed command: the last line of stderr (a warning may come before it)."""
    lines = err.strip().splitlines()
    assert lines, "nothing on stderr"
    return lines[-1]
