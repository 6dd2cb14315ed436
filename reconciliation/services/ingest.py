"""Ingestion of dossier syncs: one service behind the sync API, ``import_dossiers`` and replays.

``ingest(source, stream, fmt)`` records an ``IngestBatch``, parses and validates the input with the
format's adapter, and writes it in chunks of ``CHUNK_SIZE`` records, each chunk in its own
transaction (retried on deadlock or serialization failure) so memory stays bounded and a crash
loses nothing already committed. Bad records are answered one by one
(``{"index", "MaHoSo", "field", "error", "reason"}``) and kept as ``RejectedRecord`` rows with
their raw payload (made storable, :func:`~reconciliation.adapters.limits.safe_payload`) for
correction and replay; the valid records of the same batch are stored. Each record is read,
validated and checked against the source's remit (:mod:`.remit`: what this source may write) in
isolation, so no record — however malformed — can fail the others; a record refused for its remit
is rejected ``out_of_scope`` and never touches the stored dossiers.

Parsing and validation (CPU in Python) can run in a producer thread while the database writes the
previous chunk (``pipeline=True``, used by the command for large files): the thread never touches
the database, the writer never blocks on parsing. With ``parsers=N`` (``import_dossiers
--parsers``) decoding, validation and the writer's rendering run in N forked worker processes instead
(:class:`ValidatedInProcesses`): the parent only frames the input (cuts it into records, for JSON
Lines its lines) and writes, so a machine with cores to spare is not held to one Python thread.
"""

from __future__ import annotations

import contextlib
import gc
import json
import logging
import multiprocessing
import queue
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

import orjson
from django.conf import settings
from django.db import InterfaceError, OperationalError, connection, connections, transaction
from django.utils import timezone

from core.stats import analyze_after
from tthc.models import Dossier, DossierEvent
from tthc.store.staging import STAGES, supersedes

from ..adapters import Adapter, get_adapter
from ..adapters.fields import INVALID, UNKNOWN_DOSSIER, Context, DossierRecord, ProgressRecord, safe_text
from ..adapters.limits import Limits, storable_payload
from ..models import BatchStatus, IngestBatch, RejectedRecord, SourceDossier, SourceSystem
from ..signals import batch_ingested
from .remit import Remit
from .writer import ReferenceLost, writer_for

INGESTED = (Dossier, DossierEvent, SourceDossier)

log = logging.getLogger(__name__)

CHUNK_SIZE = 10_000
MAX_ERRORS_KEPT = 100_000
RETRIES = 5
RETRYABLE_SQLSTATES = {"40P01", "40001"}
UNKNOWN_DOSSIER_MESSAGE = "no dossier with this MaHoSo from this source yet: sync it with DongBoHoSoMC first"


@dataclass
class BatchReport:
    """The answer of the API and of ``import_dossiers --json`` (exactly these keys)."""

    batch: int | None = None
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    errors: list[dict] = field(default_factory=list)
    received: int = 0

    def merge(self, other: BatchReport) -> None:
        self.received += other.received
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.rejected += other.rejected
        self.errors.extend(other.errors[: max(0, MAX_ERRORS_KEPT - len(self.errors))])

    def as_dict(self) -> dict:
        return {
            "batch": self.batch,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "errors": self.errors,
        }


@dataclass
class Chunk:
    """A validated piece of a batch, written in one transaction."""

    dossiers: list = field(default_factory=list)  # (index, DossierRecord)
    progress: list = field(default_factory=list)  # (index, ProgressRecord)
    rejects: list = field(default_factory=list)  # (index, payload, errors)
    raws: dict = field(default_factory=dict)  # index → payload, for progress steps rejected at write

    def __len__(self):
        return len(self.dossiers) + len(self.progress) + len(self.rejects)

    def add(self, index: int, result, raw, adapter: Adapter) -> None:
        """File one validation ``result`` of the raw record ``raw``."""
        if result.__class__ is DossierRecord:
            self.dossiers.append((index, result))
        elif result.__class__ is ProgressRecord:
            self.progress.append((index, result))
            self.raws[index] = raw
        else:
            self.rejects.append((index, adapter.payload(raw), result))


def rechunk(chunks: Iterable[Chunk], size: int = CHUNK_SIZE) -> Iterator[Chunk]:
    """Validated chunks (e.g. validated apart, in other processes) as chunks of at most ``size``
    records, numbered again in order from 0 — as one batch's."""
    out, index = Chunk(), 0
    for chunk in chunks:
        for part, items in (
            ("dossiers", chunk.dossiers),
            ("progress", chunk.progress),
            ("rejects", chunk.rejects),
        ):
            for old, *rest in items:
                if part == "progress":
                    out.raws[index] = chunk.raws[old]
                elif part == "rejects":
                    for error in rest[1]:
                        error["index"] = index
                getattr(out, part).append((index, *rest))
                index += 1
                if len(out) >= size:
                    yield out
                    out = Chunk()
    if len(out):
        yield out


_gc_lock = threading.Lock()
_gc_pausers = 0
_gc_was_enabled = True
GC_EVERY_CHUNKS = 20


@contextlib.contextmanager
def gc_paused():
    """Pause Python's cyclic garbage collector while a batch is parsed and written.

    A chunk keeps tens of thousands of freshly parsed containers alive, so the collector's
    allocation-triggered passes would traverse them over and over (measured: 40 % of the Python
    time of ingestion). Records hold no reference cycles; whatever cycles other code makes are
    collected every ``GC_EVERY_CHUNKS`` chunks and by the collector's own passes once the last
    batch in the process ends, so memory stays bounded. Nested and concurrent batches share one counter.
    """
    global _gc_pausers, _gc_was_enabled
    with _gc_lock:
        if _gc_pausers == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_pausers += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pausers -= 1
            if _gc_pausers == 0 and _gc_was_enabled:
                gc.enable()  # no forced pass here: an API call would pay for a full collection


def validated_chunks(
    adapter: Adapter,
    records: Iterable[tuple[int, object]],
    ctx: Context,
    size: int = CHUNK_SIZE,
    prepare: Callable | None = None,
) -> Iterator[Chunk]:
    """Group parsed records into chunks of validated records and rejects (no database access);
    ``prepare`` is the writer's database-free pre-rendering of each valid record. ``ctx.remit``
    refuses the dossiers the source may not write."""
    chunk, produced = Chunk(), 0
    validate = adapter.validate
    for index, raw in records:
        try:
            result = validate(index, raw, ctx)
        except Exception:  # a defect must cost this record only; logged with its trace
            log.exception("ingest: record %s could not be validated", index)
            result = [_error(index, raw, "", "the record could not be validated (an internal error, logged)")]
        if prepare is not None and result.__class__ is DossierRecord:
            prepare(result)
        chunk.add(index, result, raw, adapter)
        if len(chunk) >= size:
            yield chunk
            chunk = Chunk()
            produced += 1
            if produced % GC_EVERY_CHUNKS == 0 and not gc.isenabled():
                gc.collect()
    if len(chunk):
        yield chunk


def _threaded(chunks: Iterator[Chunk], depth: int = 2) -> Iterator[Chunk]:
    """Run the chunk producer in a thread, ``depth`` chunks ahead (bounded memory)."""
    q: queue.Queue = queue.Queue(maxsize=depth)
    done = object()
    failure: list[BaseException] = []
    stop = threading.Event()

    def produce():
        try:
            for chunk in chunks:
                while not stop.is_set():
                    try:
                        q.put(chunk, timeout=0.5)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
        except BaseException as exc:  # re-raised in the consumer
            failure.append(exc)
        finally:
            q.put(done)

    thread = threading.Thread(target=produce, name="ingest-parse", daemon=True)
    thread.start()
    try:
        while True:
            item = q.get()
            if item is done:
                break
            yield item
    finally:
        stop.set()
        while thread.is_alive():
            try:
                q.get(timeout=0.1)
            except queue.Empty:
                pass
    if failure:
        raise failure[0]


#: What the forked parsers work with: the adapter, the validation context and the writer's
#: rendering, set in the parent just before the fork (children inherit it; nothing is pickled).
_PARSING: tuple[Adapter, Context, Callable | None] | None = None


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


class ValidatedInProcesses:
    """:func:`validated_chunks` with the work spread over ``parsers`` forked processes.

    The parent reads ``frames`` (``adapter.frames``: records cut apart, not decoded) in groups of
    ``size``; a child decodes, validates and renders each group into one chunk, which comes back
    pickled. Chunks are yielded in input order with at most ``2 × parsers`` groups in flight, so
    memory stays bounded whatever the input's size; a child that dies fails the batch
    (``BrokenProcessPool``), with the chunks already written kept. The adapter's per-input state (the envelope's
    service and ``isUpdating``) travels with each group, as it stood when the group was read.

    The pool is forked when this is made, on the calling thread, before any writer thread exists and
    with the database connections closed (a child never touches the database) — so not inside a
    transaction, which closing the connection would end. ``close()`` stops the children."""

    def __init__(
        self,
        adapter: Adapter,
        frames: Iterable[tuple[int, object]],
        ctx: Context,
        size: int = CHUNK_SIZE,
        prepare: Callable | None = None,
        parsers: int = 2,
    ):
        global _PARSING
        if connection.in_atomic_block:
            raise ValueError("parsing in processes closes the database connection: not inside a transaction")
        self.adapter, self.frames, self.size, self.parsers = adapter, frames, size, parsers
        _PARSING = (adapter, ctx, prepare)
        connections.close_all()  # never share a database socket with the children
        self.pool: ProcessPoolExecutor | None = ProcessPoolExecutor(
            parsers, mp_context=multiprocessing.get_context("fork"), initializer=gc.disable
        )
        # With fork the pool starts every child at its first task: make that now, on this thread.
        self.pool.submit(int).result()

    def __iter__(self) -> Iterator[Chunk]:
        adapter, pool, pending, group = self.adapter, self.pool, deque(), []
        assert pool is not None, "already closed"

        def submit(items: list) -> None:
            pending.append(pool.submit(_validate_group, (adapter.service, adapter.is_updating, items)))

        try:
            for item in self.frames:
                group.append(item)
                if len(group) >= self.size:
                    submit(group)
                    group = []
                    if len(pending) >= 2 * self.parsers:
                        yield pending.popleft().result()
            if group:
                submit(group)
            while pending:
                # A child that died (killed, out of memory) fails the batch here instead of leaving it waiting.
                yield pending.popleft().result()
        finally:
            self.close()

    def close(self) -> None:
        global _PARSING
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None
            _PARSING = None


def _validate_group(task: tuple[str | None, bool, list]) -> Chunk:
    """In a parser process: one group of frames → one chunk (every record of the group)."""
    service, updating, items = task
    adapter, ctx, prepare = _PARSING
    adapter.service, adapter.is_updating = service, updating
    decode = adapter.decode
    records = ((index, decode(index, frame)) for index, frame in items)
    return next(validated_chunks(adapter, records, ctx, len(items) + 1, prepare), Chunk())


def start_batch(source: SourceSystem, fmt: str, user=None, filename: str = "") -> IngestBatch:
    return IngestBatch.objects.create(
        source=source,
        format=fmt,
        filename=filename[:500],
        submitted_by=user if user is not None and user.is_authenticated else None,
    )


def ingest(
    source: SourceSystem,
    records_stream,
    fmt: str,
    user=None,
    filename: str = "",
    *,
    chunk_size: int = CHUNK_SIZE,
    progress: Callable[[int], None] | None = None,
    pipeline: bool = False,
    batch: IngestBatch | None = None,
    writers: int = 1,
    parsers: int = 0,
) -> BatchReport:
    """Ingest a binary stream in format ``fmt`` for ``source``; see the module docstring.

    Raises ``UnreadableBody`` when the input as a whole cannot be read before any record was
    written (the batch is then marked failed); a later unreadable part fails the batch but keeps
    the chunks already written.
    """
    adapter = get_adapter(fmt)
    batch = batch or start_batch(source, fmt, user, filename)
    return run_batch(
        batch,
        adapter,
        adapter.frames(records_stream) if parsers > 0 else adapter.parse(records_stream),
        chunk_size=chunk_size,
        progress=progress,
        pipeline=pipeline,
        writers=writers,
        parsers=parsers,
    )


def run_batch(
    batch: IngestBatch,
    adapter: Adapter,
    records: Iterable[tuple[int, object]],
    *,
    chunk_size: int = CHUNK_SIZE,
    progress=None,
    pipeline: bool = False,
    on_reject=None,
    writers: int = 1,
    parsers: int = 0,
) -> BatchReport:
    """Validate and write ``records`` as ``batch``. ``writers`` > 1 writes chunks over that many
    database connections at once (PostgreSQL, committed data only: not inside a test transaction).
    ``parsers`` > 0: ``records`` are the adapter's frames, decoded and validated in that many forked
    processes (:class:`ValidatedInProcesses`)."""
    ctx = Context.load()
    ctx.remit = remit = Remit.load(batch.source, ctx)
    portal_codes = active_portal_codes()
    writer = writer_for(batch.source, batch, portal_codes)
    forked = None
    if parsers > 0:
        chunks = forked = ValidatedInProcesses(adapter, records, ctx, chunk_size, writer.prepare, parsers)
    else:
        chunks = validated_chunks(adapter, records, ctx, chunk_size, writer.prepare)
    if pipeline:
        chunks = _threaded(iter(chunks), depth=1)
    try:
        return write_chunks(
            batch,
            chunks,
            remit=remit,
            portal_codes=portal_codes,
            writer=writer,
            progress=progress,
            on_reject=on_reject,
            writers=writers,
        )
    finally:
        if forked is not None:
            forked.close()


def active_portal_codes() -> list[str]:
    """The code of the active portal system (its copies rank below every other source's)."""
    return list(SourceSystem.objects.active_portal().values_list("code", flat=True))


def write_chunks(
    batch: IngestBatch,
    chunks: Iterable[Chunk],
    *,
    remit: Remit | None,
    portal_codes: list[str],
    writer=None,
    progress=None,
    on_reject=None,
    writers: int = 1,
    announce: bool = True,
) -> BatchReport:
    """Write validated ``chunks`` (``validated_chunks`` with the source's ``remit`` in its context) as
    ``batch``, then mark it done. ``announce=False`` keeps ``batch_ingested`` quiet (a bulk load that
    recomputes the index itself)."""
    report = BatchReport(batch=batch.pk)
    writer = writer or writer_for(batch.source, batch, portal_codes)
    try:
        with gc_paused():
            if writers > 1:
                _write_parallel(
                    chunks,
                    writers,
                    lambda: writer_for(batch.source, batch, portal_codes),
                    batch,
                    report,
                    on_reject,
                    progress,
                    remit,
                )
            for chunk in chunks if writers <= 1 else ():
                _with_retry(_write_chunk, writer, batch, chunk, report, on_reject, remit)
                if progress:
                    progress(len(chunk))
    except Exception as exc:
        _mark_failed(batch, exc)
        raise
    # On this thread's own connection, which a database restart during the writes may have cut.
    _with_retry(_mark_done, batch)
    # Fresh planner statistics: a large batch at once, a small one through a worker (core/stats.py).
    analyze_after(INGESTED, rows=report.created + report.updated)
    report.errors.sort(key=lambda e: e["index"])
    if announce and (report.created or report.updated):  # e.g. indicators schedules a (debounced) recompute
        transaction.on_commit(lambda: batch_ingested.send(sender=IngestBatch, batch=batch))
    return report


def _mark_done(batch: IngestBatch) -> None:
    IngestBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.DONE, finished_at=timezone.now())


#: Pauses before each new attempt to record a failure when the connection itself was lost (15 s in
#: all: a server restart takes a few seconds).
MARK_FAILED_PAUSES = (1, 2, 4, 8)


def _mark_failed(batch: IngestBatch, exc: BaseException) -> None:
    """Record the failure on the batch — on a new connection when the failure was the connection's, so
    that a batch cut by a database restart says ``failed``, not ``running`` for ever."""
    for pause in (0, *MARK_FAILED_PAUSES):
        if pause:
            with contextlib.suppress(Exception):
                connection.close()
            time.sleep(pause)
        try:
            IngestBatch.objects.filter(pk=batch.pk).update(
                status=BatchStatus.FAILED, finished_at=timezone.now(), error=str(exc)[:2000]
            )
            return
        except (OperationalError, InterfaceError):
            if connection.in_atomic_block:
                break
    log.error("ingest: batch %s could not be marked failed (the database is unreachable)", batch.pk)


def _write_parallel(
    chunks,
    writers: int,
    make_writer,
    batch,
    report: BatchReport,
    on_reject,
    progress,
    remit: Remit | None = None,
) -> None:
    """Each writer thread has its own connection (and temporary tables); chunks lock rows in code
    order, so parallel chunks of one file wait for each other at worst, and deadlocks are retried."""

    work: queue.Queue = queue.Queue(maxsize=writers)
    lock = threading.Lock()
    failure: list[BaseException] = []

    def run():
        writer = make_writer()
        try:
            while (chunk := work.get()) is not None:
                if failure:
                    continue
                part = BatchReport()
                try:
                    _with_retry(_write_chunk, writer, batch, chunk, part, on_reject, remit)
                except BaseException as exc:
                    failure.append(exc)
                    continue
                with lock:
                    report.merge(part)
                    if progress:
                        progress(len(chunk))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, name=f"ingest-write-{i}") for i in range(writers)]
    for thread in threads:
        thread.start()
    try:
        for chunk in chunks:
            if failure:
                break
            work.put(chunk)
    finally:
        for _ in threads:
            work.put(None)
        for thread in threads:
            thread.join()
    if failure:
        raise failure[0]


#: SQLSTATEs of a lost connection: class 08 (connection exception), the server shutting down or
#: crashing (57P01, 57P02) or still starting up (57P03).
CONNECTION_LOST_PREFIXES = ("08", "57P01", "57P02", "57P03")


def _connection_lost(exc: BaseException) -> bool:
    """Whether ``exc`` means this thread's connection to the database is gone (a server restart, a
    network cut) rather than a fault of the statement: then the chunk's transaction was rolled back by
    the server (or committed just before the loss) and the chunk can be written again on a new one."""
    state = getattr(getattr(exc, "__cause__", None), "sqlstate", None)
    if state:
        return state.startswith(CONNECTION_LOST_PREFIXES)
    if isinstance(exc, InterfaceError):
        return True
    try:
        return not connection.is_usable()
    except Exception:  # noqa: BLE001 - an unusable connection may fail to answer at all
        return True


def _with_retry(fn, *args):
    """Run one chunk's transaction, again after a deadlock or serialization failure (``RETRIES``
    times), and again on a new connection after the connection was lost — the server restarted or
    the network cut — for up to ``TTHC_INGEST_RECONNECT_SECONDS``. A chunk is idempotent (the same
    records give the same stored state whatever was committed before), so a retry never doubles data;
    only inside a caller's transaction is a lost connection final (that transaction is gone)."""
    conflicts, waited = 0, 0.0
    while True:
        outer = connection.in_atomic_block
        try:
            return fn(*args)
        except (OperationalError, InterfaceError) as exc:
            budget = settings.TTHC_INGEST_RECONNECT_SECONDS
            if not outer and budget > 0 and _connection_lost(exc):
                if waited >= budget:
                    raise
                pause = min(1.0 + waited / 2, 5.0, budget - waited)
                log.warning(
                    "ingest: connection lost (%s); chunk retried on a new connection in %.1f s", exc, pause
                )
                with contextlib.suppress(Exception):
                    connection.close()
                time.sleep(pause)
                waited += pause
                continue
            state = getattr(getattr(exc, "__cause__", None), "sqlstate", None)
            conflicts += 1
            if state not in RETRYABLE_SQLSTATES or conflicts >= RETRIES:
                raise
            log.warning("ingest chunk retried after %s (attempt %d)", state, conflicts)
            time.sleep(0.05 * (2 ** (conflicts - 1)))


def _write_chunk(
    writer, batch: IngestBatch, chunk: Chunk, report: BatchReport, on_reject, remit: Remit | None = None
) -> None:
    """One transaction: valid records, progress steps, rejects, and the batch's running counts."""
    counts = {"received": len(chunk), "created": 0, "updated": 0, "unchanged": 0}
    rejects = list(chunk.rejects)
    with transaction.atomic():
        progress = chunk.progress
        if progress and remit is not None:
            progress, refused = remit.refuse_progress(progress)
            rejects.extend((i, chunk.raws[i], [error]) for i, error in refused)
        if chunk.dossiers:
            best, stale = _latest_versions(chunk.dossiers)
            created, updated = writer.write_dossiers(list(best.values()), stale)
            counts["created"] += created
            counts["updated"] += updated
            counts["unchanged"] += len(chunk.dossiers) - created - updated
        if progress:
            updated, missing = writer.write_progress(progress)
            unknown = [(i, p) for i, p in progress if p.code in missing]
            counts["updated"] += updated
            counts["unchanged"] += len(progress) - len(unknown) - updated
            rejects.extend(
                (
                    i,
                    chunk.raws[i],
                    [
                        {
                            "index": i,
                            "MaHoSo": p.code,
                            "field": "MaHoSo",
                            "error": UNKNOWN_DOSSIER_MESSAGE,
                            "reason": UNKNOWN_DOSSIER,
                        }
                    ],
                )
                for i, p in unknown
            )
        if rejects:
            (on_reject or _store_rejects)(batch, rejects)
        if connection.vendor == "postgresql":
            # The deferred foreign-key checks, now rather than at COMMIT: every writer of the batch
            # takes the batch row's lock below, so it should be held for the commit alone (two
            # writers waited 46 ms a chunk on each other's checks at 10 M dossiers).
            connection.check_constraints()
        # The row lock this takes until commit also keeps the batch (and its source) from being
        # deleted under the copies that name it (no database constraint there, ADR 0020).
        kept = IngestBatch.objects.filter(pk=batch.pk).update(
            received=_f("received", counts),
            created=_f("created", counts),
            updated=_f("updated", counts),
            unchanged=_f("unchanged", counts),
            rejected=_f("rejected", {"rejected": len(rejects)}),
        )
        if not kept:
            raise ReferenceLost(f"batch {batch.pk} was deleted while it was written")
    report.received += counts["received"]
    report.created += counts["created"]
    report.updated += counts["updated"]
    report.unchanged += counts["unchanged"]
    report.rejected += len(rejects)
    for _, _, errors in rejects:
        if len(report.errors) < MAX_ERRORS_KEPT:
            report.errors.extend(errors)


def _latest_versions(items: list) -> tuple[dict[str, DossierRecord], list[DossierRecord]]:
    """The version of each dossier that a chunk's records, applied in the order sent, leave standing
    (the store's precedence, ADR 0013), and the superseded ones (their history is still written)."""
    best: dict[str, DossierRecord] = {}
    floors: dict[str, str | None] = {}
    stale = []
    for _, record in items:
        current = best.get(record.code)
        if current is None:
            best[record.code] = record
        elif supersedes(record, current, floors.get(record.code)):
            if STAGES[record.status] != STAGES[current.status]:
                floors.pop(record.code, None)
            elif record.correction:
                floors[record.code] = max(current.event_at, floors.get(record.code) or current.event_at)
            stale.append(current)
            best[record.code] = record
        else:
            stale.append(record)
    for code, floor in floors.items():
        best[code].floor = floor
    return best, stale


def _f(name: str, counts: dict):
    from django.db.models import F

    return F(name) + counts[name]


def _error(index: int, raw, field_name: str, message: str, reason: str = INVALID) -> dict:
    code = raw.get("MaHoSo") if raw.__class__ is dict else None
    return {
        "index": index,
        "MaHoSo": safe_text(code)[:200] if code.__class__ is str else "",
        "field": field_name,
        "error": message,
        "reason": reason,
    }


def canonical(payload) -> bytes:
    """A payload's comparable form; never fails, whatever an older row holds (rows stored before
    payloads were made storable may hold integers beyond 64 bits)."""
    try:
        return orjson.dumps(payload, option=orjson.OPT_SORT_KEYS)
    except (orjson.JSONEncodeError, TypeError):
        return json.dumps(payload, sort_keys=True, ensure_ascii=True, default=str).encode()


def _store_rejects(batch: IngestBatch, rejects: list[tuple[int, object, list[dict]]]) -> None:
    """Keep each reject once: a record already waiting for correction (same source, same payload)
    is not stored again, so re-sending a file does not duplicate its rejects."""
    limits = Limits.from_settings()
    rejects = [(index, storable_payload(payload, limits), errors) for index, payload, errors in rejects]
    codes = {errors[0]["MaHoSo"][:64] for _, _, errors in rejects}
    pending = {
        (code, canonical(payload))
        for code, payload in RejectedRecord.objects.filter(
            batch__source_id=batch.source_id, replayed_in__isnull=True, dossier_code__in=codes
        ).values_list("dossier_code", "payload")
    }
    rows = []
    for index, payload, errors in rejects:
        code = errors[0]["MaHoSo"][:64]
        key = (code, canonical(payload))
        if key in pending:
            continue
        pending.add(key)
        rows.append(
            RejectedRecord(batch=batch, index=index, dossier_code=code, errors=errors, payload=payload)
        )
    RejectedRecord.objects.bulk_create(rows, batch_size=1000)
