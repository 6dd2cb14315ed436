"""PostgreSQL: a re-run renders and writes only the gaps whose inputs changed, told by each gap's
fingerprint (a hash of the compared pair, salted with the rendering's text and the codes)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reconciliation.models import Gap, GapKind, SourceDossier
from reconciliation.services import gap_sql
from reconciliation.services.reconcile import reconcile_period
from tthc.models import Agency

from . import reconcile_dataset as data

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture
def ds(db):
    return data.build()


def rows():
    """Every row-kind gap of the month: (kind, code) → (row version, values, fingerprint)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT kind, dossier_code, xmin::text, procedure_code, agency_code, source_value, portal_value, "
            "detail, fingerprint FROM reconciliation_gap WHERE kind <> %s",
            [GapKind.NOT_SYNCED],
        )
        return {(r[0], r[1]): (r[2], r[3:8], r[8]) for r in cursor.fetchall()}


def rewritten(before, after):
    return {key for key in after if key not in before or before[key][0] != after[key][0]}


def test_every_row_gap_carries_its_pairs_fingerprint(ds):
    reconcile_period(data.PERIOD, "01")
    found = rows()
    assert found and all(fingerprint is not None for _v, _values, fingerprint in found.values())
    # One fingerprint per compared pair: the kinds of one dossier share it, two dossiers differ.
    multi = {k: v[2] for k, v in found.items() if k[1] == "H-MULTI"}
    assert len(multi) > 1 and len(set(multi.values())) == 1
    assert found[("status_differs", "H-STATUS")][2] != found[("due_differs", "H-DUE")][2]
    assert not Gap.objects.filter(kind=GapKind.NOT_SYNCED, fingerprint__isnull=False).exists()


def test_an_unchanged_month_is_neither_rendered_nor_written(ds, monkeypatch):
    reconcile_period(data.PERIOD, "01")
    before = rows()
    written = []
    merge = gap_sql._merge_pairs

    def merge_spy(*args):
        written.append(merge(*args))
        return written[-1]

    monkeypatch.setattr(gap_sql, "_merge_pairs", merge_spy)
    with CaptureQueriesContext(connection) as queries:
        reconcile_period(data.PERIOD, "01")
    assert rows() == before  # not one row version changed
    assert written == [0]
    # The values are rendered as text (to_char, substr) only for the rows of the (empty) difference.
    rendering = [q["sql"] for q in queries.captured_queries if "to_char(" in q["sql"]]
    assert rendering and all(f"FROM {gap_sql.DIFF} x" in sql for sql in rendering)


def test_a_changed_copy_rewrites_only_its_dossiers_gaps(ds):
    reconcile_period(data.PERIOD, "01")
    before = rows()
    # The portal's copy of H-STATUS moves on: status 2 instead of the source's 4.
    SourceDossier.objects.filter(source__code="DVCQG", code="H-STATUS").update(status=2)
    reconcile_period(data.PERIOD, "01")
    after = rows()
    assert rewritten(before, after) == {key for key in after if key[1] == "H-STATUS"}
    assert after[("status_differs", "H-STATUS")][1][3] == "2"  # the portal's value, rendered again
    assert after[("status_differs", "H-STATUS")][2] != before[("status_differs", "H-STATUS")][2]


def test_a_renamed_agency_code_reaches_every_gap_of_its_dossiers(ds):
    """The codes salt the fingerprints: a code changed in the reference data is rendered again
    although no copy changed."""
    reconcile_period(data.PERIOD, "01")
    before = rows()
    agency_code = before[("missing_on_portal", "H-MOP")][1][1]
    Agency.objects.filter(code=agency_code).update(code=f"{agency_code}X")
    reconcile_period(data.PERIOD, "01")
    after = rows()
    assert after[("missing_on_portal", "H-MOP")][1][1] == f"{agency_code}X"
    assert {v[1][1] for v in after.values()} >= {f"{agency_code}X"}
    assert agency_code not in {v[1][1] for v in after.values()}


def test_gaps_written_before_fingerprints_are_rendered_again_once(ds):
    """Rows of an earlier version (no fingerprint) are rendered and given one on the next run; the run
    after that writes nothing."""
    reconcile_period(data.PERIOD, "01")
    first = rows()
    Gap.objects.exclude(kind=GapKind.NOT_SYNCED).update(fingerprint=None)
    reconcile_period(data.PERIOD, "01")
    second = rows()
    assert {k: v[1:] for k, v in second.items()} == {k: v[1:] for k, v in first.items()}
    assert rewritten(first, second) == set(first)  # every row stored its fingerprint again
    reconcile_period(data.PERIOD, "01")
    assert rows() == second
