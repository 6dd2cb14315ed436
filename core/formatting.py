"""Numbers, percentages and dates as people read them: ``1.234,5``, ``94,7 %``, ``05/12/2026 09:37``.

One implementation for every page, export and document (the template filters in
``core/templatetags/vn.py`` and the charts in ``core/charts.py`` call these). Vietnamese (the default
language) groups thousands with ``.`` and separates decimals with ``,``; English the other way round.

Visible text only: coordinates, CSS and ``data-*`` attributes take plain machine numbers
(``{{ x|unlocalize }}``, ``core.charts``' own formatting), never these.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.translation import get_language

EMPTY = "—"
Number = int | float | Decimal


def localized(vietnamese: str, english: str) -> str:
    """The text in the interface's language: Vietnamese (the default) or the English otherwise."""
    return vietnamese if (get_language() or "vi")[:2] == "vi" else english


def _separators(lang: str | None = None) -> tuple[str, str]:
    """(thousands, decimal) for the language (the current one by default)."""
    lang = (lang or get_language() or "vi")[:2]
    return (",", ".") if lang == "en" else (".", ",")


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def number(value: Any, digits: int | None = None, *, lang: str | None = None, strip: bool = False) -> str:
    """``1234.5`` → ``1.234,5`` (vi) / ``1,234.5`` (en); ``None`` → ``—``.

    ``digits`` rounds half up to that many decimals; by default an integer shows none and a decimal
    keeps its own (at most 2). ``strip`` drops trailing zeros (``17,50`` → ``17,5``).
    """
    d = _decimal(value)
    if d is None or not d.is_finite():
        return EMPTY if d is None else str(value)
    if digits is None:
        exponent = d.as_tuple().exponent
        digits = 0 if not isinstance(exponent, int) or exponent >= 0 else min(-exponent, 2)
    d = d.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    sign = "-" if d < 0 else ""
    text = f"{abs(d):f}"
    whole, _, frac = text.partition(".")
    if strip:
        frac = frac.rstrip("0")
    thousands, decimal = _separators(lang)
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    out = thousands.join(groups) + (decimal + frac if frac else "")
    return ("−" if sign else "") + out


def signed(value: Any, digits: int | None = None, *, lang: str | None = None) -> str:
    """A change: ``+1,25`` / ``−4,75`` / ``0``; ``None`` → ``—``."""
    d = _decimal(value)
    if d is None:
        return EMPTY
    text = number(d, digits, lang=lang)
    return f"+{text}" if d > 0 else text


def percent(value: Any, digits: int = 1, *, ratio: bool = False, lang: str | None = None) -> str:
    """``94.72`` → ``94,7 %``; with ``ratio=True`` the value is a fraction (``0.947214`` → ``94,7 %``)."""
    d = _decimal(value)
    if d is None:
        return EMPTY
    if ratio:
        d *= 100
    return f"{number(d, digits, lang=lang)} %"


def _local(value: Any) -> Any:
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def date(value: Any) -> str:
    """``05/12/2026`` (a datetime is first turned to local time; an ISO date as stored in JSON,
    ``2026-12-05``, is read as the date it is)."""
    if value in (None, ""):
        return EMPTY
    if isinstance(value, str) and len(value) == 10:
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            pass
    value = _local(value)
    return value.strftime("%d/%m/%Y") if isinstance(value, dt.date) else str(value)


def datetime(value: Any) -> str:
    """``05/12/2026 09:37`` in local time (a plain date prints without the time)."""
    if value in (None, ""):
        return EMPTY
    value = _local(value)
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    return date(value)


def portal_timestamp(value: str | None) -> str:
    """The portal's compact ``YYYYMMDDHHMMSS`` (``20261115085100``) as ``15/11/2026 08:51``; other text unchanged."""
    if not value:
        return EMPTY
    text = str(value).strip()
    if len(text) == 14 and text.isdigit():
        try:
            return datetime(dt.datetime.strptime(text, "%Y%m%d%H%M%S"))
        except ValueError:
            return text
    if len(text) == 8 and text.isdigit():
        try:
            return date(dt.datetime.strptime(text, "%Y%m%d").date())
        except ValueError:
            return text
    return text


def month(value: Any) -> str:
    """A period as people write it: ``2026-03`` → ``03/2026``, ``2026-Q3`` → ``Quý 3/2026`` (``Q3
    2026`` in English); a year unchanged."""
    text = str(value)
    if len(text) == 7 and text[4] == "-" and text[:4].isdigit():
        if text[5:].isdigit():
            return f"{text[5:]}/{text[:4]}"
        if text[5] == "Q" and text[6] in "1234":
            return localized(f"Quý {text[6]}/{text[:4]}", f"Q{text[6]} {text[:4]}")
    return text
