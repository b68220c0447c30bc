"""Render a section of the main window offscreen to a PNG (`school-office screenshot`)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path  # noqa: E402

from PySide6.QtCore import QEvent  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from desktop.services.errors import PermissionDenied  # noqa: E402
from desktop.services.registry import Services  # noqa: E402
from desktop.ui.main_window import MIN_SIZE, SECTIONS, MainWindow  # noqa: E402

VIEWS: tuple[str, ...] = tuple(section.key for section in SECTIONS)
#: The smallest snapshot: the main window's own minimum size.
SMALLEST: tuple[int, int] = MIN_SIZE


def render_view(services: Services, view: str, out: Path, size: tuple[int, int]) -> None:
    """Show the main window on section `view` at `size` and save what it looks like to `out`."""
    from desktop.app import make_application

    section = next(s for s in SECTIONS if s.key == view)
    if section.needs is not None and not services.ctx.may(section.needs):
        raise PermissionDenied(services.actor.refusal(section.needs))
    app = QApplication.instance() or make_application([])
    window = MainWindow(services)
    window.resize(*size)
    window.show_section(view)
    window.show()
    for _ in range(3):
        app.processEvents()
    out.parent.mkdir(parents=True, exist_ok=True)
    if not window.grab().save(str(out), "PNG"):
        raise OSError(f"Не удалось записать снимок в {out}")
    window.hide()
    window.idle.stop()
    window.deleteLater()
    app.sendPostedEvents(None, QEvent.Type.DeferredDelete)  # gone before its database is closed
