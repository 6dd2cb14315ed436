"""The index API (``/api/v1/indicators/…``): thin views over the services, through the gate.

* scores (``/indicators/``) — full detail of the snapshots the user may see;
* rankings (``/indicators/rankings/``) — every peer's total and group scores (what is published);
* drill-down (``/indicators/<agency>/<period>/components/<code>/``) — the rows behind a component,
  restricted to the user's own scope, paginated, or exported with ``?export=csv|xlsx``;
* early warning (live: the month in progress) and late units.

``?period=`` takes YYYY-MM, YYYY-Qn or YYYY and defaults to the last closed month; a malformed one is
a 400 naming it (``tthc.period_fields``). Out-of-scope agencies answer 404, as everywhere else.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from core import params
from core.exports import FORMATS as EXPORT_FORMATS
from core.exports import header_mode, headers_parameter
from core.pagination import DefaultPagination
from tthc import period_fields
from tthc.models import Agency
from tthc.periods import KINDS, Period

from ..definitions import get as methodology_of
from ..models import IndicatorSnapshot, Level
from ..services import dormant, explain, late, present, warning
from ..services.export import export_response
from .serializers import PeriodScoresSerializer, RankingsSerializer

MAX_WARNING_DAYS = 366
PERIOD = OpenApiParameter(
    "period", str, description="YYYY-MM, YYYY-Qn or YYYY (default: the last closed month)"
)
LEVEL = OpenApiParameter("level", str, enum=["province", "ministry"])


def query_period(request) -> Period:
    return period_fields.from_query(request.query_params, kinds=KINDS, default=Period.last_closed)


def visible_snapshot(user, agency_code: str, period: Period) -> IndicatorSnapshot:
    qs = IndicatorSnapshot.objects.visible_to(user).select_related("agency").prefetch_related("components")
    return get_object_or_404(qs, agency__code=agency_code, period=period)


def agency_payload(snapshot: IndicatorSnapshot, with_components: bool = True) -> dict:
    """The command's per-agency shape plus name, level, peers, change and as_of."""
    return {
        **present.snapshot_payload(snapshot, with_components),
        "name": snapshot.agency.name,
        "level": snapshot.level,
        "peers": snapshot.peers,
        "change": present.num(snapshot.change),
        "as_of": snapshot.as_of,
        "final": snapshot.final,
    }


class ScoresView(APIView):
    """Scores of the agencies the user may see (a province sees its own), with every component."""

    @extend_schema(
        parameters=[PERIOD, LEVEL, OpenApiParameter("agency", str, description="agency code")],
        responses=PeriodScoresSerializer,
    )
    def get(self, request):
        period = query_period(request)
        qs = (
            IndicatorSnapshot.objects.visible_to(request.user)
            .filter(period=period)
            .select_related("agency")
            .prefetch_related("components")
        )
        if agency := params.text(request.query_params, "agency"):
            qs = qs.filter(agency__code=agency)
        if level := params.choice(request.query_params, "level", Level.values):
            qs = qs.filter(level=level)
        snapshots = sorted(qs, key=present.ranked_order)
        return Response(
            {
                "period": str(period),
                "methodology": snapshots[0].methodology if snapshots else None,
                "agencies": [agency_payload(s) for s in snapshots],
            }
        )


class RankingsView(APIView):
    """Every peer's total and group scores for a period and level (no components, no dossiers)."""

    @extend_schema(
        parameters=[
            PERIOD,
            LEVEL,
            OpenApiParameter(
                "group",
                str,
                description="sort by this group's rank (each row's `group_rank`); default: the total",
            ),
        ],
        responses=RankingsSerializer,
    )
    def get(self, request):
        period = query_period(request)
        level = params.choice(request.query_params, "level", Level.values, default=Level.PROVINCE)
        rows = list(IndicatorSnapshot.objects.filter(period=period, level=level).select_related("agency"))
        group = (
            params.choice(
                request.query_params, "group", [g.code for g in methodology_of(rows[0].methodology).groups]
            )
            if rows
            else None
        )
        if group:
            present.order_by_group(rows, group)
        else:
            rows.sort(key=lambda s: (s.rank or 10**6, s.agency.code))  # no data (no rank) last
        return Response(
            {
                "period": str(period),
                "methodology": rows[0].methodology if rows else None,
                "group": group,
                "agencies": [ranking_payload(s, group) for s in rows],
            }
        )


def ranking_payload(snapshot: IndicatorSnapshot, group: str | None) -> dict:
    """An agency's published row: its total and rank, each group's score and rank among the peers,
    and with a ``group`` asked for, the rank the list is sorted by (``group_rank``)."""
    ranks = {code: (g or {}).get("rank") for code, g in snapshot.groups.items()}
    out = {**agency_payload(snapshot, with_components=False), "group_ranks": ranks}
    if group:
        out["group_rank"] = ranks.get(group)
    return out


def _drill_filters(request) -> dict:
    return {
        k: v
        for k, v in request.query_params.items()
        if k not in ("set", "page", "page_size", "export", "headers")
    }


class ComponentItemsView(APIView):
    """The rows behind one component of a snapshot, within the user's scope."""

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "set",
                str,
                description="numerator, denominator, missing or penalty:<name>; default: missing, or the "
                "first penalty of a component without a numerator (the response's `sets` lists them)",
            ),
            OpenApiParameter("export", str, enum=["csv", "xlsx"]),
            headers_parameter(),
            *(
                OpenApiParameter(name, str)
                for name in ("agency", "procedure", "unit", "officer", "status", "code", "filing_place")
            ),
            OpenApiParameter(
                explain.APOLOGY,
                str,
                enum=list(explain.APOLOGY_VALUES),
                description="late-dossier sets only: `without` keeps those with no apology letter issued "
                "in time, `in_time` the others (each late row's `apologised` says which)",
            ),
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request, agency, period, code):
        snapshot = visible_snapshot(request.user, agency, period)
        try:
            items = explain.item_set(
                snapshot, code, request.query_params.get("set"), request.user, _drill_filters(request)
            )
        except (KeyError, explain.UnknownSet) as exc:
            raise Http404(str(exc)) from exc
        which = items.key
        fmt = request.query_params.get("export")
        if fmt in EXPORT_FORMATS:
            return export_response(
                items,
                fmt,
                f"{agency}-{period}-{code}-{which.replace(':', '-')}",
                headers=header_mode(request.query_params),
            )
        columns = items.columns
        values = items.queryset.values(*(c[1] for c in columns))
        paginator = DefaultPagination()
        page = paginator.paginate_queryset(values, request, view=self)
        rows = [{key: row[lookup] for key, lookup, _ in columns} for row in page]
        response = paginator.get_paginated_response(rows)
        response.data["set"] = which
        response.data["source"] = str(items.source)
        response.data["sets"] = [
            key for key, _ in explain.available_sets(snapshot, explain.component_of(snapshot, code))
        ]
        return response


class ComponentGroupsView(APIView):
    """A dossier set counted per handling unit and officer ("who lost the points"); for late
    dossiers, per responsible step's unit and officer (``basis`` ``step``) or handling unit."""

    @extend_schema(parameters=[OpenApiParameter("set", str)], responses=OpenApiTypes.OBJECT)
    def get(self, request, agency, period, code):
        snapshot = visible_snapshot(request.user, agency, period)
        try:
            items = explain.item_set(
                snapshot,
                code,
                request.query_params.get("set"),
                request.user,
                _drill_filters(request),
            )
            groups = explain.grouped(items)
        except (KeyError, explain.UnknownSet) as exc:
            raise Http404(str(exc)) from exc
        return Response(
            {
                "set": items.key,
                "groups": [
                    {
                        "unit": g["handling_unit"],
                        "unit_name": g["unit_name"],
                        "officer": g["handling_officer"],
                        "basis": g.get("basis", "handling_unit"),
                        "dossiers": g["n"],
                    }
                    for g in groups
                ],
            }
        )


class EarlyWarningView(APIView):
    """Live: open dossiers due within N working days, and the projected end of the month in progress."""

    @extend_schema(parameters=[OpenApiParameter("days", int)], responses=OpenApiTypes.OBJECT)
    def get(self, request, agency):
        current = Period.current()
        snapshot = visible_snapshot(request.user, agency, current)
        try:
            days = int(request.query_params.get("days", warning.default_days()))
        except ValueError as exc:
            raise ValidationError({"days": "must be an integer"}) from exc
        if not 0 <= days <= MAX_WARNING_DAYS:  # the calendar counts them one by one
            raise ValidationError({"days": f"must be between 0 and {MAX_WARNING_DAYS}"})
        dossiers = warning.at_risk(snapshot.agency, days=days, user=request.user)
        paginator = DefaultPagination()
        page = paginator.paginate_queryset(dossiers, request, view=self)
        projection = warning.project(snapshot, days=days)
        response = paginator.get_paginated_response(
            [
                {
                    "code": d.code,
                    "procedure": d.procedure.code,
                    "agency": d.receiving_agency.code,
                    "unit": d.handling_unit,
                    "officer": d.handling_officer,
                    "due_at": d.due_at,
                    "status": d.status,
                }
                for d in page
            ]
        )
        response.data.update(
            {
                "period": str(current),
                "days": days,
                "current_total": present.num(snapshot.total),
                "at_risk_this_month": projection.at_risk,
                "if_all_late": present.num(projection.if_late.total),
                "rank_if_all_late": projection.rank_if_late,
                "if_all_on_time": present.num(projection.if_on_time.total),
                "rank_if_all_on_time": projection.rank_if_on_time,
            }
        )
        return response


class LateUnitsView(APIView):
    """Units and officers with overdue dossiers in a period, and apology-letter compliance.

    Each late dossier counts for the unit and officer of its first step that overran its own
    deadline (``basis: "step"``), else for its handling unit with no officer (``basis:
    "handling_unit"``). Computed once per snapshot version of the period and caller's scope, then
    read from the cache (``TTHC_LATE_UNITS_CACHE_SECONDS``): it follows the index's last computation."""

    @extend_schema(
        parameters=[
            PERIOD,
            OpenApiParameter("agency", str),
            OpenApiParameter("page", int),
            OpenApiParameter("page_size", int, description="rows of late_units per page (at most 500)"),
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request):
        """``late_units`` is paginated like every list (``count``, ``next``, ``previous``, most late
        dossiers first); ``apology_compliance`` is the whole period's."""
        period = query_period(request)
        agency = None
        if code := params.text(request.query_params, "agency"):
            agency = get_object_or_404(Agency.objects.visible_to(request.user), code=code)
        rows, compliance = late.cached_report(period, agency=agency, user=request.user)
        paginator = DefaultPagination()
        page = paginator.paginate_queryset(rows, request, view=self)
        return Response(
            {
                "period": str(period),
                "count": len(rows),
                "next": paginator.get_next_link(),
                "previous": paginator.get_previous_link(),
                "late_units": page,
                "apology_compliance": compliance,
            }
        )


class ProceduresWithoutDossiersView(APIView):
    """Procedures with no dossier anywhere for ``INDICATOR_DORMANT_MONTHS`` months (seed 003 II.2.đ):
    the owning ministry's own (national administrators: all), paginated; ``?export=csv|xlsx``."""

    @extend_schema(
        parameters=[
            OpenApiParameter("ministry", str, description="owning ministry code"),
            OpenApiParameter("export", str, enum=["csv", "xlsx"]),
            headers_parameter(),
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request):
        ministry = None
        if code := params.text(request.query_params, "ministry"):
            ministry = get_object_or_404(Agency.objects.visible_to(request.user).ministries(), code=code)
        qs = dormant.without_dossiers(request.user, ministry=ministry)
        fmt = request.query_params.get("export")
        if fmt in EXPORT_FORMATS:
            return dormant.export_response(
                qs,
                fmt,
                f"procedures-without-dossiers-{dormant.months()}m",
                headers=header_mode(request.query_params),
            )
        paginator = DefaultPagination()
        page = paginator.paginate_queryset(qs.values(*(c[1] for c in dormant.COLUMNS)), request, view=self)
        response = paginator.get_paginated_response(
            [{key: row[lookup] for key, lookup, _ in dormant.COLUMNS} for row in page]
        )
        response.data["months"] = dormant.months()
        response.data["since"] = dormant.cutoff()
        return response
