"""The one interface every source format implements: ``parse`` then ``validate``.

``parse(stream)`` turns a binary stream into ``(index, raw)`` pairs lazily, so a file of any size
is read in bounded memory; ``validate(raw, context)`` turns one raw record into a valid record or
its list of errors. A new format is one module with one subclass registered in
:mod:`reconciliation.adapters` (the registry, after Open Forms' plugin registry).
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from .fields import Context, validate_dossier, validate_progress

DOSSIER_SERVICE = "DongBoHoSoMC"
PROGRESS_SERVICE = "CapNhatTienDoHoSoMC"


class UnreadableBody(ValueError):
    """The input as a whole cannot be read (not JSON, unknown service, no header…): HTTP 400."""


@dataclass(frozen=True, slots=True)
class Malformed:
    """One record the parser could not even decode (a bad JSON line): rejected, kept verbatim."""

    text: str
    reason: str

    def payload(self) -> dict:
        return {"_raw": self.text}


def is_progress(raw: dict) -> bool:
    """A progress step (``QuaTrinhXuLy``) sent alone, told apart from a dossier (``HoSo``)."""
    return "ThoiDiemXuLy" in raw and "TrangThaiHoSo" not in raw


class Adapter:
    """Base class: subclasses set ``name``, ``extensions``, ``media_types`` and implement ``parse``."""

    name = ""
    extensions: tuple[str, ...] = ()
    media_types: tuple[str, ...] = ()
    description = ""

    def __init__(self):
        #: Set by parsers that know the record kind for the whole input (the envelope's service).
        self.service: str | None = None

    def parse(self, stream) -> Iterator[tuple[int, object]]:
        """Records already decoded (dicts, such as corrected payloads being replayed), indexed from 0.
        Each wire format overrides this to read its bytes."""
        return enumerate(stream)

    def validate(self, index: int, raw, ctx: Context):
        """A ``DossierRecord``/``ProgressRecord``, or a list of ``{"index", "MaHoSo", "field", "error"}``."""
        if isinstance(raw, Malformed):
            return [{"index": index, "MaHoSo": "", "field": "", "error": raw.reason}]
        if self.service == PROGRESS_SERVICE or (
            self.service is None and isinstance(raw, dict) and is_progress(raw)
        ):
            return validate_progress(index, raw, ctx)
        return validate_dossier(index, raw, ctx)

    @staticmethod
    def payload(raw) -> object:
        """What a rejected record keeps for correction and replay."""
        return raw.payload() if isinstance(raw, Malformed) else raw
