"""Deadlines of the cases: a request's response deadline and chasing moments, and the handling
deadlines of a citizen feedback item — all from ``tthc.calendar`` (no day counting here).

Requests: the ministry answers within N working days (``TTHC_REQUEST_RESPONSE_DAYS``) counted like
an official letter: from the day the request is received (a request filed after office hours or on a day off
counts as received the next working morning), the Nth working day after it, until the end of that
day's office hours. The chasing moments are the start of office hours on the reminder day (two
working days before), on the deadline day, and on the Nth working day after the deadline
(escalation). They are stored on the case when the deadline is set, so chasing is indexed
comparisons and a changed setting never moves a deadline already communicated.

Feedback (docs/domain.md#citizen-feedback): refuse within 2, ask for more information within 5,
answer within 15 working days of receipt, publish the answer within 2 working days of answering.
Every deadline is ``tthc.calendar.due_at`` (office-time arithmetic, 8 office hours = 1 working day,
receipt after hours counts from the next working morning); ``Feedback.save`` stores them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings

from tthc import calendar


@dataclass(frozen=True)
class Schedule:
    received_on: date
    due_on: date
    due_at: datetime
    reminder_at: datetime
    notice_at: datetime
    escalation_at: datetime


def midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=calendar.VN_TZ)


def office_start(day: date) -> datetime:
    """The first office-hour instant of ``day`` (of the next working day when ``day`` is off)."""
    return calendar.next_office_moment(midnight(day))


def office_end(day: date) -> datetime:
    """The last office-hour instant of working day ``day`` (17:00 with the default hours)."""
    return calendar.add_working_seconds(midnight(day), calendar.working_day_seconds())


def local_date(moment: datetime) -> date:
    return moment.astimezone(calendar.VN_TZ).date()


def schedule(received_at: datetime, days: int | None = None) -> Schedule:
    days = settings.TTHC_REQUEST_RESPONSE_DAYS if days is None else days
    received_on = local_date(calendar.next_office_moment(received_at))
    due_on = calendar.add_working_days(received_on, days)
    return Schedule(
        received_on=received_on,
        due_on=due_on,
        due_at=office_end(due_on),
        reminder_at=office_start(calendar.add_working_days(due_on, -settings.TTHC_REQUEST_REMINDER_DAYS)),
        notice_at=office_start(due_on),
        escalation_at=office_start(calendar.add_working_days(due_on, settings.TTHC_REQUEST_ESCALATION_DAYS)),
    )


@dataclass(frozen=True)
class Countdown:
    """Office time left before (positive) or past (negative) a deadline, in working days and hours."""

    seconds: int

    @property
    def overdue(self) -> bool:
        return self.seconds < 0

    @property
    def days(self) -> int:
        return abs(self.seconds) // calendar.working_day_seconds()

    @property
    def hours(self) -> int:
        return (abs(self.seconds) % calendar.working_day_seconds()) // 3600


def countdown(due_at: datetime | None, now: datetime, days: int | None = None) -> Countdown | None:
    """Office time left until ``due_at``. With the case's ``days`` (its response period), the day of
    receipt is not counted — the period runs from the next working morning, as the letter says — so a
    request received on a Saturday or a Monday morning shows "10 working days", not 11."""
    if due_at is None:
        return None
    start = now
    if days:
        start = max(now, office_start(calendar.add_working_days(local_date(due_at), -(days - 1))))
    return Countdown(calendar.working_seconds_between(start, due_at))


# --- citizen feedback ---------------------------------------------------------------------------
#: Working days allowed for each step of handling a feedback item [law].
FEEDBACK_DEADLINE_DAYS = {"refuse": 2, "ask_more": 5, "answer": 15, "publish": 2}


def working_deadline(start: datetime, working_days: Decimal | float | str) -> datetime:
    """The moment ``working_days`` working days after ``start`` (``tthc.calendar.due_at``)."""
    return calendar.due_at(start, working_days, calendar.WORKING_DAYS)


@dataclass(frozen=True)
class FeedbackDeadlines:
    refuse: datetime
    ask_more: datetime
    answer: datetime
    publish: datetime | None  # counted from the answer, so unknown until answered


def feedback_deadlines(
    received_at: datetime, answered_at: datetime | None = None, days: dict[str, int] | None = None
) -> FeedbackDeadlines:
    """Deadlines of a feedback item received at ``received_at`` (and answered at ``answered_at``)."""
    days = {**FEEDBACK_DEADLINE_DAYS, **(days or {})}
    return FeedbackDeadlines(
        refuse=working_deadline(received_at, days["refuse"]),
        ask_more=working_deadline(received_at, days["ask_more"]),
        answer=working_deadline(received_at, days["answer"]),
        publish=working_deadline(answered_at, days["publish"]) if answered_at else None,
    )
