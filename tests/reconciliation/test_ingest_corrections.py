"""Corrections land, replays don't (docs/adr/0013-corrections-and-replays.md): one test per case of
the rule, on the source's copy and on the dossier; the same on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from reconciliation.models import SourceDossier
from reconciliation.services.ingest import ingest
from tthc.calendar import VN_TZ
from tthc.models import Dossier, DossierEvent

from .fixtures.world import build_world, stream

pytestmark = pytest.mark.django_db
CODE = "00004-251010-000001"


def vn(*args) -> datetime:
    return datetime(*args, tzinfo=VN_TZ)


def record(status: int, *, finished: str | None = None, returned: str | None = None, **extra) -> dict:
    """A civil-status dossier received 10/10/2025, due 17/10; ``finished``/``returned`` as given."""
    raw = {
        "MaHoSo": CODE,
        "MaTTHC": "1.001193",
        "TrangThaiHoSo": str(status),
        "NgayNopHoSo": "20251010080000",
        "NgayTiepNhan": "20251010083000",
        "NgayHenTra": "20251017170000",
    }
    if finished:
        raw["NgayKetThucXuLy"] = finished
    if returned:
        raw["NgayTra"] = returned
    raw.update(extra)
    return raw


def send(source, *records, updating=None, fmt="portal"):
    if fmt == "jsonl":
        return ingest(source, stream("\n".join(json.dumps(r) for r in records)), "jsonl")
    envelope: dict = {"service": "DongBoHoSoMC"}
    if updating is not None:
        envelope["isUpdating"] = updating
    envelope["data"] = list(records)
    return ingest(source, stream(json.dumps(envelope)), fmt)


def copy(source) -> SourceDossier:
    return SourceDossier.objects.get(source=source, code=CODE)


@pytest.fixture
def world():
    return build_world()


WRONG, RIGHT = "20251019100000", "20251012100000"  # the finish date sent first, and the truth


def test_a_correction_moving_the_finish_date_backwards_updates_the_copy_and_the_dossier(world):
    """Done when: a corrected record whose finish date moves backwards updates the dossier."""
    source = world["province_system"]
    send(source, record(9, finished=WRONG))
    assert Dossier.objects.get(code=CODE).finished_at == vn(2025, 10, 19, 10)
    report = send(source, record(9, finished=RIGHT), updating="true")
    assert (report.created, report.updated, report.unchanged) == (0, 1, 0)
    dossier, stored = Dossier.objects.get(code=CODE), copy(source)
    assert dossier.finished_at == stored.finished_at == vn(2025, 10, 12, 10)
    assert not dossier.is_overdue(vn(2025, 12, 1))  # 12/10 is before the due date 17/10
    assert stored.corrected and stored.superseded_at == vn(2025, 10, 19, 10)
    assert dossier.state_at == vn(2025, 10, 12, 10)


def test_a_replayed_older_state_does_not_update_the_dossier(world):
    """Done when: a replayed older state does not (status 4 after 10, with earlier times)."""
    source = world["province_system"]
    send(source, record(10, finished=WRONG, returned="20251020090000"))
    before = list(Dossier.objects.values())
    for updating in (None, "false", "true"):  # not even when it claims to be an update
        report = send(source, record(4), updating=updating)
        assert (report.updated, report.unchanged) == (0, 1)
    assert list(Dossier.objects.values()) == before and copy(source).status == 10


def test_an_earlier_stage_with_later_times_does_not_win_either(world):
    """The lifecycle goes forward: processing (4) reported after the result was returned (10) is a
    stale record even when its own times are later."""
    source = world["province_system"]
    send(source, record(10, finished=RIGHT, returned="20251013090000"))
    stale = record(4, QuaTrinhXuLy=[{"ThoiDiemXuLy": "20251025090000", "TrangThai": "4"}])
    assert send(source, stale).unchanged == 1
    assert Dossier.objects.get(code=CODE).status == 10
    # ... but its steps are history, kept like every valid version's
    assert DossierEvent.objects.filter(dossier__code=CODE, to_status=4).exists()


def test_without_the_flag_a_backwards_date_is_a_replay(world):
    """Same stage, older times, not sent as a correction: the stored version stays (as before)."""
    source = world["province_system"]
    send(source, record(9, finished=WRONG))
    assert send(source, record(9, finished=RIGHT), updating="false").unchanged == 1
    assert copy(source).finished_at == vn(2025, 10, 19, 10)


def test_a_replay_of_the_version_a_correction_replaced_does_not_undo_it(world):
    source = world["province_system"]
    send(source, record(9, finished=WRONG))
    send(source, record(9, finished=RIGHT), updating="true")
    for _ in range(2):
        assert send(source, record(9, finished=WRONG)).unchanged == 1  # the old file resent
    assert copy(source).finished_at == Dossier.objects.get(code=CODE).finished_at == vn(2025, 10, 12, 10)


def test_after_a_correction_a_new_event_still_wins(world):
    source = world["province_system"]
    send(source, record(9, finished=WRONG))
    send(source, record(9, finished=RIGHT), updating="true")
    # a later stage, with dates before the replaced version's
    assert send(source, record(10, finished=RIGHT, returned="20251014080000")).updated == 1
    assert Dossier.objects.get(code=CODE).status == 10
    assert copy(source).superseded_at is None  # a new stage starts afresh


def test_a_correction_of_a_later_state_wins_with_dates_moving_backwards(world):
    source = world["province_system"]
    send(source, record(9, finished=WRONG))
    report = send(source, record(10, finished=RIGHT, returned="20251013080000"), updating="True")
    assert report.updated == 1
    dossier = Dossier.objects.get(code=CODE)
    assert (dossier.status, dossier.finished_at, dossier.returned_at) == (
        10,
        vn(2025, 10, 12, 10),
        vn(2025, 10, 13, 8),
    )


def test_a_correction_of_the_same_state_in_the_same_stage_wins(world):
    """Same status, only the due date corrected (no event date moves): the correction decides, not
    the digest's tie-break."""
    source = world["province_system"]
    send(source, record(9, finished=RIGHT))
    fixed = record(9, finished=RIGHT, NgayHenTra="20251016170000")
    assert send(source, fixed, updating="true").updated == 1
    assert Dossier.objects.get(code=CODE).due_at == vn(2025, 10, 16, 17)


def test_a_correction_resent_unchanged_writes_nothing(world):
    source = world["province_system"]
    send(source, record(9, finished=WRONG))
    send(source, record(9, finished=RIGHT), updating="true")
    before = list(SourceDossier.objects.values()), list(Dossier.objects.values())
    assert send(source, record(9, finished=RIGHT), updating="true").unchanged == 1
    assert (list(SourceDossier.objects.values()), list(Dossier.objects.values())) == before


def test_a_record_says_it_is_a_correction_in_json_lines(world):
    source = world["province_system"]
    send(source, record(9, finished=WRONG), fmt="jsonl")
    assert send(source, record(9, finished=RIGHT, isUpdating=1), fmt="jsonl").updated == 1
    assert copy(source).finished_at == vn(2025, 10, 12, 10)


@pytest.mark.parametrize("flag_first", [True, False])
def test_within_one_file_the_order_sent_decides(world, flag_first):
    """A file holding the wrong version then its correction ends with the correction; the
    correction then a replay of the wrong version also ends with the correction."""
    source = world["province_system"]
    wrong, right = record(9, finished=WRONG), record(9, finished=RIGHT, isUpdating="true")
    send(source, *((wrong, right) if flag_first else (wrong, right, wrong)), fmt="jsonl")
    assert copy(source).finished_at == Dossier.objects.get(code=CODE).finished_at == vn(2025, 10, 12, 10)
    # the chunk's correction retired the wrong version's time: resending it alone changes nothing
    assert copy(source).superseded_at == vn(2025, 10, 19, 10)
    assert send(source, wrong, fmt="jsonl").unchanged == 1
    assert copy(source).finished_at == vn(2025, 10, 12, 10)


def test_a_progress_step_of_an_earlier_stage_does_not_move_the_status_back(world):
    source = world["province_system"]
    send(source, record(10, finished=RIGHT, returned="20251013080000"))
    step = {"MaHoSo": CODE, "ThoiDiemXuLy": "20251026080000", "TrangThai": "4", "NguoiXuLy": "Lan"}
    body = json.dumps({"service": "CapNhatTienDoHoSoMC", "data": [step]})
    assert ingest(source, stream(body), "portal").unchanged == 1
    assert copy(source).status == Dossier.objects.get(code=CODE).status == 10


def test_the_portal_s_copy_takes_a_correction_without_touching_the_dossier_another_source_holds(world):
    province, portal = world["province_system"], world["portal"]
    send(province, record(9, finished=RIGHT))
    send(portal, record(9, finished=WRONG))
    assert copy(portal).finished_at == vn(2025, 10, 19, 10)
    assert send(portal, record(9, finished=RIGHT), updating="true").updated == 1
    assert copy(portal).finished_at == vn(2025, 10, 12, 10)
    assert Dossier.objects.get(code=CODE).state_source == province.code


def test_the_portal_s_copy_corrected_after_a_request_answered_fixed_is_verified_closed(
    django_capture_on_commit_callbacks,
):
    """The province's request named a finish date the portal held wrong; the ministry answered
    "fixed" and the portal received the correction (its date moves backwards): the next
    reconciliation finds no gap and closes the request as verified."""
    from complaints.models import SyncGapRequest
    from complaints.workflow import State
    from reconciliation.models import SourceKind, SourceSystem
    from reconciliation.services.reconcile import reconcile_period
    from tests.complaints.helpers import build_world as complaints_world
    from tests.complaints.helpers import make_case
    from tests.factories import ProcedureFactory

    w = complaints_world()
    ProcedureFactory(code="1.001193", ministry=w.a["BTP"], central_system=w.system.code)
    portal = SourceSystem.objects.create(
        code="DVCQG", name="Cổng DVCQG", kind=SourceKind.PORTAL, owner=w.a["CP"]
    )
    code = "01-C1-260810-000001"

    def hoso(finished: str) -> dict:
        return {
            "MaHoSo": code,
            "MaTTHC": "1.001193",
            "TrangThaiHoSo": "9",
            "NgayNopHoSo": "20260810080000",
            "NgayTiepNhan": "20260810083000",
            "NgayHenTra": "20260817170000",
            "NgayKetThucXuLy": finished,
            "QuaTrinhXuLy": [
                {"ThoiDiemXuLy": "20260810083000", "TrangThai": "2", "NguoiXuLy": "Lan"},
                {"ThoiDiemXuLy": "20260811090000", "TrangThai": "4", "NguoiXuLy": "Minh"},
                {"ThoiDiemXuLy": finished, "TrangThai": "9", "NguoiXuLy": "Minh"},
            ],
        }

    send(w.system, hoso("20260812100000"))
    send(portal, hoso("20260819100000"))
    with django_capture_on_commit_callbacks(execute=True):
        (run,) = [r for r in reconcile_period("2026-08", "01") if r.source_id == w.system.pk]
    assert run.gap_counts.get("finish_differs") == 1
    case = make_case(
        w,
        State.ANSWERED,
        run=run,
        gap_counts={"finish_differs": 1},
        gap_total=1,
        answered_at=run.finished_at,
    )
    assert send(portal, hoso("20260812100000"), updating="true").updated == 1
    with django_capture_on_commit_callbacks(execute=True):
        (run,) = [r for r in reconcile_period("2026-08", "01") if r.source_id == w.system.pk]
    assert {k: n for k, n in run.gap_counts.items() if n} == {}
    assert SyncGapRequest.objects.get(pk=case.pk).state == State.VERIFIED_CLOSED
