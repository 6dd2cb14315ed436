"""From counts to points: exact arithmetic, one rounding step per stored value.

Ratios and points are computed as ``Fraction`` (no binary floating point anywhere) and rounded half
up once: ratios to 6 decimals, component points to 2. A group's score is the sum of its
components' rounded points; when a level lacks some of the group's components (ministries have no
communes, so no E_CERTIFIED_COPY, POPULATION_DATA_*), the sum is rescaled to the group's full
weight (``× group max / applicable max``, rounded to 2 decimals) so that every level is scored out
of 100 with the same group weights (``INDICATOR_RESCALE_PARTIAL_GROUPS``, an assumption; off, such a
group is out of its applicable points). The total is the sum of the group scores.

No data is not a score (docs/adr/0015-no-data.md): an empty denominator scores the component's
full points (the one rule, ``EMPTY_DENOMINATOR``); an agency whose methodology's ``requires_data``
denominator is empty (no dossier judged in the period) gets no total, no group scores and band
``no_data``, and is left out of the rankings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from ..definitions.base import FULL, NO_DATA, Component, Methodology

BAND_LABELS = {
    "good": _("Good"),
    "fair": _("Fair"),
    "average": _("Average"),
    "weak": _("Weak"),
    NO_DATA: _("No data yet"),
}


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
    total: Decimal | None  # None: no data (nothing judged in the period)
    band: str
    groups: dict[str, dict]  # {code: {"score": Decimal | None, "max": Decimal}}
    components: list[ComponentScore]

    @property
    def has_data(self) -> bool:
        return self.total is not None


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


def has_data(methodology: Methodology, counts: dict[str, dict[str, int]]) -> bool:
    """Whether the agency has anything to judge: the ``requires_data`` denominator is not empty."""
    return counts[methodology.requires_data]["den"] > 0


def score_agency(methodology: Methodology, level: str, counts: dict[str, dict[str, int]]) -> AgencyScore:
    """Components always (their counts explain the page); groups and total only with data."""
    components = [score_component(c, counts[c.code]) for c in methodology.components_for(level)]
    rescale = getattr(settings, "INDICATOR_RESCALE_PARTIAL_GROUPS", True)
    data = has_data(methodology, counts)
    groups: dict[str, dict] = {}
    for g in methodology.groups:
        mine = [s for s in components if s.group == g.code]
        applicable = sum((s.max_points for s in mine), Decimal(0))
        earned = sum((s.points for s in mine), Decimal(0))
        top = g.points if rescale or applicable == 0 else applicable
        if not data:
            score = None
        elif applicable == 0:
            score = top
        elif applicable == top:
            score = earned
        else:
            score = quantize(Fraction(earned) * Fraction(top) / Fraction(applicable), 2)
        groups[g.code] = {"score": score, "max": top}
    if not data:
        return AgencyScore(total=None, band=NO_DATA, groups=groups, components=components)
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


def competition_ranks(values: dict[int, Decimal | None]) -> dict[int, int]:
    """Rank by value, highest first; equal values share a rank (1, 2, 2, 4). ``None`` (no data) is
    left out: it gets no rank and moves nobody else's."""
    ordered = sorted(((k, v) for k, v in values.items() if v is not None), key=lambda kv: kv[1], reverse=True)
    ranks, previous, rank = {}, None, 0
    for position, (key, value) in enumerate(ordered, start=1):
        if value != previous:
            rank, previous = position, value
        ranks[key] = rank
    return ranks
