"""What a province's runs compare in one month: each system's universe (docs/domain.md#universe).

* **Assignments.** Each procedure is handled, in the province and the month, by the system its
  assignment names (:mod:`.assignments`): a ministry's centralized system, a provincial system by
  code, or ``""`` — each province's own system.
* **One universe per system.** A province may run several systems of its own (e.g. one for a
  department). A system named by an assignment serves that procedure in the whole province; the
  "own system" procedures of a dossier go to the province's system whose owner is the nearest
  ancestor of the receiving agency, among the systems with no procedure assigned by code this month
  (all of them if every one has such procedures); of several systems with the same owner, the one
  holding the most of the month's copies from the province. So a department's system is compared on
  its subtree, the province's main system on the rest, and neither reports the other's dossiers missing.
* **Three-way chain.** For a procedure on a ministry system, the province's own system takes part
  in the chain (``missing_in_province_system``, ``province_system_differs``) when it holds at least
  ``TTHC_CHAIN_MIN_SHARE`` of as many of the month's dossiers of that procedure as the ministry
  system — so a stray copy does not make every ministry dossier "missing" at the province.
* **Progress habit.** A system "normally sends progress" when at least ``TTHC_PROGRESS_SOURCE_SHARE``
  of its finished dossiers of the province and month (a sample of ``TTHC_PROGRESS_SAMPLE``) carry
  steps; only those are judged by the progress-based suspicious patterns.

Each question is one small query (index-only where it counts); nothing here reads a dossier's row
beyond the samples.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from django.conf import settings
from django.db import connection
from django.db.models import Case, Count, QuerySet, When

from tthc.models import Agency
from tthc.periods import Period

from ..models import SourceDossier, SourceKind, SourceSystem
from .assignments import OWN, by_code, own_system_by_agency
from .gap_sql import FINISHED, RunSpec, Universe


def _slice(period: Period, agency_ids: Sequence[int]) -> QuerySet[SourceDossier]:
    return SourceDossier.objects.order_by().filter(
        agency_id__in=agency_ids, received_at__gte=period.start, received_at__lt=period.end
    )


def _per_procedure(qs: QuerySet[SourceDossier]) -> dict[int, int]:
    return dict(qs.values("procedure_id").annotate(n=Count("*")).values_list("procedure_id", "n"))


def chain_procedures(
    period: Period, agency_ids: Sequence[int], ministry: Mapping[int, list[int]], own_ids: Sequence[int]
) -> tuple[int, ...]:
    """The ministry procedures whose dossiers the province's own systems hold (three-way comparison).
    ``ministry``: ministry system id → its procedure ids."""
    procedures = sorted({p for ids in ministry.values() for p in ids})
    if not (procedures and own_ids):
        return ()
    held = _per_procedure(
        _slice(period, agency_ids).filter(source_id__in=own_ids, procedure_id__in=procedures)
    )
    if not held:
        return ()
    at_ministry = _per_procedure(
        _slice(period, agency_ids).filter(source_id__in=list(ministry), procedure_id__in=sorted(held))
    )
    share = float(settings.TTHC_CHAIN_MIN_SHARE)
    return tuple(sorted(p for p, n in held.items() if at_ministry.get(p) and n >= share * at_ministry[p]))


def progress_sources(
    period: Period, agency_ids: Sequence[int], sources: Sequence[SourceSystem]
) -> tuple[int, ...]:
    """The systems whose finished dossiers (a sample per system) normally carry progress steps — one
    statement where the database allows it (a ``UNION ALL`` of one limited read per system)."""
    sample, share = int(settings.TTHC_PROGRESS_SAMPLE), float(settings.TTHC_PROGRESS_SOURCE_SHARE)
    if not sources or sample <= 0:
        return ()
    parts = [
        _slice(period, agency_ids)
        .filter(source=source, status__in=FINISHED)
        .annotate(has_steps=Case(When(progress_steps__gt=0, then=1), default=0))
        .values_list("source_id", "has_steps")[:sample]
        for source in sources
    ]
    if connection.features.supports_slicing_ordering_in_compound:
        rows: Iterable[tuple[int, int]] = parts[0].union(*parts[1:], all=True)
    else:  # SQLite: no LIMIT inside a UNION's parts
        rows = (row for part in parts for row in part)
    seen: dict[int, list[int]] = {}
    for source_id, has_steps in rows:
        seen.setdefault(source_id, []).append(has_steps)
    return tuple(sorted(pk for pk, flags in seen.items() if sum(flags) >= share * len(flags)))


#: Copies counted per system, at most, to break a tie between systems with the same owner (beyond it
#: both are "sending a month's worth" and the code decides): each count stays a short index range.
TIE_COUNT_CAP = 100_000


def _untied(period: Period, agency_ids: Sequence[int], systems: list[SourceSystem]) -> list[SourceSystem]:
    """``systems`` with those that share an owner ordered by the month's copies they hold from the
    province (most first, counted up to ``TIE_COUNT_CAP``, then by code): of two systems registered
    for the same agency (a vendor change, a second system), the one actually sending this month serves
    its subtree's "own system" procedures. By code alone, a newly registered, still silent system
    would take them all and report every dossier of the working one missing at its source. Only on a
    tie: one capped index-only count per tied system."""
    by_owner: dict[int, list[SourceSystem]] = {}
    for system in systems:
        by_owner.setdefault(system.owner_id, []).append(system)
    tied = [s for group in by_owner.values() if len(group) > 1 for s in group]
    if not tied:
        return systems
    month = _slice(period, agency_ids)
    held = {s.pk: month.filter(source_id=s.pk).values("source_id")[:TIE_COUNT_CAP].count() for s in tied}
    return sorted(systems, key=lambda s: (-held.get(s.pk, 0), s.code))


def build(
    period: Period,
    province: Agency,
    agencies: Sequence[tuple[int, str]],
    slots: Mapping[int, str],
    sources: Sequence[SourceSystem],
    runs: Mapping[int, int],
    portal_id: int,
) -> Universe:
    """The universe of a province's runs. ``agencies``: (id, path) of its subtree; ``slots``: procedure
    id → system code in force; ``sources``: the compared systems; ``runs``: source id → run id."""
    groups = by_code(slots)
    agency_ids = tuple(pk for pk, _ in agencies)
    own = [s for s in sources if s.kind == SourceKind.PROVINCIAL]
    defaults = [s for s in own if not groups.get(s.code)] or own
    served = own_system_by_agency(
        agencies, [(s.pk, s.owner.path) for s in _untied(period, agency_ids, defaults)]
    )
    own_agencies: dict[int, list[int]] = {}
    for agency_id, system_id in served.items():
        own_agencies.setdefault(system_id, []).append(agency_id)
    specs = tuple(
        RunSpec(
            runs[s.pk],
            s.pk,
            tuple(sorted(groups.get(s.code, ()))),
            tuple(sorted(own_agencies.get(s.pk, ()))) if s.kind == SourceKind.PROVINCIAL else (),
        )
        for s in sources
    )
    ministry = {s.pk: groups.get(s.code, []) for s in sources if s.kind == SourceKind.MINISTRY}
    own_ids = [r.source_id for r in specs if r.own_agency_ids]
    return Universe(
        portal_id=portal_id,
        agency_ids=agency_ids,
        start=period.start,
        end=period.end,
        runs=specs,
        own_procedure_ids=tuple(sorted(groups.get(OWN, ()))),
        chain_procedure_ids=chain_procedures(period, agency_ids, ministry, own_ids),
        progress_sources=progress_sources(period, agency_ids, sources),
    )


def province_systems(systems: Sequence[SourceSystem], province: Agency) -> list[SourceSystem]:
    """The province's own (provincial) systems among ``systems``."""
    return [s for s in systems if s.kind == SourceKind.PROVINCIAL and s.owner.path.startswith(province.path)]
