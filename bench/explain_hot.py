"""EXPLAIN the queries behind the hot pages and endpoints, as a province officer and a national
administrator see them, and say which of them scan ``tthc_dossier`` sequentially. Prints JSON.

    DATABASE_URL=postgres://…/tthc_x python bench/explain_hot.py [--analyze] [--province 01]

Each URL is requested through Django's test client; every SELECT it ran that reads ``tthc_dossier``
is explained (``EXPLAIN (FORMAT JSON)``; with ``--analyze``, ``ANALYZE, BUFFERS`` too — it runs the
query again). tests/tthc/test_hot_query_plans.py keeps the same check on a small loaded table.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def hot_urls(province: str, month: str, dossier_code: str) -> list[str]:
    """The lists, details, indicators, runs and gaps the load test hits most."""
    return [
        "/api/v1/dossiers/",
        "/api/v1/dossiers/?status=4",
        "/api/v1/dossiers/?status=3",
        "/api/v1/dossiers/?overdue=true",
        "/api/v1/dossiers/?open=true",
        "/api/v1/dossiers/?received=false",
        f"/api/v1/dossiers/?receiving_agency_subtree={province}",
        f"/api/v1/dossiers/{dossier_code}/",
        f"/api/v1/reconciliation/gaps/?period={month}&province={province}",
        f"/reconciliation/gaps/?period={month}&province={province}",
        f"/indicators/{province}/",
    ]


def _nodes(plan: dict):
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


def seq_scans(plan: dict, table: str = "tthc_dossier") -> list[str]:
    """The sequential scans of ``table`` anywhere in a JSON plan."""
    return [
        n["Node Type"]
        for n in _nodes(plan)
        if n.get("Relation Name") == table and "Seq Scan" in n["Node Type"]
    ]


def explain_url(client, url: str, analyze: bool = False) -> list[dict]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    out = []
    for query in captured.captured_queries:
        sql = query["sql"]
        if not sql.lstrip().upper().startswith("SELECT") or "tthc_dossier" not in sql:
            continue
        options = "ANALYZE, BUFFERS, FORMAT JSON" if analyze else "FORMAT JSON"
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN ({options}) {sql}")
            raw = cursor.fetchone()[0]
        plan = (json.loads(raw) if isinstance(raw, str) else raw)[0]
        out.append(
            {
                "status": response.status_code,
                "sql": sql[:300],
                "seq_scans": seq_scans(plan["Plan"]),
                "cost": plan["Plan"]["Total Cost"],
                "ms": plan.get("Execution Time"),
            }
        )
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--province", default="01")
    parser.add_argument("--analyze", action="store_true")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    import django

    django.setup()
    from django.test import Client

    from accounts.models import Role, RoleAssignment, User
    from tthc.models import Agency, Dossier
    from tthc.periods import Period

    province = Agency.objects.get(code=args.province)
    officer, _ = User.objects.get_or_create(username="bench-explain-officer")
    RoleAssignment.objects.get_or_create(user=officer, agency=province, role=Role.OFFICER, revoked_at=None)
    admin, _ = User.objects.get_or_create(username="bench-explain-admin", defaults={"is_superuser": True})
    code = Dossier.objects.filter(receiving_agency__path__startswith=province.path).values_list(
        "code", flat=True
    )[0]
    result = {}
    for who, user in (("province_officer", officer), ("national_admin", admin)):
        client = Client()
        client.force_login(user)
        for url in hot_urls(args.province, str(Period.last_closed()), code):
            result[f"{who} {url}"] = explain_url(client, url, args.analyze)
    print(json.dumps(result, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
