"""Section «Директору»: counts of what needs the director, each one click from the filtered queue."""

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

from desktop.domain.appeals import Level, Urgency
from desktop.domain.russian import long_date_with_weekday
from desktop.services.appeals import AppealFilter, DirectorSummary
from desktop.services.errors import ServiceError
from desktop.services.registry import Services
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
from desktop.ui.urgency import LOOKS, urgency_pixmap
from desktop.ui.widgets import Banner


@dataclass(frozen=True)
class TileSpec:
    """A count in the director's view and the queue a click on it opens (a preset, optionally at one level)."""

    key: str
    title: str
    preset: str
    level: Level | None
    look: Urgency


TILES: tuple[TileSpec, ...] = (
    TileSpec("director", "У директора", "open", Level.DIRECTOR, Urgency.ESCALATED),
    TileSpec("left_school", "Ушло из школы", "left_school", None, Urgency.LEFT_SCHOOL),
    TileSpec("notices", "Уведомления в Департамент", "notices", None, Urgency.OVERDUE),
    TileSpec("urgent", "Просрочено и срок сегодня", "urgent", None, Urgency.DUE_TODAY),
    TileSpec("deputy", "У заместителя директора", "open", Level.DEPUTY, Urgency.ON_TRACK),
    TileSpec("sui", "В СУИ", "open", Level.SUI, Urgency.ANSWERED),
)


def tile_numbers(summary: DirectorSummary) -> dict[str, tuple[int, str]]:
    """Each tile's count and the line under it."""
    return {
        "director": (summary.at_director, "ждут ответа директора"),
        "left_school": (
            summary.left_school,
            f"муниципальный орган — {summary.at_municipal}, Департамент — {summary.at_department}",
        ),
        "notices": (summary.notices, "5-е и следующие повторные обращения"),
        "urgent": (summary.urgent, "срок прошёл или истекает сегодня"),
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
        self.setToolTip(f"Показать в разделе «Обращения»: {spec.title.lower()}")
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
        lines = self.caption.fontMetrics().lineSpacing() + 2 * self.detail.fontMetrics().lineSpacing()
        self.setFixedHeight(max(self.number.sizeHint().height(), lines) + 24)

    def set_count(self, count: int, detail: str) -> None:
        self.count = count
        self.number.setText(str(count))
        self.detail.setText(detail)
        self.setAccessibleName(f"{self.spec.title}: {count}")


class DirectorView(QWidget):
    """Section «Директору». `open_queue(preset, level)` asks the main window to show the queue so filtered."""

    title = "Директору"
    open_queue = Signal(str, object)

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
        hint = QLabel("Щёлкните число, чтобы открыть эти обращения в разделе «Обращения».", self)
        hint.setStyleSheet("color: #5f6368;")
        layout.addWidget(hint)

        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(10)
        self.tiles: dict[str, CountTile] = {}
        for i, spec in enumerate(TILES):
            tile = CountTile(spec, self)
            tile.clicked.connect(lambda _checked=False, s=spec: self.open_queue.emit(s.preset, s.level))
            grid.addWidget(tile, i // 3, i % 3)
            self.tiles[spec.key] = tile
        layout.addLayout(grid)

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
        self.heading.setText(f"Обращения на {long_date_with_weekday(self._services.settings.today())}")
        try:
            summary = self._services.appeals.director_summary()
            self.director_model.set_filter(AppealFilter(level=Level.DIRECTOR, answered=False))
            self.notices_model.set_filter(AppealFilter(notices=True))
        except ServiceError as exc:
            self.banner.show_message(str(exc), "warning")
            return
        self.banner.show_message(None)
        for key, (count, detail) in tile_numbers(summary).items():
            self.tiles[key].set_count(count, detail)

    def _open(self, model: AppealsModel, row: int) -> None:
        if not 0 <= row < model.rowCount():
            return
        if open_card(self._services, model.row(row).id, self).changed:
            self.refresh()
