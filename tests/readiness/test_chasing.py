"""The classification deadline, chased through complaints' hourly pass: each stage once."""

from __future__ import annotations

from datetime import datetime

import pytest

from complaints.models import Notification
from complaints.services.chasing import chase_overdue
from readiness.models import ChaseMarker
from tthc.calendar import VN_TZ

from .helpers import approved

pytestmark = pytest.mark.django_db


def vn(*args):
    return datetime(*args, tzinfo=VN_TZ)


def test_reminder_notice_escalation_once_each(world):
    approved(world, "BTP")  # BTP has classified its one procedure: never chased
    # The example set's deadline is Tuesday 30/6/2026; reminder 5 working days before (23/6).
    assert chase_overdue(vn(2026, 6, 22, 9)).get("readiness_reminders") is None
    first = chase_overdue(vn(2026, 6, 23, 9))
    assert first["readiness_reminders"] >= 1
    assert chase_overdue(vn(2026, 6, 23, 10)).get("readiness_reminders") is None  # once
    assert chase_overdue(vn(2026, 6, 30, 9))["readiness_notices"] >= 1
    assert chase_overdue(vn(2026, 7, 2, 9))["readiness_escalations"] >= 1
    stages = set(ChaseMarker.objects.filter(ministry=world.a["BYT"]).values_list("stage", flat=True))
    assert stages == {"reminder", "deadline", "escalation"}
    assert not ChaseMarker.objects.filter(ministry=world.a["BTP"]).exists()
    byt_officer = world.u["byt_officer"]
    kinds = set(Notification.objects.filter(recipient=byt_officer).values_list("kind", flat=True))
    assert kinds == {"reminder", "deadline", "escalation"}
    assert not Notification.objects.filter(recipient=world.u["btp_officer"]).exists()
