"""A plausible demo school to look at: profile, time zone, a few of the school's own calendar days, its staff and
their appeals, initiative tickets, families register and support requests for the e-journal."""

from __future__ import annotations

import datetime as dt

from desktop.domain.access import Actor, Role
from desktop.domain.support import DEFAULT_STP_EMAIL, DEFAULT_STP_PHONE, DEFAULT_STP_WEB_FORM
from desktop.services.calendar import OverrideKind
from desktop.services.registry import Services

#: The password of every demo user: shown on the login screen of the demo database.
DEMO_PASSWORD = "demo1234"

#: One user per role; the login is the role's command-line name.
DEMO_USERS = (
    (Role.ADMIN, "Петров Алексей Игоревич"),
    (Role.DIRECTOR, "Соколова Елена Викторовна"),
    (Role.DEPUTY, "Воронина Ирина Александровна"),
    (Role.SECRETARY, "Иванова Наталья Сергеевна"),
    (Role.OPERATOR, "Кузнецов Дмитрий Олегович"),
    (Role.AGENT, "Смирнова Ольга Павловна"),
    (Role.EPOS_ADMIN, "Морозов Андрей Николаевич"),
    (Role.CLASS_TEACHER, "Белова Татьяна Юрьевна"),
)

DEMO_PROFILE = {
    "school_name": "Муниципальное автономное общеобразовательное учреждение "
    "«Средняя общеобразовательная школа № 7» города Тюмени",
    "school_short_name": "МАОУ СОШ № 7 г. Тюмени",
    "school_address": "625000, г. Тюмень, ул. Школьная, д. 15",
    "director_name": "Соколова Елена Викторовна",
    "municipal_body": "Департамент образования Администрации города Тюмени",
    "region_department": "Департамент образования и науки Тюменской области",
    "timezone": "Asia/Yekaterinburg",
    "ejournal_name": "АИС «Электронная школа»",
    "ejournal_url": "https://school.example.ru",
    "school_email": "school7@example.ru",
    # seed 001: the e-journal's administrator, whom class teachers bring requests to, and СТП's contacts.
    "epos_admin_name": "Морозов Андрей Николаевич",
    "epos_admin_room": "каб. 314А",
    "epos_admin_phone": "8 (3452) 50-12-34",
    "stp_phone": DEFAULT_STP_PHONE,
    "stp_email": DEFAULT_STP_EMAIL,
    "stp_web_form": DEFAULT_STP_WEB_FORM,
    "support_territory": "Тюменская область, г. Тюмень",
}

DEMO_OVERRIDES = (
    (dt.date(2026, 11, 27), OverrideKind.DAY_OFF, "Карантин по ОРВИ, приказ директора № 214 от 20.11.2026"),
    (dt.date(2026, 11, 28), OverrideKind.WORKDAY, "Отработка дня карантина (суббота), приказ № 214"),
    (dt.date(2027, 3, 30), OverrideKind.DAY_OFF, "Единый методический день (решение муниципалитета)"),
)


def fill_demo(services: Services) -> bool:
    """Fill a blank database with the demo school; True when it filled it.

    Only a database nobody has written to is filled: a real school's database opened with `--demo` by
    mistake keeps its own (even half-filled) profile.
    """
    if services.settings.stored_keys() or services.calendar.overrides() or services.users.count():
        return False
    demo = services.as_actor(Actor.bootstrap("Демонстрационные данные"))
    demo.settings.mark_demo()
    demo.settings.update(DEMO_PROFILE)
    for day, kind, reason in DEMO_OVERRIDES:
        demo.calendar.set_day(day, kind, reason)
    actors: dict[Role, Actor] = {}
    for role, name in DEMO_USERS:
        user = demo.users.add(role.value, name, [role], DEMO_PASSWORD, must_change=False)
        actors[role] = Actor.user(user.id, user.login, user.full_name, [role])
    from desktop.services.demo_appeals import fill_demo_appeals

    fill_demo_appeals(demo, actors)
    from desktop.services.demo_tickets import fill_demo_tickets

    fill_demo_tickets(demo, actors)
    from desktop.services.demo_families import fill_demo_families

    fill_demo_families(demo, actors)
    from desktop.services.demo_grades import fill_demo_grades

    fill_demo_grades(demo, actors)
    from desktop.services.demo_support import fill_demo_support

    fill_demo_support(demo, actors)
    return True
