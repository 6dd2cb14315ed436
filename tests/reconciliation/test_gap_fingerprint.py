"""PostgreSQL: a re-run renders and writes only the gaps whose inputs changed, told by each gap's
fingerprint (a hash of the compared pair, salted with the rendering's text and the codes)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from reconciliation.models import Gap, GapKind, ReconciliationRun, SourceDossier, SourceSystem
from reconciliation.services import gap_sql
from reconciliation.services.reconcile import reconcile_period
from tthc.models import Agency
from tthc.periods import Period

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
    # Every (run, kind) group sums up to the stored one's: nothing is compared row by row, nothing
    # rendered as text (to_char, substr).
    sqls = [q["sql"] for q in queries.captured_queries]
    assert not [sql for sql in sqls if "to_char(" in sql]
    assert not [sql for sql in sqls if f"CREATE TEMP TABLE {gap_sql.DIFF}" in sql]
    assert [sql for sql in sqls if "bit_xor(g.fingerprint)" in sql]


def test_a_changed_copy_rewrites_only_its_dossiers_gaps(ds):
    reconcile_period(data.PERIOD, "01")
    before = rows()
    # The portal's copy of H-STATUS moves on: status 2 instead of the source's 4.
    SourceDossier.objects.filter(source__code="DVCQG", code="H-STATUS").update(status=2)
    with CaptureQueriesContext(connection) as queries:
        reconcile_period(data.PERIOD, "01")
    after = rows()
    assert rewritten(before, after) == {key for key in after if key[1] == "H-STATUS"}
    # Only the groups (run, kind) that hold H-STATUS's gaps are compared row by row.
    diff = [q["sql"] for q in queries.captured_queries if f"CREATE TEMP TABLE {gap_sql.DIFF}" in q["sql"]]
    assert len(diff) == 1
    status_kinds = {kind for kind, code in after if code == "H-STATUS"}
    assert all(f"'{kind}'" in diff[0] for kind in status_kinds)
    assert "'missing_on_portal'" not in diff[0].split("FROM reconcile_gap_pairs", 1)[1]
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


def test_a_fixed_copy_deletes_its_gap_and_leaves_the_others_alone(ds):
    reconcile_period(data.PERIOD, "01")
    before = rows()
    assert ("status_differs", "H-STATUS") in before
    # The portal receives the source's status: the gap is gone, no other row is touched.
    SourceDossier.objects.filter(source__code="DVCQG", code="H-STATUS").update(status=4, previous_status=2)
    (run,) = [r for r in reconcile_period(data.PERIOD, "01") if r.source.code == "HOTICH"]
    after = rows()
    assert ("status_differs", "H-STATUS") not in after
    assert run.gap_counts["status_differs"] == before_count(before, "status_differs") - 1
    kept = {key: value for key, value in before.items() if key[1] != "H-STATUS"}
    assert {key: after[key] for key in kept} == kept


def before_count(found, kind):
    return sum(1 for k, _code in found if k == kind)


def _settings_at_comparison():
    """Runs province 01's month; returns (jit, jit_inline_above_cost) as the comparison statement saw
    them, and jit as the run's next statement (the group sums) saw it."""
    seen = {}

    def spy(execute, sql, params, many, context):
        for marker in (f"CREATE TEMP TABLE {gap_sql.PAIRS}", "bit_xor(g.fingerprint)"):
            if marker in sql[:200]:
                cursor = context["cursor"]
                cursor.execute("SELECT current_setting('jit'), current_setting('jit_inline_above_cost')")
                seen[marker] = cursor.fetchone()
        return execute(sql, params, many, context)

    with connection.execute_wrapper(spy):
        reconcile_period(data.PERIOD, "01")
    return seen[f"CREATE TEMP TABLE {gap_sql.PAIRS}"], seen["bit_xor(g.fingerprint)"][0]


def test_a_large_provinces_comparison_is_jit_compiled_without_inlining_and_nothing_else(ds, settings):
    """``TTHC_RECONCILE_JIT_DOSSIERS``: compiled when the province's previous run counted that many
    dossiers (a month's first run counts none); the run's other statements never."""
    settings.TTHC_RECONCILE_JIT_DOSSIERS = 1
    assert _settings_at_comparison()[0][0] == "off"  # a month's first run: its size is unknown
    assert _settings_at_comparison() == (("on", "-1"), "off")
    settings.TTHC_RECONCILE_JIT_DOSSIERS = 10**9  # larger than the province
    assert _settings_at_comparison()[0][0] == "off"
    settings.TTHC_RECONCILE_JIT_DOSSIERS = 0  # never
    assert _settings_at_comparison()[0][0] == "off"


def test_a_months_first_run_is_sized_by_the_provinces_latest_earlier_month(ds, settings):
    """No count of its own yet: the province's latest earlier month of runs tells whether its
    comparison is worth compiling."""
    settings.TTHC_RECONCILE_JIT_DOSSIERS = 50
    this = Period.parse(data.PERIOD)
    province = Agency.objects.get(code="01")
    source = SourceSystem.objects.filter(kind="ministry").order_by("code").first()
    older, latest = this.previous().previous(), this.previous()
    for period, dossiers in ((older, 500), (latest, 20)):
        ReconciliationRun.objects.create(
            period=period, province=province, source=source, dossiers=dossiers, started_at=timezone.now()
        )
    assert _settings_at_comparison()[0][0] == "off"  # the latest earlier month counted 20 < 50
    ReconciliationRun.objects.filter(period=latest).update(dossiers=60)
    ReconciliationRun.objects.filter(period=this).delete()  # the month's first run again
    assert _settings_at_comparison()[0][0] == "on"
