"""The notice for class teachers about errors in the e-journal ЭПОС (seed 001, DOMAIN.md §3), as a one-page A4 PDF.

Who to bring a problem to (the school's ЭПОС administrator: name, room, phone — a handwriting line where the setting
is empty), what to collect from the user (the four items the regulation requires), when a correction takes effect
(the next day after 14:00 except Saturday and Sunday, with a table by weekday computed by the domain's own rule) and
СТП's contacts. The wording lives in `forms/support_notice.txt`; the layout is the forms' own (`desktop.printing.forms`:
GOST R 7.0.97-2016 margins, DejaVu fonts). It holds no personal data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from desktop.domain.russian import WEEKDAYS_SHORT
from desktop.domain.support import correction_effective_at
from desktop.printing.forms import (
    Blank,
    FormTemplate,
    Styles,
    Value,
    build_pdf,
    content_width,
    fill,
    form_styles,
    initials_surname,
    load_template,
    render_text,
    tie,
)

TEMPLATE = "support_notice.txt"
#: seed 001: «Контактные данные СТП указаны на сайте ЭПОС https://epos.permkrai.ru/».
EPOS_SITE = "https://epos.permkrai.ru/"
#: The notice's body size: a point smaller than a letter's, so that the whole notice stays on one page.
FONT_SIZE = 11.0
MIN_FONT_SIZE = 9.0
CARD_FILL = colors.HexColor("#EEF3F7")
CARD_RULE = colors.HexColor("#7A8793")
HEAD_FILL = colors.HexColor("#DDE7F0")


@dataclass(frozen=True)
class SupportNotice:
    """Everything the notice says: the school's settings (`SupportService.contacts()`) and the date it is printed."""

    school: str
    date: dt.date
    admin_name: str = ""
    admin_room: str = ""
    admin_phone: str = ""
    stp_phone: str = ""
    stp_email: str = ""
    stp_web_form: str = ""
    #: The school's setting: a public holiday delays a correction too (off by default, as the regulation reads).
    holidays_delay: bool = False


def _text_or_blank(value: str, chars: int) -> Value:
    return value.strip() if value.strip() else Blank(chars)


def _values(notice: SupportNotice, table: Flowable) -> dict[str, Value]:
    return {
        "школа": notice.school,
        "дата": f"{notice.date:%d.%m.%Y}",
        "администратор": _text_or_blank(notice.admin_name, 40),
        "кабинет": _text_or_blank(notice.admin_room, 12),
        "телефон": _text_or_blank(notice.admin_phone, 22),
        "исключения": (
            "субботы, воскресенья и нерабочих праздничных дней"
            if notice.holidays_delay
            else "субботы и воскресенья"
        ),
        "таблица": table,
        "телефон_стп": notice.stp_phone or "—",
        "почта_стп": notice.stp_email or "—",
        "форма_стп": notice.stp_web_form or "—",
        "сайт_эпос": EPOS_SITE,
    }


def weekday_table(st: Styles, width: float) -> Table:
    """«Исправлено в ЭПОС: пн … вс» over «Пользователь увидит после 14:00: вт … пн», by the domain's rule for a plain
    week (Saturday and Sunday skipped; holidays are not in a week that has no date)."""
    monday = dt.date(2026, 11, 23)  # any Monday of a week without holidays: only the weekdays are printed
    cell = ParagraphStyle("notice_cell", parent=st.cell, alignment=TA_CENTER, fontSize=10, leading=12)
    head = ParagraphStyle(
        "notice_cell_head", parent=st.cell, fontName=st.fonts.sans_bold, fontSize=9.5, leading=11.5
    )
    changed, seen = (
        [Paragraph("Исправлено в ЭПОС", head)],
        [Paragraph("Пользователь увидит после 14:00", head)],
    )
    for i in range(7):
        day = monday + dt.timedelta(days=i)
        effective = correction_effective_at(dt.datetime.combine(day, dt.time(12, 0)))
        later = (effective.date() - day).days > 1
        changed.append(Paragraph(WEEKDAYS_SHORT[day.weekday()], cell))
        text = WEEKDAYS_SHORT[effective.weekday()]
        seen.append(Paragraph(f"<b>{text}</b>" if later else text, cell))
    first = 52 * mm
    table = Table([changed, seen], colWidths=[first] + [(width - first) / 7] * 7, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, CARD_RULE),
                ("BACKGROUND", (0, 0), (0, -1), HEAD_FILL),
                ("BACKGROUND", (6, 0), (-1, 0), colors.HexColor("#F3F3F3")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return table


def _headed(tpl: FormTemplate, name: str) -> tuple[str, str]:
    """A section's heading (its first line) and its text (after the empty line)."""
    text = tpl.section(name)
    head, _, rest = text.partition("\n")
    return head.strip(), rest.strip()


def _section_head(markup: str, st: Styles, size: float) -> Paragraph:
    style = ParagraphStyle(
        "notice_head", parent=st.base, fontName=st.fonts.sans_bold, fontSize=size, leading=size * 1.23, spaceBefore=6,
        spaceAfter=3, textColor=colors.HexColor("#1F3B57"),
    )  # fmt: skip
    return Paragraph(markup, style)


def _card(flowables: list[Flowable], width: float) -> Table:
    """The administrator's contacts in a shaded box with a rule on the left: what a class teacher looks for first."""
    box = Table([[flowables]], colWidths=[width])
    box.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), CARD_FILL),
                ("LINEBEFORE", (0, 0), (0, -1), 2, CARD_RULE),
                ("LEFTPADDING", (0, 0), (-1, -1), 4 * mm),
                ("RIGHTPADDING", (0, 0), (-1, -1), 4 * mm),
                ("TOPPADDING", (0, 0), (-1, -1), 2.5 * mm),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5 * mm),
            ]
        )
    )
    return box


def _signature(position: str, admin_name: str, st: Styles, width: float) -> Table:
    name = tie(escape(initials_surname(admin_name))) if admin_name.strip() else "_" * 18
    table = Table(
        [
            [
                Paragraph(position, st.base),
                Paragraph("_________________", st.center),
                Paragraph(name, st.right),
            ]
        ],
        colWidths=[width * 0.40, width * 0.30, width * 0.30],
    )
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table


def render_support_notice(notice: SupportNotice, path: Path, *, template: Path | None = None) -> Path:
    """Write the notice to `path` as a one-page A4 PDF and return the path.

    A school that made the text longer (or has a long name) still gets one page: the notice is laid out again a
    half point smaller, down to `MIN_FONT_SIZE`, until it fits."""
    tpl: FormTemplate = load_template(template or TEMPLATE)
    size = FONT_SIZE
    pages: list[int] = []  # the page numbers laid out, by the page hook
    while True:
        pages.clear()
        build_pdf(
            path,
            _story(notice, tpl, size),
            title="Памятка классному руководителю: ошибки в работе ЭПОС",
            author=notice.school,
            subject="Куда обращаться при ошибках в ЭПОС, что собрать у пользователя, контакты СТП",
            on_page=lambda canvas, doc: pages.append(doc.page),
        )
        if len(pages) <= 1 or size <= MIN_FONT_SIZE:
            return Path(path)
        size -= 0.5


def _story(notice: SupportNotice, tpl: FormTemplate, size: float) -> list[Flowable]:
    st = form_styles(size)
    width = content_width()
    body = ParagraphStyle(
        "notice_body", parent=st.body, alignment=TA_LEFT, firstLineIndent=0, spaceAfter=2, leading=size * 1.3
    )
    values = _values(notice, weekday_table(st, width))

    def body_of(text: str) -> list[Flowable]:
        return render_text(text, values, template=tpl.name, style=body, styles=st, width=width)

    def card_of(section: str) -> list[Flowable]:
        flowables = render_text(
            tpl.section(section, ""), values, template=tpl.name, style=card_style, styles=st, width=width - 8 * mm,
            by_lines=True,
        )  # fmt: skip
        return [Spacer(1, 1.5 * mm), _card(flowables, width)] if flowables else []

    school = ParagraphStyle(
        "notice_school", parent=st.center, fontName=st.fonts.serif_bold, fontSize=11, leading=14
    )
    story: list[Flowable] = [
        Paragraph(fill(line, values, template=tpl.name), school)
        for line in tpl.section("школа").splitlines()
        if line.strip()
    ]
    story.append(Spacer(1, 4 * mm))
    story += [
        Paragraph(fill(line, values, template=tpl.name), st.title)
        for line in tpl.section("заголовок").splitlines()
        if line.strip()
    ]
    date_style = ParagraphStyle("notice_date", parent=st.right, fontSize=10, leading=12)
    story += [
        Paragraph(fill(line, values, template=tpl.name), date_style)
        for line in tpl.section("дата", "").splitlines()
        if line.strip()
    ]
    story.append(Spacer(1, 2 * mm))

    card_style = ParagraphStyle("notice_card", parent=st.base, spaceBefore=2)
    for name, card in (("куда", "администратор"), ("собрать", ""), ("сроки", ""), ("стп", "контакты стп")):
        head, text = _headed(tpl, name)
        story += [_section_head(fill(head, values, template=tpl.name), st, size), *body_of(text)]
        if card:
            story += card_of(card)

    position = " ".join(
        fill(line, values, template=tpl.name) for line in tpl.section("подпись", "").splitlines()
    )
    if position.strip():
        story += [Spacer(1, 5 * mm), KeepTogether([_signature(position, notice.admin_name, st, width)])]
    return story


__all__ = ["EPOS_SITE", "SupportNotice", "render_support_notice", "weekday_table"]
