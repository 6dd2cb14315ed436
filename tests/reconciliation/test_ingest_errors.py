"""Every kind of bad record gets its own error, in exactly the documented shape, and is kept."""

import json

import pytest

from reconciliation.models import RejectedRecord
from reconciliation.services.ingest import ingest
from tthc.models import Dossier

from .fixtures.world import build_world, stream

pytestmark = pytest.mark.django_db

GOOD = {
    "MaHoSo": "00004-250105-000100",
    "MaTTHC": "1.001193",
    "TrangThaiHoSo": "2",
    "NgayNopHoSo": "20250105080000",
    "NgayTiepNhan": "20250105083000",
    "NgayHenTra": "20250107170000",
}


def record(**changes):
    raw = dict(GOOD, **changes)
    return {k: v for k, v in raw.items() if v is not None}


# (label, record, MaHoSo in the error (None: the record's), field, message[, reason: "invalid" by default])
CASES = [
    ("missing MaHoSo", record(MaHoSo=None), "", "MaHoSo", "is required"),
    (
        "code too long",
        record(MaHoSo="00004-250105-" + "9" * 60),
        None,
        "MaHoSo",
        "is longer than 64 characters",
    ),
    ("unknown procedure", record(MaTTHC="9.999999"), None, "MaTTHC", "unknown procedure code '9.999999'"),
    ("missing procedure", record(MaTTHC=None), None, "MaTTHC", "is required"),
    ("unknown agency (explicit)", record(MaDonVi="99-XYZ"), None, "MaDonVi", "unknown agency code '99-XYZ'"),
    (
        "unknown agency (from code)",
        record(MaHoSo="77777-250105-000001"),
        None,
        "MaHoSo",
        "unknown agency code '77777'",
    ),
    (
        "code without agency",
        record(MaHoSo="HS000123"),
        None,
        "MaHoSo",
        "no MaDonVi and the code is not <agency code>-<yymmdd>-<sequence>",
    ),
    (
        "bad date",
        record(NgayTiepNhan="2025-01-05"),
        None,
        "NgayTiepNhan",
        "bad date '2025-01-05' (expected yyyyMMddHHmmss, Vietnam time)",
    ),
    (
        "impossible date",
        record(NgayHenTra="20250230170000"),
        None,
        "NgayHenTra",
        "bad date '20250230170000' (expected yyyyMMddHHmmss, Vietnam time)",
    ),
    (
        "finished before received",
        record(TrangThaiHoSo="9", NgayKetThucXuLy="20250104090000"),
        None,
        "NgayKetThucXuLy",
        "processing finished before the dossier was received (NgayTiepNhan)",
    ),
    (
        "due before received",
        record(NgayHenTra="20250101170000"),
        None,
        "NgayHenTra",
        "due before the dossier was received (NgayTiepNhan)",
    ),
    (
        "unknown status",
        record(TrangThaiHoSo="11"),
        None,
        "TrangThaiHoSo",
        "unknown status '11' (expected 1–10)",
    ),
    ("missing status", record(TrangThaiHoSo=None), None, "TrangThaiHoSo", "is required"),
    (
        "unknown channel",
        record(KenhThucHien="4"),
        None,
        "KenhThucHien",
        "unknown channel '4' (expected 1, 2 or 3)",
    ),
    (
        "unknown applicant kind",
        record(LoaiDoiTuong="5"),
        None,
        "LoaiDoiTuong",
        "unknown applicant kind '5' (expected 1–4)",
    ),
    (
        "unknown payment",
        record(DuocThanhToanTrucTuyen="3"),
        None,
        "DuocThanhToanTrucTuyen",
        "unknown value '3' (expected 0, 1 or 2)",
    ),
    ("list expected", record(TaiLieuNop="giấy tờ"), None, "TaiLieuNop", "must be a list", "wrong_type"),
    (
        "bad progress status",
        record(QuaTrinhXuLy=[{"ThoiDiemXuLy": "20250105083000", "TrangThai": "0"}]),
        None,
        "QuaTrinhXuLy[0].TrangThai",
        "unknown status '0' (expected 1–10)",
    ),
    (
        "no dates at all",
        record(NgayNopHoSo=None, NgayTiepNhan=None, NgayHenTra=None),
        None,
        "NgayTiepNhan",
        "the record carries no event date (NgayNopHoSo, NgayTiepNhan, …), so its version cannot be ordered",
    ),
]


@pytest.fixture
def world():
    return build_world()


@pytest.mark.parametrize(
    "label, raw, code, field, message, reason",
    [(*c, "invalid")[:6] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_each_error_kind(world, label, raw, code, field, message, reason):
    body = json.dumps({"service": "DongBoHoSoMC", "data": [GOOD, raw]}).encode()
    report = ingest(world["province_system"], stream(body), "portal")
    expected_code = raw.get("MaHoSo", "") if code is None else code
    assert report.as_dict() == {
        "batch": report.batch,
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "rejected": 1,
        "errors": [{"index": 1, "MaHoSo": expected_code, "field": field, "error": message, "reason": reason}],
    }
    kept = RejectedRecord.objects.get(batch_id=report.batch)
    assert kept.index == 1 and kept.payload == raw and kept.errors == report.errors
    assert Dossier.objects.filter(code=GOOD["MaHoSo"]).exists()  # the valid record of the batch is stored


def test_all_errors_of_a_record_are_reported(world):
    raw = record(MaTTHC="0.0", TrangThaiHoSo="x", KenhThucHien="9")
    report = ingest(world["province_system"], stream(json.dumps({"data": [raw]})), "portal")
    assert [e["field"] for e in report.errors] == ["MaTTHC", "TrangThaiHoSo", "KenhThucHien"]
    assert report.rejected == 1


def test_bad_json_line_is_rejected_alone(world):
    body = (
        json.dumps(GOOD) + "\n{not json\n\n" + json.dumps(record(MaHoSo="00004-250105-000101")) + "\n"
    ).encode()
    report = ingest(world["province_system"], stream(body), "jsonl")
    assert (report.created, report.rejected) == (2, 1)
    assert report.errors[0]["index"] == 1 and report.errors[0]["field"] == ""
    assert report.errors[0]["error"].startswith("not valid JSON")
    assert RejectedRecord.objects.get(batch_id=report.batch).payload == {"_raw": "{not json"}


def test_a_non_object_record(world):
    report = ingest(world["province_system"], stream(b'{"data": [42]}'), "portal")
    assert report.errors == [
        {
            "index": 0,
            "MaHoSo": "",
            "field": "",
            "error": "a record must be a JSON object, not a number",
            "reason": "not_an_object",
        }
    ]
