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

**Columns** (:class:`Column`): a machine key, a translatable header and, for a coded value (a gap
kind, a status, a channel, a filing place, a system, an agency…), how to put it in words. A coded
column is written as *two* columns: its label first, under the header ("Loại sai lệch"), then the
code, under a header that says it is the code and names the key ("Mã loại sai lệch (kind)"), so
people read words and other systems still read codes. Headers are in the request's language
(Vietnamese by default). ``headers="codes"`` (``?headers=codes`` on every export) heads the very
same columns with the machine keys instead (``kind_label``, ``kind``), a header row that never
changes with the language or the wording — for programs.
"""

from __future__ import annotations

import csv
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import IO, TYPE_CHECKING, Any, TypeVar, overload
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import FileResponse, StreamingHttpResponse
from django.utils.functional import Promise
from django.utils.http import content_disposition_header
from django.utils.translation import gettext, gettext_noop

if TYPE_CHECKING:
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("csv", "xlsx")
#: Header rows: ``labels`` (words in the request's language, the default) or ``codes`` (machine keys).
HEADER_MODES = ("labels", "codes")
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
    """A value that is not plain text: aware times as local wall-clock times to the second (Excel
    stores no offset; every time of a file written alike), lazy translations as neutralised text,
    anything else unchanged."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(_local_zone()).replace(tzinfo=None, microsecond=0)
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


# --- Columns: headers in words, codes beside their labels -------------------------------------------
def _text(value: object) -> str:
    """A header given lazily (``gettext_lazy``) or as a marked msgid (``gettext_noop``), translated."""
    return gettext(str(value))


def _lower_first(text: str) -> str:
    """The header inside a sentence: "Loại sai lệch" → "loại sai lệch" ("TTHC" stays as it is)."""
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def yes_no(value: object) -> str:
    """A boolean in words ('' when unknown)."""
    if value is None or value == "":
        return ""
    return gettext("Yes") if value else gettext("No")


@dataclass(frozen=True)
class Column:
    """One exported value.

    * plain (no ``label``, not ``named``): one column, the value as it is;
    * ``label``: a function of the stored value giving its words — written as the label column,
      then the code column (``code(value)`` when given, else the value itself);
    * ``named``: the row carries *two* values for this column, the code then its name (a system's,
      an agency's, from the database) — written as the name, then the code.

    ``code_header`` replaces the generic "Mã <header> (key)" when the second column is not quite a
    code (a value as stored, say).
    """

    key: str
    header: Any
    label: Callable[[Any], Any] | None = None
    code: Callable[[Any], Any] | None = None
    named: bool = False
    code_header: Any = None

    @property
    def coded(self) -> bool:
        return self.label is not None or self.named

    def headers(self, mode: str = "labels") -> list[str]:
        if mode == "codes":
            return [f"{self.key}_label", self.key] if self.coded else [self.key]
        header = _text(self.header)
        if not self.coded:
            return [header]
        if self.code_header is not None:
            code = _text(self.code_header) % {"header": header, "key": self.key}
        else:
            code = gettext("Code of %(header)s (%(key)s)") % {"header": _lower_first(header), "key": self.key}
        return [header, code]


gettext_noop("Code of %(header)s (%(key)s)")


def choice_label(choices: Any) -> Callable[[Any], str]:
    """A label function for a Django ``choices`` enum: the member's label, the value itself when it
    is not a member (a code the enum does not know yet is still written)."""

    def label(value: Any) -> str:
        try:
            return str(choices(value).label)
        except ValueError:
            return str(value)

    return label


def _true_false(value: object) -> str:
    return "true" if value else "false"


def boolean(key: str, header: Any) -> Column:
    """A yes/no column: "Có"/"Không", then ``true``/``false`` for programs."""
    return Column(
        key,
        header,
        label=yes_no,
        code=_true_false,
        code_header=gettext_noop("%(header)s, as true/false (%(key)s)"),
    )


def as_columns(columns: Sequence[Column | tuple[str, Any]]) -> list[Column]:
    """``Column``s, a ``(key, header)`` pair standing for a plain column."""
    return [c if isinstance(c, Column) else Column(c[0], c[1]) for c in columns]


def header_row(columns: Sequence[Column], mode: str = "labels") -> list[str]:
    if mode not in HEADER_MODES:
        raise ValueError(f"unknown header mode {mode!r}")
    return [h for column in columns for h in column.headers(mode)]


#: Labels remembered per column during one export (codes repeat: a gap kind, a status); bounded,
#: so a column of mostly distinct values (a detail with timestamps) cannot grow memory.
LABEL_MEMO_SIZE = 4096


def _labeller(column: Column) -> Callable[[Any], Any]:
    """``column``'s label function with '' for a missing value, remembering up to
    ``LABEL_MEMO_SIZE`` labels (the language is fixed for the length of one export)."""
    label = column.label
    memo: dict[Any, Any] = {}

    def words(value: Any) -> Any:
        if value is None or value == "":
            return ""
        try:
            return memo[value]
        except (KeyError, TypeError):
            pass
        text = label(value) if label is not None else value
        text = "" if text is None else str(text) if isinstance(text, Promise) else text
        if len(memo) < LABEL_MEMO_SIZE:
            try:
                memo[value] = text
            except TypeError:  # an unhashable value: not remembered
                pass
        return text

    return words


def _coder(column: Column) -> Callable[[Any], Any]:
    code = column.code
    if code is None:
        return lambda value: value
    return lambda value: None if value is None else code(value)


def expand(columns: Sequence[Column], rows: Iterable[Sequence]) -> Iterator[Sequence]:
    """The rows as written: each coded value as its label and its code (streamed, row by row)."""
    if not any(c.coded for c in columns):
        yield from rows
        return
    plan = [
        (c.named, _labeller(c) if c.label is not None else None, _coder(c) if c.label is not None else None)
        for c in columns
    ]
    for row in rows:
        values = iter(row)
        out: list[Any] = []
        append = out.append
        for named, words, code in plan:
            value = next(values)
            if named:
                name = next(values)
                append("" if name is None else name)
                append(value)
            elif words is not None and code is not None:
                append(words(value))
                append(code(value))
            else:
                append(value)
        yield out


def header_mode(params: Any) -> str:
    """The ``headers`` query parameter (``labels``, the default, or ``codes``); anything else is a
    400 naming it."""
    from . import params as query

    value = query.text(params, "headers", "labels")
    if value not in HEADER_MODES:
        raise query.InvalidParameter(
            "headers", gettext("Expected one of: %(values)s.") % {"values": ", ".join(HEADER_MODES)}
        )
    return value


def export_format(params: Any, name: str = "export") -> str | None:
    """The ``export`` query parameter: ``None`` (no export asked), ``csv`` or ``xlsx``; anything else
    is a 400 naming it."""
    from . import params as query

    value = query.text(params, name)
    if value is not None and value not in FORMATS:
        raise query.InvalidParameter(
            name, gettext("Expected one of: %(values)s.") % {"values": ", ".join(FORMATS)}
        )
    return value


#: The ``headers`` parameter as documented in the OpenAPI schema (the exporting endpoints).
HEADERS_PARAMETER_DESCRIPTION = (
    "Export header row: `labels` (default) — column headers in the request's language (Vietnamese "
    "unless `Accept-Language: en`), each coded value as its label followed by a column with its "
    "code, headed 'Mã … (key)'; `codes` — the same columns headed by stable machine keys "
    "(`kind_label`, `kind`, …), for programs."
)


def headers_parameter() -> Any:
    """The OpenAPI parameter ``headers`` of every exporting endpoint."""
    from drf_spectacular.utils import OpenApiParameter

    return OpenApiParameter(
        "headers", str, enum=list(HEADER_MODES), description=HEADERS_PARAMETER_DESCRIPTION
    )


def export_responses(page: Any) -> dict:
    """An exporting list's OpenAPI responses: ``page`` as JSON, or a CSV or Excel file."""
    from drf_spectacular.types import OpenApiTypes
    from drf_spectacular.utils import OpenApiResponse

    return {
        200: page,
        (200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY, description="CSV export"),
        (200, XLSX_TYPE): OpenApiResponse(OpenApiTypes.BINARY, description="Excel export"),
    }


def export_response(
    fmt: str,
    columns: Sequence[Column | tuple[str, Any]],
    fetch: Callable[[int | None], Iterable[Sequence]],
    filename: str,
    sheet: str = "",
    headers: str = "labels",
) -> StreamingHttpResponse | FileResponse:
    """A ``csv`` or ``xlsx`` download; ``filename`` without extension.

    ``columns`` are :class:`Column`s (or ``(key, header)`` pairs for plain ones); both formats are
    headed by the headers in words (``headers="codes"``: by the machine keys), every coded value
    written as its label and its code. ``fetch(limit)`` returns the rows (one value per column, two
    for a ``named`` one), all of them for ``limit=None`` (CSV), else at most ``limit`` — Excel asks
    for one more than it writes, to know whether to say it stopped.
    """
    specs = as_columns(columns)
    head = header_row(specs, headers)
    if fmt == "csv":
        return csv_response(head, expand(specs, fetch(None)), filename)
    if fmt == "xlsx":
        return xlsx_response(head, expand(specs, fetch(xlsx_row_limit() + 1)), filename, sheet or filename)
    raise ValueError(f"unknown export format {fmt!r}")
