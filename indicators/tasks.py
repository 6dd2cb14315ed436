"""Celery tasks for the index: thin wrappers around ``services.compute``, idempotent, safe to retry.

* ``recompute_live`` — the beat runs it hourly: the current month as of now (the dashboards' "live"
  score).
* ``close_previous_month`` — the beat runs it on the 1st: the month that just ended, judged at its
  end and marked final (and the quarter / year it closes), each period its own tasks.
* ``warm_late_units`` — after a closed month's recompute: the country's late units into the cache.
* ``schedule_recompute(period)`` — what ingestion calls after a batch. Debounced: the first call
  in a window takes a cache key and schedules one recompute ``INDICATOR_RECOMPUTE_DELAY`` seconds
  later; calls inside the window are absorbed (their data is committed by the time it runs). The
  task releases the key as it starts, so a batch arriving during a recompute schedules the next one.

A period's recompute is dispatched as one ``recompute_level`` task per ranked level (provinces,
ministries), all judged at the same moment: the levels are ranked apart and share no row, so the
result is the one computation's, and each task stays within the "long" time limit (settings,
``CELERY_TASK_ANNOTATIONS``) instead of one task for everything.
"""

from __future__ import annotations

from datetime import datetime

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from core import outbox
from tthc.periods import Period

from .services import compute, late, publication

KEY = "indicators:recompute:{period}"


def delay_seconds() -> int:
    return settings.INDICATOR_RECOMPUTE_DELAY


@shared_task(
    name="indicators.tasks.recompute_period",
    acks_late=True,
    autoretry_for=(Exception,),
    retry_backoff=60,
    max_retries=3,
)
def recompute_period(period: str | None = None, release: bool = True) -> dict:
    """Recompute one period (default: the current month, live): one ``recompute_level`` task per level,
    judged at the same moment."""
    p = Period.parse(period) if period else Period.current()
    if release:
        cache.delete(KEY.format(period=p))
    publication.refresh_deadlines()  # once here, so the level tasks running side by side only read them
    now = timezone.now().isoformat()
    for level in compute.LEVELS:
        recompute_level.delay(str(p), level, now)
    return {"period": str(p), "levels": list(compute.LEVELS), "as_of": now}


@shared_task(
    name="indicators.tasks.recompute_level",
    acks_late=True,
    autoretry_for=(Exception,),
    dont_autoretry_for=(SoftTimeLimitExceeded,),
    retry_backoff=60,
    max_retries=3,
)
def recompute_level(period: str, level: str, now: str | None = None) -> dict:
    """Compute and store one level of one period, judged at ``now`` (ISO; default: now)."""
    snapshots = compute.recompute(period, datetime.fromisoformat(now) if now else None, level=level)
    p = Period.parse(period)
    if p.end <= timezone.now() and settings.TTHC_LATE_UNITS_CACHE_SECONDS > 0:
        schedule_late_units_warm(p)
    return {"period": str(p), "level": level, "agencies": len(snapshots)}


WARM_KEY = "indicators:warm-late:{period}"
#: The levels' tasks finish close together: one warm-up after the last of them, not one per level.
WARM_DELAY = 30


def schedule_late_units_warm(period: Period) -> bool:
    """Ask for the country's late units of a closed period to be computed into the cache soon
    (debounced like ``schedule_recompute``); True if one was scheduled."""
    if not cache.add(WARM_KEY.format(period=period), 1, timeout=WARM_DELAY):
        return False
    outbox.enqueue(warm_late_units, args=[str(period)], countdown=0 if outbox.eager() else WARM_DELAY)
    return True


@shared_task(name="indicators.tasks.warm_late_units", acks_late=True)
def warm_late_units(period: str) -> dict:
    """The country's late units of a closed period, computed once into the cache after its recompute:
    the public results, national viewers and the API then read them (``late.cached_report``) instead
    of the first visitor waiting for the whole month's overdue dossiers (7-10 s at 10 M dossiers)."""
    rows, compliance = late.cached_report(period)
    return {"period": str(Period.parse(period)), "rows": len(rows), "ranked_agencies": len(compliance)}


@shared_task(name="indicators.tasks.recompute_live", acks_late=True)
def recompute_live() -> dict:
    return recompute_period(str(Period.current()), release=False)


@shared_task(
    name="indicators.tasks.close_previous_month",
    acks_late=True,
    autoretry_for=(Exception,),
    retry_backoff=300,
    max_retries=5,
)
def close_previous_month() -> dict:
    """The month before the current one, judged at its end: final snapshots; and the quarter and
    the year when the month closed one (each period dispatched as its own level tasks)."""
    closed = Period.last_closed()
    result = recompute_period(str(closed), release=False)
    if closed.number % 3 == 0:
        result["quarter"] = recompute_period(f"{closed.year}-Q{closed.number // 3}", release=False)
    if closed.number == 12:
        result["year"] = recompute_period(str(closed.year), release=False)
    return result


def schedule_recompute(period: Period | str | None = None, delay: int | None = None) -> bool:
    """Ask for a recompute of ``period`` (default: the current month) soon; True if one was scheduled.

    With eager Celery (no broker) the recompute runs at once after the caller's transaction
    commits, and the key is left to expire, so a burst of batches recomputes at most once per delay.
    """
    p = Period.parse(period) if period else Period.current()
    delay = delay_seconds() if delay is None else delay
    if not cache.add(KEY.format(period=p), timezone.now().isoformat(), timeout=max(delay, 1)):
        return False
    eager = outbox.eager()
    # Recorded with the caller's transaction, sent on commit, relayed later if Redis is down (core/outbox.py).
    outbox.enqueue(
        recompute_period, args=[str(p)], kwargs={"release": not eager}, countdown=0 if eager else delay
    )
    return True
