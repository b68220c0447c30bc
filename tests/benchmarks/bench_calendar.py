"""Benchmark: `WorkCalendar.add_working_days` against `holidays.RU(...).get_nth_working_day`.

Not a pytest module (pytest does not collect `tests/benchmarks`). Run it as

    uv run python tests/benchmarks/bench_calendar.py

It draws 10 000 random queries (date in 2024-01-01..2026-12-31, n in 1..60) with a fixed seed, warms
both implementations up, times each one as the best of 5 repeats in the same run, checks that every
answer is identical (exit status 1 and a message if not) and prints both timings, the speed-up and
whether it meets the goal of at least 50x. The exit status is 0 when the answers agree, whatever the
speed-up; the verdict on the goal is printed.
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # run from anywhere in the checkout

import holidays  # noqa: E402

from desktop.domain.calendar import WorkCalendar  # noqa: E402

SEED = 20240101
QUERIES = 10_000
REPEATS = 5
GOAL = 50.0
FIRST = date(2024, 1, 1)
LAST = date(2026, 12, 31)
MAX_N = 60


def make_queries() -> list[tuple[date, int]]:
    rng = random.Random(SEED)
    span = (LAST - FIRST).days
    return [(FIRST + timedelta(days=rng.randint(0, span)), rng.randint(1, MAX_N)) for _ in range(QUERIES)]


def best_of(fn: Callable[[date, int], date], queries: list[tuple[date, int]]) -> tuple[float, list[date]]:
    """The best wall time of `REPEATS` runs over all queries, and the answers of the last run."""
    best = float("inf")
    answers: list[date] = []
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        answers = [fn(d, n) for d, n in queries]
        best = min(best, time.perf_counter() - t0)
    return best, answers


def main() -> int:
    queries = make_queries()
    cal = WorkCalendar()
    ru = holidays.RU(language="ru")

    # Warm-up: one full pass each (builds the working-day array, populates the holiday years).
    t0 = time.perf_counter()
    for d, n in queries:
        cal.add_working_days(d, n)
    cold = time.perf_counter() - t0
    for d, n in queries:
        ru.get_nth_working_day(d, n)

    ours_t, ours = best_of(cal.add_working_days, queries)
    theirs_t, theirs = best_of(ru.get_nth_working_day, queries)

    mismatches = [(q, a, b) for q, a, b in zip(queries, ours, theirs, strict=True) if a != b]
    if mismatches:
        print(f"FAIL: {len(mismatches)} of {QUERIES} answers differ, e.g.:")
        for (d, n), a, b in mismatches[:10]:
            print(f"  add_working_days({d}, {n}) = {a}, holidays get_nth_working_day = {b}")
        return 1

    ratio = theirs_t / ours_t
    print(f"{QUERIES} queries (seed {SEED}, dates {FIRST}..{LAST}, n 1..{MAX_N}), best of {REPEATS}:")
    us = 1e6 / QUERIES
    print(f"  WorkCalendar.add_working_days   : {ours_t * 1e3:9.2f} ms  ({ours_t * us:6.2f} µs/query)")
    print(f"  holidays.RU.get_nth_working_day : {theirs_t * 1e3:9.2f} ms  ({theirs_t * us:6.2f} µs/query)")
    print(f"  WorkCalendar first (cold) pass  : {cold * 1e3:9.2f} ms  (includes building its arrays)")
    print(f"  answers identical: yes ({QUERIES}/{QUERIES})")
    verdict = "MET" if ratio >= GOAL else "NOT MET"
    print(f"  speed-up: {ratio:.1f}x  (goal >= {GOAL:.0f}x: {verdict})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
