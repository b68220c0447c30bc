"""The Cyrillic fonts of printed documents (DejaVu, shipped in resources/fonts), registered with reportlab once."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from desktop.paths import resource_path


@dataclass(frozen=True)
class Fonts:
    """reportlab font names: a serif face for letters, a sans face for tables and notes."""

    serif: str = "DejaVuSerif"
    serif_bold: str = "DejaVuSerif-Bold"
    serif_italic: str = "DejaVuSerif-Italic"
    sans: str = "DejaVuSans"
    sans_bold: str = "DejaVuSans-Bold"


FONTS = Fonts()
_FILES = {
    FONTS.serif: "DejaVuSerif.ttf",
    FONTS.serif_bold: "DejaVuSerif-Bold.ttf",
    FONTS.serif_italic: "DejaVuSerif-Italic.ttf",
    FONTS.sans: "DejaVuSans.ttf",
    FONTS.sans_bold: "DejaVuSans-Bold.ttf",
}
_lock = threading.Lock()
_registered = False


class FontMissing(RuntimeError):
    """A font file of the program is missing: the installation is damaged."""


def register_fonts() -> Fonts:
    """Register the fonts (and the serif and sans families, for <b> and <i> in paragraphs); safe to call often."""
    global _registered
    with _lock:
        if _registered:
            return FONTS
        from reportlab.lib.fonts import addMapping
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont

        for name, file in _FILES.items():
            path = resource_path("fonts", file)
            if not path.is_file():
                raise FontMissing(
                    f"Не найден шрифт {path}: установка программы повреждена, переустановите её."
                )
            pdfmetrics.registerFont(TTFont(name, str(path)))
        for family, regular, bold, italic in (
            (FONTS.serif, FONTS.serif, FONTS.serif_bold, FONTS.serif_italic),
            (FONTS.sans, FONTS.sans, FONTS.sans_bold, FONTS.sans),
        ):
            addMapping(family, 0, 0, regular)
            addMapping(family, 1, 0, bold)
            addMapping(family, 0, 1, italic)
            addMapping(family, 1, 1, bold)
        _registered = True
        return FONTS
