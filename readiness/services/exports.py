"""The columns and rows of the readiness downloads (written by ``core.exports``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import Assessment

ROADMAP_COLUMNS: list[tuple[str, Any]] = [
    ("ministry_code", _("Ministry code")),
    ("ministry", _("Ministry")),
    ("procedure_code", _("Procedure code")),
    ("procedure", _("Procedure")),
    ("system_code", _("System")),
    ("planned_ready_on", _("Planned ready date")),
    ("overdue", _("Overdue")),
    ("steps", _("Roadmap steps")),
    ("approved_at", _("Approved at")),
]

LIST_COLUMNS: list[tuple[str, Any]] = [
    ("ministry_code", _("Ministry code")),
    ("procedure_code", _("Procedure code")),
    ("procedure", _("Procedure")),
    ("system_code", _("System")),
    ("criteria_set", _("Criteria set")),
    ("classification", _("Classification")),
    ("planned_ready_on", _("Planned ready date")),
    ("overdue", _("Overdue")),
    ("approved_at", _("Approved at")),
]


def _fetcher(
    entries: QuerySet[Assessment], row: Callable[[Assessment, date], Sequence]
) -> Callable[[int | None], Iterable[Sequence]]:
    """``core.exports``' ``fetch(limit)`` over ``entries``, one ``row(entry, today)`` each."""
    today = timezone.localdate()

    def fetch(limit: int | None) -> Iterable[Sequence]:
        for entry in entries[:limit] if limit is not None else entries:
            yield row(entry, today)

    return fetch


def _overdue(e: Assessment, today: date) -> str:
    late = (
        e.is_current and e.classification == "not_ready" and e.planned_ready_on and e.planned_ready_on < today
    )
    return "x" if late else ""


def roadmap_rows(entries: QuerySet[Assessment]) -> Callable[[int | None], Iterable[Sequence]]:
    return _fetcher(
        entries,
        lambda e, today: (
            e.ministry.code,
            e.ministry.name,
            e.procedure.code,
            e.procedure.name,
            e.system.code,
            e.planned_ready_on,
            _overdue(e, today),
            "; ".join(f"{s.due_on:%d/%m/%Y} {s.action}" for s in e.steps.all()),
            e.decided_at,
        ),
    )


def list_rows(entries: QuerySet[Assessment]) -> Callable[[int | None], Iterable[Sequence]]:
    return _fetcher(
        entries,
        lambda e, today: (
            e.ministry.code,
            e.procedure.code,
            e.procedure.name,
            e.system.code,
            str(e.criteria_set),
            e.classification,
            e.planned_ready_on,
            _overdue(e, today),
            e.decided_at,
        ),
    )
