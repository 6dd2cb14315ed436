"""API serializers for requests. Read-only views of the case; changes go through the services."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tthc.period_fields import PeriodSerializerField

from ..models import Notification, RequestAttachment, RequestEvent, Route, SyncGapRequest
from ..services import deadlines
from ..services.requests import available_transitions
from ..workflow import AWAITING_MINISTRY, Resolution, State


class AgencyRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class RequestSystemSerializer(serializers.Serializer):
    """One of the ministry's systems listed in a request, with its own figures."""

    code = serializers.CharField(source="source.code")
    name = serializers.CharField(source="source.name")
    gap_total = serializers.IntegerField()
    gaps = serializers.DictField(source="gap_counts", child=serializers.IntegerField())
    dossiers_compared = serializers.IntegerField()
    reported_count = serializers.IntegerField(allow_null=True)
    points_at_stake = serializers.DecimalField(max_digits=7, decimal_places=3)
    points_breakdown = serializers.DictField(child=serializers.DecimalField(max_digits=7, decimal_places=3))
    latest_gap_total = serializers.IntegerField(allow_null=True)
    latest_checked_at = serializers.DateTimeField(allow_null=True)


class SignerSerializer(serializers.Serializer):
    mode = serializers.CharField(source="signer_mode")
    title = serializers.CharField(source="signer_title")
    name = serializers.CharField(source="signer_name")
    signed_at = serializers.DateTimeField()


class FieldSpecSerializer(serializers.Serializer):
    name = serializers.CharField()
    kind = serializers.CharField()
    required = serializers.BooleanField()
    choices = serializers.ListField(child=serializers.CharField())


class TransitionSerializer(serializers.Serializer):
    to = serializers.CharField(source="target", help_text="Target state: the value to POST as 'to'.")
    label = serializers.CharField()
    fields = serializers.SerializerMethodField(method_name="field_specs")

    @extend_schema_field(FieldSpecSerializer(many=True))
    def field_specs(self, t):
        return [
            {"name": f.name, "kind": f.kind, "required": f.required, "choices": [c for c, _l in f.choices]}
            for f in t.fields
        ]


class CountdownSerializer(serializers.Serializer):
    overdue = serializers.BooleanField()
    working_days = serializers.IntegerField(source="days")
    hours = serializers.IntegerField()


class RequestListSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)
    province = AgencyRefSerializer()
    ministry = AgencyRefSerializer()
    systems = RequestSystemSerializer(many=True)
    kind = serializers.CharField(source="letter_kind", help_text="gaps | not_synced | portal_fault")
    number = serializers.CharField(source="number_text", help_text="The official number, once signed.")
    state_label = serializers.CharField(source="get_state_display")
    overdue = serializers.SerializerMethodField()
    countdown = serializers.SerializerMethodField()
    letter_sha256 = serializers.CharField(
        source="signed_letter.pdf_sha256",
        read_only=True,
        allow_null=True,
        help_text="SHA-256 of the signed letter's PDF, stored at signing and served unchanged by every "
        "download (null: a draft, or a letter signed before copies were stored and not downloaded since).",
    )
    letter_docx_sha256 = serializers.CharField(
        source="signed_letter.docx_sha256",
        read_only=True,
        allow_null=True,
        help_text="SHA-256 of the signed letter's Word file (like letter_sha256).",
    )

    class Meta:
        model = SyncGapRequest
        fields = [
            "id",
            "reference",
            "period",
            "province",
            "ministry",
            "route",
            "kind",
            "systems",
            "number",
            "letter_sha256",
            "letter_docx_sha256",
            "state",
            "state_label",
            "subject",
            "gap_total",
            "points_at_stake",
            "points_breakdown",
            "submitted_at",
            "response_due_at",
            "overdue",
            "countdown",
            "answered_at",
            "closed_at",
        ]

    def get_overdue(self, obj) -> bool:
        return obj.is_overdue()

    @extend_schema_field(CountdownSerializer(allow_null=True))
    def get_countdown(self, obj):
        if obj.state not in (*AWAITING_MINISTRY, State.ESCALATED) or obj.response_due_at is None:
            return None
        c = deadlines.countdown(obj.response_due_at, timezone.now(), obj.response_days)
        return CountdownSerializer(c).data


class EventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor_label")
    # Plain strings: the state enum is declared once, on the request's ``state``.
    from_state = serializers.CharField()
    to_state = serializers.CharField()

    class Meta:
        model = RequestEvent
        fields = ["id", "kind", "at", "actor", "from_state", "to_state", "comment", "fields"]


class AttachmentSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(
        help_text="Download address, through the permission gate (never the storage's own /media/ address)."
    )

    class Meta:
        model = RequestAttachment
        fields = ["id", "kind", "name", "size", "content_type", "uploaded_at", "superseded", "url"]

    def get_url(self, obj) -> str:
        path = reverse("complaints-api:request-attachment-download", args=[obj.request_id, obj.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class RequestDetailSerializer(RequestListSerializer):
    resolution = serializers.ChoiceField(choices=Resolution.choices, allow_blank=True)
    allowed_transitions = serializers.SerializerMethodField()
    events = EventSerializer(many=True)
    attachments = AttachmentSerializer(many=True)
    province_assignee = serializers.StringRelatedField()
    ministry_assignee = serializers.StringRelatedField()
    signer = serializers.SerializerMethodField()

    class Meta(RequestListSerializer.Meta):
        fields = RequestListSerializer.Meta.fields + [
            "signer",
            "body",
            "gap_counts",
            "dossiers_compared",
            "evidence_at",
            "latest_gap_counts",
            "latest_gap_total",
            "latest_points_at_stake",
            "latest_checked_at",
            "response_days",
            "reminder_at",
            "notice_at",
            "escalation_at",
            "acknowledged_at",
            "fix_plan",
            "fix_target_date",
            "answer",
            "resolution",
            "escalated_at",
            "province_assignee",
            "ministry_assignee",
            "allowed_transitions",
            "events",
            "attachments",
        ]

    @extend_schema_field(SignerSerializer(allow_null=True))
    def get_signer(self, obj):
        return SignerSerializer(obj).data if obj.signed_at else None

    @extend_schema_field(TransitionSerializer(many=True))
    def get_allowed_transitions(self, obj):
        user = self.context["request"].user
        return TransitionSerializer(available_transitions(obj, user), many=True).data


class CreateRequestSerializer(serializers.Serializer):
    province = serializers.CharField(help_text="Code of the filing province.")
    ministry = serializers.CharField(required=False, help_text="Code of the addressed ministry.")
    system = serializers.CharField(
        required=False, help_text="Code of one of the ministry's centralized systems (names the ministry)."
    )
    period = PeriodSerializerField(help_text="YYYY-MM")
    route = serializers.ChoiceField(
        choices=Route.choices,
        default=Route.MINISTRY,
        help_text="portal_operator: the portal's own faults, addressed to its operator (Bộ Công an).",
    )

    def validate(self, attrs):
        if attrs.get("route") == "portal_operator":
            return attrs
        if not attrs.get("ministry") and not attrs.get("system"):
            raise serializers.ValidationError(
                {"ministry": "Give the ministry's code (or one of its systems)."}
            )
        return attrs


class TransitionRequestSerializer(serializers.Serializer):
    to = serializers.CharField(help_text="Target state, snake_case: " + ", ".join(State.values))
    comment = serializers.CharField(required=False, allow_blank=True)
    reason = serializers.CharField(required=False, allow_blank=True)
    fix_plan = serializers.CharField(required=False, allow_blank=True)
    target_date = serializers.CharField(required=False, allow_blank=True, help_text="YYYY-MM-DD")
    answer = serializers.CharField(required=False, allow_blank=True)
    resolution = serializers.CharField(required=False, allow_blank=True, help_text="fixed | explained")
    signer_title = serializers.CharField(required=False, allow_blank=True, help_text="Signing: the title.")
    signer_mode = serializers.CharField(required=False, allow_blank=True, help_text="Signing: KT. | TM. | -")

    def validate_to(self, value):
        if value not in State.values:
            raise serializers.ValidationError(
                f"Unknown state {value!r}; expected one of {', '.join(State.values)}."
            )
        return value


#: The largest primary key a ``bigint`` column holds: a larger id is a client's error (400), not a
#: database overflow (500).
MAX_ID = 2**63 - 1
#: Ids in one call.
MAX_IDS = 1000


def id_list(**kwargs) -> serializers.ListField:
    """A list of record ids: whole numbers from 1 to :data:`MAX_ID`, at most :data:`MAX_IDS` of them."""
    return serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), max_length=MAX_IDS, **kwargs
    )


class BulkSubmitSerializer(serializers.Serializer):
    ids = id_list(allow_empty=False)


class MarkReadSerializer(serializers.Serializer):
    """``{"ids": [...]}`` marks those notifications read; no ``ids``: all of them."""

    ids = id_list(required=False)


class CommentSerializer(serializers.Serializer):
    comment = serializers.CharField()


class AttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField()


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "kind", "request", "subject", "body", "url", "created_at", "read_at"]


class FeedbackCaseSerializer(serializers.Serializer):
    """A citizen feedback item seen as a case: its derived state, stored deadlines and timeline."""

    id = serializers.IntegerField()
    code = serializers.CharField()
    agency = AgencyRefSerializer()
    subject = serializers.CharField()
    state = serializers.SerializerMethodField()
    received_at = serializers.DateTimeField()
    refuse_due_at = serializers.DateTimeField()
    ask_more_due_at = serializers.DateTimeField()
    answer_due_at = serializers.DateTimeField()
    publish_due_at = serializers.DateTimeField(allow_null=True)
    refused_at = serializers.DateTimeField(allow_null=True)
    asked_more_at = serializers.DateTimeField(allow_null=True)
    answered_at = serializers.DateTimeField(allow_null=True)
    published_at = serializers.DateTimeField(allow_null=True)
    allowed_transitions = serializers.SerializerMethodField()
    events = serializers.SerializerMethodField()

    def get_state(self, obj) -> str:
        from ..feedback_workflow import state_of

        return state_of(obj)

    @extend_schema_field(TransitionSerializer(many=True))
    def get_allowed_transitions(self, obj):
        from ..services.feedback import available_transitions

        return TransitionSerializer(available_transitions(obj, self.context["request"].user), many=True).data

    @extend_schema_field(EventSerializer(many=True))
    def get_events(self, obj):
        return EventSerializer(obj.events.select_related("actor").order_by("at", "pk"), many=True).data


class FeedbackTransitionSerializer(serializers.Serializer):
    to = serializers.CharField(help_text="Target state: refused, more_info_requested, answered or published.")
    comment = serializers.CharField(required=False, allow_blank=True)
    reason = serializers.CharField(required=False, allow_blank=True)
    question = serializers.CharField(required=False, allow_blank=True)
    answer = serializers.CharField(required=False, allow_blank=True)
