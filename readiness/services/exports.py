"""The columns and rows of the readiness downloads (written by ``core.exports``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.exports import Column, boolean, choice_label

from ..models import Assessment, Classification

#: A ministry, a procedure, a system and a criteria set are written as their name then their code,
#: the classification and "overdue" in words then as codes (``core.exports.Column``).
ROADMAP_COLUMNS: list[Column] = [
    Column("ministry", _("Ministry"), named=True),
    Column("procedure", _("Procedure"), named=True),
    Column("system", _("System"), named=True),
    Column("planned_ready_on", _("Planned ready date")),
    boolean("overdue", _("Overdue")),
    Column("steps", _("Roadmap steps")),
    Column("approved_at", _("Approved at")),
]

LIST_COLUMNS: list[Column] = [
    Column("ministry", _("Ministry"), named=True),
    Column("procedure", _("Procedure"), named=True),
    Column("system", _("System"), named=True),
    Column("criteria_set", _("Criteria set"), named=True),
    Column("classification", _("Classification"), label=choice_label(Classification)),
    Column("planned_ready_on", _("Planned ready date")),
    boolean("overdue", _("Overdue")),
    Column("approved_at", _("Approved at")),
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


def _overdue(e: Assessment, today: date) -> bool:
    return bool(
        e.is_current and e.classification == "not_ready" and e.planned_ready_on and e.planned_ready_on < today
    )


def roadmap_rows(entries: QuerySet[Assessment]) -> Callable[[int | None], Iterable[Sequence]]:
    return _fetcher(
        entries,
        lambda e, today: (
            e.ministry.code,
            e.ministry.name,
            e.procedure.code,
            e.procedure.name,
            e.system.code,
            e.system.name,
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
            e.ministry.name,
            e.procedure.code,
            e.procedure.name,
            e.system.code,
            e.system.name,
            e.criteria_set.code,
            e.criteria_set.name,
            e.classification,
            e.planned_ready_on,
            _overdue(e, today),
            e.decided_at,
        ),
    )
