"""``manage.py seed_demo``: reference data, demo accounts and N realistic dossiers, idempotently."""
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import import_string
from tqdm import tqdm

from tthc.services import demo
from tthc.services.imports import load_reference_data


class Command(BaseCommand):
    help = (
        "Load the reference data (tthc/data/*.csv), the demo accounts and N demo dossiers received over the "
        "13 months before the current month. Deterministic for a seed and safe to run again: existing "
        "dossier codes are left alone."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dossiers", type=int, default=demo.DEFAULT_DOSSIERS, help="how many (default 20000)")
        parser.add_argument("--seed", type=int, default=demo.DEFAULT_SEED, help="random seed (default 766)")
        parser.add_argument(
            "--anchor-month", metavar="YYYY-MM",
            help="the window ends at the start of this month (default: the start of today, Vietnam time)",
        )
        parser.add_argument("--chunk-size", type=int, default=demo.DEFAULT_CHUNK, help="dossiers per transaction")
        parser.add_argument(
            "--workers", type=int, default=None,
            help="generator processes (default: up to 2 for 200k+ dossiers, else in-process)",
        )
        parser.add_argument(
            "--writers", type=int, default=None,
            help="database connections writing in parallel (PostgreSQL; default: up to 2 for 200k+ dossiers)",
        )
        parser.add_argument("--data-dir", help="reference data folder (default: tthc/data)")
        parser.add_argument("--skip-reference", action="store_true", help="do not (re)load the reference data")
        parser.add_argument("--skip-hooks", action="store_true", help="do not call the SEED_DEMO_HOOKS")
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
        self.stdout.write(f"Calendar overrides added: {added} (the holidays package covers the known decisions)")
        accounts = demo.create_demo_accounts()
        if accounts is None:
            self.stdout.write("Demo accounts: skipped (accounts.services.demo is not available yet)")

        show = not options["no_progress"] and sys.stderr.isatty()
        bar = tqdm(total=options["dossiers"], unit="dossier", unit_scale=True, disable=not show, file=sys.stderr)
        try:
            result = demo.seed_dossiers(
                dossiers=options["dossiers"], seed=options["seed"], anchor=anchor,
                chunk_size=options["chunk_size"], workers=options["workers"], writers=options["writers"],
                progress=bar.update,
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        finally:
            bar.close()
        self.result = result  # for callers such as bench/seed.py
        self._summary(result)
        self.hook_seconds = {}
        if not options["skip_hooks"]:
            self._hooks(options["seed"])
        if accounts:
            self._accounts(accounts)

    def _hooks(self, seed: int):
        """Other apps' demo data that builds on the dossiers (feeds, index snapshots…), listed by dotted
        path in ``settings.SEED_DEMO_HOOKS`` so that tthc imports no app above it. Each is called
        with ``seed=`` and must be idempotent, like this command."""
        for path in getattr(settings, "SEED_DEMO_HOOKS", ()):
            started = time.perf_counter()
            outcome = import_string(path)(seed=seed)
            self.hook_seconds[path] = seconds = time.perf_counter() - started
            text = repr(outcome)
            self.stdout.write(f"{path}: {text[:300]}{'…' if len(text) > 300 else ''} ({seconds:.1f} s)")

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

    def _accounts(self, accounts):
        columns = ("username", "password", "role", "agency_code")
        rows = [[str(a.get(c, "") or "") for c in columns] for a in accounts]
        widths = [max(len(c), *(len(r[i]) for r in rows)) for i, c in enumerate(columns)]
        line = "+-" + "-+-".join("-" * w for w in widths) + "-+"

        def row(values):
            return "| " + " | ".join(v.ljust(w) for v, w in zip(values, widths, strict=True)) + " |"

        self.stdout.write(self.style.SUCCESS("Demo logins:"))
        self.stdout.write("\n".join([line, row(columns), line, *(row(r) for r in rows), line]))
