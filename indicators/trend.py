"""The dashboard's 13-month trend as inline SVG geometry (no chart library, no CDN)."""

from __future__ import annotations

from decimal import Decimal

WIDTH, HEIGHT, PAD_X, PAD_Y = 640, 200, 36, 18


def trend_chart(points: list[tuple[str, Decimal | None]]) -> dict:
    """Scale (label, total) pairs onto a 0–100 chart; missing months break the line."""
    n = max(len(points), 1)
    step = (WIDTH - 2 * PAD_X) / max(n - 1, 1)

    def y(value) -> float:
        return round(HEIGHT - PAD_Y - float(value) / 100 * (HEIGHT - 2 * PAD_Y), 1)

    dots, segments, current = [], [], []
    for i, (label, total) in enumerate(points):
        x = round(PAD_X + i * step, 1)
        if total is None:
            if current:
                segments.append(current)
            current = []
            dots.append({"x": x, "label": label, "total": None})
            continue
        current.append(f"{x},{y(total)}")
        dots.append({"x": x, "y": y(total), "label": label, "total": total})
    if current:
        segments.append(current)
    ticks = [{"value": v, "y": y(v)} for v in (0, 50, 70, 90, 100)]
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "pad_x": PAD_X,
        "lines": [" ".join(s) for s in segments],
        "dots": dots,
        "ticks": ticks,
        "x_end": WIDTH - PAD_X,
    }
