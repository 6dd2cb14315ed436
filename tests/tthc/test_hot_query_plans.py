"""The hot queries' plans on PostgreSQL: none of them reads the whole dossier table.

60,000 dossiers shaped like the portal's (nine in ten returned, a few refused without a receipt
date, one in a hundred in processing, a share still open) are loaded with one ``INSERT … SELECT``
and ANALYZEd; then every SELECT on ``tthc_dossier`` behind the lists (each filter), the detail and
the indicators' month window is run under ``EXPLAIN (ANALYZE, FORMAT JSON)``. A sequential scan of
``tthc_dossier`` fails the test when it reads more than a quarter of the table: one that stops early
under the capped count's LIMIT (a dense filter) is fine, one that reads every row — the ordering
that put the never-received first, the status filter without an index — is what this test catches.
No timings: the rows a scan reads are the measure. bench/explain_hot.py prints the same for a big
database.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Role, RoleAssignment, User
from tests.factories import ProcedureFactory, commune, ministry, province
from tthc.models import Dossier
from tthc.periods import Period

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

ROWS = 60_000

FILL = """
WITH rcv AS (SELECT array_agg(id ORDER BY id) AS ids FROM tthc_agency WHERE kind = 'commune'),
     prc AS (SELECT array_agg(id ORDER BY id) AS ids FROM tthc_procedure)
INSERT INTO tthc_dossier (code, procedure_id, receiving_agency_id, handling_unit, handling_officer, channel,
    applicant_kind, applicant_name, summary, status, submitted_at, received_at, due_at, finished_at,
    has_digitised_components, has_electronic_result, data_reused, linked_personal_store, population_data_used,
    payment_kind, fee_amount, has_complaint, supplement_count, paused_duration, state_source,
    created_at, updated_at)
SELECT 'HQ-' || g, prc.ids[1 + g %% cardinality(prc.ids)], rcv.ids[1 + (g * 7) %% cardinality(rcv.ids)],
       '', '', 1 + g %% 3, 1, '', '', s.status, t.at,
       CASE WHEN s.status = 3 THEN NULL ELSE t.at END,
       CASE WHEN s.status = 3 THEN NULL ELSE t.at + interval '7 days' END,
       CASE WHEN s.status IN (9, 10) THEN t.at + ((g %% 11) * interval '1 day') END,
       false, false, false, false, false, 0, 0, false, (g %% 97 = 0)::int * 2, interval '0', '', now(), now()
FROM generate_series(1, %(rows)s) AS g CROSS JOIN rcv CROSS JOIN prc
CROSS JOIN LATERAL (SELECT %(start)s::timestamptz + (g %% 720) * interval '1 day'
                           + (g %% 600) * interval '1 minute' AS at) t
CROSS JOIN LATERAL (SELECT CASE WHEN g %% 100 = 0 THEN 4 WHEN g %% 100 = 1 THEN 3 WHEN g %% 100 = 2 THEN 5
                                WHEN g %% 100 < 6 THEN 2 WHEN g %% 100 < 12 THEN 9 ELSE 10 END AS status) s
"""


def _nodes(plan):
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


def _plan(sql: str, params=None, *, analyze: bool = True) -> dict:
    """The statement's plan (``EXPLAIN (FORMAT JSON)``, run with ``ANALYZE`` unless told not to)."""
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN ({'ANALYZE, ' if analyze else ''}FORMAT JSON) {sql}", params)
        raw = cursor.fetchone()[0]
    return (json.loads(raw) if isinstance(raw, str) else raw)[0]["Plan"]


def _full_scans(sql: str, params=None) -> list[str]:
    """Sequential scans of tthc_dossier reading more than a quarter of the table (actual rows)."""
    plan = _plan(sql, params)
    found = []
    for node in _nodes(plan):
        if node.get("Relation Name") == "tthc_dossier" and "Seq Scan" in node["Node Type"]:
            read = (node["Actual Rows"] + node.get("Rows Removed by Filter", 0)) * node["Actual Loops"]
            if read > ROWS // 4:
                found.append(f"{node['Node Type']} read {read} rows")
    return found


@pytest.fixture
def loaded(settings):
    settings.API_COUNT_CAP = 1_000  # a dense filter's capped count stops after ~cap rows, far below ROWS/4
    central = ministry()
    provinces = [province("01"), province("48", "Thành phố Đà Nẵng")]
    communes = [commune(p) for p in provinces for _ in range(20)]
    for _ in range(30):
        ProcedureFactory(ministry=central)
    # Two years of receipts whose last 20 days fall in the last closed month (the indicators' window).
    start = Period.last_closed().start - timedelta(days=700)
    with connection.cursor() as cursor:
        cursor.execute(FILL, {"rows": ROWS, "start": start})
        cursor.execute("ANALYZE tthc_dossier")
        cursor.execute("ANALYZE tthc_agency")
    officer = User.objects.create(username="plan-officer")
    RoleAssignment.objects.create(user=officer, agency=provinces[0], role=Role.OFFICER)
    admin = User.objects.create(username="plan-admin", is_superuser=True)
    return {
        "officer": officer,
        "admin": admin,
        "province": provinces[0],
        "commune": communes[0],
        "communes": communes,
    }


URLS = [
    "/api/v1/dossiers/",
    "/api/v1/dossiers/?status=4",
    "/api/v1/dossiers/?status=3",
    "/api/v1/dossiers/?status=5&status=2",
    "/api/v1/dossiers/?received=false",
    "/api/v1/dossiers/?open=true",
    "/api/v1/dossiers/?overdue=true",
    "/api/v1/dossiers/?receiving_agency_subtree={province}",
    "/api/v1/dossiers/?receiving_agency={commune}",
    "/api/v1/dossiers/{code}/",
]


def test_hot_dossier_queries_never_scan_the_whole_table(loaded):
    assert Dossier.objects.count() == ROWS
    code = Dossier.objects.filter(receiving_agency=loaded["commune"]).values_list("code", flat=True)[0]
    failures, explained = [], 0
    for who in ("officer", "admin"):
        client = APIClient()
        client.force_authenticate(loaded[who])
        for template in URLS:
            url = template.format(province=loaded["province"].code, commune=loaded["commune"].code, code=code)
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url)
            assert response.status_code == 200, (who, url, response.status_code)
            for query in captured.captured_queries:
                sql = query["sql"]
                if sql.lstrip().upper().startswith("SELECT") and "tthc_dossier" in sql:
                    explained += 1
                    failures += [f"{who} {url}: {scan}\n  {sql[:400]}" for scan in _full_scans(sql)]
    assert explained >= 2 * len(URLS)  # every request read dossiers (a list also counts)
    assert not failures, "\n".join(failures)


def test_list_order_puts_never_received_last_and_follows_the_index(loaded):
    client = APIClient()
    client.force_authenticate(loaded["admin"])
    first = client.get("/api/v1/dossiers/?page_size=500").json()["results"]
    assert all(row["received_at"] for row in first)
    stamps = [row["received_at"] for row in first]
    assert stamps == sorted(stamps, reverse=True)
    refused = client.get("/api/v1/dossiers/?received=false").json()
    assert refused["count"] == ROWS // 100 and all(row["received_at"] is None for row in refused["results"])
    sql, params = Dossier.objects.newest_first().values("id")[:50].query.sql_with_params()
    plan = _plan(sql, params, analyze=False)
    nodes = list(_nodes(plan))
    assert not any(n["Node Type"] in ("Sort", "Incremental Sort") for n in nodes), "the order needs a sort"
    assert any(n.get("Index Name") == "dossier_received_desc" for n in nodes)


def test_indicator_month_window_reads_only_the_month_and_the_open(loaded):
    from indicators.definitions.base import Window
    from indicators.definitions.filters import dossier_window

    window = Window.of(Period.last_closed(), timezone.now())
    sql, params = Dossier.objects.filter(dossier_window(window)).values("id").query.sql_with_params()
    assert _full_scans(sql, params) == []


def test_the_dashboards_dossiers_at_risk_read_the_provinces_open_dossiers_only(loaded):
    """The early warning (open dossiers of the province due within days): through the open dossiers'
    (agency, due date) index, never the province's whole history (at 85 M dossiers the (agency,
    time) index handed 4.3 million entries to a bitmap intersection: 250 ms; 7 ms with this one)."""
    from indicators.services import warning

    # Elsewhere in the country, many open dossiers fall due in the same days: the national due-date
    # index alone would read them all to keep this province's few.
    other = [a for a in loaded["communes"] if a.parent_id != loaded["province"].pk]
    soon = timezone.now() + timedelta(hours=20)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO tthc_dossier (code, procedure_id, receiving_agency_id, handling_unit, handling_officer, "
            "channel, applicant_kind, applicant_name, summary, status, submitted_at, received_at, due_at, "
            "has_digitised_components, has_electronic_result, data_reused, linked_personal_store, "
            "population_data_used, payment_kind, fee_amount, has_complaint, supplement_count, paused_duration, "
            "state_source, created_at, updated_at) "
            "SELECT 'SOON-' || g, (SELECT min(id) FROM tthc_procedure), (%s::bigint[])[1 + g %% %s], '', '', 1, 1, "
            "'', '', 4, now(), now(), %s, false, false, false, false, false, 0, 0, false, 0, interval '0', '', "
            "now(), now() FROM generate_series(1, 20000) g",
            [[a.pk for a in other], len(other), soon],
        )
        cursor.execute("ANALYZE tthc_dossier")
    sql, params = warning.at_risk(loaded["province"]).values("id").query.sql_with_params()
    plan = _plan(sql, params, analyze=False)
    indexes = {n.get("Index Name") for n in _nodes(plan)} - {None}
    assert "dossier_open_agency_due" in indexes, indexes
    assert "dossier_recv_agency_time" not in indexes, indexes
    assert _full_scans(sql, params) == []


def _rows_read(sql: str) -> int:
    """Rows of tthc_dossier the statement's scans read (returned, filtered out or rechecked away)."""
    read = 0
    for node in _nodes(_plan(sql)):
        if node.get("Relation Name") == "tthc_dossier":
            rows = node["Actual Rows"] + node.get("Rows Removed by Filter", 0)
            read += (rows + node.get("Rows Removed by Index Recheck", 0)) * node["Actual Loops"]
    return read


def test_one_provinces_index_counts_read_its_month_and_carry_over_only(loaded):
    """A reconciliation run's points at stake count one province's dossiers of the month and its
    carry-over (``collect(…, restrict=True)``). Read as one window, PostgreSQL scanned the table or
    the province's whole history (0.8-1.1 s at 10 M dossiers, growing with the years); in three
    index ranges (the (agency, received) and (agency, finished) indexes, the open dossiers') it
    reads about the window's rows."""
    from indicators.definitions import get
    from indicators.definitions.base import PROVINCE, Window
    from indicators.definitions.filters import dossier_window
    from indicators.services.measures import collect

    prov = loaded["province"]
    window = Window.of(Period.last_closed(), timezone.now())
    in_window = Dossier.objects.filter(dossier_window(window), receiving_agency__ranked_agency=prov).count()
    history = Dossier.objects.filter(receiving_agency__ranked_agency=prov).count()
    assert 0 < 3 * in_window < history  # the fixture's window is a small share of the province
    with CaptureQueriesContext(connection) as captured:
        counts = collect(get("2026"), window, {PROVINCE: [prov.pk]}, restrict=True)
    assert any(n for comp in counts[prov.pk].values() for n in comp.values())
    statements = [q["sql"] for q in captured.captured_queries if 'FROM "tthc_dossier"' in q["sql"]]
    assert statements
    read = sum(_rows_read(sql) for sql in statements)
    assert read <= 1.5 * in_window + 100, (read, in_window, history)


def test_a_scope_without_dossiers_is_told_so_without_reading_the_table(loaded):
    """The late-units page asks, when a month lists nothing, whether the user's scope holds any dossier
    at all: for a supervising department (no dossier received, handled or owned) that EXISTS must be
    index lookups that find nothing, not a scan of every dossier hoping for an early match."""
    from tests.factories import AgencyFactory
    from tthc.models import AgencyKind

    department = AgencyFactory(code="BTP-KSTT", kind=AgencyKind.UNIT, parent=None)
    supervisor = User.objects.create(username="plan-supervisor")
    RoleAssignment.objects.create(user=supervisor, agency=department, role=Role.OFFICER)
    sql, params = Dossier.objects.visible_to(supervisor).order_by().values("id")[:1].query.sql_with_params()
    plan = _plan(sql, params)
    assert not any(
        n.get("Relation Name") == "tthc_dossier" and "Seq Scan" in n["Node Type"] for n in _nodes(plan)
    ), json.dumps(plan)[:2000]
    assert not Dossier.objects.visible_to(supervisor).exists()
    officer_has = Dossier.objects.visible_to(loaded["officer"]).order_by().values("id")[:1]
    assert _full_scans(*officer_has.query.sql_with_params()) == []
