"""The demo's requests: this month's drafts, and last month's requests carried through the workflow.

Runs after the demo's reconciliation of the latest months:

1. **This month's drafts.** One request per province × ministry system whose run for the month just
   closed exceeds the threshold — what the beat does on the 1st — so a province leader finds this
   month's drafts on the review page.
2. **The month before, as it went.** For the provinces with demo logins (Hà Nội, Đà Nẵng), that
   month's requests are drafted on the 1st, signed by the province's demo leader two working days
   later, and then played through the real services with the moments they would have happened at:
   the Ministry of Finance (whose officers have demo logins) acknowledges the first, answers it
   ("explained") and leaves the province's leader to accept or reopen it; it starts fixing the
   second with a plan but never answers it; the ministries without demo logins stay silent. The
   silent and the late cases get what the chasing worker sends (``chasing.send_stage``: reminder,
   deadline notice, escalation to the supervisors) at the moments it would have sent them, and a
   national supervisor closes one escalated case. So every role finds a case in every stage: a
   ministry officer an overdue case, a supervisor the escalations, a leader an answer to decide.
3. **One request sent this month**: the province of Đà Nẵng's draft to the Ministry of Finance is
   signed on the previous working day (or right after it was drafted, if that is later), so the
   ministry's inbox holds a case within its deadline.

Idempotent and deterministic: each case's steps continue from the state it is in (a case a demo
user moved elsewhere is left alone), the chasing stages are claimed once, and the moments derive
from the period. The notifications of the played steps are dated when the step happened and marked
read (the people have long read them); the timeline carries the step's time, and the audit log says
that the demo seed wrote it (source ``seed_demo``), when it did.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from accounts.models import User
from complaints.models import ChaseStage, EventKind, Notification, SyncGapRequest
from complaints.services import chasing, deadlines
from complaints.services.preparation import prepare_requests
from complaints.services.requests import transition
from complaints.workflow import AWAITING_MINISTRY, Resolution, State
from reconciliation.models import ReconciliationRun
from tthc import calendar
from tthc.periods import Period

from .accounts import CONTEXT

#: Provinces and ministries with demo logins (``demo.accounts.PLACES``): the users who act.
PROVINCE_LOGINS = {"01": "hn", "48": "dn"}
MINISTRY_LOGINS = {"BTC": "btc", "BTP": "btp"}
#: A national supervisor (``national.admin`` is one: docs/domain.md#states-and-transitions).
SUPERVISOR_LOGIN = "national.admin"

FIX_PLAN = (
    "Nâng cấp dịch vụ đồng bộ trạng thái hồ sơ của Hệ thống với Cổng Dịch vụ công quốc gia; "
    "đồng bộ lại toàn bộ hồ sơ của tháng trong danh sách kèm theo."
)
ANSWER = (
    "Bộ đã rà soát danh sách hồ sơ kèm theo: các hồ sơ này do Bộ tiếp nhận và giải quyết trực tiếp "
    "trên Hệ thống của Bộ, không do Tỉnh tiếp nhận; trạng thái trên Cổng Dịch vụ công quốc gia là đúng. "
    "Đề nghị Tỉnh không tính các hồ sơ này vào kiến nghị."
)
SUPERVISOR_CLOSING = (
    "Đã làm việc trực tiếp với Bộ; Bộ cam kết đồng bộ lại dữ liệu trong kỳ đối soát tiếp theo. "
    "Đóng kiến nghị, theo dõi tiếp qua kết quả đối soát tháng sau."
)


@dataclass(frozen=True)
class Step:
    """One move of a case: to ``target`` by ``login`` (``None``: the platform) at ``at``."""

    target: str
    login: str | None
    at: datetime
    fields: dict[str, Any] = field(default_factory=dict)


def _at(day, hour: int, minute: int = 0) -> datetime:
    """``hour:minute`` local time on working day ``day``."""
    return deadlines.midnight(day) + timedelta(hours=hour, minutes=minute)


def _users(logins) -> dict[str, User]:
    return {u.username: u for u in User.objects.filter(username__in=logins)}


def _apply(
    case: SyncGapRequest, steps: list[Step], users: dict[str, User], now: datetime, start: str = State.DRAFT
) -> int:
    """Apply the steps that follow the case's current state (from ``start``) and have happened by ``now``."""
    applied, expected = 0, start
    for step in steps:
        if step.at > now:
            break
        case.refresh_from_db()
        if case.state == step.target:
            expected = step.target
            continue
        if case.state != expected:
            break  # someone moved it elsewhere: leave it alone
        user = users.get(step.login) if step.login else None
        if step.login and user is None:
            break  # a demo login was removed
        transition(case, step.target, user, now=step.at, context=CONTEXT, **step.fields)
        _date_notifications(case, step.at)
        applied += 1
        expected = step.target
    return applied


def _chase(case: SyncGapRequest, now: datetime) -> int:
    """What the chasing worker sends a case awaiting the ministry, at the moments it would have."""
    sent = 0
    for stage, moment in (
        (ChaseStage.REMINDER, "reminder_at"),
        (ChaseStage.DEADLINE, "notice_at"),
        (ChaseStage.ESCALATION, "escalation_at"),
    ):
        case.refresh_from_db()
        at = getattr(case, moment)
        if at is None or at > now or case.state not in AWAITING_MINISTRY:
            break
        if chasing.send_stage(case.pk, stage, at):
            _date_notifications(case, at)
            sent += 1
    return sent


def _date_notifications(case: SyncGapRequest, at: datetime) -> None:
    """The step's notifications, dated when it happened and read since (replayed history)."""
    Notification.objects.filter(request=case, created_at__gt=at + timedelta(hours=1)).update(
        created_at=at, read_at=at + timedelta(hours=2)
    )


def _previous_month(period: Period, now: datetime, users: dict[str, User]) -> dict[str, int]:
    prepared_on = calendar.next_working_day(period.next_first_day)
    prepared_at = _at(prepared_on, 7)
    signed_on = calendar.add_working_days(prepared_on, 2)

    def day(n: int):
        """The ``n``-th working day after the signing."""
        return calendar.add_working_days(signed_on, n)

    cases = []
    for code in PROVINCE_LOGINS:
        if (
            prepared_at <= now
            and not SyncGapRequest.objects.filter(period=period, province__code=code).exists()
        ):
            # The runs the drafts were made from ran the night before (a run newer than a draft's
            # evidence would, rightly, refresh it when the draft is signed).
            ReconciliationRun.objects.filter(period=period, province__code=code).update(
                started_at=prepared_at - timedelta(hours=5), finished_at=prepared_at - timedelta(hours=4)
            )
            prepare_requests(period, now=prepared_at, province=code)
        cases += SyncGapRequest.objects.filter(period=period, province__code=code).select_related(
            "province", "ministry"
        )
    cases.sort(key=lambda c: (c.province.code, c.ministry.code))
    counts = {"played": 0, "transitions": 0, "chases": 0}
    with_logins = 0
    for case in cases:
        leader = f"{PROVINCE_LOGINS[case.province.code]}.leader"
        steps = [Step(State.SUBMITTED, leader, _at(signed_on, 9, 30))]
        officer = MINISTRY_LOGINS.get(case.ministry.code)
        if officer:
            officer = f"{officer}.officer"
            steps.append(Step(State.ACKNOWLEDGED, officer, _at(day(1), 10)))
            if with_logins % 2 == 0:  # answered: the province decides
                steps.append(
                    Step(
                        State.ANSWERED,
                        officer,
                        _at(day(6), 15),
                        {"answer": ANSWER, "resolution": Resolution.EXPLAINED},
                    )
                )
            else:  # a plan, then silence: overdue and escalated
                steps.append(
                    Step(
                        State.IN_PROGRESS,
                        officer,
                        _at(day(2), 14),
                        {"fix_plan": FIX_PLAN, "target_date": calendar.add_working_days(day(2), 15)},
                    )
                )
            with_logins += 1
        counts["transitions"] += _apply(case, steps, users, now)
        counts["chases"] += _chase(case, now)
        counts["played"] += 1
    # A supervisor closes the first escalated case of a ministry without demo logins, a week later.
    escalated = [c for c in cases if c.ministry.code not in MINISTRY_LOGINS]
    for case in escalated[:1]:
        case.refresh_from_db()
        if case.state == State.ESCALATED and case.escalated_at:
            closing = Step(
                State.CLOSED,
                SUPERVISOR_LOGIN,
                _at(calendar.add_working_days(deadlines.local_date(case.escalated_at), 5), 16),
                {"reason": SUPERVISOR_CLOSING},
            )
            counts["transitions"] += _apply(case, [closing], users, now, start=State.ESCALATED)
    return counts


def _sent_this_month(period: Period, now: datetime, users: dict[str, User]) -> int:
    """Đà Nẵng's draft to the Ministry of Finance, signed on the previous working day (or, when the
    draft is younger than that, right after it was drafted: a timeline never runs backwards)."""
    signed_on = calendar.add_working_days(deadlines.local_date(now), -1)
    first = calendar.next_working_day(period.next_first_day)
    if signed_on <= first:
        return 0  # too early in the month: the drafts are still being reviewed
    province, ministry = "48", "BTC"
    case = SyncGapRequest.objects.filter(
        period=period, province__code=province, ministry__code=ministry
    ).first()
    if case is None:
        return 0
    drafted = case.events.filter(kind=EventKind.CREATED).values_list("at", flat=True).first() or now
    signed_at = min(max(_at(signed_on, 9, 30), drafted + timedelta(minutes=10)), now)
    leader = f"{PROVINCE_LOGINS[province]}.leader"
    return _apply(case, [Step(State.SUBMITTED, leader, signed_at)], users, now)


def seed_demo_requests(seed: int = 766, now: datetime | None = None) -> dict:
    now = now or timezone.now()
    period = Period.last_closed(now)
    created = prepare_requests(period, now=now)
    logins = [f"{p}.leader" for p in PROVINCE_LOGINS.values()] + [
        f"{m}.officer" for m in MINISTRY_LOGINS.values()
    ]
    users = _users([*logins, SUPERVISOR_LOGIN])
    history = _previous_month(period.previous(), now, users)
    sent = _sent_this_month(period, now, users)
    return {"period": str(period), "drafts_created": len(created), "previous_month": history, "sent": sent}
