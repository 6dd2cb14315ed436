"""The requests card on the home page: nationwide for national users, the drafts for a province,
the answers a ministry owes for a ministry."""

from __future__ import annotations

from datetime import timedelta

from django.test import RequestFactory
from django.utils import timezone, translation

from complaints.models import SyncGapRequest
from complaints.navigation import requests_card
from complaints.workflow import State

from .helpers import make_case


def card_for(user):
    request = RequestFactory().get("/")
    request.user = user
    with translation.override("vi"):
        card = requests_card(request)
        return {k: v if isinstance(v, list) else str(v) for k, v in card.items()}


def test_national_users_see_open_and_overdue_cases_nationwide(world):
    overdue = make_case(world, State.SUBMITTED, period="2026-06")  # due in September 2026: long past
    make_case(world, State.ESCALATED, period="2026-07", source=world.health_system)
    fresh = make_case(world, State.ACKNOWLEDGED, period="2026-08")
    SyncGapRequest.objects.filter(pk=fresh.pk).update(response_due_at=timezone.now() + timedelta(days=5))
    make_case(world, State.ANSWERED, period="2026-05")  # open, not overdue: the ministry has answered
    make_case(world, State.DRAFT, period="2026-09")  # a province's working paper: not filed
    make_case(world, State.CLOSED, period="2026-04")
    card = card_for(world.u["national_admin"])
    assert card_for(world.u["supervisor"]) == card  # a supervising body's officer (BTP-KSTT) too
    assert card["title"] == "Kiến nghị trên toàn quốc"
    assert card["value"] == "4"
    assert card["text"] == "4 kiến nghị đang mở; 2 kiến nghị đã quá hạn trả lời của Bộ."
    assert card["url"].endswith("/requests/supervision/")
    SyncGapRequest.objects.filter(pk=overdue.pk).update(state=State.CLOSED)
    assert (
        card_for(world.u["national_admin"])["text"]
        == "3 kiến nghị đang mở; 1 kiến nghị đã quá hạn trả lời của Bộ."
    )


def test_a_province_officer_still_sees_the_province_drafts(world):
    from tthc.periods import Period

    make_case(world, State.SUBMITTED, period="2026-06")
    make_case(world, State.DRAFT, period=str(Period.last_closed()))
    card = card_for(world.u["province_officer"])
    assert card["title"].startswith("Kiến nghị gửi các bộ")
    assert (card["value"], card["text"]) == ("1", "1 bản nháp chờ lãnh đạo ký. 1 kiến nghị đang mở.")
    assert card["more"] == []  # no answer awaits the province


def test_a_province_is_told_which_answers_await_its_decision(world, client):
    from tthc.periods import Period

    make_case(world, State.DRAFT, period=str(Period.last_closed()))
    make_case(world, State.ANSWERED, period="2026-06")
    make_case(world, State.SUBMITTED, period="2026-07")  # the ministry's turn
    make_case(world, State.ANSWERED, period="2026-05", province=world.a["48"])  # another province's
    card = card_for(world.u["province_leader"])
    assert card["text"] == (
        "1 bản nháp chờ lãnh đạo ký. 2 kiến nghị đang mở. "
        "1 trả lời của Bộ, ngành đang chờ tỉnh quyết định (chấp nhận hoặc mở lại)."
    )
    assert [m["url"] for m in card["more"]] == ["/requests/?awaiting=province"]
    make_case(world, State.REJECTED, period="2026-04")
    card = card_for(world.u["province_leader"])
    assert "2 trả lời của Bộ, ngành đang chờ tỉnh quyết định" in card["text"]
    # The home page links to them, and the link lists exactly those cases, the filter showing it.
    client.force_login(world.u["province_leader"])
    home = client.get("/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert 'href="/requests/?awaiting=province"' in home
    page = client.get("/requests/?awaiting=province")
    assert sorted(c.state for c in page.context["page"].object_list) == ["answered", "rejected"]
    assert '<option value="province" selected>Tỉnh quyết định</option>' in page.content.decode()
    # The API has the same filter; the ministry's turn is the other cases still open.
    api = client.get("/api/v1/requests/", {"awaiting": "ministry"}).json()
    assert [r["state"] for r in api["results"]] == ["submitted"]
    assert client.get("/api/v1/requests/", {"awaiting": "nobody"}).status_code == 400


def test_a_ministry_counts_the_answers_it_owes_not_those_awaiting_the_province(world):
    make_case(world, State.SUBMITTED, period="2026-06")  # owed, deadline long past
    fresh = make_case(world, State.IN_PROGRESS, period="2026-07")
    SyncGapRequest.objects.filter(pk=fresh.pk).update(response_due_at=timezone.now() + timedelta(days=5))
    make_case(world, State.ANSWERED, period="2026-05")  # the province's turn
    make_case(world, State.REJECTED, period="2026-04")  # the province's turn
    make_case(world, State.SUBMITTED, period="2026-06", source=world.health_system)  # another ministry's
    card = card_for(world.u["ministry_officer"])
    assert card["value"] == "2"
    assert card["text"] == "2 kiến nghị đang chờ trả lời. 1 kiến nghị đã quá hạn trả lời của Bộ."
