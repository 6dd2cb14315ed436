"""Importing citizen feedback (PAKN) from CSV or JSON, upserted by ``code``.

Same contract as the reference-data imports (``tthc.services.imports``): every row is validated on
its own and reported with its row number, column and reason; valid rows are stored; re-importing
the same file changes nothing (every row ``unchanged``). Times may be ISO 8601, the portal's
``yyyyMMddHHmmss`` or ``dd/mm/yyyy HH:MM``; times without a zone are Vietnam time.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from tthc.calendar import VN_TZ
from tthc.models import Agency, Procedure
from tthc.services.imports import (
    FALSE_VALUES,
    TRUE_VALUES,
    ImportFileError,
    ImportReport,
    RowError,
    clean_text,
    read_csv,
)

from ..models import Feedback

REQUIRED = ("code", "agency", "received_at")
TIMES = ("received_at", "refused_at", "asked_more_at", "answered_at", "published_at")
FLAGS = ("disliked", "repeated")
COMPARED = ("agency_id", "procedure_id", "subject", *TIMES, *FLAGS)
_FORMATS = ("%Y%m%d%H%M%S", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y")


def parse_time(value: str) -> datetime:
    value = value.strip()
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        for fmt in _FORMATS:
            try:
                moment = datetime.strptime(value, fmt)
                break
            except ValueError:
                continue
        else:
            raise ValueError("must be a time: ISO 8601, yyyyMMddHHmmss or dd/mm/yyyy HH:MM") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=VN_TZ)


def _rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(path.read_bytes().decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ImportFileError(f"not a UTF-8 JSON file ({exc})") from exc
        items = data.get("items") if isinstance(data, dict) else data
        if not isinstance(items, list):
            raise ImportFileError('expected a JSON list of objects (or {"items": [...]})')
        for number, item in enumerate(items, start=1):
            if not isinstance(item, dict):
                yield number, {"__error__": "is not an object"}
                continue
            yield (
                number,
                {
                    str(k).lower(): ""
                    if v is None
                    else clean_text(str(v)).lower()
                    if isinstance(v, bool)
                    else clean_text(str(v))
                    for k, v in item.items()
                },
            )
        return
    yield from read_csv(path, REQUIRED)


def _parse(
    number: int, data: dict[str, str], agencies: dict[str, int], procedures: dict[str, int]
) -> tuple[dict[str, Any], list[RowError]]:
    errors: list[RowError] = []

    def fail(column: str, message: str) -> None:
        errors.append(RowError(number, column, data.get(column, ""), message))

    if "__error__" in data:
        fail("row", data["__error__"])
        return {}, errors
    values: dict[str, Any] = {}
    for column in REQUIRED:
        if not data.get(column):
            fail(column, "is required")
    code = data.get("code", "")
    if len(code) > 64:
        fail("code", "is longer than 64 characters")
    values["code"] = code
    agency_code = data.get("agency", "")
    values["agency_id"] = agencies.get(agency_code)
    if agency_code and values["agency_id"] is None:
        fail("agency", "unknown agency code")
    procedure_code = data.get("procedure", "")
    values["procedure_id"] = procedures.get(procedure_code) if procedure_code else None
    if procedure_code and values["procedure_id"] is None:
        fail("procedure", "unknown procedure code")
    values["subject"] = data.get("subject", "")[:500]
    for column in TIMES:
        raw = data.get(column, "")
        values[column] = None
        if raw:
            try:
                values[column] = parse_time(raw)
            except ValueError as exc:
                fail(column, str(exc))
    for column in FLAGS:
        raw = data.get(column, "").lower()
        if raw in TRUE_VALUES or raw in ("có", "co"):
            values[column] = True
        elif raw in FALSE_VALUES or raw in ("không", "khong"):
            values[column] = False
        else:
            values[column] = False
            fail(column, "must be 0/1 or true/false")
    return values, errors


def import_feedback(path: str | Path) -> ImportReport:
    """Upsert the feedback items of a ``.csv`` or ``.json`` file; see the module docstring."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(path)
    report = ImportReport()
    agencies = dict(Agency.objects.values_list("code", "pk"))
    procedures = dict(Procedure.objects.values_list("code", "pk"))
    seen: dict[str, int] = {}
    for number, data in _rows(path):
        values, errors = _parse(number, data, agencies, procedures)
        code = values.get("code", "")  # set whenever the row has no error
        if code and code in seen:
            errors.append(RowError(number, "code", code, f"repeats row {seen[code]}"))
        if errors:
            report.errors.extend(errors)
            continue
        seen[code] = number
        try:
            with transaction.atomic():
                outcome = _upsert(values)
        except ValidationError as exc:
            for column, messages in exc.message_dict.items():
                for message in messages:
                    report.errors.append(RowError(number, column, str(data.get(column, "")), message))
            continue
        setattr(report, outcome, getattr(report, outcome) + 1)
    return report


def _upsert(values: dict[str, Any]) -> str:
    item = Feedback.objects.select_for_update().filter(code=values["code"]).first()
    if item is not None and all(getattr(item, f) == values[f] for f in COMPARED):
        return "unchanged"
    outcome = "created" if item is None else "updated"
    item = item or Feedback(code=values["code"])
    for f in COMPARED:
        setattr(item, f, values[f])
    item.full_clean(
        exclude=["refuse_due_at", "ask_more_due_at", "answer_due_at", "publish_due_at"], validate_unique=False
    )
    item.save()
    return outcome
