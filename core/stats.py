"""Planner statistics after bulk writes: ANALYZE the tables a bulk path changed when the change is large.

PostgreSQL plans from statistics that autovacuum's ANALYZE refreshes only after 10 % of a table has
changed (``autovacuum_analyze_scale_factor``) — a million rows of a 10-million-row dossier table,
i.e. never within a month — and not at all where autovacuum is off. Until then a new month's rows
are missing from the ``received_at`` histogram, the planner expects none and picks row-by-row plans.
So every bulk path (seed, a large ingestion batch, a reconciliation run) calls
:func:`analyze_if_changed` after its commit (a small ingestion batch through a worker,
:func:`analyze_after`): each table is analysed when the caller changed at
least ``TTHC_ANALYZE_MIN_ROWS`` rows or PostgreSQL counts that many changes since its last ANALYZE
(``pg_stat_user_tables.n_mod_since_analyze``, which also catches many small batches adding up).
The reference tables (agencies, procedures) are small and every plan over dossiers joins them: their
imports analyse them after any change. Elsewhere than PostgreSQL it does nothing. docs/scaling.md#statistics-and-autovacuum.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import connections, transaction
from django.db.models import Model

logger = logging.getLogger(__name__)

_held = 0
_held_lock = threading.Lock()


@contextmanager
def held() -> Iterator[None]:
    """Skip every :func:`analyze_if_changed` in this process while inside: for a command that owns
    its process and loads in many batches (the demo's seed), where each batch would otherwise
    re-analyse tables growing by millions of rows, every ``TTHC_ANALYZE_MIN_ROWS`` changes, and
    that analyses once at its end. Process-wide on purpose: the load's writer threads are covered."""
    global _held
    with _held_lock:
        _held += 1
    try:
        yield
    finally:
        with _held_lock:
            _held -= 1


def analyze_if_changed(
    models: Iterable[type[Model]], rows: int = 0, using: str = "default", min_rows: int | None = None
) -> list[str]:
    """ANALYZE the tables of those ``models`` changed enough (``min_rows``, default
    ``TTHC_ANALYZE_MIN_ROWS``); returns the tables analysed."""
    connection = connections[using]
    if connection.vendor != "postgresql" or _held:
        return []
    threshold = settings.TTHC_ANALYZE_MIN_ROWS if min_rows is None else min_rows
    tables = [model._meta.db_table for model in models]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, n_mod_since_analyze FROM pg_stat_user_tables WHERE relname = ANY(%s)", [tables]
        )
        modified = dict(cursor.fetchall())
        done = []
        for table in tables:
            if table in modified and max(rows, modified[table]) >= threshold:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
                done.append(table)
    if done:
        logger.info("analysed %s (%s rows changed by the caller)", ", ".join(done), rows)
    return done


def analyze_on_commit(
    models: Iterable[type[Model]], rows: int = 0, using: str = "default", min_rows: int | None = None
) -> None:
    """:func:`analyze_if_changed` once the current transaction commits (at once outside one)."""
    models = list(models)
    transaction.on_commit(lambda: analyze_if_changed(models, rows, using, min_rows), using=using, robust=True)


#: How long a worker's pending analysis of a set of tables stands for every later request of it.
DEBOUNCE_SECONDS = 60


def analyze_after(models: Iterable[type[Model]], rows: int = 0, using: str = "default") -> None:
    """After commit: a change of at least ``TTHC_ANALYZE_MIN_ROWS`` rows is a bulk load, analysed at
    once (its caller waits for the load anyway); a smaller one that may tip the tables' accumulated
    changes over the threshold hands the check to a worker (``core.tasks.analyze_tables``, at most
    one pending per set of tables), so that a sync request never waits for an ``ANALYZE``. Eager
    Celery (the embedded default, the tests) runs the task in-process, as before."""
    models = list(models)
    connection = connections[using]
    if connection.vendor != "postgresql" or _held:
        return
    if rows >= settings.TTHC_ANALYZE_MIN_ROWS:
        analyze_on_commit(models, rows, using)
        return
    labels = sorted(model._meta.label for model in models)
    from django.core.cache import cache

    from .outbox import enqueue

    try:
        if cache.add(f"tthc:analyze:{using}:{','.join(labels)}", 1, timeout=DEBOUNCE_SECONDS):
            with transaction.atomic(using=using):  # the outbox row commits with the caller's work
                enqueue("core.tasks.analyze_tables", [labels, using], robust=True)
    except Exception:  # the caller's work is stored: statistics are never worth failing it for
        logger.exception("could not hand the statistics of %s to a worker", ", ".join(labels))
