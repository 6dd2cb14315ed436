"""A transactional outbox for Celery tasks: nothing scheduled is lost when Redis is down.

``enqueue(task, args, kwargs, **options)`` records an :class:`~core.models.OutboxTask` row in the
caller's transaction and, once it commits, sends the task to the broker and deletes the row. If the
send fails (Redis down, a network split) the row stays and :func:`relay` sends it later — the beat
runs ``core.tasks.relay_outbox`` every minute (which itself needs Redis, so it runs as soon as Redis
is back), and ``manage.py relay_outbox`` does the same by hand. If the transaction rolls back, the
row goes with it and nothing is sent. The sync API and the pages never wait for Redis: a failed send
is logged, not raised.

Eager Celery (the embedded default, the tests) takes the same path: the row is written, and on
commit the task runs in-process (errors propagate as before) and the row is deleted.

docs/adr/0019-outbox-queues-replica.md.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Sequence
from datetime import timedelta
from typing import Any

from celery import Celery
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import OutboxTask

logger = logging.getLogger(__name__)


def _app() -> Celery:
    from config.celery import app

    return app


def _task(name: str) -> Any:
    """The registered task ``name``, importing the apps' task modules first if needed (a process that
    has not imported ``<app>.tasks`` yet: Celery's autodiscovery is lazy)."""
    app = _app()
    if name not in app.tasks:
        app.loader.import_default_modules()
    return app.tasks[name]


def eager() -> bool:
    """Whether tasks run in the caller's process (no broker: the embedded default and the tests)."""
    return bool(settings.CELERY_TASK_ALWAYS_EAGER or _app().conf.task_always_eager)


def enqueue(
    task: Any,
    args: Sequence[Any] = (),
    kwargs: dict[str, Any] | None = None,
    robust: bool = False,
    **options: Any,
) -> OutboxTask:
    """Record ``task`` (a task object or its registered name) in the current transaction; send it on commit.

    ``options`` are ``apply_async``'s (``countdown``, ``queue``…), JSON-serialisable. ``robust``: an
    error of an eager task is logged, not raised (``transaction.on_commit(robust=True)``).
    """
    name = task if isinstance(task, str) else task.name
    row = OutboxTask.objects.create(task=name, args=list(args), kwargs=dict(kwargs or {}), options=options)
    transaction.on_commit(lambda: dispatch([row.pk]), robust=robust)
    return row


def enqueue_many(
    task: Any, args_list: Iterable[Sequence[Any]], robust: bool = False, **options: Any
) -> list[OutboxTask]:
    """``enqueue`` for one task with several argument lists: one insert, one commit hook."""
    name = task if isinstance(task, str) else task.name
    rows = OutboxTask.objects.bulk_create(
        [OutboxTask(task=name, args=list(args), kwargs={}, options=options) for args in args_list]
    )
    if rows:
        ids = [row.pk for row in rows]
        transaction.on_commit(lambda: dispatch(ids), robust=robust)
    return rows


def send_now(
    task: Any, args: Sequence[Any] = (), kwargs: dict[str, Any] | None = None, **options: Any
) -> bool:
    """For a caller with no transaction to follow (a form sending an e-mail): send at once (eager:
    run at once), and record the task for the relay only if the broker refuses it. True if sent."""
    if eager():
        task = _task(task) if isinstance(task, str) else task
        if options:
            task.apply_async(args=list(args), kwargs=dict(kwargs or {}), **options)
        else:
            task.delay(*args, **(kwargs or {}))
        return True
    name = task if isinstance(task, str) else task.name
    if _broker_resting():
        OutboxTask.objects.create(task=name, args=list(args), kwargs=dict(kwargs or {}), options=options)
        return False
    try:
        _app().send_task(
            name, args=list(args), kwargs=dict(kwargs or {}), retry=False, ignore_result=True, **options
        )
        return True
    except Exception as exc:
        OutboxTask.objects.create(
            task=name,
            args=list(args),
            kwargs=dict(kwargs or {}),
            options=options,
            attempts=1,
            last_error=str(exc)[:255],
        )
        logger.warning("outbox: %s kept for the relay (%s)", name, exc)
        _broker_failed()
        return False


def _send(row: OutboxTask) -> None:
    # retry=False: fail at once when the broker is down (the row waits for the relay); ignore_result:
    # nobody reads the result, and subscribing to it would retry the result backend for ~20 s.
    _app().send_task(
        row.task, args=row.args, kwargs=row.kwargs, retry=False, ignore_result=True, **row.options
    )


#: After a failed send, this process leaves new rows to the relay for a while instead of trying the
#: broker again on every commit: a refused connection costs seconds (the client's own retries), which
#: must not be paid by every request while Redis is down.
_BROKER_DOWN_UNTIL = 0.0


def _broker_resting() -> bool:
    return time.monotonic() < _BROKER_DOWN_UNTIL


def _broker_failed() -> None:
    global _BROKER_DOWN_UNTIL
    _BROKER_DOWN_UNTIL = time.monotonic() + settings.TTHC_OUTBOX_RELAY_MIN_AGE


def dispatch(ids: Iterable[int], force: bool = False) -> int:
    """Send the given rows (those still pending and not being sent by another process); returns how many were sent."""
    ids = list(ids)
    if eager():
        rows = list(OutboxTask.objects.filter(pk__in=ids))
        OutboxTask.objects.filter(pk__in=ids).delete()
        for row in rows:  # in-process, errors propagate as they did before the outbox
            _task(row.task).apply_async(args=row.args, kwargs=row.kwargs, **row.options)
        return len(rows)
    if _broker_resting() and not force:
        return 0  # the broker failed moments ago: the relay sends these rows
    sent = 0
    for pk in ids:
        with transaction.atomic():
            locked = OutboxTask.objects.select_for_update(skip_locked=True).filter(pk=pk).first()
            if locked is None:
                continue  # sent already, or another process holds it
            row = locked
            try:
                _send(row)
            except Exception as exc:  # the broker is unreachable: keep the row for the relay
                OutboxTask.objects.filter(pk=pk).update(attempts=row.attempts + 1, last_error=str(exc)[:255])
                logger.warning("outbox: %s #%s kept for the relay (%s)", row.task, pk, exc)
                _broker_failed()
                break
            row.delete()
            sent += 1
    return sent


def relay(limit: int = 1000, min_age_seconds: int | None = None) -> dict[str, int]:
    """Send pending rows older than ``min_age_seconds`` (default ``TTHC_OUTBOX_RELAY_MIN_AGE``), oldest first.

    Stops at the first failed send (the broker is still down). Returns ``{"sent", "pending"}``.
    """
    age = settings.TTHC_OUTBOX_RELAY_MIN_AGE if min_age_seconds is None else min_age_seconds
    cutoff = timezone.now() - timedelta(seconds=age)
    sent = 0
    while sent < limit:
        ids = list(
            OutboxTask.objects.filter(created_at__lte=cutoff).values_list("pk", flat=True)[
                : min(100, limit - sent)
            ]
        )
        if not ids:
            break
        done = dispatch(ids, force=True)
        sent += done
        if done < len(ids):
            break
    return {"sent": sent, "pending": OutboxTask.objects.count()}
