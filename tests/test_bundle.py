"""The PyInstaller bundle from build.spec: it builds, answers --version and migrates a new database.

Slow (a build takes about 40 s and 180 MB), so it runs only in CI (`CI` set to a true value) or with
SCHOOL_OFFICE_TEST_BUNDLE=1; elsewhere it is skipped with the reason shown.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

from desktop import __version__

ROOT = Path(__file__).resolve().parent.parent
BUILD_TIMEOUT_S = 900
RUN_TIMEOUT_S = 120


def _true(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


_ENABLED = _true(os.environ.get("CI")) or os.environ.get("SCHOOL_OFFICE_TEST_BUNDLE", "").strip() == "1"

pytestmark = [
    pytest.mark.bundle,
    pytest.mark.skipif(
        not _ENABLED,
        reason="builds the PyInstaller bundle (slow): runs when CI is true or SCHOOL_OFFICE_TEST_BUNDLE=1",
    ),
    pytest.mark.skipif(
        importlib.util.find_spec("PyInstaller") is None,
        reason="PyInstaller is not installed (it is in the dev dependency group: uv sync)",
    ),
]


def _tail(text: str, lines: int = 40) -> str:
    return "\n".join(text.splitlines()[-lines:])


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the bundle once for this module; the path of the binary that talks on stdout."""
    out = tmp_path_factory.mktemp("bundle")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            str(ROOT / "build.spec"),
            "--noconfirm",
            "--distpath",
            str(out / "dist"),
            "--workpath",
            str(out / "build"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=BUILD_TIMEOUT_S,
    )
    if result.returncode != 0:
        output = _tail(result.stderr + result.stdout)
        pytest.fail(f"pyinstaller build.spec failed (exit {result.returncode}):\n{output}")
    folder = out / "dist" / "school-office"
    # On Windows the main .exe is windowed and has no stdout; its console twin answers scripts.
    binary = folder / ("school-office-cli.exe" if sys.platform == "win32" else "school-office")
    assert binary.is_file(), f"no {binary.name} in {folder}: {sorted(p.name for p in folder.iterdir())}"
    return binary


def _run(binary: Path, *args: str, db: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "SCHOOL_OFFICE_DB"}
    env["QT_QPA_PLATFORM"] = "offscreen"
    if db is not None:
        env["SCHOOL_OFFICE_DB"] = str(db)
    return subprocess.run(
        [str(binary), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        env=env,
        timeout=RUN_TIMEOUT_S,
    )


def test_bundle_answers_version(bundle: Path) -> None:
    result = _run(bundle, "--version")
    assert result.returncode == 0, result.stderr
    assert f"school-office {__version__}" in result.stdout


def test_bundle_creates_and_migrates_a_database(bundle: Path, tmp_path: Path) -> None:
    db = tmp_path / "bundle.db"
    result = _run(bundle, "init", db=db)
    assert result.returncode == 0, f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    assert db.is_file()
    # The calendar needs the holidays package's Russia module from the bundle.
    listing = _run(bundle, "calendar", "list", db=db)
    assert listing.returncode == 0, listing.stderr
    assert "Производственный календарь" in listing.stdout
