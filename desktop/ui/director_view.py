"""Section «Директору», the director's dashboard: today's numbers, each one click from the filtered queue, and the
share of appeals answered on time by month."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.access import Action
from desktop.domain.appeals import Level, Urgency
from desktop.domain.russian import long_date_with_weekday
from desktop.services.appeals import AppealFilter, DirectorSummary
from desktop.services.errors import ServiceError
from desktop.services.registry import Services
from desktop.services.reports import Dashboard
from desktop.services.tickets import TicketSummary
from desktop.ui.appeal_card import open_card
from desktop.ui.appeals_view import (
    COL_DUE,
    COL_LEFT,
    COL_LEVEL,
    COL_REGISTERED,
    COL_RUBRIC,
    COL_STATUS,
    AppealsModel,
    appeals_table,
)
from desktop.ui.trend_chart import TrendChart
from desktop.ui.urgency import LOOKS, urgency_pixmap
from desktop.ui.widgets import Banner


@dataclass(frozen=True)
class TileSpec:
    """A count of the director's dashboard and what a click on it opens: the appeals queue with a preset (optionally at
    one level), or another section (`section`: «tickets» with its urgent filter, «printouts» at this week) that the
    person needs `needs` to open."""

    key: str
    title: str
    preset: str
    level: Level | None
    look: Urgency
    section: str = "appeals"
    needs: Action = Action.APPEALS_VIEW

    @property
    def section_title(self) -> str:
        return SECTION_TITLES[self.section]


SECTION_TITLES = {"appeals": "Обращения", "tickets": "Заявки", "printouts": "Отчёты на бумаге"}

TILES: tuple[TileSpec, ...] = (
    TileSpec("director", "У директора", "open", Level.DIRECTOR, Urgency.ESCALATED),
    TileSpec("left_school", "Ушло из школы", "left_school", None, Urgency.LEFT_SCHOOL),
    TileSpec("urgent", "Срок сегодня и просрочено", "urgent", None, Urgency.DUE_TODAY),
    TileSpec("tickets", "Просроченные заявки", "", None, Urgency.OVERDUE, "tickets", Action.TICKETS_VIEW),
    TileSpec(
        "families", "Семьи без отчёта за эту неделю", "", None, Urgency.ONE_DAY, "printouts", Action.FAMILIES_VIEW
    ),
    TileSpec("notices", "Уведомления в Департамент", "notices", None, Urgency.OVERDUE),
    TileSpec("deputy", "У заместителя директора", "open", Level.DEPUTY, Urgency.ON_TRACK),
    TileSpec("sui", "В СУИ", "open", Level.SUI, Urgency.ANSWERED),
)
#: The tiles that open the appeals queue.
APPEAL_TILES: tuple[TileSpec, ...] = tuple(t for t in TILES if t.section == "appeals")
#: Tiles in a row of the grid.
COLUMNS = 4


def tile_numbers(
    summary: DirectorSummary, board: Dashboard, tickets: TicketSummary | None = None
) -> dict[str, tuple[int, str]]:
    """Each tile's count and the line under it: today's numbers from the dashboard, the rest from the appeals."""
    due_today = tickets.urgent - board.overdue_tickets if tickets is not None else None
    return {
        "director": (board.at_director, "ждут ответа директора"),
        "left_school": (
            board.left_school,
            f"муниципальный орган — {summary.at_municipal}, Департамент — {summary.at_department}",
        ),
        "urgent": (board.due_today, "срок прошёл или истекает сегодня"),
        "tickets": (
            board.overdue_tickets,
            "срок прошёл" + (f"; ещё со сроком сегодня — {due_today}" if due_today else ""),
        ),
        "families": (
            board.without_report,
            f"на бумаге — {board.paper_families}; отчёт этой недели не вручён",
        ),
        "notices": (summary.notices, "5-е и следующие повторные обращения"),
        "deputy": (summary.at_deputy, "первый уровень, ещё без ответа"),
        "sui": (summary.at_sui, "технические и вне компетенции школы"),
    }


class CountTile(QPushButton):
    """A big count with its title and a line of detail; a click opens the queue it counts."""

    def __init__(self, spec: TileSpec, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec = spec
        self.count = 0
        self.setObjectName(f"tile_{spec.key}")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip(f"Показать в разделе «{spec.section_title}»: {spec.title.lower()}")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        look = LOOKS[spec.look]
        self.setStyleSheet(
            f"#tile_{spec.key} {{ background: {look.background}; border: 1px solid {look.accent}66;"
            f" border-left: 6px solid {look.accent}; border-radius: 5px; text-align: left; }}"
            f" #tile_{spec.key}:hover {{ border: 1px solid {look.accent}; border-left: 6px solid {look.accent}; }}"
            f" #tile_{spec.key}:focus {{ border: 2px solid #1565c0; border-left: 6px solid {look.accent}; }}"
        )
        layout = QHBoxLayout(self)
        layout.setContentsMargins(14, 8, 12, 8)
        self.number = QLabel("0", self)
        self.number.setObjectName(f"tile_{spec.key}_count")
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 2.4)
        font.setBold(True)
        self.number.setFont(font)
        self.number.setStyleSheet(f"color: {look.text};")
        self.number.setMinimumWidth(self.number.fontMetrics().horizontalAdvance("00") + 4)
        self.number.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        words = QVBoxLayout()
        words.setSpacing(1)
        self.caption = QLabel(spec.title, self)
        self.caption.setWordWrap(True)
        caption_font = QFont(self.font())
        caption_font.setPointSizeF(caption_font.pointSizeF() * 1.1)
        caption_font.setBold(True)
        self.caption.setFont(caption_font)
        self.caption.setStyleSheet(f"color: {look.text};")
        self.detail = QLabel(self)
        self.detail.setStyleSheet("color: #4a4f55;")
        self.detail.setWordWrap(True)
        words.addStretch(1)
        words.addWidget(self.caption)
        words.addWidget(self.detail)
        words.addStretch(1)
        icon = QLabel(self)
        icon.setPixmap(urgency_pixmap(spec.look, 22))
        layout.addWidget(self.number)
        layout.addSpacing(10)
        layout.addLayout(words, 1)
        layout.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        for child in (self.number, self.caption, self.detail, icon):
            child.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        lines = 2 * self.caption.fontMetrics().lineSpacing() + 2 * self.detail.fontMetrics().lineSpacing()
        self.setFixedHeight(max(self.number.sizeHint().height(), lines) + 24)

    def set_count(self, count: int, detail: str) -> None:
        self.count = count
        self.number.setText(str(count))
        self.detail.setText(detail)
        self.setAccessibleName(f"{self.spec.title}: {count}")


class DirectorView(QWidget):
    """Section «Директору», the director's first screen: today's numbers as tiles, the on-time trend by month, the
    appeals at the director's level and the notices to the Department.

    A click on a tile asks the main window for the filtered queue: `open_queue(preset, level)` for the appeals,
    `open_section(key)` for «tickets» (urgent and overdue) and «printouts» (this week's reports not handed over).
    """

    title = "Директору"
    open_queue = Signal(str, object)
    open_section = Signal(str)

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        layout = QVBoxLayout(self)
        self.heading = QLabel(self)
        self.heading.setObjectName("director_heading")
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.heading.setFont(font)
        layout.addWidget(self.heading)
        hint = QLabel("Щёлкните число, чтобы открыть эти записи в их разделе.", self)
        hint.setStyleSheet("color: #5f6368;")
        layout.addWidget(hint)

        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(10)
        self.tiles: dict[str, CountTile] = {}
        shown = 0
        for spec in TILES:
            tile = CountTile(spec, self)
            tile.clicked.connect(lambda _checked=False, s=spec: self.open_tile(s))
            self.tiles[spec.key] = tile
            if not services.ctx.may(spec.needs):  # a section the person may not open: no tile for it
                tile.hide()
                continue
            grid.addWidget(tile, shown // COLUMNS, shown % COLUMNS)
            shown += 1
        for column in range(COLUMNS):
            grid.setColumnStretch(column, 1)
        layout.addLayout(grid)

        trend_box = QGroupBox("Ответы на обращения в срок по месяцам регистрации (последние 12 месяцев)", self)
        trend_box.setObjectName("director_trend")
        trend_layout = QVBoxLayout(trend_box)
        self.chart = TrendChart(trend_box)
        trend_layout.addWidget(self.chart, 1)
        legend = QLabel(
            "Доля завершённых обращений, на которые ответили в срок на каждом уровне: зелёный — от 90 %, "
            "жёлтый — от 70 %, красный — ниже; «—» — в месяце нет завершённых обращений.",
            trend_box,
        )
        legend.setWordWrap(True)
        legend.setStyleSheet("color: #5f6368;")
        trend_layout.addWidget(legend)
        layout.addWidget(trend_box, 1)

        lists = QHBoxLayout()
        self.director_model = AppealsModel(services.appeals, self)
        self.notices_model = AppealsModel(services.appeals, self)
        self.director_table = self._list(
            lists, "У директора: ждут ответа", "director_table", self.director_model,
            hide=(COL_REGISTERED, COL_RUBRIC, COL_LEVEL, COL_STATUS),
        )  # fmt: skip
        self.notices_table = self._list(
            lists, "Уведомления в Департамент", "notices_table", self.notices_model,
            hide=(COL_REGISTERED, COL_RUBRIC, COL_LEVEL, COL_DUE, COL_LEFT),
        )  # fmt: skip
        layout.addLayout(lists, 1)
        self.banner = Banner(self)
        self.banner.setObjectName("director_banner")
        layout.addWidget(self.banner)
        self.refresh()

    def open_tile(self, spec: TileSpec) -> None:
        if spec.section == "appeals":
            self.open_queue.emit(spec.preset, spec.level)
        else:
            self.open_section.emit(spec.section)

    def _list(
        self, into: QHBoxLayout, title: str, name: str, model: AppealsModel, hide: tuple[int, ...]
    ) -> QTableView:
        box = QGroupBox(title, self)
        box_layout = QVBoxLayout(box)
        table = appeals_table(box, name, model)
        for column in hide:
            table.setColumnHidden(column, True)
        table.activated.connect(lambda index, m=model: self._open(m, index.row()))
        box_layout.addWidget(table)
        into.addWidget(box, 1)
        return table

    def refresh(self) -> None:
        services = self._services
        self.heading.setText(f"Сегодня, {long_date_with_weekday(services.settings.today())}")
        try:
            summary = services.appeals.director_summary()
            board = services.reports.dashboard()
            tickets = services.tickets.summary() if services.ctx.may(Action.TICKETS_VIEW) else None
            self.director_model.set_filter(AppealFilter(level=Level.DIRECTOR, answered=False))
            self.notices_model.set_filter(AppealFilter(notices=True))
        except ServiceError as exc:
            self.banner.show_message(str(exc), "warning")
            return
        self.banner.show_message(None)
        self.heading.setText(f"Сегодня, {long_date_with_weekday(board.today)}")
        for key, (count, detail) in tile_numbers(summary, board, tickets).items():
            self.tiles[key].set_count(count, detail)
        self.chart.set_months(board.months)

    def _open(self, model: AppealsModel, row: int) -> None:
        if not 0 <= row < model.rowCount():
            return
        if open_card(self._services, model.row(row).id, self).changed:
            self.refresh()
