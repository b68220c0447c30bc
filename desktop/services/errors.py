"""Errors the services raise: each carries a Russian message fit to show to the person as it is."""

from __future__ import annotations


class ServiceError(Exception):
    """A request that cannot be carried out; `str(error)` is the Russian message for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ValidationError(ServiceError):
    """Input that does not fit: `fields` maps each wrong field to what is wrong with it."""

    def __init__(self, fields: dict[str, str]) -> None:
        self.fields = dict(fields)
        super().__init__("\n".join(self.fields.values()))


class ConflictError(ServiceError):
    """The record was changed by somebody else since it was read; nothing was saved."""


class PermissionDenied(ServiceError):
    """The acting person's roles do not allow the action; nothing was done."""


class AuthenticationFailed(ServiceError):
    """A wrong login or password, a blocked user, or an attempt made before the delay has passed."""
