"""``import_procedure_systems FILE.csv``: which system handles each procedure, where, from when.

Columns ``procedure_code,system_code,province_codes,valid_from,valid_to``:

* ``system_code`` — a ministry or provincial ``SourceSystem`` code; empty: each province's own system;
* ``province_codes`` — empty: every province; else province codes separated by ``;`` (one
  ``ProcedureAssignment`` per province);
* ``valid_from`` / ``valid_to`` — ``YYYY-MM-DD`` (or ``DD/MM/YYYY``); ``valid_to`` is the last day in
  force (inclusive), empty for open-ended.

Idempotent: rows are keyed by (procedure, province, valid_from); importing the same file twice
changes nothing. Rows are applied in ``valid_from`` order, and a row closes the open assignment of
the same procedure and province that it supersedes (``valid_to`` = the day before), so a file
listing "until 30 June on the provinces' systems, from 1 July on the ministry's" reads the same
whatever its row order. A row with an error (named by row and column) is rejected and the others
are stored, as the reference-data imports do; the command exits 1 when any row was rejected.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import IO

from django.db import transaction

from tthc.models import Agency, Procedure
from tthc.services.imports import ImportReport, RowError, read_csv

from ..models import ProcedureAssignment, SourceKind, SourceSystem

COLUMNS = ("procedure_code", "system_code", "province_codes", "valid_from", "valid_to")
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")


@dataclass(frozen=True)
class _Parsed:
    number: int
    procedure: Procedure
    system_code: str
    provinces: tuple[Agency | None, ...]
    valid_from: date
    valid_to: date | None


def _date(value: str) -> date | None:
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return None


def _parse(number: int, row: dict[str, str], errors: list[RowError]) -> _Parsed | None:
    def fail(column: str, message: str) -> None:
        errors.append(RowError(number, column, row.get(column, ""), message))

    before = len(errors)
    procedure = Procedure.objects.filter(code=row["procedure_code"]).first()
    if not row["procedure_code"]:
        fail("procedure_code", "is required")
    elif procedure is None:
        fail("procedure_code", "no procedure with this code")
    code = row["system_code"]
    system = SourceSystem.objects.filter(code=code).select_related("owner").first() if code else None
    if code and system is None:
        fail("system_code", "no source system with this code")
    elif system is not None and system.kind not in (SourceKind.MINISTRY, SourceKind.PROVINCIAL):
        fail(
            "system_code",
            f"a {system.kind} system handles no procedure: give a ministry or provincial system",
        )
    provinces: list[Agency | None] = []
    for part in [p.strip() for p in row["province_codes"].split(";") if p.strip()]:
        province = Agency.objects.provinces().filter(code=part).first()
        if province is None:
            fail("province_codes", f"{part!r} is not a province code")
        elif (
            system is not None
            and system.kind == SourceKind.PROVINCIAL
            and not system.owner.path.startswith(province.path)
        ):
            fail("province_codes", f"system {code} is not a system of province {part}")
        else:
            provinces.append(province)
    if system is not None and system.kind == SourceKind.PROVINCIAL and not row["province_codes"]:
        fail("province_codes", "a provincial system serves its own province: list it")
    valid_from = _date(row["valid_from"]) if row["valid_from"] else None
    if valid_from is None:
        fail(
            "valid_from", "is required, as YYYY-MM-DD" if not row["valid_from"] else "not a date (YYYY-MM-DD)"
        )
    valid_to = _date(row["valid_to"]) if row["valid_to"] else None
    if row["valid_to"] and valid_to is None:
        fail("valid_to", "not a date (YYYY-MM-DD)")
    elif valid_to and valid_from and valid_to < valid_from:
        fail("valid_to", "is before valid_from")
    if len(errors) > before or procedure is None or valid_from is None:
        return None
    return _Parsed(number, procedure, code, tuple(provinces) or (None,), valid_from, valid_to)


def _apply(parsed: _Parsed, province: Agency | None, report: ImportReport) -> None:
    key = {"procedure": parsed.procedure, "province": province, "valid_from": parsed.valid_from}
    existing = ProcedureAssignment.objects.filter(**key).first()
    if existing is None:
        ProcedureAssignment.objects.create(**key, system_code=parsed.system_code, valid_to=parsed.valid_to)
        report.created += 1
    elif (existing.system_code, existing.valid_to) != (parsed.system_code, parsed.valid_to):
        existing.system_code, existing.valid_to = parsed.system_code, parsed.valid_to
        existing.save(update_fields=["system_code", "valid_to", "updated_at"])
        report.updated += 1
    else:
        report.unchanged += 1
    # Close the assignment this one supersedes (same procedure and province, started earlier).
    ProcedureAssignment.objects.filter(
        procedure=parsed.procedure, province=province, valid_from__lt=parsed.valid_from
    ).filter(valid_to__isnull=True).update(valid_to=parsed.valid_from - timedelta(days=1))
    ProcedureAssignment.objects.filter(
        procedure=parsed.procedure,
        province=province,
        valid_from__lt=parsed.valid_from,
        valid_to__gte=parsed.valid_from,
    ).update(valid_to=parsed.valid_from - timedelta(days=1))


def import_procedure_systems(source: str | Path | IO[str]) -> ImportReport:
    """Upsert the assignments of a CSV file; see the module docstring."""
    report = ImportReport()
    parsed = []
    for number, row in read_csv(source, COLUMNS):
        item = _parse(number, row, report.errors)
        if item is not None:
            parsed.append(item)
    with transaction.atomic():
        for item in sorted(parsed, key=lambda p: (p.valid_from, p.number)):
            for province in item.provinces:
                _apply(item, province, report)
    return report
