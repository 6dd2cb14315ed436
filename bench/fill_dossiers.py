"""Top a PostgreSQL database up to N dossiers with set-based synthetic rows, for ingestion benchmarks.

    python bench/fill_dossiers.py --database-url postgres://…/tthc_bench_ingest --dossiers 10000000

``seed_demo`` writes realistic dossiers with their history at ~1–2 k/s on a 2-CPU machine, which
is hours for 10 million. The ingestion benchmark only needs the big tables to be big (index depth,
cache pressure), so after a realistic ``seed_demo`` base this adds plain dossiers with one
``INSERT … SELECT generate_series`` (secondary indexes dropped during the load and rebuilt after,
as a bulk load would; the unique index on ``code`` stays: ``ON CONFLICT (code)`` needs it). Codes are ``<commune code>-<yymmdd>-9<6 digits>``, which neither
``seed_demo`` nor ``bench/ingest.py`` generate. Prints JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

FILL_SQL = """
WITH communes AS (SELECT array_agg(id ORDER BY id) AS ids, array_agg(code ORDER BY id) AS codes
                  FROM tthc_agency WHERE kind = 'commune'),
     procs AS (SELECT array_agg(id ORDER BY id) AS ids FROM tthc_procedure)
INSERT INTO tthc_dossier (code, procedure_id, receiving_agency_id, handling_unit, handling_officer, channel,
    applicant_kind, applicant_name, summary, status, submitted_at, received_at, due_at, finished_at, returned_at,
    has_digitised_components, has_electronic_result, data_reused, linked_personal_store, population_data_used,
    payment_kind, fee_amount, has_complaint, supplement_count, paused_duration, state_at, state_source,
    created_at, updated_at)
SELECT c.codes[1 + (g %% cardinality(c.ids))] || '-' || to_char(r.recv, 'YYMMDD') || '-9' || lpad((g %% 1000000)::text, 6, '0')
         || CASE WHEN g >= 1000000 THEN '.' || (g / 1000000)::text ELSE '' END,
       p.ids[1 + ((g * 7) %% cardinality(p.ids))], c.ids[1 + (g %% cardinality(c.ids))], '', '',
       1 + (g %% 3 = 0)::int, 1, 'Nguyễn Văn ' || (g %% 997)::text, '', CASE WHEN g %% 5 = 0 THEN 4 ELSE 10 END,
       r.recv, r.recv, r.recv + interval '5 days', CASE WHEN g %% 5 = 0 THEN NULL ELSE r.recv + interval '3 days' END,
       CASE WHEN g %% 5 = 0 THEN NULL ELSE r.recv + interval '4 days' END,
       g %% 2 = 0, g %% 3 = 0, false, false, g %% 4 = 0, 0, 0, false, 0, interval '0', r.recv + interval '4 days', '',
       now(), now()
FROM generate_series(%(start)s, %(stop)s) AS g
CROSS JOIN communes c CROSS JOIN procs p
CROSS JOIN LATERAL (SELECT timestamptz '2024-01-01 01:00+00' + (g %% 600) * interval '1 day'
                           + (g %% 480) * interval '1 minute' AS recv) r
ON CONFLICT (code) DO NOTHING
"""


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dossiers", type=int, default=10_000_000, help="target total (default 10,000,000)")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    args = parser.parse_args(argv)
    if not args.database_url:
        parser.error("--database-url (PostgreSQL) is required")
    os.environ["DATABASE_URL"] = args.database_url
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM tthc_dossier")
        before = cursor.fetchone()[0]
        missing = max(0, args.dossiers - before)
        if missing:
            from _indexes import without_secondary_indexes

            with without_secondary_indexes(cursor, "tthc_dossier", "1GB"):
                step = 1_000_000
                for start in range(1, missing + 1, step):
                    cursor.execute(FILL_SQL, {"start": start, "stop": min(missing, start + step - 1)})
                    print(
                        f"filled {min(missing, start + step - 1):,}/{missing:,}", file=sys.stderr, flush=True
                    )
        cursor.execute("SELECT count(*) FROM tthc_dossier")
        after = cursor.fetchone()[0]
    print(
        json.dumps(
            {
                "dossiers_before": before,
                "dossiers_after": after,
                "seconds": round(time.perf_counter() - started, 1),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
