"""The dashboard's 13-month trend: the shared SVG chart (``core.charts.trend_line``) over the totals."""

from __future__ import annotations

from decimal import Decimal

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from core import charts


def trend_chart(points: list[tuple[str, Decimal | None]]) -> SafeString:
    """(label, total) pairs on a 0–100 chart, gridlines evenly every 20 points; missing months break
    the line."""
    return charts.trend_line(points, title=_("Total score by month"), max_value=100)
