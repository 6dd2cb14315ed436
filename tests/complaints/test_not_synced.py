"""Issue 12: ministries that do not sync at all. Reported counts (file or API) against an empty portal
become a ``not_synced`` gap, which drafts a request of its own wording."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from rest_framework.test import APIClient

from complaints.services.letters import letter_content
from complaints.services.preparation import prepare_requests
from reconciliation.models import Gap, ReconciliationRun, ReportedCount, SourceKind, SourceSystem
from reconciliation.services.reconcile import reconcile_period
from reconciliation.services.sources import create_source_system
from tests.factories import ProcedureFactory

PERIOD = "2026-08"


@pytest.fixture
def setup(world):
    SourceSystem.objects.create(
        code="DVCQG", name="Cổng DVCQG", kind=SourceKind.PORTAL, owner=world.a["VPCP"]
    )
    reporting, token = create_source_system("BCQG", "Hệ thống báo cáo", "reporting", "VPCP")
    ProcedureFactory(code="HT9", ministry=world.a["BTP"], central_system="HTDT")
    return reporting, token


def write(tmp_path, text):
    path = tmp_path / "counts.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_fifty_reported_none_on_the_portal_is_a_not_synced_gap_and_a_draft(setup, world, tmp_path):
    out = StringIO()
    call_command(
        "import_reported_counts",
        write(tmp_path, "period,agency_code,system_code,received\n2026-08,01,HTDT,50\n"),
        "--json",
        stdout=out,
    )
    assert json.loads(out.getvalue()) == {"created": 1, "updated": 0, "unchanged": 0, "errors": []}
    reconcile_period(PERIOD, "01")
    run = ReconciliationRun.objects.get(period=PERIOD, province=world.a["01"], source=world.system)
    assert run.gap_counts["not_synced"] == 50 and run.total_gaps == 50
    gap = Gap.objects.get(run=run)
    assert (gap.kind, gap.dossier_code, gap.source_value, gap.portal_value) == (
        "not_synced",
        "NOT_SYNCED:01",
        "50",
        "0",
    )
    (case,) = prepare_requests(PERIOD)
    assert case.ministry.code == "BTP" and case.gap_counts == {"not_synced": 50}
    assert [s.source.code for s in case.systems.all()] == ["HTDT"]
    assert case.systems.get().reported_count == 50
    content = letter_content(case)
    assert content["kind"] == "not_synced"
    assert "chưa thực hiện kết nối" in " ".join(content["paragraphs"])
    # The matrix shows the shortfall in the system's cell.
    from django.test import Client

    client = Client()
    client.force_login(world.u["province_officer"])
    html = client.get("/reconciliation/matrix/", {"period": PERIOD}).content.decode()
    assert 'class="not-synced"' in html and "∅ 50" in html
    # The DOSSIER_SYNC component prices the 50 dossiers the portal lacks.
    assert case.points_at_stake > 0 and "DOSSIER_SYNC" in case.points_breakdown


def test_below_the_threshold_nothing_is_recorded(setup, world, tmp_path, settings):
    settings.TTHC_NOT_SYNCED_THRESHOLD = 50
    call_command(
        "import_reported_counts",
        write(tmp_path, "period,agency_code,system_code,received\n2026-08,01,HTDT,50\n"),
        stdout=StringIO(),
    )
    reconcile_period(PERIOD, "01")
    assert not Gap.objects.filter(kind="not_synced").exists()


def test_import_is_idempotent_and_names_row_and_column(setup, world, tmp_path):
    path = write(tmp_path, "period,agency_code,system_code,received\n2026-08,01,HTDT,50\n2026-08,01-C1,,7\n")
    call_command("import_reported_counts", path, stdout=StringIO())
    out = StringIO()
    call_command("import_reported_counts", path, "--json", stdout=out)
    assert json.loads(out.getvalue())["unchanged"] == 2
    assert ReportedCount.objects.count() == 2
    bad = write(
        tmp_path,
        "period,agency_code,system_code,received\n2026-13,01,HTDT,5\n2026-08,ZZ,HTDT,5\n2026-08,01,NOPE,x\n",
    )
    err = StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_reported_counts", bad, stdout=StringIO(), stderr=err)
    text = err.getvalue()
    assert "row 2, column period" in text and "row 3, column agency_code" in text
    assert "row 4, column system_code" in text and "row 4, column received" in text
    assert ReportedCount.objects.count() == 2
    with pytest.raises(CommandError, match="missing column"):
        call_command("import_reported_counts", write(tmp_path, "period,received\n"), stdout=StringIO())


def test_the_api_takes_counts_from_a_reporting_system_only(setup, world):
    _reporting, token = setup
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    body = {"counts": [{"period": PERIOD, "agency_code": "01", "system_code": "HTDT", "received": 50}]}
    response = api.post("/api/v1/reported-counts/", body, format="json")
    assert response.status_code == 200 and response.json()["created"] == 1
    again = api.post("/api/v1/reported-counts/", body, format="json")
    assert again.json()["unchanged"] == 1
    bad = api.post(
        "/api/v1/reported-counts/",
        {"counts": [{"period": PERIOD, "agency_code": "01", "system_code": "HTDT", "received": -1}]},
        format="json",
    )
    assert bad.status_code == 400 and bad.json()["errors"][0] == {
        "row": 1,
        "column": "received",
        "error": "not a whole number ≥ 0: -1",
    }
    _system, other = create_source_system("HN-X", "Hệ thống tỉnh", "provincial", "01")
    api.credentials(HTTP_AUTHORIZATION=f"Token {other}")
    assert api.post("/api/v1/reported-counts/", body, format="json").status_code == 403
    people = APIClient()
    people.force_authenticate(world.u["province_officer"])
    assert people.post("/api/v1/reported-counts/", body, format="json").status_code in (401, 403)
