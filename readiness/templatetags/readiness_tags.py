"""``{% readiness_public_list %}``: the published not-ready list on the public results page."""

from __future__ import annotations

from django import template

from ..services.publication import roadmap

register = template.Library()

#: Entries shown on the results page; the full list is at ``readiness:public``.
SHOWN = 20


@register.inclusion_tag("readiness/_public_block.html")
def readiness_public_list() -> dict:
    entries = roadmap()
    shown = list(entries[: SHOWN + 1])
    return {"entries": shown[:SHOWN], "more": len(shown) > SHOWN}
