"""Benchmark reconciliation on PostgreSQL: one province-month against the hand-written FULL OUTER JOIN,
and all provinces for the month.

    python bench/reconcile.py [--database-url URL] [--province-dossiers 2000000] [--other-dossiers 150000]
                              [--period 2026-10] [--repeat 3] [--fresh]

Sets Django up against ``--database-url`` (default: ``DATABASE_URL``, else
``postgres://postgres@127.0.0.1:5432/tthc_bench_reconcile``; the database is created if missing),
migrates, loads the reference data (agencies, procedures) and the source systems (the same
``demo.systems.ensure_systems`` as the demo), then generates ``SourceDossier`` rows set-based with
``generate_series`` — ``--province-dossiers`` per side for province 01 and ``--other-dossiers`` per
side for each of the 33 other provinces, all received in ``--period``. The portal's side copies the
sources' rows minus ~3 % (missing on the portal), with ~1 % stale copies and ~0.3 % shifted due dates;
~0.1 % of the sources' rows are then removed (missing at the source). A second run reuses the data
(``--fresh`` regenerates it).

Measured in the same process, warm cache, interleaved, best of ``--repeat``:

* ``reconcile_seconds``: ``reconcile_period(period, "01")`` re-run on the same data — the province's
  runs (the ministry systems + the province's own) compared by one statement, the gaps merged into
  the gap table (only what changed is written: here nothing), counts and bookkeeping, committed;
* ``reconcile_all_new_seconds``: the same after the runs' gaps were deleted (untimed), so that every
  gap row is inserted (with its index entries and foreign-key checks) and the table is analysed —
  what the first run of a month costs (the gap table is vacuumed, untimed, before the first
  measurement and after each deletion — autovacuum's work where it is off; the source copies table
  is vacuumed once, untimed, before the first measurement: the visibility map a bulk load leaves
  unset until autovacuum passes);
* ``raw_full_outer_join_seconds``: the equivalent hand-written statement — the province's source rows
  (all systems) ``FULL OUTER JOIN`` the portal's rows on the dossier code, with the same comparisons,
  counting the gaps per kind instead of storing them (a plain SELECT, so PostgreSQL may scan both
  sides with parallel workers), best of the planner's default plan or a bitmap-scans-only plan, with
  JIT on or off, and the same ``work_mem`` as the reconciliation transaction;
* ``all_provinces_seconds``: ``reconcile_period(period)`` for the 34 provinces.

Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/tthc_bench_reconcile"
PROVINCE = "01"
DIGEST = "bench"


def _create_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1].split("?")[0]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def _setup(url: str):
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def _reference() -> None:
    from tthc.models import Agency, Procedure
    from tthc.services.imports import load_reference_data

    if not (Agency.objects.filter(code=PROVINCE).exists() and Procedure.objects.exists()):
        load_reference_data()


def _province_sql() -> str:
    """``n`` dossiers of one province, both sides in one statement: the sources' rows (agency and
    procedure — hence system — picked by hashing the sequence number) and the portal's copies (~3 %
    missing, ~1 % stale, ~0.3 % other due date; ~0.1 % exist on the portal only)."""
    return """
        WITH base AS MATERIALIZED (
            SELECT x.*, COALESCE(x.fin + CASE WHEN x.status = 10 THEN interval '2 hours' ELSE interval '0' END,
                                 x.recv) AS ev,
                   (x.g * 16807) %% 10007 < 300 AS missing, (x.g * 69621) %% 10007 < 10 AS portal_only,
                   (x.g * 48271) %% 10007 < 100 AND x.status IN (9, 10) AS stale,
                   (x.g * 2654435761) %% 10007 < 30 AS due_shift,
                   x.status IN (9, 10) AND x.g %% 3 = 0 AS eres, (x.g * 7777) %% 10007 < 20 AS eres_lost
            FROM (
                SELECT g, %(prefix)s || g AS code,
                       (%(agencies)s::bigint[])[1 + (g * 7919) %% cardinality(%(agencies)s::bigint[])] AS agency,
                       (%(procs)s::bigint[])[1 + k] AS proc, (%(systems)s::bigint[])[1 + k] AS sys,
                       (ARRAY[10, 10, 10, 10, 10, 10, 9, 4, 5, 2])[1 + g %% 10] AS status,
                       %(start)s::timestamptz + ((g * 104729) %% %(span)s) * interval '1 second' AS recv,
                       CASE WHEN g %% 10 < 7 THEN %(start)s::timestamptz
                            + ((g * 104729) %% %(span)s) * interval '1 second' + (1 + g %% 72) * interval '1 hour'
                       END AS fin
                FROM generate_series(1::bigint, %(n)s::bigint) g,
                     LATERAL (SELECT ((g * 40503 + 17) %% 999983) %% cardinality(%(procs)s::bigint[]) AS k) kk
            ) x
        ),
        src AS (
            INSERT INTO reconciliation_sourcedossier (source_id, code, agency_id, procedure_id, status, previous_status,
                channel, received_at, due_at, finished_at, returned_at, progress_steps, event_at, synced_at, digest,
                e_result)
            SELECT sys, code, agency, proc, status,
                   CASE status WHEN 10 THEN 9 WHEN 9 THEN 4 WHEN 5 THEN 4 WHEN 4 THEN 2 ELSE 1 END,
                   1 + g %% 2, recv, recv + interval '5 days', fin,
                   CASE WHEN status = 10 THEN fin + interval '2 hours' END,
                   CASE status WHEN 10 THEN 5 WHEN 9 THEN 4 ELSE 2 END, ev, ev + interval '7 minutes', %(digest)s, eres
            FROM base WHERE NOT portal_only RETURNING 1
        ),
        portal AS (
            INSERT INTO reconciliation_sourcedossier (source_id, code, agency_id, procedure_id, status, previous_status,
                channel, received_at, due_at, finished_at, returned_at, progress_steps, event_at, synced_at, digest,
                e_result)
            SELECT %(portal)s, code, agency, proc, CASE WHEN stale THEN 4 ELSE status END,
                   CASE WHEN stale THEN 2 ELSE
                       CASE status WHEN 10 THEN 9 WHEN 9 THEN 4 WHEN 5 THEN 4 WHEN 4 THEN 2 ELSE 1 END END,
                   1 + g %% 2, recv,
                   CASE WHEN due_shift THEN recv + interval '6 days' ELSE recv + interval '5 days' END,
                   CASE WHEN stale THEN NULL ELSE fin END,
                   CASE WHEN stale OR status <> 10 THEN NULL ELSE fin + interval '2 hours' END,
                   CASE WHEN stale THEN 2 WHEN status = 10 THEN 5 WHEN status = 9 THEN 4 ELSE 2 END,
                   CASE WHEN stale THEN recv ELSE ev END,
                   CASE WHEN stale THEN recv ELSE ev END + interval '20 minutes', %(digest)s,
                   eres AND NOT stale AND NOT eres_lost
            FROM base WHERE NOT missing RETURNING 1
        )
        SELECT (SELECT count(*) FROM src) + (SELECT count(*) FROM portal)
    """


def _generate(period, province_rows: int, other_rows: int) -> dict:
    from _indexes import without_secondary_indexes
    from django.db import connection

    from demo.systems import ensure_systems

    systems, _ = ensure_systems()
    with connection.cursor() as cursor, without_secondary_indexes(cursor, "reconciliation_sourcedossier"):
        return _load(period, province_rows, other_rows, systems)


def _load(period, province_rows: int, other_rows: int, systems) -> dict:
    from django.db import connection, transaction

    from reconciliation.models import SourceKind, SourceSystem
    from tthc.models import Agency, Procedure

    portal = SourceSystem.objects.portal()
    ministry = {s.code: s.pk for s in systems.values() if s.kind == SourceKind.MINISTRY}
    started = time.perf_counter()
    span = int((period.end - period.start).total_seconds()) - 4 * 86400
    rows = 0
    provinces = list(Agency.objects.provinces().active().order_by("code"))
    for province in provinces:
        n = province_rows if province.code == PROVINCE else other_rows
        own = SourceSystem.objects.filter(
            kind=SourceKind.PROVINCIAL, owner__path__startswith=province.path
        ).first()
        pairs = [
            (pk, ministry.get(central) if central else (own.pk if own else None))
            for pk, central in Procedure.objects.order_by("pk").values_list("pk", "central_system")
        ]
        pairs = [(p, s) for p, s in pairs if s]
        agencies = list(
            Agency.objects.subtree(province)
            .exclude(pk=province.pk)
            .order_by("pk")
            .values_list("pk", flat=True)
        ) or [province.pk]
        prefix = f"{province.code}-BENCH-"
        params = {
            "digest": DIGEST,
            "prefix": prefix,
            "agencies": agencies,
            "procs": [p for p, _ in pairs],
            "systems": [s for _, s in pairs],
            "start": period.start,
            "span": span,
            "n": n,
        }
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(_province_sql(), {**params, "portal": portal.pk})
            rows += cursor.fetchone()[0]
    return {"rows": rows, "seconds": round(time.perf_counter() - started, 1), "provinces": len(provinces)}


def _raw_join(period) -> tuple[str, list]:
    """The hand-written statement: the province's sources (all systems) FULL OUTER JOIN the portal."""
    from reconciliation.models import SourceKind, SourceSystem
    from reconciliation.services.gap_sql import RunSpec, Universe, raw_full_outer_join_sql
    from tthc.models import Agency

    province = Agency.objects.get(code=PROVINCE)
    agencies = tuple(Agency.objects.subtree(province).values_list("pk", flat=True))
    portal = SourceSystem.objects.portal()
    sources = list(SourceSystem.objects.filter(kind=SourceKind.MINISTRY).values_list("pk", flat=True))
    sources += list(
        SourceSystem.objects.filter(
            kind=SourceKind.PROVINCIAL, owner__path__startswith=province.path
        ).values_list("pk", flat=True)
    )
    universe = Universe(
        portal_id=portal.pk,
        agency_ids=agencies,
        start=period.start,
        end=period.end,
        runs=tuple(RunSpec(0, pk, ()) for pk in sources),
    )
    return raw_full_outer_join_sql(universe)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL") or DEFAULT_URL)
    parser.add_argument("--province-dossiers", type=int, default=2_000_000)
    parser.add_argument("--other-dossiers", type=int, default=150_000)
    parser.add_argument("--period", default="2026-10")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--fresh", action="store_true", help="regenerate the benchmark rows")
    parser.add_argument("--skip-all", action="store_true", help="skip the all-provinces run")
    args = parser.parse_args(argv)

    if not args.database_url.startswith("postgres"):
        parser.error("the benchmark needs PostgreSQL")
    _create_database(args.database_url)
    _setup(args.database_url)
    from django.conf import settings
    from django.db import connection

    from reconciliation.models import Gap, ReconciliationRun, SourceDossier
    from reconciliation.services.reconcile import parse_period, reconcile_period

    period = parse_period(args.period)
    load_before = os.getloadavg()
    _reference()
    generated = None
    if args.fresh:
        with connection.cursor() as cursor:
            cursor.execute(
                "TRUNCATE reconciliation_gap, reconciliation_reconciliationrun, reconciliation_sourcedossier CASCADE"
            )
    if not SourceDossier.objects.filter(digest=DIGEST).exists():
        generated = _generate(period, args.province_dossiers, args.other_dossiers)

    sql, params = _raw_join(period)
    with connection.cursor() as cursor:  # the same memory the reconciliation transaction gets
        cursor.execute("SELECT set_config('work_mem', %s, false)", [settings.TTHC_RECONCILE_WORK_MEM])

    def raw(bitmap_only: bool, jit: bool):
        with connection.cursor() as cursor:
            cursor.execute("SET enable_indexscan = %s" % ("off" if bitmap_only else "on"))
            cursor.execute("SET jit = %s" % ("on" if jit else "off"))
            cursor.execute(sql, params)
            result = cursor.fetchone()
            cursor.execute("RESET enable_indexscan")
            cursor.execute("RESET jit")
            return result

    def one_province():
        return reconcile_period(period, PROVINCE)

    def timed(fn):
        started = time.perf_counter()
        result = fn()
        return time.perf_counter() - started, result

    # Interleaved, so that load from anything else on the machine hits both alike. The planner
    # sometimes reads the portal's side through the agency index (random heap access, 3-4× slower),
    # and JIT compilation costs seconds: the hand-written statement is credited with its best variant.
    variants = {
        f"{'bitmap' if b else 'default'}_plan_jit_{'on' if j else 'off'}": (b, j)
        for b in (False, True)
        for j in (True, False)
    }
    raw_times: dict[str, list[float]] = {name: [] for name in variants}
    reconcile_times: list[float] = []
    all_new_times: list[float] = []

    def vacuum_gaps():
        # Untimed: what autovacuum (off on this machine) would do between two months' runs, so that
        # neither path pays for the dead gap rows a previous measurement left behind.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE) reconciliation_gap")

    vacuum_gaps()
    with connection.cursor() as cursor:
        # Untimed: the visibility map of the rows just generated, as autovacuum sets it after a bulk
        # load. Without it the run's index-only counts read every heap page, and an autovacuum
        # started by the load would compete with the measurement for the CPUs.
        cursor.execute("VACUUM reconciliation_sourcedossier")
    one_province()  # warm the cache and create the runs
    raw_counts = runs = None
    for _ in range(args.repeat):
        for name, (bitmap_only, jit) in variants.items():
            seconds, raw_counts = timed(lambda b=bitmap_only, j=jit: raw(b, j))
            raw_times[name].append(seconds)
        seconds, runs = timed(one_province)
        reconcile_times.append(seconds)
        Gap.objects.filter(run__in=runs).delete()  # untimed: the next run inserts every gap
        vacuum_gaps()
        seconds, _ = timed(one_province)
        all_new_times.append(seconds)
    best_variant = min(raw_times, key=lambda name: min(raw_times[name]))
    raw_seconds, raw_median = min(raw_times[best_variant]), statistics.median(raw_times[best_variant])
    reconcile_seconds, reconcile_median = min(reconcile_times), statistics.median(reconcile_times)
    all_new_seconds, all_new_median = min(all_new_times), statistics.median(all_new_times)
    province_dossiers = sum(r.dossiers for r in runs)
    all_seconds = None
    if not args.skip_all:
        started = time.perf_counter()
        all_runs = reconcile_period(period)
        all_seconds = time.perf_counter() - started

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FILTER (WHERE s.kind = 'portal'), count(*) FILTER (WHERE s.kind <> 'portal') "
            "FROM reconciliation_sourcedossier d JOIN reconciliation_sourcesystem s ON s.id = d.source_id "
            "WHERE d.received_at >= %s AND d.received_at < %s",
            [period.start, period.end],
        )
        portal_rows, source_rows = cursor.fetchone()
        cursor.execute("SHOW work_mem")
        work_mem = cursor.fetchone()[0]
    result = {
        "province_dossiers": province_dossiers,
        "reconcile_seconds": round(reconcile_seconds, 2),
        "raw_full_outer_join_seconds": round(raw_seconds, 2),
        "ratio": round(reconcile_seconds / raw_seconds, 2) if raw_seconds else None,
        "reconcile_all_new_seconds": round(all_new_seconds, 2),
        "ratio_all_new": round(all_new_seconds / raw_seconds, 2) if raw_seconds else None,
        "all_provinces_seconds": round(all_seconds, 1) if all_seconds is not None else None,
        "database": connection.vendor,
        "province_runs": len(runs),
        "province_gaps": sum(sum(r.gap_counts.values()) for r in runs),
        "raw_join_rows": raw_counts[0],
        "reconcile_median_seconds": round(reconcile_median, 2),
        "reconcile_all_new_median_seconds": round(all_new_median, 2),
        "raw_median_seconds": round(raw_median, 2),
        "raw_variants_seconds": {name: round(min(times), 2) for name, times in raw_times.items()},
        "raw_best_variant": best_variant,
        "all_provinces_runs": len(all_runs) if all_seconds is not None else None,
        "all_provinces_gaps": Gap.objects.count() if all_seconds is not None else None,
        "month_rows_source_side": source_rows,
        "month_rows_portal_side": portal_rows,
        "runs_in_database": ReconciliationRun.objects.count(),
        "generated": generated,
        "work_mem": work_mem,
        "cpus": os.cpu_count(),
        "load_average": {
            "start": [round(x, 2) for x in load_before],
            "end": [round(x, 2) for x in os.getloadavg()],
        },
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
