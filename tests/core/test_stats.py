"""Bulk paths ANALYZE what they changed when the change is large (core/stats.py)."""

from __future__ import annotations

import io

import pytest
from django.db import connection

from core import stats
from core.stats import analyze_if_changed
from tests.factories import DossierFactory
from tthc.models import Dossier, DossierEvent
from tthc.services.imports import import_agencies


@pytest.mark.postgres
@pytest.mark.django_db
def test_tables_changed_past_the_threshold_are_analysed(settings):
    settings.TTHC_ANALYZE_MIN_ROWS = 3
    DossierFactory.create_batch(2)
    assert analyze_if_changed([Dossier], rows=2) in ([], ["tthc_dossier"])  # counters may lag
    assert analyze_if_changed([Dossier, DossierEvent], rows=3) == [
        "tthc_dossier",
        "tthc_dossierevent",
    ]
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stats WHERE tablename = 'tthc_dossier'")
        assert cursor.fetchone()[0] > 0  # the planner has statistics for the new rows
    settings.TTHC_ANALYZE_MIN_ROWS = 10**9
    assert analyze_if_changed([Dossier], rows=5) == []


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_held_process_analyses_nothing_until_released(settings):
    """The seed holds analysis while its batches load, then analyses once."""
    settings.TTHC_ANALYZE_MIN_ROWS = 0
    with stats.held():
        with stats.held():  # nested: released only when the outermost ends
            pass
        assert analyze_if_changed([Dossier], rows=10) == []
    assert analyze_if_changed([Dossier], rows=10) == ["tthc_dossier"]


@pytest.mark.django_db
def test_nothing_happens_elsewhere_than_postgresql(settings):
    if connection.vendor == "postgresql":
        pytest.skip("the SQLite pass checks the no-op")
    settings.TTHC_ANALYZE_MIN_ROWS = 0
    assert analyze_if_changed([Dossier], rows=10**6) == []


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_reference_import_analyses_the_small_tables_it_changed(
    django_capture_on_commit_callbacks, settings
):
    """Agencies and procedures are far below TTHC_ANALYZE_MIN_ROWS, yet every plan over dossiers joins
    them (a never-analysed agency table made the planner expect 2 receiving units of a province
    instead of 139): their imports analyse them after any change, and not when nothing changed."""
    settings.TTHC_ANALYZE_MIN_ROWS = 10**9

    def last_analyze():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_stat_clear_snapshot()")  # read afresh inside the test's transaction
            cursor.execute("SELECT pg_stat_get_last_analyze_time('tthc_agency'::regclass)")
            return cursor.fetchone()[0]

    csv = "code,name,kind,parent_code,valid_from,valid_to\nZZ-B,Bộ thử,ministry,,,\n"
    before = last_analyze()
    with django_capture_on_commit_callbacks(execute=True):
        report = import_agencies(io.StringIO(csv))
    assert report.created == 1
    analysed = last_analyze()
    assert analysed is not None and (before is None or analysed > before)
    with django_capture_on_commit_callbacks(execute=True):
        assert import_agencies(io.StringIO(csv)).unchanged == 1
    assert last_analyze() == analysed


@pytest.fixture
def recorded(monkeypatch):
    """What ``analyze_after`` did: analyses run in-process, tasks handed to a worker."""
    from django.core.cache import cache

    cache.clear()
    calls = {"inline": [], "queued": []}
    monkeypatch.setattr(
        stats,
        "analyze_if_changed",
        lambda models, rows=0, *a, **k: calls["inline"].append((models, rows)) or [],
    )
    import core.outbox

    monkeypatch.setattr(
        core.outbox, "enqueue", lambda task, args=(), **k: calls["queued"].append((task, args))
    )
    return calls


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_large_batch_is_analysed_at_once_a_small_one_by_one_worker(
    recorded, settings, django_capture_on_commit_callbacks
):
    settings.TTHC_ANALYZE_MIN_ROWS = 1000
    with django_capture_on_commit_callbacks(execute=True):
        stats.analyze_after([Dossier, DossierEvent], rows=1000)
    assert recorded["inline"] == [([Dossier, DossierEvent], 1000)] and recorded["queued"] == []
    stats.analyze_after([DossierEvent, Dossier], rows=10)
    stats.analyze_after([Dossier, DossierEvent], rows=10)  # one pending task stands for both
    assert recorded["queued"] == [
        ("core.tasks.analyze_tables", [["tthc.Dossier", "tthc.DossierEvent"], "default"])
    ]
    assert len(recorded["inline"]) == 1  # the sync request never analyses a small batch itself


@pytest.mark.django_db
def test_nothing_is_analysed_or_queued_elsewhere_than_postgresql(recorded):
    if connection.vendor == "postgresql":
        pytest.skip("the SQLite pass checks the no-op")
    stats.analyze_after([Dossier], rows=10**6)
    stats.analyze_after([Dossier], rows=1)
    assert recorded == {"inline": [], "queued": []}


def test_the_worker_task_checks_the_models_it_names(recorded):
    """The task gets labels (JSON), checks those models' tables against their own change counters."""
    from core.tasks import analyze_tables

    analyze_tables(["tthc.Dossier", "tthc.DossierEvent"])
    assert recorded["inline"] == [([Dossier, DossierEvent], 0)]


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_failed_hand_over_is_logged_not_raised(monkeypatch, caplog):
    """The batch is stored by then: its answer must not turn into an error over statistics."""
    from django.core.cache import cache

    import core.outbox

    cache.clear()

    def broken(*args, **kwargs):
        raise RuntimeError("outbox unavailable")

    monkeypatch.setattr(core.outbox, "enqueue", broken)
    stats.analyze_after([Dossier], rows=1)
    assert "could not hand the statistics of tthc.Dossier to a worker" in caplog.text
