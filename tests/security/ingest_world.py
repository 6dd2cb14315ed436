"""The ingestion world of the security tests: the reconciliation fixtures' Hà Nội and Ministry of
Justice, plus Đà Nẵng with its own system, another ministry's system and procedure, a reporting
system, and API clients holding each system's token."""

from __future__ import annotations

import json

from rest_framework.test import APIClient

from reconciliation.models import SourceKind, SourceSystem
from reconciliation.services.sources import create_source_system
from tests.factories import AgencyFactory, ProcedureFactory
from tests.reconciliation.fixtures.world import build_world
from tthc.models import Agency, AgencyKind

URL = "/api/v1/sync/dossiers/"

#: The probe of the security review, verbatim: a Hà Nội token posting a Đà Nẵng dossier.
PROBE = {
    "service": "DongBoHoSoMC",
    "data": [
        {
            "MaHoSo": "20242-260403-000001",
            "MaTTHC": "1.006287",
            "MaDonVi": "20242",
            "TrangThaiHoSo": 3,
            "NgayTiepNhan": "20260403080000",
            "NgayTuChoi": "20991231000000",
        }
    ],
}
#: The Đà Nẵng dossier as Đà Nẵng's own system reports it (returned, status 10).
DANANG_DOSSIER = {
    "MaHoSo": "20242-260403-000001",
    "MaTTHC": "1.006287",
    "MaDonVi": "20242",
    "TrangThaiHoSo": "10",
    "NgayNopHoSo": "20260403075000",
    "NgayTiepNhan": "20260403080000",
    "NgayHenTra": "20260417170000",
    "NgayKetThucXuLy": "20260410090000",
    "NgayTra": "20260410150000",
    "ChuHoSo": "Lê Thị Mai",
}


def build_security_world() -> dict:
    world = build_world()
    cp = Agency.objects.get(code="CP")
    danang = AgencyFactory(code="48", name="Thành phố Đà Nẵng", kind=AgencyKind.PROVINCE, parent=cp)
    AgencyFactory(code="20242", name="Phường Hải Châu", kind=AgencyKind.COMMUNE, parent=danang)
    btc = AgencyFactory(code="BTC", name="Bộ Tài chính", kind=AgencyKind.MINISTRY, parent=cp)
    AgencyFactory(
        code="BTP-CHT", name="Cục Hộ tịch, quốc tịch, chứng thực", kind=AgencyKind.UNIT, parent=world["btp"]
    )
    ProcedureFactory(
        code="1.006287",
        name="Thủ tục đăng ký lại khai tử có yếu tố nước ngoài",
        ministry=world["btp"],
        central_system="HOTICH",
    )
    ProcedureFactory(
        code="2.001610", name="Đăng ký thành lập doanh nghiệp tư nhân", ministry=btc, central_system="DKDN"
    )
    ProcedureFactory(code="1.009999", name="Thủ tục do tỉnh tự giải quyết", ministry=btc, central_system="")
    world.update(
        danang=danang,
        btc=btc,
        danang_system=SourceSystem.objects.create(
            code="HTTT-48", name="Hệ thống TTHC Đà Nẵng", kind=SourceKind.PROVINCIAL, owner=danang
        ),
        business_system=SourceSystem.objects.create(
            code="DKDN", name="Đăng ký doanh nghiệp", kind=SourceKind.MINISTRY, owner=btc
        ),
        reporting=SourceSystem.objects.create(
            code="BCQG", name="Hệ thống báo cáo quốc gia", kind=SourceKind.REPORTING, owner=cp
        ),
    )
    return world


def client_for(code: str) -> APIClient:
    """An API client with a fresh token of the (existing) source system ``code``."""
    source = SourceSystem.objects.get(code=code)
    _, token = create_source_system(code, source.name, source.kind, source.owner.code, rotate_token=True)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return api


def post(api: APIClient, body, content_type: str = "application/json", **extra):
    if not isinstance(body, (bytes, str)):
        body = json.dumps(body)
    return api.generic("POST", URL, body, content_type=content_type, **extra)


def envelope(*records, service: str = "DongBoHoSoMC") -> dict:
    return {"service": service, "data": list(records)}


def hanoi_record(n: int, **changes) -> dict:
    """A valid Hà Nội dossier (commune 00004, a HOTICH procedure)."""
    raw = {
        "MaHoSo": f"00004-250105-{n:06d}",
        "MaTTHC": "1.001193",
        "TrangThaiHoSo": "2",
        "NgayNopHoSo": "20250105080000",
        "NgayTiepNhan": "20250105083000",
        "NgayHenTra": "20250107170000",
        "ChuHoSo": "Nguyễn Văn An",
    }
    raw.update(changes)
    return {k: v for k, v in raw.items() if v is not None}
