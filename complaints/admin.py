"""The admin for requests and citizen feedback, scoped by the gate.

Requests are read-only here — changes go through the services (the case page and the API), so the
admin can never skip the transition table or the timeline. Feedback items are recorded here (or
imported with ``import_feedback``); their deadlines are computed on save."""

from decimal import Decimal

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from core import components, formatting
from core.admin import GatedAdminMixin
from reconciliation.models import GapKind

from .models import Feedback, RequestEvent, RequestSystem, SyncGapRequest
from .services.summary import largest_first


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


def _gaps(counts: dict | None) -> str:
    """Stored counts ({kind: n}) by the kinds' names, largest first."""
    names = dict(GapKind.choices)
    ordered = sorted((counts or {}).items(), key=lambda kv: (-int(kv[1]), kv[0]))
    return "; ".join(f"{names.get(kind, kind)}: {n}" for kind, n in ordered) or "—"


def _points(breakdown: dict | None) -> str:
    """Points at stake ({component code: points}) by the components' names, largest first."""
    ordered = largest_first(breakdown or {})
    return (
        "; ".join(
            f"{components.name(code)}: {formatting.number(Decimal(v), 3)}" for code, v in ordered.items()
        )
        or "—"
    )


class ReadableCounts:
    """The requests' stored counts as people read them, for the admin's read-only screens."""

    @admin.display(description=_("gaps per kind"))
    def gaps_by_kind(self, obj) -> str:
        return _gaps(obj.gap_counts)

    @admin.display(description=_("latest gaps per kind"))
    def latest_gaps_by_kind(self, obj) -> str:
        return _gaps(obj.latest_gap_counts) if obj.latest_gap_counts is not None else "—"

    @admin.display(description=_("points at stake per component"))
    def points_by_component(self, obj) -> str:
        return _points(obj.points_breakdown)


#: A request's JSON fields and what the admin shows in their place.
READABLE = {
    "gap_counts": "gaps_by_kind",
    "latest_gap_counts": "latest_gaps_by_kind",
    "points_breakdown": "points_by_component",
}


class RequestSystemInline(ReadableCounts, admin.TabularInline):
    model = RequestSystem
    extra = 0
    can_delete = False
    fields = [
        "source",
        "gap_total",
        "gaps_by_kind",
        "points_at_stake",
        "points_by_component",
        "latest_gap_total",
    ]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SyncGapRequest)
class SyncGapRequestAdmin(ReadableCounts, GatedAdminMixin, admin.ModelAdmin):
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

    exclude = tuple(READABLE)  # shown as their readable counterparts instead

    def get_readonly_fields(self, request, obj=None):
        return [READABLE.get(f.name, f.name) for f in self.model._meta.fields]


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
