"""``/api/v1/requests/``: list and detail through the gate (404 outside scope), creation, and the
workflow as actions — ``POST /api/v1/requests/{id}/transition/`` with ``{"to": <state>, …fields}``.

Thin: every write calls a service in ``complaints.services``; the allowed transitions shown on a
detail are the ones the service will accept (same table, same actor resolution).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response

from accounts.audit import AuditContext
from core import params
from core.exports import FORMATS as EXPORT_FORMATS
from core.exports import export_format, export_responses, header_mode, headers_parameter
from reconciliation.models import SourceSystem
from tthc.models import Agency

from .. import exports
from ..machine import GuardFailed, TransitionDenied, UnknownTransition
from ..models import Feedback, Notification, SyncGapRequest
from ..services import attachments, letters, notifications, report, summary
from ..services import requests as svc
from .filters import RequestFilter
from .serializers import (
    AttachmentSerializer,
    AttachmentUploadSerializer,
    BulkSubmitSerializer,
    CommentSerializer,
    CreateRequestSerializer,
    EventSerializer,
    FeedbackCaseSerializer,
    FeedbackTransitionSerializer,
    MarkReadSerializer,
    NotificationSerializer,
    RequestDetailSerializer,
    RequestListSerializer,
    TransitionRequestSerializer,
)


def _errors(exc: DjangoValidationError):
    return exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}


def _refusal(exc):
    """Service refusals as HTTP answers (denials were already audited by the service)."""
    if isinstance(exc, TransitionDenied | DjangoPermissionDenied):
        return Response({"detail": str(exc)}, status=status.HTTP_403_FORBIDDEN)
    if isinstance(exc, UnknownTransition | GuardFailed):
        return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
    return Response(_errors(exc), status=status.HTTP_400_BAD_REQUEST)


class AnyMediaRenderer(BaseRenderer):
    """Lets a download be asked for with any ``Accept`` header (the file answers with its own type);
    an error on that route is rendered as JSON text."""

    media_type = "*/*"
    format = "file"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return JSONRenderer().render(data, accepted_media_type, renderer_context)


REFUSALS = (TransitionDenied, DjangoPermissionDenied, UnknownTransition, GuardFailed, DjangoValidationError)


def _fire(transition, case, serializer_class, request, context):
    """Validate a ``{"to", "comment"?, …}`` body with ``serializer_class`` and fire ``transition`` (a
    workflow service) on ``case``: the request's and the feedback case's endpoints alike. The caller
    turns ``REFUSALS`` into answers (``_refusal``)."""
    body = serializer_class(data=request.data)
    body.is_valid(raise_exception=True)
    data = body.validated_data
    fields = {k: v for k, v in data.items() if k not in ("to", "comment")}
    return transition(
        case, data["to"], request.user, comment=data.get("comment", ""), context=context, **fields
    )


class RequestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Sync-gap requests (kiến nghị) the user may see: a province its own, a ministry those addressed to
    it (drafts excepted), supervisors all."""

    filterset_class = RequestFilter
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    def get_queryset(self):
        qs = SyncGapRequest.objects.visible_to(self.request.user).select_related(
            "province", "ministry", "province_assignee", "ministry_assignee", "signed_letter"
        )
        qs = qs.prefetch_related("systems__source")
        if self.action == "retrieve":
            qs = qs.prefetch_related("events__actor", "attachments")
        return qs.order_by("-period", "response_due_at", "pk")

    def get_serializer_class(self):
        return RequestDetailSerializer if self.action == "retrieve" else RequestListSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "export",
                str,
                enum=list(EXPORT_FORMATS),
                description="csv / xlsx: every request the filters select (a file) instead of one JSON page.",
            ),
            headers_parameter(),
        ],
        responses=export_responses(RequestListSerializer(many=True)),
    )
    def list(self, request, *args, **kwargs):
        fmt = export_format(request.query_params)
        if fmt is None:
            return super().list(request, *args, **kwargs)
        return exports.export_response(
            self.filter_queryset(self.get_queryset()),
            fmt,
            exports.filename_for(request.query_params),
            headers=header_mode(request.query_params),
        )

    def _context(self):
        return AuditContext.from_request(self.request, source="api")

    def _detail(self, case, code=status.HTTP_200_OK):
        case = self.get_queryset().prefetch_related("events__actor", "attachments").get(pk=case.pk)
        return Response(RequestDetailSerializer(case, context={"request": self.request}).data, status=code)

    @extend_schema(
        request=CreateRequestSerializer,
        responses={201: RequestDetailSerializer, 200: RequestDetailSerializer},
    )
    def create(self, request):
        """File a draft for province × ministry × month; an existing one is returned (200)."""
        data = CreateRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        province = get_object_or_404(
            Agency.objects.visible_to(request.user), code=data.validated_data["province"]
        )
        addressee: Agency | SourceSystem
        route = data.validated_data["route"]
        if route == "portal_operator":
            addressee = province
        elif data.validated_data.get("system"):
            addressee = get_object_or_404(
                SourceSystem.objects.visible_to(request.user), code=data.validated_data["system"]
            )
        else:
            addressee = get_object_or_404(Agency.objects.all(), code=data.validated_data["ministry"])
        try:
            case, created = svc.create_request(
                province,
                addressee,
                data.validated_data["period"],
                user=request.user,
                route=route,
                context=self._context(),
            )
        except REFUSALS as exc:
            return _refusal(exc)
        return self._detail(case, status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(
        request=TransitionRequestSerializer,
        responses={
            200: RequestDetailSerializer,
            400: OpenApiResponse(description="missing fields"),
            403: OpenApiResponse(description="not your role"),
            409: OpenApiResponse(description="not possible from the current state"),
        },
    )
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        """Fire a transition: ``{"to": "acknowledged"}``, ``{"to": "answered", "answer": …, "resolution": "fixed"}``…"""
        case = self.get_object()
        try:
            case = _fire(svc.transition, case, TransitionRequestSerializer, request, self._context())
        except REFUSALS as exc:
            return _refusal(exc)
        return self._detail(case)

    @extend_schema(
        request=BulkSubmitSerializer, responses={200: OpenApiResponse(description="{submitted, errors}")}
    )
    @action(detail=False, methods=["post"], url_path="bulk-submit")
    def bulk_submit(self, request):
        """A province leader submits several drafts at once."""
        body = BulkSubmitSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        cases = list(self.get_queryset().filter(pk__in=body.validated_data["ids"]))
        submitted, errors = svc.bulk_submit(cases, request.user, context=self._context())
        return Response(
            {"submitted": [c.pk for c in submitted], "errors": {str(k): v for k, v in errors.items()}}
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("period", str, description="YYYY-MM (default: the last closed month)"),
            OpenApiParameter("province", str, description="Code of a province you may see (default: all)"),
        ],
        responses={200: OpenApiResponse(OpenApiTypes.OBJECT, description="monthly_summary(): per ministry")},
    )
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def summary(self, request):
        """The Chairman's monthly summary: per ministry its systems, gaps, points at stake per component,
        requests sent / answered / verified / overdue (``complaints.services.summary.monthly_summary``)."""
        period, province = summary.scope_from_query(request.user, request.query_params)
        return Response(summary.monthly_summary(request.user, period, province))

    @extend_schema(
        parameters=[
            OpenApiParameter("period", str, description="YYYY-MM (default: the last closed month)"),
            OpenApiParameter("province", str, description="Code of a province you may see (default: all)"),
        ],
        responses={200: OpenApiResponse(OpenApiTypes.OBJECT, description="monthly_report_section()")},
    )
    @action(detail=False, methods=["get"], url_path="moj-report", filter_backends=[], pagination_class=None)
    def moj_report(self, request):
        """The section of the monthly TTHC reform report to the Ministry of Justice (Cục Kiểm soát TTHC)."""
        period, province = summary.scope_from_query(request.user, request.query_params)
        return Response(report.monthly_report_section(period, province, user=request.user))

    @extend_schema(
        parameters=[
            OpenApiParameter("limit", int, description="Appendix rows (1–1000, default 200)"),
        ],
        responses={200: OpenApiResponse(OpenApiTypes.OBJECT, description="letter_content(): the letter")},
    )
    @action(detail=True, methods=["get"])
    def letter(self, request, pk=None):
        """The letter's content (wording per case, systems, points at stake, a bounded appendix), as
        data worded today. The signed letter itself is the PDF and Word file stored at signing
        (``/api/v1/documents/request_letter/?request=``; their SHA-256 in ``letter_sha256``)."""
        case = self.get_object()
        limit = params.whole_number(request.query_params, "limit", 1, 1000, default=200)
        return Response(letters.letter_content(case, int(limit or 200)))

    @extend_schema(request=CommentSerializer, responses={201: EventSerializer})
    @action(detail=True, methods=["post"])
    def comments(self, request, pk=None):
        case = self.get_object()
        body = CommentSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            event = svc.add_comment(
                case, request.user, body.validated_data["comment"], context=self._context()
            )
        except REFUSALS as exc:
            return _refusal(exc)
        return Response(EventSerializer(event).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request={"multipart/form-data": AttachmentUploadSerializer}, responses={201: AttachmentSerializer}
    )
    @action(detail=True, methods=["post"])
    def attachments(self, request, pk=None):
        case = self.get_object()
        body = AttachmentUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            attachment = svc.add_attachment(
                case, request.user, body.validated_data["file"], context=self._context()
            )
        except REFUSALS as exc:
            return _refusal(exc)
        return Response(
            AttachmentSerializer(attachment, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        request=None,
        parameters=[OpenApiParameter("attachment_id", int, OpenApiParameter.PATH)],
        responses={
            (200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY, description="the file"),
            404: OpenApiResponse(description="no such attachment on a request you may see"),
        },
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"attachments/(?P<attachment_id>[0-9]+)",
        url_name="attachment-download",
        renderer_classes=[JSONRenderer, AnyMediaRenderer],
    )
    def attachment_download(self, request, pk=None, attachment_id=None):
        """Download one attachment of a request you may see (the only way files are served)."""
        return attachments.download_response(self.get_object(), attachment_id)


class FeedbackCaseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Citizen feedback items (phản ánh, kiến nghị) of the agencies the user sees, handled as cases."""

    serializer_class = FeedbackCaseSerializer

    def get_queryset(self):
        return (
            Feedback.objects.visible_to(self.request.user)
            .select_related("agency")
            .order_by("-received_at", "-pk")
        )

    @extend_schema(
        request=FeedbackTransitionSerializer,
        responses={
            200: FeedbackCaseSerializer,
            400: OpenApiResponse(description="missing fields"),
            403: OpenApiResponse(description="not your role"),
            409: OpenApiResponse(description="not possible from the current state"),
        },
    )
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        from ..services import feedback as feedback_svc

        item = self.get_object()
        try:
            item = _fire(
                feedback_svc.transition,
                item,
                FeedbackTransitionSerializer,
                request,
                AuditContext.from_request(request, source="api"),
            )
        except REFUSALS as exc:
            return _refusal(exc)
        return Response(FeedbackCaseSerializer(item, context={"request": request}).data)


class NotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The user's own notifications, newest first; ``?unread=true`` for the unread ones."""

    serializer_class = NotificationSerializer

    def get_queryset(self):
        qs = Notification.objects.for_user(self.request.user).order_by("-created_at", "-pk")
        if self.request.query_params.get("unread") in ("1", "true"):
            qs = qs.unread()
        return qs

    @extend_schema(request=MarkReadSerializer, responses={200: OpenApiResponse(description="{marked}")})
    @action(detail=False, methods=["post"], url_path="mark-read")
    def mark_read(self, request):
        """Mark the caller's notifications read: those of ``ids``, or all of them without ``ids``."""
        body = MarkReadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return Response({"marked": notifications.mark_read(request.user, body.validated_data.get("ids"))})
