"""The admin for agencies, procedures, dossiers and the calendar, scoped by the user's scope (``core.admin``).

Dossier-sized tables use estimated counts and code-prefix search (an indexed ``LIKE 'x%'``)
instead of full counts and ``icontains`` scans, so the screens stay usable on 10 M dossiers.
"""

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.admin import GatedAdminMixin, LargeTableAdminMixin
from core.roles import Role
from core.scope import scope_of

from .models import Agency, ApologyLetter, CalendarOverride, Dossier, DossierEvent, Procedure
from .models.dossiers import LIST_ORDER
from .services.agencies import save_agency


class ActiveAgencyFilter(admin.SimpleListFilter):
    title = _("in force")
    parameter_name = "active"

    def lookups(self, request, model_admin):
        return [("1", _("Yes")), ("0", _("No"))]

    def queryset(self, request, queryset):
        if self.value() == "1":
            return queryset.active()
        if self.value() == "0":
            return queryset.exclude(pk__in=Agency.objects.active().values("pk"))
        return queryset


@admin.register(Agency)
class AgencyAdmin(GatedAdminMixin, admin.ModelAdmin):
    """Administrators edit the agencies strictly below an agency they administer with its sub-units."""

    change_role = add_role = delete_role = Role.UNIT_ADMIN
    list_display = ("code", "name", "kind", "parent", "valid_from", "valid_to")
    list_filter = ("kind", ActiveAgencyFilter)
    list_select_related = ("parent",)
    search_fields = ("code", "name", "short_name")
    autocomplete_fields = ("parent", "successor")
    readonly_fields = ("path", "depth", "ranked_agency")
    ordering = ("path",)

    def role_for(self, request, obj=None):
        scope = scope_of(request.user)
        if obj is None:
            return scope.highest_role()
        if obj.parent_id is None:
            return Role.NATIONAL_ADMIN if scope.is_national else None
        return scope.role_on(obj.parent, whole_subtree=True)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent" and not scope_of(request.user).is_national:
            kwargs["required"] = True  # only national administrators create roots
        if db_field.name == "successor":
            kwargs["queryset"] = Agency.objects.visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        self.check_save(request, obj)
        save_agency(obj)  # the only writer of the tree path


@admin.register(Procedure)
class ProcedureAdmin(GatedAdminMixin, admin.ModelAdmin):
    """The catalogue is readable by everyone with a role; a ministry's administrators edit its procedures."""

    change_role = add_role = delete_role = Role.UNIT_ADMIN
    list_display = (
        "code",
        "name",
        "field_name",
        "ministry",
        "online_level",
        "processing_amount",
        "processing_unit",
    )
    list_filter = ("online_level", "processing_unit", "fee_bearing", "level_province", "level_commune")
    list_select_related = ("ministry",)
    search_fields = ("code", "name", "field_name")
    autocomplete_fields = ("ministry",)

    def gate_agencies(self, obj):
        return [obj.ministry] if obj.ministry_id else []


class OverdueFilter(admin.SimpleListFilter):
    title = _("overdue now")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("1", _("Yes")), ("0", _("No"))]

    def queryset(self, request, queryset):
        if self.value() == "1":
            return queryset & Dossier.objects.overdue(timezone.now())
        if self.value() == "0":
            return queryset.exclude(pk__in=Dossier.objects.overdue(timezone.now()).values("pk"))
        return queryset


class CodePrefixSearchMixin:
    """Search by the beginning of a dossier code: an index range scan, not a table scan."""

    search_fields = ("code",)
    search_help_text = _("The beginning of the dossier code (case-sensitive).")
    code_field = "code"

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        return queryset.filter(**{f"{self.code_field}__startswith": term}), False


def _dossier_agencies(dossier):
    return [dossier.receiving_agency, dossier.handling_agency, dossier.procedure.ministry] if dossier else []


@admin.register(Dossier)
class DossierAdmin(CodePrefixSearchMixin, LargeTableAdminMixin, GatedAdminMixin, admin.ModelAdmin):
    """Synced data, read-only: dossiers change through ingestion (the source systems), never by hand —
    their status, due and finish times are what the index scores. Only national administrators may
    correct or delete one here."""

    add_role = change_role = delete_role = Role.NATIONAL_ADMIN

    list_display = (
        "code",
        "procedure_code",
        "receiving_agency",
        "status",
        "channel",
        "received_at",
        "due_at",
        "finished_at",
    )
    list_filter = ("status", "channel", "applicant_kind", "payment_kind", "has_complaint", OverdueFilter)
    list_select_related = ("procedure", "receiving_agency")
    autocomplete_fields = ("procedure", "receiving_agency", "handling_agency")
    readonly_fields = ("state_at", "state_source", "created_at", "updated_at")
    ordering = LIST_ORDER  # an index's order: never-received dossiers last

    @admin.display(description=_("procedure"), ordering="procedure__code")
    def procedure_code(self, obj: Dossier) -> str:
        """The procedure's code (its full name, a sentence, squeezed the list's other columns)."""
        return obj.procedure.code

    def get_queryset(self, request):
        # The changelist ignores list_select_related once the queryset selects related rows, so
        # everything the list shows or the permission check reads is joined here.
        return (
            super()
            .get_queryset(request)
            .select_related("procedure__ministry", "receiving_agency", "handling_agency")
        )

    def gate_agencies(self, obj):
        if not obj.procedure_id or not obj.receiving_agency_id:
            return []
        return _dossier_agencies(obj)


class DossierChildAdmin(CodePrefixSearchMixin, LargeTableAdminMixin, GatedAdminMixin, admin.ModelAdmin):
    """Events and apology letters: synced data like their dossier, read-only but for national administrators."""

    add_role = change_role = delete_role = Role.NATIONAL_ADMIN

    code_field = "dossier__code"
    search_help_text = _("The beginning of the dossier code (case-sensitive).")
    raw_id_fields = ("dossier",)
    list_select_related = ("dossier",)
    ordering = ("-pk",)  # newest first on the primary key index (no sort over millions of rows)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related(
                "dossier__procedure__ministry", "dossier__receiving_agency", "dossier__handling_agency"
            )
        )

    def gate_agencies(self, obj):
        return _dossier_agencies(obj.dossier) if obj.dossier_id else []


@admin.register(DossierEvent)
class DossierEventAdmin(DossierChildAdmin):
    list_display = ("dossier", "from_status", "to_status", "at", "due_at", "unit", "officer", "source")
    list_filter = ("to_status",)  # choices only: a filter listing distinct values would scan the table


@admin.register(ApologyLetter)
class ApologyLetterAdmin(DossierChildAdmin):
    list_display = ("dossier", "issued_at", "original_due_at", "new_due_at", "issued_by")


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(GatedAdminMixin, admin.ModelAdmin):
    """The national calendar: everyone reads it, national administrators edit it."""

    change_role = add_role = delete_role = Role.NATIONAL_ADMIN
    list_display = ("date", "kind", "note")
    list_filter = ("kind",)
    search_fields = ("note",)
    date_hierarchy = "date"
