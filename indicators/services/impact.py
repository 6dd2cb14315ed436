"""Points at stake for reconciliation, from the declared DOSSIER_SYNC component.

``reconciliation.services.impact`` has a single hook (``TTHC_RECONCILIATION_IMPACT`` = a dotted path)
with the signature ``(counts, gap_counts) -> Decimal``. Pointing it at ``dossier_sync_impact`` makes the
gain follow the methodology's own declaration (points, rule, empty-denominator policy) instead of a
second copy of the arithmetic: closing ``missing_on_portal`` gaps adds those dossiers to the portal
count, and the component is re-scored before and after.
"""
from __future__ import annotations

from decimal import Decimal

from tthc.periods import Period

from ..definitions import methodology_for
from .scoring import score_component


def dossier_sync_points(portal: int, reported: int | None, period=None) -> Decimal:
    comp = methodology_for(period or Period.current()).component("DOSSIER_SYNC")
    return score_component(comp, {"num": portal, "den": max(portal, reported or 0)}).points


def dossier_sync_impact(counts, gap_counts: dict, period=None) -> Decimal:
    missing = max(int(gap_counts.get("missing_on_portal", 0)), 0)
    before = dossier_sync_points(counts.portal, counts.reported, period)
    after = dossier_sync_points(counts.portal + missing, counts.reported, period)
    return max(after - before, Decimal(0))
