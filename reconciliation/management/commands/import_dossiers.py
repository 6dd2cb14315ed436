"""``manage.py import_dossiers PATH --source CODE [--format portal|jsonl|csv] [--json] [--writers N] [--parsers N]``.

Streams a file of any size through the same service as the sync API (``services.ingest``), in
chunks, with a progress bar; ``--json`` prints the API's answer. ``--replay BATCH_ID`` re-submits
the still-rejected records of a batch after they (or the reference data) were corrected. The
source's remit, the size limits and the future-date margin apply exactly as through the API.
"""

import json
import os
import sys

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from tqdm import tqdm

from reconciliation.adapters import UnreadableBody, format_for_path, formats
from reconciliation.models import IngestBatch, SourceSystem
from reconciliation.services.ingest import CHUNK_SIZE, can_fork, ingest
from reconciliation.services.replay import replay_rejected


class Command(BaseCommand):
    help = "Import dossier syncs (portal envelope JSON, JSON Lines or CSV) for a source system."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help="file to import ('-' for standard input)")
        parser.add_argument("--source", help="source system code")
        parser.add_argument("--format", choices=formats(), help="default: from the file extension")
        parser.add_argument("--json", action="store_true", help="print the summary as the API's JSON answer")
        parser.add_argument(
            "--chunk-size", type=int, default=CHUNK_SIZE, help=f"records per transaction ({CHUNK_SIZE})"
        )
        parser.add_argument(
            "--replay", type=int, metavar="BATCH_ID", help="replay the pending rejects of a batch"
        )
        parser.add_argument(
            "--writers",
            type=int,
            default=None,
            help="parallel database connections writing chunks (default: 2 on PostgreSQL, 1 on "
            "SQLite or inside a transaction, where other connections would not see its data)",
        )
        parser.add_argument(
            "--parsers",
            type=int,
            default=0,
            help="forked processes that decode and validate the records while this one writes (default "
            "0: one parsing thread; worth it with cores to spare beside the database's, see "
            "docs/scaling.md); not inside a transaction",
        )
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, **options):
        if options["replay"]:
            batch = IngestBatch.objects.filter(pk=options["replay"]).select_related("source").first()
            if batch is None:
                raise CommandError(f"No batch #{options['replay']}.")
            return self._print(replay_rejected(batch), options)
        path, code = options["path"], options["source"]
        if not path or not code:
            raise CommandError("PATH and --source are required (or --replay BATCH_ID).")
        source = SourceSystem.objects.filter(code=code).first()
        if source is None:
            raise CommandError(f"No source system {code!r} (create it with create_source_system).")
        fmt = options["format"] or ("jsonl" if path == "-" else format_for_path(path))
        writers = options["writers"]
        if writers is None:
            writers = 2 if connection.vendor == "postgresql" and not connection.in_atomic_block else 1
        if writers < 1:
            raise CommandError("--writers must be at least 1.")
        if writers > 1 and connection.vendor != "postgresql":
            raise CommandError("--writers > 1 needs PostgreSQL (SQLite has a single writer).")
        parsers = options["parsers"]
        if parsers < 0:
            raise CommandError("--parsers must be 0 or more.")
        if parsers and (connection.in_atomic_block or not can_fork()):
            raise CommandError("--parsers needs fork() (Linux, macOS) and no open transaction.")
        if fmt is None:
            raise CommandError(f"Cannot tell the format of {path}: use --format {{{','.join(formats())}}}.")
        stream = sys.stdin.buffer if path == "-" else self._open(path)
        size = os.path.getsize(path) if path != "-" else None
        show = not options["no_progress"] and sys.stderr.isatty()
        with tqdm(total=size, unit="B", unit_scale=True, disable=not show, file=sys.stderr, desc=fmt) as bar:
            last = [0]

            def progress(_records):
                if size:
                    position = stream.tell()
                    bar.update(position - last[0])
                    last[0] = position

            try:
                report = ingest(
                    source,
                    stream,
                    fmt,
                    filename=os.path.basename(path),
                    chunk_size=options["chunk_size"],
                    progress=progress,
                    pipeline=True,
                    writers=writers,
                    parsers=parsers,
                )
            except UnreadableBody as exc:
                raise CommandError(f"{path}: {exc}") from exc
            finally:
                if stream is not sys.stdin.buffer:
                    stream.close()
        self._print(report, options)

    def _open(self, path):
        try:
            return open(path, "rb", buffering=1 << 20)
        except OSError as exc:
            raise CommandError(str(exc)) from exc

    def _print(self, report, options):
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False))
            return
        self.stdout.write(
            f"Batch #{report.batch}: created {report.created}, updated {report.updated}, unchanged {report.unchanged}, "
            f"rejected {report.rejected}"
        )
        for error in report.errors[:20]:
            self.stderr.write(
                f"  record {error['index']} {error['MaHoSo'] or '-'}: {error['field'] or '(record)'}: "
                f"{error['error']} [{error.get('reason', 'invalid')}]"
            )
        if len(report.errors) > 20:
            self.stderr.write(
                f"  … {len(report.errors) - 20} more (see the batch's rejected records in the admin)"
            )
