"""The family card: consent then a code; a code without consent offers the refusal with its ground ticked; an
opt-out puts the family on paper; the printed forms open in the preview."""

from __future__ import annotations

import datetime as dt

import pytest

from desktop.domain.families import Appendix, CodeState, RefusalGround
from desktop.services.families import StudentFilter
from desktop.ui.family_card import FamilyCardDialog
from desktop.ui.family_dialogs import (
    ConsentDialog,
    IssueCodeDialog,
    OptOutDialog,
    RefusalDialog,
    RepresentativeDialog,
    qdate,
)
from desktop.ui.print_preview import PrintPreviewDialog
from tests.ui.families_data import Families, fill_families
from tests.ui.helpers import click, log_in, type_text


@pytest.fixture
def families(demo_services, clock) -> Families:  # type: ignore[no-untyped-def]
    return fill_families(demo_services, clock)


@pytest.fixture
def secretary(demo_services, families):  # type: ignore[no-untyped-def]
    return log_in(demo_services, "secretary")


def open_card(qtbot, services, student_id: int) -> FamilyCardDialog:  # type: ignore[no-untyped-def]
    card = FamilyCardDialog(services, student_id)
    qtbot.addWidget(card)
    card.show()
    return card


def rep_box(card: FamilyCardDialog, name: str):  # type: ignore[no-untyped-def]
    return next(box for box in card.rep_boxes if box.rep.full_name == name)


def test_the_card_shows_the_child_the_representatives_consents_and_codes(qtbot, secretary, families):
    card = open_card(qtbot, secretary, families.students["orlov"])
    assert card.title.text() == "Орлов Кирилл Андреевич, 5А"
    assert card.facts["birth"].text() == "14.03.2015" and card.facts["state"].text() == "доступ выдан"
    mother = rep_box(card, "Орлова Марина Викторовна")
    assert "+7 912 345-67-89" in mother.findChild(type(card.title), "rep_contacts").text()
    consent = mother.consent_rows[0].findChild(type(card.title), "consent_text").text()
    assert consent == "Согласие дано 02.11.2026; скан: согласие Орловой.pdf"
    codes = [row.findChild(type(card.title), "code_text").text() for row in mother.code_rows]
    assert "K7QM-4XTP" in codes[0] and "заменён новым" in codes[0]
    assert "M3RD-8HWA" in codes[1] and "через классного руководителя (Белова Татьяна Юрьевна)" in codes[1]
    assert card.tabs.tabText(1) == "Заявления о доступе (1)"
    assert "Внесён(а) в реестр, класс 5А" in card.history.toPlainText()


def test_opening_the_consent_scan(qtbot, secretary, families, opened_files):
    card = open_card(qtbot, secretary, families.students["orlov"])
    card.open_consent_scan(rep_box(card, "Орлова Марина Викторовна").rep.consents[0])
    assert opened_files[0].name == "согласие Орловой.pdf" and opened_files[0].read_bytes() == b"%PDF-1.4 scan"


def test_adding_a_representative(qtbot, secretary, families, play_dialogs):
    card = open_card(qtbot, secretary, families.students["gusev"])

    def fill(dialog: RepresentativeDialog) -> None:
        type_text(dialog.name_edit, "Гусев Олег Ильич")
        dialog.relation_box.setCurrentIndex(dialog.relation_box.findData("father"))
        type_text(dialog.phone_edit, "12")
        click(qtbot, dialog.ok_button)
        assert "записан неверно" in dialog.errors["phone"].text()
        dialog.phone_edit.clear()
        type_text(dialog.phone_edit, "+7 922 000-11-23")
        click(qtbot, dialog.ok_button)

    play_dialogs(fill)
    click(qtbot, card.add_rep_button)
    assert [box.title() for box in card.rep_boxes] == ["Гусева Ольга Николаевна — мать", "Гусев Олег Ильич — отец"]
    assert card.changed


def test_recording_consent_then_issuing_a_code(qtbot, demo_services, secretary, families, play_dialogs):
    card = open_card(qtbot, secretary, families.students["gusev"])
    box = rep_box(card, "Гусева Ольга Николаевна")
    assert "нет" in box.findChild(type(card.title), "rep_consent_now").text()

    def consent(dialog: ConsentDialog) -> None:
        dialog.given_edit.setDate(qdate(dt.date(2026, 11, 20)))
        click(qtbot, dialog.ok_button)

    def issue(dialog: IssueCodeDialog) -> None:
        click(qtbot, dialog.via_teacher)
        click(qtbot, dialog.ok_button)
        assert dialog.isVisible() and "классного руководителя" in dialog.errors["handed_via"].text()
        type_text(dialog.teacher_edit, "Белова Татьяна Юрьевна")
        click(qtbot, dialog.ok_button)

    play_dialogs(consent, issue)
    click(qtbot, box.consent_button)
    assert "Согласие зарегистрировано" in card.banner.text()
    box = rep_box(card, "Гусева Ольга Николаевна")
    click(qtbot, box.issue_button)
    assert card.facts["state"].text() == "доступ выдан"
    code = rep_box(card, "Гусева Ольга Николаевна").rep.codes[0]
    assert code.state is CodeState.ACTIVE and code.handed_via == "Белова Татьяна Юрьевна"
    assert f"Код {code.code} выдан" in card.banner.text()
    # the waiting application is closed as granted
    assert [a.status.value for a in card.card.applications] == ["granted"]  # type: ignore[union-attr]


def test_a_code_without_consent_offers_the_refusal_with_its_ground(
    qtbot, demo_services, secretary, families, play_dialogs, answer_message_box
):
    card = open_card(qtbot, secretary, families.students["gusev"])

    def issue(dialog: IssueCodeDialog) -> None:
        click(qtbot, dialog.ok_button)

    def refuse(dialog: RefusalDialog) -> None:
        ticked = [g for g, b in dialog.ground_boxes.items() if b.isChecked()]
        assert ticked == [RefusalGround.NO_CONSENT]
        assert dialog.rep_box.currentText() == "Гусева Ольга Николаевна (мать)"
        type_text(dialog.text_edit, "Согласие не представлено.")
        click(qtbot, dialog.ok_button)

    play_dialogs(issue, refuse)
    boxes = answer_message_box("Оформить отказ…")
    click(qtbot, rep_box(card, "Гусева Ольга Николаевна").issue_button)
    assert "нет согласия на обработку персональных данных" in boxes.shown[0]
    assert boxes.buttons[0] == ["Оформить отказ…", "Закрыть"]
    refusals = secretary.families.refusals()
    assert refusals[-1].grounds == (RefusalGround.NO_CONSENT,) and refusals[-1].text == "Согласие не представлено."
    assert card.tabs.currentWidget() is card.refusals_page and card.tabs.tabText(2) == "Отказы (1)"
    assert [a.status.value for a in card.card.applications] == ["refused"]  # type: ignore[union-attr]
    assert not rep_box(card, "Гусева Ольга Николаевна").rep.codes


def test_an_appendix_3_puts_the_family_on_paper_and_ends_the_codes(
    qtbot, secretary, families, play_dialogs, answer_message_box
):
    card = open_card(qtbot, secretary, families.students["orlov"])

    def optout(dialog: OptOutDialog) -> None:
        dialog.appendix_box.setCurrentIndex(dialog.appendix_box.findData(Appendix.CANCEL.value))
        assert "прекращает электронный доступ: действующие коды (1) будут отозваны" in dialog.effect.text()
        click(qtbot, dialog.ok_button)

    play_dialogs(optout)
    boxes = answer_message_box("Зарегистрировать")
    click(qtbot, card.optout_button)
    assert "Приложение № 3" in boxes.shown[0] and "коды (1) будут отозваны" in boxes.shown[0]
    assert card.facts["state"].text() == "отчёт на бумаге" and card.facts["paper"].text() == "с 23.11.2026"
    assert all(c.state is not CodeState.ACTIVE for r in card.card.representatives for c in r.codes)  # type: ignore[union-attr]
    assert secretary.families.count(StudentFilter(paper=True, search="Орлов Кирилл")) == 1


def test_the_slip_and_the_appendix_open_in_the_preview(qtbot, secretary, families, monkeypatch):
    shown: list[PrintPreviewDialog] = []

    def exec_(dialog: PrintPreviewDialog) -> int:
        qtbot.addWidget(dialog)
        shown.append(dialog)
        return 0

    monkeypatch.setattr(PrintPreviewDialog, "exec", exec_)
    card = open_card(qtbot, secretary, families.students["orlov"])
    slip = rep_box(card, "Орлова Марина Викторовна").code_rows[-1].findChild(type(card.close_button), "code_slip")
    assert slip.isEnabled()
    click(qtbot, slip)
    assert b"%PDF" in shown[0].pdf[:8] and len(shown[0].page_labels) >= 1
    card.print_appendix(Appendix.NOT_PROVIDE, blank=True)
    assert shown[1].windowTitle() == "Просмотр печатной формы — Приложение № 2 (бланк)"


def test_the_director_reads_the_card_and_may_refuse_but_not_issue(qtbot, demo_services, families):
    card = open_card(qtbot, log_in(demo_services, "director"), families.students["gusev"])
    box = rep_box(card, "Гусева Ольга Николаевна")
    assert not box.issue_button.isVisibleTo(card) and not box.consent_button.isVisibleTo(card)
    assert card.refuse_button.isVisibleTo(card) and not card.add_rep_button.isVisibleTo(card)
