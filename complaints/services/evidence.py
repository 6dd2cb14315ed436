"""Freezing a reconciliation run's findings onto a request: counts, points at stake, the gap list files.

The run of a month is recomputed by later reconciliations; the request must keep what it said when
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
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from typing import IO, Any

from django.core.files import File

from core import exports as writer
from reconciliation.models import ReconciliationRun

from ..models import AttachmentKind, RequestAttachment, SyncGapRequest

HEADER = [
    "Loại sai lệch",
    "Mã loại",
    "Mã hồ sơ",
    "Mã TTHC",
    "Mã cơ quan",
    "Giá trị tại hệ thống nguồn",
    "Giá trị trên Cổng DVCQG",
    "Chi tiết",
]
CHUNK = 2000


def _rows(run: ReconciliationRun) -> Iterator[list[Any]]:
    from .letters import GAP_PHRASES

    fields = (
        "kind",
        "dossier_code",
        "procedure_code",
        "agency_code",
        "source_value",
        "portal_value",
        "detail",
    )
    qs = run.gaps.counted().order_by("kind", "dossier_code").values_list(*fields)
    for kind, *rest in qs.iterator(chunk_size=CHUNK):
        label = GAP_PHRASES.get(kind, kind)
        yield [label[:1].upper() + label[1:], kind, *rest]


def write_csv(run: ReconciliationRun, out: IO[str]) -> int:
    """CSV in UTF-8 with a BOM (Excel opens Vietnamese text correctly); returns the row count."""
    return writer.write_csv(out, HEADER, _rows(run))


def _truncated(limit: int) -> str:
    return f"… Danh sách đầy đủ trong tệp CSV (bản Excel giới hạn {limit} dòng)."


def write_xlsx(run: ReconciliationRun, out: IO[bytes], title: str) -> int:
    return writer.write_xlsx(
        out, HEADER, _rows(run), "Danh sách sai lệch", preamble=[[title]], truncated=_truncated
    )


def copy_figures(case: SyncGapRequest, run: ReconciliationRun) -> None:
    """Counts and points from the run onto the case (the caller saves)."""
    counts = {k: int(v) for k, v in (run.gap_counts or {}).items()}
    case.run = run
    case.gap_counts = counts
    case.gap_total = run.gap_total  # the gaps that count: suspicious flags are not gaps
    case.dossiers_compared = run.dossiers
    case.points_at_stake = Decimal(run.points_at_stake or 0)


def attach_gap_lists(
    case: SyncGapRequest, run: ReconciliationRun, now: datetime, user: Any = None
) -> list[RequestAttachment]:
    """Write the CSV and Excel gap lists as attachments, superseding earlier evidence files."""
    case.attachments.filter(kind__in=(AttachmentKind.EVIDENCE_CSV, AttachmentKind.EVIDENCE_XLSX)).update(
        superseded=True
    )
    stem = f"danh-sach-sai-lech-{case.period}-{case.province.code}-{case.source.code}".lower()
    title = f"{case.source.name} — {case.province.name} — {case.period}"
    created = []
    with tempfile.TemporaryFile() as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
        write_csv(run, text)
        text.flush()
        text.detach()  # keep ``raw`` open for the storage backend
        created.append(
            _save(case, AttachmentKind.EVIDENCE_CSV, f"{stem}.csv", "text/csv; charset=utf-8", raw, now, user)
        )
    with tempfile.TemporaryFile() as raw:
        write_xlsx(run, raw, title)
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
    case: SyncGapRequest, run: ReconciliationRun, now: datetime, user: Any = None
) -> list[RequestAttachment]:
    """Copy the run's figures onto ``case`` and attach its gap list; the caller saves ``case``."""
    copy_figures(case, run)
    case.evidence_at = now
    return attach_gap_lists(case, run, now, user)
