"""Bring a database's schema up to date with the Alembic scripts shipped in the package."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from desktop.paths import migrations_dir
from desktop.services.errors import ServiceError

if TYPE_CHECKING:
    from alembic.config import Config

# Alembic (with Mako and Pygments) is imported only when a database is not at the head revision: start-up checks
# the revision with one query against the scripts' own lines (`up_to_date`).

#: Search indexes a migration makes by hand (FTS5 on SQLite, pg_trgm on PostgreSQL), which the models do not
#: describe: autogenerate must neither drop nor report them.
UNMODELLED_PREFIXES = ("appeals_fts", "ix_appeals_search_trgm")


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """Alembic's filter of reflected names: leave the hand-made search indexes alone."""
    return not (name or "").startswith(UNMODELLED_PREFIXES)


def alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    return config


def head_revision() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


_REVISION_LINE = re.compile(
    r"""^(revision|down_revision)\s*(?::[^=]*)?=\s*(?:"([^"]*)"|'([^']*)'|(None))\s*$""", re.MULTILINE
)


def scripts_head() -> str | None:
    """The head revision read from the scripts' `revision = "…"` and `down_revision = "…"` lines, without Alembic;
    None when that is not certain (a script without such lines, a merge, several heads, compiled scripts only)."""
    revisions: set[str] = set()
    downs: set[str] = set()
    try:
        scripts = sorted((migrations_dir() / "versions").glob("*.py"))
        for script in scripts:
            found: dict[str, str | None] = {}
            for match in _REVISION_LINE.finditer(script.read_text(encoding="utf-8")):
                found[match[1]] = match[2] if match[2] is not None else match[3]
            if "revision" not in found or "down_revision" not in found or not found["revision"]:
                return None
            revisions.add(found["revision"])  # type: ignore[arg-type]
            if found["down_revision"] is not None:
                downs.add(found["down_revision"])
    except (OSError, UnicodeDecodeError):
        return None
    heads = revisions - downs
    if len(heads) != 1 or not downs <= revisions:
        return None
    return heads.pop()


def up_to_date(engine: Engine) -> bool:
    """True when the database's `alembic_version` names the scripts' head: one query, no Alembic. False when it does
    not, or when that cannot be told this way (no such table yet, an error): the full check decides."""
    head = scripts_head()
    if head is None:
        return False
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT version_num FROM alembic_version")).all()
    except DBAPIError:
        return False
    return len(rows) == 1 and rows[0][0] == head


class NewerDatabase(ServiceError):
    """The database was brought to a schema this program's scripts do not know: a newer release made it."""


def upgrade(engine: Engine, before: Callable[[str], object] | None = None) -> bool:
    """Apply every migration the database lacks; True when anything was applied.

    A database whose revision this program does not know (a newer release's) is refused with `NewerDatabase`
    and left as it is: nothing is written to it. `before(revision)` is called first when a database that already
    has a schema (at `revision`) is about to be changed: the backup before an upgrade; if it raises, nothing
    is migrated.
    """
    if up_to_date(engine):
        return False
    from alembic import command
    from alembic.script import ScriptDirectory

    current = current_revision(engine)
    if current == head_revision():
        return False
    config = alembic_config()
    known = {script.revision for script in ScriptDirectory.from_config(config).walk_revisions()}
    if current is not None and current not in known:
        engine.dispose()  # close the file before the caller shows the message (Windows keeps open files locked)
        raise NewerDatabase(
            f"База данных создана более новой версией программы (версия схемы «{current}», эта программа знает "
            f"версии до «{head_revision()}»). Чтобы не повредить данные, она не открыта: обновите программу."
        )
    if current is not None and before is not None:
        before(current)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    return True
