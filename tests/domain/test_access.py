"""Who may do what: the roles and actions with their Russian names, the one table of rights, the refusal text,
the login delay after wrong passwords, and what a new password must not be."""

from __future__ import annotations

import datetime as dt
import itertools
import re

import pytest

from desktop.domain.access import (
    FIRST_DELAY,
    MAX_DELAY,
    PERMISSIONS,
    Action,
    Actor,
    Role,
    login_delay,
    next_attempt_at,
    password_problem,
)

CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)
S = dt.timedelta(seconds=1)

#: The rights the issue asks for, written out here rather than read from the code.
EXPECTED = {
    Action.SETTINGS_EDIT: {Role.ADMIN, Role.DIRECTOR},
    Action.CALENDAR_EDIT: {Role.ADMIN, Role.DIRECTOR, Role.DEPUTY, Role.SECRETARY},
    Action.USERS_MANAGE: {Role.ADMIN},
    Action.AUDIT_VIEW: {Role.ADMIN, Role.DIRECTOR},
    Action.AUDIT_EXPORT: {Role.ADMIN, Role.DIRECTOR},
    # Appeals (seed 000): the secretary registers, the deputy director and the director answer; the administrator
    # runs the program and sees no appeal; anybody's app may apply the escalation rules.
    Action.APPEALS_VIEW: {Role.DIRECTOR, Role.DEPUTY, Role.SECRETARY},
    Action.APPEALS_REGISTER: {Role.DEPUTY, Role.SECRETARY},
    Action.APPEALS_ANSWER: {Role.DIRECTOR, Role.DEPUTY},
    Action.APPEALS_FORWARD: {Role.DIRECTOR, Role.DEPUTY},
    Action.APPEALS_IMPORT: {Role.DIRECTOR, Role.DEPUTY, Role.SECRETARY},
    Action.APPEALS_EXPORT: {Role.DIRECTOR, Role.DEPUTY, Role.SECRETARY},
    Action.APPEALS_SWEEP: set(Role),
    Action.TICKETS_VIEW: {Role.OPERATOR, Role.AGENT, Role.DIRECTOR, Role.DEPUTY, Role.SECRETARY},
    Action.TICKETS_CREATE: {Role.OPERATOR, Role.SECRETARY, Role.DEPUTY},
    Action.TICKETS_OPERATE: {Role.OPERATOR},
    Action.TICKETS_WORK: {Role.AGENT},
    Action.TICKETS_IMPORT: {Role.OPERATOR},
    Action.TICKETS_EXPORT: {Role.OPERATOR, Role.DIRECTOR, Role.DEPUTY},
    Action.AGENTS_MANAGE: {Role.OPERATOR},
    Action.FAMILIES_VIEW: {Role.DIRECTOR, Role.DEPUTY, Role.SECRETARY, Role.EPOS_ADMIN},
    Action.FAMILIES_EDIT: {Role.DEPUTY, Role.SECRETARY},
    Action.FAMILIES_IMPORT: {Role.DEPUTY, Role.SECRETARY},
    Action.ACCESS_MANAGE: {Role.SECRETARY, Role.EPOS_ADMIN},
    Action.ACCESS_REFUSE: {Role.DIRECTOR, Role.SECRETARY},
    Action.OPTOUT_REGISTER: {Role.DEPUTY, Role.SECRETARY},
    Action.GRADES_IMPORT: {Role.DEPUTY, Role.SECRETARY, Role.EPOS_ADMIN},
    Action.PRINTOUTS_MANAGE: {Role.DEPUTY, Role.SECRETARY},
    Action.SUPPORT_VIEW: {Role.EPOS_ADMIN, Role.DIRECTOR, Role.DEPUTY, Role.CLASS_TEACHER},
    Action.SUPPORT_CREATE: {Role.EPOS_ADMIN, Role.CLASS_TEACHER},
    Action.SUPPORT_WORK: {Role.EPOS_ADMIN},
    Action.SUPPORT_EXPORT: {Role.EPOS_ADMIN, Role.DIRECTOR, Role.DEPUTY},
    Action.SUPPORT_CONTACTS: {Role.EPOS_ADMIN, Role.ADMIN, Role.DIRECTOR},
    Action.FAMILIES_EXPORT: {Role.DIRECTOR, Role.DEPUTY, Role.SECRETARY},
    Action.REPORTS_SUMMARY: {Role.DIRECTOR, Role.DEPUTY, Role.SECRETARY},
    Action.BACKUP_MANAGE: {Role.ADMIN, Role.DIRECTOR},
}

#: What the built-in system actor (the periodic sweep) may do.
SYSTEM_MAY = {Action.APPEALS_SWEEP}


def refusal_parts(message: str) -> tuple[str, set[str], set[str]]:
    """(the action's label, the labels of the roles allowed, the person's role labels) from a refusal."""
    match = re.fullmatch(r"Недостаточно прав: «(.+)» доступно ролям: (.+)\. Ваши роли: (.+)\.", message)
    assert match, message
    return match[1], set(match[2].split(", ")), set(match[3].split(", "))


# -- roles and actions ----------------------------------------------------------------------------------


def test_the_roles_are_the_issues_with_their_command_line_names():
    assert [role.value for role in Role] == [
        "admin", "director", "deputy", "secretary", "operator", "agent", "epos_admin", "class_teacher",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("role", "label"),
    [
        (Role.ADMIN, "администратор"),
        (Role.DIRECTOR, "директор"),
        (Role.DEPUTY, "заместитель директора"),
        (Role.SECRETARY, "секретарь"),
        (Role.OPERATOR, "оператор заявок"),
        (Role.AGENT, "исполнитель"),
        (Role.EPOS_ADMIN, "администратор ЭПОС"),
        (Role.CLASS_TEACHER, "классный руководитель"),
    ],
)
def test_every_role_has_its_russian_label(role, label):
    assert role.label == label


def test_every_action_has_a_distinct_russian_label_and_a_row_in_the_table():
    labels = [action.label for action in Action]
    assert all(CYRILLIC.search(label) for label in labels), labels
    assert len(set(labels)) == len(labels)
    assert set(PERMISSIONS) == set(Action)
    assert all(PERMISSIONS[action] for action in Action)  # an action nobody may do is a mistake


@pytest.mark.parametrize("action", list(Action))
def test_the_table_gives_each_action_to_the_roles_the_issue_names(action):
    assert set(PERMISSIONS[action]) == EXPECTED[action]


def test_only_the_administrator_manages_users_and_an_agent_may_not_export():
    assert {role for role in Role if Actor.user(1, "x", "X", [role]).may(Action.USERS_MANAGE)} == {Role.ADMIN}
    assert not Actor.user(1, "agent", "Смирнова Ольга Павловна", [Role.AGENT]).may(Action.AUDIT_EXPORT)


# -- who may --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("action", list(Action))
def test_the_person_setting_up_a_new_database_may_do_everything(action):
    assert Actor.bootstrap("root").may(action)


@pytest.mark.parametrize("action", list(Action))
def test_nobody_logged_in_may_do_nothing_and_is_told_to_log_in(action):
    actor = Actor.anonymous()
    assert not actor.may(action)
    assert actor.refusal(action) == f"Недостаточно прав: для действия «{action.label}» нужно войти в программу."


@pytest.mark.parametrize("action", sorted(set(Action) - SYSTEM_MAY))
def test_the_system_actor_may_not_do_what_people_do(action):
    """The built-in system actor runs the periodic sweep; managing users or reading the trail is not its job."""
    actor = Actor.system()
    assert not actor.may(action)
    label, allowed, _mine = refusal_parts(actor.refusal(action))
    assert label == action.label
    assert allowed == {role.label for role in EXPECTED[action]}


def test_the_system_actor_may_run_the_escalation_sweep():
    assert Actor.system().may(Action.APPEALS_SWEEP)


@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("role", list(Role))
def test_a_user_may_what_the_table_gives_their_role(role, action):
    assert Actor.user(7, role.value, "Иванова Наталья Сергеевна", [role]).may(action) is (role in EXPECTED[action])


def test_a_person_with_several_roles_may_what_any_of_them_may():
    actor = Actor.user(7, "voronina", "Воронина Ирина Александровна", [Role.DEPUTY, Role.AGENT])
    assert actor.may(Action.CALENDAR_EDIT)  # as the deputy
    assert not actor.may(Action.AUDIT_EXPORT)  # neither role may
    assert Actor.user(7, "director", "Соколова Елена Викторовна", [Role.AGENT, Role.DIRECTOR]).may(
        Action.AUDIT_EXPORT
    )


def test_a_user_without_roles_may_nothing():
    actor = Actor.user(7, "ivanova", "Иванова Наталья Сергеевна", [])
    assert not any(actor.may(action) for action in Action)
    assert actor.refusal(Action.AUDIT_VIEW).endswith("Ваши роли: нет ролей.")


def test_the_refusal_names_the_action_the_roles_allowed_and_the_persons_roles():
    actor = Actor.user(6, "agent", "Смирнова Ольга Павловна", [Role.AGENT])
    assert actor.refusal(Action.AUDIT_EXPORT) == (
        "Недостаточно прав: «выгрузка журнала событий» доступно ролям: администратор, директор. "
        "Ваши роли: исполнитель."
    )


@pytest.mark.parametrize("action", [a for a in Action if EXPECTED[a] != set(Role)])
def test_every_refusal_is_russian_and_complete(action):
    mine = set(Role) - EXPECTED[action]  # every role but the allowed ones
    actor = Actor.user(9, "belova", "Белова Татьяна Юрьевна", mine)
    assert not actor.may(action)
    label, allowed, roles = refusal_parts(actor.refusal(action))
    assert label == action.label
    assert allowed == {role.label for role in EXPECTED[action]}
    assert roles == {role.label for role in mine}


# -- the login delay ------------------------------------------------------------------------------------


@pytest.mark.parametrize("failures", [0, 1, 2, 3, 4])
def test_the_first_four_wrong_passwords_cost_no_wait(failures):
    assert login_delay(failures) == dt.timedelta(0)
    assert next_attempt_at(failures, dt.datetime(2026, 11, 23, 5, 0, tzinfo=dt.UTC)) is None


def test_the_fifth_wrong_password_makes_the_next_attempt_wait_5_seconds():
    assert login_delay(5) == FIRST_DELAY == 5 * S
    at = dt.datetime(2026, 11, 23, 5, 0, tzinfo=dt.UTC)
    assert next_attempt_at(5, at) == at + 5 * S


def test_the_wait_doubles_with_each_further_wrong_password_up_to_15_minutes():
    assert [login_delay(n) for n in range(5, 9)] == [5 * S, 10 * S, 20 * S, 40 * S]
    delays = [login_delay(n) for n in range(5, 40)]
    capped = delays.index(MAX_DELAY)
    assert all(a < b for a, b in itertools.pairwise(delays[: capped + 1]))  # it grows ...
    assert set(delays[capped:]) == {MAX_DELAY} == {dt.timedelta(minutes=15)}  # ... up to 15 minutes
    # However many: a login hammered all night must still answer with a wait, not crash.
    at = dt.datetime(2026, 11, 23, 5, 0, tzinfo=dt.UTC)
    assert login_delay(10_000) == MAX_DELAY
    assert next_attempt_at(10_000, at) == at + MAX_DELAY


# -- new passwords --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "login", "problem"),
    [
        ("", "", "Пароль должен быть не короче 8 знаков."),
        ("Ab3$efg", "", "Пароль должен быть не короче 8 знаков."),
        (" Школа2026", "", "Пароль не должен начинаться или заканчиваться пробелом."),
        ("Школа2026 ", "", "Пароль не должен начинаться или заканчиваться пробелом."),
        ("n.ivanova", "n.ivanova", "Пароль не должен совпадать с логином."),
        ("N.Ivanova", "n.ivanova", "Пароль не должен совпадать с логином."),
        ("11111111", "", "Пароль слишком простой."),
        ("12121212", "", "Пароль слишком простой."),
    ],
)
def test_a_bad_new_password_is_refused_in_russian(password, login, problem):
    assert password_problem(password, login) == problem


@pytest.mark.parametrize("password", ["Школа2026", "demo1234", "длинная фраза из слов", "correct horse"])
def test_a_good_new_password_passes(password):
    assert password_problem(password, "n.ivanova") is None
