"""The escalation sweep while the program runs: at start-up and every 5 minutes; results in the status bar."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer, Signal
from sqlalchemy.exc import SQLAlchemyError

from desktop.domain.access import Actor
from desktop.services.errors import ServiceError
from desktop.services.registry import Services

#: How often the open program passes overdue appeals on (seed 000 §2: escalation happens by itself).
SWEEP_INTERVAL_MS = 5 * 60_000


@dataclass(frozen=True)
class SweepOutcome:
    """What one sweep did, in words for the status bar; `escalated` appeals moved (0 when it failed)."""

    text: str
    escalated: int = 0
    failed: bool = False


def run_sweep(services: Services, now: dt.datetime | None = None) -> SweepOutcome:
    """Escalate every appeal whose term has passed, acting as the system; errors become a message."""
    started = services.ctx.clock()
    try:
        result = services.as_actor(Actor.system()).appeals.sweep(now)
    except ServiceError as exc:
        return SweepOutcome(f"Проверка сроков обращений не выполнена: {exc}", failed=True)
    except SQLAlchemyError as exc:  # the database is locked by another computer, the server went away …
        reason = getattr(exc, "orig", None) or exc
        return SweepOutcome(
            f"Проверка сроков обращений не выполнена: база данных недоступна ({reason}).", failed=True
        )
    try:
        local = started.astimezone(services.settings.timezone())
        at = f"{local:%H:%M}"
    except (ServiceError, ValueError):
        at = ""
    text = f"Проверка сроков обращений{' в ' + at if at else ''}: {result.describe()}".replace("\n", " ")
    return SweepOutcome(text, result.escalated)


class Sweeper(QObject):
    """Runs the sweep every `interval_ms` while the window it belongs to is open; `swept` reports each run."""

    swept = Signal(object)  # SweepOutcome

    def __init__(
        self, services: Services, parent: QObject | None = None, interval_ms: int = SWEEP_INTERVAL_MS
    ) -> None:
        super().__init__(parent)
        self._services = services
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.run)

    def start(self) -> None:
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def run(self) -> SweepOutcome:
        outcome = run_sweep(self._services)
        self.swept.emit(outcome)
        return outcome
