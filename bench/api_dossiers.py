"""Benchmark ``GET /api/v1/dossiers/`` as a scoped province officer vs a national administrator.

    python bench/api_dossiers.py --database-url postgres://postgres@127.0.0.1:5432/tthc \
        [--requests 50] [--min-dossiers 1000000] [--seed-missing]

Needs a database that already holds the dossiers (``python manage.py seed_demo --dossiers 1000000``;
``--seed-missing`` runs it for you). Requests go through Django's test client in-process, so the
figures are the application's own time (gate, filters, serialisation, SQL) without a web server.
The script creates two benchmark accounts through the delegation service (idempotent):
``bench.province.officer`` (officer of Hà Nội, code 01, with its communes and units) and
``bench.national.admin``. It EXPLAINs the scoped page and count queries once and reports whether
they use index scans. Prints one JSON object::

    {"dossiers": 1000000, "requests": 60, "scoped": {"p50_ms": …, "p95_ms": …, "queries": 9,
     "queries_per_filter": {…}, "queries_constant": true, …}, "national_admin": {…},
     "explain": {"scoped_page_uses_index": true, "scoped_count_uses_index": true, …}}

The list's count is capped at ``API_COUNT_CAP`` (core/pagination.py), so "visible_dossiers" is
counted separately, once. The machine's load average is included: figures from a busy shared
machine are not comparable with an idle one.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROVINCE = "01"
PAGE_SIZE = 50
INDEX_NODES = ("Index Scan", "Index Only Scan", "Bitmap Index Scan")


def setup(database_url: str | None) -> None:
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def bench_users():
    """The two benchmark accounts, created through the delegation service as the command line."""
    from accounts.audit import AuditContext
    from accounts.models import Role, RoleAssignment, User
    from accounts.services import cli_actor, grant_role
    from tthc.models import Agency

    actor, context = cli_actor(), AuditContext(source="bench")
    wanted = [
        ("bench.province.officer", Role.OFFICER, PROVINCE),
        ("bench.national.admin", Role.NATIONAL_ADMIN, "VPCP"),
    ]
    users = []
    for username, role, code in wanted:
        user, _ = User.objects.get_or_create(username=username, defaults={"full_name": username})
        agency = Agency.objects.get(code=code)
        if not RoleAssignment.objects.active().filter(user=user, agency=agency, role=role).exists():
            grant_role(actor, user, agency, role, context=context)
        users.append(User.objects.get(pk=user.pk))
    return users


def urls(now) -> list[str]:
    """Filtered, paginated pages a province's officers open every day."""
    since = (now - timedelta(days=90)).strftime("%Y-%m-%dT%H:%M:%S")
    return [
        f"/api/v1/dossiers/?page=2&page_size={PAGE_SIZE}",
        f"/api/v1/dossiers/?status=4&page=1&page_size={PAGE_SIZE}",
        f"/api/v1/dossiers/?open=true&page=3&page_size={PAGE_SIZE}",
        f"/api/v1/dossiers/?channel=2&received_at_after={since}&page=2&page_size={PAGE_SIZE}",
        f"/api/v1/dossiers/?overdue=true&page=1&page_size={PAGE_SIZE}",
        f"/api/v1/dossiers/?receiving_agency_subtree={PROVINCE}&status=9&status=10&page=5&page_size={PAGE_SIZE}",
    ]


def percentile(values, pct):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def run(user, pages, requests):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(user)
    for url in pages[:2]:  # warm-up: connection, caches
        client.get(url)
    timings, queries = [], {}
    for i in range(requests):
        url = pages[i % len(pages)]
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
        queries.setdefault(url.split("?", 1)[1], set()).add(len(ctx))
    from tthc.models import Dossier

    return {
        "user": user.username,
        "visible_dossiers": Dossier.objects.visible_to(user).count(),
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(percentile(timings, 95), 1),
        "mean_ms": round(statistics.fmean(timings), 1),
        "max_ms": round(max(timings), 1),
        # Queries per request: the same for every request of a filter set, whatever the scope size
        # (the subtree filter resolves its agency codes first, hence two more).
        "queries": max(max(n) for n in queries.values()),
        "queries_per_filter": {f: sorted(n)[0] for f, n in queries.items()},
        "queries_constant": all(len(n) == 1 for n in queries.values()),
    }


def explain(user, url) -> dict:
    """EXPLAIN the scoped page and count queries of ``url`` the way the viewset builds them."""
    from django.db import connection
    from django.http import QueryDict

    from tthc.api.filters import DossierFilter
    from tthc.models import Dossier

    query = QueryDict(url.split("?", 1)[1])
    qs = Dossier.objects.visible_to(user).select_related("procedure", "receiving_agency", "handling_agency")
    qs = DossierFilter(query, queryset=qs.order_by("-received_at", "-pk")).qs
    page = int(query.get("page", 1))
    page_plan = qs[(page - 1) * PAGE_SIZE : page * PAGE_SIZE].explain()
    sql, params = qs.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN SELECT COUNT(*) FROM ({sql}) AS page_count", params)
        count_plan = "\n".join(row[0] for row in cursor.fetchall())
    dossier_table = Dossier._meta.db_table
    return {
        "url": url,
        "scoped_page_uses_index": any(node in page_plan for node in INDEX_NODES),
        "scoped_count_uses_index": any(node in count_plan for node in INDEX_NODES),
        "seq_scan_on_dossiers": f"Seq Scan on {dossier_table}" in page_plan + count_plan,
        "page_plan": page_plan.splitlines()[:12],
        "count_plan": count_plan.splitlines()[:12],
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--requests", type=int, default=60, help="requests per user (default 60)")
    parser.add_argument("--min-dossiers", type=int, default=1_000_000)
    parser.add_argument(
        "--seed-missing", action="store_true", help="run seed_demo up to --min-dossiers first"
    )
    args = parser.parse_args(argv)
    setup(args.database_url)

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from tthc.models import Dossier

    if connection.vendor != "postgresql":
        print(
            "warning: this benchmark is meant for PostgreSQL (--database-url postgres://…)", file=sys.stderr
        )
    call_command("migrate", interactive=False, verbosity=0)
    dossiers = Dossier.objects.count()
    if dossiers < args.min_dossiers:
        if not args.seed_missing:
            print(
                f"The database holds {dossiers} dossiers, fewer than {args.min_dossiers}. Seed it first:\n"
                f"  DATABASE_URL=… python manage.py seed_demo --dossiers {args.min_dossiers}\n"
                "or run this script with --seed-missing.",
                file=sys.stderr,
            )
            return 2
        call_command("seed_demo", dossiers=args.min_dossiers, no_progress=True)
        dossiers = Dossier.objects.count()
    if connection.vendor == "postgresql":  # steady state, as autovacuum leaves a production table
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM (ANALYZE) {Dossier._meta.db_table}")

    scoped_user, national_user = bench_users()
    pages = urls(timezone.now())
    result = {
        "dossiers": dossiers,
        "database": connection.vendor,
        "load_average": round(os.getloadavg()[0], 1),
        "count_cap": settings.API_COUNT_CAP,
        "requests": args.requests,
        "page_size": PAGE_SIZE,
        "filters": [url.split("?", 1)[1] for url in pages],
        "scoped": run(scoped_user, pages, args.requests),
        "national_admin": run(national_user, pages, args.requests),
    }
    if connection.vendor == "postgresql":
        result["explain"] = explain(scoped_user, pages[3])
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
