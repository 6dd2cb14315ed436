"""One shape for a stored score, shared by the command's ``--json``, the API and the pages.

Everything is read from the stored snapshot, never recomputed, so that the command, the API and
the dashboard agree to the last decimal. Decimals become JSON numbers: every stored value has at
most 6 decimals and 9 significant digits, which a binary float prints back exactly.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import F, QuerySet, Sum

from tthc.periods import Period

from ..definitions import get
from ..models import IndicatorSnapshot

#: Ranked agencies by rank, those without data (no rank) after them, on every database.
RANKED_FIRST = F("rank").asc(nulls_last=True)


def order_by_group(snapshots: list[IndicatorSnapshot], group: str) -> None:
    """Sort ``snapshots`` in place as a ranking by one group: by the group's rank, those without one
    last, then by agency code (the rankings page and API)."""
    snapshots.sort(key=lambda s: ((s.groups.get(group) or {}).get("rank") or 10**6, s.agency.code))


def ranked_order(snapshot: IndicatorSnapshot) -> tuple:
    """Provinces, then ministries; by rank; agencies without data (no rank) last, by code."""
    return (snapshot.level != "province", snapshot.rank is None, snapshot.rank or 0, snapshot.agency.code)


def num(value: Decimal | str | None) -> float | None:
    return None if value is None else float(Decimal(value))


def components_payload(snapshot: IndicatorSnapshot) -> dict[str, Any]:
    return {
        cv.code: {
            "numerator": cv.numerator,
            "denominator": cv.denominator,
            "ratio": num(cv.ratio),
            "points": num(cv.points),
        }
        for cv in sorted(snapshot.components.all(), key=lambda c: (c.group, c.code))
    }


def snapshot_payload(snapshot: IndicatorSnapshot, with_components: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {
        "code": snapshot.agency.code,
        "total": num(snapshot.total),
        "band": snapshot.band,
        "rank": snapshot.rank,
        "groups": {code: num(g["score"]) for code, g in snapshot.groups.items()},
    }
    if with_components:
        out["components"] = components_payload(snapshot)
    return out


def period_payload(period: str, snapshots: list[IndicatorSnapshot]) -> dict[str, Any]:
    """``{"period", "methodology", "agencies": [...]}``: provinces by rank, then ministries by rank;
    an agency without data has ``"total": null, "rank": null, "band": "no_data"``."""
    ordered = sorted(snapshots, key=ranked_order)
    return {
        "period": str(period),
        "methodology": ordered[0].methodology if ordered else None,
        "agencies": [snapshot_payload(s) for s in ordered],
    }


# --- The dashboard's tables, shared with the documents (reports): one source for both --------------
def group_rows(snapshot: IndicatorSnapshot) -> list[dict[str, Any]]:
    """The methodology's groups in order with the snapshot's score, rank and change."""
    methodology = get(snapshot.methodology)
    # What the components that apply at this level earned of their points, per group (one aggregate):
    # a group lacking some components at a level (a ministry has no communes) is scaled to its full
    # weight (``INDICATOR_RESCALE_PARTIAL_GROUPS``), and the page says so.
    sums: dict[str, dict[str, Any]] = {
        row["group"]: dict(row)
        for row in snapshot.components.values("group").annotate(
            earned=Sum("points"), applicable=Sum("max_points")
        )
    }
    rescaled = getattr(settings, "INDICATOR_RESCALE_PARTIAL_GROUPS", True)
    out = []
    for g in methodology.groups:
        data = snapshot.groups.get(g.code) or {}
        score = data.get("score")
        part = sums.get(g.code) or {}
        applicable = part.get("applicable")
        out.append(
            {
                "code": g.code,
                "name_vi": g.name_vi,
                "name_en": g.name_en,
                "score": score,
                "max": g.points,
                "rank": data.get("rank"),
                "change": data.get("change"),
                "percent": round(100 * float(score) / float(g.points)) if score is not None else 0,
                "scaled_from": (part["earned"], applicable)
                if score is not None and applicable and applicable != g.points and rescaled
                else None,
            }
        )
    return out


def component_rows(snapshot: IndicatorSnapshot) -> list[dict[str, Any]]:
    """The methodology's components in order with the stored values and the points lost."""
    methodology = get(snapshot.methodology)
    values = {cv.code: cv for cv in snapshot.components.all()}
    return [
        {"def": c, "value": values[c.code], "lost": values[c.code].max_points - values[c.code].points}
        for c in methodology.components
        if c.code in values
    ]


def trend_totals(
    snapshots: QuerySet[IndicatorSnapshot], period: Period, months: int = 13
) -> list[tuple[str, Decimal | None]]:
    """(period, total) for the ``months`` months up to ``period`` (a monthly period; else just it).

    ``snapshots`` is already narrowed to one agency (and to what the user may see)."""
    periods = [period]
    while len(periods) < months and period.kind == "month":
        periods.insert(0, periods[0].previous())
    history = dict(snapshots.filter(period__in=periods).values_list("period", "total"))
    return [(str(p), history.get(p)) for p in periods]
