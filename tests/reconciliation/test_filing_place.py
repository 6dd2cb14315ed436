"""Where a dossier was filed (NoiNopHoSo): stored on the source's copy and the dossier, filtered and
exported by the dossier API, the gap list and its exports, and the index's drill-downs."""

from __future__ import annotations

import csv
import io
import json

import pytest
from rest_framework.test import APIClient

from accounts.models import Role
from reconciliation.models import Gap, ReconciliationRun, SourceDossier
from reconciliation.services.ingest import ingest
from tests.accounts.helpers import make_user
from tthc import filing
from tthc.models import Dossier

from .fixtures.world import build_world, stream

pytestmark = pytest.mark.django_db


def hoso(code: str, place=None, **extra) -> dict:
    raw = {
        "MaHoSo": code,
        "MaTTHC": "1.001193",
        "TrangThaiHoSo": "4",
        "KenhThucHien": "2",
        "NgayNopHoSo": "20251010080000",
        "NgayTiepNhan": "20251010083000",
        "NgayHenTra": "20251017170000",
    }
    if place is not None:
        raw["NoiNopHoSo"] = place
    raw.update(extra)
    return raw


def send(source, *records):
    return ingest(source, stream(json.dumps({"service": "DongBoHoSoMC", "data": list(records)})), "portal")


@pytest.fixture
def world():
    return build_world()


def test_the_code_list_is_data_with_vietnamese_labels():
    assert [(p.code, p.key) for p in filing.places()] == [(1, "portal"), (2, "ministry"), (3, "province")]
    assert filing.by_code(1).name_vi == "Cổng Dịch vụ công quốc gia"
    assert filing.parse("portal") == filing.parse("1") == 1 and filing.parse("none") is None
    with pytest.raises(ValueError, match="portal, ministry, province, none"):
        filing.parse("dvcqg")


def test_noinophoso_is_stored_on_the_copy_and_the_dossier(world):
    source, portal = world["province_system"], world["portal"]
    report = send(source, hoso("00004-251010-000001", "1"), hoso("00004-251010-000002", 3))
    assert report.created == 2
    assert dict(SourceDossier.objects.values_list("code", "filing_place")) == {
        "00004-251010-000001": 1,
        "00004-251010-000002": 3,
    }
    assert Dossier.objects.get(code="00004-251010-000001").filing_place == 1
    # a later version that does not say where it was filed keeps what is known (another source's word)
    send(portal, hoso("00004-251010-000002", None, TrangThaiHoSo="9", NgayKetThucXuLy="20251012100000"))
    send(source, hoso("00004-251010-000002", "", TrangThaiHoSo="9", NgayKetThucXuLy="20251012100000"))
    assert Dossier.objects.get(code="00004-251010-000002").filing_place == 3


@pytest.mark.parametrize("value, reason", [("7", "invalid"), ({"a": 1}, "wrong_type"), ("x", "invalid")])
def test_an_unknown_filing_place_is_rejected_naming_the_field(world, value, reason):
    report = send(world["province_system"], hoso("00004-251010-000003", value))
    assert report.rejected == 1
    (error,) = report.errors
    assert (error["field"], error["reason"]) == ("NoiNopHoSo", reason)
    if reason == "invalid":
        assert "filing_places.csv" in error["error"]


def test_zero_means_not_stated(world):
    assert send(world["province_system"], hoso("00004-251010-000004", "0")).created == 1
    assert Dossier.objects.get(code="00004-251010-000004").filing_place is None


def test_the_dossier_api_filters_by_filing_place(world):
    send(
        world["province_system"],
        hoso("00004-251010-000011", "1"),
        hoso("00004-251010-000012", "3"),
        hoso("00004-251010-000013"),
    )
    client = APIClient()
    client.force_authenticate(make_user("nat", Role.NATIONAL_ADMIN, world["hanoi"]))

    def codes(**query):
        response = client.get("/api/v1/dossiers/", query)
        assert response.status_code == 200, response.content
        return {r["code"][-2:]: r["filing_place_key"] for r in response.json()["results"]}

    assert codes(filing_place="portal") == {"11": "portal"}
    assert codes(filing_place="province") == {"12": "province"}
    assert codes(filing_place="none") == {"13": ""}
    bad = client.get("/api/v1/dossiers/", {"filing_place": "dvcqg"})
    assert bad.status_code == 400 and "filing_place" in bad.json()


def test_gaps_filter_and_export_by_filing_place(world, client):
    send(world["province_system"], hoso("00004-251010-000021", "1"), hoso("00004-251010-000022", "2"))
    run = ReconciliationRun.objects.create(
        period="2025-10",
        province=world["hanoi"],
        source=world["province_system"],
        started_at="2025-11-01T00:00Z",
    )
    for code in ("00004-251010-000021", "00004-251010-000022", "00004-251010-000099"):
        Gap.objects.create(run=run, kind="missing_on_portal", dossier_code=code, procedure_code="1.001193")
    user = make_user("nat", Role.NATIONAL_ADMIN, world["hanoi"])
    api = APIClient()
    api.force_authenticate(user)
    listed = api.get("/api/v1/reconciliation/gaps/", {"filing_place": "portal"}).json()["results"]
    assert [(g["dossier_code"][-2:], g["filing_place"]) for g in listed] == [("21", "portal")]
    none = api.get("/api/v1/reconciliation/gaps/", {"filing_place": "none"}).json()["results"]
    assert [g["dossier_code"][-2:] for g in none] == ["99"]
    client.force_login(user)
    page = client.get("/reconciliation/gaps/", {"filing_place": "ministry"})
    assert page.status_code == 200
    assert "00004-251010-000022" in page.text and "00004-251010-000021" not in page.text
    assert "Hệ thống thông tin giải quyết TTHC cấp bộ" in page.text or "A ministry&#x27;s system" in page.text
    export = client.get("/reconciliation/gaps/export.csv", {"period": "2025-10"}, HTTP_ACCEPT_LANGUAGE="vi")
    text = b"".join(export.streaming_content).decode("utf-8-sig")
    header, *rows = list(csv.reader(io.StringIO(text.strip())))
    assert "filing_place" not in header and len(rows) == 3  # Vietnamese headers, the key in brackets
    code = header.index("Mã nơi nộp hồ sơ (filing_place)")
    assert header[code - 1] == "Nơi nộp hồ sơ"  # the label, then its code
    assert sorted(row[code] for row in rows) == ["", "ministry", "portal"]
    assert sorted(row[code - 1] for row in rows) == sorted(
        ["", filing.by_code(1).name_vi, filing.by_code(2).name_vi]
    )


def test_late_dossier_drill_down_isolates_online_dossiers_filed_through_the_portal():
    """Seed 004, Phụ lục II: overdue online dossiers filed through the national portal."""
    from indicators.services import compute
    from tests.indicators import golden

    g = golden.build()
    Dossier.objects.filter(code__in=["d2", "d3"]).update(channel=2)
    Dossier.objects.filter(code__in=["d2", "d5"]).update(filing_place=1)
    Dossier.objects.filter(code="d3").update(filing_place=3)
    compute.recompute(golden.PERIOD, now=golden.NOW)
    client = APIClient()
    client.force_authenticate(make_user("p1", Role.OFFICER, g.P1))
    url = f"/api/v1/indicators/01/{golden.PERIOD}/components/ON_TIME/"
    late = client.get(url).json()
    assert {r["code"] for r in late["results"]} == {"d2", "d3", "d5", "d6"}
    portal = client.get(url, {"filing_place": "portal", "channel": "2"}).json()
    assert [(r["code"], r["filing_place"]) for r in portal["results"]] == [("d2", 1)]
    assert {r["code"] for r in client.get(url, {"filing_place": "none"}).json()["results"]} == {"d6"}
    assert client.get(url, {"filing_place": "dvcqg"}).status_code == 400
