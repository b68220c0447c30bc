"""Bring a database's schema up to date with the Alembic scripts shipped in the package."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from desktop.paths import migrations_dir
from desktop.services.errors import ServiceError

#: Search indexes a migration makes by hand (FTS5 on SQLite, pg_trgm on PostgreSQL), which the models do not
#: describe: autogenerate must neither drop nor report them.
UNMODELLED_PREFIXES = ("appeals_fts", "ix_appeals_search_trgm")


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """Alembic's filter of reflected names: leave the hand-made search indexes alone."""
    return not (name or "").startswith(UNMODELLED_PREFIXES)


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    return config


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


class NewerDatabase(ServiceError):
    """The database was brought to a schema this program's scripts do not know: a newer release made it."""


def upgrade(engine: Engine) -> bool:
    """Apply every migration the database lacks; True when anything was applied.

    A database whose revision this program does not know (a newer release's) is refused with `NewerDatabase`
    and left as it is: nothing is written to it.
    """
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
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    return True
