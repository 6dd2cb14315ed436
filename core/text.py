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
