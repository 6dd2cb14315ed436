"""Serializers of the reconciliation API: runs and gaps (codes instead of ids, every gap kind present in
the counts), source systems (a token shown once), and the sync endpoint's answers."""

from __future__ import annotations

from datetime import datetime

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import ApiToken
from core.serializers import FastReadMixin
from tthc import filing
from tthc.models import Agency
from tthc.period_fields import PeriodSerializerField

from ..adapters.fields import REASONS
from ..models import Gap, GapKind, ReconciliationRun, SourceSystem

KINDS = [k.value for k in GapKind]


@extend_schema_field({"type": "object", "properties": {k: {"type": "integer"} for k in KINDS}})
class GapCountsField(serializers.Field):
    def to_representation(self, value):
        return {k: int((value or {}).get(k, 0)) for k in KINDS}


class RunSerializer(FastReadMixin, serializers.ModelSerializer):
    """One reconciliation run: a province's month compared with one source system, and its gap counts."""

    province = serializers.CharField(source="province.code", read_only=True)
    province_name = serializers.CharField(source="province.name", read_only=True)
    source = serializers.CharField(source="source.code", read_only=True)
    source_name = serializers.CharField(source="source.name", read_only=True)
    source_kind = serializers.CharField(source="source.kind", read_only=True)
    gap_counts = GapCountsField(read_only=True)
    gap_percent = serializers.SerializerMethodField(
        help_text="Dossiers with a gap, percent of the compared dossiers."
    )
    gap_total = serializers.IntegerField(
        read_only=True,
        help_text="The gaps that count: every kind but the suspicious flags (unless configured).",
    )
    suspicious = serializers.IntegerField(
        read_only=True, help_text="Dossiers flagged with a suspicious pattern (not in gap_total)."
    )

    class Meta:
        model = ReconciliationRun
        fields = [
            "id",
            "period",
            "province",
            "province_name",
            "source",
            "source_name",
            "source_kind",
            "dossiers",
            "portal_dossiers",
            "reported_count",
            "gap_dossiers",
            "gap_percent",
            "gap_counts",
            "gap_total",
            "suspicious",
            "points_at_stake",
            "points_breakdown",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.DOUBLE)
    def get_gap_percent(self, run) -> float:
        return round(100.0 * run.gap_dossiers / run.dossiers, 2) if run.dossiers else 0.0


class GapSerializer(FastReadMixin, serializers.ModelSerializer):
    """One sync gap a run found: the dossier, its kind, and the two systems' values."""

    period = PeriodSerializerField(source="run.period", read_only=True)
    province = serializers.CharField(source="run.province.code", read_only=True)
    source = serializers.CharField(source="run.source.code", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    filing_place = serializers.SerializerMethodField(
        help_text="Where the dossier was filed (NoiNopHoSo), as the filter's value: portal, ministry, "
        "province ('' when not stated)."
    )

    def get_filing_place(self, obj: Gap) -> str:
        return filing.key(getattr(obj, "filing_place", None))

    class Meta:
        model = Gap
        fields = [
            "id",
            "run",
            "period",
            "province",
            "source",
            "kind",
            "kind_label",
            "dossier_code",
            "procedure_code",
            "agency_code",
            "source_value",
            "portal_value",
            "detail",
            "filing_place",
        ]
        read_only_fields = fields


class SourceSystemSerializer(serializers.ModelSerializer):
    owner = serializers.SlugRelatedField(
        slug_field="code", queryset=Agency.objects.all(), help_text="Code of the owning agency."
    )
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    token_prefix = serializers.SerializerMethodField(
        help_text="First characters of the active API token (national administrators only; null otherwise)."
    )
    token_last_used_at = serializers.SerializerMethodField(
        help_text="When the active API token was last used (national administrators only; null otherwise)."
    )

    class Meta:
        model = SourceSystem
        fields = [
            "code",
            "name",
            "kind",
            "kind_label",
            "owner",
            "active",
            "created_at",
            "token_prefix",
            "token_last_used_at",
        ]
        read_only_fields = ["created_at"]
        # The service checks "one active portal/reporting system" and names the system in the way.
        validators = []

    def _token(self, obj) -> ApiToken | None:
        return self.context.get("tokens", {}).get(obj.code)

    def get_token_prefix(self, obj) -> str | None:
        token = self._token(obj)
        return token.prefix if token else None

    def get_token_last_used_at(self, obj) -> datetime | None:
        token = self._token(obj)
        return (
            serializers.DateTimeField().to_representation(token.last_used_at)
            if token and token.last_used_at
            else None
        )


class SourceSystemCreatedSerializer(SourceSystemSerializer):
    token = serializers.CharField(
        read_only=True, help_text="The new API token, shown once; send it as `Authorization: Token <key>`."
    )

    class Meta(SourceSystemSerializer.Meta):
        fields = [*SourceSystemSerializer.Meta.fields, "token"]


class TokenSerializer(serializers.Serializer):
    code = serializers.CharField()
    token = serializers.CharField(
        help_text="The new API token, shown once; the previous one no longer works."
    )
    token_prefix = serializers.CharField()


class SyncErrorSerializer(serializers.Serializer):
    index = serializers.IntegerField(
        help_text="0-based position of the record in the body (JSON Lines: line)"
    )
    MaHoSo = serializers.CharField(allow_blank=True)
    field = serializers.CharField(allow_blank=True, help_text="portal field name, e.g. NgayTiepNhan")
    error = serializers.CharField()
    reason = serializers.ChoiceField(
        choices=REASONS,
        help_text="invalid: a value breaks a rule; wrong_type: an object/array where text, a code, a number or a "
        "date is expected; not_an_object: the record is not a JSON object; bad_text: a NUL character or a "
        "lone surrogate; too_large: the record, a value or its nesting is beyond the limits; future_date: "
        "an event time later than now plus the allowed margin; out_of_scope: a dossier this source system "
        "may not write (another province's agency, a procedure not assigned to it); unknown_dossier: a "
        "progress step for a dossier this source never synced",
    )


class SyncResultSerializer(serializers.Serializer):
    batch = serializers.IntegerField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    rejected = serializers.IntegerField()
    errors = SyncErrorSerializer(many=True)


class SyncFailureSerializer(serializers.Serializer):
    error = serializers.CharField(help_text="what went wrong, for a person")
    retry = serializers.BooleanField(help_text="whether sending the same request again later may succeed")
    detail = serializers.CharField(help_text="the same message as error (kept for older clients)")
