"""School settings: every key of the contract round-trips, bad values are refused in Russian, changes are logged."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from desktop.services.errors import ServiceError, ValidationError
from desktop.services.settings import SPEC_BY_KEY
from desktop.store.models import Event

#: The command-line contract of the issue: every key, with a value a school would type.
GOOD = {
    "school_name": "Муниципальное автономное общеобразовательное учреждение «Средняя общеобразовательная "
    "школа № 12» города Кургана",
    "school_short_name": "МАОУ СОШ № 12",
    "school_address": "640000, г. Курган, ул. Гоголя, д. 3",
    "director_name": "Петрова Анна Сергеевна",
    "municipal_body": "Департамент социальной политики Администрации города Кургана",
    "region_department": "Министерство образования и науки Курганской области",
    "timezone": "Asia/Yekaterinburg",
    "ejournal_name": "Дневник.ру",
    "ejournal_url": "https://dnevnik.ru",
    "idle_lock_minutes": "20",
    "school_email": "school45@kurgan.example.ru",
    "terms": "1 четверть: 02.09–25.10; 2 четверть: 05.11–27.12; 3 четверть: 09.01–20.03; 4 четверть: 31.03–23.05",
    "appeal_attachment_mib": "15",
    "epos_admin_name": "Широких Елена Александровна",
    "epos_admin_room": "каб. 314А",
    "epos_admin_phone": "89223339394",
    "stp_phone": "+7 (800) 350-18-77",
    "stp_email": "support-epos@permkrai.ru",
    "stp_web_form": "https://edu-epos.permkrai.ru/support/support-form",
    "support_territory": "Курганская область, г. Курган",
    "support_holidays_delay": "да",
    "support_stp_remind_days": "3",
}

PROFILE_KEYS = [
    "school_name",
    "school_short_name",
    "school_address",
    "director_name",
    "municipal_body",
    "region_department",
]


def _events(services, entity: str = "settings") -> list[Event]:
    with services.ctx.transaction() as session:
        return list(session.scalars(select(Event).where(Event.entity == entity).order_by(Event.id)))


def test_the_settings_contract_has_exactly_these_keys():
    assert list(SPEC_BY_KEY) == list(GOOD)


def test_every_key_can_be_set_and_read_back(services):
    for key, value in GOOD.items():
        assert services.settings.set(key, value) == value
    assert services.settings.all() == GOOD
    for key, value in GOOD.items():
        assert services.settings.get(key) == value


def test_values_are_tidied_before_they_are_stored(services):
    assert services.settings.set("school_short_name", "  МАОУ   СОШ\t№ 12 ") == "МАОУ СОШ № 12"
    assert services.settings.set("timezone", "asia/yekaterinburg") == "Asia/Yekaterinburg"
    assert services.settings.set("director_name", "Петрова А. С.") == "Петрова А. С."
    assert services.settings.get("school_short_name") == "МАОУ СОШ № 12"
    assert services.settings.get("timezone") == "Asia/Yekaterinburg"


def test_the_e_journal_is_optional_and_can_be_cleared(services):
    services.settings.update({"ejournal_name": "Дневник.ру", "ejournal_url": "https://dnevnik.ru"})
    services.settings.update({"ejournal_name": "", "ejournal_url": ""})
    assert services.settings.get("ejournal_name") == ""
    assert services.settings.get("ejournal_url") == ""


def test_an_unknown_key_is_refused_with_the_allowed_keys(services):
    with pytest.raises(ServiceError) as info:
        services.settings.set("school_phone", "+7 3452 00-00-00")
    message = str(info.value)
    assert "Неизвестный параметр «school_phone»" in message
    for key in GOOD:
        assert key in message
    with pytest.raises(ServiceError):
        services.settings.get("school_phone")
    assert _events(services) == []


@pytest.mark.parametrize(
    ("key", "value", "label", "allowed"),
    [
        ("school_name", "   ", "«Полное наименование школы»", "не может быть пустым"),
        ("school_short_name", "", "«Краткое наименование»", "не может быть пустым"),
        ("school_short_name", "М" * 201, "«Краткое наименование»", "не длиннее 200 знаков"),
        ("director_name", "Петрова 2 Сергеевна", "«ФИО директора»", "например «Иванова Мария Петровна»"),
        ("director_name", "Петрова", "«ФИО директора»", "фамилию, имя и отчество"),
        ("timezone", "Europe/Tyumen", "«Часовой пояс»", "Europe/Moscow, Asia/Yekaterinburg"),
        ("timezone", "UTC+5", "«Часовой пояс»", "имя из базы IANA"),
        ("ejournal_url", "dnevnik.ru", "«Электронный журнал: адрес»", "начиная с https://"),
        ("ejournal_url", "https://дневник", "«Электронный журнал: адрес»", "начиная с https://"),
        ("idle_lock_minutes", "0", "«Блокировка при бездействии, минут»", "от 1 до 240"),
        ("idle_lock_minutes", "полчаса", "«Блокировка при бездействии, минут»", "целое число минут"),
    ],
)
def test_a_bad_value_is_refused_naming_the_field_and_what_is_allowed(services, key, value, label, allowed):
    services.settings.set(key, GOOD[key])
    events = len(_events(services))
    with pytest.raises(ValidationError) as info:
        services.settings.set(key, value)
    message = str(info.value)
    assert label in message
    assert allowed in message
    assert set(info.value.fields) == {key}
    assert services.settings.get(key) == GOOD[key]
    assert len(_events(services)) == events


def test_update_with_one_bad_value_stores_nothing(services):
    services.settings.update({"school_short_name": "МАОУ СОШ № 12", "timezone": "Europe/Moscow"})
    before = services.settings.all()
    events = len(_events(services))
    with pytest.raises(ValidationError) as info:
        services.settings.update(
            {
                "school_short_name": "МАОУ СОШ № 7",
                "director_name": "Петрова Анна Сергеевна",
                "timezone": "Asia/Yekaterinburg",
                "ejournal_url": "не адрес",
            }
        )
    assert set(info.value.fields) == {"ejournal_url"}
    assert services.settings.all() == before
    assert len(_events(services)) == events


def test_update_reports_every_bad_field_at_once(services):
    with pytest.raises(ValidationError) as info:
        services.settings.update(
            {"school_name": "", "director_name": "123", "school_short_name": "МАОУ СОШ № 7"}
        )
    assert set(info.value.fields) == {"school_name", "director_name"}
    assert "«Полное наименование школы»" in str(info.value)
    assert "«ФИО директора»" in str(info.value)
    assert services.settings.missing_profile() == PROFILE_KEYS


def test_update_with_an_unknown_key_stores_nothing(services):
    with pytest.raises(ServiceError):
        services.settings.update({"school_short_name": "МАОУ СОШ № 7", "principal": "Петрова Анна Сергеевна"})
    assert services.settings.get("school_short_name") == ""
    assert _events(services) == []


def test_every_change_writes_an_event_with_who_when_before_and_after(services, clock):
    services.settings.set("school_short_name", "МАОУ СОШ № 7")
    clock.advance(hours=2)
    services.settings.set("school_short_name", "МАОУ СОШ № 12")

    first, second = _events(services)
    assert (first.actor, first.entity, first.entity_id, first.action) == (
        "Тестовый пользователь",
        "settings",
        "school_short_name",
        "set",
    )
    assert first.at == dt.datetime(2026, 11, 23, 5, 0, tzinfo=dt.UTC)
    assert first.before == {"value": None}
    assert first.after == {"value": "МАОУ СОШ № 7"}
    assert second.at == dt.datetime(2026, 11, 23, 7, 0, tzinfo=dt.UTC) == clock.now
    assert second.before == {"value": "МАОУ СОШ № 7"}
    assert second.after == {"value": "МАОУ СОШ № 12"}


def test_an_unchanged_value_writes_no_event(services):
    services.settings.set("school_short_name", "МАОУ СОШ № 7")
    services.settings.set("school_short_name", "МАОУ СОШ № 7")
    services.settings.set("school_short_name", " МАОУ  СОШ № 7 ")  # the same once tidied
    services.settings.update({"school_short_name": "МАОУ СОШ № 7", "school_address": "г. Тюмень"})
    assert [(e.entity_id, e.after) for e in _events(services)] == [
        ("school_short_name", {"value": "МАОУ СОШ № 7"}),
        ("school_address", {"value": "г. Тюмень"}),
    ]


def test_a_fresh_database_misses_the_whole_profile_but_not_the_time_zone(services):
    assert services.settings.missing_profile() == PROFILE_KEYS
    assert services.settings.get("timezone") != ""  # the computer's zone until the school sets one
    assert services.settings.idle_lock_minutes() == 15  # the default until the school sets another
    services.settings.update({key: GOOD[key] for key in PROFILE_KEYS[:-1]})
    assert services.settings.missing_profile() == ["region_department"]
    services.settings.set("region_department", GOOD["region_department"])
    assert services.settings.missing_profile() == []


@pytest.mark.parametrize(
    ("zone", "today"),
    [
        ("Asia/Yekaterinburg", dt.date(2026, 11, 23)),  # 01:00 on the 23rd in Tyumen
        ("Europe/Kaliningrad", dt.date(2026, 11, 22)),  # 22:00 on the 22nd in Kaliningrad
    ],
)
def test_today_is_the_date_in_the_schools_time_zone(services, clock, zone, today):
    clock.now = dt.datetime(2026, 11, 22, 20, 0, tzinfo=dt.UTC)
    services.settings.set("timezone", zone)
    assert services.settings.today() == today
    assert services.settings.timezone().key == zone
