"""Admin for the index's inputs (e-copy communes) and read-only snapshots, through the gate."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from accounts import gate
from accounts.models import Role
from core.admin import GatedAdminMixin

from .models import CertifiedCopyCommune, ComponentValue, IndicatorSnapshot
from .services import compute, scoring


class BandFilter(admin.SimpleListFilter):
    """The bands by their names ("Khá", "Chưa có dữ liệu"), not their stored codes."""

    title = _("band")
    parameter_name = "band"

    def lookups(self, request, model_admin):
        return [(code, label) for code, label in scoring.BAND_LABELS.items()]

    def queryset(self, request, queryset):
        return queryset.filter(band=self.value()) if self.value() else queryset


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
        "band_name",
        "rank",
        "change",
        "final",
        "as_of",
        "methodology",
    )
    list_filter = ("level", BandFilter, "final", "methodology", "period_kind")
    list_select_related = ("agency",)
    search_fields = ("agency__code", "agency__name", "period")
    ordering = ("-period", "level", "rank")
    inlines = [ComponentValueInline]
    actions = [recompute_periods]
    # Every field, read-only, the band by its name.
    readonly_fields = tuple(
        "band_name" if f.name == "band" else f.name for f in IndicatorSnapshot._meta.fields
    )
    fields = readonly_fields

    @admin.display(description=_("band"), ordering="band")
    def band_name(self, obj: IndicatorSnapshot) -> str:
        return scoring.band_label(obj.band)

    def get_queryset(self, request):
        """Stricter than the pages (which show a commune its province's score): the admin lists the
        snapshots of agencies inside the user's own scope only."""
        return super().get_queryset(request).filter(gate.agency_q(request.user, "agency"))
