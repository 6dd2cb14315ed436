"""CSV and Excel exports of gaps: the same rows, in the same order, as the page and the API list.

Both read the already-scoped, already-filtered queryset with ``.values_list().iterator()``, so
memory stays flat: CSV streams row by row without a limit; Excel (openpyxl write-only mode, spooled
to a temporary file) stops at ``TTHC_EXPORT_XLSX_MAX_ROWS`` and says so in a last row.
"""
from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterator

from django.conf import settings
from django.http import FileResponse, StreamingHttpResponse
from django.utils.translation import gettext, gettext_noop

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
)
CHUNK = 2000
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def rows(queryset, limit: int | None = None) -> Iterator[tuple]:
    """The export rows of a gap queryset (keeps its ordering), streamed from the database."""
    qs = queryset.values_list(*(column[1] for column in COLUMNS))
    if limit is not None:
        qs = qs[:limit]
    return qs.iterator(chunk_size=CHUNK)


class _Echo:
    def write(self, value):
        return value


def csv_response(queryset, filename: str = "gaps") -> StreamingHttpResponse:
    """UTF-8 with a byte-order mark so that Excel opens Vietnamese text correctly."""
    writer = csv.writer(_Echo())

    def stream():
        yield "\ufeff" + writer.writerow([column[0] for column in COLUMNS])
        for row in rows(queryset):
            yield writer.writerow(row)

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(queryset, filename: str = "gaps") -> FileResponse:
    from openpyxl import Workbook

    limit = int(getattr(settings, "TTHC_EXPORT_XLSX_MAX_ROWS", 200_000))
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(gettext("Gaps"))
    sheet.append([gettext(column[2]) for column in COLUMNS])
    written = 0
    for row in rows(queryset, limit + 1):
        if written == limit:
            sheet.append([gettext("Truncated at %(n)s rows: use the CSV export for everything.") % {"n": limit}])
            break
        sheet.append(list(row))
        written += 1
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    workbook.save(spool)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=f"{filename}.xlsx", content_type=XLSX_TYPE)


def export_response(queryset, fmt: str, filename: str = "gaps"):
    if fmt == "csv":
        return csv_response(queryset, filename)
    if fmt == "xlsx":
        return xlsx_response(queryset, filename)
    raise ValueError(f"unknown export format {fmt!r}")


def filename_for(params) -> str:
    """``gaps-2026-10-01-HOTICH``: the filter's period, province and source, for the download name."""
    parts = ["gaps", *(str(params.get(k, "")).strip() for k in ("period", "province", "source"))]
    return "-".join(p for p in parts if p and p.replace("-", "").isalnum())
