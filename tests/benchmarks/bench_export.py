"""Benchmark: exporting the register of 100 000 appeals to Excel (`AppealsExchange.export`), against openpyxl's
write-only mode writing the same cell values with no app code around it.

Not a pytest module (pytest does not collect `tests/benchmarks`). Run it as

    uv run python tests/benchmarks/bench_export.py

It fills two fresh SQLite databases with 10 000 and 100 000 appeals the way `bench_appeals.py` does (straight into
the tables), then, in the same process, times as the best of 3 runs after a warm-up:

* the app: `services.appeals_io.export(path)` end to end — the query, the rows, the styled workbook, the record;
* the baseline: `Workbook(write_only=True)` appending the same rows as plain values (fetched once beforehand, outside
  the timing, by catching what the app hands to the workbook) and saving;
* for reference, the baseline with the app's styles (wrapped columns, number formats, coloured rows) on cells made
  with cached style objects.

The goal (issue 9): the app takes at most 1.3 times as long as the plain baseline. Memory must stay flat: the peak of
Python allocations (tracemalloc) during the export of 10 000 and of 100 000 appeals, and the peak RSS growth of a
separate process doing each export, must not grow anywhere near ten times.
"""

from __future__ import annotations

import argparse
import datetime as dt
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # run from anywhere in the checkout
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_appeals import NOW, open_filled
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, PatternFill

from desktop.domain.access import Actor
from desktop.reports import workbook
from desktop.services.registry import Services, open_services
from desktop.store.db import resolve_location

REPEATS = 3
GOAL_RATIO = 1.3
SMALL, LARGE = 10_000, 100_000

Row = tuple[Sequence[object], str | None]  # values, the row's fill


def capture(services: Services) -> tuple[list[Row], list[workbook.Column]]:
    """The rows and columns the app hands to the workbook, caught once (not timed): the baseline writes these."""
    caught: list[Row] = []
    caught_columns: list[workbook.Column] = []
    original = workbook.write_register

    def catch(path: Path, *, columns: Sequence[workbook.Column], rows: Iterable[object], **_: object) -> int:
        caught_columns.extend(columns)
        for row in rows:
            if isinstance(row, workbook.Marked):
                caught.append((tuple(row.values), row.fill))
            else:
                caught.append((tuple(row), None))  # type: ignore[arg-type]
        return len(caught)

    workbook.write_register = catch  # type: ignore[assignment]
    try:
        with tempfile.TemporaryDirectory() as tmp:
            services.appeals_io.export(Path(tmp) / "catch.xlsx")
    finally:
        workbook.write_register = original
    return caught, caught_columns


def baseline_plain(rows: list[Row], path: Path) -> None:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Реестр обращений")
    for values, _fill in rows:
        ws.append(values)
    wb.save(path)


def baseline_styled(rows: list[Row], columns: Sequence[workbook.Column], path: Path) -> None:
    """The same rows with the app's cell styles, written as directly as openpyxl allows (style objects cached)."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Реестр обращений")
    wrap = Alignment(wrap_text=True, vertical="top")
    fills: dict[str, PatternFill] = {}
    for values, fill_hex in rows:
        fill = fills.setdefault(fill_hex, PatternFill("solid", fgColor=fill_hex)) if fill_hex else None
        cells = []
        for column, value in zip(columns, values, strict=True):
            cell = WriteOnlyCell(ws, value)
            if fill is not None:
                cell.fill = fill
            if column.number_format and isinstance(value, (dt.date, int, float)):
                cell.number_format = column.number_format
            if column.wrap:
                cell.alignment = wrap
            cells.append(cell)
        ws.append(cells)
    wb.save(path)


def best_of(action: Callable[[], object]) -> float:
    action()  # warm up
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def traced_peak(action: Callable[[], object]) -> float:
    """The peak of Python allocations made during `action`, in MB."""
    tracemalloc.start()
    try:
        action()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def rss_child(database: Path, out: Path) -> None:
    """In a fresh process (Linux): the export once after a warm-up on a month of appeals; prints how far the peak
    RSS rose above the RSS before the export (the kernel's peak is reset first, so the warm-up does not count)."""
    services = open_services(
        resolve_location(str(database)), actor=Actor.bootstrap("benchmark"), clock=lambda: NOW
    )
    services.appeals_io.export(out, date_to=dt.date(2025, 1, 31))  # imports, caches, the first query
    Path("/proc/self/clear_refs").write_text("5")  # reset VmHWM, the peak RSS

    def status(key: str) -> float:
        line = next(x for x in Path("/proc/self/status").read_text().splitlines() if x.startswith(key))
        return int(line.split()[1]) / 1024

    before = status("VmRSS:")
    services.appeals_io.export(out)
    print(f"{max(status('VmHWM:') - before, 0.0):.1f}")
    services.close()


def rss_growth(database: Path, out: Path) -> float | None:
    if not Path("/proc/self/clear_refs").exists():
        return None
    done = subprocess.run(
        [sys.executable, __file__, "--rss-child", str(database), str(out)],
        capture_output=True,
        text=True,
        check=True,
    )
    return float(done.stdout.split()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rss-child", nargs=2, metavar=("DB", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.rss_child:
        rss_child(Path(args.rss_child[0]), Path(args.rss_child[1]))
        return 0

    folder = Path(tempfile.mkdtemp(prefix="bench-export-"))
    print("Наполнение баз:")
    small = open_filled(None, folder, SMALL)
    large = open_filled(None, folder, LARGE)

    rows, columns = capture(large)
    assert len(rows) == LARGE, len(rows)
    app_xlsx, base_xlsx = folder / "app.xlsx", folder / "base.xlsx"

    app = best_of(lambda: large.appeals_io.export(app_xlsx))
    plain = best_of(lambda: baseline_plain(rows, base_xlsx))
    styled = best_of(lambda: baseline_styled(rows, columns, base_xlsx))
    ratio = app / plain
    print(f"\nЭкспорт {LARGE:_} обращений, лучшее из {REPEATS}:".replace("_", " "))
    print(
        f"  приложение (appeals_io.export):              {app:6.2f} с  ({app_xlsx.stat().st_size / 2**20:.1f} МБ)"
    )
    print(f"  openpyxl write-only, значения без стилей:    {plain:6.2f} с")
    print(f"  openpyxl write-only, те же стили (справка):  {styled:6.2f} с  (отношение к приложению "
          f"{app / styled:.2f})")  # fmt: skip
    rows.clear()  # the baseline's rows are not part of the memory measured below

    peak_small = traced_peak(lambda: small.appeals_io.export(folder / "small.xlsx"))
    peak_large = traced_peak(lambda: large.appeals_io.export(folder / "large.xlsx"))
    memory_ratio = peak_large / peak_small
    rss_small = rss_growth(folder / f"bench-{SMALL}.db", folder / "rss-small.xlsx")
    rss_large = rss_growth(folder / f"bench-{LARGE}.db", folder / "rss-large.xlsx")
    print("\nПамять экспорта (пик выделений Python, tracemalloc):")
    print(f"  {SMALL:>7} обращений: {peak_small:6.1f} МБ")
    print(f"  {LARGE:>7} обращений: {peak_large:6.1f} МБ  (отношение {memory_ratio:.2f})")
    if rss_small is not None and rss_large is not None:
        print(f"  рост пикового RSS отдельного процесса: {rss_small:.1f} МБ и {rss_large:.1f} МБ")
    small.close()
    large.close()

    speed_ok = ratio <= GOAL_RATIO
    memory_ok = memory_ratio < 2
    print(
        f"\nэкспорт 100 000 обращений: приложение {app:.2f} с, openpyxl write-only {plain:.2f} с, "
        f"отношение {ratio:.2f} (цель ≤ 1,3) — {'да' if speed_ok else 'НЕТ'}".replace(".", ",")
    )
    print(
        f"память: пик при 10 000 — {peak_small:.1f} МБ, при 100 000 — {peak_large:.1f} МБ, отношение "
        f"{memory_ratio:.2f} (цель: не растёт с числом строк) — {'да' if memory_ok else 'НЕТ'}".replace(
            ".", ","
        )
    )
    print("\nИтог:", "все цели достигнуты" if speed_ok and memory_ok else "не все цели достигнуты")
    return 0


if __name__ == "__main__":
    sys.exit(main())
