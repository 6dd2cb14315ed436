"""Celery tasks for reconciliation: thin wrappers around the services, idempotent and safe to retry."""
from celery import shared_task
from django.db import DatabaseError

from .services.reconcile import current_period, summary
from .services.reconcile import reconcile_period as reconcile


@shared_task(name="reconciliation.tasks.reconcile_period", acks_late=True, autoretry_for=(DatabaseError,),
             retry_backoff=60, max_retries=3)
def reconcile_period(period: str | None = None, province: str | None = None, closed: bool = False) -> dict:
    """Reconcile a month (default: the current month, or the just-closed one with ``closed``).

    Re-running replaces each run's results, so a retry after a crash, a deadlock or a duplicate beat is
    harmless; a bad period or a missing portal system is not retried (it would fail the same way).
    Returns the same summary as ``manage.py reconcile --json``.
    """
    period = period or str(current_period(closed=closed))
    return summary(period, reconcile(period, province))
