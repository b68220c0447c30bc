"""Render the app icon resources/icons/app.svg into app.png (256×256) and app.ico (16…256 px) with Qt.

    uv run python packaging/make_icons.py

The .ico holds one PNG-compressed image per size (Windows Vista and later read them); build.spec gives it
to the .exe. Run again after changing the SVG and commit the three files.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"
PNG_SIZE = 256
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)


def render(renderer: QSvgRenderer, size: int) -> bytes:
    """The SVG drawn on a transparent size×size image, as PNG bytes."""
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise SystemExit(f"make_icons: could not encode the {size}px image as PNG")
    buffer.close()
    return bytes(data.data())


def ico(images: dict[int, bytes]) -> bytes:
    """An .ico file of PNG-compressed entries: ICONDIR, one ICONDIRENTRY per size, then the PNG data."""
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = len(header) + 16 * len(images)
    entries, blobs = b"", b""
    for size, png in sorted(images.items()):
        side = 0 if size >= 256 else size  # 0 means 256
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(png), offset)
        blobs += png
        offset += len(png)
    return header + entries + blobs


def main() -> int:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841 - QPainter needs one
    svg = ICONS / "app.svg"
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        print(f"make_icons: cannot read {svg}", file=sys.stderr)
        return 1
    (ICONS / "app.png").write_bytes(render(renderer, PNG_SIZE))
    (ICONS / "app.ico").write_bytes(ico({size: render(renderer, size) for size in ICO_SIZES}))
    print(f"written {ICONS / 'app.png'} and {ICONS / 'app.ico'} ({', '.join(map(str, ICO_SIZES))} px)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
