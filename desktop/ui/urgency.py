"""How an appeal's urgency looks: a soft row colour, a small drawn icon and words, and the legend that explains them."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPainterPath, QPen, QPixmap, QPolygonF
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from desktop.domain.appeals import Urgency


@dataclass(frozen=True)
class Look:
    """The row's background, the icon's colour, the text colour, and the words of the legend."""

    background: str
    accent: str
    text: str
    legend: str


LOOKS: dict[Urgency, Look] = {
    Urgency.ON_TRACK: Look("#edf7ee", "#2e7d32", "#1b3d1e", "больше 1 р.д."),
    Urgency.ONE_DAY: Look("#fff6d6", "#c79100", "#4d3800", "остался 1 р.д."),
    Urgency.DUE_TODAY: Look("#ffe6cf", "#e65100", "#5a2400", "срок сегодня"),
    Urgency.OVERDUE: Look("#fde3e4", "#c62828", "#6d0f0f", "просрочено"),
    Urgency.ESCALATED: Look("#f1e6f8", "#7b1fa2", "#3d0a52", "передано выше"),
    Urgency.LEFT_SCHOOL: Look("#e3e7f5", "#303f9f", "#1a2366", "ушло из школы"),
    Urgency.ANSWERED: Look("#f3f3f3", "#6d6d6d", "#555555", "ответ дан"),
}

#: The legend's order: from calm to alarming, then the finished.
LEGEND_ORDER = (
    Urgency.ON_TRACK,
    Urgency.ONE_DAY,
    Urgency.DUE_TODAY,
    Urgency.OVERDUE,
    Urgency.ESCALATED,
    Urgency.LEFT_SCHOOL,
    Urgency.ANSWERED,
)


def urgency_text(urgency: Urgency) -> str:
    """«Срок сегодня»: the urgency's words as a sentence starts."""
    label = urgency.label
    return label[:1].upper() + label[1:]


def _draw(urgency: Urgency, size: int) -> QPixmap:
    """A distinct shape per urgency (so it is told apart without colour): dot, «1», clock, «!», arrow up,
    arrow out, tick."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    p = QPainter(pixmap)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    accent = QColor(LOOKS[urgency].accent)
    s = float(size)
    pad = s * 0.08
    box = QRectF(pad, pad, s - 2 * pad, s - 2 * pad)
    line = max(1.5, s / 9)
    if urgency is Urgency.ON_TRACK:
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(accent)
        p.drawEllipse(box.adjusted(s * 0.12, s * 0.12, -s * 0.12, -s * 0.12))
    elif urgency in (Urgency.ONE_DAY, Urgency.OVERDUE):
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(accent)
        if urgency is Urgency.OVERDUE:
            p.drawRoundedRect(box, s * 0.18, s * 0.18)
        else:
            p.drawEllipse(box)
        font = QFont()
        font.setBold(True)
        font.setPixelSize(max(6, int(s * 0.72)))
        p.setFont(font)
        p.setPen(QColor("white"))
        p.drawText(box, Qt.AlignmentFlag.AlignCenter, "1" if urgency is Urgency.ONE_DAY else "!")
    elif urgency is Urgency.DUE_TODAY:
        p.setPen(QPen(accent, line))
        p.setBrush(QColor("white"))
        p.drawEllipse(box.adjusted(line / 2, line / 2, -line / 2, -line / 2))
        c = box.center()
        p.drawLine(c, QPointF(c.x(), box.top() + s * 0.22))
        p.drawLine(c, QPointF(box.right() - s * 0.24, c.y()))
    elif urgency is Urgency.ESCALATED:
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(accent)
        mid = box.center().x()
        p.drawPolygon(
            QPolygonF(
                [
                    QPointF(mid, box.top()),
                    QPointF(box.right(), box.top() + box.height() * 0.5),
                    QPointF(mid + s * 0.16, box.top() + box.height() * 0.5),
                    QPointF(mid + s * 0.16, box.bottom()),
                    QPointF(mid - s * 0.16, box.bottom()),
                    QPointF(mid - s * 0.16, box.top() + box.height() * 0.5),
                    QPointF(box.left(), box.top() + box.height() * 0.5),
                ]
            )
        )
    elif urgency is Urgency.LEFT_SCHOOL:
        pen = QPen(accent, line)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        p.setPen(pen)
        p.setBrush(Qt.BrushStyle.NoBrush)
        door = QPainterPath()
        door.moveTo(box.left() + s * 0.42, box.top() + s * 0.05)
        door.lineTo(box.left() + s * 0.05, box.top() + s * 0.05)
        door.lineTo(box.left() + s * 0.05, box.bottom() - s * 0.05)
        door.lineTo(box.left() + s * 0.42, box.bottom() - s * 0.05)
        p.drawPath(door)
        y = box.center().y()
        p.drawLine(QPointF(box.left() + s * 0.3, y), QPointF(box.right(), y))
        p.drawLine(QPointF(box.right(), y), QPointF(box.right() - s * 0.25, y - s * 0.25))
        p.drawLine(QPointF(box.right(), y), QPointF(box.right() - s * 0.25, y + s * 0.25))
    else:  # answered: a tick
        pen = QPen(accent, line * 1.2)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        p.setPen(pen)
        tick = QPainterPath()
        tick.moveTo(box.left() + s * 0.06, box.top() + box.height() * 0.55)
        tick.lineTo(box.left() + box.width() * 0.4, box.bottom() - s * 0.1)
        tick.lineTo(box.right() - s * 0.02, box.top() + s * 0.12)
        p.drawPath(tick)
    p.end()
    return pixmap


@cache
def urgency_icon(urgency: Urgency) -> QIcon:
    icon = QIcon()
    for size in (16, 20, 24, 32, 48):
        icon.addPixmap(_draw(urgency, size))
    return icon


def urgency_pixmap(urgency: Urgency, size: int = 16) -> QPixmap:
    return urgency_icon(urgency).pixmap(size, size)


def chip_style(urgency: Urgency) -> str:
    look = LOOKS[urgency]
    return (
        f"background: {look.background}; color: {look.text}; border: 1px solid {look.accent}55;"
        " border-radius: 3px; padding: 1px 6px;"
    )


class UrgencyChip(QWidget):
    """The icon and the words of one urgency on its colour: in the legend and on an appeal's card."""

    def __init__(self, urgency: Urgency, text: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"urgency_{urgency.value}")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(f"#urgency_{urgency.value} {{{chip_style(urgency)}}}")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(5, 2, 7, 2)
        layout.setSpacing(5)
        self.icon = QLabel(self)
        self.icon.setPixmap(urgency_pixmap(urgency, 14))
        self.label = QLabel(text if text is not None else LOOKS[urgency].legend, self)
        self.label.setStyleSheet(f"color: {LOOKS[urgency].text};")
        layout.addWidget(self.icon)
        layout.addWidget(self.label)
        self.setToolTip(urgency_text(urgency))


class UrgencyLegend(QWidget):
    """Under the queue: what each colour and icon means."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("urgency_legend")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        self.chips = [UrgencyChip(urgency, parent=self) for urgency in LEGEND_ORDER]
        for chip in self.chips:
            layout.addWidget(chip)

    def texts(self) -> list[str]:
        return [chip.label.text() for chip in self.chips]


@cache
def notice_icon() -> QIcon:
    """A small red envelope: the appeal was notified to the Department (its 5th or later repeat)."""
    icon = QIcon()
    for size in (16, 24, 32):
        pixmap = QPixmap(size, size)
        pixmap.fill(Qt.GlobalColor.transparent)
        p = QPainter(pixmap)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        s = float(size)
        accent = QColor(LOOKS[Urgency.OVERDUE].accent)
        pen = QPen(accent, max(1.2, s / 12))
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        p.setPen(pen)
        p.setBrush(QColor("#fff5f5"))
        body = QRectF(s * 0.08, s * 0.22, s * 0.84, s * 0.58)
        p.drawRect(body)
        p.drawPolyline(
            QPolygonF(
                [
                    body.topLeft(),
                    QPointF(body.center().x(), body.top() + body.height() * 0.55),
                    body.topRight(),
                ]
            )
        )
        p.end()
        icon.addPixmap(pixmap)
    return icon
