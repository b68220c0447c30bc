"""The letter to the regional Department about the 5th and every later repeat of an appeal (seed 000 §3), as a PDF.

The wording comes from `forms/appeal_department_notice.txt`, which a school may edit; the layout follows a Russian
official letter (GOST R 7.0.97-2016): the school's requisites top left with the letter's date and number, the
addressee top right, a title, the justified text, the signature line with the director's initials and surname.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from desktop.printing.fonts import register_fonts
from desktop.printing.forms import (
    GOST_MARGINS,
    Margins,
    build_pdf,
    content_width,
    fill,
    initials_surname,
    read_sections,
    template_path,
    tie,
)

TEMPLATE = "appeal_department_notice.txt"
TABLE_MARK = "{таблица}"
TEXT_MARK = "{текст_обращения}"
SECTIONS = ("адресат", "заголовок", "текст", "подпись")
#: The letter's frame keeps this much (6 pt) inside the margins on each side, as it always has.
FRAME_PADDING = 6
#: GOST R 7.0.97-2016 margins; the letter keeps its 15 mm on the right (10 mm or more is the rule).
LETTER_MARGINS = Margins(left=GOST_MARGINS.left, right=15 * mm, top=GOST_MARGINS.top, bottom=GOST_MARGINS.bottom)
NBSP = "\u00a0"


@dataclass(frozen=True)
class ThreadLine:
    """One appeal of the thread, as the letter lists it."""

    number: str
    registered: dt.datetime  # school time
    answered: dt.datetime | None  # school time
    current: bool = False


@dataclass(frozen=True)
class NoticeLetter:
    """Everything the letter says: plain data, gathered by the appeals service."""

    school_name: str
    school_short_name: str
    school_address: str
    school_email: str
    director_name: str
    department: str
    date: dt.date
    applicant: str
    applicant_contacts: str
    number: str
    registered: dt.datetime  # school time
    repeat_no: int
    text: str
    thread: Sequence[ThreadLine]
    executor: str = ""


def read_template(path: Path | None = None) -> dict[str, str]:
    """The template's sections by name; lines starting with «#» are comments."""
    return read_sections(path or template_path(TEMPLATE))


def _fill(text: str, values: dict[str, str]) -> str:
    """Put the values (already escaped for reportlab) in place of {placeholders}; an unknown one stays as typed.
    «№» and initials keep to the word after them (a justified line never ends with «№»)."""
    return fill(text, values, template=TEMPLATE, strict=False, escaped=True)


def _dmy(moment: dt.datetime | dt.date) -> str:
    return moment.strftime("%d.%m.%Y")


def _values(letter: NoticeLetter) -> dict[str, str]:
    first = letter.thread[0] if letter.thread else None
    plain = {
        "школа": letter.school_name,
        "школа_кратко": letter.school_short_name or letter.school_name,
        "адрес_школы": letter.school_address,
        "почта_школы": letter.school_email,
        "директор": letter.director_name,
        "департамент": letter.department,
        "заявитель": letter.applicant,
        "контакты_заявителя": letter.applicant_contacts or "контакты не указаны",
        "номер": letter.number,
        "дата_регистрации": _dmy(letter.registered),
        "повтор": str(letter.repeat_no),
        "первое_обращение": first.number if first else letter.number,
        "дата_первого": _dmy(first.registered) if first else _dmy(letter.registered),
        "всего_обращений": str(len(letter.thread)),
        "дата_письма": _dmy(letter.date),
    }
    return {key: escape(value) for key, value in plain.items()}


def render_notice(letter: NoticeLetter, path: Path, *, template: Path | None = None) -> Path:
    """Write the letter to `path` as an A4 PDF and return the path."""
    fonts = register_fonts()
    sections = read_template(template)
    values = _values(letter)

    base = ParagraphStyle("base", fontName=fonts.serif, fontSize=12, leading=16)
    body = ParagraphStyle("body", parent=base, alignment=TA_JUSTIFY, firstLineIndent=12.5 * mm, spaceAfter=6)
    small = ParagraphStyle("small", parent=base, fontSize=10, leading=13)
    school_title = ParagraphStyle(
        "school", parent=base, fontName=fonts.serif_bold, fontSize=11, leading=14, alignment=TA_CENTER
    )
    school_line = ParagraphStyle("school_line", parent=small, alignment=TA_CENTER)
    addressee = ParagraphStyle("addressee", parent=base, fontSize=13, leading=17, alignment=TA_LEFT)
    title = ParagraphStyle(
        "title",
        parent=base,
        fontName=fonts.serif_bold,
        fontSize=13,
        leading=17,
        alignment=TA_CENTER,
        spaceBefore=6,
        spaceAfter=12,
    )
    quote = ParagraphStyle(
        "quote", parent=base, fontName=fonts.serif_italic, fontSize=11, leading=15, alignment=TA_JUSTIFY
    )
    cell = ParagraphStyle("cell", parent=base, fontName=fonts.sans, fontSize=9.5, leading=12)
    executor = ParagraphStyle("executor", parent=base, fontName=fonts.sans, fontSize=8.5, leading=11)

    width = content_width(LETTER_MARGINS, padding=FRAME_PADDING)

    # -- requisites (left) and addressee (right) --------------------------------------------------------------
    requisites = [Paragraph(escape(letter.school_name), school_title)]
    for line in (letter.school_address, f"E-mail: {letter.school_email}" if letter.school_email else ""):
        if line:
            requisites.append(Paragraph(escape(line), school_line))
    requisites += [
        Spacer(1, 4 * mm),
        Paragraph(f"<u>&nbsp;{_dmy(letter.date)}&nbsp;</u> № ______________", school_line),
        Paragraph("На № ______________ от ______________", school_line),
    ]
    to = [
        Paragraph(_fill(escape(line), values), addressee)
        for line in sections.get("адресат", "{департамент}").splitlines()
        if line.strip()
    ]
    head = Table([[requisites, "", to]], colWidths=[82 * mm, width - 82 * mm - 75 * mm, 75 * mm])
    head.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )

    story: list[Flowable] = [head, Spacer(1, 12 * mm)]
    for line in sections.get("заголовок", "").splitlines():
        if line.strip():
            story.append(Paragraph(_fill(escape(line), values), title))

    # -- the text, with the thread's table and the appeal's own text where the template puts them ---------------
    for paragraph in re.split(r"\n\s*\n", sections.get("текст", "")):
        paragraph = " ".join(paragraph.split())
        if not paragraph:
            continue
        if paragraph == TABLE_MARK:
            story += [_thread_table(letter, cell, width), Spacer(1, 4 * mm)]
        elif paragraph == TEXT_MARK:
            text = "<br/>".join(escape(line) for line in letter.text.splitlines())
            box = Table([[Paragraph(text, quote)]], colWidths=[width - 10 * mm])
            box.setStyle(
                TableStyle(
                    [
                        ("LINEBEFORE", (0, 0), (0, -1), 1.2, colors.HexColor("#7A8793")),
                        ("LEFTPADDING", (0, 0), (-1, -1), 4 * mm),
                        ("TOPPADDING", (0, 0), (-1, -1), 1 * mm),
                        ("BOTTOMPADDING", (0, 0), (-1, -1), 1 * mm),
                    ]
                )
            )
            box.hAlign = "RIGHT"
            story += [box, Spacer(1, 4 * mm)]
        else:
            story.append(Paragraph(_fill(escape(paragraph), values), body))

    # -- signature ---------------------------------------------------------------------------------------------
    position = " ".join(
        _fill(escape(line), values) for line in sections.get("подпись", "Директор").splitlines()
    )
    signature = Table(
        [
            [
                Paragraph(position, base),
                Paragraph("_________________", ParagraphStyle("s", parent=base, alignment=TA_CENTER)),
                Paragraph(
                    tie(escape(initials_surname(letter.director_name))),
                    ParagraphStyle("n", parent=base, alignment=TA_RIGHT),
                ),
            ]
        ],
        colWidths=[width * 0.42, width * 0.28, width * 0.30],
    )
    signature.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    story += [Spacer(1, 12 * mm), KeepTogether([signature])]
    if letter.executor:
        story += [Spacer(1, 18 * mm), Paragraph(f"Исп.: {escape(letter.executor)}", executor)]

    return build_pdf(
        path,
        story,
        title=f"Уведомление о повторном обращении № {letter.number}",
        author=letter.school_short_name or letter.school_name,
        subject=f"{letter.repeat_no}-е повторное обращение: {letter.applicant}",
        margins=LETTER_MARGINS,
        padding=FRAME_PADDING,
        on_page=_page_number,
    )


def _thread_table(letter: NoticeLetter, cell: ParagraphStyle, width: float) -> Table:
    """The thread's appeals: number, registered, answered; the current one shaded."""
    center = ParagraphStyle(cell.name + "_center", parent=cell, alignment=TA_CENTER)
    head = ParagraphStyle(cell.name + "_head", parent=center, fontName=register_fonts().sans_bold)
    rows: list[list[Flowable]] = [
        [Paragraph(h, head) for h in ("№ п/п", "Обращение", "Дата регистрации", "Дата ответа")]
    ]
    for i, line in enumerate(letter.thread, start=1):
        answered = (
            line.answered.strftime("%d.%m.%Y")
            if line.answered
            else ("на рассмотрении" if line.current else "ответа нет")
        )
        kind = "первое" if i == 1 else f"{i - 1}-е повторное"
        rows.append(
            [
                Paragraph(str(i), center),
                Paragraph(f"№{NBSP}{escape(line.number)} ({kind})", cell),
                Paragraph(line.registered.strftime("%d.%m.%Y %H:%M"), center),
                Paragraph(answered, center),
            ]
        )
    table = Table(rows, colWidths=[14 * mm, width - 14 * mm - 2 * 38 * mm, 38 * mm, 38 * mm], repeatRows=1)
    style = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#555555")),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E8ECEF")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    for i, line in enumerate(letter.thread, start=1):
        if line.current:
            style.append(("BACKGROUND", (0, i), (-1, i), colors.HexColor("#FFF4CC")))
    table.setStyle(TableStyle(style))
    return table


def _page_number(canvas: Canvas, doc: BaseDocTemplate) -> None:
    """From the second page on, its number at the top centre (as official letters number their pages)."""
    if doc.page < 2:
        return
    canvas.saveState()
    canvas.setFont(register_fonts().serif, 10)
    canvas.drawCentredString(A4[0] / 2, A4[1] - 12 * mm, str(doc.page))
    canvas.restoreState()


__all__ = ["NoticeLetter", "ThreadLine", "initials_surname", "read_template", "render_notice"]
