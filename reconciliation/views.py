"""Reconciliation pages: the gap matrix, the gap list (with its exports) and the dossier comparison.

Thin: scoping comes from ``visible_to`` (accounts.gate), filtering from ``GapFilter`` (shared with
the API and the exports, so the page and its downloads list the same rows), the grid from
``services.matrix``. A province, source or dossier outside the user's scope answers 404; a malformed
period (or other parameter) answers 400 with the period form and its error (``config.views``).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Max, QuerySet
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from core import params
from core.exports import FORMATS as EXPORT_FORMATS
from core.exports import header_mode
from core.pagination import ExactCappedPaginator
from tthc import filing, period_fields
from tthc.models import Agency
from tthc.periods import Period

from . import exports
from .api.filters import GAP_TABS, TAB_GAPS, GapFilter, gap_list
from .models import Gap, GapKind, ReconciliationRun
from .services import matrix as matrix_service
from .services.comparison import compare_dossier

PAGE_SIZE = 50


@login_required
def matrix(request):
    """One month's matrix; default: the last closed month."""
    user = request.user
    period = period_fields.from_query(request.GET, default=Period.last_closed)
    # Built only when the template's cached fragment misses: its key changes with every run of the
    # month the user sees (count and latest finish), so a new reconciliation shows at once.
    grid: Any = SimpleLazyObject(
        lambda: matrix_service.build_matrix(user, period, _("Province's own system"))
    )
    version = (
        ReconciliationRun.objects.visible_to(user)
        .filter(period=period)
        .aggregate(n=Count("pk"), last=Max("finished_at"), top=Max("pk"))
    )
    periods = matrix_service.periods_for(user)
    # For an empty month: the latest month this user sees runs of, if any (no run at all: the
    # scope reaches no province and no ministry system — a supervising body's department, say).
    latest = periods[0] if periods else None
    if period not in periods:
        periods = sorted([*periods, period], reverse=True)
    gaps = reverse("reconciliation:gaps")

    def href(row, cell) -> str:
        query = urlencode(
            {"period": str(period), "province": row.province.code, "source": cell.run.source.code}
        )
        return f"{gaps}?{query}"

    return render(
        request,
        "reconciliation/matrix.html",
        {
            "matrix": grid,
            "heat_map": lambda: None if grid.empty else matrix_service.heat_map(grid, href),
            "matrix_version": f"{user.pk}.{period}.{version['n']}.{version['top']}."
            f"{version['last'] and version['last'].timestamp()}",
            "period": period,
            "periods": periods,
            "latest": latest,
            "root_agency": Agency.objects.root,
            "thresholds": sorted(settings.TTHC_GAP_SEVERITY_THRESHOLDS),
        },
    )


def _scoped_gaps(request) -> tuple[GapFilter, QuerySet[Gap]]:
    """The gap filter over the user's visible gaps, and its rows; naming a province/source the user
    cannot see is a 404."""
    user = request.user
    runs = ReconciliationRun.objects.visible_to(user)
    named = {
        f"{key}__code": params.text(request.GET, key)
        for key in ("province", "source")
        if request.GET.get(key)
    }
    if named and not runs.filter(**named).exists():
        raise Http404(_("No reconciliation visible to you matches this province and source system."))
    base = Gap.objects.visible_to(user).with_filing_place()
    data = request.GET
    if "tab" not in data and "kind" not in data:  # the page opens on the gaps that count
        data = data.copy()
        data["tab"] = TAB_GAPS
    filterset, rows = gap_list(user, data, base=base)  # the unique index's order; one run pinned by id
    rows = rows.with_filing_place()
    params.check_form(filterset.form, "period")
    return filterset, rows


def _query_without(query_dict, *keys) -> str:
    query = query_dict.copy()
    for key in keys:
        query.pop(key, None)
    return query.urlencode()


@login_required
def gaps(request):
    filterset, rows = _scoped_gaps(request)
    page = ExactCappedPaginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    for gap in page.object_list:
        gap.filing_label = filing.label(gap.filing_place)
    run = None
    key = {
        "period": filterset.form.cleaned_data.get("period"),
        **{k: params.text(request.GET, k) for k in ("province", "source")},
    }
    if all(key.values()):
        run = (
            ReconciliationRun.objects.visible_to(request.user)
            .select_related("province", "source")
            .filter(period=key["period"], province__code=key["province"], source__code=key["source"])
            .first()
        )
    return render(
        request,
        "reconciliation/gaps.html",
        {
            "filter": filterset,
            "page": page,
            "count_cap": settings.API_COUNT_CAP,
            "count_capped": bool(settings.API_COUNT_CAP) and page.paginator.count > settings.API_COUNT_CAP,
            "run": run,
            "kinds": GapKind.choices,
            "query": _query_without(filterset.data, "page"),
            "kind_query": _query_without(filterset.data, "page", "kind"),
            "tab_query": _query_without(filterset.data, "page", "kind", "tab"),
            "tabs": GAP_TABS,
            "tab": (filterset.data or {}).get("tab", ""),
            "selected_kinds": request.GET.getlist("kind"),
            "filing_places": filing.filter_choices(),
        },
    )


@login_required
def gaps_export(request, fmt: str):
    if fmt not in EXPORT_FORMATS:
        raise Http404
    _, rows = _scoped_gaps(request)
    return exports.export_response(
        rows, fmt, exports.filename_for(request.GET), headers=header_mode(request.GET)
    )


@login_required
def dossier(request, code: str):
    """Every copy of one dossier in columns beside the platform's own row; differences marked."""
    comparison = compare_dossier(request.user, code)
    if comparison.empty:
        raise Http404(_("No dossier with this code is visible to you."))
    return render(request, "reconciliation/dossier.html", {"code": code, "comparison": comparison})
