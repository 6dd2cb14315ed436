"""Working-day deadlines for citizen feedback (phản ánh, kiến nghị) — docs/domain.md#citizen-feedback.

Kept as a tiny shared module so that the complaints workflow reuses the same arithmetic
instead of copying it: every deadline is ``tthc.calendar.due_at`` (office-time arithmetic, 8 office
hours = 1 working day, receipt after hours counts from the next working morning), the only code in
the platform that counts days.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tthc import calendar

#: Working days allowed for each step of handling a feedback item [law].
FEEDBACK_DEADLINE_DAYS = {"refuse": 2, "ask_more": 5, "answer": 15, "publish": 2}


def working_deadline(start: datetime, working_days) -> datetime:
    """The moment ``working_days`` working days after ``start`` (``tthc.calendar.due_at``)."""
    return calendar.due_at(start, working_days, calendar.WORKING_DAYS)


@dataclass(frozen=True)
class FeedbackDeadlines:
    refuse: datetime
    ask_more: datetime
    answer: datetime
    publish: datetime | None  # counted from the answer, so unknown until answered


def feedback_deadlines(received_at: datetime, answered_at: datetime | None = None,
                       days: dict[str, int] | None = None) -> FeedbackDeadlines:
    """Deadlines of a feedback item received at ``received_at`` (and answered at ``answered_at``)."""
    days = {**FEEDBACK_DEADLINE_DAYS, **(days or {})}
    return FeedbackDeadlines(
        refuse=working_deadline(received_at, days["refuse"]),
        ask_more=working_deadline(received_at, days["ask_more"]),
        answer=working_deadline(received_at, days["answer"]),
        publish=working_deadline(answered_at, days["publish"]) if answered_at else None,
    )
