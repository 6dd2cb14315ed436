"""Celery tasks for reconciliation: thin wrappers around the services, idempotent and safe to retry.

A month is reconciled as one ``reconcile_province`` task per province — the unit the service
commits on its own — so each task stays within the "long" time limit (settings,
``CELERY_TASK_ANNOTATIONS``) and a killed worker costs one province, redelivered, not the month.
"""

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import DatabaseError

from tthc.periods import Period

from .services.reconcile import parse_period, provinces_for, summary
from .services.reconcile import reconcile_period as reconcile


@shared_task(
    name="reconciliation.tasks.reconcile_period",
    acks_late=True,
    autoretry_for=(DatabaseError,),
    retry_backoff=60,
    max_retries=3,
)
def reconcile_period(period: str | None = None, province: str | None = None, closed: bool = False) -> dict:
    """Reconcile a month (default: the current month, or the just-closed one with ``closed``): queue one
    ``reconcile_province`` task per province in force during the month (or for ``province``).

    A bad period or an unknown province raises here, before anything is queued, and is not retried.
    Returns ``{"period", "provinces": [codes queued]}``.
    """
    p = parse_period(period) if period else (Period.last_closed() if closed else Period.current())
    codes = [prov.code for prov in provinces_for(p, province)]
    for code in codes:
        reconcile_province.delay(str(p), code)
    return {"period": str(p), "provinces": codes}


@shared_task(
    name="reconciliation.tasks.reconcile_province",
    acks_late=True,
    autoretry_for=(DatabaseError,),
    dont_autoretry_for=(SoftTimeLimitExceeded,),
    retry_backoff=60,
    max_retries=3,
)
def reconcile_province(period: str, province: str) -> dict:
    """Reconcile one province's month against every system. Re-running replaces its runs' results, so
    a retry after a crash, a deadlock or a redelivery is harmless. Returns the ``reconcile --json``
    summary of its runs."""
    return summary(period, reconcile(period, province))
