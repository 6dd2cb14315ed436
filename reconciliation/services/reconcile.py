"""Reconciliation runs: for a month and a province, each source system against the portal's copy.

The command, the Celery task and (through them) the pages all call :func:`reconcile_period`.

The universe of a run (period P, province V, source system S) is the dossiers received in P by the
agencies of V's subtree whose procedure S handles in P — by the procedure assignment in force
(``ProcedureAssignment``, falling back to ``Procedure.central_system``); a province's own systems
share the "own system" procedures by subtree (:mod:`.universe`). Each side (S, the portal) is filtered to that universe by its own
record, then both are joined on the dossier code (``gap_sql``) — set-based, one statement.

A run is idempotent: the same run row is locked, its gaps replaced (on PostgreSQL only the
difference is written: gaps no longer found deleted, changed values updated, new gaps inserted) and
its counts replaced in one transaction (one per province: all its systems are compared by one statement), so
readers see either the old or the new result, never a mix.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q, Subquery, Sum
from django.utils import timezone

from core.pg import set_local
from core.stats import analyze_on_commit
from tthc import period_fields
from tthc.models import Agency
from tthc.periods import Period

from ..models import Gap, ReconciliationRun, ReportedCount, SourceKind, SourceSystem
from ..querysets import NoPortalSystem
from ..signals import province_starting, run_finished, runs_counted
from . import gap_sql, not_synced, universe
from .assignments import MonthAssignments
from .gap_sql import KINDS, ROW_KINDS, Thresholds

#: The kinds found by counts, not per dossier (``not_synced``): recorded again by every run.
COUNT_KINDS = tuple(k for k in KINDS if k not in ROW_KINDS)

log = logging.getLogger(__name__)


class ReconciliationError(ValueError):
    """The run cannot start (bad period, unknown province, no portal source system…)."""


def parse_period(value: Period | str) -> Period:
    """A month (``Period`` or its text); anything else is a ``ReconciliationError`` saying why."""
    try:
        return period_fields.parse(value)
    except period_fields.PeriodError as exc:
        raise ReconciliationError(str(exc)) from None


def provinces_for(period: Period, code: str | None = None) -> list[Agency]:
    """Provinces in force at some point of the period (the pre-2025 ones for older months)."""
    qs = Agency.objects.provinces().filter(
        Q(valid_from__isnull=True) | Q(valid_from__lt=period.next_first_day),
        Q(valid_to__isnull=True) | Q(valid_to__gte=period.first_day),
    )
    if code:
        qs = Agency.objects.provinces().filter(code=code)
        if not qs.exists():
            raise ReconciliationError(f"unknown province {code!r}")
    return list(qs.order_by("code"))


def _portal() -> SourceSystem:
    """The one active portal system (a database constraint keeps it unique), never "the first by code"."""
    try:
        return SourceSystem.objects.portal()
    except NoPortalSystem as exc:
        raise ReconciliationError(str(exc)) from exc


@dataclass
class _Context:
    """What every run of one reconciliation call shares (resolved once, a handful of queries)."""

    period: Period
    portal: SourceSystem
    reporting: SourceSystem | None
    ministry_systems: list[SourceSystem]
    provincial_systems: list[SourceSystem]
    thresholds: Thresholds
    assignments: MonthAssignments

    @classmethod
    def build(cls, period: Period) -> _Context:
        ministry = list(SourceSystem.objects.filter(kind=SourceKind.MINISTRY, active=True).order_by("code"))
        provincial = list(
            SourceSystem.objects.filter(kind=SourceKind.PROVINCIAL, active=True)
            .select_related("owner")
            .order_by("code")
        )
        return cls(
            period=period,
            portal=_portal(),
            reporting=SourceSystem.objects.reporting(),
            ministry_systems=ministry,
            provincial_systems=provincial,
            thresholds=Thresholds.from_settings(),
            assignments=MonthAssignments.for_period(period),
        )

    def sources_for(self, province: Agency) -> list[SourceSystem]:
        return [*self.ministry_systems, *universe.province_systems(self.provincial_systems, province)]


def reported_counts(ctx: _Context, province: Agency) -> dict[str, int]:
    """The reporting system's counts for the province's subtree this month, by counted system code."""
    if ctx.reporting is None:
        return {}
    rows = (
        ReportedCount.objects.filter(
            source=ctx.reporting, period=ctx.period, agency__path__startswith=province.path
        )
        .order_by()
        .values("system_code")
        .annotate(n=Sum("received"))
    )
    return {r["system_code"]: r["n"] for r in rows}


@dataclass(frozen=True)
class ProvinceCounts:
    """A province's month as the index's DOSSIER_SYNC component sees it (sent with ``runs_counted``)."""

    portal: int  # dossiers received in the period that are on the portal (all systems)
    reported: int | None  # the national reporting system's count (None: no count reported)


def province_counts(portal: int, reported: dict[str, int]) -> ProvinceCounts:
    """The province's portal count (all systems) and reporting count for the DOSSIER_SYNC formula."""
    total: int | None
    if "" in reported:
        total = reported[""]
    else:
        total = sum(reported.values()) if reported else None
    return ProvinceCounts(portal=portal, reported=total)


def reconcile_province(
    ctx: _Context, province: Agency, agencies: list[tuple[int, str]], reported: dict[str, int]
) -> list[ReconciliationRun]:
    """All the province's runs of the month, replaced atomically in one transaction: upsert and lock
    the run rows, compare (one set-based statement for all systems) and replace their gaps, store
    counts."""
    sources = ctx.sources_for(province)
    if not sources:
        return []
    started = timezone.now()
    # Not nested in a caller's transaction: everything the comparison reads is committed, so the
    # portal's counts (and the province's platform counts, for listeners of province_starting) may
    # be taken on connections of their own while the comparison runs.
    concurrent = (
        settings.TTHC_RECONCILE_CONCURRENT_COUNTS
        and connection.vendor == "postgresql"  # SQLite: one writer, readers may meet its locks
        and not connection.in_atomic_block
    )
    prepared = (
        [
            handle
            for _receiver, handle in province_starting.send(
                sender=ReconciliationRun,
                province=province,
                period=ctx.period,
                pg_settings=gap_sql.run_memory(),
            )
            if handle is not None
        ]
        if concurrent
        else []
    )
    with transaction.atomic():
        _tune_session()
        ReconciliationRun.objects.bulk_create(
            [
                ReconciliationRun(period=ctx.period, province=province, source=s, started_at=started)
                for s in sources
            ],
            update_conflicts=True,
            unique_fields=["period", "province", "source"],
            update_fields=["started_at"],
        )
        runs = {
            r.source_id: r
            for r in ReconciliationRun.objects.select_for_update()
            .filter(period=ctx.period, province=province, source__in=sources)
            .order_by("source_id")
        }
        # The comparison replaces its own kinds' gaps (writing only what changed); the others
        # (not_synced) are recorded again below.
        # Named, not "all but ROW_KINDS": one range of the (run, kind, code) key per run instead of
        # reading every gap of the runs to skip the row kinds.
        Gap.objects.filter(run__in=list(runs.values()), kind__in=COUNT_KINDS).delete()
        compared = universe.build(
            ctx.period,
            province,
            agencies,
            ctx.assignments.for_province(province.pk),
            sources,
            {s.pk: runs[s.pk].pk for s in sources},
            ctx.portal.pk,
        )
        comparison = gap_sql.compare(
            compared,
            ctx.thresholds,
            concurrent_counts=concurrent,
            jit=_worth_compiling(ctx.period, province, runs.values()),
        )
        counts = comparison.runs
        not_synced_rows = _add_not_synced(
            ctx, province, compared, sources, runs, counts, comparison.portal_counts
        )
        finished = timezone.now()
        ordered = []
        for source in sources:
            run, c = runs[source.pk], counts[runs[source.pk].pk]
            run.province, run.source = province, source
            run.started_at, run.finished_at = started, finished
            run.dossiers, run.portal_dossiers, run.gap_dossiers = (
                c.dossiers,
                c.portal_dossiers,
                c.gap_dossiers,
            )
            run.gap_counts = c.gaps
            run.reported_count = reported.get(source.code)
            ordered.append(run)
        # Points at stake come from the index's declarations (indicators listens), not from here.
        runs_counted.send(
            sender=ReconciliationRun,
            runs=ordered,
            period=ctx.period,
            counts=province_counts(comparison.portal_total, reported),
            prepared=prepared,
        )
        ReconciliationRun.objects.bulk_update(
            ordered,
            [
                "started_at",
                "finished_at",
                "dossiers",
                "portal_dossiers",
                "gap_dossiers",
                "gap_counts",
                "reported_count",
                "points_at_stake",
                "points_breakdown",
            ],
        )
        for run in ordered:  # e.g. complaints verifies the cases this run can judge
            transaction.on_commit(partial(run_finished.send, sender=ReconciliationRun, run=run))
        # Statistics follow the rows written (a re-run that changes little writes little).
        analyze_on_commit([Gap], rows=comparison.written + not_synced_rows)
    return ordered


def _worth_compiling(period: Period, province: Agency, runs: Iterable[ReconciliationRun]) -> bool:
    """Whether the province's comparison is worth JIT-compiling: its size, as its runs of the month
    last counted it — or, for a month's first run, as its latest earlier month's did — reaches
    ``TTHC_RECONCILE_JIT_DOSSIERS``. That tells a large province, whose statement compiling speeds up,
    from the many small ones, whose compilation costs more than it saves (docs/scaling.md)."""
    threshold = settings.TTHC_RECONCILE_JIT_DOSSIERS
    if not threshold:
        return False
    size = sum(run.dossiers or 0 for run in runs)
    if not size:
        mine = ReconciliationRun.objects.filter(province=province)
        latest = mine.filter(period__lt=period).order_by("-period").values("period")[:1]
        size = mine.filter(period=Subquery(latest)).aggregate(n=Sum("dossiers"))["n"] or 0
    return size >= threshold


def _add_not_synced(
    ctx: _Context,
    province: Agency,
    compared: gap_sql.Universe,
    sources: list[SourceSystem],
    runs: dict[int, ReconciliationRun],
    counts: dict[int, Any],
    portal_counts: list[tuple[int, int, int]] | None = None,
) -> int:
    """The reported counts the portal falls short of become ``not_synced`` gaps (``not_synced``), each
    system judged on the procedures it serves this month (its universe's); returns the rows recorded."""
    specs = {spec.source_id: spec for spec in compared.runs}

    def served(source: SourceSystem) -> tuple[int, ...]:
        spec = specs.get(source.pk)
        if spec is None:
            return ()
        own = compared.own_procedure_ids if spec.own_agency_ids else ()
        return tuple(sorted({*spec.procedure_ids, *own}))

    found = not_synced.shortfalls(
        reporting=ctx.reporting,
        portal=ctx.portal,
        period=str(ctx.period),
        start=ctx.period.start,
        end=ctx.period.end,
        province=province,
        agency_ids=compared.agency_ids,
        sources=sources,
        procedure_ids=served,
        portal_counts=portal_counts,
    )
    for run_id, total in not_synced.record(runs, found).items():
        counts[run_id].gaps["not_synced"] = total
    return sum(len(items) for items in found.values())


def _tune_session() -> None:
    """PostgreSQL settings for this transaction only (``SET LOCAL``): a province's join hashes millions
    of rows, so give it the memory to do so in one batch (``TTHC_RECONCILE_WORK_MEM``) instead of
    spilling to temporary files, and the plan shape of a batch job."""
    set_local(
        **gap_sql.run_memory(),
        # No JIT for the transaction's statements: compiling costs them more than it saves. A large
        # province's comparison is compiled (``gap_sql.COMPARISON_SETTINGS``).
        jit="off",
        # A batch transaction: let both sides of the join be scanned by parallel workers (the
        # defaults are priced for short queries and leave the portal's side to one process).
        parallel_setup_cost="10",
        parallel_tuple_cost="0.001",
        # The results are derived data that the next run rebuilds: do not wait for the WAL flush
        # at commit (a crash can lose only the last runs, which re-running restores).
        synchronous_commit="off",
        # Random reads priced as PostgreSQL's default, whatever the server's setting: the sides
        # are bulk reads through the (source, agency, time) index's bitmaps. Priced for SSDs
        # (1.1, docs/scaling.md) the planner reads them through the (agency, time) index row by
        # row, every system's rows included: 8.5 s instead of 3.2 s for a 2 M-dossier province.
        random_page_cost="4",
    )


def reconcile_period(
    period: Period | str,
    province: str | None = None,
    *,
    progress: Callable[[ReconciliationRun], object] | None = None,
) -> list[ReconciliationRun]:
    """Reconcile every province (or one) against every active ministry system and its own system.

    Returns the runs in (province, source) order. Each province commits on its own, so a long month
    shows progress and a failure leaves the finished provinces in place (re-running is harmless).
    """
    period = parse_period(period)
    ctx = _Context.build(period)
    runs: list[ReconciliationRun] = []
    for prov in provinces_for(period, province):
        agencies = list(Agency.objects.subtree(prov).order_by().values_list("pk", "path"))
        province_runs = reconcile_province(ctx, prov, agencies, reported_counts(ctx, prov))
        for run in province_runs:
            if progress:
                progress(run)
        runs.extend(province_runs)
    log.info("reconciled %s: %d runs", period, len(runs))
    return runs


def summary(period: Period | str, runs: Iterable[ReconciliationRun]) -> dict[str, Any]:
    """The ``--json`` shape: every kind present, 0 when none."""
    return {
        "period": str(parse_period(period)),
        "runs": [
            {
                "province": run.province.code,
                "source": run.source.code,
                "dossiers": run.dossiers,
                "gaps": {k: int(run.gap_counts.get(k, 0)) for k in KINDS},
                "gap_total": run.gap_total,
            }
            for run in runs
        ],
    }
