"""The registers of the reports section, on SQLite and PostgreSQL, opened as a person opens them in Excel: missed
terms of appeals (each escalation with the level that missed its term, and the appeals missing theirs now, which are
highlighted), the journal of access codes (the code never in clear), the opt-out applications and the handover of
paper reports (late ones highlighted): exact headers, real dates, a frozen header with filters, printable pages, the
period narrowing the rows, the export recorded, and a role without the right refused before any file is written."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from sqlalchemy import select

from desktop.domain.access import Actor, Role
from desktop.domain.appeals import Delivery, Rubric
from desktop.domain.families import Appendix, Handover, Relation
from desktop.services.appeals import AppealInput
from desktop.services.errors import PermissionDenied, ServiceError
from desktop.services.families import RepresentativeInput
from desktop.services.registry import Services
from desktop.services.report_registers import (
    ACCESS_CODES_HEADERS,
    OPTOUTS_HEADERS,
    OVERDUE_HEADERS,
    PRINTOUTS_HEADERS,
    REGISTER_WRITERS,
    mask_code,
)
from desktop.store.models import Event
from tests.conftest import FixedClock

YEKB = ZoneInfo("Asia/Yekaterinburg")
PINK = "F8D7DA"
SECRETARY = "Иванова Наталья Сергеевна"


def local(text: str) -> dt.datetime:
    """«ДД.ММ.ГГГГ ЧЧ:ММ» in Tyumen's time zone as a UTC moment."""
    return dt.datetime.strptime(text, "%d.%m.%Y %H:%M").replace(tzinfo=YEKB).astimezone(dt.UTC)


def wall(text: str) -> dt.datetime:
    """«ДД.ММ.ГГГГ ЧЧ:ММ» as Excel shows it: school time, no zone."""
    return dt.datetime.strptime(text, "%d.%m.%Y %H:%M")


def d(text: str) -> dt.date:
    return dt.datetime.strptime(text, "%d.%m.%Y").date()


@pytest.fixture
def school(services: Services, clock: FixedClock) -> Services:
    services.settings.set("timezone", "Asia/Yekaterinburg")
    services.settings.set("school_short_name", "МАОУ СОШ № 7")
    clock.now = local("30.04.2025 10:00")  # Wednesday; 1–4 and 8–11 May 2025 are days off
    return services


def person(services: Services, role: Role, name: str = SECRETARY) -> Services:
    user = services.users.add(role.value, name, [role], "Пароль-2026", must_change=False)
    return services.as_actor(Actor.user(user.id, user.login, user.full_name, [role]))


class Sheet:
    """A written register read back: its sheet, header, data rows (values) and which of them are highlighted."""

    def __init__(self, path: Path) -> None:
        self.ws = openpyxl.load_workbook(path).active
        self.header = [c.value for c in self.ws[4]]
        self.cells = [list(r) for r in self.ws.iter_rows(min_row=5)]
        self.rows = [[c.value for c in r] for r in self.cells]

    @property
    def pink(self) -> list[int]:
        """Indexes (from 0) of the highlighted data rows."""
        return [i for i, r in enumerate(self.cells) if (r[0].fill.fgColor.rgb or "").endswith(PINK)]

    def assert_for_people(self, title: str, columns: int) -> None:
        ws = self.ws
        assert ws["A1"].value == f"{title} — МАОУ СОШ № 7"
        assert ws["A1"].font.bold
        assert all(ws.cell(4, i).font.bold for i in range(1, columns + 1))
        assert ws.freeze_panes == "A5"
        last = openpyxl.utils.get_column_letter(columns)
        assert ws.auto_filter.ref == f"A4:{last}{4 + max(len(self.rows), 1)}"
        assert ws.page_setup.orientation == "landscape"
        assert ws.page_setup.fitToWidth == 1
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.print_title_rows == "$4:$4"


def export_events(services: Services, name: str) -> list[tuple[str, str, str, dict]]:
    with services.ctx.transaction() as session:
        return [
            (e.kind, e.actor, e.action, dict(e.after or {}))
            for e in session.scalars(
                select(Event).where(Event.entity == "reports", Event.entity_id == name).order_by(Event.id)
            )
        ]


def test_every_register_of_the_catalogue_has_its_writer():
    from desktop.services.reports import REPORTS

    dispatched = {"appeals", "tickets", "support", "audit", "summary"}
    assert set(REGISTER_WRITERS) == {r.name for r in REPORTS} - dispatched


def test_a_code_is_masked_so_that_it_cannot_be_used():
    assert mask_code("K7QM-4XTP") == "K7••••P"
    assert mask_code("ABCDEFGHJ") == "AB••••J"
    assert mask_code("AB12") == "A••••"  # a short code shows one character
    assert mask_code("") == ""


# -- overdue and escalated appeals --------------------------------------------------------------------------------


def appeal(applicant: str) -> AppealInput:
    return AppealInput(applicant=applicant, rubric=Rubric.SCHOOL, text="Когда будет родительское собрание?")


@pytest.fixture
def appeals(school: Services, clock: FixedClock) -> dict[str, str]:
    """Four appeals: one escalated by the sweep and past its director's term too, one answered in time, one past
    its deputy's term that the sweep has not seen yet, one in time."""
    first = school.appeals.register(appeal("Кузнецова Мария Петровна"))  # deputy's term 07.05.2025
    answered = school.appeals.register(appeal("Смирнов Олег Игоревич"))
    clock.now = local("05.05.2025 10:00")
    school.appeals.answer(answered.id, "Собрание — 15 мая в 18:00", Delivery.IN_PERSON)
    late = school.appeals.register(appeal("Петров Иван Сергеевич"))  # deputy's term 12.05.2025
    clock.now = local("08.05.2025 10:00")
    school.as_actor(Actor.system()).appeals.sweep()  # the first goes to the director, term 13.05.2025
    clock.now = local("20.05.2025 10:00")
    fresh = school.appeals.register(appeal("Белова Анна Юрьевна"))
    return {"first": first.number, "answered": answered.number, "late": late.number, "fresh": fresh.number}


def test_each_missed_term_is_a_row_and_the_ones_missed_now_are_highlighted(
    appeals: dict[str, str], school: Services, tmp_path: Path
):
    deputy = person(school, Role.DEPUTY, "Воронина Ирина Александровна")
    out = tmp_path / "отчёты" / "просроченные.xlsx"

    assert deputy.reports.write("overdue", out) == 3

    sheet = Sheet(out)
    assert sheet.header == list(OVERDUE_HEADERS) == [
        "Номер", "Дата регистрации", "Заявитель", "Рубрика", "Уровень, пропустивший срок", "Срок уровня",
        "Передано на уровень", "Когда передано", "Текущий уровень", "Статус", "Ответ дан",
    ]  # fmt: skip
    sheet.assert_for_people("Просроченные и переданные выше обращения", 11)
    first, late = appeals["first"], appeals["late"]
    assert sheet.rows == [
        [first, wall("30.04.2025 10:00"), "Кузнецова Мария Петровна", "Вопрос к школе", "Заместитель директора",
         wall("07.05.2025 00:00"), "Директор", wall("08.05.2025 00:00"), "Директор", "На рассмотрении", None],
        [first, wall("30.04.2025 10:00"), "Кузнецова Мария Петровна", "Вопрос к школе", "Директор",
         wall("13.05.2025 00:00"), None, None, "Директор", "На рассмотрении", None],
        [late, wall("05.05.2025 10:00"), "Петров Иван Сергеевич", "Вопрос к школе", "Заместитель директора",
         wall("12.05.2025 00:00"), None, None, "Заместитель директора", "На рассмотрении", None],
    ]  # fmt: skip
    assert all(isinstance(r[1], dt.datetime) and isinstance(r[5], dt.datetime) for r in sheet.rows)
    assert sheet.ws.cell(5, 6).number_format == "DD.MM.YYYY"
    assert sheet.ws.cell(5, 8).number_format == "DD.MM.YYYY HH:MM"
    assert sheet.pink == [1, 2]  # the director's and the deputy's terms are passing unanswered now
    assert export_events(school, "overdue") == [
        ("access", "Воронина Ирина Александровна", "export",
         {"file": "просроченные.xlsx", "rows": 3, "period": "за всё время"}),
    ]  # fmt: skip


def test_after_the_sweep_every_level_passed_is_a_row_and_an_answer_is_shown(
    appeals: dict[str, str], school: Services, clock: FixedClock, tmp_path: Path
):
    school.as_actor(Actor.system()).appeals.sweep()  # 20.05: both pass the director and the municipality too
    late = school.appeals.find(appeals["late"])
    assert late is not None
    clock.now = local("21.05.2025 09:30")
    school.appeals.answer(late, "Собрание — 15 мая", Delivery.IN_PERSON)
    out = tmp_path / "после.xlsx"

    assert school.reports.write("overdue", out) == 6  # three levels passed by each of the two

    sheet = Sheet(out)
    deputy, director = "Заместитель директора", "Директор"
    municipal, department = "Муниципальный орган управления образованием", "Департамент образования и науки"
    first, late = appeals["first"], appeals["late"]
    assert [(r[0], r[4], r[5], r[6], r[7], r[8], r[9]) for r in sheet.rows] == [
        (first, deputy, wall("07.05.2025 00:00"), director, wall("08.05.2025 00:00"), department, "На рассмотрении"),
        (first, director, wall("13.05.2025 00:00"), municipal, wall("14.05.2025 00:00"), department, "На рассмотрении"),
        (first, municipal, wall("16.05.2025 00:00"), department, wall("17.05.2025 00:00"), department,
         "На рассмотрении"),
        (late, deputy, wall("12.05.2025 00:00"), director, wall("13.05.2025 00:00"), department, "Ответ дан"),
        (late, director, wall("14.05.2025 00:00"), municipal, wall("15.05.2025 00:00"), department, "Ответ дан"),
        (late, municipal, wall("19.05.2025 00:00"), department, wall("20.05.2025 00:00"), department, "Ответ дан"),
    ]  # fmt: skip
    assert sheet.pink == []  # nothing is missing its term now: the Department has none, the rest is answered
    answered = [r[10] for r in sheet.rows if r[0] == appeals["late"]]
    assert all(a == wall("21.05.2025 09:30") for a in answered)


def test_the_period_is_the_date_of_registration(appeals: dict[str, str], school: Services, tmp_path: Path):
    out = tmp_path / "май.xlsx"
    assert school.reports.write("overdue", out, date_from=d("01.05.2025"), date_to=d("31.05.2025")) == 1
    sheet = Sheet(out)
    assert [r[0] for r in sheet.rows] == [appeals["late"]]
    assert "с 01.05.2025 по 31.05.2025" in sheet.ws["A2"].value
    assert school.reports.write("overdue", out, date_from=d("21.05.2025")) == 0
    assert Sheet(out).rows == []


def test_the_overdue_report_needs_the_right_to_export_appeals(appeals, school: Services, tmp_path: Path):
    agent = person(school, Role.AGENT, "Смирнова Ольга Павловна")
    out = tmp_path / "просроченные.xlsx"
    with pytest.raises(PermissionDenied):
        REGISTER_WRITERS["overdue"](agent.reports, out, None, None, None)  # the writer checks it itself
    with pytest.raises(PermissionDenied):
        agent.reports.write("overdue", out)
    assert not out.exists()
    assert export_events(school, "overdue") == []
    with pytest.raises(ServiceError, match="расширением .xlsx"):
        school.reports.write("overdue", tmp_path / "просроченные.csv")


# -- the families' registers ------------------------------------------------------------------------------------


MOTHER = RepresentativeInput("Смирнова Алёна Викторовна", Relation.MOTHER, "+7 (912) 345-67-89")
FATHER = RepresentativeInput("Смирнов Игорь Петрович", Relation.FATHER, "+7 922 111-22-33")


@pytest.fixture
def families(school: Services, clock: FixedClock) -> dict[str, int]:
    """Two families: the Smirnovs get codes (a re-issue, one through the class teacher) and then opt out with
    Appendix 3; the Kuznetsovs opt out with Appendix 2 a week later."""
    secretary = person(school, Role.SECRETARY)
    artem = secretary.families.add_student("Смирнов Артём Игоревич", d("14.03.2014"), "5А")
    mother = secretary.families.add_representative(artem, MOTHER)
    father = secretary.families.add_representative(artem, FATHER)
    masha = secretary.families.add_student("Кузнецова Мария Андреевна", d("02.07.2010"), "9 б")
    secretary.families.add_representative(
        masha, RepresentativeInput("Кузнецова Светлана Олеговна", Relation.MOTHER, "8 904 555-66-77")
    )
    secretary.families.record_consent(mother, d("30.04.2025"))
    secretary.families.record_consent(father, d("30.04.2025"))
    secretary.families.issue_code(artem, mother, code="K7QM-4XTP")
    clock.now = local("05.05.2025 11:00")
    secretary.families.issue_code(artem, father, handover=Handover.CLASS_TEACHER, handed_via="Белова Татьяна Юрьевна",
                                  code="ABCD-EFGH")  # fmt: skip
    clock.now = local("06.05.2025 12:00")
    secretary.families.issue_code(artem, mother, code="MNPQ-RSTU")  # a re-issue replaces the first
    clock.now = local("12.05.2025 09:00")
    secretary.families.register_optout(artem, Appendix.CANCEL, d("12.05.2025"))  # revokes the codes in force
    clock.now = local("19.05.2025 09:15")
    secretary.families.register_optout(masha, Appendix.NOT_PROVIDE, d("16.05.2025"))
    return {"artem": artem, "masha": masha}


def test_the_journal_of_access_codes_never_shows_a_code(families, school: Services, tmp_path: Path):
    director = person(school, Role.DIRECTOR, "Соколова Елена Викторовна")
    out = tmp_path / "коды.xlsx"

    assert director.reports.write("access-codes", out) == 3

    sheet = Sheet(out)
    assert sheet.header == list(ACCESS_CODES_HEADERS) == [
        "Дата выдачи", "Ученик", "Класс", "Законный представитель", "Код", "Как передан", "Через кого", "Выдал",
        "Состояние", "Окончание", "Причина",
    ]  # fmt: skip
    sheet.assert_for_people("Журнал выдачи кодов доступа к электронному дневнику", 11)
    student = "Смирнов Артём Игоревич"
    assert [r[:9] for r in sheet.rows] == [
        [wall("30.04.2025 10:00"), student, "5А", MOTHER.full_name, "K7••••P", "лично", None, SECRETARY,
         "заменён новым"],
        [wall("05.05.2025 11:00"), student, "5А", FATHER.full_name, "AB••••H", "через классного руководителя",
         "Белова Татьяна Юрьевна", SECRETARY, "отозван"],
        [wall("06.05.2025 12:00"), student, "5А", MOTHER.full_name, "MN••••U", "лично", None, SECRETARY, "отозван"],
    ]  # fmt: skip
    assert [r[9] for r in sheet.rows] == [wall("06.05.2025 12:00"), wall("12.05.2025 09:00"), wall("12.05.2025 09:00")]
    assert all(r[10] for r in sheet.rows)  # why each code ended
    assert "Приложение № 3" in sheet.rows[2][10]
    text = repr(sheet.rows) + "".join(str(c.value) for row in sheet.ws.iter_rows(max_row=3) for c in row)
    for code in ("K7QM-4XTP", "K7QM", "4XTP", "ABCD-EFGH", "EFGH", "MNPQ-RSTU", "RSTU"):
        assert code not in text
    assert sheet.pink == []
    assert export_events(school, "access-codes") == [
        ("access", "Соколова Елена Викторовна", "export", {"file": "коды.xlsx", "rows": 3, "period": "за всё время"})
    ]


def test_the_codes_of_the_period_are_those_issued_in_it(families, school: Services, tmp_path: Path):
    out = tmp_path / "коды.xlsx"
    assert school.reports.write("access-codes", out, date_from=d("05.05.2025"), date_to=d("05.05.2025")) == 1
    assert [r[4] for r in Sheet(out).rows] == ["AB••••H"]
    assert school.reports.write("access-codes", out, date_from=d("06.05.2025")) == 1
    assert school.reports.write("access-codes", out, date_to=d("29.04.2025")) == 0


def test_the_register_of_opt_outs(families, school: Services, tmp_path: Path):
    out = tmp_path / "отказы.xlsx"

    assert school.reports.write("optouts", out) == 2

    sheet = Sheet(out)
    assert sheet.header == list(OPTOUTS_HEADERS) == [
        "Дата заявления", "Приложение", "Ученик", "Класс", "Заявители", "Зарегистрировал", "Когда зарегистрировано",
    ]  # fmt: skip
    sheet.assert_for_people("Реестр заявлений об отказе от электронного дневника", 7)
    assert sheet.rows == [
        [wall("12.05.2025 00:00"), "Приложение № 3: заявление об отмене услуги «Электронный дневник»",
         "Смирнов Артём Игоревич", "5А", f"{MOTHER.full_name}, {FATHER.full_name}", SECRETARY,
         wall("12.05.2025 09:00")],
        [wall("16.05.2025 00:00"), "Приложение № 2: заявление о непредоставлении услуги «Электронный дневник»",
         "Кузнецова Мария Андреевна", "9Б", "Кузнецова Светлана Олеговна", SECRETARY, wall("19.05.2025 09:15")],
    ]  # fmt: skip
    assert sheet.ws.cell(5, 1).number_format == "DD.MM.YYYY"
    assert school.reports.write("optouts", out, date_from=d("13.05.2025"), date_to=d("16.05.2025")) == 1
    assert [r[2] for r in Sheet(out).rows] == ["Кузнецова Мария Андреевна"]


@pytest.mark.parametrize("name", ["access-codes", "optouts", "printouts"])
def test_the_families_registers_need_the_right_to_export_them(families, school: Services, tmp_path: Path, name):
    epos_admin = person(school, Role.EPOS_ADMIN, "Морозов Андрей Николаевич")  # issues codes, exports nothing
    out = tmp_path / f"{name}.xlsx"
    with pytest.raises(PermissionDenied) as info:
        REGISTER_WRITERS[name](epos_admin.reports, out, None, None, None)
    assert "выгрузка журналов семей" in str(info.value)
    with pytest.raises(PermissionDenied):
        epos_admin.reports.write(name, out)
    assert not out.exists()
    assert export_events(school, name) == []


# -- paper reports handed over ------------------------------------------------------------------------------------


@pytest.fixture
def paper(services: Services, clock: FixedClock) -> dict[str, int]:
    """The tests' own week (Monday 23.11.2026): three families on paper. Last week's reports: Ivanov's handed over
    on time, Petrova's late, Kuznetsova's printed and never handed over; this week's Ivanov's printed, not due yet."""
    services.settings.set("timezone", "Asia/Yekaterinburg")
    services.settings.set("school_short_name", "МАОУ СОШ № 7")
    secretary = person(services, Role.SECRETARY)
    ids = {
        "ivanov": secretary.families.add_student("Иванов Пётр Сергеевич", dt.date(2015, 3, 1), "5А"),
        "petrova": secretary.families.add_student("Петрова Анна Олеговна", dt.date(2015, 6, 2), "5А"),
        "kuznetsova": secretary.families.add_student("Кузнецова Вера Игоревна", dt.date(2014, 2, 3), "10Б"),
    }
    clock.now = local("20.11.2026 12:00")  # Friday of the week 16–22.11
    secretary.grades.record_printed(list(ids.values()), dt.date(2026, 11, 16))
    week = {p.student_id: p.id for p in secretary.grades.printouts(week_of=dt.date(2026, 11, 16))}
    secretary.grades.hand_over(week[ids["ivanov"]], "Иванова Ольга Петровна")
    clock.now = local("23.11.2026 10:00")
    secretary.grades.hand_over(week[ids["petrova"]], "Петров Олег Иванович")
    secretary.grades.record_printed([ids["ivanov"]], dt.date(2026, 11, 23))
    clock.now = local("25.11.2026 10:00")
    return ids


def test_the_journal_of_paper_reports_shows_who_got_theirs_in_time(paper, services: Services, tmp_path: Path):
    out = tmp_path / "вручение.xlsx"

    assert services.reports.write("printouts", out) == 4

    sheet = Sheet(out)
    assert sheet.header == list(PRINTOUTS_HEADERS) == [
        "Ученик", "Класс", "Отчёт", "Срок вручения", "Напечатан", "Кто напечатал", "Вручён", "Кому вручён",
        "Кто вручил", "В срок",
    ]  # fmt: skip
    sheet.assert_for_people("Журнал вручения отчётов на бумаге", 10)
    due = [r[3] for r in sheet.rows]
    assert all(isinstance(x, dt.datetime) for x in due)
    last_week_due = due[0]
    assert wall("20.11.2026 00:00") <= last_week_due < wall("23.11.2026 00:00")  # a day of the week it covers
    assert [(r[0], r[1], r[2], r[4], r[5], r[6], r[7], r[8], r[9]) for r in sheet.rows] == [
        ("Иванов Пётр Сергеевич", "5А", "Неделя 16.11–22.11.2026", wall("20.11.2026 12:00"), SECRETARY,
         wall("20.11.2026 12:00"), "Иванова Ольга Петровна", SECRETARY, "да"),
        ("Петрова Анна Олеговна", "5А", "Неделя 16.11–22.11.2026", wall("20.11.2026 12:00"), SECRETARY,
         wall("23.11.2026 10:00"), "Петров Олег Иванович", SECRETARY, "нет"),
        ("Кузнецова Вера Игоревна", "10Б", "Неделя 16.11–22.11.2026", wall("20.11.2026 12:00"), SECRETARY,
         None, None, None, "не вручён"),
        ("Иванов Пётр Сергеевич", "5А", "Неделя 23.11–29.11.2026", wall("23.11.2026 10:00"), SECRETARY,
         None, None, None, "не вручён"),
    ]  # fmt: skip
    assert sheet.pink == [2]  # not handed over and past its term; this week's is not due yet
    assert [e[:3] for e in export_events(services, "printouts")] == [("access", "Тестовый пользователь", "export")]


def test_the_paper_reports_of_the_period_are_those_of_its_weeks(paper, services: Services, tmp_path: Path):
    out = tmp_path / "вручение.xlsx"
    assert services.reports.write("printouts", out, date_from=d("23.11.2026")) == 1
    assert [r[2] for r in Sheet(out).rows] == ["Неделя 23.11–29.11.2026"]
    assert services.reports.write("printouts", out, date_to=d("22.11.2026")) == 3
