"""Benchmark ``manage.py seed_demo``: how fast N demo dossiers (with history and letters) are ingested.

    python bench/seed.py --dossiers 1000000 [--database-url URL] [--seed S] [--workers W]

Sets Django up against the given database (default: the DATABASE_URL environment variable, else
the embedded SQLite file), migrates it, runs ``seed_demo --no-progress --skip-hooks`` through
``call_command`` — the dossiers sent through ingestion as each source system and the portal sync
them, with their letters and ratings — (``--hooks`` also runs the follow-ups: reconciliation of the
latest months, index snapshots, draft requests, timed apart), and prints one JSON object, e.g.::

    {"dossiers": 1000000, "seconds": 98.4, "rows_per_s": 10163, "database": "postgresql",
     "events": 4085040, "apology_letters": 35012, ...}

``rows_per_s`` counts dossiers per second; ``all_rows_per_s`` counts dossiers + events + letters.
``python_cpu_seconds`` (this process and its generator workers) and ``load_average_1m`` (before,
after) tell whether the machine was shared: on a busy box the wall time says little.
When the database already held the dossiers (a second run), ``already_present`` says so and the
time is that of an idempotent re-run, not of a load.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--seed", type=int, default=766)
    parser.add_argument("--workers", type=int, default=None, help="generator processes (default: automatic)")
    parser.add_argument("--chunk-size", type=int, default=None)
    parser.add_argument("--anchor-month", default=None, help="YYYY-MM (default: the current month)")
    parser.add_argument(
        "--hooks", action="store_true", help="also run the follow-ups (timed separately; default: skipped)"
    )
    args = parser.parse_args(argv)

    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    import resource

    from django.core.management import call_command
    from django.db import connection

    from demo.management.commands.seed_demo import Command as SeedDemo
    from reconciliation.models import SourceDossier
    from tthc.models import ApologyLetter, Dossier, DossierEvent

    call_command("migrate", interactive=False, verbosity=0)

    def counts():
        return (
            Dossier.objects.count(),
            DossierEvent.objects.count(),
            ApologyLetter.objects.count(),
            SourceDossier.objects.count(),
        )

    before = counts()
    options = {
        "dossiers": args.dossiers,
        "seed": args.seed,
        "no_progress": True,
        "skip_hooks": not args.hooks,
    }
    for name in ("workers", "chunk_size", "anchor_month"):
        if getattr(args, name) is not None:
            options[name] = getattr(args, name)
    out = io.StringIO()
    command = SeedDemo()
    load_before = os.getloadavg()[0]
    backends = None
    if connection.vendor == "postgresql":  # the database's CPU, read apart from other load
        sys.path.insert(0, str(ROOT / "bench"))
        from ingest import BackendCpu

        db = connection.settings_dict
        dsn = {"host": db["HOST"], "port": db["PORT"], "user": db["USER"], "password": db["PASSWORD"],
               "dbname": db["NAME"]}  # fmt: skip
        backends = BackendCpu({k: v for k, v in dsn.items() if v}, db["NAME"])
        backends.__enter__()
    started = time.perf_counter()
    try:
        call_command(command, stdout=out, **options)
    finally:
        if backends is not None:
            backends.__exit__(None, None, None)
    seconds = time.perf_counter() - started
    load_after = os.getloadavg()[0]
    cpu = sum(
        getattr(resource.getrusage(who), field)
        for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
        for field in ("ru_utime", "ru_stime")
    )
    after = counts()
    created = [a - b for a, b in zip(after, before, strict=True)]
    total_created = sum(created[:3])
    result = {
        "dossiers": args.dossiers,
        "seconds": round(seconds, 2),
        "rows_per_s": round(args.dossiers / seconds) if seconds else None,
        "database": connection.vendor,
        "events": after[1],
        "apology_letters": after[2],
        "dossiers_created": created[0],
        "events_created": created[1],
        "letters_created": created[2],
        "source_copies_created": created[3],
        "all_rows_per_s": round(total_created / seconds) if seconds else None,
        "already_present": created[0] < args.dossiers,
        "dossiers_in_database": after[0],
        "reference_data_seconds": round(command.reference_seconds, 2),
        "dossier_phase_seconds": round(command.result.seconds, 2),
        "ingestion": _ingestion(command.result),
        "hooks": {k: round(v, 2) for k, v in command.hook_seconds.items()} if args.hooks else "skipped",
        "python_cpu_seconds": round(cpu, 1),
        "postgres_cpu_seconds": round(backends.seconds, 1) if backends else None,
        "dossiers_per_cpu_s": round(args.dossiers / (cpu + backends.seconds)) if backends else None,
        "load_average_1m": [round(load_before, 2), round(load_after, 2)],
        "seed": args.seed,
        "workers": args.workers if args.workers is not None else "auto",
        "cpus": os.cpu_count(),
    }
    if result["already_present"]:
        result["note"] = (
            f"the database already held {args.dossiers - created[0]} of the {args.dossiers} dossiers: "
            "this timed an idempotent re-run, not a load (drop and recreate the database to time a load)"
        )
    print(json.dumps(result, ensure_ascii=False))
    return 0


def _ingestion(result) -> dict | None:
    feeds = result.feeds
    if feeds is None:
        return None
    return {
        "batches": feeds.batches,
        "records": feeds.first.received,
        "later_records": feeds.later.received,
        "rejected": feeds.first.rejected + feeds.later.rejected,
    }


if __name__ == "__main__":
    sys.exit(main())
