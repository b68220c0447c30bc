"""The dialog that acts on one card (an appeal's, a ticket's): field errors under their fields, a conflict with
another user's change offered as a reload, «Сохранить» and «Отмена»."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar, Generic, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from desktop.services.errors import ConflictError, ServiceError, ValidationError
from desktop.services.registry import Services
from desktop.ui.conflict import fresh_card, show_conflict, typed_text
from desktop.ui.widgets import Banner, ErrorLabel, ok_cancel_buttons

CardT = TypeVar("CardT")
#: Grey words under a form: what is still to fill in, a note.
HINT_STYLE = "color: #5f6368;"


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
        """«Запись изменена другим пользователем»: what changed since the card was shown, that nothing was saved
        (what was typed stays here and goes to the clipboard); «Обновить карточку» reads it again."""
        fresh_now = fresh_card(self._services, self.card) if self.card is not None else None
        if not show_conflict(
            self, message, self.card, fresh_now, typed=typed_text(self), title=self.conflict_title
        ):
            self.reject()
            return
        if self._reload is None:
            self.reject()
            return
        fresh = self._reload()
        if fresh is None or not self.still_allowed(fresh):
            self.reject()
            return
        self.card = fresh
        self.banner.show_message(self.conflict_note, "info")


class NewRecordDialog(QDialog, Generic[CardT]):
    """A dialog that makes a new record (a ticket, an appeal), checked by the service as the person types: what is
    wrong shows under the fields touched so far (`_edited`), the rest is named in the hint, and OK is pressed only
    when nothing is. A subclass fills `editors` and `errors`, ends with `finish`, and supplies `data` (the input),
    `problems` (the service's check) and `create`; `result_card` is the new record."""

    #: The verb of the hint «Чтобы …, заполните: …» and the fields' names in it.
    hint_verb = ""
    field_names: ClassVar[dict[str, str]] = {}

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self.result_card: CardT | None = None
        self._touched: set[str] = set()
        self.editors: dict[str, QLineEdit] = {}
        self.errors: dict[str, ErrorLabel] = {}

    def finish(self, body: QVBoxLayout, hint_name: str, ok_text: str) -> None:
        """Under the form: the hint `hint_name`, the error, OK (`ok_text`) and «Отмена»."""
        self.hint = QLabel(self)
        self.hint.setObjectName(hint_name)
        self.hint.setStyleSheet(HINT_STYLE)
        self.hint.setWordWrap(True)
        body.addWidget(self.hint)
        self.error = ErrorLabel(self)
        self.error.setObjectName("dialog_error")
        body.addWidget(self.error)
        self.buttons = ok_cancel_buttons(self, ok_text, self.submit)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        body.addWidget(self.buttons)

    def problems(self) -> dict[str, str]:
        raise NotImplementedError

    def create(self) -> CardT:
        raise NotImplementedError

    def _edited(self, key: str) -> None:
        self._touched.add(key)
        self.recheck()

    def recheck(self) -> dict[str, str]:
        """Ask the service what is wrong; show it under the fields touched so far, name the rest in the hint,
        and allow OK only when nothing is."""
        problems = self.problems()
        for key, error in self.errors.items():
            error.show_error(problems.get(key) if key in self._touched else None)
        untouched = [self.field_names.get(k, k) for k in problems if k not in self._touched]
        self.hint.setText(f"Чтобы {self.hint_verb}, заполните: {', '.join(untouched)}." if untouched else "")
        self.hint.setVisible(bool(untouched))
        self.ok_button.setEnabled(not problems)
        return problems

    def submit(self) -> None:
        self.error.show_error(None)
        self._touched.update(self.errors)
        if self.recheck():
            return
        try:
            card = with_wait_cursor(self.create)
        except ValidationError as exc:
            show_field_errors(exc, self.errors, self.error)
            return
        except ServiceError as exc:
            self.error.show_error(str(exc))
            return
        self.result_card = card  # type: ignore[assignment]
        self.accept()


__all__ = ["HINT_STYLE", "CardAction", "NewRecordDialog", "show_field_errors", "with_wait_cursor"]
