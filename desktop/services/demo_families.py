"""Demo families register (seeds 003, 004): two classes, «5А» and «9Б», with families in every state as of today —
both parents with consent and codes (one handed over through the class teacher), consent given and an application
waiting (one due today, one overdue, one fresh), no consent and the director's refusal, opted out with Appendix 2
(paper reports), cancelled with Appendix 3 (codes revoked), a re-issued code, a mother of two, a student moved from
another class and one who left; and a refusal for a child who is not a student of the school."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from desktop.domain.access import Actor, Role
from desktop.domain.calendar import UnknownCalendarYear
from desktop.domain.families import Appendix, Handover, RefusalGround, Relation
from desktop.services.calendar import CalendarService
from desktop.services.context import ServiceContext
from desktop.services.families import FamiliesService, RepresentativeInput
from desktop.services.files import FileIn
from desktop.services.registry import Services
from desktop.services.settings import SettingsService


class _Clock:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


def _scan(name: str, text: str) -> FileIn:
    return FileIn(name, text.encode())


_ADDRESS = "625000, г. Тюмень, "


def fill_demo_families(services: Services, actors: dict[Role, Actor]) -> None:
    """Enrol the demo classes and work their families' consents, applications, codes, refusals and opt-outs as the
    demo staff, each step at its own moment before now, on the working calendar relative to today."""
    now = services.ctx.clock()
    clock = _Clock(now)
    tz = services.settings.timezone()
    cal = services.calendar.work_calendar()
    today = now.astimezone(tz).date()

    def as_(actor: Actor) -> FamiliesService:
        ctx = ServiceContext(services.ctx.sessions, actor, clock)
        return FamiliesService(ctx, SettingsService(ctx), CalendarService(ctx))

    secretary, director, epos = (
        as_(actors[role]) for role in (Role.SECRETARY, Role.DIRECTOR, Role.EPOS_ADMIN)
    )
    teacher = actors[Role.CLASS_TEACHER].name

    def back(n: int) -> dt.date:
        return cal.subtract_working_days(today, n) if n else today

    def at(day: dt.date, hh: int, mm: int = 0) -> None:
        clock.now = min(dt.datetime.combine(day, dt.time(hh, mm), tzinfo=tz).astimezone(dt.UTC), now)

    try:
        back(30)
        cal.add_working_days(today, 2)
    except UnknownCalendarYear:  # the production calendar around today is not known: no families
        return

    # The school year that today belongs to starts on 1 September; a child of grade g was born between September
    # of (start - 6 - g) and August of (start - 5 - g).
    start = today.year if today.month >= 9 else today.year - 1

    def born(grade: int, day: int, month: int) -> dt.date:
        return dt.date(start - (6 if month >= 9 else 5) - grade, month, day)

    def rep(
        name: str, relation: Relation, phone: str, email: str = "", street: str = ""
    ) -> RepresentativeInput:
        return RepresentativeInput(name, relation, phone, email, _ADDRESS + street if street else "")

    def enrol(name: str, birth: dt.date, cls: str, *reps: RepresentativeInput) -> tuple[int, list[int]]:
        student = secretary.add_student(name, birth, cls)
        return student, [secretary.add_representative(student, r) for r in reps]

    # -- the lists of the classes, at the start of the demo's month ------------------------------------------------
    at(back(30), 9)
    andreev, [andreeva_m, andreev_f] = enrol(
        "Андреев Максим Олегович", born(5, 12, 1), "5А",
        rep("Андреева Ирина Павловна", Relation.MOTHER, "+7 912 401-12-34", "andreeva.ip@example.ru",
            "ул. Республики, д. 142, кв. 8"),
        rep("Андреев Олег Викторович", Relation.FATHER, "+7 912 401-56-78", "", "ул. Республики, д. 142, кв. 8"),
    )  # fmt: skip
    belova, [belov] = enrol(
        "Белова Ксения Денисовна", born(5, 3, 10), "5А",
        rep("Белов Денис Юрьевич", Relation.FATHER, "+7 922 265-40-11", "belov.dy@example.ru",
            "ул. Мельникайте, д. 100, кв. 45"),
    )  # fmt: skip
    vorobyov, [vorobyova] = enrol(
        "Воробьёв Егор Романович", born(5, 27, 4), "5А",
        rep("Воробьёва Елена Сергеевна", Relation.MOTHER, "8 904 887-21-09", "", "ул. Холодильная, д. 61, кв. 17"),
    )  # fmt: skip
    dmitriev, [dmitriev_f] = enrol(
        "Дмитриев Кирилл Андреевич", born(5, 8, 7), "5А",
        rep("Дмитриев Андрей Олегович", Relation.FATHER, "+7 950 311-77-02", "", "ул. Широтная, д. 96, кв. 203"),
    )  # fmt: skip
    egorova, _ = enrol(
        "Егорова Виктория Максимовна", born(5, 19, 11), "5А",
        rep("Егорова Наталья Ивановна", Relation.MOTHER, "+7 919 940-15-15", "egorova.ni@example.ru",
            "ул. Пермякова, д. 1, кв. 77"),
        rep("Егоров Максим Петрович", Relation.FATHER, "+7 919 940-16-16", "", "ул. Пермякова, д. 1, кв. 77"),
    )  # fmt: skip
    lebedeva_s = rep("Лебедева Светлана Викторовна", Relation.MOTHER, "+7 912 345-67-01", "lebedeva.sv@example.ru",
                     "ул. Ленина, д. 38, кв. 5")  # fmt: skip
    lebedev, [lebedeva] = enrol("Лебедев Михаил Павлович", born(5, 30, 5), "5А", lebedeva_s)
    zhukova, [zhukova_m] = enrol(
        "Жукова Дарья Сергеевна", born(5, 14, 2), "5Б",
        rep("Жукова Ольга Анатольевна", Relation.MOTHER, "+7 908 870-44-31", "", "ул. Таймырская, д. 70, кв. 12"),
    )  # fmt: skip
    zaitsev, [zaitseva, zaitsev_f] = enrol(
        "Зайцев Артём Ильич", born(9, 6, 3), "9Б",
        rep("Зайцева Марина Геннадьевна", Relation.MOTHER, "+7 922 004-18-18", "", "ул. Геологоразведчиков, д. 4, кв. 31"),
        rep("Зайцев Илья Валерьевич", Relation.FATHER, "+7 922 004-19-19", "", "ул. Геологоразведчиков, д. 4, кв. 31"),
    )  # fmt: skip
    ivanova, [ivanov_f] = enrol(
        "Иванова Алиса Дмитриевна", born(9, 22, 9), "9Б",
        rep("Иванов Дмитрий Сергеевич", Relation.FATHER, "+7 929 262-03-30", "ivanov.ds@example.ru",
            "ул. 50 лет Октября, д. 57, кв. 90"),
    )  # fmt: skip
    kovalev, [kovaleva] = enrol(
        "Ковалёв Никита Сергеевич", born(9, 1, 12), "9Б",
        rep("Ковалёва Юлия Андреевна", Relation.MOTHER, "+7 912 923-55-60", "", "ул. Пржевальского, д. 35, кв. 14"),
    )  # fmt: skip
    lebedeva_a = secretary.add_student("Лебедева Анастасия Павловна", born(9, 11, 8), "9Б")
    secretary.add_representative(lebedeva_a, lebedeva_s)  # the same mother: one person in the register
    polina, [guseva] = enrol(
        "Гусева Полина Артёмовна", born(9, 17, 4), "9Б",
        rep("Гусева Анна Николаевна", Relation.MOTHER, "+7 904 493-27-27", "", "ул. Волгоградская, д. 20, кв. 3"),
    )  # fmt: skip
    enrol(  # in the register without consent or application: shows under «без согласия»
        "Морозова Ева Андреевна", born(9, 9, 6), "9Б",
        rep("Морозова Татьяна Игоревна", Relation.GUARDIAN, "+7 912 077-80-80", "", "ул. Энергетиков, д. 53, кв. 1"),
    )  # fmt: skip

    steps: list[tuple[dt.date, int, Callable[[], object]]] = [
        # Both parents with consent and codes: the mother's handed personally, the father's through the class teacher.
        (back(25), 10, lambda: secretary.record_consent(andreeva_m, back(25), _scan(
            "Согласие Андреевой И. П.txt", "Согласие на обработку персональных данных. Андреева И. П., подпись."))),
        (back(25), 10, lambda: secretary.record_consent(andreev_f, back(25))),
        (back(25), 11, lambda: secretary.register_application(andreev, andreeva_m)),
        (back(25), 11, lambda: secretary.register_application(andreev, andreev_f)),
        (back(24), 14, lambda: epos.issue_code(andreev, andreeva_m)),
        (back(24), 14, lambda: epos.issue_code(andreev, andreev_f, handover=Handover.CLASS_TEACHER,
                                              handed_via=teacher)),
        # Moved from 5Б into 5А; her mother's code came through the class teacher.
        (back(20), 9, lambda: secretary.move_student(zhukova, "5А")),
        (back(20), 9, lambda: secretary.record_consent(zhukova_m, back(20))),
        (back(19), 12, lambda: secretary.issue_code(zhukova, zhukova_m, handover=Handover.CLASS_TEACHER,
                                                    handed_via=teacher)),
        # Cancelled later with Appendix 3: the codes in force were revoked.
        (back(22), 10, lambda: secretary.record_consent(zaitseva, back(22))),
        (back(22), 10, lambda: secretary.record_consent(zaitsev_f, back(22))),
        (back(21), 15, lambda: secretary.issue_code(zaitsev, zaitseva)),
        (back(21), 15, lambda: secretary.issue_code(zaitsev, zaitsev_f)),
        # A code lost and issued again: the register shows the old one as replaced.
        (back(18), 10, lambda: secretary.record_consent(ivanov_f, back(18))),
        (back(18), 10, lambda: secretary.issue_code(ivanova, ivanov_f)),
        # A mother of two children: one consent, a code for each child.
        (back(16), 13, lambda: secretary.record_consent(lebedeva, back(16))),
        (back(16), 13, lambda: secretary.issue_code(lebedev, lebedeva)),
        (back(16), 13, lambda: secretary.issue_code(lebedeva_a, lebedeva)),
        # Left the school: kept in the register, the code revoked.
        (back(15), 11, lambda: secretary.record_consent(kovaleva, back(15))),
        (back(15), 11, lambda: secretary.issue_code(kovalev, kovaleva)),
        (back(8), 9, lambda: secretary.student_left(kovalev, back(8), "переезд в г. Тобольск, справка из МАОУ СОШ № 4")),
        # Not to provide the service (Appendix 2): both parents signed, the family gets the week's marks on paper.
        (back(6), 12, lambda: secretary.register_optout(egorova, Appendix.NOT_PROVIDE, back(6), scan=_scan(
            "Приложение 2 Егоровы.txt", "Прошу (просим) не предоставлять мне (нам) услугу … Егорова Н. И., Егоров М. П."))),
        (back(5), 10, lambda: epos.issue_code(ivanova, ivanov_f)),
        # No consent: the application is refused by the director's decision.
        (back(5), 9, lambda: secretary.register_application(dmitriev, dmitriev_f)),
        (back(4), 16, lambda: director.refuse([RefusalGround.NO_CONSENT], student_id=dmitriev,
                                             representative_id=dmitriev_f,
                                             text="Согласие на обработку персональных данных не представлено.")),
        (back(4), 11, lambda: secretary.register_optout(zaitsev, Appendix.CANCEL, back(4))),
        # Consent given, the application waits: overdue, due today, and fresh.
        (back(4), 9, lambda: secretary.record_consent(guseva, back(4))),
        (back(3), 10, lambda: secretary.register_application(polina, guseva)),
        (back(2), 9, lambda: secretary.record_consent(vorobyova, back(2))),
        (back(2), 9, lambda: secretary.register_application(vorobyov, vorobyova)),
        (back(1), 15, lambda: secretary.record_consent(belov, back(1))),
        (today, 8, lambda: secretary.register_application(belova, belov)),
        # A child who is not a student of the school, named by hand.
        (back(2), 14, lambda: director.refuse(
            [RefusalGround.NOT_STUDENT], child_name="Орлов Павел Ильич", child_class="7В",
            applicant_name="Орлов Илья Сергеевич", text="Ребёнок обучается в МАОУ СОШ № 12 г. Тюмени.")),
    ]  # fmt: skip
    for day, hh, action in sorted(steps, key=lambda s: (s[0], s[1])):
        at(day, hh)
        action()
    clock.now = now
