"""``not_synced``: a system that sends (almost) nothing, found by counts instead of dossiers.

A system that sends nothing to the portal and nothing to the platform leaves no dossier to compare,
so the per-dossier comparison finds 0 gaps although dossiers exist (seed 000 names these ministries
first: "chưa thực hiện"). The province's own records say how many dossiers each agency received in
the month through each system (``ReportedCount`` rows with a ``system_code``, imported by
``import_reported_counts`` or ``POST /api/v1/reported-counts/``, stored under the active reporting
system). For each reported (agency, system) the portal's count for the same agency subtree × system
universe × month is subtracted; a shortfall above ``TTHC_NOT_SYNCED_THRESHOLD`` is one ``Gap`` row
of kind ``not_synced`` (its ``dossier_code`` names the agency: ``NOT_SYNCED:<agency code>``; the
values are the reported and the portal count) and counts as the shortfall in the run's
``gap_counts["not_synced"]``.

Set-based: one grouped count of the portal's month per agency, with a conditional count for each
system reported (one scan, however many systems), then arithmetic over the agencies reported (never
over dossiers). Called by ``reconcile.reconcile_province``
inside the province's transaction, after the comparison and before the points at stake.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from django.conf import settings
from django.db.models import Count, Q

from tthc.models import Agency

from ..models import Gap, GapKind, ReconciliationRun, ReportedCount, SourceDossier, SourceSystem

PREFIX = "NOT_SYNCED:"


@dataclass(frozen=True)
class Shortfall:
    agency_code: str
    reported: int
    on_portal: int

    @property
    def missing(self) -> int:
        return max(self.reported - self.on_portal, 0)


def shortfalls(
    *,
    reporting: SourceSystem | None,
    portal: SourceSystem,
    period: str,
    start: datetime,
    end: datetime,
    province: Agency,
    agency_ids: Iterable[int],
    sources: list[SourceSystem],
    procedure_ids: Callable[[SourceSystem], tuple[int, ...]],
    portal_counts: Iterable[tuple[int, int, int]] | None = None,
) -> dict[int, list[Shortfall]]:
    """{source id: [shortfall per reported agency]} above the threshold, for the province's month.

    ``portal_counts``: the portal's month for ``agency_ids`` already counted per (procedure, agency)
    — the comparison counts it anyway (``gap_sql.Comparison.portal_counts``) — so that the portal's
    month is not scanned a second time; without it, one grouped count is run here."""
    if reporting is None or not sources:
        return {}
    by_code = {s.code: s for s in sources}
    reported = list(
        ReportedCount.objects.filter(
            source=reporting,
            period=period,
            agency__path__startswith=province.path,
            system_code__in=list(by_code),
        )
        .order_by("system_code", "agency__path")
        .values_list("system_code", "agency__code", "agency__path", "received")
    )
    if not reported:
        return {}
    ids = list(agency_ids)
    paths = dict(Agency.objects.filter(pk__in=ids).values_list("pk", "path"))
    threshold = settings.TTHC_NOT_SYNCED_THRESHOLD
    codes = sorted({row[0] for row in reported})
    served = {code: procedure_ids(by_code[code]) for code in codes}
    # One scan of the portal's month for every system reported: per agency, one conditional count per
    # system's procedures (the systems' procedure sets may overlap).
    wanted = sorted({p for procedures in served.values() for p in procedures})
    counted = [code for code in codes if served[code]]
    per_agency: dict[str, dict[str, int]] = {code: {} for code in codes}
    if counted and portal_counts is not None:
        # Summing the (procedure, agency) groups per system: a few thousand rows, not dossiers.
        serving: dict[int, list[str]] = {}
        for code in counted:
            for procedure in served[code]:
                serving.setdefault(procedure, []).append(code)
        for procedure, agency, n in portal_counts:
            path = paths.get(agency)
            if path is not None:
                for code in serving.get(procedure, ()):
                    per_agency[code][path] = per_agency[code].get(path, 0) + n
    elif counted:
        rows = (
            SourceDossier.objects.filter(
                source=portal,
                agency_id__in=ids,
                received_at__gte=start,
                received_at__lt=end,
                procedure_id__in=wanted,
            )
            .order_by()
            .values("agency_id")
            .annotate(
                **{
                    # Counting the procedure (never null inside the filter), not the id: the
                    # (source, agency, time, procedure) index covers the scan.
                    f"n{i}": Count("procedure_id", filter=Q(procedure_id__in=served[code]))
                    for i, code in enumerate(counted)
                }
            )
        )
        for row in cast(Iterable[dict[str, int]], rows):
            path = paths.get(row["agency_id"])
            if path is not None:
                for i, code in enumerate(counted):
                    per_agency[code][path] = row[f"n{i}"]
    out: dict[int, list[Shortfall]] = {}
    for system_code, agency_code, path, received in reported:
        # The agency's subtree: a handful of grouped counts, summed by path prefix.
        on_portal = sum(n for p, n in per_agency[system_code].items() if p.startswith(path))
        found = Shortfall(agency_code, int(received), on_portal)
        if found.missing > threshold:
            out.setdefault(by_code[system_code].pk, []).append(found)
    return out


def record(runs: dict[int, ReconciliationRun], found: dict[int, list[Shortfall]]) -> dict[int, int]:
    """Insert the ``not_synced`` gap rows of ``found`` ({source id: shortfalls}) for ``runs`` ({source
    id: run}, gaps already cleared by the caller); returns {run id: total shortfall}."""
    rows: list[Gap] = []
    totals: dict[int, int] = {}
    for source_id, items in found.items():
        run = runs.get(source_id)
        if run is None:
            continue
        totals[run.pk] = sum(item.missing for item in items)
        rows.extend(
            Gap(
                run=run,
                kind=GapKind.NOT_SYNCED,
                dossier_code=f"{PREFIX}{item.agency_code}"[:64],
                agency_code=item.agency_code[:40],
                source_value=str(item.reported),
                portal_value=str(item.on_portal),
                detail=f"{item.missing} dossiers reported but not on the portal",
            )
            for item in items
        )
    Gap.objects.bulk_create(rows, batch_size=1000)
    return totals
