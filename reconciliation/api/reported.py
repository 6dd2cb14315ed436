"""``POST /api/v1/reported-counts/``: a reporting system pushes the monthly counts (the same rows as
``import_reported_counts``), authenticated with its token."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.authentication import TokenAuthentication

from ..models import SourceKind
from ..services.reported import ReportedCountError, import_counts
from ..services.sources import NotASourceSystem, source_for_user


class ReportedCountRowSerializer(serializers.Serializer):
    period = serializers.CharField(help_text="YYYY-MM")
    agency_code = serializers.CharField()
    system_code = serializers.CharField(allow_blank=True, help_text="Counted system; empty for all systems.")
    received = serializers.IntegerField(min_value=0)


class ReportedCountsSerializer(serializers.Serializer):
    counts = ReportedCountRowSerializer(many=True, help_text="Validated here only for the schema.")


class ReportedCountErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    column = serializers.CharField()
    error = serializers.CharField()


class ReportedCountsResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    errors = ReportedCountErrorSerializer(many=True)  # type: ignore[assignment]


class ReportedCountsView(APIView):
    """Monthly dossier counts per agency and system; idempotent upsert; nothing is stored on any error."""

    authentication_classes = [TokenAuthentication]
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="reported_counts_create",
        request=ReportedCountsSerializer,
        responses={
            200: ReportedCountsResultSerializer,
            400: ReportedCountsResultSerializer,
            403: OpenApiResponse(description="not a reporting system's token"),
        },
        tags=["sync"],
    )
    def post(self, request):
        try:
            source = source_for_user(request.user)
        except NotASourceSystem as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_403_FORBIDDEN)
        if source.kind != SourceKind.REPORTING:
            return Response(
                {"detail": f"{source.code} is not a reporting system: only reporting systems send counts."},
                status=status.HTTP_403_FORBIDDEN,
            )
        rows = request.data.get("counts") if isinstance(request.data, dict) else request.data
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            return Response(
                {"detail": 'Send {"counts": [{"period", "agency_code", "system_code", "received"}, …]}.'},
                status=status.HTTP_400_BAD_REQUEST,
            )
        try:
            result = import_counts(rows, source, first_row=1)
        except ReportedCountError as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_400_BAD_REQUEST)
        code = status.HTTP_400_BAD_REQUEST if result.errors else status.HTTP_200_OK
        return Response(result.as_dict(), status=code)
