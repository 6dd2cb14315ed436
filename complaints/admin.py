"""The admin for requests: read-only and scoped by the gate — changes go through the services (the
case page and the API), so the admin can never skip the transition table or the timeline."""
from django.contrib import admin

from accounts.models import Role
from core.admin import GatedAdminMixin

from .models import RequestEvent, SyncGapRequest


class RequestEventInline(admin.TabularInline):
    model = RequestEvent
    fields = ["at", "kind", "actor", "from_state", "to_state", "comment", "fields"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["at", "pk"]

    # The parent screen is already gated; the timeline is part of the case.
    def has_view_permission(self, request, obj=None):
        return True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SyncGapRequest)
class SyncGapRequestAdmin(GatedAdminMixin, admin.ModelAdmin):
    view_role = Role.VIEWER
    change_role = None
    add_role = None
    delete_role = None
    list_display = ["id", "period", "province", "ministry", "source", "state", "gap_total", "response_due_at"]
    list_filter = ["state", "period"]
    search_fields = ["subject", "province__code", "ministry__code", "source__code"]
    list_select_related = ["province", "ministry", "source"]
    inlines = [RequestEventInline]

    def gate_agencies(self, obj):
        return [obj.province, obj.ministry, obj.source.owner]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]
