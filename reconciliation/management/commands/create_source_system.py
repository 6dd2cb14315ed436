"""``manage.py create_source_system CODE --name NAME --kind KIND --agency AGENCY_CODE``."""
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from reconciliation.models import SourceKind
from reconciliation.services.sources import create_source_system


class Command(BaseCommand):
    help = ("Create a source system (idempotent on CODE: re-running updates it) and print a NEW API token for "
            "its system account (any previous token stops working).")

    def add_arguments(self, parser):
        parser.add_argument("code")
        parser.add_argument("--name", required=True)
        parser.add_argument("--kind", required=True, choices=SourceKind.values)
        parser.add_argument("--agency", required=True, help="code of the owning agency")

    def handle(self, *args, **options):
        try:
            source, token = create_source_system(options["code"], options["name"], options["kind"], options["agency"])
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stderr.write(f"Source system {source.code} ({source.get_kind_display()}), owner {source.owner.code}.")
        self.stderr.write("API token (shown once; send it as 'Authorization: Token <key>'):")
        self.stdout.write(token)
