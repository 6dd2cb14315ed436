"""The sync endpoint and the commands: same service, same answer, the documented status codes."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from rest_framework.test import APIClient

from accounts.models import ApiToken
from accounts.services.tokens import digest_of, issue_token, token_for_key
from reconciliation.api import views as sync
from reconciliation.models import IngestBatch, SourceSystem
from reconciliation.services.sources import create_source_system
from tthc.models import Dossier

from .fixtures.world import HERE, build_world, fixture_bytes

pytestmark = pytest.mark.django_db
URL = "/api/v1/sync/dossiers/"


@pytest.fixture
def world():
    return build_world()


@pytest.fixture
def client(world):
    _, token = create_source_system(
        "HTTT-01", "Hệ thống thông tin giải quyết TTHC Hà Nội", "provincial", "01"
    )
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return api


def post(api, body, content_type="application/json", **extra):
    return api.generic("POST", URL, body, content_type=content_type, **extra)


@pytest.mark.parametrize(
    "name, content_type",
    [
        ("portal_dongbo.json", "application/json"),
        ("dossiers.jsonl", "application/x-ndjson"),
        ("dossiers.csv", "text/csv; charset=utf-8"),
    ],
)
def test_each_format_by_content_type(client, name, content_type):
    response = post(client, fixture_bytes(name), content_type)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body == {
        "batch": body["batch"],
        "created": 3,
        "updated": 0,
        "unchanged": 0,
        "rejected": 0,
        "errors": [],
    }
    batch = IngestBatch.objects.get(pk=body["batch"])
    assert batch.source.code == "HTTT-01" and batch.submitted_by.system_account.system_code == "HTTT-01"


def test_rejects_still_answer_200(client):
    body = {
        "service": "DongBoHoSoMC",
        "isUpdating": "True",
        "data": [
            {
                "MaHoSo": "00004-250105-000001",
                "MaTTHC": "1.001193",
                "TrangThaiHoSo": "2",
                "NgayTiepNhan": "20250105083000",
            },
            {
                "MaHoSo": "00004-250105-000002",
                "MaTTHC": "1.001193",
                "TrangThaiHoSo": "12",
                "NgayTiepNhan": "20250105083000",
            },
        ],
    }
    response = post(client, json.dumps(body))
    assert response.status_code == 200
    assert response.json()["errors"] == [
        {
            "index": 1,
            "MaHoSo": "00004-250105-000002",
            "field": "TrangThaiHoSo",
            "error": "unknown status '12' (expected 1–10)",
            "reason": "invalid",
        }
    ]
    assert response.json()["created"] == 1 and response.json()["rejected"] == 1


@pytest.mark.parametrize(
    "body, content_type, code",
    [
        (b"{not json", "application/json", 400),
        (b'{"service": "DongBoHoSoMC"}', "application/json", 400),
        (b"ma,trang_thai\n1,2\n", "text/csv", 400),
        (b"<HoSo/>", "application/xml", 415),
    ],
)
def test_unreadable_body_is_400_and_an_unknown_type_415(client, body, content_type, code):
    response = post(client, body, content_type)
    assert response.status_code == code
    answer = response.json()
    assert answer["detail"] and answer["error"] == answer["detail"] and answer["retry"] is False
    assert not Dossier.objects.exists()


def test_too_many_records_is_413(client, monkeypatch):
    monkeypatch.setattr(sync, "MAX_RECORDS", 2)
    line = b'{"MaHoSo": "00004-250105-000001", "MaTTHC": "1.001193", "TrangThaiHoSo": "2", "NgayTiepNhan": "20250105"}\n'
    response = post(client, line * 3, "application/x-ndjson")
    assert response.status_code == 413
    assert "at most 2 records" in response.json()["detail"]
    assert not IngestBatch.objects.exists()


def test_format_query_parameter_overrides_content_type(client):
    response = post(client, fixture_bytes("dossiers.jsonl"), "text/plain", QUERY_STRING="input=jsonl")
    assert response.status_code == 200 and response.json()["created"] == 3


def test_no_token_is_401(world):
    response = post(APIClient(), fixture_bytes("portal_dongbo.json"))
    assert response.status_code == 401


def test_bad_token_is_401(world):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")
    assert post(api, fixture_bytes("portal_dongbo.json")).status_code == 401


def test_inactive_system_is_403(client):
    SourceSystem.objects.filter(code="HTTT-01").update(active=False)
    response = post(client, fixture_bytes("portal_dongbo.json"))
    assert response.status_code == 403
    assert "not active" in response.json()["detail"]


def test_a_person_is_not_a_source_system(world, django_user_model):
    person = django_user_model.objects.create_user("can.bo", password="x-Very-long-1")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {issue_token(person)}")
    response = post(api, fixture_bytes("portal_dongbo.json"))
    assert response.status_code == 403
    assert not IngestBatch.objects.exists()


def test_command_json_equals_the_api_answer(client, capsys):
    api_answer = post(client, fixture_bytes("dossiers.jsonl"), "application/x-ndjson").json()
    Dossier.objects.all().delete()
    from reconciliation.models import SourceDossier

    SourceDossier.objects.all().delete()
    call_command("import_dossiers", str(HERE / "dossiers.jsonl"), "--source", "HTTT-01", "--json")
    printed = json.loads(capsys.readouterr().out)
    assert set(printed) == {"batch", "created", "updated", "unchanged", "rejected", "errors"}
    assert {**printed, "batch": None} == {**api_answer, "batch": None}
    assert printed["batch"] != api_answer["batch"]


def test_command_detects_format_and_reports(world, capsys, tmp_path):
    bad = tmp_path / "dong_bo.json"
    bad.write_text(
        '{"service": "DongBoHoSoMC", "data": [{"MaHoSo": "00004-250105-000009"}]}', encoding="utf-8"
    )
    call_command("import_dossiers", str(bad), "--source", "HTTT-01", "--json")
    printed = json.loads(capsys.readouterr().out)
    assert printed["rejected"] == 1 and {e["field"] for e in printed["errors"]} == {"MaTTHC", "TrangThaiHoSo"}
    with pytest.raises(CommandError, match="No source system"):
        call_command("import_dossiers", str(bad), "--source", "NOPE")
    with pytest.raises(CommandError, match="format"):
        call_command("import_dossiers", str(tmp_path / "x.txt"), "--source", "HTTT-01")
    unreadable = tmp_path / "broken.json"
    unreadable.write_text("{", encoding="utf-8")
    with pytest.raises(CommandError, match="malformed"):
        call_command("import_dossiers", str(unreadable), "--source", "HTTT-01")


def test_command_replay(world, capsys, tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text(
        '{"MaHoSo": "00004-250105-000001", "MaTTHC": "1.001193", "TrangThaiHoSo": "2", '
        '"NgayTiepNhan": "20250105083000", "MaDonVi": "00004X"}\n',
        encoding="utf-8",
    )
    call_command("import_dossiers", str(path), "--source", "HTTT-01", "--json")
    first = json.loads(capsys.readouterr().out)
    assert first["rejected"] == 1
    from tests.factories import AgencyFactory
    from tthc.models import AgencyKind

    AgencyFactory(
        code="00004X", kind=AgencyKind.COMMUNE, parent=world["hanoi"]
    )  # the reference data is fixed
    call_command("import_dossiers", "--replay", str(first["batch"]), "--json")
    replay = json.loads(capsys.readouterr().out)
    assert (replay["created"], replay["rejected"]) == (1, 0)


def test_create_source_system_is_idempotent_and_rotates_the_token_only_when_asked(world, capsys):
    call_command(
        "create_source_system", "LLTP", "--name", "Lý lịch tư pháp", "--kind", "ministry", "--agency", "BTP"
    )
    first = capsys.readouterr().out.strip()
    assert len(first) == 40 and token_for_key(first) is not None
    call_command(
        "create_source_system",
        "LLTP",
        "--name",
        "Hệ thống Lý lịch tư pháp",
        "--kind",
        "ministry",
        "--agency",
        "BTP",
    )
    out = capsys.readouterr()
    assert out.out == "" and "unchanged" in out.err  # an update prints no token and keeps the old one
    assert token_for_key(first) is not None
    source = SourceSystem.objects.get(code="LLTP")
    assert source.name == "Hệ thống Lý lịch tư pháp" and source.owner.code == "BTP"
    call_command(
        "create_source_system",
        "LLTP",
        "--name",
        "Hệ thống Lý lịch tư pháp",
        "--kind",
        "ministry",
        "--agency",
        "BTP",
        "--rotate-token",
    )
    second = capsys.readouterr().out.strip()
    assert first != second and len(second) == 40
    assert token_for_key(first) is None and token_for_key(second).user.system_account.system_code == "LLTP"
    assert not ApiToken.objects.filter(digest__in=[first, second]).exists()  # only digests are stored
    assert ApiToken.objects.filter(digest=digest_of(first), revoked_at__isnull=False).exists()
    with pytest.raises(CommandError, match="No agency"):
        call_command("create_source_system", "X", "--name", "X", "--kind", "ministry", "--agency", "ZZZ")


def test_service_returns_a_working_token(world):
    source, token = create_source_system("HOTICH", "Hộ tịch điện tử", "ministry", "BTP")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = post(api, io.BytesIO(fixture_bytes("portal_dongbo.json")).read())
    assert response.status_code == 200
    assert IngestBatch.objects.get(pk=response.json()["batch"]).source == source


def test_command_writers_default_and_bounds(world, client, monkeypatch, tmp_path):
    """Two writers by default on PostgreSQL outside a transaction; one inside a transaction (the
    other connection would not see its uncommitted data) and on SQLite; nonsense is refused."""
    from django.db import connection

    from reconciliation.management.commands import import_dossiers
    from reconciliation.services.ingest import BatchReport

    seen = []
    monkeypatch.setattr(import_dossiers, "ingest", lambda *a, **k: seen.append(k["writers"]) or BatchReport())
    path = tmp_path / "a.jsonl"
    path.write_text("", encoding="utf-8")
    call_command("import_dossiers", str(path), "--source", "HTTT-01", "--json")
    assert seen == [1]  # the test runs inside a transaction (and on SQLite in the first CI pass)
    from django.db import connections

    wrapper = connections["default"]
    wrapper.in_atomic_block = False  # as when an operator runs the command
    try:
        call_command("import_dossiers", str(path), "--source", "HTTT-01", "--json")
    finally:
        wrapper.in_atomic_block = True
    assert seen[-1] == (2 if connection.vendor == "postgresql" else 1)
    with pytest.raises(CommandError, match="at least 1"):
        call_command("import_dossiers", str(path), "--source", "HTTT-01", "--writers", "0")
    if connection.vendor != "postgresql":
        with pytest.raises(CommandError, match="needs PostgreSQL"):
            call_command("import_dossiers", str(path), "--source", "HTTT-01", "--writers", "2")
