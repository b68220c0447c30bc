"""Families in every state for the GUI tests, made by the demo school's secretary through the service at past
moments: a family with two representatives, consents and a code (re-issued once); one with consent and a waiting
application; one without consent and an overdue application; one on paper (Appendix 3); one that left the school.

Now is Monday 23.11.2026 10:00 in Tyumen.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from desktop.domain.families import Appendix, Handover, Relation
from desktop.services.families import RepresentativeInput
from desktop.services.files import FileIn
from desktop.services.registry import Services
from tests.conftest import NOW, FixedClock
from tests.ui.appeals_data import at
from tests.ui.helpers import log_in

SCAN = FileIn("согласие Орловой.pdf", b"%PDF-1.4 scan")


@dataclass
class Families:
    """Students and representatives by what they show; the codes issued."""

    students: dict[str, int] = field(default_factory=dict)
    reps: dict[str, int] = field(default_factory=dict)
    codes: dict[str, str] = field(default_factory=dict)


def fill_families(services: Services, clock: FixedClock) -> Families:
    """`services`: the demo school (its secretary does the work)."""
    made = Families()
    fam = log_in(services, "secretary").families

    def student(key: str, name: str, born: str, cls: str) -> int:
        made.students[key] = fam.add_student(name, dt.datetime.strptime(born, "%d.%m.%Y").date(), cls)
        return made.students[key]

    def rep(key: str, student_key: str, name: str, relation: Relation, phone: str = "", email: str = "",
            address: str = "") -> int:  # fmt: skip
        made.reps[key] = fam.add_representative(
            made.students[student_key], RepresentativeInput(name, relation, phone, email, address)
        )
        return made.reps[key]

    clock.now = at("02.11.2026", "09:00")
    student("orlov", "Орлов Кирилл Андреевич", "14.03.2015", "5А")
    rep("orlova", "orlov", "Орлова Марина Викторовна", Relation.MOTHER, "+7 912 345-67-89", "orlova.m@mail.ru",
        "г. Тюмень, ул. Республики, д. 10, кв. 5")  # fmt: skip
    rep("orlov_father", "orlov", "Орлов Андрей Петрович", Relation.FATHER, "+7 912 345-67-90", "",
        "г. Тюмень, ул. Республики, д. 10, кв. 5")  # fmt: skip
    fam.record_consent(made.reps["orlova"], dt.date(2026, 11, 2), SCAN)
    fam.record_consent(made.reps["orlov_father"], dt.date(2026, 11, 2))
    fam.register_application(made.students["orlov"], made.reps["orlova"])
    clock.now = at("03.11.2026", "10:00")
    fam.issue_code(made.students["orlov"], made.reps["orlova"], code="K7QM-4XTP")
    clock.now = at("10.11.2026", "11:00")
    made.codes["orlova"] = fam.issue_code(
        made.students["orlov"], made.reps["orlova"], handover=Handover.CLASS_TEACHER,
        handed_via="Белова Татьяна Юрьевна", code="M3RD-8HWA",
    ).code  # fmt: skip

    clock.now = at("19.11.2026", "09:30")
    student("belova", "Белова Анна Сергеевна", "02.09.2016", "4Б")
    rep("belov", "belova", "Белов Сергей Иванович", Relation.FATHER, "8 (3452) 22-33-44")
    fam.record_consent(made.reps["belov"], dt.date(2026, 11, 19))
    clock.now = at("20.11.2026", "12:00")
    fam.register_application(made.students["belova"], made.reps["belov"])

    clock.now = at("16.11.2026", "14:00")
    student("gusev", "Гусев Тимофей Олегович", "30.01.2013", "7В")
    rep("guseva", "gusev", "Гусева Ольга Николаевна", Relation.MOTHER, "+7 922 000-11-22")
    fam.register_application(made.students["gusev"], made.reps["guseva"])

    clock.now = at("05.11.2026", "10:00")
    student("paper", "Зайцева Полина Игоревна", "11.05.2014", "6А")
    rep("zaitseva", "paper", "Зайцева Ирина Владимировна", Relation.MOTHER, "+7 950 111-22-33")
    fam.record_consent(made.reps["zaitseva"], dt.date(2026, 11, 5))
    fam.issue_code(made.students["paper"], made.reps["zaitseva"])
    clock.now = at("12.11.2026", "15:00")
    fam.register_optout(made.students["paper"], Appendix.CANCEL, dt.date(2026, 11, 12))

    clock.now = at("06.11.2026", "09:00")
    student("left", "Яковлев Денис Романович", "07.07.2012", "8А")
    rep("yakovleva", "left", "Яковлева Наталья Павловна", Relation.MOTHER)
    clock.now = at("13.11.2026", "09:00")
    fam.student_left(made.students["left"], dt.date(2026, 11, 13), "переезд в другой город")
    clock.now = NOW
    return made
