"""No data is not a score (docs/adr/0015-no-data.md): an agency with no dossier judged in the period
has no total, no group scores and no rank (band ``no_data``), and its presence moves no one else's
rank; every empty denominator follows one rule (full points)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import Role
from indicators.definitions import METHODOLOGIES, methodology_for
from indicators.definitions.base import EMPTY_DENOMINATOR, FULL
from indicators.models import IndicatorSnapshot
from indicators.services import compute, scoring
from tests.accounts.helpers import make_user
from tests.factories import DossierFactory, province
from tthc.models import DossierStatus

from . import golden

pytestmark = pytest.mark.django_db


@pytest.fixture
def data():
    g = golden.build()
    # A second province with dossiers, so that the ranked provinces are two: 01 and 05.
    g.P3 = province("05", "Tỉnh Ba")
    for i, (finished_day, due_day) in enumerate([(5, 6), (10, 6)]):
        DossierFactory(
            code=f"p3-{i}",
            procedure=g.B,
            receiving_agency=g.P3,
            status=DossierStatus.FINISHED,
            received_at=golden.vn(3, 2),
            due_at=golden.vn(3, due_day, 17),
            finished_at=golden.vn(3, finished_day),
        )
    return g


def _ranks(level: str) -> dict[str, int | None]:
    return dict(
        IndicatorSnapshot.objects.filter(period=golden.PERIOD, level=level).values_list(
            "agency__code", "rank"
        )
    )


def test_one_rule_for_empty_denominators():
    assert EMPTY_DENOMINATOR == FULL
    for m in METHODOLOGIES:
        assert {c.when_empty for c in m.components} == {FULL}


def test_agency_without_dossiers_has_no_total_no_rank(data):
    compute.recompute(golden.PERIOD, now=golden.NOW)
    p2 = IndicatorSnapshot.objects.get(agency__code="04", period=golden.PERIOD)
    assert (p2.total, p2.rank, p2.band, p2.has_data) == (None, None, "no_data", False)
    assert all(g["score"] is None and g["rank"] is None for g in p2.groups.values())
    assert p2.components.count() == 21  # the counts stay, to explain why there is no score
    ranked = {
        s.agency.code: s for s in IndicatorSnapshot.objects.filter(period=golden.PERIOD, level="province")
    }
    assert ranked["04"].rank is None and {ranked["01"].rank, ranked["05"].rank} == {1, 2}
    assert ranked["01"].peers == ranked["05"].peers == 2


def test_others_ranks_unchanged_by_its_presence(data):
    compute.recompute(golden.PERIOD, now=golden.NOW)
    with_p2 = {**_ranks("province"), **_ranks("ministry")}
    group_ranks = {
        s.agency.code: {k: v["rank"] for k, v in s.groups.items()}
        for s in IndicatorSnapshot.objects.filter(period=golden.PERIOD)
    }
    # Dissolve the agencies without data before the period: they are no longer peers at all.
    for agency in (data.P2, data.M2):
        agency.valid_to = date(2026, 2, 1)
        agency.save()
    compute.recompute(golden.PERIOD, now=golden.NOW)
    without = {**_ranks("province"), **_ranks("ministry")}
    assert without == {c: r for c, r in with_p2.items() if c not in ("04", "BYT")}
    for s in IndicatorSnapshot.objects.filter(period=golden.PERIOD):
        assert {k: v["rank"] for k, v in s.groups.items()} == group_ranks[s.agency.code]


def test_compute_indicators_json_gives_null_total_and_rank(data):
    out = StringIO()
    call_command("compute_indicators", "--period", golden.PERIOD, "--json", stdout=out)
    agencies = {a["code"]: a for a in json.loads(out.getvalue())["agencies"]}
    for code in ("04", "BYT"):
        assert (agencies[code]["total"], agencies[code]["rank"], agencies[code]["band"]) == (
            None,
            None,
            "no_data",
        )
        assert set(agencies[code]["groups"].values()) == {None}
    assert agencies["BTP"]["rank"] == 1 and agencies["BTP"]["band"] == "average"
    order = [a["code"] for a in json.loads(out.getvalue())["agencies"]]
    assert order[2:] == ["04", "BTP", "BYT"]  # without data: after the ranked peers


def test_api_and_pages_say_no_data(data, client, django_user_model):
    compute.recompute(golden.PERIOD, now=golden.NOW)
    client.force_login(make_user("nat", Role.NATIONAL_ADMIN, data.P1))
    body = client.get("/api/v1/indicators/rankings/", {"period": golden.PERIOD, "level": "ministry"}).json()
    byt = next(a for a in body["agencies"] if a["code"] == "BYT")
    assert (byt["total"], byt["rank"], byt["band"]) == (None, None, "no_data")
    assert [a["code"] for a in body["agencies"]] == ["BTP", "BYT"]
    for url in (
        reverse("indicators:dashboard", args=["BYT"]),
        reverse("indicators:rankings") + "?level=ministry",
        reverse("indicators:public-results") + "?level=ministry",
    ):
        response = client.get(url, {"period": golden.PERIOD, "level": "ministry"}, HTTP_ACCEPT_LANGUAGE="vi")
        assert response.status_code == 200, url
        html = response.content.decode()
        assert "Chưa có dữ liệu" in html, url
        if url != reverse("indicators:dashboard", args=["BYT"]):  # the ranked one first, then no data
            assert html.index("Bộ Tư pháp") < html.index("Bộ Y tế"), url


def test_the_projection_of_an_agency_without_data():
    from indicators.definitions import get

    counts = {c.code: {"num": 0, "den": 0} for c in get("2026").components}
    counts["FEEDBACK_SATISFACTION"].update({"pen:disliked": 0, "pen:overdue": 0, "pen:repeated": 0})
    counts["DOSSIER_SATISFACTION"].update({"pen:overdue": 0, "pen:complained": 0})
    score = scoring.score_agency(get("2026"), "province", counts)
    assert (score.total, score.band, score.has_data) == (None, "no_data", False)
    counts["ON_TIME"] = {"num": 1, "den": 1}
    counts["DOSSIER_SATISFACTION"]["den"] = 1
    assert scoring.score_agency(get("2026"), "province", counts).total == Decimal(100)


def test_assumptions_are_settings(settings, data):
    """The group-4 split date and the ministries' group-3 rescale come from settings."""
    assert methodology_for("2026-01").version == "2026"
    settings.INDICATOR_GROUP4_SPLIT_FROM = date(2026, 4, 1)
    assert methodology_for("2026-03").version == "2022"
    assert methodology_for("2026-04").version == "2026"
    settings.INDICATOR_GROUP4_SPLIT_FROM = date(2026, 1, 1)
    compute.recompute(golden.PERIOD, now=golden.NOW)
    btp = IndicatorSnapshot.objects.get(agency__code="BTP", period=golden.PERIOD)
    assert (btp.groups["3"]["score"], btp.groups["3"]["max"]) == ("7.80", "22")  # 5.67 × 22/16
    settings.INDICATOR_RESCALE_PARTIAL_GROUPS = False
    compute.recompute(golden.PERIOD, now=golden.NOW)
    btp.refresh_from_db()
    assert (btp.groups["3"]["score"], btp.groups["3"]["max"]) == ("5.67", "16")
    assert btp.total == Decimal("57.94") - Decimal("7.80") + Decimal("5.67")


def test_group_names_as_seed_003():
    names = {g.code: g.name_vi for g in methodology_for("2025-12").groups}
    assert names == {
        "1": "Công khai, minh bạch",
        "2": "Tiến độ, kết quả giải quyết",
        "3": "Số hóa hồ sơ",
        "4": "Cung cấp dịch vụ trực tuyến",
        "5": "Mức độ hài lòng",
    }


def test_early_warning_of_an_agency_without_data(data):
    from indicators.services import warning

    compute.recompute(golden.PERIOD, now=golden.vn(3, 20, 12))  # live: the month in progress
    p2 = IndicatorSnapshot.objects.get(agency__code="04", period=golden.PERIOD)
    assert not p2.final and not p2.has_data
    projection = warning.project(p2, now=golden.vn(3, 20, 12), at_risk_this_month=0)
    assert (projection.current, projection.if_late.total, projection.rank_if_late, projection.winnable) == (
        None,
        None,
        None,
        None,
    )
