"""The family card: the child (class, birth date, access state, on paper since), each legal representative with
their contacts, consents (given, withdrawn, the signed scan) and registration codes (state, how handed over, who
issued them and when); the access applications, refusal decisions, opt-out applications and the child's history;
the actions the acting person may take, and the printed forms (Appendix 2 and 3, the access application, a code's
slip, a refusal decision) shown in the app's print preview."""

from __future__ import annotations

import html
import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.access import Action
from desktop.domain.families import Appendix, CodeState, RefusalGround
from desktop.services.errors import ServiceError
from desktop.services.families import CodeRow, ConsentView, RepresentativeView, StudentCard
from desktop.services.registry import Services
from desktop.ui.family_dialogs import (
    STATE_COLOURS,
    ConsentDialog,
    FamilyAction,
    IssueCodeDialog,
    LeftDialog,
    MoveDialog,
    OptOutDialog,
    RefusalDialog,
    RepresentativeDialog,
    RevokeCodeDialog,
    WithdrawConsentDialog,
)
from desktop.ui.print_preview import show_form
from desktop.ui.widgets import Banner

HINT_STYLE = "color: #5f6368;"
NOT_WIRED = "Печать этой формы ещё не подключена."


def print_glue(services: Services, name: str) -> Callable[..., object] | None:
    """`services.families_io.<name>` when the print glue offers it, else None (the button is off)."""
    io = getattr(services, "families_io", None)
    glue = getattr(io, name, None)
    return glue if callable(glue) else None


def open_scan(name: str, data: bytes) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="school-office-"))
    target = folder / (Path(name).name or "скан")
    target.write_bytes(data)
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(target)))
    return target


def code_text(code: CodeRow) -> str:
    how = code.handover.label + (f" ({code.handed_via})" if code.handed_via else "")
    text = (
        f"<b style='font-family: monospace'>{html.escape(code.code)}</b> — {code.state.label}; "
        f"выдан {code.issued_at:%d.%m.%Y %H:%M}, {html.escape(code.issued_by)}; передан {html.escape(how)}"
    )
    if code.ended_at is not None:
        text += f"; {code.ended_at:%d.%m.%Y}: {html.escape(code.end_reason)}"
    colour = "#1b5e20" if code.state is CodeState.ACTIVE else "#80868b"
    return f"<span style='color:{colour}'>{text}</span>"


def small_button(parent: QWidget, text: str, name: str, tip: str = "") -> QPushButton:
    button = QPushButton(text, parent)
    button.setObjectName(name)
    button.setAutoDefault(False)
    if tip:
        button.setToolTip(tip)
    return button


class RepresentativeBox(QGroupBox):
    """One representative: contacts, consents, codes and what may be done with them."""

    def __init__(self, card: FamilyCardDialog, rep: RepresentativeView) -> None:
        super().__init__(f"{rep.full_name} — {rep.relation.label}", card)
        self.setObjectName(f"rep_{rep.id}")
        self.setStyleSheet("QGroupBox { font-weight: bold; } QGroupBox QLabel, QGroupBox QPushButton { font-weight: normal; }")
        self.rep = rep
        layout = QVBoxLayout(self)
        contacts = [
            ("Телефон", rep.phone),
            ("Эл. почта", rep.email),
            ("Адрес", rep.address),
        ]
        info = QLabel(
            "<br>".join(f"<span style='color:#5f6368'>{k}:</span> {html.escape(v) if v else '—'}" for k, v in contacts),
            self,
        )
        info.setObjectName("rep_contacts")
        info.setWordWrap(True)
        info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(info)

        state = QLabel(self)
        state.setObjectName("rep_consent_now")
        state.setText(
            "<b style='color:#1b5e20'>Согласие на обработку данных действует</b>"
            if rep.consent_now
            else "<b style='color:#b71c1c'>Согласия на обработку данных нет — код не выдаётся</b>"
        )
        layout.addWidget(state)
        manage = card.may_manage
        self.consent_rows: list[QWidget] = []
        for consent in rep.consents:
            layout.addWidget(self._consent_row(card, consent, manage))
        self.code_rows: list[QWidget] = []
        if rep.codes:
            title = QLabel("Коды регистрации:", self)
            title.setStyleSheet(HINT_STYLE)
            layout.addWidget(title)
        for code in rep.codes:
            layout.addWidget(self._code_row(card, code, manage))

        buttons = QHBoxLayout()
        self.edit_button = small_button(self, "Изменить…", "rep_edit", "Телефон, почта, адрес, кем приходится")
        self.consent_button = small_button(self, "Согласие…", "rep_consent", "Зарегистрировать подписанное согласие")
        self.application_button = small_button(
            self, "Принять заявление о доступе", "rep_application", "Зарегистрировать заявление: доступ — в течение 2 рабочих дней"
        )
        active = any(c.state is CodeState.ACTIVE for c in rep.codes)
        self.issue_button = small_button(
            self, "Выдать новый код…" if active else "Выдать код…", "rep_issue",
            "Код регистрации в электронном дневнике, под подпись",
        )  # fmt: skip
        self.print_application_button = small_button(
            self, "Печать заявления о доступе…", "rep_print_application", "Напечатать заявление о доступе (Приложение № 1)"
        )
        for button in (self.edit_button, self.consent_button, self.application_button, self.issue_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.print_application_button)
        layout.addLayout(buttons)
        studying = card.card is not None and card.card.row.studying
        self.edit_button.setVisible(card.may_edit)
        self.consent_button.setVisible(manage)
        self.application_button.setVisible(manage and studying)
        self.issue_button.setVisible(manage and studying)
        self.edit_button.clicked.connect(lambda: card.edit_representative(rep))
        self.consent_button.clicked.connect(lambda: card.record_consent(rep))
        self.application_button.clicked.connect(lambda: card.register_application(rep))
        self.issue_button.clicked.connect(lambda: card.issue_code(rep))
        card.wire_print(self.print_application_button, "print_access_application",
                        lambda: card.print_access_application(rep))  # fmt: skip

    def _consent_row(self, card: FamilyCardDialog, consent: ConsentView, manage: bool) -> QWidget:
        row = QWidget(self)
        row.setObjectName(f"consent_{consent.id}")
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        label = QLabel(f"Согласие {consent.text}" + (f"; скан: {consent.scan.name}" if consent.scan else "; без скана"), row)
        label.setObjectName("consent_text")
        line.addWidget(label, 1)
        if consent.scan is not None:
            scan = small_button(row, "Открыть скан", "consent_scan")
            scan.clicked.connect(lambda: card.open_consent_scan(consent))
            line.addWidget(scan)
        if manage and consent.withdrawn_on is None:
            withdraw = small_button(row, "Отозвать согласие…", "consent_withdraw", "Представитель отозвал согласие")
            withdraw.clicked.connect(lambda: card.withdraw_consent(self.rep, consent))
            line.addWidget(withdraw)
        self.consent_rows.append(row)
        return row

    def _code_row(self, card: FamilyCardDialog, code: CodeRow, manage: bool) -> QWidget:
        row = QWidget(self)
        row.setObjectName(f"code_{code.id}")
        line = QHBoxLayout(row)
        line.setContentsMargins(12, 0, 0, 0)
        label = QLabel(code_text(code), row)
        label.setObjectName("code_text")
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        line.addWidget(label, 1)
        if code.state is CodeState.ACTIVE:
            slip = small_button(row, "Печать слипа…", "code_slip", "Напечатать слип с кодом и линией отреза")
            card.wire_print(slip, "print_slip", lambda: card.print_slip(code))
            line.addWidget(slip)
            if manage:
                revoke = small_button(row, "Отозвать код…", "code_revoke")
                revoke.clicked.connect(lambda: card.revoke_code(code))
                line.addWidget(revoke)
        self.code_rows.append(row)
        return row


class FamilyCardDialog(QDialog):
    """One family in full; `changed` tells the register to read itself again."""

    def __init__(self, services: Services, student_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self.student_id = student_id
        self.card: StudentCard | None = None
        self.changed = False
        ctx = services.ctx
        self.may_edit = ctx.may(Action.FAMILIES_EDIT)
        self.may_manage = ctx.may(Action.ACCESS_MANAGE)
        self.may_refuse = ctx.may(Action.ACCESS_REFUSE)
        self.may_optout = ctx.may(Action.OPTOUT_REGISTER)
        self.setObjectName("family_card")
        self.setMinimumSize(860, 560)
        self.resize(1080, 760)
        body = QVBoxLayout(self)

        self.title = QLabel(self)
        self.title.setObjectName("card_title")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.45)
        font.setBold(True)
        self.title.setFont(font)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        body.addWidget(self.title)

        facts = QFrame(self)
        facts.setObjectName("card_facts")
        facts.setStyleSheet("#card_facts { background: #f6f8fa; border: 1px solid #dde3ea; border-radius: 4px; }")
        strip = QHBoxLayout(facts)
        strip.setContentsMargins(10, 6, 10, 6)
        self.facts: dict[str, QLabel] = {}
        for key, caption in (("class", "Класс"), ("birth", "Дата рождения"), ("state", "Доступ к дневнику"),
                             ("paper", "Отчёт на бумаге"), ("reps", "Представители")):  # fmt: skip
            cell = QVBoxLayout()
            cell.setSpacing(0)
            top = QLabel(caption, facts)
            top.setStyleSheet(HINT_STYLE)
            value = QLabel(facts)
            value.setObjectName(f"card_{key}")
            value.setStyleSheet("font-weight: bold;")
            cell.addWidget(top)
            cell.addWidget(value)
            strip.addLayout(cell, 2 if key == "state" else 1)
            self.facts[key] = value
        body.addWidget(facts)
        self.banner = Banner(self)
        self.banner.setObjectName("card_banner")
        body.addWidget(self.banner)

        actions = QHBoxLayout()
        self.add_rep_button = small_button(self, "Добавить представителя…", "card_add_rep")
        self.refuse_button = small_button(self, "Отказ в доступе…", "card_refuse",
                                          "Решение об отказе по основаниям из перечня регламента")  # fmt: skip
        self.optout_button = small_button(self, "Отказ от дневника (Прил. № 2/3)…", "card_optout",
                                          "Зарегистрировать подписанное заявление об отказе от электронного дневника")  # fmt: skip
        self.move_button = small_button(self, "Перевести…", "card_move", "Перевод в другой класс")
        self.left_button = small_button(self, "Выбыл(а)…", "card_left", "Отметить выбытие из школы")
        for button in (self.add_rep_button, self.refuse_button, self.optout_button, self.move_button, self.left_button):
            actions.addWidget(button)
        actions.addStretch(1)
        self.appendix2_button = small_button(self, "Печать: Прил. № 2", "print_appendix2",
                                             "Заявление о непредоставлении услуги «Электронный дневник»")  # fmt: skip
        self.appendix3_button = small_button(self, "Печать: Прил. № 3", "print_appendix3",
                                             "Заявление об отмене услуги «Электронный дневник»")  # fmt: skip
        for button, appendix in ((self.appendix2_button, Appendix.NOT_PROVIDE), (self.appendix3_button, Appendix.CANCEL)):
            menu = QMenu(button)
            filled = menu.addAction("Заполненное по реестру…")
            filled.triggered.connect(lambda _c=False, a=appendix: self.print_appendix(a, blank=False))
            blank = menu.addAction("Бланк для заполнения от руки…")
            blank.triggered.connect(lambda _c=False, a=appendix: self.print_appendix(a, blank=True))
            button.setMenu(menu)
            if print_glue(services, "print_appendix") is None:
                button.setEnabled(False)
                button.setToolTip(NOT_WIRED)
            actions.addWidget(button)
        body.addLayout(actions)
        self.add_rep_button.clicked.connect(self.add_representative)
        self.refuse_button.clicked.connect(lambda: self.refuse())
        self.optout_button.clicked.connect(self.register_optout)
        self.move_button.clicked.connect(self.move)
        self.left_button.clicked.connect(self.mark_left)

        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("card_tabs")
        self.reps_scroll = QScrollArea(self.tabs)
        self.reps_scroll.setWidgetResizable(True)
        self.reps_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.tabs.addTab(self.reps_scroll, "Представители")
        self.applications = QTextBrowser(self.tabs)
        self.applications.setObjectName("card_applications")
        self.tabs.addTab(self.applications, "Заявления о доступе")
        self.refusals_page = QWidget(self.tabs)
        self.refusals_layout = QVBoxLayout(self.refusals_page)
        self.tabs.addTab(self.refusals_page, "Отказы")
        self.optouts = QTextBrowser(self.tabs)
        self.optouts.setObjectName("card_optouts")
        self.tabs.addTab(self.optouts, "Прил. № 2 и 3")
        self.history = QTextBrowser(self.tabs)
        self.history.setObjectName("card_history")
        self.tabs.addTab(self.history, "История")
        body.addWidget(self.tabs, 1)
        self.rep_boxes: list[RepresentativeBox] = []

        close = QHBoxLayout()
        close.addStretch(1)
        self.close_button = QPushButton("Закрыть", self)
        self.close_button.setObjectName("card_close")
        self.close_button.clicked.connect(self.accept)
        close.addWidget(self.close_button)
        body.addLayout(close)
        QShortcut(QKeySequence("F5"), self, activated=self.load)
        self.load(record=True)

    # -- reading ---------------------------------------------------------------------------------------------

    def load(self, record: bool = False) -> None:
        try:
            self.card = self._services.families.card(self.student_id, record_access=record)
        except ServiceError as exc:
            self.banner.show_message(str(exc), "warning")
            return
        card = self.card
        row = card.row
        self.setWindowTitle(f"Семья: {row.full_name}, {row.class_name}")
        self.title.setText(f"{row.full_name}, {row.class_name}" if row.studying else f"{row.full_name} (выбыл(а))")
        self.facts["class"].setText(row.class_name)
        self.facts["birth"].setText(f"{row.birth_date:%d.%m.%Y}")
        self.facts["state"].setText(row.state_text)
        self.facts["state"].setStyleSheet(f"font-weight: bold; color: {STATE_COLOURS.get(row.state_text, '#5f6368')};")
        self.facts["paper"].setText(f"с {card.paper_since:%d.%m.%Y}" if row.paper and card.paper_since else
                                    ("да" if row.paper else "нет"))  # fmt: skip
        self.facts["reps"].setText(
            f"{row.representatives}, с согласием {row.with_consent}" if row.representatives else "не указаны"
        )
        studying = row.studying
        self.add_rep_button.setVisible(self.may_edit)
        self.refuse_button.setVisible(self.may_refuse and bool(card.representatives))
        self.optout_button.setVisible(self.may_optout and studying)
        self.move_button.setVisible(self.may_edit and studying)
        self.left_button.setVisible(self.may_edit and studying)
        self._fill_representatives(card)
        self._fill_applications(card)
        self._fill_refusals(card)
        self._fill_optouts(card)
        self._fill_history(card)

    def _fill_representatives(self, card: StudentCard) -> None:
        holder = QWidget(self.reps_scroll)
        column = QVBoxLayout(holder)
        self.rep_boxes = [RepresentativeBox(self, rep) for rep in card.representatives]
        for box in self.rep_boxes:
            column.addWidget(box)
        if not self.rep_boxes:
            none = QLabel("Представители не указаны. Добавьте мать, отца или другого законного представителя.", holder)
            none.setStyleSheet(HINT_STYLE)
            column.addWidget(none)
        column.addStretch(1)
        self.reps_scroll.setWidget(holder)
        self.tabs.setTabText(0, f"Представители ({len(card.representatives)})")

    def _fill_applications(self, card: StudentCard) -> None:
        rows = [
            f"<p><b>№ {html.escape(a.number)}</b> от {a.received_at:%d.%m.%Y %H:%M} — {html.escape(a.representative_name)}; "
            f"доступ до {a.due_date:%d.%m.%Y}; <b>{html.escape(a.status.label)}</b>"
            + (f" (осталось: {html.escape(a.time_left)})" if a.status.value == "waiting" else "")
            + ("" if a.consent_now else " — <span style='color:#b71c1c'>согласия нет</span>")
            + "</p>"
            for a in card.applications
        ]
        self.applications.setHtml("".join(rows) or "<p style='color:#5f6368'>Заявлений о доступе не было.</p>")
        self.tabs.setTabText(1, f"Заявления о доступе ({len(card.applications)})")

    def _fill_refusals(self, card: StudentCard) -> None:
        while self.refusals_layout.count():
            item = self.refusals_layout.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        for refusal in card.refusals:
            line = QHBoxLayout()
            grounds = "; ".join(g.label for g in refusal.grounds)
            text = QLabel(
                f"<b>№ {html.escape(refusal.number)}</b> от {refusal.decided_on:%d.%m.%Y}, заявитель "
                f"{html.escape(refusal.applicant_name)}; директор {html.escape(refusal.director_name or '—')}.<br>"
                f"<span style='color:#5f6368'>Основания: {html.escape(grounds)}</span>"
                + (f"<br>{html.escape(refusal.text)}" if refusal.text else ""),
                self.refusals_page,
            )
            text.setWordWrap(True)
            holder = QWidget(self.refusals_page)
            holder.setLayout(line)
            line.addWidget(text, 1)
            button = small_button(holder, "Печать решения…", "refusal_print")
            self.wire_print(button, "print_refusal", lambda r=refusal.id: self.print_refusal(r))
            line.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
            self.refusals_layout.addWidget(holder)
        if not card.refusals:
            self.refusals_layout.addWidget(QLabel("Решений об отказе не было.", self.refusals_page))
        self.refusals_layout.addStretch(1)
        self.tabs.setTabText(2, f"Отказы ({len(card.refusals)})")

    def _fill_optouts(self, card: StudentCard) -> None:
        rows = [
            f"<p><b>{html.escape(o.appendix.label)}</b><br>получено {o.received_on:%d.%m.%Y}; заявители: "
            f"{html.escape(o.applicants)}; зарегистрировал(а) {html.escape(o.registered_by)}</p>"
            for o in card.optouts
        ]
        self.optouts.setHtml("".join(rows) or "<p style='color:#5f6368'>Заявлений об отказе от электронного "
                             "дневника не было.</p>")  # fmt: skip
        self.tabs.setTabText(3, f"Прил. № 2 и 3 ({len(card.optouts)})")

    def _fill_history(self, card: StudentCard) -> None:
        rows = [
            f"<p><b>{h.on:%d.%m.%Y}</b> — {html.escape(h.text)} <span style='color:#5f6368'>({html.escape(h.actor)})</span></p>"
            for h in card.history
        ]
        self.history.setHtml("".join(rows))

    # -- acting ----------------------------------------------------------------------------------------------

    def _act(self, dialog: FamilyAction) -> bool:
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        if accepted:
            self.changed = True
            self.load()
        return accepted

    def add_representative(self) -> None:
        if self.card is not None and self._act(RepresentativeDialog(self._services, self.card, self)):
            self.banner.show_message("Представитель добавлен. Зарегистрируйте его согласие на обработку данных.", "ok")

    def edit_representative(self, rep: RepresentativeView) -> None:
        if self.card is not None and self._act(RepresentativeDialog(self._services, self.card, self, rep=rep)):
            self.banner.show_message(f"Данные представителя сохранены: {rep.full_name}.", "ok")

    def record_consent(self, rep: RepresentativeView) -> None:
        if self.card is not None and self._act(ConsentDialog(self._services, self.card, rep, self)):
            self.banner.show_message(f"Согласие зарегистрировано: {rep.full_name}. Теперь можно выдать код.", "ok")

    def withdraw_consent(self, rep: RepresentativeView, consent: ConsentView) -> None:
        if self.card is not None and self._act(WithdrawConsentDialog(self._services, self.card, rep, consent, self)):
            self.banner.show_message(f"Согласие отозвано: {rep.full_name}.", "warning")

    def open_consent_scan(self, consent: ConsentView) -> None:
        try:
            name, data = self._services.families.consent_scan(consent.id)
        except ServiceError as exc:
            self.banner.show_message(str(exc), "warning")
            return
        open_scan(name, data)

    def register_application(self, rep: RepresentativeView) -> None:
        if self.card is None:
            return
        try:
            row = self._services.families.register_application(self.card.id, rep.id)
        except ServiceError as exc:
            self.banner.show_message(str(exc), "warning")
            return
        self.changed = True
        self.load()
        consent = "" if row.consent_now else " Согласия на обработку данных нет: зарегистрируйте его или оформите отказ."
        self.banner.show_message(
            f"Заявление № {row.number} зарегистрировано; доступ сформировать до {row.due_date:%d.%m.%Y}.{consent}",
            "ok" if row.consent_now else "warning",
        )

    def issue_code(self, rep: RepresentativeView) -> None:
        if self.card is None:
            return
        dialog = IssueCodeDialog(self._services, self.card, rep, self)
        if self._act(dialog) and dialog.issued is not None:
            issued = dialog.issued
            self.banner.show_message(
                f"Код {issued.code} выдан: {rep.full_name}, передан {issued.handover.label}. Напечатайте слип "
                "(«Печать слипа…» у кода) и возьмите подпись.", "ok",
            )  # fmt: skip
        elif dialog.no_consent is not None:
            self.offer_refusal(rep, str(dialog.no_consent))

    def offer_refusal(self, rep: RepresentativeView, message: str) -> None:
        """No consent, no code: say so, and offer the refusal decision with that ground ticked."""
        box = QMessageBox(QMessageBox.Icon.Warning, "Код не выдан", message, parent=self)
        refuse = box.addButton("Оформить отказ…", QMessageBox.ButtonRole.AcceptRole)
        close = box.addButton("Закрыть", QMessageBox.ButtonRole.RejectRole)
        refuse.setEnabled(self.may_refuse)
        box.setDefaultButton(close)
        box.setEscapeButton(close)
        box.exec()
        if box.clickedButton() is refuse and self.may_refuse:
            self.refuse(rep, (RefusalGround.NO_CONSENT,))

    def revoke_code(self, code: CodeRow) -> None:
        if self.card is not None and self._act(RevokeCodeDialog(self._services, self.card, code.id, code.code, self)):
            self.banner.show_message(f"Код {code.code} отозван.", "warning")

    def refuse(self, rep: RepresentativeView | None = None, grounds: tuple[RefusalGround, ...] = ()) -> None:
        if self.card is None:
            return
        dialog = RefusalDialog(self._services, self.card, self, rep=rep, grounds=grounds)
        if self._act(dialog) and dialog.refusal is not None:
            self.tabs.setCurrentWidget(self.refusals_page)
            self.banner.show_message(
                f"Решение об отказе № {dialog.refusal.number} оформлено. Напечатайте его на подпись директору.", "ok"
            )

    def register_optout(self) -> None:
        if self.card is not None and self._act(OptOutDialog(self._services, self.card, self)):
            self.banner.show_message("Заявление зарегистрировано: семья получает отчёт на бумаге.", "ok")

    def move(self) -> None:
        if self.card is not None and self._act(MoveDialog(self._services, self.card, self)):
            self.banner.show_message(f"Переведён(а) в {self.card.row.class_name}.", "ok")

    def mark_left(self) -> None:
        if self.card is not None and self._act(LeftDialog(self._services, self.card, self)):
            self.banner.show_message("Выбытие отмечено; ученик остаётся в реестре.", "ok")

    # -- printing --------------------------------------------------------------------------------------------

    def wire_print(self, button: QPushButton, glue: str, do: Callable[[], object]) -> None:
        if print_glue(self._services, glue) is None:
            button.setEnabled(False)
            button.setToolTip(NOT_WIRED)
        else:
            button.clicked.connect(lambda: do())

    def _print(self, title: str, glue: str, *args: object, **kwargs: object) -> None:
        write = print_glue(self._services, glue)
        if write is None:
            self.banner.show_message(NOT_WIRED, "warning")
            return
        show_form(self, title, lambda path: write(*args, path, **kwargs), file_name=f"{title}.pdf")

    def _who(self) -> str:
        return self.card.row.full_name if self.card else ""

    def print_appendix(self, appendix: Appendix, *, blank: bool = False) -> None:
        title = f"Приложение № {appendix.number}" + (" (бланк)" if blank else f" — {self._who()}")
        self._print(title, "print_appendix", self.student_id, appendix, blank=blank)

    def print_access_application(self, rep: RepresentativeView) -> None:
        self._print(f"Заявление о доступе — {rep.full_name}", "print_access_application", self.student_id, rep.id)

    def print_slip(self, code: CodeRow) -> None:
        self._print(f"Слип с кодом — {self._who()}", "print_slip", code.id)

    def print_refusal(self, refusal_id: int) -> None:
        self._print(f"Решение об отказе — {self._who()}", "print_refusal", refusal_id)


def open_family(services: Services, student_id: int, parent: QWidget | None = None) -> FamilyCardDialog:
    """Show the family card modally; the dialog (its `changed`) after it closed."""
    dialog = FamilyCardDialog(services, student_id, parent)
    dialog.exec()
    return dialog


__all__ = ["FamilyCardDialog", "open_family", "print_glue"]
