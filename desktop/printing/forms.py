"""The app's common way of printing paper forms: a template from `forms/NAME.txt`, its placeholders filled in, laid
out with reportlab on A4 with the margins of GOST R 7.0.97-2016 in the Cyrillic DejaVu fonts (text stays text).

Template syntax (the same as the appeal notice's, so a school edits any form the same way):

* lines starting with «#» are comments and are not printed;
* ``[раздел]`` starts a section; which sections a form has is the form's business (see its template's comments);
* ``{поле}`` is put in by the program; ``{поле|подпись}`` also prints a small caption under the field (as printed
  forms do: «фамилия, имя, отчество заявителя»). A line holding a captioned field is laid out on its own, the field
  stretching to the end of the line; in a blank form the field is a handwriting line «______».

A value is a string, a list of strings (a paragraph that is only that placeholder becomes a bulleted list), or
:class:`Blank` (a handwriting line). A paragraph that is only a placeholder whose value is empty is left out.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Union
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    ListFlowable,
    ListItem,
    PageTemplate,
    Paragraph,
    Table,
    TableStyle,
)

from desktop.paths import resource_path
from desktop.printing.fonts import Fonts, register_fonts

NBSP = "\u00a0"
#: The handwriting line's character: it stays in the PDF's text, so «______» is what a text extraction shows.
LINE_CHAR = "_"


class FormError(ValueError):
    """A form cannot be printed: its template is missing or broken, or a value it needs is not there."""


# -- page ----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Margins:
    """Page margins in points."""

    left: float
    right: float
    top: float
    bottom: float


#: GOST R 7.0.97-2016, 5.1: left 20 mm or more (30 mm is the office custom, for binding), right 10 mm, top and bottom
#: 20 mm.
GOST_MARGINS = Margins(left=30 * mm, right=10 * mm, top=20 * mm, bottom=20 * mm)


def content_width(margins: Margins = GOST_MARGINS, *, pagesize: tuple[float, float] = A4, padding: float = 0) -> float:
    return pagesize[0] - margins.left - margins.right - 2 * padding


PageHook = Callable[[Canvas, BaseDocTemplate], None]


def build_pdf(
    path: Path,
    story: Sequence[Flowable],
    *,
    title: str,
    author: str = "",
    subject: str = "",
    margins: Margins = GOST_MARGINS,
    pagesize: tuple[float, float] = A4,
    padding: float = 0,
    frames: Sequence[tuple[float, float]] | None = None,
    on_page: PageHook | None = None,
) -> Path:
    """Lay the story out on pages with the given margins and write it to `path` (through a «.part» file, so a
    failure leaves no half-written PDF); returns the path.

    `padding` is kept inside the margins (reportlab's SimpleDocTemplate keeps 6 pt; forms keep none, so their text
    starts exactly at the margin). `frames` splits the page into vertical bands given as (bottom, height) in points
    from the bottom margin (the access slip's two halves); a FrameBreak in the story moves to the next band.
    """
    width = pagesize[0] - margins.left - margins.right
    height = pagesize[1] - margins.top - margins.bottom
    bands = frames or [(0.0, height)]
    page_frames = [
        Frame(
            margins.left,
            margins.bottom + bottom,
            width,
            band,
            leftPadding=padding,
            rightPadding=padding,
            topPadding=padding,
            bottomPadding=padding,
            id=f"band{i}" if frames else "normal",
        )
        for i, (bottom, band) in enumerate(bands)
    ]
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    doc = BaseDocTemplate(
        str(partial),
        pagesize=pagesize,
        leftMargin=margins.left,
        rightMargin=margins.right,
        topMargin=margins.top,
        bottomMargin=margins.bottom,
        title=title,
        author=author,
        subject=subject,
        creator="Канцелярия школы",
    )
    hook = on_page or (lambda canvas, doc: None)
    doc.addPageTemplates([PageTemplate(id="form", frames=page_frames, onPage=hook, pagesize=pagesize)])
    try:
        doc.build(list(story))
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return path


# -- templates -----------------------------------------------------------------------------------------------------


def read_sections(path: Path) -> dict[str, str]:
    """A template's sections by name (lower case); lines starting with «#» are comments."""
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in Path(path).read_text(encoding="utf-8-sig").splitlines():
        if line.lstrip().startswith("#"):
            continue
        header = re.fullmatch(r"\s*\[(.+?)\]\s*", line)
        if header:
            current = sections.setdefault(header.group(1).strip().lower(), [])
            continue
        if current is not None:
            current.append(line.rstrip())
    return {name: "\n".join(lines).strip() for name, lines in sections.items()}


@dataclass(frozen=True)
class FormTemplate:
    """A form's template: its file name (for messages) and its sections."""

    name: str
    sections: Mapping[str, str]

    def section(self, name: str, default: str | None = None) -> str:
        text = self.sections.get(name)
        if text is None:
            if default is not None:
                return default
            raise FormError(
                f"В шаблоне «{self.name}» нет раздела [{name}]: верните его в файл шаблона "
                f"(папка forms программы) или переустановите программу."
            )
        return text


def template_path(name: str) -> Path:
    return resource_path("forms", name if name.endswith(".txt") else f"{name}.txt")


def load_template(name: str | Path) -> FormTemplate:
    """`forms/NAME.txt` (or the file given) as sections; a missing file is a :class:`FormError` in Russian."""
    path = Path(name) if isinstance(name, Path) else template_path(name)
    if not path.is_file():
        raise FormError(f"Не найден шаблон бланка {path}: установка программы повреждена, переустановите её.")
    try:
        return FormTemplate(path.name, read_sections(path))
    except UnicodeDecodeError as exc:
        raise FormError(f"Шаблон «{path.name}» должен быть сохранён в кодировке UTF-8.") from exc


# -- values --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Blank:
    """A handwriting line instead of a value; `chars` is its length when it stands inside a sentence (on a line of
    its own, with a caption, it stretches to the end of the line)."""

    chars: int = 24


@dataclass(frozen=True)
class Checklist:
    """Items with a box «☐» each, to tick by hand (the blank refusal's grounds)."""

    items: tuple[str, ...]


BOX = "\u2610"  # ☐, in the sans face (the serif one has no such glyph)

Value = Union[str, Sequence[str], Blank, Checklist, Flowable]
_FIELD = re.compile(r"\{([^{}|]+)(?:\|([^{}]*))?\}")


def blank_line(chars: int) -> str:
    return LINE_CHAR * chars


def tie(text: str) -> str:
    """«№» and initials keep to the word after them (a line never ends with «№» or «И.»)."""
    text = re.sub(r"№\s+", "№" + NBSP, text)
    return re.sub(r"(?<=\b[А-ЯЁA-Z]\.)\s+(?=[А-ЯЁA-Z])", NBSP, text)


def _lookup(values: Mapping[str, Value], key: str, template: str, strict: bool) -> Value | None:
    if key in values:
        return values[key]
    if strict:
        raise FormError(
            f"Бланк «{template}»: для поля {{{key}}} нет значения. Проверьте написание поля в шаблоне "
            f"(список полей — в начале файла шаблона)."
        )
    return None


def _as_text(value: Value) -> str:
    if isinstance(value, Blank):
        return blank_line(value.chars)
    if isinstance(value, str):
        return value
    if isinstance(value, Checklist):
        return "; ".join(value.items)
    if isinstance(value, Flowable):
        raise FormError("Таблицу или блок можно поставить только отдельной строкой шаблона.")
    return "; ".join(value)


def fill(
    text: str,
    values: Mapping[str, Value],
    *,
    template: str,
    strict: bool = True,
    escaped: bool = False,
) -> str:
    """The text with its placeholders replaced, as reportlab paragraph markup (captions dropped: see
    :func:`field_line` for the layout with captions). With `strict`, a placeholder with no value is a
    :class:`FormError`; otherwise it stays as typed. `escaped` says the template text is already markup-escaped
    (the values are then taken as markup too, as the appeal notice passes them)."""

    def one(match: re.Match[str]) -> str:
        value = _lookup(values, match.group(1).strip(), template, strict)
        if value is None:
            return match.group(0)
        plain = _as_text(value)
        return plain if escaped else escape(plain)

    source = text if escaped else escape(text)
    return tie(_FIELD.sub(one, source))


def placeholders(text: str) -> list[str]:
    return [m.group(1).strip() for m in _FIELD.finditer(text)]


# -- styles --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Styles:
    """The paragraph styles of forms: 12-13 pt serif, captions 8 pt, tables in sans."""

    fonts: Fonts
    base: ParagraphStyle
    body: ParagraphStyle
    right: ParagraphStyle
    center: ParagraphStyle
    title: ParagraphStyle
    caption: ParagraphStyle
    small: ParagraphStyle
    cell: ParagraphStyle
    cell_head: ParagraphStyle
    extra: dict[str, ParagraphStyle] = field(default_factory=dict)


def form_styles(size: float = 13) -> Styles:
    fonts = register_fonts()
    leading = round(size * 1.38, 1)
    base = ParagraphStyle("form_base", fontName=fonts.serif, fontSize=size, leading=leading, alignment=TA_LEFT)
    return Styles(
        fonts=fonts,
        base=base,
        body=ParagraphStyle(
            "form_body", parent=base, alignment=TA_JUSTIFY, firstLineIndent=12.5 * mm, spaceAfter=4
        ),
        right=ParagraphStyle("form_right", parent=base, alignment=TA_RIGHT),
        center=ParagraphStyle("form_center", parent=base, alignment=TA_CENTER),
        title=ParagraphStyle(
            "form_title",
            parent=base,
            fontName=fonts.serif_bold,
            fontSize=size + 1,
            leading=leading + 2,
            alignment=TA_CENTER,
            spaceBefore=4,
            spaceAfter=8,
        ),
        caption=ParagraphStyle(
            "form_caption", parent=base, fontName=fonts.serif_italic, fontSize=8, leading=9.5, alignment=TA_CENTER
        ),
        small=ParagraphStyle("form_small", parent=base, fontSize=10, leading=13),
        cell=ParagraphStyle("form_cell", parent=base, fontName=fonts.sans, fontSize=9.5, leading=12),
        cell_head=ParagraphStyle(
            "form_cell_head", parent=base, fontName=fonts.sans_bold, fontSize=9, leading=11, alignment=TA_CENTER
        ),
    )


# -- layout --------------------------------------------------------------------------------------------------------


def _markup_width(markup: str, style: ParagraphStyle) -> float:
    plain = re.sub(r"<[^>]+>", "", markup).replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
    return stringWidth(plain, style.fontName, style.fontSize)


def field_line(
    line: str,
    values: Mapping[str, Value],
    *,
    template: str,
    style: ParagraphStyle,
    caption: ParagraphStyle,
    width: float,
) -> Flowable:
    """One template line holding fields with captions, as a two-row table: the text and the fields (a filled field
    over a thin rule, a blank one as «______» to the end of its cell), and the captions under the fields. The first
    field takes the room left over; the others are as wide as their value or caption needs."""
    parts: list[tuple[str, str, str | None]] = []  # (kind, text or key, caption)
    pos = 0
    for match in _FIELD.finditer(line):
        if match.start() > pos:
            parts.append(("text", line[pos : match.start()], None))
        parts.append(("field", match.group(1).strip(), (match.group(2) or "").strip() or None))
        pos = match.end()
    if pos < len(line):
        parts.append(("text", line[pos:], None))

    gap = 1.5 * mm
    line_char = stringWidth(LINE_CHAR, style.fontName, style.fontSize)
    cells: list[tuple[str, str, float, bool, str | None]] = []  # kind, markup, natural width, blank, caption
    for kind, text, cap in parts:
        if kind == "text":
            markup = tie(escape(text)).replace(" ", NBSP) if text.strip() else NBSP
            cells.append(("text", markup, _markup_width(markup, style) + 1, False, None))
            continue
        value = _lookup(values, text, template, True)
        assert value is not None
        if isinstance(value, Blank):
            natural = value.chars * line_char
            cells.append(("field", "", natural, True, cap))
        else:
            markup = tie(escape(_as_text(value)))
            natural = _markup_width(markup, style) + 2 * gap
            cells.append(("field", markup, natural, False, cap))
        if cap:
            need = stringWidth(cap, caption.fontName, caption.fontSize) + 2 * gap
            kind_, markup_, natural_, blank_, cap_ = cells[-1]
            cells[-1] = (kind_, markup_, max(natural_, need), blank_, cap_)

    fixed = sum(c[2] for c in cells if c[0] == "text")
    fields = [i for i, c in enumerate(cells) if c[0] == "field"]
    widths = [c[2] for c in cells]
    room = width - fixed
    if fields:
        others = sum(widths[i] for i in fields[1:])
        first = room - others
        if first < 25 * mm:  # too little: share the room in proportion to what each field needs
            total = sum(widths[i] for i in fields) or 1
            for i in fields:
                widths[i] = max(room * widths[i] / total, 10 * mm)
        else:
            widths[fields[0]] = first

    value_style = ParagraphStyle(style.name + "_field", parent=style, alignment=TA_LEFT, firstLineIndent=0)
    top: list[Flowable | str] = []
    bottom: list[Flowable | str] = []
    commands: list[tuple] = [
        ("VALIGN", (0, 0), (-1, 0), "BOTTOM"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, 0), 1),
        ("BOTTOMPADDING", (0, 1), (-1, 1), 0),
    ]
    for col, ((kind, markup, _, blank, cap), w) in enumerate(zip(cells, widths)):
        if kind == "text":
            top.append(Paragraph(markup, value_style))
            bottom.append("")
            continue
        if blank:
            count = max(int((w - 1) / line_char), 3)
            top.append(Paragraph(blank_line(count), value_style))
        else:
            top.append(Paragraph(markup or NBSP, value_style))
            commands.append(("LINEBELOW", (col, 0), (col, 0), 0.5, "#000000"))
            commands.append(("LEFTPADDING", (col, 0), (col, 0), gap))
        bottom.append(Paragraph(escape(cap), caption) if cap else "")
    rows = [top, bottom] if any(c[4] for c in cells) else [top]
    table = Table(rows, colWidths=widths, hAlign="LEFT")
    table.setStyle(TableStyle(commands))
    return table


def paragraphs_of(text: str) -> list[tuple[str, bool]]:
    """The paragraphs of a section, each with whether it continues the one before (no indent): paragraphs are
    separated by empty lines; inside one, lines are joined with spaces, except that a line holding a captioned
    field, a placeholder alone or a «☐» item stays on its own."""
    result: list[tuple[str, bool]] = []
    for block in re.split(r"\n\s*\n", text):
        current: list[str] = []
        first = True

        def flush() -> None:
            nonlocal current, first
            if current:
                result.append((" ".join(current), not first))
                current, first = [], False

        for line in block.splitlines():
            line = line.strip()
            if not line:
                continue
            if _has_caption(line) or line.startswith(BOX) or re.fullmatch(r"\{[^{}|]+\}", line):
                flush()
                result.append((line, not first))
                first = False
            else:
                current.append(line)
        flush()
    return result


def lines_of(text: str) -> list[tuple[str, bool]]:
    """The lines of a block section (headers, addressees): each its own line; empty lines are small gaps."""
    return [(line.strip(), True) for line in text.splitlines()]


def _has_caption(line: str) -> bool:
    return any(m.group(2) for m in _FIELD.finditer(line))


def render_text(
    text: str,
    values: Mapping[str, Value],
    *,
    template: str,
    style: ParagraphStyle,
    styles: Styles,
    width: float,
    by_lines: bool = False,
) -> list[Flowable]:
    """A section as flowables: paragraphs (or lines), captioned field lines, lists; see the module's docstring."""
    from reportlab.platypus import Spacer

    story: list[Flowable] = []
    chunks = lines_of(text) if by_lines else paragraphs_of(text)
    flat = ParagraphStyle(style.name + "_cont", parent=style, firstLineIndent=0)
    for chunk, continues in chunks:
        if not chunk:
            story.append(Spacer(1, style.leading / 2))
            continue
        only = re.fullmatch(r"\{([^{}|]+)\}", chunk)
        if only:
            value = _lookup(values, only.group(1).strip(), template, True)
            if isinstance(value, Flowable):
                story.append(value)
                continue
            if isinstance(value, str) and not value.strip():
                continue
            if isinstance(value, Checklist):
                story.append(bullet_list(value.items, styles, style, box=True))
                continue
            if isinstance(value, (list, tuple)):
                if value:
                    story.append(bullet_list(value, styles, style))
                continue
        if _has_caption(chunk):
            story.append(
                field_line(chunk, values, template=template, style=style, caption=styles.caption, width=width)
            )
        elif chunk.startswith(BOX):
            item = ParagraphStyle(
                style.name + "_box", parent=style, firstLineIndent=-7 * mm, leftIndent=7 * mm, spaceBefore=4
            )
            text_ = fill(chunk[len(BOX) :].strip(), values, template=template)
            story.append(Paragraph(f'<font name="{styles.fonts.sans}">{BOX}</font>{NBSP}{NBSP}{text_}', item))
        else:
            story.append(Paragraph(fill(chunk, values, template=template), flat if continues else style))
    return story


def bullet_list(items: Sequence[str], styles: Styles, style: ParagraphStyle, *, box: bool = False) -> Flowable:
    """Items as a list marked «—» (or «☐», to tick by hand)."""
    item_style = ParagraphStyle(style.name + "_item", parent=style, firstLineIndent=0, spaceAfter=2)
    return ListFlowable(
        [ListItem(Paragraph(tie(escape(item)), item_style), leftIndent=8 * mm) for item in items],
        bulletType="bullet",
        start=BOX if box else "—",
        bulletFontName=styles.fonts.sans if box else styles.fonts.serif,
        bulletFontSize=style.fontSize,
        leftIndent=8 * mm,
    )


def block(flowables: list[Flowable], width: float, *, align: str = "RIGHT") -> Table:
    """Flowables in a column of `width` placed at the right (the addressee of an application) or left."""
    table = Table([[flowables]], colWidths=[width], hAlign=align)
    table.setStyle(
        TableStyle(
            [
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table


# -- names ---------------------------------------------------------------------------------------------------------


def surname_initials(full_name: str) -> str:
    """«Супрун Ирина Евгеньевна» → «Супрун И.Е.», as an application is addressed («Директору … Супрун И.Е.»)."""
    parts = full_name.replace(".", ". ").split()
    if len(parts) < 2:
        return full_name.strip()
    surname, *names = parts
    return f"{surname} " + "".join(f"{n[0]}." for n in names if n.rstrip("."))


def initials_surname(full_name: str) -> str:
    """«Иванова Мария Петровна» or «Иванова М. П.» → «М. П. Иванова», as a signature is printed on a letter."""
    parts = full_name.replace(".", ". ").split()
    if len(parts) < 2:
        return full_name.strip()
    surname, *names = parts
    initials = " ".join(f"{n[0]}." for n in names if n.rstrip("."))
    return f"{initials} {surname}"


__all__ = [
    "GOST_MARGINS",
    "BOX",
    "Blank",
    "Checklist",
    "FormError",
    "FormTemplate",
    "Margins",
    "Styles",
    "block",
    "build_pdf",
    "bullet_list",
    "content_width",
    "field_line",
    "fill",
    "form_styles",
    "initials_surname",
    "load_template",
    "placeholders",
    "read_sections",
    "render_text",
    "surname_initials",
    "template_path",
    "tie",
]
