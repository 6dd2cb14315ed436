"""Template helpers for the index pages: names in the current language, signed changes, bands, rules."""

from django import template
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core import formatting

from ..services.scoring import band_label

register = template.Library()


@register.filter
def localname(obj) -> str:
    """``name_vi`` in Vietnamese (the default language), ``name_en`` otherwise."""
    lang = (get_language() or "vi")[:2]
    if isinstance(obj, dict):  # a group as the views pass it
        return obj.get("name_vi" if lang == "vi" else "name_en") or obj.get("name_en") or ""
    return getattr(obj, "name_vi" if lang == "vi" else "name_en", "") or getattr(obj, "name_en", "")


@register.filter
def localnote(component) -> str:
    """A component's formula note in the current language (``note_vi`` / ``note_en``)."""
    lang = (get_language() or "vi")[:2]
    return (component.note_vi if lang == "vi" else "") or component.note_en


@register.filter
def signed(value) -> str:
    """A change in the current language's number format: ``+1,25`` / ``−4,75`` (``core.formatting``)."""
    return formatting.signed(value)


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


@register.filter
def rule_label(rule) -> str:
    """A component's scoring rule in plain words (the definitions keep a short English ``label``)."""
    target = getattr(rule, "target", None)
    if target is not None:
        return _("full points from a ratio of %(target)s") % {
            "target": formatting.percent(target, 0, ratio=True)
        }
    return _("points in proportion to the ratio")
