"""The 766 index definitions: versioned methodologies, chosen per period.

``methodology_for(period)`` is the version in force on the period's first day; every computation
stores the version it used, so a snapshot is always re-explained with its own formulas.
"""

from __future__ import annotations

from tthc.periods import Period

from . import v2022, v2026
from .base import LEVELS, MINISTRY, PROVINCE, Component, Group, Methodology, Window

METHODOLOGIES: tuple[Methodology, ...] = tuple(
    sorted((v2022.METHODOLOGY, v2026.METHODOLOGY), key=lambda m: m.valid_from)
)
_BY_VERSION = {m.version: m for m in METHODOLOGIES}


def methodology_for(period: Period | str) -> Methodology:
    """The methodology in force on the period's first day (the oldest one before it existed).

    A start that is an assumption (the 2026 group-4 split) comes from its setting
    (``INDICATOR_GROUP4_SPLIT_FROM``), read at call time.
    """
    first_day = Period.parse(period).first_day
    ordered = sorted(METHODOLOGIES, key=lambda m: m.effective_from)
    chosen = ordered[0]
    for m in ordered:
        if m.effective_from <= first_day:
            chosen = m
    return chosen


def get(version: str) -> Methodology:
    try:
        return _BY_VERSION[version]
    except KeyError:
        raise KeyError(f"unknown methodology {version!r}; known: {', '.join(_BY_VERSION)}") from None


__all__ = [
    "LEVELS",
    "MINISTRY",
    "PROVINCE",
    "Component",
    "Group",
    "METHODOLOGIES",
    "Methodology",
    "Window",
    "get",
    "methodology_for",
]
