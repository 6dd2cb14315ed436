"""Points at stake of a reconciliation run, per 766 component, from the index's own declarations.

Issue 12: a gap costs more than DOSSIER_SYNC. A status the portal never received turns an on-time
dossier into a late or open one (ON_TIME), and moves online share and satisfaction. For each run the
province's score is computed as if the portal held the source system's version of the run's gap
dossiers, minus its score today (the portal's version of every gap dossier), per component
(:func:`component_impacts`, stored on the run as ``points_breakdown``; the total is
``points_at_stake``). The dossier components' rules are read from ``indicators.definitions`` and
evaluated with the same ``Q`` filters the index uses, the portal's fields swapped in by
:func:`_remap` — no second copy of a formula. Components counting distinct procedures (ONLINE_USED,
PAYMENT_USED) are left out: one dossier rarely moves them. docs/domain.md#points-at-stake.

DOSSIER_SYNC, as before:

Reconciliation counts the gaps; what they cost in 766 points is the index's business, so it is
computed here, from the methodology's own declaration (points, rule, empty-denominator policy) —
there is no second copy of the formula below. ``indicators.signals`` listens to reconciliation's
``runs_counted`` and sets each run's ``points_at_stake`` before the runs are saved; complaints reads
the stored figure.

Closing a system's ``missing_on_portal`` gaps adds those dossiers to the province's portal count
(the reporting system already counts them), and the component is re-scored before and after
(docs/domain.md#points-at-stake). ``TTHC_RECONCILIATION_IMPACT`` (a dotted path, empty = this
module's ``dossier_sync_impact``) replaces the function, with the signature
``(counts, gap_counts, period=None) -> Decimal``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.db.models import Count as CountAgg
from django.db.models import F, FilteredRelation, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.module_loading import import_string

from core.concurrency import on_own_connection, result_or
from core.pg import local_settings
from reconciliation.models import Gap, SourceSystem
from tthc.periods import Period

from ..definitions import methodology_for
from ..definitions.base import PROVINCE, Component, Count, Methodology, Source, Window
from .measures import Counts as MeasureCounts
from .measures import _leaves, _Plan, _value, collect
from .scoring import score_component

if TYPE_CHECKING:
    from reconciliation.models import ReconciliationRun
    from reconciliation.services.reconcile import ProvinceCounts
    from tthc.models import Agency


QUANT = Decimal("0.001")
#: ``random_page_cost`` for the gap dossiers' lookups (pages in cache or on SSD).
PROBE_RANDOM_PAGE_COST = "1.1"


def dossier_sync_points(portal: int, reported: int | None, period: Period | None = None) -> Decimal:
    """DOSSIER_SYNC as declared for ``period``: portal / max(portal, reported)."""
    comp = methodology_for(period or Period.current()).component("DOSSIER_SYNC")
    return score_component(comp, {"num": portal, "den": max(portal, reported or 0)}).points


def dossier_sync_impact(
    counts: ProvinceCounts, gap_counts: Mapping[str, int], period: Period | None = None
) -> Decimal:
    """Points the province gains if the run's ``missing_on_portal`` dossiers reach the portal."""
    # ``not_synced`` (reported − on the portal) already includes the dossiers listed as missing.
    missing = max(int(gap_counts.get("missing_on_portal", 0)), int(gap_counts.get("not_synced", 0)), 0)
    before = dossier_sync_points(counts.portal, counts.reported, period)
    after = dossier_sync_points(counts.portal + missing, counts.reported, period)
    return max(after - before, Decimal(0))


def points_at_stake(
    counts: ProvinceCounts, gap_counts: Mapping[str, int], period: Period | None = None
) -> Decimal:
    """The configured impact function applied to one run's gap counts, to 3 decimals."""
    path = settings.TTHC_RECONCILIATION_IMPACT
    function = import_string(path) if path else dossier_sync_impact
    return Decimal(function(counts, gap_counts, period=period)).quantize(QUANT, rounding=ROUND_HALF_UP)


# --- Every component a gap touches ------------------------------------------------------------
#: Gap kinds where the portal holds another version of the dossier (or none): the source's version
#: would change what the index counts.
VERSION_KINDS = (
    "missing_on_portal",
    "status_differs",
    "finish_differs",
    "due_differs",
    "synced_late",
    "suspicious",
)
#: The fields the portal's copy replaces in the "today" (official) evaluation of a gap dossier.
PORTAL_FIELDS = ("status", "finished_at", "due_at")
_ALT = "p_"


class _Only:
    """A methodology reduced to some components (what ``measures.collect`` needs of one)."""

    def __init__(self, components: list[Component]) -> None:
        self.components = components

    def components_for(self, level: str) -> list[Component]:
        return self.components


def dossier_components(methodology: Methodology) -> list[Component]:
    """The province components counted on dossiers one by one (the ones a dossier's version moves):
    ON_TIME, ONLINE_SHARE, DOSSIER_SATISFACTION, E_RESULT… — every leaf a plain dossier count."""
    out = []
    for comp in methodology.components_for(PROVINCE):
        leaves = [leaf for m in comp.measures().values() for leaf in _leaves(m)]
        if leaves and all(
            isinstance(leaf, Count) and leaf.source == Source.DOSSIER and not leaf.distinct for leaf in leaves
        ):
            out.append(comp)
    return out


def _remap(q: Q) -> Q:
    """``q`` with the portal-held fields read from the ``p_*`` annotations (``F("due_at")`` too)."""
    out = Q()
    out.connector, out.negated = q.connector, q.negated
    children: list[Any] = []
    for child in q.children:
        if isinstance(child, Q):
            children.append(_remap(child))
            continue
        lookup, value = cast(tuple[str, Any], child)
        head, sep, rest = lookup.partition("__")
        if head in PORTAL_FIELDS:
            lookup = f"{_ALT}{head}{sep}{rest}"
        name = getattr(value, "name", None) if isinstance(value, F) else None
        if name in PORTAL_FIELDS:
            value = F(f"{_ALT}{name}")
        children.append((lookup, value))
    out.children = children
    return out


def _deltas(
    runs: list[ReconciliationRun], w: Window, plan: _Plan, portal_id: int
) -> dict[int, dict[str, int]]:
    """{run id: {alias: counted with the source's version − counted with the portal's}} over the runs'
    gap dossiers: ONE statement grouped by run. Each gap dossier's portal copy is LEFT JOINed on the
    (source, code) key (``SourceDossier.dossier_by_code``), so the portal's fields are plain columns
    the leaves' filters read directly; the dossier's run (the first of its gaps' runs) is one
    correlated subquery, grouped by. Two aggregates per leaf whatever the number of runs (one per
    run and leaf took 0.5 s of Python to build for 15 runs and 14 leaves)."""
    leaves = plan.families.get(Source.DOSSIER, [])
    if not leaves:
        return {}
    gaps = Gap.objects.filter(run__in=[r.pk for r in runs], kind__in=VERSION_KINDS)
    key = str(Source.DOSSIER.ranked_key())
    model = Source.DOSSIER.model
    aggregates: dict[str, Any] = {"n": CountAgg("pk")}
    for alias, leaf in leaves:
        q = leaf.q(w)
        aggregates[f"a_{alias}"] = CountAgg("pk", filter=q)
        # the portal's version, where the portal holds a copy
        aggregates[f"b_{alias}"] = CountAgg("pk", filter=_remap(q) & Q(**{f"{_ALT}status__isnull": False}))
    rows = (
        model._default_manager.filter(code__in=gaps.values("dossier_code"), **{key: runs[0].province_id})
        .annotate(
            portal_copy=FilteredRelation("copies_by_code", condition=Q(copies_by_code__source_id=portal_id))
        )
        .annotate(
            gap_run=Subquery(
                gaps.filter(dossier_code=OuterRef("code")).order_by("run_id").values("run_id")[:1]
            ),
            **{f"{_ALT}{f}": F(f"portal_copy__{f}") for f in PORTAL_FIELDS},
        )
        .order_by()
        .values("gap_run")
        .annotate(**aggregates)
    )
    # The gap dossiers are a few thousand among millions: probing the code index for each is the plan,
    # which PostgreSQL prices right only with random reads priced as cached ones (a run's transaction
    # prices them for bulk reads; at 4 it scans the whole dossier table: 1.2 s instead of 0.14 s on
    # 10 M dossiers).
    with local_settings(random_page_cost=PROBE_RANDOM_PAGE_COST):
        found = {row["gap_run"]: row for row in rows}
    out: dict[int, dict[str, int]] = {}
    for run in runs:
        row = found.get(run.pk)
        if row and row["n"]:  # the run has gap dossiers in the province
            out[run.pk] = {alias: row[f"a_{alias}"] - row[f"b_{alias}"] for alias, _l in leaves}
    return out


def _counts_of(plan: _Plan, comp: Component, values: dict[str, int]) -> dict[str, int]:
    return {name: max(_value(plan, m, values), 0) for name, m in comp.measures().items()}


def _platform_counts(comps: list[Component], w: Window, province_id: int) -> MeasureCounts:
    """The province's dossier components as the platform counts them (one aggregate over its dossiers)."""
    return collect(_Only(comps), w, {PROVINCE: [province_id]}, restrict=True)  # type: ignore[arg-type]


@dataclass(frozen=True)
class PlatformCounts:
    """:func:`_platform_counts` for one province and month, started on a connection of its own when the
    province's reconciliation starts (``reconciliation.signals.province_starting``), so that it runs
    while the comparison does; :func:`component_impacts` collects it."""

    province_id: int
    period: Period
    window: Window
    future: Future

    def result(self, comps: list[Component]) -> MeasureCounts:
        """The counts; counted here again if the other connection failed (e.g. no connection slot)."""
        return result_or(
            self.future, lambda: _platform_counts(comps, self.window, self.province_id), "platform counts"
        )


def prepare_platform_counts(
    province: Agency,
    period: Period,
    now: datetime | None = None,
    pg_settings: Mapping[str, str] | None = None,
) -> PlatformCounts | None:
    """Start counting ``province``'s dossier components for ``period`` on a connection of its own (the
    caller's data must be committed; ``pg_settings``: for that connection's transaction, e.g. the
    caller's ``work_mem``); ``None`` when the methodology has no dossier component."""
    comps = dossier_components(methodology_for(period))
    if not comps:
        return None
    w = Window.of(period, now or timezone.now())
    future = on_own_connection(_platform_counts, comps, w, province.pk, pg_settings=pg_settings)
    return PlatformCounts(province.pk, period, w, future)


def component_impacts(
    runs: list[ReconciliationRun],
    period: Period,
    now: datetime | None = None,
    platform: PlatformCounts | None = None,
) -> dict[int, dict[str, Decimal]]:
    """{run id: {component: points}} for the province's dossier components: the province's score with
    the source systems' version of each run's gap dossiers on the portal, minus its score today (the
    portal's version of every run's gap dossiers), never below zero. Set-based: one aggregate over the
    province's dossiers (the platform's counts, ``measures.collect``; ``platform``: already started,
    :func:`prepare_platform_counts`) and one over the gap dossiers."""
    if not runs:
        return {}
    methodology = methodology_for(period)
    comps = dossier_components(methodology)
    if not comps:
        return {}
    portal = SourceSystem.objects.active_portal().first()
    if portal is None:
        return {}
    province_id = runs[0].province_id
    if platform is not None and (platform.province_id, platform.period) != (province_id, period):
        platform = None  # counted for another province or month: not these runs'
    w = platform.window if platform is not None else Window.of(period, now or timezone.now())
    only = _Only(comps)
    plan = _Plan(only, [PROVINCE])  # type: ignore[arg-type]
    deltas = _deltas(runs, w, plan, portal.pk)
    if not deltas:
        return {}
    counted = platform.result(comps) if platform is not None else _platform_counts(comps, w, province_id)
    raw_platform = _raw_values(plan, counted.get(province_id, {}))
    total = {
        alias: sum(d.get(alias, 0) for d in deltas.values()) for alias, _l in plan.families[Source.DOSSIER]
    }
    today = {alias: raw_platform.get(alias, 0) - total[alias] for alias in total}
    out: dict[int, dict[str, Decimal]] = {}
    for run in runs:
        delta = deltas.get(run.pk)
        if not delta:
            continue
        fixed = {alias: today[alias] + delta.get(alias, 0) for alias in today}
        points = {}
        for comp in comps:
            before = score_component(comp, _counts_of(plan, comp, today)).points
            after = score_component(comp, _counts_of(plan, comp, fixed)).points
            if after > before:
                points[comp.code] = Decimal(after - before)
        out[run.pk] = points
    return out


def _raw_values(plan: _Plan, counts: dict[str, dict[str, int]]) -> dict[str, int]:
    """Back from {component: {name: n}} to {alias: n} (every dossier leaf is one named measure)."""
    raw: dict[str, int] = {}
    for code, named in counts.items():
        comp = plan.components[code]
        for name, measure in comp.measures().items():
            for leaf in _leaves(measure):
                raw[plan.alias(leaf)] = named.get(name, 0)
    return raw


def set_points_at_stake(
    runs: Iterable[ReconciliationRun],
    counts: ProvinceCounts,
    period: Period | None = None,
    platform: PlatformCounts | None = None,
) -> None:
    """Fill ``points_at_stake`` and ``points_breakdown`` ({component: points}) on a province's runs
    (reconciliation saves them): DOSSIER_SYNC from the counts, the dossier components from the gap
    dossiers' two versions (``platform``: the province's platform counts, already started)."""
    runs = list(runs)
    period = period or Period.current()
    per_component = component_impacts(runs, period, platform=platform)
    for run in runs:
        breakdown = dict(per_component.get(run.pk, {}))
        sync = points_at_stake(counts, run.gap_counts, period=period)
        if sync:
            breakdown["DOSSIER_SYNC"] = sync
        breakdown = {
            code: Decimal(v).quantize(QUANT, rounding=ROUND_HALF_UP) for code, v in sorted(breakdown.items())
        }
        breakdown = {code: v for code, v in breakdown.items() if v}
        run.points_breakdown = {code: str(v) for code, v in breakdown.items()}
        run.points_at_stake = sum(breakdown.values(), Decimal(0)).quantize(QUANT, rounding=ROUND_HALF_UP)
