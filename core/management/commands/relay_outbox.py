"""Send the tasks the outbox holds (recorded while Redis was down): ``manage.py relay_outbox``."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from core.outbox import relay


class Command(BaseCommand):
    help = "Send the Celery tasks recorded in the outbox while the broker was unreachable (core/outbox.py)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--limit", type=int, default=100_000, help="send at most this many")
        parser.add_argument(
            "--min-age", type=int, default=0, help="only rows recorded this many seconds ago or more"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result = relay(limit=options["limit"], min_age_seconds=options["min_age"])
        self.stdout.write(json.dumps(result))
        if result["pending"]:
            self.stderr.write(
                f"{result['pending']} task(s) still pending: is the broker (REDIS_URL) reachable?"
            )
