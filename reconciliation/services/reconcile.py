"""Reconciliation runs: for a month and a province, each source system against the portal's copy.

The command, the Celery task and (through them) the pages all call :func:`reconcile_period`.

The universe of a run (period P, province V, source system S) is the dossiers received in P by the
agencies of V's subtree whose procedure S handles: a ministry's centralized system handles the
procedures whose ``central_system`` is its code; a province's own system handles the procedures
with no centralized system. Each side (S, the portal) is filtered to that universe by its own
record, then both are joined on the dossier code (``gap_sql``) — set-based, one statement.

A run is idempotent: the same run row is locked, its gaps deleted and re-inserted, and its counts
replaced in one transaction, so readers see either the old or the new result, never a mix.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from tthc.models import Agency, Procedure
from tthc.periods import Period

from ..models import Gap, ReconciliationRun, ReportedCount, SourceDossier, SourceKind, SourceSystem
from . import gap_sql, impact
from .gap_sql import KINDS, Thresholds, Universe

log = logging.getLogger(__name__)


class ReconciliationError(ValueError):
    """The run cannot start (bad period, unknown province, no portal source system…)."""


def parse_period(value) -> Period:
    try:
        period = Period.parse(value)
    except ValueError as exc:
        raise ReconciliationError(str(exc)) from exc
    if period.kind != "month":
        raise ReconciliationError(f"reconciliation runs by month (YYYY-MM), got {value!r}")
    return period


def provinces_for(period: Period, code: str | None = None):
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


def _single(kind: str, required: bool) -> SourceSystem | None:
    system = SourceSystem.objects.filter(kind=kind, active=True).order_by("code").first()
    if system is None and required:
        raise ReconciliationError(f"no active source system of kind {kind!r}: create it with create_source_system")
    return system


@dataclass
class _Context:
    """What every run of one reconciliation call shares (resolved once, a handful of queries)."""

    period: Period
    portal: SourceSystem
    reporting: SourceSystem | None
    ministry_systems: list[SourceSystem]
    provincial_systems: list[SourceSystem]
    thresholds: Thresholds
    procedures: dict[str, tuple[int, ...]]

    @classmethod
    def build(cls, period: Period) -> _Context:
        ministry = list(SourceSystem.objects.filter(kind=SourceKind.MINISTRY, active=True).order_by("code"))
        provincial = list(
            SourceSystem.objects.filter(kind=SourceKind.PROVINCIAL, active=True).select_related("owner").order_by("code")
        )
        procedures: dict[str, list[int]] = {}
        for pk, central in Procedure.objects.order_by().values_list("pk", "central_system"):
            procedures.setdefault(central or "", []).append(pk)
        return cls(
            period=period,
            portal=_single(SourceKind.PORTAL, required=True),
            reporting=_single(SourceKind.REPORTING, required=False),
            ministry_systems=ministry,
            provincial_systems=provincial,
            thresholds=Thresholds.from_settings(),
            procedures={k: tuple(v) for k, v in procedures.items()},
        )

    def sources_for(self, province: Agency) -> list[SourceSystem]:
        own = [s for s in self.provincial_systems if s.owner.path.startswith(province.path)]
        return [*self.ministry_systems, *own]

    def procedure_ids(self, source: SourceSystem) -> tuple[int, ...]:
        return self.procedures.get("" if source.kind == SourceKind.PROVINCIAL else source.code, ())


def reported_counts(ctx: _Context, province: Agency) -> dict[str, int]:
    """The reporting system's counts for the province's subtree this month, by counted system code."""
    if ctx.reporting is None:
        return {}
    rows = (
        ReportedCount.objects.filter(source=ctx.reporting, period=str(ctx.period), agency__path__startswith=province.path)
        .order_by()
        .values("system_code")
        .annotate(n=Sum("received"))
    )
    return {r["system_code"]: r["n"] for r in rows}


def province_counts(ctx: _Context, province: Agency, agency_ids, reported: dict[str, int]) -> impact.ProvinceCounts:
    """The province's portal count (all systems) and reporting count for the DOSSIER_SYNC arithmetic."""
    portal = SourceDossier.objects.filter(
        source=ctx.portal, agency_id__in=agency_ids,
        received_at__gte=ctx.period.start, received_at__lt=ctx.period.end,
    ).count()
    if "" in reported:
        total = reported[""]
    else:
        total = sum(reported.values()) if reported else None
    return impact.ProvinceCounts(portal=portal, reported=total)


def reconcile_run(ctx: _Context, province: Agency, source: SourceSystem, agency_ids: tuple[int, ...],
                  reported: dict[str, int]) -> ReconciliationRun:
    """One run, replaced atomically: lock the run row, delete its gaps, insert the new ones."""
    universe = Universe(
        source_id=source.pk, portal_id=ctx.portal.pk, agency_ids=agency_ids,
        procedure_ids=ctx.procedure_ids(source), start=ctx.period.start, end=ctx.period.end,
    )
    started = timezone.now()
    with transaction.atomic():
        run, _ = ReconciliationRun.objects.get_or_create(
            period=str(ctx.period), province=province, source=source, defaults={"started_at": started}
        )
        run = ReconciliationRun.objects.select_for_update().get(pk=run.pk)
        Gap.objects.filter(run=run).delete()
        counts = gap_sql.compare(run.pk, universe, ctx.thresholds)
        run.started_at = started
        run.finished_at = timezone.now()
        run.dossiers = counts.dossiers
        run.portal_dossiers = counts.portal_dossiers
        run.gap_dossiers = counts.gap_dossiers
        run.gap_counts = counts.gaps
        run.reported_count = reported.get(source.code)
        run.points_at_stake = 0
        run.save()
    return run


def reconcile_period(period, province: str | None = None, *,
                     progress: Callable[[ReconciliationRun], None] | None = None) -> list[ReconciliationRun]:
    """Reconcile every province (or one) against every active ministry system and its own system.

    Returns the runs in (province, source) order. Each run commits on its own, so a long month
    shows progress and a failure leaves the finished runs in place (re-running is harmless).
    """
    period = parse_period(period)
    ctx = _Context.build(period)
    runs: list[ReconciliationRun] = []
    for prov in provinces_for(period, province):
        agency_ids = tuple(Agency.objects.subtree(prov).order_by().values_list("pk", flat=True))
        reported = reported_counts(ctx, prov)
        province_runs = []
        for source in ctx.sources_for(prov):
            run = reconcile_run(ctx, prov, source, agency_ids, reported)
            province_runs.append(run)
            if progress:
                progress(run)
        _store_impact(ctx, prov, agency_ids, reported, province_runs)
        runs.extend(province_runs)
    log.info("reconciled %s: %d runs", period, len(runs))
    return runs


def _store_impact(ctx, province, agency_ids, reported, runs: Iterable[ReconciliationRun]) -> None:
    """Points at stake per run, once the province's portal total is known (one count query)."""
    counts = province_counts(ctx, province, agency_ids, reported)
    for run in runs:
        points = impact.points_at_stake(counts, run.gap_counts)
        if points != run.points_at_stake:
            run.points_at_stake = points
            ReconciliationRun.objects.filter(pk=run.pk).update(points_at_stake=points)


def summary(period, runs: Iterable[ReconciliationRun]) -> dict:
    """The ``--json`` shape: every kind present, 0 when none."""
    return {
        "period": str(parse_period(period)),
        "runs": [
            {
                "province": run.province.code,
                "source": run.source.code,
                "dossiers": run.dossiers,
                "gaps": {k: int(run.gap_counts.get(k, 0)) for k in KINDS},
            }
            for run in runs
        ],
    }


def current_period(closed: bool = False) -> Period:
    """The month in progress in Vietnam time, or the month just closed."""
    period = Period.containing(timezone.localtime(timezone.now()))
    return period.previous() if closed else period
