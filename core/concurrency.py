"""Read-only work on a database connection of its own, while this thread's connection is busy.

A long statement (a province's comparison) is executed by one PostgreSQL process; the machine's
other cores idle once its parallel scans are done. :func:`on_own_connection` runs a function in a
thread, where Django gives it a connection of its own (closed when it returns), and hands back a
``Future``. Only for reads of committed data: another connection does not see what this one has not
committed — the caller decides (e.g. a reconciliation that is not nested in a caller's transaction).
Under READ COMMITTED every statement takes its own snapshot anyway, so a count taken on another
connection sees what the same count on this connection would.

The helper's session (:data:`HELPER_SETTINGS`, plus what the caller adds, e.g. the ``work_mem`` of
its own transaction) suits work that shares the machine with a busy statement: no parallel workers
of its own — they would take the cores the busy statement's workers scan with — and no JIT, whose
compilation (about 0.1 s per statement above ``jit_above_cost``) costs a count more than it saves.
Measured on a 10 M-dossier database, 2 cores: a province's reconciliation 2.9–3.1 s with the
server's defaults on the helpers, 2.6–2.8 s with this session (docs/scaling.md).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

from django.db import DatabaseError, connection

from .pg import local_settings

T = TypeVar("T")
log = logging.getLogger(__name__)


#: PostgreSQL settings of every helper connection's transaction (see the module's docstring).
HELPER_SETTINGS: Mapping[str, str] = {"jit": "off", "max_parallel_workers_per_gather": "0"}


def on_own_connection(
    function: Callable[..., T], *args: Any, pg_settings: Mapping[str, str] | None = None, **kwargs: Any
) -> Future[T]:
    """Start ``function(*args, **kwargs)`` in a thread with its own database connection, in one
    transaction with :data:`HELPER_SETTINGS` and ``pg_settings`` (e.g. ``{"work_mem": "128MB"}``)."""
    session = {**HELPER_SETTINGS, **(pg_settings or {})}

    def run() -> T:
        try:
            with local_settings(**session):
                return function(*args, **kwargs)
        finally:
            connection.close()  # this thread's connection

    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="on-own-connection")
    try:
        return pool.submit(run)
    finally:
        pool.shutdown(wait=False)


def result_or(future: Future[T], here: Callable[[], T], what: str) -> T:
    """``future``'s result, or ``here()`` when its connection failed (no connection slot left, the
    server gone): the work is done again on the caller's connection, and the failure logged."""
    try:
        return future.result()
    except DatabaseError as exc:
        log.warning("%s on a second connection failed (%s): done on this connection", what, exc)
        return here()
