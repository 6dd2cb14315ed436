"""``manage.py create_source_system CODE --name NAME --kind KIND --agency AGENCY_CODE [--active|--inactive] [--rotate-token]``.

The operator's command (it acts as the national administrator; every change is audited with
``source: cli``). A token is printed only when one is issued — for a new system, a system without
one, or with ``--rotate-token`` — and it is printed once: only its digest is stored.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from reconciliation.models import SourceKind
from reconciliation.services.sources import create_source_system


class Command(BaseCommand):
    help = (
        "Create a source system, or update the one with this CODE (idempotent). A NEW API token is printed "
        "for a new system, or with --rotate-token (the previous token stops working)."
    )

    def add_arguments(self, parser):
        parser.add_argument("code")
        parser.add_argument("--name", required=True)
        parser.add_argument("--kind", required=True, choices=SourceKind.values)
        parser.add_argument("--agency", required=True, help="code of the owning agency")
        state = parser.add_mutually_exclusive_group()
        state.add_argument(
            "--active",
            dest="active",
            action="store_true",
            default=None,
            help="activate the system (the default for a new one)",
        )
        state.add_argument("--inactive", dest="active", action="store_false", help="deactivate the system")
        parser.add_argument(
            "--rotate-token",
            action="store_true",
            help="issue a new API token for an existing system (the old one stops working)",
        )

    def handle(self, *args, **options):
        try:
            source, token = create_source_system(
                options["code"],
                options["name"],
                options["kind"],
                options["agency"],
                active=options["active"],
                rotate_token=options["rotate_token"],
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        state = "active" if source.active else "inactive"
        self.stderr.write(
            f"Source system {source.code} ({source.get_kind_display()}, {state}), owner {source.owner.code}."
        )
        if token is None:
            self.stderr.write("Its API token is unchanged (use --rotate-token to issue a new one).")
            return
        self.stderr.write(
            "API token (shown once, only its digest is stored; send it as 'Authorization: Token <key>'):"
        )
        self.stdout.write(token)
