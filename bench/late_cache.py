"""Benchmark the late units and officers as the pages read them, on an existing database. Prints JSON.

    python bench/late_cache.py --database-url postgres://…/tthc_runall [--period 2026-11] [--runs 3]

Against a database with dossiers and the period's snapshots (``bench/run_all.py --keep`` leaves one
of 10 M dossiers; ``seed_demo`` a small one), measures:

1. the country's late units and apology compliance computed from scratch (``late.report``: one query);
2. the worker's warm-up after a closed month's recompute (``tasks.warm_late_units``);
3. what a national viewer, the API and the public results then read (``late.cached_report``,
   ``late.public_late_units`` for each level) — cache hits;
4. the largest province's own scope computed from scratch (a province officer's first view).

Best of ``--runs`` for 1 and 4. The cache is the configured one (Redis with ``REDIS_URL``); the keys
this run writes are deleted at the end. Nothing else is written.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--period", help="a closed month with snapshots (default: the last closed month)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    if not args.database_url:
        parser.error("--database-url or DATABASE_URL is required")
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from _busiest import busiest_ranked_agency
    from django.conf import settings
    from django.core.cache import cache
    from django.db import connection

    from indicators import tasks
    from indicators.models import IndicatorSnapshot
    from indicators.services import late
    from tthc.models import Agency, Dossier
    from tthc.periods import Period

    period = Period.parse(args.period) if args.period else Period.last_closed()
    if not IndicatorSnapshot.objects.filter(period=str(period)).exists():
        parser.error(f"no snapshot of {period}: recompute it first (the cache is keyed by its version)")
    busiest = busiest_ranked_agency(period)
    province = Agency.objects.get(code=busiest) if busiest else None

    def best(fn) -> tuple[float, object]:
        times, result = [], None
        for _ in range(args.runs):
            started = time.perf_counter()
            result = fn()
            times.append(time.perf_counter() - started)
        return round(min(times), 3), result

    def timed(fn) -> tuple[float, object]:
        started = time.perf_counter()
        result = fn()
        return round((time.perf_counter() - started) * 1000, 1), result

    country_s, (rows, compliance) = best(lambda: late.report(period))
    cache.delete(tasks.WARM_KEY.format(period=period))
    key = late.cache_key(period)
    cache.delete(key)
    warm_s, _ = best(lambda: (cache.delete(key), tasks.warm_late_units(str(period))))
    read_ms, cached = timed(lambda: late.cached_report(period))
    levels = {
        level: timed(lambda level=level: late.public_late_units(period, level))
        for level in ("province", "ministry")
    }
    province_s = None
    if province is not None:
        province_s, _ = best(lambda: late.report(period, agency=province))
    cache.delete(key)
    result = {
        "database": connection.vendor,
        "period": str(period),
        "dossiers_in_db": Dossier.objects.count()
        if connection.vendor != "postgresql"
        else _estimate(connection),
        "overdue_dossiers": sum(r["overdue"] for r in rows),
        "rows": len(rows),
        "ranked_agencies": len(compliance),
        "country_report_seconds": country_s,
        "warm_task_seconds": warm_s,
        "cached_read_ms": read_ms,
        "cached_equal": cached == (rows, compliance),
        "public_list_ms": {level: ms for level, (ms, _) in levels.items()},
        "public_rows": {level: len(listed or []) for level, (_, listed) in levels.items()},
        "largest_province": province.code if province else None,
        "largest_province_report_seconds": province_s,
        "cache": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1],
    }
    print(json.dumps(result, indent=1))
    return 0


def _estimate(connection) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = 'tthc_dossier'")
        return int(cursor.fetchone()[0])


if __name__ == "__main__":
    sys.exit(main())
