"""Shared pieces of the fault drills: a private Redis, gunicorn and Celery processes this drill starts
(and only those are stopped), HTTP helpers, and a sync batch generator. Not imported by the project."""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
TMP = Path(tempfile.mkdtemp(prefix="tthc-drill-"))


def log(message: str) -> None:
    print(f"[{datetime.now():%H:%M:%S}] {message}", flush=True)


def wait_port(port: int, seconds: float = 60, up: bool = True) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if (s.connect_ex(("127.0.0.1", port)) == 0) == up:
                return
        time.sleep(0.3)
    raise RuntimeError(f"127.0.0.1:{port} still {'closed' if up else 'open'} after {seconds} s")


class Redis:
    """A private redis-server on ``port`` (never the shared one), without persistence."""

    def __init__(self, port: int):
        self.port = port
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(TMP)],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        wait_port(self.port)
        log(f"redis up on 127.0.0.1:{self.port} (pid {self.proc.pid})")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=20)
            wait_port(self.port, up=False)
            log("redis stopped")

    def cli(self, *args: str) -> str:
        return subprocess.run(
            ["redis-cli", "-p", str(self.port), *args], capture_output=True, text=True, check=True
        ).stdout.strip()


def environment(redis_port: int, **extra: str) -> dict:
    env = {
        **os.environ,
        "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": os.environ.get("DRILL_SECRET_KEY") or secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        **extra,
    }
    if not env.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("set DATABASE_URL to a PostgreSQL database holding demo data (seed_demo)")
    return env


def manage(env: dict, *args: str) -> str:
    return subprocess.run(
        [str(BIN / "python"), "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def prepare(env: dict) -> dict:
    path = TMP / "fixture.json"
    subprocess.run(
        [str(BIN / "python"), "bench/loadtest.py", "--prepare-only", str(path)], cwd=ROOT, env=env, check=True
    )
    return json.loads(path.read_text(encoding="utf-8"))


def start(env: dict, argv: list[str], name: str) -> subprocess.Popen:
    out = open(TMP / f"{name}.log", "w", encoding="utf-8")  # noqa: SIM115 - closed with the process
    proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    log(f"{name} started (pid {proc.pid}, log {TMP / f'{name}.log'})")
    return proc


def gunicorn(env: dict, port: int) -> subprocess.Popen:
    manage(env, "collectstatic", "--noinput", "-v", "0")
    proc = start(
        env, [str(BIN / "gunicorn"), "config.wsgi", "-b", f"127.0.0.1:{port}", "-w", "2"], "gunicorn"
    )
    wait_port(port)
    return proc


def stop(proc: subprocess.Popen | None, sig: int = signal.SIGTERM) -> None:
    if proc is not None and proc.poll() is None:
        proc.send_signal(sig)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def request(
    port: int, path: str, token: str | None = None, session: str | None = None, body: bytes | None = None
):
    """(status, seconds) of one request; errors are statuses, not exceptions."""
    req = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", data=body, method="POST" if body else "GET"
    )
    if token:
        req.add_header("Authorization", f"Token {token}")
    if session:
        req.add_header("Cookie", f"sessionid={session}")
    if body:
        req.add_header("Content-Type", "application/json")
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(req, timeout=60) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    return status, round(time.perf_counter() - started, 3)


def sync_body(fixture: dict, records: int, tag: str) -> bytes:
    base = datetime.now() - timedelta(days=1)
    data = []
    for i in range(records):
        at = base + timedelta(minutes=i)
        data.append(
            {
                "MaHoSo": f"{fixture['communes'][i % len(fixture['communes'])]}-{at:%y%m%d}-DR{tag}{i:05d}",
                "MaTTHC": fixture["procedures"][i % len(fixture["procedures"])],
                "KenhThucHien": "2",
                "ChuHoSo": "Nguyễn Văn Diễn Tập",
                "LoaiDoiTuong": "1",
                "NgayNopHoSo": at.strftime("%Y%m%d%H%M%S"),
                "NgayTiepNhan": at.strftime("%Y%m%d%H%M%S"),
                "NgayHenTra": (at + timedelta(days=5)).strftime("%Y%m%d%H%M%S"),
                "TrangThaiHoSo": "4",
            }
        )
    return json.dumps({"service": "DongBoHoSoMC", "isUpdating": False, "data": data}).encode()


def sql(env: dict, query: str) -> str:
    """One value from the drill's database (psql, no Django in this process)."""
    return subprocess.run(
        ["psql", env["DATABASE_URL"], "-Atc", query], capture_output=True, text=True, check=True
    ).stdout.strip()


def cleanup(env: dict, tag: str) -> None:
    """Delete the drill's dossiers (codes ``…-<tag>…``) with their history and source records."""
    pattern = f"%-{tag}%"
    for statement in (
        "DELETE FROM tthc_dossierevent WHERE dossier_id IN (SELECT id FROM tthc_dossier WHERE code LIKE '{p}')",
        "DELETE FROM reconciliation_sourcedossier WHERE code LIKE '{p}'",
        "DELETE FROM tthc_dossier WHERE code LIKE '{p}'",
    ):
        sql(env, statement.format(p=pattern))
