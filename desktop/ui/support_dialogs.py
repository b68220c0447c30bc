"""Dialogs about support requests for the e-journal (seed 001, DOMAIN.md §3): taking a request in from a class
teacher, the administrator's correction with the moment it takes effect, the check with the user, the request to СТП
with the regulation's eight fields (written as an .eml letter), a follow-up, СТП's number and answer, closing.

The file helpers and form pieces are the appeals' and the tickets' own."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QDate, QDateTime, Qt, QTime
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from desktop.domain import support as rules
from desktop.domain.access import Role
from desktop.domain.support import INTAKE_LABELS, STP_LABELS, USER_ROLE_LABELS, UserRole
from desktop.services.errors import ServiceError
from desktop.services.registry import Services
from desktop.services.support import (
    MAX_FILES,
    DuplicateStpRequest,
    OpenStp,
    SentLetter,
    StpLetter,
    SupportCard,
    SupportInput,
)
from desktop.ui.appeal_dialogs import (
    HINT_STYLE,
    CountedText,
    ask_to_open,
    open_path,
    save_file_name,
)
from desktop.ui.card_action import CardAction, NewRecordDialog
from desktop.ui.ticket_dialogs import FilesList, pydate, qdate
from desktop.ui.widgets import ErrorLabel, confirm

#: How the intake's fields are named in the hint «Чтобы принять запрос, заполните: …».
FIELD_NAMES = {key: label[:1].lower() + label[1:] for key, label in INTAKE_LABELS.items()}
FIELD_NAMES["full_name"] = "ФИО пользователя"
#: The oldest person the date of birth allows (the domain refuses older ones with its message).
OLDEST_YEARS = 110
#: The letter's warning when СТП's answer is awaited: the regulation's advice against a second request.
ONE_REQUEST_NOTE = (
    "Вторую заявку по проблеме одного пользователя в СТП не направляют (регламент ЭПОС): "
    "дополнение добавляется к открытой заявке."
)


def _form() -> QFormLayout:
    form = QFormLayout()
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
    return form


def _with_error(editor: QWidget | QHBoxLayout, error: ErrorLabel) -> QVBoxLayout:
    box = QVBoxLayout()
    box.setSpacing(2)
    if isinstance(editor, QHBoxLayout):
        box.addLayout(editor)
    else:
        box.addWidget(editor)
    box.addWidget(error)
    return box


def _hint(parent: QWidget, text: str, name: str = "") -> QLabel:
    label = QLabel(text, parent)
    label.setWordWrap(True)
    label.setStyleSheet(HINT_STYLE)
    if name:
        label.setObjectName(name)
    return label


def school_now(services: Services) -> dt.datetime:
    """Now on the school's wall clock (naive), as the request's moments are shown."""
    return services.ctx.clock().astimezone(services.settings.timezone()).replace(tzinfo=None)


def letter_file_name(number: str, followup: int | None = None) -> str:
    """The name the service gives the letter: «Э-2026-0007 заявка в СТП.eml» (a follow-up: «… дополнение в СТП 2.eml»)."""
    stem = number.replace("/", "-")
    if followup is None:
        return f"{stem} заявка в СТП.eml"
    return f"{stem} дополнение в СТП {followup}.eml"


class ScreenshotsList(FilesList):
    """The screenshots (or a video) that show the error: «Добавить файлы…», the list, «Убрать»."""

    def __init__(self, parent: QWidget | None = None, *, name: str = "screenshots") -> None:
        super().__init__(parent, limit=MAX_FILES)
        self.list.setObjectName(f"{name}_list")
        self.add_button.setObjectName(f"{name}_add")
        self.remove_button.setObjectName(f"{name}_remove")
        self.error.setObjectName(f"{name}_error")

    def _update(self) -> None:
        super()._update()
        if not self.files:
            self.list.setToolTip("Скриншоты экрана устройства, на котором видна ошибка (или видео)")


# -- taking a request in ------------------------------------------------------------------------------------------


class NewSupportDialog(NewRecordDialog[SupportCard]):
    """«Новый запрос в поддержку»: what the class teacher brings (seed 001: full name, date of birth, the e-mail of
    Госуслуги, screenshots) and what the administrator needs (role, class, who brought it, what is wrong). Checked
    by the service as the person types; a person who already has a request open at СТП is warned of (not refused:
    the new problem may be another one). `result_card`: the new request."""

    hint_verb = "принять запрос"
    field_names = FIELD_NAMES

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(services, parent)
        self.setObjectName("new_support_dialog")
        self.setWindowTitle("Новый запрос в поддержку ЭПОС")
        self.setMinimumWidth(720)
        body = QVBoxLayout(self)
        body.addWidget(
            _hint(
                self,
                "Пользователь обращается через классного руководителя. Обязательно: ФИО, дата рождения, "
                "электронная почта, с которой он зарегистрирован на Госуслугах, и скриншоты ошибки.",
            )
        )
        form = _form()

        def error_for(key: str) -> ErrorLabel:
            error = ErrorLabel(self)
            error.setObjectName(f"{key}_error")
            self.errors[key] = error
            return error

        def line(key: str, label: str, placeholder: str, text: str = "") -> QLineEdit:
            edit = QLineEdit(text, self)
            edit.setObjectName(key)
            edit.setPlaceholderText(placeholder)
            self.editors[key] = edit
            form.addRow(label, _with_error(edit, error_for(key)))
            edit.textEdited.connect(lambda _t, k=key: self._edited(k))
            return edit

        line("full_name", "ФИО пользователя:", "Фамилия Имя Отчество — как в ЭПОС")
        today = services.settings.today()
        self.birth_date = QDateEdit(self)
        self.birth_date.setObjectName("birth_date")
        self.birth_date.setDisplayFormat("dd.MM.yyyy")
        self.birth_date.setCalendarPopup(True)
        # The smallest date stands for «not given»: the field is empty until a date is chosen or typed.
        self.birth_date.setMinimumDate(QDate(today.year - OLDEST_YEARS, 1, 1))
        self.birth_date.setMaximumDate(qdate(today))
        self.birth_date.setSpecialValueText("не указана")
        self.birth_date.setDate(self.birth_date.minimumDate())
        self.birth_date.calendarWidget().setCurrentPage(today.year - 12, 9)  # the popup opens among schoolchildren
        self.birth_date.setToolTip("Дата рождения пользователя: дд.мм.гггг")
        date_row = QHBoxLayout()
        date_row.addWidget(self.birth_date)
        date_row.addStretch(1)
        form.addRow("Дата рождения:", _with_error(date_row, error_for("birth_date")))
        line("gosuslugi_email", "Почта (Госуслуги):", "адрес, с которым пользователь вошёл на Госуслуги")
        self.role = QComboBox(self)
        self.role.setObjectName("role")
        self.role.addItem("— выберите роль —", None)
        for role in UserRole:
            self.role.addItem(USER_ROLE_LABELS[role], role.value)
        role_row = QHBoxLayout()
        role_row.addWidget(self.role)
        role_row.addStretch(1)
        form.addRow("Роль пользователя:", _with_error(role_row, error_for("role")))
        line("class_name", "Класс:", "например, 5А (для ученика и родителя)")
        actor = services.actor
        own = Role.CLASS_TEACHER in actor.roles and Role.EPOS_ADMIN not in actor.roles
        line("brought_by", "Кто передал:", "классный руководитель", actor.name if own else "")
        self.warning = QLabel(self)
        self.warning.setObjectName("open_at_stp_warning")
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet(
            "background: #fff3cd; color: #5c4400; border: 1px solid #e0c36a; border-radius: 4px; padding: 4px 8px;"
        )
        self.warning.hide()
        form.addRow("", self.warning)
        self.description = CountedText(rules.MAX_DESCRIPTION, self, name="description")
        self.description.edit.setPlaceholderText("Что не работает: что пользователь делает и что видит")
        self.errors["description"] = self.description.error
        form.addRow("Описание проблемы:", self.description)
        self.files = ScreenshotsList(self)
        self.errors["screenshots"] = self.files.error
        form.addRow("Скриншоты:", self.files)
        body.addLayout(form)
        self.open_stp: list[OpenStp] = []

        self.finish(body, "new_support_hint", "Принять запрос")

        self.birth_date.dateChanged.connect(lambda _d: self._edited("birth_date"))
        self.role.currentIndexChanged.connect(lambda _i: self._edited("role"))
        self.description.changed.connect(lambda: self._edited("description"))
        self.files.on_change(lambda: self._edited("screenshots"))
        self.recheck()
        self.editors["full_name"].setFocus()

    def birth(self) -> dt.date | None:
        if self.birth_date.date() == self.birth_date.minimumDate():
            return None
        return pydate(self.birth_date.date())

    def data(self) -> SupportInput:
        role = self.role.currentData()
        return SupportInput(
            full_name=self.editors["full_name"].text(),
            birth_date=self.birth(),
            gosuslugi_email=self.editors["gosuslugi_email"].text(),
            role=UserRole(role) if role else None,
            class_name=self.editors["class_name"].text(),
            brought_by=self.editors["brought_by"].text(),
            description=self.description.text(),
            files=tuple(self.files.files),
        )

    def problems(self) -> dict[str, str]:
        return self._services.support.check_input(self.data())

    def recheck(self) -> dict[str, str]:
        problems = super().recheck()
        self.show_open_at_stp(problems)
        return problems

    def show_open_at_stp(self, problems: dict[str, str]) -> None:
        """Warn (not refuse) when the person already has a request open at СТП: a follow-up may be what is needed."""
        birth = self.birth()
        self.open_stp = []
        if birth is not None and "full_name" not in problems and "birth_date" not in problems:
            try:
                self.open_stp = self._services.support.open_at_stp(self.editors["full_name"].text(), birth)
            except ServiceError:
                self.open_stp = []
        if self.open_stp:
            first = self.open_stp[0]
            self.warning.setText(
                f"У этого пользователя уже открыта заявка в СТП: {html.escape(first.text)}. Если проблема та же, "
                f"не принимайте новый запрос: откройте {html.escape(first.number)} и добавьте дополнение к заявке."
            )
        self.warning.setVisible(bool(self.open_stp))

    def create(self) -> SupportCard:
        return self._services.support.create(self.data())


# -- acting on a request ------------------------------------------------------------------------------------------

#: How an action's dialog reads the card again after a conflict: the fresh card, or None.
Reload = Callable[[], SupportCard | None] | None


class SupportAction(CardAction[SupportCard]):
    """A dialog that acts on one request as its card showed it (its `version`): a change by somebody else meanwhile
    is said («изменён другим пользователем»), the card read again, and what was typed kept."""

    conflict_title = "Запрос изменён другим пользователем"
    conflict_note = (
        "Запрос изменён другим пользователем; карточка обновлена. Посмотрите, что изменилось, "
        "и сохраните ещё раз: набранное сохранено."
    )

    def __init__(
        self, services: Services, card: SupportCard, parent: QWidget | None = None, *, reload: Reload = None
    ) -> None:
        super().__init__(services, card, parent, reload=reload)
        self.head.setWordWrap(True)

    def head_text(self, card: SupportCard) -> str:
        row = card.row
        klass = f", {html.escape(row.class_name)}" if row.class_name else ""
        return (
            f"<b>{html.escape(card.number)}</b> · {html.escape(row.full_name)} ({row.birth_date:%d.%m.%Y}) · "
            f"{html.escape(row.role.label)}{klass} · «{html.escape(row.status.label)}»"
        )

    def note_box(self, name: str, placeholder: str, text: str = "") -> tuple[QPlainTextEdit, ErrorLabel]:
        edit = QPlainTextEdit(text, self)
        edit.setObjectName(name)
        edit.setTabChangesFocus(True)
        edit.setPlaceholderText(placeholder)
        edit.setMinimumHeight(self.fontMetrics().lineSpacing() * 4)
        error = ErrorLabel(self)
        error.setObjectName(f"{name}_error")
        return edit, error

    def fresh_card(self) -> SupportCard:
        return self._services.support.card(self.card.id, record_access=False)


class CorrectDialog(SupportAction):
    """«Исправлено»: when the administrator changed the user's data in the e-journal (now by default), and live the
    words of when the change becomes visible to the user (seed 001: the next day after 14:00, except Saturday and
    Sunday)."""

    ok_text = "Отметить исправление"

    def __init__(self, services: Services, card: SupportCard, parent: QWidget | None = None, **kw: Reload) -> None:
        super().__init__(services, card, parent, **kw)
        self.setObjectName("correct_dialog")
        self.setWindowTitle(f"Исправлено в ЭПОС: {card.number}")
        self.setMinimumWidth(600)
        form = _form()
        now = school_now(services)
        self.changed_at = QDateTimeEdit(self)
        self.changed_at.setObjectName("changed_at")
        self.changed_at.setDisplayFormat("dd.MM.yyyy HH:mm")
        self.changed_at.setCalendarPopup(True)
        received = card.row.received_at - dt.timedelta(days=7)
        self.changed_at.setMinimumDateTime(QDateTime(qdate(received.date()), QTime(0, 0)))
        self.changed_at.setMaximumDateTime(QDateTime(qdate(now.date()), QTime(23, 59)))
        self.changed_at.setDateTime(QDateTime(qdate(now.date()), QTime(now.hour, now.minute)))
        self.changed_at.setToolTip("Когда данные пользователя изменили в ЭПОС")
        self.changed_error = ErrorLabel(self)
        self.changed_error.setObjectName("changed_at_error")
        row = QHBoxLayout()
        row.addWidget(self.changed_at)
        row.addStretch(1)
        form.addRow("Изменено в ЭПОС:", _with_error(row, self.changed_error))
        self.effect = QLabel(self)
        self.effect.setObjectName("correct_effect")
        self.effect.setWordWrap(True)
        self.effect.setStyleSheet("font-weight: bold; color: #0d3c61;")
        form.addRow("Для пользователя:", self.effect)
        form.addRow(
            "",
            _hint(
                self,
                "Изменения, внесённые администратором в ЭПОС, вступают в силу на следующий день после 14:00 "
                "(кроме субботы и воскресенья). Проверить с пользователем, помогло ли, можно после этого.",
            ),
        )
        self.note, self.note_error = self.note_box("correct_note", "Что исправлено (необязательно)")
        form.addRow("Что исправлено:", _with_error(self.note, self.note_error))
        self.body.addLayout(form)
        self.changed_at.dateTimeChanged.connect(lambda _d: self.show_effect())
        self.finish()
        self.show_effect()

    def moment(self) -> dt.datetime:
        value = self.changed_at.dateTime()
        d, t = value.date(), value.time()
        return dt.datetime(d.year(), d.month(), d.day(), t.hour(), t.minute())

    def effect_words(self) -> str:
        effective = self._services.support.effective_at(self.moment())
        now = self._services.ctx.clock().astimezone(effective.tzinfo)
        return rules.effective_text(effective, now)

    def show_effect(self) -> None:
        try:
            words = self.effect_words()
        except ServiceError as exc:
            self.effect.setText(str(exc))
            return
        self.effect.setText(words[:1].upper() + words[1:] + ".")

    def field_errors(self) -> dict[str, ErrorLabel]:
        return {"changed_at": self.changed_error}

    def call(self) -> SupportCard:
        return self._services.support.correct(
            self.card.id, self.moment(), note=self.note.toPlainText(), version=self.card.row.version
        )


class CheckDialog(SupportAction):
    """«Решено» / «Не решено»: what the user said when asked after the change took effect (or after СТП's work)."""

    def __init__(
        self, services: Services, card: SupportCard, parent: QWidget | None = None, *, solved: bool,
        reload: Reload = None,
    ) -> None:  # fmt: skip
        super().__init__(services, card, parent, reload=reload)
        self.ok_text = "Решено" if solved else "Не решено"
        self.solved = solved
        self.setObjectName("check_dialog")
        self.setWindowTitle(f"Проверено с пользователем: {card.number}")
        self.setMinimumWidth(560)
        what = (
            "Пользователь подтвердил, что проблема решена: запрос будет закрыт со статусом «Решено»."
            if solved
            else "Пользователь сообщил, что проблема осталась: следующий шаг — заявка в СТП (или дополнение к ней)."
        )
        self.body.addWidget(_hint(self, what, "check_effect"))
        self.note, self.note_error = self.note_box("check_note", "Что сказал пользователь (необязательно)")
        self.body.addLayout(_with_error(self.note, self.note_error))
        self.finish()

    def field_errors(self) -> dict[str, ErrorLabel]:
        return {"note": self.note_error}

    def call(self) -> SupportCard:
        return self._services.support.check(
            self.card.id, self.solved, note=self.note.toPlainText(), version=self.card.row.version
        )


class CloseDialog(SupportAction):
    """«Закрыть запрос»: without a solution (the user withdrew, left the school, a duplicate); why is required."""

    ok_text = "Закрыть запрос"

    def __init__(self, services: Services, card: SupportCard, parent: QWidget | None = None, **kw: Reload) -> None:
        super().__init__(services, card, parent, **kw)
        self.setObjectName("close_dialog")
        self.setWindowTitle(f"Закрыть запрос {card.number}")
        self.setMinimumWidth(560)
        self.body.addWidget(
            _hint(self, "Запрос закрывается без решения; его статус больше меняться не будет. Укажите причину.")
        )
        self.note, self.note_error = self.note_box(
            "close_note", "например: пользователь отозвал обращение, выбыл из школы, запрос принят дважды"
        )
        self.body.addLayout(_with_error(self.note, self.note_error))
        self.finish()
        self.note.textChanged.connect(self._update_ok)
        self._update_ok()

    def _update_ok(self) -> None:
        self.ok_button.setEnabled(bool(self.note.toPlainText().strip()))

    def field_errors(self) -> dict[str, ErrorLabel]:
        return {"note": self.note_error}

    def call(self) -> SupportCard | None:
        if not confirm(
            self,
            "Закрыть запрос",
            f"Закрыть запрос {self.card.number} без решения? Вернуть его в работу будет нельзя.",
            "Закрыть запрос",
        ):
            return None
        return self._services.support.close(self.card.id, self.note.toPlainText(), version=self.card.row.version)


class StpNumberDialog(SupportAction):
    """«Номер СТП»: СТП's own number of the request, from their letter."""

    ok_text = "Сохранить"

    def __init__(self, services: Services, card: SupportCard, parent: QWidget | None = None, **kw: Reload) -> None:
        super().__init__(services, card, parent, **kw)
        self.setObjectName("stp_number_dialog")
        self.setWindowTitle(f"Номер заявки СТП: {card.number}")
        self.setMinimumWidth(520)
        form = _form()
        self.number = QLineEdit(card.row.stp_number, self)
        self.number.setObjectName("stp_number")
        self.number.setPlaceholderText("номер из письма СТП")
        self.number_error = ErrorLabel(self)
        self.number_error.setObjectName("stp_number_error")
        form.addRow("Номер заявки СТП:", _with_error(self.number, self.number_error))
        self.body.addLayout(form)
        self.finish()
        self.number.setFocus()

    def field_errors(self) -> dict[str, ErrorLabel]:
        return {"stp_number": self.number_error}

    def call(self) -> SupportCard:
        return self._services.support.set_stp_number(self.card.id, self.number.text(), version=self.card.row.version)


class StpReplyDialog(SupportAction):
    """«Ответ СТП»: what СТП answered, pasted from their letter, kept in the history."""

    ok_text = "Записать ответ"

    def __init__(self, services: Services, card: SupportCard, parent: QWidget | None = None, **kw: Reload) -> None:
        super().__init__(services, card, parent, **kw)
        self.setObjectName("stp_reply_dialog")
        self.setWindowTitle(f"Ответ СТП: {card.number}")
        self.setMinimumWidth(620)
        self.text = CountedText(rules.MAX_DESCRIPTION, self, name="stp_reply")
        self.text.edit.setPlaceholderText("Вставьте текст ответа из письма СТП")
        self.body.addWidget(self.text)
        self.body.addWidget(
            _hint(
                self,
                "Если СТП просит уточнений — отправьте «Дополнение в СТП…»; если пользователь подтвердит, "
                "что всё работает, — отметьте «Решено».",
            )
        )
        self.finish()
        self.text.edit.setFocus()

    def field_errors(self) -> dict[str, ErrorLabel]:
        return {"text": self.text.error}

    def call(self) -> SupportCard:
        return self._services.support.record_stp_reply(self.card.id, self.text.text(), version=self.card.row.version)


# -- letters to СТП ------------------------------------------------------------------------------------------------


class LetterAction(SupportAction):
    """A dialog that writes a letter to СТП: on OK it asks where to save the .eml, writes it through the service and
    offers to open it in the mail program (`letter` is what was written)."""

    save_title = "Сохранить письмо в СТП"

    def __init__(self, services: Services, card: SupportCard, parent: QWidget | None = None, **kw: Reload) -> None:
        super().__init__(services, card, parent, **kw)
        self.letter: SentLetter | None = None

    def suggested_name(self) -> str:
        raise NotImplementedError

    def write(self, path: Path) -> SentLetter:
        raise NotImplementedError

    def call(self) -> SupportCard | None:
        target = save_file_name(
            self, self.save_title, Path.home() / self.suggested_name(), "Письмо (*.eml)", ".eml"
        )
        if target is None:
            return None
        self.letter = self.write(target)
        path = self.letter.path or target
        if ask_to_open(
            self,
            self.save_title,
            f"Письмо сохранено в файл {path}. Открыть его в почтовой программе, чтобы отправить "
            f"на {self._services.settings.get('stp_email')}?",
        ):
            open_path(path)
        return self.fresh_card()


class StpDialog(LetterAction):
    """«Заявка в СТП»: the regulation's eight fields (seed 001) — the subject, the problem and the action after which
    the error appears typed here; the user's name and role from the request, the territory and the school from the
    settings, shown read-only; the intake's screenshots go with the letter, more may be added. Each field is checked
    live by the service. A second request for the same user is refused, naming the open one (`open_other`)."""

    ok_text = "Сохранить письмо в СТП…"

    def __init__(self, services: Services, card: SupportCard, parent: QWidget | None = None, **kw: Reload) -> None:
        super().__init__(services, card, parent, **kw)
        self.setObjectName("stp_dialog")
        self.setWindowTitle(f"Заявка в СТП: {card.number}")
        self.setMinimumWidth(760)
        self.open_other: OpenStp | None = None
        self.errors: dict[str, ErrorLabel] = {}
        s = services.settings
        form = _form()

        def error_for(key: str) -> ErrorLabel:
            error = ErrorLabel(self)
            error.setObjectName(f"stp_{key}_error")
            self.errors[key] = error
            return error

        def shown(key: str, value: str) -> None:
            label = QLabel(html.escape(value) if value else "<i>не заполнено</i>", self)
            label.setObjectName(f"stp_{key}")
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow(f"{STP_LABELS[key]}:", _with_error(label, error_for(key)))

        self.subject = QLineEdit(card.stp_subject, self)
        self.subject.setObjectName("stp_subject")
        self.subject.setPlaceholderText("коротко: «Не отображается ребёнок в профиле родителя»")
        form.addRow(f"{STP_LABELS['subject']}:", _with_error(self.subject, error_for("subject")))
        self.problem = CountedText(rules.MAX_DESCRIPTION, self, name="stp_problem")
        self.problem.edit.setPlainText(card.stp_problem or card.description)
        self.errors["problem"] = self.problem.error
        form.addRow(f"{STP_LABELS['problem']}:", self.problem)
        shown("full_name", card.row.full_name)
        shown("role", card.row.role.label)
        shown("territory", s.get("support_territory"))
        shown("school", s.get("school_name") or s.get("school_short_name"))
        self.action = QPlainTextEdit(card.stp_action, self)
        self.action.setObjectName("stp_action")
        self.action.setTabChangesFocus(True)
        self.action.setPlaceholderText("например: вход через Госуслуги → «Дневник» → выбор ребёнка")
        self.action.setMinimumHeight(self.fontMetrics().lineSpacing() * 3)
        form.addRow(f"{STP_LABELS['action']}:", _with_error(self.action, error_for("action")))
        files = QVBoxLayout()
        files.setSpacing(2)
        intake = ", ".join(f"{f.name} ({f.size_text})" for f in card.files) or "нет"
        files.addWidget(_hint(self, f"Уже приложены к запросу и уйдут с письмом: {intake}", "stp_intake_files"))
        self.files = ScreenshotsList(self, name="stp_files")
        self.files.add_button.setText("Добавить файл…")
        self.errors["files"] = self.files.error
        files.addWidget(self.files)
        form.addRow(f"{STP_LABELS['files']}:", files)
        self.body.addLayout(form)
        self.body.addWidget(_hint(self, f"Письмо на {s.get('stp_email') or '(адрес СТП не указан)'}. {ONE_REQUEST_NOTE}"))
        self.finish()
        self.subject.textEdited.connect(lambda _t: self.recheck())
        self.problem.changed.connect(self.recheck)
        self.action.textChanged.connect(self.recheck)
        self.files.on_change(self.recheck)
        self.recheck()
        self.subject.setFocus()

    def data(self) -> StpLetter:
        return StpLetter(
            subject=self.subject.text(),
            problem=self.problem.text(),
            action=self.action.toPlainText(),
            files=tuple(self.files.files),
        )

    def recheck(self) -> dict[str, str]:
        """Each required field's message under it; the rest (СТП's address) under the form; OK only when none."""
        try:
            problems = self._services.support.stp_problems(self.card.id, self.data())
        except ServiceError as exc:
            problems = {"": str(exc)}
        for key, label in self.errors.items():
            label.show_error(problems.get(key))
        self.error.show_error("\n".join(m for k, m in problems.items() if k not in self.errors) or None)
        self.ok_button.setEnabled(not problems)
        return problems

    def field_errors(self) -> dict[str, ErrorLabel]:
        return self.errors

    def suggested_name(self) -> str:
        return letter_file_name(self.card.number)

    def write(self, path: Path) -> SentLetter:
        return self._services.support.send_to_stp(self.card.id, self.data(), out=path, version=self.card.row.version)

    def call(self) -> SupportCard | None:
        if self.recheck():
            return None
        try:
            return super().call()
        except DuplicateStpRequest as exc:
            self.duplicate(exc)
            return None

    def duplicate(self, exc: DuplicateStpRequest) -> None:
        """The person has a request open at СТП: say so and offer to open it (to add the follow-up there)."""
        other = exc.open_request
        box = QMessageBox(QMessageBox.Icon.Warning, "Заявка в СТП уже открыта", str(exc), parent=self)
        box.setObjectName("duplicate_stp")
        go = box.addButton(f"Открыть запрос {other.number}", QMessageBox.ButtonRole.AcceptRole)
        stay = box.addButton("Закрыть", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(go)
        box.setEscapeButton(stay)
        box.exec()
        self.error.show_error(str(exc))
        if box.clickedButton() is go:
            self.open_other = other
            self.reject()


class FollowupDialog(LetterAction):
    """«Дополнение в СТП»: a reply to the open request naming СТП's number (seed 001: «на доработку … в ответном
    письме СТП»), with more files if needed; written as an .eml letter."""

    ok_text = "Сохранить дополнение…"
    save_title = "Сохранить дополнение в СТП"

    def __init__(self, services: Services, card: SupportCard, parent: QWidget | None = None, **kw: Reload) -> None:
        super().__init__(services, card, parent, **kw)
        self.setObjectName("followup_dialog")
        self.setWindowTitle(f"Дополнение к заявке в СТП: {card.number}")
        self.setMinimumWidth(680)
        number = f" № {card.row.stp_number}" if card.row.stp_number else ""
        self.body.addWidget(
            _hint(
                self,
                f"Дополнение к заявке{number} «{card.stp_subject}»: письмо-ответ СТП с номером заявки. "
                "Новую заявку по той же проблеме не направляют.",
                "followup_note",
            )
        )
        form = _form()
        self.text = CountedText(rules.MAX_DESCRIPTION, self, name="followup_text")
        self.text.edit.setPlaceholderText("Что добавить: новые подробности, что изменилось, что пробовали")
        form.addRow("Текст:", self.text)
        self.files = ScreenshotsList(self, name="followup_files")
        form.addRow("Файлы:", self.files)
        self.body.addLayout(form)
        self.finish()
        self.text.changed.connect(self._update_ok)
        self._update_ok()
        self.text.edit.setFocus()

    def _update_ok(self) -> None:
        self.ok_button.setEnabled(bool(self.text.text().strip()))

    def field_errors(self) -> dict[str, ErrorLabel]:
        return {"text": self.text.error, "files": self.files.error}

    def suggested_name(self) -> str:
        return letter_file_name(self.card.number, self.card.followups + 1)

    def write(self, path: Path) -> SentLetter:
        return self._services.support.add_followup(
            self.card.id, self.text.text(), tuple(self.files.files), out=path, version=self.card.row.version
        )


def open_stp_text(others: tuple[OpenStp, ...]) -> str:
    """«У пользователя уже открыта заявка в СТП: запрос Э-… (…)» for the card's notice."""
    if not others:
        return ""
    return (
        f"У пользователя уже открыта заявка в СТП: {others[0].text}. {ONE_REQUEST_NOTE} "
        f"Откройте запрос {others[0].number}, чтобы добавить дополнение."
    )


__all__ = [
    "CheckDialog",
    "CloseDialog",
    "CorrectDialog",
    "FollowupDialog",
    "NewSupportDialog",
    "StpDialog",
    "StpNumberDialog",
    "StpReplyDialog",
    "SupportAction",
    "letter_file_name",
    "open_stp_text",
    "school_now",
]
