"""The school's settings: profile, time zone and e-journal, kept in the database and checked on every change."""

from __future__ import annotations

import datetime as dt
import os
import re
import time
import zoneinfo
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from sqlalchemy import select

from desktop.domain.access import Action
from desktop.domain.appeals import DEFAULT_ATTACHMENT_LIMIT_MIB, email_problem
from desktop.domain.grades import DEFAULT_TERMS_TEXT
from desktop.domain.support import (
    DEFAULT_STP_EMAIL,
    DEFAULT_STP_PHONE,
    DEFAULT_STP_REMIND_DAYS,
    DEFAULT_STP_WEB_FORM,
)
from desktop.services.context import ServiceContext
from desktop.services.errors import ServiceError, ValidationError
from desktop.store.models import Setting

Validator = Callable[[str], str]

#: Office PCs are shared: the window locks itself after this many idle minutes unless the school sets another.
DEFAULT_IDLE_LOCK_MINUTES = 15

_SPACES = re.compile(r"\s+")
_PERSON_NAME = re.compile(r"^[А-ЯЁа-яёA-Za-z][А-ЯЁа-яёA-Za-z.\-' ]*$")
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*\.[^\s]*$", re.IGNORECASE)

#: Russia's zones by their UTC offset, to name the computer's zone when the system gives only an offset.
_RUSSIAN_ZONES_BY_OFFSET_HOURS = {
    2: "Europe/Kaliningrad",
    3: "Europe/Moscow",
    4: "Europe/Samara",
    5: "Asia/Yekaterinburg",
    6: "Asia/Omsk",
    7: "Asia/Krasnoyarsk",
    8: "Asia/Irkutsk",
    9: "Asia/Yakutsk",
    10: "Asia/Vladivostok",
    11: "Asia/Magadan",
    12: "Asia/Kamchatka",
}


@lru_cache(maxsize=1)
def available_timezones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def computer_timezone() -> str:
    """The IANA name of this computer's time zone (the default for the school's time zone, DOMAIN.md §1)."""
    tz = os.environ.get("TZ", "").lstrip(":")
    if tz in available_timezones():
        return tz
    try:
        target = Path("/etc/localtime").resolve()
        parts = target.parts
        if "zoneinfo" in parts:
            name = "/".join(parts[parts.index("zoneinfo") + 1 :])
            if name in available_timezones():
                return name
    except OSError:
        pass
    offset_hours = round(time.localtime().tm_gmtoff / 3600)
    return _RUSSIAN_ZONES_BY_OFFSET_HOURS.get(offset_hours, "Europe/Moscow")


def _text(label: str, max_len: int) -> Validator:
    def check(value: str) -> str:
        value = _SPACES.sub(" ", value).strip()
        if not value:
            raise ValueError(f"«{label}»: значение не может быть пустым.")
        if len(value) > max_len:
            raise ValueError(f"«{label}»: не длиннее {max_len} знаков (сейчас {len(value)}).")
        return value

    return check


def _person_name(label: str) -> Validator:
    base = _text(label, 200)

    def check(value: str) -> str:
        value = base(value)
        if not _PERSON_NAME.match(value) or len(value.replace(".", " ").split()) < 2:
            raise ValueError(
                f"«{label}»: укажите фамилию, имя и отчество буквами, например «Иванова Мария Петровна» "
                "или «Иванова М. П.»."
            )
        return value

    return check


def _timezone(value: str) -> str:
    value = value.strip()
    zones = available_timezones()
    if value in zones:
        return value
    for zone in zones:
        if zone.lower() == value.lower():
            return zone
    raise ValueError(
        f"«Часовой пояс»: неизвестный часовой пояс «{value}». Укажите имя из базы IANA, например "
        "Europe/Kaliningrad, Europe/Moscow, Asia/Yekaterinburg, Asia/Novosibirsk."
    )


def _url(label: str) -> Validator:
    def check(value: str) -> str:
        value = value.strip()
        if not value:
            return ""
        if not _URL.match(value):
            raise ValueError(f"«{label}»: укажите адрес целиком, начиная с https://, например https://school.edu.ru")
        return value

    return check


def _email(label: str) -> Validator:
    def check(value: str) -> str:
        value = value.strip()
        problem = email_problem(value)
        if problem:
            raise ValueError(f"{label}: {problem}")
        return value

    return check


def _optional(validator: Validator) -> Validator:
    def check(value: str) -> str:
        return validator(value) if value.strip() else ""

    return check


def _minutes(label: str, low: int, high: int, unit: str = "минут") -> Validator:
    def check(value: str) -> str:
        value = value.strip()
        if not value.isdigit() or not low <= int(value) <= high:
            raise ValueError(f"«{label}»: целое число {unit} от {low} до {high}.")
        return str(int(value))

    return check


def _phone(label: str) -> Validator:
    def check(value: str) -> str:
        value = _SPACES.sub(" ", value).strip()
        if not value:
            return ""
        digits = re.sub(r"\D", "", value)
        if re.search(r"[^0-9+()\- ,доб.]", value) or not 5 <= len(digits) <= 20:
            raise ValueError(f"«{label}»: укажите номер цифрами, например +7 (342) 123-45-67 или 89223339394.")
        return value

    return check


YES, NO = "да", "нет"


def _yes_no(label: str) -> Validator:
    def check(value: str) -> str:
        key = value.strip().casefold()
        if key in {"да", "1", "true", "yes", "on", "вкл"}:
            return YES
        if key in {"нет", "0", "false", "no", "off", "выкл", ""}:
            return NO
        raise ValueError(f"«{label}»: укажите «да» или «нет».")

    return check


def _terms(value: str) -> str:
    """The school year's terms, «1 четверть: 01.09–26.10; …», checked (any school year will do for the check)."""
    from desktop.domain.grades import parse_terms

    text = "; ".join(p.strip() for p in value.replace("\n", ";").split(";") if p.strip())
    parse_terms(text, 2025)
    return text


@dataclass(frozen=True)
class SettingSpec:
    """One setting: its key, its Russian label, whether the school profile needs it, how it is checked."""

    key: str
    label: str
    validate: Validator
    required: bool = True
    default: Callable[[], str] = str
    hint: str = ""


SPECS: tuple[SettingSpec, ...] = (
    SettingSpec(
        "school_name",
        "Полное наименование школы",
        _text("Полное наименование школы", 500),
        hint="Как в уставе: Муниципальное автономное общеобразовательное учреждение …",
    ),
    SettingSpec(
        "school_short_name",
        "Краткое наименование",
        _text("Краткое наименование", 200),
        hint="Например: МАОУ СОШ № 7",
    ),
    SettingSpec("school_address", "Адрес школы", _text("Адрес школы", 500), hint="Индекс, город, улица, дом"),
    SettingSpec("director_name", "ФИО директора", _person_name("ФИО директора")),
    SettingSpec(
        "municipal_body",
        "Муниципальный орган управления образованием",
        _text("Муниципальный орган управления образованием", 500),
    ),
    SettingSpec(
        "region_department",
        "Департамент образования и науки (регион)",
        _text("Департамент образования и науки (регион)", 500),
    ),
    SettingSpec(
        "timezone",
        "Часовой пояс",
        _timezone,
        default=computer_timezone,
        hint="Сроки считаются в датах этого часового пояса",
    ),
    SettingSpec(
        "ejournal_name",
        "Электронный журнал: название",
        _optional(_text("Электронный журнал: название", 200)),
        required=False,
    ),
    SettingSpec(
        "ejournal_url",
        "Электронный журнал: адрес",
        _url("Электронный журнал: адрес"),
        required=False,
    ),
    SettingSpec(
        "idle_lock_minutes",
        "Блокировка при бездействии, минут",
        _minutes("Блокировка при бездействии, минут", 1, 240),
        required=False,
        default=lambda: str(DEFAULT_IDLE_LOCK_MINUTES),
        hint="Компьютеры канцелярии общие: окно блокируется, если им не пользуются столько минут",
    ),
    SettingSpec(
        "school_email",
        "Электронная почта школы",
        _optional(_email("Электронная почта школы")),
        required=False,
        hint="С этого адреса уходят ответы заявителям по e-mail",
    ),
    SettingSpec(
        "terms",
        "Четверти учебного года",
        _terms,
        required=False,
        default=lambda: DEFAULT_TERMS_TEXT,
        hint="Например: 1 четверть: 01.09–26.10; 2 четверть: 05.11–28.12 … — для прогноза четвертной отметки",
    ),
    SettingSpec(
        "appeal_attachment_mib",
        "Обращения: наибольший размер файла, МБ",
        _minutes("Обращения: наибольший размер файла, МБ", 1, 100, "мегабайт"),
        required=False,
        default=lambda: str(DEFAULT_ATTACHMENT_LIMIT_MIB),
        hint="Файл, приложенный к обращению или к ответу, не может быть больше",
    ),
    # seed 001: the responsible administrator's card and СТП's contacts, shown to staff and printed for class teachers.
    SettingSpec(
        "epos_admin_name",
        "Администратор ЭПОС: ФИО",
        _optional(_person_name("Администратор ЭПОС: ФИО")),
        required=False,
        hint="Ответственный за ЭПОС в школе: к нему классные руководители передают запросы",
    ),
    SettingSpec(
        "epos_admin_room",
        "Администратор ЭПОС: кабинет",
        _optional(_text("Администратор ЭПОС: кабинет", 50)),
        required=False,
        hint="Например: каб. 314А",
    ),
    SettingSpec(
        "epos_admin_phone", "Администратор ЭПОС: телефон", _phone("Администратор ЭПОС: телефон"), required=False
    ),
    SettingSpec(
        "stp_phone",
        "СТП ЭПОС: телефон",
        _phone("СТП ЭПОС: телефон"),
        required=False,
        default=lambda: DEFAULT_STP_PHONE,
    ),
    SettingSpec(
        "stp_email",
        "СТП ЭПОС: электронная почта",
        _optional(_email("СТП ЭПОС: электронная почта")),
        required=False,
        default=lambda: DEFAULT_STP_EMAIL,
        hint="На этот адрес пишутся заявки в техническую поддержку",
    ),
    SettingSpec(
        "stp_web_form",
        "СТП ЭПОС: форма обратной связи",
        _url("СТП ЭПОС: форма обратной связи"),
        required=False,
        default=lambda: DEFAULT_STP_WEB_FORM,
    ),
    SettingSpec(
        "support_territory",
        "Территория (для заявок в СТП)",
        _optional(_text("Территория (для заявок в СТП)", 200)),
        required=False,
        hint="Обязательное поле заявки в СТП, например: Пермский край, г. Пермь",
    ),
    SettingSpec(
        "support_holidays_delay",
        "Праздники откладывают вступление исправлений ЭПОС в силу",
        _yes_no("Праздники откладывают вступление исправлений ЭПОС в силу"),
        required=False,
        default=lambda: NO,
        hint="«да» — исправление вступает в силу после 14:00 первого рабочего дня; «нет» — первого дня, кроме субботы "
        "и воскресенья (как в регламенте)",
    ),
    SettingSpec(
        "support_stp_remind_days",
        "СТП: напомнить о заявке через, рабочих дней",
        _minutes("СТП: напомнить о заявке через, рабочих дней", 1, 60, "рабочих дней"),
        required=False,
        default=lambda: str(DEFAULT_STP_REMIND_DAYS),
        hint="Заявка, открытая в СТП дольше, выделяется в очереди",
    ),
)

#: The settings the e-journal's administrator keeps themselves (seed 001: their contacts and СТП's).
SUPPORT_KEYS = frozenset(
    {
        "epos_admin_name",
        "epos_admin_room",
        "epos_admin_phone",
        "stp_phone",
        "stp_email",
        "stp_web_form",
        "support_territory",
        "support_holidays_delay",
        "support_stp_remind_days",
    }
)

SPEC_BY_KEY: dict[str, SettingSpec] = {spec.key: spec for spec in SPECS}

#: The settings row that marks the demonstration database; not a setting anyone edits.
DEMO_MARK = "_demo_database"


def _unknown_key(key: str) -> ServiceError:
    allowed = ", ".join(SPEC_BY_KEY)
    return ServiceError(f"Неизвестный параметр «{key}». Допустимые параметры: {allowed}.")


class SettingsService:
    """Read and change the settings; every change is checked and recorded."""

    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    def all(self) -> dict[str, str]:
        """Every setting in the order of SPECS; an unset one has its default (often empty)."""
        with self._ctx.transaction() as session:
            stored = {row.key: row.value for row in session.scalars(select(Setting))}
        return {spec.key: stored[spec.key] if spec.key in stored else spec.default() for spec in SPECS}

    def stored_keys(self) -> set[str]:
        """The settings somebody has set (defaults are not stored)."""
        with self._ctx.transaction() as session:
            return set(session.scalars(select(Setting.key)).all()) - {DEMO_MARK}

    def is_demo(self) -> bool:
        """True for the demonstration database (its users' password is shown on the login screen)."""
        with self._ctx.transaction() as session:
            return session.get(Setting, DEMO_MARK) is not None

    def mark_demo(self) -> None:
        """Mark a blank database as the demonstration one (only while it has no users)."""
        self._ctx.require(Action.SETTINGS_EDIT)
        with self._ctx.transaction() as session:
            if session.get(Setting, DEMO_MARK) is None:
                session.add(Setting(key=DEMO_MARK, value="1", updated_at=self._ctx.clock(), updated_by=self._ctx.actor.name))
                self._ctx.record(session, "settings", DEMO_MARK, "set", None, {"value": "1"})

    def get(self, key: str) -> str:
        if key not in SPEC_BY_KEY:
            raise _unknown_key(key)
        return self.all()[key]

    def missing_profile(self) -> list[str]:
        """The keys the school profile needs that are neither filled in nor have a default (first start asks)."""
        with self._ctx.transaction() as session:
            stored = {row.key: row.value for row in session.scalars(select(Setting))}
        return [
            spec.key
            for spec in SPECS
            if spec.required and not stored.get(spec.key, "").strip() and not spec.default()
        ]

    def appeal_attachment_limit(self) -> int:
        """The largest file an appeal or its answer may carry, in bytes."""
        return int(self.get("appeal_attachment_mib")) * 1024 * 1024

    def idle_lock_minutes(self) -> int:
        return int(self.get("idle_lock_minutes"))

    def timezone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.get("timezone"))

    def today(self) -> dt.date:
        """Today's date in the school's time zone."""
        return self._ctx.clock().astimezone(self.timezone()).date()

    def set(self, key: str, value: str) -> str:
        """Check and store one setting; returns the value as stored."""
        return self.update({key: value})[key]

    def update(self, values: Mapping[str, str]) -> dict[str, str]:
        """Check every value first, then store them all in one transaction: nothing is stored if one is wrong.

        The support contacts may be changed by the e-journal's administrator too; everything else needs the right to
        edit the school's settings."""
        if values and set(values) <= SUPPORT_KEYS and self._ctx.may(Action.SUPPORT_CONTACTS):
            pass
        else:
            self._ctx.require(Action.SETTINGS_EDIT)
        for key in values:
            if key not in SPEC_BY_KEY:
                raise _unknown_key(key)
        clean: dict[str, str] = {}
        errors: dict[str, str] = {}
        for key, value in values.items():
            try:
                clean[key] = SPEC_BY_KEY[key].validate(value)
            except ValueError as exc:
                errors[key] = str(exc)
        if errors:
            raise ValidationError(errors)
        now = self._ctx.clock()
        with self._ctx.transaction() as session:
            for key, value in clean.items():
                row = session.get(Setting, key)
                before = row.value if row is not None else None
                if before == value:
                    continue
                if row is None:
                    session.add(Setting(key=key, value=value, updated_at=now, updated_by=self._ctx.actor.name))
                else:
                    row.value, row.updated_at, row.updated_by = value, now, self._ctx.actor.name
                self._ctx.record(session, "settings", key, "set", {"value": before}, {"value": value})
        return clean
