"""Bounded parsing: records and values have a size limit with a clear reject, CSV cells beyond the
csv module's own limit are no 500, nesting cannot exhaust the stack, and long lines are read in
linear time (measured by ``bench/parse_lines.py``, not here: these tests assert statuses only)."""

import io
import json

import pytest

from reconciliation.adapters import get_adapter
from reconciliation.adapters.limits import Limits, Oversized, read_lines
from reconciliation.models import RejectedRecord
from tthc.models import Dossier

from .ingest_world import build_security_world, client_for, envelope, hanoi_record, post

pytestmark = pytest.mark.django_db

MB = 1 << 20
HEADER = "MaHoSo,MaTTHC,TrangThaiHoSo,NgayTiepNhan,ChuHoSo,TrichYeuHoSo\n"


@pytest.fixture
def world():
    return build_security_world()


def csv_row(n: int, summary: str = "Đăng ký khai sinh", name: str = "Nguyễn Văn An") -> str:
    return f"00004-250105-{n:06d},1.001193,2,20250105083000,{name},{summary}\n"


@pytest.mark.parametrize(
    "content_type, body",
    [
        ("text/csv", HEADER + csv_row(1) + csv_row(2, summary="x" * (5 * MB)) + csv_row(3)),
        (
            "application/x-ndjson",
            json.dumps(hanoi_record(1)) + "\n" + json.dumps(hanoi_record(2, ChuHoSo="x" * (5 * MB))) + "\n",
        ),
    ],
)
def test_a_5mb_record_line_answers_413_naming_it_and_stores_nothing(world, content_type, body):
    response = post(client_for("HTTT-01"), body.encode(), content_type)
    assert response.status_code == 413
    answer = response.json()
    assert answer["retry"] is False and answer["error"].startswith("Record 1 is ")
    assert "at most 1,048,576 bytes" in answer["error"]
    assert not Dossier.objects.exists() and not RejectedRecord.objects.exists()


def test_a_5mb_line_in_a_file_is_one_rejected_record(world, tmp_path):
    """Files (``import_dossiers``) keep the good records and reject the oversized one alone."""
    from django.core.management import call_command

    path = tmp_path / "big.csv"
    path.write_text(HEADER + csv_row(1) + csv_row(2, summary="x" * (5 * MB)) + csv_row(3), encoding="utf-8")
    out = io.StringIO()
    call_command("import_dossiers", str(path), "--source", "HTTT-01", "--json", stdout=out)
    answer = json.loads(out.getvalue())
    assert (answer["created"], answer["rejected"]) == (2, 1)
    (error,) = answer["errors"]
    assert (error["index"], error["reason"]) == (1, "too_large") and "bytes long" in error["error"]
    kept = RejectedRecord.objects.get(batch_id=answer["batch"])
    assert kept.payload["_truncated"] > 5 * MB and len(kept.payload["_raw"]) <= 2_000


@pytest.mark.parametrize(
    "body, content_type, message",
    [
        ("MaHoSo," + "X" * (5 * MB) + "\n" + csv_row(1), "text/csv", "header line"),
        (
            '{"service": "DongBoHoSoMC", "data": [{"MaHoSo": "' + "9" * (5 * MB) + '" "x"}]}',
            "application/json",
            "malformed JSON",
        ),
    ],
)
def test_a_5mb_line_that_cannot_be_read_answers_4xx(world, body, content_type, message):
    response = post(client_for("HTTT-01"), body.encode(), content_type)
    assert response.status_code == 400
    assert message in response.json()["error"] and response.json()["retry"] is False
    assert not Dossier.objects.exists()


def test_a_csv_cell_beyond_128_kb_is_a_clear_reject_naming_the_field(world):
    body = HEADER + csv_row(1, name="N" * 200_000) + csv_row(2)
    answer = post(client_for("HTTT-01"), body.encode(), "text/csv").json()
    assert (answer["created"], answer["rejected"]) == (1, 1)
    (error,) = answer["errors"]
    assert (error["field"], error["reason"]) == ("ChuHoSo", "too_large")
    assert "200,000 characters" in error["error"]


def test_a_long_csv_cell_within_the_limits_is_stored(world, settings):
    settings.INGEST_MAX_FIELD_CHARS = 300_000  # beyond the csv module's own 128 KiB default
    body = HEADER + csv_row(1, summary="S" * 200_000)
    assert post(client_for("HTTT-01"), body.encode(), "text/csv").json()["created"] == 1
    assert Dossier.objects.get().summary == "S" * 500  # the column keeps 500 characters


def test_csv_rows_are_refused_one_by_one(world):
    body = (
        HEADER.encode()
        + csv_row(1).encode()
        + b"00004-250105-000002,1.001193,2,2025\xff,An,x\n"
        + csv_row(3, name="Nguy\x00n").encode()
        + b"00004-250105-000004,1.001193,2\r,20250105083000,An,x\n"
        + csv_row(5, summary='"Dòng 1\nDòng 2"').encode()
    )
    answer = post(client_for("HTTT-01"), body, "text/csv").json()
    assert answer["created"] == 2, answer
    assert [(e["index"], e["reason"]) for e in answer["errors"]] == [
        (1, "invalid"),
        (2, "bad_text"),
        (3, "invalid"),
    ]
    assert "not UTF-8" in answer["errors"][0]["error"] and answer["errors"][1]["field"] == "ChuHoSo"
    assert (
        Dossier.objects.get(code="00004-250105-000005").summary == "Dòng 1\nDòng 2"
    )  # a quoted multi-line cell


@pytest.mark.parametrize("where", ["data", "session"])
def test_100000_deep_nesting_in_the_envelope_is_a_400(world, where):
    deep = "[" * 100_000 + "]" * 100_000
    body = (
        '{"service": "DongBoHoSoMC", "data": [' + deep + "]}"
        if where == "data"
        else '{"service": "DongBoHoSoMC", "session": ' + deep + ', "data": []}'
    )
    response = post(client_for("HTTT-01"), body.encode())
    assert response.status_code == 400
    assert "nested too deeply" in response.json()["error"]


def test_deep_nesting_in_a_json_line_is_one_rejected_record(world):
    body = json.dumps(hanoi_record(1)) + "\n" + "[" * 100_000 + "]" * 100_000 + "\n"
    answer = post(client_for("HTTT-01"), body.encode(), "application/x-ndjson").json()
    assert (answer["created"], answer["rejected"]) == (1, 1)
    assert answer["errors"][0]["reason"] == "too_large"


@pytest.mark.parametrize(
    "extra, field",
    [
        ({"TrangThaiHoSo": "²"}, "TrangThaiHoSo"),  # a digit to str.isdigit(), not to int()
        ({"TrangThaiHoSo": "9" * 5000}, "TrangThaiHoSo"),
        ({"DanhSachLePhi": [{"Gia": "inf"}]}, "DanhSachLePhi[0].Gia"),
        ({"DanhSachLePhi": [{"Gia": "1e30"}]}, "DanhSachLePhi[0].Gia"),
    ],
)
def test_odd_numbers_are_invalid_values_not_errors(world, extra, field):
    answer = post(client_for("HTTT-01"), envelope(hanoi_record(1, **extra))).json()
    assert [(e["field"], e["reason"]) for e in answer["errors"]] == [(field, "invalid")]


def test_huge_numbers_and_nan_in_the_envelope_read_as_text(world):
    body = (
        '{"service": "DongBoHoSoMC", "data": ['
        + json.dumps(hanoi_record(1))[:-1]
        + ', "MaDoiTuong": '
        + "7" * 5000
        + ', "GhiChu": NaN}]}'
    )
    answer = post(client_for("HTTT-01"), body.encode()).json()
    assert (answer["created"], answer["rejected"]) == (1, 0)


def test_lines_are_read_in_bounded_pieces():
    data = b"a\n" + b"x" * (3 * MB) + b"\nb\n"
    lines = list(read_lines(io.BytesIO(data), 1000))
    assert lines[0] == b"a\n" and lines[2] == b"b\n"
    assert lines[1].__class__ is Oversized and lines[1].size == 3 * MB + 1 and len(lines[1].head) == 1001


def test_the_limits_come_from_the_settings(settings):
    settings.INGEST_MAX_RECORD_BYTES, settings.INGEST_MAX_FIELD_CHARS, settings.INGEST_MAX_DEPTH = 10, 20, 3
    assert get_adapter("jsonl").limits == Limits(10, 20, 3)
