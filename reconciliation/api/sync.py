"""``POST /api/v1/sync/dossiers/``: a source system pushes dossiers in the portal's formats.

Thin on purpose: authenticate the system account's token, pick the adapter by Content-Type, cap
the batch at ``MAX_RECORDS``, and call ``services.ingest`` — the same service as
``import_dossiers``. HTTP 200 whenever the batch was processed, even with rejected records (they
are listed per record); 400 only when the body itself cannot be read.
"""
from __future__ import annotations

from itertools import islice

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import BaseParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.authentication import TokenAuthentication

from ..adapters import UnreadableBody, format_for_media_type, formats, get_adapter
from ..services.ingest import run_batch, start_batch
from ..services.sources import NotASourceSystem, source_for_user

MAX_RECORDS = 10_000
MAX_BODY_BYTES = 200 << 20


class _TooLarge(Exception):
    pass


class _Limited:
    """The request body as a stream that refuses to read past ``MAX_BODY_BYTES``."""

    def __init__(self, stream, limit: int):
        self.stream, self.left = stream, limit

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size if size and size > 0 else -1)
        self.left -= len(data)
        if self.left < 0:
            raise _TooLarge
        return data

    def __iter__(self):
        while True:
            line = self.stream.readline()
            if not line:
                return
            self.left -= len(line)
            if self.left < 0:
                raise _TooLarge
            yield line


class _RawParser(BaseParser):
    """Declares the accepted media types; the view reads the body itself, as a stream."""

    media_type = "*/*"

    def parse(self, stream, media_type=None, parser_context=None):
        return None


class SyncErrorSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text="0-based position of the record in the body (JSON Lines: line)")
    MaHoSo = serializers.CharField(allow_blank=True)
    field = serializers.CharField(allow_blank=True, help_text="portal field name, e.g. NgayTiepNhan")
    error = serializers.CharField()


class SyncResultSerializer(serializers.Serializer):
    batch = serializers.IntegerField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    rejected = serializers.IntegerField()
    errors = SyncErrorSerializer(many=True)


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField()


class SyncDossiersView(APIView):
    authentication_classes = [TokenAuthentication]
    permission_classes = [IsAuthenticated]
    parser_classes = [_RawParser]

    @extend_schema(
        operation_id="sync_dossiers",
        summary="Push dossiers (DongBoHoSoMC) or progress steps (CapNhatTienDoHoSoMC)",
        description=(
            "Body: the portal envelope `{\"service\": \"DongBoHoSoMC\", \"isUpdating\": …, \"data\": [HoSo…]}` "
            "(`application/json`), JSON Lines (`application/x-ndjson`) or CSV with the portal's field names "
            "(`text/csv`); `?input=portal|jsonl|csv` overrides the Content-Type. Dates `yyyyMMddHHmmss`, Vietnam "
            f"time. At most {MAX_RECORDS:,} records. Records are keyed by (source system, MaHoSo): the same "
            "payload is `unchanged`, a newer state updates, an older state never overwrites a newer one. "
            "Authenticate with the source system's token: `Authorization: Token <key>`."
        ),
        request={
            "application/json": OpenApiTypes.OBJECT,
            "application/x-ndjson": OpenApiTypes.STR,
            "text/csv": OpenApiTypes.STR,
        },
        parameters=[OpenApiParameter("input", str, enum=["portal", "jsonl", "csv"], required=False)],
        responses={
            200: SyncResultSerializer,
            400: OpenApiResponse(DetailSerializer, description="The body cannot be read"),
            401: OpenApiResponse(DetailSerializer, description="No or invalid token"),
            403: OpenApiResponse(DetailSerializer, description="Not an active source system's account"),
            413: OpenApiResponse(DetailSerializer, description=f"More than {MAX_RECORDS:,} records"),
        },
        examples=[OpenApiExample("A batch with one rejected record", response_only=True, value={
            "batch": 42, "created": 2, "updated": 1, "unchanged": 0, "rejected": 1,
            "errors": [{"index": 3, "MaHoSo": "000.00.01.H26-250105-000123", "field": "NgayHenTra",
                        "error": "due before the dossier was received (NgayTiepNhan)"}],
        })],
        tags=["sync"],
    )
    def post(self, request):
        try:
            source = source_for_user(request.user)
        except NotASourceSystem as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_403_FORBIDDEN)
        fmt = request.query_params.get("input") or format_for_media_type(request.content_type)
        if fmt not in formats():
            return Response({"detail": f"Unsupported body type {request.content_type!r}: send application/json "
                                       "(portal envelope), application/x-ndjson (JSON Lines) or text/csv, or set "
                                       "?input=portal|jsonl|csv."}, status=status.HTTP_400_BAD_REQUEST)
        adapter = get_adapter(fmt)
        try:
            records = list(islice(adapter.parse(_Limited(request._request, MAX_BODY_BYTES)), MAX_RECORDS + 1))
        except UnreadableBody as exc:
            return Response({"detail": f"Unreadable body: {exc}"}, status=status.HTTP_400_BAD_REQUEST)
        except _TooLarge:
            records = None
        if records is None or len(records) > MAX_RECORDS:
            return Response({"detail": f"Too many records: a batch holds at most {MAX_RECORDS:,} records "
                                       f"(or {MAX_BODY_BYTES >> 20} MB); split the sync into several requests."},
                            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
        batch = start_batch(source, fmt, request.user)
        report = run_batch(batch, adapter, records)
        return Response(report.as_dict(), status=status.HTTP_200_OK)
