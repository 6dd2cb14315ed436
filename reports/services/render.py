"""The registry of document kinds: for each, its context builder, its PDF template, its Word writer,
its size estimate (small ones render on request, large ones by a worker) and its inputs' versions
(what makes two renderings the same document).

A signed request letter is the exception: it is typeset once, when it is signed (:func:`freeze`, from
``reports.signals``), stored by ``complaints.services.signed_letters``, and :func:`render` answers the
stored bytes from then on — whatever the wording, the templates or the settings say later. A draft's
letter, and every other document, is rendered on each request (:func:`render_live`).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import Max
from django.utils import timezone, translation

from complaints.models import SignedLetter, SyncGapRequest
from complaints.services import signed_letters
from core import formatting, outbox
from indicators.models import IndicatorSnapshot
from reconciliation.models import ReconciliationRun

from . import docx, vn
from .context import letters, reports
from .pdf import Rendered, render_pdf
from .targets import DOCX, PDF, DocumentError, Target

logger = logging.getLogger(__name__)


def _layout_version() -> str:
    """A digest of everything that shapes a document besides its data — the PDF templates and
    stylesheet, the Word writer, the context builders, the Vietnamese number and date formats — so
    that a stored rendering is never reused after an upgrade changes how a document looks."""
    files = sorted((settings.BASE_DIR / "templates" / "reports" / "pdf").glob("*"))
    files += [Path(m.__file__ or "") for m in (docx, letters, reports, vn, formatting)]
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


#: Part of every stored document's key (:func:`inputs`).
LAYOUT_VERSION = _layout_version()
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
        # A signed letter's job serves the stored copy: never a rendering stored before copies were.
        **({"signed_copy": True} if signed_letters.is_official(t.case) else {}),
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
        "snapshots": _iso(IndicatorSnapshot.objects.version_of(period)),
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
    """The document's bytes. A signed request letter's are its stored copy (a letter signed before
    copies were stored is frozen now, at its first download); everything else is rendered now."""
    if is_signed_letter(target):
        assert target.case is not None
        return _stored(freeze(target.case, progress=progress), target.fmt)
    return render_live(target, progress)


def render_live(target: Target, progress: Callable[[int], None] | None = None) -> Rendered:
    """The document rendered now from its templates. Documents are Vietnamese whatever the asker's
    interface language."""
    kind = KINDS[target.kind]
    with translation.override("vi"):
        context = kind.build(target)
        if progress is not None:
            progress(40)
        if target.fmt == DOCX:
            assert kind.docx is not None  # targets.resolve only accepts the formats a kind offers
            return kind.docx(context)
        return render_pdf(kind.template, context, progress=progress)


# --- The signed letter: typeset once, stored, served as stored ------------------------------------------
def is_signed_letter(target: Target) -> bool:
    """A request letter that was signed and sent: served from its stored copy."""
    return (
        target.kind == "request_letter"
        and target.case is not None
        and signed_letters.is_official(target.case)
    )


def _stored(letter: SignedLetter, fmt: str) -> Rendered:
    return Rendered(
        signed_letters.read(letter, fmt),
        signed_letters.content_type(fmt),
        letter.pdf_pages if fmt == PDF else None,
        checksum=signed_letters.checksum(letter, fmt),
    )


def stored_letter(target: Target) -> Rendered | None:
    """The stored copy of a signed letter in the target's format (``None``: not stored yet)."""
    assert target.case is not None
    letter = signed_letters.stored(target.case)
    return _stored(letter, target.fmt) if letter is not None else None


def _letter_target(case: SyncGapRequest, fmt: str) -> Target:
    """The letter of ``case`` as a document target. Only for the signing and for a target already
    resolved through the gate: it checks nobody's scope."""
    return Target("request_letter", fmt, {"request": str(case.pk)}, None, case=case, agency=case.province)


def freeze(
    case: SyncGapRequest, *, now: datetime | None = None, progress: Callable[[int], None] | None = None
) -> SignedLetter:
    """Typeset the letter's PDF and Word file now and store them; idempotent (a stored copy is kept)."""
    existing = signed_letters.stored(case)
    if existing is not None:
        return existing
    pdf = render_live(_letter_target(case, PDF), progress)
    docx_file = render_live(_letter_target(case, DOCX))
    return signed_letters.store(case, pdf=pdf.content, docx=docx_file.content, pdf_pages=pdf.pages, now=now)


def freeze_at_signing(case: SyncGapRequest, now: datetime) -> None:
    """Inside the signing transaction: store the letter as signed. A letter small enough to render on
    request is typeset here (a failure fails the signing); a larger one by a worker queued on commit
    (``reports.tasks.freeze_signed_letter``; a download before it is done freezes it too)."""
    if is_large(_letter_target(case, PDF)):
        outbox.enqueue("reports.tasks.freeze_signed_letter", [case.pk])
        return
    freeze(case, now=now)


def freeze_queued(request_id: int) -> str:
    """The worker's freezing of a large signed letter: ``stored``, ``skipped`` (not found, not signed)
    or ``failed`` (the document cannot be rendered: logged, and its download says why)."""
    case = SyncGapRequest.objects.select_related("province", "ministry").filter(pk=request_id).first()
    if case is None or not signed_letters.is_official(case):
        return "skipped"
    try:
        freeze(case)
    except DocumentError as exc:
        logger.warning("signed letter of request %s not stored: %s", request_id, exc.message)
        return "failed"
    return "stored"
