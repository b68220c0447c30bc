"""Start-up of the GUI: the Qt application in Russian, the database and its migrations, first run, main window."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from desktop import __version__


def make_application(argv: Sequence[str]) -> QApplication:
    """The QApplication with Russian locale and Qt's own Russian translations (buttons «Отмена», «Открыть»)."""
    app = QApplication(list(argv))
    app.setApplicationName("school-office")
    app.setApplicationDisplayName("Канцелярия школы")
    app.setApplicationVersion(__version__)
    app.setStyle("Fusion")
    QLocale.setDefault(QLocale(QLocale.Language.Russian, QLocale.Country.Russia))
    translations = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    for name in ("qtbase_ru",):
        translator = QTranslator(app)
        if translator.load(name, translations):
            app.installTranslator(translator)
    return app


def run_gui(db: str | None = None, demo: bool = False) -> int:
    """Open the database, ask for the school profile on first start, and run the main window."""
    from desktop.services.errors import ServiceError
    from desktop.services.registry import open_services
    from desktop.store.db import DatabaseLocationError, resolve_location

    app = QApplication.instance() or make_application(sys.argv[:1])
    assert isinstance(app, QApplication)
    try:
        services = open_services(resolve_location(db, demo=demo))
    except (ServiceError, DatabaseLocationError) as exc:
        QMessageBox.critical(None, "База данных не открылась", str(exc))
        return 1
    try:
        if demo:
            from desktop.services.demo import fill_demo

            fill_demo(services)
        if services.settings.missing_profile():
            from desktop.ui.first_run import FirstRunDialog

            if FirstRunDialog(services).exec() != QDialog.DialogCode.Accepted:
                return 0
        from desktop.ui.main_window import MainWindow

        window = MainWindow(services)
        window.resize(1280, 800)
        window.show()
        return app.exec()
    finally:
        services.close()
