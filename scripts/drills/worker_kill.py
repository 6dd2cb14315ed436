"""Drill: a worker killed with ``kill -9`` mid-recompute — the stored snapshot stays intact and the
task is delivered again once the broker's visibility timeout passes.

    DATABASE_URL=postgres://…/tthc_x .venv/bin/python scripts/drills/worker_kill.py [--redis-port 6392] \
        [--visibility 60] [--period 2026-11] [--level province]

Uses a private redis-server and a Celery worker on the ``indicators`` queue (``--pool solo``: the task
runs in the process that is killed), with a short visibility timeout so the drill takes minutes, and
the time limits scaled under it as config/settings.py requires (soft < hard < visibility). Steps:
1. Snapshot rows of the period/level before (count, newest ``computed_at``).
2. ``recompute_level`` queued; when the worker logs it as received, ``kill -9`` of the worker.
3. The message is unacknowledged in Redis (``unacked`` hash) and the snapshot rows are unchanged
   (the task's transaction died with it).
4. A second worker starts; the message comes back after the visibility timeout and succeeds; the
   snapshot rows are replaced (newer ``computed_at``, same count).
Prints a JSON summary with the seconds from the kill to the redelivery. In production the
visibility timeout is 900 s (docs/adr/0008-workers.md): a killed worker's task returns within 15 min.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _drill import BIN, TMP, Redis, environment, log, manage, sql, start, stop  # noqa: E402


def _wait_log(path: Path, text: str, seconds: float) -> float | None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if path.exists() and text in path.read_text(encoding="utf-8", errors="replace"):
            return time.monotonic()
        time.sleep(0.2)
    return None


def _snapshot(env: dict, period: str, level: str) -> list[str]:
    return sql(
        env,
        f"SELECT count(*) || ' ' || coalesce(max(computed_at)::text, '-') FROM indicators_indicatorsnapshot "
        f"WHERE period = '{period}' AND level = '{level}'",
    ).split(" ", 1)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--redis-port", type=int, default=6392)
    parser.add_argument("--visibility", type=int, default=60)
    parser.add_argument("--period", default=None, help="default: the last closed month")
    parser.add_argument("--level", default="province")
    args = parser.parse_args(argv)
    v = args.visibility
    env = environment(
        args.redis_port,
        CELERY_VISIBILITY_TIMEOUT=str(v),
        TTHC_TASK_TIME_LIMITS=f"short:{v // 3}:{v // 2},long:{v * 2 // 3}:{v * 5 // 6}",
        TTHC_TASK_MAX_COUNTDOWN=str(v // 2),
        INDICATOR_RECOMPUTE_DELAY=str(v // 4),
    )
    code = "from tthc.periods import Period; print(Period.last_closed())"
    period = args.period or manage(env, "shell", "-v", "0", "-c", code).strip().splitlines()[-1]
    redis = Redis(args.redis_port)
    redis.start()
    worker = worker2 = None
    result: dict = {"period": period, "level": args.level, "visibility_timeout": v}
    try:
        result["before"] = _snapshot(env, period, args.level)
        celery = [
            str(BIN / "celery"),
            "-A",
            "config",
            "worker",
            "-Q",
            "indicators",
            "--pool",
            "solo",
            "-l",
            "info",
        ]
        worker = start(env, [*celery, "-n", "drill-a@%h"], "worker-a")
        manage(
            env, "shell", "-v", "0", "-c",
            f"from indicators.tasks import recompute_level; recompute_level.delay('{period}', '{args.level}')",
        )  # fmt: skip
        if _wait_log(TMP / "worker-a.log", "recompute_level[", 120) is None:
            raise RuntimeError("the worker never received the task")
        time.sleep(0.5)
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        killed = time.monotonic()
        log(f"worker-a killed with SIGKILL (pid {worker.pid}) while running recompute_level")
        result["unacked_after_kill"] = int(redis.cli("HLEN", "unacked"))
        result["after_kill"] = _snapshot(env, period, args.level)
        worker2 = start(env, [*celery, "-n", "drill-b@%h"], "worker-b")
        done = _wait_log(TMP / "worker-b.log", "succeeded", v + 180)
        result["redelivered_after_seconds"] = round(done - killed, 1) if done else None
        result["after_redelivery"] = _snapshot(env, period, args.level)
        result["unacked_at_end"] = int(redis.cli("HLEN", "unacked"))
        log(json.dumps(result))
    finally:
        stop(worker2)
        stop(worker, signal.SIGKILL)
        redis.stop()
    ok = bool(
        result.get("unacked_after_kill", 0) >= 1
        and result.get("after_kill") == result.get("before")
        and result.get("redelivered_after_seconds")
        and result["after_redelivery"][0] == result["before"][0]
        and result["after_redelivery"][1] > result["before"][1]
    )
    print(json.dumps({"drill": "worker_kill", "passed": ok, **result, "logs": str(TMP)}))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
