"""Source systems (hệ thống nguồn) and their API identities.

A source system authenticates with the DRF token of its system account
(``accounts.SystemAccount``, linked by ``system_code`` = ``SourceSystem.code``); the account's
scope is an ordinary role on the owning agency, so the permission gate needs no special case.
"""
from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from rest_framework.authtoken.models import Token

from tthc.models import Agency

from ..models import SourceKind, SourceSystem


class NotASourceSystem(PermissionDenied):
    """The user is not the account of an active source system."""


@transaction.atomic
def create_source_system(code: str, name: str, kind: str, agency_code: str, creator=None) -> tuple[SourceSystem, str]:
    """Create (or update, by ``code``) a source system and return it with a NEW API token.

    Idempotent on ``code``: running again updates name, kind and owner, keeps the system account,
    and rotates its token (the old one stops working) — the way to recover a lost token.
    """
    from accounts.models import SystemAccount
    from accounts.services.users import cli_actor, create_system_account

    code = (code or "").strip()
    if not code:
        raise ValidationError({"code": "A system code is required."})
    if kind not in SourceKind.values:
        raise ValidationError({"kind": f"Unknown kind {kind!r}; use one of {', '.join(SourceKind.values)}."})
    try:
        agency = Agency.objects.get(code=agency_code)
    except Agency.DoesNotExist:
        raise ValidationError({"agency": f"No agency has the code {agency_code!r}."}) from None
    source, _ = SourceSystem.objects.update_or_create(
        code=code, defaults={"name": name or code, "kind": kind, "owner": agency}
    )
    account = SystemAccount.objects.filter(system_code=code).select_related("user").first()
    if account is None:
        _, key = create_system_account(creator or cli_actor(), agency, code)
        return source, key
    Token.objects.filter(user=account.user).delete()
    return source, Token.objects.create(user=account.user).key


def source_for_user(user) -> SourceSystem:
    """The active source system a token's user speaks for, or ``NotASourceSystem``."""
    account = getattr(user, "system_account", None) if user is not None and user.is_authenticated else None
    if account is None:
        raise NotASourceSystem("This account is not a source system's account.")
    source = SourceSystem.objects.filter(code=account.system_code).first()
    if source is None:
        raise NotASourceSystem(f"No source system is registered with the code {account.system_code}.")
    if not source.active or not user.is_active:
        raise NotASourceSystem(f"The source system {account.system_code} is not active.")
    return source
