"""E-journal access and opting out (seeds 003, 004; DOMAIN.md §5): who a representative is to the child, consent,
the 2-working-day term of an access application, registration codes, the closed list of refusal grounds, and the
opt-out applications (Appendix 2 and 3).

Pure rules: no clock, no database, no randomness of its own (a code generator is passed in).
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from desktop.domain.calendar import WorkCalendar

#: seed 004 «Срок предоставления услуги»: «Формирование доступа … не может превышать двух рабочих дней».
ACCESS_TERM_WORKING_DAYS = 2
REFUSAL_PREFIX = "ОТК"
APPLICATION_PREFIX = "Д"


def format_number(prefix: str, year: int, seq: int) -> str:
    return f"{prefix}-{year}/{seq:04d}"


# -- people ---------------------------------------------------------------------------------------------------


def clean_name(text: str) -> str:
    """A full name as stored: single spaces, no spaces at the ends."""
    return " ".join(str(text).split())


def name_key(text: str) -> str:
    """What two spellings of one name share: case and «ё»/«е» do not matter («Алёна» is «Алена»)."""
    return clean_name(text).casefold().replace("ё", "е")


def phone_key(text: str) -> str:
    """The digits of a phone, +7 and 8 at the start alike: «8 (912) 345-67-89» is «+7 912 345 67 89»."""
    digits = re.sub(r"\D", "", text)
    if len(digits) == 11 and digits[0] in "78":
        digits = digits[1:]
    return digits


#: Latin capitals that look like Cyrillic ones: «5A» typed on a Latin keyboard (or exported so) is «5А».
_LATIN_LOOK_ALIKES = str.maketrans("ABCEHKMOPTXY", "АВСЕНКМОРТХУ")


def class_key(text: str) -> str:
    """«5 а», «5А», «5-а» are one class: «5А»; a Latin look-alike letter («5A») is read as the Cyrillic one."""
    compact = re.sub(r"[\s\-–—]", "", str(text)).upper()
    return compact.translate(_LATIN_LOOK_ALIKES)


_CLASS = re.compile(r"^(1[01]|[1-9])[А-ЯЁ]{0,2}$")


def class_problem(text: str) -> str | None:
    key = class_key(text)
    if not key:
        return "Укажите класс."
    if not _CLASS.match(key):
        return f"Класс «{text}» записан неверно: нужен номер от 1 до 11 и буква, например «5А»."
    return None


class Relation(StrEnum):
    MOTHER = "mother"
    FATHER = "father"
    GUARDIAN = "guardian"
    TRUSTEE = "trustee"
    OTHER = "other"

    @property
    def label(self) -> str:
        return RELATION_LABELS[self]


RELATION_LABELS: dict[Relation, str] = {
    Relation.MOTHER: "мать",
    Relation.FATHER: "отец",
    Relation.GUARDIAN: "опекун",
    Relation.TRUSTEE: "попечитель",
    Relation.OTHER: "законный представитель",
}


def relation_from_text(text: str) -> Relation | None:
    key = clean_name(text).casefold().rstrip(".")
    for relation, label in RELATION_LABELS.items():
        if key in (label, relation.value):
            return relation
    aliases = {
        "мама": Relation.MOTHER,
        "папа": Relation.FATHER,
        "опекунша": Relation.GUARDIAN,
        "опекун (попечитель)": Relation.GUARDIAN,
        "законный представитель": Relation.OTHER,
        "представитель": Relation.OTHER,
        "бабушка": Relation.OTHER,
        "дедушка": Relation.OTHER,
    }
    return aliases.get(key)


def age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def birth_date_problem(birth: dt.date, today: dt.date) -> str | None:
    """A school student is between 5 and 20 years old."""
    if birth > today:
        return f"Дата рождения {birth:%d.%m.%Y} ещё не наступила."
    age = age_on(birth, today)
    if not 5 <= age <= 20:
        return f"Дата рождения {birth:%d.%m.%Y}: ученику получается {age} лет — проверьте год."
    return None


# -- access -------------------------------------------------------------------------------------------------------


def access_due(received: dt.date, calendar: WorkCalendar) -> dt.date:
    """seed 004: access is formed within 2 working days of the application (DOMAIN.md §1: the term starts the next
    day, ends at the end of the 2nd working day)."""
    return calendar.add_working_days(received, ACCESS_TERM_WORKING_DAYS)


class ApplicationStatus(StrEnum):
    WAITING = "waiting"
    GRANTED = "granted"
    REFUSED = "refused"
    CLOSED = "closed"  # the student left the school before access was formed

    @property
    def label(self) -> str:
        return {
            "waiting": "Ожидает доступа",
            "granted": "Доступ предоставлен",
            "refused": "Отказано",
            "closed": "Закрыто: ученик выбыл",
        }[self.value]


class RefusalGround(StrEnum):
    """The closed list of refusal grounds (seed 003 §2.6; seed 004 «Отказ в предоставлении услуги»)."""

    NO_CONSENT = "no_consent"
    NOT_APPLICANT = "not_applicant"
    NOT_STUDENT = "not_student"
    OWN_REFUSAL = "own_refusal"

    @property
    def label(self) -> str:
        return REFUSAL_LABELS[self]


REFUSAL_LABELS: dict[RefusalGround, str] = {
    RefusalGround.NO_CONSENT: (
        "отсутствие согласия родителя (законного представителя) на размещение своих персональных данных и "
        "персональных данных ребёнка в системе «Электронный журнал»"
    ),
    RefusalGround.NOT_APPLICANT: "запрос подан лицом, не относящимся к заявителям, предусмотренным регламентом",
    RefusalGround.NOT_STUDENT: (
        "лицо, получение информации о текущей успеваемости и посещаемости которого запрашивается заявителем, "
        "не является обучающимся школы"
    ),
    RefusalGround.OWN_REFUSAL: "заявление заявителя об отказе в получении услуги",
}


@dataclass(frozen=True)
class Consent:
    given_on: dt.date
    withdrawn_on: dt.date | None = None

    def valid_on(self, day: dt.date) -> bool:
        return self.given_on <= day and (self.withdrawn_on is None or day < self.withdrawn_on)


def has_consent(consents: Sequence[Consent], day: dt.date) -> bool:
    """152-ФЗ, seed 003 §2.5, §3.1: a code is issued only while the representative's consent is in force."""
    return any(c.valid_on(day) for c in consents)


def consent_problem(given_on: dt.date, withdrawn_on: dt.date | None, today: dt.date) -> str | None:
    if given_on > today:
        return f"Согласие не может быть дано в будущем ({given_on:%d.%m.%Y})."
    if withdrawn_on is not None and withdrawn_on < given_on:
        return "Согласие не может быть отозвано раньше, чем дано."
    if withdrawn_on is not None and withdrawn_on > today:
        return f"Дата отзыва {withdrawn_on:%d.%m.%Y} ещё не наступила."
    return None


#: Letters and digits nobody confuses on a slip: no 0/O, 1/I/L, no Cyrillic look-alikes (the code is typed on a
#: Latin keyboard into the e-journal).
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_GROUPS = 2
CODE_GROUP_LENGTH = 4


def generate_code(choice: Callable[[str], str] = secrets.choice) -> str:
    """A registration code like «K7QM-4XTP» from unambiguous characters; `choice` is the source of randomness."""
    return "-".join(
        "".join(choice(CODE_ALPHABET) for _ in range(CODE_GROUP_LENGTH)) for _ in range(CODE_GROUPS)
    )


_TYPED = re.compile(r"^[A-Za-z0-9][A-Za-z0-9\-]{3,39}$")


def normalize_code(text: str) -> str:
    return re.sub(r"\s+", "", text).upper()


def code_problem(text: str) -> str | None:
    """A code typed in from the e-journal: 4 to 40 Latin letters, digits and dashes."""
    code = normalize_code(text)
    if not code:
        return "Введите код регистрации."
    if re.search(r"[А-Яа-яЁё]", code):
        return "Код регистрации набирается латинскими буквами: в коде есть русские буквы."
    if not _TYPED.match(code):
        return "Код регистрации — от 4 до 40 латинских букв, цифр и дефисов."
    return None


class Handover(StrEnum):
    """How a code reached the representative against signature (seed 003 §3.2)."""

    PERSONALLY = "personally"
    CLASS_TEACHER = "class_teacher"

    @property
    def label(self) -> str:
        return {"personally": "лично", "class_teacher": "через классного руководителя"}[self.value]


class CodeState(StrEnum):
    ACTIVE = "active"
    REPLACED = "replaced"
    REVOKED = "revoked"

    @property
    def label(self) -> str:
        return {"active": "действует", "replaced": "заменён новым", "revoked": "отозван"}[self.value]


# -- opting out ----------------------------------------------------------------------------------------------------


class Appendix(StrEnum):
    """seed 004: Appendix 2 — not to provide the e-diary service; Appendix 3 — to cancel the service provided."""

    NOT_PROVIDE = "2"
    CANCEL = "3"

    @property
    def label(self) -> str:
        return {
            "2": "Приложение № 2: заявление о непредоставлении услуги «Электронный дневник»",
            "3": "Приложение № 3: заявление об отмене услуги «Электронный дневник»",
        }[self.value]

    @property
    def number(self) -> int:
        return int(self.value)


def appendix_from_text(text: str) -> Appendix | None:
    key = str(text).strip().removeprefix("appendix").strip()
    return {"2": Appendix.NOT_PROVIDE, "3": Appendix.CANCEL}.get(key)
