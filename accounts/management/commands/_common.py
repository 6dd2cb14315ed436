"""Shared lookups for the role commands: clear errors instead of tracebacks."""

from django.core.management.base import CommandError

from tthc.models import Agency

from ...models import Role, User


def role_arg(value: str) -> str:
    if value not in Role.values:
        raise CommandError(f"unknown role {value!r}; use one of: {', '.join(Role.values)}")
    return value


def agency_arg(code: str) -> Agency:
    agency = Agency.objects.filter(code=code).first()
    if agency is None:
        raise CommandError(
            f"no agency with code {code!r} (load the reference data first: seed_demo or import_agencies)"
        )
    return agency


def user_arg(username: str) -> User | None:
    return User.objects.filter(username=username).first()
