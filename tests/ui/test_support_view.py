"""Section «Поддержка ЭПОС» (seed 001): who sees it, the queue and its stage filter, a request taken in through the
dialog checked as typed, the card's actions by status, «Исправлено» with the words of when it takes effect, and a
second request to СТП for the same user refused with the open one named.

The clock is fixed at Monday 23 November 2026, 10:00 in Tyumen (the demo school's time zone)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, QDateTime, Qt, QTime
from PySide6.QtWidgets import QFileDialog

from desktop.domain.support import Stage, UserRole
from desktop.services.files import FileIn
from desktop.services.registry import Services
from desktop.services.support import StpLetter, SupportInput
from desktop.ui.support_card import SupportCardDialog
from desktop.ui.support_dialogs import CorrectDialog, NewSupportDialog, StpDialog
from desktop.ui.support_view import COL_NAME, COL_NEXT, COL_NUMBER, SupportModel, SupportView
from desktop.ui.urgency import SUPPORT_LEGEND_ORDER, legend_text
from tests.ui.helpers import click, list_texts, log_in, replace_text, table_rows, type_text

PNG = FileIn("скриншот.png", b"\x89PNG\r\n\x1a\n" + b"0" * 64)


@dataclass
class Requests:
    admin: Services
    new: str
    waiting: str
    at_stp: str
    ids: dict[str, int]


def intake(name: str, born: dt.date = dt.date(2013, 5, 14), **kw: object) -> SupportInput:
    values: dict[str, object] = {
        "full_name": name, "birth_date": born, "gosuslugi_email": "parent@mail.ru", "role": UserRole.STUDENT,
        "class_name": "7А", "brought_by": "Белова Татьяна Юрьевна", "description": "Не видит дневник", "files": (PNG,),
    }  # fmt: skip
    values.update(kw)
    return SupportInput(**values)  # type: ignore[arg-type]


LETTER = StpLetter("Не открывается дневник", "Пустая страница дневника", "Вход → «Дневник»")


@pytest.fixture
def requests(demo_services: Services) -> Requests:
    """Three requests of the tests' own, taken in by the e-journal's administrator: new, corrected (waiting for the
    effect), at СТП."""
    demo_services.settings.update({"support_territory": "Тюменская область, г. Тюмень"})
    admin = log_in(demo_services, "epos_admin")
    s = admin.support
    new = s.create(intake("Тестов Новый Петрович"))
    waiting = s.create(intake("Тестов Ждущий Петрович"))
    s.correct(waiting.id)
    at_stp = s.create(intake("Тестов Вэстэпэ Петрович"))
    s.send_to_stp(at_stp.id, LETTER)
    ids = {"new": new.id, "waiting": waiting.id, "at_stp": at_stp.id}
    return Requests(admin, new.number, waiting.number, at_stp.number, ids)


def section(window) -> SupportView:  # type: ignore[no-untyped-def]
    view = window.show_section("support")
    assert isinstance(view, SupportView)
    return view


def numbers(view: SupportView) -> list[str]:
    return [row[COL_NUMBER] for row in table_rows(view.table)]


@pytest.mark.parametrize(
    ("login", "seen"),
    [("epos_admin", True), ("class_teacher", True), ("director", True), ("admin", False), ("agent", False)],
)
def test_the_section_is_there_only_for_those_with_the_right(user_window, login, seen):
    window = user_window(login)
    assert ("Поддержка ЭПОС" in list_texts(window.nav)) is seen


def test_the_queue_model_passes_the_model_tester(qtmodeltester, requests):
    model = SupportModel(requests.admin.support)
    model.page_size = 2
    model.set_filter(model.filter)
    qtmodeltester.check(model, force_py=True)


def test_the_queue_shows_the_requests_and_filters_by_stage(qtbot, requests, user_window):
    view = section(user_window("epos_admin"))
    assert {requests.new, requests.waiting, requests.at_stp} <= set(numbers(view))
    assert view.legend.texts() == [legend_text(u) for u in SUPPORT_LEGEND_ORDER]
    assert view.new_button.isVisible() and view.export_button.isVisible()
    rows = {row[COL_NUMBER]: row for row in table_rows(view.table)}
    assert rows[requests.new][COL_NEXT] == "проверить данные и исправить"
    assert rows[requests.new][COL_NAME] == "Тестов Новый Петрович"
    # Corrected on Monday at 10:00: visible to the user on Tuesday after 14:00.
    assert rows[requests.waiting][COL_NEXT] == "вступят в силу вт 24.11 после 14:00"

    view.stage_box.setCurrentIndex(view.stage_box.findData(Stage.AT_STP.value))
    assert requests.at_stp in numbers(view)
    assert requests.new not in numbers(view) and requests.waiting not in numbers(view)
    view.stage_box.setCurrentIndex(view.stage_box.findData(Stage.WAITING_EFFECT.value))
    assert requests.waiting in numbers(view) and requests.at_stp not in numbers(view)

    click(qtbot, view.action_chip)  # «Ждут действия: N»
    assert view.stage_box.currentText() == "Ждут действия администратора"
    assert requests.new in numbers(view) and requests.waiting not in numbers(view)
    assert view.action_chip.text() == f"Ждут действия: {view.model.total}"

    view.reset()
    type_text(view.search, "Вэстэпэ")
    view.apply()
    assert numbers(view) == [requests.at_stp]


def test_the_class_teacher_has_no_export_and_sees_the_contacts(requests, user_window):
    view = section(user_window("class_teacher"))
    assert not view.export_button.isVisible()
    assert view.new_button.isVisible()
    assert "support-epos@permkrai.ru" in view.contacts.stp.text()
    assert "Администратор ЭПОС в школе" in view.contacts.admin.text()


def test_a_request_is_taken_in_only_with_a_screenshot_and_a_good_email(qtbot, requests, user_window, play_dialogs):
    view = section(user_window("class_teacher"))
    seen: dict[str, object] = {}

    def fill(dialog: NewSupportDialog) -> None:
        assert isinstance(dialog, NewSupportDialog)
        assert dialog.editors["brought_by"].text() == "Белова Татьяна Юрьевна"  # the class teacher's own name
        assert not dialog.ok_button.isEnabled()
        type_text(dialog.editors["full_name"], "Орлова Мария Ивановна")
        dialog.birth_date.setDate(QDate(2012, 3, 8))
        type_text(dialog.editors["gosuslugi_email"], "orlova@")
        seen["email"] = dialog.errors["gosuslugi_email"].text()
        dialog.role.setCurrentIndex(dialog.role.findData(UserRole.STUDENT.value))
        type_text(dialog.editors["class_name"], "6Б")
        type_text(dialog.description.edit, "Не приходит код")
        replace_text(dialog.editors["gosuslugi_email"], "orlova@mail.ru")
        seen["email_fixed"] = dialog.errors["gosuslugi_email"].isHidden()
        seen["no_screenshot"] = dialog.ok_button.isEnabled()
        seen["hint"] = dialog.hint.text()
        dialog.files.add(PNG)
        dialog.files.list.setCurrentRow(0)
        click(qtbot, dialog.files.remove_button)  # the screenshot taken away again
        seen["screens"] = dialog.errors["screenshots"].text()
        seen["refused"] = dialog.ok_button.isEnabled()
        dialog.files.add(PNG)
        seen["ok"] = dialog.ok_button.isEnabled()
        click(qtbot, dialog.ok_button)

    play_dialogs(fill)
    qtbot.keyClick(view.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert "orlova@" in str(seen["email"]) and "неверно" in str(seen["email"])
    assert seen["email_fixed"] is True
    assert seen["no_screenshot"] is False
    assert "скриншоты ошибки" in str(seen["hint"])
    assert seen["screens"] == "Приложите хотя бы один скриншот экрана, подтверждающий ошибку."
    assert seen["refused"] is False
    assert seen["ok"] is True
    chosen = view.table.selectionModel().selectedRows()[0].row()
    row = table_rows(view.table)[chosen]
    assert row[COL_NAME] == "Орлова Мария Ивановна"
    assert view.banner.text().startswith(f"Запрос принят: {row[COL_NUMBER]}.")


def test_the_intake_warns_of_a_request_open_at_stp(qtbot, requests):
    dialog = NewSupportDialog(requests.admin)
    qtbot.addWidget(dialog)
    type_text(dialog.editors["full_name"], "Тестов Вэстэпэ Петрович")
    dialog.birth_date.setDate(QDate(2013, 5, 14))
    assert not dialog.warning.isHidden()
    assert requests.at_stp in dialog.warning.text()


def test_the_cards_actions_follow_the_status(qtbot, requests):
    new = SupportCardDialog(requests.admin, requests.ids["new"])
    qtbot.addWidget(new)
    assert new.enabled_actions() == ["Исправлено…", "Заявка в СТП…", "Закрыть запрос…"]
    at_stp = SupportCardDialog(requests.admin, requests.ids["at_stp"])
    qtbot.addWidget(at_stp)
    assert at_stp.enabled_actions() == [
        "Исправлено…", "Решено", "Дополнение в СТП…", "Номер СТП…", "Ответ СТП…", "Закрыть запрос…",
    ]  # fmt: skip
    assert at_stp.letter_rows and at_stp.letter_rows[0].save_button.text() == "Сохранить письмо…"
    waiting = SupportCardDialog(requests.admin, requests.ids["waiting"])
    qtbot.addWidget(waiting)
    assert "Решено" not in waiting.enabled_actions()  # too early: the change is not visible yet
    assert "рано" in waiting.buttons["solved"].toolTip()
    teacher = SupportCardDialog(log_in(requests.admin, "director"), requests.ids["new"])
    qtbot.addWidget(teacher)
    assert teacher.enabled_actions() == []  # the director oversees: no buttons


def test_corrected_shows_when_it_takes_effect(qtbot, requests, play_dialogs):
    card = SupportCardDialog(requests.admin, requests.ids["new"])
    qtbot.addWidget(card)
    seen: dict[str, str] = {}

    def correct(dialog: CorrectDialog) -> None:
        assert isinstance(dialog, CorrectDialog)
        seen["now"] = dialog.effect.text()  # Monday 10:00: Tuesday after 14:00
        dialog.changed_at.setDateTime(QDateTime(QDate(2026, 11, 20), QTime(19, 0)))  # Friday evening
        seen["friday"] = dialog.effect.text()
        click(qtbot, dialog.ok_button)

    play_dialogs(correct)
    click(qtbot, card.buttons["correct"])
    assert seen["now"] == "Изменения вступят в силу во вторник 24.11 после 14:00."
    assert seen["friday"] == "Изменения вступят в силу в понедельник 23.11 после 14:00."
    assert card.correction.text() == "Исправлено 20.11 19:00 — изменения вступят в силу в понедельник 23.11 после 14:00"
    assert card.changed and card.facts["status"].text() == "Исправлено"


def test_a_second_stp_request_for_the_same_user_names_the_open_one(
    qtbot, requests, play_dialogs, answer_message_box, monkeypatch, tmp_path
):
    s = requests.admin.support
    first = s.create(intake("Дублев Пётр Иванович", dt.date(2012, 1, 2)))
    second = s.create(intake("Дублев Пётр Иванович", dt.date(2012, 1, 2)))
    card = SupportCardDialog(requests.admin, second.id)  # shown before the first went to СТП
    qtbot.addWidget(card)
    assert card.buttons["stp"].isEnabled()
    s.send_to_stp(first.id, LETTER)  # meanwhile, from another computer
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(tmp_path / "letter.eml"), ""))
    )
    boxes = answer_message_box(f"Открыть запрос {first.number}")
    seen: dict[str, object] = {}

    def send(dialog: StpDialog) -> None:
        assert isinstance(dialog, StpDialog)
        seen["empty"] = dialog.errors["subject"].text()
        type_text(dialog.subject, "Не открывается дневник")
        type_text(dialog.action, "Вход → «Дневник»")
        seen["ok"] = dialog.ok_button.isEnabled()
        click(qtbot, dialog.ok_button)

    play_dialogs(send)
    click(qtbot, card.buttons["stp"])
    assert seen["empty"] == "Не заполнено поле «Тема заявки»."
    assert seen["ok"] is True
    assert first.number in boxes.shown[0] and "уже открыта заявка в СТП" in boxes.shown[0]
    assert card.card is not None and card.card.number == first.number  # the open one, to add the follow-up
    assert card.buttons["followup"].isEnabled()
    assert not Path(tmp_path / "letter.eml").exists()
    second_card = SupportCardDialog(requests.admin, second.id)
    qtbot.addWidget(second_card)
    assert not second_card.buttons["stp"].isEnabled()
    assert not second_card.other_stp.isHidden() and first.number in second_card.other_stp_text.text()


def test_a_letter_to_stp_is_saved_and_offered_to_the_mail_program(
    qtbot, requests, play_dialogs, answer_message_box, monkeypatch, tmp_path
):
    card = SupportCardDialog(requests.admin, requests.ids["new"])
    qtbot.addWidget(card)
    target = tmp_path / "письмо.eml"
    asked: list[str] = []

    def save_as(_parent, _title, suggested, _filters):  # type: ignore[no-untyped-def]
        asked.append(Path(suggested).name)
        return str(target), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(save_as))
    boxes = answer_message_box("Не открывать")

    def send(dialog: StpDialog) -> None:
        type_text(dialog.subject, "Не открывается дневник")
        type_text(dialog.action, "Вход → «Дневник»")
        click(qtbot, dialog.ok_button)

    play_dialogs(send)
    click(qtbot, card.buttons["stp"])
    assert asked == [f"{requests.new.replace('/', '-')} заявка в СТП.eml"]
    assert target.exists() and b"Subject:" in target.read_bytes()
    assert "почтовой программе" in boxes.shown[0]
    assert card.facts["status"].text() == "В СТП"
    assert card.letter_rows and card.letter_rows[0].open_button.text() == "Открыть в почтовой программе"


def test_a_stale_card_says_the_request_was_changed_by_another_user(qtbot, requests, play_dialogs, answer_message_box):
    card = SupportCardDialog(requests.admin, requests.ids["at_stp"])
    qtbot.addWidget(card)
    requests.admin.support.set_stp_number(requests.ids["at_stp"], "SD-1")  # meanwhile
    boxes = answer_message_box("Обновить карточку")

    def number(dialog) -> None:  # type: ignore[no-untyped-def]
        replace_text(dialog.number, "SD-2")
        click(qtbot, dialog.ok_button)
        click(qtbot, dialog.ok_button)  # again, on the fresh card

    play_dialogs(number)
    click(qtbot, card.buttons["stp_number"])
    assert "изменён другим пользователем" in boxes.shown[0]
    assert card.facts["stp_number"].text() == "SD-2"
