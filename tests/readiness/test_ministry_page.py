"""The ministry's readiness page lets its officers find a procedure (classification filter, search) and
assess it from its row; the assessment form keeps what was chosen when it comes back with an error."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse

from readiness.models import Assessment
from readiness.services import assessments as svc
from tests.factories import ProcedureFactory

from .helpers import ALL_MET, approved, results

pytestmark = pytest.mark.django_db


def rows(html: str) -> list[str]:
    return re.findall(r'<tr data-procedure="([^"]+)"', html)


def test_the_procedures_filter_by_classification_and_by_code_or_name(client, world):
    approved(world)  # P-BTP: ready
    late = ProcedureFactory(
        code="1.000155", name="Thủ tục đăng ký khai sinh lưu động", ministry=world.a["BTP"]
    )
    waiting = ProcedureFactory(code="1.000689", name="Thủ tục đăng ký kết hôn", ministry=world.a["BTP"])
    ProcedureFactory(code="2.000001", name="Thủ tục khác", ministry=world.a["BTP"])  # never assessed
    for procedure, planned in ((late, date(2020, 1, 31)), (waiting, date(2099, 1, 31))):
        a = svc.create_assessment(
            procedure,
            world.systems["BTP"],
            world.u["btp_officer"],
            results(not_met=("VH-01",)),
            planned_ready_on=planned,
            steps=[svc.StepInput("Cấu hình", planned)],
            submit=True,
        )
        svc.transition(a, "approve", world.u["btp_leader"])
    client.force_login(world.u["btp_officer"])
    url = reverse("readiness:ministry", args=["BTP"])

    def shown(**query):
        response = client.get(url, query)
        assert response.status_code == 200
        return rows(response.content.decode())

    assert shown() == ["1.000155", "1.000689", "2.000001", "P-BTP"]
    assert shown(show="pending") == ["2.000001"]
    assert shown(show="ready") == ["P-BTP"]
    assert shown(show="not_ready") == ["1.000155", "1.000689"]
    assert shown(show="overdue") == ["1.000155"]
    assert shown(q="kết hôn") == ["1.000689"]
    assert shown(q="2.000", show="pending") == ["2.000001"]
    assert shown(q="2.000", show="ready") == []
    assert shown(show="bogus") == shown()  # an unknown filter shows everything, as without one
    assert client.get(url, {"q": "a\x00b"}).status_code == 400  # never a database error
    # Each row offers its officers the form with the procedure filled in.
    html = client.get(url).content.decode()
    assert f"{reverse('readiness:assess', args=['BTP'])}?procedure=2.000001" in html
    client.force_login(world.u["national"])  # reads every ministry, assesses for none
    html = client.get(url).content.decode()
    assert rows(html) == ["1.000155", "1.000689", "2.000001", "P-BTP"] and "?procedure=" not in html


def test_the_assessment_form_asks_for_each_outcome_and_keeps_the_choices_on_error(client, world):
    client.force_login(world.u["btp_officer"])
    url = reverse("readiness:assess", args=["BTP"])
    blank = client.get(url + "?procedure=P-BTP", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert 'name="procedure" required value="P-BTP"' in blank
    assert " selected" not in blank.split('name="outcome-CH-01"')[1].split("</select>")[0], (
        "nothing chosen yet"
    )
    form = {"procedure": "KHONG-CO", "system": "SYS-BTP"}
    form |= {f"outcome-{c}": "met" for c in ALL_MET} | {
        "outcome-VH-01": "not_met",
        "note-VH-01": "Chưa chạy thử",
    }
    response = client.post(url, form, HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Mã thủ tục: Không có thủ tục với mã này." in html, html.split('class="errors"')[1][:300]
    vh01 = html.split('name="outcome-VH-01"')[1].split("</select>")[0]
    assert '<option value="not_met" selected>' in vh01
    assert 'name="note-VH-01" value="Chưa chạy thử"' in html
    form |= {"procedure": "P-BTP", "outcome-VH-02": ""}
    response = client.post(url, form, HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 400
    assert "<li>Tiêu chí VH-02: chọn kết quả.</li>" in response.content.decode()
    form |= {"outcome-VH-02": "met", "note-CH-01": "nul\x00byte"}
    response = client.post(url, form, HTTP_ACCEPT_LANGUAGE="vi")
    assert (
        response.status_code == 400
        and "Ghi chú CH-01: Không được chứa ký tự NUL." in response.content.decode()
    )
    assert not Assessment.objects.exists()


def test_the_assessments_in_progress_say_how_many_there_are(client, world, monkeypatch):
    from readiness import views

    monkeypatch.setattr(views, "WAITING_SHOWN", 1)
    for code in ("1.000001", "1.000002"):
        svc.create_assessment(
            ProcedureFactory(code=code, ministry=world.a["BTP"]),
            world.systems["BTP"],
            world.u["btp_officer"],
            results(),
            submit=True,
        )
    client.force_login(world.u["btp_leader"])
    response = client.get(reverse("readiness:ministry", args=["BTP"]), HTTP_ACCEPT_LANGUAGE="vi")
    assert len(response.context["waiting"]) == 1 and response.context["waiting_count"] == 2
    assert "1 bản mới nhất; API liệt kê đầy đủ" in response.content.decode()


def test_a_nul_byte_is_refused_by_every_readiness_form_naming_the_field(client, world):
    """These forms are read field by field: a NUL byte (which PostgreSQL cannot store) is an error
    naming the field, never a server error, and nothing is written."""
    from readiness.models import ProvincePlan

    a = svc.create_assessment(
        world.p["BTP"], world.systems["BTP"], world.u["btp_officer"], results(), submit=True
    )
    client.force_login(world.u["btp_leader"])
    response = client.post(
        reverse("readiness:decide", args=[a.pk, "approve"]), {"comment": "ok\x00"}, HTTP_ACCEPT_LANGUAGE="vi"
    )
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.state == "submitted"
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "Ý kiến: Không được chứa ký tự NUL." in page
    client.force_login(world.u["province_officer"])
    body = {
        "procedure": "P-BTP",
        "system": "SYS-BTP",
        "action": "Giữ\x00",
        "owner_unit": "Sở",
        "target_on": "2027-01-31",
    }
    response = client.post(reverse("readiness:plan", args=["01"]), body, HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 302
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "Hành động: Không được chứa ký tự NUL." in page
    assert not ProvincePlan.objects.exists()
