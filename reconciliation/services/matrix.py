"""The gap matrix: provinces × source systems for one month, from the runs a user may see.

One query (the scoped runs with their province and source) builds the whole grid; the page only
lays it out. Severity is the share of a cell's dossiers that have at least one gap, against the
configurable ``TTHC_GAP_SEVERITY_THRESHOLDS`` (percent: low / medium / high boundaries).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings

from tthc.periods import Period

from ..models import ReconciliationRun, SourceKind

PROVINCIAL_COLUMN = "__provincial__"
LEVELS = ("low", "medium", "high", "critical")


def severity(gap_dossiers: int, dossiers: int, thresholds: Iterable[float] | None = None) -> str:
    """``empty`` (nothing compared), ``clean`` (no gap), then ``low`` … ``critical`` by percent."""
    if not dossiers and not gap_dossiers:
        return "empty"
    if not gap_dossiers:
        return "clean"
    bounds = sorted(thresholds if thresholds is not None else settings.TTHC_GAP_SEVERITY_THRESHOLDS)
    percent = 100.0 * gap_dossiers / dossiers if dossiers else 100.0
    level = sum(1 for bound in bounds if percent >= bound)
    return LEVELS[min(level, len(LEVELS) - 1)]


@dataclass
class Cell:
    run: ReconciliationRun

    @property
    def percent(self) -> float:
        return round(100.0 * self.run.gap_dossiers / self.run.dossiers, 1) if self.run.dossiers else 0.0

    @property
    def level(self) -> str:
        return severity(self.run.gap_dossiers, self.run.dossiers)


@dataclass
class Row:
    province: object
    cells: list[Cell | None]
    points_at_stake: Decimal = Decimal(0)


@dataclass
class Matrix:
    period: Period
    columns: list[tuple[str, str]] = field(default_factory=list)  # (key, label)
    rows: list[Row] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.rows


def periods_for(user: Any) -> list[Period]:
    """Months with at least one visible run, newest first."""
    return list(
        ReconciliationRun.objects.visible_to(user)
        .order_by("-period")
        .values_list("period", flat=True)
        .distinct()
    )


def build_matrix(user: Any, period: Period, provincial_label: str) -> Matrix:
    """Ministry systems as columns (by code), the provinces' own systems folded into one column."""
    runs = list(
        ReconciliationRun.objects.visible_to(user)
        .filter(period=period)
        .select_related("province", "source")
        .order_by("province__code", "source__code")
    )
    matrix = Matrix(period=period)
    ministry = sorted(
        {r.source.code: r.source for r in runs if r.source.kind != SourceKind.PROVINCIAL}.items()
    )
    matrix.columns = [(code, source.name) for code, source in ministry]
    if any(r.source.kind == SourceKind.PROVINCIAL for r in runs):
        matrix.columns.append((PROVINCIAL_COLUMN, provincial_label))
    index = {key: i for i, (key, _) in enumerate(matrix.columns)}
    rows: dict[int, Row] = {}
    for run in runs:
        row = rows.setdefault(run.province_id, Row(province=run.province, cells=[None] * len(matrix.columns)))
        key = PROVINCIAL_COLUMN if run.source.kind == SourceKind.PROVINCIAL else run.source.code
        row.cells[index[key]] = Cell(run)
        row.points_at_stake += run.points_at_stake
    matrix.rows = list(rows.values())
    return matrix
