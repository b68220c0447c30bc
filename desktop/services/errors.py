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


class DatabaseUnavailable(ServiceError):
    """The database could not do the work just now (busy, read-only, full, or the server unreachable); nothing of
    the unit of work was saved. `retry` says whether simply trying again later may succeed."""

    retry = True


class DatabaseBusy(DatabaseUnavailable):
    """Another computer or program holds the database's write lock longer than we wait."""


class DatabaseReadOnly(DatabaseUnavailable):
    """The database file, its folder, or the server accepts reading only."""

    retry = False


class DatabaseFull(DatabaseUnavailable):
    """No space left on the disk (or the server's disk) that holds the database."""

    retry = False


class DatabaseBroken(DatabaseUnavailable):
    """The file cannot be opened, read or written as a database: a disk, network folder or file at fault."""

    retry = False


class ServerUnreachable(DatabaseUnavailable):
    """The PostgreSQL server does not answer or dropped the connection; the next call connects anew."""
