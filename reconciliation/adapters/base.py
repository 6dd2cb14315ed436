"""The one interface every source format implements: ``parse`` then ``validate``.

``parse(stream)`` turns a binary stream into ``(index, raw)`` pairs lazily, so a file of any size
is read in bounded memory; ``validate(raw, context)`` turns one raw record into a valid record or
its list of errors. A new format is one module with one subclass registered in
:mod:`reconciliation.adapters` (the registry, after Open Forms' plugin registry).

Each record is read in isolation: what cannot be decoded, is too large or holds text that cannot
be stored becomes a :class:`~.limits.Refused` record (rejected with its reason, kept for
correction) instead of an exception, so no record can stop the others (:mod:`.limits`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from .fields import Context, DossierRecord, validate_dossier, validate_progress
from .limits import Limits, Refused, malformed, safe_payload, screened, too_large
from .values import yes_no

__all__ = ["Adapter", "Refused", "UnreadableBody", "malformed", "is_progress"]

DOSSIER_SERVICE = "DongBoHoSoMC"
PROGRESS_SERVICE = "CapNhatTienDoHoSoMC"


class UnreadableBody(ValueError):
    """The input as a whole cannot be read (not JSON, unknown service, no header…): HTTP 400."""


def is_progress(raw: dict) -> bool:
    """A progress step (``QuaTrinhXuLy``) sent alone, told apart from a dossier (``HoSo``)."""
    return "ThoiDiemXuLy" in raw and "TrangThaiHoSo" not in raw


class Adapter:
    """Base class: subclasses set ``name``, ``extensions``, ``media_types`` and implement ``parse``."""

    name = ""
    extensions: tuple[str, ...] = ()
    media_types: tuple[str, ...] = ()
    description = ""

    def __init__(self, limits: Limits | None = None):
        #: Set by parsers that know the record kind for the whole input (the envelope's service).
        self.service: str | None = None
        #: The input says its records are corrections (the envelope's ``isUpdating``, read before its
        #: ``data``); a record's own ``isUpdating`` key says so for that record (ADR 0013).
        self.is_updating = False
        self.limits = limits or Limits.from_settings()

    def parse(self, stream) -> Iterator[tuple[int, object]]:
        """Records already decoded (dicts, such as corrected payloads being replayed), indexed from 0,
        each checked whole (size, depth, text). Each wire format overrides this to read its bytes."""
        for index, raw in enumerate(stream):
            yield index, self.check_decoded(raw)

    def frames(self, stream) -> Iterator[tuple[int, object]]:
        """The input's records framed but not necessarily decoded, as ``(index, frame)``: ``parse`` is
        :meth:`decode` over these. A format whose records can be cut apart cheaply (one per line)
        yields them undecoded, so that decoding and validation can run in worker processes
        (``import_dossiers --parsers``); the others yield their parsed records."""
        return self.parse(stream)

    def decode(self, index: int, frame) -> object:
        """One frame of :meth:`frames` → what ``parse`` yields for it (picklable both ways)."""
        return frame

    def check_decoded(self, raw):
        """A decoded record with no raw text to scan: measure it and walk it."""
        if raw.__class__ is Refused:
            return raw
        try:
            size = len(json.dumps(raw, ensure_ascii=False).encode("utf-8", "surrogatepass"))
        except (ValueError, TypeError, RecursionError):
            size = 0
        if size > self.limits.record_bytes:
            return too_large(
                json.dumps(safe_payload(raw, self.limits), ensure_ascii=False), size, self.limits.record_bytes
            )
        return screened(raw, self.limits)

    def validate(self, index: int, raw, ctx: Context):
        """A ``DossierRecord``/``ProgressRecord``, or a list of
        ``{"index", "MaHoSo", "field", "error", "reason"}``."""
        if raw.__class__ is Refused:
            return raw.errors(index)
        if self.service == PROGRESS_SERVICE or (
            self.service is None and raw.__class__ is dict and is_progress(raw)
        ):
            return validate_progress(index, raw, ctx)
        result = validate_dossier(index, raw, ctx)
        if result.__class__ is DossierRecord and (self.is_updating or yes_no(raw.get("isUpdating"))):
            result.correction = True
        return result

    @staticmethod
    def payload(raw) -> object:
        """What a rejected record keeps for correction and replay (made storable when it is stored,
        :func:`~.limits.safe_payload`)."""
        return raw.payload if raw.__class__ is Refused else raw
