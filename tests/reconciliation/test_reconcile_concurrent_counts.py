"""PostgreSQL: a province's portal counts are taken on a second connection while its comparison runs —
only when the run is not nested in a caller's transaction — and give exactly the counts the run's own
connection gives."""

from concurrent.futures import Future

import pytest
from django.db import OperationalError, connection, transaction
from django.test.utils import CaptureQueriesContext

from reconciliation.models import Gap, GapKind
from reconciliation.services import gap_sql
from reconciliation.services.reconcile import reconcile_period

from . import reconcile_dataset as data

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

PORTAL_COUNT = "SELECT sd.procedure_id, sd.agency_id, count(*)"


def outcome(runs):
    """What a run's counts decide: per system, its dossiers, portal dossiers and gaps, and the
    not_synced rows (computed from the portal counts)."""
    not_synced = set(
        Gap.objects.filter(kind=GapKind.NOT_SYNCED, run__period=data.PERIOD).values_list(
            "run__source__code", "dossier_code", "source_value", "portal_value"
        )
    )
    return {r.source.code: (r.dossiers, r.portal_dossiers, dict(r.gap_counts)) for r in runs}, not_synced


@pytest.fixture
def spy(monkeypatch):
    started: list[Future] = []
    original = gap_sql._count_elsewhere

    def count_elsewhere(universe):
        future = original(universe)
        started.append(future)
        return future

    monkeypatch.setattr(gap_sql, "_count_elsewhere", count_elsewhere)
    return started


def test_counts_on_a_second_connection_equal_the_runs_own(spy, settings):
    data.build()
    settings.TTHC_RECONCILE_CONCURRENT_COUNTS = False
    with CaptureQueriesContext(connection) as own:
        alone = outcome(reconcile_period(data.PERIOD, "01"))
    assert not spy
    assert any(q["sql"].startswith(PORTAL_COUNT) for q in own.captured_queries)

    settings.TTHC_RECONCILE_CONCURRENT_COUNTS = True
    with CaptureQueriesContext(connection) as main:
        together = outcome(reconcile_period(data.PERIOD, "01"))
    assert len(spy) == 1 and spy[0].done() and spy[0].result()
    # Counted elsewhere: the run's connection never ran the count, and the figures are the same.
    assert not any(q["sql"].startswith(PORTAL_COUNT) for q in main.captured_queries)
    assert together == alone
    assert alone[0]["HOTICH"][1] == 14 and alone[1]  # the portal's rows were counted, not_synced found


def test_a_run_nested_in_a_callers_transaction_counts_in_that_transaction(spy, settings):
    """The caller's uncommitted rows are invisible to another connection: count them here."""
    settings.TTHC_RECONCILE_CONCURRENT_COUNTS = True
    with transaction.atomic():
        data.build()  # not committed
        runs = {r.source.code: r for r in reconcile_period(data.PERIOD, "01")}
    assert not spy
    assert runs["HOTICH"].portal_dossiers == 14


def test_a_failed_second_connection_falls_back_to_the_runs_own(monkeypatch, settings):
    data.build()
    settings.TTHC_RECONCILE_CONCURRENT_COUNTS = True
    failed: Future = Future()
    failed.set_exception(OperationalError("too many clients already"))
    monkeypatch.setattr(gap_sql, "_count_elsewhere", lambda universe: failed)
    runs = {r.source.code: r for r in reconcile_period(data.PERIOD, "01")}
    assert runs["HOTICH"].portal_dossiers == 14 and runs["HOTICH"].dossiers == 16
    assert runs["HOTICH"].gap_counts["not_synced"] == 6


def test_the_province_platform_counts_started_with_the_run_reach_the_points_at_stake(
    platform_handed, settings
):
    """``province_starting`` → indicators starts the counts; ``runs_counted`` hands them back."""
    from indicators.services.impact import PlatformCounts

    data.build()
    handed = platform_handed
    settings.TTHC_RECONCILE_CONCURRENT_COUNTS = True
    reconcile_period(data.PERIOD, "01")
    assert len(handed) == 1 and isinstance(handed[0], PlatformCounts)
    assert handed[0].province_id == ds_province() and str(handed[0].period) == data.PERIOD
    assert handed[0].future.done()
    settings.TTHC_RECONCILE_CONCURRENT_COUNTS = False
    reconcile_period(data.PERIOD, "01")
    assert handed[1] is None


def ds_province() -> int:
    from tthc.models import Agency

    return Agency.objects.get(code="01").pk


def test_both_helper_connections_get_the_runs_memory(monkeypatch, settings):
    """The portal's counts and the platform counts run with the run's ``work_mem`` (at the server's
    4 MB the platform counts' bitmaps go lossy), in the helper session of ``core.concurrency``."""
    import indicators.services.impact as impact

    given: dict[str, object] = {}

    def spying(name, original):
        def on_own_connection(function, *args, pg_settings=None, **kwargs):
            given[name] = pg_settings
            return original(function, *args, pg_settings=pg_settings, **kwargs)

        return on_own_connection

    monkeypatch.setattr(gap_sql, "on_own_connection", spying("portal", gap_sql.on_own_connection))
    monkeypatch.setattr(impact, "on_own_connection", spying("platform", impact.on_own_connection))
    data.build()
    settings.TTHC_RECONCILE_CONCURRENT_COUNTS = True
    settings.TTHC_RECONCILE_WORK_MEM = "9MB"
    runs = {r.source.code: r for r in reconcile_period(data.PERIOD, "01")}
    assert given == {"portal": {"work_mem": "9MB"}, "platform": {"work_mem": "9MB"}}
    assert runs["HOTICH"].portal_dossiers == 14
    settings.TTHC_RECONCILE_WORK_MEM = ""  # the server's own: nothing added
    given.clear()
    reconcile_period(data.PERIOD, "01")
    assert given == {"portal": {}, "platform": {}}
