"""The dialogs of the families register: a new student, a representative, consent and its withdrawal, an access
code (generated or typed in; handed personally or through the class teacher), revoking a code, the refusal decision
with the closed list of grounds, an opt-out application (Appendix 2 or 3), moving to another class, leaving.

Each acts through the families service; a field's problem is shown under the field, a conflict with another
user's change is offered as a reload (CardAction)."""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from desktop.domain import families as rules
from desktop.domain.families import (
    REFUSAL_LABELS,
    RELATION_LABELS,
    Appendix,
    Handover,
    RefusalGround,
    Relation,
)
from desktop.services.errors import ServiceError
from desktop.services.families import (
    ConsentView,
    NoConsent,
    RepresentativeInput,
    RepresentativeView,
    StudentCard,
)
from desktop.services.files import FileIn, size_text
from desktop.services.registry import Services
from desktop.ui.card_action import CardAction
from desktop.ui.widgets import ErrorLabel, confirm

HINT_STYLE = "color: #5f6368;"
#: The colour of a student's access state words (StudentRow.state_text), in the register and on the card.
STATE_COLOURS = {
    "доступ выдан": "#1b5e20",
    "согласие есть, кода нет": "#8a5a00",
    "нет согласия": "#b71c1c",
    "отчёт на бумаге": "#303f9f",
}


def qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def pydate(day: QDate) -> dt.date:
    return dt.date(day.year(), day.month(), day.day())


def date_edit(parent: QWidget, name: str, day: dt.date, latest: dt.date | None = None) -> QDateEdit:
    edit = QDateEdit(qdate(day), parent)
    edit.setObjectName(name)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("dd.MM.yyyy")
    if latest is not None:
        edit.setMaximumDate(qdate(latest))
    return edit


class ScanPicker(QWidget):
    """One scanned file: «Приложить скан…», its name and size, «Убрать»."""

    def __init__(self, parent: QWidget | None = None, *, name: str = "scan") -> None:
        super().__init__(parent)
        self.file: FileIn | None = None
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel("не приложен", self)
        self.label.setObjectName(f"{name}_name")
        self.label.setStyleSheet(HINT_STYLE)
        self.choose_button = QPushButton("Приложить скан…", self)
        self.choose_button.setObjectName(f"{name}_choose")
        self.remove_button = QPushButton("Убрать", self)
        self.remove_button.setObjectName(f"{name}_remove")
        self.remove_button.hide()
        row.addWidget(self.label, 1)
        row.addWidget(self.choose_button)
        row.addWidget(self.remove_button)
        self.choose_button.clicked.connect(self.choose)
        self.remove_button.clicked.connect(lambda: self.set_file(None))

    def choose(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(
            self, "Скан подписанного документа", str(Path.home()), "Сканы (*.pdf *.jpg *.jpeg *.png *.tif *.tiff);;Все файлы (*)"
        )
        if chosen:
            try:
                self.set_file(FileIn.read(Path(chosen)))
            except ServiceError as exc:
                self.label.setText(str(exc))

    def set_file(self, file: FileIn | None) -> None:
        self.file = file
        self.label.setText(f"{file.name} ({size_text(len(file.data))})" if file else "не приложен")
        self.label.setStyleSheet("" if file else HINT_STYLE)
        self.remove_button.setVisible(file is not None)
        self.choose_button.setText("Заменить…" if file else "Приложить скан…")


class FamilyAction(CardAction[StudentCard]):
    """A dialog acting on one family's card; the card is read again afterwards."""

    def __init__(self, services: Services, card: StudentCard, parent: QWidget | None = None) -> None:
        super().__init__(services, card, parent, reload=lambda: self._fresh())
        self.form = QFormLayout()
        self.body.addLayout(self.form)
        self.errors: dict[str, ErrorLabel] = {}
        self.setMinimumWidth(520)

    def _fresh(self) -> StudentCard | None:
        try:
            return self._services.families.card(self.card.id, record_access=False)
        except ServiceError:
            return None

    def head_text(self, card: StudentCard) -> str:
        if card is None:
            return ""
        return f"<b>{html.escape(card.row.full_name)}</b>, {html.escape(card.row.class_name)}"

    def row(self, caption: str, editor: QWidget, key: str) -> None:
        """A labelled field with its error line under it."""
        holder = QWidget(self)
        box = QVBoxLayout(holder)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        box.addWidget(editor)
        error = ErrorLabel(holder)
        error.setObjectName(f"{key}_error")
        box.addWidget(error)
        self.errors[key] = error
        self.form.addRow(caption, holder)

    def add_note(self, text: str) -> None:
        """A grey note under the fields."""
        note = QLabel(text, self)
        note.setWordWrap(True)
        note.setStyleSheet(HINT_STYLE)
        self.body.addWidget(note)

    def field_errors(self) -> dict[str, ErrorLabel]:
        return self.errors

    def done_card(self) -> StudentCard:
        return self._services.families.card(self.card.id, record_access=False)


# -- the student -------------------------------------------------------------------------------------------------


class AddStudentDialog(FamilyAction):
    ok_text = "Внести в реестр"

    def __init__(self, services: Services, parent: QWidget | None = None, *, class_name: str = "") -> None:
        super().__init__(services, None, parent)  # type: ignore[arg-type]
        self.setWindowTitle("Новый ученик")
        self.head.setText("Ученик вносится в реестр семей; представителей добавьте потом в его карточке.")
        self.student_id: int | None = None
        self.full_name = ""
        today = services.settings.today()
        self.name_edit = QLineEdit(self)
        self.name_edit.setObjectName("student_name")
        self.name_edit.setPlaceholderText("Фамилия Имя Отчество")
        self.birth_edit = date_edit(self, "student_birth", today.replace(year=today.year - 10), today)
        self.class_edit = QLineEdit(class_name, self)
        self.class_edit.setObjectName("student_class")
        self.class_edit.setPlaceholderText("например, 5А")
        self.row("ФИО ученика:", self.name_edit, "full_name")
        self.row("Дата рождения:", self.birth_edit, "birth_date")
        self.row("Класс:", self.class_edit, "class_name")
        self.finish()

    def call(self) -> StudentCard | None:
        self.student_id = self._services.families.add_student(
            self.name_edit.text(), pydate(self.birth_edit.date()), self.class_edit.text()
        )
        self.full_name = rules.clean_name(self.name_edit.text())
        return self._services.families.card(self.student_id, record_access=False)


class MoveDialog(FamilyAction):
    ok_text = "Перевести"

    def __init__(self, services: Services, card: StudentCard, parent: QWidget | None = None) -> None:
        super().__init__(services, card, parent)
        self.setWindowTitle("Перевод в другой класс")
        self.class_edit = QLineEdit(self)
        self.class_edit.setObjectName("move_class")
        self.class_edit.setPlaceholderText("например, 6Б")
        self.on_edit = date_edit(self, "move_on", services.settings.today())
        self.form.addRow("Сейчас в классе:", QLabel(card.row.class_name, self))
        self.row("Новый класс:", self.class_edit, "class_name")
        self.row("Дата перевода:", self.on_edit, "on")
        self.finish()

    def call(self) -> StudentCard | None:
        self._services.families.move_student(
            self.card.id, self.class_edit.text(), on=pydate(self.on_edit.date()), version=self.card.row.version
        )
        return self.done_card()


class LeftDialog(FamilyAction):
    ok_text = "Отметить выбытие"

    def __init__(self, services: Services, card: StudentCard, parent: QWidget | None = None) -> None:
        super().__init__(services, card, parent)
        self.setWindowTitle("Выбытие из школы")
        today = services.settings.today()
        self.on_edit = date_edit(self, "left_on", today)
        self.note_edit = QLineEdit(self)
        self.note_edit.setObjectName("left_note")
        self.note_edit.setPlaceholderText("переезд, перевод в другую школу…")
        self.row("Дата выбытия:", self.on_edit, "on")
        self.row("Причина:", self.note_edit, "note")
        self.add_note("Ученик остаётся в реестре с отметкой «выбыл(а)»; действующие коды доступа будут отозваны.")
        self.finish()

    def call(self) -> StudentCard | None:
        on = pydate(self.on_edit.date())
        if not confirm(self, "Выбытие из школы",
                       f"Отметить, что {self.card.row.full_name} выбыл(а) из школы {on:%d.%m.%Y}?", "Отметить"):  # fmt: skip
            return None
        self._services.families.student_left(self.card.id, on, self.note_edit.text(), version=self.card.row.version)
        return self.done_card()


# -- representatives and consent -----------------------------------------------------------------------------------


class RepresentativeDialog(FamilyAction):
    ok_text = "Сохранить"

    def __init__(
        self, services: Services, card: StudentCard, parent: QWidget | None = None, *, rep: RepresentativeView | None = None
    ) -> None:
        super().__init__(services, card, parent)
        self.rep = rep
        self.setWindowTitle("Представитель ученика" if rep is None else f"Представитель: {rep.full_name}")
        self.ok_text = "Добавить" if rep is None else "Сохранить"
        self.name_edit = QLineEdit(rep.full_name if rep else "", self)
        self.name_edit.setObjectName("rep_name")
        self.name_edit.setPlaceholderText("Фамилия Имя Отчество")
        self.relation_box = QComboBox(self)
        self.relation_box.setObjectName("rep_relation")
        for relation, label in RELATION_LABELS.items():
            self.relation_box.addItem(label, relation.value)
        if rep is not None:
            self.relation_box.setCurrentIndex(self.relation_box.findData(rep.relation.value))
        self.phone_edit = QLineEdit(rep.phone if rep else "", self)
        self.phone_edit.setObjectName("rep_phone")
        self.phone_edit.setPlaceholderText("+7 912 345-67-89")
        self.email_edit = QLineEdit(rep.email if rep else "", self)
        self.email_edit.setObjectName("rep_email")
        self.address_edit = QLineEdit(rep.address if rep else "", self)
        self.address_edit.setObjectName("rep_address")
        self.address_edit.setPlaceholderText("для заявлений по Приложениям № 2 и 3")
        self.row("ФИО:", self.name_edit, "full_name")
        self.row("Кем приходится:", self.relation_box, "relation")
        self.row("Телефон:", self.phone_edit, "phone")
        self.row("Эл. почта:", self.email_edit, "email")
        self.row("Адрес:", self.address_edit, "address")
        self.finish()
        self.ok_button.setText(self.ok_text)

    def data(self) -> RepresentativeInput:
        return RepresentativeInput(
            self.name_edit.text(), Relation(self.relation_box.currentData()), self.phone_edit.text(),
            self.email_edit.text(), self.address_edit.text(),
        )  # fmt: skip

    def call(self) -> StudentCard | None:
        if self.rep is None:
            self._services.families.add_representative(self.card.id, self.data())
        else:
            self._services.families.update_representative(
                self.rep.id, self.data(), student_id=self.card.id, version=self.rep.version
            )
        return self.done_card()


class ConsentDialog(FamilyAction):
    ok_text = "Зарегистрировать согласие"

    def __init__(self, services: Services, card: StudentCard, rep: RepresentativeView, parent: QWidget | None = None) -> None:
        super().__init__(services, card, parent)
        self.rep = rep
        self.setWindowTitle("Согласие на обработку персональных данных")
        self.form.addRow("Представитель:", QLabel(f"{rep.full_name} ({rep.relation.label})", self))
        today = services.settings.today()
        self.given_edit = date_edit(self, "consent_given", today, today)
        self.scan = ScanPicker(self, name="consent_scan")
        self.row("Дано (дата подписи):", self.given_edit, "given_on")
        self.row("Скан согласия:", self.scan, "scan")
        self.finish()

    def call(self) -> StudentCard | None:
        self._services.families.record_consent(self.rep.id, pydate(self.given_edit.date()), self.scan.file)
        return self.done_card()


class WithdrawConsentDialog(FamilyAction):
    ok_text = "Отозвать согласие"

    def __init__(
        self, services: Services, card: StudentCard, rep: RepresentativeView, consent: ConsentView,
        parent: QWidget | None = None,
    ) -> None:  # fmt: skip
        super().__init__(services, card, parent)
        self.rep, self.consent = rep, consent
        self.setWindowTitle("Отзыв согласия")
        self.form.addRow("Представитель:", QLabel(rep.full_name, self))
        self.form.addRow("Согласие:", QLabel(consent.text, self))
        today = services.settings.today()
        self.on_edit = date_edit(self, "withdrawn_on", today, today)
        self.row("Отозвано:", self.on_edit, "withdrawn_on")
        self.add_note("Без согласия нет доступа: действующие коды этого представителя будут отозваны.")
        self.finish()

    def call(self) -> StudentCard | None:
        on = pydate(self.on_edit.date())
        if not confirm(self, "Отзыв согласия",
                       f"Отметить, что {self.rep.full_name} отозвал(а) согласие {on:%d.%m.%Y}? Коды доступа этого "
                       "представителя перестанут действовать.", "Отозвать"):  # fmt: skip
            return None
        self._services.families.withdraw_consent(self.consent.id, on)
        return self.done_card()


# -- codes -----------------------------------------------------------------------------------------------------------


def either_or(
    parent: QWidget, first: tuple[str, str], second: tuple[str, str], edit: tuple[str, str]
) -> tuple[QRadioButton, QRadioButton, QLineEdit, QWidget]:
    """Two choices, each (object name, text), the first chosen; under them a line edit (object name, placeholder)
    open only while the second is: the buttons, the edit and the widget holding them."""
    one = QRadioButton(first[1], parent)
    one.setObjectName(first[0])
    other = QRadioButton(second[1], parent)
    other.setObjectName(second[0])
    one.setChecked(True)
    group = QButtonGroup(parent)
    group.addButton(one)
    group.addButton(other)
    line = QLineEdit(parent)
    line.setObjectName(edit[0])
    line.setPlaceholderText(edit[1])
    line.setEnabled(False)
    holder = QWidget(parent)
    box = QVBoxLayout(holder)
    box.setContentsMargins(0, 0, 0, 0)
    box.addWidget(one)
    box.addWidget(other)
    box.addWidget(line)
    other.toggled.connect(line.setEnabled)
    return one, other, line, holder


class IssueCodeDialog(FamilyAction):
    """Issue (or re-issue) a registration code; `NoConsent` is left to the caller, which offers the refusal."""

    ok_text = "Выдать код"

    def __init__(self, services: Services, card: StudentCard, rep: RepresentativeView, parent: QWidget | None = None) -> None:
        super().__init__(services, card, parent)
        self.rep = rep
        self.issued = None
        self.no_consent: NoConsent | None = None
        reissue = any(c.state.value == "active" for c in rep.codes)
        self.setWindowTitle("Повторная выдача кода" if reissue else "Выдача кода регистрации")
        self.form.addRow("Представитель:", QLabel(f"{rep.full_name} ({rep.relation.label})", self))
        if reissue:
            warn = QLabel("Действующий код будет заменён новым (старый перестанет действовать).", self)
            warn.setStyleSheet("color: #8a5a00;")
            warn.setWordWrap(True)
            self.form.addRow(warn)
        self.generate, self.typed, self.code_edit, how = either_or(
            self, ("code_generate", "Сформировать код в программе"),
            ("code_typed", "Ввести код из электронного журнала:"), ("code_value", "латинские буквы и цифры"),
        )  # fmt: skip
        self.row("Код:", how, "code")
        self.personally, self.via_teacher, self.teacher_edit, given = either_or(
            self, ("handover_personally", "лично представителю под подпись"),
            ("handover_teacher", "через классного руководителя:"), ("handover_via", "ФИО классного руководителя"),
        )  # fmt: skip
        self.row("Передаётся:", given, "handed_via")
        self.finish()

    def call(self) -> StudentCard | None:
        try:
            self.issued = self._services.families.issue_code(
                self.card.id, self.rep.id,
                handover=Handover.CLASS_TEACHER if self.via_teacher.isChecked() else Handover.PERSONALLY,
                handed_via=self.teacher_edit.text() if self.via_teacher.isChecked() else "",
                code=self.code_edit.text() if self.typed.isChecked() else None,
            )  # fmt: skip
        except NoConsent as exc:  # the card says so and offers the refusal decision
            self.no_consent = exc
            self.reject()
            return None
        return self.done_card()


class RevokeCodeDialog(FamilyAction):
    ok_text = "Отозвать код"

    def __init__(self, services: Services, card: StudentCard, code_id: int, code: str, parent: QWidget | None = None) -> None:
        super().__init__(services, card, parent)
        self.code_id, self.code = code_id, code
        self.setWindowTitle("Отзыв кода регистрации")
        self.form.addRow("Код:", QLabel(code, self))
        self.reason_edit = QLineEdit(self)
        self.reason_edit.setObjectName("revoke_reason")
        self.reason_edit.setPlaceholderText("утерян, передан не тому лицу…")
        self.row("Причина:", self.reason_edit, "reason")
        self.finish()

    def call(self) -> StudentCard | None:
        if not confirm(self, "Отзыв кода", f"Отозвать код {self.code}? Войти по нему будет нельзя.", "Отозвать"):
            return None
        self._services.families.revoke_code(self.code_id, self.reason_edit.text())
        return self.done_card()


# -- refusal and opting out ---------------------------------------------------------------------------------------


class RefusalDialog(FamilyAction):
    """The refusal decision: grounds from the closed list (regulation), free text, the date; signed by the director."""

    ok_text = "Оформить отказ"

    def __init__(
        self, services: Services, card: StudentCard, parent: QWidget | None = None, *,
        rep: RepresentativeView | None = None, grounds: tuple[RefusalGround, ...] = (),
    ) -> None:  # fmt: skip
        super().__init__(services, card, parent)
        self.refusal = None
        self.setWindowTitle("Решение об отказе в доступе к электронному дневнику")
        self.setMinimumWidth(640)
        self.rep_box = QComboBox(self)
        self.rep_box.setObjectName("refusal_applicant")
        for view in card.representatives:
            self.rep_box.addItem(f"{view.full_name} ({view.relation.label})", view.id)
        if rep is not None:
            self.rep_box.setCurrentIndex(self.rep_box.findData(rep.id))
        self.row("Заявитель:", self.rep_box, "applicant_name")
        grounds_box = QWidget(self)
        grounds_layout = QVBoxLayout(grounds_box)
        grounds_layout.setContentsMargins(0, 0, 0, 0)
        self.ground_boxes: dict[RefusalGround, QCheckBox] = {}
        for ground, label in REFUSAL_LABELS.items():
            box = QCheckBox(self)
            box.setObjectName(f"ground_{ground.value}")
            box.setChecked(ground in grounds)
            text = QLabel(label, self)
            text.setWordWrap(True)
            text.setBuddy(box)
            line = QHBoxLayout()
            line.addWidget(box, 0)
            line.addWidget(text, 1)
            grounds_layout.addLayout(line)
            self.ground_boxes[ground] = box
        self.row("Основания\n(перечень регламента):", grounds_box, "grounds")
        self.text_edit = QPlainTextEdit(self)
        self.text_edit.setObjectName("refusal_text")
        self.text_edit.setPlaceholderText("пояснение к решению (необязательно)")
        self.text_edit.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 12)
        self.row("Пояснение:", self.text_edit, "text")
        today = services.settings.today()
        self.date_edit = date_edit(self, "refusal_date", today, today)
        self.row("Дата решения:", self.date_edit, "decided_on")
        note = QLabel("Решение подписывает директор; после оформления его можно напечатать.", self)
        note.setStyleSheet(HINT_STYLE)
        self.body.addWidget(note)
        self.finish()

    def call(self) -> StudentCard | None:
        self.refusal = self._services.families.refuse(
            [g for g, box in self.ground_boxes.items() if box.isChecked()],
            student_id=self.card.id, representative_id=self.rep_box.currentData(),
            text=self.text_edit.toPlainText(), decided_on=pydate(self.date_edit.date()),
        )  # fmt: skip
        return self.done_card()


class OptOutDialog(FamilyAction):
    """Register a signed Appendix 2 or 3: the family goes on paper; Appendix 3 ends the electronic access."""

    ok_text = "Зарегистрировать"

    def __init__(self, services: Services, card: StudentCard, parent: QWidget | None = None) -> None:
        super().__init__(services, card, parent)
        self.setWindowTitle("Заявление об отказе от электронного дневника")
        self.appendix_box = QComboBox(self)
        self.appendix_box.setObjectName("optout_appendix")
        for appendix in Appendix:
            self.appendix_box.addItem(appendix.label, appendix.value)
        today = services.settings.today()
        self.received_edit = date_edit(self, "optout_received", today, today)
        self.scan = ScanPicker(self, name="optout_scan")
        self.row("Заявление:", self.appendix_box, "appendix")
        self.row("Получено:", self.received_edit, "received_on")
        self.row("Скан (необязательно):", self.scan, "scan")
        self.effect = QLabel(self)
        self.effect.setObjectName("optout_effect")
        self.effect.setWordWrap(True)
        self.body.addWidget(self.effect)
        self.appendix_box.currentIndexChanged.connect(lambda _i: self._explain())
        self._explain()
        self.finish()

    def appendix(self) -> Appendix:
        return Appendix(self.appendix_box.currentData())

    def effect_text(self) -> str:
        text = "Семья будет получать отчёт об успеваемости и посещаемости на бумаге не реже раза в неделю."
        if self.appendix() is Appendix.CANCEL:
            active = sum(1 for r in self.card.representatives for c in r.codes if c.state.value == "active")
            text += (
                " Приложение № 3 прекращает электронный доступ: "
                + (f"действующие коды ({active}) будут отозваны." if active else "действующих кодов нет.")
            )
        return text

    def _explain(self) -> None:
        colour = "#6d0f0f" if self.appendix() is Appendix.CANCEL else "#0d3c61"
        self.effect.setStyleSheet(f"color: {colour};")
        self.effect.setText(self.effect_text())

    def call(self) -> StudentCard | None:
        received = pydate(self.received_edit.date())
        if not confirm(self, "Отказ от электронного дневника",
                       f"Зарегистрировать заявление ({self.appendix_box.currentText()}) от {received:%d.%m.%Y}?\n\n"
                       f"{self.effect_text()}", "Зарегистрировать"):  # fmt: skip
            return None
        self._services.families.register_optout(self.card.id, self.appendix(), received, scan=self.scan.file)
        return self.done_card()


__all__ = [
    "AddStudentDialog",
    "ConsentDialog",
    "FamilyAction",
    "IssueCodeDialog",
    "LeftDialog",
    "MoveDialog",
    "OptOutDialog",
    "RefusalDialog",
    "RepresentativeDialog",
    "RevokeCodeDialog",
    "ScanPicker",
    "WithdrawConsentDialog",
]
