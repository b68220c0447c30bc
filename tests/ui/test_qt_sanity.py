"""A guard against a PySide6 bug that killed the program on exit, so that a careless upgrade is caught here.

PySide6 6.12.0 decremented the reference count of `None` every time `QModelIndex.data(role)` was asked for a
role the item does not hold (Qt's item delegates do that for every cell on every repaint). Nothing went wrong
at once; later the count of `None` ran out and the interpreter aborted with "Fatal Python error:
none_dealloc", typically at exit, after the secretary had closed the window. pyproject.toml therefore pins
PySide6-Essentials < 6.12; this test fails on a release with the bug (on Python 3.11, where `None` is
counted; from 3.12 on `None` is immortal and its count does not move, so there the test guards nothing).
"""

from __future__ import annotations

import sys

import PySide6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableWidget, QTableWidgetItem


def test_reading_an_unset_role_leaves_none_alone(qtbot):
    table = QTableWidget(1, 1)
    qtbot.addWidget(table)
    table.setItem(0, 0, QTableWidgetItem("27.11.2026"))
    index = table.model().index(0, 0)
    unset_role = Qt.ItemDataRole.UserRole + 77
    assert index.data(unset_role) is None  # the role really is unset: Qt hands back None

    before = sys.getrefcount(None)
    for _ in range(1000):
        index.data(unset_role)
    after = sys.getrefcount(None)

    assert abs(after - before) <= 5, (
        f"PySide6 {PySide6.__version__}: 1000 reads of an unset role moved the reference count of None "
        f"from {before} to {after}; the interpreter will abort at exit (see pyproject.toml)"
    )


def test_set_roles_still_come_back(qtbot):
    """The same path with a value: the guard above must not pass merely because data() stopped working."""
    table = QTableWidget(1, 1)
    qtbot.addWidget(table)
    item = QTableWidgetItem("27.11.2026")
    item.setData(Qt.ItemDataRole.UserRole + 3, 2)
    table.setItem(0, 0, item)
    index = table.model().index(0, 0)
    assert index.data(Qt.ItemDataRole.DisplayRole) == "27.11.2026"
    assert index.data(Qt.ItemDataRole.UserRole + 3) == 2
