"""What every register exported to Excel shares: the file's check, the period in words, the heading's parts, writing
the sheet (`desktop.reports.workbook`) and recording the export, which takes personal data out of the program."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from sqlalchemy import select

from desktop.domain.russian import short_date
from desktop.services.context import ServiceContext
from desktop.services.errors import ServiceError
from desktop.store.models import Setting


def xlsx_path(path: Path | str, what: str) -> Path:
    """The target file, refused unless it is an .xlsx: «Реестр выгружается в Excel: …»."""
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise ServiceError(f"{what} выгружается в Excel: укажите файл с расширением .xlsx, а не «{path.name}».")
    return path


def period_text(date_from: dt.date | None, date_to: dt.date | None) -> str:
    """«за всё время», «с 01.09.2026 по сегодня» …; a period that ends before it starts is refused."""
    if date_from and date_to and date_from > date_to:
        raise ServiceError("Начало периода позже его конца.")
    if not (date_from or date_to):
        return "за всё время"
    return f"с {short_date(date_from) if date_from else 'начала'} по {short_date(date_to) if date_to else 'сегодня'}"


def school_short_name(ctx: ServiceContext) -> str:
    with ctx.transaction() as session:
        return session.scalar(select(Setting.value).where(Setting.key == "school_short_name")) or ""


def titled(title: str, school: str) -> str:
    """«Реестр обращений — МАОУ СОШ № 7»."""
    return f"{title} — {school}" if school else title


def exported_by(ctx: ServiceContext, tz: dt.tzinfo) -> str:
    """«Выгрузил: Иванова Наталья Сергеевна, 01.12.2026 10:15»: who and when, in school time."""
    return f"Выгрузил: {ctx.actor.name}, {ctx.clock().astimezone(tz):%d.%m.%Y %H:%M}"


def write_and_record(
    ctx: ServiceContext,
    path: Path,
    *,
    entity: str,
    entity_id: str,
    period: str,
    sheet_title: str,
    title: str,
    subtitle: str,
    columns: Sequence[object],
    rows: Iterable[object],
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write the sheet (never half a file) and record the export as a look at personal data; the row count."""
    from desktop.reports.workbook import write_register

    try:
        count = write_register(
            path, sheet_title=sheet_title, title=title, subtitle=subtitle, columns=columns,  # type: ignore[arg-type]
            rows=rows, progress=progress,  # type: ignore[arg-type]
        )  # fmt: skip
    except OSError as exc:
        raise ServiceError(f"Не удалось записать файл {path}: {exc.strerror or exc}") from exc
    with ctx.transaction() as session:
        ctx.record(
            session, entity, entity_id, "export", None, {"file": path.name, "rows": count, "period": period},
            kind="access",
        )  # fmt: skip
    return count
