"""The national portal's own envelope: ``{"service": "DongBoHoSoMC", "isUpdating": …, "data": [HoSo…]}``.

``CapNhatTienDoHoSoMC`` carries progress steps (``QuaTrinhXuLy``: ``MaHoSo``, ``ThoiDiemXuLy``,
``TrangThai``, ``NguoiXuLy``…) in the same envelope. The ``data`` array is decoded one element at a
time from a sliding buffer, so an envelope file of any size is read in bounded memory; the other
keys (``service``, ``isUpdating``) may come before or after ``data``.
"""
from __future__ import annotations

import codecs
import json
from collections.abc import Iterator

from . import register
from .base import DOSSIER_SERVICE, PROGRESS_SERVICE, Adapter, UnreadableBody

SERVICES = (DOSSIER_SERVICE, PROGRESS_SERVICE)
READ_SIZE = 1 << 20
MAX_ELEMENT = 64 << 20
_WS = " \t\r\n"


class _Buffer:
    """Text read incrementally from a binary stream, with a cursor and JSON decoding at the cursor."""

    def __init__(self, stream):
        self.stream = stream
        self.decoder = codecs.getincrementaldecoder("utf-8-sig")()
        self.text = ""
        self.pos = 0
        self.eof = False
        self._json = json.JSONDecoder()

    def more(self) -> bool:
        if self.eof:
            return False
        chunk = self.stream.read(READ_SIZE)
        try:
            decoded = self.decoder.decode(chunk or b"", final=not chunk)
        except UnicodeDecodeError as exc:
            raise UnreadableBody(f"the body is not UTF-8 text ({exc})") from None
        if not chunk:
            self.eof = True
        self.text = self.text[self.pos:] + decoded
        self.pos = 0
        return True

    def peek(self) -> str:
        """The next non-blank character ('' at the end), skipping blanks."""
        while True:
            while self.pos < len(self.text) and self.text[self.pos] in _WS:
                self.pos += 1
            if self.pos < len(self.text):
                return self.text[self.pos]
            if not self.more():
                return ""

    def expect(self, char: str) -> None:
        found = self.peek()
        if found != char:
            raise UnreadableBody(f"malformed envelope: expected {char!r} at character {self.pos}, found {found!r}")
        self.pos += 1

    def value(self):
        self.peek()
        while True:
            try:
                value, end = self._json.raw_decode(self.text, self.pos)
            except json.JSONDecodeError as exc:
                if self.eof or len(self.text) - self.pos > MAX_ELEMENT:
                    raise UnreadableBody(f"malformed JSON: {exc.msg} (character {exc.pos})") from None
                self.more()
                continue
            # A number or literal cut by the read boundary decodes "successfully": read on and retry.
            if end == len(self.text) and not self.eof:
                self.more()
                continue
            self.pos = end
            return value


@register
class PortalEnvelopeAdapter(Adapter):
    name = "portal"
    extensions = (".json",)
    media_types = ("application/json", "text/json")
    description = "The portal's envelope JSON (DongBoHoSoMC dossiers or CapNhatTienDoHoSoMC progress steps)"

    def __init__(self):
        super().__init__()
        self.is_updating = None

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
                    self.is_updating = value
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
        while True:
            yield index, buf.value()
            index += 1
            char = buf.peek()
            buf.pos += 1
            if char == "]":
                return
            if char != ",":
                raise UnreadableBody(f"malformed \"data\" array after record {index - 1}")
