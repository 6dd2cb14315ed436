"""The one export writer: every CSV and Excel download (gap lists, index drill-downs, request
evidence) goes through it, so a spreadsheet can never receive a live formula.

* **Formula neutralisation** (OWASP's CSV-injection rule): a text cell starting with ``=``, ``+``,
  ``-``, ``@``, tab or carriage return gets a leading ``'``. Only text is touched: a negative
  *number* is not a formula and stays a number.
* **CSV**: UTF-8 with a byte-order mark (so Excel shows Vietnamese correctly), streamed in chunks
  with ``StreamingHttpResponse`` — memory stays flat whatever the row count.
* **Excel**: openpyxl's write-only mode, spooled to a temporary file; every text cell is written
  explicitly as a string (``data_type 's'``), so neither a formula nor an error value (``#N/A``) can
  be created; characters Excel refuses (C0 controls) are dropped rather than failing the download.
  It stops at ``TTHC_EXPORT_XLSX_MAX_ROWS`` rows and says so in a last row (CSV has no limit).
* Aware date-times are written in the platform's time zone (``TIME_ZONE``) without an offset,
  which Excel cannot store.

The callers own their columns and rows (an iterable of sequences, typically
``queryset.values_list(...).iterator()``); this module owns how they are written.
"""

from __future__ import annotations

import csv
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from functools import cache
from typing import IO, TYPE_CHECKING, Any, TypeVar, overload
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import FileResponse, StreamingHttpResponse
from django.utils.functional import Promise
from django.utils.http import content_disposition_header
from django.utils.translation import gettext

if TYPE_CHECKING:
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("csv", "xlsx")
#: Leading characters that make a spreadsheet read a cell as a formula (OWASP).
FORMULA_TRIGGERS = frozenset("=+-@\t\r")
#: CSV rows are yielded in chunks of about this many characters (fewer, larger writes).
CSV_CHUNK_CHARS = 64 * 1024
_SURROGATES = re.compile("[\ud800-\udfff]")
#: C0 controls that the XLSX format cannot hold (tab, LF and CR are allowed).
_XLSX_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
_XLSX_UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
_SHEET_TITLE_ILLEGAL = re.compile(r"[\[\]:*?/\\]")


_T = TypeVar("_T")


@overload
def neutralise(value: str) -> str: ...
@overload
def neutralise(value: _T) -> _T: ...
def neutralise(value: Any) -> Any:
    """``value`` with a leading ``'`` when it is text that a spreadsheet would run as a formula."""
    if isinstance(value, str) and value[:1] in FORMULA_TRIGGERS:
        return "'" + value
    return value


@cache
def _local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _local(value: object) -> object:
    """A value that is not plain text: aware times as local wall-clock times (Excel stores no
    offset), lazy translations as neutralised text, anything else unchanged."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(_local_zone()).replace(tzinfo=None)
    if isinstance(value, str | Promise):
        return neutralise(str(value))
    return value


def xlsx_row_limit() -> int:
    return settings.TTHC_EXPORT_XLSX_MAX_ROWS


def truncated_note(limit: int) -> str:
    """The last row of an Excel export cut at ``limit`` rows."""
    return gettext("Truncated at %(n)s rows: use the CSV export for everything.") % {"n": limit}


# --- CSV -------------------------------------------------------------------------------------------
class _Echo:
    """A file-like object whose ``write`` returns the line, for ``csv.writer`` in a generator."""

    def write(self, value: str) -> str:
        return value


def _encodable(chunk: str) -> str:
    """Lone surrogates (which UTF-8 cannot encode) replaced, so a stream never breaks half-way."""
    return _SURROGATES.sub("\ufffd", chunk) if _SURROGATES.search(chunk) else chunk


def csv_chunks(headers: Sequence, rows: Iterable[Sequence]) -> Iterator[str]:
    """The CSV text (BOM, header, rows) in chunks of about ``CSV_CHUNK_CHARS`` characters."""
    writer = csv.writer(_Echo())
    triggers = FORMULA_TRIGGERS

    def cells(values: Iterable[Any]) -> list[Any]:
        return [(("'" + v) if v[:1] in triggers else v) if v.__class__ is str else _local(v) for v in values]

    buffer = ["\ufeff", writer.writerow(cells(headers))]
    size = 0
    for row in rows:
        line = writer.writerow(cells(row))
        buffer.append(line)
        size += len(line)
        if size >= CSV_CHUNK_CHARS:
            yield _encodable("".join(buffer))
            buffer, size = [], 0
    if buffer:
        yield _encodable("".join(buffer))


def write_csv(out: IO[str], headers: Sequence, rows: Iterable[Sequence]) -> int:
    """Write the CSV to a text file ``out`` (opened with ``newline=""``); returns the data-row count."""
    count = 0

    def counted() -> Iterator[Sequence]:
        nonlocal count
        for row in rows:
            count += 1
            yield row

    for chunk in csv_chunks(headers, counted()):
        out.write(chunk)
    return count


def csv_response(headers: Sequence, rows: Iterable[Sequence], filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_chunks(headers, rows), content_type=CSV_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, f"{filename}.csv")
    return response


# --- Excel -----------------------------------------------------------------------------------------
def sheet_title(title: str) -> str:
    """A title Excel accepts: no ``[]:*?/\\``, at most 31 characters, not empty."""
    return _SHEET_TITLE_ILLEGAL.sub("-", str(title))[:31] or "Sheet"


def _xlsx_cells(sheet: WriteOnlyWorksheet, values: Sequence) -> list:
    """One row's values for openpyxl, every text one bound to be written as a string (``'s'``).

    openpyxl types a text value itself: ``'f'`` (formula) when it starts with ``=`` — which a
    neutralised text never does — and ``'e'`` when it equals an error code such as ``#N/A``; those
    few are handed over as cells whose type is set to ``'s'`` explicitly. (A cell object for every
    text would do the same at twice the cost.)
    """
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ERROR_CODES

    cells = []
    for value in values:
        if isinstance(value, str | Promise):
            value = str(value)
            if _XLSX_UNWRITABLE.search(value):
                value = _XLSX_CONTROLS.sub("", _SURROGATES.sub("\ufffd", value))
            if value[:1] in FORMULA_TRIGGERS:
                value = "'" + value
            elif value in ERROR_CODES:
                value = WriteOnlyCell(sheet, value=value)
                value.data_type = "s"
        else:
            value = _local(value)
        cells.append(value)
    return cells


def write_xlsx(
    out: IO[bytes],
    headers: Sequence,
    rows: Iterable[Sequence],
    sheet: str,
    *,
    preamble: Iterable[Sequence] = (),
    limit: int | None = None,
    truncated: Callable[[int], str] = truncated_note,
) -> int:
    """Write a workbook of one sheet to the binary file ``out``; returns the data-row count.

    ``preamble`` rows come before the header (a title line); after ``limit`` data rows (default
    ``TTHC_EXPORT_XLSX_MAX_ROWS``) a last row ``truncated(limit)`` says the list goes on.
    """
    from openpyxl import Workbook

    limit = xlsx_row_limit() if limit is None else limit
    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet(sheet_title(sheet))
    for row in preamble:
        ws.append(_xlsx_cells(ws, row))
    ws.append(_xlsx_cells(ws, headers))
    written = 0
    for row in rows:
        if written >= limit:
            ws.append(_xlsx_cells(ws, [truncated(limit)]))
            break
        ws.append(_xlsx_cells(ws, row))
        written += 1
    workbook.save(out)
    return written


def xlsx_response(
    headers: Sequence, rows: Iterable[Sequence], filename: str, sheet: str, **options: Any
) -> FileResponse:
    """The workbook spooled to a temporary file (in memory up to 8 MB), served as a download."""
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    write_xlsx(spool, headers, rows, sheet, **options)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=f"{filename}.xlsx", content_type=XLSX_TYPE)


def export_response(
    fmt: str,
    columns: Sequence[tuple[str, str]],
    fetch: Callable[[int | None], Iterable[Sequence]],
    filename: str,
    sheet: str = "",
) -> StreamingHttpResponse | FileResponse:
    """A ``csv`` or ``xlsx`` download; ``filename`` without extension.

    ``columns`` are ``(key, label)`` pairs: CSV is headed by the keys (machine-readable), Excel by
    the labels. ``fetch(limit)`` returns the rows, all of them for ``limit=None`` (CSV), else at
    most ``limit`` — Excel asks for one more than it writes, to know whether to say it stopped.
    """
    if fmt == "csv":
        return csv_response([key for key, _ in columns], fetch(None), filename)
    if fmt == "xlsx":
        return xlsx_response(
            [str(label) for _, label in columns], fetch(xlsx_row_limit() + 1), filename, sheet or filename
        )
    raise ValueError(f"unknown export format {fmt!r}")
