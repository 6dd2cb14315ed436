"""The demo's feeds: systems from the catalogue, realistic gaps, deterministic and idempotent."""

import pytest
from django.db.models import Count, Sum

from demo.reporting import reconcile_latest
from demo.systems import PORTAL_CODE
from reconciliation.models import ReconciliationRun, ReportedCount, SourceDossier, SourceKind, SourceSystem
from reconciliation.services.reconcile import reconcile_period
from tthc.models import Dossier
from tthc.periods import Period

pytestmark = pytest.mark.django_db

N = 3000


def window() -> list[str]:
    """The 13 months before the anchor month (2026-06)."""
    months, period = [], Period.parse("2026-05")
    for _ in range(13):
        months.append(str(period))
        period = period.previous()
    return months


def copies():
    return sorted(
        SourceDossier.objects.values_list(
            "source__code",
            "code",
            "status",
            "previous_status",
            "due_at",
            "finished_at",
            "progress_steps",
            "event_at",
        )
    )


def reported():
    return sorted(ReportedCount.objects.values_list("agency__code", "period", "system_code", "received"))


def test_systems_come_from_the_catalogue(seed):
    output = seed(dossiers=50)
    systems = {s.code: s for s in SourceSystem.objects.select_related("owner")}
    assert {c for c, s in systems.items() if s.kind == SourceKind.MINISTRY} == {
        "HOTICH",
        "LLTP",
        "DKDN",
        "DATDAI",
        "CPXD",
        "CCHN",
    }
    assert systems["DKDN"].owner.code == "BTC"  # the ministry owning its procedures
    assert {c for c, s in systems.items() if s.kind == SourceKind.PROVINCIAL} == {
        "TINH-01",
        "TINH-48",
        "TINH-04",
    }
    assert systems["TINH-48"].owner.code == "48"
    assert systems[PORTAL_CODE].kind == SourceKind.PORTAL and systems["BCQG"].kind == SourceKind.REPORTING
    assert "Source systems: 11 created; badly syncing HOTICH, rewriting statuses DATDAI" in output
    assert "Source systems: 0 created" in seed(dossiers=50)


def test_idempotent_and_deterministic(seed):
    seed(dossiers=N)
    rows, counts = copies(), reported()
    assert len(rows) > 1.9 * N and counts
    seed(dossiers=N)
    assert copies() == rows and reported() == counts
    SourceDossier.objects.all().delete()
    Dossier.objects.all().delete()
    ReportedCount.objects.all().delete()
    seed(dossiers=N)
    assert copies() == rows and reported() == counts


def test_the_matrix_is_meaningful(seed):
    seed(dossiers=N)
    by_source, runs = {}, []
    for month in window():
        runs += reconcile_period(month)
    for run in runs:
        agg = by_source.setdefault(
            run.source.code, {"dossiers": 0, "portal": 0, "mop": 0, "mas": 0, "susp": 0, "late": 0, "due": 0}
        )
        agg["dossiers"] += run.dossiers
        agg["portal"] += run.portal_dossiers
        agg["mop"] += run.gap_counts["missing_on_portal"]
        agg["mas"] += run.gap_counts["missing_at_source"]
        agg["susp"] += run.gap_counts["suspicious"]
        agg["late"] += run.gap_counts["synced_late"]
        agg["due"] += run.gap_counts["due_differs"]
    bad = by_source.pop("HOTICH")
    assert 0.2 < bad["mop"] / bad["dossiers"] < 0.4
    for code, agg in by_source.items():
        assert agg["dossiers"] < 100 or agg["mop"] / agg["dossiers"] < 0.07, code
    assert sum(a["mop"] for a in by_source.values()) / sum(a["dossiers"] for a in by_source.values()) < 0.05
    assert by_source["DATDAI"]["susp"] > 0, "the rewriting system's status jumps show"
    assert sum(a["susp"] for c, a in by_source.items() if c != "DATDAI") + bad["susp"] == 0
    assert sum(a["late"] for a in by_source.values()) + bad["late"] > 0
    assert sum(a["due"] for a in by_source.values()) + bad["due"] > 0
    # The reporting system counts at least what each system handled, so above the portal.
    for run in runs:
        assert run.reported_count is None or run.reported_count >= run.portal_dossiers
    total = ReportedCount.objects.filter(agency__code="01").aggregate(n=Sum("received"))["n"]
    portal = SourceDossier.objects.filter(
        source__code=PORTAL_CODE, agency__path__startswith=_path("01")
    ).count()
    assert portal < total < portal * 1.25
    assert (
        ReconciliationRun.objects.filter(points_at_stake__gt=0)
        .values("source")
        .annotate(n=Count("id"))
        .exists()
    )


def test_the_latest_months_are_reconciled(seed):
    seed(dossiers=300)
    assert reconcile_latest(2) == ["2026-05", "2026-04"]
    assert (
        ReconciliationRun.objects.filter(period="2026-05").count() == 3 * 7
    )  # 3 provinces × (6 systems + own)
    assert not ReconciliationRun.objects.filter(period="2026-03").exists()


def _path(code: str) -> str:
    from tthc.models import Agency

    return Agency.objects.get(code=code).path
