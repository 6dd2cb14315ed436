"""Registry of source adapters, keyed by format name (``portal``, ``jsonl``, ``csv``).

Entry points (the sync API, ``import_dossiers``) pick an adapter by name, file extension or
Content-Type and never import a format module directly, so adding a format is one module here.
"""

from __future__ import annotations

from pathlib import Path

from .base import Adapter, UnreadableBody
from .limits import Refused, malformed

_REGISTRY: dict[str, type[Adapter]] = {}


def register(cls: type[Adapter]) -> type[Adapter]:
    _REGISTRY[cls.name] = cls
    return cls


def get_adapter(name: str) -> Adapter:
    """A fresh adapter instance (adapters keep per-input state such as the envelope's service)."""
    try:
        return _REGISTRY[name]()
    except KeyError:
        raise ValueError(f"unknown format {name!r}; known: {', '.join(formats())}") from None


def formats() -> list[str]:
    return sorted(_REGISTRY)


def format_for_path(path: str | Path) -> str | None:
    suffix = Path(path).suffix.lower()
    for name, cls in _REGISTRY.items():
        if suffix in cls.extensions:
            return name
    return None


def format_for_media_type(content_type: str | None) -> str | None:
    media = (content_type or "").split(";")[0].strip().lower()
    for name, cls in _REGISTRY.items():
        if media in cls.media_types:
            return name
    return None


from . import csv_format, jsonl, portal  # noqa: E402,F401  (register the built-in formats)

__all__ = [
    "Adapter",
    "Refused",
    "UnreadableBody",
    "malformed",
    "formats",
    "format_for_media_type",
    "format_for_path",
    "get_adapter",
    "register",
]
