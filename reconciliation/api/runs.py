"""``/api/v1/reconciliation/runs/`` and ``/gaps/``: read-only, scoped by the permission gate.

Every queryset starts from ``visible_to(request.user)`` (a province sees its runs, a ministry the
runs of the systems it owns), so out-of-scope details answer 404 and lists never include them.
Lists cost a constant number of queries (``select_related``), whatever the page size.

``GET /gaps/?format=csv`` (or ``xlsx``, or an ``Accept`` header) exports every gap the same filters
select, streamed, instead of one JSON page.
"""
from __future__ import annotations

import json

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import renderers, viewsets
from rest_framework.routers import SimpleRouter

from core.exports import FORMATS as EXPORT_FORMATS
from core.exports import XLSX_TYPE

from .. import exports
from ..models import Gap, ReconciliationRun
from .gap_filters import GapFilter, RunFilter
from .gap_serializers import GapSerializer, RunSerializer


class _ExportRenderer(renderers.BaseRenderer):
    """Selects the export format; list responses bypass it (streamed by ``exports``). Errors and
    detail pages requested in this format are rendered as JSON text."""

    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return json.dumps(data, default=str).encode()


class CSVRenderer(_ExportRenderer):
    media_type = "text/csv"
    format = "csv"


class XLSXRenderer(_ExportRenderer):
    media_type = XLSX_TYPE
    format = "xlsx"


class RunViewSet(viewsets.ReadOnlyModelViewSet):
    """Reconciliation runs (province × source system × month) the user may see, newest month first."""

    serializer_class = RunSerializer
    filterset_class = RunFilter

    def get_queryset(self):
        return ReconciliationRun.objects.visible_to(self.request.user).select_related("province", "source").order_by(
            "-period", "province__code", "source__code"
        )


class GapViewSet(viewsets.ReadOnlyModelViewSet):
    """Gaps (one dossier × one kind, both sides' values) of the runs the user may see."""

    serializer_class = GapSerializer
    filterset_class = GapFilter

    def get_queryset(self):
        return Gap.objects.visible_to(self.request.user).select_related("run__province", "run__source")

    def get_renderers(self):
        """The export formats exist on the list only (a single gap stays JSON)."""
        renderers = super().get_renderers()
        if self.action == "list":
            renderers += [CSVRenderer(), XLSXRenderer()]
        return renderers

    @extend_schema(parameters=[OpenApiParameter(
        "format", str, enum=["json", "csv", "xlsx"],
        description="csv / xlsx: export every gap the filters select (streamed) instead of one JSON page.",
    )], responses={
        200: GapSerializer(many=True),
        (200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY, description="CSV export"),
        (200, XLSX_TYPE): OpenApiResponse(OpenApiTypes.BINARY, description="Excel export"),
    })
    def list(self, request, *args, **kwargs):
        fmt = getattr(request.accepted_renderer, "format", None)
        if fmt in EXPORT_FORMATS:
            queryset = self.filter_queryset(self.get_queryset())
            return exports.export_response(queryset, fmt, exports.filename_for(request.query_params))
        return super().list(request, *args, **kwargs)


router = SimpleRouter()
router.register("runs", RunViewSet, basename="run")
router.register("gaps", GapViewSet, basename="gap")
