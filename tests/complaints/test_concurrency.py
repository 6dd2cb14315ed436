"""Overlapping chasing workers on PostgreSQL: the row lock and the marker's unique constraint let
exactly one of them send each stage."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from complaints.models import ChaseMarker, Notification
from complaints.services.chasing import chase_overdue
from complaints.services.requests import transition
from complaints.workflow import State

from .helpers import build_world, leader_for, make_case, vn

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_parallel_workers_send_each_reminder_once():
    world = build_world()
    for i, province in enumerate((world.a["01"], world.a["48"])):
        case = make_case(world, State.DRAFT, province=province, period=f"2026-0{i + 5}")
        transition(case, State.SUBMITTED, leader_for(world, province), now=vn(2026, 8, 20, 10, 0))
    moment = vn(2026, 9, 3, 9, 0)
    results, errors, barrier = [], [], threading.Barrier(4)

    def worker():
        try:
            barrier.wait()
            results.append(chase_overdue(moment))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert sum(r["reminders"] for r in results) == 2
    assert sum(r["digests"] for r in results) == 1
    assert ChaseMarker.objects.count() == 2
    assert Notification.objects.filter(kind="reminder").count() == 2 * 3


def test_twenty_leaders_submitting_at_once_get_twenty_consecutive_numbers():
    """The per-province, per-year counter row is locked by each submission: no duplicate, no gap."""
    from accounts.models import Role, RoleAssignment, User
    from complaints.models import SyncGapRequest

    world = build_world()
    province = world.a["01"]
    leaders, cases = [], []
    for i in range(20):
        leader = User.objects.create(username=f"leader{i}", full_name=f"Lãnh đạo {i}")
        RoleAssignment.objects.create(user=leader, agency=province, role=Role.LEADER, include_subunits=True)
        leaders.append(leader)
        year, month = 2024 + i // 12, i % 12 + 1
        cases.append(make_case(world, State.DRAFT, province=province, period=f"{year}-{month:02d}"))
    errors, barrier = [], threading.Barrier(20)

    def worker(case, leader):
        try:
            barrier.wait()
            transition(case, State.SUBMITTED, leader, now=vn(2026, 9, 3, 9, 0))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=pair) for pair in zip(cases, leaders, strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    numbers = sorted(SyncGapRequest.objects.values_list("number", flat=True))
    assert numbers == list(range(1, 21))
    signers = set(SyncGapRequest.objects.values_list("signed_by__username", flat=True))
    assert signers == {f"leader{i}" for i in range(20)}
