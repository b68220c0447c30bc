"""The registers of the families' paperwork and of missed terms (overdue, access-codes, optouts, printouts), and the
period summary's workbook: written for the reports service. (Filled in by the reports work.)"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from desktop.domain.reports import PeriodSummary
from desktop.services.context import ServiceContext

if TYPE_CHECKING:
    from desktop.services.reports import ReportsService

Progress = Callable[[int], None]
Writer = Callable[["ReportsService", Path, dt.date | None, dt.date | None, Progress | None], int]

REGISTER_WRITERS: dict[str, Writer] = {}


def write_summary(ctx: ServiceContext, summary: PeriodSummary, path: Path, *, progress: Progress | None = None) -> int:
    """Write the summary workbook (never half a file) and record the export; returns how many records it counts."""
    from desktop.reports.summary import write_summary_workbook
    from desktop.services.errors import ServiceError
    from desktop.services.registers import period_text, xlsx_path

    path = xlsx_path(path, "Сводный отчёт")
    try:
        write_summary_workbook(path, summary, progress=progress)
    except OSError as exc:
        raise ServiceError(f"Не удалось записать файл {path}: {exc.strerror or exc}") from exc
    counted = summary.appeals.total + summary.tickets.total + summary.support.total + summary.paper.reports
    with ctx.transaction() as session:
        ctx.record(
            session, "summary", period_text(summary.date_from, summary.date_to), "export", None,
            {"file": path.name, "records": counted},
        )  # fmt: skip
    return counted
