"""The support contacts dialog: the e-journal's administrator keeps their own card and СТП's contacts without the
right to the school's other settings; a class teacher only reads them."""

from __future__ import annotations

from desktop.ui.support_contacts import SupportContactsDialog
from tests.ui.helpers import click, log_in, replace_text


def test_the_administrator_changes_their_room_and_nothing_else_is_offered(qtbot, demo_services):
    admin = log_in(demo_services, "epos_admin")
    dialog = SupportContactsDialog(admin)
    qtbot.addWidget(dialog)
    assert not dialog.save_button.isHidden()
    assert "school_name" not in dialog.form.editors  # only the support settings are in this dialog
    assert dialog.form.value("stp_email") == "support-epos@permkrai.ru"
    replace_text(dialog.form.editors["epos_admin_room"], "каб. 205")
    click(qtbot, dialog.save_button)
    assert dialog.result() == dialog.DialogCode.Accepted
    assert demo_services.settings.get("epos_admin_room") == "каб. 205"


def test_a_wrong_phone_is_shown_at_its_field_and_not_saved(qtbot, demo_services):
    admin = log_in(demo_services, "epos_admin")
    before = demo_services.settings.get("stp_phone")
    dialog = SupportContactsDialog(admin)
    qtbot.addWidget(dialog)
    replace_text(dialog.form.editors["stp_phone"], "позвонить в СТП")
    assert "укажите номер цифрами" in dialog.form.errors["stp_phone"].text()
    assert not dialog.save_button.isEnabled()
    assert demo_services.settings.get("stp_phone") == before


def test_a_class_teacher_reads_the_contacts_but_cannot_change_them(qtbot, demo_services):
    teacher = log_in(demo_services, "class_teacher")
    dialog = SupportContactsDialog(teacher)
    qtbot.addWidget(dialog)
    assert dialog.form.editors["epos_admin_room"].isReadOnly()
    assert dialog.save_button.isHidden()
