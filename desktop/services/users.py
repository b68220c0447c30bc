"""People and their rights: logging in (with a growing delay after wrong passwords), the first administrator,
the administrator's management of users, and everyone's own password."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.domain.access import (
    Action,
    Actor,
    ActorKind,
    Role,
    format_roles,
    next_attempt_at,
    password_problem,
)
from desktop.domain.russian import plural
from desktop.services.context import ServiceContext
from desktop.services.errors import AuthenticationFailed, ServiceError, ValidationError
from desktop.services.passwords import dummy_hash, hash_password, verify_password
from desktop.store.models import LoginAttempts, User, UserRole

_LOGIN = re.compile(r"^[a-z][a-z0-9._-]{1,31}$")
_NAME = re.compile(r"^[А-ЯЁа-яёA-Za-z][А-ЯЁа-яёA-Za-z.\-' ]*$")
WRONG_CREDENTIALS = "Неверный логин или пароль."


@dataclass(frozen=True)
class UserInfo:
    """A user as the lists and the command line show it (never the password hash)."""

    id: int
    login: str
    full_name: str
    roles: frozenset[Role]
    active: bool
    must_change_password: bool
    created_at: dt.datetime

    @property
    def roles_text(self) -> str:
        return format_roles(self.roles)

    @property
    def state_text(self) -> str:
        return "активен" if self.active else "заблокирован"


def _info(user: User) -> UserInfo:
    return UserInfo(
        id=user.id,
        login=user.login,
        full_name=user.full_name,
        roles=frozenset(Role(r.role) for r in user.roles),
        active=user.active,
        must_change_password=user.must_change_password,
        created_at=user.created_at,
    )


def _actor(user: User) -> Actor:
    return Actor.user(user.id, user.login, user.full_name, (Role(r.role) for r in user.roles))


def normalize_login(login: str) -> str:
    return login.strip().lower()


def check_login(login: str) -> str:
    login = normalize_login(login)
    if not _LOGIN.match(login):
        raise ValidationError(
            {
                "login": f"Логин «{login}» не подходит: 2–32 латинские буквы, цифры, точка, дефис или подчёркивание, "
                "начиная с буквы (например, ivanova или n.ivanova)."
            }
        )
    return login


def check_name(name: str) -> str:
    name = " ".join(name.split())
    if not name or not _NAME.match(name) or len(name) > 200:
        raise ValidationError({"full_name": "ФИО: буквами, например «Иванова Наталья Сергеевна»."})
    return name


def check_roles(roles: Iterable[Role | str]) -> frozenset[Role]:
    chosen: set[Role] = set()
    for role in roles:
        try:
            chosen.add(Role(role))
        except ValueError:
            allowed = ", ".join(f"{r.value} ({r.label})" for r in Role)
            raise ValidationError({"roles": f"Неизвестная роль «{role}». Допустимые роли: {allowed}."}) from None
    if not chosen:
        raise ValidationError({"roles": "Укажите хотя бы одну роль."})
    return frozenset(chosen)


def check_password(password: str, login: str = "") -> str:
    problem = password_problem(password, login)
    if problem:
        raise ValidationError({"password": problem})
    return password


def _wait_text(seconds: float) -> str:
    s = max(1, round(seconds))
    if s < 60:
        return f"{s} {plural(s, 'секунду', 'секунды', 'секунд')}"
    m = (s + 59) // 60
    return f"{m} {plural(m, 'минуту', 'минуты', 'минут')}"


class UsersService:
    """Users and logging in. Management needs the administrator's right; logging in needs nobody's."""

    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    # -- who is there ------------------------------------------------------------------------------

    def count(self) -> int:
        """How many users exist (0: a new database, set up without logging in)."""
        with self._ctx.transaction() as session:
            return int(session.scalar(select(func.count()).select_from(User)) or 0)

    def list(self) -> list[UserInfo]:
        self._ctx.require(Action.USERS_MANAGE)
        with self._ctx.transaction() as session:
            return [_info(u) for u in session.scalars(select(User).order_by(User.full_name, User.login))]

    def get(self, login: str) -> UserInfo:
        self._ctx.require(Action.USERS_MANAGE)
        with self._ctx.transaction() as session:
            return _info(self._find(session, login))

    def _find(self, session: Session, login: str) -> User:
        user = session.scalar(select(User).where(User.login == normalize_login(login)))
        if user is None:
            raise ServiceError(f"Пользователь «{normalize_login(login)}» не найден.")
        return user

    # -- logging in --------------------------------------------------------------------------------

    def authenticate(self, login: str, password: str) -> Actor:
        """The actor for a login and password, or AuthenticationFailed with the reason in Russian.

        After five wrong passwords in a row for a login, each further attempt waits a growing delay; an
        attempt made too early is refused without looking at the password. Successes and failures are logged.
        """
        key = normalize_login(login)[:64]
        now = self._ctx.clock()
        with self._ctx.transaction() as session:
            attempts = session.get(LoginAttempts, key)
            if attempts is not None:
                allowed_at = next_attempt_at(attempts.failures, attempts.last_failed_at)
                if allowed_at is not None and now < allowed_at:
                    raise AuthenticationFailed(
                        f"Слишком много неверных попыток входа подряд ({attempts.failures}). "
                        f"Следующая попытка — через {_wait_text((allowed_at - now).total_seconds())}."
                    )
            user = session.scalar(select(User).where(User.login == key))
            good = verify_password(password, user.password_hash if user is not None else dummy_hash())
            if user is None or not good:
                if attempts is None:
                    attempts = LoginAttempts(login=key, failures=0, last_failed_at=now)
                    session.add(attempts)
                attempts.failures += 1
                attempts.last_failed_at = now
                self._ctx.record(
                    session, "login", key, "failed", None, {"failures": attempts.failures}, kind="auth"
                )
                failed = attempts.failures
            elif not user.active:
                self._ctx.record(session, "login", key, "refused_blocked", kind="auth")
                failed = -1
            else:
                if attempts is not None:
                    session.delete(attempts)
                actor = _actor(user)
                self._ctx.record(session, "login", actor.login, "login", kind="auth", actor=actor)
                return actor
        if failed == -1:
            raise AuthenticationFailed("Учётная запись заблокирована. Обратитесь к администратору программы.")
        raise AuthenticationFailed(WRONG_CREDENTIALS)

    def record_lock(self, actor: Actor, action: str) -> None:
        """Log that the window was locked ("lock", "idle_lock") or unlocked ("unlock")."""
        with self._ctx.transaction() as session:
            self._ctx.record(session, "login", actor.login, action, kind="auth", actor=actor)

    def must_change_password(self, actor: Actor) -> bool:
        if actor.user_id is None:
            return False
        with self._ctx.transaction() as session:
            user = session.get(User, actor.user_id)
            return bool(user is not None and user.must_change_password)

    # -- the first administrator -------------------------------------------------------------------

    def create_first_admin(self, login: str, full_name: str, password: str) -> UserInfo:
        """The first user of a new database, an administrator; refused once any user exists."""
        login, full_name = check_login(login), check_name(full_name)
        check_password(password, login)
        with self._ctx.transaction() as session:
            if session.scalar(select(func.count()).select_from(User)):
                raise ServiceError("Администратор уже создан: новых пользователей добавляет администратор.")
            user = self._add(session, login, full_name, {Role.ADMIN}, password, must_change=False)
            return _info(user)

    # -- the administrator's work -------------------------------------------------------------------

    def add(
        self, login: str, full_name: str, roles: Iterable[Role | str], password: str, *, must_change: bool = True
    ) -> UserInfo:
        """A new user; with `must_change` they choose their own password at the first login."""
        self._ctx.require(Action.USERS_MANAGE)
        login, full_name, chosen = check_login(login), check_name(full_name), check_roles(roles)
        check_password(password, login)
        with self._ctx.transaction() as session:
            if session.scalar(select(User.id).where(User.login == login)) is not None:
                raise ValidationError({"login": f"Логин «{login}» уже занят."})
            return _info(self._add(session, login, full_name, chosen, password, must_change=must_change))

    def _add(
        self, session: Session, login: str, full_name: str, roles: Iterable[Role], password: str, *, must_change: bool
    ) -> User:
        now = self._ctx.clock()
        user = User(
            login=login,
            full_name=full_name,
            password_hash=hash_password(password),
            active=True,
            must_change_password=must_change,
            created_at=now,
            password_changed_at=now,
        )
        user.roles = [UserRole(role=role.value) for role in sorted(roles)]
        session.add(user)
        session.flush()
        self._ctx.record(
            session,
            "user",
            login,
            "add",
            None,
            {"full_name": full_name, "roles": sorted(r.value for r in roles), "active": True},
        )
        return user

    def set_roles(self, login: str, roles: Iterable[Role | str]) -> UserInfo:
        self._ctx.require(Action.USERS_MANAGE)
        chosen = check_roles(roles)
        with self._ctx.transaction() as session:
            user = self._find(session, login)
            before = sorted(r.role for r in user.roles)
            if Role.ADMIN.value in before and Role.ADMIN not in chosen:
                self._keep_an_admin(session, user)
            after = sorted(r.value for r in chosen)
            if before != after:
                user.roles = [UserRole(role=role) for role in after]
                self._ctx.record(session, "user", user.login, "set_roles", {"roles": before}, {"roles": after})
            session.flush()
            return _info(user)

    def rename(self, login: str, full_name: str) -> UserInfo:
        self._ctx.require(Action.USERS_MANAGE)
        full_name = check_name(full_name)
        with self._ctx.transaction() as session:
            user = self._find(session, login)
            if user.full_name != full_name:
                self._ctx.record(session, "user", user.login, "rename", {"full_name": user.full_name}, {"full_name": full_name})
                user.full_name = full_name
            return _info(user)

    def block(self, login: str) -> UserInfo:
        """Block a user: they can no longer log in; their records stay."""
        return self._set_active(login, False)

    def unblock(self, login: str) -> UserInfo:
        return self._set_active(login, True)

    def _set_active(self, login: str, active: bool) -> UserInfo:
        self._ctx.require(Action.USERS_MANAGE)
        with self._ctx.transaction() as session:
            user = self._find(session, login)
            if not active and user.id == self._ctx.actor.user_id:
                raise ServiceError("Нельзя заблокировать самого себя.")
            if not active and any(r.role == Role.ADMIN.value for r in user.roles):
                self._keep_an_admin(session, user)
            if user.active != active:
                self._ctx.record(session, "user", user.login, "unblock" if active else "block", {"active": user.active}, {"active": active})
                user.active = active
                if active:
                    attempts = session.get(LoginAttempts, user.login)
                    if attempts is not None:
                        session.delete(attempts)
            return _info(user)

    def _keep_an_admin(self, session: Session, leaving: User) -> None:
        others = session.scalar(
            select(func.count())
            .select_from(User)
            .join(UserRole)
            .where(UserRole.role == Role.ADMIN.value, User.active.is_(True), User.id != leaving.id)
        )
        if not others:
            raise ServiceError(
                f"«{leaving.full_name}» — единственный действующий администратор: сначала назначьте другого."
            )

    def reset_password(self, login: str, new_password: str) -> UserInfo:
        """Set a temporary password; the user must change it at the next login. Also lifts the login delay."""
        self._ctx.require(Action.USERS_MANAGE)
        with self._ctx.transaction() as session:
            user = self._find(session, login)
            check_password(new_password, user.login)
            user.password_hash = hash_password(new_password)
            user.password_changed_at = self._ctx.clock()
            user.must_change_password = True
            attempts = session.get(LoginAttempts, user.login)
            if attempts is not None:
                session.delete(attempts)
            self._ctx.record(session, "user", user.login, "reset_password")
            return _info(user)

    # -- everyone's own password ----------------------------------------------------------------------

    def change_own_password(self, old_password: str, new_password: str) -> None:
        actor = self._ctx.actor
        if actor.kind is not ActorKind.USER or actor.user_id is None:
            raise ServiceError("Сменить пароль можно, только войдя в программу под своим логином.")
        with self._ctx.transaction() as session:
            user = session.get(User, actor.user_id)
            if user is None or not verify_password(old_password, user.password_hash):
                raise ValidationError({"old_password": "Текущий пароль введён неверно."})
            check_password(new_password, user.login)
            if old_password == new_password:
                raise ValidationError({"password": "Новый пароль должен отличаться от текущего."})
            user.password_hash = hash_password(new_password)
            user.password_changed_at = self._ctx.clock()
            user.must_change_password = False
            self._ctx.record(session, "user", user.login, "change_password")

