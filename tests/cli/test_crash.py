"""The app killed (SIGKILL: no clean-up runs) in the middle of an import, a sweep or an export: the database passes
SQLite's integrity check, the import is there whole or not at all (also on PostgreSQL), the sweep's escalations are
all recorded with their appeals or none, and no half-written workbook is left under the name asked for."""

from __future__ import annotations

import datetime as dt
import random
import shutil
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from desktop.domain.access import Actor
from desktop.domain.appeals import Rubric
from desktop.services.appeals import AppealInput
from desktop.services.registry import Services, open_services
from desktop.store.db import resolve_location
from desktop.store.models import Appeal, AppealStep, Event, NumberCounter
from tests.services.test_concurrency import many_appeals, worker

IMPORTED = 2000  # rows of the register killed while being imported
SEEDED = 1000  # appeals on the database killed while being swept or exported


def killed_while_writing(process: subprocess.Popen[str], *, within: float = 0.0) -> None:
    """Wait until the worker says it has started writing («пишу»), then SIGKILL it at once or within `within`
    seconds, at a random moment."""
    assert process.stdout is not None
    line = process.stdout.readline()
    assert line.strip() == "пишу", (line, process.communicate(timeout=30))
    if within:
        time.sleep(random.uniform(0, within))
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL, "the worker finished before it could be killed"


def integrity(path: Path) -> str:
    with sqlite3.connect(path) as conn:  # also replays what the killed process left in the WAL file
        return conn.execute("PRAGMA integrity_check").fetchone()[0]


def opened(url: str | Path) -> Services:
    return open_services(resolve_location(str(url)), actor=Actor.bootstrap("Проверка"))


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_an_import_killed_halfway_leaves_all_or_nothing(
    tmp_path: Path, request: pytest.FixtureRequest, backend: str
):
    url = (
        str(tmp_path / "school.db")
        if backend == "sqlite"
        else request.getfixturevalue("postgres_server").create_database()
    )
    opened(url).close()  # the schema, created before the import starts
    process = worker("import", url, str(many_appeals(tmp_path / "register.csv", IMPORTED)))
    killed_while_writing(process, within=1.0)
    if backend == "sqlite":
        assert integrity(tmp_path / "school.db") == "ok"
    services = opened(url)
    try:
        with services.ctx.transaction() as session:
            appeals = session.scalar(select(func.count()).select_from(Appeal))
            steps = session.scalar(select(func.count()).select_from(AppealStep))
            last = session.scalar(select(NumberCounter.last))
            imports = session.scalar(select(func.count()).select_from(Event).where(Event.action == "import"))
        assert appeals in (0, IMPORTED)
        assert (steps, last or 0, imports) == (appeals, appeals, 1 if appeals else 0)
        # Nothing is left locked or half-counted: the next registration takes the next number.
        assert services.appeals.register(
            AppealInput(applicant="Кузнецова Мария Петровна", rubric=Rubric.SCHOOL, text="Когда собрание?")
        ).number == (f"О-2025/{appeals + 1:04d}" if appeals else "О-2026/0001")
    finally:
        services.close()


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite database with SEEDED appeals registered in April 2025, all overdue by the end of June."""
    folder = tmp_path_factory.mktemp("seeded")
    services = opened(folder / "school.db")
    try:
        services.settings.set("timezone", "Asia/Yekaterinburg")
        services.appeals_io.import_file(many_appeals(folder / "register.csv", SEEDED))
    finally:
        services.close()
    assert not (folder / "school.db-wal").exists() or integrity(folder / "school.db") == "ok"
    with sqlite3.connect(folder / "school.db") as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return folder / "school.db"


@pytest.fixture
def copy(seeded: Path, tmp_path: Path) -> Path:
    target = tmp_path / "school.db"
    shutil.copyfile(seeded, target)
    return target


def test_a_sweep_killed_halfway_records_every_escalation_with_its_appeal_or_none(copy: Path):
    killed_while_writing(worker("sweep-slow", str(copy), "2025-06-30T12:00+05:00"))
    assert integrity(copy) == "ok"
    services = opened(copy)
    try:
        with services.ctx.transaction() as session:
            moved = session.scalar(select(func.count()).select_from(Appeal).where(Appeal.escalated.is_(True)))
            steps = session.scalar(
                select(func.count()).select_from(AppealStep).where(AppealStep.kind == "escalated")
            )
            events = session.scalar(select(func.count()).select_from(Event).where(Event.action == "escalate"))
        assert moved in (0, SEEDED)
        assert (steps, events) == (3 * moved, moved)
        # The next sweep finishes the work, once.
        result = services.as_actor(Actor.system()).appeals.sweep(
            dt.datetime.fromisoformat("2025-06-30T12:00+05:00")
        )
        assert result.escalated == SEEDED - moved
    finally:
        services.close()


def test_an_export_killed_halfway_leaves_no_workbook_under_the_name_asked_for(copy: Path, tmp_path: Path):
    out = tmp_path / "Реестр.xlsx"
    killed_while_writing(worker("export", str(copy), str(out)))
    assert not out.exists()
    assert {p.name for p in tmp_path.iterdir() if p.name.startswith("Реестр")} <= {"Реестр.xlsx.part"}
    assert integrity(copy) == "ok"
    services = opened(copy)
    try:
        assert services.appeals.count() == SEEDED
        assert services.appeals_io.export(out) == SEEDED  # a later export writes the file whole
    finally:
        services.close()
    assert out.exists() and not Path(f"{out}.part").exists()
