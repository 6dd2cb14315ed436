"""Handling citizen feedback with the case machinery: the same transition check, timeline row, audit
row in one transaction, and notifications after commit as sync-gap requests.

The item stores its own deadlines (``Feedback.save``, through
``complaints.services.deadlines.feedback_deadlines`` — including the publishing deadline that starts
with the answer); this module only moves it through ``complaints.feedback_workflow``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import audit, gate
from accounts.audit import AuditContext
from accounts.models import Role
from core.scope import is_active_user

from ..feedback_workflow import (
    AGENCY_LEADER,
    AGENCY_OFFICER,
    FEEDBACK_WORKFLOW,
    STAMPS,
    FeedbackState,
    state_of,
)
from ..machine import Context, Transition, TransitionDenied
from ..models import EventKind, Feedback, FeedbackEvent
from . import notifications
from .deadlines import local_date
from .requests import _jsonable

AUDIT_TRANSITION = "feedback.transition"


def actors_for(user: Any, feedback: Feedback) -> frozenset[str]:
    if not is_active_user(user) or user.is_system:
        return frozenset()
    if gate.is_national(user):
        return frozenset()
    role = Role.rank(gate.role_on(user, feedback.agency))
    actors: set[str] = set()
    if role >= Role.rank(Role.OFFICER):
        actors.add(AGENCY_OFFICER)
    if role >= Role.rank(Role.LEADER):
        actors.add(AGENCY_LEADER)
    return frozenset(actors)


def available_transitions(feedback: Feedback, user: Any, now: datetime | None = None) -> list[Transition]:
    return FEEDBACK_WORKFLOW.available(
        feedback, state_of(feedback), Context(actors_for(user, feedback), now or timezone.now())
    )


def transition(
    feedback: Feedback,
    target: str,
    user: Any,
    *,
    comment: str = "",
    now: datetime | None = None,
    context: AuditContext | None = None,
    **fields: Any,
) -> Feedback:
    """Move a feedback item to ``target`` (stamping its handling date) as ``user``."""
    now = now or timezone.now()
    try:
        with transaction.atomic():
            locked = (
                Feedback.objects.select_for_update(of=("self",)).select_related("agency").get(pk=feedback.pk)
            )
            source = state_of(locked)
            rule = FEEDBACK_WORKFLOW.check(
                locked, source, str(target), Context(actors_for(user, locked), now)
            )
            cleaned = rule.clean(fields, local_date(now))
            setattr(locked, STAMPS[rule.target], now)
            locked.full_clean(exclude=["refuse_due_at", "ask_more_due_at", "answer_due_at", "publish_due_at"])
            locked.save()  # the item recomputes its stored deadlines (publishing starts with the answer)
            FeedbackEvent.objects.create(
                feedback=locked,
                kind=EventKind.TRANSITION,
                actor=user,
                at=now,
                from_state=source,
                to_state=rule.target,
                comment=comment or "",
                fields=_jsonable(cleaned),
            )
            audit.record(
                AUDIT_TRANSITION,
                actor=user,
                target=locked,
                agency=locked.agency,
                context=context,
                details=_jsonable({"from": source, "to": rule.target, **cleaned}),
            )
            if rule.target == FeedbackState.ANSWERED:
                leaders = [
                    u
                    for u in notifications.agency_users([locked.agency])
                    if AGENCY_LEADER in actors_for(u, locked)
                ]
                with notifications._lang():
                    subject = _("Feedback %(code)s answered: publish the answer by %(due)s") % {
                        "code": locked.code,
                        "due": f"{timezone.localtime(locked.publish_due_at):%d/%m/%Y %H:%M}",
                    }
                notifications.notify(leaders, "transition", subject, cleaned.get("answer", ""), exclude=user)
    except TransitionDenied as exc:
        audit.record_denial(
            user,
            AUDIT_TRANSITION,
            exc,
            target=feedback,
            agency=feedback.agency,
            context=context,
            details={"to": str(target)},
        )
        raise
    return locked
