"""The dossier store's own entry points: apology letters and ratings by dossier code, and which
portal versions it leaves out of the dossier upsert (ingestion's tests cover the versions' path)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from tests.factories import DossierFactory
from tthc.calendar import VN_TZ
from tthc.models import ApologyLetter, Dossier
from tthc.store import store_for
from tthc.store.base import DossierStore

pytestmark = pytest.mark.django_db

DUE = datetime(2026, 3, 10, 17, 0, tzinfo=VN_TZ)


@pytest.fixture
def dossiers():
    received = datetime(2026, 3, 2, 9, 0, tzinfo=VN_TZ)
    return [DossierFactory(code=f"S-{i}", received_at=received, due_at=DUE) for i in range(3)]


def letter(code, issued=datetime(2026, 3, 6, 15, 0, tzinfo=VN_TZ), reason="Chờ xác minh"):
    return code, issued, reason, DUE, DUE + timedelta(days=3), "Lãnh đạo"


def test_apology_letters_by_code_once(dossiers):
    store = store_for()
    assert store.add_apology_letters([letter("S-0"), letter("S-1"), letter("NO-SUCH-DOSSIER")]) == 2
    stored = ApologyLetter.objects.get(dossier__code="S-0")
    assert (stored.issued_at, stored.original_due_at, stored.new_due_at) == (
        datetime(2026, 3, 6, 15, 0, tzinfo=VN_TZ),
        DUE,
        DUE + timedelta(days=3),
    )
    assert stored.reason == "Chờ xác minh" and stored.issued_by == "Lãnh đạo"
    # Again, or another letter for a dossier that has one: nothing changes.
    assert store.add_apology_letters([letter("S-0", reason="Khác"), letter("S-1")]) == 0
    assert ApologyLetter.objects.get(dossier__code="S-0").reason == "Chờ xác minh"
    assert store.add_apology_letters([]) == 0


def test_ratings_write_only_what_differs(dossiers):
    store = store_for()
    assert (
        store.set_ratings([("S-0", 2, True), ("S-1", None, False), ("S-2", 1, False), ("NOPE", 1, True)]) == 2
    )
    assert dict(Dossier.objects.values_list("code", "satisfaction")) == {"S-0": 2, "S-1": None, "S-2": 1}
    assert list(Dossier.objects.filter(has_complaint=True).values_list("code", flat=True)) == ["S-0"]
    assert store.set_ratings([("S-0", 2, True), ("S-2", 1, False)]) == 0
    assert store.set_ratings([("S-2", None, False)]) == 1
    assert Dossier.objects.get(code="S-2").satisfaction is None


def test_a_portal_version_is_held_back_only_from_dossiers_other_sources_hold():
    found = {"A": (1, "DVCQG"), "B": (2, "HOTICH"), "C": (3, "")}
    assert DossierStore.held_by_sources(found, "DVCQG", ["DVCQG"]) == {"B", "C"}
    assert DossierStore.held_by_sources(found, "HOTICH", ["DVCQG"]) == set()


def test_a_version_crosses_processes_whole():
    """Versions validated in worker processes are pickled to the writer: every field, the steps and
    the pre-rendered rows come back equal (not shared), defaults included."""
    import pickle
    from dataclasses import replace

    from tthc.store.staging import Step, Version

    version = Version(
        code="00004-250105-000300",
        procedure_id=1,
        agency_id=2,
        handling_agency_id=None,
        handling_unit="Phòng Tư pháp",
        handling_officer="Nguyễn Văn A",
        channel=2,
        applicant_kind=1,
        applicant_name="Trần Thị B",
        summary="Đăng ký khai sinh",
        status=4,
        previous_status=2,
        submitted_at="20250105080000",
        received_at="20250105083000",
        due_at="20250110170000",
        finished_at=None,
        returned_at=None,
        refused_at=None,
        digitised=True,
        e_result=False,
        data_reused=True,
        personal_store=False,
        population=True,
        payment_kind=1,
        fee_amount=8000,
        supplement_count=1,
        paused_seconds=3600,
        progress_steps=2,
        event_at="20250106090000",
        digest="d" * 32,
        filing_place=3,
        correction=True,
        floor="20250105090000",
        events=[Step("20250105083000", None, 2, "Một cửa", "C", "Chuyên viên", "Tiếp nhận")],
        rendered=("stage", ["event"]),
    )
    copy = pickle.loads(pickle.dumps(version))
    assert copy == version and copy is not version
    assert copy.rendered == ("stage", ["event"]) and copy.events[0] == version.events[0]
    assert copy.events is not version.events
    bare = pickle.loads(pickle.dumps(replace(version, events=[], rendered=None, floor=None)))
    assert bare.events == [] and bare.rendered is None and bare.floor is None and bare.code == version.code
