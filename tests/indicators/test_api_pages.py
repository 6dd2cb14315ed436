"""Command, API and pages read the same snapshots and agree to the last decimal; the gate scopes
everything (a province sees its own detail and everyone's totals; drill-down only within scope)."""

from __future__ import annotations

import io
import json
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import Role
from indicators.definitions import get
from indicators.models import IndicatorSnapshot
from indicators.services import compute
from tests.accounts.helpers import make_user
from tthc.models import ApologyLetter

from . import golden

pytestmark = pytest.mark.django_db

DOMAIN_CODES = {
    "PUBLISH_ON_TIME",
    "PUBLIC_UPDATE_ON_TIME",
    "PUBLIC_CONTENT_FULL",
    "DOSSIER_SYNC",
    "ON_TIME",
    "E_RESULT",
    "DIGITISED",
    "E_CERTIFIED_COPY",
    "DATA_REUSE",
    "PERSONAL_STORE",
    "POPULATION_DATA_DOSSIER",
    "POPULATION_DATA_PROCEDURE",
    "ONLINE_OFFERED",
    "ONLINE_USED",
    "ONLINE_SHARE",
    "PAYMENT_INTEGRATED",
    "PAYMENT_USED",
    "PAYMENT_SHARE",
    "FEEDBACK_ON_TIME",
    "FEEDBACK_SATISFACTION",
    "DOSSIER_SATISFACTION",
}


@pytest.fixture
def g():
    data = golden.build()
    compute.recompute(golden.PERIOD, now=golden.NOW)
    return data


@pytest.fixture
def users(g):
    return {
        "national": make_user("nat", Role.NATIONAL_ADMIN, g.P1),
        "p1": make_user("p1", Role.OFFICER, g.P1),
        "c1": make_user("c1", Role.OFFICER, g.C1),
        "m1": make_user("m1", Role.VIEWER, g.M1),
    }


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def command_json() -> dict:
    out = io.StringIO()
    call_command("compute_indicators", "--period", golden.PERIOD, "--json", stdout=out)
    return json.loads(out.getvalue())


def test_command_json_has_exactly_the_issue_shape(g):
    data = command_json()
    assert set(data) == {"period", "methodology", "agencies"}
    assert (data["period"], data["methodology"]) == ("2026-03", "2026")
    assert [a["code"] for a in data["agencies"]] == [
        "01",
        "04",
        "BTP",
        "BYT",
    ]  # provinces by rank, then ministries
    for agency in data["agencies"]:
        assert set(agency) == {"code", "total", "band", "rank", "groups", "components"}
        assert set(agency["groups"]) == {"1", "2", "3", "4a", "4b", "5"}
        for value in agency["components"].values():
            assert set(value) == {"numerator", "denominator", "ratio", "points"}
    assert set(data["agencies"][0]["components"]) == DOMAIN_CODES
    assert set(data["agencies"][2]["components"]) == DOMAIN_CODES - {
        "E_CERTIFIED_COPY",
        "POPULATION_DATA_DOSSIER",
        "POPULATION_DATA_PROCEDURE",
    }
    p1 = data["agencies"][0]
    assert (p1["total"], p1["band"], p1["rank"]) == (49.92, "weak", 1)
    assert p1["components"]["DOSSIER_SYNC"] == {
        "numerator": 5,
        "denominator": 7,
        "ratio": 0.714286,
        "points": 4.29,
    }


def test_command_api_and_dashboard_agree(g, users, client):
    cmd = {a["code"]: a for a in command_json()["agencies"]}
    response = api(users["national"]).get("/api/v1/indicators/", {"period": golden.PERIOD})
    assert response.status_code == 200
    body = response.json()
    assert body["methodology"] == "2026"
    for agency in body["agencies"]:
        assert {k: agency[k] for k in ("code", "total", "band", "rank", "groups", "components")} == cmd[
            agency["code"]
        ]
    client.force_login(users["p1"])
    page = client.get(reverse("indicators:dashboard", args=["01"]), {"period": golden.PERIOD})
    html = page.content.decode()
    assert page.status_code == 200
    # the page shows Vietnamese number formatting (49,92); data-value carries the stored decimal
    assert f'id="total" data-value="{Decimal(str(cmd["01"]["total"])):.2f}">49,92<' in html
    for code, value in cmd["01"]["components"].items():
        assert f'data-component="{code}" data-value="{Decimal(str(value["points"])):.2f}"' in html, code
    for code, score in cmd["01"]["groups"].items():
        assert f'data-group="{code}" data-value="{Decimal(str(score)):.2f}"' in html


def test_province_sees_its_own_detail_and_everyones_totals(g, users):
    client = api(users["p1"])
    body = client.get("/api/v1/indicators/", {"period": golden.PERIOD}).json()
    assert [a["code"] for a in body["agencies"]] == ["01"]
    ranking = client.get(
        "/api/v1/indicators/rankings/", {"period": golden.PERIOD, "level": "province"}
    ).json()
    assert [(a["code"], a["rank"], a["total"]) for a in ranking["agencies"]] == [
        ("01", 1, 49.92),
        ("04", None, None),  # no dossier judged: no total, no rank
    ]
    assert "components" not in ranking["agencies"][0]
    assert client.get(f"/api/v1/indicators/BTP/{golden.PERIOD}/components/ON_TIME/").status_code == 404
    assert (
        api(users["m1"]).get("/api/v1/indicators/", {"period": golden.PERIOD}).json()["agencies"][0]["code"]
        == "BTP"
    )
    assert api().get("/api/v1/indicators/", {"period": golden.PERIOD}).status_code in (401, 403)


def test_drill_down_lists_the_dossiers_that_cost_points_within_scope(g, users):
    url = f"/api/v1/indicators/01/{golden.PERIOD}/components/ON_TIME/"
    p1 = api(users["p1"]).get(url).json()
    assert p1["count"] == 4 and {r["code"] for r in p1["results"]} == {"d2", "d3", "d5", "d6"}
    assert set(p1["sets"]) == {"numerator", "denominator", "missing"}
    c1 = api(users["c1"]).get(url).json()  # a commune officer: the province's score, their commune's rows
    assert {r["code"] for r in c1["results"]} == {"d2"}
    numerator = api(users["p1"]).get(url, {"set": "numerator"}).json()
    assert {r["code"] for r in numerator["results"]} == {"d1", "d7", "d11"}
    by_unit = api(users["p1"]).get(url + "by-unit/").json()["groups"]
    # No step carries a deadline here: each late dossier counts for its handling unit, no officer.
    assert {
        "unit": "Sở Tư pháp",
        "unit_name": "",  # a name as sent, not an agency code
        "officer": "",
        "basis": "handling_unit",
        "dossiers": 2,
    } in by_unit
    assert sum(row["dossiers"] for row in by_unit) == 4
    filtered = api(users["p1"]).get(url, {"unit": "Sở Tư pháp"}).json()
    assert {r["code"] for r in filtered["results"]} == {"d3", "d5"}
    assert {r["code"] for r in api(users["p1"]).get(url, {"agency": "C2"}).json()["results"]} == {"d6"}


def test_a_handling_unit_sent_as_an_agency_code_is_shown_by_its_name(g, users, client):
    """``DonViXuLy`` usually carries the handling agency's code: the groups name the agency (API
    ``unit_name``, page "Xã Hai (C2)") and still filter by the unit as stored."""
    from tthc.models import Dossier

    Dossier.objects.filter(code="d6").update(handling_unit="C2")
    url = f"/api/v1/indicators/01/{golden.PERIOD}/components/ON_TIME/"
    by_unit = api(users["p1"]).get(url + "by-unit/").json()["groups"]
    (row,) = [r for r in by_unit if r["unit"] == "C2"]
    assert (row["unit_name"], row["dossiers"]) == ("Xã Hai", 1)
    client.force_login(users["p1"])
    page = client.get(f"/indicators/01/{golden.PERIOD}/ON_TIME/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert 'Xã Hai <small class="muted">(C2)</small>' in page
    assert "unit=C2" in page


def test_drill_down_other_sources(g, users):
    client = api(users["p1"])
    base = f"/api/v1/indicators/01/{golden.PERIOD}/components/"
    fb = client.get(base + "FEEDBACK_SATISFACTION/", {"set": "penalty:overdue"}).json()
    assert {r["code"] for r in fb["results"]} == {"f2", "f4"}
    procs = client.get(base + "ONLINE_USED/").json()  # online services never used
    assert procs["source"] == "procedure" and [r["code"] for r in procs["results"]] == ["B"]
    copies = client.get(base + "E_CERTIFIED_COPY/").json()
    assert [r["code"] for r in copies["results"]] == ["C2"]
    sync = client.get(base + "DOSSIER_SYNC/").json()  # the platform's March dossiers the portal lacks
    assert {r["code"] for r in sync["results"]} == {"d4", "d10", "d12"}
    assert client.get(base + "NOPE/").status_code == 404
    assert client.get(base + "ON_TIME/", {"set": "bogus"}).status_code == 404


def test_exports(g, users):
    client = api(users["p1"])
    url = f"/api/v1/indicators/01/{golden.PERIOD}/components/ON_TIME/"
    csv_text = b"".join(client.get(url, {"export": "csv"}).streaming_content).decode("utf-8-sig")
    lines = csv_text.strip().splitlines()
    assert lines[0].startswith("Mã hồ sơ,Thủ tục,Mã thủ tục (procedure),") and len(lines) == 5
    codes = client.get(url, {"export": "csv", "headers": "codes"})
    first = b"".join(codes.streaming_content).decode("utf-8-sig").splitlines()[0]
    assert first.startswith("code,procedure_label,procedure,agency_label,agency,")
    response = client.get(url, {"export": "xlsx"})
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.active.max_row == 5


def test_pages_render(g, users, client):
    client.force_login(users["p1"])
    for name, args, params in [
        ("indicators:rankings", [], {"period": golden.PERIOD}),
        ("indicators:component", ["01", golden.PERIOD, "ON_TIME"], {}),
        ("indicators:component", ["01", golden.PERIOD, "FEEDBACK_SATISFACTION"], {"set": "penalty:disliked"}),
        ("indicators:late", [], {"period": golden.PERIOD}),
    ]:
        response = client.get(reverse(name, args=args), params)
        assert response.status_code == 200, name
    assert client.get(reverse("indicators:index")).status_code == 302
    assert client.get(reverse("indicators:dashboard", args=["BTP"])).status_code == 404
    page = client.get(reverse("indicators:component", args=["01", golden.PERIOD, "ON_TIME"])).content.decode()
    assert "Phạm Văn C" in page and "d6" in page
    # The formula note in the interface's language: Vietnamese first, English on request.
    assert "Đúng hạn / (đúng hạn + quá hạn)" in page and "On time / (on time + overdue)" not in page
    english = client.get(
        reverse("indicators:component", args=["01", golden.PERIOD, "ON_TIME"]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "On time / (on time + overdue)" in english
    csv_page = client.get(
        reverse("indicators:component", args=["01", golden.PERIOD, "ON_TIME"]), {"export": "csv"}
    )
    assert csv_page["Content-Type"].startswith("text/csv")


def test_public_results_without_login(g, client):
    response = client.get(reverse("indicators:public-results"), {"period": golden.PERIOD})
    html = response.content.decode()
    assert response.status_code == 200
    assert "49,92" in html and "Chưa có dữ liệu" in html and "Cao Bằng" in html
    assert "Công khai kết quả Bộ chỉ số" in html and "Yếu" in html  # Vietnamese first
    month, shown = golden.PERIOD, f"{golden.PERIOD[5:]}/{golden.PERIOD[:4]}"  # 2026-03 → 03/2026
    assert f'<option value="{month}" selected>{shown}</option>' in html and f"— {shown}</h1>" in html
    for private in ("Phạm Văn C", "Lê Văn A", "/indicators/01/"):
        assert private not in html
    # the dossier code as a word: the page's random CSRF token may contain the letters "d2"
    assert not re.search(r"(?<![\w-])d2(?![\w-])", html)
    ministries = client.get(
        reverse("indicators:public-results"), {"period": golden.PERIOD, "level": "ministry"}
    ).content.decode()
    assert "57,94" in ministries


def test_public_results_show_final_scores_only(g, client):
    compute.recompute("2026-04", now=golden.NOW)  # a live month: not published
    live = client.get(reverse("indicators:public-results"), {"period": "2026-04"})
    assert live.status_code == 200 and not live.context["rows"]
    assert IndicatorSnapshot.objects.filter(period="2026-04", final=False).exists()  # computed, not published


def test_late_units_and_apology_compliance(g, users):
    ApologyLetter.objects.create(
        dossier=g.d["d5"],
        issued_at=golden.vn(3, 25),
        reason="Chờ xác minh",
        original_due_at=g.d["d5"].due_at,
        new_due_at=golden.vn(4, 3, 17),
    )
    body = (
        api(users["p1"])
        .get("/api/v1/indicators/late-units/", {"period": golden.PERIOD, "agency": "01"})
        .json()
    )
    top = next(r for r in body["late_units"] if r["unit"] == "Sở Tư pháp")
    assert (top["officer"], top["basis"], top["overdue"], top["apologised"], top["without_apology"]) == (
        "",  # no step deadline sent: the handling unit, not the officer of the last step
        "handling_unit",
        2,
        1,
        1,
    )
    assert sum(r["overdue"] for r in body["late_units"]) == 4
    assert body["apology_compliance"] == [
        {
            "ranked": "01",
            "ranked_name": "Thành phố Hà Nội",
            "overdue": 4,
            "apologised": 1,
            "without_apology": 3,
            "ratio": 0.25,
        }
    ]


def test_definitions_have_names_in_both_languages():
    for version in ("2022", "2026"):
        for c in get(version).components:
            assert c.name_vi and c.name_en and c.code in DOMAIN_CODES
        assert {c.code for c in get(version).components} == DOMAIN_CODES


def test_every_formula_note_exists_in_vietnamese():
    """The component page shows the note in the interface's language: none may be English-only."""
    from indicators.definitions import METHODOLOGIES

    missing = [
        (m.version, c.code) for m in METHODOLOGIES for c in m.components if c.note_en and not c.note_vi
    ]
    assert missing == []


def test_a_component_without_a_numerator_opens_on_a_penalty_that_counted(g, users, client):
    """Satisfaction components have no numerator, so no "missing" set: the dashboard's link (no
    ``set``) opens the first penalty that cost points instead of answering 404; the penalties are
    named in Vietnamese, each with its count and a link to its set."""
    from indicators.models import ComponentValue

    client.force_login(users["p1"])
    snapshot = IndicatorSnapshot.objects.get(agency__code="01", period=golden.PERIOD)
    feedback = ComponentValue.objects.get(snapshot=snapshot, code="FEEDBACK_SATISFACTION")
    assert feedback.details["penalties"]["disliked"] > 0 and feedback.details["penalties"]["overdue"] > 0
    feedback.details["penalties"]["disliked"] = 0  # as if nobody disliked: the next penalty that counted
    feedback.save(update_fields=["details"])
    for code, first, labels in (
        ("FEEDBACK_SATISFACTION", "penalty:overdue", ("Không hài lòng", "Quá hạn", "Phản ánh lặp lại")),
        ("DOSSIER_SATISFACTION", "penalty:overdue", ("Quá hạn",)),
    ):
        url = reverse("indicators:component", args=["01", golden.PERIOD, code])
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="vi")
        assert response.status_code == 200, code
        assert response.context["which"] == first
        html = response.content.decode()
        if code == "FEEDBACK_SATISFACTION":
            feedback_html = html
            keys = [key for key, _, _ in response.context["items"].columns]
            names = {row[keys.index("agency_name")] for row in response.context["rows"]}
            assert names and names <= {g.P1.name, g.C1.name, g.C2.name, g.U1.name}  # named, not only coded
        for label in labels:
            assert f">{label}</a>" in html
        subtracted = re.sub(r"<[^>]+>", "", html.split("Bị trừ:", 1)[1].split("</p>", 1)[0])
        assert "disliked" not in subtracted and "overdue" not in subtracted
        assert client.get(url, {"set": "missing"}).status_code == 404  # asked for explicitly: none
        data = api(users["p1"]).get(f"/api/v1/indicators/01/{golden.PERIOD}/components/{code}/").json()
        assert data["set"] == first and first in data["sets"]
    # The feedback rows' flags (disliked, repeated) read as yes / no, not Python's True / False.
    assert "<td>Không</td>" in feedback_html or "<td>Có</td>" in feedback_html
    assert "<td>True</td>" not in feedback_html and "<td>False</td>" not in feedback_html
    on_time = client.get(reverse("indicators:component", args=["01", golden.PERIOD, "ON_TIME"]))
    assert on_time.context["which"] == "missing"
    page = client.get(
        reverse("indicators:dashboard", args=["01"]), {"period": golden.PERIOD}
    ).content.decode()
    assert f'href="/indicators/01/{golden.PERIOD}/FEEDBACK_SATISFACTION/"' in page


def _dashboard_links(client, user, code="01"):
    client.force_login(user)
    page = client.get(
        reverse("indicators:dashboard", args=[code]), {"period": golden.PERIOD}
    ).content.decode()
    ranking = page.split("<h2>Xếp hạng</h2>", 1)[1]
    return page, set(re.findall(r'href="/indicators/(\w+)/\?period=', ranking))


def test_the_ranking_links_only_the_dashboards_the_viewer_may_open(g, users, client):
    page, linked = _dashboard_links(client, users["p1"])
    assert linked == {"01"} and "Cao Bằng" in page  # the other province is ranked, not linked
    assert (
        client.get(reverse("indicators:dashboard", args=["04"]), {"period": golden.PERIOD}).status_code == 404
    )
    _, linked = _dashboard_links(client, users["national"])  # the same cached fragment, another viewer
    assert linked == {"01", "04"}
    _, linked = _dashboard_links(client, users["c1"])  # a commune officer sees the province's score
    assert linked == {"01"}
    client.force_login(users["p1"])
    rankings = client.get(reverse("indicators:rankings"), {"period": golden.PERIOD}).content.decode()
    assert set(re.findall(r'href="/indicators/(\w+)/\?period=', rankings)) == {"01"}
    # A column per group makes the ranking wider than the page, which hides overflow: it scrolls in a box.
    assert '<div class="table-wrap"><table class="ranking">' in rankings


def test_the_monthly_report_is_offered_to_those_who_may_open_it(g, users, client):
    report = "/documents/monthly_report/?agency=01"
    page, _ = _dashboard_links(client, users["p1"])
    assert report in page and client.get(report + f"&period={golden.PERIOD}").status_code != 404
    page, _ = _dashboard_links(client, users["c1"])
    assert report not in page and "/documents/scorecard/?agency=01" in page
    assert client.get(report + f"&period={golden.PERIOD}").status_code == 404


def test_a_dossier_set_shows_labels_not_codes_and_scrolls_in_its_box(g, users, client):
    """The page reads like the export: status, channel and filing place as words (the API and the
    export keep the codes); the wide table scrolls inside its own box (the page hides overflow)."""
    from tthc.models import DossierStatus

    client.force_login(users["p1"])
    response = client.get(
        reverse("indicators:component", args=["01", golden.PERIOD, "ON_TIME"]), HTTP_ACCEPT_LANGUAGE="vi"
    )
    keys = [key for key, _, _ in response.context["items"].columns]
    statuses = [row[keys.index("status")] for row in response.context["rows"]]
    labels = {str(s.label) for s in DossierStatus}
    assert statuses and all(s in labels for s in statuses)
    assert all(isinstance(row[keys.index("channel")], str) for row in response.context["rows"])
    assert '<div class="table-wrap"><table class="wide">' in response.content.decode()
    api_rows = api(users["p1"]).get(f"/api/v1/indicators/01/{golden.PERIOD}/components/ON_TIME/").json()
    assert all(isinstance(r["status"], int) for r in api_rows["results"])


@pytest.mark.parametrize("period", ["2026-Q3", "2025", "2024-01", "2027-01"])
def test_a_period_without_scores_says_so_on_the_dashboard(g, users, client, period):
    """Quarters, years and months with no stored snapshot: a page naming the agency, not an error."""
    client.force_login(users["p1"])
    page = client.get(reverse("indicators:dashboard", args=["01"]), {"period": period})
    assert page.status_code == 404
    html = page.content.decode()
    name = IndicatorSnapshot.objects.filter(agency__code="01").first().agency.name
    assert f"Chưa tính điểm cho {name} kỳ" in html
    assert "<title>" in html and name in html.split("</title>")[0]


def test_the_index_keeps_the_period_asked_for(g, users, client):
    client.force_login(users["p1"])
    response = client.get(reverse("indicators:index"), {"period": golden.PERIOD})
    assert response.status_code == 302
    assert response["Location"] == reverse("indicators:dashboard", args=["01"]) + f"?period={golden.PERIOD}"
    client.force_login(users["national"])
    response = client.get(reverse("indicators:index"), {"period": golden.PERIOD})
    assert response["Location"] == reverse("indicators:rankings") + f"?period={golden.PERIOD}"


def test_an_unknown_group_is_refused_not_ignored(g, users, client):
    response = api(users["national"]).get(
        "/api/v1/indicators/rankings/", {"period": golden.PERIOD, "group": "9"}
    )
    assert response.status_code == 400 and "group" in response.json()
    ranked = api(users["national"]).get(
        "/api/v1/indicators/rankings/", {"period": golden.PERIOD, "group": "3"}
    )
    assert ranked.status_code == 200
    body = ranked.json()
    assert body["group"] == "3"
    stored = {
        s.agency.code: s.groups["3"]["rank"]
        for s in IndicatorSnapshot.objects.filter(period=golden.PERIOD, level="province").select_related(
            "agency"
        )
    }
    assert any(stored.values())
    # Each row carries the rank the list is sorted by, and every group's rank beside its score.
    assert {row["code"]: row["group_rank"] for row in body["agencies"]} == stored
    assert all(row["group_ranks"]["3"] == row["group_rank"] for row in body["agencies"])
    assert all(set(row["group_ranks"]) == set(row["groups"]) for row in body["agencies"])
    order = [row["group_rank"] if row["group_rank"] is not None else 10**6 for row in body["agencies"]]
    assert order == sorted(order)
    overall = api(users["national"]).get("/api/v1/indicators/rankings/", {"period": golden.PERIOD}).json()
    assert overall["group"] is None and all("group_rank" not in row for row in overall["agencies"])
    client.force_login(users["national"])
    page = client.get(reverse("indicators:rankings"), {"period": golden.PERIOD, "group": "9"})
    assert page.status_code == 400
    assert (
        client.get(reverse("indicators:rankings"), {"period": golden.PERIOD, "group": "3"}).status_code == 200
    )


def test_a_ministrys_partial_groups_say_they_are_scaled(g, users, client):
    """A ministry has no commune components: the groups that lack some are scaled to their full
    weight, and the dashboard shows from what (so the components visibly add up)."""
    snapshot = IndicatorSnapshot.objects.get(agency__code="BTP", period=golden.PERIOD)
    client.force_login(users["m1"])
    html = client.get(
        reverse("indicators:dashboard", args=["BTP"]), {"period": golden.PERIOD}
    ).content.decode()
    scaled = set(re.findall(r'data-scaled="([^"]+)"', html))
    assert scaled, "no scaled group shown"
    components = list(snapshot.components.all())
    methodology = get(snapshot.methodology)
    for group in methodology.groups:
        mine = [c for c in components if c.group == group.code]
        applicable = sum(c.max_points for c in mine)
        assert (group.code in scaled) == bool(mine and applicable != group.points), group.code
    from reports.services.context.reports import score_context  # the scorecard PDF says the same

    in_pdf = {g["code"] for g in score_context(snapshot)["groups"] if g.get("scaled_text")}
    assert in_pdf == scaled
    client.force_login(users["p1"])  # a province has every component: nothing scaled
    html = client.get(
        reverse("indicators:dashboard", args=["01"]), {"period": golden.PERIOD}
    ).content.decode()
    assert "data-scaled=" not in html


def test_the_drill_down_page_links_each_dossier_to_its_side_by_side_page(g, users, client):
    client.force_login(users["p1"])
    url = reverse("indicators:component", args=["01", golden.PERIOD, "ON_TIME"])
    html = client.get(url, {"set": "denominator"}).content.decode()
    links = re.findall(r'<a href="(/reconciliation/dossiers/[^"]+/)">', html)
    assert links, "no dossier linked"
    assert client.get(links[0]).status_code == 200
    client.force_login(users["c1"])  # a commune officer opens only the commune's own dossiers
    for link in re.findall(
        r'<a href="(/reconciliation/dossiers/[^"]+/)">',
        client.get(url, {"set": "denominator"}).content.decode(),
    ):
        assert client.get(link).status_code == 200


def test_the_late_units_list_is_paginated(g, users):
    whole = api(users["national"]).get("/api/v1/indicators/late-units/", {"period": golden.PERIOD}).json()
    assert whole["count"] == len(whole["late_units"]) >= 2 and whole["next"] is None
    assert "apology_compliance" in whole
    first = (
        api(users["national"])
        .get("/api/v1/indicators/late-units/", {"period": golden.PERIOD, "page_size": 1})
        .json()
    )
    assert first["count"] == whole["count"] and first["late_units"] == whole["late_units"][:1]
    assert first["next"] is not None and first["previous"] is None
