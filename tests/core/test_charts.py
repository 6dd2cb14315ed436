"""core.charts: every chart rendered in Vietnamese parses as SVG with numeric coordinates."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import translation

from core import charts

NS = "{http://www.w3.org/2000/svg}"
NUMERIC_ATTRS = ("x", "y", "x1", "x2", "y1", "y2", "cx", "cy", "r", "width", "height")


def assert_coordinates_numeric(svg: str) -> ET.Element:
    """Parse the markup and check that every coordinate attribute is a plain number."""
    root = ET.fromstring(str(svg))
    assert root.tag == f"{NS}svg"
    assert all(float(v) >= 0 for v in root.get("viewBox", "").split())
    for el in root.iter():
        for attr in NUMERIC_ATTRS:
            if attr in el.attrib and not (el.tag == f"{NS}svg" and attr == "width"):
                float(el.attrib[attr])  # raises on "182,0"
        if "points" in el.attrib:
            for pair in el.attrib["points"].split():
                x, y = pair.split(",")
                float(x), float(y)
    return root


def all_charts() -> dict[str, str]:
    return {
        "trend": charts.trend_line(
            [("2026-01", Decimal("81.25")), ("2026-02", None), ("2026-03", Decimal("87.5")), ("2026-04", 90)],
            title="Xu hướng",
        ),
        "bars": charts.bars(
            [
                charts.Bar("Nhóm 1", Decimal("17.63"), 18),
                charts.Bar("Nhóm 2 <b>", 1234.5, 2000, highlight=True),
            ],
            title="Nhóm",
        ),
        "stacked": charts.stacked_bars(
            [charts.StackedRow("Sở Tư pháp", (120, 7)), charts.StackedRow("Sở Y tế", (0, 0))],
            [charts.Series("Đúng hạn", "#1d7a35"), charts.Series("Quá hạn", "#a61c1c")],
            title="Đúng hạn",
        ),
        "heat": charts.heat_map(
            ["Hà Nội", "Huế"],
            ["Hệ thống A", "B"],
            [
                [charts.HeatCell("low", "3", "/x?a=1&b=2", "3 / 400"), None],
                [charts.HeatCell("critical", "40")],
            ],
            title="Ma trận",
            legend=[("clean", "0 %"), ("low", "< 1 %")],
        ),
        "legend": charts.heat_legend([("clean", "0 %"), ("critical", "≥ 15 %")], title="Chú giải"),
        "meter": charts.meter(Decimal("97.94"), title="97,9 %"),
    }


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_chart_parses_with_numeric_coordinates(lang):
    with translation.override(lang):
        for name, svg in all_charts().items():
            root = assert_coordinates_numeric(svg)
            want = "group" if name == "heat" else "img"  # the heat map's cells are links: not an image
            assert root.get("role") == want or root.get("aria-hidden") == "true", name


def test_trend_coordinates_and_labels_in_vietnamese():
    with translation.override("vi"):
        svg = str(
            charts.trend_line(
                [("2026-01", Decimal("81.25")), ("2026-03", Decimal("1234.5"))], title="t", max_value=2000
            )
        )
    root = assert_coordinates_numeric(svg)
    (line,) = root.iter(f"{NS}polyline")
    xs = [float(p.split(",")[0]) for p in line.get("points").split()]
    assert xs == sorted(xs) and xs[0] < xs[-1]
    texts = [t.text for t in root.iter(f"{NS}text")]
    assert "01/2026" in texts and "03/2026" in texts  # not every label "2"
    titles = [t.text for t in root.iter(f"{NS}title")]
    assert "03/2026: 1.234,50" in titles  # visible numbers in Vietnamese format


def test_missing_month_breaks_the_line():
    svg = str(charts.trend_line([("a", 1), ("b", 2), ("c", None), ("d", 3), ("e", 4)], title="t"))
    assert len(re.findall("<polyline", svg)) == 2


def test_labels_are_escaped_and_links_kept():
    svg = all_charts()
    assert "&lt;b&gt;" in svg["bars"] and "<b>" not in svg["bars"]
    assert 'href="/x?a=1&amp;b=2"' in svg["heat"]


def test_bars_scale_to_the_largest_value():
    root = assert_coordinates_numeric(charts.bars([charts.Bar("a", 50), charts.Bar("b", 100)], title="t"))
    widths = [float(r.get("width")) for r in root.iter(f"{NS}rect")]
    assert widths[1] == pytest.approx(2 * widths[0])


def test_trend_ticks_are_evenly_spaced():
    assert charts.nice_ticks(100) == [0, 20, 40, 60, 80, 100]
    assert charts.nice_ticks(2000) == [0, 500, 1000, 1500, 2000]
    assert charts.nice_ticks(90) == [0, 20, 40, 60, 80, 100]  # the last tick reaches past the maximum
    assert charts.nice_ticks(10) == [0, 2, 4, 6, 8, 10]
    assert charts.nice_ticks(1) == [0, 0.2, 0.4, 0.6, 0.8, 1]
    with translation.override("vi"):
        root = assert_coordinates_numeric(charts.trend_line([("2026-01", 50), ("2026-02", 75)], title="t"))
    lines = [el for el in root.iter(f"{NS}line")]
    ys = sorted(float(line.get("y1")) for line in lines)
    gaps = {round(b - a, 6) for a, b in zip(ys, ys[1:], strict=False)}
    assert len(ys) == 6 and len(gaps) == 1  # 0, 20, …, 100: the same distance between gridlines
    labels = [t.text for t in root.iter(f"{NS}text")][: len(ys)]
    assert labels == ["0", "20", "40", "60", "80", "100"]


def test_the_dashboard_trend_uses_even_ticks():
    from indicators.trend import trend_chart

    root = assert_coordinates_numeric(trend_chart([("2026-01", Decimal("70")), ("2026-02", None)]))
    ys = sorted(float(line.get("y1")) for line in root.iter(f"{NS}line"))
    assert len({round(b - a, 6) for a, b in zip(ys, ys[1:], strict=False)}) == 1


def test_the_stylesheet_leaves_a_chart_texts_own_colour_alone():
    """CSS outranks SVG presentation attributes: a rule giving every chart text a fill turned the
    heat map's white figures on dark red cells grey (unreadable). Only texts without a fill get the
    muted default."""
    css = (Path(__file__).resolve().parents[2] / "static" / "tthc" / "site.css").read_text(encoding="utf-8")
    rules = re.findall(r"([^{}]+)\{([^}]*)\}", css)
    offending = [
        selector.strip()
        for selector, body in rules
        if re.search(r"\btext\b", selector) and "fill:" in body and ":not([fill])" not in selector
    ]
    assert offending == []


def test_stacked_counts_are_written_as_whole_numbers():
    """Request counts per ministry read "127" and "3", not "127,0" (their sum was a float)."""
    with translation.override("vi"):
        svg = str(
            charts.stacked_bars(
                [charts.StackedRow("Bộ Tư pháp", (120, 7)), charts.StackedRow("Bộ Y tế", (1, 2))],
                [charts.Series("Trong hạn", "#1d7a35"), charts.Series("Quá hạn", "#a61c1c")],
                title="Kiến nghị",
            )
        )
    assert ">127<" in svg and ">3<" in svg
    assert ",0<" not in svg
