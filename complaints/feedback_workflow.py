"""The citizen-feedback workflow (phản ánh, kiến nghị — docs/domain.md#citizen-feedback): its own
transition table on the shared machinery (``complaints.machine``).

A feedback item's state is not a column: ``complaints.Feedback`` records the handling dates the
index scores (refused, more information asked, answered, published), so the state is read from
them and each transition stamps one of them. Its deadlines — refuse ≤ 2, ask for more ≤ 5, answer
≤ 15, publish ≤ 2 working days — are the ones ``complaints.services.deadlines`` stores on the item;
they are not recomputed here.

Actors: an officer (or leader) of the agency the feedback is about; publishing the answer is a
leader's act. Supervisors and national administrators read, they do not answer for an agency.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .machine import Context, FieldSpec, Transition, Workflow


class FeedbackState(models.TextChoices):
    RECEIVED = "received", gettext_lazy("Received")
    MORE_INFO_REQUESTED = "more_info_requested", gettext_lazy("More information requested")
    REFUSED = "refused", gettext_lazy("Refused")
    ANSWERED = "answered", gettext_lazy("Answered")
    PUBLISHED = "published", gettext_lazy("Answer published")


AGENCY_OFFICER = "agency_officer"
AGENCY_LEADER = "agency_leader"
OFFICERS = frozenset({AGENCY_OFFICER, AGENCY_LEADER})
LEADERS = frozenset({AGENCY_LEADER})

#: The date field each target state stamps on the feedback item.
STAMPS: dict[str, str] = {
    FeedbackState.REFUSED: "refused_at",
    FeedbackState.MORE_INFO_REQUESTED: "asked_more_at",
    FeedbackState.ANSWERED: "answered_at",
    FeedbackState.PUBLISHED: "published_at",
}

REASON = FieldSpec("reason", label=gettext_lazy("Reason"))
QUESTION = FieldSpec("question", label=gettext_lazy("Information requested"))
ANSWER = FieldSpec("answer", label=gettext_lazy("Answer"))


def state_of(feedback) -> str:
    if feedback.published_at:
        return FeedbackState.PUBLISHED
    if feedback.answered_at:
        return FeedbackState.ANSWERED
    if feedback.refused_at:
        return FeedbackState.REFUSED
    if feedback.asked_more_at:
        return FeedbackState.MORE_INFO_REQUESTED
    return FeedbackState.RECEIVED


def not_before_receipt(feedback, ctx: Context) -> str | None:
    if feedback.received_at and ctx.now < feedback.received_at:
        return _("The feedback was received after this moment.")
    return None


F = FeedbackState
FEEDBACK_TRANSITIONS = [
    Transition(F.RECEIVED, F.REFUSED, OFFICERS, (REASON,), not_before_receipt, gettext_lazy("Refuse")),
    Transition(
        F.RECEIVED,
        F.MORE_INFO_REQUESTED,
        OFFICERS,
        (QUESTION,),
        not_before_receipt,
        gettext_lazy("Ask for more information"),
    ),
    Transition(F.RECEIVED, F.ANSWERED, OFFICERS, (ANSWER,), not_before_receipt, gettext_lazy("Answer")),
    Transition(F.MORE_INFO_REQUESTED, F.REFUSED, OFFICERS, (REASON,), label=gettext_lazy("Refuse")),
    Transition(F.MORE_INFO_REQUESTED, F.ANSWERED, OFFICERS, (ANSWER,), label=gettext_lazy("Answer")),
    Transition(F.ANSWERED, F.PUBLISHED, LEADERS, label=gettext_lazy("Publish the answer")),
]

FEEDBACK_WORKFLOW = Workflow(
    "citizen_feedback",
    dict(FeedbackState.choices),
    F.RECEIVED,
    FEEDBACK_TRANSITIONS,
    terminal=(F.REFUSED, F.PUBLISHED),
)
