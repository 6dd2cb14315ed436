"""Early warning: open dossiers due within N working days, and what they can still do to the score.

The list is the dossiers a leader can still save this month: open, within time now, due by the
end of the N-th working day from today (``tthc.calendar``). The projection re-scores the live
snapshot twice — as if every one of them due before the month ends turns late, and as if every
one finishes on time — using the ``at_risk`` deltas the definitions declare on each measure (ON_TIME
and DOSSIER_SATISFACTION), through the same scoring code as the computation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from tthc import calendar
from tthc.models import Agency, Dossier
from tthc.periods import Period

from ..definitions import filters as f
from ..definitions import get
from ..definitions.base import Count as Counted
from ..definitions.base import Methodology, Window
from ..definitions.qsets import dossier_q
from ..models import IndicatorSnapshot
from . import scoring


def default_days() -> int:
    return settings.TTHC_EARLY_WARNING_DAYS


def horizon(now: datetime, days: int) -> datetime:
    """The end of the ``days``-th working day from today (start of the next calendar day)."""
    today = now.astimezone(calendar.VN_TZ).date()
    last = calendar.add_working_days(today, days) if days > 0 else today
    return datetime.combine(last + timedelta(days=1), time.min, tzinfo=calendar.VN_TZ)


def at_risk(
    agency: Agency, now: datetime | None = None, days: int | None = None, user: Any = None
) -> QuerySet[Dossier]:
    """Open dossiers of the ranked agency, within time now, due within ``days`` working days."""
    now = now or timezone.now()
    days = default_days() if days is None else days
    w = Window.of(Period.current(now), now)
    q = (
        f.judged(w)
        & dossier_q("within_time", now)
        & dossier_q("open")
        # The agency's receiving units as ids (a few hundred): a filter on the dossier rows the open-due
        # index finds, where a join to the agency table was planned as a nested loop over every unit
        # (390 ms at 10 M dossiers; 15 ms as a filter).
        & Q(
            finished_at__isnull=True,
            due_at__lt=horizon(now, days),
            receiving_agency_id__in=Agency.objects.ids_ranked_under(agency),
        )
    )
    qs = Dossier.objects.visible_to(user) if user is not None else Dossier.objects.all()
    # The procedure and agencies of the page's rows come in small queries: joined, the planner
    # (expecting one row from so many filters) looped over the agency table once per dossier.
    return (
        qs.filter(q)
        .prefetch_related("procedure", "receiving_agency", "handling_agency")
        .order_by("due_at", "code")
    )


def at_risk_counts(
    agency: Agency, now: datetime | None = None, days: int | None = None, user: Any = None
) -> dict[str, int]:
    """{"total": all at-risk dossiers, "this_month": those due before the month ends}: one query."""
    now = now or timezone.now()
    month_end = Period.current(now).end
    return (
        at_risk(agency, now, days, user)
        .order_by()
        .aggregate(total=Count("pk"), this_month=Count("pk", filter=Q(due_at__lt=month_end)))
    )


@dataclass
class Projection:
    at_risk: int  # dossiers due before the month ends, counted in the projection
    current: Decimal | None  # None: no data yet (so is a projection with nothing at risk)
    if_late: scoring.AgencyScore
    if_on_time: scoring.AgencyScore
    rank_if_late: int | None
    rank_if_on_time: int | None

    @property
    def winnable(self) -> Decimal | None:
        if self.if_on_time.total is None or self.if_late.total is None:
            return None
        return self.if_on_time.total - self.if_late.total


def _counts(snapshot: IndicatorSnapshot) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for cv in snapshot.components.all():
        counts = {"num": cv.numerator, "den": cv.denominator}
        counts.update({f"pen:{k}": v for k, v in (cv.details.get("penalties") or {}).items()})
        out[cv.code] = counts
    return out


def _shifted(
    methodology: Methodology, counts: dict[str, dict[str, int]], k: int, late: bool
) -> dict[str, dict[str, int]]:
    shifted = {code: dict(c) for code, c in counts.items()}
    for code, c in shifted.items():
        comp = methodology.component(code)
        for name, measure in comp.measures().items():
            if not isinstance(measure, Counted):  # a maximum or a reported count has no dossier at risk
                continue
            delta = measure.at_risk[0 if late else 1]
            if delta and name in c:
                c[name] += k * delta
    return shifted


def project(
    snapshot: IndicatorSnapshot,
    now: datetime | None = None,
    days: int | None = None,
    at_risk_this_month: int | None = None,
) -> Projection:
    """Project the live snapshot's month-end total under both hypotheses.

    ``at_risk_this_month`` (all at-risk dossiers of the agency due before the month ends, whoever
    may see them) saves the count when the caller already has it.
    """
    now = now or snapshot.as_of
    period = snapshot.period
    k = at_risk_this_month
    if k is None:
        k = at_risk(snapshot.agency, now, days).filter(due_at__lt=period.end).count()
    methodology = get(snapshot.methodology)
    counts = _counts(snapshot)
    if_late = scoring.score_agency(methodology, snapshot.level, _shifted(methodology, counts, k, late=True))
    if_on_time = scoring.score_agency(
        methodology, snapshot.level, _shifted(methodology, counts, k, late=False)
    )
    others = [
        t
        for t in IndicatorSnapshot.objects.filter(period=snapshot.period, level=snapshot.level)
        .exclude(pk=snapshot.pk)
        .values_list("total", flat=True)
        if t is not None  # peers without data take no place
    ]

    def rank(total: Decimal | None) -> int | None:
        return None if total is None else 1 + sum(1 for t in others if t > total)

    return Projection(k, snapshot.total, if_late, if_on_time, rank(if_late.total), rank(if_on_time.total))
