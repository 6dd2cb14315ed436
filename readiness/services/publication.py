"""What is published and measured: the not-ready list and roadmap, the dashboards, the 1 July figure.

* **Roadmap** (danh mục, lộ trình): the current approved ``not_ready`` assessments, each with its
  planned date and steps; an entry whose planned date has passed is *overdue* (the procedure did
  not become ready in time — a newer ``ready`` assessment would have taken it off the list).
* **Province view**: the roadmap entries for procedures handled at province or commune level — the
  procedures the province keeps serving on its own system, until the planned date — with the
  province's plan per entry and what remains to do.
* **Dashboard rows**: per ministry, its procedures counted as assessed / ready / not ready with a
  roadmap / overdue — one aggregate query over the procedures (``Count(filter=…)`` on ``Exists``).
* **Commitment compliance**: among the procedures assigned to a centralized system on or after the
  commitment date (``TTHC_READINESS_COMMITMENT_DATE``; go-live = the assignment's ``valid_from``, or
  the commitment date for an older assignment), the share whose assessment in force at go-live was
  ``ready``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.db.models import Count, DateField, Exists, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Greatest
from django.utils import timezone

from reconciliation.models import ProcedureAssignment
from tthc.models import Agency, Procedure

from ..models import Assessment, AssessmentState, Classification, PlanStatus, ProvincePlan


def roadmap(on: date | None = None) -> QuerySet[Assessment]:
    """The published list: current not-ready assessments with what they are shown with."""
    return (
        Assessment.objects.not_ready()
        .select_related("procedure", "ministry", "system", "criteria_set")
        .prefetch_related("steps")
        .order_by("ministry__code", "planned_ready_on", "procedure__code", "system__code")
    )


def province_q(prefix: str = "procedure") -> Q:
    """Procedures a province serves (handled at province or commune level)."""
    return Q(**{f"{prefix}__level_province": True}) | Q(**{f"{prefix}__level_commune": True})


@dataclass
class ProvinceEntry:
    entry: Assessment
    plan: ProvincePlan | None
    overdue: bool

    @property
    def remaining(self) -> bool:
        return self.plan is None or self.plan.status != PlanStatus.DONE


def province_view(province: Agency, on: date | None = None) -> list[ProvinceEntry]:
    """The roadmap entries a province must plan for, each with its plan (or ``None``)."""
    on = on or timezone.localdate()
    entries = list(roadmap().filter(province_q()))
    plans = {
        (p.procedure_id, p.system_id): p
        for p in ProvincePlan.objects.filter(
            province=province, procedure_id__in=[e.procedure_id for e in entries]
        )
    }
    return [
        ProvinceEntry(
            entry=e,
            plan=plans.get((e.procedure_id, e.system_id)),
            overdue=bool(e.planned_ready_on and e.planned_ready_on < on),
        )
        for e in entries
    ]


def province_rows(provinces: QuerySet[Agency]) -> list[dict[str, Any]]:
    """Per province: listed procedures it must plan for, plans recorded, done, what remains (two queries
    and the provinces)."""
    listed = roadmap().filter(province_q()).count()
    still_listed = Assessment.objects.not_ready().filter(
        province_q(), procedure_id=OuterRef("procedure_id"), system_id=OuterRef("system_id")
    )
    plans = (
        ProvincePlan.objects.filter(province__in=provinces)
        .alias(_listed=Exists(still_listed))
        .filter(_listed=True)
        .values("province_id")
        .annotate(planned=Count("pk"), done=Count("pk", filter=Q(status=PlanStatus.DONE)))
        .order_by()
    )
    by_id = {r["province_id"]: r for r in plans}
    out = []
    for province in provinces.order_by("code"):
        r = by_id.get(province.pk, {"planned": 0, "done": 0})
        out.append({"province": province, "listed": listed, **r, "remaining": listed - r["done"]})
    return out


def ministry_rows(ministries: QuerySet[Agency], on: date | None = None) -> list[dict[str, Any]]:
    """Per ministry: procedures, assessed, ready, not ready with a roadmap, overdue (one query)."""
    on = on or timezone.localdate()
    current = Assessment.objects.filter(procedure_id=OuterRef("pk"), is_current=True)
    not_ready = current.filter(classification=Classification.NOT_READY)
    rows = (
        Procedure.objects.filter(ministry__in=ministries)
        .alias(
            _assessed=Exists(current),
            _not_ready=Exists(not_ready),
            _roadmap=Exists(not_ready.filter(planned_ready_on__isnull=False, steps__isnull=False)),
            _overdue=Exists(not_ready.filter(planned_ready_on__lt=on)),
        )
        .values("ministry_id")
        .annotate(
            total=Count("pk"),
            assessed=Count("pk", filter=Q(_assessed=True)),
            not_ready=Count("pk", filter=Q(_not_ready=True)),
            with_roadmap=Count("pk", filter=Q(_roadmap=True)),
            overdue=Count("pk", filter=Q(_overdue=True)),
        )
        .order_by()
    )
    by_id = {r["ministry_id"]: r for r in rows}
    out = []
    for ministry in ministries.order_by("code"):
        r = by_id.get(
            ministry.pk, {"total": 0, "assessed": 0, "not_ready": 0, "with_roadmap": 0, "overdue": 0}
        )
        total = r["total"]
        ready = r["assessed"] - r["not_ready"]
        out.append(
            {
                "ministry": ministry,
                **{k: r[k] for k in ("total", "assessed", "not_ready", "with_roadmap", "overdue")},
                "ready": ready,
                "pending": total - r["assessed"],
                "assessed_share": _share(r["assessed"], total),
                "ready_share": _share(ready, total),
                "roadmap_share": _share(r["with_roadmap"], total),
                "overdue_share": _share(r["overdue"], total),
            }
        )
    return out


def _share(numerator: int, denominator: int) -> float | None:
    return round(100 * numerator / denominator, 1) if denominator else None


@dataclass(frozen=True)
class Compliance:
    commitment: date
    live: int  # procedures that went live on a centralized system (on or after the commitment date)
    ready_at_go_live: int

    @property
    def share(self) -> float | None:
        return _share(self.ready_at_go_live, self.live)


def compliance(ministries: QuerySet[Agency] | None = None) -> Compliance:
    """The commitment figure: one aggregate over the assignments to a centralized system."""
    commitment: date = settings.TTHC_READINESS_COMMITMENT_DATE
    assignments = ProcedureAssignment.objects.exclude(system_code="").filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=commitment)
    )
    if ministries is not None:
        assignments = assignments.filter(procedure__ministry__in=ministries)
    in_force = (
        Assessment.objects.filter(
            procedure_id=OuterRef("procedure_id"),
            system__code=OuterRef("system_code"),
            decided_at__date__lte=OuterRef("_go_live"),
            state=AssessmentState.APPROVED,
        )
        .order_by("-decided_at", "-pk")
        .values("classification")[:1]
    )
    rows = (
        assignments.annotate(_go_live=Greatest("valid_from", Value(commitment, output_field=DateField())))
        .annotate(_status=Subquery(in_force))
        .values("procedure_id")
        .annotate(n=Count("pk"), ready=Count("pk", filter=Q(_status=Classification.READY)))
        .order_by()
        .values_list("n", "ready")
    )
    # A procedure counts once: ready when every one of its centralized assignments went live ready.
    pairs = list(rows)
    return Compliance(
        commitment=commitment, live=len(pairs), ready_at_go_live=sum(1 for n, ready in pairs if ready >= n)
    )
