"""Citizen feedback (phản ánh, kiến nghị) on the shared case machinery, with indicators' deadlines."""

from __future__ import annotations

from itertools import product

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from accounts.models import AuditLog
from complaints.feedback_workflow import FEEDBACK_WORKFLOW, FeedbackState
from complaints.machine import TransitionDenied, UnknownTransition
from complaints.models import Feedback, FeedbackEvent, Notification
from complaints.services import feedback as svc
from complaints.services.deadlines import working_deadline

from .helpers import vn

F = FeedbackState
OFFICERS = {"province_officer", "province_leader"}
LEADERS = {"province_leader"}
#: Hand-written: who may move a feedback item about province 01 from where to where.
EXPECTED = {
    (F.RECEIVED, F.REFUSED): OFFICERS,
    (F.RECEIVED, F.MORE_INFO_REQUESTED): OFFICERS,
    (F.RECEIVED, F.ANSWERED): OFFICERS,
    (F.MORE_INFO_REQUESTED, F.REFUSED): OFFICERS,
    (F.MORE_INFO_REQUESTED, F.ANSWERED): OFFICERS,
    (F.ANSWERED, F.PUBLISHED): LEADERS,
}
ROLES = [
    "province_officer",
    "province_leader",
    "province_viewer",
    "commune_officer",
    "other_province_officer",
    "ministry_leader",
    "supervisor",
    "national_admin",
]
FIELDS = {
    "reason": "Không thuộc thẩm quyền",
    "question": "Đề nghị bổ sung số hồ sơ",
    "answer": "Đã giải quyết",
}
RECEIVED = vn(2026, 9, 3, 9, 0)
LATER = vn(2026, 9, 4, 10, 0)
STAMP = {
    F.REFUSED: "refused_at",
    F.MORE_INFO_REQUESTED: "asked_more_at",
    F.ANSWERED: "answered_at",
    F.PUBLISHED: "published_at",
}


def item(world, state=F.RECEIVED, code="PAKN-1"):
    dates = {
        F.MORE_INFO_REQUESTED: {"asked_more_at": RECEIVED},
        F.REFUSED: {"refused_at": RECEIVED},
        F.ANSWERED: {"answered_at": RECEIVED},
        F.PUBLISHED: {"answered_at": RECEIVED, "published_at": RECEIVED},
    }
    return Feedback.objects.create(
        code=code,
        agency=world.a["01"],
        subject="Chậm trả kết quả",
        received_at=RECEIVED,
        **dates.get(state, {}),
    )


def test_the_table_matches_the_expectations():
    assert {(t.source, t.target) for t in FEEDBACK_WORKFLOW.transitions} == set(EXPECTED)
    assert {t.target: set(t.required_fields) for t in FEEDBACK_WORKFLOW.transitions} == {
        F.REFUSED: {"reason"},
        F.MORE_INFO_REQUESTED: {"question"},
        F.ANSWERED: {"answer"},
        F.PUBLISHED: set(),
    }


@pytest.mark.parametrize("rule", FEEDBACK_WORKFLOW.transitions, ids=lambda t: f"{t.source}-{t.target}")
def test_every_transition_by_every_role(world, rule):
    problems = []
    for index, role in enumerate(ROLES):
        feedback = item(world, rule.source, code=f"PAKN-{index}")
        user = world.u[role]
        if role in EXPECTED[(rule.source, rule.target)]:
            result = svc.transition(feedback, rule.target, user, now=LATER, **FIELDS)
            if getattr(result, STAMP[rule.target]) != LATER:
                problems.append(f"{role}: not stamped")
            event = FeedbackEvent.objects.filter(feedback=feedback).get()
            if (event.from_state, event.to_state, event.actor) != (rule.source, rule.target, user):
                problems.append(f"{role}: event {event}")
        else:
            try:
                svc.transition(feedback, rule.target, user, now=LATER, **FIELDS)
                problems.append(f"{role}: allowed")
            except TransitionDenied:
                pass
    assert not problems, problems


@pytest.mark.parametrize("source", list(F.values))
def test_nothing_outside_the_table(world, source):
    feedback = item(world, source)
    for target, role in product(F.values, ROLES):
        if (source, target) not in EXPECTED:
            with pytest.raises(UnknownTransition):
                svc.transition(feedback, target, world.u[role], now=LATER, **FIELDS)


def test_deadlines_are_indicators_and_publishing_starts_with_the_answer(world):
    feedback = item(world)
    assert feedback.answer_due_at == working_deadline(RECEIVED, 15)
    assert feedback.publish_due_at is None
    answered = svc.transition(feedback, F.ANSWERED, world.u["province_officer"], now=LATER, answer="Đã xử lý")
    assert answered.publish_due_at == working_deadline(LATER, 2)
    told = set(Notification.objects.values_list("recipient__username", flat=True))
    assert told == {"province_leader"}  # leaders publish the answer
    assert AuditLog.objects.filter(action="feedback.transition", target_id=str(feedback.pk)).exists()


def test_required_fields(world):
    feedback = item(world)
    with pytest.raises(ValidationError) as info:
        svc.transition(feedback, F.ANSWERED, world.u["province_officer"], now=LATER)
    assert "answer" in info.value.message_dict
    feedback.refresh_from_db()
    assert feedback.answered_at is None and not FeedbackEvent.objects.exists()


def test_api_is_scoped_and_fires_transitions(world):
    feedback = item(world)
    api = APIClient()
    api.force_authenticate(world.u["other_province_officer"])
    assert api.get("/api/v1/feedback-cases/").json()["results"] == []
    assert api.get(f"/api/v1/feedback-cases/{feedback.pk}/").status_code == 404
    api.force_authenticate(world.u["province_officer"])
    body = api.get(f"/api/v1/feedback-cases/{feedback.pk}/").json()
    assert body["state"] == "received"
    assert [t["to"] for t in body["allowed_transitions"]] == ["refused", "more_info_requested", "answered"]
    url = f"/api/v1/feedback-cases/{feedback.pk}/transition/"
    assert api.post(url, {"to": "answered"}, format="json").status_code == 400
    assert api.post(url, {"to": "published"}, format="json").status_code == 409
    response = api.post(url, {"to": "answered", "answer": "Đã giải quyết"}, format="json")
    assert response.status_code == 200 and response.json()["state"] == "answered"
    assert api.post(url, {"to": "published"}, format="json").status_code == 403  # a leader publishes
    api.force_authenticate(world.u["province_leader"])
    body = api.post(url, {"to": "published"}, format="json").json()
    assert body["state"] == "published" and [e["to_state"] for e in body["events"]] == [
        "answered",
        "published",
    ]
