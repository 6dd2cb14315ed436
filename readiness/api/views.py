"""``/api/v1/readiness/``: the criteria, the assessments (through the gate; creation and the workflow
as actions) and the published roadmap (public, like the national portal's list).

Thin: writes call ``readiness.services.assessments``; its refusals become 403 (not this ministry's
officer or leader), 400 (bad input, naming the field) or 409 (wrong state).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from accounts.audit import AuditContext
from reconciliation.models import SourceSystem
from tthc.models import Procedure

from ..models import Assessment, Criterion
from ..services import assessments as svc
from ..services.publication import roadmap
from .filters import AssessmentFilter, CriterionFilter, RoadmapFilter
from .serializers import (
    AssessmentDecisionSerializer,
    AssessmentSerializer,
    CreateAssessmentSerializer,
    CriterionSerializer,
    RoadmapEntrySerializer,
)


def _refusal(exc: Exception) -> Response:
    if isinstance(exc, DjangoPermissionDenied):
        return Response({"detail": str(exc)}, status=status.HTTP_403_FORBIDDEN)
    assert isinstance(exc, DjangoValidationError)
    body = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
    code = status.HTTP_409_CONFLICT if set(body) == {"state"} else status.HTTP_400_BAD_REQUEST
    return Response(body, status=code)


class CriterionViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The criteria of every set (a set flagged ``is_example`` is an illustration, not the official text)."""

    serializer_class = CriterionSerializer
    filterset_class = CriterionFilter
    queryset = Criterion.objects.select_related("criteria_set").order_by(
        "-criteria_set__in_force_from", "criteria_set__code", "-criteria_set__version", "order", "code"
    )


class AssessmentViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Assessments the user may see: a ministry's users its own, supervisors and national all."""

    serializer_class = AssessmentSerializer
    filterset_class = AssessmentFilter

    def get_queryset(self):
        return (
            Assessment.objects.visible_to(self.request.user)
            .select_related("procedure", "ministry", "system", "criteria_set", "created_by", "decided_by")
            .prefetch_related("results__criterion", "steps")
            .order_by("ministry__code", "procedure__code", "system__code", "-created_at", "-pk")
        )

    def _context(self) -> AuditContext:
        return AuditContext.from_request(self.request, source="api")

    def _answer(self, assessment: Assessment, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=assessment.pk)
        return Response(AssessmentSerializer(fresh, context={"request": self.request}).data, status=code)

    @extend_schema(request=CreateAssessmentSerializer, responses={201: AssessmentSerializer})
    def create(self, request, *args, **kwargs):
        """A new assessment by an officer of the procedure's ministry (another ministry's: 403)."""
        data = CreateAssessmentSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        procedure = get_object_or_404(
            Procedure.objects.visible_to(request.user).select_related("ministry"), code=v["procedure"]
        )
        system = get_object_or_404(SourceSystem.objects.visible_to(request.user), code=v["system"])
        try:
            assessment = svc.create_assessment(
                procedure,
                system,
                request.user,
                [svc.ResultInput(r["criterion"], r["outcome"], r.get("note", "")) for r in v["results"]],
                planned_ready_on=v.get("planned_ready_on"),
                steps=[svc.StepInput(s["action"], s["due_on"]) for s in v.get("steps", [])],
                note=v.get("note", ""),
                submit=v.get("submit", False),
                context=self._context(),
            )
        except (DjangoPermissionDenied, DjangoValidationError) as exc:
            return _refusal(exc)
        return self._answer(assessment, status.HTTP_201_CREATED)

    def _fire(self, name: str) -> Response:
        assessment = self.get_object()  # outside the scope: 404
        data = AssessmentDecisionSerializer(data=self.request.data)
        data.is_valid(raise_exception=True)
        try:
            svc.transition(
                assessment,
                name,
                self.request.user,
                comment=data.validated_data["comment"],
                context=self._context(),
            )
        except (DjangoPermissionDenied, DjangoValidationError) as exc:
            return _refusal(exc)
        return self._answer(assessment)

    @extend_schema(request=AssessmentDecisionSerializer, responses={200: AssessmentSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Submit for the leader's approval (officer of the ministry)."""
        return self._fire("submit")

    @extend_schema(request=AssessmentDecisionSerializer, responses={200: AssessmentSerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Approve: the procedure is classified, this assessment supersedes the current one (leader)."""
        return self._fire("approve")

    @extend_schema(request=AssessmentDecisionSerializer, responses={200: AssessmentSerializer})
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, pk=None):
        """Return to the officers for revision (leader)."""
        return self._fire("return")


class RoadmapViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The published list of procedures not yet ready on their ministry's system, with the planned
    date and roadmap; ``overdue`` flags a planned date passed. Public, like the national portal's list."""

    serializer_class = RoadmapEntrySerializer
    filterset_class = RoadmapFilter
    permission_classes = [AllowAny]

    def get_queryset(self):
        return roadmap()
