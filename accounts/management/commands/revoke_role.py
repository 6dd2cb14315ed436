"""``manage.py revoke_role USERNAME ROLE AGENCY_CODE``: revoke as the national administrator (audited, source cli)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from ...audit import CLI
from ...models import Role
from ...services import cli_actor, revoke_matching
from ._common import agency_arg, role_arg, user_arg


class Command(BaseCommand):
    help = "Revoke USERNAME's active ROLE on AGENCY_CODE, as the national administrator."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("role", help=", ".join(Role.values))
        parser.add_argument("agency_code")

    def handle(self, *args, username, role, agency_code, **options):
        role = role_arg(role)
        agency = agency_arg(agency_code)
        user = user_arg(username)
        if user is None:
            raise CommandError(f"no user {username!r}")
        try:
            revoked = revoke_matching(cli_actor(), user, agency, role, context=CLI)
        except (PermissionDenied, ValidationError) as exc:
            raise CommandError("; ".join(getattr(exc, "messages", [str(exc)]))) from exc
        self.stdout.write(
            self.style.SUCCESS(f"revoked {role} on {agency.code} from {username} ({len(revoked)} row(s))")
        )
