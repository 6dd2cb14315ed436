"""Replay of rejected records once they — or the reference data they named — were corrected.

A replay is a new ``IngestBatch`` (format ``replay``) over the pending rejects' current payloads,
through the same validation and writes as any ingest. A reject that now passes is marked
``replayed_in`` that batch; one that still fails stays pending with its errors refreshed, and is not
copied into the new batch (so rejects are never duplicated).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from ..adapters.base import Adapter
from ..adapters.limits import Refused, decode_leniently, malformed
from ..models import IngestBatch, RejectedRecord
from .ingest import BatchReport, run_batch, start_batch


def _payload(reject: RejectedRecord) -> object:
    """The payload to validate: a verbatim bad line (``{"_raw": text}``) is decoded again; a record
    kept cut short because it was too large (``"_truncated"``) stays refused with its errors."""
    payload = reject.payload
    if isinstance(payload, dict) and "_raw" in payload and set(payload) <= {"_raw", "_truncated"}:
        if "_truncated" in payload:
            errors = reject.errors or [
                {"field": "", "error": "the record was too large to be kept whole", "reason": "too_large"}
            ]
            return Refused(
                payload,
                tuple((e.get("field", ""), e.get("reason", "too_large"), e.get("error", "")) for e in errors),
                reject.dossier_code,
            )
        try:
            return decode_leniently(str(payload["_raw"]))
        except (ValueError, RecursionError) as exc:
            return malformed(str(payload["_raw"]), f"not valid JSON: {exc}")
    return payload


def replay_rejected(
    batch: IngestBatch, user: Any = None, rejects: QuerySet[RejectedRecord] | None = None
) -> BatchReport:
    """Replay the pending rejects of ``batch`` (or the given ``RejectedRecord`` queryset)."""
    if rejects is None:
        rejects = batch.rejects.all()
    pending = list(rejects.filter(replayed_in__isnull=True).order_by("batch_id", "index"))
    new = start_batch(batch.source, "replay", user, f"replay of batch #{batch.pk}")
    still_failing: set[int] = set()

    def on_reject(_batch: IngestBatch, failed: list[tuple[int, object, list[dict[str, Any]]]]) -> None:
        for position, _, errors in failed:
            reject = pending[position]
            still_failing.add(position)
            for error in errors:
                error["index"] = reject.index
            if reject.errors != errors:
                RejectedRecord.objects.filter(pk=reject.pk).update(errors=errors)

    report = run_batch(new, Adapter(), ((i, _payload(r)) for i, r in enumerate(pending)), on_reject=on_reject)
    replayed = [r.pk for i, r in enumerate(pending) if i not in still_failing]
    RejectedRecord.objects.filter(pk__in=replayed).update(replayed_in=new)
    return report
