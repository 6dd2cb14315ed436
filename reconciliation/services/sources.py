"""Source systems (hệ thống nguồn): national configuration, and their API identities.

A source system authenticates with the API token of its system account (``accounts.SystemAccount``,
linked by ``system_code`` = ``SourceSystem.code``); the account's scope is an ordinary role on the
owning agency, so the permission gate needs no special case.

Only national administrators (and the command line, which acts as one) create a system, change its
kind, owner, name or active flag, or issue its token: a province that could register a portal-kind
system would replace the national portal in every province's reconciliation. Every change is
written to the audit log in its own transaction; a token is returned once and only its digest is
stored. A system's code never changes: procedures (``central_system``) and reported counts refer
to it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Literal, overload

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts import audit
from accounts.audit import AuditContext
from accounts.models import AuditAction, Role, RoleAssignment, SystemAccount
from accounts.services.delegation import grant_role, revoke_role
from accounts.services.tokens import active_token
from accounts.services.users import cli_actor, create_system_account, require_national, rotate_system_token
from tthc.models import Agency

from ..models import SINGLE_KINDS, SourceKind, SourceSystem

#: The fields a change may touch (``code`` is the natural key and never changes).
EDITABLE = ("name", "kind", "owner", "active")


class NotASourceSystem(PermissionDenied):
    """The user is not the account of an active source system."""


def _require_national(
    actor: Any,
    message: str,
    context: AuditContext,
    source: SourceSystem | None = None,
    agency: Agency | None = None,
) -> None:
    try:
        require_national(actor, message)
    except PermissionDenied as exc:
        audit.record_denial(
            actor,
            AuditAction.SOURCE_SYSTEM_CHANGE,
            exc,
            target=source,
            agency=agency or getattr(source, "owner", None),
            context=context,
        )
        raise


def _agency(value: Agency | str) -> Agency:
    if isinstance(value, Agency):
        return value
    try:
        return Agency.objects.get(code=value)
    except Agency.DoesNotExist:
        raise ValidationError({"owner": f"No agency has the code {value!r}."}) from None


def _check_single(kind: str, active: bool, exclude_pk: int | None = None) -> None:
    """A clear error before the database constraint would refuse a second active portal/reporting system."""
    if not active or kind not in SINGLE_KINDS:
        return
    others = SourceSystem.objects.filter(kind=kind, active=True)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    other = others.first()
    if other is not None:
        raise ValidationError(
            {
                "kind": f"{other.code} is already the active {SourceKind(kind).label} system; only one "
                "may be active: deactivate it first."
            }
        )


def _check_kind(kind: str) -> None:
    if kind not in SourceKind.values:
        raise ValidationError({"kind": f"Unknown kind {kind!r}; use one of {', '.join(SourceKind.values)}."})


def _validate(code: str, kind: str) -> None:
    if not code:
        raise ValidationError({"code": "A system code is required."})
    max_length = SourceSystem._meta.get_field("code").max_length
    if max_length is not None and len(code) > max_length:
        raise ValidationError({"code": f"The code {code!r} is longer than 40 characters."})
    _check_kind(kind)


def _snapshot(source: SourceSystem) -> dict[str, Any]:
    return {"name": source.name, "kind": source.kind, "owner": source.owner.code, "active": source.active}


def create_source_system(
    code: str,
    name: str,
    kind: str,
    agency_code: Agency | str,
    creator: Any = None,
    *,
    active: bool | None = None,
    rotate_token: bool = False,
    context: AuditContext | None = None,
) -> tuple[SourceSystem, str | None]:
    """Create a source system with its system account, or update the one with this ``code``.

    Returns the system and its NEW API token, or ``None`` when no token was issued: an existing system
    keeps its token unless ``rotate_token`` (then the old one stops working — the way to recover a
    lost token). ``active`` ``None``: a new system is active, an existing one keeps its flag.
    Idempotent on ``code``: running again with the same values changes nothing.
    ``creator`` defaults to the command line's actor; anyone else must be a national administrator.
    """
    actor = creator or cli_actor()
    context = context or (audit.CLI if creator is None else AuditContext())
    code = (code or "").strip()
    _validate(code, kind)
    owner = _agency(agency_code)
    existing = SourceSystem.objects.filter(code=code).select_related("owner").first()
    _require_national(
        actor,
        _("Only national administrators may create or change source systems."),
        context,
        source=existing,
        agency=owner,
    )
    with _conflicts_as_errors(), transaction.atomic():
        if existing is not None:
            values = {"name": name or existing.name, "kind": kind, "owner": owner}
            if active is not None:
                values["active"] = active
            source = update_source_system(actor, existing, context=context, **values)
            return source, ensure_token(actor, source, rotate=rotate_token, context=context)
        active = True if active is None else active
        _check_single(kind, active)
        source = SourceSystem.objects.create(
            code=code, name=(name or code).strip(), kind=kind, owner=owner, active=active
        )
        audit.record(
            AuditAction.SOURCE_SYSTEM_CREATE,
            actor=actor,
            target=source,
            agency=owner,
            context=context,
            details=_snapshot(source) | {"code": code},
        )
        return source, ensure_token(actor, source, rotate=True, context=context)


@contextmanager
def _conflicts_as_errors() -> Iterator[None]:
    """A concurrent write that the checks could not see (same code, a second active portal) reaches
    the database constraints: answer it as a validation error, not a server error."""
    try:
        yield
    except IntegrityError as exc:
        raise ValidationError(
            "The change conflicts with another source system written at the same time (same "
            "code, or a second active portal or reporting system); reload and retry."
        ) from exc


def update_source_system(
    actor: Any, source: SourceSystem, *, context: AuditContext | None = None, **values: Any
) -> SourceSystem:
    """Change a system's name, kind, owner or active flag (national administrators only); audited.

    Unchanged values write nothing. Moving a system to another owner also moves its system account's
    role, so its token writes for the new owner only.
    """
    context = context or AuditContext()
    unknown = set(values) - set(EDITABLE)
    if "code" in unknown:
        raise ValidationError(
            {
                "code": "A source system's code cannot change (procedures and reported counts refer "
                "to it): create a new system and deactivate this one."
            }
        )
    if unknown:
        raise ValidationError("Unknown field(s): %(fields)s.", params={"fields": ", ".join(sorted(unknown))})
    _require_national(
        actor, _("Only national administrators may create or change source systems."), context, source=source
    )
    if "owner" in values:
        values["owner"] = _agency(values["owner"])
    if "kind" in values:
        _check_kind(values["kind"])
    if "name" in values:
        values["name"] = (values["name"] or "").strip()
        if not values["name"]:
            raise ValidationError({"name": "A name is required."})
    with _conflicts_as_errors(), transaction.atomic():
        source = SourceSystem.objects.select_for_update().select_related("owner").get(pk=source.pk)
        before = _snapshot(source)
        for field, value in values.items():
            setattr(source, field, value)
        after = _snapshot(source)
        changes = {f: [before[f], after[f]] for f in before if before[f] != after[f]}
        if not changes:
            return source
        _check_single(source.kind, source.active, exclude_pk=source.pk)
        source.save(update_fields=[f for f in EDITABLE if f in values])
        if "owner" in changes:
            _move_account(actor, source, context)
        audit.record(
            AuditAction.SOURCE_SYSTEM_CHANGE,
            actor=actor,
            target=source,
            agency=source.owner,
            context=context,
            details={"code": source.code, "changes": changes},
        )
    return source


def _move_account(actor: Any, source: SourceSystem, context: AuditContext) -> None:
    """The system account follows its system to the new owner: its old roles are revoked, the same role granted."""
    account = SystemAccount.objects.filter(system_code=source.code).select_related("user").first()
    if account is None:
        return
    roles = list(RoleAssignment.objects.active().filter(user=account.user).select_related("agency"))
    role = Role.strongest(a.role for a in roles) or Role.OFFICER
    for assignment in roles:
        revoke_role(actor, assignment, context=context)
    grant_role(actor, account.user, source.owner, role, include_subunits=True, context=context)
    SystemAccount.objects.filter(pk=account.pk).update(agency=source.owner)


@overload
def ensure_token(
    actor: Any, source: SourceSystem, *, rotate: Literal[True], context: AuditContext | None = None
) -> str: ...
@overload
def ensure_token(
    actor: Any, source: SourceSystem, *, rotate: bool, context: AuditContext | None = None
) -> str | None: ...
def ensure_token(
    actor: Any, source: SourceSystem, *, rotate: bool, context: AuditContext | None = None
) -> str | None:
    """The system's account and a new token if it has none yet (or ``rotate``); ``None`` when kept."""
    account = SystemAccount.objects.filter(system_code=source.code).select_related("user", "agency").first()
    if account is None:
        return create_system_account(actor, source.owner, source.code, context=context)[1]
    if rotate or active_token(account.user) is None:
        return rotate_system_token(actor, account, context=context)
    return None


def rotate_source_token(actor: Any, source: SourceSystem, *, context: AuditContext | None = None) -> str:
    """A new API token for the system (its account is created if missing); national administrators only."""
    context = context or AuditContext()
    _require_national(
        actor,
        _("Only national administrators may issue a source system's API token."),
        context,
        source=source,
    )
    with transaction.atomic():
        return ensure_token(actor, source, rotate=True, context=context)


def source_for_user(user: Any) -> SourceSystem:
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
