"""No open redirect: every view that follows a ``next`` (or stored) target stays on the site."""

from __future__ import annotations

import pytest
from django.urls import reverse

from complaints.models import Notification, SyncGapRequest
from complaints.workflow import State
from tests.complaints.helpers import build_world, make_case

pytestmark = pytest.mark.django_db

OFFSITE = [
    "http://evil.example/",
    "https://evil.example/x",
    "//evil.example/",
    "/\\evil.example/",
    "\\\\evil.example",
    "javascript:alert(1)",
    "http:///evil.example",
    " //evil.example",
]


@pytest.fixture
def world(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return build_world()


@pytest.mark.parametrize("target", OFFSITE)
def test_bulk_submit_ignores_an_offsite_next(client, world, target):
    draft = make_case(world, period="2026-03")
    client.force_login(world.u["province_leader"])
    response = client.post(reverse("complaints:bulk-submit"), {"ids": [draft.pk], "next": target})
    assert response.status_code == 302 and response["Location"] == reverse("complaints:review")
    assert (
        SyncGapRequest.objects.get(pk=draft.pk).state == State.SUBMITTED
    )  # the submission itself went through


def test_bulk_submit_follows_a_local_next(client, world):
    client.force_login(world.u["province_leader"])
    local = reverse("complaints:review") + "?period=2026-03"
    response = client.post(reverse("complaints:bulk-submit"), {"ids": [], "next": local})
    assert response["Location"] == local


@pytest.mark.parametrize("target", OFFSITE[:3])
def test_a_notification_never_leads_off_the_site(client, world, target):
    case = make_case(world, State.SUBMITTED)
    n = Notification.objects.create(
        recipient=world.u["province_officer"], kind="transition", request=case, subject="x", url=target
    )
    client.force_login(world.u["province_officer"])
    response = client.get(reverse("complaints:open-notification", args=[n.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("complaints:notifications")


@pytest.mark.parametrize(
    "path, data",
    [
        ("/i18n/setlang/", {"language": "en", "next": "http://evil.example/"}),
        ("/accounts/login/?next=http://evil.example/", None),
    ],
)
def test_django_views_reading_next_stay_on_site(client, world, path, data):
    """Django's own ``next`` readers (language switch, login) are checked too."""
    if data is None:
        user = world.u["province_officer"]
        user.set_password("Correct-Horse-7")
        user.save()
        response = client.post(path, {"username": user.username, "password": "Correct-Horse-7"})
    else:
        response = client.post(path, data)
    assert response.status_code == 302 and "evil" not in response["Location"]
