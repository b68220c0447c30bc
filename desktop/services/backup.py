"""Backups of the database: a consistent copy on demand and once a day at start, kept in rotation, and a
restore that checks the file first and keeps a copy of the database it replaces.

SQLite: `sqlite3.Connection.backup()` copies the live file page by page under one read snapshot, so the copy is
consistent even while other programs write (WAL); it goes to `FILE.part`, passes `PRAGMA integrity_check`, and
only then is renamed into place: a half-written backup never carries the final name.
PostgreSQL: `pg_dump --format=custom` when the program is installed; restoring is left to `pg_restore` (the
recipe is printed), since replacing a server database under other users is the server administrator's job.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.exc import SQLAlchemyError

from desktop.domain.access import Action, Actor
from desktop.services.errors import ServiceError

if TYPE_CHECKING:
    from desktop.services.registry import Services

#: How many automatic backups are kept in the backups folder (the oldest go first).
KEEP = 30
#: The folder next to the database where the automatic backups go.
BACKUP_FOLDER = "backups"
PREFIX = "school-office-"
#: `school-office-2026-11-23_100000.db`: the automatic and on-demand backups the rotation counts.
NAME_RE = re.compile(r"^school-office-(\d{4}-\d{2}-\d{2})_(\d{6})(?:-\d+)?\.db$")
BEFORE_RESTORE = "перед-восстановлением"
#: The copy taken before a new release changes the database's schema (desktop.services.registry).
BEFORE_UPGRADE = "перед-обновлением"
SQLITE_MAGIC = b"SQLite format 3\x00"
#: Where the PostgreSQL programs may be besides PATH (as the tests find the server's own).
ENV_PG_BIN = "SCHOOL_OFFICE_PG_BIN"
PG_DUMP_TIMEOUT_S = 3600
_BUSY_TIMEOUT_S = 10.0


class BackupError(ServiceError):
    """A backup or restore that cannot be done; nothing was changed."""


@dataclass(frozen=True)
class RestoreResult:
    source: Path
    database: Path
    kept: Path | None  # the copy of the database that was replaced
    migrated: bool


def backups_folder(database: Path) -> Path:
    return database.parent / BACKUP_FOLDER


def backup_name(moment: dt.datetime, suffix: str = "") -> str:
    return f"{PREFIX}{moment:%Y-%m-%d_%H%M%S}{suffix}.db"


# -- SQLite files --------------------------------------------------------------------------------------


def _connect(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(str(path), timeout=_BUSY_TIMEOUT_S)


def _integrity_problem(connection: sqlite3.Connection) -> str | None:
    try:
        rows = [row[0] for row in connection.execute("PRAGMA integrity_check").fetchall()]
    except sqlite3.DatabaseError as exc:
        return str(exc)
    return None if rows == ["ok"] else "; ".join(str(r) for r in rows[:5])


def copy_sqlite(source: Path, out: Path, *, check: bool = True) -> Path:
    """A consistent copy of the SQLite database `source` at `out`, atomically: `.part` first, checked, renamed."""
    if not source.is_file():
        raise BackupError(f"Файл базы данных не найден: {source}")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BackupError(f"Не удалось создать папку для резервной копии {out.parent}: {exc.strerror}") from exc
    part = out.with_name(out.name + ".part")
    try:
        part.unlink(missing_ok=True)
        with closing(_connect(source)) as src, closing(sqlite3.connect(str(part))) as dst:
            src.backup(dst)  # all pages in one step: one read snapshot of the source
            dst.execute("PRAGMA journal_mode=DELETE")  # the copy is one self-contained file
            problem = _integrity_problem(dst) if check else None
        if problem:
            raise BackupError(f"Резервная копия {out} не прошла проверку целостности: {problem}. Копия не сохранена.")
        with open(part, "rb+") as written:
            os.fsync(written.fileno())
        os.replace(part, out)
    except sqlite3.Error as exc:
        part.unlink(missing_ok=True)
        raise BackupError(f"Не удалось сделать резервную копию базы {source} в {out}: {exc}") from exc
    except OSError as exc:
        part.unlink(missing_ok=True)
        raise BackupError(f"Не удалось записать резервную копию {out}: {exc.strerror or exc}") from exc
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return out


def check_backup_file(path: Path) -> str | None:
    """What is wrong with `path` as a backup of this program's database (Russian), or None when it will do."""
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    from desktop.store.migrate import alembic_config

    if not path.is_file():
        return f"файл не найден: {path}"
    try:
        with open(path, "rb") as f:
            magic = f.read(len(SQLITE_MAGIC))
    except OSError as exc:
        return f"файл {path} не читается: {exc.strerror}"
    if magic != SQLITE_MAGIC:
        return f"файл {path} — не база данных SQLite"
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as connection:
            problem = _integrity_problem(connection)
            if problem:
                return f"база {path} повреждена (проверка целостности: {problem})"
            has_version = connection.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
            ).fetchone()
            revision = connection.execute("SELECT version_num FROM alembic_version").fetchone() if has_version else None
    except sqlite3.Error as exc:
        return f"база {path} не открывается: {exc}"
    if not revision:
        return f"файл {path} — база данных другой программы, а не «Канцелярии школы»"
    try:
        known = ScriptDirectory.from_config(alembic_config()).get_revision(revision[0])
    except CommandError:
        known = None
    if known is None:
        return (
            f"база {path} сделана более новой версией программы (версия схемы {revision[0]}): "
            "обновите программу и восстановите снова"
        )
    return None


def _remove_sidecars(database: Path) -> None:
    for suffix in ("-wal", "-shm", "-journal"):
        Path(str(database) + suffix).unlink(missing_ok=True)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (a.exists() and b.exists() and os.path.samefile(a, b))
    except OSError:
        return False


# -- PostgreSQL ------------------------------------------------------------------------------------------


def find_pg_program(name: str) -> Path | None:
    """`pg_dump` or `pg_restore`: from $SCHOOL_OFFICE_PG_BIN, PATH, or the newest /usr/lib/postgresql/*/bin."""
    explicit = os.environ.get(ENV_PG_BIN)
    if explicit and (Path(explicit) / name).is_file():
        return Path(explicit) / name
    on_path = shutil.which(name)
    if on_path:
        return Path(on_path)
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), key=_version_key, reverse=True)
    return candidates[0] if candidates else None


def _version_key(path: Path) -> tuple[int, str]:
    version = path.parent.parent.name
    return (int(version) if version.isdigit() else 0, version)


def pg_recipe(url_text: str, out: str = "ФАЙЛ.dump") -> str:
    return f"pg_dump --format=custom --file={out} --dbname=«{url_text}»"


def pg_restore_recipe(url_text: str, source: str = "ФАЙЛ.dump") -> str:
    return f"pg_restore --clean --if-exists --no-owner --dbname=«{url_text}» {source}"


# -- the service -------------------------------------------------------------------------------------------


class Backups:
    """Backups and restores of the database `services` is open on."""

    def __init__(self, services: Services) -> None:
        self.services = services

    @property
    def database(self) -> Path | None:
        return self.services.location.path

    def folder(self) -> Path:
        database = self.database
        if database is None:
            raise BackupError("Папка резервных копий есть только у базы SQLite.")
        return backups_folder(database)

    def _now(self) -> dt.datetime:
        try:
            zone = self.services.settings.timezone()
        except SQLAlchemyError:  # a database too broken to read its settings: the computer's own time
            return self.services.ctx.clock().astimezone()
        return self.services.ctx.clock().astimezone(zone)

    def _free_name(self, folder: Path, moment: dt.datetime, suffix: str = "") -> Path:
        out = folder / backup_name(moment, suffix)
        number = 1
        while out.exists() or out.with_name(out.name + ".part").exists():
            number += 1
            out = folder / backup_name(moment, f"{suffix}-{number}")
        return out

    def _record(self, action: str, after: dict[str, object], *, actor: Actor | None = None) -> None:
        ctx = self.services.ctx
        with ctx.transaction() as session:
            ctx.record(session, "database", "backup", action, after=after, kind="access", actor=actor)

    # -- backing up

    def backup(self, out: Path | None = None, *, keep: int = KEEP) -> Path:
        """A backup to `out`, or into the backups folder (then the oldest beyond `keep` are removed)."""
        self.services.ctx.require(Action.BACKUP_MANAGE)
        location = self.services.location
        if not location.is_sqlite:
            if out is None:
                raise BackupError("Для базы PostgreSQL укажите файл резервной копии: --out ФАЙЛ.dump")
            path = self._pg_dump(out)
        else:
            database = self.database
            if database is None:
                raise BackupError("База в памяти не сохраняется в файл: резервной копии нет.")
            if out is not None and _same_file(out, database):
                raise BackupError(f"Резервную копию нельзя записать поверх самой базы данных: {out}")
            path = copy_sqlite(database, out if out is not None else self._free_name(self.folder(), self._now()))
            if out is None:
                self.rotate(keep)
        self._record("backup", {"file": str(path)})
        return path

    def daily(self, *, keep: int = KEEP) -> Path | None:
        """The automatic backup at start (as the system, no right needed): one a day, in the backups folder.

        None when there is nothing to do: a server database, or today's backup is already there.
        """
        database = self.database
        if database is None or not database.is_file():
            return None
        folder = self.folder()
        now = self._now()
        today = f"{now:%Y-%m-%d}"
        if folder.is_dir() and any(
            (m := NAME_RE.match(p.name)) and m[1] == today for p in folder.iterdir()
        ):
            return None
        path = copy_sqlite(database, self._free_name(folder, now))
        self.rotate(keep)
        self._record("daily_backup", {"file": str(path)}, actor=Actor.system())
        return path

    def copies(self) -> list[Path]:
        """The backups the rotation counts, oldest first."""
        folder = self.folder()
        if not folder.is_dir():
            return []
        return sorted(p for p in folder.iterdir() if p.is_file() and NAME_RE.match(p.name))

    def rotate(self, keep: int = KEEP) -> list[Path]:
        """Remove the oldest backups beyond the newest `keep`; the removed ones. Copies made before a restore
        are not counted and not removed."""
        if keep < 1:
            raise BackupError(f"Сколько копий хранить: не меньше одной, а не {keep}.")
        removed = self.copies()[:-keep]
        for path in removed:
            path.unlink(missing_ok=True)
        return removed

    def _pg_dump(self, out: Path) -> Path:
        url = self.services.location.url
        shown = url.render_as_string(hide_password=True).replace("+psycopg", "")
        program = find_pg_program("pg_dump")
        if program is None:
            raise BackupError(
                "Программа pg_dump не найдена: установите клиент PostgreSQL (пакет postgresql-client) или сделайте "
                f"копию на сервере сами: {pg_recipe(shown, str(out))}"
            )
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise BackupError(f"Не удалось создать папку для резервной копии {out.parent}: {exc.strerror}") from exc
        part = out.with_name(out.name + ".part")
        command = [str(program), "--format=custom", f"--file={part}", f"--dbname={url.database}"]
        if url.host:
            command.append(f"--host={url.host}")
        if url.port:
            command.append(f"--port={url.port}")
        if url.username:
            command.append(f"--username={url.username}")
        env = dict(os.environ)
        if url.password:
            env["PGPASSWORD"] = str(url.password)
        try:
            done = subprocess.run(
                command, capture_output=True, text=True, env=env, timeout=PG_DUMP_TIMEOUT_S, check=False
            )
            if done.returncode != 0:
                raise BackupError(
                    f"pg_dump не сделал копию базы {shown}: {done.stderr.strip()[-500:] or done.returncode}. "
                    f"Рецепт вручную: {pg_recipe(shown, str(out))}"
                )
            os.replace(part, out)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise BackupError(f"pg_dump не сделал копию базы {shown}: {exc}") from exc
        finally:
            part.unlink(missing_ok=True)
        return out

    # -- restoring

    def restore(self, source: Path, *, progress: Callable[[str], None] | None = None) -> RestoreResult:
        """Replace the database with the backup `source`, after checking it; the current database is first copied
        into the backups folder. The services stay usable: their engine reconnects to the restored file (brought
        up to this program's schema), which records who restored it from which file."""
        self.services.ctx.require(Action.BACKUP_MANAGE)
        location = self.services.location
        if not location.is_sqlite:
            shown = location.url.render_as_string(hide_password=True).replace("+psycopg", "")
            raise BackupError(
                "Восстановление базы PostgreSQL программа не выполняет сама: это делает администратор сервера "
                f"программой pg_restore, когда никто не работает с базой: {pg_restore_recipe(shown, str(source))}"
            )
        database = self.database
        if database is None:
            raise BackupError("База в памяти не восстанавливается из файла.")
        if _same_file(source, database):
            raise BackupError(f"Файл {source} — это и есть текущая база данных: восстанавливать из него нечего.")
        problem = check_backup_file(source)
        if problem:
            raise BackupError(f"Восстановление отменено, база не изменена: {problem}.")
        actor = self.services.actor
        staged = database.with_name(f".{database.name}.restore.part")
        copy_sqlite(source, staged)  # checked again: the file could change since it was looked at
        kept: Path | None = None
        try:
            if database.is_file():
                kept = self._keep_current(database)
        except BaseException:
            staged.unlink(missing_ok=True)
            raise
        from desktop.store import migrate

        engine = self.services.engine
        engine.dispose()  # no connection of ours may hold the old file
        try:
            if database.is_file():
                try:  # the old journal goes into the old file, so that none of it is applied to the new one
                    with closing(_connect(database)) as old:
                        old.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                except sqlite3.DatabaseError:
                    pass  # too broken to read: its copy (with the journal) is kept, the journal goes
            _remove_sidecars(database)
            os.replace(staged, database)
        except (OSError, sqlite3.Error) as exc:
            staged.unlink(missing_ok=True)
            raise BackupError(
                f"Не удалось заменить базу данных {database}: {exc}. Закройте программу на других компьютерах и "
                f"повторите; копия прежней базы: {kept}"
            ) from exc
        migrated = migrate.upgrade(engine)
        # The restored database may not know this person's user id (or give it to somebody else): name only.
        self._record(
            "restore",
            {"from": str(source), "by": actor.name, "kept": str(kept) if kept else None},
            actor=dataclasses.replace(actor, user_id=None),
        )
        return RestoreResult(source, database, kept, migrated)

    def _keep_current(self, database: Path) -> Path:
        out = self._free_name(self.folder(), self._now(), f"-{BEFORE_RESTORE}")
        try:
            return copy_sqlite(database, out, check=False)
        except BackupError:
            # A database too broken to read page by page is copied as it is, with its journal.
            part = out.with_name(out.name + ".part")
            try:
                shutil.copy2(database, part)
                os.replace(part, out)
                for suffix in ("-wal", "-shm"):
                    side = Path(str(database) + suffix)
                    if side.is_file():
                        shutil.copy2(side, Path(str(out) + suffix))
            except OSError as exc:
                part.unlink(missing_ok=True)
                raise BackupError(
                    f"Не удалось сохранить копию текущей базы в {out}: {exc.strerror or exc}. Восстановление отменено."
                ) from exc
            return out
