"""Reading query parameters that go into a lookup: a bad value is a 400 naming the parameter,
never a database error (PostgreSQL refuses NUL in a text literal; an integer column refuses text).

:class:`InvalidParameter` is both DRF's ``ValidationError`` (the API answers JSON
``{"<name>": ["…"]}``) and Django's ``BadRequest`` (a page answers the site's 400).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django import forms
from django.core.exceptions import BadRequest
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError


class InvalidParameter(ValidationError, BadRequest):
    def __init__(self, name: str, message: str):
        self.name = name
        ValidationError.__init__(self, {name: [message]})


def text(params: Mapping[str, str], name: str, default: str | None = None) -> str | None:
    """The parameter as text (``default`` when absent or empty); a NUL byte is refused."""
    value = params.get(name)
    if value is None or value == "":
        return default
    if "\x00" in value:
        raise InvalidParameter(name, _("A NUL byte is not allowed."))
    return value


def check_form(form: forms.BaseForm, *names: str) -> None:
    """A page's bound query form (a FilterSet's ``form``): the first of its fields ``names`` that is
    invalid is a 400 naming it (the other fields keep django-filter's leniency on pages; the API's
    filter backend refuses every invalid field)."""
    if form.is_valid():
        return
    for name, errors in form.errors.items():
        if name in names:
            raise InvalidParameter(name, " ".join(str(error) for error in errors))


def choice(
    params: Mapping[str, str], name: str, choices: Iterable[str], default: str | None = None
) -> str | None:
    """The parameter, which must be one of ``choices`` (``default`` when absent or empty)."""
    value = text(params, name, default)
    allowed = [str(c) for c in choices]
    if value is not None and value not in allowed:
        raise InvalidParameter(name, _("Expected one of: %(choices)s.") % {"choices": ", ".join(allowed)})
    return value


def whole_number(
    params: Mapping[str, str], name: str, low: int, high: int | None = None, default: int | None = None
) -> int | None:
    """The parameter as a whole number from ``low`` to ``high`` (``None``: no upper bound); ``default``
    when absent or empty."""
    value = text(params, name)
    if value is None:
        return default
    if (
        not (value.isascii() and value.isdigit())
        or len(value) > 18
        or not low <= int(value) <= (high or int(value))
    ):
        message = (
            _("Expected a whole number from %(low)s to %(high)s.") % {"low": low, "high": high}
            if high is not None
            else _("Expected a whole number from %(low)s.") % {"low": low}
        )
        raise InvalidParameter(name, message)
    return int(value)
