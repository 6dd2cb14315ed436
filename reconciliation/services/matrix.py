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
from django.utils.translation import gettext

from core import charts, formatting
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


def heat_legend_items(thresholds: Iterable[float] | None = None) -> list[tuple[str, str]]:
    """(level, words) for the legend: no gap, each band by its percent bounds, nothing compared."""
    bounds = sorted(settings.TTHC_GAP_SEVERITY_THRESHOLDS if thresholds is None else thresholds)
    items = [("clean", gettext("no gap"))]
    for level, bound in zip(LEVELS, bounds, strict=False):
        items.append((level, f"< {formatting.percent(bound, 0)}"))
    items.append((LEVELS[min(len(bounds), len(LEVELS) - 1)], f"≥ {formatting.percent(bounds[-1], 0)}"))
    items.append(("empty", gettext("not compared")))
    return items


def heat_map(matrix: Matrix, href: Any) -> Any:
    """The matrix as a server-side SVG heat map (``core.charts.heat_map``): a row per province, a
    column per system, each cell coloured by severity and linking to its gap list (``href(row,
    cell)``), with a legend. The same drawing serves the page and a PDF."""
    cells = []
    for row in matrix.rows:
        line: list[charts.HeatCell | None] = []
        for cell in row.cells:
            if cell is None:
                line.append(None)
                continue
            run = cell.run
            compared = f"{formatting.number(run.gap_dossiers)} / {formatting.number(run.dossiers)}"
            line.append(
                charts.HeatCell(
                    level=cell.level,
                    text=formatting.number(run.gap_dossiers) if run.dossiers else "—",
                    href=href(row, cell),
                    tooltip=f"{run.source.name}: {compared} ({formatting.percent(cell.percent)})",
                )
            )
        cells.append(line)
    provinces: list[Any] = [row.province for row in matrix.rows]
    return charts.heat_map(
        [f"{p.short_name or p.name} ({p.code})" for p in provinces],
        [key if key != PROVINCIAL_COLUMN else label for key, label in matrix.columns],
        cells,
        title=gettext("Sync gap matrix %(period)s") % {"period": formatting.month(str(matrix.period))},
        legend=heat_legend_items(),
        cell_width=56,
        label_width=170,
        natural=True,
    )
