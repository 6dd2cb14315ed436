"""From counts to points: exact arithmetic, one rounding step per stored value.

Ratios and points are computed as ``Fraction`` (no binary floating point anywhere) and rounded half
up once: ratios to 6 decimals, component points to 2. A group's score is the sum of its
components' rounded points; when a level lacks some of the group's components (ministries have no
communes, so no E_CERTIFIED_COPY, POPULATION_DATA_*), the sum is rescaled to the group's full
weight (``× group max / applicable max``, rounded to 2 decimals) so that every level is scored out
of 100 with the same group weights. The total is the sum of the group scores.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from ..definitions.base import FULL, Component, Methodology

BAND_LABELS = {"good": _("Good"), "fair": _("Fair"), "average": _("Average"), "weak": _("Weak")}


def quantize(value: Fraction, places: int) -> Decimal:
    """Round half up to ``places`` decimals, exactly."""
    scale = 10**places
    scaled = value * scale
    n = (scaled.numerator * 2 + scaled.denominator) // (scaled.denominator * 2)  # floor(x + 1/2)
    return (Decimal(n) / Decimal(scale)).quantize(Decimal(1).scaleb(-places))


@dataclass
class ComponentScore:
    code: str
    group: str
    numerator: int
    denominator: int
    ratio: Decimal | None
    points: Decimal
    max_points: Decimal
    details: dict = field(default_factory=dict)


@dataclass
class AgencyScore:
    total: Decimal
    band: str
    groups: dict[str, dict]  # {code: {"score": Decimal, "max": Decimal}}
    components: list[ComponentScore]


def score_component(comp: Component, counts: dict[str, int]) -> ComponentScore:
    """``counts`` = {"num"|"den"|"pen:<name>": int} as collected by ``services.measures``."""
    den = counts["den"]
    details = {}
    if comp.penalties:
        penalties = {p.name: counts[f"pen:{p.name}"] for p in comp.penalties}
        details["penalties"] = penalties
        num = max(0, den - sum(penalties.values()))
    else:
        num = counts["num"]
    max_points = Fraction(comp.points)
    if den == 0:
        points = max_points if comp.when_empty == FULL else Fraction(0)
        ratio = None
    else:
        exact = Fraction(num, den)
        ratio = quantize(exact, 6)
        points = comp.rule.points(max_points, exact)
    return ComponentScore(comp.code, comp.group, num, den, ratio, quantize(points, 2), comp.points, details)


def score_agency(methodology: Methodology, level: str, counts: dict[str, dict[str, int]]) -> AgencyScore:
    components = [score_component(c, counts[c.code]) for c in methodology.components_for(level)]
    groups = {}
    for g in methodology.groups:
        mine = [s for s in components if s.group == g.code]
        applicable = sum((s.max_points for s in mine), Decimal(0))
        earned = sum((s.points for s in mine), Decimal(0))
        if applicable == 0:
            score = g.points
        elif applicable == g.points:
            score = earned
        else:
            score = quantize(Fraction(earned) * Fraction(g.points) / Fraction(applicable), 2)
        groups[g.code] = {"score": score, "max": g.points}
    total = sum((v["score"] for v in groups.values()), Decimal(0))
    return AgencyScore(total=total, band=band_for(total), groups=groups, components=components)


def bands() -> list[tuple[str, Decimal]]:
    """(code, minimum total) from ``settings.INDICATOR_BANDS``, highest first."""
    return sorted(
        ((code, Decimal(str(low))) for code, low in settings.INDICATOR_BANDS),
        key=lambda b: b[1],
        reverse=True,
    )


def band_for(total: Decimal) -> str:
    for code, low in bands():
        if total >= low:
            return code
    return bands()[-1][0]


def band_label(code: str) -> str:
    return str(BAND_LABELS.get(code, code))


def competition_ranks(values: dict[int, Decimal]) -> dict[int, int]:
    """Rank by value, highest first; equal values share a rank (1, 2, 2, 4)."""
    ordered = sorted(values.items(), key=lambda kv: kv[1], reverse=True)
    ranks, previous, rank = {}, None, 0
    for position, (key, value) in enumerate(ordered, start=1):
        if value != previous:
            rank, previous = position, value
        ranks[key] = rank
    return ranks
