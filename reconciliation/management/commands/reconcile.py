"""``manage.py reconcile --period YYYY-MM [--province CODE] [--json]``: the monthly reconciliation."""

import json
import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from reconciliation.services.gap_sql import KINDS
from reconciliation.services.reconcile import ReconciliationError, reconcile_period, summary


class Command(BaseCommand):
    help = (
        "Reconcile a month: for each province (or one), compare every ministry centralized system and the "
        "province's own system with the portal's copy, dossier by dossier, and store the runs and gaps. "
        "Safe to run again: each run's results are replaced atomically."
    )

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, metavar="YYYY-MM", help="the month to reconcile")
        parser.add_argument("--province", metavar="CODE", help="only this province (agency code)")
        parser.add_argument("--json", action="store_true", help="print the runs as JSON")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, **options):
        show = not (options["json"] or options["no_progress"]) and sys.stderr.isatty()
        bar = tqdm(unit="run", disable=not show, file=sys.stderr)
        try:
            runs = reconcile_period(options["period"], options["province"], progress=lambda run: bar.update())
        except ReconciliationError as exc:
            raise CommandError(str(exc)) from exc
        finally:
            bar.close()
        result = summary(options["period"], runs)
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False))
            return
        self._table(result)

    def _table(self, result):
        header = ["province", "source", "dossiers", "gap_total", *KINDS]
        rows = [
            [
                r["province"],
                r["source"],
                str(r["dossiers"]),
                str(r["gap_total"]),
                *(str(r["gaps"][k]) for k in KINDS),
            ]
            for r in result["runs"]
        ]
        widths = [
            max(len(h), *(len(row[i]) for row in rows)) if rows else len(h) for i, h in enumerate(header)
        ]
        self.stdout.write(f"Reconciliation {result['period']}: {len(rows)} runs")
        self.stdout.write("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
        for row in rows:
            self.stdout.write("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)))
