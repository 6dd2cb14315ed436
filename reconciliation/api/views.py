"""``POST /api/v1/sync/dossiers/``: a source system pushes dossiers in the portal's formats.

Thin on purpose: authenticate the system account's token, pick the adapter by Content-Type, cap
the batch at ``MAX_RECORDS``, and call ``services.ingest`` — the same service as
``import_dossiers``. HTTP 200 whenever the batch was processed, even with rejected records (they
are listed per record, each with a machine-readable ``reason``).

Every failure answers JSON ``{"error": …, "retry": true|false, "detail": …}`` (``detail`` repeats
``error`` for older clients): 400 unreadable body, 401 no or bad token, 403 not an active source
system, 413 too many records or bytes, 415 unsupported body type — all ``retry: false``, sending the
same request again cannot help — and 503 with ``Retry-After`` when the database is unavailable
(``retry: true``: chunks already committed stay, and a repeat of the same batch changes nothing
already stored, so resending the whole batch is safe).
"""
from __future__ import annotations

import logging
from itertools import islice

from django.conf import settings
from django.db import InterfaceError, OperationalError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import BaseParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.authentication import TokenAuthentication

from ..adapters import UnreadableBody, format_for_media_type, formats, get_adapter
from ..adapters.fields import REASONS
from ..adapters.limits import Refused
from ..services.ingest import run_batch, start_batch
from ..services.sources import NotASourceSystem, source_for_user

log = logging.getLogger(__name__)

MAX_RECORDS = 10_000
MAX_BODY_BYTES = 200 << 20


class _TooLarge(Exception):
    pass


class _Limited:
    """The request body as a stream that refuses to read past ``MAX_BODY_BYTES``."""

    def __init__(self, stream, limit: int):
        self.stream, self.left = stream, limit

    def read(self, size: int = -1) -> bytes:
        return self._count(self.stream.read(size if size and size > 0 else -1))

    def readline(self, size: int = -1) -> bytes:
        return self._count(self.stream.readline(size if size and size > 0 else -1))

    def _count(self, data: bytes) -> bytes:
        self.left -= len(data)
        if self.left < 0:
            raise _TooLarge
        return data


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


def failure(message: str, code: int, retry: bool = False, headers: dict | None = None) -> Response:
    return Response({"error": message, "retry": retry, "detail": message}, status=code, headers=headers)


def _failure_doc(description: str) -> OpenApiResponse:
    return OpenApiResponse(SyncFailureSerializer, description=description)


DATABASE_UNAVAILABLE = ("The database is unavailable: send the same batch again later (what was already stored "
                        "stays, and a repeat changes nothing stored).")


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
            "A source system writes only its own dossiers — a provincial system those of its province's agencies, "
            "a ministry system those of the procedures assigned to it or of its ministry's agencies, the national "
            "portal any — others are rejected `out_of_scope`. Each bad record is rejected alone, with a `reason`; "
            "every failure of the request as a whole answers `{\"error\", \"retry\", \"detail\"}`. "
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
            400: _failure_doc("The body cannot be read (not JSON, no data array, no CSV header…); retry: false"),
            401: _failure_doc("No or invalid token; retry: false"),
            403: _failure_doc("Not an active source system's account; retry: false"),
            413: _failure_doc(f"More than {MAX_RECORDS:,} records or {MAX_BODY_BYTES >> 20} MB; retry: false"),
            415: _failure_doc("Unsupported body type; retry: false"),
            500: _failure_doc("An internal error (logged); retry: false"),
            503: _failure_doc("The database is unavailable; retry: true, after the Retry-After header's seconds. "
                              "Resending the same batch is safe: what was stored stays, nothing is duplicated"),
        },
        examples=[
            OpenApiExample("A batch with rejected records", response_only=True, value={
                "batch": 42, "created": 2, "updated": 1, "unchanged": 0, "rejected": 2,
                "errors": [{"index": 3, "MaHoSo": "000.00.01.H26-250105-000123", "field": "NgayHenTra",
                            "error": "due before the dossier was received (NgayTiepNhan)", "reason": "invalid"},
                           {"index": 7, "MaHoSo": "20242-260403-000001", "field": "MaDonVi",
                            "error": "agency 20242 is outside the remit of HTTT-01: a provincial system writes only "
                                     "the dossiers of 01 and the agencies under it", "reason": "out_of_scope"}],
            }),
            OpenApiExample("The database is unavailable", response_only=True, status_codes=["503"], value={
                "error": DATABASE_UNAVAILABLE, "retry": True, "detail": DATABASE_UNAVAILABLE}),
        ],
        tags=["sync"],
    )
    def post(self, request):
        try:
            source = source_for_user(request.user)
        except NotASourceSystem as exc:
            return failure(str(exc), status.HTTP_403_FORBIDDEN)
        fmt = request.query_params.get("input") or format_for_media_type(request.content_type)
        if fmt not in formats():
            return failure(f"Unsupported body type {request.content_type[:100]!r}: send application/json (portal "
                           "envelope), application/x-ndjson (JSON Lines) or text/csv, or set ?input=portal|jsonl|csv.",
                           status.HTTP_415_UNSUPPORTED_MEDIA_TYPE)
        adapter = get_adapter(fmt)
        try:
            records = list(islice(adapter.parse(_Limited(request._request, MAX_BODY_BYTES)), MAX_RECORDS + 1))
        except UnreadableBody as exc:
            return failure(f"Unreadable body: {exc}", status.HTTP_400_BAD_REQUEST)
        except _TooLarge:
            records = None
        if records is None or len(records) > MAX_RECORDS:
            return failure(f"Too many records: a batch holds at most {MAX_RECORDS:,} records (or "
                           f"{MAX_BODY_BYTES >> 20} MB); split the sync into several requests.",
                           status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
        oversized = next(((index, raw) for index, raw in records if isinstance(raw, Refused) and raw.oversized), None)
        if oversized is not None:
            index, raw = oversized
            return failure(f"Record {index} is {raw.oversized:,} bytes long; a record holds at most "
                           f"{settings.INGEST_MAX_RECORD_BYTES:,} bytes: nothing of this batch was stored. Remove or "
                           "shorten that record and send the batch again.", status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
        batch = start_batch(source, fmt, request.user)
        report = run_batch(batch, adapter, records)
        return Response(report.as_dict(), status=status.HTTP_200_OK)

    def handle_exception(self, exc):
        """Every failure as ``{"error", "retry", "detail"}``: the database being unavailable is a 503
        with ``Retry-After``; DRF's own errors (401, 405…) are reshaped; anything else is a logged 500."""
        if isinstance(exc, (OperationalError, InterfaceError)):
            log.warning("sync refused, database unavailable: %s", exc)
            return failure(DATABASE_UNAVAILABLE, status.HTTP_503_SERVICE_UNAVAILABLE, retry=True,
                           headers={"Retry-After": str(settings.SYNC_RETRY_AFTER_SECONDS)})
        try:
            response = super().handle_exception(exc)
        except Exception:
            log.exception("sync failed")
            return failure("An internal error occurred and was logged; sending the same batch again will probably "
                           "fail the same way: tell the platform's operators.", status.HTTP_500_INTERNAL_SERVER_ERROR)
        data = response.data
        if isinstance(data, dict) and "error" not in data:
            message = str(data.get("detail", data))
            response.data = {"error": message, "retry": response.status_code in (429, 503), "detail": message}
        return response
