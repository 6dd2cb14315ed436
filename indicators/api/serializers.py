"""Serializers of the index API's scores and rankings (the drill-down answers plain rows)."""

from __future__ import annotations

from rest_framework import serializers


class ComponentSerializer(serializers.Serializer):
    numerator = serializers.IntegerField()
    denominator = serializers.IntegerField()
    ratio = serializers.FloatField(allow_null=True)
    points = serializers.FloatField()


class AgencyScoreSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.CharField()
    total = serializers.FloatField(allow_null=True, help_text="null: no dossier judged (band no_data)")
    band = serializers.CharField(help_text="good, fair, average, weak, or no_data (no total, no rank)")
    rank = serializers.IntegerField(allow_null=True)
    peers = serializers.IntegerField()
    change = serializers.FloatField(allow_null=True)
    as_of = serializers.DateTimeField()
    final = serializers.BooleanField()
    groups = serializers.DictField(child=serializers.FloatField(allow_null=True))
    components = serializers.DictField(child=ComponentSerializer(), required=False)


class PeriodScoresSerializer(serializers.Serializer):
    period = serializers.CharField()
    methodology = serializers.CharField(allow_null=True)
    agencies = AgencyScoreSerializer(many=True)


class RankedAgencySerializer(AgencyScoreSerializer):
    group_ranks = serializers.DictField(
        child=serializers.IntegerField(allow_null=True), help_text="each group's rank among the peers"
    )
    group_rank = serializers.IntegerField(
        allow_null=True, required=False, help_text="with `group`: the rank in that group, the list's order"
    )


class RankingsSerializer(serializers.Serializer):
    period = serializers.CharField()
    methodology = serializers.CharField(allow_null=True)
    group = serializers.CharField(allow_null=True, help_text="the group the list is sorted by, or null")
    agencies = RankedAgencySerializer(many=True)
