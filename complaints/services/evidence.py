"""Freezing a reconciliation run's findings onto a request: counts, points at stake, the gap list files.

A request lists the ministry's systems, one ``RequestSystem`` per system's run. The run of a month is recomputed by later reconciliations; the request must keep what it said when
it was filed. So the figures are copied onto the request and the gap list is written out as CSV and
Excel attachments by the shared export writer (``core.exports``: formulas neutralised, rows
streamed from the database in chunks so a large list does not fill memory; the Excel copy stops at
``TTHC_EXPORT_XLSX_MAX_ROWS`` rows and says so, the CSV is always complete).
A draft whose run changed before submission is re-frozen at submission; the old files are kept,
marked superseded.
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Iterator, Sequence
from datetime import datetime
from decimal import Decimal
from typing import IO, Any

from django.core.files import File
from django.db.models import OuterRef, Subquery
from django.utils import translation
from django.utils.translation import gettext_noop

from core import exports as writer
from reconciliation import exports as gap_exports
from reconciliation.labels import GapValue
from reconciliation.models import ReconciliationRun, counted_kinds, counted_total
from tthc.models import Agency

from ..models import AttachmentKind, RequestAttachment, SyncGapRequest


#: The gap list's columns (``core.exports.Column``), always in Vietnamese (the request's language):
#: the system and the agency by name then code, the gap kind in the letter's words then its code,
#: the compared values and the detail in words then as stored.
def _kind_label(kind: str) -> str:
    from .letters import GAP_PHRASES

    label = str(GAP_PHRASES.get(kind, kind))
    return label[:1].upper() + label[1:]


def _columns() -> list[writer.Column]:
    by_key = {column.key: column for column in gap_exports.columns()}
    return [
        writer.Column("source", gettext_noop("System"), named=True),
        writer.Column("kind", gettext_noop("Gap kind"), label=_kind_label),
        by_key["dossier_code"],
        by_key["procedure_code"],
        by_key["agency_code"],
        by_key["source_value"],
        by_key["portal_value"],
        by_key["detail"],
    ]


def header() -> list[str]:
    """The header row of the attached gap lists (Vietnamese)."""
    with translation.override("vi"):
        return writer.header_row(_columns())


CHUNK = 2000


def _gaps(run: ReconciliationRun, portal_route: bool = False) -> Any:
    """The run's gaps a request reports: all, or (portal operator route) the portal's faults."""
    if portal_route:
        from .portal import portal_faults

        return portal_faults(run)
    return run.gaps.counted()  # suspicious flags are not gaps (``counted_kinds``)


def findings(run: ReconciliationRun, portal_route: bool = False) -> dict[str, int]:
    """{gap kind: n} a request reports for ``run`` (zero kinds left out)."""
    if portal_route:
        n = _gaps(run, True).count()
        return {"status_differs": n} if n else {}
    counted = set(counted_kinds())
    return {k: int(v) for k, v in (run.gap_counts or {}).items() if int(v) and k in counted}


def _rows(
    runs: ReconciliationRun | list[ReconciliationRun], portal_route: bool = False
) -> Iterator[Sequence[Any]]:
    """The gaps of ``runs``, streamed, already written out in Vietnamese (labels beside codes)."""
    runs = runs if isinstance(runs, list) else [runs]
    fields = (
        "kind",
        "dossier_code",
        "procedure_code",
        "agency_code",
        "agency_name",
        "source_value",
        "portal_value",
        "detail",
    )
    agency_name = Subquery(Agency.objects.filter(code=OuterRef("agency_code")).values("name")[:1])
    columns = _columns()
    for run in runs:
        qs = (
            _gaps(run, portal_route)
            .order_by("kind", "dossier_code")
            .annotate(agency_name=agency_name)
            .values_list(*fields)
        )
        raw = (
            (run.source.code, run.source.name, *_read_with_kind(row)) for row in qs.iterator(chunk_size=CHUNK)
        )
        with translation.override("vi"):
            yield from writer.expand(columns, raw)


def _read_with_kind(row: Sequence[Any]) -> tuple[Any, ...]:
    """A gap row whose compared values carry its kind: a count of steps or dossiers is not a status."""
    kind, *middle, source_value, portal_value, detail = row
    return (kind, *middle, GapValue(kind, source_value), GapValue(kind, portal_value), detail)


def write_csv(
    runs: ReconciliationRun | list[ReconciliationRun], out: IO[str], portal_route: bool = False
) -> int:
    """CSV in UTF-8 with a BOM (Excel opens Vietnamese text correctly); returns the row count."""
    return writer.write_csv(out, header(), _rows(runs, portal_route))


def _truncated(limit: int) -> str:
    return f"… Danh sách đầy đủ trong tệp CSV (bản Excel giới hạn {limit} dòng)."


def write_xlsx(
    runs: ReconciliationRun | list[ReconciliationRun], out: IO[bytes], title: str, portal_route: bool = False
) -> int:
    return writer.write_xlsx(
        out,
        header(),
        _rows(runs, portal_route),
        "Danh sách sai lệch",
        preamble=[[title]],
        truncated=_truncated,
    )


def _portal(case: SyncGapRequest) -> bool:
    return case.route == "portal_operator"


def _sum_breakdowns(items: list[dict[str, Any]]) -> dict[str, str]:
    total: dict[str, Decimal] = {}
    for item in items:
        for code, value in (item or {}).items():
            total[code] = total.get(code, Decimal(0)) + Decimal(str(value))
    return {code: str(value) for code, value in sorted(total.items()) if value}


def _entry_figures(run: ReconciliationRun, portal_route: bool = False) -> dict[str, Any]:
    counts = findings(run, portal_route)
    if portal_route:  # the points at stake stay with the ministry's request (docs/domain.md)
        return {
            "run": run,
            "gap_counts": counts,
            "gap_total": counted_total(counts),
            "dossiers_compared": run.dossiers,
            "reported_count": run.reported_count,
            "points_at_stake": Decimal(0),
            "points_breakdown": {},
        }
    return {
        "run": run,
        "gap_counts": counts,
        "gap_total": counted_total(counts),
        "dossiers_compared": run.dossiers,
        "reported_count": run.reported_count,
        "points_at_stake": Decimal(run.points_at_stake or 0),
        "points_breakdown": dict(getattr(run, "points_breakdown", None) or {}),
    }


def copy_figures(case: SyncGapRequest, runs: list[ReconciliationRun]) -> None:
    """One ``RequestSystem`` per run (created or updated), and the case's figures as their sums (the
    caller saves the case; it must have a primary key)."""
    from ..models import RequestSystem

    entries = []
    for run in runs:
        entry, _created = RequestSystem.objects.update_or_create(
            request=case, source=run.source, defaults=_entry_figures(run, _portal(case))
        )
        entries.append(entry)
    case.systems.exclude(source__in=[r.source_id for r in runs]).delete()
    counts: dict[str, int] = {}
    for entry in entries:
        for kind, n in entry.gap_counts.items():
            counts[kind] = counts.get(kind, 0) + int(n)
    case.run = runs[0] if len(runs) == 1 else None
    case.gap_counts = counts
    case.gap_total = sum(int(e.gap_total) for e in entries)  # each system's gaps counted once
    case.dossiers_compared = sum(e.dossiers_compared for e in entries)
    case.points_at_stake = sum((Decimal(e.points_at_stake) for e in entries), Decimal(0))
    case.points_breakdown = _sum_breakdowns([e.points_breakdown for e in entries])


def attach_gap_lists(
    case: SyncGapRequest, runs: list[ReconciliationRun], now: datetime, user: Any = None
) -> list[RequestAttachment]:
    """Write the CSV and Excel gap lists (all the request's systems) as attachments, superseding
    earlier evidence files."""
    case.attachments.filter(kind__in=(AttachmentKind.EVIDENCE_CSV, AttachmentKind.EVIDENCE_XLSX)).update(
        superseded=True
    )
    stem = f"danh-sach-sai-lech-{case.period}-{case.province.code}-{case.ministry.code}".lower()
    title = f"{case.ministry.name} — {case.province.name} — {case.period}"
    created = []
    with tempfile.TemporaryFile() as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
        write_csv(runs, text, _portal(case))
        text.flush()
        text.detach()  # keep ``raw`` open for the storage backend
        created.append(
            _save(case, AttachmentKind.EVIDENCE_CSV, f"{stem}.csv", "text/csv; charset=utf-8", raw, now, user)
        )
    with tempfile.TemporaryFile() as raw:
        write_xlsx(runs, raw, title, _portal(case))
        created.append(
            _save(case, AttachmentKind.EVIDENCE_XLSX, f"{stem}.xlsx", writer.XLSX_TYPE, raw, now, user)
        )
    return created


def _save(
    case: SyncGapRequest, kind: str, name: str, content_type: str, raw: IO[bytes], now: datetime, user: Any
) -> RequestAttachment:
    raw.seek(0)
    attachment = RequestAttachment(
        request=case, kind=kind, name=name, content_type=content_type, uploaded_by=user, uploaded_at=now
    )
    attachment.file.save(name, File(raw, name=name), save=False)
    attachment.size = attachment.file.size
    attachment.save()
    return attachment


def freeze(
    case: SyncGapRequest, runs: list[ReconciliationRun], now: datetime, user: Any = None
) -> list[RequestAttachment]:
    """Copy the runs' figures onto ``case`` and attach their gap list; the caller saves ``case``."""
    copy_figures(case, runs)
    case.evidence_at = now
    return attach_gap_lists(case, runs, now, user)
