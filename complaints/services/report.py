"""The sync-request section of the monthly TTHC reform report, as plain data for the PDF renderer.

``monthly_report_section(period, province=None)`` covers the requests about ``period``'s data (the
month reviewed; they are filed early the next month): per ministry how many were sent, answered,
verified closed by the data, closed otherwise, rejected, escalated, and overdue at ``as_of``. One
aggregate query per call (``Count(filter=...)``) plus one for the list of requests; everything
returned is JSON-serialisable (numbers as int/str, dates ISO) so the reports app can render it or
ship it through the API unchanged.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Aggregate, Count, Min, Q, QuerySet, Sum
from django.utils import timezone

from tthc.models import Agency
from tthc.periods import Period

from ..models import SyncGapRequest
from ..workflow import OVERDUE_STATES, State


def _counts(now: datetime) -> dict[str, Aggregate]:
    return {
        "sent": Count("pk", filter=Q(submitted_at__isnull=False)),
        "answered": Count("pk", filter=Q(answered_at__isnull=False)),
        "verified": Count("pk", filter=Q(state=State.VERIFIED_CLOSED)),
        "closed": Count("pk", filter=Q(state=State.CLOSED)),
        "rejected": Count("pk", filter=Q(state=State.REJECTED)),
        "reopened": Count("pk", filter=Q(state=State.REOPENED)),
        "escalated": Count("pk", filter=Q(escalated_at__isnull=False)),
        "overdue": Count("pk", filter=Q(state__in=OVERDUE_STATES, response_due_at__lt=now)),
        "open": Count("pk", filter=Q(state__in=(*OVERDUE_STATES, State.ANSWERED, State.REJECTED))),
        "gaps": Sum("gap_total"),
        "points_at_stake": Sum("points_at_stake"),
    }


def _clean(row: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for key, value in row.items():
        if key == "points_at_stake":
            value = str(Decimal(value or 0).quantize(Decimal("0.001")))
        elif key == "gaps":
            value = int(value or 0)
        out[key] = value
    return out


def monthly_report_section(
    period: Period | str,
    province: Agency | None = None,
    *,
    as_of: datetime | None = None,
    user: Any = None,
) -> dict[str, Any]:
    """The section (``user``: scoped by the gate, as on the Ministry of Justice page and API)."""
    period = Period.parse(period)
    now = as_of or timezone.now()
    base = SyncGapRequest.objects.all() if user is None else SyncGapRequest.objects.visible_to(user)
    qs = base.for_period(period).filed()
    if province is not None:
        qs = qs.filter(province=province)
    counts = _counts(now)
    totals = _clean(qs.aggregate(**counts))
    per_ministry = (
        qs.order_by()
        .values("ministry__code", "ministry__name")
        .annotate(**counts)
        .order_by("-overdue", "-sent", "ministry__code")
    )
    ministries = [
        {"code": row.pop("ministry__code"), "name": row.pop("ministry__name"), **_clean(row)}
        for row in per_ministry
    ]
    requests = [
        {
            "reference": c.reference,
            "province": c.province.name,
            "ministry": c.ministry.name,
            "number": c.number_text,
            "systems": [e.source.code for e in c.systems.all()],
            "system": c.system_names,
            "state": c.state,
            "state_label": str(c.get_state_display()),
            "submitted_at": c.submitted_at.isoformat() if c.submitted_at else None,
            "response_due_at": c.response_due_at.isoformat() if c.response_due_at else None,
            "answered_at": c.answered_at.isoformat() if c.answered_at else None,
            "overdue": c.is_overdue(now),
            "gap_total": c.gap_total,
            "latest_gap_total": c.latest_gap_total,
            "points_at_stake": str(c.points_at_stake),
        }
        for c in qs.select_related("province", "ministry")
        .prefetch_related("systems__source")
        .order_by("ministry__code", "province__code", "pk")
    ]
    return {
        "period": str(period),
        "province": {"code": province.code, "name": province.name} if province is not None else None,
        "as_of": now.isoformat(),
        "totals": totals,
        "ministries": ministries,
        "requests": requests,
    }


def overdue_ranking(qs: QuerySet[SyncGapRequest], now: datetime | None = None) -> list[dict[str, Any]]:
    """Ministries ranked by overdue cases (then the oldest missed deadline): the supervisors' list."""
    now = now or timezone.now()
    rows = (
        qs.filter(state__in=OVERDUE_STATES, response_due_at__lt=now)
        .order_by()
        .values("ministry_id", "ministry__code", "ministry__name")
        .annotate(
            overdue=Count("pk"),
            escalated=Count("pk", filter=Q(state=State.ESCALATED)),
            oldest_due=Min("response_due_at"),
        )
        .order_by("-overdue", "oldest_due", "ministry__code")
    )
    return [
        {
            "ministry_id": r["ministry_id"],
            "code": r["ministry__code"],
            "name": r["ministry__name"],
            "overdue": r["overdue"],
            "escalated": r["escalated"],
            "oldest_due": r["oldest_due"],
        }
        for r in rows
    ]


def counts_by_state(qs: QuerySet[SyncGapRequest]) -> list[tuple[str, int]]:
    """(state, count) of the cases, in the workflow's order of states: one grouped query."""
    counts = dict(qs.order_by().values_list("state").annotate(n=Count("pk")))
    return [(state, counts[state]) for state in State.values if counts.get(state)]


def open_by_ministry(qs: QuerySet[SyncGapRequest], now: datetime | None = None) -> list[dict[str, Any]]:
    """Per ministry, its open cases awaiting an answer: within the deadline and overdue (one query)."""
    now = now or timezone.now()
    late = Q(response_due_at__lt=now)
    rows = (
        qs.filter(state__in=OVERDUE_STATES)
        .order_by()
        .values("ministry__code", "ministry__name")
        .annotate(on_time=Count("pk", filter=~late), overdue=Count("pk", filter=late))
        .order_by("-overdue", "-on_time", "ministry__code")
    )
    return [
        {
            "code": r["ministry__code"],
            "name": r["ministry__name"],
            "on_time": r["on_time"],
            "overdue": r["overdue"],
        }
        for r in rows
    ]
