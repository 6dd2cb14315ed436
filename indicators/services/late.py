"""Late units and officers of a period, and apology-letter compliance (docs/domain.md#apology-letter).

The overdue dossiers are ON_TIME's "missing" set from the methodology in force — the very dossiers
that cost ON_TIME points — grouped by ranked agency, handling agency, unit and officer in one
query. An overdue dossier is *apologised* when it has an apology letter issued at least one
calendar day before its (original) due date, in Vietnam time.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from tthc.models import Agency, Dossier
from tthc.periods import Period

from ..definitions import methodology_for
from ..definitions.base import Count as Counted
from ..definitions.base import Window
from .compute import window_for

#: Apology letter issued on or before the day before the due date (Vietnam time).
APOLOGISED = Q(apology_letter__issued_at__date__lt=F("due_at__date"))


def overdue_q(w: Window) -> Q:
    comp = methodology_for(w.period).component("ON_TIME")
    assert isinstance(comp.denominator, Counted) and comp.numerator is not None  # ON_TIME counts dossiers
    return comp.denominator.q(w) & ~comp.numerator.q(w)


def overdue_dossiers(
    period: Period | str, now: datetime | None = None, agency: Agency | None = None, user: Any = None
) -> QuerySet[Dossier]:
    w = window_for(period, now or timezone.now())
    qs = Dossier.objects.visible_to(user) if user is not None else Dossier.objects.all()
    qs = qs.filter(overdue_q(w))
    if agency is not None:
        qs = qs.filter(receiving_agency__ranked_agency=agency)
    return qs


def late_units(
    period: Period | str, now: datetime | None = None, agency: Agency | None = None, user: Any = None
) -> list[dict[str, Any]]:
    """[{ranked, ranked_name, handling_agency_name, unit, officer, overdue, apologised, without_apology}], worst first."""
    qs = overdue_dossiers(period, now, agency, user).order_by()
    rows = qs.values(
        ranked=F("receiving_agency__ranked_agency__code"),
        ranked_name=F("receiving_agency__ranked_agency__name"),
        handling_agency_name=F("handling_agency__name"),
        unit=F("handling_unit"),
        officer=F("handling_officer"),
    ).annotate(overdue=Count("pk"), apologised=Count("pk", filter=APOLOGISED))
    out: list[dict[str, Any]] = []
    for values in rows:
        row: dict[str, Any] = dict(values)
        row["without_apology"] = row["overdue"] - row["apologised"]
        out.append(row)
    out.sort(key=lambda r: (-r["overdue"], r["ranked"] or "", r["unit"] or "", r["officer"] or ""))
    return out


def apology_compliance(
    period: Period | str, now: datetime | None = None, agency: Agency | None = None, user: Any = None
) -> list[dict[str, Any]]:
    """Per ranked agency: overdue dossiers, with an apology in time, and the compliance ratio."""
    qs = overdue_dossiers(period, now, agency, user).order_by()
    rows = qs.values(
        ranked=F("receiving_agency__ranked_agency__code"),
        ranked_name=F("receiving_agency__ranked_agency__name"),
    ).annotate(overdue=Count("pk"), apologised=Count("pk", filter=APOLOGISED))
    out: list[dict[str, Any]] = []
    for values in sorted(rows, key=lambda r: r["ranked"] or ""):
        row: dict[str, Any] = dict(values)
        row["without_apology"] = row["overdue"] - row["apologised"]
        row["ratio"] = round(row["apologised"] / row["overdue"], 4) if row["overdue"] else None
        out.append(row)
    return out
