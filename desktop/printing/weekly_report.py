"""The weekly paper report for families without the e-diary (seed 004): «Сведения об успеваемости и посещаемости»
of one student for one week — a table of subjects by days with the marks and absences of each day, each subject's
average for the week and the forecast of the term mark (both written the Russian way, «4,33»), absences counted by
kind, the week's final marks, and a «Получил(а)» line for the representative. The wording is `forms/weekly_report.txt`.

A batch is one PDF (landscape A4, the school's GOST margins) with one report per student, each starting on a new page.
Built for speed: the template, the styles, the column widths and the table style are made once for the whole batch;
table cells are plain strings (wrapped here by measuring), not paragraphs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, PageBreak, Paragraph, Spacer, Table, TableStyle

from desktop.domain.grades import Attendance
from desktop.printing.fonts import Fonts, register_fonts
from desktop.printing.forms import (
    GOST_MARGINS,
    FormError,
    FormTemplate,
    build_pdf,
    content_width,
    fill,
    load_template,
)

if TYPE_CHECKING:
    from desktop.services.grades import WeeklyReport

TEMPLATE = "weekly_report.txt"
PAGESIZE = landscape(A4)
WEEKDAYS = ("Пн", "Вт", "Ср", "Чт", "Пт", "Сб", "Вс")
BODY_SIZE = 12
TABLE_SIZE = 10
#: Column widths in mm before scaling to the page: subject, the days (shared), week average, forecast.
SUBJECT_MM, AVERAGE_MM, FORECAST_MM = 74.0, 24.0, 24.0
CELL_PAD = 3.0


@dataclass(frozen=True)
class _Styles:
    fonts: Fonts
    school: ParagraphStyle
    title: ParagraphStyle
    line: ParagraphStyle
    note: ParagraphStyle
    signature: ParagraphStyle


@lru_cache(maxsize=1)
def _styles() -> _Styles:
    fonts = register_fonts()
    base = ParagraphStyle("weekly_base", fontName=fonts.serif, fontSize=BODY_SIZE, leading=15, alignment=TA_LEFT)
    return _Styles(
        fonts=fonts,
        school=ParagraphStyle("weekly_school", parent=base, fontSize=11, leading=13.5, alignment=TA_CENTER),
        title=ParagraphStyle(
            "weekly_title", parent=base, fontName=fonts.serif_bold, fontSize=14, leading=17, alignment=TA_CENTER,
            spaceBefore=2, spaceAfter=4,
        ),
        line=ParagraphStyle("weekly_line", parent=base, spaceAfter=1),
        note=ParagraphStyle("weekly_note", parent=base, fontName=fonts.serif_italic, fontSize=9, leading=11),
        signature=ParagraphStyle("weekly_signature", parent=base, spaceBefore=4 * mm, spaceAfter=1),
    )  # fmt: skip


def _dmy(day: dt.date) -> str:
    return f"{day:%d.%m.%Y}"


def wrap(text: str, width: float, font: str, size: float) -> str:
    """`text` broken into lines (joined by «\\n») that fit `width` when set in `font` at `size`."""
    if not text or stringWidth(text, font, size) <= width:
        return text
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if current and stringWidth(candidate, font, size) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    return "\n".join(lines)


class _Layout:
    """What is the same for every report of a batch: the template's sections, styles, column widths, table styles."""

    def __init__(self, template: FormTemplate) -> None:
        self.tpl = template
        self.st = _styles()
        self.width = content_width(GOST_MARGINS, pagesize=PAGESIZE)
        self.school = [t for t in template.section("школа").splitlines() if t.strip()]
        self.title = " ".join(template.section("заголовок").split())
        self.student = [t for t in template.section("ученик").splitlines() if t.strip()]
        heads = [t.strip() for t in template.section("столбцы").splitlines() if t.strip()]
        if len(heads) != 3:
            raise FormError(
                f"Бланк «{template.name}»: в разделе [столбцы] нужны три строки — предмет, среднее за неделю, прогноз."
            )
        self.heads = heads
        self.absences = " ".join(template.section("пропуски").split())
        self.finals = " ".join(template.section("итоговые", "").split())
        self.note = " ".join(template.section("примечание", "").split())
        self.received = " ".join(template.section("получил").split())
        self.printed = " ".join(template.section("дата", "").split())
        self._tables: dict[int, tuple[list[float], TableStyle, list[str]]] = {}

    def table_layout(self, days: int) -> tuple[list[float], TableStyle, list[str]]:
        """Column widths, the table style and the wrapped column headers for a table of `days` day columns."""
        if days not in self._tables:
            day_mm = max((self.width / mm - SUBJECT_MM - AVERAGE_MM - FORECAST_MM) / days, 12)
            raw = [SUBJECT_MM, *[day_mm] * days, AVERAGE_MM, FORECAST_MM]
            scale = self.width / (sum(raw) * mm)
            widths = [w * mm * scale for w in raw]
            fonts = self.st.fonts
            heads = [
                wrap(h, widths[i] - 2 * CELL_PAD, fonts.sans_bold, TABLE_SIZE)
                for i, h in ((0, self.heads[0]), (len(widths) - 2, self.heads[1]), (len(widths) - 1, self.heads[2]))
            ]
            style = TableStyle(
                [
                    ("FONT", (0, 0), (-1, -1), fonts.sans, TABLE_SIZE, TABLE_SIZE + 1.5),
                    ("FONT", (0, 0), (-1, 0), fonts.sans_bold, TABLE_SIZE, TABLE_SIZE + 1.5),
                    ("FONT", (-2, 1), (-1, -1), fonts.sans_bold, TABLE_SIZE, TABLE_SIZE + 1.5),
                    ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#444444")),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E8ECEF")),
                    ("ALIGN", (1, 0), (-1, -1), "CENTER"),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
                    ("LEFTPADDING", (0, 0), (-1, -1), CELL_PAD),
                    ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PAD),
                ]
            )
            self._tables[days] = (widths, style, heads)
        return self._tables[days]

    def fill(self, text: str, values: dict[str, str]) -> str:
        return fill(text, values, template=self.tpl.name)


def _absences(report: WeeklyReport) -> str:
    return ", ".join(f"{kind.value} ({kind.label}) — {report.absences.get(kind, 0)}" for kind in Attendance)


def _finals(report: WeeklyReport) -> str:
    return "; ".join(f"{subject}, {work} — {mark}" if work else f"{subject} — {mark}" for subject, work, mark in report.finals)


def _table(report: WeeklyReport, layout: _Layout) -> Table:
    widths, style, heads = layout.table_layout(len(report.days))
    font = layout.st.fonts.sans
    rows: list[list[str]] = [[heads[0], *(f"{WEEKDAYS[d.weekday()]} {d:%d.%m}" for d in report.days), heads[1], heads[2]]]
    subject_room = widths[0] - 2 * CELL_PAD
    day_room = widths[1] - 2 * CELL_PAD
    for line in report.subjects:
        row = [wrap(line.subject, subject_room, font, TABLE_SIZE)]
        for day in report.days:
            # Final marks (term, year, exam) are listed under the table, not mixed with the day's current marks;
            # an absence on their lesson still shows. Several lessons of a day: «5, 4», «Н, 5».
            texts = [e.attendance if e.final else e.text for e in line.cells.get(day, ())]
            row.append(wrap(", ".join(t for t in texts if t), day_room, font, TABLE_SIZE))
        row += [line.week_average, line.term_average]
        rows.append(row)
    table = Table(rows, colWidths=widths, repeatRows=1, hAlign="LEFT", style=style)
    if not report.subjects:
        rows.append(["Отметок и пропусков за неделю нет", *[""] * (len(widths) - 1)])
        table = Table(rows, colWidths=widths, repeatRows=1, hAlign="LEFT", style=style)
        table.setStyle(TableStyle([("SPAN", (0, 1), (-1, 1)), ("ALIGN", (0, 1), (-1, 1), "CENTER")]))
    return table


def _report_story(report: WeeklyReport, layout: _Layout) -> list[Flowable]:
    st = layout.st
    values = {
        "школа": report.school_name or report.school_short_name,
        "школа_кратко": report.school_short_name or report.school_name,
        "ученик": report.student_name,
        "класс": report.class_name,
        "начало": _dmy(report.week_start),
        "конец": _dmy(report.week_end),
        "четверть": report.term_name or "четверть",
        "пропуски": _absences(report),
        "итоговые": _finals(report),
        "дата_печати": _dmy(report.printed_on),
    }
    story: list[Flowable] = [Paragraph(layout.fill(t, values), st.school) for t in layout.school]
    story.append(Paragraph(layout.fill(layout.title, values), st.title))
    story += [Paragraph(layout.fill(t, values), st.line) for t in layout.student]
    story.append(Spacer(1, 2 * mm))
    story.append(_table(report, layout))
    story.append(Spacer(1, 3 * mm))
    story.append(Paragraph(layout.fill(layout.absences, values), st.line))
    if report.finals and layout.finals:
        story.append(Paragraph(layout.fill(layout.finals, values), st.line))
    if layout.note:
        story.append(Paragraph(layout.fill(layout.note, values), st.note))
    story.append(Paragraph(layout.fill(layout.received, values), st.signature))
    if layout.printed:
        story.append(Paragraph(layout.fill(layout.printed, values), st.line))
    return story


def render_weekly_reports(reports: Sequence[WeeklyReport], path: Path | str, *, template: Path | None = None) -> int:
    """Write the reports to one PDF at `path`, each starting on a new page; returns how many were written.
    An empty batch is a :class:`FormError` (there is nothing to print)."""
    if not reports:
        raise FormError("Нет отчётов для печати.")
    layout = _Layout(load_template(template or TEMPLATE))
    story: list[Flowable] = []
    for i, report in enumerate(reports):
        if i:
            story.append(PageBreak())
        story += _report_story(report, layout)
    first = reports[0]
    title = (
        f"Сведения об успеваемости и посещаемости: {first.student_name}"
        if len(reports) == 1
        else f"Сведения об успеваемости и посещаемости: {len(reports)} уч."
    )
    build_pdf(
        Path(path),
        story,
        title=title,
        author=first.school_short_name or first.school_name,
        subject=f"Неделя с {_dmy(first.week_start)} по {_dmy(first.week_end)}",
        pagesize=PAGESIZE,
    )
    return len(reports)


__all__ = ["render_weekly_reports", "wrap"]
