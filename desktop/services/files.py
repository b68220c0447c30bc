"""Attached files: kept once by their SHA-256 in the database, the original name kept as data only."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from desktop.domain.russian import plural
from desktop.services.errors import ServiceError
from desktop.store.models import Attachment, Blob

MAX_NAME = 255


@dataclass(frozen=True)
class FileIn:
    """A file somebody attaches: its name as they know it and its bytes."""

    name: str
    data: bytes

    @classmethod
    def read(cls, path: Path) -> FileIn:
        try:
            return cls(path.name, path.read_bytes())
        except OSError as exc:
            raise ServiceError(f"Не удалось прочитать файл {path}: {exc.strerror}") from exc


@dataclass(frozen=True)
class FileInfo:
    id: int
    name: str
    size: int

    @property
    def size_text(self) -> str:
        return size_text(self.size)


def size_text(size: int) -> str:
    if size < 1024:
        return f"{size} {plural(size, 'байт', 'байта', 'байт')}"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} КБ"
    return f"{size / 1024 / 1024:.1f} МБ".replace(".", ",")


def file_problem(file: FileIn, limit: int) -> str | None:
    """What is wrong with an attached file, in Russian, or None."""
    if not file.data:
        return f"Файл «{file.name}» пустой."
    if len(file.data) > limit:
        return (
            f"Файл «{file.name}» — {size_text(len(file.data))}, а можно не больше {size_text(limit)}. "
            "Уменьшите его (например, сожмите скан) или приложите другой."
        )
    return None


def clean_name(name: str) -> str:
    """The original name as data: no folders, no control characters, at most 255 characters."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip()
    if base.strip(".") == "":  # «..» would name the folder above where the file is saved to open it
        base = "файл"
    if len(base) > MAX_NAME:
        stem, dot, ext = base.rpartition(".")
        base = (stem[: MAX_NAME - len(ext) - 1] + dot + ext) if dot and len(ext) < 16 else base[:MAX_NAME]
    return base


def store_file(session: Session, file: FileIn, *, now: dt.datetime, by: str) -> Attachment:
    """Keep the bytes once under their hash and add an attachment row naming them; in the caller's transaction."""
    digest = hashlib.sha256(file.data).hexdigest()
    if session.get_bind().dialect.name == "postgresql":  # the dialect's module only where it is the database's
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert  # type: ignore[assignment]
    session.execute(
        insert(Blob)
        .values(sha256=digest, size=len(file.data), data=file.data)
        .on_conflict_do_nothing(index_elements=["sha256"])
    )
    attachment = Attachment(sha256=digest, name=clean_name(file.name), size=len(file.data), created_at=now, created_by=by)
    session.add(attachment)
    session.flush()
    return attachment


def load_file(session: Session, attachment_id: int) -> tuple[Attachment, bytes] | None:
    attachment = session.get(Attachment, attachment_id)
    if attachment is None:
        return None
    blob = session.get(Blob, attachment.sha256)
    return (attachment, blob.data) if blob is not None else None
