"""Template filters for Vietnamese formatting (``{% load vn %}``): one set for every page.

``{{ x|num }}`` ``1.234,5`` · ``{{ x|num:2 }}`` two decimals · ``{{ r|ratio_pct }}`` ``0.947`` → ``94,7 %`` ·
``{{ p|pct }}`` ``94.72`` → ``94,7 %`` · ``{{ d|vndate }}`` ``05/12/2026`` · ``{{ t|vndatetime }}``
``05/12/2026 09:37`` · ``{{ c|signed_num }}`` ``+1,25`` · ``{{ s|portal_time }}`` the portal's
``20261115085100`` as a date and time · ``{{ p|month_label }}`` ``2026-03`` → ``03/2026`` ·
``{{ code|component_name }}`` ``DOSSIER_SYNC`` → "Đồng bộ hồ sơ lên Cổng DVCQG".

For visible text only: SVG coordinates, CSS and ``data-*`` attributes keep ``|unlocalize``.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django import template
from django.utils import timezone
from django.utils.translation import gettext

from core import components, formatting

register = template.Library()


@register.filter
def num(value: Any, digits: Any = None) -> str:
    return formatting.number(value, None if digits in (None, "") else int(digits))


@register.filter
def signed_num(value: Any, digits: Any = None) -> str:
    return formatting.signed(value, None if digits in (None, "") else int(digits))


@register.filter
def pct(value: Any, digits: Any = 1) -> str:
    return formatting.percent(value, int(digits))


@register.filter
def ratio_pct(value: Any, digits: Any = 1) -> str:
    return formatting.percent(value, int(digits), ratio=True)


@register.filter
def vndate(value: Any) -> str:
    return formatting.date(value)


@register.filter
def vndatetime(value: Any) -> str:
    return formatting.datetime(value)


@register.filter
def portal_time(value: Any) -> str:
    return formatting.portal_timestamp(value)


@register.filter
def month_label(value: Any) -> str:
    return formatting.month(value) if value not in (None, "") else formatting.EMPTY


#: U+2060 WORD JOINER: no line break around it, nothing drawn.
WORD_JOINER = "\u2060"


@register.filter
def unbroken_slashes(value: Any) -> str:
    """Text whose abbreviations with a slash ("b/c", "V/v") a line never breaks inside: a word joiner
    on each side of every slash (typeset documents; the text reads and copies the same)."""
    return str(value).replace("/", f"{WORD_JOINER}/{WORD_JOINER}")


@register.filter
def vn(value: Any) -> str:
    """Any value as shown to people: a datetime, date or number in the Vietnamese format, a boolean as
    "Có" / "Không" (the interface's yes and no), else as text."""
    if value is None or value == "":
        return formatting.EMPTY
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, dt.datetime):
        return formatting.datetime(value)
    if isinstance(value, dt.date):
        return formatting.date(value)
    if isinstance(value, Decimal | float) and not isinstance(value, bool):
        return formatting.number(value)
    return str(value)


@register.inclusion_tag("_period_picker.html", takes_context=True)
def period_picker(context: Any, period: Any, periods: Any = None) -> dict[str, Any]:
    """The period picker every page shares: the chosen period (as ``MM/YYYY``), the months around it,
    the other query parameters kept, and whether it is the month in progress ("live": figures change)
    or the default (the last closed month, whose results are published)."""
    request = context.get("request")
    query = request.GET if request is not None else {}
    others = [
        (k, v) for k, values in getattr(query, "lists", dict)() if k not in ("period", "page") for v in values
    ]
    return {
        "period": period,
        "previous": period.previous() if hasattr(period, "previous") else None,
        "next": period.next() if hasattr(period, "next") else None,
        "periods": periods,
        "others": others,
        "live": str(period) == timezone.localdate().strftime("%Y-%m"),  # the month in progress
        "default": "period" not in query,
    }


@register.filter
def component_name(code: Any) -> str:
    """A 766 component's code (``DOSSIER_SYNC``) as its name in the interface's language."""
    return components.name(str(code))
