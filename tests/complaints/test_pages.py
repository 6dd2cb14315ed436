"""Pages render, are scoped, and offer exactly the allowed transitions; the demo journey by clicks."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from complaints.models import Notification, SyncGapRequest
from complaints.services.verification import on_run_finished
from complaints.workflow import State

from .helpers import make_case, make_run, vn


def login(client, world, name):
    client.force_login(world.u[name])
    return client


def offered(html: str) -> list[str]:
    return re.findall(r'class="transition" data-to="(\w+)"', html)


def test_every_page_renders(client, world):
    case = make_case(world, State.SUBMITTED)
    login(client, world, "national_admin")
    for name in (
        "complaints:list",
        "complaints:review",
        "complaints:inbox",
        "complaints:supervision",
        "complaints:notifications",
    ):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
    assert client.get(reverse("complaints:detail", args=[case.pk])).status_code == 200
    assert client.get(reverse("tthc:home")).status_code == 200


def test_case_page_offers_exactly_the_allowed_transitions(client, world):
    case = make_case(world, State.SUBMITTED)
    url = reverse("complaints:detail", args=[case.pk])
    page = login(client, world, "ministry_leader").get(url).content.decode()
    assert offered(page) == ["acknowledged", "rejected"]
    # The countdown sits in its parentheses without a stray space: "(… giờ)", not "(… giờ )".
    assert re.search(r"(giờ|việc)(</span>)?\)</td></tr>", page)
    assert not re.search(r"\s\)</td></tr>", page)
    assert offered(login(client, world, "ministry_officer").get(url).content.decode()) == ["acknowledged"]
    assert offered(login(client, world, "province_leader").get(url).content.decode()) == []
    assert offered(login(client, world, "ministry_viewer").get(url).content.decode()) == []
    assert login(client, world, "other_province_officer").get(url).status_code == 404


def test_ministry_inbox_puts_overdue_first_with_a_countdown(client, world, settings):
    late = make_case(world, State.SUBMITTED, period="2026-06")  # due in September 2026: overdue now
    fresh = make_case(world, State.ACKNOWLEDGED, period="2026-07")
    from django.utils import timezone

    from tthc import calendar

    due = calendar.add_working_seconds(timezone.now(), 3 * calendar.working_day_seconds() + 2 * 3600 + 600)
    SyncGapRequest.objects.filter(pk=fresh.pk).update(response_due_at=due)
    other = make_case(world, State.SUBMITTED, source=world.health_system)
    # Answered long ago: its old deadline is earliest, but the province has the ball: listed last.
    answered = make_case(world, State.ANSWERED, period="2026-05")
    response = login(client, world, "ministry_officer").get(reverse("complaints:inbox"))
    ids = re.findall(r'class="request state-\w+" data-id="(\d+)"', response.content.decode())
    assert ids == [str(late.pk), str(fresh.pk), str(answered.pk)]  # BYT's case is not in BTP's inbox
    assert str(other.pk) not in ids
    first, second, _answered = response.context["page"].object_list
    assert first.countdown.overdue and not second.countdown.overdue
    assert (second.countdown.days, second.countdown.hours) == (3, 2)


def test_supervision_ranks_overdue_ministries(client, world):
    make_case(world, State.SUBMITTED, period="2026-06")
    make_case(world, State.ESCALATED, period="2026-07")
    make_case(world, State.SUBMITTED, period="2026-06", source=world.health_system)
    response = login(client, world, "supervisor").get(reverse("complaints:supervision"))
    ranking = response.context["ranking"]
    assert [(r["code"], r["overdue"], r["escalated"]) for r in ranking] == [("BTP", 2, 1), ("BYT", 1, 0)]
    assert login(client, world, "ministry_leader").get(reverse("complaints:supervision")).status_code == 403


def test_the_demo_journey_by_clicks(client, world, django_capture_on_commit_callbacks):
    """A province officer reviews the month's drafts and submits one; a ministry officer acknowledges
    and answers "fixed"; the next reconciliation verifies it; every step is on the timeline."""
    make_run(world, counts={"missing_on_portal": 12}, finished_at=vn(2026, 9, 1, 4, 0))
    from complaints.services.preparation import prepare_requests

    (case,) = prepare_requests("2026-08")
    login(client, world, "province_officer")
    review = client.get(reverse("complaints:review") + "?period=2026-08")
    assert review.status_code == 200 and case.reference in review.content.decode()
    assert "Danh sách" in review.content.decode() or "Gap list" in review.content.decode()
    detail = client.get(reverse("complaints:detail", args=[case.pk])).content.decode()
    assert offered(detail) == ["discarded"]  # an officer drafts; a leader signs
    client.post(
        reverse("complaints:edit", args=[case.pk]),
        {"subject": case.subject, "body": case.body + "\nBổ sung."},
    )
    login(client, world, "province_leader")
    detail = client.get(reverse("complaints:detail", args=[case.pk])).content.decode()
    assert offered(detail) == ["submitted", "discarded"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("complaints:transition", args=[case.pk]), {"to": "submitted"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == State.SUBMITTED and case.body.endswith("Bổ sung.")
    assert case.number_text == "Số: 1/UBND-KSTT" and case.signer_name == "province leader"

    login(client, world, "ministry_officer")
    assert case.reference in client.get(reverse("complaints:inbox")).content.decode()
    assert Notification.objects.filter(recipient=world.u["ministry_officer"], request=case).exists()
    client.post(reverse("complaints:transition", args=[case.pk]), {"to": "acknowledged"})
    client.post(
        reverse("complaints:transition", args=[case.pk]),
        {"to": "answered", "t-answered-answer": "Đã đồng bộ lại", "t-answered-resolution": "fixed"},
    )
    case.refresh_from_db()
    assert case.state == State.ANSWERED, list(case.events.values_list("kind", "to_state"))

    from django.utils import timezone

    on_run_finished(make_run(world, counts={"missing_on_portal": 0}, finished_at=timezone.now()))
    case.refresh_from_db()
    assert case.state == State.VERIFIED_CLOSED
    login(client, world, "province_officer")
    html = client.get(reverse("complaints:detail", args=[case.pk])).content.decode()
    timeline = html[html.index('class="timeline"') :]
    assert timeline.count('class="event event-transition"') == 4
    assert timeline.count('class="event event-edit"') == 1
    for text in ("Đã đồng bộ lại",):
        assert text in timeline


def test_a_missing_required_field_is_reported_not_applied(client, world):
    case = make_case(world, State.SUBMITTED)
    login(client, world, "ministry_leader")
    response = client.post(
        reverse("complaints:transition", args=[case.pk]),
        {"to": "rejected", "t-rejected-comment": "Ghi chú đã gõ"},
    )
    assert response.status_code == 400  # the page again, not a redirect: what was typed stays
    html = response.content.decode()
    assert "Lý do: Trường này là bắt buộc." in html
    assert "Ghi chú đã gõ</textarea>" in html
    case.refresh_from_db()
    assert case.state == State.SUBMITTED
    client.post(
        reverse("complaints:transition", args=[case.pk]),
        {"to": "rejected", "t-rejected-reason": "Không thuộc"},
    )
    case.refresh_from_db()
    assert case.state == State.REJECTED


def test_comment_attach_assign_download_and_bulk_submit(client, world):
    case = make_case(world, State.SUBMITTED)
    login(client, world, "ministry_leader")
    client.post(reverse("complaints:comment", args=[case.pk]), {"comment": "Đang xử lý"})
    client.post(
        reverse("complaints:attach", args=[case.pk]),
        {"file": SimpleUploadedFile("cv.pdf", b"%PDF-1.4 x", content_type="application/pdf")},
    )
    client.post(
        reverse("complaints:assign", args=[case.pk]),
        {
            "side": "ministry",
            "assign-ministry-side": "ministry",
            "assign-ministry-assignee": world.u["ministry_officer"].pk,
        },
    )
    case.refresh_from_db()
    assert case.ministry_assignee == world.u["ministry_officer"]
    assert list(case.events.values_list("kind", flat=True)) == ["comment", "attachment", "assignment"]
    attachment = case.attachments.get()
    response = client.get(reverse("complaints:download", args=[case.pk, attachment.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    login(client, world, "other_province_officer")
    assert client.get(reverse("complaints:download", args=[case.pk, attachment.pk])).status_code == 404

    drafts = [make_case(world, period=f"2026-0{m}") for m in (3, 4)]
    login(client, world, "province_leader")
    client.post(reverse("complaints:bulk-submit"), {"ids": [d.pk for d in drafts]})
    assert set(
        SyncGapRequest.objects.filter(pk__in=[d.pk for d in drafts]).values_list("state", flat=True)
    ) == {State.SUBMITTED}


def test_notifications_page_and_badge(client, world):
    case = make_case(world, State.SUBMITTED)
    n = Notification.objects.create(
        recipient=world.u["province_officer"],
        kind="transition",
        request=case,
        subject="Cập nhật KN",
        url=reverse("complaints:detail", args=[case.pk]),
    )
    login(client, world, "province_officer")
    home = client.get(reverse("tthc:home")).content.decode()
    assert '<span class="badge">1</span>' in home
    assert "Cập nhật KN" in client.get(reverse("complaints:notifications")).content.decode()
    response = client.get(reverse("complaints:open-notification", args=[n.pk]))
    assert response.status_code == 302 and response["Location"] == n.url
    assert '<span class="badge">' not in client.get(reverse("tthc:home")).content.decode()
    login(client, world, "province_leader")
    assert client.get(reverse("complaints:open-notification", args=[n.pk])).status_code == 404


@pytest.mark.parametrize("name", ["complaints:list", "complaints:review", "complaints:inbox"])
def test_lists_are_scoped(client, world, name):
    mine = make_case(world, State.SUBMITTED, period="2026-08")
    theirs = make_case(
        world, State.SUBMITTED, period="2026-08", province=world.a["48"], source=world.health_system
    )
    html = login(client, world, "province_officer").get(reverse(name) + "?period=2026-08").content.decode()
    assert f'data-id="{theirs.pk}"' not in html
    if name != "complaints:inbox":
        assert f'data-id="{mine.pk}"' in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "days,hours,minutes,text",
    [
        (10, 3, 0, "còn 10 ngày làm việc 3 giờ"),
        (10, 0, 0, "còn 10 ngày làm việc"),  # not "10 ngày làm việc 0 giờ"
        (0, 5, 10, "còn 5 giờ"),
        (0, 0, 20, "còn chưa đến 1 giờ"),
        (-2, -1, 0, "quá hạn 2 ngày làm việc 1 giờ"),
        (-2, 0, 0, "quá hạn 2 ngày làm việc"),
        (0, -4, 0, "quá hạn 4 giờ"),
        (0, 0, -5, "quá hạn chưa đến 1 giờ"),
    ],
)
def test_the_countdown_names_only_the_units_it_has(days, hours, minutes, text):
    from django.template.loader import render_to_string
    from django.utils import translation

    from complaints.services.deadlines import Countdown
    from tthc import calendar

    c = Countdown(days * calendar.working_day_seconds() + hours * 3600 + minutes * 60)
    with translation.override("vi"):
        rendered = render_to_string("complaints/_countdown.html", {"c": c})
    assert re.sub(r"<[^>]+>", "", rendered) == text
    assert ('class="overdue"' in rendered) == (days < 0 or hours < 0 or minutes < 0)


def test_the_request_page_writes_the_signature_in_the_letters_order(client, world):
    """ "KT." goes with the authority signed for ("KT. CHỦ TỊCH · PHÓ CHỦ TỊCH · name"), as in the letter,
    never "KT. PHÓ CHỦ TỊCH"."""
    case = make_case(
        world,
        State.SUBMITTED,
        signed_at=vn(2026, 9, 3, 9, 0),
        signer_mode="KT.",
        signer_title="Phó Chủ tịch",
        signer_name="Nguyễn Văn An",
    )
    client.force_login(world.u["province_leader"])
    html = client.get(
        reverse("complaints:detail", args=[case.pk]), HTTP_ACCEPT_LANGUAGE="vi"
    ).content.decode()
    assert "KT. CHỦ TỊCH · PHÓ CHỦ TỊCH · Nguyễn Văn An," in html
    assert "KT. Phó Chủ tịch" not in html and "KT. PHÓ CHỦ TỊCH" not in html


def test_report_pages_write_months_and_numbers_the_vietnamese_way(client, world):
    """The Ministry of Justice section and the case pages: ``08/2026``, ``1,250`` and ``1.234``, never
    the stored forms ``2026-08``, ``1.250`` (an English decimal) or ``1234``."""
    case = make_case(world, State.SUBMITTED, points_at_stake="1.250", gap_total=1234)
    login(client, world, "national_admin")
    report = client.get(reverse("complaints:moj-report"), {"period": "2026-08"}, HTTP_ACCEPT_LANGUAGE="vi")
    html = report.content.decode()
    assert "— 08/2026" in html and "2026-08</" not in html
    assert "<td>1,250</td>" in html and "1.250<" not in html
    assert "<td>1.234</td>" in html
    assert '<span class="visually-hidden">(Quá hạn)</span>' in html  # due in September: overdue now
    for name, args in (("complaints:detail", [case.pk]), ("complaints:list", [])):
        page = client.get(reverse(name, args=args), {"state": "submitted"} if not args else {})
        text = page.content.decode()
        assert "08/2026" in text and ">2026-08<" not in text


def test_a_refused_field_is_named_by_its_label(client, world):
    """The service refuses a target date in the past (the form cannot know "today" in the case's
    calendar); the page names the field as the form does, not by its key (``target_date``)."""
    case = make_case(world, State.ACKNOWLEDGED)
    login(client, world, "ministry_officer")
    response = client.post(
        reverse("complaints:transition", args=[case.pk]),
        {
            "to": "in_progress",
            "t-in_progress-fix_plan": "Đồng bộ lại",
            "t-in_progress-target_date": "2020-01-01",
        },
        follow=True,
        HTTP_ACCEPT_LANGUAGE="vi",
    )
    shown = [str(m) for m in response.context["messages"]]
    assert shown == ["Ngày hoàn thành: Ngày không được ở quá khứ."], shown
    case.refresh_from_db()
    assert case.state == State.ACKNOWLEDGED


def test_a_supervisor_reads_any_provinces_summary_and_report_section(client, world):
    """The Ministry of Justice's control department receives every province's report section: a
    supervisor opens any province's (filed requests only: drafts stay private); a province officer
    still gets 404 for another province."""
    make_case(world, State.SUBMITTED, province=world.a["48"], source=world.health_system)
    make_case(world, State.DRAFT, province=world.a["48"], source=world.system)
    query = {"province": "48", "period": "2026-08"}
    login(client, world, "supervisor")  # an officer of BTP-KSTT, not a national administrator
    for name in ("complaints:summary", "complaints:moj-report"):
        html = client.get(reverse(name), query).content.decode()
        assert "Thành phố Đà Nẵng" in html and "<td>Bộ Y tế</td>" in html, name
        assert "<td>Bộ Tư pháp</td>" not in html, name  # the draft
    api = client.get(reverse("complaints-api:request-summary"), query).json()
    assert [m["code"] for m in api["ministries"]] == ["BYT"]
    login(client, world, "province_officer")
    assert client.get(reverse("complaints:summary"), query).status_code == 404
    assert client.get(reverse("complaints-api:request-moj-report"), query).status_code == 404


def test_the_timeline_names_stages_sides_and_dates_as_people_read_them(client, world):
    """The chaser's stage ("reminder"), the assignment's side ("province") and the plan's date
    ("2026-09-30") were printed as stored."""
    from datetime import date

    from complaints.models import ChaseStage
    from complaints.services import chasing
    from complaints.services.requests import assign, transition

    case = make_case(world, State.SUBMITTED)
    assert chasing.send_stage(case.pk, ChaseStage.REMINDER, case.reminder_at)
    now = vn(2026, 9, 10, 9, 0)
    transition(case, State.ACKNOWLEDGED, world.u["ministry_officer"], now=now)
    transition(
        case,
        State.IN_PROGRESS,
        world.u["ministry_officer"],
        now=now,
        fix_plan="Đồng bộ lại",
        target_date=date(2026, 9, 30),
    )
    assign(case, world.u["province_officer"], side="province", assignee=world.u["province_officer"])
    login(client, world, "province_officer")
    html = client.get(
        reverse("complaints:detail", args=[case.pk]), HTTP_ACCEPT_LANGUAGE="vi"
    ).content.decode()
    timeline = html[html.index('<ol class="timeline">') :]
    assert "Nhắc trước hạn (người nhận:" in timeline and ">reminder" not in timeline
    assert "Đồng bộ lại (Ngày hoàn thành: 30/09/2026)" in timeline and "2026-09-30" not in timeline
    assert 'Cán bộ phụ trách (địa phương): <span translate="no">province_officer</span>' in timeline


def test_an_empty_list_names_the_drafts_awaiting_a_signature_and_a_list_does_not_ask(client, world):
    """Drafts are private: a province whose requests are all drafts sees an empty list that says how
    many await a leader's signature, the latest month's review link, and whether this user may sign.
    Once a request is sent the list shows it, and the page no longer counts the drafts; an empty
    filtered page says it lists nothing, not that nothing was sent."""
    make_case(world, State.DRAFT, period="2026-08")
    make_case(world, State.DRAFT, period="2026-09")
    page = login(client, world, "province_officer").get(reverse("complaints:list"))
    assert page.context["drafts_waiting"] == 2
    assert str(page.context["drafts_period"]) == "2026-09"
    assert page.context["can_sign"] is False
    assert "?period=2026-09" in page.content.decode()
    leader = login(client, world, "province_leader").get(reverse("complaints:list"))
    assert leader.context["can_sign"] is True
    make_case(world, State.SUBMITTED, period="2026-07")
    listed = login(client, world, "province_officer").get(reverse("complaints:list"))
    assert len(listed.context["page"].object_list) == 1
    assert "drafts_waiting" not in listed.context
    # A filter that selects nothing: no row, and not "nothing has been sent yet".
    narrowed = login(client, world, "province_officer").get(reverse("complaints:list") + "?period=2026-01")
    assert not narrowed.context["page"].object_list and "drafts_waiting" not in narrowed.context
    assert "No requests." in narrowed.content.decode() or "Không có kiến nghị" in narrowed.content.decode()


def test_a_refused_draft_edit_or_comment_keeps_what_was_typed(client, world):
    case = make_case(world, State.DRAFT)
    login(client, world, "province_officer")
    url = reverse("complaints:edit", args=[case.pk])
    response = client.post(url, {"subject": "   ", "body": "Nội dung mới đã gõ"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Trích yếu: Trường này là bắt buộc." in html and "Nội dung mới đã gõ</textarea>" in html
    response = client.post(url, {"subject": "x" * 501, "body": "Nội dung"})
    assert response.status_code == 400 and "Trích yếu:" in response.content.decode()
    case.refresh_from_db()
    assert case.subject == "V/v kiến nghị"
    response = client.post(reverse("complaints:comment", args=[case.pk]), {"comment": "   "})
    assert response.status_code == 400 and "Ý kiến: Trường này là bắt buộc." in response.content.decode()
    assert not case.events.filter(kind="comment").exists()
