"""Admin screens of the reconciliation app, scoped by the permission gate (``accounts.gate``).

Ingestion block: source systems, batches, rejected records (correct the payload, then replay),
and what each source saw. Batches and rejects carry applicants' data, so they are visible only to
the users of the agency that owns the source system, not to every user who may see the system.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from accounts import audit, gate
from accounts.models import Role
from core.admin import GatedAdminMixin, LargeTableAdminMixin

from .models import IngestBatch, ProcedureAssignment, RejectedRecord, SourceDossier, SourceSystem
from .services.replay import replay_rejected
from .services.sources import create_source_system, rotate_source_token, update_source_system

# --- Ingestion ------------------------------------------------------------------------------------


@admin.register(SourceSystem)
class SourceSystemAdmin(GatedAdminMixin, admin.ModelAdmin):
    """National configuration: national administrators create and change systems and issue their
    tokens (shown once, in a message); everyone else who sees a system gets a read-only page
    without any token. Saves go through ``services.sources``, which audits every change."""

    add_role = change_role = Role.NATIONAL_ADMIN
    delete_role = None
    list_display = ("code", "name", "kind", "owner", "active", "created_at")
    list_max_show_all = 2000  # a few hundred systems at most: "show all" must list them all
    list_filter = ("kind", "active")
    list_select_related = ("owner",)
    search_fields = ("code", "name")
    autocomplete_fields = ("owner",)
    fields = ("code", "name", "kind", "owner", "active")
    actions = ["rotate_tokens"]

    def gate_agencies(self, obj):
        return [obj.owner] if obj.owner_id else []

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else ("code",)

    def save_model(self, request, obj, form, change):
        self.check_save(request, obj)
        context = audit.AuditContext.from_request(request, "admin")
        try:
            if change:
                values = {
                    f: getattr(obj, f) for f in ("name", "kind", "owner", "active") if f in form.changed_data
                }
                update_source_system(
                    request.user, SourceSystem.objects.get(pk=obj.pk), context=context, **values
                )
                return
            source, key = create_source_system(
                obj.code,
                obj.name,
                obj.kind,
                obj.owner,
                creator=request.user,
                active=obj.active,
                context=context,
            )
        except ValidationError as exc:
            raise PermissionDenied(" ".join(exc.messages)) from exc
        obj.pk, obj._state.adding = source.pk, False
        self._show_token(request, source, key)

    def _show_token(self, request, source, key):
        if key:
            self.message_user(
                request,
                _("API token for %(code)s (shown once, only its digest is stored): %(key)s")
                % {"code": source.code, "key": key},
                messages.WARNING,
            )

    @admin.action(description=_("Issue a new API token (the old one stops working)"), permissions=["change"])
    def rotate_tokens(self, request, queryset):
        context = audit.AuditContext.from_request(request, "admin")
        for source in queryset.select_related("owner"):
            self._show_token(request, source, rotate_source_token(request.user, source, context=context))


class _OwnedBySource:
    """Scope by the owner agency of the batch's source system."""

    source_path = "source"

    def get_queryset(self, request):
        qs = admin.ModelAdmin.get_queryset(self, request)
        return qs.filter(gate.agency_q(request.user, f"{self.source_path}__owner"))


class RejectInline(admin.TabularInline):
    model = RejectedRecord
    fk_name = "batch"
    fields = ("index", "dossier_code", "errors", "replayed_in")
    readonly_fields = fields
    extra = 0
    max_num = 0
    show_change_link = True
    can_delete = False


@admin.register(IngestBatch)
class IngestBatchAdmin(_OwnedBySource, LargeTableAdminMixin, GatedAdminMixin, admin.ModelAdmin):
    add_role = delete_role = None
    change_role = Role.OFFICER
    list_display = (
        "id",
        "source",
        "format",
        "filename",
        "status",
        "started_at",
        "received",
        "created",
        "updated",
        "unchanged",
        "rejected",
        "submitted_by",
    )
    list_filter = ("status", "format", "source")
    list_select_related = ("source", "submitted_by")
    search_fields = ("=id", "filename")
    readonly_fields = [f.name for f in IngestBatch._meta.fields]
    inlines = [RejectInline]
    actions = ["replay_rejects"]

    def gate_agencies(self, obj):
        return [obj.source.owner]

    @admin.action(description=_("Replay the pending rejected records"), permissions=["change"])
    def replay_rejects(self, request, queryset):
        for batch in queryset.select_related("source"):
            report = replay_rejected(batch, request.user)
            self.message_user(
                request,
                _(
                    "Batch #%(batch)s replayed in #%(new)s: %(created)s created, %(updated)s "
                    "updated, %(rejected)s still rejected"
                )
                % {
                    "batch": batch.pk,
                    "new": report.batch,
                    "created": report.created,
                    "updated": report.updated,
                    "rejected": report.rejected,
                },
            )


@admin.register(RejectedRecord)
class RejectedRecordAdmin(_OwnedBySource, LargeTableAdminMixin, GatedAdminMixin, admin.ModelAdmin):
    """Correct ``payload`` here, then replay the record (or its batch)."""

    source_path = "batch__source"
    add_role = delete_role = None
    change_role = Role.OFFICER
    list_display = ("batch", "index", "dossier_code", "first_error", "replayed_in")
    list_filter = (("replayed_in", admin.EmptyFieldListFilter),)
    list_select_related = ("batch",)
    search_fields = ("=dossier_code",)
    fields = ("batch", "index", "dossier_code", "errors", "payload", "replayed_in")
    readonly_fields = ("batch", "index", "dossier_code", "errors", "replayed_in")
    actions = ["replay"]

    def gate_agencies(self, obj):
        return [obj.batch.source.owner]

    @admin.display(description=_("error"))
    def first_error(self, obj):
        return "; ".join(f"{e.get('field') or '-'}: {e.get('error')}" for e in obj.errors[:2])

    @admin.action(description=_("Replay the selected records"), permissions=["change"])
    def replay(self, request, queryset):
        by_batch = {}
        for reject in queryset.select_related("batch__source"):
            by_batch.setdefault(reject.batch_id, reject.batch)
        for batch in by_batch.values():
            report = replay_rejected(batch, request.user, rejects=queryset.filter(batch=batch))
            self.message_user(
                request,
                _(
                    "Replayed in batch #%(new)s: %(created)s created, %(updated)s updated, "
                    "%(rejected)s still rejected"
                )
                % {
                    "new": report.batch,
                    "created": report.created,
                    "updated": report.updated,
                    "rejected": report.rejected,
                },
            )


@admin.register(SourceDossier)
class SourceDossierAdmin(LargeTableAdminMixin, GatedAdminMixin, admin.ModelAdmin):
    add_role = change_role = delete_role = None
    list_display = (
        "code",
        "source",
        "status",
        "previous_status",
        "received_at",
        "event_at",
        "synced_at",
        "progress_steps",
        "filing_place",
        "corrected",
    )
    list_filter = ("source", "status", "corrected")
    list_select_related = ("source",)
    search_fields = ("=code",)
    readonly_fields = [f.name for f in SourceDossier._meta.concrete_fields]  # not dossier_by_code (a join)

    def gate_agencies(self, obj):
        return [obj.agency]


# --- Procedure → system assignments ---------------------------------------------------------------


class ProcedureAssignmentForm(forms.ModelForm):
    class Meta:
        model = ProcedureAssignment
        fields = ("procedure", "province", "system_code", "valid_from", "valid_to")

    def clean_system_code(self):
        code = self.cleaned_data.get("system_code", "").strip()
        if code and not SourceSystem.objects.comparable().filter(code=code).exists():
            raise ValidationError(_("No ministry or provincial source system with this code."))
        return code


@admin.register(ProcedureAssignment)
class ProcedureAssignmentAdmin(GatedAdminMixin, admin.ModelAdmin):
    """National configuration: only national administrators see and change which system
    handles a procedure where and when; the bulk path is ``manage.py import_procedure_systems``."""

    view_role = add_role = change_role = delete_role = Role.NATIONAL_ADMIN
    list_display = ("procedure", "province", "system_label", "valid_from", "valid_to", "updated_at")
    list_filter = ("system_code",)
    list_select_related = ("procedure", "province")
    search_fields = ("procedure__code", "procedure__name", "system_code", "province__code")
    autocomplete_fields = ("procedure", "province")
    fields = ("procedure", "province", "system_code", "valid_from", "valid_to")
    date_hierarchy = "valid_from"
    form = ProcedureAssignmentForm

    @admin.display(description=_("system"), ordering="system_code")
    def system_label(self, obj):
        return obj.system_code or _("each province's own system")

    def save_model(self, request, obj, form, change):
        self.check_save(request, obj)
        super().save_model(request, obj, form, change)
