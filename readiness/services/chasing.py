"""Chasing the classification deadline with complaints' machinery (its hourly ``chase_overdue`` pass).

A criteria set requires ministries to classify their procedures by ``assess_by`` (seed 002: within
June 2026). For each set with a deadline and each ministry that still has procedures without a
current assessment under that set, three stages go out, each once (a :class:`ChaseMarker` row,
unique per set × ministry × stage, written in the same transaction as the notifications):

* a reminder from the start of office hours ``TTHC_READINESS_REMINDER_DAYS`` working days before;
* a notice on the day;
* an escalation ``TTHC_READINESS_ESCALATION_DAYS`` working days after, to the ministry and the
  supervising bodies.

The windows follow complaints' rule: a worker that was down sends the stage that is current, not
the stale ones. Days are counted by ``tthc.calendar`` only.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.models import ChaseStage
from complaints.services import notifications
from complaints.services.deadlines import office_start
from tthc import calendar
from tthc.models import Agency, Procedure

from ..models import Assessment, ChaseMarker, CriteriaSet


def moments(criteria_set: CriteriaSet) -> dict[str, datetime] | None:
    """The start of each stage's window for a set (``None`` without a deadline)."""
    due = criteria_set.assess_by
    if due is None:
        return None
    return {
        ChaseStage.REMINDER: office_start(
            calendar.add_working_days(due, -settings.TTHC_READINESS_REMINDER_DAYS)
        ),
        ChaseStage.DEADLINE: office_start(due),
        ChaseStage.ESCALATION: office_start(
            calendar.add_working_days(due, settings.TTHC_READINESS_ESCALATION_DAYS)
        ),
    }


def current_stage(criteria_set: CriteriaSet, now: datetime) -> str | None:
    starts = moments(criteria_set)
    if starts is None:
        return None
    stage = None
    for name in (ChaseStage.REMINDER, ChaseStage.DEADLINE, ChaseStage.ESCALATION):
        if starts[name] <= now:
            stage = name
    return stage


def pending_by_ministry(criteria_set: CriteriaSet) -> dict[int, int]:
    """Ministry id → procedures with no current assessment under the set (one aggregate query)."""
    assessed = Assessment.objects.filter(
        procedure_id=OuterRef("pk"), is_current=True, criteria_set=criteria_set
    )
    rows = (
        Procedure.objects.alias(_done=Exists(assessed))
        .filter(_done=False, ministry__kind__in=("ministry", "ministry_level"))
        .values("ministry_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("ministry_id", "n")
    )
    return dict(rows)


def _message(stage: str, criteria_set: CriteriaSet, ministry: Agency, pending: int) -> tuple[str, str]:
    with notifications._lang():
        values = {
            "ministry": ministry.name,
            "n": pending,
            "set": str(criteria_set),
            "due": f"{criteria_set.assess_by:%d/%m/%Y}",
        }
        subjects: dict[str, str] = {
            ChaseStage.REMINDER: _("Reminder: %(n)s procedures of %(ministry)s to classify by %(due)s"),
            ChaseStage.DEADLINE: _("Today is the deadline: %(n)s procedures of %(ministry)s not classified"),
            ChaseStage.ESCALATION: _(
                "Escalation: %(ministry)s has %(n)s procedures not classified after %(due)s"
            ),
        }
        body = _(
            "Under the criteria set %(set)s, %(ministry)s must assess and classify its procedures by "
            "%(due)s; %(n)s are not classified yet."
        )
        return subjects[stage] % values, body % values


def send(criteria_set: CriteriaSet, ministry: Agency, stage: str, pending: int, now: datetime) -> bool:
    with transaction.atomic():
        try:
            with transaction.atomic():
                marker = ChaseMarker.objects.create(
                    criteria_set=criteria_set, ministry=ministry, stage=stage, sent_at=now, pending=pending
                )
        except IntegrityError:
            return False
        recipients = notifications.agency_users([ministry])
        if stage == ChaseStage.ESCALATION:
            recipients = notifications._merge(recipients, notifications.supervisor_users())
        subject, body = _message(stage, criteria_set, ministry, pending)
        url = reverse("readiness:ministry", args=[ministry.code])
        marker.recipients = notifications.notify(recipients, str(stage), subject, body, url=url)
        marker.save(update_fields=["recipients"])
    return True


def chase(now: datetime | None = None) -> dict[str, int]:
    """One pass (registered with complaints' ``chase_overdue``): stages sent per kind."""
    now = now or timezone.now()
    counts = {"readiness_reminders": 0, "readiness_notices": 0, "readiness_escalations": 0}
    keys: dict[str, str] = {
        ChaseStage.REMINDER: "readiness_reminders",
        ChaseStage.DEADLINE: "readiness_notices",
        ChaseStage.ESCALATION: "readiness_escalations",
    }
    in_force = CriteriaSet.objects.in_force(timezone.localdate(now)).first()  # older sets are not chased
    for criteria_set in [in_force] if in_force is not None else []:
        stage = current_stage(criteria_set, now)
        if stage is None:
            continue
        done = set(
            ChaseMarker.objects.filter(criteria_set=criteria_set, stage=stage).values_list(
                "ministry_id", flat=True
            )
        )
        pending = {m: n for m, n in pending_by_ministry(criteria_set).items() if m not in done}
        for ministry in Agency.objects.filter(pk__in=list(pending)).order_by("code"):
            if send(criteria_set, ministry, stage, pending[ministry.pk], now):
                counts[keys[stage]] += 1
    return counts
