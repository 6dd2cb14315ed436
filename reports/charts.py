"""Server-side SVG geometry for the documents (no browser, no chart library): WeasyPrint draws it.

The 13-month trend is the dashboard's own drawing (``indicators.trend.trend_chart``); this module adds
the horizontal bars of the group scores. Numbers inside the SVG are coordinates: never localised.
"""

from __future__ import annotations

from typing import Any

BAR_WIDTH, LABEL_WIDTH, ROW_HEIGHT, BAR_HEIGHT = 420, 60, 18, 10


def group_bars(groups: list[dict[str, Any]]) -> dict[str, Any]:
    """One bar per group: its share of the group's points (``percent``, 0–100)."""
    rows = []
    for i, g in enumerate(groups):
        share = max(0, min(100, int(g.get("percent") or 0)))
        rows.append(
            {
                "label": g["code"],
                "y": i * ROW_HEIGHT + 4,
                "text_y": i * ROW_HEIGHT + 4 + BAR_HEIGHT - 1,
                "width": round(BAR_WIDTH * share / 100, 1),
                "value": g.get("score_text", ""),
            }
        )
    return {
        "width": LABEL_WIDTH + BAR_WIDTH + 80,
        "height": len(groups) * ROW_HEIGHT + 8,
        "x": LABEL_WIDTH,
        "track": BAR_WIDTH,
        "value_x": LABEL_WIDTH + BAR_WIDTH + 6,
        "bar_height": BAR_HEIGHT,
        "rows": rows,
    }
