"""Procedures without dossiers (seed 003 II.2.đ): no dossier anywhere for 36 months (a setting), for
the owning ministry to review — page, API and exports, scoped by the gate."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Role
from indicators.services import dormant
from tests.accounts.helpers import make_user
from tests.factories import DossierFactory, ProcedureFactory, ministry, province
from tthc.calendar import VN_TZ

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 12, 5, 9, 0, tzinfo=VN_TZ)


@pytest.fixture
def w():
    btp, byt, hn = ministry("BTP", "Bộ Tư pháp"), ministry("BYT", "Bộ Y tế"), province("01", "Hà Nội")
    procs = {
        code: ProcedureFactory(code=code, name=f"Thủ tục {code}", ministry=owner)
        for code, owner in [("T-NEVER", btp), ("T-OLD", btp), ("T-RECENT", btp), ("Y-NEVER", byt)]
    }
    DossierFactory(
        code="old",
        procedure=procs["T-OLD"],
        receiving_agency=hn,
        received_at=datetime(2023, 12, 4, tzinfo=VN_TZ),
    )
    DossierFactory(
        code="new",
        procedure=procs["T-RECENT"],
        receiving_agency=hn,
        received_at=datetime(2023, 12, 6, tzinfo=VN_TZ),
    )
    return {"btp": btp, "byt": byt, "hn": hn, **procs}


def codes(qs) -> list[str]:
    return list(qs.values_list("code", flat=True))


def test_cutoff_is_36_months_by_default(settings):
    assert dormant.cutoff(NOW) == datetime(2023, 12, 5, 9, 0, tzinfo=VN_TZ)
    settings.INDICATOR_DORMANT_MONTHS = 12
    assert dormant.cutoff(NOW) == datetime(2025, 12, 5, 9, 0, tzinfo=VN_TZ)
    assert dormant.cutoff(datetime(2026, 5, 31, tzinfo=VN_TZ), 3) == datetime(2026, 2, 28, tzinfo=VN_TZ)


def test_no_dossier_for_36_months_anywhere(w):
    qs = dormant.without_dossiers(now=NOW)
    assert codes(qs) == ["T-NEVER", "T-OLD", "Y-NEVER"]
    last = dict(qs.values_list("code", "last_dossier_at"))
    assert last["T-NEVER"] is None and last["T-OLD"].astimezone(VN_TZ).date().isoformat() == "2023-12-04"
    assert dormant.per_ministry(qs) == [
        {"code": "BTP", "name": "Bộ Tư pháp", "procedures": 2},
        {"code": "BYT", "name": "Bộ Y tế", "procedures": 1},
    ]


def test_one_statement_whatever_the_number_of_procedures(w):
    for i in range(30):
        ProcedureFactory(code=f"X-{i}", ministry=w["btp"])
    with CaptureQueriesContext(connection) as ctx:
        rows = list(dormant.rows(dormant.without_dossiers(now=NOW)))
    assert len(rows) == 33 and len(ctx.captured_queries) == 1


def _users(w):
    return {
        "btp": make_user("btp", Role.OFFICER, w["btp"]),
        "province": make_user("prov", Role.SENIOR_ADMIN, w["hn"]),
        "national": make_user("nat", Role.NATIONAL_ADMIN, w["hn"]),
    }


def test_scoped_by_the_gate_page_api_and_exports(w, client, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    users = _users(w)
    url = "/api/v1/indicators/procedures-without-dossiers/"
    expected = {"btp": ["T-NEVER", "T-OLD"], "province": [], "national": ["T-NEVER", "T-OLD", "Y-NEVER"]}
    for name, want in expected.items():
        api = APIClient()
        api.force_authenticate(users[name])
        body = api.get(url).json()
        assert [r["code"] for r in body["results"]] == want, name
        assert body["months"] == 36 and body["count"] == len(want)
        client.force_login(users[name])
        page = client.get(reverse("indicators:procedures-without-dossiers"))
        assert page.status_code == 200
        html = page.content.decode()
        assert all(code in html for code in want) and ("Y-NEVER" in html) == ("Y-NEVER" in want)
        exported = client.get(
            reverse("indicators:procedures-without-dossiers"), {"export": "csv", "headers": "codes"}
        )
        text = b"".join(exported.streaming_content).decode("utf-8-sig")
        assert [r["code"] for r in csv.DictReader(io.StringIO(text))] == want
        words = client.get(reverse("indicators:procedures-without-dossiers"), {"export": "csv"})
        header = next(csv.reader(io.StringIO(b"".join(words.streaming_content).decode("utf-8-sig"))))
        assert header[:4] == ["Mã thủ tục", "Tên thủ tục", "Bộ quản lý", "Mã bộ quản lý (ministry)"]
    # Another ministry's filter is out of scope: 404, as everywhere.
    api = APIClient()
    api.force_authenticate(users["btp"])
    assert api.get(url, {"ministry": "BYT"}).status_code == 404
    assert api.get(url, {"ministry": "BTP", "page_size": 1}).json()["count"] == 2
    client.force_login(users["btp"])
    assert (
        client.get(reverse("indicators:procedures-without-dossiers"), {"ministry": "BYT"}).status_code == 404
    )
    xlsx = client.get(reverse("indicators:procedures-without-dossiers"), {"export": "xlsx"})
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxml")


def test_login_required(client):
    response = client.get(reverse("indicators:procedures-without-dossiers"))
    assert response.status_code == 302
    assert APIClient().get("/api/v1/indicators/procedures-without-dossiers/").status_code in (401, 403)
