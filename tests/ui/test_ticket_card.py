"""The initiative ticket's card: what it shows (terms with the next one marked, lateness, the thread, the history),
and what is done from it: assigning from the proposals, messages that set the waiting statuses by themselves, taking
in work, finishing, feedback, refusing a late ticket from the banner, a withdrawal, a change made meanwhile.

The clock is fixed at Monday 23 November 2026, 10:00 in Tyumen.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from desktop.domain.tickets import Party, RefusalReason, Status
from desktop.ui.ticket_card import TicketCardDialog
from desktop.ui.ticket_dialogs import (
    AssignDialog,
    FeedbackDialog,
    MessageDialog,
    RefuseDialog,
    WithdrawDialog,
)
from desktop.ui.tickets_view import COL_NUMBER, COL_STATUS, TicketsView
from tests.ui.helpers import click, log_in, table_rows, type_text


@pytest.fixture
def card_as(qtbot, profile_services, tickets):  # type: ignore[no-untyped-def]
    """`card_as("agent", "conversation")`: the card of one of the tickets, shown to one of the staff."""

    def open_(login: str, key: str) -> TicketCardDialog:
        dialog = TicketCardDialog(log_in(profile_services, login), tickets.ids[key])
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        return dialog

    return open_


def test_the_card_shows_the_terms_the_thread_and_the_history(qtbot, tickets, card_as):
    card = card_as("operator", "conversation")
    assert card.title.text() == f"Заявка {tickets.numbers['conversation']}"
    assert card.facts["status"].text() == "В работе"
    assert card.facts["agent"].text() == "Смирнова Ольга Павловна"
    assert card.facts["due"].text() == "08.12.2026 — мероприятие"
    assert card.fields["event"].text() == "08.12.2026  ◀ ближайший срок"
    assert card.fields["report_by"].text() == "04.12.2026"
    assert card.fields["group"].text() == "Совет старшеклассников"
    assert card.lateness.isHidden() and card.refusal_offer.isHidden()
    assert card.message_texts() == [
        "Смирнова Ольга Павловна (исполнитель): Во сколько начинается концерт и нужен ли монтаж ролика?",
        "Галкина Софья (заявитель): Начало в 17:00, нужен короткий ролик на 3 минуты.",
    ]
    assert card.tabs.tabText(0) == "Переписка (2)"
    history = card.history_texts()
    assert history[0].startswith("16.11.2026 10:20 Заявка подана: «Открыто»")
    assert any("Назначен исполнитель Смирнова Ольга Павловна" in h for h in history)
    assert history[-1].startswith("19.11.2026 10:00 «Ожидание ответа оператора» → «В работе»")
    assert "Галкина Софья" in card.thread.toPlainText()
    # The operator of an «В работе» ticket may finish it, close it, refuse, reassign, write.
    assert card.status_buttons[Status.DONE].isVisible() and card.status_buttons[Status.CLOSED].isVisible()
    assert not card.status_buttons[Status.IN_WORK].isVisible()
    assert card.assign_button.text() == "Сменить исполнителя…"
    assert card.message_button.isVisible() and card.refuse_button.isVisible()
    assert not card.feedback_button.isVisible()


def test_assigning_through_the_proposals_the_best_chosen_already(qtbot, tickets, card_as, play_dialogs):
    card = card_as("operator", "open")
    assert card.facts["agent"].text() == "не назначен"
    click(qtbot, card.status_buttons[Status.REVIEW])
    assert card.facts["status"].text() == "На рассмотрении"
    seen: dict[str, object] = {}

    def choose(dialog: AssignDialog) -> None:
        assert isinstance(dialog, AssignDialog)
        seen["items"] = [dialog.list.item(i).text() for i in range(dialog.list.count())]
        seen["current"] = dialog.list.currentItem().text()
        type_text(dialog.comment, "зал знает она")
        click(qtbot, dialog.ok_button)

    play_dialogs(choose)
    click(qtbot, card.assign_button)
    items = seen["items"]
    assert items[0] == "★ Смирнова О. П.: бронирование помещений, 3 открытые заявки — предлагается"  # type: ignore[index]
    assert items[1].startswith("Константинова М. П.: не по специализации")  # type: ignore[index]
    assert seen["current"] == items[0]  # type: ignore[index]
    assert card.facts["agent"].text() == "Смирнова Ольга Павловна"
    assert card.banner.text() == "Исполнитель назначен. Статус: «На рассмотрении»."
    assert any("Смирнова Ольга Павловна; зал знает она" in h for h in card.history_texts())


def test_messages_set_the_waiting_statuses_and_the_work_goes_to_the_end(
    qtbot, tickets, card_as, play_dialogs, answer_message_box
):
    agent_card = card_as("agent", "due_today")
    assert agent_card.facts["status"].text() == "На рассмотрении"
    assert not agent_card.assign_button.isVisible() and not agent_card.refuse_button.isVisible()

    def agent_writes(dialog: MessageDialog) -> None:
        assert isinstance(dialog, MessageDialog)
        senders = [dialog.sender.itemText(i) for i in range(dialog.sender.count())]
        assert senders == ["исполнитель", "заявитель (записать ответ заявителя)"]
        assert dialog.effect.text() == "После отправки статус заявки станет «Ожидание ответа заявителя»."
        type_text(dialog.text.edit, "Какая бумага нужна?")
        click(qtbot, dialog.ok_button)

    def client_answers(dialog: MessageDialog) -> None:
        dialog.set_party(Party.CLIENT)
        assert dialog.author.isVisible() and dialog.author.text() == "Егорова Алина"
        assert dialog.effect.text() == "После отправки статус заявки станет «Ожидание ответа оператора»."
        type_text(dialog.text.edit, "Плотная, белая.")
        click(qtbot, dialog.ok_button)

    play_dialogs(agent_writes, client_answers)
    click(qtbot, agent_card.message_button)
    assert agent_card.facts["status"].text() == "Ожидание ответа заявителя"
    click(qtbot, agent_card.message_button)
    assert agent_card.facts["status"].text() == "Ожидание ответа оператора"
    assert agent_card.message_texts()[-1] == "Егорова Алина (заявитель): Плотная, белая."

    assert agent_card.status_buttons[Status.IN_WORK].isVisible()
    click(qtbot, agent_card.status_buttons[Status.IN_WORK])
    assert agent_card.facts["status"].text() == "В работе"
    assert agent_card.facts["due"].text() == "26.11.2026 — мероприятие"

    operator_card = card_as("operator", "due_today")
    boxes = answer_message_box("Исполнено")
    click(qtbot, operator_card.status_buttons[Status.DONE])
    assert "Больше её статус меняться не будет" in boxes.shown[0]
    assert operator_card.facts["status"].text() == "Исполнено"
    assert operator_card.chip is not None and operator_card.chip.label.text() == "Завершена"
    assert operator_card.feedback_button.isVisible() and not operator_card.message_button.isVisible()

    def rate(dialog: FeedbackDialog) -> None:
        assert isinstance(dialog, FeedbackDialog)
        click(qtbot, dialog.ok_button)  # no rating yet
        assert dialog.rating_error.text() == "Выберите оценку от 1 до 5."
        dialog.rating.button(4).click()
        type_text(dialog.comment, "Спасибо!")
        click(qtbot, dialog.ok_button)

    play_dialogs(rate)
    click(qtbot, operator_card.feedback_button)
    assert "4 из 5" in operator_card.result_text.text() and "Спасибо!" in operator_card.result_text.text()


def test_a_late_ticket_offers_the_refusal_with_its_reason(qtbot, tickets, card_as, play_dialogs, answer_message_box):
    card = card_as("operator", "late")
    assert card.refusal_offer.isVisible()
    assert card.lateness.isVisible() and card.lateness.text().startswith("Подана позже срока: подана 23.11.2026")
    assert "обращение отправлено позже сроков" in card.refusal_text.text()
    assert card.fields["submit_by"].text() == "19.11.2026 — подана позже"
    assert card.chip is not None and card.chip.label.text() == "Подана позже срока"
    seen: dict[str, str] = {}

    def refuse(dialog: RefuseDialog) -> None:
        assert isinstance(dialog, RefuseDialog)
        seen["reason"] = dialog.reason.currentData()
        seen["text"] = dialog.text.toPlainText()
        click(qtbot, dialog.ok_button)

    play_dialogs(refuse)
    answer_message_box("Отказать")
    click(qtbot, card.refusal_offer_button)
    assert seen["reason"] == RefusalReason.LATE.value
    assert seen["text"].startswith("Подана 23.11.2026")
    assert card.facts["status"].text() == "Отказано"
    assert card.refusal_offer.isHidden()
    assert "Отказано:" in card.result_text.text()


def test_the_agent_sees_no_refusal_banner_and_may_not_open_anothers_ticket(qtbot, profile_services, tickets):
    from desktop.services.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        log_in(profile_services, "agent").tickets.card(tickets.ids["overdue"])  # the other agent's
    card = TicketCardDialog(log_in(profile_services, "agent"), tickets.ids["overdue"])
    qtbot.addWidget(card)
    assert "другому исполнителю" in card.banner.text()


def test_the_client_withdraws(qtbot, tickets, card_as, play_dialogs):
    card = card_as("operator", "wait_client")

    def withdraw(dialog: WithdrawDialog) -> None:
        assert isinstance(dialog, WithdrawDialog)
        type_text(dialog.text, "ярмарку перенесли")
        click(qtbot, dialog.ok_button)

    play_dialogs(withdraw)
    click(qtbot, card.withdraw_button)
    assert card.facts["status"].text() == "Закрыто"
    assert "отозвано заявителем; ярмарку перенесли" in card.result_text.text()


def test_a_change_made_meanwhile_is_reported_and_the_card_reloaded(
    qtbot, profile_services, tickets, card_as, play_dialogs, answer_message_box
):
    card = card_as("operator", "wait_client")
    log_in(profile_services, "agent").tickets.message(tickets.ids["wait_client"], "Напоминаю.", party=Party.AGENT)
    seen: dict[str, str] = {}

    def write(dialog: MessageDialog) -> None:
        type_text(dialog.text.edit, "Ждём текст")
        click(qtbot, dialog.ok_button)
        seen["banner"] = dialog.banner.text()
        click(qtbot, dialog.ok_button)  # again, on the fresh card

    play_dialogs(write)
    boxes = answer_message_box("Обновить карточку")
    click(qtbot, card.message_button)
    assert "изменена другим пользователем" in boxes.shown[0]
    assert seen["banner"].startswith("Заявка изменена другим пользователем; карточка обновлена.")
    assert card.message_texts()[-1].endswith("(оператор): Ждём текст")


def test_enter_in_the_queue_opens_the_card_and_the_queue_follows_its_changes(
    qtbot, profile_services, tickets, open_window, play_dialogs
):
    window = open_window(log_in(profile_services, "agent"))
    view = window.show_section("tickets")
    assert isinstance(view, TicketsView)
    rows = table_rows(view.table)
    row = next(r for r, texts in enumerate(rows) if texts[COL_NUMBER] == tickets.numbers["wait_client"])
    view.table.selectRow(row)
    view.table.setFocus()

    def take(card: TicketCardDialog) -> None:
        assert isinstance(card, TicketCardDialog)
        click(qtbot, card.status_buttons[Status.IN_WORK])
        card.accept()

    play_dialogs(take)
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    chosen = view.table.selectionModel().selectedRows()[0].row()
    assert table_rows(view.table)[chosen][COL_NUMBER] == tickets.numbers["wait_client"]
    assert table_rows(view.table)[chosen][COL_STATUS] == "В работе"
