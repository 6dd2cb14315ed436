"""CSV and Excel exports of requests: the rows the list (page or API) selects, in its order.

Supervisors and provinces keep their own registers of the letters sent and answered; the export is
the filtered list with the letter's number, the systems, the deadline and the answer, through the
shared writer (``core.exports``: words then codes, formulas neutralised, Excel capped with a note).
A year holds a few thousand requests nationwide (province × ministry × month), so the rows are read
as objects with their systems prefetched, a chunk at a time.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from core import exports as writer

from .models import Route, SyncGapRequest
from .workflow import Resolution, State

COLUMNS: tuple[writer.Column, ...] = (
    writer.Column("reference", gettext_noop("Reference")),
    writer.Column("number", gettext_noop("Letter number")),
    writer.Column("period", gettext_noop("Month")),
    writer.Column("province", gettext_noop("Province"), named=True),
    writer.Column("ministry", gettext_noop("Ministry"), named=True),
    writer.Column("systems", gettext_noop("Systems")),
    writer.Column("route", gettext_noop("Addressed to"), label=writer.choice_label(Route)),
    writer.Column("state", gettext_noop("State"), label=writer.choice_label(State)),
    writer.Column("gap_total", gettext_noop("Gaps")),
    writer.Column("points_at_stake", gettext_noop("Points at stake")),
    writer.Column("submitted_at", gettext_noop("Submitted at")),
    writer.Column("response_due_at", gettext_noop("Answer due by")),
    writer.boolean("overdue", gettext_noop("Overdue")),
    writer.Column("answered_at", gettext_noop("Answered at")),
    writer.Column("resolution", gettext_noop("Outcome"), label=writer.choice_label(Resolution)),
    writer.Column("answer", gettext_noop("Answer")),
)
CHUNK = 500


def rows(
    queryset: QuerySet[SyncGapRequest], limit: int | None = None, now: datetime | None = None
) -> Iterator[tuple]:
    """One tuple per request (two values for a named column: the code, then the name)."""
    now = now or timezone.now()
    qs = queryset.select_related("province", "ministry").prefetch_related("systems__source")
    if limit is not None:
        qs = qs[:limit]
    for case in qs.iterator(chunk_size=CHUNK):
        yield (
            case.reference,
            # The letter prints "Số: 5/UBND-KSTT"; a register writes "5/UBND-KSTT".
            case.number_text.removeprefix("Số: "),
            str(case.period),
            case.province.code,
            case.province.name,
            case.ministry.code,
            case.ministry.name,
            case.system_names,
            case.route,
            case.state,
            case.gap_total,
            case.points_at_stake,
            case.submitted_at,
            case.response_due_at,
            case.is_overdue(now),
            case.answered_at,
            case.resolution,
            case.answer,
        )


def export_response(queryset: QuerySet[SyncGapRequest], fmt: str, filename: str, headers: str = "labels"):
    return writer.export_response(
        fmt,
        list(COLUMNS),
        lambda limit: rows(queryset, limit),
        filename,
        gettext("Requests"),
        headers=headers,
    )


def filename_for(params) -> str:
    """``requests-2026-10-01``: the filter's period and province, for the download name."""
    parts = ["requests", *(str(params.get(k, "")).strip() for k in ("period", "province", "ministry"))]
    return "-".join(p for p in parts if p and p.replace("-", "").isalnum())
