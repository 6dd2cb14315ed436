"""Celery tasks: a few lines each around the services; idempotent, ``acks_late``, capped retries."""

from __future__ import annotations

from datetime import timedelta
from smtplib import SMTPException

from celery import shared_task
from django.conf import settings

from reconciliation.tasks import reconcile_period


@shared_task(acks_late=True)
def prepare_requests(period: str | None = None) -> dict:
    """Draft the month's requests (default: the month just closed): one ``prepare_province_requests``
    task per province with runs above the threshold (each writes its drafts' gap lists, which can be
    large, so the month is split to keep each task within its time limit). Safe to run again."""
    from .services.preparation import month, provinces_to_prepare

    period = str(month(period))
    codes = provinces_to_prepare(period)
    for code in codes:
        prepare_province_requests.delay(period, code)
    return {"period": period, "provinces": codes}


@shared_task(acks_late=True)
def prepare_province_requests(period: str, province: str) -> list[int]:
    """Draft one province's requests for the month; returns the drafts created (none on a re-run)."""
    from .services.preparation import prepare_requests as prepare

    return [case.pk for case in prepare(period, province=province)]


@shared_task(acks_late=True)
def chase_overdue() -> dict:
    """Hourly: verify answered cases against newer runs, then chase (each stage sent once)."""
    from .services.chasing import chase_overdue as chase
    from .services.verification import verify_pending

    verified = verify_pending()
    return {**chase(), "verified": len(verified)}


@shared_task(acks_late=True)
def recheck_answered() -> list[list[str]]:
    """Nightly: ask reconciliation to re-run the months of cases answered "fixed", so that the next
    run (and its ``on_run_finished`` hook, or the hourly safety net) can verify them."""
    from .services.verification import months_to_recheck

    pairs = months_to_recheck()
    for period, province in pairs:
        reconcile_period.delay(period=period, province=province)
    return [list(p) for p in pairs]


@shared_task(acks_late=True)
def sweep_signed_letter_files() -> int:
    """Nightly: delete stored letter files that no signed letter holds (a signing rolled back after
    writing them), older than ``TTHC_SIGNED_LETTER_ORPHAN_MINUTES``."""
    from .services.signed_letters import sweep

    return len(sweep(timedelta(minutes=settings.TTHC_SIGNED_LETTER_ORPHAN_MINUTES)))


@shared_task(bind=True, acks_late=True, max_retries=None)
def send_notification_email(self, notification_id: int) -> bool:
    """E-mail one notification (queued on commit). Retried with back-off, at most
    ``TTHC_REQUEST_EMAIL_MAX_RETRIES`` times; already-sent notifications are skipped."""
    from .services.notifications import send_email

    try:
        return send_email(notification_id)
    except (SMTPException, OSError) as exc:
        # Capped below the broker's visibility timeout: a waiting (ETA) task is held unacknowledged.
        countdown = min(60 * 2**self.request.retries, settings.TTHC_TASK_MAX_COUNTDOWN)
        raise self.retry(
            exc=exc, countdown=countdown, max_retries=settings.TTHC_REQUEST_EMAIL_MAX_RETRIES
        ) from exc
