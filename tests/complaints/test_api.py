"""The API: scoping through the gate (404 outside scope), transitions as actions, creation, files."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import AuditLog
from complaints.models import SyncGapRequest
from complaints.workflow import State

from .helpers import make_case, make_run

#: A fix plan's target date: not in the past, not beyond ``TTHC_REQUEST_TARGET_MAX_DAYS``.
IN_A_MONTH = (timezone.localdate() + timedelta(days=30)).isoformat()


@pytest.fixture
def api():
    return APIClient()


def as_user(api, world, name):
    api.force_authenticate(world.u[name])
    return api


@pytest.fixture
def cases(world):
    return {
        "draft_01": make_case(world, State.DRAFT, period="2026-08"),
        "submitted_01": make_case(world, State.SUBMITTED, period="2026-07"),
        "submitted_48": make_case(world, State.SUBMITTED, period="2026-07", province=world.a["48"]),
        "byt_01": make_case(world, State.SUBMITTED, period="2026-07", source=world.health_system),
    }


VISIBLE = {
    "province_officer": {"draft_01", "submitted_01", "byt_01"},
    "province_viewer": {"draft_01", "submitted_01", "byt_01"},
    "ministry_officer": {"submitted_01", "submitted_48"},  # drafts are the province's working papers
    "system_owner_officer": {"submitted_01", "submitted_48"},
    "other_province_officer": {"submitted_48"},
    "commune_officer": set(),  # a commune does not see its province's letters
    "other_ministry_leader": {"byt_01"},
    "supervisor": {"submitted_01", "submitted_48", "byt_01"},
    "vpcp_officer": {"submitted_01", "submitted_48", "byt_01"},
    "national_admin": {"draft_01", "submitted_01", "submitted_48", "byt_01"},
}


@pytest.mark.parametrize("name", sorted(VISIBLE))
def test_list_and_detail_are_scoped(api, world, cases, name):
    as_user(api, world, name)
    listed = {r["id"] for r in api.get("/api/v1/requests/").json()["results"]}
    assert listed == {cases[k].pk for k in VISIBLE[name]}
    for key, case in cases.items():
        status = api.get(f"/api/v1/requests/{case.pk}/").status_code
        assert status == (200 if key in VISIBLE[name] else 404), key


def test_anonymous_is_refused(api, cases):
    assert api.get("/api/v1/requests/").status_code in (401, 403)


def test_detail_offers_exactly_the_allowed_transitions(api, world, cases):
    case = cases["submitted_01"]
    body = as_user(api, world, "ministry_leader").get(f"/api/v1/requests/{case.pk}/").json()
    assert [t["to"] for t in body["allowed_transitions"]] == ["acknowledged", "rejected"]
    rejected = body["allowed_transitions"][1]
    assert rejected["fields"] == [{"name": "reason", "kind": "text", "required": True, "choices": []}]
    body = as_user(api, world, "ministry_officer").get(f"/api/v1/requests/{case.pk}/").json()
    assert [t["to"] for t in body["allowed_transitions"]] == ["acknowledged"]
    body = as_user(api, world, "province_officer").get(f"/api/v1/requests/{case.pk}/").json()
    assert body["allowed_transitions"] == []
    assert body["countdown"] is not None or body["overdue"]


def test_the_whole_journey_through_the_api(api, world):
    make_run(world)
    as_user(api, world, "province_officer")
    created = api.post(
        "/api/v1/requests/", {"province": "01", "system": "HTDT", "period": "2026-08"}, format="json"
    )
    assert created.status_code == 201
    pk = created.json()["id"]
    again = api.post(
        "/api/v1/requests/", {"province": "01", "system": "HTDT", "period": "2026-08"}, format="json"
    )
    assert again.status_code == 200 and again.json()["id"] == pk
    assert created.json()["state"] == "draft" and len(created.json()["attachments"]) == 2
    refused = api.post(f"/api/v1/requests/{pk}/transition/", {"to": "submitted"}, format="json")
    detail = refused.json()["detail"]
    assert refused.status_code == 403 and ("leader" in detail or "lãnh đạo" in detail)
    as_user(api, world, "province_leader")
    response = api.post(
        f"/api/v1/requests/{pk}/transition/",
        {"to": "submitted", "signer_title": "Phó Chủ tịch", "signer_mode": "KT."},
        format="json",
    )
    assert response.status_code == 200 and response.json()["state"] == "submitted"
    assert response.json()["number"] == "Số: 1/UBND-KSTT"
    assert response.json()["signer"]["name"] == "province leader"
    assert response.json()["signer"]["title"] == "Phó Chủ tịch"
    assert [s["code"] for s in response.json()["systems"]] == ["HTDT"]

    as_user(api, world, "ministry_officer")
    url = f"/api/v1/requests/{pk}/transition/"
    assert api.post(url, {"to": "acknowledged", "comment": "Đã nhận"}, format="json").status_code == 200
    missing = api.post(url, {"to": "in_progress", "fix_plan": "Đồng bộ lại"}, format="json")
    assert missing.status_code == 400 and "target_date" in missing.json()
    assert (
        api.post(
            url, {"to": "in_progress", "fix_plan": "Đồng bộ lại", "target_date": IN_A_MONTH}, format="json"
        ).status_code
        == 200
    )
    answered = api.post(
        url, {"to": "answered", "answer": "Đã đồng bộ lại đầy đủ", "resolution": "fixed"}, format="json"
    )
    assert answered.status_code == 200
    body = answered.json()
    assert body["state"] == "answered" and body["resolution"] == "fixed"
    assert [(e["from_state"], e["to_state"]) for e in body["events"] if e["kind"] == "transition"] == [
        ("draft", "submitted"),
        ("submitted", "acknowledged"),
        ("acknowledged", "in_progress"),
        ("in_progress", "answered"),
    ]


def test_transition_refusals(api, world, cases):
    case = cases["submitted_01"]
    url = f"/api/v1/requests/{case.pk}/transition/"
    as_user(api, world, "ministry_officer")
    assert api.post(url, {"to": "rejected", "reason": "x"}, format="json").status_code == 403  # leaders only
    assert AuditLog.objects.filter(action="permission.denied", actor=world.u["ministry_officer"]).count() == 1
    assert api.post(url, {"to": "answered"}, format="json").status_code == 409  # not from submitted
    assert api.post(url, {"to": "acknowledge"}, format="json").status_code == 400  # not a state name
    assert api.post(url, {}, format="json").status_code == 400
    as_user(api, world, "other_province_officer")
    assert api.post(url, {"to": "acknowledged"}, format="json").status_code == 404  # outside scope
    as_user(api, world, "province_viewer")
    assert api.post(url, {"to": "acknowledged"}, format="json").status_code == 403
    case.refresh_from_db()
    assert case.state == State.SUBMITTED


def test_creation_refusals(api, world):
    as_user(api, world, "province_viewer")
    assert (
        api.post(
            "/api/v1/requests/", {"province": "01", "system": "HTDT", "period": "2026-08"}, format="json"
        ).status_code
        == 403
    )
    as_user(api, world, "other_province_officer")
    assert (
        api.post(
            "/api/v1/requests/", {"province": "01", "system": "HTDT", "period": "2026-08"}, format="json"
        ).status_code
        == 404
    )
    as_user(api, world, "province_officer")
    assert (
        api.post(
            "/api/v1/requests/", {"province": "01", "system": "HN-TTHC", "period": "2026-08"}, format="json"
        ).status_code
        == 400
    )
    assert (
        api.post(
            "/api/v1/requests/", {"province": "01", "system": "HTDT", "period": "2026-13"}, format="json"
        ).status_code
        == 400
    )
    assert not SyncGapRequest.objects.exists()


def test_bulk_submit_comments_and_attachments(api, world, cases):
    draft = cases["draft_01"]
    as_user(api, world, "province_officer")
    response = api.post("/api/v1/requests/bulk-submit/", {"ids": [draft.pk]}, format="json")
    assert response.json()["submitted"] == [] and list(response.json()["errors"]) == [str(draft.pk)]
    as_user(api, world, "province_leader")
    response = api.post(
        "/api/v1/requests/bulk-submit/", {"ids": [draft.pk, cases["submitted_48"].pk]}, format="json"
    )
    assert response.json()["submitted"] == [draft.pk] and response.json()["errors"] == {}
    comment = api.post(
        f"/api/v1/requests/{draft.pk}/comments/", {"comment": "Đề nghị Bộ xử lý sớm"}, format="json"
    )
    assert comment.status_code == 201 and comment.json()["kind"] == "comment"
    upload = SimpleUploadedFile("cv.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    attached = api.post(f"/api/v1/requests/{draft.pk}/attachments/", {"file": upload}, format="multipart")
    assert attached.status_code == 201 and attached.json()["name"] == "cv.pdf"
    bad = SimpleUploadedFile("x.exe", b"MZ", content_type="application/octet-stream")
    assert (
        api.post(f"/api/v1/requests/{draft.pk}/attachments/", {"file": bad}, format="multipart").status_code
        == 400
    )


def test_filters(api, world, cases):
    as_user(api, world, "national_admin")
    ids = lambda q: {r["id"] for r in api.get(f"/api/v1/requests/?{q}").json()["results"]}  # noqa: E731
    assert ids("ministry=BYT") == {cases["byt_01"].pk}
    assert ids("state=draft") == {cases["draft_01"].pk}
    assert ids("province=48") == {cases["submitted_48"].pk}
    assert ids("period=2026-08") == {cases["draft_01"].pk}
    assert ids("overdue=true") == {c.pk for k, c in cases.items() if k != "draft_01"}  # due in Sept 2026


def test_notifications_api(api, world, cases):
    from complaints.models import Notification

    Notification.objects.create(recipient=world.u["province_officer"], kind="transition", subject="a")
    Notification.objects.create(recipient=world.u["province_leader"], kind="transition", subject="b")
    as_user(api, world, "province_officer")
    assert [n["subject"] for n in api.get("/api/v1/notifications/").json()["results"]] == ["a"]
    assert api.post("/api/v1/notifications/mark-read/", {}, format="json").json() == {"marked": 1}
    assert api.get("/api/v1/notifications/?unread=true").json()["results"] == []


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/notifications/mark-read/", {"ids": "x"}),
        ("/api/v1/notifications/mark-read/", {"ids": [99999999999999999999]}),
        ("/api/v1/notifications/mark-read/", {"ids": [0]}),
        ("/api/v1/notifications/mark-read/", ["not", "an", "object"]),
        ("/api/v1/requests/bulk-submit/", {"ids": [99999999999999999999]}),
        ("/api/v1/requests/bulk-submit/", {"ids": ["abc"]}),
    ],
)
def test_bad_id_lists_are_refused_naming_the_field(api, world, cases, path, body):
    from complaints.models import Notification

    Notification.objects.create(recipient=world.u["province_leader"], kind="transition", subject="a")
    as_user(api, world, "province_leader")
    response = api.post(path, body, format="json")
    assert response.status_code == 400, response.content
    assert "ids" in response.json() or "non_field_errors" in response.json()
    assert Notification.objects.filter(read_at__isnull=True).count() == 1  # nothing marked read
    assert SyncGapRequest.objects.get(pk=cases["draft_01"].pk).state == "draft"
