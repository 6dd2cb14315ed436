"""Counting every measure of a methodology for every ranked agency: one aggregate query per family.

A *family* is a source model (dossiers, procedures per level, feedback, communes, the portal's
copies, reported counts). All the measures of a family become conditional aggregates
(``COUNT(*) FILTER (WHERE …)``) of ONE query grouped by the ranked agency, so the cost is one pass
over the period's rows whatever the number of agencies or components — never a query per agency.

Dossiers are grouped by (ranked agency, procedure) when a component counts *distinct procedures*
(ONLINE_USED, PAYMENT_USED): a few thousand groups, summed here, instead of a costly
``COUNT(DISTINCT)`` per group in SQL.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import Count as CountAgg
from django.db.models import F, Q, QuerySet, Sum

from ..definitions import filters
from ..definitions.base import (
    MINISTRY,
    PROVINCE,
    Component,
    Count,
    MaxOf,
    Measure,
    Methodology,
    ReportedSum,
    Source,
    Window,
)

#: {agency id: {component code: {"num"|"den"|"pen:<name>": int}}}
Counts = dict[int, dict[str, dict[str, int]]]
#: A measure that counts rows (``MaxOf`` combines them).
Leaf = Count | ReportedSum
#: A family's leaves with their aliases in the aggregate query.
Leaves = list[tuple[str, Leaf]]
#: {agency id: {alias: count}}, filled by the family queries.
Raw = dict[int, dict[str, int]]


def _leaves(measure: Measure) -> tuple[Leaf, ...]:
    return measure.measures if isinstance(measure, MaxOf) else (measure,)


def _leaf_key(leaf: Leaf) -> tuple[Any, ...]:
    """Identity of a leaf for de-duplication (the same set counted for several components once)."""
    return (type(leaf).__name__, leaf.source, leaf.q, getattr(leaf, "distinct", None))


class _Plan:
    """The leaves of one computation, numbered, grouped by family."""

    def __init__(self, methodology: Methodology, levels: Iterable[str]) -> None:
        self.index: dict[tuple[Any, ...], str] = {}
        self.families: dict[Source, Leaves] = defaultdict(list)
        self.components: dict[str, Component] = {}
        for level in levels:
            for comp in methodology.components_for(level):
                self.components[comp.code] = comp
        for comp in self.components.values():
            for measure in comp.measures().values():
                for leaf in _leaves(measure):
                    key = _leaf_key(leaf)
                    if key in self.index:
                        continue
                    alias = f"m{len(self.index)}"
                    self.index[key] = alias
                    self.families[leaf.source].append((alias, leaf))

    def alias(self, leaf: Leaf) -> str:
        return self.index[_leaf_key(leaf)]


def _where(leaves: Leaves, w: Window) -> Q:
    where = Q(pk__in=[])
    for _alias, leaf in leaves:
        where |= leaf.q(w)
    return where


def _restrict(qs: QuerySet[Any], key: str, agency_ids: list[int] | None) -> QuerySet[Any]:
    return qs if agency_ids is None else qs.filter(**{f"{key}__in": agency_ids})


def _ranked_key(source: Source, level: str | None = None) -> str:
    key = source.ranked_key(level)
    assert key is not None  # only the provinces' shared catalogue has none (``_procedure_family``)
    return key


def _dossier_family(leaves: Leaves, w: Window, agency_ids: list[int] | None, out: Raw) -> None:
    """The dossier measures in one aggregate over the window. Restricted to some ranked agencies (one
    province), the window is read in its three disjoint parts (``filters.dossier_window_arms``), each
    limited to those agencies' receiving agencies by id so that it is one index range: the month, the
    carry-over finished since, the carry-over still open. One query over the whole window cannot be
    planned that way (PostgreSQL reads the province's whole history or scans the table), and the
    counts add up across disjoint parts."""
    key = _ranked_key(Source.DOSSIER)
    distinct = {alias for alias, leaf in leaves if isinstance(leaf, Count) and leaf.distinct}
    group = {"rk": F(key), **({"pr": F("procedure_id")} if distinct else {})}
    manager = Source.DOSSIER.model._default_manager
    if agency_ids is None:
        parts = [manager.filter(filters.dossier_window(w))]
    else:
        head, _sep, rest = key.partition("__")
        related = manager.model._meta.get_field(head).related_model
        assert related is not None and not isinstance(related, str)  # the key starts with a foreign key
        ids = list(
            related._default_manager.filter(**{f"{rest}__in": agency_ids}).values_list("pk", flat=True)
        )
        parts = [manager.filter(arm, **{f"{head}_id__in": ids}) for arm in filters.dossier_window_arms(w)]
    groups: dict[tuple[Any, Any], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for qs in parts:
        rows = (
            qs.values(**group)
            .annotate(**{a: CountAgg("pk", filter=leaf.q(w)) for a, leaf in leaves})
            .order_by()
        )
        for row in rows:
            summed = groups[row["rk"], row.get("pr")]
            for alias, _leaf in leaves:
                summed[alias] += row[alias]
    for (rk, _pr), summed in groups.items():
        target = out[rk]
        for alias, _leaf in leaves:
            n = summed[alias]
            if alias in distinct:
                n = 1 if n else 0
            target[alias] = target.get(alias, 0) + n


def _grouped_family(
    source: Source, leaves: Leaves, w: Window, agency_ids: list[int] | None, out: Raw
) -> None:
    key = _ranked_key(source)
    qs = _restrict(source.model._default_manager.filter(_where(leaves, w)), key, agency_ids)
    rows = (
        qs.values(rk=F(key))
        .annotate(**{a: CountAgg("pk", filter=leaf.q(w)) for a, leaf in leaves})
        .order_by()
    )
    for row in rows:
        out[row["rk"]].update({alias: row[alias] for alias, _ in leaves})


def _reported_family(leaves: Leaves, w: Window, agency_ids: list[int] | None, out: Raw) -> None:
    key = _ranked_key(Source.REPORTED)
    qs = _restrict(Source.REPORTED.model._default_manager.filter(_where(leaves, w)), key, agency_ids)
    aggs: dict[str, Sum] = {}
    for alias, leaf in leaves:
        aggs[f"{alias}_all"] = Sum("received", filter=leaf.q(w) & Q(system_code=""))
        aggs[f"{alias}_per"] = Sum("received", filter=leaf.q(w) & ~Q(system_code=""))
    for row in qs.values(rk=F(key)).annotate(**aggs).order_by():
        for alias, _ in leaves:
            out[row["rk"]][alias] = max(row[f"{alias}_all"] or 0, row[f"{alias}_per"] or 0)


def _procedure_family(leaves: Leaves, w: Window, peers: dict[str, list[int]], out: Raw) -> None:
    """The catalogue: per owning ministry for ministries, once for all provinces (they share it)."""
    model = Source.PROCEDURE.model
    if peers.get(MINISTRY):
        wm = w.at(MINISTRY)
        key = _ranked_key(Source.PROCEDURE, MINISTRY)
        qs = model._default_manager.filter(_where(leaves, wm), **{f"{key}__in": peers[MINISTRY]})
        rows = qs.values(rk=F(key)).annotate(**{a: CountAgg("pk", filter=leaf.q(wm)) for a, leaf in leaves})
        for row in rows.order_by():
            out[row["rk"]].update({alias: row[alias] for alias, _ in leaves})
    if peers.get(PROVINCE):
        wp = w.at(PROVINCE)
        totals = model._default_manager.filter(_where(leaves, wp)).aggregate(
            **{a: CountAgg("pk", filter=leaf.q(wp)) for a, leaf in leaves}
        )
        for agency_id in peers[PROVINCE]:
            out[agency_id].update({alias: totals[alias] or 0 for alias, _ in leaves})


def collect(
    methodology: Methodology, w: Window, peers: dict[str, list[int]], restrict: bool = False
) -> Counts:
    """Count every measure for the ``peers`` ({level: [agency ids]}).

    With ``restrict`` the row queries are limited to those agencies (a one-province projection);
    otherwise they run over all rows and the peers are picked from the result.
    """
    levels = [level for level, ids in peers.items() if ids]
    plan = _Plan(methodology, levels)
    raw: dict[int, dict[str, int]] = defaultdict(dict)
    agency_ids = [i for ids in peers.values() for i in ids] if restrict else None
    for source, leaves in plan.families.items():
        if source == Source.DOSSIER:
            _dossier_family(leaves, w, agency_ids, raw)
        elif source == Source.PROCEDURE:
            _procedure_family(leaves, w, peers, raw)
        elif source == Source.REPORTED:
            _reported_family(leaves, w, agency_ids, raw)
        else:
            _grouped_family(source, leaves, w, agency_ids, raw)
    counts: Counts = {}
    for level, ids in peers.items():
        comps = methodology.components_for(level)
        for agency_id in ids:
            values = raw.get(agency_id, {})
            counts[agency_id] = {
                c.code: {name: _value(plan, m, values) for name, m in c.measures().items()} for c in comps
            }
    return counts


def _value(plan: _Plan, measure: Measure, values: dict[str, int]) -> int:
    if isinstance(measure, MaxOf):
        return max(_value(plan, leaf, values) for leaf in measure.measures)
    assert isinstance(measure, Count | ReportedSum)
    return int(values.get(plan.alias(measure), 0) or 0)
