"""Drill: PostgreSQL restarted in the middle of an ingestion — the batch is either fully applied (the
cut chunk is written again on a new connection) or, with reconnection off, marked failed and retried
by the operator with the same result.

    .venv/bin/python scripts/drills/pg_restart.py [--records 60000] [--port 5439] [--version 15]

Runs on a private PostgreSQL cluster of this machine (``pg_createcluster <version> tthcdrill -p
<port>``, Debian's tools, as root) so that restarting it disturbs nobody; the cluster is dropped at
the end. Steps:
1. Three databases with the same demo reference data (``migrate``, ``seed_demo --dossiers 300``) and a
   provincial source system ``DRILL-HTTT``; one file of ``--records`` fresh dossiers (the ingestion
   benchmark's generator: 2–5 progress steps each).
2. ``ref``: ``import_dossiers`` without a fault — the expected state.
3. ``auto``: the same import; once its batch has written a chunk, ``pg_ctlcluster … restart -m fast``
   (every connection terminated with 57P01, the server down for a second or two). The import goes on
   by itself (``TTHC_INGEST_RECONNECT_SECONDS``): exit 0, batch ``done``.
4. ``manual``: the same, with ``TTHC_INGEST_RECONNECT_SECONDS=0``: the import exits non-zero, the
   batch says ``failed`` (not ``running``); the operator runs the same import again: exit 0.
5. Each database's fingerprint — dossiers, their history and the source's copies (values only, no
   ids or write times) — must equal ``ref``'s.
Prints a JSON summary (``passed``) and exits 1 when any expectation fails.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _drill import BIN, ROOT, TMP, log  # noqa: E402

CLUSTER = "tthcdrill"
SOURCE = "DRILL-HTTT"

SETUP = f"""
import json
from reconciliation.models import SourceKind, SourceSystem
from tthc.models import Agency, AgencyKind, Procedure
province = Agency.objects.filter(kind=AgencyKind.PROVINCE).order_by("code").first()
source, _ = SourceSystem.objects.get_or_create(
    code="{SOURCE}", defaults={{"name": "Drill provincial system", "kind": SourceKind.PROVINCIAL, "owner": province}})
communes = list(Agency.objects.subtree(province).filter(kind=AgencyKind.COMMUNE).order_by("code")
                .values_list("code", flat=True))
print(json.dumps({{"communes": communes, "procedures": list(Procedure.objects.order_by("code")
                                                             .values_list("code", flat=True))}}))
"""

FINGERPRINT = f"""
WITH src AS (SELECT id FROM reconciliation_sourcesystem WHERE code = '{SOURCE}'),
     copies AS (SELECT c.code, c.dossier_id, c.status, c.event_at, c.received_at, c.finished_at, c.digest,
                       c.progress_steps
                FROM reconciliation_sourcedossier c JOIN src ON c.source_id = src.id),
     dossiers AS (SELECT d.id, d.code, d.status, d.received_at, d.due_at, d.finished_at, d.returned_at,
                         d.state_at, d.state_source, d.procedure_id, d.receiving_agency_id
                  FROM tthc_dossier d WHERE d.id IN (SELECT dossier_id FROM copies)),
     events AS (SELECT d.code, e.at, e.from_status, e.to_status, e.officer, e.unit
                FROM tthc_dossierevent e JOIN dossiers d ON d.id = e.dossier_id)
SELECT json_build_object(
  'copies', (SELECT count(*) FROM copies),
  'dossiers', (SELECT count(*) FROM dossiers),
  'events', (SELECT count(*) FROM events),
  'copies_md5', (SELECT md5(string_agg(concat_ws('|', code, status, event_at, received_at, finished_at, digest,
                                                    progress_steps), ',' ORDER BY code)) FROM copies),
  'dossiers_md5', (SELECT md5(string_agg(concat_ws('|', code, status, received_at, due_at, finished_at,
                                                      returned_at, state_at, state_source, procedure_id,
                                                      receiving_agency_id), ',' ORDER BY code)) FROM dossiers),
  'events_md5', (SELECT md5(string_agg(concat_ws('|', code, at, from_status, to_status, officer, unit), ','
                                       ORDER BY code, at, to_status, officer)) FROM events))
"""


def run(argv: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(argv, capture_output=True, text=True, **kwargs)


class Cluster:
    def __init__(self, version: str, port: int):
        self.version, self.port = version, port

    def url(self, db: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{db}"

    def create(self) -> None:
        self.drop()
        run(["pg_createcluster", self.version, CLUSTER, "-p", str(self.port), "--",
             "--auth-host=trust", "--auth-local=trust"], check=True)  # fmt: skip
        run(["pg_ctlcluster", self.version, CLUSTER, "start"], check=True)
        log(f"private cluster {self.version}/{CLUSTER} up on 127.0.0.1:{self.port}")

    def restart(self) -> float:
        started = time.monotonic()
        run(["pg_ctlcluster", self.version, CLUSTER, "restart", "-m", "fast"], check=True)
        return round(time.monotonic() - started, 2)

    def sql(self, db: str, query: str) -> str:
        return run(["psql", self.url(db), "-Atc", query], check=True).stdout.strip()

    def drop(self) -> None:
        run(["pg_dropcluster", "--stop", self.version, CLUSTER])


def manage(env: dict, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    return run([str(BIN / "python"), "manage.py", *args], cwd=ROOT, env=env, check=check)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=60_000)
    parser.add_argument("--port", type=int, default=5439)
    parser.add_argument("--version", default=sorted(os.listdir("/etc/postgresql"))[-1])
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT / "bench"))
    from ingest import generate  # the ingestion benchmark's record generator

    cluster = Cluster(args.version, args.port)
    base_env = {
        **os.environ,
        "REDIS_URL": "",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "drill-" + "x" * 50,
    }
    result: dict = {"records": args.records}
    envs = {}
    try:
        cluster.create()
        for name in ("ref", "auto", "manual"):
            cluster.sql("postgres", f"CREATE DATABASE {name}")
            env = envs[name] = {**base_env, "DATABASE_URL": cluster.url(name)}
            manage(env, "migrate", "--noinput", "-v", "0")
            manage(env, "seed_demo", "--dossiers", "300", "--skip-hooks", "--no-progress")
            world = json.loads(manage(env, "shell", "-v", "0", "-c", SETUP).stdout.strip().splitlines()[-1])
        path = TMP / "drill.jsonl"
        generate(path, args.records, 0, world["procedures"], world["communes"], 766)
        log(f"{args.records} records in {path}")
        command = ["import_dossiers", str(path), "--source", SOURCE, "--json", "--no-progress"]

        done = manage(envs["ref"], *command)
        result["ref"] = {"report": _counts(done.stdout)}

        def cut(name: str, env: dict) -> dict:
            proc = subprocess.Popen(
                [str(BIN / "python"), "manage.py", *command], cwd=ROOT, env=env,
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            )  # fmt: skip
            deadline = time.monotonic() + 300
            written = "0"
            while time.monotonic() < deadline and proc.poll() is None:
                written = cluster.sql(
                    name,
                    "SELECT coalesce(max(received), 0) FROM reconciliation_ingestbatch WHERE status = 'running'",
                )
                if int(written) > 0:
                    break
                time.sleep(0.2)
            if proc.poll() is not None:
                raise RuntimeError(f"{name}: the import ended before the restart; use more --records")
            seconds = cluster.restart()
            log(f"{name}: PostgreSQL restarted ({seconds} s) after {written} records were committed")
            out, err = proc.communicate(timeout=600)
            status = cluster.sql(
                name, "SELECT status FROM reconciliation_ingestbatch ORDER BY id DESC LIMIT 1"
            )
            return {
                "committed_before_restart": int(written),
                "restart_seconds": seconds,
                "exit_code": proc.returncode,
                "batch_status": status,
                "report": _counts(out) if proc.returncode == 0 else None,
                "reconnect_warnings": err.count("connection lost"),
                "error_tail": err.strip().splitlines()[-1][:300] if proc.returncode else "",
            }

        result["auto"] = cut("auto", envs["auto"])
        manual_env = {**envs["manual"], "TTHC_INGEST_RECONNECT_SECONDS": "0"}
        result["manual"] = cut("manual", manual_env)
        again = manage(envs["manual"], *command, check=False)
        result["manual"]["rerun_exit_code"] = again.returncode
        result["manual"]["rerun_report"] = _counts(again.stdout) if again.returncode == 0 else None
        prints = {name: json.loads(cluster.sql(name, FINGERPRINT)) for name in ("ref", "auto", "manual")}
        result["fingerprint_ref"] = prints["ref"]
        result["auto"]["same_as_ref"] = prints["auto"] == prints["ref"]
        result["manual"]["same_as_ref"] = prints["manual"] == prints["ref"]
    finally:
        cluster.drop()
        log("private cluster dropped")
    ok = bool(
        result.get("auto", {}).get("exit_code") == 0
        and result["auto"]["batch_status"] == "done"
        and result["auto"]["reconnect_warnings"] >= 1
        and result["auto"]["same_as_ref"]
        and result["manual"]["exit_code"] != 0
        and result["manual"]["batch_status"] == "failed"
        and result["manual"]["rerun_exit_code"] == 0
        and result["manual"]["same_as_ref"]
        and result["fingerprint_ref"]["copies"] == args.records
    )
    print(json.dumps({"drill": "pg_restart", "passed": ok, **result, "logs": str(TMP)}, ensure_ascii=False))
    return 0 if ok else 1


def _counts(stdout: str) -> dict:
    report = json.loads(stdout.strip().splitlines()[-1])
    return {k: report[k] for k in ("created", "updated", "unchanged", "rejected")}


if __name__ == "__main__":
    sys.exit(main())
