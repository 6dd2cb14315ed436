"""``{% load reconciliation_tags %}``: gap values and portal field names in words (reconciliation.labels)."""

from django import template

from .. import labels

register = template.Library()


@register.filter
def portal_field(name: object) -> str:
    return labels.field_label(name)


@register.filter
def gap_text(value: object) -> str:
    return labels.humanize(value)


@register.filter
def gap_value(value: object, kind: str | None = None) -> str:
    """A compared value in words for its gap's kind (``{{ gap.source_value|gap_value:gap.kind }}``):
    a count of steps or dossiers, a status code with its name, a timestamp as a date and time."""
    return labels.value_label(value, kind)
