"""The three wire formats carry the same dossiers; fields map onto the platform's columns."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from reconciliation.adapters import UnreadableBody, format_for_media_type, format_for_path, get_adapter
from reconciliation.models import IngestBatch, SourceDossier
from reconciliation.services.ingest import ingest
from tthc.models import Dossier, DossierEvent

from .fixtures.world import build_world, fixture_bytes, stream

pytestmark = pytest.mark.django_db


def vn(text):
    """yyyyMMddHHmmss in Vietnam time → aware UTC datetime."""
    return datetime.strptime(text, "%Y%m%d%H%M%S").replace(tzinfo=UTC) - timedelta(hours=7)


@pytest.fixture
def world():
    return build_world()


def test_registry_picks_format_by_name_extension_and_media_type():
    assert format_for_path("ho_so_thang_1.jsonl") == "jsonl"
    assert format_for_path("dong_bo.json") == "portal"
    assert format_for_path("export.CSV") == "csv"
    assert format_for_media_type("application/json; charset=utf-8") == "portal"
    assert format_for_media_type("application/x-ndjson") == "jsonl"
    assert format_for_media_type("text/csv") == "csv"
    with pytest.raises(ValueError):
        get_adapter("xml")


def test_portal_envelope_maps_every_field(world):
    report = ingest(world["province_system"], stream(fixture_bytes("portal_dongbo.json")), "portal")
    assert report.as_dict() == {
        "batch": report.batch,
        "created": 3,
        "updated": 0,
        "unchanged": 0,
        "rejected": 0,
        "errors": [],
    }
    birth = Dossier.objects.get(code="00004-250105-000001")
    assert birth.procedure.code == "1.001193"
    assert birth.receiving_agency.code == "00004"  # from the MaHoSo prefix
    assert birth.status == 10 and birth.channel == 2 and birth.applicant_kind == 1
    assert birth.applicant_name == "Nguyễn Thị Thu Hà"
    assert birth.received_at == vn("20250105083000")
    assert birth.due_at == vn("20250106170000")
    assert birth.finished_at == vn("20250106100500")
    assert birth.returned_at == vn("20250106143000")
    assert birth.has_digitised_components and birth.has_electronic_result
    assert birth.data_reused and birth.linked_personal_store and birth.population_data_used
    assert birth.state_at == vn("20250106143000") and birth.state_source == "HTTT-01"
    assert list(birth.events.values_list("from_status", "to_status")) == [(None, 2), (2, 4), (4, 9), (9, 10)]

    marriage = Dossier.objects.get(code="01-TTPVHCC-250106-000017")
    assert marriage.receiving_agency.code == "01-TTPVHCC"  # explicit MaDonVi
    assert marriage.handling_agency.code == "01-STP" and marriage.handling_unit == "01-STP"
    assert marriage.channel == 1  # KenhThucHien empty ⇒ direct
    assert marriage.payment_kind == 1 and marriage.fee_amount == 1500000
    assert marriage.supplement_count == 1 and marriage.paused_duration == timedelta(days=2)
    assert not marriage.has_electronic_result and not marriage.population_data_used
    assert marriage.state_at == vn("20250110100000")  # the supplement's receipt is the latest event

    business = Dossier.objects.get(code="00004-250107-000002")
    assert business.applicant_kind == 2 and business.status == 4 and business.finished_at is None

    seen = SourceDossier.objects.get(source=world["province_system"], code="00004-250105-000001")
    assert seen.dossier == birth and seen.progress_steps == 4 and seen.previous_status == 9
    batch = IngestBatch.objects.get(pk=report.batch)
    assert (batch.status, batch.format, batch.received, batch.created) == ("done", "portal", 3, 3)


@pytest.mark.parametrize("name, fmt", [("dossiers.jsonl", "jsonl"), ("dossiers.csv", "csv")])
def test_jsonl_and_csv_carry_the_same_dossiers(world, name, fmt):
    first = ingest(world["province_system"], stream(fixture_bytes(name)), fmt)
    assert (first.created, first.rejected) == (3, 0)
    # The digest is over normalised values: the same dossiers in the envelope format are unchanged.
    again = ingest(world["province_system"], stream(fixture_bytes("portal_dongbo.json")), "portal")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)


def test_progress_updates_advance_the_state_and_fill_the_history(world):
    source = world["province_system"]
    ingest(source, stream(fixture_bytes("portal_dongbo.json")), "portal")
    report = ingest(source, stream(fixture_bytes("portal_tiendo.json")), "portal")
    assert (report.created, report.updated, report.unchanged, report.rejected) == (0, 1, 1, 0)
    dossier = Dossier.objects.get(code="00004-250107-000002")
    assert dossier.status == 10
    assert dossier.finished_at == vn("20250108093000")  # the first terminal step, not the last
    assert dossier.returned_at == vn("20250108150000")
    assert list(dossier.events.values_list("to_status", flat=True)) == [2, 4, 9, 10]
    seen = SourceDossier.objects.get(source=source, code=dossier.code)
    assert (seen.status, seen.previous_status, seen.progress_steps) == (10, 4, 4)
    # The same steps again change nothing.
    again = ingest(source, stream(fixture_bytes("portal_tiendo.json")), "portal")
    assert (again.updated, again.unchanged) == (0, 2)
    assert DossierEvent.objects.filter(dossier=dossier).count() == 4


def test_progress_step_for_an_unknown_dossier_is_rejected_for_replay(world):
    body = (
        b'{"service": "CapNhatTienDoHoSoMC", "data": [{"MaHoSo": "00004-250109-000099", '
        b'"ThoiDiemXuLy": "20250109080000", "TrangThai": "4"}]}'
    )
    report = ingest(world["province_system"], stream(body), "portal")
    assert report.errors == [
        {
            "index": 0,
            "MaHoSo": "00004-250109-000099",
            "field": "MaHoSo",
            "error": "no dossier with this MaHoSo from this source yet: sync it with DongBoHoSoMC first",
            "reason": "unknown_dossier",
        }
    ]
    assert report.rejected == 1


def test_envelope_keys_in_any_order_and_progress_sniffed_in_jsonl(world):
    body = fixture_bytes("portal_dongbo.json").decode()
    reordered = '{"data": ' + body.split('"data": ', 1)[1].rsplit("}", 1)[0] + ', "service": "DongBoHoSoMC"}'
    assert ingest(world["province_system"], stream(reordered), "portal").created == 3
    line = b'{"MaHoSo": "00004-250107-000002", "ThoiDiemXuLy": "20250108093000", "TrangThai": "9"}\n'
    assert ingest(world["province_system"], stream(line), "jsonl").updated == 1


@pytest.mark.parametrize(
    "body, message",
    [
        (b"", "must be a JSON object"),
        (b"[1, 2]", "must be a JSON object"),
        (b'{"service": "LayThuTuc", "data": []}', "unknown service"),
        (b'{"service": "DongBoHoSoMC"}', 'no "data" array'),
        (b'{"service": "DongBoHoSoMC", "data": {"MaHoSo": 1}}', '"data" must be an array'),
        (b'{"service": "DongBoHoSoMC", "data": [{"MaHoSo": "x"', "malformed JSON"),
        (b'\xff\xfe{"data": []}', "not UTF-8"),
    ],
)
def test_unreadable_envelopes(body, message):
    with pytest.raises(UnreadableBody, match=message):
        list(get_adapter("portal").parse(stream(body)))


def test_csv_without_portal_header_is_unreadable():
    with pytest.raises(UnreadableBody, match="MaHoSo"):
        list(get_adapter("csv").parse(stream("ma,trang_thai\n1,2\n")))


def test_a_utf16_csv_is_unreadable_with_the_fix_named():
    """A spreadsheet's "Unicode text" export is UTF-16: say so and how to save it, not a codec error."""
    body = "MaHoSo,MaTTHC,TrangThaiHoSo\n00004-250111-000005,1.001193,2\n".encode("utf-16")
    with pytest.raises(UnreadableBody, match='UTF-16 text .*save it as "CSV UTF-8"'):
        list(get_adapter("csv").parse(stream(body)))


def test_semicolon_csv_and_bom(world):
    text = "\ufeffMaHoSo;MaTTHC;TrangThaiHoSo;NgayTiepNhan;NgayHenTra\n00004-250111-000005;1.001193;2;20250111;20250113\n"
    report = ingest(world["province_system"], stream(text.encode()), "csv")
    assert (report.created, report.rejected) == (1, 0)
    assert Dossier.objects.get(code="00004-250111-000005").received_at == vn("20250111000000")


def test_text_with_tabs_newlines_and_backslashes_round_trips(world):
    name = "Nguyễn\tVăn\\An\nB"
    raw = {
        "MaHoSo": "00004-250112-000006",
        "MaTTHC": "1.001193",
        "TrangThaiHoSo": "4",
        "ChuHoSo": name,
        "NgayTiepNhan": "20250112080000",
        "TrichYeuHoSo": "Dòng 1\r\nDòng 2 \\N",
        "QuaTrinhXuLy": [{"ThoiDiemXuLy": "20250112080000", "TrangThai": "2", "NoiDungXuLy": "a\tb\\c"}],
    }
    report = ingest(world["province_system"], stream(json.dumps({"data": [raw]})), "portal")
    assert report.created == 1
    dossier = Dossier.objects.get(code=raw["MaHoSo"])
    assert dossier.applicant_name == "Nguyễn\tVăn\\An\nB"
    assert dossier.summary == "Dòng 1\r\nDòng 2 \\N"
    assert dossier.events.get(to_status=2).note == "a\tb\\c"
