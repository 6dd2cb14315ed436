"""DOSSIER_SYNC behind points at stake (computed by indicators from its declaration, for the runs
reconciliation counts), and the task's default periods."""

from decimal import Decimal
from types import SimpleNamespace

from indicators.services import impact
from reconciliation import tasks
from reconciliation.services.reconcile import ProvinceCounts
from tthc.periods import Period


def gain(portal, reported, missing):
    return impact.points_at_stake(
        ProvinceCounts(portal=portal, reported=reported), {"missing_on_portal": missing}
    )


def test_dossier_sync_points():
    assert impact.dossier_sync_points(90, 100) == Decimal("5.4")
    assert impact.dossier_sync_points(100, 90) == Decimal(6)  # the portal's count is the larger
    # Nothing received: the index's one empty-denominator rule is "full points" (docs/adr/0015-no-data.md).
    # Nothing is at stake either way:
    assert impact.dossier_sync_points(0, None) == Decimal(6)
    assert gain(0, None, 0) == Decimal("0.000")


def test_gain_of_closing_missing_dossiers():
    assert gain(90, 100, 10) == Decimal("0.600")
    assert gain(90, 100, 30) == Decimal("0.600")  # capped: the ratio cannot exceed 1
    assert gain(90, None, 10) == Decimal("0.000")  # no reporting count: the portal is its own denominator
    assert gain(90, 100, 0) == Decimal("0.000")
    assert gain(2, 3, 1) == Decimal("2.000")


def test_impact_hook_is_replaceable(settings):
    settings.TTHC_RECONCILIATION_IMPACT = "tests.reconciliation.test_reconcile_impact.fixed_impact"
    counts = ProvinceCounts(portal=1, reported=2)
    assert impact.points_at_stake(counts, {"missing_on_portal": 1}) == Decimal("1.500")


def fixed_impact(counts, gap_counts, period=None):
    return Decimal("1.5")


def test_the_task_defaults_to_the_month_in_progress_or_the_last_closed_one(monkeypatch):
    queued = []
    monkeypatch.setattr(tasks.reconcile_province, "delay", lambda period, code: queued.append((period, code)))
    monkeypatch.setattr(tasks, "provinces_for", lambda period, province=None: [SimpleNamespace(code="01")])
    assert tasks.reconcile_period()["period"] == str(Period.current())
    assert tasks.reconcile_period(closed=True)["period"] == str(Period.last_closed())
    assert tasks.reconcile_period("2026-10")["period"] == "2026-10"
    assert queued == [(str(Period.current()), "01"), (str(Period.last_closed()), "01"), ("2026-10", "01")]
