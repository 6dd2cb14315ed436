"""A dossier's history as ingestion writes it: one row per (time, status), whichever path wrote it.

Dossiers a chunk creates get their steps copied straight into the history table on PostgreSQL
(no conflict checks: nothing can be stored under a freshly reserved id); every other case goes
through the staged ``ON CONFLICT DO NOTHING`` insert. Both must give the same rows.
"""

import json

import pytest
from django.db import connection
from django.utils.timezone import localtime

from reconciliation.services.ingest import ingest
from tthc.models import DossierEvent
from tthc.store import store_for

from .fixtures.world import build_world, stream

pytestmark = pytest.mark.django_db

CODE = "00004-250105-000300"


def record(status, steps, code=CODE):
    raw = {
        "MaHoSo": code,
        "MaTTHC": "1.001193",
        "TrangThaiHoSo": str(status),
        "NgayNopHoSo": "20250105080000",
        "NgayTiepNhan": "20250105083000",
        "NgayHenTra": "20250110170000",
        "QuaTrinhXuLy": [
            {"ThoiDiemXuLy": at, "TrangThai": str(to), "NguoiXuLy": officer} for at, to, officer in steps
        ],
    }
    if status >= 9:
        raw["NgayKetThucXuLy"] = steps[-1][0]
    return raw


def send(source, *records):
    return ingest(source, stream(json.dumps({"service": "DongBoHoSoMC", "data": list(records)})), "portal")


def history(code=CODE):
    return list(
        DossierEvent.objects.filter(dossier__code=code)
        .order_by("at", "to_status")
        .values_list("at", "to_status", "officer")
    )


@pytest.fixture
def world():
    return build_world()


@pytest.fixture
def direct_copies(monkeypatch):
    """Counts the chunks whose new dossiers' steps took the direct path."""
    calls = []
    cls = type(store_for())
    original = cls.copy_new_history

    def spy(self, cursor, records, ids, source):
        handled = original(self, cursor, records, ids, source)
        calls.append((len(records), handled))
        return handled

    monkeypatch.setattr(cls, "copy_new_history", spy)
    return calls


def test_a_new_dossier_repeating_a_step_stores_it_once(world, direct_copies):
    steps = [
        ("20250105083000", 2, "Trần Văn Nam"),
        ("20250106090000", 4, "Lê Thị Hà"),
        ("20250106090000", 4, "Lê Thị Hà (lặp)"),  # the same step twice in one record
    ]
    report = send(world["province_system"], record(4, steps))
    assert (report.created, report.rejected) == (1, 0)
    rows = history()
    assert [(localtime(at).strftime("%d %H:%M"), to) for at, to, _ in rows] == [
        ("05 08:30", 2),
        ("06 09:00", 4),
    ]
    assert rows[1][2] == "Lê Thị Hà"  # the first occurrence is kept, whichever path wrote it
    # The direct path is PostgreSQL's; SQLite stages the steps and lets the conflict check decide.
    assert direct_copies == [(1, connection.vendor == "postgresql")]
    # Sending it again changes nothing.
    again = send(world["province_system"], record(4, steps))
    assert again.unchanged == 1 and len(history()) == 2


def test_a_new_dossier_sent_twice_in_one_chunk_keeps_the_steps_of_both(world, direct_copies):
    first = record(2, [("20250105083000", 2, "Trần Văn Nam")])
    later = record(4, [("20250105083000", 2, "Trần Văn Nam"), ("20250106090000", 4, "Lê Thị Hà")])
    other = "00004-250105-000301"
    report = send(
        world["province_system"], first, later, record(2, [("20250105090000", 2, "An")], code=other)
    )
    assert (report.created, report.unchanged) == (2, 1)
    assert [to for _, to, _ in history()] == [2, 4]
    assert [to for _, to, _ in history(other)] == [2]
    # Only the dossier reported once in the chunk may skip the conflict check.
    assert [n for n, _ in direct_copies] == [1]


def test_steps_of_an_existing_dossier_are_checked_against_the_stored_ones(world, direct_copies):
    source = world["province_system"]
    send(source, record(2, [("20250105083000", 2, "Trần Văn Nam")]))
    calls = len(direct_copies)
    report = send(
        source, record(4, [("20250105083000", 2, "Trần Văn Nam"), ("20250106090000", 4, "Lê Thị Hà")])
    )
    assert report.updated == 1
    assert [to for _, to, _ in history()] == [2, 4]
    assert len(direct_copies) == calls  # nothing new in that chunk: no direct copy
