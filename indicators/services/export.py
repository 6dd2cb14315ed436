"""CSV and Excel exports of a drill-down set: the same rows and columns as the page and the API.

CSV streams row by row (UTF-8 with a byte-order mark so that Excel shows Vietnamese correctly);
Excel uses openpyxl's write-only mode, spooled to a temporary file, and stops at
``TTHC_EXPORT_XLSX_MAX_ROWS`` with a last row saying so.
"""
from __future__ import annotations

import csv
import tempfile
from datetime import datetime

from django.conf import settings
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext

from tthc.calendar import VN_TZ

from .explain import ItemSet, rows

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class _Echo:
    def write(self, value):
        return value


def _cell(value):
    """Times in Vietnam time without zone (Excel cannot store aware times)."""
    if isinstance(value, datetime):
        return timezone.localtime(value, VN_TZ).replace(tzinfo=None)
    return value


def csv_response(items: ItemSet, filename: str) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def stream():
        yield "\ufeff" + writer.writerow([key for key, _, _ in items.columns])
        for row in rows(items):
            yield writer.writerow([_cell(v) for v in row])

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(items: ItemSet, filename: str) -> FileResponse:
    from openpyxl import Workbook

    limit = int(getattr(settings, "TTHC_EXPORT_XLSX_MAX_ROWS", 200_000))
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(items.key.replace(":", "-")[:31])
    sheet.append([str(header) for _, _, header in items.columns])
    for written, row in enumerate(rows(items, limit + 1)):
        if written == limit:
            sheet.append([gettext("Truncated at %(n)s rows: use the CSV export for everything.") % {"n": limit}])
            break
        sheet.append([_cell(v) for v in row])
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    workbook.save(spool)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=f"{filename}.xlsx", content_type=XLSX_TYPE)


def export_response(items: ItemSet, fmt: str, filename: str):
    if fmt == "csv":
        return csv_response(items, filename)
    if fmt == "xlsx":
        return xlsx_response(items, filename)
    raise ValueError(f"unknown export format {fmt!r}")
