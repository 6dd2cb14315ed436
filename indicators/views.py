"""Index pages: the agency dashboard, rankings, component drill-down, late units, public results.

Thin: every number comes from a stored snapshot or a service (``explain``, ``warning``, ``late``),
the same ones the API and the command use, so all three agree to the last decimal.

``?period=`` (YYYY-MM, YYYY-Qn or YYYY) defaults to the last closed month — the month whose results
are published — except on the dashboard, a live page that follows the month in progress and says
so. A malformed period is a 400 with the period form and its error (``tthc.period_fields``).
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from core import charts, formatting, outbox, params
from core.exports import FORMATS as EXPORT_FORMATS
from core.exports import header_mode
from core.pagination import KnownCountPaginator
from core.scope import dossier_scope_key, scope_of
from tthc import period_fields
from tthc.models import Agency, Dossier
from tthc.periods import KINDS, Period

from . import tasks
from .definitions import get
from .definitions.base import Source
from .models import IndicatorSnapshot, Level
from .services import dormant, explain, late, present, scoring, warning
from .services.export import export_response, page_labels
from .trend import trend_chart

TREND_MONTHS = 13
AT_RISK_SHOWN = 20  # the full list is in the API (paginated)
LATE_ROWS_PAGE = 100
PAGE_CACHE_SECONDS = 300  # snapshot-derived fragments; the key changes whenever the snapshot is recomputed


def _period(request, default=Period.last_closed) -> Period | None:
    return period_fields.from_query(request.GET, kinds=KINDS, default=default)


@login_required
def index(request):
    """The user's own agency's dashboard, or the rankings for national users (and for users with
    no scored agency)."""
    query = f"?{request.GET.urlencode()}" if request.GET else ""  # ?period= and the rest carry over
    if scope_of(request.user).is_national:
        return redirect(reverse("indicators:rankings") + query)
    snapshot = (
        IndicatorSnapshot.objects.visible_to(request.user)
        .order_by("-period", "level", "agency__code")
        .select_related("agency")
        .first()
    )
    if snapshot is None:
        return redirect(reverse("indicators:rankings") + query)
    return redirect(reverse("indicators:dashboard", args=[snapshot.agency.code]) + query)


@login_required
def dashboard(request, agency):
    """The agency's score, groups, components, 13-month trend, ranking and early warning.

    A live page: without ``?period=`` it shows the month in progress (and says so), or the last
    closed month until the month in progress has been computed. The parts that depend only on the stored snapshot are computed lazily (callables resolved by the
    template) inside a fragment cached per snapshot version, so a repeat view costs the snapshot
    lookup and the live early-warning queries only.
    """
    visible = (
        IndicatorSnapshot.objects.visible_to(request.user)
        .filter(agency__code=agency)
        .select_related("agency")
    )
    requested = _period(request, default=None)
    for period in [requested] if requested else [Period.current(), Period.last_closed()]:
        snapshot = visible.filter(period=period).first()
        if snapshot is not None:
            break
    else:
        known = visible.first()
        if known is None:
            raise Http404(agency)
        period = requested or Period.current()
        return render(
            request,
            "indicators/dashboard.html",
            {
                "snapshot": None,
                "period": period,
                "agency_code": agency,
                "agency_name": known.agency.name,
                "live_default": requested is None,
            },
            status=404,
        )

    def trend():
        return trend_chart(present.trend_totals(visible.filter(agency=snapshot.agency), period, TREND_MONTHS))

    openable = _openable(request.user, snapshot.period, snapshot.level)
    in_scope = scope_of(request.user).agency_ids()

    context = {
        "snapshot": snapshot,
        "period": period,
        "groups": lambda: [{**g, "meter": charts.meter(g["percent"])} for g in present.group_rows(snapshot)],
        "components": lambda: present.component_rows(snapshot),
        "trend": trend,
        "peers": lambda: _linked(
            IndicatorSnapshot.objects.filter(period=snapshot.period, level=snapshot.level)
            .select_related("agency")
            .order_by(present.RANKED_FIRST, "agency__code"),
            openable,
        ),
        # The ranking's links depend on what the viewer may open: part of its fragment's cache key.
        "ranking_key": "all" if openable is None else ".".join(map(str, sorted(openable))),
        # The monthly report lists the province's dossiers: only for viewers who see the province
        # itself (a commune officer sees the province's score, not its report).
        "can_report": in_scope is None or snapshot.agency_id in in_scope,
        "band_label": scoring.band_label(snapshot.band),
        "is_live": not snapshot.final,
        "agency_code": agency,
        "live_default": requested is None,
        "cache_key": f"{snapshot.pk}.{snapshot.computed_at.timestamp()}",
    }
    if not snapshot.final and period == Period.current():
        days = warning.default_days()
        # Live, but not to the second: cached briefly per agency and viewer (the list is the viewer's).
        warned_key = f"indicators:at-risk:{snapshot.agency_id}:{request.user.pk}:{days}"
        warned = cache.get(warned_key)
        if warned is None:
            counts = warning.at_risk_counts(snapshot.agency, days=days)
            listed = warning.at_risk(snapshot.agency, days=days, user=request.user).only(
                "code",
                "due_at",
                "handling_unit",
                "handling_officer",
                "procedure",
                "receiving_agency",
                "handling_agency",
            )
            # A viewer who sees part of the agency (a commune officer) is told how many are theirs:
            # the count and the projection are the agency's, the list is the viewer's.
            yours = (
                None
                if context["can_report"]
                else warning.at_risk_counts(snapshot.agency, days=days, user=request.user)["total"]
            )
            warned = (counts, list(listed[:AT_RISK_SHOWN]), yours)
            if settings.TTHC_EARLY_WARNING_CACHE_SECONDS > 0:
                cache.set(warned_key, warned, settings.TTHC_EARLY_WARNING_CACHE_SECONDS)
        counts, at_risk, yours = warned
        key = f"indicators:projection:{context['cache_key']}:{days}:{counts['this_month']}"
        projection = cache.get(key)
        if projection is None:
            projection = warning.project(snapshot, days=days, at_risk_this_month=counts["this_month"])
            cache.set(key, projection, PAGE_CACHE_SECONDS)
        context.update(
            {
                "warning_days": days,
                "at_risk": at_risk,
                "at_risk_count": counts["total"],
                "at_risk_yours": yours,
                "projection": projection,
            }
        )
    return render(request, "indicators/dashboard.html", context)


def _openable(user, period, level) -> set[int] | None:
    """Agencies whose dashboard for this period and level ``user`` may open (``None``: all)."""
    if scope_of(user).agency_ids() is None:
        return None
    return set(
        IndicatorSnapshot.objects.visible_to(user)
        .filter(period=period, level=level)
        .values_list("agency_id", flat=True)
    )


def _linked(rows, openable: set[int] | None) -> list:
    """The ranking's rows, each marked ``linked`` when its dashboard is one the viewer may open: the
    others are shown, not linked (their page would answer 404)."""
    rows = list(rows)
    for row in rows:
        row.linked = openable is None or row.agency_id in openable
    return rows


def _rankings_context(request, public: bool) -> dict:
    level = request.GET.get("level", Level.PROVINCE)
    if level not in Level.values:
        raise Http404(level)
    period = _period(request)
    published = {"final": True} if public else {}  # the public page never shows a live score
    rows = _linked(
        IndicatorSnapshot.objects.filter(period=period, level=level, **published)
        .select_related("agency")
        .order_by(present.RANKED_FIRST, "agency__code"),
        set() if public else _openable(request.user, period, level),
    )
    methodology = get(rows[0].methodology) if rows else None
    group = request.GET.get("group") or ""
    if group and methodology:  # an unknown group is refused (400), not shown as a ranking by code
        params.choice(request.GET, "group", [g.code for g in methodology.groups])
    if group:
        present.order_by_group(rows, group)
    periods = list(
        IndicatorSnapshot.objects.filter(level=level, **published)
        .order_by("-period")
        .values_list("period", flat=True)
        .distinct()[:24]
    )
    if period not in periods:
        periods = sorted([*periods, period], key=str, reverse=True)
    mine = set() if public else set(scope_of(request.user).agency_ids() or ())
    chart = charts.bars(
        [
            charts.Bar(s.agency.short_name or s.agency.name, s.total, 100, highlight=s.agency_id in mine)
            for s in rows
            if s.total is not None
        ],
        title=_("Total score by agency, %(month)s") % {"month": formatting.month(period)},
        max_value=100,
        digits=2,
        row_height=18,
    )
    return {
        "chart": chart if rows else "",
        "rows": rows,
        "period": period,
        "level": level,
        "levels": Level.choices,
        "group": group,
        "groups": methodology.groups if methodology else (),
        "periods": periods,
        "public": public,
    }


@login_required
def rankings(request):
    return render(request, "indicators/rankings.html", _rankings_context(request, public=False))


def public_results(request):
    """Published results without login: ranks, totals and group scores, and the month's late units
    and officers (names and counts: no dossier, no applicant) — nothing else."""
    context = _rankings_context(request, public=True)
    context["late_rows"], context["late_preparing"] = _public_late_rows(context)
    context["late_limit"] = late.PUBLIC_LIMIT
    return render(request, "indicators/public_results.html", context)


def _public_late_rows(context: dict) -> tuple[list, bool]:
    """The published late units of the page's period and level, and whether they are still being
    compiled. Only when final results are shown (``public_late_units`` returns ``None`` for an open
    month). With workers, an anonymous visitor never waits for the country's overdue dossiers (7 s at
    10 M): a cache miss asks the worker to compile them (``warm_late_units``, debounced) and the page
    says so; without workers (the embedded default) they are compiled here."""
    if not context["rows"]:
        return [], False
    period = Period.parse(context["period"])
    if late.cache_key(period) is not None and not late.is_cached(period) and not outbox.eager():
        tasks.schedule_late_units_warm(period)
        return [], True
    return late.public_late_units(period, context["level"]) or [], False


@login_required
def component(request, agency, period, code):
    snapshot = get_object_or_404(
        IndicatorSnapshot.objects.visible_to(request.user).select_related("agency"),
        agency__code=agency,
        period=period,
    )  # a Period: the path's <period:…>
    filters = {k: v for k, v in request.GET.items() if k not in ("set", "page", "export", "headers")}
    try:
        comp = explain.component_of(snapshot, code)
        items = explain.item_set(snapshot, code, request.GET.get("set"), request.user, filters)
    except (KeyError, explain.UnknownSet) as exc:
        raise Http404(str(exc)) from exc
    which = items.key
    fmt = request.GET.get("export")
    if fmt in EXPORT_FORMATS:
        return export_response(
            items,
            fmt,
            f"{agency}-{period}-{code}-{which.replace(':', '-')}",
            headers=header_mode(request.GET),
        )
    listed = items.queryset.values_list(*(c[1] for c in items.columns))
    grouped = None
    if items.source == "dossier":
        # Who lost the points, per unit and officer: one grouped query whose groups partition the set,
        # so their sum is the list's count. Kept per snapshot version, set, filters and viewer scope:
        # paging through a province's late dossiers (55,000 at 10 M dossiers; 1.3-1.5 s a query)
        # then runs only the page's own query.
        digest = hashlib.sha256(repr(sorted(filters.items())).encode()).hexdigest()[:16]
        version = f"{snapshot.pk}:{snapshot.computed_at.timestamp()}"
        key = f"indicators:component:{version}:{code}:{which}:{digest}:{dossier_scope_key(request.user)}"
        grouped = cache.get(key)
        if grouped is None:
            grouped = explain.grouped(items)
            cache.set(key, grouped, PAGE_CACHE_SECONDS)
        paginator: Paginator = KnownCountPaginator(listed, 50, count=sum(g["n"] for g in grouped))
    else:
        paginator = Paginator(listed, 50)
    page = paginator.get_page(request.GET.get("page"))
    shown = page_labels(items.columns)
    rows = [[f(v) if f else v for f, v in zip(shown, row, strict=True)] for row in page]
    sets = explain.available_sets(snapshot, comp)
    value = snapshot.components.get(code=code)
    counts = explain.penalty_counts(comp, value.details)
    return render(
        request,
        "indicators/component.html",
        {
            "snapshot": snapshot,
            "component": comp,
            "value": value,
            "items": items,
            "page": page,
            "rows": rows,
            # A dossier's code opens the dossier side by side (which answers 404 outside the viewer's scope).
            "links_dossiers": items.source in (Source.DOSSIER, Source.SOURCE_DOSSIER),
            "sets": sets,
            # Each penalty named in the interface's language, with its count and its set.
            "penalties": [
                (label, counts[key.removeprefix("penalty:")], key)
                for key, label in sets
                if key.startswith("penalty:")
            ],
            "which": which,
            "filters": filters,
            "grouped": grouped[:30] if grouped else None,
            "query": request.GET.urlencode(),
        },
    )


@login_required
def late_units(request):
    period = _period(request)
    agency = None
    if code := params.text(request.GET, "agency"):
        agency = get_object_or_404(Agency.objects.visible_to(request.user), code=code)
    rows, compliance = late.cached_report(period, agency=agency, user=request.user)
    return render(
        request,
        "indicators/late_units.html",
        {
            "period": period,
            "agency": agency,
            "page": Paginator(rows, LATE_ROWS_PAGE).get_page(request.GET.get("page")),
            "compliance": compliance,
            # An empty page says why: no overdue dossier, or a scope that holds no dossier at all (a
            # supervising department's, say: its roles reach no receiving, handling or owning agency).
            # Asked only when the month lists nothing; each arm of the scope is an index lookup.
            "scope_has_dossiers": bool(compliance)
            or Dossier.objects.visible_to(request.user).order_by().exists(),
            "root_agency": Agency.objects.root,
            # The agencies whose drill-down the viewer may open (a ministry sees the provinces' late
            # dossiers of its procedures, not the provinces' scores): only those counts are links.
            "openable": set(
                IndicatorSnapshot.objects.visible_to(request.user)
                .filter(period=period)
                .values_list("agency__code", flat=True)
            ),
            "title": _("Late units and officers"),
        },
    )


def _dormant_ministry(request) -> Agency | None:
    """``?ministry=CODE``: a ministry the user sees (else 404, as everywhere)."""
    if code := params.text(request.GET, "ministry"):
        return get_object_or_404(Agency.objects.visible_to(request.user).ministries(), code=code)
    return None


@login_required
def procedures_without_dossiers(request):
    """Procedures with no dossier anywhere for N months (seed 003 II.2.đ), for ministries to review:
    a ministry sees its own procedures, national administrators all; paginated, exportable."""
    ministry = _dormant_ministry(request)
    qs = dormant.without_dossiers(request.user, ministry=ministry)
    fmt = request.GET.get("export")
    if fmt in EXPORT_FORMATS:
        return dormant.export_response(
            qs, fmt, f"procedures-without-dossiers-{dormant.months()}m", headers=header_mode(request.GET)
        )
    page = Paginator(qs.values_list(*(c[1] for c in dormant.COLUMNS)), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "indicators/procedures_without_dossiers.html",
        {
            "page": page,
            "columns": dormant.COLUMNS,
            "months": dormant.months(),
            "since": dormant.cutoff(),
            "ministry": ministry,
            "per_ministry": dormant.per_ministry(qs),
            "query": request.GET.copy().urlencode(),
        },
    )
