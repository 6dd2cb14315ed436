"""Publication: the public list (no login), the roadmap API, the overdue flag, provinces' view and
plans, the dashboards and the commitment figure, the downloads."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from readiness.models import PlanStatus
from readiness.services import plans, publication
from reconciliation.models import ProcedureAssignment
from tthc.models import Agency

from .helpers import approved

pytestmark = pytest.mark.django_db


def _today():
    return timezone.localdate()


@pytest.fixture
def listed(world):
    """BTP: not ready, planned date passed (overdue); BYT: not ready, planned date ahead."""
    late = approved(world, "BTP", not_met=("KN-01",), planned=_today() - timedelta(days=3))
    ahead = approved(world, "BYT", not_met=("VH-01",), planned=_today() + timedelta(days=60))
    return late, ahead


def test_public_page_lists_not_ready_procedures_without_login(client, listed):
    html = client.get(reverse("readiness:public")).content.decode()
    assert "P-BTP" in html and "P-BYT" in html
    assert html.count('class="roadmap-entry overdue"') == 1
    assert "Cấu hình quy trình" in html  # the roadmap step


def test_public_results_page_shows_the_list(client, listed):
    html = client.get(reverse("indicators:public-results")).content.decode()
    assert "P-BTP" in html and reverse("readiness:public") in html


def test_a_ready_procedure_leaves_the_list(client, world, listed):
    approved(world, "BTP")
    html = client.get(reverse("readiness:public")).content.decode()
    assert "P-BTP" not in html and "P-BYT" in html


def test_roadmap_api_without_login_with_filters(client, listed):
    body = client.get("/api/v1/readiness/roadmap/").json()
    by_code = {r["procedure"]: r for r in body["results"]}
    assert set(by_code) == {"P-BTP", "P-BYT"}
    assert by_code["P-BTP"]["overdue"] is True and by_code["P-BYT"]["overdue"] is False
    assert by_code["P-BTP"]["steps"][0]["action"] == "Cấu hình quy trình"
    only = client.get("/api/v1/readiness/roadmap/?overdue=true").json()["results"]
    assert [r["procedure"] for r in only] == ["P-BTP"]
    byt = client.get("/api/v1/readiness/roadmap/?ministry=BYT").json()["results"]
    assert [r["procedure"] for r in byt] == ["P-BYT"]


def test_criteria_api_flags_the_example(client, world):
    client.force_login(world.u["province_officer"])
    rows = client.get("/api/v1/readiness/criteria/?required=true").json()["results"]
    assert rows and all(r["is_example"] and r["required"] for r in rows)
    assert {r["code"] for r in rows} == {"CH-01", "CH-02", "KN-01", "KN-02", "VH-01"}


def test_dashboard_rows(world, listed):
    approved(world, "BYT")  # supersedes BYT's not-ready entry
    rows = {r["ministry"].code: r for r in publication.ministry_rows(Agency.objects.ministries())}
    assert (
        rows["BTP"]["total"],
        rows["BTP"]["assessed"],
        rows["BTP"]["not_ready"],
        rows["BTP"]["overdue"],
    ) == (
        1,
        1,
        1,
        1,
    )
    assert (rows["BYT"]["ready"], rows["BYT"]["not_ready"], rows["BYT"]["ready_share"]) == (1, 0, 100.0)
    assert rows["VPCP"]["pending"] == 1 and rows["VPCP"]["assessed_share"] == 0.0


def test_commitment_compliance_uses_the_assignment_go_live(world, settings):
    settings.TTHC_READINESS_COMMITMENT_DATE = date(2026, 7, 1)
    ready = approved(world, "BTP")
    ProcedureAssignment.objects.create(
        procedure=world.p["BTP"], system_code="SYS-BTP", valid_from=date(2026, 7, 1)
    )
    ProcedureAssignment.objects.create(
        procedure=world.p["BYT"], system_code="SYS-BYT", valid_from=date(2026, 7, 1)
    )
    ProcedureAssignment.objects.create(procedure=world.p["VPCP"], system_code="", valid_from=date(2026, 1, 1))
    figure = publication.compliance()
    # BTP's approval happened today (after go-live): not ready when it went live.
    assert (figure.live, figure.ready_at_go_live) == (2, 0)
    type(ready).objects.filter(pk=ready.pk).update(
        decided_at=timezone.make_aware(timezone.datetime(2026, 6, 25, 9))
    )
    figure = publication.compliance()
    assert (figure.live, figure.ready_at_go_live, figure.share) == (2, 1, 50.0)


def test_province_sees_what_it_keeps_serving_and_plans(client, world, listed):
    late, ahead = listed
    province = world.a["01"]
    view = publication.province_view(province)
    assert [(e.entry.procedure.code, e.overdue, e.plan) for e in view] == [
        ("P-BTP", True, None),
        ("P-BYT", False, None),
    ]
    with pytest.raises(PermissionDenied):
        plans.save_plan(
            province,
            late.procedure,
            late.system,
            world.u["btp_officer"],
            action="a",
            owner_unit="b",
            target_on=_today(),
        )
    plans.save_plan(
        province,
        late.procedure,
        late.system,
        world.u["province_officer"],
        action="Giữ tiếp nhận trên hệ thống tỉnh",
        owner_unit="Sở KH&CN",
        target_on=_today() + timedelta(days=10),
        status=PlanStatus.DONE,
    )
    view = publication.province_view(province)
    assert [e.remaining for e in view] == [False, True]
    with pytest.raises(ValidationError):  # a ready procedure is not on the list
        plans.save_plan(
            province,
            world.p["VPCP"],
            late.system,
            world.u["province_officer"],
            action="a",
            owner_unit="b",
            target_on=_today(),
        )
    client.force_login(world.u["province_officer"])
    html = client.get(reverse("readiness:province", args=["01"])).content.decode()
    assert "Giữ tiếp nhận trên hệ thống tỉnh" in html and "P-BYT" in html


def test_exports(client, world, listed):
    response = client.get(reverse("readiness:public-export", args=["csv"]))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Bộ,Mã bộ (ministry),Thủ tục,Mã thủ tục (procedure),Hệ thống,")
    assert '"Quá hạn, dạng true/false (overdue)"' in text.splitlines()[0]
    codes = client.get(reverse("readiness:public-export", args=["csv"]), {"headers": "codes"})
    first = b"".join(codes.streaming_content).decode("utf-8-sig").splitlines()[0]
    assert first.startswith("ministry_label,ministry,procedure_label,procedure,system_label,system,")
    assert "P-BTP" in text and "P-BYT" in text
    assert client.get(reverse("readiness:public-export", args=["pdf"])).status_code == 404
    client.force_login(world.u["btp_officer"])
    xlsx = client.get(reverse("readiness:ministry-export", args=["BTP", "xlsx"]))
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxml")
    assert client.get(reverse("readiness:ministry-export", args=["BYT", "csv"])).status_code == 404


def test_dashboard_and_roadmap_cost_a_constant_number_of_queries(
    client, world, listed, django_assert_max_num_queries
):
    approved(world, "BTP")
    with django_assert_max_num_queries(2):
        publication.ministry_rows(Agency.objects.ministries())  # the ministries + one aggregate
    with django_assert_max_num_queries(1):
        publication.compliance()
    with django_assert_max_num_queries(4):  # count, page, steps (prefetch), nothing per row
        client.get("/api/v1/readiness/roadmap/")


def test_province_rows_show_what_remains(world, listed):
    late, _ahead = listed
    plans.save_plan(
        world.a["01"],
        late.procedure,
        late.system,
        world.u["province_officer"],
        action="a",
        owner_unit="u",
        target_on=_today(),
        status=PlanStatus.DONE,
    )
    rows = {r["province"].code: r for r in publication.province_rows(Agency.objects.provinces())}
    assert (rows["01"]["listed"], rows["01"]["planned"], rows["01"]["done"], rows["01"]["remaining"]) == (
        2,
        1,
        1,
        1,
    )
    assert rows["48"]["remaining"] == 2
    approved(world, "BTP")  # ready now: off the list, and its plan no longer counts
    rows = {r["province"].code: r for r in publication.province_rows(Agency.objects.provinces())}
    assert (rows["01"]["listed"], rows["01"]["done"], rows["01"]["remaining"]) == (1, 0, 1)


def test_every_field_of_the_province_plan_form_has_a_name_for_screen_readers(client, world, listed):
    """The plan form is a row of bare inputs (placeholders only): each carries an accessible name that
    says which procedure it is for."""
    import re

    client.force_login(world.u["province_officer"])
    html = client.get(reverse("readiness:province", args=["01"]), HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    controls = re.findall(r"<(?:input|select)\b(?![^>]*type=\"hidden\")[^>]*>", html)
    assert len(controls) >= 8, "two procedures, four fields each"
    unnamed = [c for c in controls if "aria-label=" not in c]
    assert not unnamed, unnamed
    assert 'aria-label="Đơn vị chủ trì (P-BTP)"' in html
