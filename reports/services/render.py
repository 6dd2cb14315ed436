"""The registry of document kinds: for each, its context builder, its PDF template, its Word writer,
its size estimate (small ones render on request, large ones by a worker) and its inputs' versions
(what makes two renderings the same document)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import Max
from django.utils import timezone, translation

from complaints.models import SyncGapRequest
from indicators.models import IndicatorSnapshot
from reconciliation.models import ReconciliationRun

from . import docx
from .context import letters, reports
from .pdf import Rendered, render_pdf
from .targets import DOCX, Target

#: Bump when a template or builder changes what a document looks like: stored files are not reused.
LAYOUT_VERSION = "1"
ALWAYS_LARGE = 10**9


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _letter_versions(t: Target) -> dict[str, Any]:
    assert t.case is not None
    runs = sorted(r for r in t.case.systems.values_list("run_id", flat=True) if r)
    return {
        "request": _iso(t.case.updated_at),
        "state": t.case.state,
        "number": t.case.number_text,
        "runs": runs,
    }


def _snapshot_versions(t: Target) -> dict[str, Any]:
    assert t.snapshot is not None
    return {"snapshot": _iso(t.snapshot.computed_at)}


def _monthly_versions(t: Target) -> dict[str, Any]:
    period = str(t.period)
    return {
        **_snapshot_versions(t),
        "runs": _iso(
            ReconciliationRun.objects.filter(period=period, province=t.agency).aggregate(
                m=Max("finished_at")
            )["m"]
        ),
        "requests": _iso(
            SyncGapRequest.objects.filter(period=period, province=t.agency).aggregate(m=Max("updated_at"))[
                "m"
            ]
        ),
        "day": str(timezone.localdate()),  # overdue counts are as of the day
    }


def _national_versions(t: Target) -> dict[str, Any]:
    period = str(t.period)
    return {
        "snapshots": _iso(
            IndicatorSnapshot.objects.filter(period=period).aggregate(m=Max("computed_at"))["m"]
        ),
        "runs": _iso(ReconciliationRun.objects.filter(period=period).aggregate(m=Max("finished_at"))["m"]),
        "requests": _iso(SyncGapRequest.objects.aggregate(m=Max("updated_at"))["m"]),
        "day": str(timezone.localdate()),
    }


def _apology_versions(t: Target) -> dict[str, Any]:
    assert t.dossier is not None
    letter = t.dossier.apology_letter
    return {
        "letter": letter.pk,
        "created": _iso(letter.created_at),
        "dossier_updated": _iso(t.dossier.updated_at),
    }


@dataclass(frozen=True)
class Kind:
    build: Callable[[Target], dict[str, Any]]
    template: str
    versions: Callable[[Target], dict[str, Any]]
    estimate: Callable[[Target], int]
    docx: Callable[[dict[str, Any]], Rendered] | None = None


KINDS: dict[str, Kind] = {
    "request_letter": Kind(
        letters.request_letter,
        "reports/pdf/request_letter.html",
        _letter_versions,
        lambda t: t.case.gap_total if t.case is not None else 0,
        docx.request_letter,
    ),
    # The monthly and national reports read a whole month of dossiers: always a worker's job.
    "monthly_report": Kind(
        reports.monthly_report, "reports/pdf/monthly_report.html", _monthly_versions, lambda t: ALWAYS_LARGE
    ),
    "scorecard": Kind(reports.scorecard, "reports/pdf/scorecard.html", _snapshot_versions, lambda t: 30),
    "national_report": Kind(
        reports.national_report,
        "reports/pdf/national_report.html",
        _national_versions,
        lambda t: ALWAYS_LARGE,
    ),
    "apology_letter": Kind(
        letters.apology_letter,
        "reports/pdf/apology_letter.html",
        _apology_versions,
        lambda t: 1,
        docx.apology_letter,
    ),
}


def inputs(target: Target) -> dict[str, Any]:
    return {"layout": LAYOUT_VERSION, **KINDS[target.kind].versions(target)}


def is_large(target: Target) -> bool:
    return KINDS[target.kind].estimate(target) > settings.TTHC_DOCUMENT_SYNC_MAX_ROWS


def render(target: Target, progress: Callable[[int], None] | None = None) -> Rendered:
    """The document's bytes. Documents are Vietnamese whatever the asker's interface language."""
    kind = KINDS[target.kind]
    with translation.override("vi"):
        context = kind.build(target)
        if progress is not None:
            progress(40)
        if target.fmt == DOCX:
            assert kind.docx is not None  # targets.resolve only accepts the formats a kind offers
            return kind.docx(context)
        return render_pdf(kind.template, context, progress=progress)
