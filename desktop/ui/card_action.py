"""The dialog that acts on one card (an appeal's, a ticket's): field errors under their fields, a conflict with
another user's change offered as a reload, «Сохранить» and «Отмена»."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QMessageBox, QVBoxLayout, QWidget

from desktop.services.errors import ConflictError, ServiceError, ValidationError
from desktop.services.registry import Services
from desktop.ui.widgets import Banner, ErrorLabel, ok_cancel_buttons

CardT = TypeVar("CardT")


def with_wait_cursor(work: Callable[[], object]) -> object:
    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        return work()
    finally:
        QGuiApplication.restoreOverrideCursor()


def show_field_errors(exc: ValidationError, labels: dict[str, ErrorLabel], rest_label: ErrorLabel) -> None:
    """Each message of the service under its field; those with no field of their own under the form."""
    rest = []
    for key, message in exc.fields.items():
        if key in labels:
            labels[key].show_error(message)
        else:
            rest.append(message)
    rest_label.show_error("\n".join(rest) or None)


class CardAction(QDialog, Generic[CardT]):
    """A dialog that acts on one card as it was shown (its `version`). When somebody changed the record meanwhile,
    it says so (`conflict_title`) and offers to read the card again (`reload` returns the fresh card, or None);
    what was typed stays. A subclass builds its fields between `__init__` and `finish`, and supplies `call`."""

    ok_text = "Сохранить"
    conflict_title = "Карточка изменена"
    conflict_note = "Карточка обновлена: посмотрите, что изменилось, и сохраните ещё раз."

    def __init__(
        self,
        services: Services,
        card: CardT,
        parent: QWidget | None = None,
        *,
        reload: Callable[[], CardT | None] | None = None,
    ) -> None:
        super().__init__(parent)
        self._services = services
        self.card = card
        self._reload = reload
        self.result_card: CardT | None = None
        self.body = QVBoxLayout(self)
        self.head = QLabel(self.head_text(card), self)
        self.head.setObjectName("action_head")
        self.body.addWidget(self.head)
        self.banner = Banner(self)
        self.banner.setObjectName("action_banner")
        self.error = ErrorLabel(self)
        self.error.setObjectName("dialog_error")

    def head_text(self, card: CardT) -> str:
        """The line above the fields (rich text): which record this is."""
        raise NotImplementedError

    def finish(self) -> None:
        self.body.addWidget(self.banner)
        self.body.addWidget(self.error)
        self.buttons = ok_cancel_buttons(self, self.ok_text, self.submit)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.body.addWidget(self.buttons)

    def call(self) -> CardT | None:
        """Do the action; the card as it has become, or None when the person changed their mind."""
        raise NotImplementedError

    def field_errors(self) -> dict[str, ErrorLabel]:
        return {}

    def still_allowed(self, card: CardT) -> bool:
        return True

    def submit(self) -> None:
        self.error.show_error(None)
        for label in self.field_errors().values():
            label.show_error(None)
        try:
            result = with_wait_cursor(self.call)
        except ConflictError as exc:
            self._conflict(str(exc))
            return
        except ValidationError as exc:
            show_field_errors(exc, self.field_errors(), self.error)
            return
        except ServiceError as exc:
            self.error.show_error(str(exc))
            return
        if result is None:  # the person changed their mind
            return
        self.result_card = result  # type: ignore[assignment]
        self.accept()

    def _conflict(self, message: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, self.conflict_title, message, parent=self)
        reload = box.addButton("Обновить карточку", QMessageBox.ButtonRole.AcceptRole)
        close = box.addButton("Закрыть", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(reload)
        box.setEscapeButton(close)
        box.exec()
        if box.clickedButton() is not reload or self._reload is None:
            self.reject()
            return
        fresh = self._reload()
        if fresh is None or not self.still_allowed(fresh):
            self.reject()
            return
        self.card = fresh
        self.banner.show_message(self.conflict_note, "info")


__all__ = ["CardAction", "show_field_errors", "with_wait_cursor"]
