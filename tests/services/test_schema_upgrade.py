"""Schema upgrades (issue 10, item 7): the previous release's database (its demo school, schema 0007, made by that
release's own code: tests/fixtures/make_previous_release.py) opens with this version, which brings it to the head
revision and keeps every row as it was; the services read the old data and write after it. A database of a newer
release is refused with a Russian message and left untouched."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from desktop.domain.access import Actor
from desktop.domain.appeals import Rubric
from desktop.domain.support import UserRole
from desktop.services.appeals import AppealInput
from desktop.services.errors import ServiceError
from desktop.services.families import StudentFilter
from desktop.services.files import FileIn
from desktop.services.registry import Services, open_services
from desktop.services.support import SupportInput
from desktop.store.db import resolve_location
from desktop.store.migrate import head_revision
from tests.conftest import FixedClock

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "previous_release_0007.db"


def tables(path: Path) -> dict[str, list[str]]:
    """Every table of the file and its columns."""
    with closing(sqlite3.connect(path)) as connection:
        names = [
            n
            for (n,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        return {
            name: [row[1] for row in connection.execute(f'PRAGMA table_info("{name}")')] for name in names
        }


def snapshot(path: Path, layout: dict[str, list[str]]) -> dict[str, tuple[int, str]]:
    """Each table's row count and a checksum of its rows, over the columns `layout` names (the old ones)."""
    out = {}
    with closing(sqlite3.connect(path)) as connection:
        for name, columns in layout.items():
            listed = ", ".join(f'"{c}"' for c in columns)
            rows = sorted(repr(row) for row in connection.execute(f'SELECT {listed} FROM "{name}"'))
            out[name] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
    return out


def version(path: Path) -> str:
    with closing(sqlite3.connect(path)) as connection:
        return connection.execute("SELECT version_num FROM alembic_version").fetchone()[0]


@pytest.fixture
def old_db(tmp_path: Path) -> Path:
    target = tmp_path / "school.db"
    shutil.copyfile(FIXTURE, target)
    return target


def test_the_fixture_is_the_previous_release(old_db: Path):
    assert version(old_db) == "0007"
    assert snapshot(old_db, {"appeals": ["id"]})["appeals"][0] > 0


def test_the_previous_release_opens_migrated_and_keeps_every_row(old_db: Path, clock: FixedClock):
    before_layout = tables(old_db)
    before = snapshot(old_db, before_layout)
    assert before["appeals"][0] and before["tickets"][0] and before["students"][0] and before["events"][0]

    services = open_services(
        resolve_location(str(old_db)), actor=Actor.bootstrap("Тестовый пользователь"), clock=clock
    )
    try:
        after_layout = tables(old_db)
        assert set(before_layout) <= set(after_layout)
        assert "support_requests" in after_layout  # the new release's table
        for name, columns in before_layout.items():
            assert set(columns) <= set(after_layout[name]), name
        before.pop("alembic_version")
        after = snapshot(old_db, {name: before_layout[name] for name in before})
        changed = {name: (before[name][0], after[name][0]) for name in before if before[name] != after[name]}
        assert changed == {}, changed
        assert version(old_db) == head_revision()

        check_the_services_read_and_write(services, before)
    finally:
        services.close()

    # Opening it again changes nothing more.
    layout = tables(old_db)
    again = snapshot(old_db, layout)
    reopened = open_services(resolve_location(str(old_db)), clock=clock)
    reopened.close()
    assert snapshot(old_db, layout) == again


def check_the_services_read_and_write(services: Services, counts: dict[str, tuple[int, str]]) -> None:
    appeals = services.appeals.page(limit=1000)
    assert len(appeals) == counts["appeals"][0]
    numbers = {row.number for row in appeals}
    assert "О-2026/0016" in numbers
    old = services.appeals.card(appeals[0].id)
    assert old.text and old.row.applicant

    tickets = services.tickets.page(limit=1000)
    assert len(tickets) == counts["tickets"][0]
    card = services.tickets.card(tickets[0].id)
    assert card.description and card.history

    students = services.families.students(StudentFilter(studying=None), limit=1000)
    assert len(students) == counts["students"][0]
    assert all(s.full_name for s in students)

    events = services.audit.page(limit=1000)
    assert len(events) >= counts["events"][0]

    registered = services.appeals.register(
        AppealInput(applicant="Кузнецова Мария Петровна", rubric=Rubric.SCHOOL, text="Когда будет собрание?")
    )
    assert registered.row.number == "О-2026/0017"  # after the old release's sixteen
    request = services.support.create(
        SupportInput(
            full_name="Иванова Алёна Петровна",
            birth_date=dt.date(2014, 3, 1),
            gosuslugi_email="ivanova.alena@mail.ru",
            role=UserRole.STUDENT,
            class_name="6А",
            brought_by="Смирнова Ольга Павловна",
            description="Не видит оценки за ноябрь в дневнике",
            files=(FileIn("Скриншот дневника.png", b"\x89PNG\r\n\x1a\n" + bytes(range(256))),),
        )
    )
    assert request.row.number.endswith("2026/0001")
    assert len(services.appeals.page(limit=1000)) == counts["appeals"][0] + 1


def test_a_database_of_a_newer_release_is_refused_and_left_as_it_is(old_db: Path, clock: FixedClock):
    with closing(sqlite3.connect(old_db)) as connection, connection:
        connection.execute("UPDATE alembic_version SET version_num = '0099'")
    untouched = old_db.read_bytes()

    with pytest.raises(ServiceError, match="более новой версией программы") as caught:
        open_services(resolve_location(str(old_db)), clock=clock)
    assert "0099" in str(caught.value) and "обновите программу" in str(caught.value)
    assert old_db.read_bytes() == untouched


def test_a_copy_of_the_previous_release_is_kept_before_its_schema_changes(old_db: Path, clock: FixedClock):
    layout = tables(old_db)
    before = snapshot(old_db, layout)
    open_services(resolve_location(str(old_db)), clock=clock).close()
    copies = sorted((old_db.parent / "backups").glob("*.db"))
    moment = clock.now.astimezone()  # the computer's own time: the school's zone is in the database being upgraded
    assert [p.name for p in copies] == [f"school-office-{moment:%Y-%m-%d_%H%M%S}-перед-обновлением-0007.db"]
    # The copy is the old release's database as it was: its schema and every row.
    assert version(copies[0]) == "0007"
    assert snapshot(copies[0], layout) == before
    # Opening again (nothing to upgrade) makes no more copies; nor does a new database.
    open_services(resolve_location(str(old_db)), clock=clock).close()
    fresh = old_db.parent / "new" / "school.db"
    open_services(resolve_location(str(fresh)), clock=clock).close()
    assert sorted((old_db.parent / "backups").glob("*.db")) == copies
    assert not (fresh.parent / "backups").exists()


def test_without_room_for_the_copy_the_database_is_not_upgraded(old_db: Path, clock: FixedClock):
    (old_db.parent / "backups").write_text("a file where the backups folder should be", encoding="utf-8")
    digest = hashlib.sha256(old_db.read_bytes()).hexdigest()
    with pytest.raises(ServiceError) as refused:
        open_services(resolve_location(str(old_db)), clock=clock)
    message = str(refused.value)
    assert message.startswith("База данных не обновлена до новой версии программы: не удалось сначала сделать")
    assert "запустите программу снова" in message
    assert version(old_db) == "0007"
    assert hashlib.sha256(old_db.read_bytes()).hexdigest() == digest
