"""``get_FOO_display()`` at the cost of one dictionary lookup, for models listed by the page.

Django's own builds, on every call, a dictionary of all the field's choices, hashing each lazily
translated label (one ``gettext`` per label): 10 labels for a dossier's status, so a list page of 50
dossiers paid 500 translations for 50 labels. :class:`ChoiceLabelsMixin` keeps one dictionary per
field and language. The result is Django's: the label in the active language, or the value itself
when it is not one of the choices.
"""

from __future__ import annotations

import functools
from typing import Any

from django.db import models
from django.utils.encoding import force_str
from django.utils.translation import get_language


@functools.cache
def _labels(field: models.Field, language: str | None) -> dict[Any, Any]:
    """The field's choices as {value: label}, the labels translated into ``language`` (the caller's
    active language: the cache is keyed by it, the translation itself reads the active one)."""
    return {value: force_str(label, strings_only=True) for value, label in field.flatchoices}


class ChoiceLabelsMixin:
    """Put before ``models.Model`` in a model's bases: its ``get_FOO_display()`` read a cached
    dictionary instead of rebuilding it per call."""

    def _get_FIELD_display(self, field: models.Field) -> Any:
        value = getattr(self, field.attname)
        try:
            return _labels(field, get_language())[value]
        except (KeyError, TypeError):  # not a choice (Django answers the value), or unhashable
            return models.Model._get_FIELD_display(self, field)  # type: ignore[attr-defined]
