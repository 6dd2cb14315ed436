"""Chasing: each stage exactly once, on the right working days (holidays included), and digests."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import timedelta
from io import StringIO

from django.core.management import call_command

from complaints.models import ChaseMarker, ChaseStage, DigestMarker, EventKind, Notification, SyncGapRequest
from complaints.services.chasing import chase_overdue
from complaints.services.requests import transition
from complaints.workflow import State

from .helpers import leader_for, make_case, vn

ZERO = {"reminders": 0, "deadline_notices": 0, "escalations": 0, "digests": 0}


def submitted_case(world, at, **kwargs):
    case = make_case(world, State.DRAFT, **kwargs)
    return transition(case, State.SUBMITTED, leader_for(world, case.province), now=at)


def test_five_runs_at_the_same_instant_send_each_reminder_once(world):
    a = submitted_case(world, vn(2026, 8, 20, 10, 0))
    b = submitted_case(world, vn(2026, 8, 20, 11, 0), province=world.a["48"])
    moment = vn(2026, 9, 3, 9, 0)  # both cases' reminder day
    results = [chase_overdue(moment) for _ in range(5)]
    assert results[0] == {"reminders": 2, "deadline_notices": 0, "escalations": 0, "digests": 1}
    assert results[1:] == [ZERO] * 4
    assert ChaseMarker.objects.filter(stage=ChaseStage.REMINDER).count() == 2
    for case in (a, b):
        reminders = Notification.objects.filter(request=case, kind="reminder")
        recipients = sorted(reminders.values_list("recipient__username", flat=True))
        # The ministry's working roles and the unit owning the system; not viewers, not the province.
        assert recipients == ["ministry_leader", "ministry_officer", "system_owner_officer"]
        assert case.events.filter(kind=EventKind.CHASE).count() == 1


def test_the_command_prints_the_counts(world):
    submitted_case(world, vn(2026, 8, 20, 10, 0))
    out = StringIO()
    call_command("chase_overdue", "--now", "2026-09-03T09:00:00+07:00", "--json", stdout=out)
    assert json.loads(out.getvalue()) == {
        "reminders": 1,
        "deadline_notices": 0,
        "escalations": 0,
        "digests": 1,
    }
    out = StringIO()
    call_command("chase_overdue", "--now", "2026-09-03T09:00", "--json", stdout=out)  # naive = Vietnam time
    assert json.loads(out.getvalue()) == ZERO


def test_a_simulated_month_day_by_day(world):
    """Three cases, the chase run at 09:00 and 15:00 every calendar day from 21/8 to 30/9/2026.

    Calendar: Sat 22/8 is a make-up working day; Mon 31/8, Tue 1/9 and Wed 2/9 are days off.
    """
    a = submitted_case(world, vn(2026, 8, 20, 10, 0))  # due 7/9 (10th working day after 20/8)
    b = submitted_case(world, vn(2026, 8, 25, 15, 0), province=world.a["48"])  # due 11/9
    c = None
    sent = defaultdict(list)  # (kind, reference) → [dates]
    day = vn(2026, 8, 21, 9, 0)
    while day < vn(2026, 10, 1):
        for hour in (9, 15):
            moment = day.replace(hour=hour)
            before = set(Notification.objects.values_list("pk", flat=True))
            counts = chase_overdue(moment)
            if hour == 15:
                assert counts == ZERO, f"second run of {moment:%d/%m} sent {counts}"
            for stage in ("reminder", "deadline", "escalation"):
                for marker in ChaseMarker.objects.filter(stage=stage, sent_at=moment).select_related(
                    "request"
                ):
                    sent[(stage, marker.request_id)].append(f"{moment:%d/%m}")
            for marker in DigestMarker.objects.filter(sent_at=moment).select_related("ministry"):
                sent[("digest", marker.ministry.code)].append(f"{moment:%d/%m}")
            assert Notification.objects.exclude(pk__in=before).count() >= sum(counts.values())
        if c is None and day.date() == vn(2026, 9, 7).date():
            c = submitted_case(world, vn(2026, 9, 7, 9, 30), source=world.health_system)  # BYT, due 21/9
        day += timedelta(days=1)

    assert sent[("reminder", a.pk)] == ["03/09"]  # 2 working days before 7/9 skips 31/8–2/9
    assert sent[("deadline", a.pk)] == ["07/09"]
    assert sent[("escalation", a.pk)] == ["14/09"]  # 5 working days after 7/9
    assert sent[("reminder", b.pk)] == ["09/09"]
    assert sent[("deadline", b.pk)] == ["11/09"]
    assert sent[("escalation", b.pk)] == ["18/09"]
    assert sent[("reminder", c.pk)] == ["17/09"]
    assert sent[("deadline", c.pk)] == ["21/09"]
    assert sent[("escalation", c.pk)] == ["28/09"]
    # Weekly digests: the first working day of each ISO week with open cases (W36 starts on Thu 3/9);
    # BYT's first digest comes the day after its first case arrived.
    assert sent[("digest", "BTP")] == ["21/08", "24/08", "03/09", "07/09", "14/09", "21/09", "28/09"]
    assert sent[("digest", "BYT")] == ["08/09", "14/09", "21/09", "28/09"]
    for case in (a, b, c):
        case.refresh_from_db()
        assert case.state == State.ESCALATED
    assert sorted(sent) == sorted(k for k in sent if sent[k])  # nothing recorded without a send


def test_escalation_moves_the_case_and_tells_the_supervising_bodies(world):
    case = submitted_case(world, vn(2026, 8, 20, 10, 0))
    counts = chase_overdue(vn(2026, 9, 14, 9, 0))
    assert counts["escalations"] == 1 and counts["reminders"] == 0 and counts["deadline_notices"] == 0
    case.refresh_from_db()
    assert case.state == State.ESCALATED and case.escalated_at == vn(2026, 9, 14, 9, 0)
    event = case.events.filter(kind=EventKind.TRANSITION).latest("pk")
    assert (event.from_state, event.to_state, event.actor) == (State.SUBMITTED, State.ESCALATED, None)
    assert event.fields["reason"] == "Quá 5 ngày làm việc kể từ hạn trả lời 07/09/2026 mà chưa có phản hồi."
    recipients = set(
        Notification.objects.filter(request=case, kind="escalation").values_list(
            "recipient__username", flat=True
        )
    )
    assert {"supervisor", "vpcp_officer"} <= recipients  # BTP's Cục KSTT and the Government Office
    assert {"ministry_officer", "ministry_leader", "province_officer", "province_leader"} <= recipients
    assert "national_admin" not in recipients and "other_ministry_leader" not in recipients


def test_a_worker_that_was_down_sends_only_the_current_stage(world):
    case = submitted_case(world, vn(2026, 8, 20, 10, 0))
    assert chase_overdue(vn(2026, 9, 8, 9, 0)) == {**ZERO, "deadline_notices": 1, "digests": 1}
    assert not ChaseMarker.objects.filter(request=case, stage=ChaseStage.REMINDER).exists()


def test_answered_cases_are_not_chased(world):
    case = submitted_case(world, vn(2026, 8, 20, 10, 0))
    transition(case, State.ACKNOWLEDGED, world.u["ministry_officer"], now=vn(2026, 8, 21, 9, 0))
    transition(
        case,
        State.ANSWERED,
        world.u["ministry_officer"],
        now=vn(2026, 8, 24, 9, 0),
        answer="Đã xử lý",
        resolution="explained",
    )
    assert chase_overdue(vn(2026, 9, 3, 9, 0)) == ZERO
    assert chase_overdue(vn(2026, 9, 14, 9, 0)) == ZERO


def test_a_reopened_case_gets_a_new_deadline_and_new_reminders(world):
    case = submitted_case(world, vn(2026, 8, 20, 10, 0))
    assert chase_overdue(vn(2026, 9, 3, 9, 0))["reminders"] == 1
    transition(case, State.ACKNOWLEDGED, world.u["ministry_officer"], now=vn(2026, 9, 4, 9, 0))
    transition(
        case,
        State.ANSWERED,
        world.u["ministry_officer"],
        now=vn(2026, 9, 4, 10, 0),
        answer="Đã đồng bộ",
        resolution="fixed",
    )
    reopened = transition(
        case,
        State.REOPENED,
        world.u["province_officer"],
        now=vn(2026, 9, 7, 9, 0),
        reason="Vẫn còn thiếu hồ sơ",
    )
    assert reopened.deadline_round == 2
    assert reopened.response_due_at == vn(2026, 9, 21, 17, 0)
    assert chase_overdue(vn(2026, 9, 17, 9, 0))["reminders"] == 1
    assert ChaseMarker.objects.filter(request=case, stage=ChaseStage.REMINDER).count() == 2


def test_the_beat_tasks_call_the_services(world):
    from unittest import mock

    from complaints.tasks import chase_overdue as chase_task
    from complaints.tasks import prepare_requests as prepare_task

    from .helpers import make_run

    make_run(world, period="2026-08")
    assert prepare_task.apply(kwargs={"period": "2026-08"}).get() == {
        "period": "2026-08",
        "provinces": ["01"],
    }
    assert (
        SyncGapRequest.objects.filter(period="2026-08").count() == 1
    )  # the province's task (eager) drafted it
    with mock.patch("complaints.services.chasing.timezone.now", return_value=vn(2026, 9, 3, 9, 0)):
        result = chase_task.apply().get()
    assert set(result) == {"reminders", "deadline_notices", "escalations", "digests", "verified"}
