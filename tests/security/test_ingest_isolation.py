"""No record can break a batch: N good records and 1 bad one store N and reject 1, whatever is wrong
with the bad one, and the reject's bookkeeping survives it (the same batch sent again answers too).

The bad records are written as raw JSON text: some cannot be written from Python values at all
(a lone surrogate escape, ``1e23`` as sent, a 40-digit integer).
"""

import json

import pytest

from reconciliation.models import IngestBatch, RejectedRecord
from reconciliation.services.ingest import ingest
from tests.reconciliation.fixtures.world import stream
from tthc.models import Dossier

from .ingest_world import build_security_world, client_for, hanoi_record, post

pytestmark = pytest.mark.django_db

BAD_CODE = "00004-250105-999999"
BASE = json.dumps(hanoi_record(999999))[:-1]  # a valid record's JSON without its closing brace


def bad(extra: str) -> str:
    """The valid record with ``extra`` (raw JSON members) overriding its fields."""
    return BASE + ", " + extra + "}"


DEEP = "[" * 40 + "]" * 40

# (label, raw JSON of the bad record, reason, field, settings) — field None: not asserted.
CASES = [
    ("NUL byte", bad('"ChuHoSo": "Nguy\\u0000n"'), "bad_text", "ChuHoSo", {}),
    ("lone surrogate", bad('"TrichYeuHoSo": "a\\ud800b"'), "bad_text", "TrichYeuHoSo", {}),
    ("NUL in a field name", bad('"Ghi\\u0000Chu": "x"'), "bad_text", None, {}),
    ("null record", "null", "not_an_object", "", {}),
    ("array record", "[1, 2]", "not_an_object", "", {}),
    ("text record", '"HoSo"', "not_an_object", "", {}),
    ("huge number in a code", bad('"TrangThaiHoSo": 1e23'), "invalid", "TrangThaiHoSo", {}),
    ("1e23 kept with a reject", bad('"MaTTHC": "9.999999", "GhiChu": 1e23'), "invalid", "MaTTHC", {}),
    (
        "40-digit integer kept with a reject",
        bad('"MaTTHC": "9.999999", "GhiChu": 1234567890123456789012345678901234567890'),
        "invalid",
        "MaTTHC",
        {},
    ),
    ("object for the code", bad('"MaHoSo": {"x": 1}'), "wrong_type", "MaHoSo", {}),
    ("array for a date", bad('"NgayTiepNhan": ["20250105"]'), "wrong_type", "NgayTiepNhan", {}),
    ("object for a status", bad('"TrangThaiHoSo": {"v": 2}'), "wrong_type", "TrangThaiHoSo", {}),
    (
        "object in a progress step",
        bad(
            '"QuaTrinhXuLy": [{"ThoiDiemXuLy": "20250105083000", "TrangThai": "2", "NguoiXuLy": ["A", "B"]}]'
        ),
        "wrong_type",
        "QuaTrinhXuLy[0].NguoiXuLy",
        {},
    ),
    (
        "oversized field",
        bad(f'"ChuHoSo": "{"x" * 1001}"'),
        "too_large",
        "ChuHoSo",
        {"INGEST_MAX_FIELD_CHARS": 1000},
    ),
    ("nesting too deep", bad(f'"GhiChu": {DEEP}'), "too_large", None, {}),
    (
        "future date",
        bad('"TrangThaiHoSo": "3", "NgayTuChoi": "20991231000000"'),
        "future_date",
        "NgayTuChoi",
        {},
    ),
    (
        "out of scope",
        bad('"MaHoSo": "20242-260403-999999", "MaTTHC": "1.006287"'),
        "out_of_scope",
        "MaDonVi",
        {},
    ),
]
# A record over INGEST_MAX_RECORD_BYTES is the one exception: the sync API answers the whole request
# 413 naming it (test_ingest_limits), a file import rejects it alone (ditto).
JSONL_ONLY = [("not JSON", '{"MaHoSo": "00004-250105-999999", "MaTTHC": ', "invalid", "", {})]


@pytest.fixture
def world():
    return build_security_world()


def body(fmt: str, good: int, bad_text: str, at: int) -> tuple[bytes, str]:
    records = [json.dumps(hanoi_record(n)) for n in range(good)]
    records.insert(at, bad_text)
    if fmt == "portal":
        return (
            '{"service": "DongBoHoSoMC", "data": [' + ", ".join(records) + "]}"
        ).encode(), "application/json"
    return ("\n".join(records) + "\n").encode(), "application/x-ndjson"


def check(api, fmt, good, bad_text, reason, field):
    data, content_type = body(fmt, good, bad_text, at=good // 2)
    response = post(api, data, content_type)
    assert response.status_code == 200, response.content[:500]
    answer = response.json()
    assert (answer["created"], answer["rejected"]) == (good, 1), answer["errors"]
    assert {e["index"] for e in answer["errors"]} == {good // 2}
    assert reason in {e["reason"] for e in answer["errors"]}, answer["errors"]
    if field is not None:
        assert field in {e["field"] for e in answer["errors"] if e["reason"] == reason}, answer["errors"]
    assert Dossier.objects.count() == good
    kept = RejectedRecord.objects.get(batch_id=answer["batch"])
    assert kept.index == good // 2 and kept.errors == answer["errors"]
    return data, content_type, kept


# A broken element breaks the envelope itself (400, with the limits' tests): "not JSON" is JSON Lines only.
ROWS = [("portal", *c) for c in CASES] + [("jsonl", *c) for c in CASES + JSONL_ONLY]


@pytest.mark.parametrize(
    "fmt, label, bad_text, reason, field, overrides", ROWS, ids=[f"{r[0]}: {r[1]}" for r in ROWS]
)
def test_one_bad_record_among_good_ones(world, settings, fmt, label, bad_text, reason, field, overrides):
    for name, value in overrides.items():
        setattr(settings, name, value)
    api = client_for("HTTT-01")
    data, content_type, kept = check(api, fmt, 99, bad_text, reason, field)
    json.dumps(kept.payload, allow_nan=False)  # storable and readable back by any JSON library
    # The reject bookkeeping reads the stored payload back: the same batch again answers the same.
    again = post(api, data, content_type).json()
    assert (again["created"], again["unchanged"], again["rejected"]) == (0, 99, 1)
    assert RejectedRecord.objects.count() == 1  # kept once, however odd its payload


def test_numbers_of_any_size_are_kept_as_text(world):
    api = client_for("HTTT-01")
    _, _, kept = check(
        api,
        "portal",
        3,
        bad(
            '"MaTTHC": "9.999999", "GhiChu": 1234567890123456789012345678901234567890, '
            '"Phi": 1e400, "Khac": NaN, "Nho": 12'
        ),
        "invalid",
        "MaTTHC",
    )
    assert kept.payload["GhiChu"] == "1234567890123456789012345678901234567890"
    assert (kept.payload["Phi"], kept.payload["Khac"], kept.payload["Nho"]) == ("1e400", "NaN", 12)


def test_a_stored_reject_with_a_huge_integer_does_not_break_later_batches(world):
    """Rows kept before payloads were made storable may hold integers beyond 64 bits."""
    source = world["province_system"]
    batch = IngestBatch.objects.create(source=source, format="jsonl")
    RejectedRecord.objects.create(
        batch=batch, index=0, dossier_code=BAD_CODE, errors=[], payload={"MaHoSo": BAD_CODE, "GhiChu": 10**23}
    )
    report = ingest(source, stream(bad('"MaTTHC": "9.999999"') + "\n"), "jsonl")
    assert report.rejected == 1 and RejectedRecord.objects.count() == 2


@pytest.mark.parametrize(
    "fmt, bad_text, reason",
    [
        ("portal", bad('"ChuHoSo": "Nguy\\u0000n"'), "bad_text"),
        ("jsonl", "null", "not_an_object"),
    ],
)
def test_the_full_batch_of_9999_good_and_1_bad(world, fmt, bad_text, reason):
    check(client_for("HTTT-01"), fmt, 9_999, bad_text, reason, None)


def test_an_opencps_style_payload_is_accepted_as_it_is(world):
    """Numbers as text, empty strings for absent dates and codes, numbers where text is expected, and
    envelope keys the platform does not use — as real provincial systems (OpenCPS) send them."""
    body = {
        "service": "DongBoHoSoMC",
        "isUpdating": "false",
        "session": "5f1c0a7e-opencps",
        "madonvi": "01",
        "data": [
            {
                "MaHoSo": "00004-250105-000777",
                "MaTTHC": "1.001193",
                "MaDonVi": "00004",
                "TrangThaiHoSo": "4",
                "LoaiDoiTuong": "1",
                "KenhThucHien": 2,
                "DuocThanhToanTrucTuyen": "",
                "NgayNopHoSo": "20250105080000",
                "NgayTiepNhan": "20250105083000",
                "NgayHenTra": "20250107170000",
                "NgayKetThucXuLy": "",
                "NgayTra": "",
                "NgayTuChoi": "",
                "ChuHoSo": "Trần Thị Bình",
                "MaDoiTuong": 1234567,
                "HoSoCoThanhPhanSoHoa": 1,
                "TaiLieuNop": [{"TenTepDinhKem": "to_khai.pdf", "DuocSoHoa": "1", "DuocTaiSuDung": 0}],
                "DanhSachLePhi": [{"Gia": 8000}],
                "DanhSachHoSoBoSung": "",
                "DSKetNoiCSDL": [],
                "QuaTrinhXuLy": [
                    {"ThoiDiemXuLy": 20250105083000, "TrangThai": 2, "NguoiXuLy": "Lê Văn Nam"},
                    {"ThoiDiemXuLy": "20250105100000", "TrangThai": "4", "NguoiXuLy": "Phạm Lan"},
                ],
            }
        ],
    }
    answer = post(client_for("HTTT-01"), body).json()
    assert (answer["created"], answer["rejected"], answer["errors"]) == (1, 0, [])
    dossier = Dossier.objects.get(code="00004-250105-000777")
    assert (dossier.status, dossier.applicant_kind, dossier.channel, dossier.payment_kind) == (4, 1, 2, 0)
    assert dossier.finished_at is None and dossier.returned_at is None and dossier.fee_amount == 8000
    assert dossier.has_digitised_components and not dossier.data_reused
    assert list(dossier.events.values_list("from_status", "to_status")) == [(None, 2), (2, 4)]


def test_the_command_keeps_the_good_records_of_a_file_with_bad_ones(world, tmp_path, capsys):
    from django.core.management import call_command

    lines = [json.dumps(hanoi_record(n)) for n in range(5)]
    lines[1:1] = [
        "null",
        bad('"ChuHoSo": "Nguy\\u0000n"'),
        bad('"MaTTHC": "9.999999", "GhiChu": 1e23'),
        bad('"MaHoSo": {"x": 1}'),
    ]
    path = tmp_path / "ho_so.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    call_command("import_dossiers", str(path), "--source", "HTTT-01", "--json")
    answer = json.loads(capsys.readouterr().out)
    assert (answer["created"], answer["rejected"]) == (5, 4)
    assert [e["reason"] for e in answer["errors"]] == ["not_an_object", "bad_text", "invalid", "wrong_type"]
    assert RejectedRecord.objects.count() == 4 and Dossier.objects.count() == 5
