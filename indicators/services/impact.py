"""Points at stake of a reconciliation run, from the declared DOSSIER_SYNC component.

Reconciliation counts the gaps; what they cost in 766 points is the index's business, so it is
computed here, from the methodology's own declaration (points, rule, empty-denominator policy) —
there is no second copy of the formula below. ``indicators.signals`` listens to reconciliation's
``runs_counted`` and sets each run's ``points_at_stake`` before the runs are saved; complaints reads
the stored figure.

Closing a system's ``missing_on_portal`` gaps adds those dossiers to the province's portal count
(the reporting system already counts them), and the component is re-scored before and after
(docs/domain.md#points-at-stake). ``TTHC_RECONCILIATION_IMPACT`` (a dotted path, empty = this
module's ``dossier_sync_impact``) replaces the function, with the signature
``(counts, gap_counts, period=None) -> Decimal``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils.module_loading import import_string

from tthc.periods import Period

from ..definitions import methodology_for
from .scoring import score_component

if TYPE_CHECKING:
    from reconciliation.models import ReconciliationRun
    from reconciliation.services.reconcile import ProvinceCounts

QUANT = Decimal("0.001")


def dossier_sync_points(portal: int, reported: int | None, period: Period | None = None) -> Decimal:
    """DOSSIER_SYNC as declared for ``period``: portal / max(portal, reported)."""
    comp = methodology_for(period or Period.current()).component("DOSSIER_SYNC")
    return score_component(comp, {"num": portal, "den": max(portal, reported or 0)}).points


def dossier_sync_impact(
    counts: ProvinceCounts, gap_counts: Mapping[str, int], period: Period | None = None
) -> Decimal:
    """Points the province gains if the run's ``missing_on_portal`` dossiers reach the portal."""
    missing = max(int(gap_counts.get("missing_on_portal", 0)), 0)
    before = dossier_sync_points(counts.portal, counts.reported, period)
    after = dossier_sync_points(counts.portal + missing, counts.reported, period)
    return max(after - before, Decimal(0))


def points_at_stake(
    counts: ProvinceCounts, gap_counts: Mapping[str, int], period: Period | None = None
) -> Decimal:
    """The configured impact function applied to one run's gap counts, to 3 decimals."""
    path = settings.TTHC_RECONCILIATION_IMPACT
    function = import_string(path) if path else dossier_sync_impact
    return Decimal(function(counts, gap_counts, period=period)).quantize(QUANT, rounding=ROUND_HALF_UP)


def set_points_at_stake(
    runs: Iterable[ReconciliationRun], counts: ProvinceCounts, period: Period | None = None
) -> None:
    """Fill ``points_at_stake`` on a province's runs (reconciliation saves them)."""
    for run in runs:
        run.points_at_stake = points_at_stake(counts, run.gap_counts, period=period)
