"""Chasing ministries: reminders, deadline notices, escalations and weekly digests — each exactly once.

``chase_overdue(now)`` is what the hourly beat task and ``manage.py chase_overdue`` run. Each stage
has a window between the stored moments of the case (``reminder_at`` ≤ now < ``notice_at`` for the
reminder, ``notice_at`` ≤ now < ``escalation_at`` for the deadline notice, ``escalation_at`` ≤ now for
the escalation), so a worker that was down catches up with the stage that is current and does not
send stale ones. A stage is sent under a row lock together with its marker row (unique per case,
stage and deadline round): five runs at the same instant, or two overlapping workers, send it once.

The weekly digest goes to each ministry with cases waiting for it, once per ISO week, from the start
of office hours on the first working day the chase runs in that week.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import audit
from tthc import calendar
from tthc.models import Agency

from ..models import ChaseMarker, ChaseStage, DigestMarker, EventKind, SyncGapRequest
from ..workflow import AWAITING_MINISTRY, State
from . import notifications
from .deadlines import local_date, office_start
from .requests import _event, _lock, transition

DIGEST_STATES = (*AWAITING_MINISTRY, State.ESCALATED)

#: Other apps' deadline chasers, run in every pass (apps above complaints register theirs in their
#: ``AppConfig.ready``, e.g. readiness' classification deadline): ``chaser(now) -> {count name: n}``.
CHASERS: list[Callable[[datetime], dict[str, int]]] = []


def register_chaser(chaser: Callable[[datetime], dict[str, int]]) -> None:
    if chaser not in CHASERS:
        CHASERS.append(chaser)


def _window(stage: str) -> tuple[str, str | None]:
    """The case fields bounding a stage's window: (from, until)."""
    windows: dict[str, tuple[str, str | None]] = {
        ChaseStage.REMINDER: ("reminder_at", "notice_at"),
        ChaseStage.DEADLINE: ("notice_at", "escalation_at"),
        ChaseStage.ESCALATION: ("escalation_at", None),
    }
    return windows[stage]


def _in_window(case: SyncGapRequest, stage: str, now: datetime) -> bool:
    start, end = _window(stage)
    start_at, end_at = getattr(case, start), getattr(case, end) if end else None
    return start_at is not None and start_at <= now and (end_at is None or now < end_at)


def due_cases(stage: str, now: datetime) -> QuerySet[SyncGapRequest]:
    start, end = _window(stage)
    sent = ChaseMarker.objects.filter(request=OuterRef("pk"), stage=stage, round=OuterRef("deadline_round"))
    qs = SyncGapRequest.objects.awaiting_ministry().filter(**{f"{start}__lte": now}).exclude(Exists(sent))
    if end:
        qs = qs.filter(**{f"{end}__gt": now})
    return qs.order_by("response_due_at", "pk")


def _claim(case: SyncGapRequest, stage: str, now: datetime) -> ChaseMarker | None:
    try:
        with transaction.atomic():
            return ChaseMarker.objects.create(
                request=case, stage=stage, round=case.deadline_round, sent_at=now
            )
    except IntegrityError:
        return None


def send_stage(case_id: int, stage: str, now: datetime) -> bool:
    """Send one stage of one case if it is (still) due and not yet sent; returns whether it was sent."""
    with transaction.atomic():
        case = _lock(case_id)
        if case.state not in AWAITING_MINISTRY or not _in_window(case, stage, now):
            return False
        marker = _claim(case, stage, now)
        if marker is None:
            return False
        if stage == ChaseStage.ESCALATION:
            # Stored on the timeline, so written in the case's language, not the worker's locale.
            assert case.response_due_at is not None  # every case awaiting the ministry has a deadline
            days = calendar.working_days_between(local_date(case.response_due_at), local_date(now))
            reason = (
                f"Quá {days} ngày làm việc kể từ hạn trả lời {local_date(case.response_due_at):%d/%m/%Y} "
                "mà chưa có phản hồi."
            )
            before = case.notifications.count()
            transition(case, State.ESCALATED, None, now=now, reason=reason)
            marker.recipients = case.notifications.count() - before
        else:
            subject, body = notifications.chase_message(case, stage)
            marker.recipients = notifications.notify(
                notifications.ministry_users(case), stage, subject, body, case=case
            )
            _event(
                case,
                EventKind.CHASE,
                None,
                now,
                fields={"stage": stage, "round": case.deadline_round, "recipients": marker.recipients},
            )
            audit.record(
                "request.chase",
                target=case,
                agency=case.province,
                details={"actor": "system", "stage": stage, "round": case.deadline_round},
            )
        marker.save(update_fields=["recipients"])
        return True


def iso_week(day: date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def send_digests(now: datetime) -> int:
    today = local_date(now)
    if not calendar.is_working_day(today) or now < office_start(today):
        return 0
    week = iso_week(today)
    done = DigestMarker.objects.filter(week=week).values("ministry_id")
    ministry_ids = (
        SyncGapRequest.objects.filter(state__in=DIGEST_STATES)
        .exclude(ministry_id__in=done)
        .order_by()
        .values_list("ministry_id", flat=True)
        .distinct()
    )
    sent = 0
    for ministry in Agency.objects.filter(pk__in=list(ministry_ids)).order_by("code"):
        if send_digest(ministry, week, now):
            sent += 1
    return sent


def send_digest(ministry: Agency, week: str, now: datetime) -> bool:
    with transaction.atomic():
        try:
            with transaction.atomic():
                marker = DigestMarker.objects.create(ministry=ministry, week=week, sent_at=now)
        except IntegrityError:
            return False
        cases = list(
            SyncGapRequest.objects.filter(ministry=ministry, state__in=DIGEST_STATES)
            .select_related("province", "ministry_assignee")
            .order_by("response_due_at", "pk")
        )
        marker.cases = len(cases)
        marker.save(update_fields=["cases"])
        if not cases:
            return True
        recipients = notifications.agency_users([ministry, *{a for c in cases for a in c.addressee_agencies}])
        recipients = notifications._merge(recipients, [c.ministry_assignee for c in cases])
        with notifications._lang():
            subject = _("Weekly digest %(week)s: %(n)s open sync-gap requests for %(ministry)s") % {
                "week": week,
                "n": len(cases),
                "ministry": ministry.name,
            }
            lines = []
            for c in cases:
                assert c.response_due_at is not None  # submitted cases have a deadline
                overdue = _(" — OVERDUE") if c.is_overdue(now) else ""
                lines.append(
                    _("%(ref)s %(province)s, %(system)s: %(state)s, due %(due)s%(overdue)s")
                    % {
                        "ref": c.reference,
                        "province": c.province.name,
                        "system": c.system_names,
                        "state": c.get_state_display(),
                        "due": f"{local_date(c.response_due_at):%d/%m/%Y}",
                        "overdue": overdue,
                    }
                )
        notifications.notify(recipients, "digest", subject, "\n".join(lines), url=_inbox_url())
        return True


def _inbox_url() -> str:
    from django.urls import reverse

    return reverse("complaints:inbox")


def chase_overdue(now: datetime | None = None) -> dict[str, int]:
    """One chasing pass; returns what this pass sent."""
    now = now or timezone.now()
    counts = {"reminders": 0, "deadline_notices": 0, "escalations": 0, "digests": 0}
    for stage, key in (
        (ChaseStage.REMINDER, "reminders"),
        (ChaseStage.DEADLINE, "deadline_notices"),
        (ChaseStage.ESCALATION, "escalations"),
    ):
        for case_id in list(due_cases(stage, now).values_list("pk", flat=True)):
            if send_stage(case_id, stage, now):
                counts[key] += 1
    counts["digests"] = send_digests(now)
    for chaser in CHASERS:  # their counts are reported when something was sent
        counts.update({key: n for key, n in chaser(now).items() if n})
    return counts
