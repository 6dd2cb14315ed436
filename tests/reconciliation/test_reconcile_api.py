"""The runs/gaps API: filters, scoping through the permission gate, constant query count, exports."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook
from rest_framework.test import APIClient

from reconciliation import exports
from reconciliation.models import ReconciliationRun
from reconciliation.services.reconcile import reconcile_period
from tests.exported import GAP_KEYS, csv_table, records, xlsx_table

from . import reconcile_dataset as data

pytestmark = pytest.mark.django_db

RUNS = "/api/v1/reconciliation/runs/"
GAPS = "/api/v1/reconciliation/gaps/"


@pytest.fixture
def ds(db):
    ds = data.build()
    reconcile_period(data.PERIOD)
    ds.users = data.users(ds)
    return ds


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def run_keys(response):
    return {(r["province"], r["source"]) for r in response.json()["results"]}


def gap_keys(response):
    return {(g["source"], g["kind"], g["dossier_code"]) for g in response.json()["results"]}


def test_anonymous_is_refused(ds):
    assert APIClient().get(RUNS).status_code in (401, 403)
    assert APIClient().get(GAPS).status_code in (401, 403)


def test_runs_are_scoped_by_province_and_by_owning_ministry(ds):
    u = ds.users
    assert run_keys(client_for(u.p01).get(RUNS)) == {("01", "DKDN"), ("01", "HOTICH"), ("01", "TINH-01")}
    assert run_keys(client_for(u.p48).get(RUNS)) == {("48", "DKDN"), ("48", "HOTICH"), ("48", "TINH-48")}
    assert run_keys(client_for(u.btp).get(RUNS)) == {("01", "HOTICH"), ("48", "HOTICH")}
    assert run_keys(client_for(u.btc).get(RUNS)) == {("01", "DKDN"), ("48", "DKDN")}
    assert len(client_for(u.admin).get(RUNS).json()["results"]) == 6


def test_run_detail_outside_scope_is_404(ds):
    run48 = ReconciliationRun.objects.get(province__code="48", source__code="TINH-48")
    run01 = ReconciliationRun.objects.get(province__code="01", source__code="HOTICH")
    assert client_for(ds.users.p01).get(f"{RUNS}{run48.pk}/").status_code == 404
    assert client_for(ds.users.btp).get(f"{RUNS}{run48.pk}/").status_code == 404
    body = client_for(ds.users.btp).get(f"{RUNS}{run01.pk}/").json()
    assert body["gap_counts"]["missing_on_portal"] == 2 and set(body["gap_counts"]) == {
        "missing_on_portal",
        "missing_at_source",
        "status_differs",
        "finish_differs",
        "due_differs",
        "synced_late",
        "suspicious",
        "not_synced",
        "missing_in_province_system",
        "province_system_differs",
        "progress_missing",
        "result_missing",
    }
    assert body["points_at_stake"] == "1.330" and body["reported_count"] == 20  # the index's DOSSIER_SYNC


def test_run_filters(ds):
    c = client_for(ds.users.admin)
    assert run_keys(c.get(RUNS, {"province": "48"})) == {("48", "DKDN"), ("48", "HOTICH"), ("48", "TINH-48")}
    assert run_keys(c.get(RUNS, {"source": "HOTICH", "period": "2026-10"})) == {
        ("01", "HOTICH"),
        ("48", "HOTICH"),
    }
    assert run_keys(c.get(RUNS, {"period": "2026-09"})) == set()
    assert run_keys(c.get(RUNS, {"source_kind": "provincial"})) == {("01", "TINH-01"), ("48", "TINH-48")}


def test_gap_filters(ds):
    c = client_for(ds.users.p01)
    query = {"period": "2026-10", "province": "01"}
    assert gap_keys(c.get(GAPS, {**query, "page_size": 500})) == data.EXPECTED
    assert gap_keys(c.get(GAPS, {**query, "source": "HOTICH", "kind": "missing_on_portal"})) == {
        ("HOTICH", "missing_on_portal", "H-MOP"),
        ("HOTICH", "missing_on_portal", "H-OCT1"),
    }
    assert gap_keys(c.get(GAPS, {**query, "kind": ["missing_at_source", "due_differs"]})) == {
        ("HOTICH", "missing_at_source", "H-MAS"),
        ("HOTICH", "due_differs", "H-DUE"),
        ("TINH-01", "missing_at_source", "L-MAS"),
    }
    assert gap_keys(c.get(GAPS, {"procedure": "DK1"})) == {
        ("DKDN", "missing_on_portal", "D-MOP"),
        ("DKDN", "missing_on_portal", "D-MOP2"),
    }
    assert c.get(GAPS, {"kind": "nonsense"}).status_code == 400


def test_gap_scoping(ds):
    u = ds.users
    # Another province: nothing, whatever the filter says.
    assert gap_keys(client_for(u.p48).get(GAPS, {"province": "01"})) == set()
    # A ministry sees its systems' gaps in every province, and only those.
    btp = gap_keys(client_for(u.btp).get(GAPS, {"page_size": 500}))
    assert btp == {k for k in data.EXPECTED if k[0] == "HOTICH"} | {
        ("HOTICH", "missing_on_portal", "X48-MOP"),
        ("HOTICH", "missing_at_source", "X48-MAS"),
    }
    assert gap_keys(client_for(u.btc).get(GAPS, {"source": "HOTICH"})) == set()
    gap48 = client_for(u.admin).get(GAPS, {"province": "48", "source": "TINH-48"}).json()["results"][0]
    assert client_for(u.p01).get(f"{GAPS}{gap48['id']}/").status_code == 404
    assert client_for(u.p48).get(f"{GAPS}{gap48['id']}/").status_code == 200


def test_list_query_count_is_constant(ds):
    c = client_for(ds.users.p01)
    c.get(GAPS)  # the gate resolves the user's scope once per user object
    counts = []
    for size in (1, 50):
        with CaptureQueriesContext(connection) as ctx:
            response = c.get(GAPS, {"page_size": size})
        assert response.status_code == 200
        counts.append(len(ctx))
    assert counts[0] == counts[1]
    with CaptureQueriesContext(connection) as ctx:
        c.get(RUNS, {"page_size": 1})
    small = len(ctx)
    with CaptureQueriesContext(connection) as ctx:
        c.get(RUNS, {"page_size": 50})
    assert len(ctx) == small


def _csv_rows(response):
    header, rows = csv_table(response)
    assert header == exports.writer.header_row(exports.columns(), "codes")  # stable for programs
    return records(header, rows)


def _json_rows(response):
    return [tuple(str(g[k]) for k in GAP_KEYS) for g in response.json()["results"]]


def test_csv_and_excel_exports_match_the_list(ds):
    c = client_for(ds.users.p01)
    query = {"period": "2026-10", "province": "01", "source": "HOTICH"}
    listed = _json_rows(c.get(GAPS, {**query, "page_size": 500}))
    assert len(listed) == 15  # 14 dossiers + the not_synced row
    response = c.get(GAPS, {**query, "format": "csv", "headers": "codes"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert 'filename="gaps-2026-10-01-HOTICH.csv"' in response["Content-Disposition"]
    assert _csv_rows(response) == listed

    response = c.get(GAPS, {**query, "format": "xlsx", "headers": "codes"})
    assert response.status_code == 200
    assert records(*xlsx_table(response)) == listed
    # By default the headers are in words (the request's language, Vietnamese unless asked).
    words, _ = csv_table(c.get(GAPS, {**query, "format": "csv"}))
    assert "Mã loại sai lệch (kind)" in words and "kind" not in words
    assert c.get(GAPS, {**query, "format": "csv", "headers": "nope"}).status_code == 400


def test_export_is_scoped_too(ds):
    response = client_for(ds.users.p48).get(GAPS, {"province": "01", "format": "csv", "headers": "codes"})
    assert _csv_rows(response) == []


def test_excel_export_is_bounded(ds, settings):
    settings.TTHC_EXPORT_XLSX_MAX_ROWS = 3
    response = client_for(ds.users.p01).get(GAPS, {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 4 and "3" in str(rows[-1][0])
