"""JSON Lines: one ``HoSo`` (or one progress step) per line, the format for bulk files.

A line that is not valid JSON is rejected on its own (kept verbatim for correction) rather than
failing the whole file; blank lines are skipped but still count, so ``index`` is the 0-based line
number and points at the line in the file. Lines are read in bounded pieces: one longer than the
record limit is rejected (``too_large``) without being held or decoded (:mod:`.limits`).
"""

from __future__ import annotations

from collections.abc import Iterator

import orjson

from . import register
from .base import Adapter
from .limits import (
    Limits,
    Oversized,
    decode_leniently,
    malformed,
    needs_screen,
    nested_too_deep,
    read_lines,
    screened,
)

BOM = b"\xef\xbb\xbf"


@register
class JsonLinesAdapter(Adapter):
    name = "jsonl"
    extensions = (".jsonl", ".ndjson")
    media_types = (
        "application/x-ndjson",
        "application/jsonl",
        "application/x-jsonlines",
        "application/jsonlines",
    )
    description = "JSON Lines: one HoSo object (portal field names) per line"

    def parse(self, stream) -> Iterator[tuple[int, object]]:
        decode = self.decode
        for index, frame in self.frames(stream):
            yield index, decode(index, frame)

    def frames(self, stream) -> Iterator[tuple[int, object]]:
        """Each non-blank line's bytes (the BOM cut), or the refusal of a line over the limit."""
        limits = self.limits
        for index, line in enumerate(read_lines(stream, limits.record_bytes)):
            if line.__class__ is Oversized:
                yield index, line.refused(limits.record_bytes)
                continue
            if index == 0 and line.startswith(BOM):
                line = line[3:]
            if not line.strip():
                continue
            yield index, line

    def decode(self, index: int, frame) -> object:
        if frame.__class__ is not bytes:  # a refusal made while framing
            return frame
        limits = self.limits
        try:
            raw = orjson.loads(frame)
        except orjson.JSONDecodeError as exc:
            return _lenient(frame, exc, limits)
        if needs_screen(frame, 0, len(frame), limits, surrogates=False):
            raw = screened(raw, limits)
        return raw


def _lenient(line: bytes, exc: orjson.JSONDecodeError, limits: Limits):
    """orjson refuses some valid JSON (a lone surrogate escape, a number beyond a double): decode
    those with the standard library and check them whole; what neither reads is not JSON."""
    text = line.decode("utf-8", "replace").rstrip("\r\n")
    try:
        return screened(decode_leniently(line.decode("utf-8")), limits)
    except RecursionError:
        return nested_too_deep(text, limits)
    except ValueError:
        return malformed(text, f"not valid JSON: {exc}")
