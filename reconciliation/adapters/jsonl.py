"""JSON Lines: one ``HoSo`` (or one progress step) per line, the format for bulk files.

A line that is not valid JSON is rejected on its own (kept verbatim for correction) rather than
failing the whole file; blank lines are skipped but still count, so ``index`` is the 0-based line
number and points at the line in the file.
"""
from __future__ import annotations

from collections.abc import Iterator

import orjson

from . import register
from .base import Adapter, Malformed


@register
class JsonLinesAdapter(Adapter):
    name = "jsonl"
    extensions = (".jsonl", ".ndjson")
    media_types = ("application/x-ndjson", "application/jsonl", "application/x-jsonlines", "application/jsonlines")
    description = "JSON Lines: one HoSo object (portal field names) per line"

    def parse(self, stream) -> Iterator[tuple[int, object]]:
        loads = orjson.loads
        for index, line in enumerate(stream):
            if index == 0 and line.startswith(b"\xef\xbb\xbf"):
                line = line[3:]
            if not line.strip():
                continue
            try:
                yield index, loads(line)
            except orjson.JSONDecodeError as exc:
                text = line.decode("utf-8", "replace").rstrip("\r\n")
                yield index, Malformed(text, f"not valid JSON: {exc}")
