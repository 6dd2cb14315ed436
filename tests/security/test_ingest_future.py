"""Event times beyond now plus a margin are refused (``future_date``): the newest event time wins, so
one far-future time would freeze a dossier against every later genuine update."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command

from reconciliation.models import RejectedRecord
from reconciliation.services.ingest import ingest
from tests.reconciliation.fixtures.world import stream
from tthc.models import Dossier

from .ingest_world import build_security_world, client_for, envelope, hanoi_record, post

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_security_world()


def vn_in(hours: float) -> str:
    return (datetime.now(UTC) + timedelta(hours=7 + hours)).strftime("%Y%m%d%H%M%S")


def test_a_2099_event_time_is_rejected_through_the_api(world):
    record = hanoi_record(1, TrangThaiHoSo=3, NgayTuChoi="20991231000000")
    response = post(client_for("HTTT-01"), envelope(record))
    assert response.status_code == 200
    answer = response.json()
    assert (answer["created"], answer["rejected"]) == (0, 1)
    (error,) = answer["errors"]
    assert (error["field"], error["reason"]) == ("NgayTuChoi", "future_date")
    assert "20991231000000" in error["error"]
    assert not Dossier.objects.exists()
    assert RejectedRecord.objects.get(batch_id=answer["batch"]).errors == [error]


def test_a_2099_event_time_is_rejected_through_the_command(world, tmp_path, capsys):
    path = tmp_path / "ho_so.jsonl"
    step = {"ThoiDiemXuLy": "20990101000000", "TrangThai": "4"}
    path.write_text(json.dumps(hanoi_record(2, QuaTrinhXuLy=[step])) + "\n", encoding="utf-8")
    call_command("import_dossiers", str(path), "--source", "HTTT-01", "--json")
    answer = json.loads(capsys.readouterr().out)
    assert answer["rejected"] == 1
    assert [(e["field"], e["reason"]) for e in answer["errors"]] == [("QuaTrinhXuLy", "future_date")]


def test_a_future_progress_step_is_rejected(world):
    ingest(world["province_system"], stream(json.dumps(envelope(hanoi_record(3)))), "portal")
    step = {"MaHoSo": "00004-250105-000003", "ThoiDiemXuLy": "20991231000000", "TrangThai": "10"}
    answer = post(client_for("HTTT-01"), envelope(step, service="CapNhatTienDoHoSoMC")).json()
    assert [(e["field"], e["reason"]) for e in answer["errors"]] == [("ThoiDiemXuLy", "future_date")]
    assert Dossier.objects.get(code="00004-250105-000003").status == 2


def test_the_margin_is_a_setting(world, settings):
    soon = hanoi_record(4, TrangThaiHoSo="4", QuaTrinhXuLy=[{"ThoiDiemXuLy": vn_in(2), "TrangThai": "4"}])
    settings.INGEST_FUTURE_MARGIN_HOURS = 1
    assert post(client_for("HTTT-01"), envelope(soon)).json()["errors"][0]["reason"] == "future_date"
    settings.INGEST_FUTURE_MARGIN_HOURS = 24  # the default: a clock two hours ahead is tolerated
    assert post(client_for("HTTT-01"), envelope(soon)).json()["created"] == 1


def test_a_refused_future_version_does_not_freeze_the_dossier(world):
    source = world["province_system"]
    ingest(source, stream(json.dumps(envelope(hanoi_record(5)))), "portal")
    frozen = hanoi_record(5, TrangThaiHoSo="3", NgayTuChoi="20991231000000")
    assert ingest(source, stream(json.dumps(envelope(frozen))), "portal").rejected == 1
    genuine = hanoi_record(5, TrangThaiHoSo="10", NgayKetThucXuLy="20250106090000", NgayTra="20250106100000")
    assert ingest(source, stream(json.dumps(envelope(genuine))), "portal").updated == 1
    assert Dossier.objects.get(code="00004-250105-000005").status == 10
