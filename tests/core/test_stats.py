"""Bulk paths ANALYZE what they changed when the change is large (core/stats.py)."""

from __future__ import annotations

import pytest
from django.db import connection

from core.stats import analyze_if_changed
from tests.factories import DossierFactory
from tthc.models import Dossier, DossierEvent


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


@pytest.mark.django_db
def test_nothing_happens_elsewhere_than_postgresql(settings):
    if connection.vendor == "postgresql":
        pytest.skip("the SQLite pass checks the no-op")
    settings.TTHC_ANALYZE_MIN_ROWS = 0
    assert analyze_if_changed([Dossier], rows=10**6) == []
