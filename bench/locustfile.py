"""Locust load test: officers and administrators reading, source systems pushing sync batches.

Run it through ``bench/loadtest.py`` (which starts gunicorn, prepares the accounts and writes the
fixture file this reads from ``TTHC_LOADTEST_FIXTURE``); Locust runs as its own process, headless,
bounded in users and time, against 127.0.0.1 only. It imports nothing from the project (Locust's
gevent patching must not meet Django in one process).

Users (weights): a province officer (pages and API reads in their scope, 10), a national
administrator (dashboards, the matrix, lists across the country, 6), a source system pushing a sync
batch of ``TTHC_LOADTEST_BATCH`` records (default 1,000) now and then (2 users' worth, 4).
"""

from __future__ import annotations

import json
import os
import random
import time
from datetime import datetime, timedelta

from locust import HttpUser, between, events, task

FIXTURE = json.loads(open(os.environ["TTHC_LOADTEST_FIXTURE"], encoding="utf-8").read())
BATCH = int(os.environ.get("TTHC_LOADTEST_BATCH", "1000"))


@events.test_start.add_listener
def _check_host(environment, **kwargs):
    host = environment.host or ""
    if not host.startswith(("http://127.0.0.1", "http://localhost")):
        raise SystemExit(f"refusing to load-test {host!r}: 127.0.0.1 only")


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y%m%d%H%M%S")


class _Reader(HttpUser):
    abstract = True
    wait_time = between(0.5, 2)
    role = ""

    def on_start(self):
        me = FIXTURE[self.role]
        self.api = {"Authorization": f"Token {me['token']}"}
        self.client.cookies.set("sessionid", me["session"])
        self.codes = me["dossier_codes"]

    def _api(self, path: str, name: str):
        self.client.get(path, headers=self.api, name=name)

    def _page(self, path: str, name: str):
        self.client.get(path, name=name)


class ProvinceOfficer(_Reader):
    weight = 10
    role = "officer"

    @task(4)
    def dossier_list(self):
        query = random.choice(
            ["", "?status=4", "?open=true", "?overdue=true", "?received=false", "?channel=2"]
        )
        self._api(f"/api/v1/dossiers/{query}", "api dossiers list")

    @task(3)
    def dossier_detail(self):
        self._api(f"/api/v1/dossiers/{random.choice(self.codes)}/", "api dossier detail")

    @task(2)
    def dashboard(self):
        self._page(f"/indicators/{FIXTURE['province']}/", "page indicators dashboard")

    @task(1)
    def indicators_api(self):
        self._api(f"/api/v1/indicators/?period={FIXTURE['month']}", "api indicators")

    @task(1)
    def gaps(self):
        self._api(
            f"/api/v1/reconciliation/gaps/?period={FIXTURE['month']}&province={FIXTURE['province']}",
            "api gaps",
        )

    @task(1)
    def requests_page(self):
        self._page("/requests/", "page requests")


class NationalAdmin(_Reader):
    weight = 6
    role = "admin"

    @task(3)
    def dossier_list(self):
        query = random.choice(
            ["", "?status=3", "?open=true", f"?receiving_agency_subtree={FIXTURE['province']}"]
        )
        self._api(f"/api/v1/dossiers/{query}", "api dossiers list")

    @task(2)
    def dossier_detail(self):
        self._api(f"/api/v1/dossiers/{random.choice(self.codes)}/", "api dossier detail")

    @task(2)
    def matrix(self):
        self._page(f"/reconciliation/matrix/?period={FIXTURE['month']}", "page matrix")

    @task(2)
    def rankings(self):
        self._page("/indicators/rankings/", "page rankings")

    @task(1)
    def runs(self):
        self._api(f"/api/v1/reconciliation/runs/?period={FIXTURE['month']}", "api runs")

    @task(1)
    def gaps_page(self):
        self._page(
            f"/reconciliation/gaps/?period={FIXTURE['month']}&province={FIXTURE['province']}", "page gaps"
        )


class SourceSystem(HttpUser):
    """Pushes a batch of new dossiers (portal envelope), then waits: the sync API under read load."""

    weight = 4
    wait_time = between(5, 10)

    def on_start(self):
        self.headers = {
            "Authorization": f"Token {FIXTURE['sync']['token']}",
            "Content-Type": "application/json",
        }
        self.serial = 0

    @task
    def sync_batch(self):
        self.serial += 1
        rnd = random.Random()
        base = datetime.now() - timedelta(days=2)
        tag = f"{os.getpid() % 1000:03d}{id(self) % 1000:03d}{self.serial:04d}{int(time.time()) % 100000:05d}"
        data = []
        for i in range(BATCH):
            commune = rnd.choice(FIXTURE["communes"])
            received = base + timedelta(minutes=rnd.randrange(1, 2000))
            data.append(
                {
                    "MaHoSo": f"{commune}-{received:%y%m%d}-LT{tag}{i:04d}",
                    "MaTTHC": rnd.choice(FIXTURE["procedures"]),
                    "KenhThucHien": rnd.choice(("1", "2")),
                    "ChuHoSo": "Nguyễn Văn Tải",
                    "LoaiDoiTuong": "1",
                    "TrichYeuHoSo": "Hồ sơ kiểm thử tải",
                    "NgayNopHoSo": _stamp(received - timedelta(minutes=5)),
                    "NgayTiepNhan": _stamp(received),
                    "NgayHenTra": _stamp(received + timedelta(days=5)),
                    "TrangThaiHoSo": "4",
                    "DonViXuLy": "UBND xã",
                }
            )
        body = json.dumps({"service": "DongBoHoSoMC", "isUpdating": False, "data": data})
        self.client.post(
            "/api/v1/sync/dossiers/", data=body, headers=self.headers, name=f"sync batch {BATCH}"
        )
