"""CSV and Excel exports of gaps: the same rows, in the same order, as the page and the API list.

Both read the already-scoped, already-filtered queryset with ``.values_list().iterator()`` and hand
the rows to the shared writer (``core.exports``: formulas neutralised, CSV streamed without a limit,
Excel stopped at ``TTHC_EXPORT_XLSX_MAX_ROWS`` with a last row saying so).
"""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext, gettext_noop

from core import exports as writer
from tthc import filing
from tthc.models import Agency

from . import labels
from .models import GapKind


def _value_label(value: labels.GapValue) -> str:
    return value.label


def _stored(value: labels.GapValue) -> object:
    return value.stored


def _kind_label(kind: str) -> str:
    try:
        return str(GapKind(kind).label)
    except ValueError:
        return kind


#: (column, queryset fields): the page shows the same gaps; the keys are the API list's fields. A
#: coded value is written as its words then its code (``core.exports.Column``); a province, a system
#: and an agency by their name then their code.
COLUMNS: tuple[tuple[writer.Column, tuple[str, ...]], ...] = (
    (writer.Column("period", gettext_noop("Period")), ("run__period",)),
    (
        writer.Column("province", gettext_noop("Province"), named=True),
        ("run__province__code", "run__province__name"),
    ),
    (
        writer.Column("source", gettext_noop("Source system"), named=True),
        ("run__source__code", "run__source__name"),
    ),
    (writer.Column("kind", gettext_noop("Gap kind"), label=_kind_label), ("kind",)),
    (writer.Column("dossier_code", gettext_noop("Dossier code")), ("dossier_code",)),
    (writer.Column("procedure_code", gettext_noop("Procedure code")), ("procedure_code",)),
    (writer.Column("agency_code", gettext_noop("Agency"), named=True), ("agency_code", "agency_name")),
    (
        writer.Column(
            "source_value",
            gettext_noop("Source value"),
            label=_value_label,
            code=_stored,
            code_header=gettext_noop("Source value as stored (%(key)s)"),
        ),
        ("source_value",),
    ),
    (
        writer.Column(
            "portal_value",
            gettext_noop("Portal value"),
            label=_value_label,
            code=_stored,
            code_header=gettext_noop("Portal value as stored (%(key)s)"),
        ),
        ("portal_value",),
    ),
    (
        writer.Column(
            "detail",
            gettext_noop("Detail"),
            label=labels.humanize,
            code_header=gettext_noop("Detail as stored (%(key)s)"),
        ),
        ("detail",),
    ),
    (
        writer.Column("filing_place", gettext_noop("Filed at"), label=filing.label, code=filing.key),
        ("filing_place",),
    ),
)
CHUNK = 2000


def columns() -> list[writer.Column]:
    return [column for column, _ in COLUMNS]


def rows(queryset, limit: int | None = None) -> Iterator[tuple]:
    """The export rows of a gap queryset (keeps its ordering), streamed from the database: one value
    per column, the code then the name for a named one (``COLUMNS``); the agency's name is looked up
    by its code (one indexed subquery)."""
    agency_name = Subquery(Agency.objects.filter(code=OuterRef("agency_code")).values("name")[:1])
    qs = (
        queryset.with_filing_place()
        .annotate(agency_name=agency_name)
        .values_list(*(field for _, fields in COLUMNS for field in fields))
    )
    if limit is not None:
        qs = qs[:limit]
    fields = [field for _, fields in COLUMNS for field in fields]
    kind, values = fields.index("kind"), [fields.index("source_value"), fields.index("portal_value")]
    for row in qs.iterator(chunk_size=CHUNK):
        out = list(row)
        out[0] = str(out[0])  # the period
        for i in values:  # a compared value is read with its kind (a count of steps is not a status)
            out[i] = labels.GapValue(row[kind], row[i])
        yield tuple(out)


def export_response(queryset, fmt: str, filename: str = "gaps", headers: str = "labels"):
    return writer.export_response(
        fmt, columns(), lambda limit: rows(queryset, limit), filename, gettext("Gaps"), headers=headers
    )


def filename_for(params) -> str:
    """``gaps-2026-10-01-HOTICH``: the filter's period, province and source, for the download name."""
    parts = ["gaps", *(str(params.get(k, "")).strip() for k in ("period", "province", "source"))]
    return "-".join(p for p in parts if p and p.replace("-", "").isalnum())
