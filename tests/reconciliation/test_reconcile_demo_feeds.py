"""Demo feeds: systems from the catalogue, realistic gaps, deterministic and idempotent."""
from datetime import datetime, timedelta

import pytest
from django.db.models import Count, Sum

from reconciliation.models import ReconciliationRun, ReportedCount, SourceDossier, SourceKind, SourceSystem
from reconciliation.services import demo_feeds
from reconciliation.services.reconcile import reconcile_period
from tests.factories import AgencyFactory, ProcedureFactory
from tthc.models import AgencyKind, Dossier
from tthc.periods import VN_TZ

pytestmark = pytest.mark.django_db

SYSTEMS = ("HOTICH", "DKDN", "DATDAI", "LLTP")


@pytest.fixture
def world(db):
    """Two provinces with communes, two ministries, 2,500 dossiers received in October 2026."""
    cp = AgencyFactory(code="CP", kind=AgencyKind.CENTRAL)
    AgencyFactory(code="VPCP", kind=AgencyKind.MINISTRY_LEVEL, parent=cp)
    ministries = [AgencyFactory(code=f"B{i}", kind=AgencyKind.MINISTRY, parent=cp) for i in range(2)]
    communes = []
    for code in ("01", "48"):
        province = AgencyFactory(code=code, kind=AgencyKind.PROVINCE, parent=cp, short_name=f"P{code}")
        communes += [AgencyFactory(code=f"{code}-C{i}", kind=AgencyKind.COMMUNE, parent=province) for i in range(3)]
    procedures = [ProcedureFactory(code=f"P-{s}-{j}", ministry=ministries[i % 2], central_system=s)
                  for i, s in enumerate(SYSTEMS) for j in range(1 + (s == "DKDN"))]
    procedures += [ProcedureFactory(code=f"P-LOCAL-{i}", ministry=ministries[0], central_system="") for i in range(2)]
    start = datetime(2026, 10, 1, 8, tzinfo=VN_TZ)
    rows = []
    for n in range(2500):
        received = start + timedelta(hours=n % 600)
        status = (10, 9, 4, 5, 6, 8, 2)[n % 7]
        finished = received + timedelta(hours=30) if status in (9, 10, 8) else None
        rows.append(Dossier(
            # Explicit ids: the feeds sample by a hash of the id, and sequences do not roll back
            # between tests, so ids taken from the sequence would change the sample with test order.
            id=1_000_000 + n, code=f"D{n:05d}", procedure=procedures[n % len(procedures)], receiving_agency=communes[n % len(communes)],
            status=status, received_at=received, submitted_at=received, due_at=received + timedelta(days=5),
            finished_at=finished, returned_at=finished + timedelta(hours=2) if status == 10 else None,
            supplement_count=1 if n % 11 == 0 else 0,
        ))
    Dossier.objects.bulk_create(rows)


def snapshot():
    return sorted(SourceDossier.objects.values_list(
        "source__code", "code", "status", "previous_status", "due_at", "finished_at", "progress_steps", "event_at",
        "synced_at"))


def test_systems_come_from_the_catalogue(world):
    result = demo_feeds.generate_feeds(7)
    systems = {s.code: s for s in SourceSystem.objects.select_related("owner")}
    assert {c for c, s in systems.items() if s.kind == SourceKind.MINISTRY} == set(SYSTEMS)
    assert systems["DKDN"].owner.code == "B1"  # the ministry owning its procedures
    assert {c for c, s in systems.items() if s.kind == SourceKind.PROVINCIAL} == {"TINH-01", "TINH-48"}
    assert systems["TINH-48"].owner.code == "48"
    assert systems["DVCQG"].kind == SourceKind.PORTAL and systems["BCQG"].kind == SourceKind.REPORTING
    assert result.systems_created == 8
    assert result.rewriting_system == "DATDAI" and result.bad_system == "DKDN"


def test_idempotent_and_deterministic(world):
    first = demo_feeds.generate_feeds(7)
    assert first.source_rows > 2450 and 2000 < first.portal_rows < first.source_rows
    rows, counts = snapshot(), sorted(ReportedCount.objects.values_list("agency__code", "system_code", "received"))
    again = demo_feeds.generate_feeds(7)
    assert (again.systems_created, again.source_rows, again.portal_rows, again.reported_counts) == (0, 0, 0, 0)
    assert snapshot() == rows
    SourceDossier.objects.all().delete()
    ReportedCount.objects.all().delete()
    demo_feeds.generate_feeds(7)
    assert snapshot() == rows
    assert sorted(ReportedCount.objects.values_list("agency__code", "system_code", "received")) == counts


def test_the_matrix_is_meaningful(world):
    result = demo_feeds.generate_feeds(7)
    runs = reconcile_period("2026-10")
    by_source = {}
    for run in runs:
        agg = by_source.setdefault(run.source.code, {"dossiers": 0, "portal": 0, "mop": 0, "susp": 0, "late": 0})
        agg["dossiers"] += run.dossiers
        agg["portal"] += run.portal_dossiers
        agg["mop"] += run.gap_counts["missing_on_portal"]
        agg["susp"] += run.gap_counts["suspicious"]
        agg["late"] += run.gap_counts["synced_late"]
    bad = by_source.pop(result.bad_system)
    assert 0.2 < bad["mop"] / bad["dossiers"] < 0.4
    for code, agg in by_source.items():
        assert agg["mop"] / agg["dossiers"] < 0.07, code
    assert by_source[result.rewriting_system]["susp"] > 20
    assert sum(a["susp"] for c, a in by_source.items() if c != result.rewriting_system) + bad["susp"] == 0
    assert sum(a["late"] for a in by_source.values()) > 0
    # The reporting system counts at least what each system handled, so above the portal.
    for run in runs:
        assert run.reported_count is None or run.reported_count >= run.portal_dossiers
    total = ReportedCount.objects.filter(agency__code="01", period="2026-10").aggregate(n=Sum("received"))["n"]
    portal = SourceDossier.objects.filter(source__code="DVCQG", agency__parent__code="01").count()
    assert portal < total < portal * 1.25
    assert ReconciliationRun.objects.filter(points_at_stake__gt=0).values("source").annotate(n=Count("id")).exists()


def test_feeds_can_reconcile_the_latest_months(world):
    result = demo_feeds.generate_feeds(7, reconcile_months=2)
    assert result.reconciled == ["2026-10", "2026-09"]
    assert ReconciliationRun.objects.filter(period="2026-10").count() == 2 * 5  # 2 provinces × (4 + own)
    assert ReconciliationRun.objects.filter(period="2026-09", dossiers__gt=0).count() == 0
