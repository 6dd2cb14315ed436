"""``manage.py prepare_requests --period YYYY-MM [--json]``: the month's drafts (the beat task's service)."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from complaints.services.letters import systems_of
from complaints.services.preparation import prepare_requests
from tthc import period_fields


class Command(BaseCommand):
    help = "Draft one sync-gap request per province × ministry whose systems' gaps exceed the threshold."

    def add_arguments(self, parser):
        parser.add_argument("--period", help="YYYY-MM (default: the month just closed)")
        parser.add_argument("--json", action="store_true", help="print the drafts created as JSON")

    def handle(self, *args, period=None, **options):
        try:
            parsed = period_fields.parse(period) if period else None
        except period_fields.PeriodError as exc:
            raise CommandError(f"--period: {exc}") from None
        created = prepare_requests(parsed)
        rows: list[dict[str, Any]] = [
            {
                "id": c.pk,
                "reference": c.reference,
                "period": str(c.period),
                "province": c.province.code,
                "ministry": c.ministry.code,
                "systems": [
                    {"code": s["code"], "gap_total": s["gap_total"], "gaps": s["gaps"]} for s in systems_of(c)
                ],
                "gap_total": c.gap_total,
                "points_at_stake": str(c.points_at_stake),
                "state": c.state,
            }
            for c in created
        ]
        if options["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        for r in rows:
            self.stdout.write(
                f"{r['reference']}  {r['province']} → {r['ministry']} "
                f"({', '.join(s['code'] for s in r['systems'])}): "
                f"{r['gap_total']} gaps, {r['points_at_stake']} points"
            )
        self.stdout.write(self.style.SUCCESS(f"{len(rows)} draft(s) created."))
