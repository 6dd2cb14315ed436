"""Benchmark the points at stake per component on one province-month, on PostgreSQL.

    python bench/points_at_stake.py [--database-url URL] [--dossiers 200000] [--period 2026-10]
                                    [--repeat 3] [--drop]

Sets Django up against ``--database-url`` (default: ``DATABASE_URL``, else
``postgres://postgres@127.0.0.1:5432/tthc_bench_points``; created if missing), migrates, loads the
reference data and the demo's source systems, then generates — set-based, as ``bench/reconcile.py``
does and with its statement — ``--dossiers`` source rows of province 01 in ``--period`` with the
portal's copies (~3 % missing, ~1 % stale: a finished dossier the portal still shows in processing,
~0.3 % other due date), and the platform's dossiers (``tthc_dossier``, the sources' version) for the
same codes. Then ``reconcile_period(period, "01")`` computes the runs and, through ``runs_counted``,
their points at stake per component.

Measured, warm cache, best of ``--repeat``:

* ``component_impacts_seconds``: ``indicators.services.impact.component_impacts`` for the province's
  runs alone (the platform's counts over the province's dossiers + one aggregate over the gap
  dossiers' two versions);
* ``reconcile_seconds``: the whole ``reconcile_period(period, "01")`` including it.

Prints one JSON object. ``--drop`` drops the database at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/tthc_bench_points"

DOSSIERS_SQL = """
INSERT INTO tthc_dossier (code, procedure_id, receiving_agency_id, handling_unit, handling_officer, channel,
    applicant_kind, applicant_name, summary, status, submitted_at, received_at, due_at, finished_at, returned_at,
    has_digitised_components, has_electronic_result, data_reused, linked_personal_store, population_data_used,
    payment_kind, fee_amount, has_complaint, supplement_count, paused_duration, state_at, state_source,
    created_at, updated_at)
SELECT s.code, s.procedure_id, s.agency_id, '', '', s.channel, 1, 'Nguyễn Văn A', '', s.status,
       s.received_at, s.received_at, s.due_at, s.finished_at, s.returned_at,
       true, s.status = 10, false, false, false, 0, 0, false, 0, interval '0', s.event_at, '', now(), now()
FROM reconciliation_sourcedossier s
JOIN reconciliation_sourcesystem ss ON ss.id = s.source_id AND ss.kind <> 'portal'
WHERE s.digest = %(digest)s
ON CONFLICT (code) DO NOTHING
"""


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL") or DEFAULT_URL)
    parser.add_argument("--dossiers", type=int, default=200_000)
    parser.add_argument("--period", default="2026-10")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--drop", action="store_true", help="drop the database at the end")
    args = parser.parse_args(argv)
    if not args.database_url.startswith("postgres"):
        parser.error("the benchmark needs PostgreSQL")

    import reconcile as base  # bench/reconcile.py: database set-up and the rows' statement

    base._create_database(args.database_url)
    base._setup(args.database_url)
    from django.conf import settings
    from django.db import connection

    from indicators.services.impact import component_impacts
    from reconciliation.models import Gap, SourceDossier
    from reconciliation.services.reconcile import parse_period, reconcile_period
    from tthc.models import Dossier

    period = parse_period(args.period)
    base._reference()
    generated = None
    if not SourceDossier.objects.filter(digest=base.DIGEST).exists():
        generated = base._generate(period, args.dossiers, 0)
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(DOSSIERS_SQL, {"digest": base.DIGEST})
            cursor.execute("ANALYZE tthc_dossier")
        generated["platform_dossiers_seconds"] = round(time.perf_counter() - started, 1)

    def timed(fn):
        started = time.perf_counter()
        result = fn()
        return time.perf_counter() - started, result

    reconcile_times, impact_times = [], []
    runs, impacts = [], {}
    for _ in range(args.repeat):
        seconds, runs = timed(lambda: reconcile_period(period, base.PROVINCE))
        reconcile_times.append(seconds)
        seconds, impacts = timed(partial(component_impacts, runs, period))
        impact_times.append(seconds)
    per_component: dict[str, float] = {}
    for points in impacts.values():
        for code, value in points.items():
            per_component[code] = round(per_component.get(code, 0) + float(value), 2)
    result = {
        "period": str(period),
        "province": base.PROVINCE,
        "province_dossiers": Dossier.objects.filter(code__startswith=f"{base.PROVINCE}-BENCH-").count(),
        "source_rows": SourceDossier.objects.filter(digest=base.DIGEST).count(),
        "runs": len(runs),
        "gaps": Gap.objects.filter(run__in=[r.pk for r in runs]).count(),
        "component_impacts_seconds": round(min(impact_times), 2),
        "reconcile_seconds": round(min(reconcile_times), 2),
        "points_at_stake_total": float(sum(r.points_at_stake for r in runs)),
        "points_at_stake_per_component": per_component,
        "settings": {
            "TTHC_RECONCILE_WORK_MEM": settings.TTHC_RECONCILE_WORK_MEM,
            "repeat": args.repeat,
            "cpus": os.cpu_count(),
        },
        "generated": generated,
    }
    print(json.dumps(result, ensure_ascii=False))
    if args.drop:
        connection.close()
        import psycopg

        name = args.database_url.rsplit("/", 1)[1].split("?")[0]
        admin = args.database_url.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
    return 0


if __name__ == "__main__":
    sys.exit(main())
