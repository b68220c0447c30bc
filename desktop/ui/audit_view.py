"""Section «Журнал событий» (administrator, director): the audit trail, filtered, paged, exported to Excel."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.access import Action
from desktop.domain.russian import plural, short_date
from desktop.services.audit import ENTITY_LABELS, KIND_LABELS, AuditFilter, AuditRow, AuditService
from desktop.services.errors import ServiceError
from desktop.services.registry import Services
from desktop.ui.paged_model import PagedRowsModel
from desktop.ui.widgets import Banner, record_table

AUDIT_COLUMNS = ("Дата и время", "Пользователь", "Вид", "Объект", "Номер", "Действие", "Было", "Стало")
#: The period shown when the section opens: the last 30 days.
DEFAULT_DAYS = 30


class AuditModel(PagedRowsModel[AuditRow]):
    """The events matching a filter, newest first, fetched a page at a time as the view scrolls down
    (`canFetchMore` / `fetchMore`): a trail of a million events opens as fast as one of ten."""

    columns = AUDIT_COLUMNS

    def __init__(self, audit: AuditService, timezone: dt.tzinfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._audit = audit
        self._tz = timezone
        self._filter = AuditFilter()

    @property
    def filter(self) -> AuditFilter:
        return self._filter

    def set_filter(self, flt: AuditFilter, timezone: dt.tzinfo | None = None) -> None:
        """Start again from the newest event matching `flt` (also: «Обновить»)."""
        self._filter = flt
        if timezone is not None:
            self._tz = timezone
        self.reload()

    def read_total(self) -> int:
        return self._audit.count(self._filter)

    def read_page(self, offset: int, limit: int) -> list[AuditRow]:
        # Events written since the first page push older ones down: a row may come again; kept once.
        return self._audit.page(self._filter, offset, limit)

    def text(self, row: AuditRow, column: int) -> str:
        if column == 0:
            return row.at.astimezone(self._tz).strftime("%d.%m.%Y %H:%M:%S")
        if column == 1:
            return row.actor
        if column == 2:
            return row.kind_text
        if column == 3:
            return row.entity_text
        if column == 4:
            return row.entity_id
        if column == 5:
            return row.action_text
        if column == 6:
            return row.before_text
        if column == 7:
            return row.after_text
        return ""

    def cell_data(self, row: AuditRow, column: int, role: int) -> object:
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == 1 and row.actor_login:
                return f"{row.actor} (логин {row.actor_login})"
            return self.text(row, column) or None
        return None

    def header_tip(self, section: int) -> str | None:
        return f"По часовому поясу школы ({self._tz})" if section == 0 else None


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _date_edit(day: dt.date, parent: QWidget) -> QDateEdit:
    edit = QDateEdit(_qdate(day), parent)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("dd.MM.yyyy")
    return edit


class AuditView(QWidget):
    """Section «Журнал событий»: who did what and when, who looked at whose data; filters and export."""

    title = "Журнал событий"

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._applying = False
        today = services.settings.today()
        layout = QVBoxLayout(self)

        filters = QHBoxLayout()
        filters.addWidget(QLabel("Период с", self))
        self.date_from = _date_edit(today - dt.timedelta(days=DEFAULT_DAYS), self)
        self.date_from.setObjectName("audit_from")
        filters.addWidget(self.date_from)
        filters.addWidget(QLabel("по", self))
        self.date_to = _date_edit(today, self)
        self.date_to.setObjectName("audit_to")
        filters.addWidget(self.date_to)
        filters.addSpacing(12)
        filters.addWidget(QLabel("Пользователь:", self))
        self.user_box = QComboBox(self)
        self.user_box.setObjectName("audit_user")
        self.user_box.setMinimumContentsLength(16)
        self.user_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        filters.addWidget(self.user_box, 1)
        layout.addLayout(filters)

        second = QHBoxLayout()
        second.addWidget(QLabel("Вид:", self))
        self.kind_box = QComboBox(self)
        self.kind_box.setObjectName("audit_kind")
        self.kind_box.addItem("все", None)
        for kind, label in KIND_LABELS.items():
            self.kind_box.addItem(label, kind)
        second.addWidget(self.kind_box)
        second.addSpacing(12)
        second.addWidget(QLabel("Объект:", self))
        self.entity_box = QComboBox(self)
        self.entity_box.setObjectName("audit_entity")
        self.entity_box.addItem("все", None)
        for entity, label in ENTITY_LABELS.items():
            self.entity_box.addItem(label, entity)
        second.addWidget(self.entity_box)
        second.addSpacing(12)
        second.addWidget(QLabel("Поиск:", self))
        self.search = QLineEdit(self)
        self.search.setObjectName("audit_search")
        self.search.setPlaceholderText("номер объекта или имя")
        self.search.setClearButtonEnabled(True)
        second.addWidget(self.search, 1)
        layout.addLayout(second)

        self.model = AuditModel(services.audit, services.settings.timezone(), self)
        self.table = record_table(self, "audit_table", self.model, row_padding=8)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        metrics = self.fontMetrics()
        samples = ("00.00.0000 00:00:00", "Воронина Ирина А.", "вход и блокировка", "календарь: день школы",
                   "2026-11-27", "изменены роли", "roles: secretary")  # fmt: skip
        for column, sample in enumerate(samples):
            self.table.setColumnWidth(column, metrics.horizontalAdvance(sample) + 16)
        self.table.selectionModel().currentRowChanged.connect(
            lambda current, _previous: self._describe(current.row())
        )
        self.model.modelReset.connect(lambda: self._describe(-1))
        layout.addWidget(self.table, 1)

        self.details = QLabel(self)
        self.details.setObjectName("audit_details")
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details.setTextFormat(Qt.TextFormat.PlainText)
        self.details.setStyleSheet("background: #fafafa; border: 1px solid #d0d0d0; padding: 4px 6px;")
        self.details.hide()
        layout.addWidget(self.details)
        bottom = QHBoxLayout()
        self.count_label = QLabel(self)
        self.count_label.setObjectName("audit_count")
        bottom.addWidget(self.count_label, 1)
        self.refresh_button = QPushButton("Обновить", self)
        self.refresh_button.setToolTip("F5")
        self.refresh_button.setShortcut("F5")
        bottom.addWidget(self.refresh_button)
        self.export_button = QPushButton("Выгрузить в Excel…", self)
        bottom.addWidget(self.export_button)
        layout.addLayout(bottom)
        self.banner = Banner(self)
        self.banner.setObjectName("audit_banner")
        layout.addWidget(self.banner)

        self.export_button.setVisible(services.ctx.may(Action.AUDIT_EXPORT))
        self._fill_users()
        for box in (self.user_box, self.kind_box, self.entity_box):
            box.currentIndexChanged.connect(self.apply)
        self.date_from.dateChanged.connect(self.apply)
        self.date_to.dateChanged.connect(self.apply)
        self.search.textChanged.connect(self.apply)
        self.refresh_button.clicked.connect(self.refresh)
        self.export_button.clicked.connect(self.export)
        self.apply()

    def _fill_users(self) -> None:
        current = self.user_box.currentData()
        self._applying = True
        try:
            self.user_box.clear()
            self.user_box.addItem("все", None)
            for user_id, name in self._services.audit.actors():
                self.user_box.addItem(name, user_id)
            index = self.user_box.findData(current) if current is not None else 0
            self.user_box.setCurrentIndex(max(0, index))
        finally:
            self._applying = False

    def _describe(self, row: int) -> None:
        """The selected event in full under the table: long «Было» and «Стало» do not fit their cells."""
        if not 0 <= row < self.model.rowCount():
            self.details.hide()
            return
        event = self.model.row(row)
        who = f"{event.actor} ({event.actor_login})" if event.actor_login else event.actor
        head = (
            f"{self.model.text(event, 0)} · {who} · {event.kind_text} · {event.entity_text} "
            f"{event.entity_id} · {event.action_text}"
        )
        lines = [head]
        if event.before_text:
            lines.append(f"Было: {event.before_text}")
        if event.after_text:
            lines.append(f"Стало: {event.after_text}")
        self.details.setText("\n".join(lines))
        self.details.show()

    def current_filter(self) -> AuditFilter:
        return AuditFilter(
            date_from=self.date_from.date().toPython(),
            date_to=self.date_to.date().toPython(),
            actor_id=self.user_box.currentData(),
            kind=self.kind_box.currentData(),
            entity=self.entity_box.currentData(),
            text=self.search.text(),
        )

    def apply(self) -> None:
        """Show the events matching the filters, from the newest."""
        if self._applying:
            return
        flt = self.current_filter()
        assert flt.date_from is not None and flt.date_to is not None
        if flt.date_from > flt.date_to:
            self.model.clear()
            self.count_label.setText("")
            self.banner.show_message("Начало периода позже его конца: исправьте даты.", "warning")
            return
        try:
            self.model.set_filter(flt, self._services.settings.timezone())
        except ServiceError as exc:
            self.banner.show_message(str(exc), "warning")
            return
        self.banner.show_message(None)
        n = self.model.total
        self.count_label.setText(
            f"Найдено {n} {plural(n, 'событие', 'события', 'событий')} "
            f"с {short_date(flt.date_from)} по {short_date(flt.date_to)}."
        )

    def refresh(self) -> None:
        """New events and new users since the section was opened."""
        self._fill_users()
        self.apply()

    def export(self) -> None:
        flt = self.current_filter()
        suggested = Path.home() / f"Журнал событий {self._services.settings.today():%d.%m.%Y}.xlsx"
        path, _ = QFileDialog.getSaveFileName(
            self, "Выгрузить журнал событий", str(suggested), "Книга Excel (*.xlsx)"
        )
        if not path:
            return
        target = Path(path)
        if target.suffix.lower() != ".xlsx":
            target = target.with_name(target.name + ".xlsx")
        # Written here, in the window's thread: a trail of a school's year takes seconds.
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            count = self._services.audit.export(target, flt)
        except ServiceError as exc:
            self.banner.show_message(str(exc), "warning")
            return
        finally:
            QGuiApplication.restoreOverrideCursor()
        self.apply()  # the export is itself on record
        self.banner.show_message(
            f"Выгружено {count} {plural(count, 'событие', 'события', 'событий')} в файл {target}", "ok"
        )
