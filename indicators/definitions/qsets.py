"""Queryset methods as ``Q`` objects, so that definitions reuse them instead of re-stating them.

The aggregate queries need conditions as ``Q`` (``Count("pk", filter=Q(...))``), while the
timeliness rules live as queryset methods (``DossierQuerySet.on_time(as_of)``, ``overdue`` …) in
``tthc``. ``q_of(DossierQuerySet, "on_time", as_of)`` runs the method against a recorder that plays
the queryset's ``filter``/``exclude`` and collects their conditions into one ``Q``: the rule is
written once, in ``tthc``, and the index follows it when it changes. ``tests/indicators`` checks
that each recorded ``Q`` selects exactly the rows the queryset method does.
"""

from __future__ import annotations

import types
from typing import Any

from django.db.models import Q, QuerySet

from .base import Source


class _Recorder:
    """Stands in for a queryset: ``filter``/``exclude`` accumulate a ``Q``; other methods of the
    queryset class are called with the recorder as ``self``."""

    def __init__(self, queryset_class: type[QuerySet[Any]], q: Q | None = None) -> None:
        self._qs_class = queryset_class
        self.q = q if q is not None else Q()

    def filter(self, *args: Any, **kwargs: Any) -> _Recorder:
        return _Recorder(self._qs_class, self.q & Q(*args, **kwargs))

    def exclude(self, *args: Any, **kwargs: Any) -> _Recorder:
        return _Recorder(self._qs_class, self.q & ~Q(*args, **kwargs))

    def all(self) -> _Recorder:
        return self

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        owner = next((c for c in self._qs_class.__mro__ if name in c.__dict__), None)
        if owner is None:
            raise AttributeError(name)
        if owner in QuerySet.__mro__:
            raise TypeError(f"{name}() is not a filter of {self._qs_class.__name__}: it cannot become a Q")
        return types.MethodType(getattr(self._qs_class, name), self)


def q_of(queryset_class: type[QuerySet[Any]], method: str, *args: Any, **kwargs: Any) -> Q:
    """The ``Q`` that ``queryset_class.<method>(*args, **kwargs)`` filters by."""
    result = getattr(_Recorder(queryset_class), method)(*args, **kwargs)
    if not isinstance(result, _Recorder):
        raise TypeError(f"{queryset_class.__name__}.{method} does not return a filtered queryset")
    return result.q


def source_q(source: Source, method: str, *args: Any, **kwargs: Any) -> Q:
    """The ``Q`` of a filter method of a declared source's queryset (``Source.FEEDBACK``: the
    feedback items, owned by ``complaints``) — the index reads its inputs through the declarations."""
    manager: Any = source.model._default_manager  # ``_queryset_class``: set by ``Manager.from_queryset``
    return q_of(manager._queryset_class, method, *args, **kwargs)


def dossier_q(method: str, *args: Any, **kwargs: Any) -> Q:
    return source_q(Source.DOSSIER, method, *args, **kwargs)


def feedback_q(method: str, *args: Any, **kwargs: Any) -> Q:
    return source_q(Source.FEEDBACK, method, *args, **kwargs)
