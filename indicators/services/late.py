"""Late units and officers of a period, and apology-letter compliance (docs/domain.md#apology-letter).

The overdue dossiers are ON_TIME's "missing" set from the methodology in force — the very dossiers
that cost ON_TIME points — grouped by ranked agency, handling agency, responsible unit and officer
in one query. An overdue dossier is *apologised* when it has an apology letter issued at least one
calendar day before its (original) due date, in Vietnam time.

**Lateness traced to the step** (cá thể hóa trách nhiệm, seed 003): a progress item carries its own
deadline (``NgayKetThucTheoQuyDinh`` → ``DossierEvent.due_at``); a step *overran* when it was
recorded (``ThoiDiemXuLy``) after that deadline. A late dossier is attributed to the unit
(``PhongBanXuLy``) and officer (``NguoiXuLy``) of its **first** step that overran, by the as-of
instant — not to whoever did the last step (often the clerk who handed the result back). When no
step overran (no step deadlines sent, or the delay is not in any recorded step) the dossier is
attributed to its handling unit, with no officer, and says so (``basis = "handling_unit"``).
The attribution is correlated subqueries on the (dossier, at) index: set-based, one statement (the
late-units list uses a single one, "unit␟officer", and merges the few groups it returns).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Concat, NullIf
from django.utils import timezone

from core.scope import dossier_scope_key
from tthc.models import Agency, Dossier, DossierEvent
from tthc.periods import Period

from ..definitions import methodology_for
from ..definitions.base import Count as Counted
from ..definitions.base import Window
from ..models import IndicatorSnapshot
from .compute import LEVEL_KINDS, window_for

#: Apology letter issued on or before the day before the due date (Vietnam time).
APOLOGISED = Q(apology_letter__issued_at__date__lt=F("due_at__date"))


#: Where a late dossier's responsibility comes from: the first step that overran, or (fallback)
#: the dossier's handling unit.
STEP = "step"
HANDLING_UNIT = "handling_unit"
#: Joins a step's unit and officer in one subquery value (a control character no name contains).
SEP = "\x1f"


def overran_steps(as_of: datetime, dossier: Any = None) -> QuerySet[DossierEvent]:
    """Steps recorded after their own deadline, by ``as_of``, first first (of ``dossier``, or of the
    outer query's dossier when none is given)."""
    return DossierEvent.objects.filter(
        dossier=OuterRef("pk") if dossier is None else dossier,
        due_at__isnull=False,
        at__gt=F("due_at"),
        at__lte=as_of,
    ).order_by("at", "pk")


def attribute(qs: QuerySet[Dossier], as_of: datetime) -> QuerySet[Dossier]:
    """Annotate ``late_unit``, ``late_officer``, ``late_basis`` (``STEP`` or ``HANDLING_UNIT``) and
    ``late_apologised`` (an apology letter issued in time: ``APOLOGISED``)."""
    first = overran_steps(as_of)
    return qs.annotate(
        late_basis=Case(When(Exists(first), then=Value(STEP)), default=Value(HANDLING_UNIT)),
        late_unit=Coalesce(NullIf(Subquery(first.values("unit")[:1]), Value("")), F("handling_unit")),
        late_officer=Coalesce(Subquery(first.values("officer")[:1]), Value("")),
        late_apologised=Case(
            When(APOLOGISED, then=Value(True)), default=Value(False), output_field=BooleanField()
        ),
    )


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
        qs = qs.filter(receiving_agency_id__in=Agency.objects.ids_ranked_under(agency))
    return qs


def late_units(
    period: Period | str,
    now: datetime | None = None,
    agency: Agency | None = None,
    user: Any = None,
) -> list[dict[str, Any]]:
    """[{ranked, ranked_name, handling_agency_name, unit, officer, basis, overdue, apologised,
    without_apology, ranked_kind}], worst first. ``unit``/``officer`` are the responsible step's
    (``basis`` ``"step"``) or the handling unit with no officer (``basis`` ``"handling_unit"``)."""
    w = window_for(period, now or timezone.now())
    qs = overdue_dossiers(period, now, agency, user).order_by()
    # One correlated subquery per dossier (the responsible step's "unit SEP officer", NULL when no
    # step overran), grouped with the handling unit for the fallback; groups are merged below.
    step = overran_steps(w.as_of).annotate(who=Concat(F("unit"), Value(SEP), F("officer")))
    rows = (
        qs.annotate(late_step=Subquery(step.values("who")[:1]))
        .values(
            "late_step",
            "handling_unit",
            ranked=F("receiving_agency__ranked_agency__code"),
            ranked_name=F("receiving_agency__ranked_agency__name"),
            ranked_kind=F("receiving_agency__ranked_agency__kind"),
            handling_agency_name=F("handling_agency__name"),
            handling_agency_code=F("handling_agency__code"),
        )
        .annotate(overdue=Count("pk"), apologised=Count("pk", filter=APOLOGISED))
    )
    merged: dict[tuple, dict[str, Any]] = {}
    for values in rows:
        who, handling_unit = values["late_step"], values["handling_unit"]
        if who is None:
            unit, officer, basis = handling_unit, "", HANDLING_UNIT
        else:
            unit, officer = who.split(SEP, 1)
            unit, basis = unit or handling_unit, STEP
        key = (values["ranked"], values["ranked_name"], values["handling_agency_name"], unit, officer, basis)
        row = merged.setdefault(
            key,
            {
                "ranked": key[0],
                "ranked_name": key[1],
                "ranked_kind": values["ranked_kind"],
                "handling_agency_name": key[2],
                "unit": unit,
                # As people read it: a unit given by its agency's code (the feed's DonViXuLy often is)
                # is named like the handling agency, not printed as "00070".
                "unit_name": (
                    values["handling_agency_name"]
                    if unit and unit == values["handling_agency_code"]
                    else unit
                ),
                "officer": officer,
                "basis": basis,
                "overdue": 0,
                "apologised": 0,
            },
        )
        row["overdue"] += values["overdue"]
        row["apologised"] += values["apologised"]
    out = list(merged.values())
    for row in out:
        row["without_apology"] = row["overdue"] - row["apologised"]
    out.sort(key=lambda r: (-r["overdue"], r["ranked"] or "", r["unit"] or "", r["officer"] or ""))
    return out


def responsible_step(dossier: Dossier, as_of: datetime | None = None) -> DossierEvent | None:
    """The first step of one dossier that overran its own deadline (detail pages, tests)."""
    return overran_steps(as_of or timezone.now(), dossier).first()


def apology_compliance(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per ranked agency: overdue dossiers, with an apology in time, and the compliance ratio, summed
    from :func:`late_units`' rows (their groups partition the overdue dossiers, so the sums are the
    counts of one grouped query, without running a second one over the same millions of rows)."""
    totals: dict[str | None, dict[str, Any]] = {}
    for r in rows:
        row = totals.setdefault(
            r["ranked"],
            {"ranked": r["ranked"], "ranked_name": r["ranked_name"], "overdue": 0, "apologised": 0},
        )
        row["overdue"] += r["overdue"]
        row["apologised"] += r["apologised"]
    out = [totals[k] for k in sorted(totals, key=lambda code: code or "")]
    for row in out:
        row["without_apology"] = row["overdue"] - row["apologised"]
        row["ratio"] = round(row["apologised"] / row["overdue"], 4) if row["overdue"] else None
    return out


def report(
    period: Period | str, now: datetime | None = None, agency: Agency | None = None, user: Any = None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The late units (:func:`late_units`) and the apology compliance summed from them: one query."""
    rows = late_units(period, now, agency, user)
    return rows, apology_compliance(rows)


#: The current month's late units are kept at most this long (its as-of instant moves).
OPEN_PERIOD_CACHE_SECONDS = 300


def cache_key(period: Period | str, agency: Agency | None = None, user: Any = None) -> str | None:
    """The cache key of a viewer's late units of a period (``None``: not cached — no snapshot yet, or
    caching off). It names the period's snapshot version, so a recompute (which every sync of the
    period's dossiers asks for) makes a new key, and the viewer's scope as the dossier filter it
    applies (``user=None`` and every national scope share one key: the whole country)."""
    if settings.TTHC_LATE_UNITS_CACHE_SECONDS <= 0:
        return None
    p = Period.parse(period)
    version = IndicatorSnapshot.objects.version_of(p)
    if version is None:
        return None
    return (
        f"indicators:late:{p}:{agency.pk if agency else '-'}:{dossier_scope_key(user)}:{version.timestamp()}"
    )


def is_cached(period: Period | str, agency: Agency | None = None, user: Any = None) -> bool:
    """Whether :func:`cached_report` would read the cache (no computation)."""
    key = cache_key(period, agency, user)
    return key is not None and cache.get(key) is not None


def cached_report(
    period: Period | str, agency: Agency | None = None, user: Any = None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """:func:`report` as of now, kept per snapshot version and scope (``TTHC_LATE_UNITS_CACHE_SECONDS``):
    the page, the API, the public results and the monthly report read it; the worker warms the
    country's after a closed month's recompute (``tasks.warm_late_units``)."""
    p = Period.parse(period)
    key = cache_key(p, agency, user)
    if key is not None and (hit := cache.get(key)) is not None:
        return hit
    result = report(p, agency=agency, user=user)
    if key is not None:
        seconds = settings.TTHC_LATE_UNITS_CACHE_SECONDS
        if p.end > timezone.now():
            seconds = min(seconds, OPEN_PERIOD_CACHE_SECONDS)
        cache.set(key, result, seconds)
    return result


#: Rows the public page lists per level and period (worst first); the rest is in the signed-in page.
PUBLIC_LIMIT = 500


def public_late_units(
    period: Period | str, level: str, now: datetime | None = None
) -> list[dict[str, Any]] | None:
    """The month's published list of late units and officers of one level (seed 003: "danh sách cán
    bộ, công chức, viên chức, cơ quan, đơn vị để xảy ra chậm trễ"): names and counts only — no
    dossier, no applicant. ``None`` while the period is not over (only closed periods are published).
    """
    given_now = now is not None
    now = now or timezone.now()
    p = Period.parse(period)
    if p.end > now:
        return None
    keys = (
        "ranked",
        "ranked_name",
        "handling_agency_name",
        "unit",
        "unit_name",
        "officer",
        "basis",
        "overdue",
    )
    # The country's rows (cached, shared with national viewers), this level's kept: filtering the
    # ranked agency's kind in SQL made PostgreSQL loop over agencies (22.7 s at 10 M dossiers).
    kinds = set(LEVEL_KINDS[level])
    everything = report(p, now=now)[0] if given_now else cached_report(p)[0]
    rows = [r for r in everything if r["ranked_kind"] in kinds][:PUBLIC_LIMIT]
    return [{k: r[k] for k in keys} for r in rows]
