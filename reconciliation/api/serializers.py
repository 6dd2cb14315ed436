"""Serializers for runs and gaps: codes instead of ids, every gap kind present in the counts."""
from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import Gap, GapKind, ReconciliationRun

KINDS = [k.value for k in GapKind]


@extend_schema_field({"type": "object", "properties": {k: {"type": "integer"} for k in KINDS}})
class GapCountsField(serializers.Field):
    def to_representation(self, value):
        return {k: int((value or {}).get(k, 0)) for k in KINDS}


class RunSerializer(serializers.ModelSerializer):
    province = serializers.CharField(source="province.code", read_only=True)
    province_name = serializers.CharField(source="province.name", read_only=True)
    source = serializers.CharField(source="source.code", read_only=True)
    source_name = serializers.CharField(source="source.name", read_only=True)
    source_kind = serializers.CharField(source="source.kind", read_only=True)
    gap_counts = GapCountsField(read_only=True)
    gap_percent = serializers.SerializerMethodField(help_text="Dossiers with a gap, percent of the compared dossiers.")

    class Meta:
        model = ReconciliationRun
        fields = [
            "id", "period", "province", "province_name", "source", "source_name", "source_kind", "dossiers",
            "portal_dossiers", "reported_count", "gap_dossiers", "gap_percent", "gap_counts", "points_at_stake",
            "started_at", "finished_at",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.DOUBLE)
    def get_gap_percent(self, run) -> float:
        return round(100.0 * run.gap_dossiers / run.dossiers, 2) if run.dossiers else 0.0


class GapSerializer(serializers.ModelSerializer):
    period = serializers.CharField(source="run.period", read_only=True)
    province = serializers.CharField(source="run.province.code", read_only=True)
    source = serializers.CharField(source="run.source.code", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Gap
        fields = [
            "id", "run", "period", "province", "source", "kind", "kind_label", "dossier_code", "procedure_code",
            "agency_code", "source_value", "portal_value", "detail",
        ]
        read_only_fields = fields
