"""Points at stake per component are stored by component code; the letter and the pages name the
components in words (never ``PAYMENT_SHARE`` in a signed letter) and write the points as Vietnamese
numbers."""

from __future__ import annotations

import re

from django.urls import reverse

from complaints.models import RequestSystem
from complaints.services.letters import COMPONENT_PHRASES, letter_content
from complaints.workflow import State
from indicators.definitions import METHODOLOGIES

from .helpers import make_case
from .test_pages import login

BREAKDOWN = {"DOSSIER_SYNC": "0.270", "PAYMENT_SHARE": "0.100"}


def _visible_text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_letter_has_words_for_every_component():
    codes = {c.code for m in METHODOLOGIES for c in m.components}
    assert codes == set(COMPONENT_PHRASES)


def test_the_letter_names_the_components_it_prices(world):
    case = make_case(world, points_at_stake="0.370", points_breakdown=BREAKDOWN)
    text = " ".join(letter_content(case)["paragraphs"])
    assert "0,27 điểm chỉ tiêu đồng bộ hồ sơ lên Cổng Dịch vụ công quốc gia" in text
    assert "0,1 điểm chỉ tiêu hồ sơ thanh toán trực tuyến" in text
    assert "PAYMENT_SHARE" not in text and "DOSSIER_SYNC" not in text


def test_the_request_page_and_the_chairmans_summary_name_the_components(client, world):
    case = make_case(world, State.SUBMITTED, points_at_stake="0.370", points_breakdown=BREAKDOWN)
    RequestSystem.objects.filter(request=case).update(points_at_stake="0.370", points_breakdown=BREAKDOWN)
    login(client, world, "province_officer")
    detail = _visible_text(client.get(reverse("complaints:detail", args=[case.pk])).content.decode())
    assert "Hồ sơ thanh toán trực tuyến 0,100" in detail and "Đồng bộ hồ sơ lên Cổng DVCQG 0,270" in detail
    summary = _visible_text(client.get(reverse("complaints:summary"), {"period": "2026-08"}).content.decode())
    assert "Hồ sơ thanh toán trực tuyến: 0,100" in summary
    assert "Điểm bị ảnh hưởng: 0,370" in summary  # the month's total, as a number too
    for text in (detail, summary):
        assert "PAYMENT_SHARE" not in text and "0.100" not in text


def test_the_letters_appendix_prints_values_in_words(world):
    """The appendix prints a status with its name, a time as a date and time and a count of steps as
    steps; the letter's JSON keeps the stored values beside them for programs."""
    from reconciliation.models import Gap

    from .helpers import make_run

    run = make_run(world, counts={"status_differs": 1, "finish_differs": 1, "progress_missing": 1})
    Gap.objects.filter(run=run, kind="status_differs").update(source_value="9", portal_value="4")
    Gap.objects.filter(run=run, kind="finish_differs").update(source_value="20260812093000", portal_value="")
    Gap.objects.filter(run=run, kind="progress_missing").update(source_value="3", portal_value="0")
    from complaints.services import requests as svc

    case, _ = svc.create_request(world.a["01"], world.system, "2026-08")
    rows = {row["kind"]: row for row in letter_content(case)["appendix"]}
    assert (
        rows["status_differs"]["source_text"].startswith("9 – ")
        and rows["status_differs"]["source_value"] == "9"
    )
    assert rows["finish_differs"]["source_text"] == "12/08/2026 09:30"
    assert (rows["progress_missing"]["source_text"], rows["progress_missing"]["portal_text"]) == (
        "3 bước",
        "0 bước",
    )


def test_the_letters_appendix_names_the_agency_of_a_count_without_dossiers(world):
    """A not_synced gap counts dossiers an agency reported: the appendix names the agency, not the
    gap's internal key NOT_SYNCED:<code> (the letter's JSON keeps the key as `dossier`)."""
    from complaints.services import requests as svc
    from reconciliation.models import Gap

    from .helpers import make_run

    run = make_run(world, counts={"missing_on_portal": 1, "not_synced": 1})
    agency = world.a["01-C1"]
    Gap.objects.filter(run=run, kind="not_synced").update(
        dossier_code=f"NOT_SYNCED:{agency.code}", source_value="7", portal_value="3"
    )
    case, _ = svc.create_request(world.a["01"], world.system, "2026-08")
    rows = {row["kind"]: row for row in letter_content(case)["appendix"]}
    synced = rows["not_synced"]
    assert synced["dossier"] == f"NOT_SYNCED:{agency.code}"
    assert synced["dossier_text"] == f"{agency.name} ({agency.code})"
    assert (synced["source_text"], synced["portal_text"]) == ("7 hồ sơ", "3 hồ sơ")
    other = rows["missing_on_portal"]
    assert other["dossier_text"] == other["dossier"]


def test_the_chairmans_summary_lists_the_components_largest_first(world):
    """As the letter does: the component that costs the most points comes first, whatever its code."""
    from complaints.services.summary import monthly_summary

    breakdown = {"DATA_REUSE": "0.020", "ON_TIME": "1.820", "DOSSIER_SYNC": "0.350", "PAYMENT_SHARE": "0.350"}
    case = make_case(world, State.SUBMITTED, points_at_stake="2.540", points_breakdown=breakdown)
    RequestSystem.objects.filter(request=case).update(points_at_stake="2.540", points_breakdown=breakdown)
    data = monthly_summary(None, "2026-08")
    order = ["ON_TIME", "DOSSIER_SYNC", "PAYMENT_SHARE", "DATA_REUSE"]  # ties by code
    assert list(data["totals"]["points_breakdown"]) == order
    (ministry,) = data["ministries"]
    assert list(ministry["points_breakdown"]) == order
    assert list(ministry["systems"][0]["points_breakdown"]) == order
    assert data["totals"]["points_breakdown"]["ON_TIME"] == "1.820"
