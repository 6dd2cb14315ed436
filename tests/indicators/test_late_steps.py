"""Lateness traced to the step (seed 003, "cá thể hóa trách nhiệm"): a late dossier is attributed to
the unit and officer of its first progress step that overran its own deadline
(``NgayKetThucTheoQuyDinh``), not to whoever did the last step; without such a step, to the
handling unit, stated as such. The public results page lists the month's late units without login."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from core import params
from indicators.models import IndicatorSnapshot
from indicators.services import compute, explain, late
from reconciliation.services.ingest import ingest
from tests.factories import DossierFactory
from tests.reconciliation.fixtures.world import build_world, stream
from tthc.models import DossierEvent, DossierStatus

from . import golden

pytestmark = pytest.mark.django_db
vn = golden.vn


def step(dossier, at, status, unit, officer, due=None):
    return DossierEvent.objects.create(
        dossier=dossier, at=at, to_status=status, unit=unit, officer=officer, due_at=due
    )


@pytest.fixture
def g():
    g = golden.build()
    # Late: due 11/3, finished 12/3. The appraisal step (due 5/3, done 9/3) overran first; approval
    # overran too, later; the clerk who handed the result back is the last step and was on time.
    g.late = DossierFactory(
        code="late-1",
        procedure=g.B,
        receiving_agency=g.U1,
        handling_agency=g.U1,
        handling_unit="Bộ phận Một cửa",
        handling_officer="Nguyễn Văn Trả",
        status=DossierStatus.RETURNED,
        received_at=vn(3, 2, 9),
        due_at=vn(3, 11, 17),
        finished_at=vn(3, 12, 10),
    )
    step(g.late, vn(3, 2, 9), 2, "Bộ phận Một cửa", "Nguyễn Văn Tiếp", vn(3, 2, 17))
    step(g.late, vn(3, 9, 15), 4, "Phòng Hộ tịch", "Trần Thị Thẩm", vn(3, 5, 17))
    step(g.late, vn(3, 12, 10), 9, "Lãnh đạo Sở", "Lê Văn Duyệt", vn(3, 11, 17))
    step(g.late, vn(3, 12, 15), 10, "Bộ phận Một cửa", "Nguyễn Văn Trả", vn(3, 13, 17))
    # Late with steps that carry no deadline: the handling unit, no officer.
    g.unknown = DossierFactory(
        code="late-2",
        procedure=g.B,
        receiving_agency=g.U1,
        handling_unit="Phòng Chứng thực",
        handling_officer="Phạm Văn Cuối",
        status=DossierStatus.FINISHED,
        received_at=vn(3, 2, 9),
        due_at=vn(3, 4, 17),
        finished_at=vn(3, 6, 10),
    )
    step(g.unknown, vn(3, 6, 10), 9, "Phòng Chứng thực", "Phạm Văn Cuối")
    return g


def _rows(**kw):
    return {
        r["ranked"] + "/" + (r["unit"] or "") + "/" + (r["officer"] or ""): r for r in late.late_units(**kw)
    }


def test_late_dossier_is_attributed_to_the_step_that_overran_not_the_last(g):
    assert late.responsible_step(g.late).officer == "Trần Thị Thẩm"
    rows = _rows(period=golden.PERIOD, now=golden.NOW)
    row = rows["01/Phòng Hộ tịch/Trần Thị Thẩm"]
    assert (row["overdue"], row["basis"]) == (1, "step")
    assert not any(r["officer"] in ("Nguyễn Văn Trả", "Lê Văn Duyệt") for r in rows.values())
    fallback = rows["01/Phòng Chứng thực/"]
    assert (fallback["overdue"], fallback["basis"], fallback["officer"]) == (1, "handling_unit", "")


def _late_with_coded_unit(g, code):
    """A late dossier whose handling unit is given as its handling agency's code, no step recorded."""
    return DossierFactory(
        code=code,
        procedure=g.B,
        receiving_agency=g.U1,
        handling_agency=g.U1,
        handling_unit=g.U1.code,
        status=DossierStatus.FINISHED,
        received_at=vn(3, 2, 9),
        due_at=vn(3, 4, 17),
        finished_at=vn(3, 6, 10),
    )


def test_a_unit_given_by_its_agency_code_is_named_like_the_agency(g):
    """The feed's DonViXuLy is often the handling agency's code: the lists name that unit as the
    agency ("unit_name"), where they printed the code; "unit" keeps the value as sent."""
    _late_with_coded_unit(g, "late-3")
    rows = _rows(period=golden.PERIOD, now=golden.NOW)
    coded = rows[f"01/{g.U1.code}/"]
    assert (coded["unit"], coded["unit_name"], coded["basis"]) == (g.U1.code, g.U1.name, "handling_unit")
    assert rows["01/Phòng Chứng thực/"]["unit_name"] == "Phòng Chứng thực"  # a named unit as it is
    assert rows["01/Phòng Hộ tịch/Trần Thị Thẩm"]["unit_name"] == "Phòng Hộ tịch"


def test_a_step_recorded_after_as_of_does_not_count(g):
    """Judged at 10/3 noon the appraisal step (9/3 15:00) had overran; judged at 8/3 it had not."""
    assert late.responsible_step(g.late, vn(3, 8, 12)) is None
    assert late.responsible_step(g.late, vn(3, 10, 12)).officer == "Trần Thị Thẩm"


def test_drill_down_of_on_time_names_the_responsible_step(g):
    compute.recompute(golden.PERIOD, now=golden.NOW)
    snapshot = IndicatorSnapshot.objects.get(agency__code="01", period=golden.PERIOD)
    items = explain.item_set(snapshot, "ON_TIME", "missing")
    assert items.late
    keys = [c[0] for c in items.columns]
    assert {"responsible_unit", "responsible_officer", "responsibility"} <= set(keys)
    rows = {r[0]: dict(zip(keys, r, strict=True)) for r in explain.rows(items)}
    assert rows["late-1"]["responsible_officer"] == "Trần Thị Thẩm"
    assert rows["late-1"]["officer"] == "Nguyễn Văn Trả"  # the last step's, still shown as such
    assert rows["late-2"]["responsibility"] == "handling_unit"
    groups = {(x["handling_unit"], x["handling_officer"]): x for x in explain.grouped(items)}
    assert groups[("Phòng Hộ tịch", "Trần Thị Thẩm")]["n"] == 1
    # Filtering by the responsible officer keeps the attributed dossier only.
    only = explain.item_set(snapshot, "ON_TIME", "missing", filters={"officer": "Trần Thị Thẩm"})
    assert [r[0] for r in explain.rows(only)] == ["late-1"]
    # DOSSIER_SATISFACTION's overdue penalty lists the same late dossiers, attributed the same way.
    penalty = explain.item_set(snapshot, "DOSSIER_SATISFACTION", "penalty:overdue")
    assert penalty.late and "late-1" in [r[0] for r in explain.rows(penalty)]
    # Not a lateness set: no attribution columns.
    assert not explain.item_set(snapshot, "DIGITISED", "missing").late
    assert not explain.item_set(snapshot, "ON_TIME", "numerator").late


def test_public_page_lists_the_months_late_units_without_login(g, client):
    compute.recompute(golden.PERIOD, now=golden.NOW)
    response = client.get(reverse("indicators:public-results"), {"period": golden.PERIOD})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Phòng Hộ tịch" in html and "Trần Thị Thẩm" in html and "Phòng Chứng thực" in html
    assert "Nguyễn Văn Trả" not in html  # the last step's clerk is not blamed
    for personal in ("late-1", g.late.applicant_name or "@@"):  # no dossier codes, no applicants
        assert personal not in html


def test_public_page_shows_no_late_list_for_a_month_in_progress(g, client):
    response = client.get(reverse("indicators:public-results"), {"period": "2099-01"})
    assert response.status_code == 200
    assert "Trần Thị Thẩm" not in response.content.decode()


def test_the_step_deadline_is_ingested():
    world = build_world()
    body = {
        "service": "DongBoHoSoMC",
        "data": [
            {
                "MaHoSo": "00004-250105-000777",
                "MaTTHC": "1.001193",
                "TrangThaiHoSo": "4",
                "NgayTiepNhan": "20250105083000",
                "NgayHenTra": "20250110170000",
                "QuaTrinhXuLy": [
                    {
                        "ThoiDiemXuLy": "20250105083000",
                        "TrangThai": "2",
                        "NguoiXuLy": "A",
                        "PhongBanXuLy": "BPMC",
                        "NgayKetThucTheoQuyDinh": "20250105170000",
                    },
                    {"ThoiDiemXuLy": "20250107090000", "TrangThai": "4", "NguoiXuLy": "B"},
                ],
            }
        ],
    }
    report = ingest(world["province_system"], stream(json.dumps(body).encode()), "portal")
    assert (report.created, report.rejected) == (1, 0), report.errors
    events = list(DossierEvent.objects.filter(dossier__code="00004-250105-000777").order_by("at"))
    assert events[0].due_at is not None and events[0].due_at.hour == 10  # 17:00 Vietnam = 10:00 UTC
    assert events[1].due_at is None
    bad = json.loads(json.dumps(body))
    bad["data"][0]["MaHoSo"] = "00004-250105-000778"
    bad["data"][0]["QuaTrinhXuLy"][0]["NgayKetThucTheoQuyDinh"] = "2025-01-05"
    report = ingest(world["province_system"], stream(json.dumps(bad).encode()), "portal")
    assert report.rejected == 1
    assert report.errors[0]["field"] == "QuaTrinhXuLy[0].NgayKetThucTheoQuyDinh"


def test_the_monthly_report_names_late_units_like_the_pages(g):
    """The monthly report (PDF) lists the same rows as the late-units page: the unit's name, not the
    code the feed sent, and for a dossier no step of which overran, the handling unit said as such."""
    from django.template.loader import render_to_string

    _late_with_coded_unit(g, "late-4")
    rows = late.late_units(period=golden.PERIOD, now=golden.NOW)
    html = render_to_string("reports/pdf/monthly_report.html", {"late_rows": rows, "late_count": len(rows)})
    table = html.split("Đơn vị, cán bộ để xảy ra quá hạn", 1)[1].split("</table>", 1)[0]
    cells = [c.strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", table)]
    assert g.U1.code not in cells, "the unit is printed by its name, not its code"
    assert g.U1.name in cells
    assert "Trần Thị Thẩm" in cells  # the officer of the step that overran
    assert '<span class="small muted">(đơn vị xử lý: không có bước nào quá hạn)</span>' in cells


def test_the_late_dossiers_still_owed_an_apology_are_one_click_away(g, client):
    """The late-units page's "without apology" count opens the ON_TIME drill-down on exactly those
    dossiers (``apology=without``); each late row says whether its apology came in time."""
    from tests.accounts.helpers import make_user
    from tthc.models import ApologyLetter

    ApologyLetter.objects.create(
        dossier=g.late,
        issued_at=vn(3, 9, 9),  # two days before its due date (11/3): in time
        reason="Cần xác minh thêm",
        original_due_at=g.late.due_at,
        new_due_at=vn(3, 13, 17),
    )
    compute.recompute(golden.PERIOD, now=golden.NOW)
    snapshot = IndicatorSnapshot.objects.get(agency__code="01", period=golden.PERIOD)

    def codes(**filters):
        items = explain.item_set(snapshot, "ON_TIME", "missing", filters=filters)
        return sorted(r[0] for r in explain.rows(items))

    everything = codes()
    assert "late-1" in everything and "late-2" in everything
    assert codes(apology="in_time") == ["late-1"]
    assert codes(apology="without") == sorted(c for c in everything if c != "late-1")
    items = explain.item_set(snapshot, "ON_TIME", "missing")
    keys = [c[0] for c in items.columns]
    flags = {r[0]: dict(zip(keys, r, strict=True))["apologised"] for r in explain.rows(items)}
    assert flags["late-1"] is True and flags["late-2"] is False
    with pytest.raises(params.InvalidParameter):
        codes(apology="maybe")

    officer = make_user("late-officer", "officer", g.P1)
    client.force_login(officer)
    page = client.get(reverse("indicators:late"), {"period": golden.PERIOD}).content.decode()
    link = (
        reverse("indicators:component", args=["01", golden.PERIOD, "ON_TIME"])
        + "?set=missing&amp;apology=without"
    )
    assert link in page
    listed = client.get(link.replace("&amp;", "&"))
    assert listed.status_code == 200
    assert listed.context["page"].paginator.count == len(everything) - 1
    assert client.get(link.replace("&amp;", "&").replace("without", "maybe")).status_code == 400


def test_the_late_units_page_is_paginated_not_cut(g, client, monkeypatch):
    """Every responsible unit and officer can be reached: the list pages instead of stopping at a cap."""
    from indicators import views
    from tests.accounts.helpers import make_user

    monkeypatch.setattr(views, "LATE_ROWS_PAGE", 1)
    reader = make_user("late-reader", "officer", g.P1)
    client.force_login(reader)
    everyone = late.late_units(golden.PERIOD, user=reader)
    assert len(everyone) >= 2
    seen = []
    for number in range(1, len(everyone) + 1):
        response = client.get(reverse("indicators:late"), {"period": golden.PERIOD, "page": number})
        (row,) = response.context["page"].object_list
        seen.append((row["unit"], row["officer"]))
    assert sorted(seen) == sorted((r["unit"], r["officer"]) for r in everyone)
    html = response.content.decode()
    assert f"period={golden.PERIOD}&amp;page={len(everyone) - 1}" in html  # the pager keeps the period


def test_every_link_on_the_late_units_page_opens(g, client):
    """A ministry sees the provinces' late dossiers of its procedures but not the provinces' scores: its
    "without apology" counts are not links to drill-downs it cannot open (they answered 404)."""
    from tests.accounts.helpers import make_user

    compute.recompute(golden.PERIOD, now=golden.NOW)
    for name, agency in (("late-province", g.P1), ("late-ministry", g.M1)):
        client.force_login(make_user(name, "officer", agency))
        response = client.get(reverse("indicators:late"), {"period": golden.PERIOD})
        html = response.content.decode()
        assert response.context["compliance"], f"{name} sees late dossiers"
        links = re.findall(r'href="(/indicators/[^"]*apology=without)"', html)
        if name == "late-province":
            assert links, "the province opens its own drill-down"
        for link in links:
            assert client.get(link.replace("&amp;", "&")).status_code == 200, (name, link)


def test_an_empty_late_units_page_says_why(g, client):
    """A month with no overdue dossier says so; a scope that holds no dossier at all (a supervising
    department's) is told that, and which role would show every province and ministry, instead of a
    "no overdue dossiers" it could never see otherwise."""
    from tests.accounts.helpers import make_user
    from tests.factories import AgencyFactory
    from tthc.models import Agency, AgencyKind

    english = {"HTTP_ACCEPT_LANGUAGE": "en"}
    why = "Your roles reach no agency that receives, handles or owns dossiers"
    client.force_login(make_user("late-p1", "officer", g.P1))
    html = client.get(reverse("indicators:late"), {"period": "2020-01"}, **english).content.decode()
    assert "No overdue dossiers." in html and why not in html
    assert (
        why
        not in client.get(reverse("indicators:late"), {"period": golden.PERIOD}, **english).content.decode()
    )

    control = AgencyFactory(code="BTP-KSTT", name="Cục Kiểm soát TTHC", kind=AgencyKind.UNIT, parent=g.M1)
    client.force_login(make_user("late-kstt", "officer", control))
    response = client.get(reverse("indicators:late"), {"period": golden.PERIOD}, **english)
    html = response.content.decode()
    assert why in html and f"a viewer role on {Agency.objects.root().name}" in html
    assert "No overdue dossiers." not in html and not response.context["compliance"]

    with_vi = client.get(reverse("indicators:late"), {"period": golden.PERIOD}, HTTP_ACCEPT_LANGUAGE="vi")
    assert "Vai trò hiện có của bạn không bao gồm cơ quan nào" in with_vi.content.decode()
