"""Which system handles each procedure, per province and month (``ProcedureAssignment``).

The assignment in force for a month is the one in force on the month's first day: reconciliation,
the matrix and (through the runs) the requests and the points at stake all judge a month's dossiers
against one system per procedure and province. A row for the province outranks the every-province
row; a procedure with no row in force falls back to ``Procedure.central_system`` (the data migration
turned that column into the initial assignments; procedures added later without a row keep working).

``""`` (empty system code) means "each province's own system": for a dossier, the province's
provincial system whose owner is the nearest ancestor of its receiving agency
(:func:`own_system_by_agency`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q

from tthc.models import Procedure
from tthc.periods import Period

from ..models import ProcedureAssignment

OWN = ""


@dataclass
class MonthAssignments:
    """Every procedure's system code for one month, per province (resolved in three queries)."""

    day: date
    base: dict[int, str] = field(default_factory=dict)  # every province: procedure id → code
    by_province: dict[int, dict[int, str]] = field(default_factory=dict)  # province id → overrides

    @classmethod
    def for_day(cls, day: date) -> MonthAssignments:
        month = cls(day=day)
        month.base = dict(Procedure.objects.order_by().values_list("pk", "central_system"))
        month.base = {pk: code or OWN for pk, code in month.base.items()}
        rows = (
            ProcedureAssignment.objects.in_force(day)
            .order_by("valid_from")  # the latest start wins should rows overlap
            .values_list("procedure_id", "province_id", "system_code")
        )
        for procedure_id, province_id, code in rows:
            if province_id is None:
                month.base[procedure_id] = code
            else:
                month.by_province.setdefault(province_id, {})[procedure_id] = code
        return month

    @classmethod
    def for_period(cls, period: Period) -> MonthAssignments:
        return cls.for_day(period.first_day)

    def for_province(self, province_id: int) -> dict[int, str]:
        """Procedure id → system code (``""``: the province's own system) in the province."""
        overrides = self.by_province.get(province_id)
        return {**self.base, **overrides} if overrides else self.base

    def system_code(self, procedure_id: int, province_id: int) -> str | None:
        return self.for_province(province_id).get(procedure_id)


def system_for(procedure: Procedure, province_id: int | None, day: date) -> str:
    """The system code handling ``procedure`` in a province on ``day`` (``""``: its own system)."""
    rows = (
        ProcedureAssignment.objects.in_force(day)
        .filter(procedure=procedure)
        .filter(Q(province_id=province_id) | Q(province__isnull=True))
    )
    ordered = list(rows.order_by("valid_from"))
    specific = [r for r in ordered if r.province_id is not None]
    best = (specific or ordered)[-1] if ordered else None
    return best.system_code if best is not None else (procedure.central_system or OWN)


def by_code(procedures: Mapping[int, str]) -> dict[str, list[int]]:
    """System code → the procedure ids it handles (``""``: the province's own system)."""
    out: dict[str, list[int]] = {}
    for pk, code in procedures.items():
        out.setdefault(code, []).append(pk)
    return out


def own_system_by_agency(
    agencies: Iterable[tuple[int, str]], systems: Iterable[tuple[int, str]]
) -> dict[int, int]:
    """Agency id → the system (id) serving it: the one whose owner is the agency's nearest ancestor
    (or the agency itself). ``agencies``: (id, path); ``systems``: (id, owner path). An agency under
    no system's owner is served by none."""
    ordered = sorted(systems, key=lambda s: len(s[1]), reverse=True)
    served = {}
    for agency_id, path in agencies:
        for system_id, owner_path in ordered:
            if path.startswith(owner_path):
                served[agency_id] = system_id
                break
    return served
