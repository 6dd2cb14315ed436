"""Assessing a procedure's readiness: draft → submitted → approved (or returned), in one place.

The transition table is :data:`TRANSITIONS` (from-states, who may fire it); every page, API action and
demo step calls these functions. Approval classifies the procedure (``ready`` when every *required*
criterion is met or not applicable, else ``not_ready``), makes the assessment the current one of its
procedure × system and marks the previous current one as superseded by it — the old row and its
results stay untouched (history is never overwritten).

Who: officers (or above) of the procedure's owning ministry assess; its leaders (or above) approve or
return. National administrators and supervisors read everything but act for no ministry, like in the
sync-gap requests (complaints.access); system accounts never act.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import audit, gate
from accounts.audit import AuditContext
from complaints.services.attachments import validate_upload
from core.roles import Role
from core.scope import is_active_user
from reconciliation.models import SourceKind, SourceSystem
from tthc.models import Agency, Procedure

from ..models import (
    Assessment,
    AssessmentState,
    Classification,
    CriteriaSet,
    Criterion,
    CriterionResult,
    Outcome,
    RoadmapStep,
)

#: transition → (from-states, the role needed on the procedure's ministry, the target state)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str, str]] = {
    "submit": ((AssessmentState.DRAFT, AssessmentState.RETURNED), Role.OFFICER, AssessmentState.SUBMITTED),
    "approve": ((AssessmentState.SUBMITTED,), Role.LEADER, AssessmentState.APPROVED),
    "return": ((AssessmentState.SUBMITTED,), Role.LEADER, AssessmentState.RETURNED),
}


@dataclass(frozen=True)
class ResultInput:
    criterion: str  # the criterion's code
    outcome: str
    note: str = ""
    attachment: UploadedFile | None = None


@dataclass(frozen=True)
class StepInput:
    action: str
    due_on: date


def set_in_force(on: date | None = None) -> CriteriaSet | None:
    """The criteria set in force on a date: the latest in force from that date (the example set
    until an official one is entered)."""
    return CriteriaSet.objects.in_force(on).first()


def ministry_systems(ministry: Agency) -> QuerySet[SourceSystem]:
    """The centralized systems of a ministry (owned by it or one of its units)."""
    return SourceSystem.objects.filter(kind=SourceKind.MINISTRY, owner__path__startswith=ministry.path)


def _role(user: Any, ministry: Agency) -> str | None:
    if not is_active_user(user) or getattr(user, "is_system", False) or gate.is_national(user):
        return None
    return gate.role_on(user, ministry)


def may_act(user: Any, ministry: Agency, min_role: str) -> bool:
    return Role.rank(_role(user, ministry)) >= Role.rank(min_role)


def may_assess(user: Any, ministry: Agency) -> bool:
    return may_act(user, ministry, Role.OFFICER)


def may_decide(user: Any, ministry: Agency) -> bool:
    return may_act(user, ministry, Role.LEADER)


def available_transitions(user: Any, assessment: Assessment) -> list[str]:
    return [
        name
        for name, (sources, role, _target) in TRANSITIONS.items()
        if assessment.state in sources and may_act(user, assessment.ministry, role)
    ]


def _deny(user: Any, what: str, reason: str, ministry: Agency, context: AuditContext | None) -> None:
    audit.record_denial(user, what, reason, agency=ministry, context=context)
    raise PermissionDenied(reason)


def classify(results: Iterable[tuple[bool, str]]) -> str:
    """``ready`` when every required criterion is met or not applicable; ``(required, outcome)`` pairs."""
    for required, outcome in results:
        if required and outcome == Outcome.NOT_MET:
            return Classification.NOT_READY
    return Classification.READY


def _check_results(criteria_set: CriteriaSet, results: Sequence[ResultInput]) -> dict[str, Criterion]:
    criteria = {c.code: c for c in criteria_set.criteria.all()}
    seen: set[str] = set()
    errors: list[str] = []
    for row in results:
        if row.criterion not in criteria:
            errors.append(
                _("Criterion %(code)s is not in the set %(set)s.")
                % {"code": row.criterion, "set": criteria_set}
            )
        elif row.criterion in seen:
            errors.append(_("Criterion %(code)s is given twice.") % {"code": row.criterion})
        if not row.outcome:
            errors.append(_("Criterion %(code)s: choose an outcome.") % {"code": row.criterion})
        elif row.outcome not in Outcome.values:
            errors.append(
                _("Criterion %(code)s: unknown outcome %(outcome)r (expected one of %(values)s).")
                % {"code": row.criterion, "outcome": row.outcome, "values": ", ".join(Outcome.values)}
            )
        seen.add(row.criterion)
    if errors:
        raise ValidationError({"results": errors})
    return criteria


def create_assessment(
    procedure: Procedure,
    system: SourceSystem,
    user: Any,
    results: Sequence[ResultInput],
    *,
    planned_ready_on: date | None = None,
    steps: Sequence[StepInput] = (),
    note: str = "",
    criteria_set: CriteriaSet | None = None,
    submit: bool = False,
    context: AuditContext | None = None,
) -> Assessment:
    """A new assessment (a draft, or submitted at once with ``submit``) by an officer of the
    procedure's ministry. Raises ``PermissionDenied`` for anyone else, ``ValidationError`` naming the
    field for bad input; nothing is written then."""
    ministry = procedure.ministry
    if not may_assess(user, ministry):
        _deny(
            user,
            f"assess {procedure.code}",
            _("Only officers of %(ministry)s assess its procedures.") % {"ministry": ministry.name},
            ministry,
            context,
        )
    if not ministry_systems(ministry).filter(pk=system.pk).exists():
        raise ValidationError(
            {
                "system": _("%(system)s is not a centralized system of %(ministry)s.")
                % {"system": system.code, "ministry": ministry.name}
            }
        )
    criteria_set = criteria_set or set_in_force()
    if criteria_set is None:
        raise ValidationError({"criteria_set": _("No criteria set is in force.")})
    criteria = _check_results(criteria_set, results)
    uploads = {r.criterion: validate_upload(r.attachment) for r in results if r.attachment is not None}
    with transaction.atomic():
        assessment = Assessment.objects.create(
            procedure=procedure,
            ministry=ministry,
            system=system,
            criteria_set=criteria_set,
            planned_ready_on=planned_ready_on,
            note=note,
            created_by=user,
        )
        for row in results:
            result = CriterionResult(
                assessment=assessment, criterion=criteria[row.criterion], outcome=row.outcome, note=row.note
            )
            if row.attachment is not None:
                result.attachment.save(row.attachment.name or "file", row.attachment, save=False)
                result.attachment_name = (row.attachment.name or "file")[:255]
                result.attachment_type = uploads[row.criterion]
            result.save()
        RoadmapStep.objects.bulk_create(
            RoadmapStep(assessment=assessment, order=i, action=s.action, due_on=s.due_on)
            for i, s in enumerate(steps, start=1)
        )
        audit.record(
            "readiness.assess",
            actor=user,
            target=assessment,
            agency=ministry,
            details={"procedure": procedure.code, "system": system.code, "set": criteria_set.pk},
            context=context,
        )
        if submit:
            assessment = transition(assessment, "submit", user, context=context)
    return assessment


def _lock(assessment_id: int) -> Assessment:
    return (
        Assessment.objects.select_for_update()
        .select_related("ministry", "criteria_set")
        .get(pk=assessment_id)
    )


def _guard_submit(assessment: Assessment) -> str:
    rows = list(assessment.results.values_list("criterion__required", "outcome"))
    missing = assessment.criteria_set.criteria.exclude(
        pk__in=assessment.results.values("criterion_id")
    ).values_list("code", flat=True)
    if missing:
        raise ValidationError(
            {"results": _("No result for criteria: %(codes)s.") % {"codes": ", ".join(missing)}}
        )
    classification = classify(rows)
    if classification == Classification.NOT_READY:
        if assessment.planned_ready_on is None:
            raise ValidationError(
                {
                    "planned_ready_on": _(
                        "A procedure that is not ready needs the planned date it will be ready."
                    )
                }
            )
        if not assessment.steps.exists():
            raise ValidationError(
                {"steps": _("A procedure that is not ready needs the steps of its roadmap.")}
            )
    return classification


def transition(
    assessment: Assessment, name: str, user: Any, *, comment: str = "", context: AuditContext | None = None
) -> Assessment:
    """Fire ``submit``, ``approve`` or ``return`` (the table says from where and who)."""
    if name not in TRANSITIONS:
        raise ValidationError({"transition": _("Unknown transition %(name)r.") % {"name": name}})
    sources, role, target = TRANSITIONS[name]
    with transaction.atomic():
        locked = _lock(assessment.pk)
        if not may_act(user, locked.ministry, role):
            _deny(
                user,
                f"{name} assessment {locked.pk}",
                _("This step needs a %(role)s of %(ministry)s.")
                % {"role": Role(role).label, "ministry": locked.ministry.name},
                locked.ministry,
                context,
            )
        if locked.state not in sources:
            raise ValidationError(
                {
                    "state": _("An assessment in state “%(state)s” does not allow “%(name)s”.")
                    % {"state": locked.get_state_display(), "name": name}
                }
            )
        now = timezone.now()
        if name == "submit":
            locked.classification = _guard_submit(locked)
            locked.submitted_at = now
        else:
            locked.decided_by, locked.decided_at, locked.decision_comment = user, now, comment
        if name == "approve":
            locked.classification = _guard_submit(locked)
            previous = (
                Assessment.objects.select_for_update()
                .filter(procedure_id=locked.procedure_id, system_id=locked.system_id, is_current=True)
                .first()
            )
            if previous is not None:
                previous.is_current = False
                previous.superseded_by = locked
                previous.save(update_fields=["is_current", "superseded_by"])
            locked.is_current = True
        locked.state = target
        locked.save()
        audit.record(
            f"readiness.{name}",
            actor=user,
            target=locked,
            agency=locked.ministry,
            details={"to": target, "classification": locked.classification, "comment": comment[:500]},
            context=context,
        )
    return locked


def history(assessment: Assessment) -> QuerySet[Assessment]:
    """Every assessment of the same procedure on the same system, newest first."""
    return (
        Assessment.objects.filter(procedure_id=assessment.procedure_id, system_id=assessment.system_id)
        .select_related("created_by", "decided_by", "criteria_set")
        .order_by("-created_at", "-pk")
    )
