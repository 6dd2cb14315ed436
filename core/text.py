"""Text hygiene shared by every app."""

from __future__ import annotations

from typing import Any, TypeVar, overload

NUL = "\x00"
_T = TypeVar("_T")


@overload
def without_nul(value: str) -> str: ...
@overload
def without_nul(value: _T) -> _T: ...
def without_nul(value: Any) -> Any:
    """``value`` with NUL characters removed from every string in it (dicts and lists walked).

    PostgreSQL refuses NUL in ``text`` and in ``jsonb`` (``\\u0000``); what is only being recorded
    (an audit row's attempted path, a user agent) loses the NUL rather than failing the request.
    """
    if isinstance(value, str):
        return value.replace(NUL, "") if NUL in value else value
    if isinstance(value, dict):
        return {without_nul(k): without_nul(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(without_nul(v) for v in value)
    return value


#: Bytes of an uploaded file's stored name: file systems allow 255 bytes, and the storage may add a
#: suffix when the name is taken (``_`` and seven characters). Vietnamese letters take 2–3 bytes.
STORED_NAME_BYTES = 150


def stored_file_name(filename: str, limit: int = STORED_NAME_BYTES) -> str:
    """``filename`` cut to at most ``limit`` UTF-8 bytes (never inside a character), keeping its
    extension: the name a user gave (kept in full elsewhere for downloads) as a file system can
    store it."""
    if len(filename.encode("utf-8", "surrogatepass")) <= limit:
        return filename
    stem, dot, ext = filename.rpartition(".")
    if not dot or not stem or len(ext.encode("utf-8", "surrogatepass")) > 16:
        stem, ext = filename, ""
    tail = f".{ext}" if ext else ""
    room = limit - len(tail.encode("utf-8"))
    return stem.encode("utf-8", "surrogatepass")[:room].decode("utf-8", "ignore").rstrip() + tail
