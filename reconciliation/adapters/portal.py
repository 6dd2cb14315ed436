"""The national portal's own envelope: ``{"service": "DongBoHoSoMC", "isUpdating": …, "data": [HoSo…]}``.

``CapNhatTienDoHoSoMC`` carries progress steps (``QuaTrinhXuLy``: ``MaHoSo``, ``ThoiDiemXuLy``,
``TrangThai``, ``NguoiXuLy``…) in the same envelope. The ``data`` array is decoded one element at a
time from a sliding buffer, so an envelope file of any size is read in bounded memory; the other
keys (``service``, ``isUpdating``) may come before or after ``data``, and keys the platform does
not use (OpenCPS sends ``session``, ``madonvi``…) are read and ignored.

Reading is linear in the input: a record cut by the read boundary is retried after reading as much
again (not a fixed step, which made a long record quadratic), and blanks are skipped by a regular
expression. Each record is checked like a JSON line (:mod:`.limits`): beyond the record limit it is
rejected (``too_large``) once decoded; nesting too deep for the decoder at all (e.g. 100,000 levels)
makes the envelope unreadable (HTTP 400). Integers beyond 18 digits, numbers beyond a double and
``NaN``/``Infinity`` are read as text.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator

from . import register
from .base import DOSSIER_SERVICE, PROGRESS_SERVICE, Adapter, UnreadableBody
from .limits import DECODER, needs_screen, screened, too_large
from .values import yes_no

SERVICES = (DOSSIER_SERVICE, PROGRESS_SERVICE)
READ_SIZE = 1 << 20
#: The longest single value (record) the buffer grows to before the envelope is unreadable.
MAX_ELEMENT = 64 << 20
_NOT_BLANK = re.compile(r"[^ \t\r\n]")


class _Buffer:
    """Text read incrementally from a binary stream, with a cursor and JSON decoding at the cursor."""

    def __init__(self, stream):
        self.stream = stream
        self.decoder = codecs.getincrementaldecoder("utf-8-sig")()
        self.text = ""
        self.pos = 0
        self.eof = False
        self._decode = DECODER.raw_decode

    def more(self, size: int = READ_SIZE) -> bool:
        if self.eof:
            return False
        chunk = self.stream.read(size)
        try:
            decoded = self.decoder.decode(chunk or b"", final=not chunk)
        except UnicodeDecodeError as exc:
            raise UnreadableBody(f"the body is not UTF-8 text ({exc})") from None
        if not chunk:
            self.eof = True
        self.text = self.text[self.pos :] + decoded
        self.pos = 0
        return True

    def peek(self) -> str:
        """The next non-blank character ('' at the end), skipping blanks."""
        while True:
            found = _NOT_BLANK.search(self.text, self.pos)
            if found:
                self.pos = found.start()
                return self.text[self.pos]
            self.pos = len(self.text)
            if not self.more():
                return ""

    def expect(self, char: str) -> None:
        found = self.peek()
        if found != char:
            raise UnreadableBody(
                f"malformed envelope: expected {char!r} at character {self.pos}, found {found!r}"
            )
        self.pos += 1

    def value(self):
        return self.span()[0]

    def span(self) -> tuple[object, int, int]:
        """The next JSON value and where its text starts and ends in ``self.text``."""
        self.peek()
        while True:
            start = self.pos
            try:
                value, end = self._decode(self.text, start)
            except ValueError as exc:  # JSONDecodeError, or int() refusing a number's text
                if self.eof or len(self.text) - start > MAX_ELEMENT:
                    if len(self.text) - start > MAX_ELEMENT:
                        raise UnreadableBody(
                            f"a record is longer than {MAX_ELEMENT >> 20} MB (from character "
                            f"{start}): split it or send JSON Lines"
                        ) from None
                    where = f" (character {exc.pos})" if hasattr(exc, "pos") else ""
                    raise UnreadableBody(f"malformed JSON: {getattr(exc, 'msg', exc)}{where}") from None
                self._grow()
                continue
            except RecursionError:
                raise UnreadableBody(
                    f"malformed envelope: the value at character {start} is nested too deeply "
                    "to be read (records may nest a few levels only)"
                ) from None
            # A number or literal cut by the read boundary decodes "successfully": read on and retry.
            if end == len(self.text) and not self.eof:
                self._grow()
                continue
            self.pos = end
            return value, start, end

    def _grow(self) -> None:
        """Read as much again as the pending value holds so far: each retry doubles, so a long value
        costs linear time, not one retry per megabyte."""
        start = self.pos
        self.more(max(READ_SIZE, len(self.text) - start))


@register
class PortalEnvelopeAdapter(Adapter):
    name = "portal"
    extensions = (".json",)
    media_types = ("application/json", "text/json")
    description = "The portal's envelope JSON (DongBoHoSoMC dossiers or CapNhatTienDoHoSoMC progress steps)"

    def parse(self, stream) -> Iterator[tuple[int, object]]:
        buf = _Buffer(stream)
        if buf.peek() != "{":
            raise UnreadableBody('the body must be a JSON object {"service": …, "data": […]}')
        buf.expect("{")
        seen_data = False
        while True:
            if buf.peek() == "}":
                buf.pos += 1
                break
            key = buf.value()
            if not isinstance(key, str):
                raise UnreadableBody("malformed envelope: object keys must be strings")
            buf.expect(":")
            if key == "data":
                seen_data = True
                yield from self._elements(buf)
            else:
                value = buf.value()
                if key == "service":
                    self._set_service(value)
                elif key == "isUpdating":
                    self.is_updating = bool(yes_no(value))
            if buf.peek() == ",":
                buf.pos += 1
        if buf.peek() != "":
            raise UnreadableBody("unexpected content after the envelope")
        if not seen_data:
            raise UnreadableBody('the envelope has no "data" array')

    def _set_service(self, value) -> None:
        if value not in SERVICES:
            raise UnreadableBody(f"unknown service {value!r}; expected {' or '.join(SERVICES)}")
        self.service = value

    def _elements(self, buf: _Buffer) -> Iterator[tuple[int, object]]:
        if buf.peek() != "[":
            raise UnreadableBody('"data" must be an array of records')
        buf.pos += 1
        index = 0
        if buf.peek() == "]":
            buf.pos += 1
            return
        limits = self.limits
        while True:
            raw, start, end = buf.span()
            text = buf.text
            if end - start > limits.record_bytes // 4:  # a UTF-8 character is at most 4 bytes
                size = len(text[start:end].encode("utf-8", "surrogatepass"))
                if size > limits.record_bytes:
                    raw = too_large(text[start : start + 4096], size, limits.record_bytes)
            if raw.__class__ is dict and needs_screen(text, start, end, limits):
                raw = screened(raw, limits)
            yield index, raw
            index += 1
            char = buf.peek()
            buf.pos += 1
            if char == "]":
                return
            if char != ",":
                raise UnreadableBody(f'malformed "data" array after record {index - 1}')
