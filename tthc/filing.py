"""Where a dossier was filed (nơi nộp hồ sơ, the portal's ``NoiNopHoSo``): the code list, as data.

The list lives in ``tthc/data/filing_places.csv`` (code, key, Vietnamese and English label). The
portal's published format names the field but the platform has no official code table for it, so
the codes are an **assumption** (docs/domain.md, "Where a dossier was filed"): 1 the national
portal, 2 a ministry's system, 3 a provincial system. Changing the file changes the list
everywhere (validation, filters, exports, pages) without a migration: the column stores the code.
Filters take the key (``filing_place=portal``) or the code (``filing_place=1``); ``none`` selects
dossiers whose sources never said.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils.translation import get_language

DATA = Path(__file__).resolve().parent / "data" / "filing_places.csv"
#: The filter value selecting dossiers with no filing place stated.
NOT_STATED = "none"


@dataclass(frozen=True)
class FilingPlace:
    code: int
    key: str
    name_vi: str
    name_en: str

    @property
    def label(self) -> str:
        """The label in the active language (Vietnamese unless the page is in English)."""
        return self.name_en if (get_language() or "vi").startswith("en") else self.name_vi


@cache
def places() -> tuple[FilingPlace, ...]:
    with DATA.open(encoding="utf-8", newline="") as f:
        return tuple(
            FilingPlace(int(row["code"]), row["key"], row["name_vi"], row["name_en"])
            for row in csv.DictReader(f)
        )


@cache
def codes() -> frozenset[int]:
    return frozenset(p.code for p in places())


def by_code(code: int | None) -> FilingPlace | None:
    return next((p for p in places() if p.code == code), None)


def label(code: int | None) -> str:
    """The label of ``code`` ('' when not stated or unknown)."""
    place = by_code(code)
    return place.label if place else ""


def key(code: int | None) -> str:
    place = by_code(code)
    return place.key if place else ""


def parse(value: str) -> int | None:
    """A filter value (key or code, ``none`` for not stated) → the stored code (``None`` for
    ``none``); raises ``ValueError`` naming the accepted values."""
    value = (value or "").strip().lower()
    if value == NOT_STATED:
        return None
    for p in places():
        if value in (p.key, str(p.code)):
            return p.code
    accepted = ", ".join([*(p.key for p in places()), NOT_STATED])
    raise ValueError(f"unknown filing place {value!r} (expected one of: {accepted}, or a code)")


def choices() -> list[tuple[str, str]]:
    """Filter choices: ``(key, label)`` for each place, then not stated."""
    from django.utils.translation import gettext

    return [(p.key, p.label) for p in places()] + [(NOT_STATED, gettext("Not stated"))]


def filter_choices() -> list[tuple[str, str]]:
    """The values a ``filing_place`` filter accepts: each place's key, and ``none``."""
    return choices()


def q(value: str, field: str = "filing_place"):
    """The ``Q`` selecting ``field`` for a filter value (:func:`parse`); ``ValueError`` when unknown."""
    from django.db.models import Q

    code = parse(value)
    return Q(**{f"{field}__isnull": True}) if code is None else Q(**{field: code})
