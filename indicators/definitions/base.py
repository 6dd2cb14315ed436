"""The vocabulary of index definitions: windows, measures, scoring rules, components, methodologies.

A component is *data*: its numerator and denominator are measures — "count the rows of this source
that match this ``Q``" — and its rule turns the two counts into points. The computation
(``services.measures``), the scoring (``services.scoring``), the drill-down (``services.explain``)
and the early-warning projection all read the same declaration, so a formula exists exactly once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from django.db.models import Model, Q

from tthc.calendar import VN_TZ
from tthc.periods import Period

PROVINCE = "province"
MINISTRY = "ministry"
LEVELS = (PROVINCE, MINISTRY)
BOTH = frozenset(LEVELS)
PROVINCE_ONLY = frozenset({PROVINCE})

#: The one rule for an empty denominator, across every component (docs/adr/0015-no-data.md): the
#: obligation the component measures did not arise, so nothing was done wrong — full points. An
#: agency with nothing to judge at all (its methodology's ``requires_data`` denominator is empty)
#: gets no score instead (band ``NO_DATA``, no total, no rank).
ZERO = "zero"
FULL = "full"
EMPTY_DENOMINATOR = FULL
NO_DATA = "no_data"

#: Working days of the publication rules (docs/domain.md#sets): decide ≥ N before the legal basis takes
#: effect, make public ≤ N after the decision. Stored per procedure in ``PublicationDeadline``.
PUBLICATION_WORKING_DAYS = {
    "decide_before": {MINISTRY: 20, PROVINCE: 5},
    "public_within": {MINISTRY: 10, PROVINCE: 5},
}


class Source(StrEnum):
    """Where a measure counts rows, and how each row finds its ranked agency."""

    DOSSIER = "dossier"
    PROCEDURE = "procedure"
    FEEDBACK = "feedback"
    COMMUNE = "commune"
    SOURCE_DOSSIER = "source_dossier"
    REPORTED = "reported"

    @property
    def model(self) -> type[Model]:
        from django.apps import apps

        app_label, model_name = MODELS[self].split(".")
        return apps.get_model(app_label, model_name)

    def ranked_key(self, level: str | None = None) -> str | None:
        """The lookup from a row to the ranked agency it scores for (None: shared by every province)."""
        if self is Source.PROCEDURE:
            return "ministry__ranked_agency" if level == MINISTRY else None
        return RANKED_KEYS[self]


MODELS = {
    Source.DOSSIER: "tthc.Dossier",
    Source.PROCEDURE: "tthc.Procedure",
    Source.FEEDBACK: "complaints.Feedback",
    Source.COMMUNE: "tthc.Agency",
    Source.SOURCE_DOSSIER: "reconciliation.SourceDossier",
    Source.REPORTED: "reconciliation.ReportedCount",
}
RANKED_KEYS = {
    Source.DOSSIER: "receiving_agency__ranked_agency",
    Source.FEEDBACK: "agency__ranked_agency",
    Source.COMMUNE: "ranked_agency",
    Source.SOURCE_DOSSIER: "agency__ranked_agency",
    Source.REPORTED: "agency__ranked_agency",
}


@dataclass(frozen=True)
class Window:
    """What the filters need to know about the period being scored.

    ``as_of`` is the instant dossiers are judged at: the period's end for a closed period, *now* for
    the live one. ``level`` is set only for procedure measures (the catalogue is scoped by level).
    """

    period: Period
    as_of: datetime
    level: str | None = None

    @classmethod
    def of(cls, period: Period, now: datetime) -> Window:
        return cls(period, min(period.end, now))

    @property
    def start(self) -> datetime:
        return self.period.start

    @property
    def end(self) -> datetime:
        return self.period.end

    @property
    def final(self) -> bool:
        return self.as_of >= self.period.end

    @property
    def first_day(self) -> date:
        return self.period.first_day

    @property
    def last_day(self) -> date:
        """The last day the window covers (the as-of day for a live period)."""
        if self.final:
            return self.period.next_first_day - timedelta(days=1)
        return self.as_of.astimezone(VN_TZ).date()

    @property
    def months(self) -> list[str]:
        """The ``YYYY-MM`` months of the period up to ``as_of`` (reporting-system counts are monthly)."""
        out, p = [], Period.month(self.first_day.year, self.first_day.month)
        while p.start < self.end and p.start <= self.as_of:
            out.append(str(p))
            p = p.next()
        return out

    def at(self, level: str) -> Window:
        return Window(self.period, self.as_of, level)


QBuilder = Callable[[Window], Q]


@dataclass(frozen=True)
class Count:
    """The number of ``source`` rows matching ``q(window)`` (or of distinct procedures among them).

    ``at_risk`` = (if late, if on time): what each open dossier due soon would add to this count
    at period end under each hypothesis — read by the early-warning projection.
    """

    source: Source
    q: QBuilder
    distinct: str | None = None  # "procedure": count distinct procedures among the matching dossiers
    at_risk: tuple[int, int] = (0, 0)


@dataclass(frozen=True)
class ReportedSum:
    """Dossiers counted by the national reporting system for the window's months.

    Rows may give an agency's total (``system_code`` empty) or per-system counts: the larger of
    the two sums is taken, so a total and its breakdown are never added together.
    """

    q: QBuilder
    source: Source = Source.REPORTED


@dataclass(frozen=True)
class MaxOf:
    measures: tuple[Count | ReportedSum, ...]


Measure = Count | ReportedSum | MaxOf


@dataclass(frozen=True)
class Penalty:
    """A set subtracted from the denominator to form the numerator (satisfaction components)."""

    name: str
    name_vi: str
    name_en: str
    measure: Count


@dataclass(frozen=True)
class Linear:
    label = "linear"

    def points(self, max_points: Fraction, ratio: Fraction) -> Fraction:
        return max_points * min(ratio, Fraction(1))


@dataclass(frozen=True)
class FullAt:
    target: Decimal

    @property
    def label(self) -> str:
        return f"full at {self.target * 100:.0f} %"

    def points(self, max_points: Fraction, ratio: Fraction) -> Fraction:
        return min(max_points, max_points * ratio / Fraction(self.target))


LINEAR = Linear()


@dataclass(frozen=True)
class Component:
    code: str
    group: str
    name_vi: str
    name_en: str
    points: Decimal
    denominator: Measure
    numerator: Count | None = None  # None: denominator minus the penalties
    penalties: tuple[Penalty, ...] = ()
    rule: Linear | FullAt = LINEAR
    levels: frozenset[str] = BOTH
    note_en: str = ""
    #: The formula in a line, for the component's page (``note_en`` in English).
    note_vi: str = ""

    def __post_init__(self) -> None:
        if (self.numerator is None) == (not self.penalties):
            raise ValueError(f"{self.code}: give either a numerator or penalties")

    @property
    def when_empty(self) -> str:
        """What an empty denominator scores: the index's one rule (``EMPTY_DENOMINATOR``)."""
        return EMPTY_DENOMINATOR

    def applies_to(self, level: str) -> bool:
        return level in self.levels

    @property
    def source(self) -> Source:
        """The model whose rows explain the component (the numerator's, else the denominator's)."""
        m = self.numerator or self.denominator
        return m.measures[0].source if isinstance(m, MaxOf) else m.source

    def measures(self) -> dict[str, Measure]:
        """Named measures: ``num``, ``den``, ``pen:<name>``."""
        out: dict[str, Measure] = {"den": self.denominator}
        if self.numerator is not None:
            out["num"] = self.numerator
        for p in self.penalties:
            out[f"pen:{p.name}"] = p.measure
        return out


@dataclass(frozen=True)
class Group:
    code: str
    name_vi: str
    name_en: str
    points: Decimal


@dataclass(frozen=True)
class Methodology:
    """A versioned set of groups and components, in force for periods starting on or after ``valid_from``."""

    version: str
    valid_from: date
    description: str
    groups: tuple[Group, ...]
    components: tuple[Component, ...]
    #: The component whose denominator says whether an agency has anything to judge (dossiers
    #: judged in the period): empty ⇒ no total, no rank, band ``NO_DATA``.
    requires_data: str = "ON_TIME"
    #: A setting (a ``date``) that overrides ``valid_from`` when the start is an assumption.
    valid_from_setting: str | None = None
    _by_code: dict[str, Component] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        codes = [c.code for c in self.components]
        if len(set(codes)) != len(codes):
            raise ValueError(f"methodology {self.version}: duplicate component codes")
        group_codes = {g.code for g in self.groups}
        for g in self.groups:
            total = sum((c.points for c in self.components if c.group == g.code), Decimal(0))
            if total != g.points:
                raise ValueError(
                    f"methodology {self.version}: group {g.code} components sum to {total}, not {g.points}"
                )
        unknown = {c.group for c in self.components} - group_codes
        if unknown:
            raise ValueError(f"methodology {self.version}: unknown groups {unknown}")
        if sum(g.points for g in self.groups) != 100:
            raise ValueError(f"methodology {self.version}: groups do not sum to 100")
        self._by_code.update({c.code: c for c in self.components})
        if self.requires_data not in self._by_code:
            raise ValueError(
                f"methodology {self.version}: requires_data {self.requires_data!r} is no component"
            )

    @property
    def effective_from(self) -> date:
        """The first day in force: ``valid_from``, or the setting that overrides it."""
        if self.valid_from_setting:
            from django.conf import settings

            return getattr(settings, self.valid_from_setting, self.valid_from)
        return self.valid_from

    def component(self, code: str) -> Component:
        try:
            return self._by_code[code]
        except KeyError:
            raise KeyError(f"no component {code!r} in methodology {self.version}") from None

    def components_for(self, level: str) -> list[Component]:
        return [c for c in self.components if c.applies_to(level)]

    def group(self, code: str) -> Group:
        return next(g for g in self.groups if g.code == code)
