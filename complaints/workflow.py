"""The sync-gap request workflow: THE transition table (issue 6 §2).

Read this file to know what can happen to a case. The services (``complaints.services.requests``),
the API, the pages and the tests all read :data:`WORKFLOW`; none of them has its own list.

Actors are resolved by ``complaints.access.actors_for`` from the permission gate: a *province*
officer or leader holds that role (or a stronger one) on the filing province itself; a *ministry*
officer or leader on the addressed ministry or on the agency owning the system; a *supervisor*
works at a supervising body (``TTHC_REQUEST_SUPERVISOR_AGENCIES``: BTP's Cục Kiểm soát TTHC, the
Government Office) or is a national administrator; ``system`` is the platform itself (chasing,
verification). Leaders also count as officers, so "officer" rows admit both.
"""
from __future__ import annotations

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as L

from .machine import Context, FieldSpec, Transition, Workflow


class State(models.TextChoices):
    DRAFT = "draft", L("Draft")
    SUBMITTED = "submitted", L("Submitted")
    ACKNOWLEDGED = "acknowledged", L("Acknowledged")
    IN_PROGRESS = "in_progress", L("In progress")
    ANSWERED = "answered", L("Answered")
    VERIFIED_CLOSED = "verified_closed", L("Verified closed")
    REJECTED = "rejected", L("Rejected")
    REOPENED = "reopened", L("Reopened")
    ESCALATED = "escalated", L("Escalated")
    CLOSED = "closed", L("Closed")
    DISCARDED = "discarded", L("Discarded")


class Resolution(models.TextChoices):
    FIXED = "fixed", L("Fixed: the data has been re-synced")
    EXPLAINED = "explained", L("Explained: no fix on the ministry's side")


# --- Actors -----------------------------------------------------------------------------------------
PROVINCE_OFFICER = "province_officer"
PROVINCE_LEADER = "province_leader"
MINISTRY_OFFICER = "ministry_officer"
MINISTRY_LEADER = "ministry_leader"
SUPERVISOR = "supervisor"
SYSTEM = "system"
ACTORS = (PROVINCE_OFFICER, PROVINCE_LEADER, MINISTRY_OFFICER, MINISTRY_LEADER, SUPERVISOR, SYSTEM)

PROVINCE = frozenset({PROVINCE_OFFICER, PROVINCE_LEADER})
PROVINCE_LEADERS = frozenset({PROVINCE_LEADER})
MINISTRY = frozenset({MINISTRY_OFFICER, MINISTRY_LEADER})
MINISTRY_LEADERS = frozenset({MINISTRY_LEADER})
SUPERVISORS = frozenset({SUPERVISOR})
SYSTEM_ONLY = frozenset({SYSTEM})

#: The ministry has the ball: the response deadline runs, chasing applies, a case can be overdue.
AWAITING_MINISTRY = (State.SUBMITTED, State.ACKNOWLEDGED, State.IN_PROGRESS, State.REOPENED)
#: Open cases (for digests, reports and "my open requests").
OPEN = (*AWAITING_MINISTRY, State.ESCALATED, State.ANSWERED, State.REJECTED)
#: Drafts are the province's working papers: nobody outside the province sees them.
PRIVATE = (State.DRAFT, State.DISCARDED)
TERMINAL = (State.VERIFIED_CLOSED, State.CLOSED, State.DISCARDED)

# --- Fields -----------------------------------------------------------------------------------------
REASON = FieldSpec("reason", label=L("Reason"))
FIX_PLAN = FieldSpec("fix_plan", label=L("Fix plan"))
TARGET_DATE = FieldSpec("target_date", kind="date", label=L("Target date"), not_before_today=True)
ANSWER = FieldSpec("answer", label=L("Answer"))
RESOLUTION = FieldSpec("resolution", kind="choice", label=L("Outcome"), choices=tuple(Resolution.choices))


# --- Guards (they see the case and the moment, never the submitted fields) ----------------------------
def has_letter(case, ctx: Context) -> str | None:
    if not (case.subject or "").strip() or not (case.body or "").strip():
        return _("The request needs a subject and a body before it is submitted.")
    return None


def answered_fixed(case, ctx: Context) -> str | None:
    if case.resolution != Resolution.FIXED:
        return _("Only an answer “fixed” is verified against the next reconciliation run.")
    return None


def overdue(case, ctx: Context) -> str | None:
    """The system escalates N working days after the deadline; a supervisor any time after it."""
    due = case.escalation_at if SYSTEM in ctx.actors else case.response_due_at
    if due is None or ctx.now < due:
        return _("The case is not overdue.")
    return None


def _t(source, target, actors, fields=(), guard=None, label=""):
    return Transition(source, target, actors, tuple(fields), guard, label)


S = State
TRANSITIONS = [
    # The province files its draft, or throws it away with a reason.
    _t(S.DRAFT, S.SUBMITTED, PROVINCE, guard=has_letter, label=L("Submit to the ministry")),
    _t(S.DRAFT, S.DISCARDED, PROVINCE, [REASON], label=L("Discard the draft")),
    # The ministry takes it up, plans the fix, answers — or a ministry leader rejects it.
    _t(S.SUBMITTED, S.ACKNOWLEDGED, MINISTRY, label=L("Acknowledge")),
    _t(S.SUBMITTED, S.REJECTED, MINISTRY_LEADERS, [REASON], label=L("Reject")),
    _t(S.ACKNOWLEDGED, S.IN_PROGRESS, MINISTRY, [FIX_PLAN, TARGET_DATE], label=L("Start fixing (with a plan)")),
    _t(S.ACKNOWLEDGED, S.ANSWERED, MINISTRY, [ANSWER, RESOLUTION], label=L("Answer")),
    _t(S.ACKNOWLEDGED, S.REJECTED, MINISTRY_LEADERS, [REASON], label=L("Reject")),
    _t(S.IN_PROGRESS, S.ANSWERED, MINISTRY, [ANSWER, RESOLUTION], label=L("Answer")),
    # An answer "fixed" waits for the data: the next run closes or reopens it. The province may also
    # accept an answer (closed) or dispute it (reopened).
    _t(S.ANSWERED, S.VERIFIED_CLOSED, SYSTEM_ONLY, guard=answered_fixed, label=L("Verified by reconciliation")),
    _t(S.ANSWERED, S.REOPENED, PROVINCE | SYSTEM_ONLY, [REASON], label=L("Reopen")),
    _t(S.ANSWERED, S.CLOSED, PROVINCE_LEADERS, label=L("Accept the answer and close")),
    # A rejection: the province leader disputes it (back to the ministry) or accepts it.
    _t(S.REJECTED, S.SUBMITTED, PROVINCE_LEADERS, [REASON], label=L("Dispute the rejection")),
    _t(S.REJECTED, S.CLOSED, PROVINCE_LEADERS, label=L("Accept the rejection and close")),
    # Reopened: the ministry has the ball again.
    _t(S.REOPENED, S.ACKNOWLEDGED, MINISTRY, label=L("Acknowledge")),
    _t(S.REOPENED, S.IN_PROGRESS, MINISTRY, [FIX_PLAN, TARGET_DATE], label=L("Start fixing (with a plan)")),
    _t(S.REOPENED, S.ANSWERED, MINISTRY, [ANSWER, RESOLUTION], label=L("Answer")),
    # Overdue: escalation to the supervising bodies (by the chasing worker, or a supervisor by hand).
    *(
        _t(source, S.ESCALATED, SYSTEM_ONLY | SUPERVISORS, [REASON], guard=overdue, label=L("Escalate"))
        for source in AWAITING_MINISTRY
    ),
    _t(S.ESCALATED, S.ACKNOWLEDGED, MINISTRY, label=L("Acknowledge")),
    _t(S.ESCALATED, S.IN_PROGRESS, MINISTRY, [FIX_PLAN, TARGET_DATE], label=L("Start fixing (with a plan)")),
    _t(S.ESCALATED, S.ANSWERED, MINISTRY, [ANSWER, RESOLUTION], label=L("Answer")),
    _t(S.ESCALATED, S.CLOSED, SUPERVISORS, [REASON], label=L("Close (supervisor)")),
]

WORKFLOW = Workflow("sync_gap_request", dict(State.choices), S.DRAFT, TRANSITIONS, terminal=TERMINAL)
