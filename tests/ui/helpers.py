"""What a person does with the mouse and the keyboard, for the GUI tests; logging a test user in."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QCheckBox,
    QListWidget,
    QListWidgetItem,
    QWidget,
)

from desktop.services.demo import DEMO_PASSWORD
from desktop.services.registry import Services
from desktop.ui.calendar_view import MonthGrid


def log_in(services: Services, login: str, password: str = DEMO_PASSWORD) -> Services:
    """The services acting as a user of the database, after a login with their password."""
    return services.as_actor(services.users.authenticate(login, password))


def click(qtbot, button: QAbstractButton) -> None:  # type: ignore[no-untyped-def]
    """Click a button; a disabled one does not react, as on screen."""
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def tick(qtbot, box: QCheckBox) -> None:  # type: ignore[no-untyped-def]
    """Click a checkbox on its square, as a person does (its middle may be empty space that does not react)."""
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))


def type_text(widget: QWidget, text: str) -> None:
    """Type `text` key by key into the widget with the focus, Cyrillic and «№» included.

    (`qtbot.keyClicks` goes through QTest's ASCII table and aborts the interpreter on a Cyrillic letter.)
    """
    for char in text:
        key = Qt.Key(QTest.asciiToKey(char)) if char.isascii() and char.isprintable() else Qt.Key.Key_unknown
        QTest.sendKeyEvent(QTest.KeyAction.Click, widget, key, char, Qt.KeyboardModifier.NoModifier)


def replace_text(widget: QWidget, text: str) -> None:
    """Select everything in a line edit (Ctrl+A) and type `text` over it."""
    QTest.keyClick(widget, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClick(widget, Qt.Key.Key_Delete)
    type_text(widget, text)


def click_cell(qtbot, view: QAbstractItemView, row: int, column: int) -> None:  # type: ignore[no-untyped-def]
    """Click a cell of a table (or grid) where it is drawn."""
    index = view.model().index(row, column)
    rect = view.visualRect(index)
    on_screen = rect.isValid() and view.viewport().rect().contains(rect.center())
    assert on_screen, f"cell {row},{column} is not on screen"
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def click_item(qtbot, view: QListWidget, item: QListWidgetItem) -> None:  # type: ignore[no-untyped-def]
    rect = view.visualItemRect(item)
    assert rect.isValid(), f"«{item.text()}» is not on screen"
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def click_day(qtbot, grid: MonthGrid, day: dt.date) -> None:  # type: ignore[no-untyped-def]
    cell = grid.cell_of(day)
    assert cell is not None, f"{day} is not in the month shown"
    click_cell(qtbot, grid, *cell)


def table_rows(view: QAbstractItemView) -> list[list[str]]:
    """The texts of a table as a person reads them, row by row."""
    model = view.model()
    return [
        [str(model.index(r, c).data(Qt.ItemDataRole.DisplayRole) or "") for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]


def list_texts(view: QListWidget) -> list[str]:
    return [view.item(i).text() for i in range(view.count())]
