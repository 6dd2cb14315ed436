"""``manage.py sweep_signed_letters [--older-than MINUTES] [--dry-run] [--json]``: delete the stored
letter files no signed letter holds (the nightly task's service)."""

import json
from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from complaints.services.signed_letters import sweep


class Command(BaseCommand):
    help = (
        "Delete stored signed-letter files that no signed letter holds (left by a signing that rolled "
        "back), older than --older-than minutes."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=int,
            default=None,
            metavar="MINUTES",
            help="only files written more than this many minutes ago "
            "(default: TTHC_SIGNED_LETTER_ORPHAN_MINUTES)",
        )
        parser.add_argument("--dry-run", action="store_true", help="list the files, delete nothing")
        parser.add_argument("--json", action="store_true", help="print the result as JSON")

    def handle(self, *args, **options):
        minutes = options["older_than"]
        if minutes is None:
            minutes = settings.TTHC_SIGNED_LETTER_ORPHAN_MINUTES
        if minutes < 1:
            raise CommandError(
                f"--older-than: at least 1 minute (a signing in progress has written its files), not {minutes}"
            )
        names = sweep(timedelta(minutes=minutes), dry_run=options["dry_run"])
        if options["json"]:
            self.stdout.write(json.dumps({"dry_run": options["dry_run"], "files": names}))
            return
        verb = "would delete" if options["dry_run"] else "deleted"
        self.stdout.write(f"{verb} {len(names)} file(s)")
        for name in names:
            self.stdout.write(f"  {name}")
