"""Load test: Locust (its own process, headless, bounded) against gunicorn on 127.0.0.1. Prints JSON.

    DATABASE_URL=postgres://…/tthc_x [REDIS_URL=redis://…/n] python bench/loadtest.py \
        [--users 20] [--seconds 60] [--workers 3] [--batch 1000] [--port 8017] [--cleanup]

1. Prepares the accounts (idempotent): ``loadtest.province.officer`` (officer of province ``--province``)
   and ``loadtest.national.admin`` (national administrator), each with an API token and a session;
   the national portal's source-system token for the sync batches; a sample of visible dossier codes.
   They go to a fixture file Locust reads (``TTHC_LOADTEST_FIXTURE``); nothing is imported by Locust.
2. Starts gunicorn (``--workers``, DEBUG off, static files collected) and, with ``REDIS_URL``, one Celery
   worker on every queue; waits for the port.
3. Runs ``locust -f bench/locustfile.py --headless -u USERS -r 5 -t SECONDS`` from its own virtualenv
   (``.venv-locust``, created on first use: ``pip install locust``), 127.0.0.1 only.
4. Stops what it started, reads Locust's CSV and prints per endpoint: requests, failures, p50/p95/p99 ms,
   requests/s; ``reads_p95_ms`` (the worst GET endpoint's p95) and ``sync_p95_ms``. With
   ``--cleanup`` the dossiers the sync batches created (codes ``…-LT…``) are deleted.

Figures from a shared machine (other processes on the same cores) are not comparable with an idle one:
the load average before and after is included.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCUST_VENV = ROOT / ".venv-locust"
LOCUST_SPEC = "locust>=2.40,<2.48"


def _setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def _session_for(user) -> str:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def prepare(province_code: str, path: Path) -> dict:
    """The accounts, tokens, sessions and samples the Locust users need (idempotent)."""
    from accounts.audit import AuditContext
    from accounts.models import Role, RoleAssignment, User
    from accounts.services import cli_actor, grant_role
    from accounts.services.tokens import issue_token
    from reconciliation.models import SourceSystem
    from reconciliation.services.sources import ensure_token
    from tthc.models import Agency, AgencyKind, Dossier, Procedure
    from tthc.periods import Period

    actor, context = cli_actor(), AuditContext(source="bench")
    province = Agency.objects.get(code=province_code)
    national = Agency.objects.get(code="VPCP")
    fixture: dict = {"province": province_code, "month": str(Period.last_closed())}
    for key, username, role, agency in (
        ("officer", "loadtest.province.officer", Role.OFFICER, province),
        ("admin", "loadtest.national.admin", Role.NATIONAL_ADMIN, national),
    ):
        user, _ = User.objects.get_or_create(username=username, defaults={"full_name": username})
        if not RoleAssignment.objects.active().filter(user=user, agency=agency, role=role).exists():
            grant_role(actor, user, agency, role, context=context)
        visible = Dossier.objects.all()
        if key == "officer":
            visible = visible.filter(receiving_agency__path__startswith=agency.path)
        fixture[key] = {
            "token": issue_token(user, actor=actor, context=context),
            "session": _session_for(user),
            "dossier_codes": list(visible.order_by("-id").values_list("code", flat=True)[:300]),
        }
    portal = SourceSystem.objects.portal()
    fixture["sync"] = {"token": ensure_token(actor, portal, rotate=True, context=context)}
    communes = Agency.objects.active().filter(kind=AgencyKind.COMMUNE, path__startswith=province.path)
    fixture["communes"] = list(communes.values_list("code", flat=True)[:200])
    fixture["procedures"] = list(
        Procedure.objects.filter(level_commune=True).order_by("code").values_list("code", flat=True)[:100]
    )
    path.write_text(json.dumps(fixture), encoding="utf-8")
    return fixture


def _wait_port(port: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.5)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {seconds} s")


def warm_up_paths(fixture: dict) -> list[tuple[str, str]]:
    """(role, path) of every read ``bench/locustfile.py`` makes — keep the two in step."""
    month, province = fixture["month"], fixture["province"]
    officer = [
        "/api/v1/dossiers/",
        "/api/v1/dossiers/?status=4",
        f"/api/v1/dossiers/{fixture['officer']['dossier_codes'][0]}/",
        f"/indicators/{province}/",
        f"/api/v1/indicators/?period={month}",
        f"/api/v1/reconciliation/gaps/?period={month}&province={province}",
        "/requests/",
    ]
    admin = [
        "/api/v1/dossiers/",
        f"/api/v1/dossiers/{fixture['admin']['dossier_codes'][0]}/",
        f"/reconciliation/matrix/?period={month}",
        "/indicators/rankings/",
        f"/api/v1/reconciliation/runs/?period={month}",
        f"/reconciliation/gaps/?period={month}&province={province}",
    ]
    return [("officer", p) for p in officer] + [("admin", p) for p in admin]


def _warm_up(port: int, fixture: dict, workers: int) -> None:
    """Every read of the load test a few times per worker first: a gunicorn worker's first request
    of each kind imports its views, compiles its templates and fills its per-process caches (150–200 ms
    each here), which is what a freshly started server pays, not what the load test measures."""
    import urllib.request

    for _ in range(2 * workers):
        for role, path in warm_up_paths(fixture):
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}{path}",
                headers={"Authorization": f"Token {fixture[role]['token']}"},
            )
            request.add_header("Cookie", f"sessionid={fixture[role]['session']}")
            try:
                urllib.request.urlopen(request, timeout=60).read()
            except Exception as exc:  # reported by Locust if it persists
                print(f"warm-up {path}: {exc}", file=sys.stderr)


def _locust_bin() -> Path:
    exe = LOCUST_VENV / "bin" / "locust"
    if not exe.exists():
        subprocess.run([sys.executable, "-m", "venv", str(LOCUST_VENV)], check=True)
        subprocess.run([str(LOCUST_VENV / "bin" / "pip"), "install", "-q", LOCUST_SPEC], check=True)
    return exe


def _stop(proc: subprocess.Popen | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def read_stats(prefix: str) -> dict:
    """Locust's ``<prefix>_stats.csv`` as JSON figures per endpoint."""
    endpoints = {}
    with open(f"{prefix}_stats.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            name = row["Name"] if row["Type"] else "Aggregated"
            endpoints[f"{row['Type']} {name}".strip()] = {
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "p50_ms": float(row["50%"] or 0),
                "p95_ms": float(row["95%"] or 0),
                "p99_ms": float(row["99%"] or 0),
                "rps": round(float(row["Requests/s"] or 0), 2),
            }
    reads = [v["p95_ms"] for k, v in endpoints.items() if k.startswith("GET ")]
    syncs = [v["p95_ms"] for k, v in endpoints.items() if k.startswith("POST ")]
    total = endpoints.get("Aggregated", {})
    return {
        "endpoints": endpoints,
        "requests": total.get("requests", 0),
        "failures": total.get("failures", 0),
        "rps": total.get("rps", 0),
        "reads_p95_ms": max(reads) if reads else None,
        "sync_p95_ms": max(syncs) if syncs else None,
    }


def run(users: int, seconds: int, workers: int, batch: int, port: int, province: str, cleanup: bool) -> dict:
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("DATABASE_URL must point at PostgreSQL")
    # One key for this process (the sessions it signs) and the servers it starts.
    os.environ["DJANGO_SECRET_KEY"] = secrets.token_urlsafe(50)
    os.environ["DJANGO_DEBUG"] = "false"
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
    _setup_django()
    from django.conf import settings

    tmp = Path(tempfile.mkdtemp(prefix="tthc-loadtest-"))
    fixture = tmp / "fixture.json"
    prepare(province, fixture)
    env = {
        **os.environ,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "TTHC_LOADTEST_FIXTURE": str(fixture),
        "TTHC_LOADTEST_BATCH": str(batch),
    }
    bin_dir = Path(sys.executable).parent
    subprocess.run(
        [str(bin_dir / "python"), "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    locust = _locust_bin()
    web = worker = None
    load_before = os.getloadavg()
    try:
        web = subprocess.Popen(
            [str(bin_dir / "gunicorn"), "config.wsgi", "-b", f"127.0.0.1:{port}", "-w", str(workers),
             "--timeout", "120", "--graceful-timeout", "20", "--log-file", str(tmp / "gunicorn.log")],
            cwd=ROOT, env=env, stdout=sys.stderr,
        )  # fmt: skip
        if settings.REDIS_URL:
            worker = subprocess.Popen(
                [str(bin_dir / "celery"), "-A", "config", "worker", "-l", "warning", "--concurrency", "1",
                 "--logfile", str(tmp / "worker.log")],
                cwd=ROOT, env=env,
            )  # fmt: skip
        _wait_port(port)
        _warm_up(port, json.loads(fixture.read_text(encoding="utf-8")), workers)
        prefix = str(tmp / "locust")
        subprocess.run(
            [str(locust), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless", "-u", str(users), "-r", "5",
             "-t", f"{seconds}s", "--host", f"http://127.0.0.1:{port}", "--csv", prefix, "--only-summary",
             "--stop-timeout", "30", "--exit-code-on-error", "0"],
            cwd=ROOT, env=env, check=True, timeout=seconds + 180, stdout=sys.stderr,
        )  # fmt: skip
    finally:
        _stop(web)
        _stop(worker)
    result = {
        "users": users,
        "seconds": seconds,
        "gunicorn_workers": workers,
        "celery_worker": bool(settings.REDIS_URL),
        "sync_batch_records": batch,
        **read_stats(prefix),
        "loadavg_before": [round(x, 2) for x in load_before],
        "loadavg_after": [round(x, 2) for x in os.getloadavg()],
        "logs": str(tmp),
    }
    if cleanup:
        result["cleaned_up_dossiers"] = cleanup_created()
    return result


def cleanup_created() -> int:
    """Delete what the sync batches created (codes ``…-LT…``): their source records, then the dossiers."""
    from reconciliation.models import SourceDossier
    from tthc.models import Dossier

    SourceDossier.objects.filter(code__contains="-LT").delete()
    deleted, _ = Dossier.objects.filter(code__contains="-LT").delete()
    return deleted


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--batch", type=int, default=1000, help="records per sync batch")
    parser.add_argument("--port", type=int, default=8017)
    parser.add_argument("--province", default="01")
    parser.add_argument("--cleanup", action="store_true", help="delete the dossiers the sync batches created")
    parser.add_argument(
        "--prepare-only", metavar="FILE", help="write the fixture (accounts, tokens) and stop"
    )
    args = parser.parse_args(argv)
    if args.prepare_only:
        _setup_django()
        prepare(args.province, Path(args.prepare_only))
        return 0
    result = run(args.users, args.seconds, args.workers, args.batch, args.port, args.province, args.cleanup)
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
