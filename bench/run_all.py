"""The benchmark suite in one run: each real path beside its raw baseline, one JSON with the ratios,
peak memory, the server's settings and the machine. PostgreSQL only.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tthc [REDIS_URL=redis://…] \
        python bench/run_all.py --dossiers 10000000 [--output bench/results.json] [--keep]

It creates a scratch database ``<DATABASE_URL's name>_runall`` (or uses ``--database-url`` as is with
``--reuse``), and runs, each in its own process (``bench/<name>.py``, JSON on stdout):

1. ``indicators`` — fills the dossier table to ``--dossiers`` (a realistic ``seed_demo`` base, then
   set-based rows; the fill ANALYZEs what it loaded), recomputes the last closed month (``--dossiers``/12
   received in it) vs one hand-written aggregate: ``ratio``; the dashboard's p95;
2. ``late_units`` — ``bench/late_cache.py``: the month's late units for the country from scratch
   (``country_report_seconds``), the worker's warm-up, and the cached read (``cached_read_ms``);
3. ``ingest`` — ``import_dossiers`` of fresh records vs COPY into the same tables and vs plain COPY:
   ``records_per_s``, ``ratio_to_indexed_copy``, ``ratio_to_copy``;
4. ``reconcile`` — one province's month vs the hand-written FULL OUTER JOIN: ``ratio``;
5. ``documents`` — ``bench/documents.py`` when present (reports);
6. ``loadtest`` — Locust, 20 users, against gunicorn (+ a Celery worker with ``REDIS_URL``):
   ``reads_p95_ms``, ``sync_p95_ms``, ``failures``.

Every child's peak RSS (``wait4``), the server's settings (``SHOW …``) and version, the machine (CPUs,
memory, load average before and after) are added. The scratch database is dropped at the end
(``--keep`` keeps it). A step that fails is reported (``"error"``) and the others still run.
Figures from a run below 10 M dossiers or on a shared machine are labelled as such (``"scale"``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = (
    "server_version",
    "shared_buffers",
    "work_mem",
    "maintenance_work_mem",
    "effective_cache_size",
    "max_connections",
    "max_worker_processes",
    "max_parallel_workers_per_gather",
    "random_page_cost",
    "effective_io_concurrency",
    "jit",
    "synchronous_commit",
    "wal_compression",
    "max_wal_size",
    "checkpoint_timeout",
    "default_statistics_target",
    "autovacuum",
    "autovacuum_vacuum_scale_factor",
    "autovacuum_analyze_scale_factor",
)
FULL_SCALE = 10_000_000


def _connect(url: str):
    import psycopg

    return psycopg.connect(url, autocommit=True)


def server_settings(url: str) -> dict:
    with _connect(url) as conn:
        return {name: conn.execute(f"SHOW {name}").fetchone()[0] for name in SETTINGS}


def machine() -> dict:
    mem_kb = 0
    with open("/proc/meminfo", encoding="ascii") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    return {
        "cpus": os.cpu_count(),
        "memory_gb": round(mem_kb / 1024 / 1024, 1),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "loadavg": [round(x, 2) for x in os.getloadavg()],
    }


def run_step(name: str, argv: list[str], env: dict, timeout: int) -> dict:
    """Run ``bench/<script>`` with ``argv``: its last JSON object on stdout, seconds, peak RSS (``wait4``)."""
    import threading

    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, *argv], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=sys.stderr, text=True
    )
    timer = threading.Timer(timeout, proc.kill)
    timer.start()
    try:
        assert proc.stdout is not None
        out = proc.stdout.read()
        _, status, usage = os.wait4(proc.pid, 0)  # reaped here, with this child's resource usage
        proc.returncode = os.waitstatus_to_exitcode(status)
    finally:
        timer.cancel()
    result: dict = {
        "seconds": round(time.perf_counter() - started, 1),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),  # the child (and the children it waited for)
    }
    if proc.returncode:
        result["error"] = f"{name} exited with {proc.returncode}" + (
            " (timed out?)" if proc.returncode < 0 else ""
        )
    text = out.strip()
    start = text.rfind("\n{")
    try:
        result["result"] = json.loads(text[start + 1 :] if start >= 0 else text)
    except json.JSONDecodeError:
        result.setdefault("error", "no JSON on stdout")
        result["stdout_tail"] = text[-500:]
    return result


def _sizes(n: int) -> dict:
    return {
        "in_month": max(1_000, n // 12),
        "base_demo": min(30_000, max(2_000, n // 10)),
        "ingest_records": max(5_000, min(200_000, n // 50)),
        "province_dossiers": max(2_000, n // 5),
        "other_dossiers": max(200, n // 70),
    }


def summary(steps: dict) -> dict:
    """The headline figures of each step, and the issue's targets beside them."""

    def get(step: str, key: str):
        return (steps.get(step, {}).get("result") or {}).get(key)

    return {
        "indicators_ratio_to_raw": get("indicators", "ratio"),
        "reconciliation_ratio_to_raw": get("reconcile", "ratio"),
        "ingest_records_per_s": get("ingest", "records_per_s"),
        "ingest_ratio_to_indexed_copy": get("ingest", "ratio_to_indexed_copy"),
        "ingest_ratio_to_copy": get("ingest", "ratio_to_copy"),
        "load_reads_p95_ms": get("loadtest", "reads_p95_ms"),
        "load_sync_p95_ms": get("loadtest", "sync_p95_ms"),
        "load_failures": get("loadtest", "failures"),
        "late_units_country_s": get("late_units", "country_report_seconds"),
        "late_units_cached_ms": get("late_units", "cached_read_ms"),
        "targets": {
            "indicators_ratio_to_raw": "<= 1.5",
            "reconciliation_ratio_to_raw": "<= 1.5",
            "ingest_records_per_s": ">= 10000 (README production settings)",
            "load_reads_p95_ms": "< 300",
            "load_sync_p95_ms": "< 1000 (1,000-record batches)",
            "load_failures": "0",
        },
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dossiers", type=int, default=FULL_SCALE)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--reuse", action="store_true", help="run in --database-url itself (nothing dropped)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument("--skip", default="", help="comma-separated steps to skip")
    parser.add_argument("--load-seconds", type=int, default=60)
    parser.add_argument("--load-users", type=int, default=20)
    parser.add_argument(
        "--gunicorn-workers",
        type=int,
        default=2 * (os.cpu_count() or 1) + 1,
        help="gunicorn workers of the load test (default: 2 × CPUs + 1, as the README's production setting)",
    )
    parser.add_argument("--timeout", type=int, default=6 * 3600, help="per step, seconds")
    parser.add_argument("--output", help="also write the JSON to this file")
    parser.add_argument(
        "--note", default="", help="free text kept in the JSON (e.g. what else ran on the machine)"
    )
    args = parser.parse_args(argv)
    if not args.database_url.startswith("postgres"):
        parser.error("--database-url / DATABASE_URL must point at PostgreSQL")
    base, name = args.database_url.rsplit("/", 1)
    url = args.database_url if args.reuse else f"{base}/{name}_runall"
    created = False
    if not args.reuse:
        with _connect(f"{base}/postgres") as conn:
            if not conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [f"{name}_runall"]
            ).fetchone():
                conn.execute(f'CREATE DATABASE "{name}_runall"')
                created = True
    env = {**os.environ, "DATABASE_URL": url}
    sizes = _sizes(args.dossiers)
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    plan = [
        ("indicators", ["bench/indicators.py", "--database-url", url, "--dossiers", str(args.dossiers),
                        "--in-month", str(sizes["in_month"]), "--base-demo", str(sizes["base_demo"])]),
        ("late_units", ["bench/late_cache.py", "--database-url", url]),
        ("ingest", ["bench/ingest.py", "--database-url", url, "--records", str(sizes["ingest_records"])]),
        ("reconcile", ["bench/reconcile.py", "--database-url", url, "--province-dossiers",
                       str(sizes["province_dossiers"]), "--other-dossiers", str(sizes["other_dossiers"])]),
        ("documents", ["bench/documents.py", "--database-url", url]),
        ("loadtest", ["bench/loadtest.py", "--users", str(args.load_users), "--seconds", str(args.load_seconds),
                      "--workers", str(args.gunicorn_workers), "--cleanup"]),
    ]  # fmt: skip
    started = datetime.now(UTC)
    report: dict = {
        "generated_at": started.isoformat(timespec="seconds"),
        "dossiers_requested": args.dossiers,
        "scale": "full (10 M)"
        if args.dossiers >= FULL_SCALE
        else f"small ({args.dossiers:,} dossiers): not the target run",
        "note": args.note,
        "sizes": sizes,
        "machine": machine(),
        "server": server_settings(url),
        "steps": {},
    }
    try:
        for step, argv_ in plan:
            if step in skip:
                report["steps"][step] = {"skipped": True}
                continue
            if not (ROOT / argv_[0]).exists():
                report["steps"][step] = {"skipped": f"{argv_[0]} not present"}
                continue
            print(f"== {step}", file=sys.stderr, flush=True)
            report["steps"][step] = run_step(step, argv_, env, args.timeout)
    finally:
        report["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]
        report["seconds"] = round((datetime.now(UTC) - started).total_seconds(), 1)
        if created and not args.keep:
            with _connect(f"{base}/postgres") as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}_runall" WITH (FORCE)')
            report["scratch_database"] = "dropped"
    report["summary"] = summary(report["steps"])
    text = json.dumps(report, indent=1, default=str)
    if args.output:
        Path(args.output).write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
