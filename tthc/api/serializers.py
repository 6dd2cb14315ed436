"""Serializers for agencies and dossiers: codes instead of ids, so clients never see internal keys."""

from rest_framework import serializers

from core.serializers import FastReadMixin

from .. import filing
from ..models import Agency, Dossier


class AgencySerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True)
    successor = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Agency
        fields = [
            "code",
            "name",
            "short_name",
            "kind",
            "parent",
            "path",
            "depth",
            "valid_from",
            "valid_to",
            "successor",
        ]
        read_only_fields = fields


class DossierSerializer(FastReadMixin, serializers.ModelSerializer):
    """A dossier as the platform holds it: its state, dates and flags, with agency and procedure codes."""

    procedure = serializers.SlugRelatedField(slug_field="code", read_only=True)
    procedure_name = serializers.CharField(source="procedure.name", read_only=True)
    receiving_agency = serializers.SlugRelatedField(slug_field="code", read_only=True)
    handling_agency = serializers.SlugRelatedField(slug_field="code", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    is_open = serializers.BooleanField(read_only=True)
    is_overdue = serializers.BooleanField(
        read_only=True, help_text="Overdue as of now (see the index rules)."
    )
    filing_place_key = serializers.SerializerMethodField(
        help_text="Where the dossier was filed, as the filter's value: portal, ministry, province ('' when not stated)."
    )

    def get_filing_place_key(self, obj: Dossier) -> str:
        return filing.key(obj.filing_place)

    class Meta:
        model = Dossier
        fields = [
            "code",
            "procedure",
            "procedure_name",
            "receiving_agency",
            "handling_agency",
            "handling_unit",
            "handling_officer",
            "channel",
            "filing_place",
            "filing_place_key",
            "applicant_kind",
            "applicant_name",
            "summary",
            "status",
            "status_label",
            "submitted_at",
            "received_at",
            "due_at",
            "finished_at",
            "returned_at",
            "refused_at",
            "has_digitised_components",
            "has_electronic_result",
            "data_reused",
            "linked_personal_store",
            "population_data_used",
            "payment_kind",
            "fee_amount",
            "satisfaction",
            "has_complaint",
            "supplement_count",
            "paused_duration",
            "is_open",
            "is_overdue",
        ]
        read_only_fields = fields
