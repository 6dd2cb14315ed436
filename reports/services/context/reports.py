"""The monthly report, the scorecard and the national report: plain data read from other apps.

Every number comes from the service the pages use — the stored index snapshot and its tables
(``indicators.services.present``, the dashboard's own functions), the late units and apology
compliance (``indicators.services.late``), the gap matrix (``reconciliation.services.matrix``), the
requests' section of the monthly reform report and the ministries' overdue ranking
(``complaints.services.report``) — so a document and its page cannot disagree.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.services.users import cli_actor
from complaints.models import SyncGapRequest
from complaints.services.report import overdue_ranking
from complaints.services.requests import ministry_of
from complaints.services.summary import monthly_summary
from core import charts
from indicators.models import IndicatorSnapshot, Level
from indicators.services import late, present, scoring
from indicators.trend import trend_chart
from reconciliation.models import GapKind, SourceKind, beyond_listed
from reconciliation.services import matrix as matrix_service
from tthc.models import Agency

from ..targets import Target
from ..vn import month_label, number, percent, signed

PROVINCIAL_LABEL = "HTTT giải quyết TTHC cấp tỉnh"
LATE_ROWS_SHOWN = 40
NOT_SYNCED = GapKind.NOT_SYNCED.value


def _band(code: str | None) -> str:
    return scoring.band_label(code) if code else "—"


def group_bars(groups: list[dict[str, Any]]) -> str:
    """The group scores as the shared horizontal bars (``core.charts``), each against its maximum."""
    return charts.bars(
        [charts.Bar(f"{g['code']} · {g['name_vi']}", g["score"], g["max"]) for g in groups],
        title="Điểm theo nhóm chỉ số",
        label_width=260,
        digits=2,
    )


def score_context(snapshot: IndicatorSnapshot) -> dict[str, Any]:
    """The scorecard's numbers: total, band, rank, groups and components, as the dashboard shows them."""
    groups = present.group_rows(snapshot)
    for g in groups:
        g["score_text"] = number(g["score"], 2) if g["score"] is not None else "—"
        g["change_text"] = signed(g["change"]) if g["change"] is not None else "—"
        if g["scaled_from"]:  # as the dashboard: a group lacking some components at this level
            earned, applicable = g["scaled_from"]
            g["scaled_text"] = _(
                "scaled to the group's %(max)s points from %(earned)s of the %(applicable)s points of the "
                "components that apply at this level"
            ) % {"max": g["max"], "earned": number(earned, 2), "applicable": number(applicable, 2)}
    components = []
    for row in present.component_rows(snapshot):
        value, comp = row["value"], row["def"]
        components.append(
            {
                "code": comp.code,
                "group": comp.group,
                "name": comp.name_vi,
                "rule": str(comp.rule.label),
                "numerator": value.numerator,
                "denominator": value.denominator,
                "ratio": value.ratio,
                "points": value.points,
                "max_points": value.max_points,
                "lost": row["lost"],
                "numerator_text": number(value.numerator),
                "denominator_text": number(value.denominator),
                "ratio_text": percent(value.ratio, 1) if value.ratio is not None else "—",
                "points_text": number(value.points, 2),
                "max_text": number(value.max_points, 0),
                "lost_text": number(row["lost"], 2) if row["lost"] else "",
            }
        )
    total = snapshot.total
    return {
        "bars": group_bars(groups),
        "snapshot": snapshot,
        "total": total,
        "total_text": number(total, 2) if total is not None else "—",
        "band": snapshot.band,
        "band_label": _band(snapshot.band),
        "rank": snapshot.rank,
        "peers": snapshot.peers,
        "change_text": signed(snapshot.change) if snapshot.change is not None else "—",
        "final": snapshot.final,
        "methodology": snapshot.methodology,
        "groups": groups,
        "components": components,
        "trend": trend_chart(
            present.trend_totals(IndicatorSnapshot.objects.filter(agency=snapshot.agency), snapshot.period)
        ),
    }


def scorecard(target: Target) -> dict[str, Any]:
    snapshot, agency = target.snapshot, target.agency
    assert snapshot is not None and agency is not None
    return {
        "doc_title": f"Phiếu điểm Bộ chỉ số 766 — {agency.name} — {month_label(target.period)}",
        "agency": agency,
        "period": str(target.period),
        "period_label": month_label(target.period),
        "level_label": "tỉnh, thành phố" if snapshot.level == Level.PROVINCE else "bộ, cơ quan",
        **score_context(snapshot),
    }


def _system_rows(user: Any, period: Any, province: Agency | None) -> list[dict[str, Any]]:
    """The gap matrix's cells for one province (or all): per system, with its ministry."""
    grid = matrix_service.build_matrix(user, period, PROVINCIAL_LABEL)
    ministries: dict[int, Agency] = {}
    rows: list[dict[str, Any]] = []
    for row in grid.rows:
        row_province = cast(Agency, row.province)
        if province is not None and row_province.pk != province.pk:
            continue
        for cell in row.cells:
            if cell is None:
                continue
            run = cell.run
            source = run.source
            if source.owner_id not in ministries:
                ministries[source.owner_id] = ministry_of(source.owner)
            counts = {k: int(v) for k, v in (run.gap_counts or {}).items() if int(v)}
            rows.append(
                {
                    "province": row_province,
                    "ministry": ministries[source.owner_id],
                    "system": source,
                    "provincial": source.kind == SourceKind.PROVINCIAL,
                    "dossiers": run.dossiers,
                    "portal": run.portal_dossiers,
                    "reported": run.reported_count,
                    # listed as they add up: a shortfall only beyond the dossiers listed as missing
                    "gaps": beyond_listed(counts),
                    "gap_total": run.gap_total,
                    "gap_dossiers": run.gap_dossiers,
                    "not_synced": counts.get(NOT_SYNCED, 0),
                    "points": Decimal(run.points_at_stake or 0),
                    "points_text": number(Decimal(run.points_at_stake or 0), 2),
                    "level": cell.level,
                    "percent": cell.percent,
                }
            )
    rows.sort(key=lambda r: (r["provincial"], r["ministry"].code, r["system"].code, r["province"].code))
    return rows


def _gap_kinds(rows: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """The gap kinds found in ``rows`` (in the model's order); each row gets them as one line of text."""
    used = {k for r in rows for k in r["gaps"]}
    kinds = [(k.value, str(k.label)) for k in GapKind if k.value in used]
    for r in rows:
        r["gap_text"] = "; ".join(
            f"{label}: {number(r['gaps'][k])}" for k, label in kinds if r["gaps"].get(k)
        )
    return kinds


def monthly_report(target: Target) -> dict[str, Any]:
    snapshot, province, period = target.snapshot, target.agency, target.period
    assert snapshot is not None and province is not None and period is not None
    now = timezone.now()
    late_rows, compliance = late.report(period, now=now, agency=province)
    overdue = sum(r["overdue"] for r in compliance)
    apologised = sum(r["apologised"] for r in compliance)
    systems = _system_rows(target.user, period, province)
    # The Chairman's summary of the month's requests (per ministry: systems, gaps, points, states).
    requests = monthly_summary(target.user, period, province, as_of=now)
    for ministry in requests["ministries"]:
        ministry["systems_text"] = "; ".join(s["name"] for s in ministry["systems"])
        ministry["points_text"] = number(Decimal(ministry["points_at_stake"]), 2)
    return {
        "doc_title": f"Báo cáo tháng — {province.name} — {month_label(period)}",
        "province": province,
        "period": str(period),
        "period_label": month_label(period),
        "as_of": now,
        **score_context(snapshot),
        "late_rows": late_rows[:LATE_ROWS_SHOWN],
        "late_count": len(late_rows),
        "overdue": overdue,
        "apologised": apologised,
        "without_apology": overdue - apologised,
        "apology_ratio": percent(Decimal(apologised) / overdue, 1) if overdue else "—",
        "systems": systems,
        "gap_kinds": _gap_kinds(systems),
        "points_at_stake": number(sum((r["points"] for r in systems), Decimal(0)), 2),
        "requests": requests,
        "not_synced": [r for r in systems if r["not_synced"]],
    }


def national_report(target: Target) -> dict[str, Any]:
    period = target.period
    assert period is not None
    now = timezone.now()
    # The supervising bodies' report covers the country (``targets._national`` admits only them): a
    # supervisor of BTP-KSTT or the Government Office holds no province in their own scope, so the
    # matrix is read with the platform's national scope, not theirs.
    systems = _system_rows(cli_actor(), period, None)
    columns: dict[str, Any] = {}
    cells: dict[tuple[int, str], dict[str, Any]] = {}
    provinces: dict[int, Agency] = {}
    for r in systems:
        key = "__provincial__" if r["provincial"] else r["system"].code
        columns.setdefault(
            key, {"key": key, "name": PROVINCIAL_LABEL if r["provincial"] else r["system"].name}
        )
        cells[(r["province"].pk, key)] = r
        provinces[r["province"].pk] = r["province"]
    ordered = sorted(provinces.values(), key=lambda a: a.code)
    matrix_rows = [
        {
            "province": p,
            "cells": [cells.get((p.pk, c)) for c in columns],
            "points": number(sum((r["points"] for (pk, _), r in cells.items() if pk == p.pk), Decimal(0)), 2),
        }
        for p in ordered
    ]
    snapshots = {
        level: list(
            IndicatorSnapshot.objects.filter(period=str(period), level=level)
            .select_related("agency")
            .order_by(present.RANKED_FIRST, "agency__code")  # no data (no rank) last, as the pages
        )
        for level in (Level.PROVINCE, Level.MINISTRY)
    }
    ranking = overdue_ranking(SyncGapRequest.objects.visible_to(target.user), now)
    per_province = [
        {
            "province": p,
            "score": next((score_context(s) for s in snapshots[Level.PROVINCE] if s.agency_id == p.pk), None),
            "systems": [r for r in systems if r["province"].pk == p.pk],
        }
        for p in ordered
    ]
    return {
        "doc_title": f"Báo cáo toàn quốc — {month_label(period)}",
        "period": str(period),
        "period_label": month_label(period),
        "as_of": now,
        "columns": list(columns.values()),
        "matrix": matrix_rows,
        # The matrix's colour bands, as the gap matrix page's legend gives them.
        "severity_bounds": [number(b) for b in sorted(settings.TTHC_GAP_SEVERITY_THRESHOLDS)],
        "gap_kinds": _gap_kinds(systems),
        "provinces_ranked": [_ranked(s) for s in snapshots[Level.PROVINCE]],
        "ministries_ranked": [_ranked(s) for s in snapshots[Level.MINISTRY]],
        "overdue_ranking": ranking,
        "per_province": per_province,
    }


def _ranked(snapshot: IndicatorSnapshot) -> dict[str, Any]:
    return {
        "agency": snapshot.agency,
        "rank": snapshot.rank,
        "total_text": number(snapshot.total, 2) if snapshot.total is not None else "—",
        "band_label": _band(snapshot.band),
        "change_text": signed(snapshot.change) if snapshot.change is not None else "—",
        "groups": [number((snapshot.groups.get(c) or {}).get("score"), 2) for c in sorted(snapshot.groups)],
    }
