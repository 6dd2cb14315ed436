"""Nothing lost, nothing duplicated: replays change nothing, older states never win, ties are stable."""

import json

import pytest

from reconciliation.models import IngestBatch, RejectedRecord, SourceDossier
from reconciliation.services.ingest import ingest
from reconciliation.services.replay import replay_rejected
from tthc.models import Dossier, DossierEvent

from .fixtures.world import build_world, fixture_bytes, stream

pytestmark = pytest.mark.django_db

FILES = [
    ("portal_dongbo.json", "portal"),
    ("dossiers.jsonl", "jsonl"),
    ("dossiers.csv", "csv"),
    ("portal_tiendo.json", "portal"),
]


def dump() -> dict:
    """Every row of every table ingestion writes (the batch log excepted: one row per call, by design)."""
    return {
        model.__name__: list(model.objects.order_by("pk").values())
        for model in (Dossier, DossierEvent, SourceDossier, RejectedRecord)
    }


def version(status, event, **extra):
    raw = {
        "MaHoSo": "00004-250105-000200",
        "MaTTHC": "1.001193",
        "TrangThaiHoSo": str(status),
        "NgayNopHoSo": "20250105080000",
        "NgayTiepNhan": "20250105083000",
        "NgayHenTra": "20250110170000",
    }
    if status >= 9:
        raw["NgayKetThucXuLy"] = event
    raw["QuaTrinhXuLy"] = [{"ThoiDiemXuLy": event, "TrangThai": str(status), "NguoiXuLy": "Phạm Thị Lan"}]
    raw.update(extra)
    return raw


def send(source, *records, fmt="portal"):
    return ingest(source, stream(json.dumps({"service": "DongBoHoSoMC", "data": list(records)})), fmt)


@pytest.fixture
def world():
    return build_world()


@pytest.mark.parametrize("name, fmt", FILES)
def test_replaying_a_file_three_times_leaves_every_table_identical(world, name, fmt):
    source = world["province_system"]
    if name == "portal_tiendo.json":
        ingest(source, stream(fixture_bytes("portal_dongbo.json")), "portal")
    bad = b'{"MaHoSo": "00004-250105-000300", "MaTTHC": "0.000", "TrangThaiHoSo": "2", "NgayTiepNhan": "20250105"}\n'
    ingest(source, stream(fixture_bytes(name)), fmt)
    ingest(source, stream(bad), "jsonl")
    first = dump()
    for _ in range(3):
        report = ingest(source, stream(fixture_bytes(name)), fmt)
        assert report.created == report.updated == report.rejected == 0
        again = ingest(source, stream(bad), "jsonl")
        assert again.rejected == 1
        assert dump() == first
    assert RejectedRecord.objects.count() == 1  # a reject waiting for correction is kept once


def test_an_older_state_arriving_late_never_wins(world):
    source = world["province_system"]
    newer, older = version(9, "20250107100000"), version(4, "20250106090000")
    assert send(source, newer).created == 1
    report = send(source, older)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 1)
    dossier = Dossier.objects.get(code=newer["MaHoSo"])
    assert dossier.status == 9
    seen = SourceDossier.objects.get(source=source, code=newer["MaHoSo"])
    assert seen.status == 9
    # …but what it tells about the past still joins the history.
    assert sorted(dossier.events.values_list("to_status", flat=True)) == [4, 9]


def test_newer_state_updates_and_remembers_the_previous_status(world):
    source = world["province_system"]
    send(source, version(5, "20250106090000"))
    report = send(source, version(9, "20250108100000"))
    assert report.updated == 1
    seen = SourceDossier.objects.get(source=source, code="00004-250105-000200")
    assert (seen.status, seen.previous_status) == (9, 5)


@pytest.mark.parametrize("order", [(0, 1), (1, 0)])
def test_ties_resolve_the_same_way_in_any_arrival_order(world, order):
    source = world["province_system"]
    a = version(4, "20250106090000", ChuHoSo="Nguyễn Văn A")
    b = version(4, "20250106090000", ChuHoSo="Nguyễn Văn B")
    for i in order:
        send(source, (a, b)[i])
    winners = {Dossier.objects.get(code=a["MaHoSo"]).applicant_name}
    # Whatever the order, the same version (the greater digest) is kept.
    from reconciliation.adapters.fields import Context, validate_dossier

    ctx = Context.load()
    da, db = validate_dossier(0, a, ctx).digest, validate_dossier(0, b, ctx).digest
    assert winners == {a["ChuHoSo"] if da > db else b["ChuHoSo"]}


def test_duplicates_within_one_batch_keep_the_newest(world):
    source = world["province_system"]
    report = send(source, version(9, "20250108100000"), version(4, "20250106090000"))
    assert (report.created, report.unchanged) == (1, 1)
    assert Dossier.objects.get(code="00004-250105-000200").status == 9


def test_a_source_outranks_the_portal_copy(world):
    portal, province = world["portal"], world["province_system"]
    send(portal, version(10, "20250109100000", NgayTra="20250109100000"))
    dossier = Dossier.objects.get(code="00004-250105-000200")
    assert (dossier.status, dossier.state_source) == (10, "DVCQG")  # portal-only: the portal's state
    send(province, version(5, "20250106090000"))
    dossier.refresh_from_db()
    assert (dossier.status, dossier.state_source) == (5, "HTTT-01")  # the source's own state wins
    send(portal, version(10, "20250110100000", NgayTra="20250110100000"))
    dossier.refresh_from_db()
    assert dossier.status == 5  # and the portal never overwrites it
    assert SourceDossier.objects.get(source=portal, code=dossier.code).status == 10  # though its copy is kept


def test_newest_state_across_non_portal_sources(world):
    province, ministry = world["province_system"], world["ministry_system"]
    send(ministry, version(9, "20250108100000"))
    send(province, version(4, "20250106090000"))
    dossier = Dossier.objects.get(code="00004-250105-000200")
    assert (dossier.status, dossier.state_source) == (9, "HOTICH")
    send(province, version(10, "20250109100000", NgayTra="20250109100000"))
    dossier.refresh_from_db()
    assert (dossier.status, dossier.state_source) == (10, "HTTT-01")


def test_replay_of_a_corrected_reject(world):
    source = world["province_system"]
    bad = version(4, "20250106090000", MaTTHC="1.00119")  # a typo in the procedure code
    report = send(source, version(2, "20250105083000", MaHoSo="00004-250105-000201"), bad)
    assert (report.created, report.rejected) == (1, 1)
    batch = IngestBatch.objects.get(pk=report.batch)
    reject = RejectedRecord.objects.get(batch=batch)

    still = replay_rejected(batch)  # nothing corrected yet: stays pending, not duplicated
    assert (still.rejected, still.errors[0]["index"]) == (1, reject.index)
    assert RejectedRecord.objects.filter(replayed_in__isnull=True).count() == 1

    reject.payload = dict(reject.payload, MaTTHC="1.001193")
    reject.save()
    replay = replay_rejected(batch)
    assert (replay.created, replay.rejected, replay.errors) == (1, 0, [])
    reject.refresh_from_db()
    assert reject.replayed_in_id == replay.batch
    assert Dossier.objects.get(code=bad["MaHoSo"]).status == 4
    assert replay_rejected(batch).as_dict()["created"] == 0  # nothing left to replay
