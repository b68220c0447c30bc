"""The PyInstaller bundle from build.spec: it builds, and the built program works from its own files.

It answers --version, migrates a new database, passes its own «проверка установки» (self-check), and does the
office's work step by step through its command line (a class list imported, a snapshot of a window, a
form printed with Cyrillic text from the bundled fonts); its `about` finds Qt's Russian translations; it
carries what it needs and not the Qt plugins left out; and its size is reported (goal: under 200 MB).

Slow (a build takes about 60 s and 180 MB), so it runs only in CI (`CI` set to a true value) or with
SCHOOL_OFFICE_TEST_BUNDLE=1; elsewhere it is skipped with the reason shown. Every run of the built program is
offscreen, with a temporary home and XDG folders: no real user data or logs are touched.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from desktop import __version__

ROOT = Path(__file__).resolve().parent.parent
BUILD_TIMEOUT_S = 900
RUN_TIMEOUT_S = 120
#: The goal for the size of the bundle folder: the sum of its files' sizes, in MB of 10**6 bytes.
SIZE_GOAL_MB = 200
#: (size in MB, number of files) of the built bundle, for the summary line (tests/conftest.py).
BUNDLE_SIZE = pytest.StashKey[tuple[float, int]]()
#: Where PyInstaller's Qt hooks put Qt's files: PySide6/Qt/… on Linux and macOS, PySide6/… on Windows.
QT_DIR = Path("PySide6") if sys.platform == "win32" else Path("PySide6", "Qt")
SAMPLE = ROOT / "resources" / "samples" / "students.csv"
ADMIN = ("admin", "Админ-Пароль-2026")
SECRETARY = ("secretary", "Секретарь-Пароль-2026")


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
        check=False,
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


def _internal(binary: Path) -> Path:
    """The bundle's contents folder (PyInstaller 6: _internal next to the executable)."""
    return binary.parent / "_internal"


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A throwaway home folder for one test's runs of the built program."""
    folder = tmp_path / "home"
    folder.mkdir()
    return folder


def _run(
    binary: Path,
    *args: str,
    home: Path,
    db: Path | None = None,
    user: tuple[str, str] | None = None,
    **env: str,
) -> subprocess.CompletedProcess[str]:
    """Run the built program offscreen, as `user` (login, password), with its data and logs under `home`."""
    drop = {"SCHOOL_OFFICE_DB", "SCHOOL_OFFICE_USER", "SCHOOL_OFFICE_PASSWORD", "SCHOOL_OFFICE_NEW_PASSWORD"}
    environment = {
        k: v for k, v in os.environ.items()
        if k not in drop and not k.startswith(("XDG_", "WAYLAND", "DISPLAY"))
    }
    environment["QT_QPA_PLATFORM"] = "offscreen"
    environment["HOME"] = str(home)
    environment["USERPROFILE"] = str(home)
    for name in ("DATA", "STATE", "CONFIG", "CACHE"):
        environment[f"XDG_{name}_HOME"] = str(home / name.lower())
    environment["XDG_RUNTIME_DIR"] = str(home / "runtime")
    environment["APPDATA"] = str(home / "AppData" / "Roaming")
    environment["LOCALAPPDATA"] = str(home / "AppData" / "Local")
    (home / "runtime").mkdir(mode=0o700, exist_ok=True)
    if db is not None:
        environment["SCHOOL_OFFICE_DB"] = str(db)
    if user is not None:
        environment["SCHOOL_OFFICE_USER"], environment["SCHOOL_OFFICE_PASSWORD"] = user
    environment.update(env)
    return subprocess.run(
        [str(binary), *args],
        check=False,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        env=environment,
        timeout=RUN_TIMEOUT_S,
        cwd=home,
    )


def _ok(result: subprocess.CompletedProcess[str]) -> str:
    """stdout of a run that must have worked; else a failure showing both streams."""
    command = " ".join(result.args[1:]) if isinstance(result.args, list) else result.args
    assert result.returncode == 0, (
        f"`{command}` exited {result.returncode}\n"
        f"stdout:\n{_tail(result.stdout)}\nstderr:\n{_tail(result.stderr)}"
    )
    return result.stdout


def _is_png(path: Path) -> bool:
    return path.is_file() and path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 1000


def _is_pdf(path: Path) -> bool:
    return path.is_file() and path.read_bytes()[:4] == b"%PDF"


def test_bundle_answers_version(bundle: Path, home: Path) -> None:
    result = _run(bundle, "--version", home=home)
    assert f"school-office {__version__}" in _ok(result)


def test_bundle_creates_and_migrates_a_database(bundle: Path, home: Path, tmp_path: Path) -> None:
    db = tmp_path / "bundle.db"
    _ok(_run(bundle, "init", home=home, db=db))
    assert db.is_file()
    # The calendar needs the holidays package's Russia module from the bundle.
    listing = _ok(_run(bundle, "calendar", "list", home=home, db=db))
    assert "Производственный календарь" in listing


def test_bundle_passes_its_self_check(bundle: Path, home: Path, tmp_path: Path) -> None:
    out = _ok(_run(bundle, "self-check", home=home))
    assert "Проверка пройдена" in out, out
    assert "✗" not in out, out

    keep = tmp_path / "проверка"
    out = _ok(_run(bundle, "self-check", "--keep", str(keep), home=home))
    assert "Загружен список класса: 3 ученика" in out, out
    assert _is_png(keep / "families.png")
    assert _is_pdf(keep / "appendix2.pdf")
    # Nothing was written where the program keeps the user's own database.
    data = home / "data" / "school-office"
    assert not data.exists() or not any(data.glob("*.db"))


def test_bundle_does_the_office_work_step_by_step(bundle: Path, home: Path, tmp_path: Path) -> None:
    db = tmp_path / "school.db"
    out = _ok(_run(bundle, "init", home=home, db=db, user=ADMIN))
    assert "Создан первый администратор" in out
    # The families register is the secretary's (the administrator has no right to personal data).
    _ok(_run(bundle, "users", "add", SECRETARY[0], "--name", "Секретарь Учебной Части", "--role", "secretary",
             home=home, db=db, user=ADMIN, SCHOOL_OFFICE_NEW_PASSWORD=SECRETARY[1]))  # fmt: skip
    profile = {"school_short_name": "МАОУ СОШ № 1", "director_name": "Кузнецова Елена Викторовна"}
    for key, value in profile.items():
        _ok(_run(bundle, "settings", "set", key, value, home=home, db=db, user=ADMIN))

    out = _ok(_run(bundle, "import", "students", str(SAMPLE), home=home, db=db, user=SECRETARY))
    assert "3 ученика" in out, out

    png = tmp_path / "families.png"
    _ok(_run(bundle, "screenshot", "--view", "families", "--out", str(png), home=home, db=db, user=SECRETARY))
    assert _is_png(png)

    pdf = tmp_path / "appendix2.pdf"
    _ok(_run(bundle, "print", "appendix2", "--student", "Петров Дмитрий Алексеевич", "--class", "5А",
             "--out", str(pdf), home=home, db=db, user=SECRETARY))  # fmt: skip
    assert _is_pdf(pdf)
    pdftotext = shutil.which("pdftotext")
    if pdftotext is not None:  # the Cyrillic text is really there, drawn with the bundle's own fonts
        text = subprocess.run(
            [pdftotext, "-enc", "UTF-8", str(pdf), "-"], capture_output=True, timeout=60, check=True
        ).stdout.decode("utf-8")
        assert "Приложение № 2" in text
        assert "Петров" in text and "Дмитрий" in text
        assert "МАОУ СОШ № 1" in text


def test_bundle_about_finds_qt_translations(bundle: Path, home: Path, tmp_path: Path) -> None:
    out = _ok(_run(bundle, "about", home=home, db=tmp_path / "about.db"))
    assert "Переводы Qt: загружены (qtbase_ru, qt_additions_ru)" in out, out
    assert __version__ in out and "сборка PyInstaller" in out
    # Every font and library is listed with the version the bundle carries (its metadata is in the bundle).
    listing = out.split("Шрифты и библиотеки в составе программы:", 1)[1].strip().splitlines()
    assert len(listing) >= 20 and not [line for line in listing if "  —  " in line], listing


def test_bundle_carries_what_it_needs_and_not_the_plugins_left_out(bundle: Path) -> None:
    internal = _internal(bundle)
    needed = [
        QT_DIR / "translations" / "qtbase_ru.qm",
        Path("resources", "icons", "app.png"),
        Path("resources", "samples", "students.csv"),
        Path("resources", "translations", "qt_additions_ru.qm"),
        Path("resources", "licenses", "LGPL-3.0.txt"),
        Path("desktop", "store", "migrations", "env.py"),
    ]
    for relative in needed:
        assert (internal / relative).is_file(), f"no {relative} in the bundle"
    assert any((internal / "resources" / "fonts").glob("*.ttf")), "no fonts in resources/fonts"
    assert any((internal / "forms").iterdir()), "no forms"
    assert any((internal / "desktop" / "store" / "migrations" / "versions").glob("*.py")), "no migrations"
    # Every shipped library's licence comes with its metadata (the about box reads it: importlib.metadata).
    for name in ("sqlalchemy", "reportlab", "pillow", "psycopg", "holidays", "openpyxl"):
        dist_info = f"{name}-*.dist-info"
        found = list(internal.glob(dist_info))
        assert found, f"no {dist_info} in the bundle"
        assert any(p.name.upper().startswith(("LICENSE", "LICENCE")) for p in found[0].rglob("*")), found[0]

    files = [p.relative_to(internal).as_posix() for p in internal.rglob("*")]
    for left_out in ("qgtk3", "qeglfs", "qlinuxfb", "qvnc"):
        assert not [f for f in files if left_out in Path(f).name], f"{left_out} is in the bundle"
    for module in ("QtQml", "QtNetwork", "QtQuick", "QtWebEngineCore"):
        assert not list((internal / "PySide6").glob(f"{module}.*")), f"PySide6.{module} is in the bundle"
    assert not list(internal.glob("PIL/_avif*")) and not list(internal.glob("PIL/_webp*"))
    # Only Qt's Russian translations.
    assert not list((internal / QT_DIR / "translations").glob("qtbase_de.qm"))


def test_bundle_size(bundle: Path, request: pytest.FixtureRequest) -> None:
    total, count = 0, 0
    for path in bundle.parent.rglob("*"):
        if path.is_file() and not path.is_symlink():
            total += path.stat().st_size
            count += 1
    size_mb = round(total / 10**6, 1)
    request.config.stash[BUNDLE_SIZE] = (size_mb, count)
    print(f"Bundle: {size_mb} MB (goal < {SIZE_GOAL_MB} MB), {count} files")
    assert size_mb < SIZE_GOAL_MB, f"the bundle is {size_mb} MB ({count} files), the goal < {SIZE_GOAL_MB}"
