"""Issue 12, golden case: a status the portal never received costs ON_TIME (and satisfaction), not only
DOSSIER_SYNC. Hand-computed below; the figures flow from the run to the request and its letter."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from complaints.services import requests as svc
from complaints.services.letters import letter_content
from indicators.services import impact
from reconciliation.models import SourceDossier, SourceKind, SourceSystem
from reconciliation.services.reconcile import ProvinceCounts
from tests.factories import DossierFactory, ProcedureFactory
from tthc.models import DossierStatus
from tthc.periods import Period

from .helpers import make_run, vn


def golden_world(world):
    """Ten dossiers of commune 01-C1 received and due in August 2026, all finished on time according to
    the ministry system (the platform's authoritative version). The portal never received the
    finishing of two of them (status_differs): it still shows them in processing, past their due date.

    Today (the portal's view): ON_TIME = 8 on time / 10 judged → 20 × 0.8 = 16.00 points;
    DOSSIER_SATISFACTION = 1 − 2 overdue / 10 = 0.8, full at 90 % → 6 × 0.8 / 0.9 = 5.33.
    With the source's version on the portal: 10 / 10 → 20.00 and 6.00.
    At stake: ON_TIME 4.00, DOSSIER_SATISFACTION 0.67 (ONLINE_SHARE unchanged: same channel).
    """
    portal = SourceSystem.objects.create(
        code="DVCQG", name="Cổng DVCQG", kind=SourceKind.PORTAL, owner=world.a["VPCP"]
    )
    procedure = ProcedureFactory(
        code="HT7", ministry=world.a["BTP"], central_system="HTDT", level_commune=True
    )
    commune = world.a["01-C1"]
    run = make_run(world, counts={"status_differs": 2}, points="0")
    gap_codes = sorted(run.gaps.values_list("dossier_code", flat=True))
    codes = gap_codes + [f"OK-{i}" for i in range(8)]
    received = vn(2026, 8, 3, 9, 0)
    for code in codes:
        DossierFactory(
            code=code,
            procedure=procedure,
            receiving_agency=commune,
            status=DossierStatus.RETURNED,
            received_at=received,
            submitted_at=received,
            due_at=received + timedelta(days=10),
            finished_at=received + timedelta(days=5),
        )
        on_portal = code in gap_codes
        SourceDossier.objects.create(
            source=portal,
            code=code,
            agency=commune,
            procedure=procedure,
            status=4 if on_portal else 10,
            received_at=received,
            due_at=received + timedelta(days=10),
            finished_at=None if on_portal else received + timedelta(days=5),
            event_at=received,
            synced_at=received,
            digest="x",
        )
    return run


def test_a_status_gap_puts_on_time_at_stake(world):
    run = golden_world(world)
    assert world.a["01-C1"].ranked_agency_id == world.a["01"].pk
    points = impact.component_impacts([run], Period.parse("2026-08"))[run.pk]
    assert points == {"ON_TIME": Decimal("4.00"), "DOSSIER_SATISFACTION": Decimal("0.67")}
    impact.set_points_at_stake([run], ProvinceCounts(portal=10, reported=10), Period.parse("2026-08"))
    assert run.points_breakdown == {"DOSSIER_SATISFACTION": "0.670", "ON_TIME": "4.000"}
    assert run.points_at_stake == Decimal("4.670")
    run.save()
    case, _ = svc.create_request(world.a["01"], world.system, "2026-08")
    assert case.points_breakdown == {"DOSSIER_SATISFACTION": "0.670", "ON_TIME": "4.000"}
    assert case.points_at_stake == Decimal("4.670")
    content = letter_content(case)
    assert content["systems"][0]["points_at_stake"] == {"DOSSIER_SATISFACTION": 0.67, "ON_TIME": 4.0}
    text = " ".join(content["paragraphs"])
    assert "ước tính ảnh hưởng 4,67 điểm" in text and "4 điểm chỉ tiêu hồ sơ giải quyết đúng hạn" in text


def test_nothing_at_stake_when_the_portal_agrees(world):
    run = golden_world(world)
    SourceDossier.objects.filter(source__code="DVCQG").update(status=10, finished_at=vn(2026, 8, 8, 9, 0))
    assert impact.component_impacts([run], Period.parse("2026-08")) == {run.pk: {}}


def test_each_run_is_credited_with_its_own_gap_dossiers(world):
    """Two systems' runs in one province: the golden run's two status gaps, and another system's run
    whose one dossier the portal shows finished late (finish_differs). Today (the portal's view) 8 of
    11 judged dossiers are on time: 20 × 8/11 = 14.55. Fixing the golden run's gaps gives 10/11 =
    18.18 (+3.63), fixing the other run's 9/11 = 16.36 (+1.81): each run counts only its own dossiers,
    the other's stay as the portal has them."""
    golden = golden_world(world)
    other_system = SourceSystem.objects.create(
        code="HTKHAC", name="Hệ thống khác", kind=world.system.kind, owner=world.system.owner
    )
    other = make_run(world, source=other_system, counts={"finish_differs": 1}, points="0")
    (code,) = other.gaps.values_list("dossier_code", flat=True)
    procedure = SourceDossier.objects.filter(source__code="DVCQG").first().procedure
    received = vn(2026, 8, 3, 9, 0)
    DossierFactory(
        code=code,
        procedure=procedure,
        receiving_agency=world.a["01-C1"],
        status=DossierStatus.RETURNED,
        received_at=received,
        submitted_at=received,
        due_at=received + timedelta(days=10),
        finished_at=received + timedelta(days=5),
    )
    SourceDossier.objects.create(
        source=SourceSystem.objects.get(code="DVCQG"),
        code=code,
        agency=world.a["01-C1"],
        procedure=procedure,
        status=10,
        received_at=received,
        due_at=received + timedelta(days=10),
        finished_at=received + timedelta(days=17),  # late on the portal
        event_at=received,
        synced_at=received,
        digest="x",
    )
    points = impact.component_impacts([golden, other], Period.parse("2026-08"))
    assert points[golden.pk]["ON_TIME"] == Decimal("3.63")
    assert points[other.pk]["ON_TIME"] == Decimal("1.81")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_platform_counts_taken_on_another_connection_give_the_same_points(world, monkeypatch):
    """A reconciliation that is not nested in a transaction has indicators start the province's
    platform counts on a connection of their own while the comparison runs: same points."""
    import threading

    run = golden_world(world)  # committed: another connection sees it
    period = Period.parse("2026-08")
    threads = []
    original = impact._platform_counts

    def counted(*args):
        threads.append(threading.current_thread().name)
        return original(*args)

    monkeypatch.setattr(impact, "_platform_counts", counted)
    inline = impact.component_impacts([run], period)
    assert threads == ["MainThread"]
    handle = impact.prepare_platform_counts(world.a["01"], period)
    elsewhere = impact.component_impacts([run], period, platform=handle)
    assert handle.future.done() and len(threads) == 2 and threads[1] != "MainThread"
    assert (
        elsewhere == inline == {run.pk: {"ON_TIME": Decimal("4.00"), "DOSSIER_SATISFACTION": Decimal("0.67")}}
    )
    # Counted for another month: not used for these runs (counted again here).
    other = impact.prepare_platform_counts(world.a["01"], Period.parse("2026-07"))
    other.future.result()
    assert impact.component_impacts([run], period, platform=other) == inline
    assert threads[-1] == "MainThread"
