"""Admin for the index's inputs (e-copy communes) and read-only snapshots, through the gate."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from accounts import gate
from accounts.models import Role
from core.admin import GatedAdminMixin

from .models import CertifiedCopyCommune, ComponentValue, IndicatorSnapshot
from .services import compute


@admin.register(CertifiedCopyCommune)
class CertifiedCopyCommuneAdmin(GatedAdminMixin, admin.ModelAdmin):
    change_role = add_role = delete_role = Role.UNIT_ADMIN
    list_display = ("commune", "since", "until", "note")
    list_select_related = ("commune",)
    autocomplete_fields = ("commune",)
    search_fields = ("commune__code", "commune__name")

    def gate_agencies(self, obj):
        return [obj.commune] if obj.commune_id else []


class ComponentValueInline(admin.TabularInline):
    model = ComponentValue
    fields = ("group", "code", "numerator", "denominator", "ratio", "points", "max_points", "details")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.action(description=_("Recompute the selected periods"))
def recompute_periods(modeladmin, request, queryset):
    if not gate.is_national(request.user):
        modeladmin.message_user(
            request, _("Only national administrators recompute the index."), messages.ERROR
        )
        return
    for period in sorted(set(queryset.values_list("period", flat=True))):
        compute.recompute(period)
    modeladmin.message_user(request, _("Recomputed."), messages.SUCCESS)


@admin.register(IndicatorSnapshot)
class IndicatorSnapshotAdmin(GatedAdminMixin, admin.ModelAdmin):
    """Snapshots are computed, never edited."""

    change_role = add_role = delete_role = None
    list_display = (
        "period",
        "agency",
        "level",
        "total",
        "band",
        "rank",
        "change",
        "final",
        "as_of",
        "methodology",
    )
    list_filter = ("level", "band", "final", "methodology", "period_kind")
    list_select_related = ("agency",)
    search_fields = ("agency__code", "agency__name", "period")
    ordering = ("-period", "level", "rank")
    inlines = [ComponentValueInline]
    actions = [recompute_periods]
    readonly_fields = [f.name for f in IndicatorSnapshot._meta.fields]

    def get_queryset(self, request):
        """Stricter than the pages (which show a commune its province's score): the admin lists the
        snapshots of agencies inside the user's own scope only."""
        return super().get_queryset(request).filter(gate.agency_q(request.user, "agency"))
