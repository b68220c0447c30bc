"""Shared fixtures: headless Qt, a fixed clock, and services on a fresh SQLite file or a throwaway PostgreSQL."""

from __future__ import annotations

import os
import tempfile

# Qt without a display aborts the whole run: render offscreen unless a real display was asked for.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.pop("SCHOOL_OFFICE_DB", None)  # a developer's own database must never be touched by the tests
# Nor their log: the program started by a test (run_gui) writes its log into a folder of the run's own.
os.environ["SCHOOL_OFFICE_LOG_DIR"] = tempfile.mkdtemp(prefix="school-office-test-log-")

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.domain.access import Actor
from desktop.services.registry import Services, open_services
from desktop.store.db import DatabaseLocation, resolve_location
from tests.pg import PostgresServer, start_postgres

#: The fixed "now" of the tests: Monday 23 November 2026, 10:00 in Tyumen (UTC+5).
NOW = dt.datetime(2026, 11, 23, 5, 0, tzinfo=dt.UTC)


class FixedClock:
    """A clock the test moves by hand."""

    def __init__(self, now: dt.datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the user's data folder (default and demo databases) inside the test's temporary folder."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / "state"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))
    monkeypatch.delenv("SCHOOL_OFFICE_DB", raising=False)
    # Who the command line acts as: a developer's own login and passwords must never leak into a test.
    for name in ("SCHOOL_OFFICE_USER", "SCHOOL_OFFICE_PASSWORD", "SCHOOL_OFFICE_NEW_PASSWORD"):
        monkeypatch.delenv(name, raising=False)


#: Set (to 1) in CI: a PostgreSQL server that cannot be started fails the PostgreSQL tests instead of skipping them.
ENV_REQUIRE_POSTGRES = "SCHOOL_OFFICE_REQUIRE_POSTGRES"


def _postgres_required() -> bool:
    return os.environ.get(ENV_REQUIRE_POSTGRES, "").strip().lower() not in ("", "0", "false", "no")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    # Its own folder in the system temp folder, not under pytest's: pytest makes its folders private to the
    # user running the tests (again at the start of every run), and the server runs as the postgres user.
    base = Path(tempfile.mkdtemp(prefix="school-office-pg-"))
    try:
        server = start_postgres(base)
        if isinstance(server, str):
            if _postgres_required():
                pytest.fail(
                    f"PostgreSQL не запустился, а {ENV_REQUIRE_POSTGRES}=1 требует его: {server}",
                    pytrace=False,
                )
            pytest.skip(f"PostgreSQL недоступен, тесты на нём пропущены: {server}")
        try:
            yield server
        finally:
            server.stop()
    finally:
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_location(request: pytest.FixtureRequest, tmp_path: Path) -> DatabaseLocation:
    """A fresh, empty database: a SQLite file, and the same on a throwaway PostgreSQL server."""
    if request.param == "sqlite":
        return resolve_location(str(tmp_path / "school.db"))
    server: PostgresServer = request.getfixturevalue("postgres_server")
    return resolve_location(server.create_database())


@pytest.fixture
def services(db_location: DatabaseLocation, clock: FixedClock) -> Iterator[Services]:
    opened = open_services(db_location, actor=Actor.bootstrap("Тестовый пользователь"), clock=clock)
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def sqlite_services(tmp_path: Path, clock: FixedClock) -> Iterator[Services]:
    """Services on a SQLite file only: for GUI tests, which need not run twice."""
    opened = open_services(resolve_location(str(tmp_path / "school.db")), actor=Actor.bootstrap("Тестовый пользователь"), clock=clock)
    try:
        yield opened
    finally:
        opened.close()


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, exitstatus: int, config: pytest.Config
) -> None:
    """The size of the PyInstaller bundle, when tests/test_bundle.py built one in this run."""
    import sys

    module = sys.modules.get("tests.test_bundle")
    size = config.stash.get(module.BUNDLE_SIZE, None) if module is not None else None
    if size is not None:
        megabytes, files = size
        goal = module.SIZE_GOAL_MB
        terminalreporter.write_line(f"Bundle: {megabytes} MB (goal < {goal} MB), {files} files")
