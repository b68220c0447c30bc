"""Section «Отчёты на бумаге»: the week's families on paper (seed 004) and the final-marks reports, with the state of
each report (not printed / printed, waiting / handed over to whom and when), its due date and the time left with the
urgency by colour, icon and words; marking the handover, printing the week's batch into the preview.

Final marks reach the family no later than the next working day: an unhanded final-marks report is shown urgent
(«срок сегодня» look) until it is handed over, or overdue once its day has passed."""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QDateTime, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.domain import grades as rules
from desktop.domain.access import Action
from desktop.domain.calendar import UnknownCalendarYear
from desktop.domain.russian import plural
from desktop.domain.terms import time_left
from desktop.domain.tickets import Urgency
from desktop.services.errors import ServiceError, ValidationError
from desktop.services.grades import FINAL, PrintoutRow
from desktop.services.registry import Services
from desktop.ui.access_view import CENTERED, LEFT, RowsModel, _table
from desktop.ui.print_preview import show_form
from desktop.ui.urgency import LOOKS, TICKET_LEGEND_ORDER, UrgencyLegend, urgency_icon, urgency_text
from desktop.ui.widgets import Banner, ErrorLabel, ok_cancel_buttons

COLUMNS = ("Ученик", "Класс", "Отчёт", "Состояние", "Срок", "Осталось")
(P_CHILD, P_CLASS, P_REPORT, P_STATE, P_DUE, P_LEFT) = range(len(COLUMNS))

NOT_PRINTED = "не напечатан"


@dataclass(frozen=True)
class PaperItem:
    """One line of the section: a report of the week, printed (`printout`) or not yet."""

    student_id: int
    student_name: str
    class_name: str
    final: bool
    report: str
    due_date: dt.date | None
    urgency: Urgency
    time_left: str
    printout: PrintoutRow | None = None

    @property
    def printed(self) -> bool:
        return self.printout is not None and self.printout.printed_at is not None

    @property
    def handed(self) -> bool:
        return self.printout is not None and self.printout.handed_at is not None

    @property
    def state(self) -> str:
        p = self.printout
        if p is None or p.printed_at is None:
            return NOT_PRINTED
        if p.handed_at is None:
            return f"напечатан {p.printed_at:%d.%m}, ждёт вручения"
        return f"вручён: {p.handed_to}, {p.handed_at:%d.%m.%Y %H:%M}"


def _class_order(item: PaperItem) -> tuple[int, str, str]:
    return (len(item.class_name), item.class_name, item.student_name.casefold())


def week_items(services: Services, day: dt.date) -> tuple[list[PaperItem], tuple[int, int, int]]:
    """The lines of the week of `day` (finals first, then the weekly reports in class and name order) and the
    summary (on paper, handed over, waiting)."""
    grades = services.grades
    state = grades.week_state(day)
    items: list[PaperItem] = []
    for p in grades.printouts(week_of=state.week_start):
        final = p.kind == FINAL
        urgency, left = p.urgency, p.time_left
        if final and p.handed_at is None and urgency in (Urgency.ON_TRACK, Urgency.ONE_DAY):
            urgency, left = Urgency.DUE_TODAY, f"срочно, {left}"  # final marks: urgent until handed over (seed 004)
        items.append(PaperItem(p.student_id, p.student_name, p.class_name, final, p.title, p.due_date, urgency,
                               left, p))  # fmt: skip
    unprinted = [entry for entry in state.pending if not isinstance(entry, PrintoutRow)]
    if unprinted:
        today = grades.today()
        try:
            cal = services.calendar.work_calendar()
            due: dt.date | None = rules.weekly_report_due(state.week_start, cal)
            assert due is not None
            left = time_left(due, today, cal)
            if due < today:
                urgency = Urgency.OVERDUE
            elif due == today:
                urgency = Urgency.DUE_TODAY
            else:
                urgency = Urgency.ONE_DAY if cal.working_days_between(today, due) <= 1 else Urgency.ON_TRACK
        except UnknownCalendarYear:
            due, left, urgency = None, "календарь?", Urgency.ON_TRACK
        monday = state.week_start
        title = f"Неделя {monday:%d.%m}–{monday + dt.timedelta(days=6):%d.%m.%Y}"
        for sid, name, cls in unprinted:
            items.append(PaperItem(sid, name, cls, False, title, due, urgency, left))
    finals = [i for i in items if i.final]
    weekly = sorted((i for i in items if not i.final), key=_class_order)
    pending = len(state.pending)
    return finals + weekly, (state.on_paper, state.handed, pending)


class PrintoutsModel(RowsModel):
    columns = COLUMNS

    @staticmethod
    def text(row: PaperItem, column: int) -> str:
        return {
            P_CHILD: row.student_name,
            P_CLASS: row.class_name,
            P_REPORT: row.report,
            P_STATE: row.state,
            P_DUE: f"{row.due_date:%d.%m.%Y}" if row.due_date else "—",
            P_LEFT: row.time_left,
        }.get(column, "")

    def cell(self, row: PaperItem, column: int, role: int) -> object:  # type: ignore[override]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = [f"{row.report}: {urgency_text(row.urgency)}." if not row.handed else f"{row.report}: вручён."]
            if row.final:
                lines.append("Итоговые отметки вручаются не позднее следующего рабочего дня (срочно до вручения).")
            lines.append(f"Состояние: {row.state}.")
            if row.printout is not None and row.printout.printed_by:
                lines.append(f"Напечатал(а): {row.printout.printed_by}.")
            if row.handed and row.printout is not None and row.printout.handed_by:
                lines.append(f"Отметку о вручении сделал(а): {row.printout.handed_by}.")
            return "\n".join(lines)
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(QColor(LOOKS[row.urgency].background))
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == P_STATE and not row.printed:
                return QBrush(QColor("#b71c1c"))
            if column == P_LEFT or row.urgency is Urgency.FINISHED:
                return QBrush(QColor(LOOKS[row.urgency].text))
            return None
        if role == Qt.ItemDataRole.DecorationRole:
            return urgency_icon(row.urgency) if column == P_CHILD else None
        if role == Qt.ItemDataRole.FontRole:
            if (column == P_LEFT and row.urgency in (Urgency.OVERDUE, Urgency.DUE_TODAY)) or (
                column == P_REPORT and row.final
            ):
                font = QFont()
                font.setBold(True)
                return font
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return CENTERED if column in (P_CLASS, P_DUE, P_LEFT) else LEFT
        return None


def weekly_print_glue(services: Services) -> Callable[..., int] | None:
    """`services.weekly_print.print_weekly(path, day, class_name=, everyone=)` when that service exists."""
    found = getattr(services, "weekly_print", None)
    if found is None:
        try:
            module = importlib.import_module("desktop.services.weekly_print")
        except ImportError:
            return None
        found = module
    write = getattr(found, "print_weekly", None)
    return write if callable(write) else None


class HandOverDialog(QDialog):
    """«Отметить вручение»: to whom (the representatives offered, editable) and when (now by default)."""

    def __init__(self, services: Services, item: PaperItem, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        assert item.printout is not None
        self._services = services
        self._item = item
        self.setWindowTitle("Отметка о вручении")
        layout = QVBoxLayout(self)
        about = QLabel(f"<b>{item.student_name}</b>, {item.class_name}<br>{item.report}", self)
        layout.addWidget(about)
        form = QFormLayout()
        self.who = QComboBox(self)
        self.who.setObjectName("handover_who")
        self.who.setEditable(True)
        self.who.setMinimumWidth(340)
        for name in self.representatives():
            self.who.addItem(name)
        if item.printout.handed_to:
            self.who.setEditText(item.printout.handed_to)
        form.addRow("Кому вручён:", self.who)
        tz = services.settings.timezone()
        now = services.ctx.clock().astimezone(tz).replace(tzinfo=None, second=0, microsecond=0)
        shown = item.printout.handed_at or now
        self.when = QDateTimeEdit(QDateTime(shown), self)
        self.when.setObjectName("handover_when")
        self.when.setDisplayFormat("dd.MM.yyyy HH:mm")
        self.when.setCalendarPopup(True)
        self.when.setMaximumDateTime(QDateTime(now))
        form.addRow("Когда:", self.when)
        layout.addLayout(form)
        note = QLabel("Представитель расписывается в строке «Получил(а)» отчёта.", self)
        note.setStyleSheet("color: #5f6368;")
        layout.addWidget(note)
        self.error = ErrorLabel(self)
        layout.addWidget(self.error)
        layout.addWidget(ok_cancel_buttons(self, "Отметить", self.submit))

    def representatives(self) -> list[str]:
        try:
            card = self._services.families.card(self._item.student_id, record_access=False)
        except ServiceError:
            return []
        return [r.full_name for r in card.representatives]

    def moment(self) -> dt.datetime:
        naive = self.when.dateTime().toPython()
        assert isinstance(naive, dt.datetime)
        return naive.replace(tzinfo=self._services.settings.timezone())

    def submit(self) -> None:
        assert self._item.printout is not None
        try:
            self._services.grades.hand_over(self._item.printout.id, self.who.currentText(), self.moment())
        except ValidationError as exc:
            self.error.show_error(str(exc))
            return
        except ServiceError as exc:
            self.error.show_error(str(exc))
            return
        self.accept()


class PrintoutsView(QWidget):
    """Section «Отчёты на бумаге»."""

    title = "Отчёты на бумаге"
    #: A report was handed over or printed: the window's reminder is counted again.
    changed = Signal()

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self.may_manage = services.ctx.may(Action.PRINTOUTS_MANAGE)
        self.day = services.grades.today()
        layout = QVBoxLayout(self)

        top = QHBoxLayout()
        self.prev_button = QPushButton("←", self)
        self.prev_button.setObjectName("printouts_prev")
        self.prev_button.setToolTip("Предыдущая неделя (Alt+←)")
        self.prev_button.setMaximumWidth(40)
        self.week_label = QLabel(self)
        self.week_label.setObjectName("printouts_week")
        font = self.week_label.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.1)
        self.week_label.setFont(font)
        self.next_button = QPushButton("→", self)
        self.next_button.setObjectName("printouts_next")
        self.next_button.setToolTip("Следующая неделя (Alt+→)")
        self.next_button.setMaximumWidth(40)
        self.today_button = QPushButton("Эта неделя", self)
        self.today_button.setObjectName("printouts_today")
        top.addWidget(self.prev_button)
        top.addWidget(self.week_label)
        top.addWidget(self.next_button)
        top.addWidget(self.today_button)
        top.addSpacing(16)
        self.summary = QLabel(self)
        self.summary.setObjectName("printouts_summary")
        top.addWidget(self.summary, 1)
        layout.addLayout(top)

        self.model = PrintoutsModel(self)
        self.table = _table(self, "printouts_table", self.model, P_STATE)
        layout.addWidget(self.table, 1)

        under = QHBoxLayout()
        order = tuple(u for u in TICKET_LEGEND_ORDER if u is not Urgency.LATE)
        self.legend = UrgencyLegend(self, order)
        self.legend.chips[-1].label.setText("вручён")
        under.addWidget(self.legend)
        under.addStretch(1)
        self.final_button = QPushButton("Итоговые напечатаны", self)
        self.final_button.setObjectName("printouts_final_printed")
        self.final_button.setToolTip("Отметить, что отчёт об итоговых отметках выбранного ученика напечатан")
        under.addWidget(self.final_button)
        self.hand_button = QPushButton("Отметить вручение…", self)
        self.hand_button.setObjectName("printouts_hand_over")
        self.hand_button.setToolTip("Кому и когда вручён напечатанный отчёт (Enter или двойной щелчок)")
        under.addWidget(self.hand_button)
        layout.addLayout(under)

        printing = QHBoxLayout()
        printing.addStretch(1)
        self.class_label = QLabel("Печать недели:", self)
        printing.addWidget(self.class_label)
        self.class_box = QComboBox(self)
        self.class_box.setObjectName("printouts_class")
        printing.addWidget(self.class_box)
        self.print_button = QPushButton("Напечатать отчёты недели…", self)
        self.print_button.setObjectName("printouts_print")
        self.print_button.setToolTip("Отчёты всех семей на бумаге (или выбранного класса), каждый с новой страницы")
        printing.addWidget(self.print_button)
        layout.addLayout(printing)

        self.banner = Banner(self)
        self.banner.setObjectName("printouts_banner")
        layout.addWidget(self.banner)

        self.print_glue = weekly_print_glue(services)
        show_print = self.may_manage and self.print_glue is not None
        for widget in (self.class_label, self.class_box, self.print_button):
            widget.setVisible(show_print)
        self.hand_button.setVisible(self.may_manage)
        self.final_button.setVisible(self.may_manage)

        self.prev_button.clicked.connect(lambda: self.move_week(-1))
        self.next_button.clicked.connect(lambda: self.move_week(1))
        self.today_button.clicked.connect(self.this_week)
        self.hand_button.clicked.connect(self.hand_over_selected)
        self.final_button.clicked.connect(self.final_printed_selected)
        self.print_button.clicked.connect(self.print_week)
        self.table.activated.connect(lambda index: self.hand_over_row(index.row()))
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        QShortcut(QKeySequence("Alt+Left"), self, activated=lambda: self.move_week(-1))
        QShortcut(QKeySequence("Alt+Right"), self, activated=lambda: self.move_week(1))
        QShortcut(QKeySequence("F5"), self, activated=self.refresh)
        self.refresh()

    # -- reading ---------------------------------------------------------------------------------------------

    def monday(self) -> dt.date:
        return rules.week_of(self.day)[0]

    def move_week(self, step: int) -> None:
        self.day = self.monday() + dt.timedelta(days=7 * step)
        self.refresh()

    def this_week(self) -> None:
        self.day = self._services.grades.today()
        self.refresh()

    def refresh(self) -> None:
        monday = self.monday()
        this_week = rules.week_of(self._services.grades.today())[0] == monday
        self.week_label.setText(
            f"Неделя {monday:%d.%m}–{monday + dt.timedelta(days=6):%d.%m.%Y}" + (" (текущая)" if this_week else "")
        )
        self.today_button.setEnabled(not this_week)
        keep = self.selected_item()
        try:
            items, (on_paper, handed, waiting) = week_items(self._services, self.day)
            self.banner.show_message(None)
        except ServiceError as exc:
            self.banner.show_message(str(exc), "warning")
            items, (on_paper, handed, waiting) = [], (0, 0, 0)
        self.model.set_rows(items)
        colour = "#c62828" if waiting else "#202124"
        self.summary.setText(
            f"На бумаге: <b>{on_paper}</b>, вручено: <b>{handed}</b>, "
            f"ждут: <b style='color:{colour}'>{waiting}</b>"
        )
        self._fill_classes(items)
        if items:
            row = 0
            if keep is not None:
                row = next((r for r, i in enumerate(items)
                            if (i.student_id, i.final, i.report) == (keep.student_id, keep.final, keep.report)), 0)  # fmt: skip
            self.table.selectRow(row)
        self._update_buttons()

    def _fill_classes(self, items: list[PaperItem]) -> None:
        keep = self.class_box.currentData()
        self.class_box.blockSignals(True)
        try:
            self.class_box.clear()
            self.class_box.addItem("Все на бумаге", "")
            for name in sorted({i.class_name for i in items if not i.final}, key=lambda c: (len(c), c)):
                self.class_box.addItem(name, name)
            self.class_box.setCurrentIndex(max(0, self.class_box.findData(keep)))
        finally:
            self.class_box.blockSignals(False)

    def selected_item(self) -> PaperItem | None:
        model = self.table.selectionModel()
        rows = model.selectedRows() if model is not None else []
        if rows and 0 <= rows[0].row() < len(self.model.rows):
            item = self.model.rows[rows[0].row()]
            assert isinstance(item, PaperItem)
            return item
        return None

    def _update_buttons(self, *_args: object) -> None:
        item = self.selected_item()
        self.hand_button.setEnabled(self.may_manage and item is not None and item.printed)
        self.final_button.setEnabled(self.may_manage and item is not None and item.final and not item.printed)
        self.print_button.setEnabled(self.may_manage and self.print_glue is not None and self.model.rowCount() > 0)

    # -- acting ----------------------------------------------------------------------------------------------

    def hand_over_row(self, row: int) -> bool:
        if not self.may_manage or not 0 <= row < self.model.rowCount():
            return False
        item = self.model.rows[row]
        assert isinstance(item, PaperItem)
        if not item.printed or item.printout is None:
            self.banner.show_message(
                f"Отчёт ученика {item.student_name} ещё не напечатан: сначала напечатайте его.", "warning"
            )
            return False
        dialog = HandOverDialog(self._services, item, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        self.refresh()
        self.banner.show_message(f"Вручение отмечено: {item.student_name}.", "ok")
        self.changed.emit()
        self.table.setFocus()
        return True

    def hand_over_selected(self) -> bool:
        rows = self.table.selectionModel().selectedRows()
        return self.hand_over_row(rows[0].row()) if rows else False

    def final_printed_selected(self) -> None:
        item = self.selected_item()
        if item is None or not item.final or item.printout is None:
            return
        try:
            self._services.grades.record_final_printed(item.printout.id)
        except ServiceError as exc:
            self.banner.show_message(str(exc), "warning")
            return
        self.refresh()
        self.changed.emit()

    def print_week(self) -> None:
        write = self.print_glue
        if write is None:
            return
        cls = self.class_box.currentData() or ""
        monday = self.monday()
        title = f"Отчёты недели {monday:%d.%m.%Y}" + (f" — {cls}" if cls else "")
        show_form(self, title, lambda path: write(path, monday, class_name=cls), file_name=f"{title}.pdf")
        self.refresh()  # the batch is recorded as printed
        self.changed.emit()


def reminder_text(services: Services) -> str:
    """«Не вручены отчёты за неделю: 3 семьи» from Friday on while some are waiting; "" otherwise."""
    if not services.ctx.may(Action.FAMILIES_VIEW):
        return ""
    try:
        state = services.grades.week_state()
    except ServiceError:
        return ""
    if not state.remind:
        return ""
    n = len(state.pending)
    return f"Не вручены отчёты за неделю: {n} {plural(n, 'семья', 'семьи', 'семей')}"


__all__ = ["HandOverDialog", "PaperItem", "PrintoutsModel", "PrintoutsView", "reminder_text", "week_items"]
