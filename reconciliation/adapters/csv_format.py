"""CSV with the portal's field names as headers (``MaHoSo,MaTTHC,TrangThaiHoSo,NgayTiepNhan,…``).

Spreadsheets cannot nest, so list fields (``TaiLieuNop``, ``DanhSachLePhi``, ``QuaTrinhXuLy``…)
hold a JSON array in their cell. Comma or semicolon separated, UTF-8 with or without BOM; empty
cells are absent values. ``index`` is the 0-based data row (the header is not counted).
"""
from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator

import orjson

from . import register
from .base import Adapter, UnreadableBody

LIST_FIELDS = frozenset((
    "TaiLieuNop", "DanhSachLePhi", "DanhSachHoSoBoSung", "DanhSachGiayToKetQua", "DinhDanhCHS", "DSKetNoiCSDL",
    "QuaTrinhXuLy", "DanhSachTepDinhKemKhac",
))


@register
class CsvAdapter(Adapter):
    name = "csv"
    extensions = (".csv",)
    media_types = ("text/csv", "application/csv")
    description = "CSV with the portal's field names as headers; list fields hold a JSON array"

    def parse(self, stream) -> Iterator[tuple[int, object]]:
        text = codecs.getreader("utf-8-sig")(stream, errors="strict")
        try:
            first = text.readline()
        except UnicodeDecodeError as exc:
            raise UnreadableBody(f"the CSV is not UTF-8 text ({exc})") from None
        delimiter = ";" if first.count(";") > first.count(",") else ","
        header = [h.strip() for h in next(csv.reader([first], delimiter=delimiter), [])]
        if "MaHoSo" not in header:
            raise UnreadableBody("the CSV header must name the portal fields, at least MaHoSo "
                                 f"(found: {', '.join(header) or 'nothing'})")
        reader = csv.reader(_lines(text), delimiter=delimiter)
        for index, values in enumerate(reader):
            if not any(v.strip() for v in values):
                continue
            raw = {}
            for name, value in zip(header, values, strict=False):
                value = value.strip()
                if not value or not name:
                    continue
                if name in LIST_FIELDS and value.startswith("["):
                    try:
                        value = orjson.loads(value)
                    except orjson.JSONDecodeError:
                        pass  # kept as text: validation reports "must be a list"
                raw[name] = value
            yield index, raw


def _lines(text) -> Iterator[str]:
    try:
        yield from text
    except UnicodeDecodeError as exc:
        raise UnreadableBody(f"the CSV is not UTF-8 text ({exc})") from None
