"""Benchmark the late-units list with lateness traced to the step, on PostgreSQL. Prints JSON.

    python bench/late_units.py --database-url postgres://postgres@127.0.0.1:5432/tthc_bench_late \
        --dossiers 200000

1. Migrates; creates one province with 20 communes, one procedure, and ``--dossiers`` dossiers
   received in the benchmark month (the last closed month) with four progress steps each
   (received, appraisal, approval, returned), every step with its own deadline
   (``NgayKetThucTheoQuyDinh``). Set-based (``generate_series``), idempotent (codes ``BL<n>``).
   About 40 % of the dossiers finish late; of those, 3 in 4 have a step that overran (the appraisal
   or the approval), the rest none (the handling-unit fallback).
2. Times ``late.late_units(month)`` — the overdue set grouped by the first step that overran — against
   the same grouping by the dossier's handling unit and officer without attribution (what the list
   did before), alternating, best of ``--runs``; prints both, their ratio and the row counts.
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
INSERT INTO tthc_dossier (code, procedure_id, receiving_agency_id, handling_unit, handling_officer, channel,
    applicant_kind, applicant_name, summary, status, submitted_at, received_at, due_at, finished_at,
    has_digitised_components, has_electronic_result, data_reused, linked_personal_store, population_data_used,
    payment_kind, fee_amount, has_complaint, supplement_count, paused_duration, state_source, created_at,
    updated_at)
SELECT 'BL' || g, %(procedure)s, (%(communes)s::bigint[])[1 + g %% 20], 'Phòng ' || (g %% 7), 'Trả ' || (g %% 5),
       1, 1, '', '', 10, t.recv, t.recv, t.recv + interval '5 days',
       t.recv + CASE WHEN g %% 10 < 4 THEN interval '7 days' ELSE interval '3 days' END,
       false, false, false, false, false, 0, 0, false, 0, interval '0', '', now(), now()
FROM generate_series(1, %(n)s) AS g
CROSS JOIN LATERAL (SELECT %(start)s::timestamptz + ((g * 7919) %% (20 * 86400)) * interval '1 second' AS recv) t
ON CONFLICT (code) DO NOTHING
"""

STEPS_SQL = """
INSERT INTO tthc_dossierevent (dossier_id, at, from_status, to_status, unit, officer, officer_title, note,
    source, created_at, due_at)
SELECT d.id, d.received_at + s.offset_at, NULL, s.status, s.unit || ' ' || (n %% 7), s.officer || ' ' || (n %% 31),
       '', '', 'bench', now(), d.received_at + s.offset_due
FROM (SELECT id, received_at, finished_at, substr(code, 3)::bigint AS n FROM tthc_dossier WHERE code LIKE 'BL%%') d
CROSS JOIN LATERAL (VALUES
    (2, interval '0', interval '4 hours', 'Một cửa', 'Tiếp nhận'),
    (4, CASE WHEN d.n %% 10 < 2 THEN interval '3 days' ELSE interval '1 day' END, interval '2 days', 'Phòng', 'Thẩm định'),
    (9, CASE WHEN d.n %% 10 = 2 THEN interval '4 days 12 hours' ELSE interval '3 days 12 hours' END, interval '4 days', 'Lãnh đạo', 'Duyệt'),
    (10, d.finished_at - d.received_at, d.finished_at - d.received_at + interval '4 hours', 'Một cửa', 'Trả')
) AS s(status, offset_at, offset_due, unit, officer)
ON CONFLICT (dossier_id, at, to_status) DO NOTHING
"""


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--dossiers", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count, F

    from indicators.services import late
    from tests.factories import ProcedureFactory, commune, ministry, province
    from tthc.models import Agency, Procedure
    from tthc.periods import Period

    call_command("migrate", verbosity=0)
    month = Period.last_closed()
    if not Agency.objects.filter(code="BL-P").exists():
        p = province("BL-P", "Tỉnh Benchmark")
        for i in range(20):
            commune(p, f"BL-C{i}", f"Xã {i}")
        ProcedureFactory(code="BL-T", ministry=ministry("BL-M", "Bộ Benchmark"))
    communes = list(
        Agency.objects.filter(code__startswith="BL-C").order_by("code").values_list("pk", flat=True)
    )
    procedure = Procedure.objects.get(code="BL-T").pk
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            FILL_SQL, {"procedure": procedure, "communes": communes, "n": args.dossiers, "start": month.start}
        )
        cursor.execute(STEPS_SQL, [])
        cursor.execute("ANALYZE tthc_dossier; ANALYZE tthc_dossierevent")
    fill_seconds = time.perf_counter() - started
    agency = Agency.objects.get(code="BL-P")

    def attributed():
        return late.late_units(month, agency=agency)

    def plain():
        qs = late.overdue_dossiers(month, agency=agency).order_by()
        return list(
            qs.values(unit=F("handling_unit"), officer=F("handling_officer")).annotate(
                overdue=Count("pk"), apologised=Count("pk", filter=late.APOLOGISED)
            )
        )

    times: dict[str, list[float]] = {"attributed": [], "plain": []}
    sizes = {}
    for _ in range(args.runs):
        for name, fn in (("attributed", attributed), ("plain", plain)):
            t0 = time.perf_counter()
            rows = fn()
            times[name].append(time.perf_counter() - t0)
            sizes[name] = (len(rows), sum(r["overdue"] for r in rows))
    rows = attributed()
    print(
        json.dumps(
            {
                "month": str(month),
                "dossiers": args.dossiers,
                "fill_seconds": round(fill_seconds, 1),
                "overdue": sizes["attributed"][1],
                "rows_attributed": sizes["attributed"][0],
                "rows_plain": sizes["plain"][0],
                "by_step": sum(r["overdue"] for r in rows if r["basis"] == late.STEP),
                "by_handling_unit": sum(r["overdue"] for r in rows if r["basis"] == late.HANDLING_UNIT),
                "attributed_seconds": round(min(times["attributed"]), 3),
                "plain_seconds": round(min(times["plain"]), 3),
                "ratio": round(min(times["attributed"]) / min(times["plain"]), 2),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
