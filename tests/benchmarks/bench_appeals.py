"""Benchmark: the appeals queue with 100 000 appeals against 1 000, and a sweep over 100 000 open appeals.

Not a pytest module (pytest does not collect `tests/benchmarks`). Run it as

    uv run python tests/benchmarks/bench_appeals.py [--db postgresql+psycopg://…]

It fills two fresh SQLite databases (or two databases on the given server, dropped first) with 1 000 and 100 000
appeals spread over two years in every state, then times, as the best of 5 runs in the same process, what the queue
does: opening it (count + the first page sorted by due date), sorting by due date the other way, and each filter (my
level, overdue or due today, escalated, left the school, a rubric, a period, the search box). For each it prints the
time with 1 000 and with 100 000 appeals and the ratio; the goal is a ratio of at most 2 and under 100 ms. Then it
makes all 100 000 appeals overdue and times one sweep over them (goal: under 3 s), and checks that a second sweep
finds nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # run from anywhere in the checkout

from sqlalchemy import bindparam, insert, update  # noqa: E402

from desktop.domain import appeals as rules  # noqa: E402
from desktop.domain.access import Actor, Role  # noqa: E402
from desktop.domain.appeals import Level, Rubric, Status  # noqa: E402
from desktop.services.appeals import AppealFilter, SortKey, due_sort  # noqa: E402
from desktop.services.registry import Services, open_services  # noqa: E402
from desktop.store.db import resolve_location  # noqa: E402
from desktop.store.models import Appeal, AppealStep, NumberCounter  # noqa: E402

SEED = 20250430
REPEATS = 5
TZ = ZoneInfo("Asia/Yekaterinburg")
NOW = dt.datetime(2026, 11, 23, 5, 0, tzinfo=dt.UTC)
FIRST_DAY = dt.date(2024, 12, 1)
SURNAMES = ["Иванов", "Петрова", "Смирнов", "Кузнецова", "Попов", "Васильева", "Соколов", "Михайлова", "Новиков"]
WORDS = "прошу разъяснить порядок питания расписание учебники кружок автобус оценка журнал площадка ремонт".split()


#: Each appeal's first level (the deputy director's) as registered: the sweep benchmark puts them all back there.
FIRST_STAGES: dict[int, list[dict[str, object]]] = {}


def fill(services: Services, count: int) -> None:
    """Insert `count` appeals straight into the tables (the service would take minutes for 100 000)."""
    rng = random.Random(SEED)
    cal = services.calendar.work_calendar()
    span = (NOW.astimezone(TZ).date() - FIRST_DAY).days
    rows: list[dict[str, object]] = []
    steps: list[dict[str, object]] = []
    per_year: dict[int, int] = {}
    for i in range(1, count + 1):
        day = FIRST_DAY + dt.timedelta(days=rng.randrange(span))
        registered = dt.datetime.combine(day, dt.time(rng.randrange(8, 18), rng.randrange(60)), tzinfo=TZ)
        rubric = Rubric.TECHNICAL if rng.random() < 0.1 else Rubric.SCHOOL
        stage = rules.first_stage(rubric, registered, cal, TZ)
        if stage.level is Level.DEPUTY:
            FIRST_STAGES.setdefault(count, []).append(
                {"b_id": i, "b_since": stage.since, "b_due_date": stage.due_date, "b_due_at": stage.due_at}
            )
        for passed in rules.escalations(stage, NOW, cal, TZ):
            stage = passed
        answered = rng.random() < 0.7
        status = Status.ANSWERED if answered else (Status.SUI if stage.level is Level.SUI else Status.OPEN)
        seq = per_year[day.year] = per_year.get(day.year, 0) + 1
        text = " ".join(rng.choice(WORDS) for _ in range(rng.randrange(10, 60)))
        applicant = f"{rng.choice(SURNAMES)} {i}"
        number = rules.format_number(day.year, seq)
        rows.append(
            {
                "id": i, "year": day.year, "seq": seq, "number": number, "external_number": "",
                "registered_at": registered.astimezone(dt.UTC), "reg_date": day, "applicant": applicant,
                "email": "", "phone": "", "child_name": "", "child_class": "", "channel": "ais",
                "rubric": rubric.value, "text": text, "level": stage.level.value, "level_rank": stage.level.rank,
                "status": status.value, "escalated": stage.level not in (Level.DEPUTY, Level.SUI),
                "level_since": stage.since, "due_date": stage.due_date, "due_at": stage.due_at,
                "due_sort": due_sort(stage.due_at), "answered_at": registered if answered else None,
                "answer_text": "", "answer_delivery": "", "answered_by": "", "thread_id": i, "repeat_no": 0,
                "created_by": "benchmark", "version": 1,
                "search": " ".join((number, applicant, text)).casefold(),
            }
        )  # fmt: skip
        steps.append(
            {"appeal_id": i, "at": registered, "kind": "registered", "level": "deputy", "term": 0, "actor": "b", "note": ""}
        )
    with services.ctx.transaction() as session:
        for start in range(0, count, 5000):
            session.execute(insert(Appeal), rows[start : start + 5000])
            session.execute(insert(AppealStep), steps[start : start + 5000])
        for year, last in per_year.items():
            session.add(NumberCounter(series="О", year=year, last=last))
        if session.get_bind().dialect.name == "sqlite":
            session.connection().exec_driver_sql("ANALYZE")
    if services.engine.dialect.name == "postgresql":
        with services.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("ANALYZE")


def best(action: Callable[[], object]) -> float:
    action()  # warm up
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def queue_cases(services: Services) -> dict[str, Callable[[], object]]:
    appeals = services.appeals

    def open_queue(flt: AppealFilter, **kw: object) -> Callable[[], object]:
        return lambda: (appeals.count(flt), appeals.page(flt, limit=200, **kw))  # type: ignore[arg-type]

    today = NOW.astimezone(TZ).date()
    return {
        "открыть очередь (неотвеченные, по сроку)": open_queue(AppealFilter(answered=False)),
        "открыть всё": open_queue(AppealFilter()),
        "сортировка по сроку, обратная": open_queue(AppealFilter(), sort=SortKey.DUE, descending=True),
        "сортировка по номеру": open_queue(AppealFilter(), sort=SortKey.NUMBER, descending=True),
        "фильтр: мой уровень": open_queue(AppealFilter(mine=True)),
        "фильтр: просрочено и сегодня": open_queue(AppealFilter(urgent=True)),
        "фильтр: передано выше": open_queue(AppealFilter(escalated=True)),
        "фильтр: ушло из школы": open_queue(AppealFilter(left_school=True)),
        "фильтр: рубрика": open_queue(AppealFilter(rubric=Rubric.TECHNICAL)),
        "фильтр: период (месяц)": open_queue(AppealFilter(date_from=today - dt.timedelta(days=30), date_to=today)),
        "поиск по тексту": open_queue(AppealFilter(search="иванов 12")),
    }


def open_filled(url: str | None, folder: Path, count: int) -> Services:
    location = resolve_location(url or str(folder / f"bench-{count}.db"))
    clock = lambda: NOW  # noqa: E731
    services = open_services(location, actor=Actor.bootstrap("benchmark"), clock=clock)
    services.settings.set("timezone", TZ.key)
    started = time.perf_counter()
    fill(services, count)
    print(f"  {count:>7} обращений записано за {time.perf_counter() - started:.1f} с")
    deputy = services.users.add("deputy", "Заместитель Директора", [Role.DEPUTY], "bench-password", must_change=False)
    return services.as_actor(Actor.user(deputy.id, "deputy", deputy.full_name, [Role.DEPUTY]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", nargs=2, metavar=("URL_SMALL", "URL_LARGE"), help="two empty PostgreSQL databases")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-appeals-"))
    print("Наполнение баз:")
    small = open_filled(args.db[0] if args.db else None, folder, 1_000)
    large = open_filled(args.db[1] if args.db else None, folder, 100_000)
    print(f"\n{'действие':<42} {'1 000':>9} {'100 000':>9} {'отношение':>9}  цель (≤2 и <100 мс)")
    ok = True
    small_cases, large_cases = queue_cases(small), queue_cases(large)
    for name in small_cases:
        t_small, t_large = best(small_cases[name]), best(large_cases[name])
        ratio = t_large / t_small
        met = ratio <= 2 and t_large < 0.1
        ok &= met
        print(f"{name:<42} {t_small * 1000:>7.1f}мс {t_large * 1000:>7.1f}мс {ratio:>9.2f}  {'да' if met else 'НЕТ'}")

    # The sweep: every appeal of the 100 000 made open again at the deputy director's level with its own due day
    # (two years of them), so the sweep must pass each one through the levels its terms have run out at.
    table = Appeal.__table__
    with large.ctx.transaction() as session:
        session.execute(
            update(table).values(status=Status.OPEN.value, level=Level.SUI.value, answered_at=None)
        )
        session.execute(
            update(table)
            .where(table.c.id == bindparam("b_id"))
            .values(
                level=Level.DEPUTY.value, level_rank=1, escalated=False, level_since=bindparam("b_since"),
                due_date=bindparam("b_due_date"), due_at=bindparam("b_due_at"), due_sort=bindparam("b_due_at"),
            ),
            FIRST_STAGES[100_000],
        )  # fmt: skip
    overdue = len(FIRST_STAGES[100_000])
    system = large.as_actor(Actor.system())
    started = time.perf_counter()
    result = system.appeals.sweep(NOW)
    elapsed = time.perf_counter() - started
    started = time.perf_counter()
    again = system.appeals.sweep(NOW)
    idle = time.perf_counter() - started
    sweep_ok = elapsed < 3 and result.escalated == overdue and again.escalated == 0
    print(
        f"\nПроход по 100 000 открытым, из них {overdue} снова на уровне заместителя директора: {elapsed:.2f} с, передано {result.escalated} обращений "
        f"({result.steps} переходов), повторный проход передал {again.escalated} за {idle * 1000:.0f} мс. "
        f"Цель (<3 с): {'да' if sweep_ok else 'НЕТ'}"
    )
    small.close()
    large.close()
    print("\nИтог:", "все цели достигнуты" if ok and sweep_ok else "не все цели достигнуты")
    return 0


if __name__ == "__main__":
    sys.exit(main())
