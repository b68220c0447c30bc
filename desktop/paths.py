"""Where things are: the user's data and log folders, and resources both from source and from the bundle."""

from __future__ import annotations

import sys
from pathlib import Path

import platformdirs

APP_NAME = "school-office"

_SOURCE_ROOT = Path(__file__).resolve().parent.parent


def user_data_dir() -> Path:
    """The per-user folder for the database, attachments and backups."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def user_log_dir() -> Path:
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


def resource_path(*parts: str) -> Path:
    """A file under `resources/` (or `forms/` with parts[0] == "forms"), from source, wheel or PyInstaller bundle."""
    top, *rest = parts
    if top not in ("resources", "forms"):
        top, rest = "resources", list(parts)
    candidates = []
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        candidates.append(Path(bundle) / top)
    candidates.append(_SOURCE_ROOT / top)
    candidates.append(Path(__file__).resolve().parent / f"_{top}")
    for base in candidates:
        if base.is_dir():
            return base.joinpath(*rest)
    return candidates[0].joinpath(*rest)


def migrations_dir() -> Path:
    """The Alembic scripts, inside the package (and copied into the bundle under the same path)."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle and (Path(bundle) / "desktop" / "store" / "migrations").is_dir():
        return Path(bundle) / "desktop" / "store" / "migrations"
    return Path(__file__).resolve().parent / "store" / "migrations"
