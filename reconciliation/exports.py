"""CSV and Excel exports of gaps: the same rows, in the same order, as the page and the API list.

Both read the already-scoped, already-filtered queryset with ``.values_list().iterator()`` and hand
the rows to the shared writer (``core.exports``: formulas neutralised, CSV streamed without a limit,
Excel stopped at ``TTHC_EXPORT_XLSX_MAX_ROWS`` with a last row saying so).
"""

from __future__ import annotations

from collections.abc import Iterator

from django.utils.translation import gettext, gettext_noop

from core import exports as writer
from tthc import filing

from . import labels
from .models import GapKind

#: (column key, queryset field, translatable header) — the page shows the same columns.
COLUMNS = (
    ("period", "run__period", gettext_noop("Period")),
    ("province", "run__province__code", gettext_noop("Province")),
    ("source", "run__source__code", gettext_noop("Source system")),
    ("kind", "kind", gettext_noop("Gap kind")),
    ("dossier_code", "dossier_code", gettext_noop("Dossier code")),
    ("procedure_code", "procedure_code", gettext_noop("Procedure code")),
    ("agency_code", "agency_code", gettext_noop("Agency code")),
    ("source_value", "source_value", gettext_noop("Source value")),
    ("portal_value", "portal_value", gettext_noop("Portal value")),
    ("detail", "detail", gettext_noop("Detail")),
    ("filing_place", "filing_place", gettext_noop("Filed at")),
)
#: The same rows in words, after the machine columns (codes stay above for programs): the gap kind's
#: label, the province's and the system's names, the compared values and the detail in words.
LABEL_COLUMNS = (
    ("kind_label", gettext_noop("Gap kind (in words)")),
    ("province_name", gettext_noop("Province name")),
    ("source_name", gettext_noop("Source system name")),
    ("source_value_label", gettext_noop("Source value (in words)")),
    ("portal_value_label", gettext_noop("Portal value (in words)")),
    ("detail_label", gettext_noop("Detail (in words)")),
)
CHUNK = 2000


def rows(queryset, limit: int | None = None) -> Iterator[tuple]:
    """The export rows of a gap queryset (keeps its ordering), streamed from the database: the machine
    columns (the period as its text, the filing place as its key — tthc/data/filing_places.csv — as the
    API), then the same in words (``LABEL_COLUMNS``)."""
    qs = queryset.with_filing_place().values_list(
        *(column[1] for column in COLUMNS), "run__province__name", "run__source__name"
    )
    if limit is not None:
        qs = qs[:limit]
    kinds = dict(GapKind.choices)
    for period, *machine, place, province_name, source_name in qs.iterator(chunk_size=CHUNK):
        kind, source_value, portal_value, detail = machine[2], machine[6], machine[7], machine[8]
        yield (
            str(period),
            *machine,
            filing.key(place),
            str(kinds.get(kind, kind)),
            province_name,
            source_name,
            labels.status_label(source_value),
            labels.status_label(portal_value),
            labels.humanize(detail),
        )


def export_response(queryset, fmt: str, filename: str = "gaps"):
    columns = [(key, gettext(header)) for key, _, header in COLUMNS]
    columns += [(key, gettext(header)) for key, header in LABEL_COLUMNS]
    return writer.export_response(
        fmt, columns, lambda limit: rows(queryset, limit), filename, gettext("Gaps")
    )


def filename_for(params) -> str:
    """``gaps-2026-10-01-HOTICH``: the filter's period, province and source, for the download name."""
    parts = ["gaps", *(str(params.get(k, "")).strip() for k in ("period", "province", "source"))]
    return "-".join(p for p in parts if p and p.replace("-", "").isalnum())
