"""Section «Отчёты»: the registers and the period summary the person may export (the same as `school-office export`),
the period with quick choices, «Сохранить в Excel…», then the rows written as they stream out with «Отмена»; the
file opens when it is ready. The writing runs in the background (export_worker): the window never freezes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QDate, QModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QFont, QKeySequence, QPainter, QShortcut
from PySide6.QtWidgets import (
    QDateEdit,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from desktop.domain import grades as gr
from desktop.domain.russian import plural
from desktop.services.registry import Services
from desktop.services.reports import ReportInfo
from desktop.ui.appeal_dialogs import open_path, save_file_name
from desktop.ui.export_worker import CANCELLED_TEXT, ExportJob
from desktop.ui.widgets import Banner

TITLE_ROLE = Qt.ItemDataRole.UserRole + 1
DESCRIPTION_ROLE = Qt.ItemDataRole.UserRole + 2


def month_bounds(day: dt.date) -> tuple[dt.date, dt.date]:
    first = day.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return first, following - dt.timedelta(days=1)


def previous_month(day: dt.date) -> tuple[dt.date, dt.date]:
    return month_bounds(day.replace(day=1) - dt.timedelta(days=1))


def school_year(day: dt.date) -> tuple[dt.date, dt.date]:
    start = gr.school_year_start(day)
    return dt.date(start, 9, 1), dt.date(start + 1, 8, 31)


def school_term(day: dt.date, terms_text: str) -> tuple[dt.date, dt.date] | None:
    """The school's term (четверть) of `day` from its setting; in the holidays the one just ended."""
    try:
        terms = gr.parse_terms(terms_text or gr.DEFAULT_TERMS_TEXT, gr.school_year_start(day))
    except ValueError:
        return None
    term = gr.term_of(day, terms)
    return (term.start, term.end) if term is not None else None


def period_words(date_from: dt.date | None, date_to: dt.date | None) -> str:
    if date_from is None and date_to is None:
        return "за всё время"
    return f"с {date_from:%d.%m.%Y} по {date_to:%d.%m.%Y}"


def default_file_name(report: ReportInfo, date_from: dt.date | None, date_to: dt.date | None) -> str:
    """«Сводный отчёт 01.09.2026–30.11.2026.xlsx», «Журнал событий за всё время.xlsx»."""
    stem = report.title.removesuffix(" за период")
    if date_from is None or date_to is None:
        return f"{stem} за всё время.xlsx"
    return f"{stem} {date_from:%d.%m.%Y}–{date_to:%d.%m.%Y}.xlsx"


def rows_text(count: int) -> str:
    return f"{count:,}".replace(",", "\u00a0") + " " + plural(count, "строка", "строки", "строк")


class ReportDelegate(QStyledItemDelegate):
    """A report in the list: its title in bold, what it holds under it in grey."""

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        line = option.fontMetrics.lineSpacing()
        return QSize(option.rect.width() or 400, 2 * line + 14)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        self.initStyleOption(option, index)
        text = option.text
        option.text = ""
        style = option.widget.style() if option.widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, option.widget)
        option.text = text
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        palette = option.palette
        rect = option.rect.adjusted(10, 6, -8, -6)
        line = option.fontMetrics.lineSpacing()
        painter.save()
        bold = QFont(option.font)
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(palette.highlightedText().color() if selected else palette.text().color())
        title = str(index.data(TITLE_ROLE) or "")
        painter.drawText(QRect(rect.left(), rect.top(), rect.width(), line), Qt.AlignmentFlag.AlignLeft, title)
        painter.setFont(option.font)
        if not selected:
            painter.setPen(palette.placeholderText().color().darker(130))
        description = str(index.data(DESCRIPTION_ROLE) or "")
        elided = option.fontMetrics.elidedText(description, Qt.TextElideMode.ElideRight, rect.width())
        painter.drawText(QRect(rect.left(), rect.top() + line, rect.width(), line), Qt.AlignmentFlag.AlignLeft, elided)
        painter.restore()


class ReportsView(QWidget):
    """Section «Отчёты»."""

    title = "Отчёты"

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self.job: ExportJob | None = None
        self._busy = False
        self.all_time = False
        self.last_file: Path | None = None
        self.folder: Path = Path.home()
        layout = QVBoxLayout(self)

        heading = QLabel("Отчёты в Excel", self)
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        heading.setFont(font)
        layout.addWidget(heading)
        hint = QLabel(
            "Выберите отчёт и период, затем «Сохранить в Excel…» (или Enter). Большой реестр пишется в фоне: "
            "работать в программе можно и во время выгрузки.",
            self,
        )
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #5f6368;")
        layout.addWidget(hint)

        self.list = QListWidget(self)
        self.list.setObjectName("reports_list")
        self.list.setItemDelegate(ReportDelegate(self.list))
        self.list.setAccessibleName("Отчёты")
        self.list.setUniformItemSizes(True)
        self.list.setSpacing(1)
        layout.addWidget(self.list, 1)
        self.reports: list[ReportInfo] = []
        for report in services.reports.available():
            item = QListWidgetItem(f"{report.title} — {report.description}", self.list)
            item.setData(Qt.ItemDataRole.UserRole, report.name)
            item.setData(TITLE_ROLE, report.title)
            item.setData(DESCRIPTION_ROLE, report.description)
            item.setToolTip(f"{report.title}: {report.description}.\nКоманда: school-office export {report.name}")
            self.reports.append(report)
        if self.reports:
            self.list.setCurrentRow(0)

        period = QGroupBox("Период", self)
        period.setObjectName("reports_period")
        period_layout = QVBoxLayout(period)
        dates = QHBoxLayout()
        self.from_edit = self._date_edit("reports_from", "Начало периода")
        self.to_edit = self._date_edit("reports_to", "Конец периода")
        from_label = QLabel("с", period)
        from_label.setBuddy(self.from_edit)
        to_label = QLabel("по", period)
        to_label.setBuddy(self.to_edit)
        dates.addWidget(from_label)
        dates.addWidget(self.from_edit)
        dates.addSpacing(6)
        dates.addWidget(to_label)
        dates.addWidget(self.to_edit)
        dates.addSpacing(16)
        self.quick: dict[str, QPushButton] = {}
        for key, text, tip in (
            ("month", "Этот месяц", "С первого по последнее число текущего месяца"),
            ("last_month", "Прошлый месяц", "Весь предыдущий месяц"),
            ("term", "Эта четверть", "Четверть по настройке школы «Четверти»"),
            ("year", "Этот учебный год", "С 1 сентября по 31 августа"),
            ("all", "Всё время", "Все записи базы, без ограничения по датам"),
        ):
            button = QPushButton(text, period)
            button.setObjectName(f"reports_{key}")
            button.setToolTip(tip)
            button.setAutoDefault(False)
            button.clicked.connect(lambda _checked=False, k=key: self.choose_period(k))
            dates.addWidget(button)
            self.quick[key] = button
        dates.addStretch(1)
        period_layout.addLayout(dates)
        self.period_label = QLabel(period)
        self.period_label.setObjectName("reports_period_text")
        period_layout.addWidget(self.period_label)
        layout.addWidget(period)

        actions = QHBoxLayout()
        self.save_button = QPushButton("Сохранить в Excel…", self)
        self.save_button.setObjectName("reports_save")
        self.save_button.setToolTip("Выбрать файл и выгрузить выбранный отчёт за период (Enter)")
        self.save_button.setDefault(True)
        actions.addWidget(self.save_button)
        self.progress = QProgressBar(self)
        self.progress.setObjectName("reports_progress")
        self.progress.setRange(0, 0)  # how many rows a register has is known when it is written
        self.progress.setTextVisible(False)
        self.progress.setAccessibleName("Выгрузка идёт")
        actions.addWidget(self.progress, 1)
        self.rows_label = QLabel(self)
        self.rows_label.setObjectName("reports_rows")
        actions.addWidget(self.rows_label)
        self.cancel_button = QPushButton("Отмена", self)
        self.cancel_button.setObjectName("reports_cancel")
        self.cancel_button.setToolTip("Остановить выгрузку: файл не сохранится (Esc)")
        self.cancel_button.setAutoDefault(False)
        actions.addWidget(self.cancel_button)
        actions.addStretch(0)
        layout.addLayout(actions)
        self.banner = Banner(self)
        self.banner.setObjectName("reports_banner")
        self.banner.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.banner)
        self._show_running(False)

        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.cancel)
        self.list.itemActivated.connect(lambda _item: self.save())
        self.list.currentRowChanged.connect(lambda _row: self._update_buttons())
        self.from_edit.dateChanged.connect(self._dates_edited)
        self.to_edit.dateChanged.connect(self._dates_edited)
        escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self, activated=self.cancel)
        escape.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.choose_period("year")
        if not self.reports:
            self.banner.show_message("Нет отчётов, которые вам разрешено выгружать.", "info")

    def _date_edit(self, name: str, accessible: str) -> QDateEdit:
        edit = QDateEdit(self)
        edit.setObjectName(name)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("dd.MM.yyyy")
        edit.setAccessibleName(accessible)
        edit.setMinimumDate(QDate(2000, 1, 1))
        return edit

    # -- the period ------------------------------------------------------------------------------------------------

    def today(self) -> dt.date:
        return self._services.settings.today()

    def choose_period(self, key: str) -> None:
        """A quick choice: «month», «last_month», «term», «year» or «all»."""
        today = self.today()
        if key == "all":
            self.all_time = True
            self._show_period()
            return
        if key == "month":
            bounds: tuple[dt.date, dt.date] | None = month_bounds(today)
        elif key == "last_month":
            bounds = previous_month(today)
        elif key == "term":
            bounds = school_term(today, self._services.settings.get("terms"))
            if bounds is None:
                self.banner.show_message("Четверти школы не заданы: укажите их в разделе «Настройки».", "warning")
                return
        else:
            bounds = school_year(today)
        self.set_period(*bounds)

    def set_period(self, date_from: dt.date, date_to: dt.date) -> None:
        for edit, day in ((self.from_edit, date_from), (self.to_edit, date_to)):
            edit.blockSignals(True)
            edit.setDate(QDate(day.year, day.month, day.day))
            edit.blockSignals(False)
        self.all_time = False
        self._show_period()

    def _dates_edited(self) -> None:
        self.all_time = False
        self._show_period()

    def period(self) -> tuple[dt.date | None, dt.date | None]:
        if self.all_time:
            return None, None
        return self.from_edit.date().toPython(), self.to_edit.date().toPython()  # type: ignore[return-value]

    def _show_period(self) -> None:
        date_from, date_to = self.period()
        wrong = date_from is not None and date_to is not None and date_from > date_to
        if wrong:
            self.period_label.setText("Начало периода позже его конца: исправьте даты.")
            self.period_label.setStyleSheet("color: #b71c1c;")
        else:
            self.period_label.setText(f"Выгрузить {period_words(date_from, date_to)}")
            self.period_label.setStyleSheet("color: #3c4043;")
        for edit in (self.from_edit, self.to_edit):
            edit.setStyleSheet("color: #9aa0a6;" if self.all_time else "")
        self._update_buttons()

    # -- exporting -------------------------------------------------------------------------------------------------

    def current_report(self) -> ReportInfo | None:
        row = self.list.currentRow()
        return self.reports[row] if 0 <= row < len(self.reports) else None

    def select_report(self, name: str) -> None:
        for row, report in enumerate(self.reports):
            if report.name == name:
                self.list.setCurrentRow(row)
                return
        raise KeyError(name)

    def running(self) -> bool:
        """An export is being written (from its start until the view heard how it ended)."""
        return self._busy

    def _update_buttons(self) -> None:
        date_from, date_to = self.period()
        valid = not (date_from and date_to and date_from > date_to)
        self.save_button.setEnabled(self.current_report() is not None and valid and not self.running())

    def _show_running(self, running: bool) -> None:
        self.progress.setVisible(running)
        self.cancel_button.setVisible(running)
        self.cancel_button.setEnabled(running)
        self.rows_label.setVisible(running)
        for widget in (self.list, self.from_edit, self.to_edit, *self.quick.values()):
            widget.setEnabled(not running)
        self._update_buttons()

    def save(self) -> None:
        """Ask where to save the chosen report, then write it in the background."""
        report = self.current_report()
        if report is None or self.running() or not self.save_button.isEnabled():
            return
        date_from, date_to = self.period()
        suggested = self.folder / default_file_name(report, date_from, date_to)
        target = save_file_name(self, f"Сохранить: {report.title}", suggested, "Книга Excel (*.xlsx)", ".xlsx")
        if target is None:
            return
        self.export(report.name, target, date_from, date_to)

    def export(self, name: str, target: Path, date_from: dt.date | None, date_to: dt.date | None) -> ExportJob:
        """Start writing report `name` to `target` (the file dialog already answered)."""
        self.folder = target.parent
        job = ExportJob(self._services, name, target, date_from=date_from, date_to=date_to, parent=self)
        job.progress.connect(self._on_progress)
        job.finished.connect(self._on_finished)
        job.failed.connect(self._on_failed)
        job.cancelled.connect(self._on_cancelled)
        self.job = job
        self._busy = True
        self.banner.show_message(f"Выгрузка «{self._title(name)}» в файл {target} …", "info")
        self.rows_label.setText("Подготовка…")
        self._show_running(True)
        self.cancel_button.setFocus()
        job.start()
        return job

    def cancel(self) -> None:
        if self.running():
            assert self.job is not None
            self.job.cancel()
            self.cancel_button.setEnabled(False)
            self.rows_label.setText("Отмена…")

    def stop(self, ms: int = 30_000) -> None:
        """Cancel a running export and wait for its thread (the window closes)."""
        if self.job is not None and self.job.running:
            self.job.cancel()
            self.job.wait(ms)

    def _title(self, name: str) -> str:
        return next((r.title for r in self.reports if r.name == name), name)

    def _on_progress(self, rows: int) -> None:
        if self.cancel_button.isEnabled():
            self.rows_label.setText(f"Записано: {rows_text(rows)}")

    def _done(self) -> None:
        self._busy = False
        self._show_running(False)
        self.list.setFocus()

    def _on_finished(self, path: str, count: int) -> None:
        job = self.job
        name = job.name if job is not None else ""
        self._done()
        self.last_file = Path(path)
        what = "учтено записей" if name == "summary" else "выгружено"
        amount = f"{count:,}".replace(",", "\u00a0") if name == "summary" else rows_text(count)
        self.banner.show_message(
            f"Отчёт «{self._title(name)}» сохранён ({what}: {amount}). Файл: {path}. Он открыт в программе для таблиц.",
            "ok",
        )
        if not open_path(Path(path)):
            self.banner.show_message(
                f"Отчёт «{self._title(name)}» сохранён ({what}: {amount}) в файл {path}. Открыть его не удалось: "
                "откройте файл сами.",
                "warning",
            )

    def _on_failed(self, message: str) -> None:
        self._done()
        self.banner.show_message(f"Отчёт не выгружен. {message}", "warning")

    def _on_cancelled(self) -> None:
        self._done()
        self.banner.show_message(CANCELLED_TEXT, "info")
