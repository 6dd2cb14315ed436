"""The reconciliation API, thin over the services and scoped by the permission gate.

* ``/reconciliation/runs/`` and ``/reconciliation/gaps/`` — read-only. Every queryset starts from
  ``visible_to(request.user)`` (a province sees its runs, a ministry the runs of the systems it owns),
  so out-of-scope details answer 404 and lists never include them; lists cost a constant number of
  queries (``select_related``). ``GET /gaps/?format=csv`` (or ``xlsx``, or an ``Accept`` header)
  exports every gap the same filters select, streamed, instead of one JSON page.
* ``/source-systems/`` — the source systems a user may see (``SourceSystem.objects.visible_to``: a
  user's own agencies' systems plus the national ones every province is compared against). Creating,
  changing and issuing a token are national configuration: anyone else gets 403 with the reason. A
  token appears in exactly two responses — the creation's and ``rotate-token``'s — and is never
  readable afterwards (only its digest is stored); national administrators see its prefix and when
  it was last used.
* ``POST /sync/dossiers/`` — a source system pushes dossiers in the portal's formats (below).

The sync endpoint is thin on purpose: authenticate the system account's token, pick the adapter by
Content-Type, cap the batch at ``MAX_RECORDS``, and call ``services.ingest`` — the same service as
``import_dossiers``. HTTP 200 whenever the batch was processed, even with rejected records (they are
listed per record, each with a machine-readable ``reason``). Every failure answers JSON ``{"error": …,
"retry": true|false, "detail": …}`` (``detail`` repeats ``error`` for older clients): 400 unreadable
body, 401 no or bad token, 403 not an active source system, 413 too many records or bytes, 415
unsupported body type — all ``retry: false``, sending the same request again cannot help — and 503
with ``Retry-After`` when the database is unavailable (``retry: true``: chunks already committed
stay, and a repeat of the same batch changes nothing already stored, so resending the whole batch is
safe).
"""

from __future__ import annotations

import json
import logging
from itertools import islice

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, renderers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import BaseParser
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import gate
from accounts.audit import AuditContext
from accounts.authentication import TokenAuthentication
from accounts.models import ApiToken
from core.converters import CODE_REGEX
from core.exports import FORMATS as EXPORT_FORMATS
from core.exports import XLSX_TYPE, export_responses, header_mode, headers_parameter
from core.pagination import CappedCountPagination

from .. import exports
from ..adapters import UnreadableBody, format_for_media_type, formats, get_adapter
from ..adapters.limits import Refused
from ..models import Gap, ReconciliationRun, SourceSystem
from ..services.ingest import run_batch, start_batch
from ..services.sources import (
    NotASourceSystem,
    create_source_system,
    rotate_source_token,
    source_for_user,
    update_source_system,
)
from .filters import GapFilter, RunFilter, SourceSystemFilter, gap_list
from .serializers import (
    GapSerializer,
    RunSerializer,
    SourceSystemCreatedSerializer,
    SourceSystemSerializer,
    SyncFailureSerializer,
    SyncResultSerializer,
    TokenSerializer,
)

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


# --- Reconciliation runs, gaps, exports ------------------------------------------------------------


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
        return (
            ReconciliationRun.objects.visible_to(self.request.user)
            .select_related("province", "source")
            .order_by("-period", "province__code", "source__code")
        )


class GapViewSet(viewsets.ReadOnlyModelViewSet):
    """Gaps (one dossier × one kind, both sides' values) of the runs the user may see."""

    serializer_class = GapSerializer
    filterset_class = GapFilter
    pagination_class = CappedCountPagination  # a province-month holds hundreds of thousands of gaps

    def get_queryset(self):
        return (
            Gap.objects.visible_to(self.request.user)
            .select_related("run__province", "run__source")
            .with_filing_place()
        )

    def filter_queryset(self, queryset):
        """The list in the unique index's order, one named run pinned by id (``gap_list``)."""
        if self.action != "list":
            return super().filter_queryset(queryset)
        filterset, rows = gap_list(self.request.user, self.request.query_params, base=queryset)
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        return rows.with_filing_place()

    def get_renderers(self):
        """The export formats exist on the list only (a single gap stays JSON)."""
        renderers = super().get_renderers()
        if self.action == "list":
            renderers += [CSVRenderer(), XLSXRenderer()]
        return renderers

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "format",
                str,
                enum=["json", "csv", "xlsx"],
                description="csv / xlsx: export every gap the filters select (streamed) instead of one JSON page.",
            ),
            headers_parameter(),
        ],
        responses=export_responses(GapSerializer(many=True)),
    )
    def list(self, request, *args, **kwargs):
        fmt = getattr(request.accepted_renderer, "format", None)
        if fmt in EXPORT_FORMATS:
            queryset = self.filter_queryset(self.get_queryset())
            return exports.export_response(
                queryset,
                fmt,
                exports.filename_for(request.query_params),
                headers=header_mode(request.query_params),
            )
        return super().list(request, *args, **kwargs)


# --- Source systems (national configuration; tokens shown once) ----------------------------------


class NationalAdminWrites(BasePermission):
    """Reads for every authenticated user (the queryset is scoped); writes for national administrators."""

    message = _("Only national administrators may create or change source systems or issue their API tokens.")

    def has_permission(self, request, view):
        return request.method in SAFE_METHODS or gate.is_national(request.user)


def _as_drf(exc: DjangoValidationError) -> ValidationError:
    return ValidationError(exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages})


FORBIDDEN = OpenApiResponse(description="Not a national administrator")
INVALID = OpenApiResponse(
    description="Invalid values, a code change, or a second active portal/reporting system"
)


@extend_schema_view(
    list=extend_schema(summary="Source systems you may see"),
    retrieve=extend_schema(summary="One source system"),
    create=extend_schema(
        summary="Create a source system (national administrators)",
        responses={201: SourceSystemCreatedSerializer, 400: INVALID, 403: FORBIDDEN},
    ),
    update=extend_schema(
        summary="Change a source system (national administrators)",
        responses={200: SourceSystemSerializer, 400: INVALID, 403: FORBIDDEN},
    ),
    partial_update=extend_schema(
        summary="Change a source system (national administrators)",
        responses={200: SourceSystemSerializer, 400: INVALID, 403: FORBIDDEN},
    ),
)
class SourceSystemViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Source systems: provincial systems, ministries' centralized systems, the portal, the reporting system."""

    serializer_class = SourceSystemSerializer
    permission_classes = [IsAuthenticated, NationalAdminWrites]
    filterset_class = SourceSystemFilter
    lookup_field = "code"
    lookup_value_regex = CODE_REGEX

    def get_queryset(self):
        return SourceSystem.objects.visible_to(self.request.user).select_related("owner").order_by("code")

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "tokens": {}}

    def _with_tokens(self, serializer_class, instances, **kwargs):
        """National administrators see each system's active token prefix and last use (one query a page)."""
        tokens = {}
        if gate.is_national(self.request.user):
            codes = [s.code for s in instances]
            for token in (
                ApiToken.objects.active()
                .filter(user__system_account__system_code__in=codes)
                .select_related("user__system_account")
            ):
                tokens[token.user.system_account.system_code] = token
        context = {**self.get_serializer_context(), "tokens": tokens}
        return serializer_class(instances, context=context, **kwargs)

    def _context(self) -> AuditContext:
        return AuditContext.from_request(self.request, "api")

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(
            self._with_tokens(self.get_serializer_class(), page, many=True).data
        )

    def retrieve(self, request, *args, **kwargs):
        return Response(
            self._with_tokens(self.get_serializer_class(), [self.get_object()], many=True).data[0]
        )

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            source, key = create_source_system(
                data["code"],
                data["name"],
                data["kind"],
                data["owner"],
                creator=request.user,
                active=data.get("active", True),
                context=self._context(),
            )
        except DjangoValidationError as exc:
            raise _as_drf(exc) from exc
        source.token = key
        body = self._with_tokens(SourceSystemCreatedSerializer, [source], many=True).data[0]
        return Response(body, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        source = self.get_object()
        partial = kwargs.pop("partial", False)
        sent = request.data.get("code", source.code) if hasattr(request.data, "get") else source.code
        if sent != source.code:
            raise ValidationError(
                {
                    "code": [
                        "A source system's code cannot change (procedures and reported counts "
                        "refer to it): create a new system and deactivate this one."
                    ]
                }
            )
        serializer = self.get_serializer(source, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        values = {
            k: v for k, v in serializer.validated_data.items() if k in ("name", "kind", "owner", "active")
        }
        try:
            source = update_source_system(request.user, source, context=self._context(), **values)
        except DjangoValidationError as exc:
            raise _as_drf(exc) from exc
        return Response(self._with_tokens(SourceSystemSerializer, [source], many=True).data[0])

    @extend_schema(
        request=None,
        responses={200: TokenSerializer, 403: FORBIDDEN},
        summary="Issue a new API token (national administrators); the old one stops working",
    )
    @action(detail=True, methods=["post"], url_path="rotate-token", url_name="rotate-token")
    def rotate_token(self, request, code=None):
        source = self.get_object()
        key = rotate_source_token(request.user, source, context=self._context())
        return Response({"code": source.code, "token": key, "token_prefix": key[:8]})


# --- Ingestion (sync from source systems) ---------------------------------------------------------


def failure(message: str, code: int, retry: bool = False, headers: dict | None = None) -> Response:
    return Response({"error": message, "retry": retry, "detail": message}, status=code, headers=headers)


def _failure_doc(description: str) -> OpenApiResponse:
    return OpenApiResponse(SyncFailureSerializer, description=description)


DATABASE_UNAVAILABLE = (
    "The database is unavailable: send the same batch again later (what was already stored "
    "stays, and a repeat changes nothing stored)."
)


class SyncDossiersView(APIView):
    authentication_classes = [TokenAuthentication]
    permission_classes = [IsAuthenticated]
    parser_classes = [_RawParser]

    @extend_schema(
        operation_id="sync_dossiers",
        summary="Push dossiers (DongBoHoSoMC) or progress steps (CapNhatTienDoHoSoMC)",
        description=(
            'Body: the portal envelope `{"service": "DongBoHoSoMC", "isUpdating": …, "data": [HoSo…]}` '
            "(`application/json`), JSON Lines (`application/x-ndjson`) or CSV with the portal's field names "
            "(`text/csv`); `?input=portal|jsonl|csv` overrides the Content-Type. Dates `yyyyMMddHHmmss`, Vietnam "
            f"time. At most {MAX_RECORDS:,} records. Records are keyed by (source system, MaHoSo): the same "
            "payload is `unchanged`, a newer state updates, an older state never overwrites a newer one. "
            "A source system writes only its own dossiers — a provincial system those of its province's agencies, "
            "a ministry system those of the procedures assigned to it or of its ministry's agencies, the national "
            "portal any — others are rejected `out_of_scope`. Each bad record is rejected alone, with a `reason`; "
            'every failure of the request as a whole answers `{"error", "retry", "detail"}`. '
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
            400: _failure_doc(
                "The body cannot be read (not JSON, no data array, no CSV header…); retry: false"
            ),
            401: _failure_doc("No or invalid token; retry: false"),
            403: _failure_doc("Not an active source system's account; retry: false"),
            413: _failure_doc(
                f"More than {MAX_RECORDS:,} records or {MAX_BODY_BYTES >> 20} MB; retry: false"
            ),
            415: _failure_doc("Unsupported body type; retry: false"),
            500: _failure_doc("An internal error (logged); retry: false"),
            503: _failure_doc(
                "The database is unavailable; retry: true, after the Retry-After header's seconds. "
                "Resending the same batch is safe: what was stored stays, nothing is duplicated"
            ),
        },
        examples=[
            OpenApiExample(
                "A batch with rejected records",
                response_only=True,
                value={
                    "batch": 42,
                    "created": 2,
                    "updated": 1,
                    "unchanged": 0,
                    "rejected": 2,
                    "errors": [
                        {
                            "index": 3,
                            "MaHoSo": "000.00.01.H26-250105-000123",
                            "field": "NgayHenTra",
                            "error": "due before the dossier was received (NgayTiepNhan)",
                            "reason": "invalid",
                        },
                        {
                            "index": 7,
                            "MaHoSo": "20242-260403-000001",
                            "field": "MaDonVi",
                            "error": "agency 20242 is outside the remit of HTTT-01: a provincial system writes only "
                            "the dossiers of 01 and the agencies under it",
                            "reason": "out_of_scope",
                        },
                    ],
                },
            ),
            OpenApiExample(
                "The database is unavailable",
                response_only=True,
                status_codes=["503"],
                value={"error": DATABASE_UNAVAILABLE, "retry": True, "detail": DATABASE_UNAVAILABLE},
            ),
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
            return failure(
                f"Unsupported body type {request.content_type[:100]!r}: send application/json (portal "
                "envelope), application/x-ndjson (JSON Lines) or text/csv, or set ?input=portal|jsonl|csv.",
                status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
            )
        adapter = get_adapter(fmt)
        try:
            records = list(islice(adapter.parse(_Limited(request._request, MAX_BODY_BYTES)), MAX_RECORDS + 1))
        except UnreadableBody as exc:
            return failure(f"Unreadable body: {exc}", status.HTTP_400_BAD_REQUEST)
        except _TooLarge:
            records = None
        if records is None or len(records) > MAX_RECORDS:
            return failure(
                f"Too many records: a batch holds at most {MAX_RECORDS:,} records (or "
                f"{MAX_BODY_BYTES >> 20} MB); split the sync into several requests.",
                status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
            )
        oversized = next(
            ((index, raw) for index, raw in records if isinstance(raw, Refused) and raw.oversized), None
        )
        if oversized is not None:
            index, raw = oversized
            return failure(
                f"Record {index} is {raw.oversized:,} bytes long; a record holds at most "
                f"{settings.INGEST_MAX_RECORD_BYTES:,} bytes: nothing of this batch was stored. Remove or "
                "shorten that record and send the batch again.",
                status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
            )
        batch = start_batch(source, fmt, request.user)
        report = run_batch(batch, adapter, records)
        return Response(report.as_dict(), status=status.HTTP_200_OK)

    def handle_exception(self, exc):
        """Every failure as ``{"error", "retry", "detail"}``: the database being unavailable is a 503
        with ``Retry-After``; DRF's own errors (401, 405…) are reshaped; anything else is a logged 500."""
        if isinstance(exc, (OperationalError, InterfaceError)):
            log.warning("sync refused, database unavailable: %s", exc)
            return failure(
                DATABASE_UNAVAILABLE,
                status.HTTP_503_SERVICE_UNAVAILABLE,
                retry=True,
                headers={"Retry-After": str(settings.SYNC_RETRY_AFTER_SECONDS)},
            )
        try:
            response = super().handle_exception(exc)
        except Exception:
            log.exception("sync failed")
            return failure(
                "An internal error occurred and was logged; sending the same batch again will probably "
                "fail the same way: tell the platform's operators.",
                status.HTTP_500_INTERNAL_SERVER_ERROR,
            )
        data = response.data
        if isinstance(data, dict) and "error" not in data:
            message = str(data.get("detail", data))
            response.data = {"error": message, "retry": response.status_code in (429, 503), "detail": message}
        return response
