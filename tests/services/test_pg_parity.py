"""The same registers on SQLite and on PostgreSQL give the same workbooks, cell for cell.

The appeals register of the command-line tests (New Year and May holidays, a thread of five repeats, answered and
technical appeals) and the tickets register of the tickets' tests are imported into a fresh SQLite file and a fresh
database on the throwaway PostgreSQL server at the same fixed clock, swept at the same moments, some tickets worked
the same way; then the register of appeals, the register of tickets, the summary, the overdue report, the opt-outs
register and the audit trail are exported from both and compared: every cell's value, number format, font weight and
fill, the merged cells, the column widths, the frozen panes and the filter. Nothing may depend on the backend: not
an order of rows with equal keys, not a time zone, not a rounding, not a text's collation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest

from desktop.domain.access import Actor, Role
from desktop.domain.tickets import Status
from desktop.services.registry import Services, open_services
from desktop.services.tickets import TicketFilter, TicketSort
from desktop.store.db import resolve_location
from tests.cli.test_cli_appeals import REGISTER as APPEALS
from tests.cli.test_cli_appeals import write_csv as write_appeals
from tests.conftest import FixedClock
from tests.pg import PostgresServer
from tests.services.test_tickets_io import REGISTER as TICKETS
from tests.services.test_tickets_io import write_csv as write_tickets

pytestmark = pytest.mark.postgres

PROFILE = {
    "timezone": "Asia/Yekaterinburg",
    "school_name": "МАОУ «Средняя общеобразовательная школа № 7» города Тюмени",
    "school_short_name": "МАОУ СОШ № 7",
    "school_address": "625000, г. Тюмень, ул. Республики, д. 1",
    "director_name": "Иванова Мария Петровна",
    "region_department": "Департамент образования и науки Тюменской области",
    "school_email": "school7@edu.tyumen.ru",
}
#: The moments of the sweeps, school time: before, on and after the terms of the register's appeals.
SWEEPS = ("2025-01-10T23:59", "2025-01-11T00:00", "2025-05-08T00:00", "2025-05-14T00:00", "2025-11-06T00:00")
#: What is exported: `reports.write` names.
EXPORTS = ("appeals", "tickets", "summary", "overdue", "optouts", "audit")


def _school(location: str, clock: FixedClock, tmp_path: Path) -> Services:
    """A school on `location` with both registers imported and worked, everything at the clock's moments."""
    services = open_services(
        resolve_location(location), actor=Actor.bootstrap("Тестовый пользователь"), clock=clock
    )
    services.settings.update(PROFILE)
    users = {}
    for login, name, role in (
        ("operator", "Соколова Елена Викторовна", Role.OPERATOR),
        ("agent", "Смирнов Алексей Петрович", Role.AGENT),
        ("director", "Иванова Мария Петровна", Role.DIRECTOR),
    ):
        user = services.users.add(login, name, [role], "Пароль-2026", must_change=False)
        users[login] = services.as_actor(Actor.user(user.id, user.login, user.full_name, [role]))
    services.appeals_io.import_file(write_appeals(tmp_path / "обращения.csv", APPEALS))
    zone = services.settings.timezone()
    for moment in SWEEPS:
        clock.advance(minutes=1)
        services.as_actor(Actor.system()).appeals.sweep(
            dt.datetime.fromisoformat(moment).replace(tzinfo=zone)
        )
    operator = users["operator"]
    operator.tickets_io.import_file(write_tickets(tmp_path / "заявки.csv", TICKETS))
    ids = {r.number: r.id for r in operator.tickets.page(TicketFilter(), sort=TicketSort.NUMBER)}
    agent_id = next(a.user_id for a in operator.tickets.agents() if a.login == "agent")
    clock.advance(minutes=5)
    operator.tickets.set_status(ids["И-2025/0003"], Status.REVIEW)
    operator.tickets.assign(ids["И-2025/0003"], agent_id)
    clock.advance(hours=1)
    users["agent"].tickets.set_status(ids["И-2025/0003"], Status.IN_WORK)
    clock.advance(hours=2)
    operator.tickets.set_status(ids["И-2025/0003"], Status.DONE)
    return services


def _export(services: Services, name: str, out: Path) -> Path:
    path = out / f"{name}.xlsx"
    services.reports.write(name, path)
    return path


def _sheets(path: Path) -> dict[str, dict[str, object]]:
    """Everything a workbook shows, by sheet."""
    book = openpyxl.load_workbook(path)
    shown: dict[str, dict[str, object]] = {}
    for ws in book.worksheets:
        cells = {
            cell.coordinate: (
                cell.value,
                cell.number_format,
                bool(cell.font.b),
                cell.fill.fgColor.rgb if cell.fill.fill_type else None,
            )
            for row in ws.iter_rows()
            for cell in row
            if cell.value is not None or cell.fill.fill_type
        }
        shown[ws.title] = {
            "cells": cells,
            "merged": sorted(str(r) for r in ws.merged_cells.ranges),
            "widths": {k: d.width for k, d in ws.column_dimensions.items()},
            "freeze": ws.freeze_panes,
            "filter": ws.auto_filter.ref,
        }
    return shown


@pytest.fixture(scope="module")
def exported(
    postgres_server: PostgresServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, dict[str, Path]]]:
    """The workbooks of each export, from SQLite and from PostgreSQL (made once for the module)."""
    got: dict[str, dict[str, Path]] = {}
    for backend in ("sqlite", "postgres"):
        folder = tmp_path_factory.mktemp(backend)
        location = str(folder / "school.db") if backend == "sqlite" else postgres_server.create_database()
        clock = FixedClock()
        services = _school(location, clock, folder)
        try:
            director = services.as_actor(services.users.authenticate("director", "Пароль-2026"))
            got[backend] = {name: _export(director, name, folder) for name in EXPORTS}
        finally:
            services.close()
    yield got


@pytest.mark.parametrize("name", EXPORTS)
def test_the_export_from_postgresql_is_the_export_from_sqlite(exported, name):
    sqlite, postgres = _sheets(exported["sqlite"][name]), _sheets(exported["postgres"][name])
    assert list(postgres) == list(sqlite)
    for title in sqlite:
        s, p = sqlite[title], postgres[title]
        for key in ("merged", "widths", "freeze", "filter"):
            assert p[key] == s[key], (title, key)
        differ = {
            at: (s["cells"].get(at), p["cells"].get(at))
            for at in sorted(set(s["cells"]) | set(p["cells"]))
            if s["cells"].get(at) != p["cells"].get(at)
        }
        assert differ == {}, f"{name}, лист «{title}»: ячейки различаются (SQLite, PostgreSQL)"


def test_the_exports_are_not_empty(exported):
    """The comparison compares something: the registers hold every imported row, the summary counts them."""
    appeals = openpyxl.load_workbook(exported["postgres"]["appeals"]).active
    tickets = openpyxl.load_workbook(exported["postgres"]["tickets"]).active
    assert appeals.max_row >= len(APPEALS) - 1 + 4
    assert tickets.max_row >= len(TICKETS) - 1 + 4
    stamp = "Выгрузил: Иванова Мария Петровна, 23.11.2026 13:10"  # the fixed clock, moved on by the work done
    assert any(stamp in str(c.value) for c in appeals["A"])
