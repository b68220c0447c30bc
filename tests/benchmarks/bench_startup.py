"""Benchmark: the time from launching the program to its main window shown and painted with the demo data, against
a bare PySide6 window launched the same way in the same run.

Not a pytest module (pytest does not collect `tests/benchmarks`). Run it as

    uv run python tests/benchmarks/bench_startup.py [--runs 7]

Every sample is a fresh process (`sys.executable`, offscreen Qt unless $QT_QPA_PLATFORM says otherwise), timed by
this parent from just before `Popen` (wall clock, `time.time()`) to the moment the child stamps, once its window has
been shown and painted: the child watches the window's first paint event and stamps from a zero-delay timer after
it, so the whole first paint is inside the time. The two children:

* the baseline: `import PySide6`, a `QApplication`, a `QMainWindow` with a label, 1280×800, `show()`;
* the app: the real start-up of `school-office --demo --db FILE` — the imports `desktop.cli.main` makes before it
  calls `run_gui`, then what `desktop.app.run_gui` does: `make_application`, `resolve_location`,
  `start_diagnostics` (the log file), `open_services` (engine, migrations), `prepare` (the demo school, the day's
  backup in the background, the escalation sweep) — then, instead of the login dialog a person types into, the demo
  director logs in with the demo password through `users.authenticate` (one password check, as the dialog makes),
  and `show_main_window` (the window with its first section built and read, the window shown).

The data folder, the database (`--db`) and the log folder ($SCHOOL_OFFICE_LOG_DIR) are in a temporary folder: no
real database or log is touched; so is the cache of compiled modules ($PYTHONPYCACHEPREFIX; $PYTHONDONTWRITEBYTECODE
is dropped for the children), which an installed program has too. The first app start compiles the modules,
creates, migrates and fills the demo database (reported separately as the cold start); the timed samples are warm
starts on the filled database, interleaved with the baseline's (baseline, app, baseline, app, …) so that the load
of other jobs on the machine falls on both alike; the medians are compared.

Each app child also stamps the phases of its start-up, shown as medians, to see where the time goes.

The goal (issue 11): the app takes at most 2 times as long as the bare window, and under 1.5 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

GOAL_RATIO = 2.0
GOAL_SECONDS = 1.5
RUNS = 7
TIMEOUT_S = 120

#: What the app child's phases are called in the table (in the order they happen).
PHASES = {
    "imported": "Python, PySide6 и модули программы (импорт)",
    "application": "QApplication (make_application)",
    "diagnostics": "журнал (start_diagnostics)",
    "services": "база и миграции (open_services)",
    "prepared": "демо, копия, проверка сроков (prepare)",
    "logged_in": "вход директора (authenticate)",
    "built": "главное окно построено",
    "shown": "show()",
    "painted": "первая отрисовка",
}


# -- the children ---------------------------------------------------------------------------------------------


def _stamp(name: str) -> None:
    print(f"{name} {time.time():.6f}", flush=True)


def _painted_signal(window: object) -> None:
    """Stamp "painted" once `window` (or a widget in it) got its first paint event and that paint is over."""
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QWidget

    class FirstPaint(QObject):
        def __init__(self) -> None:
            super().__init__()
            self.seen = False

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 — Qt's name
            if (
                not self.seen
                and event.type() == QEvent.Type.Paint
                and isinstance(watched, QWidget)
                and watched.window() is window
            ):
                self.seen = True
                QTimer.singleShot(0, finish)  # after this paint (and the rest of the window's) is done
            return False

    def finish() -> None:
        _stamp("painted")
        QApplication.instance().quit()  # type: ignore[union-attr]

    watcher = FirstPaint()
    QApplication.instance().installEventFilter(watcher)  # type: ignore[union-attr]
    window._first_paint_watcher = watcher  # type: ignore[attr-defined]  # kept alive with the window


def baseline_child() -> int:
    from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

    _stamp("imported")
    app = QApplication(sys.argv[:1])
    _stamp("application")
    window = QMainWindow()
    window.setCentralWidget(QLabel("Канцелярия школы", window))
    window.resize(1280, 800)
    _painted_signal(window)
    window.show()
    _stamp("shown")
    return app.exec()


def app_child(database: str) -> int:
    # What `school-office --demo --db FILE` imports and does before `desktop.cli._run_gui` (in this order).
    from desktop.cli import build_parser

    args = build_parser().parse_args(["--demo", "--db", database])
    from desktop.domain.calendar import UnknownCalendarYear  # noqa: F401
    from desktop.services.errors import ServiceError  # noqa: F401
    from desktop.store.db import DatabaseLocationError  # noqa: F401

    # `run_gui` with the login dialog replaced by the demo director's password.
    from desktop.app import make_application, prepare, show_main_window, start_diagnostics
    from desktop.services.registry import open_services
    from desktop.store.db import resolve_location

    _stamp("imported")
    app = make_application(sys.argv[:1])
    _stamp("application")
    location = resolve_location(args.db, demo=args.demo)
    reporter = start_diagnostics(location.describe())
    _stamp("diagnostics")
    services = open_services(location)
    _stamp("services")
    try:
        prepared = prepare(services, demo=args.demo)
        _stamp("prepared")
        # What the login dialog does with what the director typed (`sign_in`), minus the dialog.
        from desktop.services.demo import DEMO_PASSWORD  # imported by the login dialog's module

        actor = services.users.authenticate("director", DEMO_PASSWORD)
        user_services = services.as_actor(actor)
        assert not user_services.users.must_change_password(actor)
        _stamp("logged_in")

        import desktop.app as app_module

        original = app_module.open_main_window

        def built(*given: object, **named: object) -> object:
            window = original(*given, **named)  # type: ignore[arg-type]
            _stamp("built")
            if window is not None:
                _painted_signal(window)
            return window

        app_module.open_main_window = built  # type: ignore[assignment]
        window = show_main_window(prepared, user_services)
        _stamp("shown")
        assert window is not None
        code = app.exec()
        window.close()
        prepared.daily_backup.wait(30)
        return code
    finally:
        services.close()
        reporter.uninstall()


# -- the parent -----------------------------------------------------------------------------------------------


def launch(kind: str, folder: Path) -> dict[str, float]:
    """One fresh child; the seconds from just before its launch to each of its stamps."""
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env["XDG_DATA_HOME"] = str(folder / "data")
    env["XDG_STATE_HOME"] = str(folder / "state")
    env["XDG_CACHE_HOME"] = str(folder / "cache")
    env["SCHOOL_OFFICE_LOG_DIR"] = str(folder / "logs")
    # Compiled modules are cached as in any installed copy (the bundle carries them; Python writes them on the first
    # run), here in the temporary folder: $PYTHONDONTWRITEBYTECODE would make every start compile all the sources.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(folder / "pycache")
    env.pop("SCHOOL_OFFICE_DB", None)
    env.pop("SCHOOL_OFFICE_USER", None)
    args = [sys.executable, __file__, f"--{kind}-child"]
    if kind == "app":
        args.append(str(folder / "demo.db"))
    started = time.time()
    done = subprocess.run(args, capture_output=True, text=True, env=env, cwd=ROOT, timeout=TIMEOUT_S)
    if done.returncode != 0:
        raise RuntimeError(f"the {kind} child failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    stamps = {}
    for line in done.stdout.splitlines():
        name, _, value = line.partition(" ")
        if name in PHASES:
            stamps[name] = float(value) - started
    if "painted" not in stamps:
        raise RuntimeError(f"the {kind} child never painted:\n{done.stdout}\n{done.stderr}")
    return stamps


def seconds(value: float) -> str:
    return f"{value:.3f}".replace(".", ",")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=RUNS, help=f"warm samples of each (default {RUNS})")
    parser.add_argument("--baseline-child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--app-child", metavar="DB", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.baseline_child:
        return baseline_child()
    if args.app_child:
        sys.path.insert(0, str(ROOT))  # run from anywhere in the checkout
        return app_child(args.app_child)

    with tempfile.TemporaryDirectory(prefix="bench-startup-") as tmp:
        folder = Path(tmp)
        cold = launch("app", folder)  # creates, migrates and fills the demo database
        launch("baseline", folder)  # the first launch of each warms the disk cache: not counted
        launch("app", folder)
        base_runs: list[dict[str, float]] = []
        app_runs: list[dict[str, float]] = []
        for _ in range(args.runs):
            base_runs.append(launch("baseline", folder))
            app_runs.append(launch("app", folder))

    base = statistics.median(run["painted"] for run in base_runs)
    app = statistics.median(run["painted"] for run in app_runs)
    ratio = app / base
    print(f"Запуск до показанного и отрисованного главного окна, {args.runs} запусков каждого, медиана (лучший):")
    print(
        f"  голое окно PySide6:             {seconds(base)} с  ({seconds(min(r['painted'] for r in base_runs))} с)"
    )
    print(f"  программа с демо-базой:         {seconds(app)} с  ({seconds(min(r['painted'] for r in app_runs))} с)")
    print(f"  первый запуск (база создаётся и наполняется): {seconds(cold['painted'])} с")
    print("\nКуда уходит время программы (медианы, от запуска процесса):")
    previous = 0.0
    for name, title in PHASES.items():
        at = statistics.median(run[name] for run in app_runs)
        print(f"  {title:<42} {seconds(at)} с  (+{seconds(at - previous)})")
        previous = at
    ratio_ok = ratio <= GOAL_RATIO
    time_ok = app < GOAL_SECONDS
    print(
        f"\nзапуск: программа {seconds(app)} с, голое окно {seconds(base)} с, отношение "
        f"{ratio:.2f} (цель ≤ 2) — {'да' if ratio_ok else 'НЕТ'}; ".replace(".", ",")
        + f"меньше 1,5 с — {'да' if time_ok else 'НЕТ'}"
    )
    print("\nИтог:", "все цели достигнуты" if ratio_ok and time_ok else "не все цели достигнуты")
    return 0


if __name__ == "__main__":
    sys.exit(main())
