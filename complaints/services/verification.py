"""Closure verified by the data: an answer "fixed" is checked against the next reconciliation run.

A request lists several systems: it is judged when every listed system has a run finished after the
answer, closed when each system's gaps are at most the threshold, reopened otherwise (the timeline
row and each ``RequestSystem``'s ``latest_*`` fields report per system).

``on_run_finished(run)`` is the hook the reconciliation engine calls after each run (and the hourly
chasing task calls :func:`verify_pending` as a safety net, so a missed hook only delays the
verdict). A run counts only if it finished after the answer — the run that prompted the request
proves nothing. If its gaps for that province × system × month are at most
``TTHC_REQUEST_CLOSE_THRESHOLD`` the case is verified closed; otherwise it is reopened with the new
figures (on the timeline and in ``latest_*``), a new response deadline, and the ministry is told.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from core import formatting
from reconciliation.models import ReconciliationRun

from ..models import SyncGapRequest
from ..workflow import Resolution, State
from . import evidence
from .requests import _lock, transition


def _runs(case: SyncGapRequest) -> dict[int, ReconciliationRun]:
    """The latest finished run of each system listed in the case (by source id)."""
    sources = list(case.systems.values_list("source_id", flat=True))
    runs = ReconciliationRun.objects.filter(
        province_id=case.province_id, period=case.period, source_id__in=sources, finished_at__isnull=False
    ).select_related("source")
    return {run.source_id: run for run in runs}


def _figures(runs: list[ReconciliationRun], portal_route: bool = False) -> dict[str, Any]:
    systems: dict[str, dict[str, Any]] = {}
    counts: dict[str, int] = {}
    for run in runs:
        found = evidence.findings(run, portal_route)
        systems[run.source.code] = {
            "run": run.pk,
            "run_finished_at": run.finished_at.isoformat() if run.finished_at else None,
            "gap_counts": found,
            "gap_total": sum(found.values()),
            "points_at_stake": str(run.points_at_stake),
        }
        for kind, n in found.items():
            counts[kind] = counts.get(kind, 0) + n
    return {
        "systems": systems,
        "gap_counts": counts,
        "gap_total": sum(counts.values()),
        "points_at_stake": str(sum((Decimal(r.points_at_stake or 0) for r in runs), Decimal(0))),
    }


def verify(
    case: SyncGapRequest, run: ReconciliationRun | None = None, now: datetime | None = None
) -> str | None:
    """Close or reopen one answered-"fixed" case once every listed system has a run finished after
    the answer; returns the new state, or ``None`` (nothing to judge yet). ``run`` is the run that
    prompted the check (informative: the latest run of each system is read)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock(case)
        if locked.state != State.ANSWERED or locked.resolution != Resolution.FIXED:
            return None
        runs = _runs(locked)
        entries = list(locked.systems.all())
        if not entries or any(
            e.source_id not in runs
            or (locked.answered_at and runs[e.source_id].finished_at <= locked.answered_at)  # type: ignore[operator]
            for e in entries
        ):
            return None
        judged = [runs[e.source_id] for e in entries]
        figures = _figures(judged, locked.route == "portal_operator")
        threshold = settings.TTHC_REQUEST_CLOSE_THRESHOLD
        for entry in entries:
            seen = figures["systems"][runs[entry.source_id].source.code]
            entry.latest_gap_counts, entry.latest_gap_total = seen["gap_counts"], seen["gap_total"]
            entry.latest_checked_at = now
            entry.save(update_fields=["latest_gap_counts", "latest_gap_total", "latest_checked_at"])
        locked.latest_gap_counts = figures["gap_counts"]
        locked.latest_gap_total = figures["gap_total"]
        locked.latest_points_at_stake = Decimal(figures["points_at_stake"])
        locked.latest_checked_at = now
        locked.save(
            update_fields=[
                "latest_gap_counts",
                "latest_gap_total",
                "latest_points_at_stake",
                "latest_checked_at",
                "updated_at",
            ]
        )
        remaining = {
            code: f["gap_total"] for code, f in figures["systems"].items() if f["gap_total"] > threshold
        }
        if not remaining:
            transition(locked, State.VERIFIED_CLOSED, None, now=now, extra=figures)
            return State.VERIFIED_CLOSED
        finished = max(r.finished_at for r in judged if r.finished_at)
        names = {r.source.code: r.source.name for r in judged}  # people read systems by name
        per_system = "; ".join(f"{names.get(code, code)}: {n}" for code, n in sorted(remaining.items()))
        reason = (
            f"Kết quả đối soát tháng {formatting.month(locked.period)} (chạy lúc "
            f"{timezone.localtime(finished):%H:%M %d/%m/%Y}) vẫn còn {figures['gap_total']} trường hợp "
            f"sai lệch (trước đây: {locked.gap_total}); theo hệ thống: {per_system}."
        )
        transition(locked, State.REOPENED, None, now=now, reason=reason, extra=figures)
        return State.REOPENED


def on_run_finished(run: ReconciliationRun, now: datetime | None = None) -> dict[int, str]:
    """The reconciliation engine's hook: verify the cases this run can judge. Returns {case id: state}."""
    cases = SyncGapRequest.objects.filter(
        province_id=run.province_id,
        period=run.period,
        systems__source_id=run.source_id,
        state=State.ANSWERED,
        resolution=Resolution.FIXED,
    ).distinct()
    out = {}
    for case in cases:
        result = verify(case, run, now)
        if result:
            out[case.pk] = result
    return out


def verify_pending(now: datetime | None = None) -> dict[int, str]:
    """Every answered-"fixed" case with a run finished since the answer (the hourly safety net)."""
    newer = ReconciliationRun.objects.filter(
        province_id=OuterRef("province_id"),
        period=OuterRef("period"),
        source__sync_request_entries__request=OuterRef("pk"),
        finished_at__gt=OuterRef("answered_at"),
    )
    cases = SyncGapRequest.objects.filter(state=State.ANSWERED, resolution=Resolution.FIXED).filter(
        Exists(newer)
    )
    out = {}
    for case in cases:
        result = verify(case, None, now)
        if result:
            out[case.pk] = result
    return out


def months_to_recheck() -> list[tuple[str, str]]:
    """(period, province code) pairs with cases answered "fixed" and still waiting for a newer run.

    The reconciliation beat re-runs only the current and the just-closed month, but a request is
    about an older month by the time it is answered; the nightly re-check asks for those runs.
    """
    rows = (
        SyncGapRequest.objects.filter(state=State.ANSWERED, resolution=Resolution.FIXED)
        .order_by()
        .values_list("period", "province__code")
        .distinct()
    )
    return sorted({(str(period), code) for period, code in rows})
