"""The share of appeals handled on time by month, as bars painted with QPainter (no QtCharts): a month's label under
its bar («янв», «фев» …), the percentage over it, «—» for a month with no finished appeals; the numbers are in the
tooltip and the accessible description for those who do not see the bars."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from desktop.domain.reports import MonthShare
from desktop.domain.russian import MONTHS

#: «янв», «фев» … as on a calendar.
SHORT_MONTHS = ("янв", "фев", "мар", "апр", "май", "июн", "июл", "авг", "сен", "окт", "ноя", "дек")
#: A share at or above it is good (green), below LOW it is bad (red), between: amber.
GOOD, LOW = 0.9, 0.7
COLOURS = {"good": "#2e7d32", "middle": "#f9a825", "low": "#c62828"}


def percent(share: float) -> str:
    return f"{round(share * 100)} %"


def month_name(month: MonthShare) -> str:
    """«ноябрь 2026»."""
    return f"{MONTHS[month.month.month - 1]} {month.month.year}"


def month_line(month: MonthShare) -> str:
    """«ноябрь 2026: 83 % в срок (10 из 12)» or «ноябрь 2026: нет завершённых обращений»."""
    if month.share is None:
        return f"{month_name(month)}: нет завершённых обращений"
    return f"{month_name(month)}: {percent(month.share)} в срок ({month.on_time} из {month.finished})"


def describe(months: Sequence[MonthShare]) -> str:
    """The chart in words, month by month."""
    if not months:
        return "Нет данных о сроках ответов."
    return "Доля обращений, отвеченных в срок, по месяцам регистрации:\n" + "\n".join(month_line(m) for m in months)


def bar_colour(share: float) -> QColor:
    if share >= GOOD:
        return QColor(COLOURS["good"])
    if share >= LOW:
        return QColor(COLOURS["middle"])
    return QColor(COLOURS["low"])


class TrendChart(QWidget):
    """Bars of the on-time share by month, oldest on the left."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("trend_chart")
        self.months: tuple[MonthShare, ...] = ()
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName("Ответы в срок по месяцам")
        self.setMinimumHeight(self.fontMetrics().lineSpacing() * 6)

    def set_months(self, months: Sequence[MonthShare]) -> None:
        self.months = tuple(months)
        text = describe(self.months)
        self.setToolTip(text)
        self.setAccessibleDescription(text)
        self.update()

    def bars(self) -> int:
        return len(self.months)

    def labels(self) -> list[tuple[str, str]]:
        """What is written under each bar and over it: («ноя», «83 %») or («ноя», «—»)."""
        return [
            (SHORT_MONTHS[m.month.month - 1], percent(m.share) if m.share is not None else "—") for m in self.months
        ]

    def sizeHint(self) -> QSize:
        return QSize(12 * 56, self.fontMetrics().lineSpacing() * 9)

    def minimumSizeHint(self) -> QSize:
        return QSize(12 * 30, self.fontMetrics().lineSpacing() * 6)

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(self.rect()).adjusted(4, 4, -4, -4)
        metrics = self.fontMetrics()
        line = metrics.lineSpacing()
        if not self.months:
            painter.setPen(QColor("#5f6368"))
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, "Нет данных")
            return
        bottom = rect.bottom() - line - 4  # the month labels go under the base line
        top = rect.top() + line + 2  # room for the percentage over a full bar
        height = max(bottom - top, 1.0)
        step = rect.width() / len(self.months)
        bar_width = min(step * 0.62, 64.0)
        # Grid lines at 50 % and 100 %, labelled on the left.
        painter.setPen(QPen(QColor("#dfe3e8"), 1, Qt.PenStyle.DashLine))
        for level in (0.5, 1.0):
            y = bottom - height * level
            painter.drawLine(int(rect.left()), int(y), int(rect.right()), int(y))
        painter.setPen(QPen(QColor("#9aa0a6"), 1))
        painter.drawLine(int(rect.left()), int(bottom), int(rect.right()), int(bottom))
        bold = QFont(self.font())
        bold.setBold(True)
        for i, month in enumerate(self.months):
            centre = rect.left() + step * i + step / 2
            label_box = QRectF(centre - step / 2, bottom + 2, step, line)
            painter.setFont(self.font())
            painter.setPen(QColor("#3c4043"))
            name = SHORT_MONTHS[month.month.month - 1]
            if month.month.month == 1 or i == 0:
                name = f"{name} {month.month.year % 100:02d}" if step > metrics.horizontalAdvance("янв 26 ") else name
            painter.drawText(label_box, Qt.AlignmentFlag.AlignCenter, name)
            if month.share is None:
                painter.setPen(QColor("#9aa0a6"))
                painter.drawText(QRectF(centre - step / 2, bottom - line - 2, step, line), Qt.AlignmentFlag.AlignCenter, "—")
                continue
            bar_height = max(height * month.share, 2.0)
            bar = QRectF(centre - bar_width / 2, bottom - bar_height, bar_width, bar_height)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(bar_colour(month.share))
            painter.drawRoundedRect(bar, 2, 2)
            painter.setFont(bold)
            painter.setPen(QColor("#202124"))
            painter.drawText(
                QRectF(centre - step / 2, bar.top() - line - 1, step, line), Qt.AlignmentFlag.AlignCenter,
                percent(month.share),
            )  # fmt: skip
        painter.end()
