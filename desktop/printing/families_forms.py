"""The paper forms of e-journal access and opting out (seeds 003, 004; DOMAIN.md §5), as A4 PDFs.

Each form takes a plain frozen dataclass gathered by the families service (no database here) and a path; the
wording lives in `forms/` (appendix2.txt, appendix3.txt, access_application.txt, access_slip.txt,
access_refusal.txt); the register of issued codes is a table laid out here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    FrameBreak,
    KeepTogether,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from desktop.domain.families import Appendix, CodeState, Handover, RefusalGround, Relation
from desktop.printing.forms import (
    GOST_MARGINS,
    Blank,
    Checklist,
    FormTemplate,
    Styles,
    Value,
    block,
    build_pdf,
    content_width,
    fill,
    form_styles,
    initials_surname,
    load_template,
    render_text,
    surname_initials,
    tie,
)

SCISSORS = "\u2702"


@dataclass(frozen=True)
class School:
    """The school's details from settings."""

    short_name: str
    director_name: str  # full name: «Супрун Ирина Евгеньевна»
    name: str = ""  # the full name, as in the charter
    ejournal_name: str = ""  # settings «ejournal_name»
    ejournal_url: str = ""  # settings «ejournal_url»


@dataclass(frozen=True)
class Representative:
    """A legal representative as the forms name them."""

    full_name: str
    address: str = ""
    relation: Relation | None = None
    phone: str = ""
    email: str = ""


@dataclass(frozen=True)
class OptOutApplication:
    """Appendix 2 or 3 of seed 004: up to two representatives; `blank` prints lines for the people and address."""

    school: School
    child: str = ""
    class_name: str = ""
    representatives: tuple[Representative, ...] = ()
    blank: bool = False


@dataclass(frozen=True)
class AccessApplication:
    """«Приложение 1»: a representative's application for access, with the consent to tick."""

    school: School
    representative: Representative = Representative("")
    child: str = ""
    class_name: str = ""
    blank: bool = False


@dataclass(frozen=True)
class AccessSlip:
    """The registration-code slip: the upper half stays in the school, the lower one goes to the family."""

    school: School
    child: str = ""
    class_name: str = ""
    representative: str = ""
    code: str = ""
    issued_by: str = ""
    issued_on: dt.date | None = None
    number: str = ""
    blank: bool = False


@dataclass(frozen=True)
class RefusalDecision:
    """The director's decision to refuse the service, with its grounds from the closed list."""

    school: School
    number: str = ""
    date: dt.date | None = None
    applicant: str = ""
    child: str = ""
    class_name: str = ""
    grounds: tuple[RefusalGround, ...] = ()
    details: str = ""
    application_date: dt.date | None = None
    blank: bool = False


@dataclass(frozen=True)
class CodeRow:
    """One issued code in the register."""

    number: str
    issued_on: dt.date
    child: str
    class_name: str
    representative: str
    code: str
    handover: Handover
    issued_by: str
    state: CodeState = CodeState.ACTIVE


@dataclass(frozen=True)
class CodesRegister:
    """The register of issued codes for a class or a period; `full_codes` prints codes unmasked."""

    school: School
    scope: str  # «класс 5А» or «с 01.09.2026 по 30.09.2026»
    rows: tuple[CodeRow, ...] = ()
    full_codes: bool = False
    blank_rows: int = 0
    printed_on: dt.date | None = None


# -- helpers -------------------------------------------------------------------------------------------------------


def _dmy(day: dt.date | None) -> str:
    return day.strftime("%d.%m.%Y") if day else ""


def mask_code(code: str) -> str:
    """«K7QM-4XTP» → «K7QM-****»: the first group (or 4 characters) stays, the rest is starred, dashes kept."""
    if not code:
        return ""
    head = code.split("-")[0] if "-" in code else code[:4]
    rest = code[len(head) :]
    return head + "".join(ch if ch == "-" else "*" for ch in rest)


def _school_values(school: School) -> dict[str, Value]:
    return {
        "школа": school.name or school.short_name,
        "школа_кратко": school.short_name or school.name,
        "директор": school.director_name,
        "директор_кратко": surname_initials(school.director_name),
        "директор_подпись": initials_surname(school.director_name),
        "журнал": f"«{school.ejournal_name}»" if school.ejournal_name else "«Электронный журнал»",
        "адрес_журнала": school.ejournal_url or "—",
    }


def _person(value: str, blank: bool, chars: int = 30) -> Value:
    return Blank(chars) if blank or not value.strip() else value


def _header(
    template: FormTemplate, values: Mapping[str, Value], st: Styles, width: float, gap: float = 10 * mm
) -> list[Flowable]:
    """The «Приложение …» corner and the addressee on the right half."""
    corner = render_text(
        template.section("шапка", ""), values, template=template.name, style=st.base, styles=st, width=70 * mm,
        by_lines=True,
    )
    to = render_text(
        template.section("адресат"), values, template=template.name, style=st.base, styles=st, width=100 * mm,
        by_lines=True,
    )
    story: list[Flowable] = []
    if corner:
        story += [block(corner, 70 * mm), Spacer(1, gap * 0.8)]
    story += [block(to, 100 * mm), Spacer(1, gap)]
    return story


def _title(template: FormTemplate, values: Mapping[str, Value], st: Styles) -> list[Flowable]:
    return [
        Paragraph(fill(line, values, template=template.name), st.title)
        for line in template.section("заголовок").splitlines()
        if line.strip()
    ]


def _director_signature(position: str, school: School, st: Styles, width: float) -> Table:
    table = Table(
        [
            [
                Paragraph(position, st.base),
                Paragraph("_________________", st.center),
                Paragraph(tie(escape(initials_surname(school.director_name))), st.right),
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


# -- Appendix 2 and 3 ----------------------------------------------------------------------------------------------


def render_optout(appendix: Appendix, form: OptOutApplication, path: Path, *, template: Path | None = None) -> Path:
    """Appendix 2 (not to provide the e-diary service) or 3 (to cancel it) with seed 004's wording."""
    tpl = load_template(template or f"appendix{appendix.value}.txt")
    st = form_styles()
    width = content_width()
    reps = [r for r in form.representatives if r.full_name.strip()][:2]
    addresses: list[str] = []
    for r in reps:
        if r.address.strip() and r.address.strip() not in addresses:
            addresses.append(r.address.strip())
    blank = form.blank
    values: dict[str, Value] = {
        **_school_values(form.school),
        "заявители": _person(", ".join(r.full_name for r in reps), blank),
        "адрес": _person("; ".join(addresses), blank),
        "ребёнок": _person(form.child, blank),
        "класс": _person(form.class_name, blank, 6),
    }
    story = _header(tpl, values, st, width)
    story += _title(tpl, values, st)
    story += render_text(tpl.section("текст"), values, template=tpl.name, style=st.body, styles=st, width=width)
    signature = tpl.section("подпись")
    for i in range(2):
        name = reps[i].full_name if i < len(reps) and not blank else ""
        story.append(Spacer(1, 9 * mm))
        story.append(
            KeepTogether(
                render_text(
                    signature,
                    {**values, "родитель": _person(name, blank)},
                    template=tpl.name,
                    style=ParagraphStyle("sig", parent=st.base, spaceBefore=5),
                    styles=st,
                    width=width,
                    by_lines=True,
                )
            )
        )
    who = "бланк" if blank else form.child
    return build_pdf(
        path,
        story,
        title=f"Приложение № {appendix.value}: {who}",
        author=form.school.short_name,
        subject=appendix.label,
    )


def render_appendix2(form: OptOutApplication, path: Path, *, template: Path | None = None) -> Path:
    return render_optout(Appendix.NOT_PROVIDE, form, path, template=template)


def render_appendix3(form: OptOutApplication, path: Path, *, template: Path | None = None) -> Path:
    return render_optout(Appendix.CANCEL, form, path, template=template)


# -- the access application («Приложение 1») -----------------------------------------------------------------------


def render_access_application(form: AccessApplication, path: Path, *, template: Path | None = None) -> Path:
    tpl = load_template(template or "access_application.txt")
    st = form_styles(12)
    width = content_width()
    rep = form.representative
    blank = form.blank
    values: dict[str, Value] = {
        **_school_values(form.school),
        "заявитель": _person(rep.full_name, blank),
        "заявитель_кратко": _person(surname_initials(rep.full_name) if rep.full_name else "", blank, 20),
        "кем_приходится": _person(rep.relation.label if rep.relation else "", blank, 20),
        "телефон": _person(rep.phone, blank, 20),
        "почта": _person(rep.email, blank, 20),
        "ребёнок": _person(form.child, blank),
        "класс": _person(form.class_name, blank, 6),
    }
    story = _header(tpl, values, st, width, gap=6 * mm)
    story += _title(tpl, values, st)
    story += render_text(tpl.section("текст"), values, template=tpl.name, style=st.body, styles=st, width=width)
    story.append(Spacer(1, 8 * mm))
    story.append(
        KeepTogether(
            render_text(
                tpl.section("подпись"),
                values,
                template=tpl.name,
                style=ParagraphStyle("sig", parent=st.base, spaceBefore=6),
                styles=st,
                width=width,
                by_lines=True,
            )
        )
    )
    return build_pdf(
        path,
        story,
        title=f"Заявление о доступе к электронному журналу: {'бланк' if blank else form.child}",
        author=form.school.short_name,
    )


# -- the registration-code slip ------------------------------------------------------------------------------------


def _code_box(code: str, st: Styles, width: float) -> Table:
    style = ParagraphStyle("code", fontName="Courier-Bold", fontSize=24, leading=28, alignment=TA_CENTER)
    label = ParagraphStyle("code_label", parent=st.base, fontName=st.fonts.sans, fontSize=10, leading=12)
    text = escape(code) if code else "&nbsp;"
    table = Table(
        [[Paragraph("Код регистрации:", label), Paragraph(text, style)]],
        colWidths=[38 * mm, 80 * mm],
        hAlign="LEFT",
    )
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("BOX", (1, 0), (1, 0), 1.2, colors.black),
                ("LEFTPADDING", (0, 0), (0, 0), 0),
                ("TOPPADDING", (1, 0), (1, 0), 4),
                ("BOTTOMPADDING", (1, 0), (1, 0), 7),
            ]
        )
    )
    return table


def render_access_slip(form: AccessSlip, path: Path, *, template: Path | None = None) -> Path:
    """Two identical halves on one A4 sheet with a cut line between them."""
    tpl = load_template(template or "access_slip.txt")
    st = form_styles(12)
    width = content_width()
    blank = form.blank
    values: dict[str, Value] = {
        **_school_values(form.school),
        "ребёнок": _person(form.child, blank),
        "класс": _person(form.class_name, blank, 6),
        "представитель": _person(form.representative, blank),
        "представитель_кратко": _person(
            surname_initials(form.representative) if form.representative else "", blank, 18
        ),
        "выдал": _person(form.issued_by, blank, 20),
        "дата": _person(_dmy(form.issued_on), blank, 10),
        "номер": form.number,
    }
    line = ParagraphStyle("slip", parent=st.base, spaceBefore=3)
    mark = ParagraphStyle("mark", parent=st.small, fontName=st.fonts.sans, fontSize=8.5, alignment=TA_RIGHT)
    heading = ParagraphStyle("slip_head", parent=st.title, fontSize=12.5, leading=16, spaceAfter=4)

    def half(whose: str) -> list[Flowable]:
        note = fill(tpl.section(whose, ""), values, template=tpl.name)
        if form.number:
            note += f" · запись № {escape(form.number)}"
        flow: list[Flowable] = [Paragraph(note, mark)]
        flow += [
            Paragraph(fill(text, values, template=tpl.name), heading)
            for text in tpl.section("заголовок").splitlines()
            if text.strip()
        ]
        with_code = {**values, "код": _code_box("" if blank else form.code, st, width)}
        flow += render_text(
            tpl.section("текст"), with_code, template=tpl.name, style=line, styles=st, width=width, by_lines=True
        )
        flow.append(Spacer(1, 5 * mm))
        flow += render_text(
            tpl.section("подпись"), values, template=tpl.name, style=line, styles=st, width=width, by_lines=True
        )
        return flow

    height = A4[1] - GOST_MARGINS.top - GOST_MARGINS.bottom
    gap = 16 * mm  # room for the cut line, in the middle of the page
    band = (height - gap) / 2
    cut_y = GOST_MARGINS.bottom + band + gap / 2

    def cut_line(canvas: Canvas, doc: BaseDocTemplate) -> None:
        canvas.saveState()
        canvas.setDash(4, 3)
        canvas.setLineWidth(0.6)
        canvas.line(8 * mm, cut_y, A4[0] - 8 * mm, cut_y)
        canvas.setDash()
        canvas.setFont(st.fonts.sans, 12)
        canvas.setFillColor(colors.white)
        canvas.rect(GOST_MARGINS.left - 2 * mm, cut_y - 3 * mm, 9 * mm, 6 * mm, stroke=0, fill=1)
        canvas.setFillColor(colors.black)
        canvas.drawString(GOST_MARGINS.left, cut_y - 4, SCISSORS)
        canvas.setFont(st.fonts.sans, 7.5)
        label = "линия отреза"
        w = canvas.stringWidth(label, st.fonts.sans, 7.5)
        canvas.setFillColor(colors.white)
        canvas.rect(A4[0] / 2 - w / 2 - 2 * mm, cut_y - 2 * mm, w + 4 * mm, 4 * mm, stroke=0, fill=1)
        canvas.setFillColor(colors.black)
        canvas.drawCentredString(A4[0] / 2, cut_y - 2.5, label)
        canvas.restoreState()

    story = half("школе") + [FrameBreak()] + half("семье")
    return build_pdf(
        path,
        story,
        title=f"Код регистрации: {'бланк' if blank else form.child}",
        author=form.school.short_name,
        frames=[(band + gap, band), (0.0, band)],
        on_page=cut_line,
    )


# -- the refusal decision ------------------------------------------------------------------------------------------


def render_access_refusal(form: RefusalDecision, path: Path, *, template: Path | None = None) -> Path:
    tpl = load_template(template or "access_refusal.txt")
    st = form_styles()
    width = content_width()
    blank = form.blank
    grounds: Value
    if blank:
        grounds = Checklist(tuple(g.label for g in RefusalGround))
    else:
        grounds = [g.label + (";" if i < len(form.grounds) - 1 else ".") for i, g in enumerate(form.grounds)]
    values: dict[str, Value] = {
        **_school_values(form.school),
        "номер": _person(form.number, blank, 12),
        "дата": _person(_dmy(form.date), blank, 12),
        "заявитель": _person(form.applicant, blank),
        "дата_заявления": _person(_dmy(form.application_date), blank, 12),
        "ребёнок": _person(form.child, blank),
        "класс": _person(form.class_name, blank, 6),
        "основания": grounds,
        "пояснение": ("Пояснение: " + form.details.strip()) if form.details.strip() else "",
    }
    if blank:
        values["пояснение"] = "Пояснение: " + "_" * 52
    school = ParagraphStyle("school_head", parent=st.center, fontName=st.fonts.serif_bold, fontSize=12, leading=15)
    story: list[Flowable] = [
        Paragraph(fill(text, values, template=tpl.name), school)
        for text in tpl.section("школа").splitlines()
        if text.strip()
    ]
    story.append(Spacer(1, 10 * mm))
    story += _title(tpl, values, st)
    story += render_text(tpl.section("номер"), values, template=tpl.name, style=st.center, styles=st, width=width)
    story.append(Spacer(1, 6 * mm))
    story += render_text(
        tpl.section("кому"), values, template=tpl.name, style=st.base, styles=st, width=width, by_lines=True
    )
    story.append(Spacer(1, 6 * mm))
    story += render_text(tpl.section("текст"), values, template=tpl.name, style=st.body, styles=st, width=width)
    position = " ".join(
        fill(text, values, template=tpl.name) for text in tpl.section("подпись", "Директор").splitlines()
    )
    story += [Spacer(1, 14 * mm), KeepTogether([_director_signature(position, form.school, st, width)])]
    return build_pdf(
        path,
        story,
        title=f"Решение об отказе № {form.number or 'бланк'}",
        author=form.school.short_name,
        subject=f"Отказ в предоставлении услуги «Электронный журнал»: {form.applicant}",
    )


# -- the register of issued codes ----------------------------------------------------------------------------------

REGISTER_COLUMNS = (
    ("№", 9),
    ("Дата выдачи", 25),
    ("Ученик", 38),
    ("Класс", 15),
    ("Представитель", 38),
    ("Код", 27),
    ("Как передан", 30),
    ("Выдал(а)", 26),
    ("Состояние", 24),
    ("Подпись в получении", 25),
)


def render_codes_register(register: CodesRegister, path: Path) -> Path:
    """The register as a landscape A4 table; codes masked («K7QM-****») unless `full_codes`."""
    st = form_styles(12)
    pagesize = landscape(A4)
    width = content_width(pagesize=pagesize)
    scale = width / (sum(w for _, w in REGISTER_COLUMNS) * mm)
    widths = [w * mm * scale for _, w in REGISTER_COLUMNS]
    cell = ParagraphStyle("reg_cell", parent=st.cell, fontSize=9, leading=11.5)
    center = ParagraphStyle("reg_center", parent=cell, alignment=TA_CENTER)
    code_style = ParagraphStyle("reg_code", parent=center, fontName="Courier-Bold", fontSize=10)
    rows: list[list[Flowable | str]] = [[Paragraph(h, st.cell_head) for h, _ in REGISTER_COLUMNS]]
    for row in register.rows:
        code = row.code if register.full_codes else mask_code(row.code)
        rows.append(
            [
                Paragraph(escape(row.number), center),
                Paragraph(_dmy(row.issued_on), center),
                Paragraph(escape(row.child), cell),
                Paragraph(escape(row.class_name), center),
                Paragraph(escape(row.representative), cell),
                Paragraph(escape(code), code_style),
                Paragraph(escape(row.handover.label), cell),
                Paragraph(escape(row.issued_by), cell),
                Paragraph(escape(row.state.label), center),
                "",
            ]
        )
    for _ in range(register.blank_rows):
        rows.append([""] * len(REGISTER_COLUMNS))
    table = Table(rows, colWidths=widths, repeatRows=1, rowHeights=[None] * (len(register.rows) + 1) + [10 * mm] * register.blank_rows)
    style: list[tuple] = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#444444")),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E8ECEF")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    for i, row in enumerate(register.rows, start=1):
        if row.state is not CodeState.ACTIVE:
            style.append(("TEXTCOLOR", (0, i), (-1, i), colors.HexColor("#666666")))
    table.setStyle(TableStyle(style))
    school = register.school.name or register.school.short_name
    journal = register.school.ejournal_name or "Электронный журнал"
    head = ParagraphStyle("reg_school", parent=st.center, fontSize=11, leading=14)
    story: list[Flowable] = [
        Paragraph(escape(school), head),
        Spacer(1, 4 * mm),
        Paragraph(f"Журнал выдачи кодов регистрации в системе «{escape(journal)}»", st.title),
        Paragraph(tie(escape(register.scope)), st.center),
        Spacer(1, 5 * mm),
        table,
    ]
    note = (
        "Коды напечатаны полностью: храните журнал как документ с персональными данными."
        if register.full_codes
        else "Коды скрыты, кроме первых знаков; полный код — в программе и в расписке."
    )
    story += [Spacer(1, 3 * mm), Paragraph(note, ParagraphStyle("reg_note", parent=st.small, fontSize=9))]
    if register.printed_on:
        printed = ParagraphStyle("reg_printed", parent=st.small, fontSize=9)
        story.append(Paragraph(f"Распечатано {_dmy(register.printed_on)}", printed))

    def page_number(canvas: Canvas, doc: BaseDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont(st.fonts.sans, 8.5)
        canvas.drawRightString(pagesize[0] - GOST_MARGINS.right, GOST_MARGINS.bottom / 2, f"Лист {doc.page}")
        canvas.restoreState()

    return build_pdf(
        path,
        story,
        title=f"Журнал выдачи кодов регистрации: {register.scope}",
        author=register.school.short_name,
        pagesize=pagesize,
        on_page=page_number,
    )


__all__ = [
    "AccessApplication",
    "AccessSlip",
    "CodeRow",
    "CodesRegister",
    "OptOutApplication",
    "RefusalDecision",
    "Representative",
    "School",
    "mask_code",
    "render_access_application",
    "render_access_refusal",
    "render_access_slip",
    "render_appendix2",
    "render_appendix3",
    "render_codes_register",
    "render_optout",
]
