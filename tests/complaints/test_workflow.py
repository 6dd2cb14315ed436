"""Every allowed and every forbidden transition, by every role.

Two independent sources: the transition table (``complaints.workflow.WORKFLOW``) and the
hand-written expectations below (what docs/domain.md#states-and-transitions says, written without
reading the table). Tests parametrised from the table would pass with a wrong table; these compare
the two, and then fire every transition through the service as every role.
"""

from __future__ import annotations

from datetime import date, timedelta
from itertools import product

import pytest
from django.core.exceptions import ValidationError

from accounts.models import AuditLog
from complaints import access
from complaints.machine import Context, GuardFailed, TransitionDenied, UnknownTransition
from complaints.models import EventKind, RequestEvent
from complaints.services.requests import transition
from complaints.workflow import WORKFLOW, State

from .helpers import USERS, make_case, vn

S = State
STATES = list(State.values)

# --- The hand-written expectations --------------------------------------------------------------------
PROVINCE = {"province_officer", "province_leader"}
PROVINCE_LEADER = {"province_leader"}
MINISTRY = {"ministry_officer", "ministry_leader", "system_owner_officer"}
MINISTRY_LEADER = {"ministry_leader"}
SUPERVISORS = {"supervisor", "vpcp_officer", "national_admin"}
SYSTEM = {"system"}

EXPECTED = {
    (S.DRAFT, S.SUBMITTED): PROVINCE_LEADER,  # signing is a leader's act
    (S.DRAFT, S.DISCARDED): PROVINCE,
    (S.SUBMITTED, S.ACKNOWLEDGED): MINISTRY,
    (S.SUBMITTED, S.REJECTED): MINISTRY_LEADER,
    (S.SUBMITTED, S.ESCALATED): SUPERVISORS | SYSTEM,
    (S.ACKNOWLEDGED, S.IN_PROGRESS): MINISTRY,
    (S.ACKNOWLEDGED, S.ANSWERED): MINISTRY,
    (S.ACKNOWLEDGED, S.REJECTED): MINISTRY_LEADER,
    (S.ACKNOWLEDGED, S.ESCALATED): SUPERVISORS | SYSTEM,
    (S.IN_PROGRESS, S.ANSWERED): MINISTRY,
    (S.IN_PROGRESS, S.ESCALATED): SUPERVISORS | SYSTEM,
    (S.ANSWERED, S.VERIFIED_CLOSED): SYSTEM,
    (S.ANSWERED, S.REOPENED): PROVINCE | SYSTEM,
    (S.ANSWERED, S.CLOSED): PROVINCE_LEADER,
    (S.REJECTED, S.SUBMITTED): PROVINCE_LEADER,
    (S.REJECTED, S.CLOSED): PROVINCE_LEADER,
    (S.REOPENED, S.ACKNOWLEDGED): MINISTRY,
    (S.REOPENED, S.IN_PROGRESS): MINISTRY,
    (S.REOPENED, S.ANSWERED): MINISTRY,
    (S.REOPENED, S.ESCALATED): SUPERVISORS | SYSTEM,
    (S.ESCALATED, S.ACKNOWLEDGED): MINISTRY,
    (S.ESCALATED, S.IN_PROGRESS): MINISTRY,
    (S.ESCALATED, S.ANSWERED): MINISTRY,
    (S.ESCALATED, S.CLOSED): SUPERVISORS,
}
#: What each test role is, in workflow actor codes (leaders also count as officers).
EXPECTED_ACTORS = {
    "province_officer": {"province_officer"},
    "province_leader": {"province_officer", "province_leader"},
    "province_viewer": set(),
    "ministry_officer": {"ministry_officer"},
    "ministry_leader": {"ministry_officer", "ministry_leader"},
    "ministry_viewer": set(),
    "system_owner_officer": {"ministry_officer"},
    "supervisor": {"supervisor"},
    "vpcp_officer": {"supervisor"},
    "national_admin": {"supervisor"},
    "other_province_officer": set(),
    "commune_officer": set(),
    "other_ministry_leader": set(),
    "system": {"system"},
}
ROLES = list(EXPECTED_ACTORS)
#: Required fields per target state (hand-written too).
EXPECTED_FIELDS = {
    S.DISCARDED: {"reason"},
    S.REJECTED: {"reason"},
    S.IN_PROGRESS: {"fix_plan", "target_date"},
    S.ANSWERED: {"answer", "resolution"},
    S.REOPENED: {"reason"},
    S.ESCALATED: {"reason"},
}
EXPECTED_FIELDS_BY_EDGE = {(S.REJECTED, S.SUBMITTED): {"reason"}, (S.ESCALATED, S.CLOSED): {"reason"}}

NOW = vn(2026, 10, 30, 9, 0)  # after every escalation moment of make_case's deadline
FIELDS = {
    "reason": "Lý do",
    "fix_plan": "Đồng bộ lại toàn bộ hồ sơ tháng 8",
    "target_date": "2026-12-31",
    "answer": "Đã đồng bộ lại",
    "resolution": "fixed",
}


def actor_user(world, role):
    return None if role == "system" else world.u[role]


# --- The table equals the expectations (no database) ----------------------------------------------------
def test_the_table_has_exactly_the_expected_edges():
    table = {(t.source, t.target) for t in WORKFLOW.transitions}
    assert table == set(EXPECTED)


@pytest.mark.parametrize("source,target", list(product(STATES, STATES)))
def test_each_pair_permits_exactly_the_expected_roles(source, target):
    rule = WORKFLOW.get(source, target)
    for role, actors in EXPECTED_ACTORS.items():
        got = rule is not None and rule.permits(actors)
        assert got == (role in EXPECTED.get((source, target), set())), f"{source}→{target} by {role}"


@pytest.mark.parametrize("source,target", sorted(EXPECTED))
def test_required_fields_match(source, target):
    rule = WORKFLOW.get(source, target)
    want = EXPECTED_FIELDS_BY_EDGE.get((source, target), EXPECTED_FIELDS.get(target, set()))
    assert set(rule.required_fields) == want


def test_terminal_states_have_no_way_out():
    for state in (S.VERIFIED_CLOSED, S.CLOSED, S.DISCARDED):
        assert WORKFLOW.outgoing(state) == []


# --- Actor resolution from the gate ------------------------------------------------------------------------
def test_roles_resolve_to_the_expected_actors(world):
    case = make_case(world, S.SUBMITTED)
    for role in ROLES:
        assert set(access.actors_for(actor_user(world, role), case)) == EXPECTED_ACTORS[role], role


def test_system_accounts_and_inactive_users_never_act(world):
    case = make_case(world, S.SUBMITTED)
    officer = world.u["ministry_officer"]
    officer.is_system = True
    assert access.actors_for(officer, case) == frozenset()
    leader = world.u["province_leader"]
    leader.is_active = False
    assert access.actors_for(leader, case) == frozenset()


# --- Every table edge × every role, through the service ------------------------------------------------------
def _fire(world, source, target, role, index):
    """Fire one edge as one role on a fresh case; returns a list of what went wrong."""
    case = make_case(world, source, period=f"{2030 + index // 12}-{index % 12 + 1:02d}")
    user = actor_user(world, role)
    allowed = role in EXPECTED.get((source, target), set())
    problems = []
    if allowed:
        result = transition(case, target, user, now=NOW, comment="ghi chú", **FIELDS)
        event = RequestEvent.objects.filter(request=case).latest("pk")
        if result.state != target:
            problems.append(f"state {result.state}")
        if (event.kind, event.from_state, event.to_state, event.actor, event.comment) != (
            EventKind.TRANSITION,
            source,
            target,
            user,
            "ghi chú",
        ):
            problems.append(f"event {event}")
        if AuditLog.objects.filter(action="request.transition", target_id=str(case.pk)).count() != 1:
            problems.append("no audit row")
    else:
        try:
            transition(case, target, user, now=NOW, **FIELDS)
            problems.append("was allowed")
        except TransitionDenied:
            pass
        case.refresh_from_db()
        if case.state != source or RequestEvent.objects.filter(request=case).exists():
            problems.append("changed the case")
        if user is not None and not AuditLog.objects.filter(action="permission.denied", actor=user).exists():
            problems.append("denial not audited")
    return [f"{source}→{target} by {role}: {p}" for p in problems]


@pytest.mark.parametrize("rule", WORKFLOW.transitions, ids=lambda t: f"{t.source}-{t.target}")
def test_every_table_transition_by_every_role(world, rule):
    """Parametrised from the table; each role's outcome is judged by the hand-written EXPECTED."""
    problems = []
    for index, role in enumerate(ROLES):
        problems += _fire(world, rule.source, rule.target, role, index)
    assert not problems, problems


@pytest.mark.parametrize("source,target", sorted(EXPECTED))
def test_every_expected_transition_by_its_roles(world, source, target):
    """Parametrised from the hand-written list: each expected role really can (catches a missing edge)."""
    problems = []
    for index, role in enumerate(sorted(EXPECTED[(source, target)])):
        problems += _fire(world, source, target, role, index)
    assert not problems, problems


@pytest.mark.parametrize("source", STATES)
def test_no_role_fires_a_transition_outside_the_table(world, source):
    case = make_case(world, source)
    for target in STATES:
        if (source, target) in EXPECTED:
            continue
        for role in ROLES:
            with pytest.raises(UnknownTransition):
                transition(case, target, actor_user(world, role), now=NOW, **FIELDS)
    case.refresh_from_db()
    assert case.state == source
    assert not RequestEvent.objects.filter(request=case).exists()


def test_an_unknown_state_name_is_refused(world):
    case = make_case(world, S.SUBMITTED)
    with pytest.raises(UnknownTransition):
        transition(case, "acknowledge", world.u["ministry_officer"], now=NOW)


# --- Required fields ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "source,target",
    [e for e in sorted(EXPECTED) if EXPECTED_FIELDS_BY_EDGE.get(e, EXPECTED_FIELDS.get(e[1]))],
)
def test_each_required_field_is_required(world, source, target):
    role = sorted(EXPECTED[(source, target)])[0]
    for missing in EXPECTED_FIELDS_BY_EDGE.get((source, target), EXPECTED_FIELDS.get(target)):
        case = make_case(world, source, period=_fresh_period())
        fields = {k: v for k, v in FIELDS.items() if k != missing}
        with pytest.raises(ValidationError) as info:
            transition(case, target, actor_user(world, role), now=NOW, **fields)
        assert missing in info.value.message_dict
        blank = {**FIELDS, missing: "   "}
        with pytest.raises(ValidationError):
            transition(case, target, actor_user(world, role), now=NOW, **blank)
        case.refresh_from_db()
        assert case.state == source


_periods = iter(f"20{y:02d}-{m:02d}" for y in range(10, 30) for m in range(1, 13))


def _fresh_period() -> str:
    return next(_periods)


def test_fix_plan_target_date_must_be_a_date_not_in_the_past(world):
    case = make_case(world, S.ACKNOWLEDGED)
    officer = world.u["ministry_officer"]
    with pytest.raises(ValidationError) as info:
        transition(case, S.IN_PROGRESS, officer, now=NOW, fix_plan="x", target_date="2026-10-29")
    assert "target_date" in info.value.message_dict
    with pytest.raises(ValidationError):
        transition(case, S.IN_PROGRESS, officer, now=NOW, fix_plan="x", target_date="31/12/2026")
    with pytest.raises(ValidationError) as info:  # beyond TTHC_REQUEST_TARGET_MAX_DAYS (366): a typing error
        transition(case, S.IN_PROGRESS, officer, now=NOW, fix_plan="x", target_date="9999-12-31")
    assert "target_date" in info.value.message_dict
    with pytest.raises(ValidationError):
        transition(case, S.IN_PROGRESS, officer, now=NOW, fix_plan="x", target_date="2027-11-30")
    result = transition(case, S.IN_PROGRESS, officer, now=NOW, fix_plan="x", target_date="2026-10-30")
    assert result.fix_target_date == date(2026, 10, 30)


def test_a_signers_title_and_the_texts_of_a_case_are_bounded(world, settings):
    case = make_case(world, S.ACKNOWLEDGED)
    officer = world.u["ministry_officer"]
    settings.TTHC_REQUEST_TEXT_MAX_CHARS = 50
    with pytest.raises(ValidationError) as info:
        transition(case, S.IN_PROGRESS, officer, now=NOW, fix_plan="x" * 51, target_date="2026-10-30")
    assert "fix_plan" in info.value.message_dict
    with pytest.raises(ValidationError) as info:
        transition(
            case, S.IN_PROGRESS, officer, now=NOW, comment="y" * 51, fix_plan="x", target_date="2026-10-30"
        )
    assert "comment" in info.value.message_dict
    case.refresh_from_db()
    assert case.state == S.ACKNOWLEDGED and case.fix_plan == ""
    draft = make_case(world, S.DRAFT, period="2026-07")
    with pytest.raises(ValidationError) as info:
        transition(draft, S.SUBMITTED, world.u["province_leader"], now=NOW, signer_title="Phó Chủ tịch " * 30)
    assert "signer_title" in info.value.message_dict
    draft.refresh_from_db()
    assert draft.state == S.DRAFT and draft.signed_at is None


def test_resolution_must_be_a_known_outcome(world):
    case = make_case(world, S.IN_PROGRESS)
    with pytest.raises(ValidationError) as info:
        transition(case, S.ANSWERED, world.u["ministry_officer"], now=NOW, answer="x", resolution="done")
    assert "resolution" in info.value.message_dict


# --- Guards --------------------------------------------------------------------------------------------------
def test_escalation_waits_for_the_deadline(world):
    case = make_case(world, S.SUBMITTED)
    before_due = vn(2026, 9, 10, 9, 0)
    with pytest.raises(GuardFailed):
        transition(case, S.ESCALATED, world.u["supervisor"], now=before_due, reason="x")
    with pytest.raises(GuardFailed):  # the system waits N working days after the deadline
        transition(case, S.ESCALATED, None, now=case.response_due_at + timedelta(hours=1), reason="x")


def test_a_supervisor_may_escalate_as_soon_as_the_deadline_passed(world):
    case = make_case(world, S.ACKNOWLEDGED)
    result = transition(
        case,
        S.ESCALATED,
        world.u["supervisor"],
        now=case.response_due_at + timedelta(minutes=1),
        reason="Quá hạn",
    )
    assert result.state == S.ESCALATED


def test_only_an_answer_fixed_is_verified(world):
    case = make_case(world, S.ANSWERED, resolution="explained")
    with pytest.raises(GuardFailed):
        transition(case, S.VERIFIED_CLOSED, None, now=NOW)


def test_a_draft_without_a_letter_cannot_be_submitted(world):
    case = make_case(world, S.DRAFT, body="  ")
    with pytest.raises(GuardFailed):
        transition(case, S.SUBMITTED, world.u["province_leader"], now=NOW)


def test_available_transitions_are_the_permitted_and_unguarded_ones(world):
    case = make_case(world, S.SUBMITTED)
    officer = world.u["ministry_officer"]
    leader = world.u["ministry_leader"]
    ctx = Context(access.actors_for(officer, case), vn(2026, 9, 4, 9, 0))
    assert [t.target for t in WORKFLOW.available(case, case.state, ctx)] == [S.ACKNOWLEDGED]
    ctx = Context(access.actors_for(leader, case), vn(2026, 9, 4, 9, 0))
    assert [t.target for t in WORKFLOW.available(case, case.state, ctx)] == [S.ACKNOWLEDGED, S.REJECTED]
    ctx = Context(access.actors_for(world.u["supervisor"], case), vn(2026, 9, 4, 9, 0))
    assert WORKFLOW.available(case, case.state, ctx) == []  # not overdue yet
    ctx = Context(access.actors_for(world.u["supervisor"], case), NOW)
    assert [t.target for t in WORKFLOW.available(case, case.state, ctx)] == [S.ESCALATED]


def test_users_table_covers_every_role(world):
    assert set(USERS) | {"system"} == set(ROLES)
