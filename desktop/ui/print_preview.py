"""The app's way to show a printed form (issue 6): the PDF the printing code wrote is shown inside the app page by
page, «Печать…» sends it to the office printer through Qt's print dialog, «Сохранить PDF…» keeps a copy.

PySide6-Essentials has no QtPdf: the pages are rendered by pypdfium2 (PDFium) to images — on the screen at the
screen's resolution, on paper at the printer's (at most 300 dpi: enough for text and a sane memory use).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QImage, QKeySequence, QPageLayout, QPageSize, QPainter, QPixmap, QShortcut
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop.services.errors import ServiceError
from desktop.ui.widgets import Banner

if TYPE_CHECKING:
    import pypdfium2 as pdfium  # imported where a form is shown or printed: not at start-up

#: The most dots per inch a page is rendered at for the printer.
PRINT_DPI_LIMIT = 300
#: The preview's page width at 100 %: about an A4 sheet on an office screen.
SCREEN_DPI = 96


def page_count(pdf: bytes) -> int:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        return len(doc)
    finally:
        doc.close()


def _image(page: pdfium.PdfPage, dpi: float) -> QImage:
    bitmap = page.render(scale=dpi / 72, fill_color=(255, 255, 255, 255), rev_byteorder=True, prefer_bgrx=True)
    try:
        fmt = QImage.Format.Format_RGBX8888 if bitmap.n_channels == 4 else QImage.Format.Format_RGB888
        image = QImage(bytes(bitmap.buffer), bitmap.width, bitmap.height, bitmap.stride, fmt).copy()
    finally:
        bitmap.close()
    image.setDotsPerMeterX(round(dpi / 0.0254))
    image.setDotsPerMeterY(round(dpi / 0.0254))
    return image


def pages(pdf: bytes, dpi: float) -> Iterator[QImage]:
    """The pages of `pdf` one at a time as images at `dpi` dots per inch, white behind the ink: a long register
    at printer resolution never sits in memory all at once."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        for index in range(len(doc)):
            page = doc[index]
            try:
                yield _image(page, dpi)
            finally:
                page.close()
    finally:
        doc.close()


def render_pages(pdf: bytes, dpi: float) -> list[QImage]:
    """Every page of `pdf` as an image at `dpi` dots per inch."""
    return list(pages(pdf, dpi))


def print_pdf(pdf: bytes, printer: QPrinter) -> int:
    """Print every page of `pdf` on `printer` (a real printer, or a PDF file for the tests), each page scaled to
    the paper with its proportions kept; the number of pages printed. The PDF carries its own margins (ГОСТ Р
    7.0.97): the printer is asked for the whole sheet."""
    printer.setFullPage(True)
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    printer.setPageOrientation(QPageLayout.Orientation.Portrait)
    dpi = min(max(printer.resolution(), 72), PRINT_DPI_LIMIT)
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        count = len(doc)
    finally:
        doc.close()
    if not count:
        return 0
    painter = QPainter()
    if not painter.begin(printer):
        raise ServiceError("Не удалось начать печать: принтер недоступен.")
    try:
        for number, image in enumerate(pages(pdf, dpi)):
            if number:
                printer.newPage()
            target = painter.viewport()
            size = image.size().scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio)
            box = QRect(target.x() + (target.width() - size.width()) // 2, target.y(), size.width(), size.height())
            painter.drawImage(box, image)
    finally:
        painter.end()
    return count


class PrintPreviewDialog(QDialog):
    """A printed form on the screen: its pages one under another, zoom, «Печать…», «Сохранить PDF…»."""

    def __init__(self, pdf: bytes, title: str, parent: QWidget | None = None, *, file_name: str = "") -> None:
        super().__init__(parent)
        self.pdf = pdf
        self.file_name = file_name or f"{title}.pdf"
        self.zoom = 1.0
        self.setObjectName("print_preview")
        self.setWindowTitle(f"Просмотр печатной формы — {title}")
        self.resize(900, 860)
        body = QVBoxLayout(self)
        tools = QHBoxLayout()
        self.print_button = QPushButton("Печать…", self)
        self.print_button.setObjectName("preview_print")
        self.print_button.setToolTip("Напечатать на принтере (Ctrl+P)")
        self.save_button = QPushButton("Сохранить PDF…", self)
        self.save_button.setObjectName("preview_save")
        self.save_button.setToolTip("Сохранить форму файлом PDF (Ctrl+S)")
        self.zoom_out = QPushButton("−", self)
        self.zoom_out.setObjectName("preview_zoom_out")
        self.zoom_out.setToolTip("Мельче (Ctrl+−)")
        self.zoom_in = QPushButton("+", self)
        self.zoom_in.setObjectName("preview_zoom_in")
        self.zoom_in.setToolTip("Крупнее (Ctrl++)")
        for button in (self.zoom_out, self.zoom_in):
            button.setFixedWidth(self.fontMetrics().horizontalAdvance("MM") + 16)
        self.zoom_label = QLabel(self)
        self.zoom_label.setObjectName("preview_zoom")
        self.pages_label = QLabel(self)
        self.pages_label.setObjectName("preview_pages")
        self.close_button = QPushButton("Закрыть", self)
        self.close_button.setObjectName("preview_close")
        for widget in (self.print_button, self.save_button):
            tools.addWidget(widget)
        tools.addSpacing(12)
        for widget in (self.zoom_out, self.zoom_label, self.zoom_in):
            tools.addWidget(widget)
        tools.addSpacing(12)
        tools.addWidget(self.pages_label)
        tools.addStretch(1)
        tools.addWidget(self.close_button)
        body.addLayout(tools)
        self.banner = Banner(self)
        self.banner.setObjectName("preview_banner")
        body.addWidget(self.banner)
        self.scroll = QScrollArea(self)
        self.scroll.setObjectName("preview_scroll")
        self.scroll.setWidgetResizable(True)
        self.scroll.setStyleSheet("QScrollArea { background: #6d7378; }")
        self.sheet = QWidget(self.scroll)
        self.sheet.setStyleSheet("background: #6d7378;")
        self.pages_layout = QVBoxLayout(self.sheet)
        self.pages_layout.setSpacing(14)
        self.pages_layout.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.scroll.setWidget(self.sheet)
        body.addWidget(self.scroll, 1)
        self.page_labels: list[QLabel] = []
        self.images: list[QImage] = []

        self.print_button.clicked.connect(self.print_)
        self.save_button.clicked.connect(self.save)
        self.close_button.clicked.connect(self.accept)
        self.zoom_in.clicked.connect(lambda: self.set_zoom(self.zoom * 1.25))
        self.zoom_out.clicked.connect(lambda: self.set_zoom(self.zoom / 1.25))
        QShortcut(QKeySequence.StandardKey.Print, self, activated=self.print_)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.save)
        QShortcut(QKeySequence.StandardKey.ZoomIn, self, activated=lambda: self.set_zoom(self.zoom * 1.25))
        QShortcut(QKeySequence.StandardKey.ZoomOut, self, activated=lambda: self.set_zoom(self.zoom / 1.25))
        self._render()

    def _render(self) -> None:
        import pypdfium2 as pdfium

        try:
            dpi = SCREEN_DPI * self.devicePixelRatioF() * 1.5  # sharp when zoomed in a little
            self.images = render_pages(self.pdf, dpi)
        except pdfium.PdfiumError as exc:
            self.images = []
            self.banner.show_message(f"Форму не удалось показать: {exc}", "warning")
        n = len(self.images)
        self.pages_label.setText(f"Страниц: {n}")
        for _ in range(n):
            label = QLabel(self.sheet)
            label.setObjectName("preview_page")
            label.setStyleSheet("background: white; border: 1px solid #3c4043;")
            self.pages_layout.addWidget(label, 0, Qt.AlignmentFlag.AlignHCenter)
            self.page_labels.append(label)
        self.set_zoom(1.0)

    def set_zoom(self, zoom: float) -> None:
        self.zoom = min(max(zoom, 0.4), 3.0)
        self.zoom_label.setText(f"{round(self.zoom * 100)} %")
        ratio = self.devicePixelRatioF()
        for label, image in zip(self.page_labels, self.images, strict=True):
            width_in = image.width() / (image.dotsPerMeterX() * 0.0254)
            height_in = image.height() / (image.dotsPerMeterY() * 0.0254)
            size = QSize(round(width_in * SCREEN_DPI * self.zoom), round(height_in * SCREEN_DPI * self.zoom))
            pixmap = QPixmap.fromImage(
                image.scaled(size * ratio, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)
            )
            pixmap.setDevicePixelRatio(ratio)
            label.setPixmap(pixmap)
            label.setFixedSize(size)

    def print_(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.file_name)
        printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle("Печать")
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self.print_to(printer)

    def print_to(self, printer: QPrinter) -> int:
        import pypdfium2 as pdfium

        try:
            pages = print_pdf(self.pdf, printer)
        except (ServiceError, pdfium.PdfiumError) as exc:
            self.banner.show_message(str(exc), "warning")
            return 0
        self.banner.show_message(f"Отправлено на печать: {pages} стр.", "ok")
        return pages

    def save(self) -> None:
        chosen, _ = QFileDialog.getSaveFileName(
            self, "Сохранить PDF", str(Path.home() / self.file_name), "Документ PDF (*.pdf)"
        )
        if chosen:
            self.save_to(Path(chosen))

    def save_to(self, target: Path) -> bool:
        if target.suffix.lower() != ".pdf":
            target = target.with_name(target.name + ".pdf")
        try:
            target.write_bytes(self.pdf)
        except OSError as exc:
            self.banner.show_message(f"Не удалось записать файл {target}: {exc.strerror}", "warning")
            return False
        self.banner.show_message(f"Сохранено: {target}", "ok")
        return True


def show_form(
    parent: QWidget, title: str, write: Callable[[Path], object], *, file_name: str = ""
) -> PrintPreviewDialog | None:
    """Write a form with `write(path)` (the print glue of services.*_io) into a temporary file and show it;
    a refusal of the service is said in a message box. The dialog shown (after it closed), or None."""
    folder = Path(tempfile.mkdtemp(prefix="school-office-print-"))
    path = folder / (file_name or f"{title}.pdf")
    try:
        write(path)
        pdf = path.read_bytes()
    except ServiceError as exc:
        from desktop.ui.widgets import show_error

        show_error(parent, title, str(exc))
        return None
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    dialog = PrintPreviewDialog(pdf, title, parent, file_name=file_name or f"{title}.pdf")
    dialog.exec()
    return dialog


__all__ = ["PrintPreviewDialog", "page_count", "print_pdf", "render_pages", "show_form"]
