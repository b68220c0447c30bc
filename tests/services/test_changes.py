"""The cheap change check the main window polls, on SQLite and PostgreSQL: the token is the newest event id and grows
with a change; `since` names what changed and whether somebody else did it; looks at personal data are not changes."""

from __future__ import annotations

import pytest

from desktop.domain.access import Actor, Role
from desktop.services.changes import ChangesService
from desktop.services.registry import Services


@pytest.fixture
def two_users(services: Services, monkeypatch: pytest.MonkeyPatch) -> tuple[Services, Services]:
    """Two administrators of the same database, each with their own services (as on two computers)."""
    monkeypatch.setattr("desktop.services.users.hash_password", lambda password: "not-a-real-hash")
    acting = []
    for login, name in (("first", "Первая Анна Ивановна"), ("second", "Второй Иван Петрович")):
        info = services.users.add(login, name, [Role.ADMIN], "Пароль-для-теста-1", must_change=False)
        acting.append(services.as_actor(Actor.user(info.id, info.login, info.full_name, info.roles)))
    return acting[0], acting[1]


def test_the_token_grows_with_a_change_by_another_user(two_users: tuple[Services, Services]) -> None:
    first, second = two_users
    assert isinstance(first.changes, ChangesService)
    token = first.changes.token()
    assert token > 0  # adding the users was logged
    assert first.changes.since(token).changed is False

    second.settings.set("school_short_name", "Школа № 7")
    assert first.changes.token() > token
    seen = first.changes.since(token)
    assert seen.changed and seen.changed_by_others
    assert seen.entities == {"settings": 1} and seen.by_others == {"settings": 1}
    assert seen.touches("settings") and not seen.touches("ticket", "appeal")
    assert seen.text() == "настройки школы: 1"
    assert seen.token == first.changes.token()
    assert first.changes.since(seen.token).changed is False  # the next look starts from there

    own = second.changes.since(token)  # the same change, seen by who made it
    assert own.changed and not own.changed_by_others


def test_looks_at_personal_data_and_logins_are_not_changes(two_users: tuple[Services, Services]) -> None:
    first, second = two_users
    token = first.changes.token()
    with second.ctx.transaction() as session:
        second.ctx.record(session, "student", 1, "open", kind="access")
        second.ctx.record(session, "login", "second", "login", kind="auth")
    seen = first.changes.since(token)
    assert not seen.changed and seen.token > token

    second.users.set_roles("first", [Role.ADMIN, Role.SECRETARY])
    first.settings.set("school_short_name", "Школа № 8")
    seen = first.changes.since(token)
    assert seen.entities == {"user": 1, "settings": 1}
    assert seen.by_others == {"user": 1}  # the first user's own change is theirs


def test_the_system_is_somebody_else(two_users: tuple[Services, Services]) -> None:
    first, _second = two_users
    token = first.changes.token()
    system = first.as_actor(Actor.system())
    with system.ctx.transaction() as session:
        system.ctx.record(session, "appeal", 1, "escalate")
    assert first.changes.since(token).by_others == {"appeal": 1}
    assert system.changes.since(token).by_others == {}
