"""Dialogs about appeals: registering one, answering, «Вне компетенции», a repeat; and the file helpers they share."""

from __future__ import annotations

import datetime as dt
import html
import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.appeals import (
    CHANNEL_LABELS,
    DELIVERY_LABELS,
    DEPARTMENT_NOTICE_FROM_REPEAT,
    MAX_TEXT_LENGTH,
    RUBRIC_LABELS,
    Channel,
    Delivery,
    Level,
    Rubric,
    needs_department_notice,
)
from desktop.domain.russian import plural
from desktop.services.appeals import AppealCard, AppealInput
from desktop.services.errors import ServiceError
from desktop.services.files import FileIn, size_text
from desktop.services.registry import Services
from desktop.ui.card_action import (
    HINT_STYLE,
    CardAction,
    NewRecordDialog,
    with_wait_cursor,
)
from desktop.ui.widgets import Banner, ErrorLabel, confirm

ERROR_COLOUR = "#b71c1c"

# -- files: opening, saving, asking -----------------------------------------------------------------------


def open_path(path: Path) -> bool:
    """Open a file in the program the computer uses for its kind (a PDF viewer, Excel, the mail program)."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def open_bytes(name: str, data: bytes) -> Path:
    """Write an attached file to a fresh temporary folder under its own name and open it; the path written."""
    folder = Path(tempfile.mkdtemp(prefix="school-office-"))
    target = folder / (Path(name).name or "файл")
    target.write_bytes(data)
    open_path(target)
    return target


def ask_to_open(parent: QWidget, title: str, text: str) -> bool:
    """«Открыть» / «Не открывать» after a file was written."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
    yes = box.addButton("Открыть", QMessageBox.ButtonRole.AcceptRole)
    no = box.addButton("Не открывать", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(yes)
    box.setEscapeButton(no)
    box.exec()
    return box.clickedButton() is yes


def save_file_name(parent: QWidget, title: str, suggested: Path, filters: str, suffix: str) -> Path | None:
    """Ask where to save; the suffix is added to a name typed without it. None when the person cancelled."""
    chosen, _ = QFileDialog.getSaveFileName(parent, title, str(suggested), filters)
    if not chosen:
        return None
    target = Path(chosen)
    if suffix and target.suffix.lower() != suffix:
        target = target.with_name(target.name + suffix)
    return target


def export_register(
    parent: QWidget,
    banner: Banner,
    title: str,
    file_stem: str,
    today: dt.date,
    write: Callable[[Path], int],
    nouns: tuple[str, str, str],
) -> Path | None:
    """Ask where to save a register, write it with a wait cursor, say how many rows went out (or what went wrong) in
    the banner, and offer to open the file. `nouns` are the plural forms: («обращение», «обращения», «обращений»)."""
    suggested = Path.home() / f"{file_stem} {today:%d.%m.%Y}.xlsx"
    target = save_file_name(parent, title, suggested, "Книга Excel (*.xlsx)", ".xlsx")
    if target is None:
        return None
    try:
        count = int(with_wait_cursor(lambda: write(target)))  # type: ignore[call-overload]
    except ServiceError as exc:
        banner.show_message(str(exc), "warning")
        return None
    except OSError as exc:
        banner.show_message(f"Не удалось записать файл {target}: {exc.strerror}", "warning")
        return None
    banner.show_message(f"Выгружено {count} {plural(count, *nouns)} в файл {target}", "ok")
    if ask_to_open(parent, file_stem, f"Реестр сохранён в файл {target}. Открыть его?"):
        open_path(target)
    return target


def file_text(file: FileIn) -> str:
    return f"{file.name} ({size_text(len(file.data))})"


# -- pieces of the forms ----------------------------------------------------------------------------------


class CountedText(QWidget):
    """A text box with a live counter «123 / 500» that turns red past the limit, and the service's message."""

    changed = Signal()

    def __init__(
        self, limit: int = MAX_TEXT_LENGTH, parent: QWidget | None = None, *, name: str = "text"
    ) -> None:
        super().__init__(parent)
        self.limit = limit
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.edit = QPlainTextEdit(self)
        self.edit.setObjectName(name)
        self.edit.setTabChangesFocus(True)
        self.edit.setMinimumHeight(self.fontMetrics().lineSpacing() * 6)
        layout.addWidget(self.edit)
        under = QHBoxLayout()
        self.error = ErrorLabel(self)
        self.error.setObjectName(f"{name}_error")
        under.addWidget(self.error, 1)
        self.counter = QLabel(self)
        self.counter.setObjectName(f"{name}_counter")
        self.counter.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        under.addWidget(self.counter, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(under)
        self.edit.textChanged.connect(self._changed)
        self._changed()

    def text(self) -> str:
        return self.edit.toPlainText()

    def _changed(self) -> None:
        n = len(self.text())
        self.counter.setText(f"{n} / {self.limit}")
        over = n > self.limit
        self.counter.setStyleSheet(f"color: {ERROR_COLOUR}; font-weight: bold;" if over else HINT_STYLE)
        self.counter.setToolTip(
            f"Можно не больше {self.limit} знаков" if not over else f"Больше {self.limit} знаков"
        )
        self.changed.emit()


class FilePicker(QWidget):
    """One attached file: «Приложить файл…», its name and size, «Убрать»; the service says whether it will do."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None, *, name: str = "attachment") -> None:
        super().__init__(parent)
        self.file: FileIn | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        row = QHBoxLayout()
        self.label = QLabel("не приложен", self)
        self.label.setObjectName(f"{name}_name")
        self.label.setStyleSheet(HINT_STYLE)
        self.choose_button = QPushButton("Приложить файл…", self)
        self.choose_button.setObjectName(f"{name}_choose")
        self.remove_button = QPushButton("Убрать", self)
        self.remove_button.setObjectName(f"{name}_remove")
        self.remove_button.hide()
        row.addWidget(self.label, 1)
        row.addWidget(self.choose_button)
        row.addWidget(self.remove_button)
        layout.addLayout(row)
        self.error = ErrorLabel(self)
        self.error.setObjectName(f"{name}_error")
        layout.addWidget(self.error)
        self.choose_button.clicked.connect(self.choose)
        self.remove_button.clicked.connect(self.remove)

    def choose(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(self, "Приложить файл", str(Path.home()), "Все файлы (*)")
        if chosen:
            self.attach(Path(chosen))

    def attach(self, path: Path) -> None:
        try:
            file = FileIn.read(path)
        except ServiceError as exc:
            self.error.show_error(str(exc))
            return
        self.set_file(file)

    def set_file(self, file: FileIn | None) -> None:
        self.file = file
        self.label.setText(file_text(file) if file else "не приложен")
        self.label.setStyleSheet("" if file else HINT_STYLE)
        self.remove_button.setVisible(file is not None)
        self.choose_button.setText("Заменить…" if file else "Приложить файл…")
        self.error.show_error(None)
        self.changed.emit()

    def remove(self) -> None:
        self.set_file(None)


def _combo(parent: QWidget, name: str, items: dict, current: object = None) -> QComboBox:  # type: ignore[type-arg]
    box = QComboBox(parent)
    box.setObjectName(name)
    for value, label in items.items():
        box.addItem(label, value)
    if current is not None:
        box.setCurrentIndex(max(0, box.findData(current)))
    return box


def _field(editor: QWidget, error: ErrorLabel) -> QVBoxLayout:
    box = QVBoxLayout()
    box.setSpacing(2)
    box.addWidget(editor)
    box.addWidget(error)
    return box


# -- registering ------------------------------------------------------------------------------------------

#: How the fields are named in the hint «Заполните: …».
FIELD_NAMES = {
    "applicant": "ФИО заявителя",
    "email": "e-mail",
    "phone": "телефон",
    "child_class": "класс",
    "text": "текст обращения",
    "attachment": "файл",
}


class RegisterDialog(NewRecordDialog[AppealCard]):
    """«Зарегистрировать обращение»: the applicant, the child, how it came, the rubric, the text and one file.

    Checked by the service as the person types; «Зарегистрировать» is pressed only when it has nothing against.
    `result_card` is the registered appeal with its number.
    """

    hint_verb = "зарегистрировать"
    field_names = FIELD_NAMES

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(services, parent)
        self.setWindowTitle("Регистрация обращения")
        self.setMinimumWidth(640)
        body = QVBoxLayout(self)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)

        def line(key: str, label: str, placeholder: str = "") -> QLineEdit:
            edit = QLineEdit(self)
            edit.setObjectName(key)
            edit.setPlaceholderText(placeholder)
            error = ErrorLabel(self)
            error.setObjectName(f"{key}_error")
            self.editors[key], self.errors[key] = edit, error
            form.addRow(label, _field(edit, error))
            edit.textEdited.connect(lambda _t, k=key: self._edited(k))
            return edit

        line("applicant", "ФИО заявителя:", "Фамилия Имя Отчество")
        line("email", "E-mail:", "для ответа по электронной почте")
        line("phone", "Телефон:", "+7 …")
        child = QHBoxLayout()
        self.child_name = QLineEdit(self)
        self.child_name.setObjectName("child_name")
        self.child_name.setPlaceholderText("ФИО ребёнка, если обращение о нём")
        self.child_class = QLineEdit(self)
        self.child_class.setObjectName("child_class")
        self.child_class.setPlaceholderText("класс")
        self.child_class.setMaximumWidth(self.fontMetrics().horizontalAdvance("10 «Б» класс") + 24)
        child.addWidget(self.child_name, 1)
        child.addWidget(self.child_class)
        self.editors["child_name"], self.editors["child_class"] = self.child_name, self.child_class
        self.errors["child_class"] = ErrorLabel(self)
        self.errors["child_class"].setObjectName("child_class_error")
        child_box = QVBoxLayout()
        child_box.setSpacing(2)
        child_box.addLayout(child)
        child_box.addWidget(self.errors["child_class"])
        form.addRow("Ребёнок и класс:", child_box)
        self.child_name.textEdited.connect(lambda _t: self._edited("child_name"))
        self.child_class.textEdited.connect(lambda _t: self._edited("child_class"))
        how = QHBoxLayout()
        self.channel = _combo(self, "channel", CHANNEL_LABELS, Channel.IN_PERSON)
        self.rubric = _combo(self, "rubric", RUBRIC_LABELS, Rubric.SCHOOL)
        how.addWidget(self.channel)
        how.addSpacing(12)
        how.addWidget(QLabel("Рубрика:", self))
        how.addWidget(self.rubric, 1)
        form.addRow("Канал поступления:", how)
        self.channel.currentIndexChanged.connect(lambda _i: self.recheck())
        self.rubric.currentIndexChanged.connect(self._rubric_changed)
        self.rubric_note = QLabel(self)
        self.rubric_note.setWordWrap(True)
        self.rubric_note.setStyleSheet(HINT_STYLE)
        form.addRow("", self.rubric_note)
        self.text = CountedText(parent=self)
        self.errors["text"] = self.text.error
        form.addRow("Текст обращения:", self.text)
        self.text.changed.connect(lambda: self._edited("text"))
        self.file = FilePicker(self)
        self.errors["attachment"] = self.file.error
        form.addRow("Файл:", self.file)
        self.file.changed.connect(lambda: self._edited("attachment"))
        body.addLayout(form)

        self.finish(body, "register_hint", "Зарегистрировать")
        self._rubric_changed()
        self.editors["applicant"].setFocus()

    def data(self) -> AppealInput:
        rubric = self.rubric.currentData()
        channel = self.channel.currentData()
        return AppealInput(
            applicant=self.editors["applicant"].text(),
            rubric=Rubric(rubric),
            text=self.text.text(),
            email=self.editors["email"].text(),
            phone=self.editors["phone"].text(),
            channel=Channel(channel) if channel else None,
            child_name=self.child_name.text(),
            child_class=self.child_class.text(),
            attachment=self.file.file,
        )

    def _rubric_changed(self) -> None:
        technical = self.rubric.currentData() == Rubric.TECHNICAL
        self.rubric_note.setText(
            "Технический вопрос сразу уходит в Систему управления инцидентами; ответ заявителю — по электронной почте."
            if technical
            else "Вопрос к школе рассматривает заместитель директора; без ответа в срок обращение само уходит выше."
        )
        if technical:
            self._touched.add("email")  # the answer goes by e-mail: say at once when there is none
        self.recheck()

    def problems(self) -> dict[str, str]:
        return self._services.appeals.check_input(self.data())

    def create(self) -> AppealCard:
        return self._services.appeals.register(self.data())


# -- acting on an appeal ----------------------------------------------------------------------------------


#: How an action's dialog reads the card again after a conflict: the fresh card, or None.
Reload = Callable[[], AppealCard | None] | None


class _CardAction(CardAction[AppealCard]):
    """A dialog that acts on one appeal as its card showed it (`version`): when somebody changed the appeal
    meanwhile, it says so and offers to reload the card (`reload` returns the fresh card)."""

    conflict_title = "Обращение изменено"
    conflict_note = "Карточка обновлена: посмотрите, что изменилось, и сохраните ещё раз. Набранный текст сохранён."

    def __init__(
        self,
        services: Services,
        card: AppealCard,
        parent: QWidget | None = None,
        *,
        reload: Reload = None,
    ) -> None:
        super().__init__(services, card, parent, reload=reload)
        question = QPlainTextEdit(card.text, self)
        question.setObjectName("appeal_text")
        question.setReadOnly(True)
        question.setMaximumHeight(self.fontMetrics().lineSpacing() * 5 + 12)
        question.setStyleSheet("QPlainTextEdit { background: #f7f7f7; }")
        self.body.addWidget(question)

    def head_text(self, card: AppealCard) -> str:
        return (
            f"<b>{html.escape(card.number)}</b> · {html.escape(card.row.applicant)} · "
            f"{html.escape(card.row.rubric.label)}"
        )


class AnswerDialog(_CardAction):
    """«Ответить»: the answer's text, how it was handed over, an optional file. The answer is given at the level
    the appeal is at now."""

    ok_text = "Записать ответ"

    def __init__(
        self, services: Services, card: AppealCard, parent: QWidget | None = None, **kwargs: Reload
    ) -> None:
        super().__init__(services, card, parent, **kwargs)
        self.setWindowTitle(f"Ответ на обращение {card.number}")
        self.setMinimumWidth(620)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.addRow("Уровень:", QLabel(card.row.level.label, self))
        self.answer = QPlainTextEdit(self)
        self.answer.setObjectName("answer_text")
        self.answer.setTabChangesFocus(True)
        self.answer.setMinimumHeight(self.fontMetrics().lineSpacing() * 8)
        self.answer_error = ErrorLabel(self)
        self.answer_error.setObjectName("answer_text_error")
        form.addRow("Текст ответа:", _field(self.answer, self.answer_error))
        sui = card.row.level is Level.SUI
        self.delivery = _combo(
            self, "delivery", DELIVERY_LABELS, Delivery.EMAIL if sui else Delivery.IN_PERSON
        )
        self.delivery_error = ErrorLabel(self)
        self.delivery_error.setObjectName("delivery_error")
        delivery_box = _field(self.delivery, self.delivery_error)
        if sui:
            note = QLabel(
                "Ответ на технический вопрос направляется по электронной почте "
                f"({html.escape(card.email) or 'адрес не указан'}). "
                "После записи ответа программа предложит сохранить письмо (.eml).",
                self,
            )
            note.setWordWrap(True)
            note.setStyleSheet(HINT_STYLE)
            delivery_box.addWidget(note)
        form.addRow("Как передан:", delivery_box)
        self.file = FilePicker(self, name="answer_attachment")
        form.addRow("Файл:", self.file)
        self.body.addLayout(form)
        self.finish()
        self.answer.setFocus()

    def field_errors(self) -> dict[str, ErrorLabel]:
        return {"text": self.answer_error, "delivery": self.delivery_error, "attachment": self.file.error}

    def still_allowed(self, card: AppealCard) -> bool:
        return card.can_answer

    def call(self) -> AppealCard:
        return self._services.appeals.answer(
            self.card.id,
            self.answer.toPlainText(),
            Delivery(self.delivery.currentData()),
            attachment=self.file.file,
            version=self.card.row.version,
        )


class ForwardDialog(_CardAction):
    """«Вне компетенции»: why the appeal is not the school's business; it leaves the chain for the СУИ."""

    ok_text = "Передать в СУИ"

    def __init__(
        self, services: Services, card: AppealCard, parent: QWidget | None = None, **kwargs: Reload
    ) -> None:
        super().__init__(services, card, parent, **kwargs)
        self.setWindowTitle(f"Вне компетенции: {card.number}")
        self.setMinimumWidth(600)
        note = QLabel(
            "Обращение выйдет из цепочки школы и будет передано в Систему управления инцидентами (СУИ). "
            "Укажите, почему вопрос не относится к компетенции школы: причина попадёт в историю обращения.",
            self,
        )
        note.setWordWrap(True)
        self.body.addWidget(note)
        self.reason = QPlainTextEdit(self)
        self.reason.setObjectName("reason")
        self.reason.setTabChangesFocus(True)
        self.reason.setPlaceholderText(
            "Например: вопрос о работе портала госуслуг, школа на него не отвечает"
        )
        self.reason.setMinimumHeight(self.fontMetrics().lineSpacing() * 4)
        self.body.addWidget(self.reason)
        self.reason_error = ErrorLabel(self)
        self.reason_error.setObjectName("reason_error")
        self.body.addWidget(self.reason_error)
        self.finish()
        self.reason.setFocus()

    def field_errors(self) -> dict[str, ErrorLabel]:
        return {"reason": self.reason_error}

    def still_allowed(self, card: AppealCard) -> bool:
        return card.can_forward

    def call(self) -> AppealCard | None:
        reason = self.reason.toPlainText()
        # An empty reason goes straight to the service, which says what is missing; a real one is confirmed.
        if reason.strip() and not confirm(
            self,
            "Вне компетенции",
            f"Передать обращение {self.card.number} в Систему управления инцидентами?\n"
            "Вернуть его в цепочку школы будет нельзя.",
            "Передать в СУИ",
        ):
            return None
        return self._services.appeals.forward_to_sui(self.card.id, reason, version=self.card.row.version)


class RepeatDialog(_CardAction):
    """«Повторное обращение» from an answered appeal: the applicant's new text; it gets its own number, the next
    repeat number in the thread, and starts the chain again."""

    ok_text = "Зарегистрировать повторное"

    def __init__(
        self, services: Services, card: AppealCard, parent: QWidget | None = None, **kwargs: Reload
    ) -> None:
        super().__init__(services, card, parent, **kwargs)
        self.setWindowTitle(f"Повторное обращение к {card.number}")
        self.setMinimumWidth(620)
        self.repeat_no = card.row.repeat_no + 1
        note = QLabel(
            f"Заявитель не удовлетворён ответом на обращение {card.number}. Повторное обращение получит свой номер "
            f"и будет <b>повтором № {self.repeat_no}</b> в цепочке; срок рассмотрения начнётся заново.",
            self,
        )
        note.setObjectName("repeat_note")
        note.setWordWrap(True)
        self.body.addWidget(note)
        self.notice = Banner(self)
        self.notice.setObjectName("repeat_notice")
        if needs_department_notice(self.repeat_no):
            self.notice.show_message(
                f"Это {self.repeat_no}-й повтор в цепочке: о нём будет направлено уведомление в Департамент "
                "образования и науки (его покажет раздел «Директору», письмо можно будет распечатать).",
                "warning",
            )
        else:
            self.notice.show_message(
                f"С {DEPARTMENT_NOTICE_FROM_REPEAT}-го повтора в цепочке о каждом повторном обращении "
                "уведомляется Департамент образования и науки.",
                "info",
            )
        self.body.addWidget(self.notice)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.channel = _combo(self, "channel", CHANNEL_LABELS, card.channel or Channel.IN_PERSON)
        form.addRow("Канал поступления:", self.channel)
        self.text = CountedText(parent=self)
        form.addRow("Текст обращения:", self.text)
        self.file = FilePicker(self)
        form.addRow("Файл:", self.file)
        self.body.addLayout(form)
        self._touched: set[str] = set()
        self.text.changed.connect(lambda: self._edited("text"))
        self.file.changed.connect(lambda: self._edited("attachment"))
        self.finish()
        self.recheck()
        self.text.edit.setFocus()

    def field_errors(self) -> dict[str, ErrorLabel]:
        return {"text": self.text.error, "attachment": self.file.error}

    def _edited(self, key: str) -> None:
        self._touched.add(key)
        self.recheck()

    def recheck(self) -> None:
        c = self.card
        problems = self._services.appeals.check_input(
            AppealInput(c.row.applicant, c.row.rubric, self.text.text(), email=c.email, phone=c.phone,
                        child_name=c.child_name, child_class=c.child_class, attachment=self.file.file)
        )  # fmt: skip
        mine = {k: v for k, v in problems.items() if k in ("text", "attachment")}
        for key, label in self.field_errors().items():
            label.show_error(mine.get(key) if key in self._touched else None)
        self.ok_button.setEnabled(not mine)

    def still_allowed(self, card: AppealCard) -> bool:
        return card.can_repeat

    def call(self) -> AppealCard:
        channel = self.channel.currentData()
        return self._services.appeals.repeat(
            self.card.id,
            self.text.text(),
            attachment=self.file.file,
            channel=Channel(channel) if channel else None,
        )
