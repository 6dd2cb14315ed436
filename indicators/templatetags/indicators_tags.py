"""Template helpers for the index pages: names in the current language, signed changes, bands."""

from decimal import Decimal

from django import template
from django.utils.translation import get_language

from ..services.scoring import band_label

register = template.Library()


@register.filter
def localname(obj) -> str:
    """``name_vi`` in Vietnamese (the default language), ``name_en`` otherwise."""
    lang = (get_language() or "vi")[:2]
    return getattr(obj, "name_vi" if lang == "vi" else "name_en", "") or getattr(obj, "name_en", "")


@register.filter
def signed(value) -> str:
    if value in (None, ""):
        return "—"
    number = Decimal(str(value))
    return f"+{number}" if number > 0 else str(number)


@register.filter
def band(code) -> str:
    return band_label(code)


@register.filter
def group_score(snapshot, code):
    """The group's score, or "—" when the agency has no data (no score)."""
    score = (snapshot.groups.get(code) or {}).get("score", "")
    return "—" if score is None else score


@register.filter
def group_rank(snapshot, code):
    rank = (snapshot.groups.get(code) or {}).get("rank", "")
    return "" if rank is None else rank
