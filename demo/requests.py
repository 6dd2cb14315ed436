"""This month's draft requests from the demo's reconciliation runs.

Runs after the demo's reconciliation of the latest months: drafts one request per province × ministry system whose run
for the month just closed exceeds the threshold — what the beat does on the 1st — so a province
officer finds this month's drafts on the review page. Idempotent (the preparation is).
"""

from __future__ import annotations

from complaints.services.preparation import prepare_requests
from tthc.periods import Period


def seed_demo_requests(seed: int = 766, now=None) -> dict:
    period = Period.last_closed(now)
    created = prepare_requests(period, now=now)
    return {"period": str(period), "drafts_created": len(created)}
