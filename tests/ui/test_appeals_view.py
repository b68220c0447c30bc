"""Section «Обращения»: registering through the dialog, the queue with each appeal's urgency, filters, search,
sorting, paging, the keyboard, rights, the export.

The clock is fixed at Monday 23 November 2026, 10:00 in Tyumen; the demo school has 27.11 off and works 28.11.
"""

from __future__ import annotations

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QDate, QPoint, Qt
from PySide6.QtWidgets import QFileDialog

from desktop.domain.appeals import Rubric, Urgency
from desktop.domain.russian import plural
from desktop.services.appeals import AppealFilter, AppealInput, SortKey
from desktop.ui.appeal_card import AppealCardDialog
from desktop.ui.appeal_dialogs import RegisterDialog
from desktop.ui.appeals_view import (
    APPEAL_COLUMNS,
    COL_LEFT,
    COL_LEVEL,
    COL_NUMBER,
    COL_STATUS,
    AppealsModel,
    AppealsView,
)
from desktop.ui.queue_view import UrgencyRole
from desktop.ui.urgency import LOOKS
from tests.ui.helpers import click, log_in, table_rows, type_text

NUMBER, REGISTERED, APPLICANT, RUBRIC, LEVEL, DUE, LEFT, STATUS, REPEAT = range(9)


def queue(window) -> AppealsView:  # type: ignore[no-untyped-def]
    view = window.show_section("appeals")
    assert isinstance(view, AppealsView)
    return view


def row_of(view: AppealsView, number: str) -> int | None:
    return next((r for r, row in enumerate(table_rows(view.table)) if row[NUMBER] == number), None)


def selected(view: AppealsView) -> list[str]:
    rows = view.table.selectionModel().selectedRows()
    assert len(rows) == 1, "one row is selected"
    return table_rows(view.table)[rows[0].row()]


def fill_registration(qtbot, applicant: str, text: str, email: str = ""):  # type: ignore[no-untyped-def]
    """A dialog step: type what the secretary types and press «Зарегистрировать»."""

    def step(dialog: RegisterDialog) -> None:
        assert isinstance(dialog, RegisterDialog)
        type_text(dialog.editors["applicant"], applicant)
        if email:
            type_text(dialog.editors["email"], email)
        type_text(dialog.text.edit, text)
        click(qtbot, dialog.ok_button)

    return step


# -- registering ----------------------------------------------------------------------------------------------


def test_a_registered_appeal_is_in_the_queue_with_its_number_and_urgency(
    qtbot, appeals, user_window, play_dialogs
):
    window = user_window("secretary")
    view = queue(window)
    assert view.register_button.isVisible()

    def register(dialog: RegisterDialog) -> None:
        assert isinstance(dialog, RegisterDialog)
        assert dialog.windowTitle() == "Регистрация обращения"
        assert not dialog.ok_button.isEnabled()  # nothing typed yet
        assert dialog.hint.text() == "Чтобы зарегистрировать, заполните: ФИО заявителя, текст обращения."
        assert not any(error.isVisible() for error in dialog.errors.values())  # no red before typing
        type_text(dialog.editors["applicant"], "Кузьмина Светлана Петровна")
        type_text(dialog.editors["email"], "kuzmina@mail")
        assert dialog.errors["email"].isVisible()
        assert dialog.errors["email"].text() == (
            "Адрес электронной почты «kuzmina@mail» записан неверно: нужен вид имя@домен.ru."
        )
        type_text(dialog.editors["email"], ".ru")
        assert not dialog.errors["email"].isVisible()
        type_text(dialog.editors["phone"], "+7 912 000-00-01")
        type_text(dialog.child_name, "Кузьмин Олег")
        type_text(dialog.child_class, "4 «Б»")
        dialog.channel.setCurrentIndex(dialog.channel.findText("почта"))
        assert dialog.rubric.currentText() == "Вопрос к школе"
        type_text(
            dialog.text.edit, "Прошу разрешить сыну пропустить занятия 1-3 декабря по семейным причинам."
        )
        assert dialog.text.counter.text() == "73 / 500"
        assert dialog.hint.isHidden() and dialog.ok_button.isEnabled()
        click(qtbot, dialog.ok_button)

    script = play_dialogs(register)
    click(qtbot, view.register_button)
    assert script.seen == ["RegisterDialog"]

    found = window_services(view).appeals.page(AppealFilter(search="Кузьмина"))
    assert len(found) == 1
    number = found[0].number
    assert view.banner.isVisible()
    assert view.banner.text() == (
        f"Обращение зарегистрировано: {number}. Рассматривает: Заместитель директора, срок — 26.11.2026."
    )
    row = selected(view)  # selected in the queue
    assert row == [number, "23.11.2026 10:00", "Кузьмина Светлана Петровна", "Вопрос к школе",
                   "Заместитель директора", "26.11.2026", "3 р.д.", "На рассмотрении", "—"]  # fmt: skip
    index = view.model.index(view.model.row_of(found[0].id), COL_NUMBER)
    assert index.data(UrgencyRole) == Urgency.ON_TRACK.value  # more than 1 working day left
    assert not index.data(Qt.ItemDataRole.DecorationRole).isNull()  # its icon
    assert index.data(Qt.ItemDataRole.BackgroundRole).color().name() == LOOKS[Urgency.ON_TRACK].background
    assert index.data(Qt.ItemDataRole.ToolTipRole).startswith(f"{number}: В срок.")
    assert view.table.hasFocus()

    card = window_services(view).appeals.card(found[0].id)
    assert (card.email, card.phone, card.channel.label, card.child_name, card.child_class) == (
        "kuzmina@mail.ru", "+7 912 000-00-01", "почта", "Кузьмин Олег", "4 «Б»"
    )  # fmt: skip


def window_services(view: AppealsView):  # type: ignore[no-untyped-def]
    return view._services


def test_the_501st_character_is_refused_with_the_message(qtbot, appeals, user_window, play_dialogs):
    view = queue(user_window("secretary"))

    def type_too_much(dialog: RegisterDialog) -> None:
        type_text(dialog.editors["applicant"], "Кузьмина Светлана Петровна")
        dialog.text.edit.insertPlainText("а" * 498)  # pasted
        type_text(dialog.text.edit, "бв")
        assert dialog.text.counter.text() == "500 / 500"
        assert "color: #b71c1c" not in dialog.text.counter.styleSheet()
        assert not dialog.text.error.isVisible() and dialog.ok_button.isEnabled()

        type_text(dialog.text.edit, "г")  # the 501st
        assert dialog.text.counter.text() == "501 / 500"
        assert "color: #b71c1c" in dialog.text.counter.styleSheet()  # red
        assert dialog.text.error.isVisible()
        assert (
            dialog.text.error.text()
            == "Текст обращения — 501 знак, а можно не больше 500: сократите на 1 знак."
        )
        assert not dialog.ok_button.isEnabled()
        click(qtbot, dialog.ok_button)  # does nothing
        assert dialog.isVisible()

        qtbot.keyClick(dialog.text.edit, Qt.Key.Key_Backspace)
        assert dialog.text.counter.text() == "500 / 500" and not dialog.text.error.isVisible()
        click(qtbot, dialog.buttons.button(dialog.buttons.StandardButton.Cancel))

    before = view.model.total
    play_dialogs(type_too_much)
    click(qtbot, view.register_button)
    view.refresh()
    assert view.model.total == before  # nothing registered


def test_a_technical_question_needs_an_email_and_goes_to_the_sui(qtbot, appeals, user_window, play_dialogs):
    view = queue(user_window("secretary"))

    def technical(dialog: RegisterDialog) -> None:
        type_text(dialog.editors["applicant"], "Соколов Пётр Ильич")
        type_text(dialog.text.edit, "Не открывается электронный дневник.")
        assert dialog.ok_button.isEnabled()
        dialog.rubric.setCurrentIndex(dialog.rubric.findText("Технический вопрос"))
        assert dialog.errors["email"].isVisible()  # said at once: the answer goes by e-mail
        assert dialog.errors["email"].text() == (
            "По техническому вопросу ответ приходит по электронной почте: укажите e-mail заявителя."
        )
        assert "Систему управления инцидентами" in dialog.rubric_note.text()
        assert not dialog.ok_button.isEnabled()
        type_text(dialog.editors["email"], "sokolov@mail.ru")
        click(qtbot, dialog.ok_button)

    play_dialogs(technical)
    click(qtbot, view.register_button)
    row = selected(view)
    assert row[APPLICANT] == "Соколов Пётр Ильич"
    assert (row[RUBRIC], row[LEVEL], row[DUE], row[STATUS]) == (
        "Технический вопрос", "СУИ", "23.12.2026", "Передано в СУИ"
    )  # fmt: skip
    rows = view.table.selectionModel().selectedRows()
    tooltip = view.model.index(rows[0].row(), COL_LEVEL).data(Qt.ItemDataRole.ToolTipRole)
    assert "Система управления инцидентами: срок 23.12.2026" in tooltip


def test_a_file_over_the_schools_limit_is_refused_with_the_services_message(
    qtbot, appeals, demo_services, user_window, play_dialogs, tmp_path, monkeypatch
):
    demo_services.settings.set("appeal_attachment_mib", "1")
    big = tmp_path / "скан заявления.pdf"
    big.write_bytes(b"%" * (1024 * 1024 + 1))
    small = tmp_path / "заявление.pdf"
    small.write_bytes(b"%PDF-1.4 small")
    chosen = iter([big, small])
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a: (str(next(chosen)), "")))
    view = queue(user_window("secretary"))

    def attach(dialog: RegisterDialog) -> None:
        type_text(dialog.editors["applicant"], "Кузьмина Светлана Петровна")
        type_text(dialog.text.edit, "Прошу принять заявление (скан прилагаю).")
        click(qtbot, dialog.file.choose_button)
        assert dialog.file.label.text() == "скан заявления.pdf (1,0 МБ)"
        assert dialog.file.error.isVisible()
        assert dialog.file.error.text().startswith(
            "Файл «скан заявления.pdf» — 1,0 МБ, а можно не больше 1,0 МБ."
        )
        assert not dialog.ok_button.isEnabled()
        click(qtbot, dialog.file.choose_button)  # «Заменить…»
        assert dialog.file.label.text() == "заявление.pdf (14 байт)"
        assert not dialog.file.error.isVisible() and dialog.ok_button.isEnabled()
        click(qtbot, dialog.ok_button)

    play_dialogs(attach)
    click(qtbot, view.register_button)
    card = demo_services.appeals.card(view.selected_id())
    assert card.attachment is not None and (card.attachment.name, card.attachment.size) == (
        "заявление.pdf",
        14,
    )


def test_a_user_without_the_right_to_register_sees_no_register_button(qtbot, appeals, user_window):
    view = queue(user_window("director"))
    assert not view.register_button.isVisible()
    qtbot.keyClick(
        view.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier
    )  # a dialog would fail the test
    view.register()  # nor does calling it show one
    assert view.preset_buttons["mine"].isVisible()  # the director answers at the second level


def test_the_secretary_answers_at_no_level_and_has_no_my_level_filter(appeals, user_window):
    view = queue(user_window("secretary"))
    assert not view.preset_buttons["mine"].isVisible()
    assert view.register_button.isVisible() and view.export_button.isVisible()


# -- the queue ------------------------------------------------------------------------------------------------


def test_each_row_shows_its_urgency_by_colour_icon_and_words(appeals, user_window):
    view = queue(user_window("deputy"))
    view.show_filter("all")
    expected = {
        "on_track": (Urgency.ON_TRACK, "2 р.д."),
        "one_day": (Urgency.ONE_DAY, "1 р.д."),
        "today": (Urgency.DUE_TODAY, "сегодня"),
        "technical_late": (Urgency.OVERDUE, "просрочено"),
        "director": (Urgency.ESCALATED, "сегодня"),
        "municipal": (Urgency.LEFT_SCHOOL, "1 р.д."),
        "department": (Urgency.LEFT_SCHOOL, "—"),
        "answered": (Urgency.ANSWERED, "ответ дан"),
    }
    seen_icons = set()
    for key, (urgency, left) in expected.items():
        row = row_of(view, appeals.numbers[key])
        assert row is not None, key
        index = view.model.index(row, COL_NUMBER)
        assert index.data(UrgencyRole) == urgency.value, key
        assert view.model.index(row, COL_LEFT).data() == left, key
        assert index.data(Qt.ItemDataRole.BackgroundRole).color().name() == LOOKS[urgency].background
        seen_icons.add(index.data(Qt.ItemDataRole.DecorationRole).cacheKey())
        assert urgency.label in index.data(Qt.ItemDataRole.ToolTipRole).lower()
    assert len(seen_icons) == 7  # one icon per urgency
    assert view.model.index(row_of(view, appeals.numbers["answered"]), COL_STATUS).data() == "Ответ дан"
    assert view.legend.texts() == [
        "больше 1 р.д.", "остался 1 р.д.", "срок сегодня", "просрочено", "передано выше", "ушло из школы",
        "ответ дан",
    ]  # fmt: skip
    headers = [view.model.headerData(c, Qt.Orientation.Horizontal) for c in range(view.model.columnCount())]
    assert headers == list(APPEAL_COLUMNS)


def test_the_queue_opens_on_the_open_appeals_soonest_due_first(appeals, demo_services, user_window):
    view = queue(user_window("deputy"))
    assert view.preset_buttons["open"].isChecked()
    assert view.model.sort_key == (SortKey.DUE, False)
    n = demo_services.appeals.count(AppealFilter(answered=False))
    assert view.count_label.text() == f"Найдено: {n}" and view.model.rowCount() == n
    statuses = {row[STATUS] for row in table_rows(view.table)}
    assert statuses == {"На рассмотрении", "Передано в СУИ"}
    first = table_rows(view.table)[0]
    assert first[NUMBER] == appeals.numbers["technical_late"] and first[LEFT] == "просрочено"
    assert len(view.table.selectionModel().selectedRows()) == 1  # the arrows work at once


@pytest.mark.parametrize(
    ("preset", "check"),
    [
        ("urgent", lambda row: row[LEFT] in ("сегодня", "просрочено")),
        (
            "escalated",
            lambda row: row[LEVEL] in ("Директор", "Муниципальный орган", "Департамент образования"),
        ),
        ("left_school", lambda row: row[LEVEL] in ("Муниципальный орган", "Департамент образования")),
        ("answered", lambda row: row[STATUS] == "Ответ дан"),
        ("notices", lambda row: row[REPEAT] not in ("—", "1", "2", "3", "4")),
        ("mine", lambda row: row[LEVEL] in ("Заместитель директора", "СУИ") and row[STATUS] != "Ответ дан"),
    ],
)
def test_a_preset_button_filters_the_queue(qtbot, appeals, demo_services, user_window, preset, check):
    view = queue(user_window("deputy"))
    click(qtbot, view.preset_buttons[preset])
    rows = table_rows(view.table)
    assert rows and all(check(row) for row in rows), rows
    flt = {"urgent": AppealFilter(urgent=True), "escalated": AppealFilter(escalated=True),
           "left_school": AppealFilter(left_school=True), "answered": AppealFilter(answered=True),
           "notices": AppealFilter(notices=True)}.get(preset)  # fmt: skip
    if flt is not None:
        assert len(rows) == demo_services.appeals.count(flt)
    assert view.count_label.text() == f"Найдено: {len(rows)}"


def test_rubric_level_and_period_narrow_the_queue(qtbot, appeals, user_window):
    view = queue(user_window("deputy"))
    click(qtbot, view.preset_buttons["all"])
    view.rubric_box.setCurrentIndex(view.rubric_box.findText("Технический вопрос"))
    assert {row[RUBRIC] for row in table_rows(view.table)} == {"Технический вопрос"}
    view.rubric_box.setCurrentIndex(0)
    view.level_box.setCurrentIndex(view.level_box.findText("Директор"))
    assert {row[LEVEL] for row in table_rows(view.table)} == {"Директор"}
    view.level_box.setCurrentIndex(0)

    assert view.date_from.text() == "без даты" and view.date_to.text() == "без даты"
    view.date_from.setDate(QDate(2026, 11, 18))
    view.date_to.setDate(QDate(2026, 11, 19))
    registered = {row[REGISTERED][:10] for row in table_rows(view.table)}
    assert registered and registered <= {"18.11.2026", "19.11.2026"}
    assert appeals.numbers["today"] in {row[NUMBER] for row in table_rows(view.table)}

    view.date_from.setDate(QDate(2026, 11, 20))
    assert view.model.rowCount() == 0
    assert view.banner.isVisible() and view.banner.text() == "Начало периода позже его конца: исправьте даты."
    click(qtbot, view.reset_button)
    assert not view.banner.isVisible()
    assert view.date_from.text() == "без даты" and view.preset_buttons["open"].isChecked()


def test_search_finds_by_number_applicant_and_text_after_a_pause(qtbot, appeals, user_window):
    view = queue(user_window("deputy"))
    click(qtbot, view.preset_buttons["all"])
    type_text(view.search, "голубев")
    assert view.search_timer.isActive()  # not on every keystroke
    qtbot.waitUntil(lambda: not view.search_timer.isActive(), timeout=2000)
    assert view.count_label.text() == "Найдено: 1"
    assert table_rows(view.table)[0][NUMBER] == appeals.numbers["department"]

    view.search.clear()
    type_text(view.search, "пандус")  # in the text
    qtbot.waitUntil(lambda: not view.search_timer.isActive(), timeout=2000)
    assert view.count_label.text() == "Найдено: 1"
    assert table_rows(view.table)[0][NUMBER] == appeals.numbers["municipal"]

    view.search.clear()
    type_text(view.search, appeals.numbers["answered"])
    qtbot.keyClick(view.search, Qt.Key.Key_Return)  # at once, and the table takes the keyboard
    assert [row[NUMBER] for row in table_rows(view.table)] == [appeals.numbers["answered"]]
    assert view.table.hasFocus()


def test_clicking_a_header_sorts_in_the_database(qtbot, appeals, user_window):
    view = queue(user_window("deputy"))
    header = view.table.horizontalHeader()
    on_number = QPoint(header.sectionViewportPosition(NUMBER) + 20, header.height() // 2)
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=on_number)
    assert view.model.sort_key == (SortKey.NUMBER, False)
    numbers = [row[NUMBER] for row in table_rows(view.table)]
    assert numbers == sorted(numbers)
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=on_number)
    assert view.model.sort_key == (SortKey.NUMBER, True)
    assert [row[NUMBER] for row in table_rows(view.table)] == sorted(numbers, reverse=True)


def test_the_selection_stays_on_the_same_appeal_after_f5(qtbot, appeals, user_window):
    view = queue(user_window("deputy"))
    row = row_of(view, appeals.numbers["one_day"])
    view.table.selectRow(row)
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_F5)
    assert selected(view)[NUMBER] == appeals.numbers["one_day"]


def test_a_long_queue_is_fetched_a_page_at_a_time(appeals, demo_services):
    deputy = log_in(demo_services, "deputy")
    model = AppealsModel(deputy.appeals)
    model.page_size = 5
    model.set_filter(AppealFilter())
    total = demo_services.appeals.count(AppealFilter())
    assert total > 10 and model.total == total
    assert model.rowCount() == 5 and model.canFetchMore()
    assert model.find(appeals.ids["thread0"]) is not None  # fetched until found
    while model.canFetchMore():
        model.fetchMore()
    assert model.rowCount() == total
    ids = [model.row(r).id for r in range(model.rowCount())]
    assert len(set(ids)) == total


@pytest.mark.parametrize("page_size", [3, 200])
@pytest.mark.parametrize("column", [COL_LEFT, COL_STATUS])
def test_the_queue_model_passes_the_model_tester(qtmodeltester, appeals, demo_services, page_size, column):
    deputy = log_in(demo_services, "deputy")
    model = AppealsModel(deputy.appeals)
    model.page_size = page_size
    model.sort(column, Qt.SortOrder.DescendingOrder)
    model.set_filter(AppealFilter())
    assert model.rowCount() > 0
    qtmodeltester.check(model)


# -- the keyboard ----------------------------------------------------------------------------------------------


def test_enter_opens_the_card_and_ctrl_f_goes_to_the_search(qtbot, appeals, user_window, play_dialogs):
    window = user_window("deputy")
    view = queue(window)
    qtbot.keyClick(view.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert view.search.hasFocus()
    type_text(view.search, appeals.numbers["today"])
    qtbot.keyClick(view.search, Qt.Key.Key_Down)  # down to the table
    assert view.table.hasFocus() and selected(view)[NUMBER] == appeals.numbers["today"]

    shown: list[str] = []

    def look(dialog: AppealCardDialog) -> None:
        assert isinstance(dialog, AppealCardDialog)
        shown.append(dialog.title.text())
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)

    play_dialogs(look)
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    assert shown == [f"Обращение {appeals.numbers['today']}"]


def test_ctrl_n_registers(qtbot, appeals, user_window, play_dialogs):
    view = queue(user_window("secretary"))
    script = play_dialogs(lambda dialog: dialog.reject())
    qtbot.keyClick(view.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert script.seen == ["RegisterDialog"]


# -- the export ------------------------------------------------------------------------------------------------


def test_export_writes_the_register_and_offers_to_open_it(
    qtbot, appeals, demo_services, user_window, tmp_path, monkeypatch, answer_message_boxes, opened_files
):
    asked: list[str] = []

    def save_as(parent, title, suggested, filters):  # type: ignore[no-untyped-def]
        asked.append(suggested)
        return str(tmp_path / "реестр"), filters

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(save_as))
    boxes = answer_message_boxes("Открыть")
    view = queue(user_window("secretary"))
    click(qtbot, view.export_button)
    path = tmp_path / "реестр.xlsx"
    assert asked[0].endswith("Реестр обращений 23.11.2026.xlsx")
    total = demo_services.appeals.count(AppealFilter())
    words = plural(total, "обращение", "обращения", "обращений")
    assert view.banner.text() == f"Выгружено {total} {words} в файл {path}"
    assert boxes.shown == [f"Реестр сохранён в файл {path}. Открыть его?"]
    assert opened_files == [path]
    sheet = load_workbook(path).active
    texts = [str(cell) for row in sheet.iter_rows(values_only=True) for cell in row if cell is not None]
    assert appeals.numbers["department"] in texts


def test_the_queue_is_read_again_when_the_section_is_shown(appeals, demo_services, user_window):
    window = user_window("deputy")
    view = queue(window)
    window.show_section("calendar")
    log_in(demo_services, "secretary").appeals.register(
        AppealInput("Новикова Анна Сергеевна", rubric=Rubric.SCHOOL, text="Вопрос о школьной форме.")
    )
    window.show_section("appeals")
    assert any(row[APPLICANT] == "Новикова Анна Сергеевна" for row in table_rows(view.table))
