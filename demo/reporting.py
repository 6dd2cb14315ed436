"""The national reporting system's feed: monthly counts per province and system — every dossier the
system handled, a little more (it counts dossiers nobody synced) — and the reconciliation of the
latest months, so the gap matrix has something to show on first run."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone

from reconciliation.models import ReportedCount, SourceDossier, SourceSystem
from reconciliation.services.reconcile import reconcile_period
from tthc.models import AgencyKind, Dossier
from tthc.periods import Period

from .distributions import VN_TZ
from .systems import Plans, mix

#: The reporting system counts 0–1.4 % more than each system synced.
REPORTING_EXTRA_PERMILLE = 15


def report_counts(plans: Plans, seed: int) -> int:
    """Per province × month × ministry or provincial system: the dossiers received that the system
    handles (its procedures, or the province's others), plus a little (deterministic per system and
    province). Idempotent: only changed counts are written."""
    reporting = SourceSystem.objects.reporting()
    if reporting is None:
        return 0
    rows = (
        Dossier.objects.filter(
            received_at__isnull=False, receiving_agency__ranked_agency__kind=AgencyKind.PROVINCE
        )
        .annotate(month=TruncMonth("received_at", tzinfo=VN_TZ))
        .values_list(
            "receiving_agency__ranked_agency_id",
            "receiving_agency__ranked_agency__code",
            "month",
            "procedure__central_system",
        )
        .annotate(n=Count("id"))
        .order_by()
    )
    handled: dict[tuple, int] = {}
    for province_id, province, month, central_system, n in rows:
        plan = plans.central.get(central_system) if central_system else plans.provincial.get(province)
        if plan is not None:
            key = (province_id, province, f"{month:%Y-%m}", plan.code)
            handled[key] = handled.get(key, 0) + n
    wanted = {
        (province_id, period, system): n
        + n * mix(f"{system}:{province}", seed, REPORTING_EXTRA_PERMILLE) // 1000
        for (province_id, province, period, system), n in handled.items()
    }
    stored = {
        (c.agency_id, str(c.period), c.system_code): c for c in ReportedCount.objects.filter(source=reporting)
    }
    new = [
        ReportedCount(source=reporting, agency_id=a, period=p, system_code=s, received=n)
        for (a, p, s), n in wanted.items()
        if (a, p, s) not in stored
    ]
    changed, now = [], timezone.now()
    for key, n in wanted.items():
        count = stored.get(key)
        if count is not None and count.received != n:
            count.received, count.updated_at = n, now
            changed.append(count)
    with transaction.atomic():
        ReportedCount.objects.bulk_create(new, batch_size=2000)
        ReportedCount.objects.bulk_update(changed, ["received", "updated_at"], batch_size=2000)
    return len(new) + len(changed)


def reconcile_latest(months: int = 2) -> list[str]:
    """Reconcile the ``months`` latest months holding synced dossiers (all provinces)."""
    latest = (
        SourceDossier.objects.filter(received_at__isnull=False)
        .order_by("-received_at")
        .values_list("received_at", flat=True)
        .first()
    )
    if latest is None:
        return []
    period = Period.containing(timezone.localtime(latest))
    done = []
    for _ in range(months):
        reconcile_period(period)
        done.append(str(period))
        period = period.previous()
    return done
