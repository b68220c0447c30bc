"""The appeal's card: what it shows (the timeline with each term counted, the thread, the file), and what is done
from it: answering, «Вне компетенции», a repeat (the 5th notified to the Department), letters; a change made by
somebody else meanwhile.

The clock is fixed at Monday 23 November 2026, 10:00 in Tyumen.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFileDialog, QLabel

from desktop.domain.appeals import Delivery, Rubric
from desktop.services.appeals import AppealFilter, AppealInput
from desktop.services.files import FileIn
from desktop.ui.appeal_card import AppealCardDialog
from desktop.ui.appeal_dialogs import AnswerDialog, ForwardDialog, RepeatDialog
from desktop.ui.appeals_view import AppealsView
from tests.ui.appeals_data import at
from tests.ui.helpers import click, click_item, log_in, table_rows, type_text


def queue(window) -> AppealsView:  # type: ignore[no-untyped-def]
    view = window.show_section("appeals")
    assert isinstance(view, AppealsView)
    return view


def open_by_keyboard(qtbot, view: AppealsView, number: str) -> None:  # type: ignore[no-untyped-def]
    """Find the appeal by its number and press Enter on it, as the deputy director does."""
    qtbot.keyClick(view.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    type_text(view.search, number)
    qtbot.keyClick(view.search, Qt.Key.Key_Return)
    qtbot.keyClick(view.table, Qt.Key.Key_Return)


def card_step(check):  # type: ignore[no-untyped-def]
    def step(dialog: AppealCardDialog) -> None:
        assert isinstance(dialog, AppealCardDialog)
        check(dialog)
        if dialog.isVisible():
            dialog.accept()

    return step


def test_the_card_shows_the_appeal_and_every_term_it_counted(qtbot, appeals, user_window, play_dialogs):
    view = queue(user_window("deputy"))
    seen: dict[str, object] = {}

    def look(card: AppealCardDialog) -> None:
        seen["title"] = card.title.text()
        seen["facts"] = {key: label.text() for key, label in card.facts.items()}
        seen["fields"] = {key: label.text() for key, label in card.fields.items()}
        seen["text"] = card.text.text()
        seen["timeline"] = card.timeline_texts()
        seen["shown"] = card.timeline.toPlainText()
        seen["chip"] = card.chip.label.text() if card.chip else ""
        seen["buttons"] = [b.text() for b in (card.answer_button, card.forward_button, card.repeat_button,
                                              card.notice_button, card.email_button) if b.isVisible()]  # fmt: skip

    play_dialogs(card_step(look))
    open_by_keyboard(qtbot, view, appeals.numbers["department"])
    assert seen["title"] == f"Обращение {appeals.numbers['department']}"
    assert seen["chip"] == "Ушло из школы"
    assert seen["facts"] == {
        "status": "На рассмотрении", "level": "Департамент образования и науки", "due": "—", "left": "—",
        "registered": "03.11.2026 09:40",
    }  # fmt: skip
    assert seen["fields"] == {
        "applicant": "Голубев Сергей Анатольевич", "email": "golubev.sa@yandex.ru", "phone": "+7 904 111-22-33",
        "child": "Голубева Дарья, 3 «Б» класс", "channel": "ПОС", "rubric": "Вопрос к школе",
    }  # fmt: skip
    assert str(seen["text"]).startswith("В школьной столовой третью неделю")
    assert seen["timeline"] == [
        (
            "03.11.2026 09:40 Зарегистрировано; рассматривает: Заместитель директора "
            "Срок — 09.11.2026: 3 р.д. от 03.11.2026: 05.11, 06.11, 09.11; 04.11, 07.11-08.11 нерабочие"
        ),
        (
            "10.11.2026 00:00 Срок истёк без ответа; передано автоматически: Директор "
            "Срок — 11.11.2026: 2 р.д. от 09.11.2026: 10.11, 11.11"
        ),
        (
            "12.11.2026 00:00 Срок истёк без ответа; передано автоматически: Муниципальный орган управления "
            "образованием Срок — 16.11.2026: 3 р.д. от 11.11.2026: 12.11, 13.11, 16.11; 14.11-15.11 нерабочие"
        ),
        (
            "17.11.2026 00:00 Срок истёк без ответа; обращение ушло: Департамент образования и науки "
            "Срока у этого уровня нет: обращение вне школы и муниципалитета."
        ),
    ]
    # What the person reads on the card, not only what it was given.
    assert "3 р.д. от 03.11.2026: 05.11, 06.11, 09.11; 04.11, 07.11-08.11 нерабочие" in str(seen["shown"])
    assert seen["buttons"] == []  # the deputy director does not answer for the Department


def test_answering_from_the_card_closes_the_appeal(qtbot, appeals, demo_services, user_window, play_dialogs):
    view = queue(user_window("deputy"))
    number = appeals.numbers["today"]
    after: dict[str, object] = {}

    def card(card: AppealCardDialog) -> None:
        assert card.answer_button.isVisible() and card.forward_button.isVisible()
        assert not card.repeat_button.isVisible()  # only an answered appeal is repeated
        click(qtbot, card.answer_button)
        after["status"] = card.facts["status"].text()
        after["banner"] = card.banner.text()
        after["answer"] = (card.answer_box.isVisible(), card.answer_text.text(), card.answer_meta.text())
        after["buttons"] = (card.answer_button.isVisible(), card.forward_button.isVisible(),
                            card.repeat_button.isVisible())  # fmt: skip
        after["timeline"] = card.timeline_texts()[-1]

    def answer(dialog: AnswerDialog) -> None:
        assert isinstance(dialog, AnswerDialog)
        assert dialog.windowTitle() == f"Ответ на обращение {number}"
        assert dialog.delivery.currentText() == "лично"
        click(qtbot, dialog.ok_button)  # nothing typed
        assert dialog.isVisible() and dialog.answer_error.text() == "Введите текст ответа."
        type_text(dialog.answer, "Справка готова, её можно забрать в канцелярии с 14:00.")
        dialog.delivery.setCurrentIndex(dialog.delivery.findText("почта"))
        click(qtbot, dialog.ok_button)

    script = play_dialogs(card_step(card), answer)
    open_by_keyboard(qtbot, view, number)
    assert script.seen == ["AppealCardDialog", "AnswerDialog"]
    assert after["status"] == "Ответ дан"
    assert after["banner"] == f"Ответ на обращение {number} записан."
    assert after["answer"] == (
        True,
        "Справка готова, её можно забрать в канцелярии с 14:00.",
        "23.11.2026 10:00 · передан: почта · Воронина Ирина Александровна",
    )
    assert after["buttons"] == (False, False, True)
    assert after["timeline"] == (
        "23.11.2026 10:00 Ответ дан (Заместитель директора; почта) в срок (срок — 23.11.2026)"
    )

    view.search.clear()
    click(qtbot, view.preset_buttons["answered"])
    rows = [row for row in table_rows(view.table) if row[0] == number]
    assert rows and rows[0][6:8] == ["ответ дан", "Ответ дан"]
    assert demo_services.appeals.count(AppealFilter(answered=False, search=number)) == 0


def test_out_of_competence_needs_a_reason_and_a_confirmation(
    qtbot, appeals, user_window, play_dialogs, answer_message_boxes
):
    view = queue(user_window("deputy"))
    number = appeals.numbers["one_day"]
    after: dict[str, object] = {}

    def card(card: AppealCardDialog) -> None:
        click(qtbot, card.forward_button)
        after["facts"] = (card.facts["status"].text(), card.facts["level"].text(), card.facts["due"].text())
        after["timeline"] = card.timeline_texts()[-1]

    def forward(dialog: ForwardDialog) -> None:
        assert isinstance(dialog, ForwardDialog)
        click(qtbot, dialog.ok_button)  # no reason: the service says what is missing, nothing is asked
        assert dialog.reason_error.text() == "Укажите, почему обращение вне компетенции школы."
        type_text(dialog.reason, "Вопрос о работе портала госуслуг.")
        click(qtbot, dialog.ok_button)  # «Отмена» in the question: nothing happens
        assert dialog.isVisible()
        click(qtbot, dialog.ok_button)

    boxes = answer_message_boxes("Отмена", "Передать в СУИ")
    play_dialogs(card_step(card), forward)
    open_by_keyboard(qtbot, view, number)
    question = (
        f"Передать обращение {number} в Систему управления инцидентами?\n"
        "Вернуть его в цепочку школы будет нельзя."
    )
    assert boxes.shown == [question, question]
    assert after["facts"] == ("Передано в СУИ", "Система управления инцидентами", "23.12.2026")
    assert after["timeline"] == (
        "23.11.2026 10:00 Вне компетенции школы: передано в Систему управления инцидентами "
        "Причина: Вопрос о работе портала госуслуг.. Срок — 23.12.2026: 30 к.д. от 23.11.2026: по 23.12.2026"
    )


def answered_chain(services, clock, repeats: int) -> int:  # type: ignore[no-untyped-def]
    """An appeal answered, repeated and answered again `repeats` times; the id of the last (answered) one."""
    secretary, deputy = log_in(services, "secretary").appeals, log_in(services, "deputy").appeals
    now = clock.now
    clock.now = at("02.11.2026")
    appeal = secretary.register(
        AppealInput(
            "Рыбакова Инна Олеговна", Rubric.SCHOOL, "Прошу пересмотреть расписание.", email="r@mail.ru"
        )
    )
    for n in range(repeats + 1):
        clock.advance(hours=1)
        deputy.answer(appeal.id, f"Ответ {n}.", Delivery.EMAIL)
        if n < repeats:
            clock.advance(hours=1)
            appeal = secretary.repeat(appeal.id, f"Повторно ({n + 1}).")
    clock.now = now
    return appeal.id


def test_the_fifth_repeat_warns_and_notifies_the_department(
    qtbot, appeals, demo_services, clock, user_window, play_dialogs, answer_message_boxes, monkeypatch, tmp_path,
    opened_files,
):  # fmt: skip
    last = answered_chain(demo_services, clock, repeats=4)
    parent = demo_services.appeals.card(last)
    view = queue(user_window("deputy"))
    view.show_filter("answered")
    after: dict[str, object] = {}
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a: (str(tmp_path / "письмо"), ""))
    )

    def card(card: AppealCardDialog) -> None:
        assert card.repeat_button.isVisible()
        click(qtbot, card.repeat_button)
        after["title"] = card.title.text()
        after["repeat"] = card.repeat_label.text()
        after["banner"] = card.banner.text()
        after["timeline"] = card.timeline_texts()
        after["thread"] = card.thread.count()
        assert card.notice_button.isVisible()
        click(qtbot, card.notice_button)
        after["letter"] = card.banner.text()

    def repeat(dialog: RepeatDialog) -> None:
        assert isinstance(dialog, RepeatDialog)
        assert "<b>повтором № 5</b>" in dialog.findChild(QLabel, "repeat_note").text()
        assert dialog.notice.isVisible()
        assert dialog.notice.text().startswith("Это 5-й повтор в цепочке: о нём будет направлено уведомление")
        assert not dialog.ok_button.isEnabled()
        type_text(dialog.text.edit, "Расписание так и не изменили.")
        assert dialog.text.counter.text() == "29 / 500"
        click(qtbot, dialog.ok_button)

    boxes = answer_message_boxes("Открыть")
    play_dialogs(card_step(card), repeat)
    view.table.selectRow(next(r for r, row in enumerate(table_rows(view.table)) if row[0] == parent.number))
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    new = demo_services.appeals.page(AppealFilter(search="Расписание так и не изменили"))[0]
    assert after["title"] == f"Обращение {new.number}"
    assert after["repeat"] == f"Повтор № 5 к обращению {parent.number}"
    assert after["banner"] == (
        f"Зарегистрировано повторное обращение {new.number} (повтор № 5). "
        "Направлено уведомление в Департамент образования и науки."
    )
    assert after["thread"] == 6
    assert any(
        "Уведомление в Департамент образования и науки 5-е повторное обращение" in t
        for t in after["timeline"]
    )
    letter = tmp_path / "письмо.pdf"
    assert after["letter"] == f"Письмо в Департамент сохранено: {letter}"
    assert letter.read_bytes().startswith(b"%PDF")
    assert boxes.shown == [f"Письмо сохранено в файл {letter}. Открыть его?"]
    assert opened_files == [letter]
    # The new repeat is not answered, so not in the filter «С ответом»: the appeal opened stays selected.
    assert selected_number(view) == parent.number


def selected_number(view: AppealsView) -> str:
    rows = view.table.selectionModel().selectedRows()
    return table_rows(view.table)[rows[0].row()][0] if rows else ""


def test_a_change_by_somebody_else_is_reported_and_the_card_reloaded(
    qtbot, appeals, demo_services, user_window, play_dialogs, answer_message_boxes
):
    view = queue(user_window("deputy"))
    number = appeals.numbers["on_track"]
    after: dict[str, object] = {}

    def card(card: AppealCardDialog) -> None:
        # Meanwhile, at the director's computer:
        log_in(demo_services, "director").appeals.answer(
            appeals.ids["on_track"], "Разрешено.", Delivery.IN_PERSON
        )
        click(qtbot, card.answer_button)
        after["status"] = card.facts["status"].text()
        after["answer_button"] = card.answer_button.isVisible()

    def answer(dialog: AnswerDialog) -> None:
        type_text(dialog.answer, "Разрешаем посещать вторую группу.")
        click(qtbot, dialog.ok_button)

    boxes = answer_message_boxes("Обновить карточку")
    play_dialogs(card_step(card), answer)
    open_by_keyboard(qtbot, view, number)
    assert len(boxes.shown) == 1
    shown = boxes.shown[0]
    assert shown.startswith("Запись изменена другим пользователем.")
    assert (
        f"Обращение {number} изменено другим пользователем, пока оно было открыто у вас. Ваши изменения не "
        "сохранены: откройте обращение заново и посмотрите, что изменилось."
    ) in shown
    assert "• Статус: «На рассмотрении» → «Ответ дан»" in shown  # what changed, from the card shown to now
    assert "• Ответ: «—» → «Разрешено.»" in shown
    assert "скопирован в буфер обмена" in shown
    assert QGuiApplication.clipboard().text() == "Разрешаем посещать вторую группу."  # the typed answer is kept
    assert after == {"status": "Ответ дан", "answer_button": False}
    assert demo_services.appeals.card(appeals.ids["on_track"]).answer_text == "Разрешено."


def test_clicking_an_appeal_of_the_thread_opens_it(qtbot, appeals, user_window, play_dialogs):
    view = queue(user_window("deputy"))
    shown: list[str] = []

    def card(card: AppealCardDialog) -> None:
        assert card.thread_box.isVisible() and card.thread.count() == 6
        assert card.thread.item(5).text().endswith("повтор № 5 · На рассмотрении — открыто")
        shown.append(card.title.text())
        click_item(qtbot, card.thread, card.thread.item(0))
        shown.append(card.title.text())
        shown.append(card.repeat_label.text())

    play_dialogs(card_step(card))
    open_by_keyboard(qtbot, view, appeals.numbers["thread5"])
    assert shown == [
        f"Обращение {appeals.numbers['thread5']}",
        f"Обращение {appeals.numbers['thread0']}",
        "Первичное обращение",
    ]


def test_the_attached_file_opens_and_saves(
    qtbot, appeals, demo_services, user_window, play_dialogs, opened_files, monkeypatch, tmp_path
):
    data = "Заявление о переводе".encode()
    card = log_in(demo_services, "secretary").appeals.register(
        AppealInput("Лаптева Ольга Игоревна", Rubric.SCHOOL, "Заявление во вложении.",
                    attachment=FileIn("заявление.txt", data))
    )  # fmt: skip
    target = tmp_path / "сохранено.txt"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a: (str(target), "")))
    view = queue(user_window("deputy"))
    label: list[str] = []

    def look(dialog: AppealCardDialog) -> None:
        label.append(dialog.attachment.label.text())
        click(qtbot, dialog.attachment.open_button)
        click(qtbot, dialog.attachment.save_button)

    play_dialogs(card_step(look))
    open_by_keyboard(qtbot, view, card.number)
    assert label == [f"Файл: заявление.txt ({len(data)} байт)"]
    assert len(opened_files) == 1 and opened_files[0].name == "заявление.txt"
    assert opened_files[0].read_bytes() == data
    assert target.read_bytes() == data


def test_a_technical_answer_goes_by_email_and_is_saved_as_a_letter(
    qtbot, appeals, demo_services, user_window, play_dialogs, answer_message_boxes, monkeypatch, tmp_path
):
    view = queue(user_window("deputy"))
    number = appeals.numbers["technical"]
    saved = tmp_path / "ответ.eml"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a: (str(saved), "")))
    after: list[str] = []

    def card(card: AppealCardDialog) -> None:
        click(qtbot, card.answer_button)
        after.append(card.banner.text())
        after.append(str(card.email_button.isVisible()))

    def answer(dialog: AnswerDialog) -> None:
        assert dialog.delivery.currentText() == "e-mail"
        dialog.delivery.setCurrentIndex(dialog.delivery.findText("лично"))
        type_text(dialog.answer, "Оценки появились после обновления журнала.")
        click(qtbot, dialog.ok_button)
        assert (
            dialog.delivery_error.text()
            == "Ответ на технический вопрос направляется заявителю по электронной почте."
        )
        dialog.delivery.setCurrentIndex(dialog.delivery.findText("e-mail"))
        click(qtbot, dialog.ok_button)

    boxes = answer_message_boxes("Сохранить письмо…", "Не открывать")
    play_dialogs(card_step(card), answer)
    open_by_keyboard(qtbot, view, number)
    assert boxes.shown[0].startswith(
        "Ответ записан. Сохранить письмо заявителю (fedorova.km@yandex.ru) в файл .eml"
    )
    assert after == [f"Письмо с ответом сохранено: {saved}", "True"]
    letter = saved.read_text(encoding="utf-8", errors="replace")
    assert f"Ответ на обращение {number}" in letter or "Subject" in letter
    assert Path(saved).stat().st_size > 0
