"""``manage.py import_feedback FILE.csv|FILE.json [--json]``: citizen feedback, upserted by code."""

from tthc.management.commands._import_base import ImportCommand

from ...services.feedback_import import import_feedback


class Command(ImportCommand):
    help = "Import citizen feedback (phản ánh, kiến nghị) from a CSV or JSON file, idempotent by code."
    service = staticmethod(import_feedback)

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV (header row) or JSON (list of objects) file, UTF-8")
        parser.add_argument("--json", action="store_true", help="print the report as JSON")
