"""Delegation: the one place that decides who may grant and revoke roles.

The rules (each refusal names the rule it broke):

1. Nobody grants or revokes their own roles.
2. Only administrators (unit administrator and above) grant or revoke.
3. Only within their own subtree: the granter's role must cover the target agency. An assignment
   with sub-units needs the granter's role to cover the whole subtree (a granter whose own
   assignment is without sub-units can only grant without sub-units on that one agency).
4. Only roles strictly below their own role there. National administrators may grant any role,
   including national administrator; nobody else can grant it (it is above every other role).
5. A revocation follows the same rules: you may revoke what you could have granted.
6. System accounts hold only the officer or viewer role.
7. ``valid_until`` must be in the future. Expired and revoked assignments stop counting at once:
   the gate filters them in SQL on every request.

Each grant or revocation writes its audit row in the same transaction as the change; a refusal is
written as a ``permission.denied`` row.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.scope import is_active_user
from tthc.models import Agency

from .. import audit, gate
from ..audit import AuditContext
from ..models import ADMIN_ROLES, SYSTEM_ROLES, AuditAction, Role, RoleAssignment, User


class DelegationDenied(PermissionDenied):
    """A delegation rule refused the request; the message names the rule."""


def _may_grant(own_role: str | None, role: str) -> bool:
    if own_role == Role.NATIONAL_ADMIN:
        return True
    return own_role in ADMIN_ROLES and Role.rank(role) < Role.rank(own_role)


def _label(role: str) -> str:
    return str(Role(role).label) if role in Role.values else role


def check_grant(
    granter: Any,
    user: User | None,
    agency: Agency,
    role: str,
    include_subunits: bool = True,
    valid_until: datetime | None = None,
) -> None:
    """Raise ``DelegationDenied`` / ``ValidationError`` if ``granter`` may not grant this assignment.

    ``user`` may be ``None`` for an account about to be created.
    """
    if role not in Role.values:
        raise ValidationError(_("Unknown role %(role)s."), params={"role": role})
    if valid_until is not None and valid_until <= timezone.now():
        raise ValidationError(_("The end of validity must be in the future."))
    if not is_active_user(granter):
        raise DelegationDenied(_("Only an active, logged-in administrator can grant roles."))
    if user is not None and user.pk == granter.pk:
        raise DelegationDenied(_("Nobody can grant a role to themselves."))
    if user is not None and user.is_system and role not in SYSTEM_ROLES:
        raise ValidationError(_("A system account can only hold the officer or viewer role."))
    own = gate.role_on(granter, agency)
    if own is None:
        raise DelegationDenied(_("%(agency)s is outside your subtree.") % {"agency": agency})
    if own not in ADMIN_ROLES:
        raise DelegationDenied(
            _("Only administrators can grant roles; your role on %(agency)s is %(own)s.")
            % {"agency": agency, "own": _label(own)}
        )
    if include_subunits:
        own = gate.role_on(granter, agency, whole_subtree=True)
        if own not in ADMIN_ROLES:
            raise DelegationDenied(
                _("Your role on %(agency)s does not cover its sub-units: grant it without sub-units.")
                % {"agency": agency}
            )
    if not _may_grant(own, role):
        if role == Role.NATIONAL_ADMIN:
            raise DelegationDenied(
                _("Only a national administrator can grant the national administrator role.")
            )
        raise DelegationDenied(
            _("You can only grant roles below your own (%(own)s) on %(agency)s; %(role)s is not below it.")
            % {"own": _label(own), "agency": agency, "role": _label(role)}
        )


def check_revoke(revoker: Any, assignment: RoleAssignment) -> None:
    """Raise if ``revoker`` may not revoke ``assignment`` (the grant rules, applied to it)."""
    if assignment.revoked_at is not None:
        raise ValidationError(_("This assignment has already been revoked."))
    if not is_active_user(revoker):
        raise DelegationDenied(_("Only an active, logged-in administrator can revoke roles."))
    if assignment.user_id == revoker.pk:
        raise DelegationDenied(_("Nobody can revoke their own role."))
    agency = assignment.agency
    own = gate.role_on(revoker, agency, whole_subtree=assignment.include_subunits)
    if own is None and gate.role_on(revoker, agency) is None:
        raise DelegationDenied(_("%(agency)s is outside your subtree.") % {"agency": agency})
    if not _may_grant(own, assignment.role):
        raise DelegationDenied(
            _(
                "You can only revoke roles below your own on %(agency)s (with its sub-units if the role covers them)."
            )
            % {"agency": agency}
        )


def _details(
    user: User | None,
    agency: Agency,
    role: str,
    include_subunits: bool,
    valid_until: datetime | None,
) -> dict[str, Any]:
    return {
        "user": user.username if user is not None else None,
        "agency": agency.code,
        "role": role,
        "include_subunits": include_subunits,
        "valid_until": valid_until.isoformat() if valid_until else None,
    }


def _create_assignment(
    granter: Any,
    user: User,
    agency: Agency,
    role: str,
    include_subunits: bool,
    valid_until: datetime | None,
    context: AuditContext | None,
) -> RoleAssignment:
    """Create the row and its audit entry (caller holds the transaction and has checked the rules)."""
    now = timezone.now()
    replaced = []
    for old in RoleAssignment.objects.select_for_update().filter(
        user=user, agency=agency, role=role, revoked_at__isnull=True
    ):
        old.revoked_at, old.revoked_by = now, granter
        old.save(update_fields=["revoked_at", "revoked_by"])
        replaced.append(old.pk)
    assignment = RoleAssignment.objects.create(
        user=user,
        agency=agency,
        role=role,
        include_subunits=include_subunits,
        granted_by=granter,
        granted_at=now,
        valid_until=valid_until,
    )
    details = _details(user, agency, role, include_subunits, valid_until)
    if replaced:
        details["replaces"] = replaced
    audit.record(
        AuditAction.GRANT, actor=granter, target=assignment, agency=agency, details=details, context=context
    )
    gate.forget(user)
    return assignment


def grant_role(
    granter: Any,
    user: User,
    agency: Agency,
    role: str,
    *,
    include_subunits: bool = True,
    valid_until: datetime | None = None,
    context: AuditContext | None = None,
) -> RoleAssignment:
    """Grant ``role`` on ``agency`` to ``user``; an active identical grant is replaced (re-dated)."""
    try:
        with transaction.atomic():
            check_grant(granter, user, agency, role, include_subunits, valid_until)
            return _create_assignment(granter, user, agency, role, include_subunits, valid_until, context)
    except PermissionDenied as exc:
        audit.record_denial(
            granter,
            AuditAction.GRANT,
            exc,
            agency=agency,
            context=context,
            details=_details(user, agency, role, include_subunits, valid_until),
        )
        raise


def revoke_role(
    revoker: Any, assignment: RoleAssignment, *, context: AuditContext | None = None
) -> RoleAssignment:
    """Revoke an assignment now; the gate stops counting it on the next request."""
    original = assignment
    try:
        with transaction.atomic():
            assignment = (
                RoleAssignment.objects.select_for_update()
                .select_related("agency", "user")
                .get(pk=assignment.pk)
            )
            check_revoke(revoker, assignment)
            assignment.revoked_at, assignment.revoked_by = timezone.now(), revoker
            assignment.save(update_fields=["revoked_at", "revoked_by"])
            audit.record(
                AuditAction.REVOKE,
                actor=revoker,
                target=assignment,
                agency=assignment.agency,
                context=context,
                details=_details(
                    assignment.user,
                    assignment.agency,
                    assignment.role,
                    assignment.include_subunits,
                    assignment.valid_until,
                ),
            )
    except PermissionDenied as exc:
        audit.record_denial(
            revoker, AuditAction.REVOKE, exc, agency=assignment.agency, target=assignment, context=context
        )
        raise
    user_field = RoleAssignment._meta.get_field("user")
    for row in (original, assignment):
        if user_field.is_cached(row):
            gate.forget(row.user)
    return assignment


def revoke_matching(
    revoker: Any,
    user: User,
    agency: Agency,
    role: str,
    *,
    context: AuditContext | None = None,
) -> list[RoleAssignment]:
    """Revoke the user's active assignments of ``role`` on ``agency`` (the CLI's form)."""
    rows = list(RoleAssignment.objects.active().filter(user=user, agency=agency, role=role))
    if not rows:
        raise ValidationError(
            _("%(user)s holds no active %(role)s role on %(agency)s.")
            % {"user": user, "role": role, "agency": agency}
        )
    return [revoke_role(revoker, row, context=context) for row in rows]


def grantable_roles(granter: Any) -> list[str]:
    """Roles the granter may grant somewhere (the page narrows it per agency through the rules)."""
    top = gate.highest_role(granter)
    return [r for r in Role.values if _may_grant(top, r)]


def can_manage_user(actor: Any, target: User) -> bool:
    """Whether ``actor`` may edit ``target``'s account (name, e-mail, password, active, staff).

    Only if the actor could have granted every active role the target holds, so that nobody can
    take over an account that holds power outside (or above) their own.
    """
    if actor is None or not actor.is_authenticated or target.pk == actor.pk:
        return False
    if target.is_superuser and not actor.is_superuser:
        return False
    if gate.is_national(actor):
        return True
    held = list(RoleAssignment.objects.active().filter(user=target).select_related("agency"))
    return bool(held) and all(
        _may_grant(gate.role_on(actor, a.agency, whole_subtree=a.include_subunits), a.role) for a in held
    )
