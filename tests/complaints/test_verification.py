"""Closure verified by the data, the monthly preparation, notifications and e-mail after commit."""

from __future__ import annotations

import json
from io import StringIO
from smtplib import SMTPException
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command

from complaints.models import EventKind, Notification, SyncGapRequest
from complaints.services.notifications import mark_read, send_email, unread_count
from complaints.services.preparation import prepare_requests
from complaints.services.requests import transition
from complaints.services.verification import on_run_finished, verify_pending
from complaints.workflow import State

from .helpers import make_case, make_run, vn


def answered_fixed(world):
    run = make_run(world, counts={"missing_on_portal": 12}, finished_at=vn(2026, 9, 1, 4, 0))
    case = make_case(world, State.DRAFT, run=run, gap_counts={"missing_on_portal": 12}, gap_total=12)
    case = transition(case, State.SUBMITTED, world.u["province_leader"], now=vn(2026, 9, 3, 9, 0))
    transition(case, State.ACKNOWLEDGED, world.u["ministry_officer"], now=vn(2026, 9, 4, 9, 0))
    transition(
        case,
        State.IN_PROGRESS,
        world.u["ministry_officer"],
        now=vn(2026, 9, 4, 10, 0),
        fix_plan="Đồng bộ lại 12 hồ sơ",
        target_date="2026-09-10",
    )
    return transition(
        case,
        State.ANSWERED,
        world.u["ministry_officer"],
        now=vn(2026, 9, 8, 9, 0),
        answer="Đã đồng bộ lại đầy đủ",
        resolution="fixed",
    )


def test_the_gap_closed_so_the_case_is_verified_closed(world):
    case = answered_fixed(world)
    run = make_run(world, counts={"missing_on_portal": 0}, finished_at=vn(2026, 9, 9, 1, 30))
    assert on_run_finished(run, now=vn(2026, 9, 9, 1, 31)) == {case.pk: State.VERIFIED_CLOSED}
    case.refresh_from_db()
    assert case.state == State.VERIFIED_CLOSED and case.latest_gap_total == 0 and case.closed_at
    event = case.events.filter(kind=EventKind.TRANSITION).latest("pk")
    assert (event.from_state, event.to_state, event.actor) == (State.ANSWERED, State.VERIFIED_CLOSED, None)
    assert event.fields["gap_total"] == 0 and event.fields["systems"]["HTDT"]["run"] == run.pk
    assert case.systems.get().latest_gap_total == 0
    assert Notification.objects.filter(request=case, recipient=world.u["province_officer"]).exists()
    # The full timeline, in order.
    assert [(e.from_state, e.to_state) for e in case.events.filter(kind=EventKind.TRANSITION)] == [
        (State.DRAFT, State.SUBMITTED),
        (State.SUBMITTED, State.ACKNOWLEDGED),
        (State.ACKNOWLEDGED, State.IN_PROGRESS),
        (State.IN_PROGRESS, State.ANSWERED),
        (State.ANSWERED, State.VERIFIED_CLOSED),
    ]


def test_below_the_threshold_counts_as_closed(world, settings):
    settings.TTHC_REQUEST_CLOSE_THRESHOLD = 2
    case = answered_fixed(world)
    run = make_run(world, counts={"missing_on_portal": 2}, finished_at=vn(2026, 9, 9, 1, 30))
    assert on_run_finished(run) == {case.pk: State.VERIFIED_CLOSED}


def test_the_gap_is_still_there_so_the_case_is_reopened_and_the_ministry_told(world):
    case = answered_fixed(world)
    Notification.objects.all().delete()
    run = make_run(
        world,
        counts={"missing_on_portal": 7, "status_differs": 1},
        points="0.8",
        finished_at=vn(2026, 9, 9, 1, 30),
    )
    assert on_run_finished(run, now=vn(2026, 9, 9, 1, 31)) == {case.pk: State.REOPENED}
    case.refresh_from_db()
    assert case.state == State.REOPENED
    assert (case.latest_gap_total, case.latest_gap_counts) == (
        8,
        {"missing_on_portal": 7, "status_differs": 1},
    )
    assert case.gap_total == 12  # the evidence filed stays as filed
    assert case.deadline_round == 2 and case.response_due_at == vn(2026, 9, 23, 17, 0)
    event = case.events.filter(kind=EventKind.TRANSITION).latest("pk")
    assert event.to_state == State.REOPENED and event.actor is None
    assert "vẫn còn 8 trường hợp sai lệch" in event.fields["reason"]
    assert event.fields["reason"].startswith("Kết quả đối soát tháng 08/2026 (chạy lúc ")
    assert event.fields["reason"].endswith("theo hệ thống: Hệ thống Hộ tịch điện tử: 8.")  # by name
    assert event.fields["gap_counts"] == {"missing_on_portal": 7, "status_differs": 1}
    told = set(
        Notification.objects.filter(request=case, kind="reopened").values_list(
            "recipient__username", flat=True
        )
    )
    assert {"ministry_officer", "ministry_leader", "system_owner_officer"} <= told


def test_a_run_older_than_the_answer_proves_nothing(world):
    case = answered_fixed(world)
    stale = make_run(world, counts={}, finished_at=vn(2026, 9, 7, 1, 0))
    assert on_run_finished(stale) == {}
    case.refresh_from_db()
    assert case.state == State.ANSWERED


def test_runs_of_other_systems_provinces_or_months_do_not_touch_the_case(world):
    case = answered_fixed(world)
    for kwargs in ({"source": world.other_system}, {"province": world.a["48"]}, {"period": "2026-09"}):
        run = make_run(world, counts={}, finished_at=vn(2026, 9, 9, 1, 0), **kwargs)
        assert on_run_finished(run) == {}
    case.refresh_from_db()
    assert case.state == State.ANSWERED


def test_an_answer_explained_is_not_verified(world):
    case = make_case(world, State.ANSWERED, resolution="explained")
    run = make_run(world, counts={}, finished_at=vn(2026, 9, 20, 1, 0))
    assert on_run_finished(run) == {}
    case.refresh_from_db()
    assert case.state == State.ANSWERED


def test_the_hourly_safety_net_verifies_when_the_hook_was_missed(world):
    case = answered_fixed(world)
    assert verify_pending(vn(2026, 9, 8, 12, 0)) == {}  # no newer run yet
    make_run(world, counts={}, finished_at=vn(2026, 9, 9, 1, 30))
    assert verify_pending(vn(2026, 9, 9, 2, 0)) == {case.pk: State.VERIFIED_CLOSED}
    assert verify_pending(vn(2026, 9, 9, 3, 0)) == {}


# --- Preparation ----------------------------------------------------------------------------------------
def test_prepare_drafts_above_the_threshold_and_is_idempotent(world, settings):
    settings.TTHC_REQUEST_DRAFT_THRESHOLD = 5
    make_run(world, counts={"missing_on_portal": 12})  # 01 × HTDT: drafted
    make_run(world, source=world.other_system, counts={"status_differs": 5})  # at the threshold: not listed
    make_run(world, source=world.health_system, province=world.a["48"], counts={"synced_late": 9})  # drafted
    make_run(world, source=world.provincial_system, counts={"missing_on_portal": 99})  # provincial: never
    make_run(world, period="2026-07", counts={"missing_on_portal": 50})  # another month
    created = prepare_requests("2026-08")
    assert sorted(
        (c.province.code, c.ministry.code, tuple(s.source.code for s in c.systems.all())) for c in created
    ) == [("01", "BTP", ("HTDT",)), ("48", "BYT", ("KCB",))]
    assert all(c.state == State.DRAFT and c.attachments.count() == 2 for c in created)
    assert prepare_requests("2026-08") == []
    assert SyncGapRequest.objects.count() == 2


def test_prepare_command_prints_json(world):
    make_run(world, counts={"missing_on_portal": 3}, points="0.5")
    out = StringIO()
    call_command("prepare_requests", "--period", "2026-08", "--json", stdout=out)
    rows = json.loads(out.getvalue())
    assert [(r["province"], r["ministry"], r["systems"], r["gap_total"], r["state"]) for r in rows] == [
        ("01", "BTP", [{"code": "HTDT", "gap_total": 3, "gaps": {"missing_on_portal": 3}}], 3, "draft")
    ]
    assert set(rows[0]) >= {"id", "reference", "period", "points_at_stake"}
    out = StringIO()
    call_command("prepare_requests", "--period", "2026-08", "--json", stdout=out)
    assert json.loads(out.getvalue()) == []


def test_prepare_command_rejects_a_bad_period(world):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("prepare_requests", "--period", "2026-Q3")


# --- Notifications and e-mail ----------------------------------------------------------------------------
def test_email_is_sent_only_after_commit(world, django_capture_on_commit_callbacks):
    case = make_case(world, State.DRAFT)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        transition(case, State.SUBMITTED, world.u["province_leader"], now=vn(2026, 9, 3, 9, 0))
    assert mail.outbox == []  # the rows exist, the mail waits for the commit
    assert Notification.objects.filter(request=case).count() == 3
    assert len(callbacks) == 1
    callbacks[0]()
    assert sorted(m.to[0] for m in mail.outbox) == [
        "ministry_leader@example.vn",
        "ministry_officer@example.vn",
        "system_owner_officer@example.vn",
    ]
    assert "KN-2026-08" in mail.outbox[0].subject
    assert "/requests/" in mail.outbox[0].body
    assert all(n.emailed_at for n in Notification.objects.filter(request=case))


def test_a_rolled_back_change_sends_nothing(world, django_capture_on_commit_callbacks):
    from django.db import transaction as db_transaction

    case = make_case(world, State.DRAFT)
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), db_transaction.atomic():
            transition(case, State.SUBMITTED, world.u["province_leader"], now=vn(2026, 9, 3, 9, 0))
            raise RuntimeError("boom")
    assert mail.outbox == [] and not Notification.objects.exists()


def test_email_is_sent_once_and_failures_are_recorded_and_retried(world, django_capture_on_commit_callbacks):
    case = make_case(world, State.DRAFT)
    with django_capture_on_commit_callbacks(execute=False):
        transition(case, State.SUBMITTED, world.u["province_leader"], now=vn(2026, 9, 3, 9, 0))
    n = Notification.objects.filter(request=case).first()
    with mock.patch("complaints.services.notifications.send_mail", side_effect=SMTPException("down")):
        with pytest.raises(SMTPException):
            send_email(n.pk)
    n.refresh_from_db()
    assert (n.emailed_at, n.email_attempts) == (None, 1) and "down" in n.email_error
    assert send_email(n.pk) is True
    assert send_email(n.pk) is False  # a duplicated task sends nothing
    assert len(mail.outbox) == 1


@pytest.fixture
def eager_retries():
    """Eager tasks retry in place only when they do not propagate errors."""
    from config.celery import app

    before = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False
    yield
    app.conf.task_eager_propagates = before


def test_the_task_retries_with_a_cap(world, settings, eager_retries):
    from complaints.tasks import send_notification_email

    settings.TTHC_REQUEST_EMAIL_MAX_RETRIES = 2
    case = make_case(world, State.SUBMITTED)
    n = Notification.objects.create(
        recipient=world.u["ministry_officer"], kind="transition", request=case, subject="s"
    )
    with mock.patch("complaints.services.notifications.send_mail", side_effect=SMTPException("down")) as send:
        result = send_notification_email.apply(args=[n.pk])
    assert result.failed() and isinstance(result.result, SMTPException)
    assert send.call_count == 3  # the first try and two retries
    n.refresh_from_db()
    assert n.email_attempts == 3 and n.emailed_at is None


def test_unread_counts_and_mark_read(world):
    case = make_case(world, State.SUBMITTED)
    user = world.u["province_officer"]
    for i in range(3):
        Notification.objects.create(recipient=user, kind="transition", request=case, subject=f"s{i}")
    Notification.objects.create(recipient=world.u["province_leader"], kind="transition", subject="other")
    assert unread_count(user) == 3
    first = Notification.objects.filter(recipient=user).first()
    assert mark_read(user, [first.pk]) == 1 and unread_count(user) == 2
    assert mark_read(user) == 2 and unread_count(user) == 0
    assert unread_count(world.u["province_leader"]) == 1


def test_a_committed_reconciliation_run_verifies_through_the_signal(world):
    """reconciliation sends ``run_finished`` on commit; complaints listens (no import of complaints there)."""
    from reconciliation.models import ReconciliationRun
    from reconciliation.signals import run_finished

    case = answered_fixed(world)
    run = make_run(world, counts={"missing_on_portal": 0}, finished_at=vn(2026, 9, 9, 1, 30))
    run_finished.send(sender=ReconciliationRun, run=run)
    case.refresh_from_db()
    assert case.state == State.VERIFIED_CLOSED
