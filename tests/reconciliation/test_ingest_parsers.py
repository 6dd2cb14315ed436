"""Parsing in worker processes (``import_dossiers --parsers N``) gives exactly what the parsing thread
gives: the same records, rejects, indices and reasons, in the same order, for every wire format."""

from __future__ import annotations

import json
import os

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from reconciliation.adapters import get_adapter
from reconciliation.adapters.fields import Context
from reconciliation.models import IngestBatch, SourceDossier
from reconciliation.services.ingest import (
    ValidatedInProcesses,
    _validate_group,
    can_fork,
    ingest,
    validated_chunks,
)
from reconciliation.services.writer import writer_for
from tthc.models import Dossier, DossierEvent

from .fixtures.world import build_world, stream

pytestmark = [
    pytest.mark.django_db(transaction=True),  # the pool is forked with the connections closed
    pytest.mark.skipif(not can_fork(), reason="needs fork()"),
]


def record(n: int, status: int = 2, **extra) -> dict:
    raw = {
        "MaHoSo": f"00004-251010-{n:06d}",
        "MaTTHC": "1.001193",
        "TrangThaiHoSo": str(status),
        "NgayNopHoSo": "20251010080000",
        "NgayTiepNhan": "20251010083000",
        "NgayHenTra": "20251017170000",
        "QuaTrinhXuLy": [{"ThoiDiemXuLy": "20251010083000", "TrangThai": "2", "NguoiXuLy": "Cán bộ"}],
    }
    if status >= 4:
        raw["QuaTrinhXuLy"].append({"ThoiDiemXuLy": "20251011090000", "TrangThai": str(status)})
    raw.update(extra)
    return raw


def jsonl_body() -> bytes:
    """Every kind of line the JSON Lines reader treats apart, spread over several chunks."""
    lines = [b"\xef\xbb\xbf" + json.dumps(record(1)).encode(), b"   "]  # a BOM, a blank line
    lines.append(b'{"MaHoSo": "00004-251010-000002", ')  # not JSON
    lines.append(json.dumps(record(3)).encode())
    lines.append(json.dumps(record(4, MaTTHC="9.999999")).encode())  # an unknown procedure
    lines.append(json.dumps(record(5, TrichYeuHoSo="x" * 5000)).encode())  # over the record limit
    lines.append(json.dumps(record(6, TrichYeuHoSo="nul \u0000 here")).encode())  # text that cannot be stored
    lines += [json.dumps(record(n, status=4 if n % 2 else 2)).encode() for n in range(10, 24)]
    lines.append(json.dumps(record(1, status=4)).encode())  # record 1 again, a step later
    lines.append(json.dumps([1, 2]).encode())  # not an object
    return b"\n".join(lines) + b"\n"


def portal_body(updating: bool) -> bytes:
    envelope = {"service": "DongBoHoSoMC", "isUpdating": updating, "data": [record(n) for n in range(30, 41)]}
    return json.dumps(envelope).encode()


def csv_body() -> bytes:
    rows = ["MaHoSo,MaTTHC,TrangThaiHoSo,NgayTiepNhan,NgayHenTra"]
    rows += [f"00004-251010-{n:06d},1.001193,2,20251010083000,20251017170000" for n in range(50, 60)]
    rows.insert(4, "00004-251010-000099,1.001193,77,20251010083000,20251017170000")  # unknown status
    return ("\n".join(rows) + "\n").encode()


def chunks_both_ways(fmt: str, body: bytes, source, size: int = 4):
    """The chunks of the parsing thread's path and of two forked parsers, from the same input."""
    ctx = Context.load()
    writer = writer_for(source, IngestBatch.objects.create(source=source, format=fmt), [])
    adapter = get_adapter(fmt)
    serial = list(validated_chunks(adapter, adapter.parse(stream(body)), ctx, size, writer.prepare))
    adapter = get_adapter(fmt)
    forked = ValidatedInProcesses(adapter, adapter.frames(stream(body)), ctx, size, writer.prepare, parsers=2)
    return serial, list(forked)


@pytest.mark.parametrize(
    "fmt,body", [("jsonl", jsonl_body()), ("csv", csv_body()), ("portal", portal_body(True))]
)
def test_forked_parsers_give_the_same_chunks_as_the_parsing_thread(settings, fmt, body):
    settings.INGEST_MAX_RECORD_BYTES = 3000
    world = build_world()
    serial, forked = chunks_both_ways(fmt, body, world["province_system"])
    assert len(serial) > 2  # several groups were in flight at once
    assert [c.dossiers for c in forked] == [c.dossiers for c in serial]
    assert [c.rejects for c in forked] == [c.rejects for c in serial]
    assert [c.progress for c in forked] == [c.progress for c in serial]
    if fmt == "jsonl":
        rejected = {index: errors[0]["reason"] for c in forked for index, _, errors in c.rejects}
        assert rejected == {2: "invalid", 4: "invalid", 5: "too_large", 6: "bad_text", 22: "not_an_object"}
    if fmt == "portal":  # the envelope's isUpdating, read by the parent, reached the children
        assert all(r.correction for c in forked for _, r in c.dossiers)


def test_an_import_with_parsers_stores_what_one_without_stores(settings):
    settings.INGEST_MAX_RECORD_BYTES = 3000
    world = build_world()
    report = ingest(world["province_system"], stream(jsonl_body()), "jsonl", chunk_size=4, parsers=2)
    assert (report.received, report.created, report.updated, report.rejected) == (22, 16, 1, 5)
    assert sorted(e["index"] for e in report.errors) == [2, 4, 5, 6, 22]
    assert Dossier.objects.get(code="00004-251010-000001").status == 4
    assert SourceDossier.objects.filter(source=world["province_system"]).count() == 16
    assert DossierEvent.objects.filter(dossier__code="00004-251010-000001").count() == 2
    batch = IngestBatch.objects.get(pk=report.batch)
    assert (batch.status, batch.rejected) == ("done", 5)


def test_the_progress_service_of_an_envelope_reaches_the_children():
    world = build_world()
    source = world["province_system"]
    ingest(source, stream(json.dumps({"service": "DongBoHoSoMC", "data": [record(70)]})), "portal")
    # Steps of the service CapNhatTienDoHoSoMC: told apart by the envelope, not by their shape (they
    # carry a TrangThaiHoSo, which alone would make them dossiers).
    steps = [
        {
            "MaHoSo": "00004-251010-000070",
            "ThoiDiemXuLy": f"202510110{h}0000",
            "TrangThai": "4",
            "TrangThaiHoSo": "4",
        }
        for h in range(1, 8)
    ]
    body = json.dumps({"service": "CapNhatTienDoHoSoMC", "data": steps})
    report = ingest(source, stream(body), "portal", chunk_size=2, parsers=2)
    assert report.rejected == 0, report.errors
    assert DossierEvent.objects.filter(dossier__code="00004-251010-000070").count() == 1 + 7


def test_the_command_takes_parsers(tmp_path, settings):
    build_world()
    path = tmp_path / "dossiers.jsonl"
    path.write_bytes(b"\n".join(json.dumps(record(n)).encode() for n in range(80, 95)))
    call_command("import_dossiers", str(path), "--source", "HTTT-01", "--parsers", "2", "--chunk-size", "4")
    assert Dossier.objects.filter(code__startswith="00004-251010-0000").count() == 15
    with pytest.raises(CommandError, match="--parsers must be 0 or more"):
        call_command("import_dossiers", str(path), "--source", "HTTT-01", "--parsers", "-1")
    with transaction.atomic(), pytest.raises(CommandError, match="no open transaction"):
        call_command("import_dossiers", str(path), "--source", "HTTT-01", "--parsers", "2", "--writers", "1")


def _die_on_the_third_group(task, validate=_validate_group):
    if task[2][0][0] >= 8:  # the group holding line 8 onwards: the child is killed mid-batch
        os._exit(9)
    return validate(task)


def test_a_parser_process_that_dies_fails_the_batch_instead_of_hanging(monkeypatch):
    from concurrent.futures.process import BrokenProcessPool

    from reconciliation.services import ingest as service

    world = build_world()
    body = b"\n".join(json.dumps(record(n)).encode() for n in range(100, 120))
    monkeypatch.setattr(service, "_validate_group", _die_on_the_third_group)
    with pytest.raises(BrokenProcessPool):
        ingest(world["province_system"], stream(body), "jsonl", chunk_size=4, parsers=2)
    batch = IngestBatch.objects.get()
    assert batch.status == "failed"
    # What was written before the child died stays written, each chunk whole.
    assert SourceDossier.objects.count() % 4 == 0 and SourceDossier.objects.count() <= 8
