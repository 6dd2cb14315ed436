"""The demo's requests (``demo.requests``): last month's cases played through the workflow as the demo's
people and the chasing worker would have moved them, at the moments they would have, once."""

from __future__ import annotations

from complaints.models import EventKind, Notification, RequestEvent, SyncGapRequest
from complaints.services.requests import transition
from complaints.workflow import State
from demo.accounts import create_demo_accounts
from demo.requests import seed_demo_requests
from reconciliation.models import SourceKind, SourceSystem
from tthc.models import Agency

from .helpers import make_run, vn

NOW = vn(2026, 12, 7, 10, 0)  # a Monday: November is the month just closed


def _cases() -> dict[tuple[str, str, str], SyncGapRequest]:
    return {
        (str(c.period), c.province.code, c.ministry.code): c
        for c in SyncGapRequest.objects.select_related("province", "ministry", "signed_by")
    }


def _finance_system() -> SourceSystem:
    owner = Agency.objects.get(code="BTC")
    return SourceSystem.objects.create(
        code="DKDN", name="Đăng ký doanh nghiệp", kind=SourceKind.MINISTRY, owner=owner
    )


def test_a_draft_of_the_first_is_signed_on_the_previous_working_day(world):
    from complaints.services.preparation import prepare_requests

    create_demo_accounts()
    make_run(world, "2026-11", province=world.a["48"], source=_finance_system())
    prepare_requests("2026-11", now=vn(2026, 12, 1, 7, 0))  # what the beat did on the 1st
    assert seed_demo_requests(now=NOW)["sent"] == 1
    assert _cases()["2026-11", "48", "BTC"].submitted_at == vn(2026, 12, 4, 9, 30)  # last Friday


def test_last_month_is_played_through_every_stage_once(world):
    create_demo_accounts()
    finance = _finance_system()
    make_run(world, "2026-10", province=world.a["01"], source=world.system)  # → BTP (demo logins)
    make_run(world, "2026-10", province=world.a["01"], source=world.health_system)  # → BYT (none)
    make_run(world, "2026-10", province=world.a["48"], source=world.system)  # → BTP
    make_run(world, "2026-11", province=world.a["48"], source=finance)  # this month's → BTC

    result = seed_demo_requests(now=NOW)
    assert result["period"] == "2026-11" and result["sent"] == 1
    cases = _cases()
    answered, silent, late = (
        cases["2026-10", "01", "BTP"],
        cases["2026-10", "01", "BYT"],
        cases["2026-10", "48", "BTP"],
    )
    # The ministry with demo logins answers the first and plans a fix for the second; the silent
    # ministry is chased and escalated, and a supervisor closes that escalation.
    assert (answered.state, answered.resolution) == (State.ANSWERED, "explained")
    assert late.state == State.ESCALATED and late.fix_plan and late.escalated_at == late.escalation_at
    assert silent.state == State.CLOSED and silent.escalated_at == silent.escalation_at
    sent = cases["2026-11", "48", "BTC"]
    assert sent.state == State.SUBMITTED and sent.response_due_at > NOW  # within its deadline
    # Drafted by this seed (at NOW): signed right after, not "last Friday", before it existed.
    assert sent.submitted_at == NOW
    # Signed by the province's demo leader two working days into November, with the evidence the
    # draft was made from (no refresh at signing: the runs predate the draft).
    assert answered.submitted_at == vn(2026, 11, 4, 9, 30)
    assert answered.signed_by.username == "hn.leader" and late.signed_by.username == "dn.leader"
    assert not RequestEvent.objects.filter(kind=EventKind.EVIDENCE).exists()
    # The timeline reads in order, every step at or before now; the chaser's reminder and deadline
    # notice came before the escalation.
    for case in (answered, silent, late, sent):
        moments = list(case.events.order_by("pk").values_list("at", flat=True))
        assert moments == sorted(moments) and moments[-1] <= NOW
    assert late.events.filter(kind=EventKind.CHASE).count() == 2
    assert list(late.events.filter(kind=EventKind.TRANSITION).values_list("to_state", flat=True)) == [
        State.SUBMITTED,
        State.ACKNOWLEDGED,
        State.IN_PROGRESS,
        State.ESCALATED,
    ]
    # Long-read history: the played notifications are dated when they happened and read.
    played = Notification.objects.filter(request__period="2026-10")
    assert played.exists() and not played.filter(read_at__isnull=True).exists()
    assert not played.filter(created_at__gt=NOW).exists()
    # … and say what happened once (a doubled translation once repeated every sentence).
    moved = played.filter(body__contains="đã chuyển kiến nghị")
    assert moved.exists() and all(n.body.count("đã chuyển kiến nghị") == 1 for n in moved)

    # Once: a second seed moves nothing, and a case a person moved since is left where they put it.
    events = RequestEvent.objects.count()
    again = seed_demo_requests(now=NOW)
    assert again["previous_month"] == {"played": 3, "transitions": 0, "chases": 0} and again["sent"] == 0
    assert RequestEvent.objects.count() == events
    transition(answered, State.CLOSED, world_user("hn.leader"), now=NOW)
    seed_demo_requests(now=NOW)
    assert _cases()["2026-10", "01", "BTP"].state == State.CLOSED


def world_user(username):
    from accounts.models import User

    return User.objects.get(username=username)
