"""``manage.py chase_overdue [--now ISO-DATETIME] [--json]``: one chasing pass (the hourly task's service)."""

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from complaints.services.chasing import chase_overdue
from complaints.services.verification import verify_pending


class Command(BaseCommand):
    help = "Send due reminders, deadline notices, escalations and weekly digests (each exactly once)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--now", help="the moment to act as (ISO 8601; naive = Vietnam time); default now"
        )
        parser.add_argument("--json", action="store_true", help="print the counts as JSON")
        parser.add_argument("--no-verify", action="store_true", help="skip verifying answered cases first")

    def handle(self, *args, **options):
        now = timezone.now()
        if options["now"]:
            now = parse_datetime(options["now"])
            if now is None:
                raise CommandError(f"--now: not an ISO date-time: {options['now']!r}")
            if timezone.is_naive(now):
                now = timezone.make_aware(now)
        if not options["no_verify"]:
            verify_pending(now)
        counts = chase_overdue(now)
        if options["json"]:
            self.stdout.write(json.dumps(counts))
        else:
            self.stdout.write(", ".join(f"{k}: {v}" for k, v in counts.items()))
