"""Benchmark the documents: the monthly report of the largest province and a national report.

    python bench/documents.py [--database-url URL] [--period YYYY-MM] [--province CODE] [--pages 50]

Against a seeded database (``seed_demo --dossiers N``; the default DATABASE_URL), renders as the
national administrator, exactly as the worker does (``reports.services.render.render``):

- ``monthly_report`` of the province with the most dossiers received in the period (or ``--province``);
- ``national_report`` of the period — the matrix, the rankings and a section per province. When it
  has fewer than ``--pages`` pages, the bench also renders it with extra province sections
  (``national_report_padded``: as many as the missing pages need), so that a figure is that of a
  national report of at least that length whatever the demo's number of systems.

For each: seconds (building the context: the queries; typesetting: WeasyPrint), this process's CPU
seconds (on a shared machine the wall time says little), pages, bytes and the
peak memory of the process (``ru_maxrss``, which only grows: the national report is rendered second).
Prints one JSON object. The load average before and after tells whether the machine was shared.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--period", help="YYYY-MM (default: the last closed month)")
    parser.add_argument("--province", help="province code (default: the one with most dossiers)")
    parser.add_argument("--pages", type=int, default=50, help="national report length to measure")
    args = parser.parse_args(argv)
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from _busiest import busiest_ranked_agency
    from django.db import connection
    from django.test.utils import override_settings
    from django.utils import translation

    from accounts.services.users import cli_actor
    from reports.services import render
    from reports.services.pdf import render_pdf
    from reports.services.targets import resolve
    from tthc.models import Dossier
    from tthc.periods import Period

    period = Period.parse(args.period) if args.period else Period.last_closed()
    actor = cli_actor()
    load_before = os.getloadavg()[0]
    result: dict = {
        "database": connection.vendor,
        "period": str(period),
        "dossiers_total": Dossier.objects.count(),
    }

    province = args.province or busiest_ranked_agency(period) or "01"
    result["province"] = province
    result["province_dossiers_in_period"] = Dossier.objects.filter(
        receiving_agency__ranked_agency__code=province,
        received_at__gte=period.start,
        received_at__lt=period.end,
    ).count()

    def cpu() -> float:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime

    def measure(kind: str, params: dict, extra_sections: int = 0) -> dict:
        started, cpu_started = time.perf_counter(), cpu()
        target = resolve(kind, {**params, "period": str(period)}, actor)
        with translation.override("vi"):
            context = render.KINDS[kind].build(target)
            if extra_sections:
                sections = context["per_province"]
                context["per_province"] = sections + (sections * extra_sections)[:extra_sections]
            built = time.perf_counter()
            with override_settings(TTHC_DOCUMENT_MAX_PAGES=0):
                rendered = render_pdf(render.KINDS[kind].template, context)
        done = time.perf_counter()
        return {
            "seconds": round(done - started, 2),
            "context_seconds": round(built - started, 2),
            "typeset_seconds": round(done - built, 2),
            "cpu_seconds": round(cpu() - cpu_started, 2),  # this process only (not the database's)
            "pages": rendered.pages,
            "bytes": len(rendered.content),
            "peak_memory_mb": peak_mb(),
            "sections": len(context.get("per_province", ())),
        }

    result["monthly_report"] = measure("monthly_report", {"agency": province})
    national = measure("national_report", {})
    result["national_report"] = national
    if national["pages"] and national["pages"] < args.pages:
        # Too short for the size asked: add province sections (as many as the missing pages need,
        # at the natural report's pages per section) and measure that one too.
        per_section = max(national["pages"] / max(national["sections"], 1), 0.5)
        extra = int(-(-(args.pages - national["pages"]) // per_section))
        result["national_report_padded"] = {"extra_sections": extra, **measure("national_report", {}, extra)}
    result["load_average_1m"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
