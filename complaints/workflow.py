"""The sync-gap request workflow: THE transition table (docs/domain.md#states-and-transitions).

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
from django.utils.translation import gettext_lazy

from .machine import Context, FieldSpec, Transition, Workflow


class State(models.TextChoices):
    DRAFT = "draft", gettext_lazy("Draft")
    SUBMITTED = "submitted", gettext_lazy("Submitted")
    ACKNOWLEDGED = "acknowledged", gettext_lazy("Acknowledged")
    IN_PROGRESS = "in_progress", gettext_lazy("In progress")
    ANSWERED = "answered", gettext_lazy("Answered")
    VERIFIED_CLOSED = "verified_closed", gettext_lazy("Verified closed")
    REJECTED = "rejected", gettext_lazy("Rejected")
    REOPENED = "reopened", gettext_lazy("Reopened")
    ESCALATED = "escalated", gettext_lazy("Escalated")
    CLOSED = "closed", gettext_lazy("Closed")
    DISCARDED = "discarded", gettext_lazy("Discarded")


class Resolution(models.TextChoices):
    FIXED = "fixed", gettext_lazy("Fixed: the data has been re-synced")
    EXPLAINED = "explained", gettext_lazy("Explained: no fix on the ministry's side")


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
#: The states in which a passed response deadline makes a case overdue (the ministry still owes an answer).
OVERDUE_STATES = (*AWAITING_MINISTRY, State.ESCALATED)
#: The province has the ball: an answer or a rejection to accept (close) or dispute.
PROVINCE_TURN = (State.ANSWERED, State.REJECTED)
#: Drafts are the province's working papers: nobody outside the province sees them.
PRIVATE = (State.DRAFT, State.DISCARDED)
TERMINAL = (State.VERIFIED_CLOSED, State.CLOSED, State.DISCARDED)

# --- Fields -----------------------------------------------------------------------------------------
REASON = FieldSpec("reason", label=gettext_lazy("Reason"))
FIX_PLAN = FieldSpec("fix_plan", label=gettext_lazy("Fix plan"))
TARGET_DATE = FieldSpec(
    "target_date", kind="date", label=gettext_lazy("Target date"), not_before_today=True, bounded_ahead=True
)
ANSWER = FieldSpec("answer", label=gettext_lazy("Answer"))
#: Submitting is signing (seed 000: every letter is signed by a leader): the title and the mode are
#: optional, defaulting to ``TTHC_REQUEST_SIGNER_TITLE`` / ``TTHC_REQUEST_SIGNER_MODE``.
SIGNER_TITLE = FieldSpec("signer_title", label=gettext_lazy("Signer's title"), required=False, max_length=255)
SIGNER_MODE = FieldSpec(
    "signer_mode",
    kind="choice",
    label=gettext_lazy("Signing mode"),
    choices=(("KT.", "KT."), ("TM.", "TM."), ("-", gettext_lazy("In own name"))),
    required=False,
)
RESOLUTION = FieldSpec(
    "resolution", kind="choice", label=gettext_lazy("Outcome"), choices=tuple(Resolution.choices)
)


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
    # The province drafts (officers and leaders); only a leader signs and submits it (the letter gets its
    # number); either throws a draft away with a reason.
    _t(
        S.DRAFT,
        S.SUBMITTED,
        PROVINCE_LEADERS,
        [SIGNER_TITLE, SIGNER_MODE],
        guard=has_letter,
        label=gettext_lazy("Sign and submit to the ministry"),
    ),
    _t(S.DRAFT, S.DISCARDED, PROVINCE, [REASON], label=gettext_lazy("Discard the draft")),
    # The ministry takes it up, plans the fix, answers — or a ministry leader rejects it.
    _t(S.SUBMITTED, S.ACKNOWLEDGED, MINISTRY, label=gettext_lazy("Acknowledge")),
    _t(S.SUBMITTED, S.REJECTED, MINISTRY_LEADERS, [REASON], label=gettext_lazy("Reject")),
    _t(
        S.ACKNOWLEDGED,
        S.IN_PROGRESS,
        MINISTRY,
        [FIX_PLAN, TARGET_DATE],
        label=gettext_lazy("Start fixing (with a plan)"),
    ),
    _t(S.ACKNOWLEDGED, S.ANSWERED, MINISTRY, [ANSWER, RESOLUTION], label=gettext_lazy("Answer")),
    _t(S.ACKNOWLEDGED, S.REJECTED, MINISTRY_LEADERS, [REASON], label=gettext_lazy("Reject")),
    _t(S.IN_PROGRESS, S.ANSWERED, MINISTRY, [ANSWER, RESOLUTION], label=gettext_lazy("Answer")),
    # An answer "fixed" waits for the data: the next run closes or reopens it. The province may also
    # accept an answer (closed) or dispute it (reopened).
    _t(
        S.ANSWERED,
        S.VERIFIED_CLOSED,
        SYSTEM_ONLY,
        guard=answered_fixed,
        label=gettext_lazy("Verified by reconciliation"),
    ),
    _t(S.ANSWERED, S.REOPENED, PROVINCE | SYSTEM_ONLY, [REASON], label=gettext_lazy("Reopen")),
    _t(S.ANSWERED, S.CLOSED, PROVINCE_LEADERS, label=gettext_lazy("Accept the answer and close")),
    # A rejection: the province leader disputes it (back to the ministry) or accepts it.
    _t(S.REJECTED, S.SUBMITTED, PROVINCE_LEADERS, [REASON], label=gettext_lazy("Dispute the rejection")),
    _t(S.REJECTED, S.CLOSED, PROVINCE_LEADERS, label=gettext_lazy("Accept the rejection and close")),
    # Reopened: the ministry has the ball again.
    _t(S.REOPENED, S.ACKNOWLEDGED, MINISTRY, label=gettext_lazy("Acknowledge")),
    _t(
        S.REOPENED,
        S.IN_PROGRESS,
        MINISTRY,
        [FIX_PLAN, TARGET_DATE],
        label=gettext_lazy("Start fixing (with a plan)"),
    ),
    _t(S.REOPENED, S.ANSWERED, MINISTRY, [ANSWER, RESOLUTION], label=gettext_lazy("Answer")),
    # Overdue: escalation to the supervising bodies (by the chasing worker, or a supervisor by hand).
    *(
        _t(
            source,
            S.ESCALATED,
            SYSTEM_ONLY | SUPERVISORS,
            [REASON],
            guard=overdue,
            label=gettext_lazy("Escalate"),
        )
        for source in AWAITING_MINISTRY
    ),
    _t(S.ESCALATED, S.ACKNOWLEDGED, MINISTRY, label=gettext_lazy("Acknowledge")),
    _t(
        S.ESCALATED,
        S.IN_PROGRESS,
        MINISTRY,
        [FIX_PLAN, TARGET_DATE],
        label=gettext_lazy("Start fixing (with a plan)"),
    ),
    _t(S.ESCALATED, S.ANSWERED, MINISTRY, [ANSWER, RESOLUTION], label=gettext_lazy("Answer")),
    _t(S.ESCALATED, S.CLOSED, SUPERVISORS, [REASON], label=gettext_lazy("Close (supervisor)")),
]

WORKFLOW = Workflow("sync_gap_request", dict(State.choices), S.DRAFT, TRANSITIONS, terminal=TERMINAL)
