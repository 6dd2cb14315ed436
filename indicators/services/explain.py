"""Why a component scored what it did: the rows behind its numerator, denominator and penalties.

Every set is built from the component's own declaration (the same ``Q`` builders the computation
counted with) at the snapshot's ``as_of``, restricted to the snapshot's agency, and then to what
the user may see (``visible_to``) — so a commune officer drilling into the province's score sees
the rows of their commune only. Nothing here restates a formula.

Sets: ``numerator``, ``denominator``, ``missing`` (in the denominator, not in the numerator — "the
dossiers that cost points"), ``penalty:<name>``; for DOSSIER_SYNC, whose denominator is a number
(max of two counts), ``missing`` lists the platform's dossiers of the period that the portal lacks.

A set of *late* dossiers (ON_TIME's ``missing``, a penalty counted with the ``overdue`` filter) also
names who is responsible: the unit and officer of the first step that overran its own deadline, or
the handling unit (``services.late.attribute``); its ``unit``/``officer`` filters and the grouping
use them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Count as CountAgg
from django.db.models import Exists, Field, Model, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from core import formatting, params
from reconciliation.models import SourceDossier
from tthc import filing
from tthc.models import Agency, Dossier

from ..definitions import filters as f
from ..definitions import get
from ..definitions.base import Component, Count, MaxOf, Measure, Source, Window
from ..models import IndicatorSnapshot
from . import late as lateness

SET_LABELS = {
    "numerator": _("Numerator"),
    "denominator": _("Denominator"),
    "missing": _("Lost: in the denominator, not in the numerator"),
}

#: (column key, lookup, header) per source: what lists and exports show. No personal data.
COLUMNS = {
    Source.DOSSIER: (
        ("code", "code", _("Dossier code")),
        ("procedure", "procedure__code", _("Procedure")),
        ("procedure_name", "procedure__name", _("Procedure name")),
        ("agency", "receiving_agency__code", _("Receiving agency")),
        ("agency_name", "receiving_agency__name", _("Receiving agency name")),
        ("unit", "handling_unit", _("Handling unit")),
        ("officer", "handling_officer", _("Handling officer")),
        ("status", "status", _("Status")),
        ("channel", "channel", _("Channel")),
        ("filing_place", "filing_place", _("Filed at")),
        ("received_at", "received_at", _("Received at")),
        ("due_at", "due_at", _("Due at")),
        ("finished_at", "finished_at", _("Finished at")),
        ("supplements", "supplement_count", _("Supplement requests")),
    ),
    Source.PROCEDURE: (
        ("code", "code", _("Procedure code")),
        ("name", "name", _("Procedure name")),
        ("field", "field_name", _("Field")),
        ("online_level", "online_level", _("Online level")),
        ("fee_bearing", "fee_bearing", _("Fee-bearing")),
        ("effective_on", "legal_basis_effective_on", _("Legal basis effective on")),
        ("published_on", "published_on", _("Published on")),
        ("made_public_on", "made_public_on", _("Made public on")),
    ),
    Source.FEEDBACK: (
        ("code", "code", _("Feedback code")),
        ("agency", "agency__code", _("Agency")),
        ("agency_name", "agency__name", _("Agency name")),
        ("procedure", "procedure__code", _("Procedure")),
        ("received_at", "received_at", _("Received at")),
        ("answer_due_at", "answer_due_at", _("Answer due")),
        ("answered_at", "answered_at", _("Answered at")),
        ("refused_at", "refused_at", _("Refused at")),
        ("published_at", "published_at", _("Published at")),
        ("disliked", "disliked", _("Disliked")),
        ("repeated", "repeated", _("Repeated")),
    ),
    Source.COMMUNE: (
        ("code", "code", _("Commune code")),
        ("name", "name", _("Commune")),
        ("since", "e_certified_copy__since", _("E-copies since")),
    ),
    Source.SOURCE_DOSSIER: (
        ("code", "code", _("Dossier code")),
        ("agency", "agency__code", _("Receiving agency")),
        ("agency_name", "agency__name", _("Receiving agency name")),
        ("procedure", "procedure__code", _("Procedure")),
        ("status", "status", _("Status")),
        ("received_at", "received_at", _("Received at")),
        ("synced_at", "synced_at", _("Synced at")),
    ),
}

#: Extra columns of a set of late dossiers: who is responsible (``services.late.attribute``).
LATE_COLUMNS = (
    ("responsible_unit", "late_unit", _("Responsible unit")),
    ("responsible_officer", "late_officer", _("Responsible officer")),
    ("responsibility", "late_basis", _("Responsibility from")),
    ("apologised", "late_apologised", _("Apology letter in time")),
)
#: In a set of late dossiers the ``unit``/``officer`` filters match the responsible ones.
LATE_FILTERS = {"unit": "late_unit", "officer": "late_officer"}
#: In a set of late dossiers, ``apology=without`` keeps those with no apology letter issued in time
#: (the ones an officer still has to act on), ``apology=in_time`` the others (``late.APOLOGISED``).
APOLOGY = "apology"
APOLOGY_VALUES = ("without", "in_time")

#: The ``filing_place`` filter (``NoiNopHoSo``): a key of ``tthc/data/filing_places.csv`` (``portal``,
#: ``ministry``, ``province``) or ``none``. ``filing_place=portal&channel=2`` isolates the online dossiers
#: filed through the national portal (seed 004, Phụ lục II).
FILING_PLACE = "filing_place"
#: Query-string filters per source: name → lookup (``agency`` matches the subtree by path).
FILTERS = {
    Source.DOSSIER: {
        "agency": "receiving_agency__path__startswith",
        "procedure": "procedure__code",
        "unit": "handling_unit",
        "officer": "handling_officer",
        "status": "status",
        "channel": "channel",
        "filing_place": FILING_PLACE,
        "code": "code__icontains",
    },
    Source.PROCEDURE: {"code": "code__icontains", "field": "field_code"},
    Source.FEEDBACK: {
        "agency": "agency__path__startswith",
        "procedure": "procedure__code",
        "code": "code__icontains",
    },
    Source.COMMUNE: {"code": "code__icontains"},
    Source.SOURCE_DOSSIER: {
        "agency": "agency__path__startswith",
        "procedure": "procedure__code",
        "filing_place": FILING_PLACE,
        "code": "code__icontains",
    },
}


class UnknownSet(ValueError):
    pass


@dataclass
class ItemSet:
    key: str
    label: str
    source: Source
    queryset: QuerySet[Any]
    #: The rows are late dossiers, annotated with who is responsible (``LATE_COLUMNS``).
    late: bool = False

    @property
    def columns(self) -> tuple[tuple[str, str, Any], ...]:
        return COLUMNS[self.source] + (LATE_COLUMNS if self.late else ())


def window_of(snapshot: IndicatorSnapshot) -> Window:
    return Window(snapshot.period, snapshot.as_of)


def component_of(snapshot: IndicatorSnapshot, code: str) -> Component:
    return get(snapshot.methodology).component(code)


def available_sets(snapshot: IndicatorSnapshot, comp: Component) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    if comp.numerator is not None:
        out.append(("numerator", str(SET_LABELS["numerator"])))
    if not isinstance(comp.denominator, MaxOf):
        out.append(("denominator", str(SET_LABELS["denominator"])))
    if comp.numerator is not None:
        out.append(("missing", str(SET_LABELS["missing"])))
    for p in comp.penalties:
        out.append((f"penalty:{p.name}", formatting.localized(p.name_vi, p.name_en)))
    return out


def penalty_counts(comp: Component, details: Mapping[str, Any] | None) -> dict[str, int]:
    """The count of each penalty of ``comp`` (by penalty name) in its computed value's ``details``."""
    counts = (details or {}).get("penalties") or {}
    return {p.name: int(counts.get(p.name) or 0) for p in comp.penalties}


def default_set(snapshot: IndicatorSnapshot, comp: Component) -> str:
    """The set a drill-down opens on: where the points were lost. That is ``missing`` (in the
    denominator, not in the numerator) where the component has a numerator; a satisfaction component
    has none (its points are the denominator less its penalties), so it opens on its first penalty
    that counted something, else its first penalty; otherwise the first set offered."""
    keys = [key for key, _ in available_sets(snapshot, comp)]
    if "missing" in keys:
        return "missing"
    if comp.penalties:
        value = snapshot.components.filter(code=comp.code).only("details").first()
        counts = penalty_counts(comp, value.details if value is not None else None)
        hit = next((p for p in comp.penalties if counts[p.name]), comp.penalties[0])
        return f"penalty:{hit.name}"
    return keys[0]


def is_lateness_set(comp: Component, which: str) -> bool:
    """Whether the set lists late dossiers: read from the declaration (the filters it counts with)."""
    if which == "missing":
        num, den = comp.numerator, comp.denominator
        return isinstance(num, Count) and isinstance(den, Count) and (num.q, den.q) == (f.on_time, f.decided)
    penalty = next((p for p in comp.penalties if f"penalty:{p.name}" == which), None)
    return penalty is not None and penalty.measure.q is f.overdue


def _scope(source: Source, snapshot: IndicatorSnapshot) -> Q:
    """The rows of the snapshot's agency. Through an agency (``receiving_agency__ranked_agency``): by
    the ids of the agencies it ranks (``ids_ranked_under``), so that PostgreSQL estimates the rows
    from the agency column's statistics and reads them through its (agency, …) indexes: a province's
    late dossiers' page went from 1.46 s (a parallel scan of the table) to 0.21 s at 10 M dossiers."""
    key = source.ranked_key(snapshot.level)
    if not key:
        return Q()
    through, _, last = key.rpartition("__")
    if through and last == "ranked_agency":
        return Q(**{f"{through}_id__in": Agency.objects.ids_ranked_under(snapshot.agency_id)})
    return Q(**{key: snapshot.agency_id})


def _counted(measure: Measure | None) -> Count:
    """The measure of a listed set: only counted rows can be listed (a reported count or a maximum has
    no rows of its own; ``available_sets`` never offers one)."""
    if not isinstance(measure, Count):
        raise UnknownSet("this set has no rows to list")
    return measure


def _rows(measure: Measure | None, snapshot: IndicatorSnapshot, w: Window) -> tuple[Source, Q]:
    """(source whose rows are listed, Q over that source) for one measure of the snapshot's agency."""
    measure = _counted(measure)
    wl = w.at(snapshot.level) if measure.source == Source.PROCEDURE else w
    q = measure.q(wl) & _scope(measure.source, snapshot)
    if measure.distinct == "procedure":
        used = Dossier.objects.filter(q).values("procedure_id")
        return Source.PROCEDURE, Q(pk__in=used)
    return measure.source, q


def item_set(
    snapshot: IndicatorSnapshot,
    code: str,
    which: str | None,
    user: Any = None,
    filters: Mapping[str, str] | None = None,
) -> ItemSet:
    """The rows of one set of one component of a snapshot, visible to ``user``, filtered; ``which``
    ``None`` (or empty): the component's :func:`default_set`."""
    comp = component_of(snapshot, code)
    which = which or default_set(snapshot, comp)
    if which not in dict(available_sets(snapshot, comp)):
        raise UnknownSet(which)
    w = window_of(snapshot)
    if which == "numerator":
        source, q = _rows(comp.numerator, snapshot, w)
    elif which == "denominator":
        source, q = _rows(comp.denominator, snapshot, w)
    elif which.startswith("penalty:"):
        penalty = next(p for p in comp.penalties if f"penalty:{p.name}" == which)
        source, q = _rows(penalty.measure, snapshot, w)
    elif isinstance(comp.denominator, MaxOf):  # DOSSIER_SYNC: the platform's dossiers the portal lacks
        source, q = _missing_on_portal(snapshot, w)
    else:
        source, num = _rows(comp.numerator, snapshot, w)
        _, den = _rows(comp.denominator, snapshot, w)
        q = den & ~num
    manager: Any = source.model._default_manager  # every listed source's manager has ``visible_to``
    qs = (manager.visible_to(user) if user is not None else manager.all()).filter(q)
    late = source == Source.DOSSIER and is_lateness_set(comp, which)
    filters = dict(filters or {})
    if late:
        qs = lateness.attribute(qs, w.as_of)
        for name, annotation in LATE_FILTERS.items():
            if value := params.text(filters, name):
                qs = qs.filter(**{annotation: value})
            filters.pop(name, None)
        if value := params.choice(filters, APOLOGY, APOLOGY_VALUES):
            qs = qs.filter(lateness.APOLOGISED) if value == "in_time" else qs.exclude(lateness.APOLOGISED)
        filters.pop(APOLOGY, None)
    qs = _filter(qs, source, filters)
    label = str(SET_LABELS.get(which) or dict(available_sets(snapshot, comp))[which])
    return ItemSet(which, label, source, qs.order_by(*_ordering(source)), late)


def _missing_on_portal(snapshot: IndicatorSnapshot, w: Window) -> tuple[Source, Q]:
    on_portal = SourceDossier.objects.filter(f.portal_synced(w), code=OuterRef("code"))
    q = f.received(w) & _scope(Source.DOSSIER, snapshot) & ~Q(Exists(on_portal))
    return Source.DOSSIER, q


def _filter(qs: QuerySet[Any], source: Source, filters: Mapping[str, str]) -> QuerySet[Any]:
    """Narrow ``qs`` by the query-string filters its source accepts; a value its column cannot hold
    (``status=abc``, a NUL byte) is an ``InvalidParameter`` (400), never a database error."""
    allowed = FILTERS[source]
    for name, raw in filters.items():
        if raw in (None, "") or name not in allowed:
            continue
        value = params.text(filters, name)
        lookup = allowed[name]
        if lookup == FILING_PLACE:
            try:
                qs = qs.filter(filing.q(value or ""))
            except ValueError as exc:
                raise params.InvalidParameter(name, str(exc)) from None
            continue
        if lookup.endswith("path__startswith"):
            path = Agency.objects.filter(code=value).values_list("path", flat=True).first()
            if path is None:
                return qs.none()
            value = path
        else:
            value = _typed(qs.model, lookup, name, value)
        qs = qs.filter(**{lookup: value})
    return qs


def _typed(model: type[Model], lookup: str, name: str, value: str | None) -> Any:
    """``value`` converted for the column ``lookup`` ends on (``status`` → an integer)."""
    field = None
    for part in lookup.split("__"):
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            break  # a lookup such as ``icontains``
        if field.is_relation and isinstance(field.related_model, type):
            model = field.related_model
    assert isinstance(field, Field)  # every lookup of FILTERS starts with a concrete column
    try:
        return field.to_python(value)
    except ValidationError as exc:
        raise params.InvalidParameter(name, " ".join(exc.messages)) from None


def _ordering(source: Source) -> tuple[str, ...]:
    return {Source.DOSSIER: ("due_at", "code"), Source.FEEDBACK: ("received_at", "code")}.get(
        source, ("code",)
    )


def rows(item_set_: ItemSet, limit: int | None = None) -> Iterator[tuple[Any, ...]]:
    """Export rows (tuples in ``columns`` order), streamed."""
    qs = item_set_.queryset.values_list(*(c[1] for c in item_set_.columns))
    if limit is not None:
        qs = qs[:limit]
    return qs.iterator(chunk_size=2000)


def grouped(item_set_: ItemSet, by: tuple[str, ...] | None = None) -> list[dict[str, Any]]:
    """Counts of a dossier set per handling unit and officer, largest first (who lost the points).

    For a set of late dossiers the unit and officer are the responsible ones (the first step that
    overran, else the handling unit), still under the keys ``handling_unit``/``handling_officer``,
    with ``basis`` saying which.
    """
    if item_set_.source != Source.DOSSIER:
        raise UnknownSet("grouping is for dossier sets")
    if by is None and item_set_.late:
        keys = ("late_unit", "late_officer", "late_basis")
        rows = item_set_.queryset.order_by().values(*keys).annotate(n=CountAgg("pk")).order_by("-n", *keys)
        return _unit_names(
            [
                {
                    "handling_unit": r["late_unit"],
                    "handling_officer": r["late_officer"],
                    "basis": r["late_basis"],
                    "n": r["n"],
                }
                for r in rows
            ]
        )
    by = by or ("handling_unit", "handling_officer")
    groups = list(item_set_.queryset.order_by().values(*by).annotate(n=CountAgg("pk")).order_by("-n", *by))
    return _unit_names(groups) if "handling_unit" in by else groups


def _unit_names(groups: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``unit_name`` beside each group's ``handling_unit``: the agency's name where the unit is an
    agency code (``DonViXuLy`` usually is; a step's ``PhongBanXuLy`` usually is a department's name,
    which stays as sent), else empty — so that a reader sees "UBND xã …", not "00070"."""
    units = {g["handling_unit"] for g in groups if g["handling_unit"]}
    names = {
        code: short or name
        for code, short, name in Agency.objects.filter(code__in=units).values_list(
            "code", "short_name", "name"
        )
    }
    for g in groups:
        g["unit_name"] = names.get(g["handling_unit"] or "", "")
    return groups
