"""How a queue row's urgency looks (an appeal's, an initiative ticket's or a support request's): a soft row colour, a small drawn icon and
words, and the legend that explains them.

The two queues' urgencies are separate enums whose shared values (on_track, one_day, due_today, overdue, answered)
look the same: the looks are keyed by the value, so either enum finds them."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPainterPath, QPen, QPixmap, QPolygonF
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from desktop.domain.appeals import Urgency
from desktop.domain.support import Urgency as SupportUrgency
from desktop.domain.tickets import Urgency as TicketUrgency

#: Any queue's urgency; all are StrEnums, so a ticket's or a support request's «on_track» finds the appeal's look of
#: that value.
AnyUrgency = Urgency | TicketUrgency | SupportUrgency


@dataclass(frozen=True)
class Look:
    """The row's background, the icon's colour, the text colour, and the words of the legend."""

    background: str
    accent: str
    text: str
    legend: str


LOOKS: dict[AnyUrgency, Look] = {
    Urgency.ON_TRACK: Look("#edf7ee", "#2e7d32", "#1b3d1e", "больше 1 р.д."),
    Urgency.ONE_DAY: Look("#fff6d6", "#c79100", "#4d3800", "остался 1 р.д."),
    Urgency.DUE_TODAY: Look("#ffe6cf", "#e65100", "#5a2400", "срок сегодня"),
    Urgency.OVERDUE: Look("#fde3e4", "#c62828", "#6d0f0f", "просрочено"),
    Urgency.ESCALATED: Look("#f1e6f8", "#7b1fa2", "#3d0a52", "передано выше"),
    Urgency.LEFT_SCHOOL: Look("#e3e7f5", "#303f9f", "#1a2366", "ушло из школы"),
    Urgency.ANSWERED: Look("#f3f3f3", "#6d6d6d", "#555555", "ответ дан"),
    TicketUrgency.LATE: Look("#f6ebe4", "#8d4e2a", "#4a2410", "подана позже срока"),
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
#: The tickets' legend: the same looks, the late ones, and «завершена» for the finished.
TICKET_LEGEND_ORDER = (
    TicketUrgency.ON_TRACK,
    TicketUrgency.ONE_DAY,
    TicketUrgency.DUE_TODAY,
    TicketUrgency.OVERDUE,
    TicketUrgency.LATE,
    TicketUrgency.FINISHED,
)
#: Where a ticket's legend words differ from the appeal's look of the same value.
TICKET_LEGEND_WORDS: dict[TicketUrgency, str] = {TicketUrgency.FINISHED: "завершена"}
#: The support requests' legend (seed 001): waiting for something not late, the administrator's turn, open at СТП
#: too long, finished. The same looks as the other queues, their own words.
SUPPORT_LEGEND_ORDER = (
    SupportUrgency.ON_TRACK,
    SupportUrgency.DUE_TODAY,
    SupportUrgency.OVERDUE,
    SupportUrgency.ANSWERED,
)
SUPPORT_LEGEND_WORDS: dict[SupportUrgency, str] = {
    SupportUrgency.ON_TRACK: "ждёт (в срок)",
    SupportUrgency.DUE_TODAY: "нужно действие",
    SupportUrgency.OVERDUE: "долго в СТП",
    SupportUrgency.ANSWERED: "завершено",
}
#: A support request's urgency as a sentence (the support enum has no labels of its own).
SUPPORT_URGENCY_TEXTS: dict[SupportUrgency, str] = {
    SupportUrgency.ON_TRACK: "ждёт: в срок",
    SupportUrgency.DUE_TODAY: "нужно действие администратора",
    SupportUrgency.OVERDUE: "открыт в СТП дольше, чем положено",
    SupportUrgency.ANSWERED: "завершён",
}


def legend_text(urgency: AnyUrgency) -> str:
    """The legend's short words for `urgency`, as its own queue says them."""
    if isinstance(urgency, TicketUrgency) and urgency in TICKET_LEGEND_WORDS:
        return TICKET_LEGEND_WORDS[urgency]
    if isinstance(urgency, SupportUrgency):
        return SUPPORT_LEGEND_WORDS[urgency]
    return LOOKS[urgency].legend


def urgency_text(urgency: AnyUrgency) -> str:
    """«Срок сегодня»: the urgency's words as a sentence starts."""
    label = SUPPORT_URGENCY_TEXTS[urgency] if isinstance(urgency, SupportUrgency) else urgency.label
    return label[:1].upper() + label[1:]


def _draw(urgency: AnyUrgency, size: int) -> QPixmap:
    """A distinct shape per urgency (so it is told apart without colour): dot, «1», clock, «!», arrow up,
    arrow out, hourglass (submitted late), tick. Compared by value (==), so a ticket's urgency draws the same."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    p = QPainter(pixmap)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    accent = QColor(LOOKS[urgency].accent)
    s = float(size)
    pad = s * 0.08
    box = QRectF(pad, pad, s - 2 * pad, s - 2 * pad)
    line = max(1.5, s / 9)
    if urgency == Urgency.ON_TRACK:
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(accent)
        p.drawEllipse(box.adjusted(s * 0.12, s * 0.12, -s * 0.12, -s * 0.12))
    elif urgency == Urgency.ONE_DAY or urgency == Urgency.OVERDUE:
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(accent)
        if urgency == Urgency.OVERDUE:
            p.drawRoundedRect(box, s * 0.18, s * 0.18)
        else:
            p.drawEllipse(box)
        font = QFont()
        font.setBold(True)
        font.setPixelSize(max(6, int(s * 0.72)))
        p.setFont(font)
        p.setPen(QColor("white"))
        p.drawText(box, Qt.AlignmentFlag.AlignCenter, "1" if urgency == Urgency.ONE_DAY else "!")
    elif urgency == Urgency.DUE_TODAY:
        p.setPen(QPen(accent, line))
        p.setBrush(QColor("white"))
        p.drawEllipse(box.adjusted(line / 2, line / 2, -line / 2, -line / 2))
        c = box.center()
        p.drawLine(c, QPointF(c.x(), box.top() + s * 0.22))
        p.drawLine(c, QPointF(box.right() - s * 0.24, c.y()))
    elif urgency == Urgency.ESCALATED:
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
    elif urgency == Urgency.LEFT_SCHOOL:
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
    elif urgency == TicketUrgency.LATE:  # an hourglass: it came in after its time
        pen = QPen(accent, line * 0.8)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        p.setPen(pen)
        p.setBrush(accent)
        mid = box.center()
        left, right = box.left() + s * 0.12, box.right() - s * 0.12
        p.drawPolygon(QPolygonF([QPointF(left, box.top()), QPointF(right, box.top()), mid]))
        p.drawPolygon(QPolygonF([QPointF(left, box.bottom()), QPointF(right, box.bottom()), mid]))
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
def urgency_icon(urgency: AnyUrgency) -> QIcon:
    icon = QIcon()
    for size in (16, 20, 24, 32, 48):
        icon.addPixmap(_draw(urgency, size))
    return icon


def urgency_pixmap(urgency: AnyUrgency, size: int = 16) -> QPixmap:
    return urgency_icon(urgency).pixmap(size, size)


def chip_style(urgency: AnyUrgency) -> str:
    look = LOOKS[urgency]
    return (
        f"background: {look.background}; color: {look.text}; border: 1px solid {look.accent}55;"
        " border-radius: 3px; padding: 1px 6px;"
    )


class UrgencyChip(QWidget):
    """The icon and the words of one urgency on its colour: in the legend and on an appeal's or a ticket's card."""

    def __init__(self, urgency: AnyUrgency, text: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"urgency_{urgency.value}")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(f"#urgency_{urgency.value} {{{chip_style(urgency)}}}")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(5, 2, 7, 2)
        layout.setSpacing(5)
        self.icon = QLabel(self)
        self.icon.setPixmap(urgency_pixmap(urgency, 14))
        self.label = QLabel(text if text is not None else legend_text(urgency), self)
        self.label.setStyleSheet(f"color: {LOOKS[urgency].text};")
        layout.addWidget(self.icon)
        layout.addWidget(self.label)
        self.setToolTip(urgency_text(urgency))


class UrgencyLegend(QWidget):
    """Under the queue: what each colour and icon means (`order`: the urgencies of that queue)."""

    def __init__(
        self, parent: QWidget | None = None, order: tuple[AnyUrgency, ...] = LEGEND_ORDER
    ) -> None:
        super().__init__(parent)
        self.setObjectName("urgency_legend")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        self.chips = [UrgencyChip(urgency, parent=self) for urgency in order]
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
