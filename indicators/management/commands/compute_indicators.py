"""``manage.py compute_indicators --period YYYY-MM [--json]``: compute, store and print the index.

An agency with no dossier judged in the period prints ``"total": null, "rank": null, "band":
"no_data"`` (docs/adr/0015-no-data.md)."""

import json
from datetime import datetime

from django.core.management.base import BaseCommand, CommandError

from tthc import period_fields
from tthc.calendar import VN_TZ
from tthc.periods import KINDS, Period

from ...models import IndicatorSnapshot
from ...services import compute, present
from ...services.backfill import backfill as run_backfill


class Command(BaseCommand):
    help = (
        "Compute the 766 index for a period (YYYY-MM, YYYY-Qn or YYYY; default: the current month, live) "
        "for every ministry and province, store the snapshots and print the scores."
    )

    def add_arguments(self, parser):
        parser.add_argument("--period", help="YYYY-MM, YYYY-Qn or YYYY (default: the current month)")
        parser.add_argument(
            "--as-of", dest="as_of", help="judge as of this ISO time instead of now (testing, replays)"
        )
        parser.add_argument("--json", action="store_true", help="print the scores as JSON")
        parser.add_argument(
            "--backfill",
            type=int,
            metavar="N",
            help="first recompute the N closed months before the current one (trend charts)",
        )

    def handle(self, *args, period=None, as_of=None, json: bool = False, backfill=None, **options):
        if backfill:
            done = run_backfill(backfill)
            if not json:
                self.stdout.write(f"backfilled {done[0]} … {done[-1]}")
        try:
            p = period_fields.parse(period, KINDS) if period else Period.current()
        except period_fields.PeriodError as exc:
            raise CommandError(f"--period: {exc}") from None
        try:
            now = _parse_time(as_of) if as_of else None
        except ValueError as exc:
            raise CommandError(f"--as-of: {exc}") from exc
        compute.recompute(p, now=now)
        snapshots = list(
            IndicatorSnapshot.objects.filter(period=p).select_related("agency").prefetch_related("components")
        )
        payload = present.period_payload(str(p), snapshots)
        if json:
            self.stdout.write(_dumps(payload))
            return
        self.stdout.write(f"{p} · methodology {payload['methodology']} · {len(snapshots)} agencies")
        for s in sorted(snapshots, key=present.ranked_order):
            self.stdout.write(
                f"{s.level:9} {s.rank or '-':>3}  {s.agency.code:10} {s.total if s.has_data else '-':>6}  {s.band:8} "
                f"{s.agency.short_name or s.agency.name}"
            )


def _parse_time(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=VN_TZ)


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
