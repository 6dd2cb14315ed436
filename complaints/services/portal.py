"""Faults of the portal itself, addressed to its operator (seed 002: Bộ Công an runs the national
portal and must fix "đồng bộ trạng thái hồ sơ").

A ``status_differs`` gap is the portal's fault when the source system's record reached the portal:
the portal's copy carries the source's latest event (its ``event_at`` is not older than the
source's) and still shows another status. Those gaps become a request to the portal operator's
agency (``TTHC_PORTAL_OPERATOR_AGENCY``, ``route = portal_operator``) on the same machinery (drafting,
signing, chasing, verification); the other gaps stay with the ministry. Set-based: one ``EXISTS``
per gap row, counted per run in one query.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery

from reconciliation.models import Gap, GapKind, ReconciliationRun, SourceDossier, SourceSystem


def _fault_q(source_id_ref: Any) -> Q:
    portal = SourceSystem.objects.active_portal().values("pk")[:1]
    source_event = SourceDossier.objects.filter(
        source_id=source_id_ref, code=OuterRef(OuterRef("dossier_code"))
    ).values("event_at")[:1]
    reached = SourceDossier.objects.filter(
        source_id__in=portal, code=OuterRef("dossier_code"), event_at__gte=Subquery(source_event)
    )
    return Q(kind=GapKind.STATUS_DIFFERS) & Q(Exists(reached))


def faults_q() -> Q:
    """The condition on ``Gap`` rows of any run (the run's own source compared)."""
    return _fault_q(OuterRef(OuterRef("run__source_id")))


def portal_faults(run: ReconciliationRun) -> QuerySet[Gap]:
    """The run's gaps that are the portal's fault."""
    return run.gaps.filter(_fault_q(run.source_id))


def fault_counts(runs: list[ReconciliationRun]) -> dict[int, int]:
    """{run id: portal faults} for ``runs``, in one query."""
    if not runs:
        return {}
    rows = (
        Gap.objects.filter(run__in=[r.pk for r in runs])
        .filter(faults_q())
        .order_by()
        .values("run_id")
        .annotate(n=Count("pk"))
    )
    return {r["run_id"]: r["n"] for r in rows}
