"""The monthly report section (data for the PDF) and the nightly re-check of answered months."""

from __future__ import annotations

import json
from unittest import mock

from complaints.services.report import monthly_report_section
from complaints.workflow import State

from .helpers import make_case, vn


def test_monthly_report_section_per_ministry(world):
    as_of = vn(2026, 10, 1, 9, 0)
    make_case(world, State.DRAFT, province=world.a["48"], source=world.health_system)  # not reported
    make_case(
        world, State.SUBMITTED, province=world.a["48"], points_at_stake="0.25"
    )  # overdue (due in Sept.)
    make_case(world, State.VERIFIED_CLOSED, source=world.other_system)
    make_case(world, State.ANSWERED, source=world.health_system, points_at_stake="1.5")
    make_case(world, State.SUBMITTED, period="2026-07")  # another month
    section = monthly_report_section("2026-08", as_of=as_of)
    json.dumps(section)  # plain data, ready for a renderer or the API
    assert section["period"] == "2026-08" and section["province"] is None
    assert section["totals"] == {
        "sent": 3,
        "answered": 2,
        "verified": 1,
        "closed": 0,
        "rejected": 0,
        "reopened": 0,
        "escalated": 0,
        "overdue": 1,
        "open": 2,
        "gaps": 36,
        "points_at_stake": "1.750",
    }
    rows = {m["code"]: m for m in section["ministries"]}
    assert [m["code"] for m in section["ministries"]] == ["BTP", "BYT"]  # most overdue first
    assert (rows["BTP"]["sent"], rows["BTP"]["verified"], rows["BTP"]["overdue"]) == (2, 1, 1)
    assert (rows["BYT"]["sent"], rows["BYT"]["answered"], rows["BYT"]["overdue"]) == (1, 1, 0)
    assert {r["state"] for r in section["requests"]} == {"submitted", "verified_closed", "answered"}
    only_01 = monthly_report_section("2026-08", world.a["01"], as_of=as_of)
    assert only_01["province"] == {"code": "01", "name": "Thành phố Hà Nội"}
    assert only_01["totals"]["sent"] == 2 and only_01["totals"]["overdue"] == 0


def test_nightly_recheck_asks_reconciliation_for_the_answered_months(world):
    from complaints.tasks import recheck_answered

    make_case(world, State.ANSWERED)  # 01, 2026-08, fixed
    make_case(world, State.ANSWERED, province=world.a["48"], period="2026-07")
    make_case(world, State.ANSWERED, period="2026-05", resolution="explained")  # nothing to verify
    make_case(world, State.SUBMITTED, period="2026-06")
    with mock.patch("reconciliation.tasks.reconcile_period.delay") as delay:
        assert recheck_answered.apply().get() == [["2026-07", "48"], ["2026-08", "01"]]
    assert sorted(c.kwargs["period"] + c.kwargs["province"] for c in delay.call_args_list) == [
        "2026-0748",
        "2026-0801",
    ]


def test_demo_hook_prepares_the_closed_month_once(world):
    from demo.requests import seed_demo_requests

    from .helpers import make_run

    make_run(world, period="2026-10")
    now = vn(2026, 11, 2, 8, 0)
    first, second = seed_demo_requests(now=now), seed_demo_requests(now=now)
    assert (first["period"], first["drafts_created"]) == ("2026-10", 1)
    assert (second["period"], second["drafts_created"]) == ("2026-10", 0)
