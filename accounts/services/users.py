"""Creating accounts: people (with their first role, in one transaction) and source systems."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tthc.models import Agency

from .. import audit, gate
from ..audit import AuditContext
from ..models import ADMIN_ROLES, AuditAction, Role, RoleAssignment, SystemAccount, User
from .delegation import DelegationDenied, check_grant, grant_role
from .tokens import issue_token

CLI_USERNAME = "system.cli"


def cli_actor() -> User:
    """The command line's actor: a system superuser that cannot log in (no password, no token).

    The commands act as the national administrator; audit rows carry ``source: cli`` and this actor.
    """
    user, created = User.objects.get_or_create(
        username=CLI_USERNAME,
        defaults={
            "is_system": True,
            "is_superuser": True,
            "full_name": "Command line (national administrator)",
        },
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def create_user(
    creator: Any,
    username: str,
    password: str | None = None,
    *,
    email: str = "",
    full_name: str = "",
    is_staff: bool = False,
    context: AuditContext | None = None,
) -> User:
    """Create a person's account; only administrators may. Call it in the grant's transaction."""
    if not gate.has_role(creator, ADMIN_ROLES[-1]):
        raise DelegationDenied(_("Only administrators can create accounts."))
    username = (username or "").strip()
    if not username:
        raise ValidationError({"username": _("A username is required.")})
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError(
            {"username": _("The username %(username)s is already taken.") % {"username": username}}
        )
    user = User(username=username, email=email, full_name=full_name, is_staff=is_staff)
    if password:
        validate_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    audit.record(
        AuditAction.USER_CREATE,
        actor=creator,
        target=user,
        context=context,
        details={"username": username, "is_staff": is_staff},
    )
    return user


def grant_role_to_new_user(
    granter: Any,
    username: str,
    password: str | None,
    agency: Agency,
    role: str,
    *,
    include_subunits: bool = True,
    valid_until: datetime | None = None,
    email: str = "",
    full_name: str = "",
    is_staff: bool = False,
    context: AuditContext | None = None,
) -> tuple[User, RoleAssignment]:
    """Create an account and grant its first role atomically (the rules are checked first)."""
    try:
        check_grant(granter, None, agency, role, include_subunits, valid_until)
    except PermissionDenied as exc:
        audit.record_denial(
            granter,
            AuditAction.GRANT,
            exc,
            agency=agency,
            context=context,
            details={"user": username, "role": role, "agency": agency.code},
        )
        raise
    with transaction.atomic():
        user = create_user(
            granter, username, password, email=email, full_name=full_name, is_staff=is_staff, context=context
        )
        assignment = grant_role(
            granter,
            user,
            agency,
            role,
            include_subunits=include_subunits,
            valid_until=valid_until,
            context=context,
        )
    return user, assignment


def require_national(actor: Any, message: str) -> None:
    """Source systems and their API identities are national configuration: only national
    administrators (and the command line's actor) create them, change them or issue their tokens.
    ``message`` says what was refused."""
    if not gate.is_national(actor):
        raise DelegationDenied(message)


def create_system_account(
    creator: Any,
    agency: Agency,
    system_code: str,
    *,
    role: str = Role.OFFICER,
    context: AuditContext | None = None,
) -> tuple[SystemAccount, str]:
    """A source system's account: system user + API token + a role on its owning agency.

    Only national administrators may create one. Returns the account and the token key (shown once
    to the person who created it; only its digest is stored).
    """
    system_code = (system_code or "").strip()
    if not system_code:
        raise ValidationError({"system_code": _("A system code is required.")})
    try:
        require_national(creator, _("Only national administrators may create system accounts."))
        check_grant(creator, None, agency, role, True, None)
        if role not in (Role.OFFICER, Role.VIEWER):
            raise ValidationError(_("A system account can only hold the officer or viewer role."))
    except PermissionDenied as exc:
        audit.record_denial(
            creator,
            AuditAction.SYSTEM_ACCOUNT_CREATE,
            exc,
            agency=agency,
            context=context,
            details={"system_code": system_code},
        )
        raise
    with transaction.atomic():
        if SystemAccount.objects.filter(system_code=system_code).exists():
            raise ValidationError(
                {"system_code": _("System %(code)s already has an account.") % {"code": system_code}}
            )
        user = User(username=f"system.{system_code.lower()}", is_system=True, full_name=system_code)
        user.set_unusable_password()
        user.save()
        account = SystemAccount.objects.create(
            user=user, agency=agency, system_code=system_code, created_by=creator
        )
        audit.record(
            AuditAction.SYSTEM_ACCOUNT_CREATE,
            actor=creator,
            target=account,
            agency=agency,
            context=context,
            details={"system_code": system_code, "role": role},
        )
        grant_role(creator, user, agency, role, include_subunits=True, context=context)
        key = issue_token(
            user,
            actor=creator,
            target=account,
            agency=agency,
            context=context,
            details={"system_code": system_code},
        )
    return account, key


def rotate_system_token(actor: Any, account: SystemAccount, *, context: AuditContext | None = None) -> str:
    """A new API token for a system account (the old one stops working at once); national only."""
    try:
        require_national(actor, _("Only national administrators may issue a source system's API token."))
    except PermissionDenied as exc:
        audit.record_denial(
            actor,
            AuditAction.TOKEN_ROTATE,
            exc,
            agency=account.agency,
            context=context,
            details={"system_code": account.system_code},
        )
        raise
    with transaction.atomic():
        account = (
            SystemAccount.objects.select_for_update().select_related("user", "agency").get(pk=account.pk)
        )
        return issue_token(
            account.user,
            actor=actor,
            target=account,
            agency=account.agency,
            context=context,
            details={"system_code": account.system_code},
        )
