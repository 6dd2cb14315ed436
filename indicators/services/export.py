"""CSV and Excel exports of a drill-down set: the same rows and columns as the page and the API,
written by the shared writer (``core.exports``: formulas neutralised, CSV streamed, Excel capped
at ``TTHC_EXPORT_XLSX_MAX_ROWS`` rows with a last row saying so, times in Vietnam time)."""

from __future__ import annotations

from django.http import FileResponse, StreamingHttpResponse

from core import exports as writer

from .explain import ItemSet, rows


def export_response(items: ItemSet, fmt: str, filename: str) -> StreamingHttpResponse | FileResponse:
    columns = [(key, header) for key, _, header in items.columns]
    return writer.export_response(
        fmt, columns, lambda limit: rows(items, limit), filename, items.key.replace(":", "-")
    )
