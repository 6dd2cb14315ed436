"""Users, their roles on the agency tree, system accounts, and the append-only audit log.

Who may see what is decided in one place, ``accounts.gate``, from the active ``RoleAssignment``
rows; who may grant or revoke those rows is decided in one place, ``accounts.services.delegation``.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.roles import ADMIN_ROLES, Role
from core.scope import Scope, scope_of

__all__ = [
    "ADMIN_ROLES",
    "SYSTEM_ROLES",
    "ApiToken",
    "AuditAction",
    "AuditLog",
    "Role",
    "RoleAssignment",
    "SystemAccount",
    "User",
]

#: The only roles a source system's account may hold.
SYSTEM_ROLES = (Role.OFFICER, Role.VIEWER)


class UserQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Users holding an assignment on an agency the user sees, plus the user themself."""
        scope = scope_of(user)
        if scope.is_national:
            return self
        if not (user and user.is_authenticated):
            return self.none()
        holders = RoleAssignment.objects.filter(scope.agency_q("agency")).values("user_id")
        return self.filter(Q(pk=user.pk) | Q(pk__in=holders))


class PlatformUserManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    """A platform user: an officer, leader, administrator, or a source system's account."""

    full_name = models.CharField(_("full name"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    is_system = models.BooleanField(
        _("system account"),
        default=False,
        help_text=_("An account used by a source system through an API token; it cannot log in to pages."),
    )

    objects = PlatformUserManager()

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def scope(self) -> Scope:
        """What this user may see, computed by the permission gate and cached on this object.

        The models below ``accounts`` read it (``core.scope.scope_of``) instead of calling the gate.
        """
        from . import gate  # the gate imports this module (RoleAssignment)

        return gate.scope(self)


class RoleAssignmentQuerySet(models.QuerySet):
    def active(self, at=None):
        """Not revoked and not expired: the gate's filter, evaluated in SQL on every request."""
        at = at or timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gt=at)
        )

    def visible_to(self, user):
        """Assignments on agencies the user sees, plus the user's own."""
        scope = scope_of(user)
        if scope.is_national:
            return self
        if not (user and user.is_authenticated):
            return self.none()
        return self.filter(scope.agency_q("agency") | Q(user=user))


class RoleAssignment(models.Model):
    """A role held by a user on an agency (and, by default, everything below it).

    Rows are never edited or deleted: a revocation stamps ``revoked_at`` and a change of terms is a
    revocation plus a new grant, so the table is also the history of who could do what when.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    agency = models.ForeignKey(
        "tthc.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="role_assignments"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    include_subunits = models.BooleanField(_("includes sub-units"), default=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("granted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    granted_at = models.DateTimeField(_("granted at"), default=timezone.now)
    valid_until = models.DateTimeField(_("valid until"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        ordering = ["-granted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "agency", "role"],
                condition=Q(revoked_at__isnull=True),
                name="roleassignment_one_active",
            ),
            models.CheckConstraint(
                condition=Q(role__in=[r.value for r in Role]), name="roleassignment_known_role"
            ),
        ]
        indexes = [
            # The gate: "this user's unrevoked assignments" on every request.
            models.Index(fields=["user"], condition=Q(revoked_at__isnull=True), name="roleassignment_gate"),
            models.Index(fields=["agency", "role"], name="roleassignment_agency_role"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} @ {self.agency_id}"

    def is_active(self, at=None) -> bool:
        at = at or timezone.now()
        return self.revoked_at is None and (self.valid_until is None or self.valid_until > at)


class SystemAccountQuerySet(models.QuerySet):
    def visible_to(self, user):
        return (
            self.filter(scope_of(user).agency_q("agency")) if user and user.is_authenticated else self.none()
        )


class SystemAccount(models.Model):
    """A source system's API identity: a system user, its token, and the agency owning the system.

    ``system_code`` is the hook for the reconciliation app's ``SourceSystem.code``; the account's
    scope is an ordinary role assignment on ``agency``, so the gate needs no special case.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="system_account",
    )
    agency = models.ForeignKey(
        "tthc.Agency",
        verbose_name=_("owning agency"),
        on_delete=models.PROTECT,
        related_name="system_accounts",
    )
    system_code = models.CharField(_("system code"), max_length=40, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = SystemAccountQuerySet.as_manager()

    class Meta:
        verbose_name = _("system account")
        verbose_name_plural = _("system accounts")
        ordering = ["system_code"]

    def __str__(self) -> str:
        return self.system_code


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """An API token, stored as a SHA-256 digest: the key itself is shown once and never stored.

    Integrators send ``Authorization: Token <key>`` (``accounts.authentication``). A user has at most
    one active token (a database constraint); issuing a new one revokes the old one, whose row is kept
    (prefix, dates, who revoked it) as the history of that account's credentials. A digest of a
    160-bit random key needs no salt or slow hash: the key cannot be guessed from a dictionary.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    digest = models.CharField(_("SHA-256 digest"), max_length=64, unique=True)
    prefix = models.CharField(
        _("key prefix"), max_length=8, help_text=_("The key's first characters, to tell tokens apart.")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(revoked_at__isnull=True), name="apitoken_one_active"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"


class AuditLogQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Rows about agencies the user sees, plus the user's own actions."""
        scope = scope_of(user)
        if scope.is_national:
            return self
        if not (user and user.is_authenticated):
            return self.none()
        return self.filter(scope.agency_q("agency") | Q(actor=user))

    def delete(self):
        raise TypeError("The audit log is append-only.")


class AuditAction(models.TextChoices):
    LOGIN = "auth.login", _("Logged in")
    LOGIN_FAILED = "auth.login_failed", _("Failed login")
    LOCKED_OUT = "auth.locked_out", _("Locked out")
    LOGOUT = "auth.logout", _("Logged out")
    GRANT = "role.grant", _("Role granted")
    REVOKE = "role.revoke", _("Role revoked")
    USER_CREATE = "user.create", _("User created")
    SYSTEM_ACCOUNT_CREATE = "system_account.create", _("System account created")
    TOKEN_ROTATE = "api_token.rotate", _("API token issued")
    SOURCE_SYSTEM_CREATE = "source_system.create", _("Source system created")
    SOURCE_SYSTEM_CHANGE = "source_system.change", _("Source system changed")
    DENIED = "permission.denied", _("Permission denied")
    REQUEST_CREATE = "request.create", _("Sync-gap request created")
    REQUEST_TRANSITION = "request.transition", _("Sync-gap request state changed")
    REQUEST_EDIT = "request.edit", _("Sync-gap request edited")
    REQUEST_ASSIGN = "request.assign", _("Sync-gap request assigned")
    REQUEST_COMMENT = "request.comment", _("Comment on a sync-gap request")
    REQUEST_ATTACHMENT = "request.attachment", _("Attachment on a sync-gap request")
    REQUEST_CHASE = "request.chase", _("Sync-gap request chased")
    REQUEST_BULK_SUBMIT = "request.bulk_submit", _("Sync-gap requests submitted in bulk")
    FEEDBACK_TRANSITION = "feedback.transition", _("Citizen feedback state changed")


class AuditLog(models.Model):
    """Who did what, when, from where. Append-only: rows are inserted, never updated or deleted."""

    # PROTECT: a user with history is deactivated, never deleted, so the trail keeps its actors.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_username = models.CharField(_("actor username"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=40, choices=AuditAction.choices, db_index=True)
    target_type = models.ForeignKey(
        ContentType,
        verbose_name=_("target type"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    target_id = models.CharField(_("target id"), max_length=64, blank=True)
    target_repr = models.CharField(_("target"), max_length=255, blank=True)
    agency = models.ForeignKey(
        "tthc.Agency",
        verbose_name=_("agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    details = models.JSONField(_("details"), default=dict, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=255, blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)

    objects = AuditLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["agency", "at"], name="auditlog_agency_at"),
            models.Index(fields=["actor", "at"], name="auditlog_actor_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_username or '-'} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise TypeError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("The audit log is append-only.")
