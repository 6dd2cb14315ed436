"""CSV with the portal's field names as headers (``MaHoSo,MaTTHC,TrangThaiHoSo,NgayTiepNhan,…``).

Spreadsheets cannot nest, so list fields (``TaiLieuNop``, ``DanhSachLePhi``, ``QuaTrinhXuLy``…)
hold a JSON array in their cell. Comma or semicolon separated, UTF-8 with or without BOM; empty
cells are absent values. ``index`` is the 0-based data row (the header is not counted).

Lines are split on ``\\n`` in the bytes and decoded one by one (linear in the line's length: the
standard library's ``codecs`` line reader re-splits a growing buffer, quadratic on long lines); a
line longer than the record limit is rejected (``too_large``) unread, and a row the ``csv`` module
refuses (a cell beyond its size limit, a stray quote) is rejected on its own (``invalid``).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator

import orjson

from . import register
from .base import Adapter, UnreadableBody
from .fields import INVALID, TOO_LARGE
from .limits import PREVIEW_CHARS, Oversized, Refused, decode_leniently, needs_screen, read_lines, screened

LIST_FIELDS = frozenset(
    (
        "TaiLieuNop",
        "DanhSachLePhi",
        "DanhSachHoSoBoSung",
        "DanhSachGiayToKetQua",
        "DinhDanhCHS",
        "DSKetNoiCSDL",
        "QuaTrinhXuLy",
        "DanhSachTepDinhKemKhac",
    )
)
BOM = b"\xef\xbb\xbf"
#: The byte-order marks of UTF-16 (little and big endian), what a spreadsheet's "Unicode text" starts with.
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


class _LineRefused(Exception):
    def __init__(self, refused: Refused):
        self.refused = refused


class _Feed:
    """The decoded lines handed to ``csv.reader``, one at a time; a line that cannot be decoded or
    is too long raises :class:`_LineRefused` out of the reader (which starts afresh on the next call).
    ``flagged`` says whether a line of the current row needs :func:`~.limits.screen`."""

    def __init__(self, lines, limits):
        self.lines, self.limits = lines, limits
        self.start_row()

    def start_row(self) -> None:
        self.flagged, self.size, self.texts = False, 0, []

    def __iter__(self):
        return self

    def __next__(self) -> str:
        line = next(self.lines)
        if line.__class__ is Oversized:
            raise _LineRefused(line.refused(self.limits.record_bytes))
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError as exc:
            shown = line[:200].decode("utf-8", "replace")
            raise _LineRefused(
                Refused({"_raw": shown}, (("", INVALID, f"the line is not UTF-8 text ({exc})"),))
            ) from None
        self.size += len(text)
        if self.size <= PREVIEW_CHARS:
            self.texts.append(text)
        if needs_screen(text, 0, len(text), self.limits, raw_nul=True):
            self.flagged = True
        return text


@register
class CsvAdapter(Adapter):
    name = "csv"
    extensions = (".csv",)
    media_types = ("text/csv", "application/csv")
    description = "CSV with the portal's field names as headers; list fields hold a JSON array"

    def parse(self, stream) -> Iterator[tuple[int, object]]:
        limits = self.limits
        lines = read_lines(stream, limits.record_bytes)
        first = next(lines, b"")
        if first.__class__ is Oversized:
            raise UnreadableBody(
                f"the CSV header line is {first.size:,} bytes long; at most "
                f"{limits.record_bytes:,} are accepted"
            )
        if first.startswith(BOM):
            first = first[3:]
        try:
            first = first.decode("utf-8")
        except UnicodeDecodeError as exc:
            if first.startswith(UTF16_BOMS):
                raise UnreadableBody(
                    'the CSV is UTF-16 text (a spreadsheet\'s "Unicode text"): save it as "CSV UTF-8"'
                ) from None
            raise UnreadableBody(f"the CSV is not UTF-8 text ({exc})") from None
        delimiter = ";" if first.count(";") > first.count(",") else ","
        header = [h.strip() for h in next(csv.reader([first], delimiter=delimiter), [])]
        if "MaHoSo" not in header:
            shown = ", ".join(header) or "nothing"
            raise UnreadableBody(
                f"the CSV header must name the portal fields, at least MaHoSo (found: {shown[:500]})"
            )
        # The module-wide cell limit (128 KiB by default) must not refuse what the record limit allows.
        if csv.field_size_limit() < limits.record_bytes:
            csv.field_size_limit(limits.record_bytes)
        feed = _Feed(lines, limits)
        reader = csv.reader(feed, delimiter=delimiter)
        index = -1
        while True:
            index += 1
            feed.start_row()
            try:
                values = next(reader)
            except StopIteration:
                return
            except _LineRefused as exc:
                yield index, exc.refused
                continue
            except csv.Error as exc:
                reason = TOO_LARGE if "field larger" in str(exc) else INVALID
                yield (
                    index,
                    Refused(
                        {"_raw": "".join(feed.texts)[:PREVIEW_CHARS]},
                        (("", reason, f"not a valid CSV row: {exc}"),),
                    ),
                )
                continue
            if not any(v.strip() for v in values):
                continue
            raw = {}
            for name, value in zip(header, values, strict=False):
                value = value.strip()
                if not value or not name:
                    continue
                if name in LIST_FIELDS and value.startswith("["):
                    value = _list_cell(value)
                raw[name] = value
            if feed.size > limits.record_bytes:
                yield (
                    index,
                    Refused(
                        raw,
                        (
                            (
                                "",
                                TOO_LARGE,
                                f"the record is {feed.size:,} characters long; at most "
                                f"{limits.record_bytes:,} are accepted",
                            ),
                        ),
                        raw.get("MaHoSo", ""),
                    ),
                )
                continue
            yield index, screened(raw, limits) if feed.flagged else raw


def _list_cell(value: str):
    try:
        return orjson.loads(value)
    except orjson.JSONDecodeError:
        try:
            return decode_leniently(value)  # a lone surrogate escape, a huge number: screened later
        except (ValueError, RecursionError):
            return value  # kept as text: validation reports "must be a list"
