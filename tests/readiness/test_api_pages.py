"""The API's writes and the pages: 403/404 across ministries, the workflow through HTTP."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Role
from readiness.models import Assessment, AssessmentState
from tests.accounts.helpers import make_user

from .helpers import ALL_MET, approved

pytestmark = pytest.mark.django_db


def _payload(procedure="P-BTP", system="SYS-BTP", not_met=(), **extra):
    return {
        "procedure": procedure,
        "system": system,
        "results": [{"criterion": c, "outcome": "not_met" if c in not_met else "met"} for c in ALL_MET],
        **extra,
    }


def test_api_officer_cannot_assess_another_ministrys_procedure(client, world):
    client.force_login(world.u["btp_officer"])
    response = client.post(
        "/api/v1/readiness/assessments/", _payload("P-BYT", "SYS-BYT"), content_type="application/json"
    )
    assert response.status_code == 403
    assert not Assessment.objects.exists()


def test_api_workflow(client, world):
    client.force_login(world.u["btp_officer"])
    payload = _payload(
        not_met=("KN-01",),
        planned_ready_on="2027-03-31",
        steps=[{"action": "Kết nối", "due_on": "2027-02-01"}],
        submit=True,
    )
    response = client.post("/api/v1/readiness/assessments/", payload, content_type="application/json")
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert response.json()["state"] == "submitted"
    assert (
        client.post(
            f"/api/v1/readiness/assessments/{pk}/approve/", {}, content_type="application/json"
        ).status_code
        == 403
    )
    client.force_login(world.u["byt_leader"])  # another ministry's leader: not even visible
    assert (
        client.post(
            f"/api/v1/readiness/assessments/{pk}/approve/", {}, content_type="application/json"
        ).status_code
        == 404
    )
    assert client.get(f"/api/v1/readiness/assessments/{pk}/").status_code == 404
    client.force_login(world.u["btp_leader"])
    body = client.post(
        f"/api/v1/readiness/assessments/{pk}/approve/", {}, content_type="application/json"
    ).json()
    assert (body["state"], body["classification"], body["is_current"]) == ("approved", "not_ready", True)
    again = client.post(f"/api/v1/readiness/assessments/{pk}/approve/", {}, content_type="application/json")
    assert again.status_code == 409
    listed = client.get("/api/v1/readiness/assessments/?current=true&classification=not_ready").json()[
        "results"
    ]
    assert [r["id"] for r in listed] == [pk]


def test_api_bad_input_names_the_field(client, world):
    client.force_login(world.u["btp_officer"])
    payload = _payload()
    payload["results"][0]["criterion"] = "NOPE"
    response = client.post("/api/v1/readiness/assessments/", payload, content_type="application/json")
    assert response.status_code == 400 and "NOPE" in str(response.json()["results"])


def test_page_assess_approve_and_history(client, world):
    client.force_login(world.u["btp_officer"])
    url = reverse("readiness:assess", args=["BTP"])
    assert client.get(url).status_code == 200
    form = {
        "procedure": "P-BTP",
        "system": "SYS-BTP",
        "planned_ready_on": "2027-01-31",
        "steps": "2027-01-15 Cấu hình",
    }
    form |= {f"outcome-{c}": "met" for c in ALL_MET} | {"outcome-VH-01": "not_met"}
    form["file-CH-01"] = SimpleUploadedFile("minh-chung.pdf", b"%PDF-1.4 x")
    response = client.post(url, form)
    assert response.status_code == 302
    a = Assessment.objects.get()
    assert a.state == AssessmentState.SUBMITTED
    result = a.results.get(criterion__code="CH-01")
    file_url = reverse("readiness:attachment", args=[a.pk, result.pk])
    assert client.get(file_url).status_code == 200
    # another ministry's procedure through this ministry's form: 403
    form2 = dict(form, procedure="P-BYT")
    form2.pop("file-CH-01")
    assert client.post(url, form2).status_code == 403
    assert client.post(reverse("readiness:decide", args=[a.pk, "approve"])).status_code == 403
    client.force_login(world.u["btp_leader"])
    html = client.get(reverse("readiness:assessment", args=[a.pk])).content.decode()
    assert reverse("readiness:decide", args=[a.pk, "approve"]) in html
    client.post(reverse("readiness:decide", args=[a.pk, "approve"]))
    a.refresh_from_db()
    assert a.is_current and a.classification == "not_ready"
    client.force_login(world.u["byt_officer"])
    assert client.get(reverse("readiness:assessment", args=[a.pk])).status_code == 404
    assert client.get(file_url).status_code == 404
    assert client.get(reverse("readiness:assess", args=["BTP"])).status_code == 404


def test_a_leader_without_officer_role_elsewhere_sees_no_assess_form_for_others(client, world):
    client.force_login(world.u["province_officer"])
    assert client.get(reverse("readiness:ministry", args=["BTP"])).status_code == 404
    assert client.get(reverse("readiness:province", args=["01"])).status_code == 200
    assert client.get(reverse("readiness:province", args=["48"])).status_code == 404
    assert client.get(reverse("readiness:dashboard")).status_code == 200


def test_supervisors_read_every_ministry_but_act_for_none(client, world):
    a = approved(world, "BYT")
    supervisor = make_user("vpcp-officer", Role.OFFICER, world.a["VPCP"])  # a supervising body
    client.force_login(supervisor)
    listed = [r["id"] for r in client.get("/api/v1/readiness/assessments/").json()["results"]]
    assert listed == [a.pk]
    assert client.get(reverse("readiness:ministry", args=["BYT"])).status_code == 200
    assert client.get(reverse("readiness:province", args=["48"])).status_code == 200
    html = client.get(reverse("readiness:dashboard")).content.decode()
    assert 'data-ministry="BTP"' in html and 'data-province="48"' in html
    response = client.post(
        f"/api/v1/readiness/assessments/{a.pk}/return/", {}, content_type="application/json"
    )
    assert response.status_code == 403
    assert client.get(reverse("readiness:assess", args=["BYT"])).status_code == 403


def test_dashboard_shows_each_user_the_sections_of_their_scope(client, world):
    approved(world, "BTP")
    # A province's users: their province's plans, and a sentence instead of an empty ministries table
    # and a "0 of 0" commitment line.
    client.force_login(world.u["province_officer"])
    html = client.get(reverse("readiness:dashboard")).content.decode()
    assert 'data-province="01"' in html
    assert 'class="compliance"' not in html and "<th>Bộ, ngành</th>" not in html
    assert "Không có bộ, ngành nào trong phạm vi của bạn." not in html
    assert "Phần liên quan đến tỉnh của bạn ở dưới đây" in html
    # A ministry's users: their ministry and the commitment figure, as before; no sentence.
    client.force_login(world.u["btp_officer"])
    html = client.get(reverse("readiness:dashboard")).content.decode()
    assert (
        'class="compliance"' in html and 'data-ministry="BTP"' in html and 'data-ministry="BYT"' not in html
    )
    assert "scope-note" not in html and "data-province" not in html
    # National administrators: every ministry, every province and the figure.
    client.force_login(world.u["national"])
    html = client.get(reverse("readiness:dashboard")).content.decode()
    assert 'class="compliance"' in html and 'data-ministry="BYT"' in html and 'data-province="48"' in html
    assert "scope-note" not in html
    # Neither a ministry nor a province in scope (a commune): one sentence says what applies.
    client.force_login(make_user("c1-officer", Role.OFFICER, world.a["01-C1"]))
    html = client.get(reverse("readiness:dashboard")).content.decode()
    assert 'class="compliance"' not in html and "data-province" not in html
    assert "Phạm vi của bạn không có bộ, ngành hay tỉnh, thành phố nào" in html
