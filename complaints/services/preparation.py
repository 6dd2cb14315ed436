"""Monthly preparation: one draft per province × ministry whose systems' gaps exceed the threshold,
listing each of those systems (a ``not_synced`` finding counts like any other gap).

Runs after the month's reconciliation (beat, and ``manage.py prepare_requests``). Idempotent: the
unique constraint makes a second run find the drafts (or the submitted, or the discarded requests)
it made the first time, so only new ones are returned.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.utils import timezone

from reconciliation.models import ReconciliationRun, SourceKind
from tthc.models import Agency
from tthc.periods import MONTH, Period

from ..models import Route, SyncGapRequest
from .portal import fault_counts
from .requests import create_request, ministry_of, portal_operator


def candidate_runs(period: Period | str, province: str | None = None) -> list[ReconciliationRun]:
    """The month's finished runs against ministries' centralized systems, above the threshold (of one
    province, by code, or of all)."""
    threshold = settings.TTHC_REQUEST_DRAFT_THRESHOLD
    runs = (
        ReconciliationRun.objects.for_period(period)
        .filter(source__kind=SourceKind.MINISTRY, finished_at__isnull=False, province__kind="province")
        .select_related("province", "source__owner")
        .order_by("province__code", "source__code")
    )
    if province is not None:
        runs = runs.filter(province__code=province)
    return [run for run in runs.iterator(chunk_size=500) if run.total_gaps > threshold]


def month(period: Period | str | None = None, now: datetime | None = None) -> Period:
    """The month to prepare (default: the one just closed — the beat runs on the 1st of the next
    month); a quarter or a year is refused (``ValueError``)."""
    return Period.parse(period, MONTH) if period else Period.last_closed(now)


def provinces_to_prepare(period: Period | str | None = None) -> list[str]:
    """The codes of the provinces with drafts to prepare for the month (the beat task queues one
    preparation per province, each within the task time limit)."""
    return sorted({run.province.code for run in candidate_runs(month(period))})


def grouped(runs: list[ReconciliationRun]) -> dict[tuple[Agency, Agency], list[ReconciliationRun]]:
    """The runs per (province, ministry) — each ministry gets one request per province and month."""
    ministries: dict[int, Agency] = {}
    out: dict[tuple[Agency, Agency], list[ReconciliationRun]] = {}
    for run in runs:
        owner = run.source.owner
        ministry = ministries.setdefault(owner.pk, ministry_of(owner))
        out.setdefault((run.province, ministry), []).append(run)
    return out


def prepare_requests(
    period: Period | str | None = None, *, now: datetime | None = None, province: str | None = None
) -> list[SyncGapRequest]:
    """Create the month's drafts (of one province, or all); returns the drafts created by this call
    (none on a re-run)."""
    period = month(period, now)
    now = now or timezone.now()
    created = []
    candidates = candidate_runs(period, province)
    for (prov, ministry), runs in grouped(candidates).items():
        case, new = create_request(prov, ministry, period, runs=runs, now=now)
        if new:
            created.append(case)
    created.extend(_portal_drafts(candidates, period, now))
    return created


def _portal_drafts(
    candidates: list[ReconciliationRun], period: Period, now: datetime
) -> list[SyncGapRequest]:
    """One draft per province to the portal operator when its runs show portal faults (seed 002)."""
    operator = portal_operator()
    if operator is None or not candidates:
        return []
    threshold = settings.TTHC_REQUEST_DRAFT_THRESHOLD
    faults = fault_counts(candidates)
    per_province: dict[int, list[ReconciliationRun]] = {}
    for run in candidates:
        if faults.get(run.pk, 0) > threshold:
            per_province.setdefault(run.province_id, []).append(run)
    created = []
    for runs in per_province.values():
        case, new = create_request(
            runs[0].province, operator, period, runs=runs, route=Route.PORTAL_OPERATOR, now=now
        )
        if new:
            created.append(case)
    return created
