"""The e-journal administrator's own settings (seed 001): their contact card, СТП's contacts, the territory for
requests to СТП and how corrections take effect; checked as typed, saved all or nothing."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from desktop.domain.access import Action
from desktop.services.registry import Services
from desktop.services.settings import SUPPORT_KEYS
from desktop.ui.profile_form import ProfileForm
from desktop.ui.widgets import Banner, ok_cancel_buttons


class SupportContactsDialog(QDialog):
    """«Контакты и настройки поддержки ЭПОС»: the support settings only, for the administrator or the director."""

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Контакты и настройки поддержки ЭПОС")
        self.setMinimumWidth(640)
        self.editable = services.ctx.may(Action.SUPPORT_CONTACTS) or services.ctx.may(Action.SETTINGS_EDIT)
        intro = QLabel(
            "Контакты администратора ЭПОС и СТП видят все сотрудники; они же печатаются в памятке для классных "
            "руководителей. Территория и наименование школы обязательны в заявке в СТП."
        )
        intro.setWordWrap(True)
        self.form = ProfileForm(services, self, keys=SUPPORT_KEYS)
        self.form.set_read_only(not self.editable)
        self.banner = Banner(self)
        self.buttons = ok_cancel_buttons(self, "Сохранить", self.save)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.save_button.setObjectName("save_support_contacts")
        self.save_button.setVisible(self.editable)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.form)
        layout.addWidget(self.banner)
        layout.addWidget(self.buttons)
        self.form.changed.connect(self._update)
        self._update()

    def _update(self) -> None:
        self.save_button.setEnabled(self.editable and not self.form.has_errors())

    def save(self) -> None:
        if not self.editable:
            self.reject()
            return
        if self.form.save():
            self.accept()
        else:
            self.banner.show_message("Не сохранено: исправьте поля, отмеченные красным.", "warning")
