"""Small shared widgets and helpers: error labels, banners, confirmation dialogs."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QAbstractItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMessageBox,
    QTableView,
    QWidget,
)

ERROR_STYLE = "color: #b71c1c;"
BANNER_STYLES = {
    "warning": "background: #fff3cd; color: #5c4400; border: 1px solid #e0c36a; border-radius: 4px; padding: 6px 10px;",
    "info": "background: #e8f1fb; color: #0d3c61; border: 1px solid #9cc2e5; border-radius: 4px; padding: 6px 10px;",
    "ok": "background: #e6f4ea; color: #1e4620; border: 1px solid #9bd0a5; border-radius: 4px; padding: 6px 10px;",
}


class ErrorLabel(QLabel):
    """A red line under a field that says what is wrong with it; hidden when all is well."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setStyleSheet(ERROR_STYLE)
        self.setWordWrap(True)
        self.hide()

    def show_error(self, text: str | None) -> None:
        self.setText(text or "")
        self.setVisible(bool(text))
        if text:
            grow_to_fit(self.window())


def grow_to_fit(window: QWidget) -> None:
    """Make a shown dialog tall enough for word-wrapped text that appeared in it (Qt does not grow a window for
    a label's height-for-width by itself, and the lines would overlap)."""
    layout = window.layout()
    if not isinstance(window, QDialog) or layout is None or not window.isVisible():
        return
    layout.activate()
    needed = window.heightForWidth(window.width())
    if needed > window.height():
        window.resize(window.width(), needed)


class Banner(QLabel):
    """A coloured notice across a section: a warning, a piece of information or a confirmation."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.hide()

    def show_message(self, text: str | None, kind: str = "info") -> None:
        self.setStyleSheet(BANNER_STYLES[kind])
        self.setText(text or "")
        self.setVisible(bool(text))


def confirm(parent: QWidget, title: str, text: str, yes: str) -> bool:
    """Ask before a destructive action; the safe answer («Отмена») is the default."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
    yes_button = box.addButton(yes, QMessageBox.ButtonRole.DestructiveRole)
    cancel = box.addButton("Отмена", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)
    box.exec()
    return box.clickedButton() is yes_button


def show_error(parent: QWidget, title: str, text: str) -> None:
    QMessageBox.warning(parent, title, text)


def ok_cancel_buttons(
    dialog: QDialog, ok_text: str, on_ok: Callable[[], object] | None = None
) -> QDialogButtonBox:
    """The dialog's «<ok_text>» and «Отмена» buttons, wired to accept (or to `on_ok`, which accepts when it
    succeeds) and reject."""
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, dialog
    )
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Отмена")
    buttons.accepted.connect(on_ok or dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


def record_table(parent: QWidget, name: str, model: QAbstractItemModel, row_padding: int = 8) -> QTableView:
    """A read-only table of records: whole rows selected one at a time, fixed row height, no word wrap."""
    table = QTableView(parent)
    table.setObjectName(name)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.verticalHeader().hide()
    table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    table.verticalHeader().setDefaultSectionSize(parent.fontMetrics().height() + row_padding)
    return table
