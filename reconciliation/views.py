"""Reconciliation pages: the gap matrix, the gap list (with its exports) and the dossier comparison.

Thin: scoping comes from ``visible_to`` (accounts.gate), filtering from ``GapFilter`` (shared with
the API and the exports, so the page and its downloads list the same rows), the grid from
``services.matrix``. A province, source or dossier outside the user's scope answers 404; a malformed
period (or other parameter) answers 400 with the period form and its error (``config.views``).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import params
from core.exports import FORMATS as EXPORT_FORMATS
from tthc import period_fields
from tthc.models import Channel, Dossier, DossierStatus
from tthc.periods import Period

from . import exports
from .api.filters import GapFilter
from .models import Gap, GapKind, ReconciliationRun, SourceDossier, SourceKind
from .services import matrix as matrix_service

PAGE_SIZE = 50


@login_required
def matrix(request):
    """One month's matrix; default: the last closed month."""
    user = request.user
    period = period_fields.from_query(request.GET, default=Period.last_closed)
    grid = matrix_service.build_matrix(user, period, _("Province's own system"))
    periods = matrix_service.periods_for(user)
    if period not in periods:
        periods = sorted([*periods, period], reverse=True)
    return render(
        request,
        "reconciliation/matrix.html",
        {
            "matrix": grid,
            "period": period,
            "periods": periods,
            "thresholds": sorted(settings.TTHC_GAP_SEVERITY_THRESHOLDS),
        },
    )


def _scoped_gaps(request) -> GapFilter:
    """The gap filter over the user's visible gaps; naming a province/source the user cannot see is a 404."""
    user = request.user
    runs = ReconciliationRun.objects.visible_to(user)
    named = {
        f"{key}__code": params.text(request.GET, key)
        for key in ("province", "source")
        if request.GET.get(key)
    }
    if named and not runs.filter(**named).exists():
        raise Http404(_("No reconciliation visible to you matches this province and source system."))
    base = Gap.objects.visible_to(user).select_related("run__province", "run__source")
    filterset = GapFilter(request.GET, queryset=base)
    params.check_form(filterset.form, "period")
    return filterset


def _query_without(query_dict, *keys) -> str:
    query = query_dict.copy()
    for key in keys:
        query.pop(key, None)
    return query.urlencode()


@login_required
def gaps(request):
    filterset = _scoped_gaps(request)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
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
            "run": run,
            "kinds": GapKind.choices,
            "query": _query_without(request.GET, "page"),
            "kind_query": _query_without(request.GET, "page", "kind"),
            "selected_kinds": request.GET.getlist("kind"),
            "columns": exports.COLUMNS,
        },
    )


@login_required
def gaps_export(request, fmt: str):
    if fmt not in EXPORT_FORMATS:
        raise Http404
    filterset = _scoped_gaps(request)
    return exports.export_response(filterset.qs, fmt, exports.filename_for(request.GET))


FIELDS = (  # (attribute, label) shown side by side; the portal's field names are not translated
    ("status", "TrangThaiHoSo"),
    ("previous_status", gettext_lazy("Previous status")),
    ("channel", "KenhThucHien"),
    ("received_at", "NgayTiepNhan"),
    ("due_at", "NgayHenTra"),
    ("finished_at", "NgayKetThucXuLy"),
    ("returned_at", "NgayTra"),
    ("progress_steps", gettext_lazy("Progress steps")),
    ("event_at", gettext_lazy("Latest event")),
    ("synced_at", gettext_lazy("Received by the platform")),
    ("agency", gettext_lazy("Receiving agency")),
    ("procedure", gettext_lazy("Procedure")),
)
#: Fields whose difference from the portal's copy is marked (arrival times always differ).
COMPARED = {"status", "channel", "received_at", "due_at", "finished_at", "returned_at", "agency", "procedure"}
SOURCE_ORDER = {
    SourceKind.PORTAL: 0,
    SourceKind.MINISTRY: 1,
    SourceKind.PROVINCIAL: 2,
    SourceKind.REPORTING: 3,
}


def _display(attr: str, value):
    """Status codes with their label (``9 – Processing finished``); everything else as is."""
    if attr in ("status", "previous_status") and value is not None:
        return f"{value} – {DossierStatus(value).label}" if value in DossierStatus.values else str(value)
    if attr == "channel" and value is not None:
        return f"{value} – {Channel(value).label}" if value in Channel.values else str(value)
    return value


@login_required
def dossier(request, code: str):
    """Every source's version of one dossier beside the platform's own row; differences marked."""
    user = request.user
    versions = sorted(
        SourceDossier.objects.visible_to(user)
        .filter(code=code)
        .select_related("source", "agency", "procedure"),
        key=lambda v: (SOURCE_ORDER.get(v.source.kind, 9), v.source.code),
    )
    platform = (
        Dossier.objects.visible_to(user)
        .filter(code=code)
        .select_related("receiving_agency", "procedure")
        .first()
    )
    gap_rows = list(
        Gap.objects.visible_to(user).filter(dossier_code=code).select_related("run__source", "run__province")
    )
    if not (versions or platform or gap_rows):
        raise Http404(_("No dossier with this code is visible to you."))
    portal = next((v for v in versions if v.source.kind == SourceKind.PORTAL and v.source.active), None)
    rows = []
    for attr, label in FIELDS:
        platform_value = None
        if platform is not None:
            platform_value = _display(
                attr, getattr(platform, "receiving_agency" if attr == "agency" else attr, None)
            )
        values = [_display(attr, getattr(v, attr)) for v in versions]
        reference = _display(attr, getattr(portal, attr)) if portal is not None else None
        marked = attr in COMPARED and portal is not None
        cells = [
            (value, marked and v is not portal and value != reference)
            for v, value in zip(versions, values, strict=True)
        ]
        rows.append({"label": label, "platform": platform_value, "cells": cells})
    return render(
        request,
        "reconciliation/dossier.html",
        {
            "code": code,
            "platform": platform,
            "versions": versions,
            "rows": rows,
            "gaps": gap_rows,
        },
    )
