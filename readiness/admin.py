"""The admin: criteria sets are national reference data (national administrators edit them);
assessments and plans are read-only here and scoped by the gate — changes go through the services."""

from django.contrib import admin

from accounts.models import Role
from core.admin import GatedAdminMixin
from core.scope import scope_of

from .models import Assessment, CriteriaSet, Criterion, ProvincePlan


class CriterionInline(admin.TabularInline):
    model = Criterion
    fields = ["order", "code", "name", "group", "required", "description", "evidence"]
    extra = 0

    # The parent screen is gated: its criteria follow the set's permissions.
    def has_view_permission(self, request, obj=None):
        return True

    def _national(self, request) -> bool:
        return scope_of(request.user).is_national

    def has_add_permission(self, request, obj=None):
        return self._national(request)

    def has_change_permission(self, request, obj=None):
        return self._national(request)

    def has_delete_permission(self, request, obj=None):
        return self._national(request)


@admin.register(CriteriaSet)
class CriteriaSetAdmin(GatedAdminMixin, admin.ModelAdmin):
    """National reference data: every role reads the sets; national administrators edit them (or load
    them with ``load_criteria``)."""

    view_role = Role.VIEWER
    change_role = add_role = delete_role = Role.NATIONAL_ADMIN
    list_display = [
        "code",
        "version",
        "name",
        "issuer",
        "issued_on",
        "in_force_from",
        "assess_by",
        "is_example",
    ]
    list_filter = ["is_example", "issuer"]
    inlines = [CriterionInline]


@admin.register(Assessment)
class AssessmentAdmin(GatedAdminMixin, admin.ModelAdmin):
    view_role = Role.VIEWER
    change_role = None
    add_role = None
    delete_role = None
    list_display = [
        "pk",
        "procedure",
        "system",
        "ministry",
        "state",
        "classification",
        "planned_ready_on",
        "is_current",
    ]
    list_filter = ["state", "classification", "is_current"]
    search_fields = ["procedure__code", "procedure__name"]
    list_select_related = ["procedure", "system", "ministry"]

    def gate_agencies(self, obj):
        return [obj.ministry]


@admin.register(ProvincePlan)
class ProvincePlanAdmin(GatedAdminMixin, admin.ModelAdmin):
    view_role = Role.VIEWER
    change_role = None
    add_role = None
    delete_role = None
    list_display = ["province", "procedure", "system", "action", "owner_unit", "target_on", "status"]
    list_filter = ["status"]
    list_select_related = ["province", "procedure", "system"]

    def gate_agencies(self, obj):
        return [obj.province]
