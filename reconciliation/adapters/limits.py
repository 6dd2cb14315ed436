"""Bounded, isolated reading of records: sizes, depth, text that storage cannot hold.

Every adapter reads records through these helpers so that no single record — however large, deep
or strange — can stop a batch or take more than linear time:

* a record longer than ``INGEST_MAX_RECORD_BYTES`` is refused (``too_large``) without being decoded;
  a JSON Lines or CSV line is read in bounded pieces, never held whole (:func:`read_lines`);
* a text value longer than ``INGEST_MAX_FIELD_CHARS``, a record nested deeper than
  ``INGEST_MAX_DEPTH``, and text with a NUL character or a lone UTF-16 surrogate (neither can be
  stored by PostgreSQL nor encoded as UTF-8) are refused by :func:`screen`, naming the field
  (``too_large``, ``bad_text``). Such text is **rejected, not stripped**: silently changing what a
  source reported would hide its defect, and the raw record stays available for correction;
* :func:`screen` walks a record only when a cheap scan of its raw text says it might be needed
  (:func:`needs_screen`: long, deep, or carrying a ``\\u0000``/``\\uD8xx`` escape), so ordinary
  records pay a few substring searches, not a walk;
* what is kept of a rejected record (:func:`safe_payload`) can always be stored and read back:
  integers beyond ±2^53 and every other number are kept as their text, unstorable characters are
  replaced, long text is cut, deep nesting is elided.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass

from .fields import BAD_TEXT, INVALID, TOO_LARGE, safe_text

#: Characters of a refused line kept for the integrator to recognise it.
PREVIEW_CHARS = 2_000
#: At most this many problems are reported for one record.
MAX_PROBLEMS = 20
_SAFE_INTEGER = 1 << 53
_SURROGATE = re.compile("[\ud800-\udfff]")
#: JSON escapes of a NUL or of a UTF-16 surrogate (a pair is fine, the walk tells a lone one).
_STR_ESCAPES = re.compile(r"\\u(?:0000|[dD][89a-fA-F])")
_BYTES_ESCAPES = re.compile(rb"\\u(?:0000|[dD][89a-fA-F])")


@dataclass(frozen=True, slots=True)
class Limits:
    record_bytes: int
    field_chars: int
    depth: int

    @classmethod
    def from_settings(cls) -> Limits:
        from django.conf import settings

        return cls(
            settings.INGEST_MAX_RECORD_BYTES, settings.INGEST_MAX_FIELD_CHARS, settings.INGEST_MAX_DEPTH
        )


@dataclass(frozen=True, slots=True)
class Refused:
    """A record refused before validation (undecodable, too large, unstorable text…).

    ``payload`` is what is kept for correction and replay; ``problems`` are ``(field, reason,
    message)`` triples; ``code`` the record's MaHoSo when it could be read.
    """

    payload: object
    problems: tuple
    code: str = ""
    #: The record's size in bytes when it was refused for being larger than the record limit (else 0):
    #: the sync API answers such a request 413 as a whole, a file import rejects the record alone.
    oversized: int = 0

    def errors(self, index: int) -> list[dict]:
        code = safe_text(self.code)[:200]
        return [
            {"index": index, "MaHoSo": code, "field": field, "error": message, "reason": reason}
            for field, reason, message in self.problems
        ]


def malformed(text: str, message: str) -> Refused:
    """A record the parser could not decode, kept verbatim (``{"_raw": text}``) for correction."""
    return Refused({"_raw": text}, (("", INVALID, message),))


@dataclass(frozen=True, slots=True)
class Oversized:
    """A line longer than the record limit: its first bytes and its length (the rest was skipped)."""

    head: bytes
    size: int

    def refused(self, limit: int) -> Refused:
        text = self.head.decode("utf-8", "replace")
        return too_large(text, self.size, limit)


def too_large(text: str, size: int, limit: int) -> Refused:
    return Refused(
        {"_raw": text[:PREVIEW_CHARS], "_truncated": size},
        (("", TOO_LARGE, f"the record is {size:,} bytes long; at most {limit:,} are accepted"),),
        _code_in(text),
        size,
    )


def nested_too_deep(text: str, limits: Limits) -> Refused:
    return Refused(
        {"_raw": text[:PREVIEW_CHARS], "_truncated": len(text)},
        (("", TOO_LARGE, f"the record is nested more than {limits.depth} levels deep"),),
        _code_in(text),
    )


_CODE = re.compile(r'"MaHoSo"\s*:\s*"([^"\\]{1,64})"')


def _code_in(text: str) -> str:
    """The MaHoSo of a record known only by its first characters (a JSON one), if visible."""
    found = _CODE.search(text, 0, PREVIEW_CHARS)
    return found.group(1) if found else ""


def read_lines(stream, limit: int) -> Iterator[bytes | Oversized]:
    """The stream's lines (``\\n`` kept), in linear time; a line longer than ``limit`` bytes is
    yielded as :class:`Oversized` after skipping the rest of it in bounded pieces."""
    readline = stream.readline
    piece = max(limit, 1 << 16)
    while True:
        line = readline(limit + 1)
        if not line:
            return
        if len(line) <= limit or line.endswith(b"\n"):
            yield line
            continue
        head, size = line[:PREVIEW_CHARS], len(line)
        while True:
            more = readline(piece)
            if not more:
                break
            size += len(more)
            if more.endswith(b"\n"):
                break
        yield Oversized(head, size)


def needs_screen(
    text, start: int, end: int, limits: Limits, surrogates: bool = True, raw_nul: bool = False
) -> bool:
    """Whether the raw text ``text[start:end]`` of one record (``str`` or ``bytes``) could hold a
    value :func:`screen` refuses: so long that one value may exceed the field limit, so many
    brackets that it may be too deep, a NUL escape, a surrogate escape (``surrogates``: a decoder
    that lets lone ones through — orjson refuses them itself) or a NUL character itself
    (``raw_nul``: CSV allows one, JSON does not). A few C-speed scans: ordinary records skip the walk."""
    if end - start > limits.field_chars:
        return True
    if text.__class__ is bytes:
        backslash, nul_escape, escapes, brackets, nul = (
            b"\\",
            b"\\u0000",
            _BYTES_ESCAPES,
            (b"{", b"["),
            b"\x00",
        )
    else:
        backslash, nul_escape, escapes, brackets, nul = "\\", "\\u0000", _STR_ESCAPES, ("{", "["), "\x00"
    if text.find(backslash, start, end) >= 0:  # one byte, memchr: most records have no escape at all
        if escapes.search(text, start, end) if surrogates else text.find(nul_escape, start, end) >= 0:
            return True
    if raw_nul and text.find(nul, start, end) >= 0:
        return True
    return text.count(brackets[0], start, end) + text.count(brackets[1], start, end) >= limits.depth


def text_problem(value: str) -> str | None:
    """Why ``value`` cannot be stored as text, or ``None``."""
    if "\x00" in value:
        return "contains a NUL character (\\u0000), which text cannot hold"
    if not value.isascii():
        found = _SURROGATE.search(value)
        if found:
            return f"contains a lone surrogate (\\u{ord(found.group()):04x}), which is not valid Unicode text"
    return None


def screen(raw, limits: Limits) -> list[tuple[str, str, str]]:
    """Walk a decoded record (iteratively: depth cannot exhaust the stack) and list its
    ``(field, reason, message)`` problems: text too long, nesting too deep, unstorable text in a
    value or a key. Fields are named by path (``QuaTrinhXuLy[2].NoiDungXuLy``)."""
    problems: list[tuple[str, str, str]] = []
    stack = [(raw, "", 0)]
    while stack and len(problems) < MAX_PROBLEMS:
        value, path, depth = stack.pop()
        cls = value.__class__
        if cls is str:
            if len(value) > limits.field_chars:
                problems.append(
                    (
                        path,
                        TOO_LARGE,
                        f"is {len(value):,} characters long; at most {limits.field_chars:,} are accepted",
                    )
                )
            else:
                why = text_problem(value)
                if why:
                    problems.append((path, BAD_TEXT, why))
        elif cls is dict or cls is list:
            if depth >= limits.depth:
                problems.append((path, TOO_LARGE, f"is nested more than {limits.depth} levels deep"))
                continue
            if cls is dict:
                items = []
                for key, item in value.items():
                    name = f"{path}.{key}" if path else str(key)
                    why = text_problem(key) if key.__class__ is str else None
                    if why:
                        problems.append((safe_text(name), BAD_TEXT, f"field name {why}"))
                    items.append((item, name, depth + 1))
            else:
                items = [(item, f"{path}[{i}]", depth + 1) for i, item in enumerate(value)]
            stack.extend(reversed(items))
    return [(safe_text(field)[:200], reason, message) for field, reason, message in problems]


def screened(raw, limits: Limits):
    """``raw`` itself, or a :class:`Refused` when :func:`screen` finds problems."""
    problems = screen(raw, limits)
    if not problems:
        return raw
    code = raw.get("MaHoSo") if raw.__class__ is dict else None
    return Refused(raw, tuple(problems), code if code.__class__ is str else "")


def _int(text: str):
    """JSON integers: beyond 18 digits (and beyond Python's int-conversion limit) kept as text."""
    return int(text) if len(text) <= 18 else text


def _float(text: str):
    value = float(text)
    return value if math.isfinite(value) else text


#: The standard library's decoder, for what orjson refuses although it is JSON (lone surrogate
#: escapes, integers of any size) and for the envelope: huge numbers and NaN/Infinity read as text.
DECODER = json.JSONDecoder(parse_int=_int, parse_float=_float, parse_constant=str)


def decode_leniently(text: str):
    """Decode one JSON value with :data:`DECODER`; ``ValueError`` if it is not JSON, ``RecursionError``
    if it is nested beyond what the decoder can read."""
    return DECODER.decode(text)


def safe_payload(value, limits: Limits, depth: int = 0):
    """``value`` as it can be stored in a JSON column and read back by any JSON library: numbers
    other than integers within ±2^53 as their text, NUL and lone surrogates replaced (U+FFFD), text
    cut at the field limit, nesting elided beyond the depth limit."""
    cls = value.__class__
    if cls is str:
        if len(value) > limits.field_chars:
            value = value[: limits.field_chars] + f"…[cut: {len(value):,} characters]"
        return safe_text(value)
    if cls is dict or cls is list:
        if depth >= limits.depth:
            return f"[nested more than {limits.depth} levels deep: not kept]"
        if cls is list:
            return [safe_payload(item, limits, depth + 1) for item in value]
        return {safe_text(str(k)): safe_payload(v, limits, depth + 1) for k, v in value.items()}
    if cls is bool or value is None:
        return value
    if cls is int and -_SAFE_INTEGER <= value <= _SAFE_INTEGER:
        return value
    if isinstance(value, (int, float)):
        return _number_text(value)
    return safe_text(str(value))


def storable_payload(value, limits: Limits) -> dict:
    """What a reject keeps: :func:`safe_payload` of the record, and a record that is not an object
    (``null``, an array, text — a JSON column cannot tell SQL NULL from JSON ``null``) as its JSON
    text ``{"_raw": …}``, which a replay decodes again."""
    value = safe_payload(value, limits)
    if value.__class__ is dict:
        return value
    return {"_raw": json.dumps(value, ensure_ascii=False)}


def _number_text(value) -> str:
    if isinstance(value, int):
        try:
            return str(value)
        except ValueError:  # beyond Python's int-to-text limit
            return f"[an integer of about {value.bit_length() * 0.30103:.0f} digits]"
    return repr(value)
