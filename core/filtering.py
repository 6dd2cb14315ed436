"""Strict true/false query filters for the API's FilterSets.

django-filter's ``BooleanFilter`` reads its value through ``NullBooleanSelect``, which turns any
unrecognised text into "not filtered": ``?overdue=maybe`` silently returned every row. Here a value
that is neither true nor false is a form error, so the API's filter backend answers 400 naming the
parameter (pages keep django-filter's leniency: an invalid field is left out of the filter).
"""

from __future__ import annotations

import django_filters as filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

TRUE_VALUES = frozenset({"true", "1", "yes", "on"})
FALSE_VALUES = frozenset({"false", "0", "no", "off"})


class StrictBooleanField(forms.Field):
    """``true``/``false`` (also 1/0, yes/no, on/off, any case); empty or absent → ``None``."""

    widget = forms.TextInput
    default_error_messages = {"invalid": _("Expected true or false.")}

    def to_python(self, value: object) -> bool | None:
        if isinstance(value, bool):
            return value
        if value is None or value == "":
            return None
        text = str(value).strip().lower()
        if text in TRUE_VALUES:
            return True
        if text in FALSE_VALUES:
            return False
        raise ValidationError(self.error_messages["invalid"], code="invalid")

    def validate(self, value: object) -> None:
        """No "required" check: an absent flag means not filtered."""


class BooleanFilter(filters.BooleanFilter):
    """django-filter's ``BooleanFilter`` (same schema: a boolean), refusing values it cannot read."""

    field_class = StrictBooleanField  # type: ignore[assignment]
