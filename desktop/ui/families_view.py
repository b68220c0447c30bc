"""Section «Семьи»: the families register (DOMAIN.md §5) — students by class with their representatives' consent and
e-diary access at a glance, paged from the database; filters for what the secretary works through (no consent, no
code, on paper, left), a search by a child's or a parent's name; Enter opens the family card."""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.access import Action
from desktop.services.errors import ServiceError
from desktop.services.families import FamiliesService, StudentFilter, StudentRow
from desktop.services.registry import Services
from desktop.ui.family_card import open_family
from desktop.ui.family_dialogs import STATE_COLOURS, AddStudentDialog
from desktop.ui.paged_model import PagedRowsModel
from desktop.ui.queue_view import CENTERED, LEFT, IdRole, QueueSection, toggle_button
from desktop.ui.widgets import record_table

#: A filter button that is on: blue, like the queues' presets.
TOGGLE_STYLE = (
    "QPushButton:checked { background: #1565c0; color: white; border: 1px solid #0d47a1; border-radius: 3px;"
    " padding: 3px 10px; }"
)

FAMILY_COLUMNS = ("Класс", "Ученик", "Дата рождения", "Представители", "Согласие", "Доступ к дневнику", "Бумага")
COL_CLASS, COL_NAME, COL_BIRTH, COL_REPS, COL_CONSENT, COL_STATE, COL_PAPER = range(len(FAMILY_COLUMNS))

LEFT_COLOUR = "#80868b"


def consent_text(row: StudentRow) -> str:
    if not row.representatives:
        return "нет представителей"
    if not row.with_consent:
        return "нет"
    if row.representatives == 1:
        return "есть"
    return f"{row.with_consent} из {row.representatives}"


class FamiliesModel(PagedRowsModel[StudentRow]):
    """The students matching a filter, by class then name, a page at a time."""

    columns = FAMILY_COLUMNS

    def __init__(self, families: FamiliesService, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._families = families
        self._filter = StudentFilter()

    @property
    def filter(self) -> StudentFilter:
        return self._filter

    def set_filter(self, flt: StudentFilter) -> None:
        self._filter = flt
        self.reload()

    def read_total(self) -> int:
        return self._families.count(self._filter)

    def read_page(self, offset: int, limit: int) -> list[StudentRow]:
        return self._families.students(self._filter, offset=offset, limit=limit)

    @staticmethod
    def text(row: StudentRow, column: int) -> str:
        if column == COL_CLASS:
            return row.class_name
        if column == COL_NAME:
            return row.full_name
        if column == COL_BIRTH:
            return f"{row.birth_date:%d.%m.%Y}"
        if column == COL_REPS:
            return str(row.representatives) if row.representatives else "—"
        if column == COL_CONSENT:
            return consent_text(row)
        if column == COL_STATE:
            return row.state_text
        if column == COL_PAPER:
            return "на бумаге" if row.paper else ""
        return ""

    @staticmethod
    def tooltip(row: StudentRow) -> str:
        lines = [f"{row.full_name}, {row.class_name}, родился(ась) {row.birth_date:%d.%m.%Y}."]
        lines.append(
            f"Представителей: {row.representatives}, с согласием на обработку данных: {row.with_consent}; "
            f"действующих кодов: {row.active_codes}."
        )
        if row.paper:
            lines.append("Семья получает отчёт об успеваемости на бумаге (заявление по Приложению № 2 или 3).")
        lines.append("Enter — карточка семьи.")
        return "\n".join(lines)

    def cell_data(self, row: StudentRow, column: int, role: int) -> object:
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tooltip(row)
        if role == Qt.ItemDataRole.ForegroundRole:
            if not row.studying:
                return QBrush(QColor(LEFT_COLOUR))
            if column == COL_STATE:
                return QBrush(QColor(STATE_COLOURS.get(row.state_text, "#202124")))
            if column == COL_CONSENT and not row.with_consent:
                return QBrush(QColor("#b71c1c"))
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return CENTERED if column in (COL_CLASS, COL_BIRTH, COL_REPS, COL_CONSENT, COL_PAPER) else LEFT
        if role == IdRole:
            return row.id
        return None

    def header_tip(self, section: int) -> str | None:
        if section == COL_CONSENT:
            return "Согласие на обработку персональных данных (152-ФЗ): у скольких представителей оно действует"
        if section == COL_STATE:
            return "Доступ к электронному дневнику: выдан ли код регистрации, или почему нет"
        if section == COL_PAPER:
            return "Отчёт об успеваемости и посещаемости печатается на бумаге раз в неделю"
        return None


def families_table(parent: QWidget, model: FamiliesModel) -> QTableView:
    table = record_table(parent, "families_table", model, row_padding=10)
    table.setTabKeyNavigation(False)
    header = table.horizontalHeader()
    header.setHighlightSections(False)
    header.setStretchLastSection(False)
    metrics = table.fontMetrics()
    samples = {
        COL_CLASS: "11АБ",
        COL_BIRTH: "00.00.0000",
        COL_REPS: "Представители",
        COL_CONSENT: "нет представителей",
        COL_STATE: "согласие есть, кода нет",
        COL_PAPER: "на бумаге",
    }
    for column, sample in samples.items():
        title = metrics.horizontalAdvance(FAMILY_COLUMNS[column]) + 22
        table.setColumnWidth(column, max(metrics.horizontalAdvance(sample) + 18, title))
    header.setSectionResizeMode(COL_NAME, QHeaderView.ResizeMode.Stretch)
    table.setTextElideMode(Qt.TextElideMode.ElideRight)
    return table


class FamiliesView(QueueSection):
    """Section «Семьи»."""

    title = "Семьи"
    nouns = ("ученик", "ученика", "учеников")
    model: FamiliesModel  # type: ignore[assignment]

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(services, parent)
        self.may_edit = services.ctx.may(Action.FAMILIES_EDIT)
        layout = QVBoxLayout(self)

        filters = QHBoxLayout()
        filters.addWidget(QLabel("Класс:", self))
        self.class_box = self.combo("families_class", "Класс (в скобках — сколько в нём учеников)", ())
        filters.addWidget(self.class_box)
        filters.addSpacing(6)
        self.without_consent = toggle_button(self, "families_without_consent", "Без согласия",
                                             "Ни у одного представителя нет действующего согласия на обработку данных",
                                             TOGGLE_STYLE)  # fmt: skip
        self.without_code = toggle_button(self, "families_without_code", "Без кода",
                                          "Учатся, не на бумаге, а кода регистрации в дневнике нет", TOGGLE_STYLE)  # fmt: skip
        self.paper = toggle_button(self, "families_paper", "На бумаге",
                                   "Семьи, получающие отчёт об успеваемости на бумаге", TOGGLE_STYLE)  # fmt: skip
        self.left_school = toggle_button(self, "families_left", "Выбывшие", "Ученики, выбывшие из школы", TOGGLE_STYLE)
        self.toggles = (self.without_consent, self.without_code, self.paper, self.left_school)
        for button in self.toggles:
            filters.addWidget(button)
        filters.addSpacing(6)
        filters.addWidget(QLabel("Поиск:", self))
        filters.addWidget(self.search_box("families_search", "ФИО ученика или родителя",
                                          "Часть фамилии, имени или отчества ученика или его представителя (Ctrl+F)"), 1)  # fmt: skip
        self.reset_button = QPushButton("Сбросить", self)
        self.reset_button.setObjectName("families_reset")
        self.reset_button.setAutoDefault(False)
        filters.addWidget(self.reset_button)
        layout.addLayout(filters)

        self.model = FamiliesModel(services.families, self)
        self.hint = QLabel("Enter или двойной щелчок — карточка семьи: представители, согласия, коды, заявления.", self)
        self.hint.setStyleSheet("color: #5f6368;")
        self.add_table(layout, families_table(self, self.model), None, self.hint, "families")

        buttons = QHBoxLayout()
        self.add_button = self.button("families_add", "Добавить ученика…", "Ctrl+N")
        self.open_button = self.button("families_open", "Открыть карточку", "Enter или двойной щелчок по строке")
        self.refresh_button = self.button("families_refresh", "Обновить", "F5")
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        buttons.addWidget(self.refresh_button)
        layout.addLayout(buttons)
        self.add_button.setVisible(self.may_edit)

        for button in self.toggles:
            button.toggled.connect(self._toggled)
        self.class_box.currentIndexChanged.connect(lambda _i: self.apply())
        self.reset_button.clicked.connect(self.reset)
        self.add_button.clicked.connect(self.add_student)
        self.connect_queue(self.add_student if self.may_edit else None)
        self._fill_classes()
        self.apply()

    # -- the filter -----------------------------------------------------------------------------------------

    def _fill_classes(self) -> None:
        keep = self.class_box.currentData()
        with self.quietly():
            self.class_box.clear()
            self.class_box.addItem("Все классы", "")
            try:
                classes = self._services.families.classes()
            except ServiceError:
                classes = []
            for name, count in classes:
                self.class_box.addItem(f"{name} ({count})", name)
            self.class_box.setCurrentIndex(max(0, self.class_box.findData(keep)))

    def _toggled(self) -> None:
        # «Выбывшие» and the others exclude each other: the others look at those who study.
        sender = self.sender()
        if sender is self.left_school and self.left_school.isChecked():
            self._set_checked((self.without_consent, self.without_code, self.paper), False)
        elif sender in (self.without_consent, self.without_code, self.paper) and sender.isChecked():  # type: ignore[union-attr]
            self._set_checked((self.left_school,), False)
        self.apply()

    def _set_checked(self, buttons: tuple[QPushButton, ...], on: bool) -> None:
        was = self._applying
        self._applying = True
        try:
            for button in buttons:
                button.setChecked(on)
        finally:
            self._applying = was

    def current_filter(self) -> StudentFilter:
        flt = StudentFilter(class_name=self.class_box.currentData() or "", search=self.search.text().strip())
        if self.left_school.isChecked():
            return dataclasses.replace(flt, studying=False)
        return dataclasses.replace(
            flt,
            without_consent=self.without_consent.isChecked(),
            without_code=self.without_code.isChecked(),
            paper=True if self.paper.isChecked() else None,
        )

    def reset(self) -> None:
        with self.quietly():
            for button in self.toggles:
                button.setChecked(False)
            self.class_box.setCurrentIndex(0)
            self.search.clear()
        self.banner.show_message(None)
        self.apply()

    def refresh(self) -> None:
        self._fill_classes()
        self.apply()

    # -- the selection and actions ----------------------------------------------------------------------------

    def select_student(self, student_id: int, *, fetch: bool = True) -> bool:
        return self.select_record(student_id, fetch=fetch)

    def open_record(self, record_id: int) -> None:
        self.open_student(record_id)

    def open_student(self, student_id: int) -> None:
        card = open_family(self._services, student_id, self)
        if card.changed:
            self._fill_classes()
            self.apply(select=student_id)
        self.table.setFocus()

    def add_student(self) -> None:
        if not self.may_edit:
            return
        dialog = AddStudentDialog(self._services, self, class_name=self.class_box.currentData() or "")
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.student_id is None:
            return
        self._fill_classes()
        self.apply(select=dialog.student_id)
        if not self.select_student(dialog.student_id):
            self.reset()
            self.select_student(dialog.student_id)
        self.banner.show_message(
            f"Ученик внесён в реестр: {dialog.full_name}. Добавьте представителей в карточке семьи (Enter).", "ok"
        )
        self.table.setFocus()


__all__ = ["FamiliesModel", "FamiliesView"]
