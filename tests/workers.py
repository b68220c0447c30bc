"""Work run in a separate process by the concurrency and crash tests: `python -m tests.workers KIND DB ARGS…`.

register DB COUNT GO      print «жду», wait for the file GO, then register COUNT appeals one by one; prints «готово N»
sweep DB NOW GO           print «жду», wait for GO, then sweep at the ISO moment NOW; prints «передано N»
import DB FILE            import an appeals register; prints «пишу» (flushed) when the first appeal is written
sweep-slow DB NOW         sweep at NOW; prints «пишу» when the first escalation is written
export DB OUT             export the appeals register; prints «пишу» when the first rows are written

Each prints «ошибка: …» to stderr and exits 1 on an error, so that the parent sees which process failed and why.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

from sqlalchemy import event

from desktop.domain.access import Actor
from desktop.domain.appeals import Rubric
from desktop.services.appeals import AppealInput
from desktop.services.registry import Services, open_services
from desktop.store.db import resolve_location

#: The moment the workers live at: Monday 23 November 2026, 10:00 in Tyumen.
NOW = dt.datetime(2026, 11, 23, 5, 0, tzinfo=dt.UTC)


def _open(db: str, actor: Actor | None = None) -> Services:
    return open_services(
        resolve_location(db), actor=actor or Actor.bootstrap("Рабочий процесс"), clock=lambda: NOW
    )


def _wait_for(flag: str) -> None:
    print("жду", flush=True)
    deadline = time.monotonic() + 60
    while not Path(flag).exists():
        if time.monotonic() > deadline:
            raise TimeoutError(f"не дождался {flag}")
        time.sleep(0.002)


def _say_when_writing(services: Services, table: str) -> None:
    """Print «пишу» once the first INSERT or UPDATE into `table` has gone to the database."""
    said = False

    def after(_conn, _cursor, statement: str, *_args: object) -> None:  # type: ignore[no-untyped-def]
        nonlocal said
        head = statement.lstrip()[:120].upper()
        if not said and head.startswith((f"INSERT INTO {table.upper()}", f"UPDATE {table.upper()}")):
            said = True
            print("пишу", flush=True)

    event.listen(services.engine, "after_cursor_execute", after)


def main(argv: list[str]) -> int:
    kind, db, *rest = argv
    services = _open(db, Actor.system() if kind.startswith("sweep") else None)
    try:
        if kind == "register":
            count, flag = int(rest[0]), rest[1]
            _wait_for(flag)
            for _ in range(count):
                services.appeals.register(
                    AppealInput(
                        applicant="Кузнецова Мария Петровна", rubric=Rubric.SCHOOL, text="Когда собрание?"
                    )
                )
            print(f"готово {count}", flush=True)
        elif kind == "sweep":
            now, flag = dt.datetime.fromisoformat(rest[0]), rest[1]
            _wait_for(flag)
            print(f"передано {services.appeals.sweep(now).escalated}", flush=True)
        elif kind == "sweep-slow":
            _say_when_writing(services, "appeal_steps")
            print(
                f"передано {services.appeals.sweep(dt.datetime.fromisoformat(rest[0])).escalated}", flush=True
            )
        elif kind == "import":
            _say_when_writing(services, "appeals")
            print(services.appeals_io.import_file(Path(rest[0])).describe(), flush=True)
        elif kind == "export":
            said = False

            def progress(_done: int) -> None:
                nonlocal said
                if not said:
                    said = True
                    print("пишу", flush=True)

            print(f"выгружено {services.appeals_io.export(Path(rest[0]), progress=progress)}", flush=True)
        else:
            raise ValueError(f"неизвестная работа {kind}")
    except Exception as exc:  # noqa: BLE001 - reported to the parent
        print(f"ошибка: {type(exc).__module__}.{type(exc).__name__}: {exc}", file=sys.stderr, flush=True)
        return 1
    finally:
        services.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
