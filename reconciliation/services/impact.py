"""What a ministry's sync gaps cost a province, in 766 points.

Without the indicators app's declarations, only the DOSSIER_SYNC arithmetic is known here
(docs/domain.md#points-at-stake): 6 points × synced / max(dossiers per portal,
dossiers per the national reporting system). Dossiers a ministry's system fails to sync still
appear in the reporting count, so they lower the province's ratio; closing a system's
``missing_on_portal`` gaps adds them to the portal count.

``IMPACT_FUNCTION`` is the single hook: the indicators app replaces it (through the setting
``TTHC_RECONCILIATION_IMPACT``, a dotted path) with a function of the same signature that uses the
declared definitions (by default ``indicators.services.impact.dossier_sync_impact``) — nothing else in
reconciliation changes.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.utils.module_loading import import_string

DOSSIER_SYNC_POINTS = Decimal(6)
QUANT = Decimal("0.001")


@dataclass(frozen=True)
class ProvinceCounts:
    """A province's month as the DOSSIER_SYNC component sees it."""

    portal: int  # dossiers received in the period that are on the portal (all systems)
    reported: int | None  # the national reporting system's count (None: no count reported)


def dossier_sync_points(synced: int, portal: int, reported: int | None) -> Decimal:
    """DOSSIER_SYNC: 6 × synced / max(portal, reported); no dossiers at all ⇒ full points."""
    denominator = max(portal, reported or 0)
    if denominator <= 0:
        return DOSSIER_SYNC_POINTS
    return DOSSIER_SYNC_POINTS * Decimal(min(synced, denominator)) / Decimal(denominator)


def dossier_sync_gain(counts: ProvinceCounts, missing_on_portal: int) -> Decimal:
    """Points the province gains if ``missing_on_portal`` more of its dossiers reach the portal."""
    before = dossier_sync_points(counts.portal, counts.portal, counts.reported)
    after_portal = counts.portal + max(missing_on_portal, 0)
    after = dossier_sync_points(after_portal, after_portal, counts.reported)
    return max(after - before, Decimal(0)).quantize(QUANT, rounding=ROUND_HALF_UP)


def points_at_stake(counts: ProvinceCounts, gap_counts: dict, period=None) -> Decimal:
    """The configured impact function applied to one run's gap counts (default: DOSSIER_SYNC).

    The hook's signature is ``(counts, gap_counts, period=None) -> Decimal``; ``period`` (a
    ``tthc.periods.Period``) lets a versioned definition pick the methodology in force that month.
    """
    path = getattr(settings, "TTHC_RECONCILIATION_IMPACT", "")
    function = import_string(path) if path else IMPACT_FUNCTION
    return Decimal(function(counts, gap_counts, period=period)).quantize(QUANT, rounding=ROUND_HALF_UP)


def _dossier_sync_impact(counts: ProvinceCounts, gap_counts: dict, period=None) -> Decimal:
    return dossier_sync_gain(counts, int(gap_counts.get("missing_on_portal", 0)))


IMPACT_FUNCTION = _dossier_sync_impact
