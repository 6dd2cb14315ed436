"""Reconciliation finds every planted gap and nothing else, on SQLite and PostgreSQL."""

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from reconciliation.models import Gap, GapKind, ReconciliationRun, SourceDossier
from reconciliation.services import gap_sql
from reconciliation.services.reconcile import ReconciliationError, reconcile_period

from . import reconcile_dataset as data

pytestmark = pytest.mark.django_db


@pytest.fixture
def ds(db):
    return data.build()


def found(province="01"):
    return set(
        Gap.objects.filter(run__province__code=province, run__period=data.PERIOD).values_list(
            "run__source__code", "kind", "dossier_code"
        )
    )


@pytest.fixture(params=["full_join", "left_join_union"])
def join_mode(request, monkeypatch):
    """Both SQL shapes: the native FULL OUTER JOIN and the LEFT JOIN + UNION ALL emulation."""
    if request.param == "left_join_union":
        monkeypatch.setattr(gap_sql._Postgres, "full_join", False)
        monkeypatch.setattr(gap_sql._SQLite, "full_join", False)
    return request.param


def test_finds_every_planted_gap_and_nothing_else(ds, join_mode):
    runs = reconcile_period(data.PERIOD, "01")
    assert found() == data.EXPECTED
    assert [(r.province.code, r.source.code) for r in runs] == [
        ("01", "DKDN"),
        ("01", "HOTICH"),
        ("01", "TINH-01"),
    ]


def test_run_counts(ds):
    runs = {r.source.code: r for r in reconcile_period(data.PERIOD, "01")}
    hotich = runs["HOTICH"]
    # 15 HOTICH dossiers of 01 in October on the source side + H-MAS on the portal side only.
    assert hotich.dossiers == 16
    assert hotich.portal_dossiers == 14
    # Suspicious flags (H-JUMP, H-SYNC, H-BARE) are not gaps: not in gap_dossiers nor gap_total;
    # the not_synced shortfall counts only beyond the 2 dossiers listed as missing on the portal,
    # which it already includes (11 per-dossier gaps + 6 − 2).
    assert hotich.gap_dossiers == 9
    assert hotich.gap_total == 15
    assert hotich.gap_counts == {
        "missing_on_portal": 2,
        "missing_at_source": 1,
        "status_differs": 2,
        "finish_differs": 2,
        "due_differs": 1,
        "synced_late": 2,
        "suspicious": 3,
        "not_synced": 6,  # 20 reported − 14 on the portal
        "missing_in_province_system": 0,
        "province_system_differs": 0,
        "progress_missing": 1,
        "result_missing": 0,
    }
    assert hotich.reported_count == 20
    assert runs["DKDN"].dossiers == 3 and runs["DKDN"].portal_dossiers == 1
    assert runs["TINH-01"].reported_count == 3
    assert all(r.finished_at and r.finished_at >= r.started_at for r in runs.values())


def test_points_at_stake_follow_the_declared_dossier_sync(ds):
    """Each run's points at stake come from the index's DOSSIER_SYNC declaration (indicators listens
    to ``runs_counted``), to 2 decimals as the index scores, and are stored with the run."""
    runs = {r.source.code: r for r in reconcile_period(data.PERIOD, "01")}
    # Portal holds 17 of the province's October dossiers, the reporting system counts 27. HOTICH is
    # 6 short of its reported 20 (not_synced, which includes its 2 missing dossiers): syncing them moves
    # DOSSIER_SYNC from 6×17/27 = 3.78 to 6×23/27 = 5.11; DKDN is 3 short (6×20/27 = 4.44), TINH-01 1.
    assert runs["HOTICH"].points_at_stake == Decimal("1.330")
    assert runs["DKDN"].points_at_stake == Decimal("0.660")
    assert runs["TINH-01"].points_at_stake == Decimal("0.220")
    stored = ReconciliationRun.objects.get(pk=runs["HOTICH"].pk)
    assert stored.points_at_stake == Decimal("1.330")
    assert stored.points_breakdown == {"DOSSIER_SYNC": "1.330"}


def test_points_at_stake_stay_zero_without_the_index(ds):
    """Reconciliation holds no formula of its own: with nobody listening, nothing is at stake."""
    from indicators.signals import _points_at_stake
    from reconciliation.signals import runs_counted

    assert runs_counted.disconnect(dispatch_uid="indicators.points_at_stake")
    try:
        runs = reconcile_period(data.PERIOD, "01")
    finally:
        runs_counted.connect(_points_at_stake, dispatch_uid="indicators.points_at_stake")
    assert {r.points_at_stake for r in runs} == {Decimal(0)}


def test_gap_values_are_both_sides_as_text(ds):
    reconcile_period(data.PERIOD, "01")
    gap = lambda kind, code: Gap.objects.get(kind=kind, dossier_code=code)  # noqa: E731
    status = gap("status_differs", "H-STATUS")
    assert (status.source_value, status.portal_value, status.detail) == ("4", "5", "TrangThaiHoSo")
    fin = gap("finish_differs", "H-FIN")
    assert (fin.source_value, fin.portal_value) == ("20261006080000", "20261006100000")  # Vietnam time
    due = gap("due_differs", "H-DUE")
    assert (due.source_value, due.portal_value) == ("20261008080000", "20261009080000")
    late = gap("synced_late", "H-LATE")
    assert (late.source_value, late.portal_value, late.detail) == (
        "20261006140000",
        "20261005130000",
        "lag 25.0 h",
    )
    mop = gap("missing_on_portal", "H-MOP")
    assert (mop.source_value, mop.portal_value, mop.detail) == ("10", "", "NgayTiepNhan 20261005080000")
    assert (mop.procedure_code, mop.agency_code) == ("HT1", "01-C1")
    mas = gap("missing_at_source", "H-MAS")
    assert (mas.source_value, mas.portal_value, mas.agency_code) == ("", "10", "01-C2")
    assert gap("suspicious", "H-JUMP").source_value == "status_jump 5→9"
    assert gap("suspicious", "H-JUMP").portal_value == "status_jump 5→9"
    assert (gap("suspicious", "H-SYNC").source_value, gap("suspicious", "H-SYNC").portal_value) == (
        "finish_equals_sync",
        "",
    )
    assert (gap("suspicious", "H-BARE").source_value, gap("suspicious", "H-BARE").portal_value) == (
        "no_processing_step",
        "",
    )
    prog = gap("progress_missing", "H-PROG")
    assert (prog.source_value, prog.portal_value, prog.detail) == ("3", "1", "QuaTrinhXuLy")


def test_rerun_is_idempotent_and_replaces_results(ds):
    first = reconcile_period(data.PERIOD, "01")
    before = sorted(Gap.objects.values_list("run_id", "kind", "dossier_code", "source_value", "portal_value"))
    second = reconcile_period(data.PERIOD, "01")
    assert [r.pk for r in first] == [r.pk for r in second]
    assert (
        sorted(Gap.objects.values_list("run_id", "kind", "dossier_code", "source_value", "portal_value"))
        == before
    )
    assert ReconciliationRun.objects.count() == 3

    # The portal catches up on H-MOP: the next run no longer reports it.
    mop = SourceDossier.objects.get(source__code="HOTICH", code="H-MOP")
    mop.pk, mop.source = None, ds.systems["DVCQG"]
    mop.save()
    reconcile_period(data.PERIOD, "01")
    assert found() == data.EXPECTED - {("HOTICH", "missing_on_portal", "H-MOP")}
    assert ReconciliationRun.objects.get(source__code="HOTICH").gap_counts["missing_on_portal"] == 1


def test_rerun_replaces_changed_values_and_keeps_the_rest(ds):
    """A re-run replaces the results: a gap whose values changed carries the new values, a new gap
    appears, a resolved one goes. On PostgreSQL only the difference is written: the other gaps are the
    same rows as before (SQLite deletes and re-inserts them)."""
    reconcile_period(data.PERIOD, "01")
    untouched = Gap.objects.get(kind="due_differs", dossier_code="H-DUE").pk

    SourceDossier.objects.filter(source__code="DVCQG", code="H-STATUS").update(status=2)  # 4 vs 2 now
    SourceDossier.objects.filter(source__code="DVCQG", code="H-CLEAN1").update(status=4)  # a new gap
    SourceDossier.objects.filter(source__code="DVCQG", code="H-PROG").update(progress_steps=3)  # resolved
    runs = {r.source.code: r for r in reconcile_period(data.PERIOD, "01")}

    assert found() == (data.EXPECTED | {("HOTICH", "status_differs", "H-CLEAN1")}) - {
        ("HOTICH", "progress_missing", "H-PROG")
    }
    status = Gap.objects.get(kind="status_differs", dossier_code="H-STATUS")
    assert (status.source_value, status.portal_value) == ("4", "2")
    if connection.vendor == "postgresql":
        assert Gap.objects.get(kind="due_differs", dossier_code="H-DUE").pk == untouched
    assert runs["HOTICH"].gap_counts["status_differs"] == 3
    assert runs["HOTICH"].gap_counts["progress_missing"] == 0
    # not_synced is recorded again on every run, never duplicated
    assert Gap.objects.filter(kind="not_synced", run=runs["HOTICH"]).count() == 1


def test_all_provinces_keep_each_province_to_itself(ds):
    runs = reconcile_period(data.PERIOD)
    assert {(r.province.code, r.source.code) for r in runs} == {
        ("01", "DKDN"),
        ("01", "HOTICH"),
        ("01", "TINH-01"),
        ("48", "DKDN"),
        ("48", "HOTICH"),
        ("48", "TINH-48"),
    }
    assert found("01") == data.EXPECTED
    assert found("48") == {
        ("HOTICH", "missing_on_portal", "X48-MOP"),
        ("HOTICH", "missing_at_source", "X48-MAS"),
        ("TINH-48", "missing_on_portal", "X48-L"),
    }


def test_thresholds_are_configurable(ds, settings):
    settings.TTHC_SYNC_LATE_HOURS = 23.5  # H-EDGE (24 h behind) becomes late
    settings.TTHC_FINISH_TOLERANCE_SECONDS = (
        3 * 3600
    )  # H-FIN (2 h) is tolerated, H-MULTI (finish vs none) is not
    reconcile_period(data.PERIOD, "01")
    expected = (data.EXPECTED | {("HOTICH", "synced_late", "H-EDGE")}) - {
        ("HOTICH", "finish_differs", "H-FIN")
    }
    assert found() == expected


def test_other_month_has_its_own_runs(ds):
    reconcile_period("2026-09", "01")
    assert found("01") == set()
    assert set(Gap.objects.values_list("kind", "dossier_code")) == {
        ("missing_on_portal", "H-SEPT"),
        ("not_synced", "NOT_SYNCED:01"),  # 99 reported, none on the portal
    }
    run = ReconciliationRun.objects.get(period="2026-09", source__code="HOTICH")
    assert run.reported_count == 99


def test_bad_arguments(ds):
    with pytest.raises(ReconciliationError):
        reconcile_period("2026-Q4")
    with pytest.raises(ReconciliationError):
        reconcile_period("2026-10", "99")


def test_command_json_shape(ds):
    out = StringIO()
    call_command("reconcile", "--period", data.PERIOD, "--province", "01", "--json", stdout=out)
    payload = json.loads(out.getvalue())
    assert set(payload) == {"period", "runs"}
    assert payload["period"] == "2026-10"
    assert [(r["province"], r["source"]) for r in payload["runs"]] == [
        ("01", "DKDN"),
        ("01", "HOTICH"),
        ("01", "TINH-01"),
    ]
    for run in payload["runs"]:
        assert set(run) == {"province", "source", "dossiers", "gaps", "gap_total"}
        gaps = run["gaps"]  # a shortfall includes the dossiers listed as missing: counted once
        overlap = min(gaps["not_synced"], gaps["missing_on_portal"])
        assert run["gap_total"] == sum(n for k, n in gaps.items() if k != "suspicious") - overlap
        assert list(run["gaps"]) == [k.value for k in GapKind]
    dkdn = payload["runs"][0]
    assert dkdn["dossiers"] == 3
    expected = {GapKind.MISSING_ON_PORTAL: 2, GapKind.NOT_SYNCED: 3}  # 4 reported, 1 on the portal
    assert dkdn["gaps"] == {k.value: expected.get(k, 0) for k in GapKind}


def test_command_text_output_and_errors(ds):
    out = StringIO()
    call_command("reconcile", "--period", data.PERIOD, stdout=out)
    assert "HOTICH" in out.getvalue() and "48" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("reconcile", "--period", "2026-13", stdout=StringIO())


def test_task_is_idempotent(ds):
    from reconciliation.tasks import reconcile_period as task

    first = task.delay("2026-10", "01").get()
    second = task.delay("2026-10", "01").get()
    assert first == second
    assert found() == data.EXPECTED


def test_beat_schedule_runs_nightly_and_on_the_first(settings):
    entries = [
        e
        for e in settings.CELERY_BEAT_SCHEDULE.values()
        if e["task"] == "reconciliation.tasks.reconcile_period"
    ]
    assert len(entries) == 2
    closed = [e for e in entries if e.get("kwargs", {}).get("closed")]
    assert len(closed) == 1 and closed[0]["schedule"].day_of_month == {1}


def test_not_synced_read_from_the_comparisons_portal_counts_equals_its_own_count(ds, monkeypatch):
    """The run hands the comparison's (procedure, agency) counts of the portal's month to
    ``not_synced`` instead of letting it scan that month again: the same gaps either way."""
    from reconciliation.services import not_synced

    def not_synced_gaps():
        return set(
            Gap.objects.filter(kind=GapKind.NOT_SYNCED, run__period=data.PERIOD).values_list(
                "run__source__code", "dossier_code", "source_value", "portal_value", "detail"
            )
        )

    handed = []
    original = not_synced.shortfalls

    def spy(**kwargs):
        handed.append(kwargs.get("portal_counts"))
        return original(**kwargs)

    monkeypatch.setattr(not_synced, "shortfalls", spy)
    reconcile_period(data.PERIOD, "01")
    from_comparison = not_synced_gaps()
    assert handed and all(counts for counts in handed)  # the counts were handed over, not re-read
    assert any(portal != "0" for *_, portal, _detail in from_comparison)  # the portal's rows counted

    monkeypatch.setattr(not_synced, "shortfalls", lambda **kw: original(**{**kw, "portal_counts": None}))
    reconcile_period(data.PERIOD, "01")
    assert not_synced_gaps() == from_comparison


@pytest.mark.postgres
def test_the_runs_transaction_prices_random_reads_as_postgresqls_default(ds, monkeypatch):
    """A server priced for SSDs (``random_page_cost = 1.1``) must not turn the comparison's bitmap
    reads into row-by-row reads of every system's rows: the run's transaction pins 4."""
    seen = []
    original = gap_sql.compare

    def spy(*args, **kwargs):
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('random_page_cost')")
            seen.append(cursor.fetchone()[0])
        return original(*args, **kwargs)

    from reconciliation.services import reconcile

    monkeypatch.setattr(reconcile.gap_sql, "compare", spy)
    with connection.cursor() as cursor:
        cursor.execute("SET random_page_cost = 1.1")
    try:
        reconcile_period(data.PERIOD, "01")
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET random_page_cost")
    assert seen == ["4"]


@pytest.mark.django_db(transaction=True)
def test_counts_go_to_a_second_connection_only_on_postgresql(platform_handed, settings):
    """SQLite has one writer and its readers may meet the writer's locks: everything stays on the
    run's connection there; PostgreSQL hands indicators a handle started when the province starts."""
    data.build()
    handed = platform_handed
    settings.TTHC_RECONCILE_CONCURRENT_COUNTS = True
    reconcile_period(data.PERIOD, "01")
    assert len(handed) == 1 and (handed[0] is not None) == (connection.vendor == "postgresql")
