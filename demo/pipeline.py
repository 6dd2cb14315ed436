"""Sending the demo's records through ingestion: generated and validated in worker processes,
written by ingestion's writer over one or more connections.

The path is the sync API's and ``import_dossiers``' own: each record is validated by the portal
format's adapter against the remit of the system sending it (``validated_chunks``), and written by
``write_chunks`` as that system's batch — its copies, the dossiers through ``tthc``'s store, the
history. Only the transport differs: the records are dicts built in-process (no HTTP, no JSON),
so they enter at validation, like a replay.

How it stays fast: days are generated, split into feeds and validated (and, on PostgreSQL,
rendered as ``COPY`` text) in forked worker processes, in any order, each from its own random
generator; the parent only writes. The days are written in rounds of about ``chunk_size``
dossiers: per round one batch per system, then the portal's batch once the systems' are written
(the systems' records create the dossiers, the portal's copies rank below them), then the round's
apology letters and ratings through the store. Progress steps and the portal's rewrites of
earlier copies come last, after every round. Large runs write over two connections in parallel.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from queue import Queue

from django.db import connection, connections, transaction

from reconciliation.adapters import get_adapter
from reconciliation.adapters.base import DOSSIER_SERVICE, PROGRESS_SERVICE
from reconciliation.adapters.fields import Context
from reconciliation.services.ingest import (
    CHUNK_SIZE,
    BatchReport,
    Chunk,
    active_portal_codes,
    rechunk,
    start_batch,
    validated_chunks,
    write_chunks,
)
from reconciliation.services.remit import Remit
from tthc import calendar
from tthc.store import store_for

from .dossiers import generate_day
from .feeds import split_day
from .systems import Plans
from .world import World


@dataclass
class DayChunks:
    """One day, validated: each system's chunk, the portal's, and the later ones."""

    count: int
    statuses: dict[int, int]
    sources: dict[str, Chunk]
    portal: Chunk
    later: dict[str, Chunk]
    letters: list[tuple]
    ratings: list[tuple]


@dataclass
class FeedReport:
    """What ingestion answered, per phase (``first``: records; ``later``: progress steps and rewrites)."""

    batches: int = 0
    first: BatchReport = field(default_factory=BatchReport)
    later: BatchReport = field(default_factory=BatchReport)
    letters: int = 0
    ratings: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, phase: str, report: BatchReport) -> None:
        with self.lock:
            self.batches += 1
            getattr(self, phase).merge(report)


class Feeder:
    """Everything the workers need, built once in the parent from the database."""

    def __init__(self, world: World, plans: Plans, systems: dict):
        self.world, self.plans, self.systems = world, plans, systems
        self.store = store_for()
        ctx = Context.load()
        codes = {
            *(p.code for p in plans.central.values()),
            *(p.code for p in plans.provincial.values()),
            plans.portal,
        }
        self.contexts = {code: replace(ctx, remit=Remit.load(systems[code], ctx)) for code in codes}
        self.records, self.steps = get_adapter("portal"), get_adapter("portal")
        self.records.service, self.steps.service = DOSSIER_SERVICE, PROGRESS_SERVICE
        self.portal_codes = active_portal_codes()

    def day(self, index: int, count: int) -> DayChunks:
        """Generate, split and validate one day (no database access: runs in worker processes)."""
        day = generate_day(self.world, index, count)
        feeds = split_day(self.plans, self.world, index, day)
        sources = {code: self._validate(code, raws) for code, raws in feeds.sources.items()}
        # A portal copy that is the system's record itself is that record's validation.
        known = {
            id(raws[i]): record
            for code, raws in feeds.sources.items()
            for i, record in sources[code].dossiers
        }
        portal = Chunk()
        rest = []
        for i, raw in enumerate(feeds.portal):
            record = known.get(id(raw))
            if record is None:
                rest.append((i, raw))
            else:
                portal.dossiers.append((i, record))
        for chunk in validated_chunks(
            self.records, rest, self.contexts[self.plans.portal], len(rest) + 1, self.store.prepare
        ):
            portal.dossiers += chunk.dossiers
            portal.rejects += chunk.rejects
        later = {
            code: self._validate(code, raws, self.records if code == self.plans.portal else self.steps)
            for code, raws in feeds.later.items()
        }
        return DayChunks(count, day.statuses, sources, portal, later, day.letters, day.ratings)

    def _validate(self, code: str, raws: list, adapter=None) -> Chunk:
        chunks = validated_chunks(
            adapter or self.records, enumerate(raws), self.contexts[code], len(raws) + 1, self.store.prepare
        )
        return next(chunks, Chunk())

    def write(self, code: str, chunks: list[Chunk], label: str) -> BatchReport:
        """One system's batch: ingestion's writer, quiet (the demo computes the index itself)."""
        batch = start_batch(self.systems[code], self.records.name, filename=label)
        return write_chunks(
            batch,
            rechunk(chunks, CHUNK_SIZE),
            remit=self.contexts[code].remit,
            portal_codes=self.portal_codes,
            announce=False,
        )

    def write_extras(self, letters: list[tuple], ratings: list[tuple]) -> tuple[int, int]:
        """What the sync format does not carry, through the store: apology letters, ratings."""
        with transaction.atomic():
            added = self.store.add_apology_letters(
                (code, _moment(issued), reason, _moment(due), _moment(new_due), by)
                for code, issued, reason, due, new_due, by in letters
            )
            rated = self.store.set_ratings(ratings)
        return added, rated


def _moment(t: int) -> datetime:
    return datetime.fromtimestamp(t, UTC)


def feed(
    feeder: Feeder,
    counts: list[int],
    *,
    chunk_size: int,
    workers: int,
    writers: int,
    progress: Callable[[int], None] | None = None,
) -> FeedReport:
    """Generate the days with ``counts`` dossiers and send them through ingestion (module docstring)."""
    report = FeedReport()
    stream = DayStream(feeder, counts, workers)  # forks before any writer connects
    jobs = Jobs(writers, setup=_asynchronous_commit)
    later: dict[str, list[Chunk]] = {}
    pending: deque[Future] = deque()
    try:
        for number, days in enumerate(_rounds(stream, chunk_size), start=1):
            sources: dict[str, list[Chunk]] = {}
            for day in days:
                for code, chunk in day.sources.items():
                    sources.setdefault(code, []).append(chunk)
                for code, chunk in day.later.items():
                    later.setdefault(code, []).append(chunk)
                for status, n in day.statuses.items():
                    report.statuses[status] = report.statuses.get(status, 0) + n
            label = f"seed_demo round {number}"
            written = [
                jobs.submit(_batch, feeder, report, "first", code, sources[code], label)
                for code in sorted(sources)
            ]
            pending.append(jobs.submit(_portal_round, feeder, report, days, label, progress, after=written))
            while len(pending) > 1:  # at most two rounds in memory
                pending.popleft().result()
        while pending:
            pending.popleft().result()
        done = [
            jobs.submit(_batch, feeder, report, "later", code, later[code], "seed_demo later steps")
            for code in sorted(later)
        ]
        for future in done:
            future.result()
    finally:
        jobs.close()
        stream.close()
    return report


def _batch(
    feeder: Feeder, report: FeedReport, phase: str, code: str, chunks: list[Chunk], label: str
) -> None:
    report.add(phase, feeder.write(code, chunks, label))


def _portal_round(feeder: Feeder, report: FeedReport, days: list[DayChunks], label: str, progress) -> None:
    report.add("first", feeder.write(feeder.plans.portal, [d.portal for d in days], label))
    letters, ratings = feeder.write_extras(
        [x for d in days for x in d.letters], [x for d in days for x in d.ratings]
    )
    with report.lock:
        report.letters += letters
        report.ratings += ratings
    if progress:
        progress(sum(d.count for d in days))


def _rounds(days: Iterator[DayChunks], size: int) -> Iterator[list[DayChunks]]:
    chunk, n = [], 0
    for day in days:
        chunk.append(day)
        n += day.count
        if n >= size:
            yield chunk
            chunk, n = [], 0
    if chunk:
        yield chunk


class Jobs:
    """Runs jobs in this thread (``writers`` ≤ 1) or over ``writers`` threads with a connection each.

    A job may wait for others (``after``): jobs start in submission order, so a job only waits for
    jobs already started, and no two jobs can wait for each other. After a failure the remaining jobs
    are skipped and the failure is raised to whoever waits for them.
    """

    def __init__(self, writers: int, setup: Callable[[], Callable[[], None]] | None = None):
        self.queue: Queue = Queue()
        self.failed: list[BaseException] = []
        self.setup = setup
        self.threads = [
            threading.Thread(target=self._run, name=f"seed-demo-writer-{i}", daemon=True)
            for i in range(writers if writers > 1 else 0)
        ]
        for thread in self.threads:
            thread.start()
        self.teardown = setup() if setup is not None and not self.threads else None

    def submit(self, fn, *args, after=()) -> Future:
        future: Future = Future()
        if self.threads:
            self.queue.put((fn, args, after, future))
        else:
            self._do(fn, args, after, future)
        return future

    def _do(self, fn, args, after, future: Future) -> None:
        try:
            for other in after:
                other.result()
            if self.failed:
                raise self.failed[0]
            future.set_result(fn(*args))
        except BaseException as exc:  # noqa: BLE001 - handed to whoever waits for the job
            if not self.failed:
                self.failed.append(exc)
            future.set_exception(exc)

    def _run(self) -> None:
        try:
            if self.setup is not None:
                self.setup()
            while (job := self.queue.get()) is not None:
                self._do(*job)
        finally:
            connection.close()  # this thread's own connection

    def close(self) -> None:
        for _ in self.threads:
            self.queue.put(None)
        for thread in self.threads:
            thread.join()
        if self.teardown is not None:
            self.teardown()


def _asynchronous_commit() -> Callable[[], None]:
    """Commit without waiting for the disk on this connection (PostgreSQL): demo data, a crash just
    means running the seed again; each of the many small batches would otherwise wait for a flush.
    Returns what puts the setting back."""
    if connection.vendor != "postgresql":
        return lambda: None
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")

    def reset() -> None:
        with connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")

    return reset


# --- Days, generated here or in forked worker processes -------------------------------------------

_FEEDER: Feeder | None = None


class DayStream:
    """The days in order, made here or by forked worker processes.

    The pool is forked when the stream is made — before any writer thread opens a connection — and
    a bounded look-ahead keeps memory flat whatever N is.
    """

    def __init__(self, feeder: Feeder, counts: list[int], workers: int):
        self.feeder, self.workers = feeder, workers
        self.todo = [(i, n) for i, n in enumerate(counts) if n]
        self.pool = None
        if workers > 0:
            global _FEEDER
            _FEEDER = feeder
            calendar.is_working_day(feeder.world.days[0])  # build the calendar table once, before forking
            connections.close_all()  # never share a database socket with the children
            self.pool = multiprocessing.get_context("fork").Pool(workers)

    def __iter__(self) -> Iterator[DayChunks]:
        if self.pool is None:
            for i, n in self.todo:
                yield self.feeder.day(i, n)
            return
        pending: deque = deque()
        it = iter(self.todo)
        for i, n in it:
            pending.append(self.pool.apply_async(_worker_day, (i, n)))
            if len(pending) >= 3 * self.workers:
                break
        while pending:
            day = pending.popleft().get()
            nxt = next(it, None)
            if nxt is not None:
                pending.append(self.pool.apply_async(_worker_day, nxt))
            yield day

    def close(self) -> None:
        global _FEEDER
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()
            self.pool = None
            _FEEDER = None


def _worker_day(index: int, count: int) -> DayChunks:
    return _FEEDER.day(index, count)
