"""The admin: criteria sets are national reference data (national administrators edit them);
assessments and plans are read-only here and scoped by the gate — changes go through the services."""

from django.contrib import admin

from accounts.models import Role
from core.admin import GatedAdminMixin

from .models import Assessment, CriteriaSet, Criterion, ProvincePlan


class CriterionInline(admin.TabularInline):
    model = Criterion
    fields = ["order", "code", "name", "group", "required", "description", "evidence"]
    extra = 0


@admin.register(CriteriaSet)
class CriteriaSetAdmin(admin.ModelAdmin):
    """Reference data: left on Django's model permissions (superusers and whom they grant)."""

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
