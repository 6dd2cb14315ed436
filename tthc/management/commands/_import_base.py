"""Shared plumbing for the reference-data import commands."""

import json

from django.core.management.base import BaseCommand, CommandError

from tthc.services.imports import ImportFileError, ImportReport


class ImportCommand(BaseCommand):
    """Runs one import service on a CSV file and prints its report.

    Exit status: 0 when every row was stored, 1 when some rows were rejected (the valid rows are
    stored all the same), and a CommandError when the file itself cannot be read.
    """

    service = None  # set by subclasses: callable(path) -> ImportReport

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV file (UTF-8, header row)")
        parser.add_argument("--json", action="store_true", help="print the report as JSON")

    def handle(self, *args, file, json: bool = False, **options):
        try:
            report: ImportReport = type(self).service(file)
        except ImportFileError as exc:
            raise CommandError(f"{file}: {exc}", returncode=2) from exc
        except FileNotFoundError as exc:
            raise CommandError(f"{file}: file not found", returncode=2) from exc
        if json:
            self.stdout.write(_dumps(report.as_dict()))
        else:
            self.stdout.write(
                f"created {report.created}, updated {report.updated}, unchanged {report.unchanged}, "
                f"rejected {report.rejected}"
            )
            for error in report.errors:
                self.stderr.write(f"{file}: {error}")
        if report.errors:
            raise SystemExit(1)


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
