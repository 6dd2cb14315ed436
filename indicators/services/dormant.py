"""Procedures without dossiers (seed 003, II.2.đ): procedures with no dossier anywhere for the last
``INDICATOR_DORMANT_MONTHS`` months (default 36, "ba năm gần nhất"), for each ministry to review —
the seed asks not to build or keep online services for procedures that raised no dossier in three
years.

"Anywhere" means any receiving agency, any source: one ``NOT EXISTS`` on the (procedure,
received_at) index per procedure — set-based, one statement, paginated by the caller. A dossier
counts from its receipt, or its submission when it was never received. Scope: the procedures
owned by a ministry the user sees (the permission gate's agencies): a ministry sees its own, a
national administrator all, anyone else none.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.scope import scope_of
from tthc.calendar import VN_TZ
from tthc.models import Agency, Dossier, Procedure

#: (column key, lookup, header): what the page, the API and the exports show.
COLUMNS = (
    ("code", "code", _("Procedure code")),
    ("name", "name", _("Procedure name")),
    ("ministry", "ministry__code", _("Owning ministry")),
    ("ministry_name", "ministry__name", _("Owning ministry name")),
    ("field", "field_name", _("Field")),
    ("online_level", "online_level", _("Online level")),
    ("central", "level_central", _("Central level")),
    ("province", "level_province", _("Province level")),
    ("commune", "level_commune", _("Commune level")),
    ("published_on", "published_on", _("Published on")),
    ("last_dossier_at", "last_dossier_at", _("Last dossier ever")),
)


def months() -> int:
    return int(getattr(settings, "INDICATOR_DORMANT_MONTHS", 36))


def cutoff(now: datetime | None = None, span: int | None = None) -> datetime:
    """The start of the window: the same day and time ``span`` months before ``now`` (Vietnam time;
    the 29th–31st fall back to the month's last day)."""
    span = months() if span is None else span
    local = (now or timezone.now()).astimezone(VN_TZ)
    year, month = divmod(local.year * 12 + local.month - 1 - span, 12)
    month += 1
    for day in range(local.day, 27, -1) if local.day > 28 else (local.day,):
        try:
            return local.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    return local.replace(year=year, month=month, day=28)


def _dossier_time(lookup: str = "") -> Coalesce:
    return Coalesce(f"{lookup}received_at", f"{lookup}submitted_at")


def without_dossiers(
    user: Any = None,
    now: datetime | None = None,
    span: int | None = None,
    ministry: Agency | None = None,
) -> QuerySet[Procedure]:
    """Procedures (of ``ministry``, within ``user``'s scope when given) with no dossier received or
    submitted since :func:`cutoff`, annotated with ``last_dossier_at`` (ever; ``None``: never)."""
    since = cutoff(now, span)
    recent = Dossier.objects.filter(procedure=OuterRef("pk")).filter(
        Q(received_at__gte=since) | Q(received_at__isnull=True, submitted_at__gte=since)
    )
    last = (
        Dossier.objects.filter(procedure=OuterRef("pk"))
        .order_by()
        .values("procedure")
        .annotate(at=Max(_dossier_time()))
        .values("at")
    )
    qs = Procedure.objects.all()
    if user is not None:
        qs = qs.filter(scope_of(user).agency_q("ministry"))
    if ministry is not None:
        qs = qs.filter(ministry=ministry)
    return (
        qs.filter(~Exists(recent))
        .annotate(last_dossier_at=Subquery(last[:1]))
        .select_related("ministry")
        .order_by("ministry__code", "code")
    )


def per_ministry(qs: QuerySet[Procedure]) -> list[dict[str, Any]]:
    """Counts per owning ministry (one grouped query): what each ministry has to review."""
    rows = qs.order_by().values("ministry__code", "ministry__name").annotate(procedures=Count("pk"))
    return [
        {"code": r["ministry__code"], "name": r["ministry__name"], "procedures": r["procedures"]}
        for r in rows.order_by("ministry__code")
    ]


def rows(qs: QuerySet[Procedure], limit: int | None = None) -> Iterator[tuple[Any, ...]]:
    """Export rows (tuples in ``COLUMNS`` order), streamed."""
    values = qs.values_list(*(c[1] for c in COLUMNS))
    if limit is not None:
        values = values[:limit]
    return values.iterator(chunk_size=2000)


def export_response(
    qs: QuerySet[Procedure], fmt: str, filename: str, headers: str = "labels"
) -> StreamingHttpResponse | FileResponse:
    """CSV or Excel through the shared writer (``core.exports``, columns from ``services.export``)."""
    from .export import queryset_export

    return queryset_export(qs, COLUMNS, fmt, filename, "procedures", headers=headers)
