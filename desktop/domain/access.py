"""Who may do what: the roles, the guarded actions, the one table between them, and the login delay.

The app holds personal data of children and parents (152-ФЗ): every service checks this table on every call.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum


class Role(StrEnum):
    """A role a person holds; the values are the command-line names."""

    ADMIN = "admin"
    DIRECTOR = "director"
    DEPUTY = "deputy"
    SECRETARY = "secretary"
    OPERATOR = "operator"
    AGENT = "agent"
    EPOS_ADMIN = "epos_admin"
    CLASS_TEACHER = "class_teacher"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS: dict[Role, str] = {
    Role.ADMIN: "администратор",
    Role.DIRECTOR: "директор",
    Role.DEPUTY: "заместитель директора",
    Role.SECRETARY: "секретарь",
    Role.OPERATOR: "оператор заявок",
    Role.AGENT: "исполнитель",
    Role.EPOS_ADMIN: "администратор ЭПОС",
    Role.CLASS_TEACHER: "классный руководитель",
}


class Action(StrEnum):
    """An action the services guard. Later areas (appeals, tickets, families ...) add theirs here."""

    SETTINGS_EDIT = "settings.edit"
    CALENDAR_EDIT = "calendar.edit"
    USERS_MANAGE = "users.manage"
    AUDIT_VIEW = "audit.view"
    AUDIT_EXPORT = "audit.export"
    APPEALS_VIEW = "appeals.view"
    APPEALS_REGISTER = "appeals.register"
    APPEALS_ANSWER = "appeals.answer"
    APPEALS_FORWARD = "appeals.forward"
    APPEALS_IMPORT = "appeals.import"
    APPEALS_EXPORT = "appeals.export"
    APPEALS_SWEEP = "appeals.sweep"
    TICKETS_VIEW = "tickets.view"
    TICKETS_CREATE = "tickets.create"
    TICKETS_OPERATE = "tickets.operate"
    TICKETS_WORK = "tickets.work"
    TICKETS_IMPORT = "tickets.import"
    TICKETS_EXPORT = "tickets.export"
    AGENTS_MANAGE = "agents.manage"
    FAMILIES_VIEW = "families.view"
    FAMILIES_EDIT = "families.edit"
    FAMILIES_IMPORT = "families.import"
    ACCESS_MANAGE = "access.manage"
    ACCESS_REFUSE = "access.refuse"
    OPTOUT_REGISTER = "optout.register"
    GRADES_IMPORT = "grades.import"
    PRINTOUTS_MANAGE = "printouts.manage"
    SUPPORT_VIEW = "support.view"
    SUPPORT_CREATE = "support.create"
    SUPPORT_WORK = "support.work"
    SUPPORT_EXPORT = "support.export"
    SUPPORT_CONTACTS = "support.contacts"
    FAMILIES_EXPORT = "families.export"
    REPORTS_SUMMARY = "reports.summary"
    BACKUP_MANAGE = "backup.manage"

    @property
    def label(self) -> str:
        return ACTION_LABELS[self]


ACTION_LABELS: dict[Action, str] = {
    Action.SETTINGS_EDIT: "изменение настроек школы",
    Action.CALENDAR_EDIT: "изменение календаря школы",
    Action.USERS_MANAGE: "управление пользователями",
    Action.AUDIT_VIEW: "просмотр журнала событий",
    Action.AUDIT_EXPORT: "выгрузка журнала событий",
    Action.APPEALS_VIEW: "просмотр обращений",
    Action.APPEALS_REGISTER: "регистрация обращений",
    Action.APPEALS_ANSWER: "ответ на обращение",
    Action.APPEALS_FORWARD: "передача обращения в СУИ («Вне компетенции»)",
    Action.APPEALS_IMPORT: "загрузка реестра обращений",
    Action.APPEALS_EXPORT: "выгрузка реестра обращений",
    Action.APPEALS_SWEEP: "передача просроченных обращений на следующий уровень",
    Action.TICKETS_VIEW: "просмотр заявок по инициативам",
    Action.TICKETS_CREATE: "приём заявок по инициативам",
    Action.TICKETS_OPERATE: "работа оператора с заявками (рассмотрение, назначение, решение)",
    Action.TICKETS_WORK: "исполнение заявок",
    Action.TICKETS_IMPORT: "загрузка заявок по инициативам",
    Action.TICKETS_EXPORT: "выгрузка заявок по инициативам",
    Action.AGENTS_MANAGE: "специализации и отсутствия исполнителей",
    Action.FAMILIES_VIEW: "просмотр реестра семей",
    Action.FAMILIES_EDIT: "изменение реестра семей",
    Action.FAMILIES_IMPORT: "загрузка списков классов",
    Action.ACCESS_MANAGE: "согласия, заявления и коды доступа к электронному дневнику",
    Action.ACCESS_REFUSE: "решение об отказе в доступе к электронному дневнику",
    Action.OPTOUT_REGISTER: "регистрация заявлений об отказе от электронного дневника",
    Action.GRADES_IMPORT: "загрузка отметок и посещаемости из электронного журнала",
    Action.PRINTOUTS_MANAGE: "печать отчётов для семей и отметка о вручении",
    Action.SUPPORT_VIEW: "просмотр запросов в поддержку ЭПОС",
    Action.SUPPORT_CREATE: "приём запросов в поддержку ЭПОС",
    Action.SUPPORT_WORK: "работа с запросами в поддержку ЭПОС (исправления, заявки в СТП)",
    Action.SUPPORT_EXPORT: "выгрузка запросов в поддержку ЭПОС",
    Action.SUPPORT_CONTACTS: "контакты администратора ЭПОС и СТП",
    Action.FAMILIES_EXPORT: "выгрузка журналов семей (коды доступа, отказы от дневника, вручение отчётов)",
    Action.REPORTS_SUMMARY: "сводный отчёт за период",
    Action.BACKUP_MANAGE: "резервные копии базы данных и восстановление из них",
}

#: The one table of rights: which roles may do each action. Reading the school profile and the calendar needs
#: no right: they hold no personal data, and the login screen and every deadline read them.
PERMISSIONS: dict[Action, frozenset[Role]] = {
    Action.SETTINGS_EDIT: frozenset({Role.ADMIN, Role.DIRECTOR}),
    # The school's own days off (quarantine, closures) are ordered by the director and entered by the office.
    Action.CALENDAR_EDIT: frozenset({Role.ADMIN, Role.DIRECTOR, Role.DEPUTY, Role.SECRETARY}),
    Action.USERS_MANAGE: frozenset({Role.ADMIN}),
    # The trail names staff and the children whose data they opened: the administrator and the director.
    Action.AUDIT_VIEW: frozenset({Role.ADMIN, Role.DIRECTOR}),
    Action.AUDIT_EXPORT: frozenset({Role.ADMIN, Role.DIRECTOR}),
    # seed 000: the secretary registers, the deputy director works the first level, the director the second and
    # sees what has left the school. The administrator runs the program, not the appeals: no personal data.
    Action.APPEALS_VIEW: frozenset({Role.DIRECTOR, Role.DEPUTY, Role.SECRETARY}),
    Action.APPEALS_REGISTER: frozenset({Role.DEPUTY, Role.SECRETARY}),
    Action.APPEALS_ANSWER: frozenset({Role.DIRECTOR, Role.DEPUTY}),
    # seed 000 §2 gives «Вне компетенции» to the deputy director; decision (DOMAIN.md §2): the director too.
    Action.APPEALS_FORWARD: frozenset({Role.DIRECTOR, Role.DEPUTY}),
    Action.APPEALS_IMPORT: frozenset({Role.DIRECTOR, Role.DEPUTY, Role.SECRETARY}),
    Action.APPEALS_EXPORT: frozenset({Role.DIRECTOR, Role.DEPUTY, Role.SECRETARY}),
    # Escalation only applies the rules of seed 000 §2 to time passing: anybody's app may run it.
    Action.APPEALS_SWEEP: frozenset(Role),
    # seed 002 §2: the operator routes and decides, agents do the work and see only the tickets given to them (the
    # service narrows their view); the director and the deputy director oversee. Students bring their requests to
    # the operator or the office, which take them in and tell a student where their ticket stands (§4.1.2).
    Action.TICKETS_VIEW: frozenset({Role.OPERATOR, Role.AGENT, Role.DIRECTOR, Role.DEPUTY, Role.SECRETARY}),
    Action.TICKETS_CREATE: frozenset({Role.OPERATOR, Role.SECRETARY, Role.DEPUTY}),
    Action.TICKETS_OPERATE: frozenset({Role.OPERATOR}),
    Action.TICKETS_WORK: frozenset({Role.AGENT}),
    Action.TICKETS_IMPORT: frozenset({Role.OPERATOR}),
    Action.TICKETS_EXPORT: frozenset({Role.OPERATOR, Role.DIRECTOR, Role.DEPUTY}),
    Action.AGENTS_MANAGE: frozenset({Role.OPERATOR}),
    # seeds 003, 004: the secretary keeps the families register and hands out codes with the e-journal's
    # administrator; the director signs refusals and, with the deputy, oversees. Class teachers hand codes over
    # (seed 003 §3.2) but get them from the office: no access to the whole register.
    Action.FAMILIES_VIEW: frozenset({Role.DIRECTOR, Role.DEPUTY, Role.SECRETARY, Role.EPOS_ADMIN}),
    Action.FAMILIES_EDIT: frozenset({Role.DEPUTY, Role.SECRETARY}),
    Action.FAMILIES_IMPORT: frozenset({Role.DEPUTY, Role.SECRETARY}),
    Action.ACCESS_MANAGE: frozenset({Role.SECRETARY, Role.EPOS_ADMIN}),
    Action.ACCESS_REFUSE: frozenset({Role.DIRECTOR, Role.SECRETARY}),
    Action.OPTOUT_REGISTER: frozenset({Role.DEPUTY, Role.SECRETARY}),
    # seed 004: the e-journal's marks come from its administrator or the office; the office prints the week's
    # report for families on paper and records who received it.
    Action.GRADES_IMPORT: frozenset({Role.DEPUTY, Role.SECRETARY, Role.EPOS_ADMIN}),
    Action.PRINTOUTS_MANAGE: frozenset({Role.DEPUTY, Role.SECRETARY}),
    # seed 001: users reach the school's e-journal administrator through their class teacher, who brings the request
    # (and sees only the ones they brought: the service narrows it); the administrator corrects and writes to СТП;
    # the director and the deputy oversee. The contacts are the administrator's own, or the school's settings.
    Action.SUPPORT_VIEW: frozenset({Role.EPOS_ADMIN, Role.DIRECTOR, Role.DEPUTY, Role.CLASS_TEACHER}),
    Action.SUPPORT_CREATE: frozenset({Role.EPOS_ADMIN, Role.CLASS_TEACHER}),
    Action.SUPPORT_WORK: frozenset({Role.EPOS_ADMIN}),
    Action.SUPPORT_EXPORT: frozenset({Role.EPOS_ADMIN, Role.DIRECTOR, Role.DEPUTY}),
    Action.SUPPORT_CONTACTS: frozenset({Role.EPOS_ADMIN, Role.ADMIN, Role.DIRECTOR}),
    # Registers sent to the municipal body and the quarter's "how many, how fast": the office and its heads.
    Action.FAMILIES_EXPORT: frozenset({Role.DIRECTOR, Role.DEPUTY, Role.SECRETARY}),
    Action.REPORTS_SUMMARY: frozenset({Role.DIRECTOR, Role.DEPUTY, Role.SECRETARY}),
    # A backup is the whole database, every child's data: the administrator who runs the program, and the
    # director who answers for the data.
    Action.BACKUP_MANAGE: frozenset({Role.ADMIN, Role.DIRECTOR}),
}

#: What the built-in system actor (the periodic sweep) may do without a password.
SYSTEM_ACTIONS: frozenset[Action] = frozenset({Action.APPEALS_SWEEP})


def allowed_roles(action: Action) -> frozenset[Role]:
    return PERMISSIONS[action]


def is_allowed(roles: Iterable[Role], action: Action) -> bool:
    return not PERMISSIONS[action].isdisjoint(roles)


def format_roles(roles: Iterable[Role]) -> str:
    """«администратор, директор» in the order of the Role enum."""
    chosen = set(roles)
    return ", ".join(role.label for role in Role if role in chosen) or "нет ролей"


class ActorKind(StrEnum):
    USER = "user"  # a person who logged in
    SYSTEM = "system"  # the app itself: the periodic sweep
    BOOTSTRAP = "bootstrap"  # a database with no users yet: the person setting it up
    ANONYMOUS = "anonymous"  # nobody has logged in: only logging in is possible


@dataclass(frozen=True)
class Actor:
    """Who acts: recorded on every event and checked against PERMISSIONS on every call."""

    kind: ActorKind
    name: str
    login: str = ""
    user_id: int | None = None
    roles: frozenset[Role] = field(default_factory=frozenset)

    @classmethod
    def user(cls, user_id: int, login: str, name: str, roles: Iterable[Role]) -> Actor:
        return cls(ActorKind.USER, name, login, user_id, frozenset(roles))

    @classmethod
    def system(cls) -> Actor:
        return cls(ActorKind.SYSTEM, "Система (автоматически)", "system")

    @classmethod
    def bootstrap(cls, name: str) -> Actor:
        return cls(ActorKind.BOOTSTRAP, name)

    @classmethod
    def anonymous(cls) -> Actor:
        return cls(ActorKind.ANONYMOUS, "не выполнен вход")

    def may(self, action: Action) -> bool:
        if self.kind is ActorKind.BOOTSTRAP:
            return True
        if self.kind is ActorKind.SYSTEM:
            return action in SYSTEM_ACTIONS
        if self.kind is ActorKind.ANONYMOUS:
            return False
        return is_allowed(self.roles, action)

    def refusal(self, action: Action) -> str:
        """The Russian message for a refused action: what was refused, who may do it, what this person is."""
        if self.kind is ActorKind.ANONYMOUS:
            return f"Недостаточно прав: для действия «{action.label}» нужно войти в программу."
        who = format_roles(allowed_roles(action))
        mine = format_roles(self.roles) if self.kind is ActorKind.USER else self.name
        return f"Недостаточно прав: «{action.label}» доступно ролям: {who}. Ваши роли: {mine}."


# -- passwords and the login delay ------------------------------------------------------------------------

#: Wrong passwords in a row after which each further attempt must wait.
FREE_ATTEMPTS = 5
FIRST_DELAY = dt.timedelta(seconds=5)
MAX_DELAY = dt.timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 8


def login_delay(failures: int) -> dt.timedelta:
    """How long to wait after `failures` wrong passwords in a row: none for the first four, then 5 s after the
    fifth, doubling with each further failure, at most 15 minutes."""
    if failures < FREE_ATTEMPTS:
        return dt.timedelta(0)
    delay = FIRST_DELAY
    for _ in range(failures - FREE_ATTEMPTS):  # doubled step by step: 2**failures would overflow timedelta
        if delay >= MAX_DELAY:
            break
        delay *= 2
    return min(delay, MAX_DELAY)


def next_attempt_at(failures: int, last_failed_at: dt.datetime | None) -> dt.datetime | None:
    """When the next attempt is allowed, or None when it is allowed at once."""
    delay = login_delay(failures)
    if not delay or last_failed_at is None:
        return None
    return last_failed_at + delay


def password_problem(password: str, login: str = "") -> str | None:
    """What is wrong with a new password, in Russian, or None when it will do."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Пароль должен быть не короче {MIN_PASSWORD_LENGTH} знаков."
    if password.strip() != password:
        return "Пароль не должен начинаться или заканчиваться пробелом."
    if login and password.lower() == login.lower():
        return "Пароль не должен совпадать с логином."
    if password.isdigit() and len(set(password)) <= 2:
        return "Пароль слишком простой."
    return None
