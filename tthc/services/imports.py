"""Reference-data import: agencies and procedures from CSV, upserted by code.

Each row is validated on its own; a bad row is reported (row number, column, value, reason) and
skipped, the valid rows are stored, and nothing already stored is lost. Re-importing the same file
changes nothing (every row counts as ``unchanged``).
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any

from django.db import transaction

from core.stats import analyze_on_commit

from ..models import Agency, AgencyKind, OnlineLevel, Procedure, ProcessingUnit
from ..models.agencies import PATH_SEPARATOR
from .agencies import rebuild_tree

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
TRUE_VALUES = {"1", "true", "yes", "y", "x"}
FALSE_VALUES = {"0", "false", "no", "n", ""}
LEVELS = ("central", "province", "commune")

AGENCY_COLUMNS = ("code", "name", "kind", "parent_code", "valid_from", "valid_to")
AGENCY_OPTIONAL = ("short_name", "successor_code")
PROCEDURE_COLUMNS = (
    "code",
    "name",
    "field_code",
    "field_name",
    "ministry_code",
    "processing_amount",
    "processing_unit",
    "online_level",
    "fee_bearing",
    "issues_result",
    "citizen_facing",
    "central_system",
)
PROCEDURE_OPTIONAL = (
    "levels",
    "legal_basis_effective_on",
    "published_on",
    "made_public_on",
    "payment_integrated",
    "population_data_connected",
    "content_complete",
)


class ImportFileError(ValueError):
    """The file as a whole cannot be read (encoding, missing columns)."""


@dataclass
class RowError:
    row: int
    column: str
    value: str
    error: str

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column!r} (value {self.value!r}): {self.error}"

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "value": self.value, "error": self.error}


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def rejected(self) -> int:
        return len({e.row for e in self.errors})

    def add(self, other: ImportReport) -> None:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.errors.extend(other.errors)

    def as_dict(self) -> dict:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "errors": [e.as_dict() for e in self.errors],
        }


# --- Reading ---------------------------------------------------------------------------------------


def read_csv(source: str | Path | IO[str], required: Iterable[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (row number, row) from a CSV path or text stream; row 2 is the first data row.

    Accepts UTF-8 with or without BOM, comma or semicolon separators; header names are matched
    case-insensitively; values are NFC-normalised and stripped, inner runs of spaces folded.
    """
    stream: IO[str]
    if isinstance(source, (str, Path)):
        try:
            text = Path(source).read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ImportFileError(f"{source}: not UTF-8 text ({exc})") from exc
        stream = io.StringIO(text)
    else:
        stream = source
    first = stream.readline()
    delimiter = ";" if first.count(";") > first.count(",") else ","
    stream = io.StringIO(first + stream.read())
    reader = csv.reader(stream, delimiter=delimiter)
    try:
        header = [h.strip().lower().lstrip("\ufeff") for h in next(reader)]
    except StopIteration:
        raise ImportFileError("the file is empty") from None
    missing = [c for c in required if c not in header]
    if missing:
        raise ImportFileError(f"missing column(s): {', '.join(missing)} (found: {', '.join(header)})")
    for number, values in enumerate(reader, start=2):
        if not any(v.strip() for v in values):
            continue
        yield number, {h: clean_text(values[i]) if i < len(values) else "" for i, h in enumerate(header)}


def clean_text(value: str) -> str:
    return " ".join(unicodedata.normalize("NFC", value).split())


class _Row:
    """Parses one row's columns, collecting errors instead of stopping at the first."""

    def __init__(self, number: int, data: dict[str, str]):
        self.number = number
        self.data = data
        self.errors: list[RowError] = []

    def _fail(self, column: str, message: str) -> None:
        self.errors.append(RowError(self.number, column, self.data.get(column, ""), message))

    def text(self, column: str, required: bool = False, max_length: int | None = None) -> str:
        value = self.data.get(column, "")
        if required and not value:
            self._fail(column, "is required")
        elif max_length and len(value) > max_length:
            self._fail(column, f"is longer than {max_length} characters")
        return value

    def code(self, column: str, required: bool = True) -> str:
        value = self.text(column, required=required, max_length=40)
        if PATH_SEPARATOR in value:
            self._fail(column, "may not contain '/'")
        return value

    def choice(self, column: str, choices: Iterable[Any], default: str | None = None) -> str | None:
        value = self.data.get(column, "").lower()
        if not value and default is not None:
            return default
        allowed = [c.value for c in choices]
        if value not in allowed:
            self._fail(column, f"must be one of: {', '.join(allowed)}")
            return None
        return value

    def boolean(self, column: str, default: bool = False) -> bool:
        value = self.data.get(column, "").lower()
        if column not in self.data or value == "":
            return default
        if value in TRUE_VALUES:
            return True
        if value in FALSE_VALUES:
            return False
        self._fail(column, "must be 0/1 or true/false")
        return default

    def date(self, column: str) -> date | None:
        value = self.data.get(column, "")
        if not value:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            self._fail(column, "must be a date YYYY-MM-DD")
            return None

    def decimal(self, column: str) -> Decimal | None:
        value = self.data.get(column, "").replace(",", ".")
        try:
            number = Decimal(value)
        except InvalidOperation:
            self._fail(column, "must be a number (e.g. 5 or 0.5)")
            return None
        if number < 0 or number >= Decimal("100000") or not number.is_finite():
            self._fail(column, "must be between 0 and 99999")
            return None
        return number.quantize(Decimal("0.01"))

    def levels(self, column: str) -> set[str]:
        raw = self.data.get(column, "")
        parts = {p.strip().lower() for p in raw.replace(",", ";").replace("|", ";").split(";") if p.strip()}
        unknown = parts - set(LEVELS)
        if unknown:
            self._fail(column, f"unknown level(s) {', '.join(sorted(unknown))}; use {';'.join(LEVELS)}")
        return parts & set(LEVELS)


# --- Agencies --------------------------------------------------------------------------------------

_AGENCY_FIELDS = ("name", "short_name", "kind", "valid_from", "valid_to", "parent_id", "successor_id")


def import_agencies(source: str | Path | IO[str]) -> ImportReport:
    """Upsert agencies by code from a CSV (columns: AGENCY_COLUMNS, optionally AGENCY_OPTIONAL).

    Parents and successors may be defined anywhere in the same file or already exist. The tree is
    rebuilt once at the end.
    """
    report = ImportReport()
    parsed: dict[str, dict] = {}
    rows_by_code: dict[str, int] = {}
    for number, data in read_csv(source, AGENCY_COLUMNS):
        row = _Row(number, data)
        code = row.code("code")
        values: dict[str, Any] = {
            "name": row.text("name", required=True, max_length=255),
            "short_name": row.text("short_name", max_length=120),
            "kind": row.choice("kind", AgencyKind),
            "valid_from": row.date("valid_from"),
            "valid_to": row.date("valid_to"),
            "parent_code": row.code("parent_code", required=False),
            "successor_code": row.code("successor_code", required=False),
        }
        if values["valid_from"] and values["valid_to"] and values["valid_to"] < values["valid_from"]:
            row._fail("valid_to", "is before valid_from")
        if code and values["parent_code"] == code:
            row._fail("parent_code", "an agency cannot be its own parent")
        if code and values["successor_code"] == code:
            row._fail("successor_code", "an agency cannot be its own successor")
        if code in rows_by_code:
            row._fail("code", f"duplicate of row {rows_by_code[code]}")
        if row.errors:
            report.errors.extend(row.errors)
            continue
        rows_by_code[code] = number
        parsed[code] = values

    existing = {a.code: a for a in Agency.objects.all()}
    known = set(existing) | set(parsed)
    # Drop rows whose references cannot resolve; repeat because dropping one may orphan another.
    while True:
        dropped = False
        for code, values in list(parsed.items()):
            for column in ("parent_code", "successor_code"):
                ref = values[column]
                if ref and ref not in known:
                    report.errors.append(
                        RowError(
                            rows_by_code[code],
                            column,
                            ref,
                            "unknown agency code (not in this file nor stored)",
                        )
                    )
                    del parsed[code]
                    if code not in existing:
                        known.discard(code)
                    dropped = True
                    break
        if not dropped:
            break

    with transaction.atomic():
        report.created = _create_agencies(parsed, existing, rows_by_code, report)
        ids = dict(Agency.objects.filter(code__in=known).values_list("code", "pk"))
        changed, successors, moved = [], [], False
        for code, v in parsed.items():
            target = {
                "name": v["name"],
                "short_name": v["short_name"],
                "kind": v["kind"],
                "valid_from": v["valid_from"],
                "valid_to": v["valid_to"],
                "parent_id": ids.get(v["parent_code"]),
                "successor_id": ids.get(v["successor_code"]),
            }
            agency = existing.get(code)
            if agency is None:  # created above; only a successor may still be missing
                if target["successor_id"]:
                    successors.append(Agency(pk=ids[code], successor_id=target["successor_id"]))
                continue
            if {f: getattr(agency, f) for f in _AGENCY_FIELDS} == target:
                report.unchanged += 1
                continue
            moved = moved or agency.parent_id != target["parent_id"] or agency.kind != target["kind"]
            for f, value in target.items():
                setattr(agency, f, value)
            changed.append(agency)
            report.updated += 1
        Agency.objects.bulk_update(changed, [f.removesuffix("_id") for f in _AGENCY_FIELDS], batch_size=500)
        Agency.objects.bulk_update(successors, ["successor"], batch_size=500)
        if moved:
            rebuild_tree()
    if report.created or report.updated:  # small table, joined by every plan over dossiers
        analyze_on_commit([Agency], rows=report.created + report.updated, min_rows=1)
    report.errors.sort(key=lambda e: e.row)
    return report


def _create_agencies(
    parsed: dict[str, dict], existing: dict[str, Agency], rows_by_code: dict[str, int], report: ImportReport
) -> int:
    """Insert the new agencies parents-first, with their tree fields computed on the way in."""
    from django.db.models import F

    from ..models.agencies import RANKED_KINDS

    tree = {code: (a.pk, a.path, a.depth, a.ranked_agency_id) for code, a in existing.items()}
    pending = {code for code in parsed if code not in existing}
    created = 0
    while pending:
        ready = [c for c in sorted(pending) if parsed[c]["parent_code"] not in pending]
        if not ready:  # a cycle among new rows: reject them
            for code in sorted(pending):
                report.errors.append(
                    RowError(
                        rows_by_code[code],
                        "parent_code",
                        parsed.pop(code)["parent_code"],
                        "the parent chain loops back to this agency",
                    )
                )
            break
        rows = []
        for code in ready:
            v = parsed[code]
            parent = tree.get(v["parent_code"]) if v["parent_code"] else None
            rows.append(
                Agency(
                    code=code,
                    name=v["name"],
                    short_name=v["short_name"],
                    kind=v["kind"],
                    valid_from=v["valid_from"],
                    valid_to=v["valid_to"],
                    parent_id=parent[0] if parent else None,
                    path=(parent[1] if parent else PATH_SEPARATOR) + code + PATH_SEPARATOR,
                    depth=parent[2] + 1 if parent else 0,
                    ranked_agency_id=None if v["kind"] in RANKED_KINDS else (parent[3] if parent else None),
                )
            )
        Agency.objects.bulk_create(rows, batch_size=1000)
        ranked = [a.pk for a in rows if a.kind in RANKED_KINDS]
        Agency.objects.filter(pk__in=ranked).update(ranked_agency_id=F("pk"))
        for a in rows:
            tree[a.code] = (a.pk, a.path, a.depth, a.pk if a.kind in RANKED_KINDS else a.ranked_agency_id)
        pending.difference_update(ready)
        created += len(rows)
    return created


# --- Procedures ------------------------------------------------------------------------------------

_PROCEDURE_FIELDS = (
    "name",
    "field_code",
    "field_name",
    "ministry_id",
    "level_central",
    "level_province",
    "level_commune",
    "processing_amount",
    "processing_unit",
    "online_level",
    "fee_bearing",
    "issues_result",
    "citizen_facing",
    "payment_integrated",
    "population_data_connected",
    "content_complete",
    "central_system",
    "legal_basis_effective_on",
    "published_on",
    "made_public_on",
)
_CHUNK = 2000


def import_procedures(source: str | Path | IO[str]) -> ImportReport:
    """Upsert procedures by code (columns: PROCEDURE_COLUMNS, optionally PROCEDURE_OPTIONAL)."""
    report = ImportReport()
    owners = dict(
        Agency.objects.filter(
            kind__in=(AgencyKind.MINISTRY, AgencyKind.MINISTRY_LEVEL, AgencyKind.CENTRAL)
        ).values_list("code", "pk")
    )
    seen: dict[str, int] = {}
    chunk: list[tuple[str, dict[str, Any]]] = []
    for number, data in read_csv(source, PROCEDURE_COLUMNS):
        row = _Row(number, data)
        code = row.code("code")
        levels = row.levels("levels")
        ministry_code = row.code("ministry_code")
        values = {
            "name": row.text("name", required=True, max_length=500),
            "field_code": row.text("field_code", max_length=40),
            "field_name": row.text("field_name", max_length=255),
            "ministry_id": owners.get(ministry_code),
            "level_central": "central" in levels,
            "level_province": "province" in levels,
            "level_commune": "commune" in levels,
            "processing_amount": row.decimal("processing_amount"),
            "processing_unit": row.choice("processing_unit", ProcessingUnit),
            "online_level": row.choice("online_level", OnlineLevel),
            "fee_bearing": row.boolean("fee_bearing"),
            "issues_result": row.boolean("issues_result", default=True),
            "citizen_facing": row.boolean("citizen_facing", default=True),
            "payment_integrated": row.boolean("payment_integrated"),
            "population_data_connected": row.boolean("population_data_connected"),
            "content_complete": row.boolean("content_complete", default=True),
            "central_system": row.text("central_system", max_length=40).upper(),
            "legal_basis_effective_on": row.date("legal_basis_effective_on"),
            "published_on": row.date("published_on"),
            "made_public_on": row.date("made_public_on"),
        }
        if ministry_code and values["ministry_id"] is None:
            row._fail("ministry_code", "no ministry or ministry-level body has this code")
        if code in seen:
            row._fail("code", f"duplicate of row {seen[code]}")
        if row.errors:
            report.errors.extend(row.errors)
            continue
        seen[code] = number
        chunk.append((code, values))
        if len(chunk) >= _CHUNK:
            report.add(_upsert_procedures(chunk))
            chunk = []
    if chunk:
        report.add(_upsert_procedures(chunk))
    if report.created or report.updated:
        analyze_on_commit([Procedure], rows=report.created + report.updated, min_rows=1)
    return report


@transaction.atomic
def _upsert_procedures(chunk: list[tuple[str, dict]]) -> ImportReport:
    report = ImportReport()
    existing = {p.code: p for p in Procedure.objects.filter(code__in=[c for c, _ in chunk])}
    new, changed = [], []
    for code, values in chunk:
        current = existing.get(code)
        if current is None:
            new.append(Procedure(code=code, **values))
            continue
        if all(getattr(current, f) == values[f] for f in _PROCEDURE_FIELDS):
            report.unchanged += 1
            continue
        for f, value in values.items():
            setattr(current, f, value)
        changed.append(current)
    Procedure.objects.bulk_create(new, batch_size=1000)
    Procedure.objects.bulk_update(changed, list(_PROCEDURE_FIELDS), batch_size=1000)
    report.created, report.updated = len(new), len(changed)
    return report


# --- Shipped reference data ------------------------------------------------------------------------

AGENCY_FILES = ("agencies_central.csv", "provinces.csv", "communes.csv", "units_demo.csv")
PROCEDURE_FILES = ("procedures.csv",)


def load_reference_data(data_dir: Path = DATA_DIR) -> dict[str, ImportReport]:
    """Load the shipped agency and procedure files (tthc/data/) through the same import services."""
    reports = {}
    for name in AGENCY_FILES:
        path = data_dir / name
        if path.exists():
            reports[name] = import_agencies(path)
    for name in PROCEDURE_FILES:
        path = data_dir / name
        if path.exists():
            reports[name] = import_procedures(path)
    return reports
