"""Recompute a run of months at once: the trend charts after a bulk load."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from tthc.periods import Period

from . import compute


def backfill(months: int = 13, now: datetime | None = None) -> list[str]:
    """Recompute the ``months`` closed months before the current one, oldest first, then the live month
    (trend charts after a bulk load; ``compute_indicators --backfill``)."""
    now = now or timezone.now()
    periods = [Period.current(now)]
    while len(periods) <= months:
        periods.insert(0, periods[0].previous())
    for period in periods:
        compute.recompute(period, now=now)
    return [str(p) for p in periods]
