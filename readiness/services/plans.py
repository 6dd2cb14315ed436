"""Province plans: a province records how it adjusts its own system for a listed not-ready procedure."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts import audit
from accounts.audit import AuditContext
from core.roles import Role
from reconciliation.models import SourceSystem
from tthc.models import Agency, AgencyKind, Procedure

from ..models import Assessment, PlanStatus, ProvincePlan
from .assessments import may_act


def save_plan(
    province: Agency,
    procedure: Procedure,
    system: SourceSystem,
    user: Any,
    *,
    action: str,
    owner_unit: str,
    target_on: date,
    status: str = PlanStatus.PLANNED,
    context: AuditContext | None = None,
) -> ProvincePlan:
    """Create or update (idempotently) the province's plan for one listed procedure × system.

    Officers (or above) of the province itself write it; only a procedure on the published list
    (current, not ready) can be planned for."""
    if province.kind != AgencyKind.PROVINCE:
        raise ValidationError({"province": _("%(code)s is not a province.") % {"code": province.code}})
    if not may_act(user, province, Role.OFFICER):
        audit.record_denial(user, f"plan {procedure.code}", "not an officer of the province", agency=province)
        raise PermissionDenied(
            _("Only officers of %(province)s record its plan.") % {"province": province.name}
        )
    if not Assessment.objects.not_ready().filter(procedure=procedure, system=system).exists():
        raise ValidationError(
            {"procedure": _("%(code)s is not on the published not-ready list.") % {"code": procedure.code}}
        )
    if status not in PlanStatus.values:
        raise ValidationError({"status": _("Unknown status %(status)r.") % {"status": status}})
    if not action.strip() or not owner_unit.strip():
        raise ValidationError({"action": _("The action and the owner unit are required.")})
    with transaction.atomic():
        plan, created = ProvincePlan.objects.update_or_create(
            province=province,
            procedure=procedure,
            system=system,
            defaults={
                "action": action.strip(),
                "owner_unit": owner_unit.strip(),
                "target_on": target_on,
                "status": status,
                "updated_by": user,
            },
        )
        audit.record(
            "readiness.plan",
            actor=user,
            target=plan,
            agency=province,
            details={
                "procedure": procedure.code,
                "system": system.code,
                "status": status,
                "created": created,
            },
            context=context,
        )
    return plan
