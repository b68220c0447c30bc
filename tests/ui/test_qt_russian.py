"""Qt's own dialogs speak Russian: the file dialog the program opens to load and save files, the print dialog, and
the standard buttons of message boxes (Qt's catalogue qtbase_ru plus the program's additions for what it lacks)."""

from __future__ import annotations

import re

from PySide6.QtGui import QAction
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QAbstractButton,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QWidget,
)

ENGLISH = re.compile(r"[A-Za-z]{3,}")
RUSSIAN = re.compile(r"[А-Яа-яЁё]")


def english_texts(dialog: QWidget, *, except_: tuple[str, ...] = ()) -> list[str]:
    """The words a person reads in the dialog (labels, buttons, tooltips, menu items) that are English only."""
    texts: list[str] = []
    for widget in dialog.findChildren(QWidget):
        if not widget.isVisibleTo(dialog):
            continue
        if isinstance(widget, (QLabel, QAbstractButton)):
            texts.append(widget.text())
        texts.append(widget.toolTip())
    texts += [action.text() for action in dialog.findChildren(QAction)]
    return sorted(
        {t for t in texts if t and ENGLISH.search(t) and not RUSSIAN.search(t) and t not in except_}
    )


def shown_file_dialog(qtbot, folder, title: str, mode: QFileDialog.AcceptMode) -> QFileDialog:  # type: ignore[no-untyped-def]
    """Qt's own file dialog (not the system's), as the program opens it on Linux, shown."""
    dialog = QFileDialog(None, title, str(folder), "Excel (*.xlsx)")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    dialog.setAcceptMode(mode)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_the_file_dialog_is_russian(qapp, qtbot, tmp_path):
    (tmp_path / "список.xlsx").write_bytes(b"")
    dialog = shown_file_dialog(qtbot, tmp_path, "Загрузить список класса", QFileDialog.AcceptMode.AcceptOpen)
    labels = {label.text() for label in dialog.findChildren(QLabel) if label.isVisibleTo(dialog)}
    assert {"&Папка:", "&Имя файла:", "&Типы файлов:"} <= labels
    buttons = {b.text() for b in dialog.findChildren(QDialogButtonBox)[0].buttons()}
    assert buttons == {"&Открыть", "Отмена"}
    assert english_texts(dialog, except_=("Excel (*.xlsx)",)) == []


def test_the_save_dialog_is_russian(qapp, qtbot, tmp_path):
    dialog = shown_file_dialog(qtbot, tmp_path, "Сохранить в Excel", QFileDialog.AcceptMode.AcceptSave)
    assert {b.text() for b in dialog.findChildren(QDialogButtonBox)[0].buttons()} == {"&Сохранить", "Отмена"}
    assert english_texts(dialog, except_=("Excel (*.xlsx)",)) == []


def test_the_print_dialog_is_russian(qapp, qtbot):
    printer = QPrinter()
    dialog = QPrintDialog(printer)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert english_texts(dialog) == []


def test_standard_buttons_and_text_menus_are_russian(qapp):
    box = QMessageBox()
    for button in (
        QMessageBox.StandardButton.Yes,
        QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Save,
        QMessageBox.StandardButton.Discard,
        QMessageBox.StandardButton.Close,
        QMessageBox.StandardButton.Open,
    ):
        box.addButton(button)
    assert {b.text().replace("&", "") for b in box.buttons()} == {
        "Да", "Нет", "Отмена", "Сохранить", "Отклонить", "Закрыть", "Открыть"
    }
    field = QLineEdit()
    menu = field.createStandardContextMenu()
    items = [a.text().split("\t")[0].replace("&", "") for a in menu.actions() if a.text()]
    assert items == ["Отменить действие", "Повторить действие", "Вырезать", "Копировать", "Вставить", "Удалить",
                     "Выделить всё"]
