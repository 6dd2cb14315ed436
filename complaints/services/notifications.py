"""Notifications: stored in-app (with unread counts) and e-mailed through Django's mail framework.

Rows are written inside the caller's transaction; the e-mails are queued with
``core.outbox`` (sent on commit) so nobody is told about a change that rolled back, and are sent by a Celery
task with capped retries (``complaints.tasks.send_notification_email``). The task is idempotent:
``emailed_at`` is checked under a row lock, so a retried or duplicated task sends once.

Who is told: the users holding an officer-or-above role on the agency itself (the province; the
ministry and the agency owning the system; the supervising bodies and what lies under them), plus
the case's assignees — never national administrators by role alone, never system accounts, never
the person who made the change.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Role, RoleAssignment, User
from core import outbox
from tthc.models import Agency

from ..models import Notification, NotificationKind, RequestEvent, SyncGapRequest

log = logging.getLogger(__name__)

#: Roles that receive case mail (administrators of a unit are leaders too).
WORKING_ROLES = [
    r for r in Role.values if Role.rank(r) >= Role.rank(Role.OFFICER) and r != Role.NATIONAL_ADMIN
]


def _users(assignments: QuerySet[RoleAssignment]) -> list[User]:
    return list(
        User.objects.filter(is_active=True, is_system=False, pk__in=assignments.values("user_id")).order_by(
            "pk"
        )
    )


def agency_users(agencies: Iterable[Agency | None]) -> list[User]:
    """Users with a working role on one of ``agencies`` themselves."""
    ids = [a.pk for a in agencies if a is not None]
    return _users(RoleAssignment.objects.active().filter(agency_id__in=ids, role__in=WORKING_ROLES))


def province_users(case: SyncGapRequest) -> list[User]:
    return _merge(agency_users([case.province]), [case.province_assignee])


def ministry_users(case: SyncGapRequest) -> list[User]:
    return _merge(agency_users(case.addressee_agencies), [case.ministry_assignee])


def supervisor_users() -> list[User]:
    from ..access import supervisor_paths

    q = Q(pk__in=[])
    for path in supervisor_paths():
        q |= Q(agency__path__startswith=path)
    return _users(RoleAssignment.objects.active().filter(q, role__in=WORKING_ROLES))


def _merge(*groups: Iterable[User | None]) -> list[User]:
    seen: set[int] = set()
    out: list[User] = []
    for group in groups:
        for user in group:
            if user is not None and user.is_active and not user.is_system and user.pk not in seen:
                seen.add(user.pk)
                out.append(user)
    return out


def case_url(case: SyncGapRequest) -> str:
    return reverse("complaints:detail", args=[case.pk])


def notify(
    recipients: Iterable[User | None],
    kind: str,
    subject: str,
    body: str = "",
    *,
    case: SyncGapRequest | None = None,
    url: str = "",
    exclude: Any = None,
) -> int:
    """Store one notification per recipient and queue their e-mails for after the commit."""
    users = [u for u in _merge(recipients) if exclude is None or u.pk != getattr(exclude, "pk", None)]
    if not users:
        return 0
    now = timezone.now()
    url = url or (case_url(case) if case is not None else "")
    rows = Notification.objects.bulk_create(
        [
            Notification(
                recipient=u,
                kind=kind,
                request=case,
                subject=subject[:255],
                body=body,
                url=url,
                created_at=now,
            )
            for u in users
        ]
    )
    ids = [n.pk for n, u in zip(rows, users, strict=True) if u.email]
    # Recorded in this transaction, sent on commit (core/outbox.py: nothing lost if Redis is down).
    outbox.enqueue_many("complaints.tasks.send_notification_email", [[pk] for pk in ids], robust=True)
    return len(users)


def send_email(notification_id: int) -> bool:
    """Send one notification's e-mail unless it was already sent; raises on a mail failure."""
    try:
        with transaction.atomic():
            n = (
                Notification.objects.select_for_update()
                .select_related("recipient")
                .filter(pk=notification_id)
                .first()
            )
            if n is None or n.emailed_at is not None or not n.recipient.email:
                return False
            link = f"{settings.TTHC_REQUEST_SITE_URL}{n.url}" if n.url else ""
            text = "\n\n".join(part for part in (n.body, link) if part)
            send_mail(n.subject, text, settings.DEFAULT_FROM_EMAIL, [n.recipient.email])
            n.emailed_at = timezone.now()
            n.email_attempts += 1
            n.email_error = ""
            n.save(update_fields=["emailed_at", "email_attempts", "email_error"])
            return True
    except Exception as exc:
        _record_failure(notification_id, f"{type(exc).__name__}: {exc}"[:255])
        raise


def _record_failure(pk: int, error: str) -> None:
    from django.db.models import F

    Notification.objects.filter(pk=pk).update(email_attempts=F("email_attempts") + 1, email_error=error)


def mark_read(user: Any, ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.for_user(user).unread()
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())


def mark_case_read(user: Any, case: SyncGapRequest) -> int:
    """Opening a case reads its notifications: the bell does not keep counting what was seen."""
    return Notification.objects.for_user(user).unread().filter(request=case).update(read_at=timezone.now())


def unread_count(user: Any) -> int:
    return Notification.objects.for_user(user).unread().count()


# --- Messages ---------------------------------------------------------------------------------------
def _lang() -> translation.override:
    return translation.override(settings.LANGUAGE_CODE)


def on_transition(case: SyncGapRequest, event: RequestEvent, actor: Any = None) -> int:
    """Tell the other side (and, for escalations and closures, everyone concerned) about a transition."""
    from ..workflow import WORKFLOW, State

    with _lang():
        to_label, from_label = WORKFLOW.label(event.to_state), WORKFLOW.label(event.from_state)
        subject = _("[%(ref)s] %(state)s: %(system)s — %(province)s") % {
            "ref": case.reference,
            "state": to_label,
            "system": case.system_names,
            "province": case.province.name,
        }
        who = str(actor) if actor is not None else _("The platform")
        body = _("%(who)s moved request %(ref)s (%(subject)s) from “%(from)s” to “%(to)s”.") % {
            "who": who,
            "ref": case.reference,
            "subject": case.subject,
            "from": from_label,
            "to": to_label,
        }
        if event.comment:
            body += "\n\n" + event.comment
        reason = (event.fields or {}).get("reason")
        if reason:
            body += "\n\n" + _("Reason: %(reason)s") % {"reason": reason}
        target = event.to_state
        if target == State.DISCARDED:
            return 0
        if target in (State.SUBMITTED,):
            recipients = ministry_users(case)
        elif target in (State.REOPENED,):
            kind = NotificationKind.REOPENED if actor is None else NotificationKind.TRANSITION
            return notify(
                _merge(ministry_users(case), province_users(case)),
                kind,
                subject,
                body,
                case=case,
                exclude=actor,
            )
        elif target == State.ESCALATED:
            recipients = _merge(supervisor_users(), ministry_users(case), province_users(case))
            return notify(recipients, NotificationKind.ESCALATION, subject, body, case=case, exclude=actor)
        elif target in (State.VERIFIED_CLOSED, State.CLOSED):
            recipients = _merge(province_users(case), ministry_users(case))
        else:  # the ministry moved: acknowledged, in progress, answered, rejected
            recipients = province_users(case)
        return notify(recipients, NotificationKind.TRANSITION, subject, body, case=case, exclude=actor)


def chase_message(case: SyncGapRequest, stage: str) -> tuple[str, str]:
    from ..models import ChaseStage
    from .deadlines import local_date

    assert case.response_due_at is not None  # chased cases await the ministry: they have a deadline
    with _lang():
        due = local_date(case.response_due_at).strftime("%d/%m/%Y")
        params = {
            "ref": case.reference,
            "due": due,
            "ministry": case.ministry.name,
            "province": case.province.name,
            "system": case.system_names,
        }
        if stage == ChaseStage.REMINDER:
            subject = _("[%(ref)s] Reminder: the answer to %(province)s is due on %(due)s") % params
        else:
            subject = _("[%(ref)s] The answer to %(province)s is due today (%(due)s)") % params
        body = _("Request %(ref)s from %(province)s about %(system)s must be answered by %(due)s.") % params
        return subject, body
