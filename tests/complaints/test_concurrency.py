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
