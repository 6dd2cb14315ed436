"""``render_document KIND --out PATH [--format pdf|docx] [--request ID] [--agency CODE] [--period YYYY-MM]
[--dossier CODE]``: write one document, as the national administrator. Exit 0 and the file, or exit 1
with a one-line reason (unknown kind, bad period, nothing to report, missing required option…)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.services.users import cli_actor
from reports.services import render
from reports.services.targets import KIND_SPECS, DocumentError, resolve


class Command(BaseCommand):
    help = "Render a document (PDF, or Word for the letters) to a file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", help=", ".join(KIND_SPECS))
        parser.add_argument("--out", required=True, help="the file to write")
        parser.add_argument("--format", default="pdf", choices=("pdf", "docx"))
        parser.add_argument("--request", help="request id (request_letter)")
        parser.add_argument(
            "--agency", help="agency code (monthly_report: a province; scorecard: any scored agency)"
        )
        parser.add_argument(
            "--period", help="YYYY-MM (scorecard also YYYY-Qn, YYYY); default: the last closed month"
        )
        parser.add_argument("--dossier", help="dossier code (apology_letter)")

    def handle(self, *args: object, **options: object) -> None:
        params = {name: options.get(name) for name in ("request", "agency", "period", "dossier")}
        try:
            target = resolve(str(options["kind"]), params, cli_actor(), str(options["format"]))
            rendered = render.render(target)
        except DocumentError as exc:
            if exc.code == "missing_option":
                raise CommandError(f"{options['kind']} needs --{exc.field}.") from None
            raise CommandError(f"{options['kind']}: {exc.message}") from None
        out = Path(str(options["out"]))
        try:
            out.write_bytes(rendered.content)
        except OSError as exc:
            raise CommandError(f"cannot write {out}: {exc.strerror}") from None
        pages = f", {rendered.pages} pages" if rendered.pages else ""
        self.stdout.write(f"{out} ({len(rendered.content)} bytes{pages})")
