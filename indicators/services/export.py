"""CSV and Excel exports of a drill-down set and of the procedures without dossiers: the same rows
as the page and the API, written by the shared writer (``core.exports``: headers in words, coded
values as their labels beside their codes, formulas neutralised, CSV streamed, Excel capped at
``TTHC_EXPORT_XLSX_MAX_ROWS`` rows with a last row saying so, times in Vietnam time).

The pages and the API keep their ``(key, lookup, header)`` columns; :func:`export_columns` turns them
into the writer's :class:`~core.exports.Column`s: a ``…__code`` lookup (an agency, a procedure, a
ministry) becomes a named column — its ``…__name`` beside the code, the separate name column
dropped — and a coded field (status, channel, filing place, online level, a yes/no, who is
responsible) gets its label.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils.translation import gettext

from core import exports as writer
from tthc import filing
from tthc.models import Channel, DossierStatus, OnlineLevel

from . import late
from .explain import ItemSet


def _basis(value: Any) -> str:
    return {
        late.STEP: gettext("The first step that overran"),
        late.HANDLING_UNIT: gettext("The handling unit (no step overran)"),
    }.get(value, str(value))


#: Coded fields by lookup: (label, code) functions.
LABELS: dict[str, tuple[Callable[[Any], Any], Callable[[Any], Any] | None]] = {
    "status": (writer.choice_label(DossierStatus), None),
    "channel": (writer.choice_label(Channel), None),
    "filing_place": (filing.label, filing.key),
    "online_level": (writer.choice_label(OnlineLevel), None),
    "late_basis": (_basis, None),
}
#: Yes/no fields: "Có"/"Không", then true/false.
BOOLEANS = frozenset(
    (
        "fee_bearing",
        "disliked",
        "repeated",
        "level_central",
        "level_province",
        "level_commune",
        "late_apologised",
    )
)
NAMED_SUFFIX = "__code"


def page_labels(columns: Sequence[tuple[str, str, Any]]) -> list[Callable[[Any], Any] | None]:
    """Per column, the function that shows a coded value as its label on the page (status 4 →
    "Đang xử lý"), ``None`` where the value shows as it is; an absent value stays absent."""

    def shown(label: Callable[[Any], Any]) -> Callable[[Any], Any]:
        return lambda value: None if value is None else label(value)

    return [shown(LABELS[lookup][0]) if lookup in LABELS else None for _, lookup, _ in columns]


def export_columns(columns: Sequence[tuple[str, str, Any]]) -> tuple[list[writer.Column], list[str]]:
    """The writer's columns and the lookups of their values (a named column: code, then name)."""
    lookups = {lookup for _, lookup, _ in columns}
    specs: list[writer.Column] = []
    values: list[str] = []
    for key, lookup, header in columns:
        if lookup.endswith("__name") and lookup[: -len("__name")] + NAMED_SUFFIX in lookups:
            continue  # the name of a coded column: written beside its code
        if lookup.endswith(NAMED_SUFFIX):
            specs.append(writer.Column(key, header, named=True))
            values += [lookup, lookup[: -len(NAMED_SUFFIX)] + "__name"]
        elif lookup in BOOLEANS:
            specs.append(writer.boolean(key, header))
            values.append(lookup)
        elif lookup in LABELS:
            label, code = LABELS[lookup]
            specs.append(writer.Column(key, header, label=label, code=code))
            values.append(lookup)
        else:
            specs.append(writer.Column(key, header))
            values.append(lookup)
    return specs, values


def _rows(queryset: QuerySet[Any], lookups: list[str], limit: int | None) -> Iterator[tuple[Any, ...]]:
    qs = queryset.values_list(*lookups)
    if limit is not None:
        qs = qs[:limit]
    return qs.iterator(chunk_size=2000)


def queryset_export(
    queryset: QuerySet[Any],
    columns: Sequence[tuple[str, str, Any]],
    fmt: str,
    filename: str,
    sheet: str,
    headers: str = "labels",
) -> StreamingHttpResponse | FileResponse:
    specs, lookups = export_columns(columns)
    return writer.export_response(
        fmt, specs, lambda limit: _rows(queryset, lookups, limit), filename, sheet, headers=headers
    )


def export_response(
    items: ItemSet, fmt: str, filename: str, headers: str = "labels"
) -> StreamingHttpResponse | FileResponse:
    return queryset_export(
        items.queryset, items.columns, fmt, filename, items.key.replace(":", "-"), headers=headers
    )
