"""A source system writes only its remit: through the API, the command and replays alike.

The review's probe: the Hà Nội provincial token overwrote a Đà Nẵng dossier (status 10 → 3) with a
2099 refusal time that froze it; a ministry token wrote another ministry's procedures.
"""

import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reconciliation.models import RejectedRecord, SourceDossier
from reconciliation.services.ingest import ingest
from reconciliation.services.remit import Remit
from reconciliation.services.replay import replay_rejected
from tests.factories import AgencyFactory
from tests.reconciliation.fixtures.world import stream
from tthc.models import AgencyKind, Dossier, DossierEvent

from .ingest_world import (
    DANANG_DOSSIER,
    PROBE,
    build_security_world,
    client_for,
    envelope,
    hanoi_record,
    post,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_security_world()


def dossier_state(code: str) -> dict:
    row = Dossier.objects.filter(code=code).values().first()
    return {
        "dossier": row,
        "events": list(DossierEvent.objects.filter(dossier__code=code).values()),
        "copies": list(SourceDossier.objects.filter(code=code).order_by("source_id").values()),
    }


@pytest.fixture
def danang_dossier(world):
    report = ingest(world["danang_system"], stream(json.dumps(envelope(DANANG_DOSSIER))), "portal")
    assert report.created == 1
    return dossier_state(DANANG_DOSSIER["MaHoSo"])


def assert_out_of_scope(answer: dict, field: str, *names: str) -> dict:
    assert answer["rejected"] == 1 and answer["created"] == answer["updated"] == 0, answer
    (error,) = answer["errors"]
    assert error["reason"] == "out_of_scope" and error["field"] == field, error
    for name in names:
        assert name in error["error"], error
    return error


def test_the_probe_through_the_api_is_out_of_scope_and_changes_nothing(world, danang_dossier):
    response = post(client_for("HTTT-01"), PROBE)
    assert response.status_code == 200
    error = assert_out_of_scope(response.json(), "MaDonVi", "20242", "HTTT-01")
    assert error["MaHoSo"] == "20242-260403-000001"
    assert dossier_state("20242-260403-000001") == danang_dossier  # status 10, no Hà Nội copy, no history
    kept = RejectedRecord.objects.get(batch_id=response.json()["batch"])
    assert kept.payload == PROBE["data"][0] and kept.errors == [error]
    # Not frozen: Đà Nẵng's own, later update still lands.
    later = dict(DANANG_DOSSIER, TrangThaiHoSo="10", NgayTra="20260411100000")
    assert ingest(world["danang_system"], stream(json.dumps(envelope(later))), "portal").updated == 1


def test_the_probe_through_the_command_is_out_of_scope(world, danang_dossier, tmp_path, capsys):
    path = tmp_path / "probe.json"
    path.write_text(json.dumps(PROBE), encoding="utf-8")
    call_command("import_dossiers", str(path), "--source", "HTTT-01", "--json")
    assert_out_of_scope(json.loads(capsys.readouterr().out), "MaDonVi", "20242")
    assert dossier_state("20242-260403-000001") == danang_dossier


def test_a_province_cannot_create_another_provinces_dossier(world):
    new = dict(PROBE["data"][0], NgayTuChoi="20260404000000")
    answer = post(client_for("HTTT-01"), envelope(new)).json()
    assert_out_of_scope(answer, "MaDonVi", "20242")
    assert not Dossier.objects.filter(code=new["MaHoSo"]).exists()
    assert not SourceDossier.objects.exists()


def test_the_handling_agency_must_be_in_the_province_too(world):
    answer = post(client_for("HTTT-01"), envelope(hanoi_record(1, DonViXuLy="20242"))).json()
    assert_out_of_scope(answer, "DonViXuLy", "20242")
    # A handling unit named in words (no agency code) is not an agency: nothing to check.
    assert (
        post(client_for("HTTT-01"), envelope(hanoi_record(2, DonViXuLy="UBND phường Ba Đình"))).json()[
            "created"
        ]
        == 1
    )


def test_a_ministry_system_writes_its_procedures_anywhere_and_its_own_agencies(world, danang_dossier):
    hotich = client_for("HOTICH")
    # Its procedure, received in Đà Nẵng: in its remit (the province's copy is a separate SourceDossier).
    assert (
        post(hotich, envelope(dict(DANANG_DOSSIER, TrangThaiHoSo="9", NgayTra=None))).json()["created"] == 1
    )
    # Another ministry's procedure (DKDN's), received in a Hà Nội commune: out of scope, named.
    foreign = hanoi_record(3, MaTTHC="2.001610")
    assert_out_of_scope(post(hotich, envelope(foreign)).json(), "MaTTHC", "2.001610", "HOTICH", "00004")
    # Any procedure received by an agency of its own ministry.
    own = hanoi_record(4, MaHoSo="BTP-CHT-250105-000004", MaTTHC="2.001610")
    assert post(hotich, envelope(own)).json()["created"] == 1


def test_a_ministry_token_for_another_ministrys_procedure_through_the_command(world, tmp_path, capsys):
    path = tmp_path / "ho_so.jsonl"
    path.write_text(json.dumps(hanoi_record(5, MaTTHC="1.001193")) + "\n", encoding="utf-8")
    call_command("import_dossiers", str(path), "--source", "DKDN", "--json")
    assert_out_of_scope(json.loads(capsys.readouterr().out), "MaTTHC", "1.001193", "DKDN")
    assert not Dossier.objects.exists()


def test_the_portal_writes_anything_and_a_reporting_system_nothing(world):
    anywhere = dict(PROBE["data"][0], NgayTuChoi="20260404000000")
    assert post(client_for("DVCQG"), envelope(anywhere)).json()["created"] == 1
    answer = post(client_for("BCQG"), envelope(hanoi_record(6))).json()
    assert_out_of_scope(answer, "", "BCQG", "counts")
    progress = envelope(
        {"MaHoSo": "20242-260403-000001", "ThoiDiemXuLy": "20260404080000", "TrangThai": "4"},
        service="CapNhatTienDoHoSoMC",
    )
    assert_out_of_scope(post(client_for("BCQG"), progress).json(), "", "BCQG")


def test_progress_steps_on_a_copy_outside_the_remit_are_refused(world, danang_dossier):
    """A copy written before the remit was enforced (as the probe did) cannot be advanced further."""
    dossier = Dossier.objects.get(code="20242-260403-000001")
    SourceDossier.objects.create(
        source=world["province_system"],
        code=dossier.code,
        dossier=dossier,
        agency=dossier.receiving_agency,
        procedure=dossier.procedure,
        status=3,
        received_at=dossier.received_at,
        event_at=dossier.received_at,
        synced_at=dossier.received_at,
        digest="x",
    )
    step = envelope(
        {"MaHoSo": dossier.code, "ThoiDiemXuLy": "20260412080000", "TrangThai": "4"},
        service="CapNhatTienDoHoSoMC",
    )
    answer = post(client_for("HTTT-01"), step).json()
    assert_out_of_scope(answer, "MaDonVi", "20242")
    dossier.refresh_from_db()
    assert dossier.status == 10 and not dossier.events.filter(to_status=4).exists()


def test_a_replay_obeys_the_remit(world):
    bad = dict(PROBE["data"][0], MaTTHC="1.00628", NgayTuChoi="20260404000000")  # wrong code, foreign agency
    report = ingest(world["province_system"], stream(json.dumps(envelope(bad))), "portal")
    assert report.errors[0]["reason"] == "invalid"
    reject = RejectedRecord.objects.get(batch_id=report.batch)
    reject.payload = dict(reject.payload, MaTTHC="1.006287")  # "corrected" in the admin
    reject.save()
    again = replay_rejected(reject.batch)
    assert again.rejected == 1 and again.errors[0]["reason"] == "out_of_scope"
    reject.refresh_from_db()
    assert reject.replayed_in is None and reject.errors[0]["reason"] == "out_of_scope"
    assert not Dossier.objects.exists()


def test_agencies_merged_into_the_province_are_in_its_remit(world):
    old = AgencyFactory(
        code="02",
        name="Tỉnh cũ",
        kind=AgencyKind.PROVINCE,
        parent=world["hanoi"].parent,
        successor=world["hanoi"],
    )
    AgencyFactory(code="00700", name="Xã cũ", kind=AgencyKind.COMMUNE, parent=old)
    answer = post(client_for("HTTT-01"), envelope(hanoi_record(7, MaHoSo="00700-250105-000007"))).json()
    assert answer["created"] == 1, answer
    assert (
        post(client_for("HTTT-48"), envelope(hanoi_record(8, MaHoSo="00700-250105-000008"))).json()[
            "rejected"
        ]
        == 1
    )


def test_the_remit_is_loaded_once_per_batch_not_per_record(world):
    """Set-based: a batch of 40 records (half out of scope) asks the database as often as one of 4."""

    def queries(count: int, start: int) -> int:
        records = [
            hanoi_record(start + i)
            if i % 2
            else dict(PROBE["data"][0], MaHoSo=f"20242-260403-{start + i:06d}", NgayTuChoi="20260404000000")
            for i in range(count)
        ]
        with CaptureQueriesContext(connection) as ctx:
            report = ingest(world["province_system"], stream(json.dumps(envelope(*records))), "portal")
        assert report.rejected == count // 2 and report.errors[0]["reason"] == "out_of_scope"
        return len(ctx)

    queries(4, 300)  # the first batch also hands the tables' statistics check to a worker (once a minute)
    assert queries(40, 100) == queries(4, 200)


def test_the_remit_of_each_kind(world):
    def ids(code):
        from tthc.models import Agency, Procedure

        return Procedure.objects.get(code=code).pk if "." in code else Agency.objects.get(code=code).pk

    hanoi = Remit.load(world["province_system"])
    assert hanoi.refusal(ids("1.001193"), ids("00004")) is None
    assert hanoi.refusal(ids("1.001193"), ids("20242"))[0] == "MaDonVi"
    hotich = Remit.load(world["ministry_system"])
    assert hotich.refusal(ids("1.006287"), ids("20242")) is None
    assert hotich.refusal(ids("2.001610"), ids("20242"))[0] == "MaTTHC"
    assert Remit.load(world["portal"]).refusal(ids("2.001610"), ids("20242")) is None
    assert Remit.load(world["reporting"]).refusal(ids("1.001193"), ids("00004")) is not None
