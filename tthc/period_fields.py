"""The ``Period`` at every boundary: one parser (:func:`parse`) behind a model field, a URL converter,
a form field, a filter, a serializer field and the query-parameter parser of pages and endpoints.

* :class:`PeriodField` — stored exactly as before (``'2026-10'``, ``'2026-Q4'``, ``'2026'`` in a
  ``varchar(7)``; it deconstructs as ``CharField(max_length=7)``, so no migration), read and assigned
  as a ``Period``.
* :func:`from_query` — ``?period=``: absent → the caller's default (``Period.last_closed`` unless
  the page is live and says so), malformed → ``core.params.InvalidParameter``: a 400 naming the
  parameter (JSON in the API; on a page, the site's 400 page with the period form and its error).
* :class:`PeriodConverter` (``<period:…>``) — the same answer for a period in a path.
* :class:`PeriodFormField` / :class:`PeriodFilter` / :class:`PeriodSerializerField` — forms,
  django-filter FilterSets (pages and API), DRF input.

The decision is docs/adr/0011-app-layout-and-periods.md.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import overload

import django_filters
from django import forms
from django.core import exceptions
from django.core.validators import MaxLengthValidator, RegexValidator
from django.db import models
from django.db.models.expressions import Combinable
from django.db.models.query_utils import DeferredAttribute
from django.utils.translation import gettext as _
from rest_framework import serializers

from core import params
from core.converters import CODE_REGEX

from .periods import KINDS, MONTH, Period

__all__ = [
    "KINDS",
    "MONTH",
    "PeriodError",
    "parse",
    "from_query",
    "PeriodField",
    "PeriodFormField",
    "PeriodFilter",
    "PeriodSerializerField",
    "PeriodConverter",
]

#: What the API documents as the accepted text (OpenAPI ``pattern`` of writable fields).
PATTERNS = {MONTH: r"^\d{4}-(0[1-9]|1[0-2])$", KINDS: r"^\d{4}(-(0[1-9]|1[0-2]|Q[1-4]))?$"}


class PeriodError(ValueError):
    """Text that is not a period of the accepted kinds; the message is for a person (translated)."""


def message(value, kinds: tuple[str, ...] = MONTH) -> str:
    shown = str(value).replace("\x00", "\\x00")[:20]
    if tuple(kinds) == MONTH:
        return _("“%(value)s” is not a month: enter YYYY-MM, e.g. 2026-10.") % {"value": shown}
    return _(
        "“%(value)s” is not a period: enter a month (YYYY-MM), a quarter (YYYY-Qn) or a year (YYYY), "
        "e.g. 2026-10, 2026-Q4 or 2026."
    ) % {"value": shown}


def parse(value, kinds: tuple[str, ...] = MONTH) -> Period:
    """The one parser of a period arriving from outside (query, path, form, JSON body, command)."""
    try:
        return Period.parse(value, tuple(kinds))
    except ValueError:
        raise PeriodError(message(value, kinds)) from None


@overload
def from_query(
    query: Mapping[str, str],
    name: str = ...,
    *,
    kinds: tuple[str, ...] = ...,
    default: Period | Callable[[], Period],
) -> Period: ...
@overload
def from_query(
    query: Mapping[str, str], name: str = ..., *, kinds: tuple[str, ...] = ..., default: None = ...
) -> Period | None: ...
def from_query(
    query: Mapping[str, str],
    name: str = "period",
    *,
    kinds: tuple[str, ...] = MONTH,
    default: Period | Callable[[], Period] | None = None,
) -> Period | None:
    """The period in a query string (``request.GET`` / ``request.query_params``).

    Absent or empty → ``default`` (called when callable); malformed → ``InvalidParameter`` (400)."""
    raw = params.text(query, name)
    if raw is None:
        return default() if callable(default) else default
    try:
        return parse(raw, kinds)
    except PeriodError as exc:
        raise params.InvalidParameter(name, str(exc)) from None


# --- Model field -----------------------------------------------------------------------------------


class _PeriodAttribute(DeferredAttribute):
    """Whatever is assigned (text or ``Period``) is held as a ``Period``: a model's period has one type
    whether it was just created or read back."""

    def __set__(self, instance, value):
        instance.__dict__[self.field.attname] = self.field.to_python(value)


class PeriodField(models.CharField):
    """A period column: text in the database, a ``Period`` in Python; ``kinds`` says which periods it
    holds (months by default)."""

    descriptor_class = _PeriodAttribute
    description = "Reporting period"
    # For django-stubs' plugin: a period is assigned as text or a ``Period``, and read as a ``Period``
    # (narrower than CharField's declarations, which the plugin reads from the field class).
    _pyi_private_set_type: str | Period | Combinable  # type: ignore[assignment]
    _pyi_private_get_type: Period  # type: ignore[assignment]

    def __init__(self, *args, kinds: tuple[str, ...] = MONTH, **kwargs):
        self.kinds = tuple(kinds)
        kwargs["max_length"] = 7
        super().__init__(*args, **kwargs)
        # A Period has no length; what it can be is checked by to_python.
        self.validators[:] = [v for v in self.validators if not isinstance(v, MaxLengthValidator)]

    def deconstruct(self):
        """As a ``CharField(max_length=7)``: the column is unchanged, migrations need nothing more."""
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.CharField", args, kwargs

    def from_db_value(self, value, expression, connection):
        return None if value is None else Period.parse(value)

    def to_python(self, value):
        if value is None:
            return None
        try:
            return parse(value, self.kinds)
        except PeriodError as exc:
            raise exceptions.ValidationError(
                "%(error)s", code="invalid", params={"error": str(exc)}
            ) from None

    def get_prep_value(self, value):
        value = models.Field.get_prep_value(self, value)
        if value is None:
            return None
        try:
            return str(Period.parse(value, self.kinds))
        except ValueError as exc:
            raise ValueError(f"Field {self.name!r}: {exc}") from None

    def value_to_string(self, obj):
        value = self.value_from_object(obj)
        return "" if value is None else str(value)

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": PeriodFormField, "kinds": self.kinds, **kwargs})


# --- Forms and filters -----------------------------------------------------------------------------


class PeriodFormField(forms.CharField):
    """A period typed as text (``YYYY-MM``…); cleans to a ``Period``."""

    def __init__(self, *, kinds: tuple[str, ...] = MONTH, **kwargs):
        self.kinds = tuple(kinds)
        kwargs.pop("max_length", None)
        kwargs.pop("empty_value", None)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault(
            "placeholder", "YYYY-MM" if self.kinds == MONTH else "YYYY-MM, YYYY-Qn, YYYY"
        )
        self.widget.attrs.setdefault("size", 8)

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            return parse(value, self.kinds)
        except PeriodError as exc:
            raise forms.ValidationError("%(error)s", code="invalid", params={"error": str(exc)}) from None

    def prepare_value(self, value):
        return str(value) if isinstance(value, Period) else value


class PeriodFilter(django_filters.CharFilter):
    """``?period=`` in a FilterSet: absent → not filtered; malformed → a form error (the API's
    filter backend answers it with 400, pages with :func:`core.params.check_form`)."""

    field_class = PeriodFormField


# --- DRF -------------------------------------------------------------------------------------------


class PeriodSerializerField(serializers.CharField):
    """A period in a request or response body: text outside, ``Period`` inside."""

    def __init__(self, *, kinds: tuple[str, ...] = MONTH, **kwargs):
        self.kinds = tuple(kinds)
        super().__init__(**kwargs)
        if not self.read_only:  # documents the accepted text in the schema (checked by ``parse``)
            self.validators.append(RegexValidator(re.compile(PATTERNS.get(self.kinds, PATTERNS[KINDS]))))

    def to_internal_value(self, data):
        text = super().to_internal_value(data)
        try:
            return parse(text, self.kinds)
        except PeriodError as exc:
            raise serializers.ValidationError(str(exc), code="invalid") from None

    def to_representation(self, value):
        return str(value)


# --- URLs ------------------------------------------------------------------------------------------


class PeriodConverter:
    """``<period:period>``: any one segment, so that a malformed period is a 400 saying why (raised
    while the URL is resolved; ``config.views.bad_request`` answers it), not a 404."""

    regex = CODE_REGEX

    def to_python(self, value: str) -> Period:
        try:
            return parse(value, KINDS)
        except PeriodError as exc:
            raise params.InvalidParameter("period", str(exc)) from None

    def to_url(self, value) -> str:
        return str(value)


def register() -> None:
    from django.urls import register_converter

    register_converter(PeriodConverter, "period")
