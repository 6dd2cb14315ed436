"""Issue 12: one request per province × ministry × month listing each system, a leader signs and
numbers it, the letter's content per case, the Chairman's monthly summary."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from complaints.models import LetterCounter, SyncGapRequest
from complaints.services import requests as svc
from complaints.services.letters import letter_content
from complaints.services.preparation import prepare_requests
from complaints.services.summary import monthly_summary
from complaints.services.verification import on_run_finished
from complaints.workflow import State

from .helpers import leader_for, make_run, vn

CONTRACT_KEYS = {
    "kind",
    "issuer",
    "number",
    "place",
    "date",
    "summary",
    "addressees",
    "paragraphs",
    "signer",
    "recipients",
    "systems",
    "points_at_stake",
    "appendix",
    "draft",
}


def two_systems(world, period="2026-08"):
    make_run(world, period=period, counts={"missing_on_portal": 4, "status_differs": 2}, points="0.5")
    make_run(world, period=period, source=world.other_system, counts={"due_differs": 3}, points="0.25")


def test_a_ministry_with_two_systems_gets_one_draft_listing_both(world):
    two_systems(world)
    (case,) = prepare_requests("2026-08")
    assert (case.province.code, case.ministry.code) == ("01", "BTP")
    systems = {s.source.code: s for s in case.systems.all()}
    assert {code: (s.gap_total, s.gap_counts) for code, s in systems.items()} == {
        "HTDT": (6, {"missing_on_portal": 4, "status_differs": 2}),
        "LLTP": (3, {"due_differs": 3}),
    }
    assert case.gap_total == 9 and str(case.points_at_stake) == "0.750"
    assert case.gap_counts == {"missing_on_portal": 4, "status_differs": 2, "due_differs": 3}
    assert "Hệ thống Hộ tịch điện tử" in case.body and "Hệ thống Lý lịch tư pháp" in case.body
    assert prepare_requests("2026-08") == []
    assert SyncGapRequest.objects.count() == 1
    out = StringIO()
    call_command("prepare_requests", "--period", "2026-08", "--json", stdout=out)
    assert json.loads(out.getvalue()) == []


def test_prepare_json_lists_the_systems(world):
    two_systems(world)
    out = StringIO()
    call_command("prepare_requests", "--period", "2026-08", "--json", stdout=out)
    (row,) = json.loads(out.getvalue())
    assert {
        "id",
        "reference",
        "period",
        "province",
        "ministry",
        "systems",
        "gap_total",
        "points_at_stake",
        "state",
    } <= set(row)
    assert row["systems"] == [
        {"code": "HTDT", "gap_total": 6, "gaps": {"missing_on_portal": 4, "status_differs": 2}},
        {"code": "LLTP", "gap_total": 3, "gaps": {"due_differs": 3}},
    ]
    assert (row["gap_total"], row["points_at_stake"], row["state"]) == (9, "0.750", "draft")


def test_verification_closes_when_every_system_is_clean_and_reports_per_system(world):
    two_systems(world)
    (case,) = prepare_requests("2026-08")
    leader = leader_for(world, case.province)
    svc.transition(case, State.SUBMITTED, leader, now=vn(2026, 9, 3, 9, 0))
    svc.transition(case, State.ACKNOWLEDGED, world.u["ministry_officer"], now=vn(2026, 9, 4, 9, 0))
    svc.transition(
        case,
        State.ANSWERED,
        world.u["ministry_officer"],
        now=vn(2026, 9, 8, 9, 0),
        answer="Đã đồng bộ lại",
        resolution="fixed",
    )
    later = vn(2026, 9, 9, 1, 0)
    clean = make_run(world, counts={}, finished_at=later)
    still = make_run(world, source=world.other_system, counts={"due_differs": 1}, finished_at=later)
    assert on_run_finished(clean, now=later) == {case.pk: State.REOPENED}
    case.refresh_from_db()
    latest = {s.source.code: s.latest_gap_total for s in case.systems.all()}
    assert latest == {"HTDT": 0, "LLTP": 1}
    reason = case.events.latest("pk").fields["reason"]
    assert "Hệ thống Lý lịch tư pháp: 1" in reason  # by name
    assert "Hộ tịch" not in reason.split("theo hệ thống:")[1]
    assert still.pk


def test_a_leader_signs_and_numbers_in_sequence(world):
    make_run(world)
    make_run(world, source=world.health_system)
    first, _ = svc.create_request(world.a["01"], world.system, "2026-08", user=world.u["province_officer"])
    second, _ = svc.create_request(world.a["01"], world.health_system, "2026-08")
    leader = world.u["province_leader"]
    with pytest.raises(svc.TransitionDenied, match="leader"):
        svc.transition(first, State.SUBMITTED, world.u["province_officer"], now=vn(2026, 9, 3, 9, 0))
    first = svc.transition(first, State.SUBMITTED, leader, now=vn(2026, 9, 3, 9, 0), signer_mode="TM.")
    second = svc.transition(second, State.SUBMITTED, leader, now=vn(2026, 9, 3, 9, 5))
    assert (first.number, first.number_text, first.signer_mode) == (1, "Số: 1/UBND-KSTT", "TM.")
    assert (second.number, second.number_year, second.signer_title) == (2, 2026, "PHÓ CHỦ TỊCH")
    assert first.signed_by == leader and first.signer_name == "province leader"
    assert LetterCounter.objects.get(agency=world.a["01"], year=2026).last == 2
    content = letter_content(first)
    assert content["number"] == "Số: 1/UBND-KSTT" and content["signer"]["signed"] is True
    assert content["signer"]["authority"] == "ỦY BAN NHÂN DÂN" and content["date"].isoformat() == "2026-09-03"


def test_bulk_submit_keeps_working_for_leaders(world):
    make_run(world)
    make_run(world, source=world.health_system)
    cases = [svc.create_request(world.a["01"], s, "2026-08")[0] for s in (world.system, world.health_system)]
    done, errors = svc.bulk_submit(cases, world.u["province_leader"])
    assert not errors and sorted(c.number for c in done) == [1, 2]


def test_letter_content_contract_for_gaps(world):
    two_systems(world)
    (case,) = prepare_requests("2026-08")
    content = letter_content(case, limit=4)
    assert set(content) == CONTRACT_KEYS
    assert content["kind"] == "gaps" and content["draft"] is True and content["date"] is None
    assert content["issuer"] == ["ỦY BAN NHÂN DÂN", "THÀNH PHỐ HÀ NỘI"]
    assert content["number"] == "Số:      /UBND-KSTT" and content["place"] == "Hà Nội"
    assert content["summary"].startswith("V/v ") and content["addressees"] == ["Bộ Tư pháp"]
    assert content["signer"] == {
        "mode": "KT.",
        "authority": "CHỦ TỊCH",
        "title": "PHÓ CHỦ TỊCH",
        "name": "",
        "signed": False,
    }
    assert [(s["code"], s["gap_total"]) for s in content["systems"]] == [("HTDT", 6), ("LLTP", 3)]
    assert content["points_at_stake"] == 0.75
    assert len(content["appendix"]) == 4
    assert set(content["appendix"][0]) == {
        "system",
        "kind",
        "kind_label",
        "dossier",
        "dossier_text",
        "field",
        "source_value",
        "portal_value",
        "source_text",
        "portal_text",
    }
    text = "\n".join(content["paragraphs"])
    assert "- 4 hồ sơ chưa được đồng bộ lên Cổng Dịch vụ công quốc gia;" in text
    assert "- 3 hồ sơ có ngày hẹn trả kết quả không thống nhất." in text
    assert content["recipients"][0] == "Như trên;"
    json.dumps(content, default=str)


def test_letter_wording_when_the_systems_do_not_sync_at_all(world):
    run = make_run(world, counts={"not_synced": 50}, gaps=False)
    run.reported_count = 50
    run.save()
    (case,) = prepare_requests("2026-08")
    content = letter_content(case)
    assert content["kind"] == "not_synced"
    text = "\n".join(content["paragraphs"])
    assert "chưa thực hiện kết nối, tích hợp, đồng bộ" in text
    assert "đã tiếp nhận 50 hồ sơ" in text and "chưa ghi nhận hồ sơ nào" in text
    assert "Kết nối" not in content["summary"] and "kết nối" in content["summary"]


def test_monthly_summary_per_ministry(world):
    two_systems(world)
    make_run(world, source=world.health_system, counts={"status_differs": 7}, points="1")
    prepare_requests("2026-08")
    btp = SyncGapRequest.objects.get(ministry__code="BTP")
    svc.transition(btp, State.SUBMITTED, world.u["province_leader"], now=vn(2026, 9, 3, 9, 0))
    summary = monthly_summary(
        world.u["province_leader"], "2026-08", world.a["01"], as_of=vn(2026, 10, 1, 9, 0)
    )
    json.dumps(summary)
    assert summary["province"] == {"code": "01", "name": "Thành phố Hà Nội"}
    assert summary["totals"]["systems"] == 3 and summary["totals"]["gaps"] == 16
    assert summary["totals"]["requests"] == 2 and summary["totals"]["sent"] == 1
    assert summary["totals"]["overdue"] == 1 and summary["totals"]["points_at_stake"] == "1.750"
    rows = {m["code"]: m for m in summary["ministries"]}
    assert [s["code"] for s in rows["BTP"]["systems"]] == ["HTDT", "LLTP"]
    assert rows["BTP"]["systems"][0]["gaps"] == {"missing_on_portal": 4, "status_differs": 2}
    assert (rows["BYT"]["drafts"], rows["BYT"]["sent"]) == (1, 0)
    # Out of scope: another province's officer sees none of it.
    other = monthly_summary(world.u["other_province_officer"], "2026-08", world.a["01"])
    assert other["totals"]["requests"] == 0 and other["ministries"] == []
