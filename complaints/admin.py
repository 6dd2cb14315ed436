"""The admin for requests and citizen feedback, scoped by the gate.

Requests are read-only here — changes go through the services (the case page and the API), so the
admin can never skip the transition table or the timeline. Feedback items are recorded here (or
imported with ``import_feedback``); their deadlines are computed on save."""

from django.contrib import admin

from accounts.models import Role
from core.admin import GatedAdminMixin

from .models import Feedback, RequestEvent, RequestSystem, SyncGapRequest


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


class RequestSystemInline(admin.TabularInline):
    model = RequestSystem
    extra = 0
    can_delete = False
    fields = ["source", "gap_total", "gap_counts", "points_at_stake", "points_breakdown", "latest_gap_total"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SyncGapRequest)
class SyncGapRequestAdmin(GatedAdminMixin, admin.ModelAdmin):
    view_role = Role.VIEWER
    change_role = None
    add_role = None
    delete_role = None
    list_display = ["id", "period", "province", "ministry", "route", "state", "number_text", "gap_total"]
    list_filter = ["state", "period", "route"]
    search_fields = ["subject", "province__code", "ministry__code", "systems__source__code"]
    list_select_related = ["province", "ministry"]
    inlines = [RequestSystemInline, RequestEventInline]

    def gate_agencies(self, obj):
        return [
            obj.province,
            obj.ministry,
            *(s.source.owner for s in obj.systems.select_related("source__owner")),
        ]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]


@admin.register(Feedback)
class FeedbackAdmin(GatedAdminMixin, admin.ModelAdmin):
    """Officers record feedback and its handling dates; deadlines are computed on save."""

    list_display = (
        "code",
        "agency",
        "received_at",
        "answered_at",
        "refused_at",
        "answer_due_at",
        "disliked",
        "repeated",
    )
    list_filter = ("disliked", "repeated")
    list_select_related = ("agency",)
    search_fields = ("code", "subject")
    autocomplete_fields = ("agency", "procedure")
    readonly_fields = (
        "refuse_due_at",
        "ask_more_due_at",
        "answer_due_at",
        "publish_due_at",
        "created_at",
        "updated_at",
    )
    date_hierarchy = "received_at"

    def gate_agencies(self, obj):
        return [obj.agency] if obj.agency_id else []
