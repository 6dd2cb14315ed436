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
def gap_value(value: object) -> str:
    """A compared value: a status code with its name, a timestamp as a date and time."""
    return labels.status_label(value)
