"""Server-side SVG charts: pure functions from data to markup, for pages and PDFs alike.

No chart library, no script, no CDN: each function takes plain data and returns an ``<svg>`` string
(marked safe; every label is escaped). The output is self-contained — colours are presentation
attributes, not classes — so WeasyPrint draws it as the browser does, and the Content-Security-Policy
(no inline CSS) is kept.

Coordinates are written with ``_c()`` (a dot, never the language's decimal comma: the trend chart
once collapsed in Vietnamese because ``{{ x }}`` printed ``182,0``). Visible numbers (tick labels,
values, tooltips) go through ``core.formatting`` in the current language.

The charts:

- ``trend_line`` — a value per month (13-month trend of the 766 total), gaps break the line;
- ``bars`` — horizontal bars with labels and values (group breakdown, rankings, requests by state);
- ``stacked_bars`` — two or more parts per row (on time vs overdue per unit);
- ``heat_map`` — a grid coloured by severity, with ``heat_legend`` (the gap matrix);
- ``meter`` — one small bar filled to a percentage (inside table cells).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from . import formatting

Number = int | float | Decimal

FONT = "DejaVu Sans, Arial, sans-serif"
INK = "#1f2933"
MUTED = "#667"
GRID = "#e4e4e4"
ACCENT = "#a61c1c"  # the site's red
HIGHLIGHT = "#d98a00"
PALETTE = ("#1d7a35", "#a61c1c", "#2d6aa3", "#b06d00", "#6b4c9a", "#4a4a4a")
# Heat-map colours, from "no gap" to "critical"; "empty" is a cell without a comparison.
HEAT = {
    "empty": "#f4f4f4",
    "clean": "#e3f4e1",
    "low": "#fbf3c8",
    "medium": "#fbd9a8",
    "high": "#f5a98f",
    "critical": "#b52b27",
}


def _c(value: Number) -> str:
    """A coordinate: plain decimal with a dot, at most one decimal (never localised)."""
    text = f"{float(value):.1f}"
    return text[:-2] if text.endswith(".0") else text


def _e(value: object) -> str:
    return str(escape("" if value is None else value))


def _svg(
    width: Number,
    height: Number,
    body: Sequence[str],
    *,
    title: str,
    css_class: str,
    role: str = "img",
    natural: bool = False,
) -> SafeString:
    """The outer element: scales to its container (viewBox; ``natural``: drawn at its own width in
    pixels, for a wide grid that scrolls rather than shrinks), labelled for screen readers. A chart
    with links is a ``group`` (an ``img``'s children are presentational: its links would be lost)."""
    label = _e(title)
    size = f"{_c(width)}" if natural else "100%"
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {css_class}" viewBox="0 0 {_c(width)} {_c(height)}" '
        f'width="{size}" role="{role}" aria-label="{label}" font-family="{FONT}" font-size="11">'
        f"<title>{label}</title>{''.join(body)}</svg>"
    )


def _text(
    x: Number,
    y: Number,
    content: object,
    *,
    anchor: str = "start",
    fill: str = MUTED,
    size: int | None = None,
) -> str:
    font = f' font-size="{size}"' if size else ""
    return f'<text x="{_c(x)}" y="{_c(y)}" text-anchor="{anchor}" fill="{fill}"{font}>{_e(content)}</text>'


# --- trend line ----------------------------------------------------------------------------------


def nice_ticks(max_value: Number, count: int = 5) -> list[Number]:
    """Evenly spaced ticks from 0 reaching at least ``max_value``, at most about ``count`` steps of a
    round size (1, 2, 2.5 or 5 times a power of ten): 100 → 0, 20, …, 100; 2000 → 0, 500, …, 2000."""
    top = float(max_value)
    if top <= 0:
        return [0, 1]
    raw = top / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw * (1 - 1e-9))
    n = math.ceil(top / step - 1e-9)
    ticks: list[Number] = []
    for i in range(n + 1):
        value = round(i * step, 10)
        ticks.append(int(value) if value == int(value) else value)
    return ticks


def trend_line(
    points: Sequence[tuple[str, Number | None]],
    *,
    title: str,
    max_value: Number = 100,
    ticks: Sequence[Number] | None = None,
    width: int = 640,
    height: int = 200,
    digits: int = 2,
) -> SafeString:
    """A line over labelled points (e.g. ``("2026-03", Decimal("87.5"))``); ``None`` breaks the line.

    The y axis runs from 0 to ``max_value`` (or the last tick above it) with a gridline per tick —
    by default evenly spaced round ticks (:func:`nice_ticks`); the x labels are the point labels
    (``MM/YYYY`` for ``YYYY-MM``), thinned to fit.
    """
    pad_l, pad_r, pad_t, pad_b = 34, 28, 10, 22
    inner_w, inner_h = width - pad_l - pad_r, height - pad_t - pad_b
    n = max(len(points), 1)
    step = inner_w / max(n - 1, 1)
    ticks = nice_ticks(max_value) if ticks is None else ticks
    top = max([float(max_value), *(float(t) for t in ticks)]) or 1.0

    def y(value: Number) -> float:
        return pad_t + inner_h - min(max(float(value), 0.0), top) / top * inner_h

    body = []
    for t in ticks:
        body.append(
            f'<line x1="{_c(pad_l)}" x2="{_c(width - pad_r)}" y1="{_c(y(t))}" y2="{_c(y(t))}" stroke="{GRID}"/>'
        )
        body.append(_text(pad_l - 4, y(t) + 4, formatting.number(t), anchor="end"))
    segments: list[list[str]] = [[]]
    dots = []
    every = max(1, -(-n // 7))  # at most ~7 x labels
    for i, (label, value) in enumerate(points):
        x = pad_l + i * step if n > 1 else pad_l + inner_w / 2
        if i % every == 0 or i == n - 1:
            body.append(_text(x, height - 6, period_label(label), anchor="middle"))
        if value is None:
            segments.append([])
            continue
        segments[-1].append(f"{_c(x)},{_c(y(value))}")
        dots.append(
            f'<circle cx="{_c(x)}" cy="{_c(y(value))}" r="3" fill="{ACCENT}">'
            f"<title>{_e(period_label(label))}: {_e(formatting.number(value, digits))}</title></circle>"
        )
    for segment in segments:
        if len(segment) > 1:
            body.append(
                f'<polyline fill="none" stroke="{ACCENT}" stroke-width="2" points="{" ".join(segment)}"/>'
            )
    body.extend(dots)
    return _svg(width, height, body, title=title, css_class="chart-trend")


def period_label(label: str) -> str:
    """``2026-03`` → ``03/2026`` (a month as Vietnamese write it); other labels unchanged."""
    return formatting.month(label)


# --- bars ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    """One row of a bar chart: its label, value, optional maximum (a track drawn behind), and whether
    to highlight it (the user's own province in a ranking). ``text`` overrides the printed value."""

    label: str
    value: Number | None
    max: Number | None = None
    highlight: bool = False
    text: str | None = None


def bars(
    items: Sequence[Bar],
    *,
    title: str,
    max_value: Number | None = None,
    width: int = 640,
    row_height: int = 22,
    label_width: int = 200,
    digits: int | None = None,
) -> SafeString:
    """Horizontal bars, one row per item, scaled to ``max_value`` (default: the largest max or value)."""
    scale = float(max_value or max([float(b.max or b.value or 0) for b in items] or [1]) or 1)
    value_w = 90
    inner = width - label_width - value_w
    height = max(len(items), 1) * row_height + 4
    body = []
    for i, bar in enumerate(items):
        top = i * row_height + 2
        mid = top + row_height / 2 + 4
        body.append(_text(label_width - 6, mid, _clip(bar.label, label_width), anchor="end", fill=INK))
        if bar.max is not None:
            body.append(
                f'<rect x="{_c(label_width)}" y="{_c(top + 4)}" width="{_c(float(bar.max) / scale * inner)}" '
                f'height="{_c(row_height - 8)}" fill="{GRID}"/>'
            )
        if bar.value is not None:
            fill = HIGHLIGHT if bar.highlight else ACCENT
            body.append(
                f'<rect x="{_c(label_width)}" y="{_c(top + 4)}" width="{_c(max(float(bar.value), 0) / scale * inner)}" '
                f'height="{_c(row_height - 8)}" fill="{fill}"/>'
            )
        shown = bar.text if bar.text is not None else formatting.number(bar.value, digits)
        if bar.max is not None and bar.text is None:
            shown = f"{shown} / {formatting.number(bar.max, digits)}"
        body.append(_text(width - value_w + 6, mid, shown, fill=INK))
    return _svg(width, height, body, title=title, css_class="chart-bars")


def _clip(label: str, width: int) -> str:
    """Cut a label that would not fit its column (about 6 px a character), with an ellipsis."""
    room = max(width // 6, 4)
    return label if len(label) <= room else label[: room - 1] + "…"


@dataclass(frozen=True)
class Series:
    """One part of a stacked bar (e.g. "on time", green)."""

    label: str
    color: str


@dataclass(frozen=True)
class StackedRow:
    label: str
    values: Sequence[Number] = field(default_factory=tuple)


def stacked_bars(
    rows: Sequence[StackedRow],
    series: Sequence[Series],
    *,
    title: str,
    width: int = 640,
    row_height: int = 22,
    label_width: int = 200,
    normalise: bool = False,
) -> SafeString:
    """Horizontal stacked bars with a legend on top (on-time vs overdue per unit).

    ``normalise`` draws each row as 100 % (shares), otherwise rows share one scale (counts).
    """
    totals = [sum((v or 0) for v in row.values) for row in rows]  # counts stay whole: "3", not "3,0"
    scale = float(max(totals or [1])) or 1
    value_w = 70
    inner = width - label_width - value_w
    legend_h = 20
    height = legend_h + max(len(rows), 1) * row_height + 4
    body = []
    x: float = label_width
    for s in series:
        body.append(f'<rect x="{_c(x)}" y="4" width="10" height="10" fill="{s.color}"/>')
        body.append(_text(x + 14, 13, s.label, fill=INK))
        x += 14 + len(s.label) * 6.5 + 16
    for i, (row, total) in enumerate(zip(rows, totals, strict=True)):
        top = legend_h + i * row_height + 2
        mid = top + row_height / 2 + 4
        body.append(_text(label_width - 6, mid, _clip(row.label, label_width), anchor="end", fill=INK))
        x = float(label_width)
        for s, v in zip(series, row.values, strict=False):
            part = float(v or 0) / (float(total or 1) if normalise else scale) * inner
            if part > 0:
                body.append(
                    f'<rect x="{_c(x)}" y="{_c(top + 4)}" width="{_c(part)}" height="{_c(row_height - 8)}" '
                    f'fill="{s.color}"><title>{_e(row.label)} · {_e(s.label)}: {_e(formatting.number(v))}</title></rect>'
                )
            x += part
        body.append(_text(width - value_w + 6, mid, formatting.number(total), fill=INK))
    return _svg(width, height, body, title=title, css_class="chart-stacked")


# --- heat map ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HeatCell:
    """A cell: its severity level (a key of ``HEAT``), the text printed in it and an optional link."""

    level: str
    text: str = ""
    href: str | None = None
    tooltip: str = ""


def heat_map(
    row_labels: Sequence[str],
    column_labels: Sequence[str],
    cells: Sequence[Sequence[HeatCell | None]],
    *,
    title: str,
    legend: Sequence[tuple[str, str]] = (),
    cell_width: int = 64,
    cell_height: int = 24,
    label_width: int = 150,
    header_height: int = 40,
    natural: bool = False,
) -> SafeString:
    """A grid of coloured cells (rows × columns), ``None`` for no comparison; a legend under it.

    ``legend`` is a list of (level, label) pairs, e.g. ``[("clean", "0 %"), ("low", "< 1 %"), …]``.
    ``natural``: drawn at its own size (a page scrolls a wide grid) rather than scaled to fit.
    """
    legend_w = sum(18 + len(label) * 6.5 + 14 for _, label in legend)
    width = max(label_width + cell_width * max(len(column_labels), 1) + 4, legend_w)
    grid_h = header_height + cell_height * len(row_labels)
    body = []
    for j, label in enumerate(column_labels):
        cx = label_width + j * cell_width + cell_width / 2
        body.append(_text(cx, header_height - 8, _clip(label, cell_width), anchor="middle", fill=INK))
    for i, label in enumerate(row_labels):
        top = header_height + i * cell_height
        body.append(
            _text(
                label_width - 6, top + cell_height / 2 + 4, _clip(label, label_width), anchor="end", fill=INK
            )
        )
        for j, cell in enumerate(cells[i] if i < len(cells) else ()):
            x = label_width + j * cell_width
            level = cell.level if cell else "empty"
            fill = "#fff" if level == "critical" else INK
            rect = (
                f'<rect x="{_c(x + 1)}" y="{_c(top + 1)}" width="{_c(cell_width - 2)}" height="{_c(cell_height - 2)}" '
                f'fill="{HEAT.get(level, HEAT["empty"])}">'
                + (f"<title>{_e(cell.tooltip)}</title>" if cell and cell.tooltip else "")
                + "</rect>"
            )
            text = _text(
                x + cell_width / 2,
                top + cell_height / 2 + 4,
                cell.text if cell else "·",
                anchor="middle",
                fill=fill,
            )
            if cell and cell.href:
                body.append(f'<a href="{_e(cell.href)}">{rect}{text}</a>')
            else:
                body.append(rect + text)
    body.append(_legend(legend, 0, grid_h + 8))
    linked = any(cell is not None and cell.href for line in cells for cell in line)
    return _svg(
        width,
        grid_h + (30 if legend else 4),
        body,
        title=title,
        css_class="chart-heat",
        role="group" if linked else "img",
        natural=natural,
    )


def _legend(items: Sequence[tuple[str, str]], left: Number, y: Number) -> str:
    out = []
    x = float(left)
    for level, label in items:
        out.append(
            f'<rect x="{_c(x)}" y="{_c(y)}" width="14" height="14" fill="{HEAT.get(level, level)}" stroke="{GRID}"/>'
        )
        out.append(_text(x + 18, float(y) + 11, label, fill=INK))
        x += 18 + len(label) * 6.5 + 14
    return "".join(out)


def heat_legend(items: Sequence[tuple[str, str]], *, title: str) -> SafeString:
    """The heat map's legend alone (for a page that draws the grid as an HTML table)."""
    width = sum(18 + len(label) * 6.5 + 14 for _, label in items) or 10
    return _svg(width, 18, [_legend(items, 0, 2)], title=title, css_class="chart-legend")


# --- meter ---------------------------------------------------------------------------------------


def meter(percent: Number | None, *, title: str = "", color: str = ACCENT) -> SafeString:
    """A thin bar filled to ``percent`` (0–100) of its width, for a table cell."""
    filled = min(max(float(percent or 0), 0.0), 100.0)
    body = [
        f'<rect width="100" height="1" fill="{GRID}"/>',
        f'<rect width="{_c(filled)}" height="1" fill="{color}"/>',
    ]
    label = _e(title)
    return mark_safe(
        '<svg xmlns="http://www.w3.org/2000/svg" class="bar" viewBox="0 0 100 1" preserveAspectRatio="none" '
        + (f'role="img" aria-label="{label}">' if title else 'aria-hidden="true">')
        + "".join(body)
        + "</svg>"
    )
