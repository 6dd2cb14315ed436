"""Reported counts from the province's own records: ``period,agency_code,system_code,received``.

The number of dossiers an agency received in a month through a system, as the province's records say
it (``ReportedCount``). Two ways in, one service: ``manage.py import_reported_counts FILE.csv`` and
``POST /api/v1/reported-counts/`` (a reporting system's token). The rows are validated first, each
error naming the row (1-based, the header is row 1 in a file) and the column; a file with any error
writes nothing. Valid rows are upserted on (reporting system, agency, period, system): a second
import of the same file changes nothing (``unchanged``), a corrected count replaces the old one.
Reconciliation reads them to find systems that do not sync at all (``services.not_synced``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from tthc import period_fields
from tthc.models import Agency

from ..models import ReportedCount, SourceKind, SourceSystem

COLUMNS = ("period", "agency_code", "system_code", "received")
MAX_ROWS = 100_000


class ReportedCountError(ValueError):
    """The input as a whole is unusable (no header, wrong columns, no reporting system)."""


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": self.errors,
        }


def reporting_system(code: str | None = None) -> SourceSystem:
    """The system the counts are stored under: ``code``, or the active reporting system."""
    if code:
        found = SourceSystem.objects.filter(code=code).first()
        if found is None:
            raise ReportedCountError(f"unknown source system {code!r}")
        return found
    found = SourceSystem.objects.reporting()
    if found is None:
        raise ReportedCountError("no active reporting system: create one, or name the system to store under")
    return found


def read_csv(text: str) -> list[dict[str, str]]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise ReportedCountError(f"missing column(s) {', '.join(missing)}; expected {','.join(COLUMNS)}")
    rows = []
    for row in reader:
        rows.append({(k or "").strip(): (v or "").strip() for k, v in row.items()})
        if len(rows) > MAX_ROWS:
            raise ReportedCountError(f"more than {MAX_ROWS} rows")
    return rows


def _clean(
    rows: Iterable[Mapping[str, Any]], first_row: int, agencies: dict[str, int], systems: set[str]
) -> tuple[list[tuple[int, str, str, int]], list[dict[str, Any]]]:
    clean, errors = [], []
    for n, row in enumerate(rows, start=first_row):

        def err(column: str, message: str, n: int = n) -> None:
            errors.append({"row": n, "column": column, "error": message})

        before = len(errors)
        try:
            period = str(period_fields.parse(str(row.get("period") or "")))
        except period_fields.PeriodError as exc:
            err("period", str(exc))
        agency = str(row.get("agency_code") or "").strip()
        if agency not in agencies:
            err("agency_code", f"unknown agency {agency!r}" if agency else "required")
        system = str(row.get("system_code") or "").strip()
        if system and system not in systems:
            err("system_code", f"unknown source system {system!r}")
        raw = row.get("received")
        try:
            received = int(str(raw).strip())
            if received < 0:
                raise ValueError
        except (TypeError, ValueError):
            err("received", f"not a whole number ≥ 0: {raw!r}")
        if len(errors) == before:
            clean.append((agencies[agency], period, system, received))
    return clean, errors


def import_counts(
    rows: Sequence[Mapping[str, Any]], source: SourceSystem, *, first_row: int = 2
) -> ImportResult:
    """Validate every row, then upsert them all in one transaction (nothing is written on any error)."""
    if source.kind != SourceKind.REPORTING:
        raise ReportedCountError(f"{source.code} is not a reporting system")
    codes = {str(r.get("agency_code") or "").strip() for r in rows}
    agencies = dict(Agency.objects.filter(code__in=codes).values_list("code", "pk"))
    systems = set(SourceSystem.objects.values_list("code", flat=True))
    clean, errors = _clean(rows, first_row, agencies, systems)
    result = ImportResult(errors=errors)
    keys = [(a, p, s) for a, p, s, _n in clean]
    if len(set(keys)) != len(keys):
        seen: set[tuple[int, str, str]] = set()
        for n, key in enumerate(keys, start=first_row):
            if key in seen:
                result.errors.append(
                    {"row": n, "column": "agency_code", "error": "duplicate of an earlier row"}
                )
            seen.add(key)
    if result.errors:
        return result
    with transaction.atomic():
        existing = {
            (r.agency_id, str(r.period), r.system_code): r
            for r in ReportedCount.objects.select_for_update().filter(
                source=source, agency_id__in={k[0] for k in keys}, period__in={k[1] for k in keys}
            )
        }
        new, changed = [], []
        for agency_id, period, system, received in clean:
            row = existing.get((agency_id, period, system))
            if row is None:
                new.append(
                    ReportedCount(
                        source=source,
                        agency_id=agency_id,
                        period=period,
                        system_code=system,
                        received=received,
                    )
                )
            elif row.received != received:
                row.received = received
                changed.append(row)
            else:
                result.unchanged += 1
        ReportedCount.objects.bulk_create(new, batch_size=1000)
        ReportedCount.objects.bulk_update(changed, ["received"], batch_size=1000)
        result.created, result.updated = len(new), len(changed)
    return result
