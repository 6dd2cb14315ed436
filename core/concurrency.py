"""Read-only work on a database connection of its own, while this thread's connection is busy.

A long statement (a province's comparison) is executed by one PostgreSQL process; the machine's
other cores idle once its parallel scans are done. :func:`on_own_connection` runs a function in a
thread, where Django gives it a connection of its own (closed when it returns), and hands back a
``Future``. Only for reads of committed data: another connection does not see what this one has not
committed — the caller decides (e.g. a reconciliation that is not nested in a caller's transaction).
Under READ COMMITTED every statement takes its own snapshot anyway, so a count taken on another
connection sees what the same count on this connection would.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

from django.db import DatabaseError, connection

T = TypeVar("T")
log = logging.getLogger(__name__)


def on_own_connection(function: Callable[..., T], *args: Any, **kwargs: Any) -> Future[T]:
    """Start ``function(*args, **kwargs)`` in a thread with its own database connection."""

    def run() -> T:
        try:
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
