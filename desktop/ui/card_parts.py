"""The pieces an appeal's and a ticket's card share: the title with its urgency, the strip of facts, labelled
fields, a file's row, the history as dated entries with a coloured dot."""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.services.errors import ServiceError
from desktop.services.files import FileInfo
from desktop.services.registry import Services
from desktop.ui.appeal_dialogs import HINT_STYLE, open_bytes, save_file_name
from desktop.ui.urgency import UrgencyChip, urgency_pixmap, urgency_text
from desktop.ui.widgets import Banner

#: Reads an attached file by its id: its name and bytes.
ReadFile = Callable[[int], tuple[str, bytes]]


def value_label(parent: QWidget, name: str) -> QLabel:
    """A value on a card: wraps, and may be selected to copy."""
    label = QLabel(parent)
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def action_strip(
    parent: QWidget, name: str, colours: tuple[str, str, str], button_text: str = ""
) -> tuple[QFrame, QLabel, QPushButton]:
    """A coloured strip across a card with a sentence and a button that acts on it (offer a refusal, open the other
    request), hidden until the card has something to say. `colours` are the background, border and text colours;
    the parts are named `name`, `name_text` and `name_button`."""
    background, border, text_colour = colours
    strip = QFrame(parent)
    strip.setObjectName(name)
    strip.setStyleSheet(f"#{name} {{ background: {background}; border: 1px solid {border}; border-radius: 4px; }}")
    layout = QHBoxLayout(strip)
    layout.setContentsMargins(10, 6, 10, 6)
    text = QLabel(strip)
    text.setObjectName(f"{name}_text")
    text.setWordWrap(True)
    text.setStyleSheet(f"color: {text_colour};")
    button = QPushButton(button_text, strip)
    button.setObjectName(f"{name}_button")
    layout.addWidget(text, 1)
    layout.addWidget(button)
    strip.hide()
    return strip, text, button


def field_group(
    parent: QWidget, title: str, captions: Iterable[tuple[str, str]], fields: dict[str, QLabel]
) -> QGroupBox:
    """A group of labelled values («ФИО:» …), each put in `fields` by its key and named `card_<key>`."""
    group = QGroupBox(title, parent)
    form = QFormLayout(group)
    form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
    for key, caption in captions:
        fields[key] = value_label(group, f"card_{key}")
        form.addRow(caption, fields[key])
    return group


class FileRow(QWidget):
    """An attached file: its name and size, «Открыть» and «Сохранить как…»; `read` reads it by its id. `inline`:
    the bare name wraps (a narrow column never scrolls sideways) and a failed read is said in the row itself."""

    def __init__(
        self, name: str, read: ReadFile, parent: QWidget | None = None, *, inline: bool = False
    ) -> None:
        super().__init__(parent)
        self._read_file = read
        self._inline = inline
        self.info: FileInfo | None = None
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel(self)
        self.label.setObjectName(f"{name}_file")
        self.open_button = QPushButton("Открыть", self)
        self.open_button.setObjectName(f"{name}_open")
        self.save_button = QPushButton("Сохранить как…", self)
        self.save_button.setObjectName(f"{name}_save")
        layout.addWidget(self.label, 1)
        layout.addWidget(self.open_button)
        layout.addWidget(self.save_button)
        self.open_button.clicked.connect(self.open)
        self.save_button.clicked.connect(self.save_as)
        self.error: str | None = None

    def set_file(self, info: FileInfo | None) -> None:
        if self._inline:
            self.label.setWordWrap(True)
        self.info = info
        self.setVisible(info is not None)
        if info is not None:
            prefix = "" if self._inline else "Файл: "
            self.label.setText(f"{prefix}{info.name} ({info.size_text})")

    def _read(self) -> tuple[str, bytes] | None:
        assert self.info is not None
        try:
            return self._read_file(self.info.id)
        except ServiceError as exc:
            if self._inline:
                self.label.setText(f"{self.info.name}: {exc}")
            else:
                QMessageBox.warning(self, "Файл не открыт", str(exc))
            return None

    def open(self) -> None:
        found = self._read()
        if found is not None:
            try:
                open_bytes(*found)
            except OSError as exc:
                QMessageBox.warning(
                    self, "Файл не открыт", f"Не удалось записать временный файл: {exc.strerror}"
                )

    def save_as(self) -> None:
        if self.info is None:
            return
        target = save_file_name(self, "Сохранить файл", Path.home() / self.info.name, "Все файлы (*)", "")
        if target is None:
            return
        found = self._read()
        if found is None:
            return
        try:
            target.write_bytes(found[1])
        except OSError as exc:
            QMessageBox.warning(
                self, "Файл не сохранён", f"Не удалось записать файл {target}: {exc.strerror}"
            )


class CardDialog(QDialog):
    """A card's frame: the big title with the urgency's icon and chip, `aside` on the right (`build_head`); the
    strip of facts (`build_facts`); the banner and the row of buttons (`build_buttons`); `show_head` shows the
    record's title and urgency. A subclass supplies `read_card` and `_show`; `load`, `reload` and `run_action` show
    the record as it has become (`changed` tells the queue to refresh; `current_id` is the record shown)."""

    def __init__(self, services: Services, record_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self.card: Any = None
        self.current_id = record_id
        self.changed = False

    def frame(self, name: str, size: tuple[int, int], aside: str) -> tuple[QVBoxLayout, QLabel]:
        """The dialog named `name` at its `size`, its layout and its head with the label `aside` on the right."""
        self.setObjectName(name)
        self.setMinimumSize(900, 600)
        self.resize(*size)
        body = QVBoxLayout(self)
        label = QLabel(self)
        label.setObjectName(aside)
        self.build_head(body, label)
        return body, label

    def read_card(self, record_id: int) -> Any:
        """The record's card as it is now (the service's `card`)."""
        raise NotImplementedError

    def _show(self, card: Any) -> None:
        raise NotImplementedError

    def load(self, record_id: int) -> Any:
        """Show record `record_id` as it is now; None (and the reason on the card) when it cannot be read."""
        try:
            card = self.read_card(record_id)
        except ServiceError as exc:
            self.banner.show_message(str(exc), "warning")
            return None
        self.card = card
        self.current_id = card.id
        self._show(card)
        return card

    def reload(self) -> Any:
        self.changed = True
        return self.load(self.current_id)

    def run_action(self, dialog_type: type) -> Any:  # type: ignore[type-arg]
        """Ask in a `CardAction` dialog; the card as the action left it (shown), or None when nothing was done."""
        if self.card is None:
            return None
        dialog = dialog_type(self._services, self.card, self, reload=self.reload)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.result_card is None:
            return None
        self.changed = True
        result = dialog.result_card
        self.load(result.id)
        return result

    def build_buttons(self, body: QVBoxLayout, actions: Iterable[QPushButton], close_text: str) -> None:
        """`card_banner`, then the row of `actions` and, on the right, `close_button` (`close_text`)."""
        self.banner = Banner(self)
        self.banner.setObjectName("card_banner")
        body.addWidget(self.banner)
        buttons = QHBoxLayout()
        for button in actions:
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.close_button = QPushButton(close_text, self)
        buttons.addWidget(self.close_button)
        body.addLayout(buttons)
        self.close_button.clicked.connect(self.accept)

    def build_head(self, body: QVBoxLayout, aside: QLabel) -> None:
        head = QHBoxLayout()
        self.urgency_icon = QLabel(self)
        self.title = QLabel(self)
        self.title.setObjectName("card_title")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.45)
        font.setBold(True)
        self.title.setFont(font)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.chip_holder = QHBoxLayout()
        self.chip: UrgencyChip | None = None
        head.addWidget(self.urgency_icon)
        head.addWidget(self.title)
        head.addSpacing(8)
        head.addLayout(self.chip_holder)
        head.addStretch(1)
        head.addWidget(aside)
        body.addLayout(head)

    def build_facts(
        self, body: QVBoxLayout, captions: Iterable[tuple[str, str]], wide: Iterable[str]
    ) -> None:
        """The grey strip of facts, each `card_<key>` in `self.facts`; the `wide` ones get twice the room."""
        facts = QFrame(self)
        facts.setObjectName("card_facts")
        facts.setStyleSheet(
            "#card_facts { background: #f6f8fa; border: 1px solid #dde3ea; border-radius: 4px; }"
        )
        grid = QHBoxLayout(facts)
        grid.setContentsMargins(10, 6, 10, 6)
        self.facts: dict[str, QLabel] = {}
        for key, caption in captions:
            cell = QVBoxLayout()
            cell.setSpacing(0)
            top = QLabel(caption, facts)
            top.setStyleSheet(HINT_STYLE)
            value = value_label(facts, f"card_{key}")
            value.setStyleSheet("font-weight: bold;")
            cell.addWidget(top)
            cell.addWidget(value)
            grid.addLayout(cell, 2 if key in wide else 1)
            self.facts[key] = value
        body.addWidget(facts)

    def show_head(self, title: str, urgency: object) -> None:
        self.setWindowTitle(title)
        self.title.setText(title)
        self.urgency_icon.setPixmap(urgency_pixmap(urgency, 28))  # type: ignore[arg-type]
        self.urgency_icon.setToolTip(urgency_text(urgency))  # type: ignore[arg-type]
        if self.chip is not None:
            self.chip.deleteLater()
        self.chip = UrgencyChip(urgency, urgency_text(urgency), self)  # type: ignore[arg-type]
        self.chip_holder.addWidget(self.chip)


def steps_html(steps: Iterable[tuple[Any, str | None]], colours: dict) -> str:  # type: ignore[type-arg]
    """The history as a table: a dot coloured by what happened, the day and hour, the title, its note, who."""
    rows = []
    for entry, note in steps:
        colour = colours.get(entry.kind, "#555555")
        detail = f"<br><span style='color:#4a4f55'>{html.escape(note)}</span>" if note else ""
        actor = f"<br><span style='color:#80868b'>{html.escape(entry.actor)}</span>" if entry.actor else ""
        rows.append(
            "<tr>"
            f"<td style='color:{colour}; font-size:large; padding-right:6px' valign='top'>●</td>"
            f"<td style='padding-right:12px; white-space:nowrap' valign='top'>{entry.at:%d.%m.%Y}<br>"
            f"<span style='color:#80868b'>{entry.at:%H:%M}</span></td>"
            f"<td style='padding-bottom:10px' valign='top'><b>{html.escape(entry.title)}</b>{detail}{actor}</td>"
            "</tr>"
        )
    return "<table cellspacing='0' cellpadding='1'>" + "".join(rows) + "</table>"


def steps_texts(steps: Iterable[tuple[Any, str | None]]) -> list[str]:
    """The history as a person reads it: one string per entry."""
    return [" ".join(part for part in (f"{e.at:%d.%m.%Y %H:%M}", e.title, note) if part) for e, note in steps]


__all__ = ["CardDialog", "FileRow", "field_group", "steps_html", "steps_texts", "value_label"]
