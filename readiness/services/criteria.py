"""Loading a criteria set from a JSON file (the shipped example, or the official text once issued).

Idempotent: a set is keyed by ``code`` + ``version``; loading the same file again updates the set's
fields and criteria in place (by criterion code) and never deletes a criterion already assessed
against. A new version of the official text is a new set, so older assessments keep theirs.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import CriteriaSet, Criterion

EXAMPLE = Path(__file__).resolve().parent.parent / "data" / "example_criteria.json"
SET_FIELDS = ("name", "issuer", "document_number", "notes")
CRITERION_FIELDS = ("name", "description", "group", "evidence")


def _date(data: dict[str, Any], key: str, required: bool = True) -> date | None:
    value = data.get(key)
    if not value:
        if required:
            raise ValidationError({key: _("The %(field)s is required.") % {"field": key}})
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise ValidationError({key: _("%(value)r is not a date (YYYY-MM-DD).") % {"value": value}}) from exc


def load(data: dict[str, Any]) -> tuple[CriteriaSet, bool]:
    """Create or update one set and its criteria; returns ``(set, created)``."""
    for key in ("code", "name", "criteria"):
        if not data.get(key):
            raise ValidationError({key: _("The %(field)s is required.") % {"field": key}})
    codes = [str(c.get("code", "")) for c in data["criteria"]]
    if "" in codes or len(set(codes)) != len(codes):
        raise ValidationError({"criteria": _("Every criterion needs a code, each code once.")})
    defaults: dict[str, Any] = {f: data.get(f, "") for f in SET_FIELDS if f in data}
    defaults.update(
        issued_on=_date(data, "issued_on"),
        in_force_from=_date(data, "in_force_from"),
        assess_by=_date(data, "assess_by", required=False),
        is_example=bool(data.get("is_example", False)),
    )
    with transaction.atomic():
        criteria_set, created = CriteriaSet.objects.update_or_create(
            code=data["code"], version=int(data.get("version", 1)), defaults=defaults
        )
        for order, row in enumerate(data["criteria"], start=1):
            Criterion.objects.update_or_create(
                criteria_set=criteria_set,
                code=str(row["code"]),
                defaults={
                    **{f: str(row.get(f, "")) for f in CRITERION_FIELDS},
                    "required": bool(row.get("required", True)),
                    "order": order,
                },
            )
    return criteria_set, created


def load_file(path: Path | str) -> tuple[CriteriaSet, bool]:
    with open(path, encoding="utf-8") as handle:
        return load(json.load(handle))


def load_example() -> CriteriaSet:
    return load_file(EXAMPLE)[0]
