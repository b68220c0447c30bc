"""What the program is made of: its version, where its data and logs are, and the fonts and libraries it ships,
each with its licence (for the about box and `school-office about`). No Qt widgets here."""

from __future__ import annotations

import platform
import re
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from desktop import __version__
from desktop.logs import log_folder, system_text
from desktop.paths import resource_path, user_data_dir


@dataclass(frozen=True)
class Component:
    """A font or a library shipped with the program."""

    name: str
    #: The distribution's name for importlib.metadata (its version and licence files); "" for what has none.
    dist: str
    #: SPDX expression, as the component itself declares it.
    licence: str
    #: What the program uses it for, in Russian.
    purpose: str
    #: Licence texts shipped in resources/ (used when the distribution carries none of its own).
    texts: tuple[str, ...] = ()
    homepage: str = ""


COMPONENTS: tuple[Component, ...] = (
    Component("Python", "", "PSF-2.0", "язык, на котором написана программа", ("licenses/Python-PSF-2.0.txt",),
              "https://www.python.org/"),
    Component("Qt 6 и PySide6", "PySide6_Essentials", "LGPL-3.0-only", "окна, кнопки, таблицы, печать",
              ("licenses/LGPL-3.0.txt", "licenses/GPL-3.0.txt"), "https://www.qt.io/qt-for-python"),
    Component("Shiboken6", "shiboken6", "LGPL-3.0-only", "связка Python и Qt",
              ("licenses/LGPL-3.0.txt", "licenses/GPL-3.0.txt"), "https://www.qt.io/qt-for-python"),
    Component("Шрифты DejaVu", "", "Bitstream-Vera AND LicenseRef-Arev", "русский текст в печатных формах (PDF)",
              ("fonts/LICENSE-DejaVu.txt",), "https://dejavu-fonts.github.io/"),
    Component("SQLAlchemy", "SQLAlchemy", "MIT", "работа с базой данных", (), "https://www.sqlalchemy.org/"),
    Component("Alembic", "alembic", "MIT", "обновление базы данных до новой версии", (),
              "https://alembic.sqlalchemy.org/"),
    Component("Mako", "Mako", "MIT", "шаблоны обновлений базы (для Alembic)", (), "https://www.makotemplates.org/"),
    Component("MarkupSafe", "MarkupSafe", "BSD-3-Clause", "для Mako", (), "https://palletsprojects.com/"),
    Component("typing_extensions", "typing_extensions", "PSF-2.0", "для SQLAlchemy и Alembic", (),
              "https://github.com/python/typing_extensions"),
    Component("ReportLab", "reportlab", "BSD-3-Clause", "печатные формы и отчёты в PDF", (),
              "https://www.reportlab.com/"),
    Component("Pillow", "pillow", "MIT-CMU", "для ReportLab", (), "https://python-pillow.github.io/"),
    Component("charset-normalizer", "charset-normalizer", "MIT", "для ReportLab", (),
              "https://github.com/jawah/charset_normalizer"),
    Component("pypdfium2 и PDFium", "pypdfium2", "Apache-2.0 OR BSD-3-Clause", "предпросмотр печати",
              ("licenses/Apache-2.0.txt",), "https://github.com/pypdfium2-team/pypdfium2"),
    Component("openpyxl", "openpyxl", "MIT", "загрузка и выгрузка Excel", (), "https://openpyxl.readthedocs.io/"),
    Component("et_xmlfile", "et_xmlfile", "MIT", "для openpyxl", (), "https://foss.heptapod.net/openpyxl/et_xmlfile"),
    Component("holidays", "holidays", "MIT", "праздники производственного календаря РФ", (),
              "https://github.com/vacanza/holidays"),
    Component("python-dateutil", "python-dateutil", "Apache-2.0 AND BSD-3-Clause", "для holidays", (),
              "https://github.com/dateutil/dateutil"),
    Component("six", "six", "MIT", "для python-dateutil", (), "https://github.com/benjaminp/six"),
    Component("platformdirs", "platformdirs", "MIT", "папки данных и журнала пользователя", (),
              "https://github.com/tox-dev/platformdirs"),
    Component("tzdata", "tzdata", "Apache-2.0", "часовые пояса (время школы)", ("licenses/Apache-2.0.txt",),
              "https://github.com/python/tzdata"),
    Component("psycopg", "psycopg", "LGPL-3.0-only", "общая база PostgreSQL для нескольких компьютеров",
              ("licenses/LGPL-3.0.txt", "licenses/GPL-3.0.txt"), "https://www.psycopg.org/"),
    Component("psycopg-binary и libpq", "psycopg-binary", "LGPL-3.0-only AND PostgreSQL", "для psycopg",
              ("licenses/LGPL-3.0.txt", "licenses/GPL-3.0.txt"), "https://www.psycopg.org/"),
)

_LICENCE_FILE = re.compile(r"(^|/)(LICEN[CS]E|COPYING|NOTICE)[^/]*$", re.IGNORECASE)


def version_of(component: Component) -> str:
    """The version shipped, or "" when unknown (a distribution without metadata in this build)."""
    if component.name == "Python":
        return platform.python_version()
    if component.name == "Шрифты DejaVu":
        return "2.37"
    if not component.dist:
        return ""
    try:
        return metadata.version(component.dist)
    except metadata.PackageNotFoundError:
        return ""


def licence_text(component: Component) -> str:
    """The licence texts of `component`: its distribution's own licence files, then the ones in resources/.

    Never empty: without any file it names the licence and where to read it.
    """
    parts: list[str] = []
    if component.dist:
        try:
            files = metadata.distribution(component.dist).files or []
        except metadata.PackageNotFoundError:
            files = []
        for file in files:
            if _LICENCE_FILE.search(str(file)) and "BUILD_LICENSES" not in str(file):
                try:
                    text = file.read_text(encoding="utf-8")
                except (OSError, UnicodeDecodeError):
                    continue
                if text:
                    parts.append(f"==== {Path(str(file)).name} ====\n\n{text.strip()}")
    for name in component.texts:
        path = resource_path(*name.split("/"))
        try:
            parts.append(f"==== {path.name} ====\n\n{path.read_text(encoding='utf-8').strip()}")
        except OSError:
            continue
    if not parts:
        where = f" Текст: {component.homepage}" if component.homepage else ""
        return f"{component.name}: лицензия {component.licence}.{where}"
    return "\n\n\n".join(parts)


def qt_translations() -> tuple[Path, list[str]]:
    """Where Qt's own translations are looked for, and which Russian ones load (needs QtCore only)."""
    from PySide6.QtCore import QTranslator

    folder = qt_translations_folder()
    return folder, [name for name, where in translation_files() if QTranslator().load(name, str(where))]


def translations_line() -> str:
    """«Переводы Qt: загружены (qtbase_ru, qt_additions_ru)», or where they were looked for in vain."""
    folder, loaded = qt_translations()
    return f"Переводы Qt: загружены ({', '.join(loaded)})" if loaded else f"Переводы Qt: не найдены в {folder}"


def qt_translations_folder() -> Path:
    from PySide6.QtCore import QLibraryInfo

    return Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))


def translation_files() -> list[tuple[str, Path]]:
    """The Russian catalogues for Qt's standard dialogs and buttons, in the order they are installed (a later one
    wins): Qt's own qtbase_ru, then the program's additions for the strings it lacks (resources/translations)."""
    return [("qtbase_ru", qt_translations_folder()), ("qt_additions_ru", resource_path("translations"))]


def qt_version() -> str:
    from PySide6 import __version__ as pyside_version
    from PySide6.QtCore import qVersion

    return f"Qt {qVersion()}, PySide6 {pyside_version}"


def system_summary(database: str) -> list[str]:
    """Lines for people who help with the program: version, database, folders, system."""
    return [
        f"Канцелярия школы, версия {__version__}",
        f"База данных: {database}",
        f"Папка данных: {user_data_dir()}",
        f"Журнал работы: {log_folder()}",
        f"Система: {system_text()}",
    ]
