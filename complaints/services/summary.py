"""The monthly summary for the Chairman of the provincial People's Committee (seed 000, item 2:
"tổng hợp, báo cáo Chủ tịch Ủy ban nhân dân cấp tỉnh").

``monthly_summary(scope_or_user, period, province)`` — per ministry: the systems listed in the
month's requests (gaps per kind, points at stake per component), and the requests sent, answered,
verified closed, overdue. Used by the Chairman's page, ``GET /api/v1/requests/summary/`` and the
report documents. Set-based: one aggregate query over the requests, one over their systems.
Drafts are counted (``drafts``) but their figures are the province's working papers, so only the
province's own users (and national administrators) get them — the gate decides through
``SyncGapRequest.objects.visible_to``.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from core import params
from tthc import period_fields
from tthc.models import Agency
from tthc.periods import Period

from .. import access
from ..models import RequestSystem, SyncGapRequest
from ..workflow import OVERDUE_STATES, State

Q3 = Decimal("0.001")


def _requests(scope_or_user: Any, period: Period, province: Agency | None) -> QuerySet[SyncGapRequest]:
    qs = (
        SyncGapRequest.objects.all()
        if scope_or_user is None
        else SyncGapRequest.objects.visible_to(scope_or_user)
    )
    qs = qs.for_period(period).exclude(state=State.DISCARDED)
    return qs.filter(province=province) if province is not None else qs


def _points(value: Any) -> str:
    return str(Decimal(value or 0).quantize(Q3))


def largest_first(breakdown: dict[str, Any]) -> dict[str, str]:
    """Points at stake per component, the largest first (as the request letter lists them)."""
    return {k: _points(v) for k, v in sorted(breakdown.items(), key=lambda kv: (-Decimal(kv[1]), kv[0]))}


def _add(target: dict[str, Any], key: str, values: dict[str, Any]) -> None:
    bucket = target.setdefault(key, {})
    for k, v in (values or {}).items():
        bucket[k] = bucket.get(k, 0) + (Decimal(str(v)) if key == "points_breakdown" else int(v))


def monthly_summary(
    scope_or_user: Any, period: Period | str, province: Agency | None = None, *, as_of: datetime | None = None
) -> dict[str, Any]:
    """The month's requests per ministry, as JSON-ready data.

    ``scope_or_user``: the user whose gate scopes the data (``None``: every request, for the platform's
    own tasks). ``province``: one province (``None``: every province the scope sees).

    Returns ``{"period", "province": {code, name} | None, "as_of", "totals", "ministries"}`` where
    ``totals`` and each ministry carry ``requests``, ``drafts``, ``sent``, ``answered``, ``verified``,
    ``overdue``, ``systems`` (a count in totals), ``gaps``, ``points_at_stake`` (str, 3 decimals) and
    ``points_breakdown`` ({component code: str}); each ministry also has ``code``, ``name`` and
    ``systems`` as a list of ``{"code", "name", "gap_total", "gaps": {kind: n}, "points_at_stake",
    "points_breakdown"}``.
    """
    period = Period.parse(period)
    now = as_of or timezone.now()
    qs = _requests(scope_or_user, period, province)
    counts = {
        "requests": Count("pk"),
        "drafts": Count("pk", filter=Q(state=State.DRAFT)),
        "sent": Count("pk", filter=Q(submitted_at__isnull=False)),
        "answered": Count("pk", filter=Q(answered_at__isnull=False)),
        "verified": Count("pk", filter=Q(state=State.VERIFIED_CLOSED)),
        "overdue": Count("pk", filter=Q(state__in=OVERDUE_STATES, response_due_at__lt=now)),
        "gaps": Sum("gap_total"),
        "points_at_stake": Sum("points_at_stake"),
    }
    ministries: dict[str, dict[str, Any]] = {}
    rows = (
        qs.order_by().values("ministry__code", "ministry__name").annotate(**counts).order_by("ministry__code")
    )
    for values in rows:
        row: dict[str, Any] = dict(values)
        code = row.pop("ministry__code")
        ministries[code] = {
            "code": code,
            "name": row.pop("ministry__name"),
            **{k: int(v or 0) for k, v in row.items() if k != "points_at_stake"},
            "points_at_stake": _points(row["points_at_stake"]),
            "points_breakdown": {},
            "systems": [],
        }
    systems: dict[tuple[str, str], dict[str, Any]] = {}
    system: dict[str, Any] | None
    entries = (
        RequestSystem.objects.filter(request__in=qs.values("pk"))
        .select_related("source", "request__ministry")
        .order_by("request__ministry__code", "source__code")
        .only(
            "gap_counts",
            "gap_total",
            "points_at_stake",
            "points_breakdown",
            "source__code",
            "source__name",
            "request__ministry__code",
        )
    )
    for entry in entries.iterator(chunk_size=2000):
        ministry = entry.request.ministry.code
        key = (ministry, entry.source.code)
        system = systems.get(key)
        if system is None:
            system = systems[key] = {
                "code": entry.source.code,
                "name": entry.source.name,
                "gap_total": 0,
                "gaps": {},
                "points_at_stake": Decimal(0),
                "points_breakdown": {},
            }
            ministries[ministry]["systems"].append(system)
        system["gap_total"] += int(entry.gap_total)
        system["points_at_stake"] += Decimal(entry.points_at_stake or 0)
        _add(system, "gaps", entry.gap_counts)
        _add(system, "points_breakdown", entry.points_breakdown)
        _add(ministries[ministry], "points_breakdown", entry.points_breakdown)
    for item in systems.values():
        item["points_at_stake"] = _points(item["points_at_stake"])
        item["points_breakdown"] = largest_first(item["points_breakdown"])
    for row_ in ministries.values():
        row_["points_breakdown"] = largest_first(row_["points_breakdown"])
    totals: dict[str, Any] = {
        k: sum(m[k] for m in ministries.values())
        for k in ("requests", "drafts", "sent", "answered", "verified", "overdue", "gaps")
    }
    totals["systems"] = len(systems)
    totals["points_at_stake"] = _points(
        sum((Decimal(m["points_at_stake"]) for m in ministries.values()), Decimal(0))
    )
    breakdown: dict[str, Decimal] = {}
    for m in ministries.values():
        for k, v in m["points_breakdown"].items():
            breakdown[k] = breakdown.get(k, Decimal(0)) + Decimal(v)
    totals["points_breakdown"] = largest_first(breakdown)
    return {
        "period": str(period),
        "province": {"code": province.code, "name": province.name} if province is not None else None,
        "as_of": now.isoformat(),
        "totals": totals,
        "ministries": sorted(
            ministries.values(), key=lambda m: (-m["overdue"], -Decimal(m["points_at_stake"]), m["code"])
        ),
    }


def scope_from_query(user: Any, query: Any) -> tuple[Period, Agency | None]:
    """``?period=YYYY-MM`` (default: the last closed month) and ``?province=<code>`` (a province the
    user may see, any province for a supervisor; another answers 404 through ``Http404``) for the
    summary routes."""
    period = period_fields.from_query(query, default=Period.last_closed)
    code = params.text(query, "province")
    if code is None:
        return period, None
    # A supervisor sees every province's filed requests (``visible_to``), so any province's summary.
    provinces = Agency.objects.all() if access.is_supervisor(user) else Agency.objects.visible_to(user)
    province = provinces.filter(code=code, kind="province").first()
    if province is None:
        raise Http404("No such province in your scope.")
    return period, province
