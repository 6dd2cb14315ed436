"""``manage.py seed_demo``: reference data, demo accounts and N realistic dossiers sent through
ingestion, then what builds on them; idempotently (docs/demo.md)."""

import sys
import time

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from core import stats
from reconciliation.models import SourceDossier
from tthc.models import ApologyLetter, Dossier, DossierEvent
from tthc.services.imports import load_reference_data

from ... import seed as demo
from ...accounts import create_demo_accounts
from ...distributions import DEFAULT_CHUNK, DEFAULT_DOSSIERS, DEFAULT_SEED

SEEDED = (Dossier, DossierEvent, ApologyLetter, SourceDossier)


class Command(BaseCommand):
    help = (
        "Load the reference data (tthc/data/*.csv), the demo accounts and N demo dossiers received over the "
        "13 months before the current month, sent through ingestion as the source systems and the portal "
        "would sync them. Deterministic for a seed and safe to run again: a second run the same day changes "
        "nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dossiers", type=int, default=DEFAULT_DOSSIERS, help="how many (default 20000)")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed (default 766)")
        parser.add_argument(
            "--anchor-month",
            metavar="YYYY-MM",
            help="the window ends at the start of this month (default: the start of today, Vietnam time)",
        )
        parser.add_argument(
            "--chunk-size",
            type=int,
            default=DEFAULT_CHUNK,
            help="dossiers per round: one ingestion batch per system and round",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="generator processes (default: up to 2 for 200k+ dossiers, else in-process)",
        )
        parser.add_argument(
            "--writers",
            type=int,
            default=None,
            help="database connections writing in parallel (PostgreSQL; default: up to 2 for 200k+ dossiers)",
        )
        parser.add_argument("--data-dir", help="reference data folder (default: tthc/data)")
        parser.add_argument(
            "--skip-reference", action="store_true", help="do not (re)load the reference data"
        )
        parser.add_argument(
            "--skip-hooks",
            action="store_true",
            help="do not run what builds on the dossiers (reconciliation of the latest months, "
            "index snapshots, draft requests)",
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, **options):
        if options["dossiers"] < 0:
            raise CommandError("--dossiers must be 0 or more")
        try:
            anchor = demo.anchor_for(options["anchor_month"])
        except ValueError as exc:
            raise CommandError(f"--anchor-month must be YYYY-MM: {exc}") from exc

        started = time.perf_counter()
        if not options["skip_reference"]:
            self._reference(options["data_dir"])
        self.reference_seconds = time.perf_counter() - started
        added = demo.add_known_overrides()
        self.stdout.write(
            f"Calendar overrides added: {added} (the holidays package covers the known decisions)"
        )
        accounts = create_demo_accounts()

        show = not options["no_progress"] and sys.stderr.isatty()
        bar = tqdm(
            total=options["dossiers"], unit="dossier", unit_scale=True, disable=not show, file=sys.stderr
        )
        try:
            with stats.held():  # each ingested batch would re-analyse the growing tables: once, below
                result = demo.seed_dossiers(
                    dossiers=options["dossiers"],
                    seed=options["seed"],
                    anchor=anchor,
                    chunk_size=options["chunk_size"],
                    workers=options["workers"],
                    writers=options["writers"],
                    progress=bar.update,
                )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        finally:
            bar.close()
        self.result = result  # for callers such as bench/seed.py
        self._summary(result)
        # Fresh statistics before the follow-ups plan their joins over what was just loaded.
        stats.analyze_if_changed(SEEDED, rows=result.dossiers_created)
        self.hook_seconds = {}
        if not options["skip_hooks"]:
            self._hooks(options["seed"])
        if accounts:
            self._accounts(accounts)

    def _hooks(self, seed: int):
        """What builds on the dossiers (``demo.seed.FOLLOW_UPS``), each idempotent like this command."""
        for name, step in demo.FOLLOW_UPS:
            started = time.perf_counter()
            outcome = step(seed)
            self.hook_seconds[name] = seconds = time.perf_counter() - started
            text = repr(outcome)
            self.stdout.write(f"{name}: {text[:300]}{'…' if len(text) > 300 else ''} ({seconds:.1f} s)")

    def _reference(self, data_dir):
        from pathlib import Path

        reports = load_reference_data(Path(data_dir)) if data_dir else load_reference_data()
        if not reports:
            self.stdout.write(self.style.WARNING("Reference data: no files found"))
        for name, report in reports.items():
            self.stdout.write(
                f"Reference data {name}: created {report.created}, updated {report.updated}, "
                f"unchanged {report.unchanged}, rejected {report.rejected}"
            )
            for error in report.errors[:5]:
                self.stderr.write(f"  {name}: {error}")

    def _summary(self, result: demo.SeedResult):
        window = f"{result.window_start:%Y-%m-%d} – {result.as_of:%Y-%m-%d}" if result.as_of else ""
        self.stdout.write(
            f"Dossiers: {result.dossiers} generated over {window} (snapshot as of {result.as_of:%Y-%m-%d %H:%M}), "
            f"{result.dossiers_created} created, {result.already_present} already present; "
            f"events {result.events_created}, apology letters {result.letters_created}; "
            f"{result.seconds:.1f} s"
        )
        if result.statuses:
            statuses = ", ".join(f"{s}: {n}" for s, n in sorted(result.statuses.items()))
            self.stdout.write(f"Statuses (TrangThaiHoSo: count): {statuses}")
        self.stdout.write(
            f"Source systems: {result.systems_created} created; badly syncing {result.bad_system or '-'}, "
            f"rewriting statuses {result.rewriting_system or '-'}; reporting system's counts written "
            f"{result.reported_counts}"
        )
        feeds = result.feeds
        if feeds is not None:
            first, later = feeds.first, feeds.later
            self.stdout.write(
                f"Ingestion: {feeds.batches} batches; records {first.received} (created {first.created}, updated "
                f"{first.updated}, unchanged {first.unchanged}, rejected {first.rejected}); progress steps and "
                f"rewrites {later.received} (updated {later.created + later.updated}, unchanged {later.unchanged}, "
                f"rejected {later.rejected}); apology letters {feeds.letters}, ratings {feeds.ratings}"
            )
            if first.rejected or later.rejected:
                self.stderr.write(
                    self.style.WARNING(
                        f"Rejected demo records (a defect): {(first.errors + later.errors)[:5]}"
                    )
                )

    def _accounts(self, accounts):
        columns = ("username", "password", "role", "agency_code")
        rows = [[str(a.get(c, "") or "") for c in columns] for a in accounts]
        widths = [max(len(c), *(len(r[i]) for r in rows)) for i, c in enumerate(columns)]
        line = "+-" + "-+-".join("-" * w for w in widths) + "-+"

        def row(values):
            return "| " + " | ".join(v.ljust(w) for v, w in zip(values, widths, strict=True)) + " |"

        self.stdout.write(self.style.SUCCESS("Demo logins:"))
        self.stdout.write("\n".join([line, row(columns), line, *(row(r) for r in rows), line]))
