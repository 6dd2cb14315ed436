"""Concurrent batches touching the same dossiers lose no update (PostgreSQL, real parallel connections)."""

import json
import random
import threading

import pytest
from django.db import connection

from reconciliation.models import SourceDossier
from reconciliation.services.ingest import ingest
from tthc.models import Dossier, DossierEvent

from .fixtures.world import build_world, stream

DOSSIERS = 150
VERSIONS = 4  # status 2 → 4 → 9 → 10, each later than the one before
STATUSES = (2, 4, 9, 10)


def version(n: int, v: int, source_offset: int) -> dict:
    day = 6 + v
    event = f"202501{day:02d}{9 + source_offset:02d}0000"
    raw = {
        "MaHoSo": f"00004-250105-{n:06d}",
        "MaTTHC": "1.001193",
        "TrangThaiHoSo": str(STATUSES[v]),
        "NgayNopHoSo": "20250105080000",
        "NgayTiepNhan": "20250105083000",
        "NgayHenTra": "20250120170000",
        "QuaTrinhXuLy": [{"ThoiDiemXuLy": event, "TrangThai": str(STATUSES[v]), "NguoiXuLy": f"Cán bộ {v}"}],
    }
    if STATUSES[v] >= 9:
        raw["NgayKetThucXuLy"] = f"20250108{9 + source_offset:02d}0000"
    if STATUSES[v] == 10:
        raw["NgayTra"] = event
    return raw


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_batches_keep_the_newest_state_of_every_dossier():
    world = build_world()
    sources = [world["province_system"], world["ministry_system"]]
    rnd = random.Random(766)
    # Every (source, dossier, version) once, shuffled across 8 batches of 4 threads: older and newer
    # versions of the same dossiers race each other in parallel transactions.
    work = [(s, n, v) for s in range(2) for n in range(DOSSIERS) for v in range(VERSIONS)]
    rnd.shuffle(work)
    batches = [work[i::8] for i in range(8)]
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def run(thread: int):
        try:
            barrier.wait()
            for batch in batches[thread::4]:
                for s in range(2):
                    data = [version(n, v, s) for src, n, v in batch if src == s]
                    body = json.dumps({"service": "DongBoHoSoMC", "data": data})
                    ingest(sources[s], stream(body), "portal", chunk_size=50)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors

    assert SourceDossier.objects.count() == 2 * DOSSIERS
    assert set(SourceDossier.objects.values_list("status", flat=True)) == {10}
    assert Dossier.objects.count() == DOSSIERS
    # The dossier holds the newest state across the sources (the ministry's events are an hour later).
    assert set(Dossier.objects.values_list("status", "state_source")) == {(10, "HOTICH")}
    for seen in SourceDossier.objects.select_related("dossier"):
        assert seen.dossier.code == seen.code
    assert (
        DossierEvent.objects.values("dossier_id", "at", "to_status").distinct().count()
        == DossierEvent.objects.count()
    )
    assert DossierEvent.objects.count() == DOSSIERS * VERSIONS * 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_writers_of_one_file_count_and_store_everything():
    world = build_world()
    rnd = random.Random(7)
    lines = [version(n, v, 0) for n in range(DOSSIERS) for v in range(VERSIONS)]
    rnd.shuffle(lines)
    lines.insert(17, {"MaHoSo": "00004-250105-999999", "MaTTHC": "0.0"})
    body = "\n".join(json.dumps(line) for line in lines)
    report = ingest(world["province_system"], stream(body), "jsonl", chunk_size=40, pipeline=True, writers=3)
    assert report.received == len(lines)
    assert report.created == DOSSIERS and report.rejected == 1
    assert report.created + report.updated + report.unchanged + report.rejected == len(lines)
    assert set(Dossier.objects.values_list("status", flat=True)) == {10}
    assert DossierEvent.objects.count() == DOSSIERS * VERSIONS
    from reconciliation.models import IngestBatch

    batch = IngestBatch.objects.get(pk=report.batch)
    assert (batch.received, batch.created, batch.updated, batch.rejected) == (
        len(lines),
        report.created,
        report.updated,
        1,
    )
