"""Serializers of the readiness API (read shapes, and the one write shape: a new assessment)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import Assessment, Criterion, CriterionResult, Outcome, RoadmapStep


class CriterionSerializer(serializers.ModelSerializer):
    set = serializers.CharField(source="criteria_set.code")
    set_name = serializers.CharField(source="criteria_set.name")
    version = serializers.IntegerField(source="criteria_set.version")
    issuer = serializers.CharField(source="criteria_set.issuer")
    issued_on = serializers.DateField(source="criteria_set.issued_on")
    is_example = serializers.BooleanField(source="criteria_set.is_example")

    class Meta:
        model = Criterion
        fields = [
            "set",
            "set_name",
            "version",
            "issuer",
            "issued_on",
            "is_example",
            "code",
            "name",
            "description",
            "group",
            "evidence",
            "required",
        ]


class RoadmapStepSerializer(serializers.ModelSerializer):
    class Meta:
        model = RoadmapStep
        fields = ["order", "action", "due_on"]


class CriterionResultSerializer(serializers.ModelSerializer):
    criterion = serializers.CharField(source="criterion.code")
    criterion_required = serializers.BooleanField(source="criterion.required")
    attachment = serializers.CharField(source="attachment_name")

    class Meta:
        model = CriterionResult
        fields = ["criterion", "criterion_required", "outcome", "note", "attachment"]


class _Overdue(serializers.Serializer):
    @extend_schema_field(serializers.BooleanField())
    def get_overdue(self, obj: Assessment) -> bool:
        return obj.is_overdue


class AssessmentSerializer(_Overdue, serializers.ModelSerializer):
    procedure = serializers.CharField(source="procedure.code")
    procedure_name = serializers.CharField(source="procedure.name")
    ministry = serializers.CharField(source="ministry.code")
    system = serializers.CharField(source="system.code")
    criteria_set = serializers.CharField(source="criteria_set.code")
    criteria_set_version = serializers.IntegerField(source="criteria_set.version")
    created_by = serializers.CharField(source="created_by.username")
    decided_by = serializers.CharField(source="decided_by.username", allow_null=True, default=None)
    overdue = serializers.SerializerMethodField()
    results = CriterionResultSerializer(many=True)
    steps = RoadmapStepSerializer(many=True)

    class Meta:
        model = Assessment
        fields = [
            "id",
            "procedure",
            "procedure_name",
            "ministry",
            "system",
            "criteria_set",
            "criteria_set_version",
            "state",
            "classification",
            "planned_ready_on",
            "overdue",
            "note",
            "is_current",
            "superseded_by",
            "created_by",
            "created_at",
            "submitted_at",
            "decided_by",
            "decided_at",
            "decision_comment",
            "results",
            "steps",
        ]


class RoadmapEntrySerializer(_Overdue, serializers.ModelSerializer):
    ministry = serializers.CharField(source="ministry.code")
    ministry_name = serializers.CharField(source="ministry.name")
    procedure = serializers.CharField(source="procedure.code")
    procedure_name = serializers.CharField(source="procedure.name")
    system = serializers.CharField(source="system.code")
    approved_at = serializers.DateTimeField(source="decided_at")
    overdue = serializers.SerializerMethodField()
    steps = RoadmapStepSerializer(many=True)

    class Meta:
        model = Assessment
        fields = [
            "id",
            "ministry",
            "ministry_name",
            "procedure",
            "procedure_name",
            "system",
            "planned_ready_on",
            "overdue",
            "steps",
            "approved_at",
        ]


class CriterionResultInputSerializer(serializers.Serializer):
    criterion = serializers.CharField(max_length=40)
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class RoadmapStepInputSerializer(serializers.Serializer):
    action = serializers.CharField(max_length=500)
    due_on = serializers.DateField()


class CreateAssessmentSerializer(serializers.Serializer):
    procedure = serializers.CharField(max_length=40, help_text="Procedure code.")
    system = serializers.CharField(max_length=40, help_text="Code of one of the ministry's systems.")
    results = CriterionResultInputSerializer(many=True)
    planned_ready_on = serializers.DateField(required=False, allow_null=True, default=None)
    steps = RoadmapStepInputSerializer(many=True, required=False, default=list)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    submit = serializers.BooleanField(required=False, default=False, help_text="Submit for approval at once.")


class AssessmentDecisionSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")
