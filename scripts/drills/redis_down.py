"""Drill: Redis goes down — pages and the sync API keep answering, the tasks they would have queued
are recorded in the database (core_outboxtask) and reach the broker when Redis is back.

    DATABASE_URL=postgres://…/tthc_x .venv/bin/python scripts/drills/redis_down.py [--redis-port 6391] [--web-port 8018]

Uses a private redis-server on ``--redis-port`` (the shared Redis is never touched), gunicorn on
``--web-port``, the demo data of DATABASE_URL (``seed_demo``). Steps, each logged with what it saw:
1. Redis up: the dossier list answers 200.
2. Redis stopped: the dossier list, the province dashboard and a sync batch of 50 records answer 200;
   the batch's recompute task is in the outbox (pending rows > 0).
3. Redis started again: ``manage.py relay_outbox`` sends what was kept; the outbox is empty and the
   task waits in the broker's ``indicators`` queue.
Prints a JSON summary (``"passed": true`` when every check held) and removes the drill's dossiers.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _drill import (
    BIN,
    ROOT,
    Redis,
    cleanup,
    environment,
    gunicorn,
    log,
    manage,
    prepare,
    request,
    sql,
    stop,
    sync_body,
)  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--redis-port", type=int, default=6391)
    parser.add_argument("--web-port", type=int, default=8018)
    args = parser.parse_args(argv)
    redis = Redis(args.redis_port)
    env = environment(args.redis_port, TTHC_OUTBOX_RELAY_MIN_AGE="0")
    checks: dict[str, object] = {}
    web = None
    redis.start()
    try:
        fixture = prepare(env)
        officer, admin, province = fixture["officer"], fixture["admin"], fixture["province"]
        web = gunicorn(env, args.web_port)
        checks["list_with_redis"] = request(args.web_port, "/api/v1/dossiers/", token=officer["token"])
        before = int(sql(env, "SELECT count(*) FROM core_outboxtask"))
        redis.stop()
        checks["list_without_redis"] = request(args.web_port, "/api/v1/dossiers/", token=officer["token"])
        checks["dashboard_without_redis"] = request(
            args.web_port, f"/indicators/{province}/", session=officer["session"]
        )
        checks["matrix_without_redis"] = request(
            args.web_port, "/reconciliation/matrix/", session=admin["session"]
        )
        checks["sync_without_redis"] = request(
            args.web_port,
            "/api/v1/sync/dossiers/",
            token=fixture["sync"]["token"],
            body=sync_body(fixture, 50, "1"),
        )
        pending = int(sql(env, "SELECT count(*) FROM core_outboxtask"))
        checks["outbox_pending_while_down"] = pending - before
        log(f"while Redis is down: {json.dumps(checks)}")
        log(
            "outbox: "
            + sql(
                env,
                "SELECT string_agg(task || ' ' || args::text || ' attempts=' || attempts, '; ') FROM core_outboxtask",
            )
        )
        redis.start()
        relayed = json.loads(manage(env, "relay_outbox").strip().splitlines()[-1])
        checks["relay"] = relayed
        checks["indicators_queue_length"] = int(redis.cli("LLEN", "indicators"))
        log(f"after Redis returned: relay {relayed}, indicators queue {checks['indicators_queue_length']}")
    finally:
        stop(web)
        redis.stop()
        cleanup(env, "DR1")
    ok = (
        all(checks[k][0] == 200 for k in checks if k.endswith("redis"))  # type: ignore[index]
        and checks["outbox_pending_while_down"] >= 1  # type: ignore[operator]
        and checks["relay"]["pending"] == 0  # type: ignore[index]
        and checks["relay"]["sent"] >= 1  # type: ignore[index]
        and checks["indicators_queue_length"] >= 1  # type: ignore[operator]
    )
    print(
        json.dumps(
            {"drill": "redis_down", "passed": ok, "checks": checks, "bin": str(BIN), "root": str(ROOT)}
        )
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
