"""Closure verified by the data: an answer "fixed" is checked against the next reconciliation run.

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

from reconciliation.models import ReconciliationRun

from ..models import SyncGapRequest
from ..workflow import Resolution, State
from .requests import _lock, transition


def _figures(run: ReconciliationRun) -> dict[str, Any]:
    assert run.finished_at is not None  # only finished runs judge a case (``verify``)
    counts = {k: int(v) for k, v in (run.gap_counts or {}).items()}
    return {
        "run": run.pk,
        "run_finished_at": run.finished_at.isoformat(),
        "gap_counts": counts,
        "gap_total": run.gap_total,  # the gaps that count: suspicious flags are not gaps
        "points_at_stake": str(run.points_at_stake),
    }


def verify(case: SyncGapRequest, run: ReconciliationRun, now: datetime | None = None) -> str | None:
    """Close or reopen one answered-"fixed" case from ``run``; returns the new state, or ``None``."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock(case)
        if locked.state != State.ANSWERED or locked.resolution != Resolution.FIXED:
            return None
        if run.finished_at is None or (locked.answered_at and run.finished_at <= locked.answered_at):
            return None
        figures = _figures(run)
        locked.latest_gap_counts = figures["gap_counts"]
        locked.latest_gap_total = figures["gap_total"]
        locked.latest_points_at_stake = Decimal(run.points_at_stake or 0)
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
        if figures["gap_total"] <= settings.TTHC_REQUEST_CLOSE_THRESHOLD:
            transition(locked, State.VERIFIED_CLOSED, None, now=now, extra=figures)
            return State.VERIFIED_CLOSED
        reason = (
            f"Kết quả đối soát tháng {locked.period} (chạy lúc "
            f"{timezone.localtime(run.finished_at):%H:%M %d/%m/%Y}) vẫn còn {figures['gap_total']} trường hợp "
            f"sai lệch (trước đây: {locked.gap_total})."
        )
        transition(locked, State.REOPENED, None, now=now, reason=reason, extra=figures)
        return State.REOPENED


def on_run_finished(run: ReconciliationRun, now: datetime | None = None) -> dict[int, str]:
    """The reconciliation engine's hook: verify the cases this run can judge. Returns {case id: state}."""
    cases = SyncGapRequest.objects.filter(
        province_id=run.province_id,
        source_id=run.source_id,
        period=run.period,
        state=State.ANSWERED,
        resolution=Resolution.FIXED,
    )
    out = {}
    for case in cases:
        result = verify(case, run, now)
        if result:
            out[case.pk] = result
    return out


def verify_pending(now: datetime | None = None) -> dict[int, str]:
    """Every answered-"fixed" case whose run has finished since the answer (the hourly safety net)."""
    newer = ReconciliationRun.objects.filter(
        province_id=OuterRef("province_id"),
        source_id=OuterRef("source_id"),
        period=OuterRef("period"),
        finished_at__gt=OuterRef("answered_at"),
    )
    cases = SyncGapRequest.objects.filter(state=State.ANSWERED, resolution=Resolution.FIXED).filter(
        Exists(newer)
    )
    out = {}
    for case in cases:
        run = ReconciliationRun.objects.filter(
            province_id=case.province_id, source_id=case.source_id, period=case.period
        ).first()
        if run is not None:
            result = verify(case, run, now)
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
