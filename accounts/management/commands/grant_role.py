"""``manage.py grant_role USERNAME ROLE AGENCY_CODE``: bootstrap roles as the national administrator.

Goes through the delegation service like the web page; the audit rows say ``source: cli``.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from ...audit import CLI
from ...models import Role
from ...services import cli_actor, grant_role
from ...services import create_user as create_account
from ._common import agency_arg, role_arg, user_arg


class Command(BaseCommand):
    help = "Grant ROLE on AGENCY_CODE (and its sub-units unless --no-subunits) to USERNAME, as the national administrator."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("role", help=", ".join(Role.values))
        parser.add_argument("agency_code")
        parser.add_argument(
            "--create-user", action="store_true", help="Create the account if it does not exist."
        )
        parser.add_argument("--password", help="Password of the account created with --create-user.")
        parser.add_argument("--email", default="")
        parser.add_argument("--staff", action="store_true", help="Let a created account use the admin site.")
        parser.add_argument("--no-subunits", action="store_true", help="Cover only the agency itself.")

    def handle(
        self,
        *args,
        username,
        role,
        agency_code,
        create_user: bool,
        password,
        email,
        staff,
        no_subunits,
        **options,
    ):
        role = role_arg(role)
        agency = agency_arg(agency_code)
        actor = cli_actor()
        try:
            with transaction.atomic():
                user = user_arg(username)
                if user is None:
                    if not create_user:
                        raise CommandError(
                            f"no user {username!r}; add --create-user --password P to create it"
                        )
                    user = create_account(actor, username, password, email=email, is_staff=staff, context=CLI)
                    self.stdout.write(f"created user {username}")
                assignment = grant_role(
                    actor, user, agency, role, include_subunits=not no_subunits, context=CLI
                )
        except (PermissionDenied, ValidationError) as exc:
            raise CommandError("; ".join(getattr(exc, "messages", [str(exc)]))) from exc
        scope = "with sub-units" if assignment.include_subunits else "this agency only"
        self.stdout.write(self.style.SUCCESS(f"granted {role} on {agency.code} ({scope}) to {user.username}"))
