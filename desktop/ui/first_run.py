"""First start on an empty database: ask for the school profile before anything else."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QScrollArea, QVBoxLayout, QWidget

from desktop.services.registry import Services
from desktop.ui.profile_form import ProfileForm
from desktop.ui.widgets import Banner


class FirstRunDialog(QDialog):
    """The school profile, required before the main window opens; saved all or nothing."""

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Канцелярия школы — профиль школы")
        layout = QVBoxLayout(self)
        intro = QLabel(
            "<b>Добро пожаловать!</b><br>База данных новая. Заполните сведения о школе: они попадут в бланки, "
            "заявления и отчёты, а часовой пояс определяет, когда истекают сроки. "
            "Всё можно изменить позже в разделе «Настройки»."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.form = ProfileForm(services, self)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.form)
        layout.addWidget(scroll, 1)
        self.banner = Banner(self)
        layout.addWidget(self.banner)
        buttons = QDialogButtonBox(self)
        self.ok_button = buttons.addButton("Сохранить и начать работу", QDialogButtonBox.ButtonRole.AcceptRole)
        self.quit_button = buttons.addButton("Выйти", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self._save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(760, 620)

    def _save(self) -> None:
        if self.form.save(all_fields=True):
            self.accept()
        else:
            self.banner.show_message("Не сохранено: исправьте поля, отмеченные красным.", "warning")
