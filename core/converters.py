"""Path converters for codes in URLs (registered by ``CoreConfig.ready``), one rule for the project:

* a code is a path segment, percent-encoded by ``reverse()`` / ``{% url %}`` (spaces, ``%``, ``?``,
  ``#`` and any Unicode round-trip);
* ``<code:…>`` — a code that cannot contain ``/`` (agency codes: a database constraint);
* ``<codepath:…>`` — a code that may contain ``/`` (dossier codes, ``MaHoSo``): always the LAST
  parameter of its route, so the slashes cannot be mistaken for the route's own;
* neither matches a NUL byte, so such a path is a 404 before any view or query sees it.

The same expressions serve DRF routers' ``lookup_value_regex``.
"""

from __future__ import annotations

#: One segment without ``/`` or NUL.
CODE_REGEX = r"[^/\x00]+"
#: Any text without NUL, slashes included.
CODEPATH_REGEX = r"[^\x00]+"


class CodeConverter:
    regex = CODE_REGEX

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: object) -> str:
        return str(value)


class CodePathConverter(CodeConverter):
    regex = CODEPATH_REGEX


def register() -> None:
    from django.urls import register_converter

    register_converter(CodeConverter, "code")
    register_converter(CodePathConverter, "codepath")
