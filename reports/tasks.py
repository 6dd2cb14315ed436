"""Celery tasks around ``reports.services.jobs``: idempotent, acknowledged late."""

from __future__ import annotations

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded


@shared_task(acks_late=True)
def render_document(job_id: str) -> str:
    """Render one queued document (time limits: the ``long`` kind, settings.TTHC_LONG_TASKS)."""
    from .services import jobs

    try:
        return str(jobs.run(job_id).state)
    except SoftTimeLimitExceeded:
        jobs.fail(job_id, "time limit exceeded")
        return "failed"


@shared_task(acks_late=True)
def freeze_signed_letter(request_id: int) -> str:
    """Store a signed letter too large to typeset in the signing transaction (idempotent; the ``long``
    kind's time limits)."""
    from .services import render

    return render.freeze_queued(request_id)


@shared_task(acks_late=True)
def prerender_monthly_reports(period: str | None = None) -> list[str]:
    """Monthly beat: every province's monthly report for the month just closed, ready to download."""
    from .services import jobs

    return jobs.prerender_monthly(period)


@shared_task(acks_late=True)
def purge_expired_documents() -> int:
    from .services import jobs

    return jobs.purge_expired()
