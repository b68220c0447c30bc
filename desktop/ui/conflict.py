"""When a save is refused because somebody else changed the record meanwhile (`ConflictError`): what changed between
the card the person had and the record as it is now, in Russian, and the message box «Запись изменена другим
пользователем» with «Обновить карточку» and «Закрыть». Nothing the person typed is lost silently: the message says it
was not saved, and the typed text is copied to the clipboard."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

from desktop.services.appeals import AppealCard
from desktop.services.errors import ServiceError
from desktop.services.families import StudentCard
from desktop.services.registry import Services
from desktop.services.support import SupportCard
from desktop.services.tickets import TicketCard

#: What is compared: a dotted attribute ("row.status") or a function of the card, and its Russian label.
Field = tuple[str | Callable[[Any], object], str]

CONFLICT_TITLE = "Запись изменена другим пользователем"
RELOAD_TEXT = "Обновить карточку"
CLOSE_TEXT = "Закрыть"
#: Longer values are cut to this many characters in the message.
MAX_VALUE = 80
#: At most this many new history entries are named.
MAX_HISTORY = 5


def _representatives(card: StudentCard) -> str:
    return "; ".join(
        ", ".join(part for part in (r.full_name, r.relation.label, r.phone, r.email, r.address) if part)
        for r in card.representatives
    )


APPEAL_FIELDS: tuple[Field, ...] = (
    ("row.status", "Статус"),
    ("row.level", "Уровень"),
    ("row.due_date", "Срок"),
    ("row.escalated", "Передано выше"),
    ("row.applicant", "Заявитель"),
    ("row.rubric", "Рубрика"),
    ("email", "Эл. почта"),
    ("phone", "Телефон"),
    ("child_name", "Ребёнок"),
    ("child_class", "Класс"),
    ("answer_text", "Ответ"),
    ("answer_delivery", "Способ ответа"),
    ("answered_by", "Ответил(а)"),
)
TICKET_FIELDS: tuple[Field, ...] = (
    ("row.status", "Статус"),
    ("row.agent_name", "Исполнитель"),
    ("row.next_due", "Срок"),
    ("row.category", "Категория"),
    ("row.event_date", "Дата мероприятия"),
    ("row.client_name", "Заказчик"),
    ("row.client_group", "Класс или подразделение"),
    ("client_contact", "Контакт"),
    ("description", "Описание"),
    ("refusal_reason", "Причина отказа"),
    ("close_note", "Итог"),
    ("rating", "Оценка"),
    ("feedback", "Отзыв"),
    (lambda card: len(card.messages), "Сообщений"),
)
STUDENT_FIELDS: tuple[Field, ...] = (
    ("row.full_name", "ФИО"),
    ("row.class_name", "Класс"),
    ("row.birth_date", "Дата рождения"),
    ("row.studying", "Обучается"),
    ("row.left_on", "Дата выбытия"),
    ("row.paper", "Отчёт на бумаге"),
    (_representatives, "Представители"),
)
SUPPORT_FIELDS: tuple[Field, ...] = (
    ("row.status", "Статус"),
    ("row.stage", "Этап"),
    ("row.full_name", "ФИО"),
    ("row.class_name", "Класс"),
    ("row.stp_number", "Номер заявки в СТП"),
    ("row.stp_sent_at", "Отправлено в СТП"),
    ("gosuslugi_email", "Эл. почта Госуслуг"),
    ("description", "Описание"),
    ("correction_note", "Исправление"),
    ("close_note", "Итог"),
)


def fields_for(card: object) -> tuple[Field, ...]:
    """The fields compared for a card of this kind (none for one of an unknown kind)."""
    kinds: tuple[tuple[type, tuple[Field, ...]], ...] = (
        (AppealCard, APPEAL_FIELDS),
        (TicketCard, TICKET_FIELDS),
        (StudentCard, STUDENT_FIELDS),
        (SupportCard, SUPPORT_FIELDS),
    )
    return next((fields for kind, fields in kinds if isinstance(card, kind)), ())


def fresh_card(services: Services, card: object) -> Any:
    """The record of `card` as it is now (not recorded as another look), or None when it cannot be read."""
    readers: tuple[tuple[type, Callable[[int], object]], ...] = (
        (AppealCard, lambda i: services.appeals.card(i, record_access=False)),
        (TicketCard, lambda i: services.tickets.card(i, record_access=False)),
        (StudentCard, lambda i: services.families.card(i, record_access=False)),
        (SupportCard, lambda i: services.support.card(i, record_access=False)),
    )
    for kind, read in readers:
        if isinstance(card, kind):
            try:
                return read(card.row.id)  # type: ignore[attr-defined]
            except ServiceError:
                return None
    return None


def _value(obj: object, attr: str | Callable[[Any], object]) -> object:
    if callable(attr):
        return attr(obj)
    for name in attr.split("."):
        obj = getattr(obj, name, None)
    return obj


def value_text(value: object) -> str:
    """A value as the message shows it: an enum's Russian label, a date «ДД.ММ.ГГГГ», «да»/«нет», «—» for none."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, enum.Enum):
        label = getattr(value, "label", None)
        return str(label if label is not None else value.value)
    if isinstance(value, dt.datetime):
        return value.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    text = " ".join(str(value).split())
    return text if len(text) <= MAX_VALUE else text[: MAX_VALUE - 1] + "…"


def diff(old: object, new: object, fields: Iterable[Field]) -> list[str]:
    """«Статус: «Открыто» → «В работе»», one line for each of `fields` whose value differs between the two."""
    lines = []
    for attr, label in fields:
        before, after = _value(old, attr), _value(new, attr)
        if before != after:
            lines.append(f"{label}: «{value_text(before)}» → «{value_text(after)}»")
    return lines


def new_history(old: object, new: object) -> list[str]:
    """The history entries of `new` that `old` did not have: «Назначен исполнитель — Смирнова О. П., 23.11.2026
    10:05»."""
    name = "timeline" if hasattr(new, "timeline") else "history"
    before = list(getattr(old, name, None) or ())
    after = list(getattr(new, name, None) or ())
    added = [entry for entry in after if entry not in before]
    lines = []
    for entry in added[-MAX_HISTORY:]:
        title = getattr(entry, "title", "") or str(entry)
        actor = getattr(entry, "actor", "")
        at = getattr(entry, "at", None)
        who = ", ".join(part for part in (actor, value_text(at) if at else "") if part)
        lines.append(f"{title} — {who}" if who else title)
    return lines


def conflict_text(message: str, old: object, new: object | None, fields: Sequence[Field], *, typed: str = "") -> str:
    """The message box's text: the service's refusal, that the input was not saved, what changed, the clipboard."""
    said = "не сохранен" in message  # the service's message may say it already
    parts = [f"{CONFLICT_TITLE}.", message.strip(), "" if said else "Ваши изменения не сохранены."]
    if new is None:
        parts.append("Запись сейчас прочитать не удалось.")
    else:
        changes = diff(old, new, fields)
        history = new_history(old, new)
        if changes:
            parts.append("Что изменилось:\n" + "\n".join(f"• {line}" for line in changes))
        if history:
            parts.append("Новые действия:\n" + "\n".join(f"• {line}" for line in history))
        if not changes and not history:
            parts.append("Что именно изменилось, в карточке не видно: посмотрите её историю после обновления.")
    if typed:
        parts.append(
            "Введённый вами текст остался в окне и скопирован в буфер обмена: после обновления карточки его можно "
            "вставить (Ctrl+V)."
        )
    parts.append(f"«{RELOAD_TEXT}» покажет запись такой, какая она сейчас.")
    return "\n\n".join(part for part in parts if part)


def typed_text(dialog: QWidget) -> str:
    """The text typed into the dialog's text fields (not the date and number boxes' own lines), one per line."""
    texts = []
    for widget in dialog.findChildren(QWidget):
        if isinstance(widget, QLineEdit):
            if isinstance(widget.parentWidget(), (QAbstractSpinBox, QComboBox)) or widget.isReadOnly():
                continue
            text = widget.text()
        elif isinstance(widget, (QPlainTextEdit, QTextEdit)):
            text = "" if widget.isReadOnly() else widget.toPlainText()
        else:
            continue
        if text.strip():
            texts.append(text.strip())
    return "\n\n".join(texts)


def show_conflict(
    parent: QWidget | None,
    message: str,
    old: object,
    new: object | None,
    *,
    fields: Sequence[Field] | None = None,
    typed: str = "",
    title: str = CONFLICT_TITLE,
) -> bool:
    """Say that the record changed, what changed and that nothing was saved (the typed text goes to the
    clipboard); True when the person chose «Обновить карточку»."""
    if typed:
        QGuiApplication.clipboard().setText(typed)
    text = conflict_text(message, old, new, fields if fields is not None else fields_for(old), typed=typed)
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, parent=parent)
    box.setObjectName("conflict_box")
    reload = box.addButton(RELOAD_TEXT, QMessageBox.ButtonRole.AcceptRole)
    close = box.addButton(CLOSE_TEXT, QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(reload)
    box.setEscapeButton(close)
    box.exec()
    return box.clickedButton() is reload


__all__ = [
    "APPEAL_FIELDS",
    "CONFLICT_TITLE",
    "STUDENT_FIELDS",
    "SUPPORT_FIELDS",
    "TICKET_FIELDS",
    "Field",
    "conflict_text",
    "diff",
    "fields_for",
    "fresh_card",
    "new_history",
    "show_conflict",
    "typed_text",
    "value_text",
]
