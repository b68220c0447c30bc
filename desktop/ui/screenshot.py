"""Render a section of the main window (or an appeal's card over it) offscreen to a PNG (`school-office screenshot`)."""

from __future__ import annotations

import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path  # noqa: E402

from PySide6.QtCore import QEvent, QPoint, QRect  # noqa: E402
from PySide6.QtGui import QColor, QPainter, QPen  # noqa: E402
from PySide6.QtWidgets import QApplication, QFileDialog, QTreeView, QWidget  # noqa: E402

from desktop.domain.access import Action  # noqa: E402
from desktop.services.appeals import AppealFilter, SortKey  # noqa: E402
from desktop.services.errors import PermissionDenied, ServiceError  # noqa: E402
from desktop.services.families import StudentFilter  # noqa: E402
from desktop.services.registry import Services  # noqa: E402
from desktop.services.support import SupportFilter, SupportSort  # noqa: E402
from desktop.services.tickets import TicketFilter, TicketSort  # noqa: E402
from desktop.ui.main_window import MIN_SIZE, SECTIONS, MainWindow  # noqa: E402

#: Views that are not sections: the card of an appeal or of a ticket, shown over its queue.
EXTRA_VIEWS: dict[str, Action] = {
    "appeal-card": Action.APPEALS_VIEW,
    "ticket-card": Action.TICKETS_VIEW,
    "family-card": Action.FAMILIES_VIEW,
    "support-card": Action.SUPPORT_VIEW,
}
#: The section shown under each card.
CARD_SECTIONS: dict[str, str] = {
    "appeal-card": "appeals",
    "ticket-card": "tickets",
    "family-card": "families",
    "support-card": "support",
}
#: Windows of the program's own over the main window: the about box and Qt's file dialog (both in Russian).
WINDOW_VIEWS: tuple[str, ...] = ("about", "file-dialog")
VIEWS: tuple[str, ...] = tuple(section.key for section in SECTIONS) + tuple(EXTRA_VIEWS) + WINDOW_VIEWS
#: The smallest snapshot: the main window's own minimum size.
SMALLEST: tuple[int, int] = MIN_SIZE
#: Who of the demo school's users may open each view (the demo administrator sees no appeals: personal data).
DEMO_LOGINS: dict[str, str] = {
    "appeals": "deputy",
    "appeal-card": "deputy",
    "director": "director",
    "tickets": "operator",
    "ticket-card": "operator",
    "families": "secretary",
    "family-card": "secretary",
    "access": "secretary",
    "printouts": "secretary",
    "support": "epos_admin",
    "support-card": "epos_admin",
    "reports": "director",
}


def demo_login(view: str) -> str:
    """The demo user a snapshot of `view` is taken as when nobody is named: the administrator, or whoever works
    with appeals for their views."""
    return DEMO_LOGINS.get(view, "admin")


def needed_right(view: str) -> Action | None:
    if view in EXTRA_VIEWS:
        return EXTRA_VIEWS[view]
    if view in WINDOW_VIEWS:
        return None
    return next(s for s in SECTIONS if s.key == view).needs


def interesting_appeal(services: Services) -> int | None:
    """An appeal worth showing on a card: a long way up the chain (every term explained), a thread; else any."""
    appeals = services.appeals
    candidates: dict[int, int] = {}
    for flt in (AppealFilter(notices=True), AppealFilter(escalated=True), AppealFilter(left_school=True)):
        for row in appeals.page(flt, sort=SortKey.REGISTERED, descending=True, limit=10):
            card = appeals.card(row.id, record_access=False)  # only looked at here: not an opening to record
            candidates[row.id] = 3 * len(card.timeline) + min(len(card.thread), 6) + row.level.rank
    if candidates:
        return max(candidates, key=lambda appeal_id: candidates[appeal_id])
    rows = appeals.page(AppealFilter(), sort=SortKey.REGISTERED, descending=True, limit=1)
    return rows[0].id if rows else None


def interesting_ticket(services: Services) -> int | None:
    """A ticket worth showing on a card: a long thread and history, still being worked; else any."""
    tickets = services.tickets
    candidates: dict[int, int] = {}
    for row in tickets.page(TicketFilter(), sort=TicketSort.SUBMITTED, descending=True, limit=40):
        card = tickets.card(row.id, record_access=False)  # only looked at here: not an opening to record
        candidates[row.id] = 3 * len(card.messages) + len(card.history) + (4 if not row.status.final else 0)
    if candidates:
        return max(candidates, key=lambda ticket_id: candidates[ticket_id])
    return None


def interesting_family(services: Services) -> int | None:
    """A family worth showing on a card: two representatives or more, consents and codes, a long history."""
    families = services.families
    candidates: dict[int, int] = {}
    for row in families.students(StudentFilter(), limit=400):
        if row.representatives < 2:
            continue
        score = 4 * min(row.representatives, 3) + 3 * min(row.with_consent, 2) + 3 * min(row.active_codes, 2)
        candidates[row.id] = score
    if not candidates:
        rows = families.students(StudentFilter(), limit=1)
        return rows[0].id if rows else None
    best = sorted(candidates, key=lambda i: -candidates[i])[:8]
    scored = {}
    for student_id in best:
        card = families.card(student_id, record_access=False)  # only looked at here: not an opening to record
        codes = sum(len(r.codes) for r in card.representatives)
        consents = sum(len(r.consents) for r in card.representatives)
        scored[student_id] = candidates[student_id] + codes + consents + len(card.history) + len(card.applications)
    return max(scored, key=lambda i: scored[i])


def interesting_support(services: Services) -> int | None:
    """A support request worth showing on a card: at СТП with follow-ups and letters, a long history; else any."""
    support = services.support
    candidates: dict[int, int] = {}
    for row in support.page(SupportFilter(), sort=SupportSort.RECEIVED, descending=True, limit=40):
        card = support.card(row.id, record_access=False)  # only looked at here: not an opening to record
        letters = sum(1 for e in card.history if e.letter is not None)
        candidates[row.id] = (
            len(card.history) + 3 * letters + 2 * card.followups + (4 if row.stp_open else 0)
            + (2 if card.corrected_at is not None else 0) + (3 if not row.status.final else 0)
        )
    if candidates:
        return max(candidates, key=lambda request_id: candidates[request_id])
    return None


def russian_system_locale() -> None:
    """Snapshots show what an office computer in Russia shows: where this process's environment names no language
    (a server or CI without locales), Qt's *system* locale — which Qt's file dialog uses for file sizes and dates —
    is made Russian too. For the `screenshot` command's own process, before its QApplication exists: it changes
    this process's environment (and so that of any program it starts)."""
    if sys.platform == "win32" or QApplication.instance() is not None:
        return
    for name in ("LC_ALL", "LC_MESSAGES", "LC_TIME", "LC_NUMERIC", "LANG"):
        value = os.environ.get(name, "")
        if value and value.split(".")[0] not in ("C", "POSIX"):
            return
    os.environ["LANG"] = "ru_RU.UTF-8"


def _file_dialog(parent: QWidget) -> QFileDialog:
    """Qt's own file dialog as the program opens it to load a register (Qt's, not the system's: its words come
    from Qt's Russian translation)."""
    from desktop.paths import resource_path

    dialog = QFileDialog(parent, "Загрузить список класса", str(resource_path("samples")))
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
    dialog.setNameFilters(["Excel или CSV (*.xlsx *.csv)", "Все файлы (*)"])
    dialog.resize(820, 520)
    return dialog


def render_view(services: Services, view: str, out: Path, size: tuple[int, int]) -> None:
    """Show the main window on section `view` at `size` and save what it looks like to `out`."""
    from desktop.app import make_application

    needs = needed_right(view)
    section = next((s for s in SECTIONS if s.key == view), None) if view not in WINDOW_VIEWS else None
    if section is not None and section.any_of and not section.open_to(services):
        raise PermissionDenied(services.actor.refusal(section.any_of[0]))
    if needs is not None and not services.ctx.may(needs):
        raise PermissionDenied(services.actor.refusal(needs))
    app = QApplication.instance() or make_application([])
    window = MainWindow(services)
    window.sweeper.stop()
    window.resize(*size)
    if view not in WINDOW_VIEWS:
        window.show_section(CARD_SECTIONS.get(view, view))
    window.show()
    for _ in range(3):
        app.processEvents()
    card = None
    try:
        picture = window.grab()
        if view in CARD_SECTIONS or view in WINDOW_VIEWS:
            if view == "about":
                from desktop.ui.about_dialog import AboutDialog

                card = AboutDialog(services.location.describe(), window)
            elif view == "file-dialog":
                card = _file_dialog(window)
            elif view == "appeal-card":
                from desktop.ui.appeal_card import AppealCardDialog

                appeal_id = interesting_appeal(services)
                if appeal_id is None:
                    raise ServiceError("В базе нет обращений: снимок карточки сделать не с чего.")
                card = AppealCardDialog(services, appeal_id, window)
            elif view == "family-card":
                from desktop.ui.family_card import FamilyCardDialog

                student_id = interesting_family(services)
                if student_id is None:
                    raise ServiceError("В реестре нет семей: снимок карточки сделать не с чего.")
                card = FamilyCardDialog(services, student_id, window)
            elif view == "support-card":
                from desktop.ui.support_card import SupportCardDialog

                request_id = interesting_support(services)
                if request_id is None:
                    raise ServiceError("В базе нет запросов в поддержку ЭПОС: снимок карточки сделать не с чего.")
                card = SupportCardDialog(services, request_id, window)
            else:
                from desktop.ui.ticket_card import TicketCardDialog

                ticket_id = interesting_ticket(services)
                if ticket_id is None:
                    raise ServiceError("В базе нет заявок: снимок карточки сделать не с чего.")
                card = TicketCardDialog(services, ticket_id, window)
            if view in CARD_SECTIONS:
                card.resize(min(size[0] - 60, 1160), min(size[1] - 50, 760))
            card.show()
            for _ in range(3):
                app.processEvents()
            if isinstance(card, QFileDialog):  # the files are listed by now: columns as wide as what they show
                for tree in card.findChildren(QTreeView):
                    for column in range(1, tree.header().count()):
                        tree.resizeColumnToContents(column)
                app.processEvents()
            over = card.grab()
            painter = QPainter(picture)
            painter.fillRect(picture.rect(), QColor(0, 0, 0, 70))  # the window behind, dimmed
            at = QPoint((picture.width() - over.width()) // 2, (picture.height() - over.height()) // 2)
            painter.drawPixmap(at, over)
            painter.setPen(QPen(QColor("#5f6368"), 1))
            painter.drawRect(QRect(at, over.size()).adjusted(0, 0, -1, -1))
            painter.end()
        out.parent.mkdir(parents=True, exist_ok=True)
        if not picture.save(str(out), "PNG"):
            raise OSError(f"Не удалось записать снимок в {out}")
    finally:
        if card is not None:
            card.hide()
            card.deleteLater()
        window.hide()
        window.idle.stop()
        window.deleteLater()
        app.sendPostedEvents(None, QEvent.Type.DeferredDelete)  # gone before its database is closed
