"""Section «Доступ к дневнику»: the access applications queue with its 2-working-day term (urgency by colour, icon and
words, as in the other queues), the register of issued codes of a class (printable), and the refusal decisions.

**Codes on screen**: whoever may issue codes (ACCESS_MANAGE: the secretary, the e-journal administrator) sees them in
full, here and in the printed register, so that the register and the slip show the same code; the others who may
look at the register (the director, the deputy) see the first group only («K7QM-••••») and print it masked."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.access import Action
from desktop.domain.families import CodeState
from desktop.domain.russian import plural
from desktop.domain.tickets import Urgency
from desktop.services.errors import ServiceError
from desktop.services.families import ApplicationFilter, ApplicationRow, CodeRow, RefusalRow
from desktop.services.registry import Services
from desktop.ui.family_card import NOT_WIRED, open_family, print_glue
from desktop.ui.print_preview import show_form
from desktop.ui.urgency import LOOKS, TICKET_LEGEND_ORDER, UrgencyLegend, urgency_icon, urgency_text
from desktop.ui.widgets import Banner, record_table

ROOT = QModelIndex()
CENTERED = int(Qt.AlignmentFlag.AlignCenter)
LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)

APPLICATION_COLUMNS = ("Номер", "Получено", "Ученик", "Класс", "Представитель", "Срок", "Осталось", "Согласие", "Статус")
(A_NUMBER, A_RECEIVED, A_CHILD, A_CLASS, A_REP, A_DUE, A_LEFT, A_CONSENT, A_STATUS) = range(len(APPLICATION_COLUMNS))
CODE_COLUMNS = ("Выдан", "Ученик", "Класс", "Представитель", "Код", "Состояние", "Как передан", "Выдал")
(C_ISSUED, C_CHILD, C_CLASS, C_REP, C_CODE, C_STATE, C_HOW, C_BY) = range(len(CODE_COLUMNS))
REFUSAL_COLUMNS = ("Номер", "Дата", "Ребёнок", "Класс", "Заявитель", "Основания", "Директор")

#: The queue's filter choices.
WAITING, URGENT, ALL = "waiting", "urgent", "all"


def masked(code: str) -> str:
    """«K7QM-4XTP» → «K7QM-••••»: what a look at the register shows to those who do not issue codes."""
    head, sep, tail = code.partition("-")
    if sep:
        return f"{head}-{'•' * len(tail)}"
    return code[:4] + "•" * max(len(code) - 4, 0)


class RowsModel(QAbstractTableModel):
    """A short list read whole (applications, codes of a class, refusals): a few hundred rows at most."""

    columns: tuple[str, ...] = ()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list = []  # type: ignore[type-arg]

    def set_rows(self, rows: list) -> None:  # type: ignore[type-arg]
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = ROOT) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = ROOT) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(self.columns):
            return self.columns[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        return self.cell(self.rows[index.row()], index.column(), role)

    def cell(self, row: object, column: int, role: int) -> object:
        raise NotImplementedError


class ApplicationsModel(RowsModel):
    columns = APPLICATION_COLUMNS

    @staticmethod
    def text(row: ApplicationRow, column: int) -> str:
        return {
            A_NUMBER: row.number,
            A_RECEIVED: f"{row.received_at:%d.%m.%Y}",
            A_CHILD: row.student_name,
            A_CLASS: row.class_name,
            A_REP: row.representative_name,
            A_DUE: f"{row.due_date:%d.%m.%Y}",
            A_LEFT: row.time_left,
            A_CONSENT: "есть" if row.consent_now else "нет",
            A_STATUS: row.status.label,
        }.get(column, "")

    def cell(self, row: ApplicationRow, column: int, role: int) -> object:  # type: ignore[override]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = [
                f"Заявление № {row.number}: {urgency_text(row.urgency)}.",
                f"Получено {row.received_at:%d.%m.%Y в %H:%M}; доступ сформировать до {row.due_date:%d.%m.%Y} "
                "(2 рабочих дня).",
                f"{row.representative_name} — {row.student_name}, {row.class_name}.",
            ]
            if not row.consent_now:
                lines.append("Согласия на обработку данных нет: код не выдаётся — зарегистрируйте согласие или отказ.")
            lines.append("Enter — карточка семьи.")
            return "\n".join(lines)
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(QColor(LOOKS[row.urgency].background))
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == A_CONSENT and not row.consent_now:
                return QBrush(QColor("#b71c1c"))
            if column == A_LEFT or row.urgency is Urgency.FINISHED:
                return QBrush(QColor(LOOKS[row.urgency].text))
            return None
        if role == Qt.ItemDataRole.DecorationRole:
            return urgency_icon(row.urgency) if column == A_NUMBER else None
        if role == Qt.ItemDataRole.FontRole:
            bold = (column == A_LEFT and row.urgency in (Urgency.OVERDUE, Urgency.DUE_TODAY)) or (
                column == A_CONSENT and not row.consent_now
            )
            if bold:
                font = QFont()
                font.setBold(True)
                return font
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return CENTERED if column in (A_RECEIVED, A_CLASS, A_DUE, A_LEFT, A_CONSENT) else LEFT
        return None


class CodesModel(RowsModel):
    columns = CODE_COLUMNS

    def __init__(self, full: bool, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.full = full

    def text(self, row: CodeRow, column: int) -> str:
        how = row.handover.label + (f" ({row.handed_via})" if row.handed_via else "")
        return {
            C_ISSUED: f"{row.issued_at:%d.%m.%Y %H:%M}",
            C_CHILD: row.student_name,
            C_CLASS: row.class_name,
            C_REP: row.representative_name,
            C_CODE: row.code if self.full else masked(row.code),
            C_STATE: row.state.label + (f" {row.ended_at:%d.%m.%Y}" if row.ended_at else ""),
            C_HOW: how,
            C_BY: row.issued_by,
        }.get(column, "")

    def cell(self, row: CodeRow, column: int, role: int) -> object:  # type: ignore[override]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{row.state.label}: {row.end_reason}" if row.end_reason else None
        if role == Qt.ItemDataRole.ForegroundRole and row.state is not CodeState.ACTIVE:
            return QBrush(QColor("#80868b"))
        if role == Qt.ItemDataRole.FontRole and column == C_CODE:
            font = QFont("monospace")
            font.setStyleHint(QFont.StyleHint.Monospace)
            return font
        return None


class RefusalsModel(RowsModel):
    columns = REFUSAL_COLUMNS

    def cell(self, row: RefusalRow, column: int, role: int) -> object:  # type: ignore[override]
        grounds = "; ".join(g.label for g in row.grounds)
        if role == Qt.ItemDataRole.DisplayRole:
            return (row.number, f"{row.decided_on:%d.%m.%Y}", row.child_name, row.child_class, row.applicant_name,
                    grounds, row.director_name or "—")[column]  # fmt: skip
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"Основания: {grounds}" + (f"\n{row.text}" if row.text else "")
        return None


def _table(parent: QWidget, name: str, model: QAbstractTableModel, stretch: int) -> QTableView:
    table = record_table(parent, name, model, row_padding=10)
    table.setTabKeyNavigation(False)
    header = table.horizontalHeader()
    header.setHighlightSections(False)
    header.setStretchLastSection(False)
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    table.setTextElideMode(Qt.TextElideMode.ElideRight)
    return table


class AccessView(QWidget):
    """Section «Доступ к дневнику»."""

    title = "Доступ к дневнику"

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self.full_codes = services.ctx.may(Action.ACCESS_MANAGE)
        layout = QVBoxLayout(self)
        self.summary = QLabel(self)
        self.summary.setObjectName("access_summary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("access_tabs")
        layout.addWidget(self.tabs, 1)
        self.banner = Banner(self)
        self.banner.setObjectName("access_banner")
        layout.addWidget(self.banner)

        # -- the applications queue
        queue = QWidget(self.tabs)
        q = QVBoxLayout(queue)
        top = QHBoxLayout()
        top.addWidget(QLabel("Показать:", queue))
        self.show_box = QComboBox(queue)
        self.show_box.setObjectName("access_show")
        self.show_box.addItem("Ждут доступа", WAITING)
        self.show_box.addItem("Срок сегодня и просрочено", URGENT)
        self.show_box.addItem("Все заявления", ALL)
        top.addWidget(self.show_box)
        top.addStretch(1)
        self.count_label = QLabel(queue)
        self.count_label.setObjectName("access_count")
        font = self.count_label.font()
        font.setBold(True)
        self.count_label.setFont(font)
        top.addWidget(self.count_label)
        q.addLayout(top)
        self.applications = ApplicationsModel(self)
        self.table = _table(queue, "access_table", self.applications, A_CHILD)
        q.addWidget(self.table, 1)
        under = QHBoxLayout()
        order = tuple(u for u in TICKET_LEGEND_ORDER if u is not Urgency.LATE)
        self.legend = UrgencyLegend(queue, order)
        self.legend.chips[-1].label.setText("решено")
        under.addWidget(self.legend)
        under.addStretch(1)
        self.open_button = QPushButton("Открыть карточку семьи", queue)
        self.open_button.setObjectName("access_open")
        self.open_button.setToolTip("Enter или двойной щелчок по строке")
        under.addWidget(self.open_button)
        q.addLayout(under)
        self.tabs.addTab(queue, "Заявления о доступе")

        # -- the register of issued codes
        codes = QWidget(self.tabs)
        c = QVBoxLayout(codes)
        ctop = QHBoxLayout()
        ctop.addWidget(QLabel("Класс:", codes))
        self.class_box = QComboBox(codes)
        self.class_box.setObjectName("codes_class")
        ctop.addWidget(self.class_box)
        self.codes_note = QLabel(codes)
        self.codes_note.setObjectName("codes_note")
        self.codes_note.setStyleSheet("color: #5f6368;")
        ctop.addWidget(self.codes_note, 1)
        self.print_codes_button = QPushButton("Печать реестра…", codes)
        self.print_codes_button.setObjectName("codes_print")
        self.print_codes_button.setToolTip("Реестр выданных кодов с графой для подписи о получении")
        ctop.addWidget(self.print_codes_button)
        c.addLayout(ctop)
        self.codes = CodesModel(self.full_codes, self)
        self.codes_table = _table(codes, "codes_table", self.codes, C_REP)
        c.addWidget(self.codes_table, 1)
        self.tabs.addTab(codes, "Реестр выданных кодов")

        # -- refusals
        refusals = QWidget(self.tabs)
        r = QVBoxLayout(refusals)
        self.refusals = RefusalsModel(self)
        self.refusals_table = _table(refusals, "refusals_table", self.refusals, 5)
        r.addWidget(self.refusals_table, 1)
        rb = QHBoxLayout()
        rb.addStretch(1)
        self.print_refusal_button = QPushButton("Печать решения…", refusals)
        self.print_refusal_button.setObjectName("refusal_print")
        rb.addWidget(self.print_refusal_button)
        r.addLayout(rb)
        self.tabs.addTab(refusals, "Отказы")

        self.codes_note.setText(
            "Коды показаны полностью: реестр и слип совпадают."
            if self.full_codes
            else "Коды скрыты: полностью их видят те, кто выдаёт коды (секретарь, администратор ЭПОС)."
        )
        if print_glue(services, "print_codes_register") is None:
            self.print_codes_button.setEnabled(False)
            self.print_codes_button.setToolTip(NOT_WIRED)
        if print_glue(services, "print_refusal") is None:
            self.print_refusal_button.setEnabled(False)
            self.print_refusal_button.setToolTip(NOT_WIRED)

        self.show_box.currentIndexChanged.connect(lambda _i: self.load_applications())
        self.class_box.currentIndexChanged.connect(lambda _i: self.load_codes())
        self.table.activated.connect(lambda index: self.open_row(index.row()))
        self.open_button.clicked.connect(self.open_selected)
        self.refusals_table.activated.connect(lambda index: self.open_refusal(index.row()))
        self.print_codes_button.clicked.connect(self.print_codes)
        self.print_refusal_button.clicked.connect(self.print_selected_refusal)
        self.tabs.currentChanged.connect(lambda _i: self._load_tab())
        QShortcut(QKeySequence("F5"), self, activated=self.refresh)
        self._fill_classes()
        self.refresh()

    # -- reading ---------------------------------------------------------------------------------------------

    def _fill_classes(self) -> None:
        keep = self.class_box.currentData()
        self.class_box.blockSignals(True)
        try:
            self.class_box.clear()
            self.class_box.addItem("Вся школа", "")
            try:
                classes = self._services.families.classes()
            except ServiceError:
                classes = []
            for name, _count in classes:
                self.class_box.addItem(name, name)
            self.class_box.setCurrentIndex(max(0, self.class_box.findData(keep)))
        finally:
            self.class_box.blockSignals(False)

    def refresh(self) -> None:
        try:
            s = self._services.families.summary()
            self.summary.setText(
                f"Ждут доступа: <b>{s.waiting}</b>, из них срок сегодня или просрочено: "
                f"<b style='color:{'#c62828' if s.urgent else '#202124'}'>{s.urgent}</b> · учеников {s.students}, "
                f"без согласия {s.without_consent}, на бумаге {s.on_paper}, действующих кодов {s.codes_active}"
            )
        except ServiceError as exc:
            self.banner.show_message(str(exc), "warning")
        self._fill_classes()
        self.load_applications()
        self._load_tab()

    def _load_tab(self) -> None:
        # The codes are read (and the look recorded) only when their register is opened.
        if self.tabs.currentIndex() == 1:
            self.load_codes()
        elif self.tabs.currentIndex() == 2:
            self.load_refusals()

    def current_filter(self) -> ApplicationFilter:
        choice = self.show_box.currentData()
        if choice == URGENT:
            return ApplicationFilter(urgent=True)
        if choice == ALL:
            return ApplicationFilter(status=None)
        return ApplicationFilter()

    def load_applications(self) -> None:
        try:
            rows = self._services.families.applications(self.current_filter())
        except ServiceError as exc:
            self.banner.show_message(str(exc), "warning")
            rows = []
        self.applications.set_rows(rows)
        n = len(rows)
        self.count_label.setText(f"Заявлений: {n}")
        self.count_label.setToolTip(f"{n} {plural(n, 'заявление', 'заявления', 'заявлений')}")
        self.open_button.setEnabled(bool(rows))
        if rows:
            self.table.selectRow(0)

    def load_codes(self) -> None:
        try:
            rows = self._services.families.codes(class_name=self.class_box.currentData() or "")
        except ServiceError as exc:
            self.banner.show_message(str(exc), "warning")
            rows = []
        self.codes.set_rows(rows)

    def load_refusals(self) -> None:
        try:
            rows = self._services.families.refusals()
        except ServiceError as exc:
            self.banner.show_message(str(exc), "warning")
            rows = []
        self.refusals.set_rows(rows)
        self.print_refusal_button.setEnabled(bool(rows) and print_glue(self._services, "print_refusal") is not None)
        if rows:
            self.refusals_table.selectRow(len(rows) - 1)

    # -- acting ----------------------------------------------------------------------------------------------

    def open_row(self, row: int) -> None:
        if 0 <= row < self.applications.rowCount():
            card = open_family(self._services, self.applications.rows[row].student_id, self)
            if card.changed:
                self.refresh()
            self.table.setFocus()

    def open_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self.open_row(rows[0].row())

    def open_refusal(self, row: int) -> None:
        if 0 <= row < self.refusals.rowCount() and self.refusals.rows[row].student_id is not None:
            open_family(self._services, self.refusals.rows[row].student_id, self)
            self.refresh()

    def print_codes(self) -> None:
        write = print_glue(self._services, "print_codes_register")
        if write is None:
            return
        cls = self.class_box.currentData() or ""
        title = f"Реестр выданных кодов — {cls}" if cls else "Реестр выданных кодов"
        show_form(self, title, lambda path: write(path, class_name=cls, full_codes=self.full_codes),
                  file_name=f"{title}.pdf")  # fmt: skip

    def print_selected_refusal(self) -> None:
        write = print_glue(self._services, "print_refusal")
        rows = self.refusals_table.selectionModel().selectedRows()
        if write is None or not rows:
            return
        refusal = self.refusals.rows[rows[0].row()]
        title = f"Решение об отказе {refusal.number}"
        show_form(self, title, lambda path: write(refusal.id, path), file_name=f"{title.replace('/', '-')}.pdf")


__all__ = ["AccessView", "ApplicationsModel", "CodesModel", "masked"]
