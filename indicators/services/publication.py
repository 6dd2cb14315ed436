"""Publication deadlines of procedures, stored so that group 1 compares dates in SQL.

"Published on time" (decision ≥ N working days before the legal basis takes effect) and "made
public on time" (≤ N working days after the decision) are working-day arithmetic, which only
``tthc.calendar`` does. A few thousand procedures: recomputed before every index computation, and
only changed rows are written.
"""

from __future__ import annotations

from datetime import date

from tthc import calendar
from tthc.models import Procedure

from ..definitions.base import LEVELS, PUBLICATION_WORKING_DAYS
from ..models import PublicationDeadline

FIELDS = [f"{level}_{kind}_due" for level in LEVELS for kind in ("decide", "public")]


def deadlines_for(effective_on: date | None, published_on: date | None) -> dict[str, date | None]:
    out: dict[str, date | None] = {}
    for level in LEVELS:
        before = PUBLICATION_WORKING_DAYS["decide_before"][level]
        within = PUBLICATION_WORKING_DAYS["public_within"][level]
        out[f"{level}_decide_due"] = (
            calendar.add_working_days(effective_on, -before) if effective_on else None
        )
        out[f"{level}_public_due"] = calendar.add_working_days(published_on, within) if published_on else None
    return out


def refresh_deadlines() -> int:
    """Bring every procedure's ``PublicationDeadline`` up to date; returns rows written."""
    existing = {
        row["procedure_id"]: row for row in PublicationDeadline.objects.values("procedure_id", *FIELDS)
    }
    changed = []
    for pk, effective_on, published_on in Procedure.objects.values_list(
        "pk", "legal_basis_effective_on", "published_on"
    ):
        wanted = deadlines_for(effective_on, published_on)
        have = existing.get(pk)
        if have is None or any(have[f] != wanted[f] for f in FIELDS):
            changed.append(PublicationDeadline(procedure_id=pk, **wanted))
    if changed:
        PublicationDeadline.objects.bulk_create(
            changed, update_conflicts=True, unique_fields=["procedure"], update_fields=FIELDS, batch_size=1000
        )
    return len(changed)
