"""The gap matrix, gap list, exports and dossier comparison pages, for each kind of user."""

import re

import pytest
from django.test import Client
from django.utils import translation

from reconciliation import exports, views
from reconciliation.services.matrix import severity
from reconciliation.services.reconcile import reconcile_period
from tests.exported import csv_table, records, xlsx_table
from tthc import filing
from tthc.periods import Period

from . import reconcile_dataset as data

pytestmark = pytest.mark.django_db

MATRIX, GAPS = "/reconciliation/matrix/", "/reconciliation/gaps/"


@pytest.fixture
def ds(db):
    ds = data.build()
    reconcile_period(data.PERIOD)
    ds.users = data.users(ds)
    return ds


def login(user):
    client = Client()
    client.force_login(user)
    return client


def test_pages_need_a_login(ds):
    for url in (MATRIX, GAPS, "/reconciliation/dossiers/H-MOP/", "/reconciliation/gaps/export.csv"):
        response = Client().get(url)
        assert response.status_code == 302 and "login" in response["Location"]


def test_matrix_for_a_province_officer(ds):
    response = login(ds.users.p01).get(MATRIX, {"period": "2026-10"})
    assert response.status_code == 200
    grid = response.context["matrix"]
    assert [row.province.code for row in grid.rows] == ["01"]
    assert [key for key, _ in grid.columns] == ["DKDN", "HOTICH", "__provincial__"]
    cells = {key: cell for (key, _), cell in zip(grid.columns, grid.rows[0].cells, strict=True)}
    assert (
        cells["HOTICH"].run.gap_dossiers == 9 and cells["HOTICH"].level == "critical"
    )  # 9 of 16 (flags apart)
    html = response.content.decode()
    assert "/reconciliation/gaps/?period=2026-10&amp;province=01&amp;source=HOTICH" in html
    assert "sev-critical" in html
    assert "Ma trận sai lệch đồng bộ" in html  # Vietnamese first
    english = login(ds.users.p01).get(MATRIX, {"period": "2026-10"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "Sync gap matrix" in english.content.decode()


def test_matrix_heat_map_is_an_svg_with_a_legend_in_vietnamese(ds, settings):
    """The matrix drawn server-side (``core.charts.heat_map``) above the table: plain-number
    coordinates in Vietnamese, a cell per compared system coloured by severity and linking to its
    gaps, a legend naming every colour."""
    import xml.etree.ElementTree as ET

    from core.charts import HEAT
    from tests.core.test_charts import NS, assert_coordinates_numeric

    settings.TTHC_GAP_SEVERITY_THRESHOLDS = [1, 5, 15]
    html = login(ds.users.btp).get(MATRIX, {"period": "2026-10"}, HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    match = re.search(r'<svg[^>]*class="chart chart-heat".*?</svg>', html, re.S)
    assert match, "the matrix page draws the heat map"
    root = assert_coordinates_numeric(match.group(0))
    assert root.get("aria-label") == "Ma trận sai lệch đồng bộ 10/2026"
    texts = [t.text for t in root.iter(f"{NS}text")]
    assert "HOTICH" in texts and any(t and t.endswith("(01)") for t in texts)
    for words in ("không sai lệch", "< 1 %", "< 5 %", "< 15 %", "≥ 15 %", "không đối chiếu"):
        assert words in texts, words  # the legend, in Vietnamese number format
    links = [a.get("href") for a in root.iter(f"{NS}a")]
    assert "/reconciliation/gaps/?period=2026-10&province=01&source=HOTICH" in links
    assert len(links) == 2  # one per compared cell (provinces 01 and 48 on HOTICH)
    fills = {r.get("fill") for r in root.iter(f"{NS}rect")}
    assert HEAT["critical"] in fills  # 9 of 16 dossiers with a gap in province 01
    tooltips = [t.text for t in root.iter(f"{NS}title")]
    assert any(t and t.endswith(": 9 / 16 (56,2 %)") for t in tooltips), tooltips
    assert '<table class="matrix">' in html  # the accessible table stays
    ET.fromstring(match.group(0))


def test_matrix_for_a_ministry_officer(ds):
    assert login(ds.users.btp).get(MATRIX).context["period"] == Period.last_closed()  # the default month
    response = login(ds.users.btp).get(MATRIX, {"period": "2026-10"})
    assert response.status_code == 200 and response.context["period"] == Period.month(2026, 10)
    grid = response.context["matrix"]
    assert [row.province.code for row in grid.rows] == ["01", "48"]
    assert [key for key, _ in grid.columns] == ["HOTICH"]
    assert "TINH-01" not in response.content.decode()


def test_matrix_empty_month_and_bad_period(ds):
    response = login(ds.users.p01).get(MATRIX, {"period": "2025-01"})
    assert response.status_code == 200 and response.context["matrix"].empty
    bad = login(ds.users.p01).get(MATRIX, {"period": "garbage"})
    assert bad.status_code == 400 and 'name="period" value="garbage"' in bad.content.decode()


def test_severity_thresholds(settings):
    settings.TTHC_GAP_SEVERITY_THRESHOLDS = [1, 5, 15]
    assert severity(0, 0) == "empty"
    assert severity(0, 100) == "clean"
    assert severity(1, 1000) == "low"
    assert severity(1, 100) == "medium"
    assert severity(5, 100) == "high"
    assert severity(15, 100) == "critical"


def page_rows(client, query):
    """Every row of every page of the gap list, as export rows."""
    rows, page = [], 1
    while True:
        response = client.get(GAPS, {**query, "page": page})
        assert response.status_code == 200
        for gap in response.context["page"].object_list:
            rows.append(
                (
                    str(gap.run.period),
                    gap.run.province.code,
                    gap.run.source.code,
                    gap.kind,
                    gap.dossier_code,
                    gap.procedure_code,
                    gap.agency_code,
                    gap.source_value,
                    gap.portal_value,
                    gap.detail,
                    filing.key(gap.filing_place),
                )
            )
        if not response.context["page"].has_next():
            return rows
        page += 1


def csv_rows(response):
    header, rows = csv_table(response)
    assert header == exports.writer.header_row(exports.columns(), "codes")
    return records(header, rows)  # the codes; the labels beside them: test below


def xlsx_rows(response):
    return records(*xlsx_table(response))


@pytest.mark.parametrize(
    "query",
    [
        {"period": "2026-10", "province": "01", "source": "HOTICH"},
        {"period": "2026-10", "province": "01", "kind": "missing_on_portal"},
        {"period": "2026-10", "procedure": "DK1"},
        {},
    ],
)
def test_exports_match_the_page(ds, monkeypatch, query):
    monkeypatch.setattr(views, "PAGE_SIZE", 4)  # several pages
    client = login(ds.users.p01)
    shown = page_rows(client, query)
    assert shown
    codes = {**query, "headers": "codes"}
    assert csv_rows(client.get("/reconciliation/gaps/export.csv", codes)) == shown
    assert xlsx_rows(client.get("/reconciliation/gaps/export.xlsx", codes)) == shown


def test_gap_list_page(ds):
    client = login(ds.users.p01)
    response = client.get(GAPS, {"period": "2026-10", "province": "01", "source": "HOTICH"})
    html = response.content.decode()
    assert response.context["run"].source.code == "HOTICH"
    # The page opens on the gaps that count; the suspicious flags have their own tab.
    assert set(re.findall(r'data-code="([^"]+)"', html)) == {
        c for s, k, c in data.EXPECTED if s == "HOTICH" and k != "suspicious"
    }
    assert (
        "/reconciliation/gaps/export.csv?period=2026-10&amp;province=01&amp;source=HOTICH&amp;tab=gaps"
        in html
    )
    flagged = client.get(
        GAPS, {"period": "2026-10", "province": "01", "source": "HOTICH", "tab": "suspicious"}
    )
    assert set(re.findall(r'data-code="([^"]+)"', flagged.content.decode())) == {"H-JUMP", "H-SYNC", "H-BARE"}
    assert "/reconciliation/dossiers/H-MOP/" in html
    response = client.get(
        GAPS, {"period": "2026-10", "province": "01", "source": "HOTICH", "kind": "suspicious"}
    )
    assert {g.dossier_code for g in response.context["page"].object_list} == {"H-JUMP", "H-SYNC", "H-BARE"}


def test_gap_list_scoping(ds):
    assert login(ds.users.p01).get(GAPS, {"province": "48"}).status_code == 404
    assert login(ds.users.btp).get(GAPS, {"province": "01", "source": "DKDN"}).status_code == 404
    assert login(ds.users.p01).get("/reconciliation/gaps/export.csv", {"province": "48"}).status_code == 404
    response = login(ds.users.btp).get(GAPS, {"province": "48"})
    assert {(g.run.source.code, g.dossier_code) for g in response.context["page"].object_list} == {
        ("HOTICH", "X48-MOP"),
        ("HOTICH", "X48-MAS"),
    }
    assert login(ds.users.p01).get("/reconciliation/gaps/export.pdf").status_code == 404


def test_dossier_comparison(ds):
    response = login(ds.users.p01).get("/reconciliation/dossiers/H-MULTI/")
    assert response.status_code == 200
    comparison = response.context["comparison"]
    assert [c.label for c in comparison.columns] == ["HOTICH", "DVCQG"]  # the system, then the portal
    status = next(r for r in comparison.rows if r.portal_field == "TrangThaiHoSo")
    assert [value[:1] for value, _ in status.cells] == ["9", "4"]
    assert [differs for _, differs in status.cells] == [False, True]  # marked against the system's copy
    html = response.content.decode()
    assert 'class="differs"' in html and "style=" not in html.split("<main", 1)[-1]
    assert {g.kind for g in comparison.gaps} == {"status_differs", "finish_differs", "synced_late"}
    assert [e.system for e in comparison.timeline if e.system] == ["DVCQG", "DVCQG", "HOTICH", "HOTICH"]


def test_dossier_comparison_shows_a_portal_column_when_missing_on_the_portal(ds):
    comparison = login(ds.users.p01).get("/reconciliation/dossiers/H-MOP/").context["comparison"]
    assert [(c.label, c.copy is not None) for c in comparison.columns] == [("HOTICH", True), ("DVCQG", False)]
    status = next(r for r in comparison.rows if r.portal_field == "TrangThaiHoSo")
    assert status.cells[1] == (None, True)


def test_dossier_comparison_three_copies(db):
    from . import chain_dataset as chain

    cds = chain.build()
    chain.plant_chain(cds)
    from accounts.models import Role
    from tests.accounts.helpers import make_user

    user = make_user("p01", Role.OFFICER, cds.agencies["01"])
    response = login(user).get("/reconciliation/dossiers/C-PSD-STATUS/")
    comparison = response.context["comparison"]
    assert [c.label for c in comparison.columns] == ["HOTICH", "TINH-01", "DVCQG"]
    status = next(r for r in comparison.rows if r.portal_field == "TrangThaiHoSo")
    assert [d for _, d in status.cells] == [False, True, False]
    html = (
        login(user).get("/reconciliation/dossiers/C-PSD-STATUS/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    )
    assert "Trạng thái hồ sơ" in html and "Diễn biến đồng bộ" in html  # portal fields with Vietnamese labels


def test_dossier_comparison_scoping(ds):
    assert login(ds.users.p01).get("/reconciliation/dossiers/X48-MOP/").status_code == 404
    assert login(ds.users.p48).get("/reconciliation/dossiers/X48-MOP/").status_code == 200
    assert login(ds.users.btp).get("/reconciliation/dossiers/X48-MOP/").status_code == 200  # its system
    assert login(ds.users.btc).get("/reconciliation/dossiers/X48-MOP/").status_code == 404
    assert login(ds.users.admin).get("/reconciliation/dossiers/NOPE/").status_code == 404


def test_exports_carry_labels_beside_codes(ds):
    """Vietnamese headers; each coded value in words, its code in the next column ("Mã … (key)"):
    the gap kind, the province and system names, values and detail in words."""
    client = login(ds.users.p01)
    query = {"period": "2026-10", "province": "01", "source": "HOTICH"}
    header, rows = csv_table(client.get("/reconciliation/gaps/export.csv", query, HTTP_ACCEPT_LANGUAGE="vi"))
    assert header[:5] == [
        "Kỳ",
        "Tỉnh, thành phố",
        "Mã tỉnh, thành phố (province)",
        "Hệ thống nguồn",
        "Mã hệ thống nguồn (source)",
    ]
    assert header[5:7] == ["Loại sai lệch", "Mã loại sai lệch (kind)"]
    assert "filing_place" not in header and "Mã nơi nộp hồ sơ (filing_place)" in header
    by_header = [dict(zip(header, row, strict=True)) for row in rows]
    kinds = {r["Mã loại sai lệch (kind)"]: r["Loại sai lệch"] for r in by_header}
    assert kinds["missing_on_portal"] == "Thiếu trên Cổng DVCQG"
    assert all(r["Tỉnh, thành phố"] and r["Hệ thống nguồn"] for r in by_header)
    assert not any(re.search(r"\b20\d{12}\b|NgayTiepNhan", r["Chi tiết"]) for r in by_header)
    # The same columns headed by the machine keys for programs, and in English on request.
    codes, _ = csv_table(client.get("/reconciliation/gaps/export.csv", {**query, "headers": "codes"}))
    assert codes[:7] == [
        "period",
        "province_label",
        "province",
        "source_label",
        "source",
        "kind_label",
        "kind",
    ]
    assert len(codes) == len(header)
    english, _ = csv_table(client.get("/reconciliation/gaps/export.csv", query, HTTP_ACCEPT_LANGUAGE="en"))
    assert english[5:7] == ["Gap kind", "Code of gap kind (kind)"]
    assert client.get("/reconciliation/gaps/export.csv", {"headers": "keys"}).status_code == 400
    excel, _ = xlsx_table(client.get("/reconciliation/gaps/export.xlsx", {"period": "2026-10"}))
    assert excel == header


@pytest.mark.parametrize(
    "params",
    [
        {"period": "2026-10"},
        {"period": "2026-10", "province": "01"},
        {"period": "2026-10", "province": "48"},
        {"period": "2026-10", "source": "HOTICH"},
        {"period": "2026-10", "province": "01", "source": "HOTICH", "kind": "missing_on_portal"},
        {"period": "2026-10", "tab": "suspicious"},
        {"period": "2026-09"},
    ],
)
def test_the_gap_list_pinned_by_run_ids_lists_what_the_joined_filter_lists(ds, params):
    """``gap_list`` selects a month's gaps by ``run_id IN (…)`` (index order on PostgreSQL): the same
    rows, in the same order, as the plain filter over the user's visible gaps — for every user."""
    from django.http import QueryDict

    from reconciliation.api.filters import GapFilter, gap_list
    from reconciliation.models import Gap

    query = QueryDict(mutable=True)
    query.update(params)
    for user in (ds.users.p01, ds.users.p48, ds.users.btp, ds.users.admin):
        _, rows = gap_list(user, query)
        joined = GapFilter(query, queryset=Gap.objects.visible_to(user)).qs.order_by(
            "run_id", "kind", "dossier_code"
        )
        assert list(rows.values_list("pk", flat=True)) == list(joined.values_list("pk", flat=True))
        if joined.exists():
            assert " IN (" in str(rows.query)  # pinned by ids


def test_the_matrix_is_cached_until_a_run_of_the_month_changes(ds):
    """The rendered matrix is kept per viewer and month; a new or re-run reconciliation (its finish
    time) shows at once."""
    from datetime import timedelta

    from reconciliation.models import ReconciliationRun

    client = login(ds.users.p01)
    run = ReconciliationRun.objects.get(period="2026-10", province__code="01", source__code="HOTICH")
    first = client.get(MATRIX, {"period": "2026-10"}).content.decode()
    assert ": 9 / 16" in first  # HOTICH: 9 of 16 dossiers with a gap
    ReconciliationRun.objects.filter(pk=run.pk).update(gap_dossiers=0)  # behind the page's back
    assert ": 9 / 16" in client.get(MATRIX, {"period": "2026-10"}).content.decode()  # cached
    ReconciliationRun.objects.filter(pk=run.pk).update(finished_at=run.finished_at + timedelta(minutes=1))
    again = client.get(MATRIX, {"period": "2026-10"}).content.decode()
    assert ": 9 / 16" not in again and ": 0 / 16" in again


def test_counts_read_as_counts_not_as_statuses(ds):
    """A progress_missing gap compares numbers of steps and a not_synced gap numbers of dossiers:
    "3" there is three steps, not status 3 ("Không được tiếp nhận"). Page, export and evidence alike."""
    from reconciliation.labels import value_label
    from reconciliation.models import Gap

    with translation.override("vi"):
        assert value_label("3", "progress_missing") == "3 bước"
        assert value_label("4", "not_synced") == "4 hồ sơ"
        assert value_label("4", "status_differs").startswith("4 – ")
        assert value_label("1", "progress_missing") == "1 bước"
    client = login(ds.users.p01)
    query = {"period": "2026-10", "province": "01", "source": "DKDN"}
    synced = Gap.objects.get(run__source__code="DKDN", kind="not_synced")
    assert (synced.source_value, synced.portal_value) == ("4", "1")
    html = client.get(GAPS, query, HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "<td>4 hồ sơ</td><td>1 hồ sơ</td>" in html
    header, rows = csv_table(client.get("/reconciliation/gaps/export.csv", query, HTTP_ACCEPT_LANGUAGE="vi"))
    (row,) = [dict(zip(header, r, strict=True)) for r in rows if "not_synced" in r]
    assert (row["Giá trị tại hệ thống nguồn"], row["Giá trị gốc tại hệ thống nguồn (source_value)"]) == (
        "4 hồ sơ",
        "4",
    )
    assert (row["Giá trị trên Cổng DVCQG"], row["Giá trị gốc trên Cổng (portal_value)"]) == ("1 hồ sơ", "1")
    progress = Gap.objects.get(run__source__code="HOTICH", kind="progress_missing")
    html = client.get(GAPS, {**query, "source": "HOTICH"}, HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert f"<td>{progress.source_value} bước</td><td>{progress.portal_value} bước</td>" in html


def test_an_empty_matrix_says_why_and_what_next(ds):
    """An empty month points at the latest month with results; a scope that reaches no province and
    owns no system (a supervising body's department, say) is told which role would show them all."""
    from accounts.models import Role, User
    from accounts.services import cli_actor, grant_role

    english = {"HTTP_ACCEPT_LANGUAGE": "en"}
    html = login(ds.users.p01).get(MATRIX, {"period": "2025-01"}, **english).content.decode()
    assert "The latest month with results in your scope is 10/2026" in html
    assert f'href="?period={data.PERIOD}"' in html

    supervisor = User.objects.create_user("supervisor")
    grant_role(cli_actor(), supervisor, ds.agencies["VPCP"], Role.OFFICER)
    response = login(supervisor).get(MATRIX, {"period": str(data.PERIOD)}, **english)
    html = response.content.decode()
    assert response.context["matrix"].empty
    assert "your roles reach neither" in html and "a viewer role on Agency CP" in html
    assert "The latest month" not in html

    grant_role(cli_actor(), supervisor, ds.agencies["CP"], Role.VIEWER)
    grid = login(supervisor).get(MATRIX, {"period": str(data.PERIOD)}).context["matrix"]
    assert [row.province.code for row in grid.rows] == ["01", "48"]
