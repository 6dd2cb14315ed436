"""The request's admin screen (read-only) reads like the site: the timeline's states and the gap
counts by their names, not their codes."""

from __future__ import annotations

import re

from django.urls import reverse

from complaints.models import RequestEvent
from complaints.workflow import State

from .helpers import make_case


def test_a_request_in_the_admin_names_its_states_and_gap_kinds(client, world):
    case = make_case(world, State.SUBMITTED, gap_counts={"missing_on_portal": 12, "status_differs": 3})
    RequestEvent.objects.create(request=case, kind="created", to_state=State.DRAFT)
    RequestEvent.objects.create(
        request=case, kind="transition", from_state=State.DRAFT, to_state=State.SUBMITTED
    )
    admin = world.u["national_admin"]
    admin.is_staff = True
    admin.save(update_fields=["is_staff"])
    client.force_login(admin)
    response = client.get(
        reverse("admin:complaints_syncgaprequest_change", args=[case.pk]), HTTP_ACCEPT_LANGUAGE="vi"
    )
    assert response.status_code == 200
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))
    assert "Thiếu trên Cổng DVCQG: 12; Trạng thái khác nhau: 3" in text
    assert "Dự thảo → Đã gửi" in text
    assert case.reference in text  # the request's title, not "#1 2026-08 7→2"
    for code in ("missing_on_portal", "status_differs", "→submitted", "→draft", "component code"):
        assert code not in text, text[max(0, text.find(code) - 300) : text.find(code) + 100]
