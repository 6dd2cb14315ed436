"""``manage.py import_reported_counts FILE.csv [--source CODE] [--json]``: the province's own monthly
counts per agency and system (``period,agency_code,system_code,received``)."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reconciliation.services.reported import ReportedCountError, import_counts, read_csv, reporting_system


class Command(BaseCommand):
    help = "Import reported dossier counts (period,agency_code,system_code,received); idempotent upsert."

    def add_arguments(self, parser):
        parser.add_argument(
            "file", help="CSV file (UTF-8) with the columns period,agency_code,system_code,received"
        )
        parser.add_argument("--source", help="reporting system to store under (default: the active one)")
        parser.add_argument("--json", action="store_true", help="print the result as JSON")

    def handle(self, *args, file, source=None, **options):
        try:
            text = Path(file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"{file}: {exc}") from None
        try:
            result = import_counts(read_csv(text), reporting_system(source))
        except ReportedCountError as exc:
            raise CommandError(f"{file}: {exc}") from None
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
        else:
            for e in result.errors:
                self.stderr.write(f"{file}: row {e['row']}, column {e['column']}: {e['error']}")
            self.stdout.write(
                f"created {result.created}, updated {result.updated}, unchanged {result.unchanged}"
            )
        if result.errors:
            raise CommandError(f"{len(result.errors)} error(s): nothing was imported")
