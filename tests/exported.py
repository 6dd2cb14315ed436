"""Reading a CSV or Excel export in tests: by header, never by position."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

#: The gap exports' machine keys (``?headers=codes``), as the API list names the fields; a coded
#: value's words are under ``<key>_label`` beside it.
GAP_KEYS = (
    "period",
    "province",
    "source",
    "kind",
    "dossier_code",
    "procedure_code",
    "agency_code",
    "source_value",
    "portal_value",
    "detail",
    "filing_place",
)


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def csv_table(response) -> tuple[list[str], list[list[str]]]:
    """The header and the rows of a CSV export (the BOM checked and dropped)."""
    text = body(response).decode("utf-8")
    assert text.startswith("\ufeff")
    header, *rows = list(csv.reader(io.StringIO(text[1:])))
    return header, rows


def xlsx_table(response, skip: int = 0) -> tuple[list[str], list[list[str]]]:
    """The header and the rows of an Excel export (``skip`` rows before the header), cells as text."""
    sheet = load_workbook(io.BytesIO(body(response)), read_only=True).active
    values = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    header, *rows = values[skip:]
    return header, [row + [""] * (len(header) - len(row)) for row in rows]


def records(header: list[str], rows: list[list[str]], keys=GAP_KEYS) -> list[tuple[str, ...]]:
    """The ``keys`` columns of each row, read by header (``?headers=codes``)."""
    at = [header.index(k) for k in keys]
    return [tuple(row[i] for i in at) for row in rows]
