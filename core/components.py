"""The 766 index's components by code, as people read them: their names, registered by the app that
declares them (``indicators`` in its ``AppConfig.ready``), read by the apps below it that store
component codes — a reconciliation run's and a request's points at stake per component
(``points_breakdown``). ``core`` names no app; an unregistered code shows as itself.
"""

from __future__ import annotations

from core.formatting import localized

_NAMES: dict[str, tuple[str, str]] = {}


def register(code: str, name_vi: str, name_en: str) -> None:
    """Name a component (the first registration of a code wins: methodologies keep a code's meaning)."""
    _NAMES.setdefault(code, (name_vi, name_en))


def name(code: str) -> str:
    """The component's name in the interface's language (Vietnamese first), else its code."""
    names = _NAMES.get(code)
    return code if names is None else localized(*names)
