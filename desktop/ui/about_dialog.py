"""«О программе»: the version, the database in use, where data and the log are, and every font and library shipped
with its licence (the text opens from the list)."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop import __version__
from desktop.about import (
    COMPONENTS,
    Component,
    licence_text,
    qt_version,
    system_summary,
    translations_line,
    version_of,
)


class LicenceDialog(QDialog):
    """The full licence text of one component, read-only."""

    def __init__(self, component: Component, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Лицензия: {component.name}")
        layout = QVBoxLayout(self)
        heading = QLabel(f"<b>{component.name}</b> — {component.licence}", self)
        heading.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(heading)
        self.text = QPlainTextEdit(licence_text(component), self)
        self.text.setReadOnly(True)
        layout.addWidget(self.text, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(720, 560)


class AboutDialog(QDialog):
    def __init__(self, database: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("О программе")
        self.setObjectName("about")
        layout = QVBoxLayout(self)

        head = QHBoxLayout()
        icon = QLabel(self)
        icon.setPixmap(QGuiApplication.windowIcon().pixmap(64, 64))
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        head.addWidget(icon)
        # What «Копировать сведения» copies, read once: the version, database, folders, system, Qt, its translations.
        system, translations = system_summary(database), translations_line()
        self._summary = [*system, qt_version(), translations]
        title = QLabel(
            f"<span style='font-size:15pt; font-weight:600'>Канцелярия школы</span><br>"
            f"Версия {__version__} · {qt_version()}<br>"
            "Обращения граждан, заявки по инициативам, доступ к электронному дневнику, печатные формы и отчёты. "
            "Сроки — по производственному календарю РФ с исключениями школы.",
            self,
        )
        title.setWordWrap(True)
        head.addWidget(title, 1)
        layout.addLayout(head)

        # The version lines are in the title above.
        self.facts = QLabel("<br>".join(html.escape(line) for line in [*system[1:], translations]), self)
        self.facts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.facts.setWordWrap(True)
        layout.addWidget(self.facts)

        layout.addWidget(QLabel("<b>Шрифты и библиотеки в составе программы</b> (двойной щелчок — текст лицензии):", self))
        self.components = QTreeWidget(self)
        self.components.setHeaderLabels(["Компонент", "Версия", "Лицензия", "Для чего"])
        self.components.setRootIsDecorated(False)
        self.components.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.components.setAlternatingRowColors(True)
        for component in COMPONENTS:
            item = QTreeWidgetItem([component.name, version_of(component), component.licence, component.purpose])
            item.setData(0, Qt.ItemDataRole.UserRole, component)
            self.components.addTopLevelItem(item)
        header = self.components.header()
        for column in range(3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.components.setCurrentItem(self.components.topLevelItem(0))
        self.components.itemActivated.connect(lambda *_: self.show_licence())
        layout.addWidget(self.components, 1)
        layout.addWidget(
            QLabel(
                "Qt, PySide6 и psycopg распространяются по LGPL 3: их библиотеки лежат в папке программы "
                "отдельными файлами, и их можно заменить своей сборкой.",
                self,
            )
        )

        buttons = QDialogButtonBox(self)
        self.licence_button = QPushButton("Текст &лицензии…", self)
        self.licence_button.clicked.connect(self.show_licence)
        self.copy_button = QPushButton("&Копировать сведения", self)
        self.copy_button.setToolTip("Версия, база данных, папки и система — для того, кто помогает с программой")
        self.copy_button.clicked.connect(self.copy_summary)
        close = buttons.addButton("Закрыть", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.addButton(self.licence_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        close.setDefault(True)
        layout.addWidget(buttons)
        QShortcut(QKeySequence.StandardKey.Copy, self.components, activated=self.copy_summary)
        self.resize(820, 600)

    def summary(self) -> str:
        return "\n".join(self._summary)

    def copy_summary(self) -> None:
        QGuiApplication.clipboard().setText(self.summary())
        self.copy_button.setText("Скопировано")

    def show_licence(self) -> None:
        item = self.components.currentItem()
        if item is None:
            return
        component = item.data(0, Qt.ItemDataRole.UserRole)
        LicenceDialog(component, self).exec()
