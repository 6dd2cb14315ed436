"""Admin for users, role assignments, system accounts and the audit log, scoped by the gate.

Role grants and revocations here call the delegation service, like the delegation page and the
commands; assignments are never edited in place (revoke, then grant), and the audit log is read-only.
"""

import json

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.admin import GatedAdminMixin, LargeTableAdminMixin

from . import audit, gate
from .models import ADMIN_ROLES, AuditAction, AuditLog, Role, RoleAssignment, SystemAccount, User
from .services import (
    can_manage_user,
    check_grant,
    create_system_account,
    grant_role,
    revoke_role,
    rotate_system_token,
)
from .services.tokens import active_token

UNIT_ADMIN = ADMIN_ROLES[-1]


class AssignmentInline(admin.TabularInline):
    model = RoleAssignment
    fk_name = "user"
    fields = ("agency", "role", "include_subunits", "granted_by", "granted_at", "valid_until", "revoked_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = _("role assignments (grant and revoke on the delegation page)")

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user).select_related("agency", "granted_by")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(GatedAdminMixin, DjangoUserAdmin):
    """Administrators edit the accounts whose every role they could have granted; new accounts are
    created on the delegation page (with their first role), or here by national administrators."""

    view_role = Role.LEADER
    add_role = Role.NATIONAL_ADMIN
    inlines = [AssignmentInline]
    list_display = ("username", "full_name", "email", "is_staff", "is_active", "is_system", "last_login")
    list_filter = ("is_staff", "is_active", "is_system")
    search_fields = ("username", "full_name", "email")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("full_name", "first_name", "last_name", "email", "phone")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined", "is_system")}),
    )
    readonly_fields = ("last_login", "date_joined", "is_system")
    SUPERUSER_ONLY = ("is_superuser", "groups", "user_permissions")

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser or obj is None:
            return fieldsets
        return [
            (name, {**opts, "fields": tuple(f for f in opts["fields"] if f not in self.SUPERUSER_ONLY)})
            for name, opts in fieldsets
        ]

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return self._allows(request, UNIT_ADMIN)
        return request.user.is_staff and can_manage_user(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return self._allows(request, Role.NATIONAL_ADMIN) and (
            obj is None or can_manage_user(request.user, obj)
        )

    def save_model(self, request, obj, form, change):
        if change and not can_manage_user(request.user, obj):
            raise PermissionDenied
        obj.save()


class GrantAdminForm(forms.ModelForm):
    """The admin's grant form; the delegation service decides (and records refusals)."""

    class Meta:
        model = RoleAssignment
        fields = ("user", "agency", "role", "include_subunits", "valid_until")

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            check_grant(
                self.request.user,
                data["user"],
                data["agency"],
                data["role"],
                data["include_subunits"],
                data.get("valid_until"),
            )
        except PermissionDenied as exc:
            audit.record_denial(
                self.request.user,
                AuditAction.GRANT,
                exc,
                agency=data["agency"],
                context=audit.AuditContext.from_request(self.request, "admin"),
            )
            raise ValidationError(str(exc)) from exc
        return data


class ActiveAssignmentFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("active", _("Active")), ("ended", _("Revoked or expired"))]

    def queryset(self, request, queryset):
        active = RoleAssignment.objects.active().values("pk")
        if self.value() == "active":
            return queryset.filter(pk__in=active)
        if self.value() == "ended":
            return queryset.exclude(pk__in=active)
        return queryset


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(GatedAdminMixin, admin.ModelAdmin):
    view_role = Role.LEADER
    add_role = UNIT_ADMIN
    change_role = delete_role = None  # never edited: revoke, then grant
    form = GrantAdminForm
    list_display = (
        "user",
        "agency",
        "role",
        "include_subunits",
        "granted_by",
        "granted_at",
        "valid_until",
        "revoked_at",
    )
    list_filter = ("role", "include_subunits", ActiveAssignmentFilter)
    list_select_related = ("user", "agency", "granted_by")
    search_fields = ("user__username", "=agency__code")
    autocomplete_fields = ("user", "agency")
    actions = ["revoke_selected"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return (
            "user",
            "agency",
            "role",
            "include_subunits",
            "granted_by",
            "granted_at",
            "valid_until",
            "revoked_at",
            "revoked_by",
        )

    def get_fields(self, request, obj=None):
        return self.get_readonly_fields(request, obj) or GrantAdminForm.Meta.fields

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.request = request
        return form

    def choices_for(self, db_field, request):
        if db_field.name == "agency":
            return gate.admin_agencies(request.user)
        return super().choices_for(db_field, request)

    def save_model(self, request, obj, form, change):
        assignment = grant_role(
            request.user,
            obj.user,
            obj.agency,
            obj.role,
            include_subunits=obj.include_subunits,
            valid_until=obj.valid_until,
            context=audit.AuditContext.from_request(request, "admin"),
        )
        obj.pk, obj.granted_by, obj.granted_at = assignment.pk, assignment.granted_by, assignment.granted_at
        obj._state.adding = False

    def has_revoke_permission(self, request):
        return self._allows(request, UNIT_ADMIN)

    @admin.action(description=_("Revoke the selected role assignments"), permissions=["revoke"])
    def revoke_selected(self, request, queryset):
        context = audit.AuditContext.from_request(request, "admin")
        done = 0
        for assignment in queryset.select_related("agency", "user"):
            try:
                revoke_role(request.user, assignment, context=context)
                done += 1
            except (PermissionDenied, ValidationError) as exc:
                self.message_user(request, f"{assignment}: {exc}", messages.ERROR)
        if done:
            self.message_user(request, _("%(n)d assignment(s) revoked.") % {"n": done}, messages.SUCCESS)


@admin.register(SystemAccount)
class SystemAccountAdmin(GatedAdminMixin, admin.ModelAdmin):
    """A source system's account. National administrators create it and issue its tokens (each shown
    once, in a message; only a digest is stored); unit administrators see their agencies' accounts."""

    view_role = UNIT_ADMIN
    add_role = Role.NATIONAL_ADMIN
    change_role = delete_role = None
    fields = ("system_code", "agency")
    list_display = ("system_code", "agency", "user", "created_by", "created_at")
    list_select_related = ("agency", "user", "created_by")
    search_fields = ("system_code",)
    autocomplete_fields = ("agency",)
    actions = ["rotate_tokens"]

    def gate_agencies(self, obj):
        return [obj.agency] if obj.agency_id else []

    def get_fields(self, request, obj=None):
        return self.fields if obj is None else (*self.get_readonly_fields(request, obj),)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        fields = ("system_code", "agency", "user", "created_by", "created_at")
        if gate.is_national(request.user):  # which token is active, and whether it is used: national only
            fields += ("token_prefix", "token_created_at", "token_last_used_at")
        return fields

    def _token(self, obj):
        if not hasattr(obj, "_active_token"):
            obj._active_token = active_token(obj.user)
        return obj._active_token

    @admin.display(description=_("token prefix"))
    def token_prefix(self, obj):
        token = self._token(obj)
        return f"{token.prefix}…" if token else _("no active token")

    @admin.display(description=_("token issued at"))
    def token_created_at(self, obj):
        token = self._token(obj)
        return token.created_at if token else None

    @admin.display(description=_("token last used at"))
    def token_last_used_at(self, obj):
        token = self._token(obj)
        return token.last_used_at if token else None

    def has_rotate_permission(self, request):
        return self._allows(request, Role.NATIONAL_ADMIN)

    def choices_for(self, db_field, request):
        if db_field.name == "agency":
            return gate.admin_agencies(request.user)
        return super().choices_for(db_field, request)

    def _show_token(self, request, code, key):
        self.message_user(
            request,
            _("API token for %(code)s (shown once, only its digest is stored): %(key)s")
            % {"code": code, "key": key},
            messages.WARNING,
        )

    def save_model(self, request, obj, form, change):
        try:
            account, key = create_system_account(
                request.user,
                obj.agency,
                obj.system_code,
                context=audit.AuditContext.from_request(request, "admin"),
            )
        except ValidationError as exc:
            raise PermissionDenied(" ".join(exc.messages)) from exc
        obj.pk, obj.user, obj._state.adding = account.pk, account.user, False
        self._show_token(request, account.system_code, key)

    @admin.action(description=_("Issue a new API token (the old one stops working)"), permissions=["rotate"])
    def rotate_tokens(self, request, queryset):
        context = audit.AuditContext.from_request(request, "admin")
        for account in queryset.select_related("user", "agency"):
            self._show_token(
                request, account.system_code, rotate_system_token(request.user, account, context=context)
            )


@admin.register(AuditLog)
class AuditLogAdmin(LargeTableAdminMixin, GatedAdminMixin, admin.ModelAdmin):
    """Read-only for everyone, superusers included: the log is append-only."""

    view_role = UNIT_ADMIN
    add_role = change_role = delete_role = None
    list_display = ("at", "actor_username", "action", "target_repr", "agency", "ip")
    list_filter = ("action",)
    list_select_related = ("agency",)
    search_fields = ("=actor_username", "=target_id")
    readonly_fields = (
        "at",
        "actor",
        "actor_username",
        "action",
        "target_type",
        "target_id",
        "target_repr",
        "agency",
        "details_display",
        "ip",
        "user_agent",
    )
    fields = readonly_fields  # the raw ``details`` field stays out: ``details_display`` shows it
    ordering = ("-at",)

    @admin.display(description=_("details"))
    def details_display(self, obj):
        """The entry's details indented, one key per line, Vietnamese as written (not escaped)."""
        if not obj.details:
            return "—"
        text = json.dumps(obj.details, ensure_ascii=False, indent=2, sort_keys=True, default=str)
        return format_html('<pre class="audit-details">{}</pre>', text)
