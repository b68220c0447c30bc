"""The app's way to show a printed form: the pages rendered in the app, printed through a QPrinter (here a PDF
file), saved as PDF."""

from __future__ import annotations

import io
from pathlib import Path

from PySide6.QtPrintSupport import QPrinter
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from desktop.services.errors import ServiceError
from desktop.ui.print_preview import PrintPreviewDialog, page_count, print_pdf, render_pages, show_form
from tests.ui.helpers import click


def small_pdf(pages: int = 2) -> bytes:
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4)
    for number in range(1, pages + 1):
        c.setFont("Helvetica", 14)
        c.drawString(85, 780, f"Page {number}")
        c.rect(85, 100, 400, 600)
        c.showPage()
    c.save()
    return out.getvalue()


def test_pages_are_rendered_to_images_of_an_a4_sheet():
    pdf = small_pdf(2)
    assert page_count(pdf) == 2
    images = render_pages(pdf, 72)
    assert [(abs(i.width() - 595) <= 1, i.height()) for i in images] == [(True, 842), (True, 842)]  # 595.3 pt
    # white paper with black ink on it
    assert images[0].pixelColor(5, 5).name() == "#ffffff"
    assert images[0].pixelColor(85, 842 - 400).name() != "#ffffff"


def test_printing_writes_every_page_through_a_qprinter(qapp, tmp_path):
    target = tmp_path / "printed.pdf"
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(target))
    assert print_pdf(small_pdf(3), printer) == 3
    assert target.exists() and target.stat().st_size > 1000
    assert page_count(target.read_bytes()) == 3


def test_the_preview_shows_the_pages_prints_and_saves(qtbot, tmp_path):
    dialog = PrintPreviewDialog(small_pdf(2), "Приложение № 2")
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.pages_label.text() == "Страниц: 2"
    assert len(dialog.page_labels) == 2 and not dialog.page_labels[0].pixmap().isNull()
    width = dialog.page_labels[0].width()
    click(qtbot, dialog.zoom_in)
    assert dialog.page_labels[0].width() > width and dialog.zoom_label.text() == "125 %"

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "out.pdf"))
    assert dialog.print_to(printer) == 2
    assert page_count((tmp_path / "out.pdf").read_bytes()) == 2
    assert dialog.banner.text() == "Отправлено на печать: 2 стр."

    assert dialog.save_to(tmp_path / "копия")
    assert (tmp_path / "копия.pdf").read_bytes() == dialog.pdf


def test_a_broken_file_is_said_not_shown(qtbot):
    dialog = PrintPreviewDialog(b"not a pdf", "Форма")
    qtbot.addWidget(dialog)
    assert dialog.page_labels == [] and "не удалось показать" in dialog.banner.text()


def test_show_form_writes_through_the_glue_and_opens_the_preview(qtbot, monkeypatch):
    shown: list[PrintPreviewDialog] = []
    monkeypatch.setattr(PrintPreviewDialog, "exec", lambda self: shown.append(self) or 0)
    dialog = show_form(None, "Слип", lambda path: Path(path).write_bytes(small_pdf(1)))  # type: ignore[arg-type]
    assert dialog is shown[0] and dialog.pages_label.text() == "Страниц: 1"
    qtbot.addWidget(dialog)


def test_show_form_says_what_the_service_refused(qtbot, monkeypatch):
    said: list[str] = []
    monkeypatch.setattr("desktop.ui.widgets.QMessageBox.warning", lambda *a: said.append(a[2]))

    def refuse(path: Path) -> None:
        raise ServiceError("Нет согласия.")

    assert show_form(None, "Слип", refuse) is None  # type: ignore[arg-type]
    assert said == ["Нет согласия."]
