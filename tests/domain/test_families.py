"""The families and e-diary access rules of seeds 003 and 004 with fixed dates: how names, phones and classes match,
who a representative is to the child, a plausible birth date, the 2-working-day term of an access application,
consent in force, registration codes, the closed list of refusal grounds and the opt-out applications.

Every expected term is counted by hand from the Russian production calendar (2025: 01.05-04.05 and 08.05-11.05 off,
01.11 a working Saturday, 02.11-04.11 off, 31.12 off; 2026: 01.01-11.01 off). The comment of each row lists the
working days counted from the day after the application, so that a reader can check it with a paper calendar.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re

import pytest

from desktop.domain import families as rules
from desktop.domain.calendar import WorkCalendar
from desktop.domain.families import (
    Appendix,
    ApplicationStatus,
    CodeState,
    Consent,
    Handover,
    RefusalGround,
    Relation,
)

CAL = WorkCalendar()


def d(text: str) -> dt.date:
    return dt.datetime.strptime(text, "%d.%m.%Y").date()


# -- people and classes ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Петрова Алёна Сергеевна", "ПЕТРОВА  АЛЕНА сергеевна"),
        ("  Фёдоров Семён Ильич ", "федоров семен ильич"),
        ("Ковалёва\tЮлия", "Ковалева Юлия"),
    ],
)
def test_one_name_spelled_two_ways_has_one_key(a, b):
    assert rules.name_key(a) == rules.name_key(b)


def test_a_name_is_stored_with_single_spaces_and_different_names_differ():
    assert rules.clean_name("  Петрова   Алёна\tСергеевна ") == "Петрова Алёна Сергеевна"
    assert rules.name_key("Петрова Алёна") != rules.name_key("Петрова Елена")


@pytest.mark.parametrize(
    "phone",
    [
        "+7 (912) 345-67-89",
        "8 912 345 67 89",
        "89123456789",
        "+79123456789",
        "7-912-345-67-89",
        "912 345-67-89",
    ],
)
def test_plus_seven_and_eight_at_the_start_are_one_phone(phone):
    assert rules.phone_key(phone) == "9123456789"


def test_other_phones_keep_their_digits():
    assert rules.phone_key("") == ""
    assert rules.phone_key("22-33-44") == "223344"  # a city number without the code
    assert rules.phone_key("+7 912 345-67-89") != rules.phone_key("+7 912 345-67-88")


@pytest.mark.parametrize("text", ["5А", "5 а", "5а", "5-а", " 5 – А ", "5—а"])
def test_spellings_of_one_class_have_one_key(text):
    assert rules.class_key(text) == "5А"


def test_class_keys_of_two_digit_classes_and_two_letters():
    assert rules.class_key("11 б") == "11Б"
    assert rules.class_key("10 мм") == "10ММ"
    assert rules.class_key("5 б") != rules.class_key("5 а")


def test_a_class_typed_with_latin_look_alike_letters_is_the_same_class():
    # «5A» with a Latin A looks exactly like «5А»: a list exported from another program often mixes them.
    assert rules.class_key("5A") == "5А"
    assert rules.class_key("9 B") == "9В"
    assert rules.class_key("7 c") == "7С"
    assert rules.class_problem("5A") is None
    # A Latin letter with no Cyrillic look-alike stays what it is, and the class is refused.
    assert rules.class_key("5 d") == "5D"
    assert rules.class_problem("5 d") is not None


@pytest.mark.parametrize("text", ["1А", "5 а", "11Б", "9", "10ММ", "4ё"])
def test_a_class_from_1_to_11_with_up_to_two_letters_is_accepted(text):
    assert rules.class_problem(text) is None


@pytest.mark.parametrize("text", ["12А", "0А", "А5", "5АБВ", "5/1", "пятый"])
def test_a_wrong_class_is_named_in_the_message(text):
    problem = rules.class_problem(text)
    assert problem == f"Класс «{text}» записан неверно: нужен номер от 1 до 11 и буква, например «5А»."


def test_an_empty_class_is_asked_for():
    assert rules.class_problem("  ") == "Укажите класс."


@pytest.mark.parametrize(
    ("text", "relation"),
    [
        ("мать", Relation.MOTHER),
        ("Мать", Relation.MOTHER),
        ("мама", Relation.MOTHER),
        ("  ОТЕЦ ", Relation.FATHER),
        ("папа", Relation.FATHER),
        ("опекун", Relation.GUARDIAN),
        ("Опекунша", Relation.GUARDIAN),
        ("опекун (попечитель)", Relation.GUARDIAN),
        ("попечитель", Relation.TRUSTEE),
        ("бабушка", Relation.OTHER),
        ("Дедушка", Relation.OTHER),
        ("законный представитель", Relation.OTHER),
        ("представитель", Relation.OTHER),
        ("father", Relation.FATHER),
        ("отец.", Relation.FATHER),
    ],
)
def test_who_a_representative_is_to_the_child_is_read_from_the_words_people_use(text, relation):
    assert rules.relation_from_text(text) is relation


@pytest.mark.parametrize("text", ["", "сосед", "тётя", "мать и отец"])
def test_an_unknown_relation_is_not_guessed(text):
    assert rules.relation_from_text(text) is None


def test_relation_labels():
    assert [r.label for r in Relation] == ["мать", "отец", "опекун", "попечитель", "законный представитель"]


def test_a_students_birth_date_gives_an_age_from_5_to_20():
    today = d("01.09.2025")
    assert rules.birth_date_problem(d("14.03.2014"), today) is None  # 11 years: a 5th-former
    assert rules.birth_date_problem(d("01.09.2020"), today) is None  # 5 today
    assert rules.birth_date_problem(d("02.09.2004"), today) is None  # 20 until tomorrow
    assert rules.birth_date_problem(d("02.09.2020"), today) == (
        "Дата рождения 02.09.2020: ученику получается 4 лет — проверьте год."
    )
    assert rules.birth_date_problem(d("01.09.2004"), today) == (
        "Дата рождения 01.09.2004: ученику получается 21 лет — проверьте год."
    )
    assert rules.birth_date_problem(d("14.03.1914"), today) is not None  # a typo in the century
    assert rules.birth_date_problem(d("02.09.2025"), today) == "Дата рождения 02.09.2025 ещё не наступила."


def test_age_counts_the_birthday_itself():
    assert rules.age_on(d("29.02.2012"), d("28.02.2025")) == 12
    assert rules.age_on(d("29.02.2012"), d("01.03.2025")) == 13
    assert rules.age_on(d("14.03.2014"), d("14.03.2025")) == 11


# -- the 2-working-day term ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "due"),
    [
        # An ordinary week: Mon 19.05.2025 -> 20.05 (1), 21.05 (2).
        ("19.05.2025", "21.05.2025"),
        # Thu 22.05.2025 -> 23.05 (1); 24-25.05 weekend; 26.05 (2).
        ("22.05.2025", "26.05.2025"),
        # Wed 30.04.2025 -> 01.05-04.05 off; 05.05 (1), 06.05 (2).
        ("30.04.2025", "06.05.2025"),
        # Received on a day off, Sat 03.05.2025: the term starts the next day anyway -> 05.05 (1), 06.05 (2).
        ("03.05.2025", "06.05.2025"),
        # Tue 06.05.2025 -> 07.05 (1); 08.05-11.05 off; 12.05 (2).
        ("06.05.2025", "12.05.2025"),
        # Wed 07.05.2025 -> 08.05-11.05 off; 12.05 (1), 13.05 (2).
        ("07.05.2025", "13.05.2025"),
        # Mon 29.12.2025 -> 30.12 (1); 31.12.2025 and 01.01-11.01.2026 off; 12.01.2026 (2).
        ("29.12.2025", "12.01.2026"),
        # Tue 30.12.2025 -> 31.12 and 01.01-11.01 off; 12.01.2026 (1), 13.01.2026 (2).
        ("30.12.2025", "13.01.2026"),
        # Thu 30.10.2025 -> 31.10 (1), Saturday 01.11 is a working day (2).
        ("30.10.2025", "01.11.2025"),
        # Fri 31.10.2025 -> Sat 01.11 working (1); 02.11-04.11 off; 05.11 (2).
        ("31.10.2025", "05.11.2025"),
    ],
)
def test_access_is_due_two_working_days_after_the_application(received, due):
    assert rules.access_due(d(received), CAL) == d(due)


def test_the_schools_own_days_move_the_access_term():
    # Mon 19.05.2025 with Tue 20.05 a quarantine day: 21.05 (1), 22.05 (2).
    assert rules.access_due(d("19.05.2025"), WorkCalendar(days_off=[d("20.05.2025")])) == d("22.05.2025")
    # Thu 22.05.2025 with Saturday 24.05 worked: 23.05 (1), 24.05 (2).
    assert rules.access_due(d("22.05.2025"), WorkCalendar(workdays=[d("24.05.2025")])) == d("24.05.2025")
    # Tue 06.05.2025 with Saturday 10.05 (a holiday weekend) worked: 07.05 (1), 10.05 (2).
    assert rules.access_due(d("06.05.2025"), WorkCalendar(workdays=[d("10.05.2025")])) == d("10.05.2025")


def test_the_term_is_two_working_days_and_numbers_have_their_prefixes():
    assert rules.ACCESS_TERM_WORKING_DAYS == 2
    assert rules.format_number(rules.REFUSAL_PREFIX, 2025, 1) == "ОТК-2025/0001"
    assert rules.format_number(rules.APPLICATION_PREFIX, 2026, 123) == "Д-2026/0123"
    assert [s.label for s in ApplicationStatus] == [
        "Ожидает доступа", "Доступ предоставлен", "Отказано", "Закрыто: ученик выбыл",
    ]  # fmt: skip


# -- consent -----------------------------------------------------------------------------------------------------------


def test_consent_is_in_force_from_the_day_it_is_given_until_the_day_it_is_withdrawn():
    consent = Consent(d("10.09.2025"), d("01.10.2025"))
    assert not consent.valid_on(d("09.09.2025"))
    assert consent.valid_on(d("10.09.2025"))  # the day it is signed
    assert consent.valid_on(d("30.09.2025"))
    assert not consent.valid_on(d("01.10.2025"))  # the day it is withdrawn: no longer
    assert Consent(d("10.09.2025")).valid_on(d("31.12.2030"))


def test_any_consent_in_force_is_enough():
    withdrawn = Consent(d("01.09.2025"), d("15.09.2025"))
    renewed = Consent(d("20.09.2025"))
    assert not rules.has_consent([], d("20.09.2025"))
    assert not rules.has_consent([withdrawn], d("20.09.2025"))
    assert not rules.has_consent([withdrawn, renewed], d("17.09.2025"))
    assert rules.has_consent([withdrawn, renewed], d("20.09.2025"))


def test_consent_dates_are_checked():
    today = d("15.09.2025")
    assert rules.consent_problem(d("15.09.2025"), None, today) is None
    assert rules.consent_problem(d("01.09.2025"), d("15.09.2025"), today) is None
    assert rules.consent_problem(d("01.09.2025"), d("01.09.2025"), today) is None  # withdrawn the same day
    assert (
        rules.consent_problem(d("16.09.2025"), None, today)
        == "Согласие не может быть дано в будущем (16.09.2025)."
    )
    assert rules.consent_problem(d("10.09.2025"), d("09.09.2025"), today) == (
        "Согласие не может быть отозвано раньше, чем дано."
    )
    assert (
        rules.consent_problem(d("10.09.2025"), d("16.09.2025"), today)
        == "Дата отзыва 16.09.2025 ещё не наступила."
    )


# -- codes -------------------------------------------------------------------------------------------------------------


def test_the_code_alphabet_has_no_characters_people_confuse():
    assert not set("0O1IL") & set(rules.CODE_ALPHABET)
    assert re.fullmatch(r"[A-Z2-9]+", rules.CODE_ALPHABET)
    assert len(set(rules.CODE_ALPHABET)) == len(rules.CODE_ALPHABET) == 31


def test_a_generated_code_takes_its_characters_from_the_given_choice_in_the_xxxx_xxxx_shape():
    seen: list[str] = []
    letters = itertools.cycle("K7QM4XTP")

    def choice(alphabet: str) -> str:
        seen.append(alphabet)
        return next(letters)

    assert rules.generate_code(choice) == "K7QM-4XTP"
    assert seen == [rules.CODE_ALPHABET] * 8


def test_every_character_of_the_alphabet_can_appear_and_no_other():
    position = itertools.count()

    def choice(alphabet: str) -> str:
        return alphabet[next(position) % len(alphabet)]

    codes = [rules.generate_code(choice) for _ in range(4)]
    assert codes[0] == "ABCD-EFGH"
    assert set("".join(codes).replace("-", "")) == set(rules.CODE_ALPHABET)


def test_random_codes_are_unambiguous_and_shaped():
    codes = {rules.generate_code() for _ in range(300)}
    assert len(codes) == 300
    for code in codes:
        assert re.fullmatch(r"[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}", code), code
        assert rules.code_problem(code) is None


def test_a_typed_code_is_latin_letters_digits_and_dashes():
    assert rules.code_problem("K7QM-4XTP") is None
    assert rules.code_problem("k7qm-4xtp") is None  # the e-journal's code in lower case: read upper
    assert rules.normalize_code(" k7qm-4xtp ") == "K7QM-4XTP"
    assert rules.code_problem("AB12") is None  # 4 characters: the shortest
    assert rules.code_problem("A" * 40) is None
    # Spaces a person types or copies with the code are dropped, not refused.
    assert rules.code_problem(" K7QM 4XTP ") is None
    assert rules.normalize_code(" K7QM 4XTP ") == "K7QM4XTP"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "Введите код регистрации."),
        ("   ", "Введите код регистрации."),
        (
            "К7QМ-4XТР",
            "Код регистрации набирается латинскими буквами: в коде есть русские буквы.",
        ),  # К, М, Т, Р
        ("абвг-деёж", "Код регистрации набирается латинскими буквами: в коде есть русские буквы."),
        ("AB1", "Код регистрации — от 4 до 40 латинских букв, цифр и дефисов."),
        ("A" * 41, "Код регистрации — от 4 до 40 латинских букв, цифр и дефисов."),
        ("-K7QM", "Код регистрации — от 4 до 40 латинских букв, цифр и дефисов."),
        ("K7QM_4XTP", "Код регистрации — от 4 до 40 латинских букв, цифр и дефисов."),
        ("K7QM.4XTP", "Код регистрации — от 4 до 40 латинских букв, цифр и дефисов."),
    ],
)
def test_a_wrong_code_is_explained(text, problem):
    assert rules.code_problem(text) == problem


def test_handover_and_code_state_labels():
    assert [h.label for h in Handover] == ["лично", "через классного руководителя"]
    assert [s.label for s in CodeState] == ["действует", "заменён новым", "отозван"]


# -- refusals and opting out -------------------------------------------------------------------------------------------


def test_the_refusal_grounds_are_the_closed_list_of_seeds_003_and_004_with_their_words():
    assert {g: g.label for g in RefusalGround} == {
        # seed 003 §2.6
        RefusalGround.NO_CONSENT: "отсутствие согласия родителя (законного представителя) на размещение своих "
        "персональных данных и персональных данных ребёнка в системе «Электронный журнал»",
        # seed 004 «Отказ в предоставлении услуги»
        RefusalGround.NOT_APPLICANT: "запрос подан лицом, не относящимся к заявителям, предусмотренным регламентом",
        RefusalGround.NOT_STUDENT: "лицо, получение информации о текущей успеваемости и посещаемости которого "
        "запрашивается заявителем, не является обучающимся школы",
        RefusalGround.OWN_REFUSAL: "заявление заявителя об отказе в получении услуги",
    }
    assert len(RefusalGround) == 4


def test_the_opt_out_applications_are_appendix_2_and_3():
    assert (
        Appendix.NOT_PROVIDE.label
        == "Приложение № 2: заявление о непредоставлении услуги «Электронный дневник»"
    )
    assert Appendix.CANCEL.label == "Приложение № 3: заявление об отмене услуги «Электронный дневник»"
    assert [a.number for a in Appendix] == [2, 3]


@pytest.mark.parametrize(
    ("text", "appendix"),
    [("2", Appendix.NOT_PROVIDE), (" 3 ", Appendix.CANCEL), ("appendix2", Appendix.NOT_PROVIDE),
     ("appendix3", Appendix.CANCEL), ("1", None), ("4", None), ("", None), ("два", None)],
)  # fmt: skip
def test_the_appendix_is_read_from_the_command_line(text, appendix):
    assert rules.appendix_from_text(text) is appendix
