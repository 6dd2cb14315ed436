"""What a source system may write — its remit — decided in one place for every ingestion path.

The sync API, ``import_dossiers`` and the replay of rejects all run ``ingest.run_batch``, which
asks :meth:`Remit.refusal` about every valid dossier record (and :meth:`Remit.refuse_progress`
about progress steps) before anything is written:

* the **portal** (``portal``) may write any dossier: it is the national copy;
* a **provincial system** only dossiers whose receiving agency — and handling agency, when the
  record names a known one — is its owner agency or under it;
* a **ministry's centralized system** only dossiers of the procedures assigned to it
  (``Procedure.central_system`` = its code, or a ``ProcedureAssignment`` naming it at any date)
  wherever they are received, or of agencies under its owner ministry;
* a **reporting system** sends counts, never dossiers;
* "under an agency" includes the agencies merged into it (their ``successor`` is under it), so a
  merged province's system keeps syncing the history of its predecessors.

A record outside the remit is rejected with reason ``out_of_scope`` naming the agency or the
procedure, kept like any reject, and never reaches ``SourceDossier`` or ``tthc.Dossier``.

Set-based: :meth:`Remit.load` reads the allowed agency and procedure ids once per batch (a few
queries); each record then costs two set lookups. The procedure → system assignment is asked in
:meth:`Remit.assigned` only, with the receiving agency and time, so that an assignment that
changes by province and month can replace ``Procedure.central_system`` there alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db.models import Q

from tthc.models import Agency, Procedure

from ..adapters.fields import OUT_OF_SCOPE, Context, ProgressRecord
from ..models import ProcedureAssignment, SourceDossier, SourceKind, SourceSystem

#: Merger chains followed when collecting the agencies merged into an owner's subtree.
MERGER_DEPTH = 4


@dataclass
class Remit:
    source_id: int
    source_code: str
    kind: str
    owner_code: str
    #: Agency ids the source may write dossiers of (``None``: any agency).
    agencies: frozenset[int] | None
    #: Procedure ids assigned to the source (ministry systems).
    procedures: frozenset[int] = frozenset()
    ctx: Context | None = None
    _names: dict[str, dict[int, str]] = field(default_factory=dict)

    @classmethod
    def load(cls, source: SourceSystem, ctx: Context | None = None) -> Remit:
        kind, owner = source.kind, source.owner
        if kind == SourceKind.PORTAL:
            return cls(source.pk, source.code, kind, owner.code, None, ctx=ctx)
        if kind not in (SourceKind.PROVINCIAL, SourceKind.MINISTRY):
            return cls(source.pk, source.code, kind, owner.code, frozenset(), ctx=ctx)
        procedures: frozenset[int] = frozenset()
        if kind == SourceKind.MINISTRY:
            # Its catalogue procedures and those an assignment gives it at any date: a
            # system may sync the dossiers of a procedure it handled in some month.
            assigned = ProcedureAssignment.objects.filter(system_code=source.code).values("procedure_id")
            procedures = frozenset(
                Procedure.objects.filter(Q(central_system=source.code) | Q(pk__in=assigned)).values_list(
                    "pk", flat=True
                )
            )
        return cls(source.pk, source.code, kind, owner.code, _agencies_under(owner), procedures, ctx)

    @property
    def writes_nothing(self) -> bool:
        return self.kind not in (SourceKind.PORTAL, SourceKind.PROVINCIAL, SourceKind.MINISTRY)

    def assigned(self, procedure_id: int | None, agency_id: int | None, received: str | None) -> bool:
        """Is the procedure handled by this (ministry) system for a dossier received by ``agency_id``
        at ``received`` (``yyyyMMddHHmmss``, Vietnam time)? Today the catalogue's timeless
        ``central_system``; the one place to make the assignment effective-dated per province."""
        return procedure_id in self.procedures

    def refusal(
        self,
        procedure_id: int | None,
        agency_id: int | None,
        handling_agency_id: int | None = None,
        received: str | None = None,
    ) -> tuple[str, str] | None:
        """``None`` when the source may write this dossier, else ``(field, message)``."""
        agencies = self.agencies
        if agencies is None:
            return None
        if self.writes_nothing:
            return self._writes_nothing()
        inside = agency_id in agencies and (handling_agency_id is None or handling_agency_id in agencies)
        if self.kind == SourceKind.PROVINCIAL:
            if agency_id not in agencies:
                return "MaDonVi", (
                    f"agency {self._agency(agency_id)} is outside the remit of {self.source_code}: a "
                    f"provincial system writes only the dossiers of {self.owner_code} and the agencies "
                    "under it"
                )
            if not inside:
                return "DonViXuLy", (
                    f"handling agency {self._agency(handling_agency_id)} is outside the remit of "
                    f"{self.source_code}: a provincial system writes only the dossiers of "
                    f"{self.owner_code} and the agencies under it"
                )
            return None
        if inside or self.assigned(procedure_id, agency_id, received):
            return None
        return "MaTTHC", (
            f"procedure {self._procedure(procedure_id)} is not assigned to {self.source_code} and "
            f"agency {self._agency(agency_id)} is not under {self.owner_code}: a ministry system "
            "writes only the dossiers of its procedures and of its ministry's own agencies"
        )

    def _writes_nothing(self) -> tuple[str, str]:
        return "", (
            f"{self.source_code} is a {self.kind} system: it reports counts, not dossiers, so it may "
            "not write any"
        )

    def error(self, index: int, code: str, refusal: tuple[str, str]) -> dict[str, Any]:
        return {
            "index": index,
            "MaHoSo": code,
            "field": refusal[0],
            "error": refusal[1],
            "reason": OUT_OF_SCOPE,
        }

    def refuse_progress(
        self,
        items: list[tuple[int, ProgressRecord]],
    ) -> tuple[list[tuple[int, ProgressRecord]], list[tuple[int, dict[str, Any]]]]:
        """Split progress steps ``(index, ProgressRecord)`` into those the source may apply and
        ``(index, error)`` refusals, by the dossier its own copy (``SourceDossier``) describes:
        one query per chunk, none for the portal."""
        if self.agencies is None or not items:
            return items, []
        if self.writes_nothing:
            return [], [(i, self.error(i, p.code, self._writes_nothing())) for i, p in items]
        source = SourceDossier.objects.filter(source_id=self.source_id)
        copies = {
            code: (agency_id, procedure_id, received)
            for code, agency_id, procedure_id, received in source.filter(
                code__in={p.code for _, p in items}
            ).values_list("code", "agency_id", "procedure_id", "received_at")
        }
        allowed: list[tuple[int, ProgressRecord]] = []
        refused: list[tuple[int, dict[str, Any]]] = []
        for index, step in items:
            copy = copies.get(step.code)
            why = None
            if copy is not None:  # no copy: the writer rejects it as an unknown dossier
                why = self.refusal(copy[1], copy[0], None, _vn(copy[2]))
            if why is None:
                allowed.append((index, step))
            else:
                refused.append((index, self.error(index, step.code, why)))
        return allowed, refused

    # -- names for messages (refusals only) ------------------------------------------------------
    def _agency(self, agency_id: int | None) -> str:
        return self._name("agencies", Agency, agency_id)

    def _procedure(self, procedure_id: int | None) -> str:
        return self._name("procedures", Procedure, procedure_id)

    def _name(self, kind: str, model: type[Agency] | type[Procedure], pk: int | None) -> str:
        if pk is None:
            return "(none)"
        names = self._names.get(kind)
        if names is None:
            table = getattr(self.ctx, kind, None)
            names = self._names[kind] = {v: k for k, v in table.items()} if table else {}
        if pk not in names:
            names[pk] = model.objects.filter(pk=pk).values_list("code", flat=True).first() or f"#{pk}"
        return names[pk]


def _agencies_under(owner: Agency) -> frozenset[int]:
    """The owner's subtree plus the subtrees of the agencies merged into it (one prefix query per
    merger generation)."""
    ids = set(Agency.objects.subtree(owner).values_list("pk", flat=True))
    merged = Agency.objects.filter(successor__path__startswith=owner.path).exclude(
        path__startswith=owner.path
    )
    for _ in range(MERGER_DEPTH):
        paths = list(merged.values_list("path", flat=True))
        if not paths:
            break
        frontier = set(Agency.objects.subtrees(paths).values_list("pk", flat=True)) - ids
        ids |= frontier
        merged = Agency.objects.filter(successor_id__in=frontier).exclude(pk__in=ids)
    return frozenset(ids)


def _vn(moment: datetime | None) -> str | None:
    return None if moment is None else (moment.astimezone(UTC) + timedelta(hours=7)).strftime("%Y%m%d%H%M%S")
