"""Demo hook for ``seed_demo`` (``settings.SEED_DEMO_HOOKS``): this month's drafts from the demo runs.

Runs after reconciliation's demo hook: drafts one request per province × ministry system whose run
for the month just closed exceeds the threshold — what the beat does on the 1st — so a province
officer finds this month's drafts on the review page. Idempotent (the preparation is).
"""
from __future__ import annotations

from tthc.periods import Period

from .preparation import prepare_requests


def seed_demo_requests(seed: int = 766, now=None) -> dict:
    period = Period.last_closed(now)
    created = prepare_requests(period, now=now)
    return {"period": str(period), "drafts_created": len(created)}
