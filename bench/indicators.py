"""Benchmark the 766 index on PostgreSQL: full recompute vs one hand-written SQL aggregate, and the
live dashboard's p95 for one province. Prints JSON.

    python bench/indicators.py --database-url postgres://postgres@127.0.0.1:5432/tthc_bench_ind \
        --dossiers 3000000 --in-month 2000000

1. Migrates, loads the reference data and a realistic ``seed_demo`` base (agencies, procedures,
   13 months of dossiers, apology letters) unless present.
2. Tops the dossier table up with set-based synthetic rows (``INSERT … SELECT generate_series``,
   codes ``BI<n>``, idempotent): ``--in-month`` of them received in the benchmark month (the last
   closed month), the rest spread over the year before, plus a few thousand open dossiers in the
   current month for the early-warning list. Statuses, channels, supplements, fees, payments,
   ratings and flags vary so that every filter of every component has work to do.
3. Times ``compute.recompute(month)`` — every component for every ministry and province, scored,
   ranked and stored — against ONE hand-written SQL aggregate (the dossier family's conditional
   counts, grouped like the ORM groups) over the same rows, alternating, best of ``--runs``.
4. Dashboard: a province officer's ``GET /indicators/<province>/`` on the live month, ``--requests``
   times through Django's test client (whole view: snapshot, trend, ranking, early warning,
   projection); p95 in milliseconds.
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

FILL_SQL = """
WITH receivers AS (SELECT array_agg(id ORDER BY id) AS ids FROM tthc_agency
                   WHERE ranked_agency_id IS NOT NULL AND kind IN ('commune', 'unit', 'one_stop', 'ministry',
                                                                  'ministry_level', 'province')
                     AND (valid_to IS NULL OR valid_to >= %(month_start)s::date)),
     procs AS (SELECT array_agg(id ORDER BY id) AS ids FROM tthc_procedure)
INSERT INTO tthc_dossier (code, procedure_id, receiving_agency_id, handling_unit, handling_officer, channel,
    applicant_kind, applicant_name, summary, status, submitted_at, received_at, due_at, finished_at,
    has_digitised_components, has_electronic_result, data_reused, linked_personal_store, population_data_used,
    payment_kind, fee_amount, satisfaction, has_complaint, supplement_count, paused_duration, state_source,
    created_at, updated_at)
SELECT 'BI' || %(prefix)s || g, p.ids[1 + ((g * 7) %% cardinality(p.ids))], r.ids[1 + ((g * 13) %% cardinality(r.ids))],
       'Phòng ' || (g %% 7)::text, 'Cán bộ ' || (g %% 23)::text,
       CASE WHEN g %% 10 < 6 THEN 2 WHEN g %% 10 < 9 THEN 1 ELSE 3 END, 1, '', '',
       s.status, t.recv, t.recv, t.recv + ((3 + g %% 8) * interval '1 day'),
       CASE WHEN s.status IN (3, 7, 8, 9, 10) THEN t.recv + ((1 + (g * 3) %% 11) * interval '1 day') END,
       g %% 10 < 7, g %% 10 < 4, g %% 33 = 0, g %% 5 = 0, g %% 4 = 0,
       CASE WHEN g %% 3 = 0 THEN (g / 3) %% 3 ELSE 0 END, CASE WHEN g %% 3 = 0 THEN 50000 ELSE 0 END,
       CASE WHEN g %% 17 = 0 THEN 2 WHEN g %% 11 = 0 THEN 1 END, g %% 200 = 0,
       CASE WHEN g %% 50 = 0 THEN 2 WHEN g %% 20 = 0 THEN 1 ELSE 0 END, interval '0', '', now(), now()
FROM generate_series(%(start)s::bigint, %(stop)s::bigint) AS g
CROSS JOIN receivers r CROSS JOIN procs p
CROSS JOIN LATERAL (SELECT %(month_start)s::timestamptz
                           + ((g * 7919) %% %(span_seconds)s) * interval '1 second' AS recv) t
CROSS JOIN LATERAL (SELECT CASE WHEN %(open)s THEN (ARRAY[2, 4, 4, 5])[1 + g %% 4]
                                WHEN g %% 100 < 70 THEN 10 WHEN g %% 100 < 80 THEN 9 WHEN g %% 100 < 88 THEN 4
                                WHEN g %% 100 < 91 THEN 5 WHEN g %% 100 < 93 THEN 7 WHEN g %% 100 < 95 THEN 3
                                ELSE 2 END AS status) s
ON CONFLICT (code) DO NOTHING
"""

#: The dossier family written by hand: the same conditions the definitions declare, one pass.
RAW_SQL = """
SELECT a.ranked_agency_id, d.procedure_id,
  count(*) FILTER (WHERE rcv) AS received,
  count(*) FILTER (WHERE rcv AND d.has_digitised_components AND (d.has_electronic_result OR NOT issued)) AS digitised,
  count(*) FILTER (WHERE rcv AND d.data_reused) AS reused,
  count(*) FILTER (WHERE rcv AND d.linked_personal_store) AS personal,
  count(*) FILTER (WHERE rcv AND d.population_data_used) AS population,
  count(*) FILTER (WHERE rcv AND d.channel = 2 AND (d.has_electronic_result OR NOT issued)) AS online,
  count(*) FILTER (WHERE rcv AND d.channel = 2 AND p.online_level <> 'none' AND scope) AS online_used,
  count(*) FILTER (WHERE rcv AND d.fee_amount > 0) AS with_fee,
  count(*) FILTER (WHERE rcv AND d.fee_amount > 0 AND d.payment_kind <> 0) AS paid,
  count(*) FILTER (WHERE rcv AND p.fee_bearing AND scope) AS fee_proc,
  count(*) FILTER (WHERE rcv AND p.fee_bearing AND scope AND d.payment_kind <> 0) AS fee_proc_paid,
  count(*) FILTER (WHERE fin_res) AS finished_result,
  count(*) FILTER (WHERE fin_res AND d.has_electronic_result) AS e_result,
  count(*) FILTER (WHERE judged AND on_time) AS on_time,
  count(*) FILTER (WHERE judged AND (on_time OR overdue)) AS decided,
  count(*) FILTER (WHERE judged AND overdue) AS overdue,
  count(*) FILTER (WHERE judged AND (on_time OR overdue) AND (d.has_complaint OR d.satisfaction = 2)) AS complained
FROM tthc_dossier d
JOIN tthc_agency a ON a.id = d.receiving_agency_id
JOIN tthc_agency k ON k.id = a.ranked_agency_id
JOIN tthc_procedure p ON p.id = d.procedure_id
CROSS JOIN LATERAL (SELECT
  d.received_at >= %(start)s AND d.received_at < %(end)s AND d.status NOT IN (1, 3) AS rcv,
  d.status IN (9, 10) AND p.issues_result AS issued,
  (k.kind = 'province' AND (p.level_province OR p.level_commune))
    OR (k.kind IN ('ministry', 'ministry_level') AND p.level_central) AS scope,
  d.status IN (9, 10) AND p.issues_result AND d.finished_at >= %(start)s AND d.finished_at < %(end)s AS fin_res,
  d.due_at IS NOT NULL AND d.status NOT IN (1, 3, 7) AND d.received_at <= %(end)s
    AND ((d.finished_at >= %(start)s AND d.finished_at < %(end)s) OR d.finished_at IS NULL
         OR d.finished_at > %(end)s) AS judged,
  d.finished_at IS NOT NULL AND d.finished_at <= d.due_at AND d.supplement_count <= 1
    AND d.finished_at <= %(end)s AS on_time,
  d.supplement_count > 1 OR (d.finished_at > d.due_at AND d.finished_at <= %(end)s)
    OR ((d.finished_at IS NULL OR d.finished_at > %(end)s) AND d.due_at < %(end)s) AS overdue) c
WHERE d.received_at <= %(end)s AND (d.received_at >= %(start)s OR d.finished_at >= %(start)s OR d.finished_at IS NULL)
GROUP BY 1, 2
"""


def _setup(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _ensure_database(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _fill(month, current, total: int, in_month: int, base_demo: int) -> None:
    from _indexes import without_secondary_indexes
    from django.core.management import call_command
    from django.db import connection

    from tthc.models import Dossier

    if not Dossier.objects.exists():
        _log(f"seed_demo --dossiers {base_demo} …")
        call_command("seed_demo", "--dossiers", str(base_demo), "--no-progress", stdout=sys.stderr)
    year_start = month.start.replace(year=month.start.year - 1)
    plans = [  # (prefix, count, start, span seconds, open)
        ("M", in_month, month.start, int((month.end - month.start).total_seconds()), False),
        ("Y", 0, year_start, int((month.start - year_start).total_seconds()), False),
        ("C", 5000, current.start, 20 * 86400, True),
    ]
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM tthc_dossier WHERE code NOT LIKE 'BI%%'")
        base = cursor.fetchone()[0]
        rest = max(0, total - base - in_month - 5000)
        plans[1] = ("Y", rest, year_start, plans[1][3], False)
        cursor.execute("SELECT count(*) FROM tthc_dossier WHERE code LIKE 'BI%%'")
        if cursor.fetchone()[0] >= in_month + rest + 5000:
            return  # already filled (the fill is idempotent anyway: ON CONFLICT DO NOTHING)
        # A bulk load: secondary indexes dropped during the fill and rebuilt after (bench/_indexes.py;
        # the unique index on code stays, ON CONFLICT (code) needs it).
        with without_secondary_indexes(cursor, "tthc_dossier"):
            for prefix, count, start, span, is_open in plans:
                done = 0
                while done < count:
                    step = min(1_000_000, count - done)
                    t0 = time.perf_counter()
                    cursor.execute(
                        FILL_SQL,
                        {
                            "prefix": prefix,
                            "start": done,
                            "stop": done + step - 1,
                            "month_start": start,
                            "span_seconds": span,
                            "open": is_open,
                        },
                    )
                    done += step
                    _log(f"  fill {prefix}: {done}/{count} ({time.perf_counter() - t0:.1f} s)")
        cursor.execute("VACUUM ANALYZE tthc_dossier")
        cursor.execute("ANALYZE")  # the agency tree and the rest too: planner estimates for the dashboard


def _raw_sql(period) -> float:
    from django.db import connection

    t0 = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(RAW_SQL, {"start": period.start, "end": period.end})
        cursor.fetchall()
    return time.perf_counter() - t0


def _dashboard_p95(province_code: str, requests: int) -> float:
    from django.test import Client

    from accounts.models import Role, RoleAssignment, User
    from tthc.models import Agency

    user, _ = User.objects.get_or_create(username="bench-province-officer")
    RoleAssignment.objects.get_or_create(
        user=user, agency=Agency.objects.get(code=province_code), role=Role.OFFICER, revoked_at=None
    )
    client = Client()
    client.force_login(user)
    url = f"/indicators/{province_code}/"
    for _ in range(5):  # warm-up: templates compiled, caches filled
        assert client.get(url).status_code == 200
    timings = []
    for _ in range(requests):
        t0 = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200
    return statistics.quantiles(timings, n=20)[-1]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--dossiers", type=int, default=3_000_000, help="total dossiers in the database")
    parser.add_argument(
        "--in-month", type=int, default=2_000_000, help="dossiers received in the benchmark month"
    )
    parser.add_argument("--base-demo", type=int, default=30_000, help="realistic seed_demo dossiers first")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--province", default="01")
    args = parser.parse_args(argv)
    if not args.database_url or not args.database_url.startswith("postgres"):
        parser.error("--database-url must point at PostgreSQL")
    _ensure_database(args.database_url)
    _setup(args.database_url)
    from django.core.management import call_command
    from django.db import connection

    from indicators.services import compute
    from tthc.models import Dossier
    from tthc.periods import Period

    call_command("migrate", verbosity=0)
    current = Period.current()
    month = Period.last_closed()
    _fill(month, current, args.dossiers, args.in_month, args.base_demo)
    n = Dossier.objects.count()
    m = Dossier.objects.in_period(month).count()
    _log(f"{n} dossiers, {m} in {month}; warming up …")
    compute.recompute(month)
    _raw_sql(month)
    compute_times, raw_times = [], []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        compute.recompute(month)
        compute_times.append(time.perf_counter() - t0)
        raw_times.append(_raw_sql(month))
        _log(f"  compute {compute_times[-1]:.2f} s, raw SQL {raw_times[-1]:.2f} s")
    compute.recompute(current)  # the live month the dashboard shows
    p95 = _dashboard_p95(args.province, args.requests)
    result = {
        "dossiers_in_db": n,
        "dossiers_in_month": m,
        "compute_seconds": round(min(compute_times), 3),
        "raw_sql_seconds": round(min(raw_times), 3),
        "ratio": round(min(compute_times) / min(raw_times), 3),
        "dashboard_p95_ms": round(p95, 1),
        "database": connection.vendor,
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
