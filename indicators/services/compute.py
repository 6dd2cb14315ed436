"""Computing and storing the index for a period: every ranked agency at once, replaced atomically.

``recompute(period)`` is what the Celery tasks, the command and the admin action call. It counts
every measure with one aggregate query per family (``services.measures``), scores them
(``services.scoring``), ranks peers (provinces among provinces, ministries among ministries, per
group and in total), compares with the previous period, and upserts the snapshots in one
transaction keyed by (agency, period) — so recomputing twice leaves the same rows (same ids), and
readers never see half a period.

``recompute(period, level=…)`` does the same for one level only: levels are ranked apart and share
no row, so the two levels computed one by one (the Celery tasks run one per level, to keep each
task's time limit short) give exactly the rows of one computation of both.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from tthc.models import Agency, AgencyKind
from tthc.periods import Period

from ..definitions import MINISTRY, PROVINCE, Methodology, Window, methodology_for
from ..models import ComponentValue, IndicatorSnapshot
from . import measures, publication, scoring

LEVEL_KINDS = {
    PROVINCE: (AgencyKind.PROVINCE,),
    MINISTRY: (AgencyKind.MINISTRY, AgencyKind.MINISTRY_LEVEL),
}


@dataclass
class AgencyResult:
    agency: Agency
    level: str
    score: scoring.AgencyScore
    rank: int | None = None
    group_ranks: dict | None = None


@dataclass
class PeriodResult:
    period: Period
    window: Window
    methodology: Methodology
    agencies: list[AgencyResult]
    #: The level computed, or None for all of them (what ``store`` may replace).
    level: str | None = None


def peers(w: Window, levels: list[str] | None = None) -> dict[str, list[Agency]]:
    """Ranked agencies in force on the window's last day, by level (all levels, or ``levels``)."""
    active = Agency.objects.active(w.last_day).order_by("code")
    return {
        level: list(active.filter(kind__in=kinds))
        for level, kinds in LEVEL_KINDS.items()
        if levels is None or level in levels
    }


def window_for(period: Period | str, now: datetime | None = None) -> Window:
    return Window.of(Period.parse(period), now or timezone.now())


def compute(
    period: Period | str,
    now: datetime | None = None,
    only: list[Agency] | None = None,
    level: str | None = None,
) -> PeriodResult:
    """Score every ranked agency for the period, judged at min(period end, ``now``). No snapshot writes.

    ``only`` restricts the computation to those agencies (their ranks are then left unset); ``level``
    to the agencies of one level, ranked among themselves as always (the rows counted are then only
    theirs: a dossier scores for one ranked agency).
    """
    w = window_for(period, now)
    methodology = methodology_for(w.period)
    publication.refresh_deadlines()
    by_level = peers(w, None if level is None else [level])
    if only is not None:
        wanted = {a.pk for a in only}
        by_level = {lv: [a for a in agencies if a.pk in wanted] for lv, agencies in by_level.items()}
    counts = measures.collect(
        methodology,
        w,
        {lv: [a.pk for a in ags] for lv, ags in by_level.items()},
        restrict=only is not None or level is not None,
    )
    results = []
    for lv, agencies in by_level.items():
        level_results = [
            AgencyResult(a, lv, scoring.score_agency(methodology, lv, counts[a.pk])) for a in agencies
        ]
        if only is None:
            _rank(level_results)
        results.extend(level_results)
    return PeriodResult(w.period, w, methodology, results, level=level)


def _rank(results: list[AgencyResult]) -> None:
    """Competition ranks among the peers with data; an agency without data has no rank (and takes
    no place: the others rank exactly as if it were absent)."""
    totals = scoring.competition_ranks({r.agency.pk: r.score.total for r in results})
    group_codes = {code for r in results for code in r.score.groups}
    per_group = {
        code: scoring.competition_ranks({r.agency.pk: r.score.groups[code]["score"] for r in results})
        for code in group_codes
    }
    for r in results:
        r.rank = totals.get(r.agency.pk)
        r.group_ranks = {code: ranks.get(r.agency.pk) for code, ranks in per_group.items()}


def _difference(now: Decimal | str | None, before: Decimal | str | None) -> Decimal | None:
    """The change against the previous period; none when either side has no data."""
    if now is None or before is None:
        return None
    return Decimal(now) - Decimal(before)


def _groups_json(result: AgencyResult, previous: IndicatorSnapshot | None) -> dict:
    out = {}
    for code, g in result.score.groups.items():
        before = (previous.groups.get(code) or {}).get("score") if previous else None
        change = _difference(g["score"], before)
        out[code] = {
            "score": None if g["score"] is None else str(g["score"]),
            "max": str(g["max"]),
            "rank": (result.group_ranks or {}).get(code),
            "change": None if change is None else str(change),
        }
    return out


@transaction.atomic
def store(result: PeriodResult) -> list[IndicatorSnapshot]:
    """Upsert the period's snapshots and component values; drop rows no longer computed (of the
    result's level only, when it is one level's)."""
    period = result.period
    of_level = {} if result.level is None else {"level": result.level}
    previous = {s.agency_id: s for s in IndicatorSnapshot.objects.filter(period=result.period.previous())}
    snapshots = []
    for r in result.agencies:
        before = previous.get(r.agency.pk)
        snapshots.append(
            IndicatorSnapshot(
                agency=r.agency,
                period=period,
                period_kind=result.period.kind,
                methodology=result.methodology.version,
                level=r.level,
                as_of=result.window.as_of,
                final=result.window.final,
                total=r.score.total,
                band=r.score.band,
                rank=r.rank,
                peers=sum(1 for x in result.agencies if x.level == r.level and x.score.has_data),
                groups=_groups_json(r, before),
                previous_total=before.total if before else None,
                change=_difference(r.score.total, before.total if before else None),
            )
        )
    fields = [
        "period_kind",
        "methodology",
        "level",
        "as_of",
        "final",
        "total",
        "band",
        "rank",
        "peers",
        "groups",
        "previous_total",
        "change",
        "computed_at",
    ]
    IndicatorSnapshot.objects.bulk_create(
        snapshots, update_conflicts=True, unique_fields=["agency", "period"], update_fields=fields
    )
    kept = [r.agency.pk for r in result.agencies]
    IndicatorSnapshot.objects.filter(period=period, **of_level).exclude(agency_id__in=kept).delete()
    ids = dict(
        IndicatorSnapshot.objects.filter(period=period, agency_id__in=kept).values_list("agency_id", "pk")
    )
    values = [
        ComponentValue(
            snapshot_id=ids[r.agency.pk],
            code=c.code,
            group=c.group,
            numerator=c.numerator,
            denominator=c.denominator,
            ratio=c.ratio,
            points=c.points,
            max_points=c.max_points,
            details=c.details,
        )
        for r in result.agencies
        for c in r.score.components
    ]
    for level in {r.level for r in result.agencies}:  # components no longer computed (methodology change)
        mine = [r for r in result.agencies if r.level == level]
        codes = {c.code for c in mine[0].score.components}
        ComponentValue.objects.filter(snapshot_id__in=[ids[r.agency.pk] for r in mine]).exclude(
            code__in=codes
        ).delete()
    ComponentValue.objects.bulk_create(
        values,
        update_conflicts=True,
        unique_fields=["snapshot", "code"],
        update_fields=["group", "numerator", "denominator", "ratio", "points", "max_points", "details"],
        batch_size=2000,
    )
    _refresh_next_change(result.period, result.level)
    return list(
        IndicatorSnapshot.objects.filter(period=period, **of_level)
        .select_related("agency")
        .order_by("level", "rank")
    )


def _refresh_next_change(period: Period, level: str | None = None) -> None:
    """A recomputed period changes the next period's "change against the previous period" (of the
    recomputed level's snapshots, so that the two levels' tasks never write the same rows)."""
    following = list(
        IndicatorSnapshot.objects.filter(period=period.next(), **({} if level is None else {"level": level}))
    )
    if not following:
        return
    current = {s.agency_id: s for s in IndicatorSnapshot.objects.filter(period=period)}
    for s in following:
        before = current.get(s.agency_id)
        s.previous_total = before.total if before else None
        s.change = _difference(s.total, s.previous_total)
        for code, g in s.groups.items():
            prev = (before.groups.get(code) or {}).get("score") if before else None
            change = _difference(g.get("score"), prev)
            g["change"] = None if change is None else str(change)
    IndicatorSnapshot.objects.bulk_update(following, ["previous_total", "change", "groups"])


def recompute(
    period: Period | str, now: datetime | None = None, level: str | None = None
) -> list[IndicatorSnapshot]:
    """Compute and store a period (live when ``now`` is inside it, final once it has ended); all
    levels, or one ``level`` (``LEVELS``)."""
    return store(compute(period, now, level=level))


#: The ranked levels, in the order the tasks compute them.
LEVELS = tuple(LEVEL_KINDS)
