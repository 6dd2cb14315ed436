"""Asking for a document: a stored copy, a rendering on the spot, or a worker's job.

- A signed request letter is its copy stored at signing (``render.stored_letter``), whatever its size;
  one signed before copies were stored is frozen by its first download (``render.render``).
- A document whose kind, format, parameters and inputs' versions (``render.inputs``) match a stored,
  unexpired rendering is that file again — the same bytes, the same checksum.
- A small document (``render.is_large`` false) is rendered on request and not stored.
- A large one becomes a :class:`DocumentJob`: a Celery task (``reports.tasks.render_document``,
  queued on commit) renders it with progress, under the task time limit and the page limit, and
  stores it with who asked, when, its SHA-256 and the inputs' versions; it expires after
  ``TTHC_DOCUMENT_TTL_HOURS``. The task resolves the parameters again *as the asker* (the beat's as
  the national administrator), so a job never renders what its asker may not see.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from accounts.services.users import cli_actor
from indicators.models import IndicatorSnapshot, Level
from tthc.periods import Period

from ..models import DocumentJob, JobState
from . import render
from .pdf import Rendered
from .targets import PDF, DocumentError, Target, resolve


@dataclass
class Answer:
    """What a request for a document gets: the file (rendered now, or stored) or a job to follow."""

    target: Target
    rendered: Rendered | None = None
    job: DocumentJob | None = None

    @property
    def ready(self) -> bool:
        return self.rendered is not None or (self.job is not None and self.job.state == JobState.DONE)


def content_key(target: Target, inputs: dict[str, Any]) -> str:
    payload = {"kind": target.kind, "fmt": target.fmt, "params": target.params, "inputs": inputs}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def _enqueue(job: DocumentJob) -> None:
    from ..tasks import render_document  # the task module imports this one

    transaction.on_commit(lambda: render_document.delay(str(job.pk)))


def ask(target: Target, user: Any, *, force_job: bool = False) -> Answer:
    """The document for ``target`` (already resolved through the gate for ``user``)."""
    if render.is_signed_letter(target):
        copy = render.stored_letter(target)
        if copy is not None:
            return Answer(target, rendered=copy)
    inputs = render.inputs(target)
    key = content_key(target, inputs)
    now = timezone.now()
    stored = DocumentJob.objects.live(now).filter(key=key).order_by("-finished_at").first()
    if stored is not None:
        return Answer(target, job=stored)
    if not force_job and not render.is_large(target):
        return Answer(target, rendered=render.render(target))
    pending = (
        DocumentJob.objects.filter(key=key, state__in=(JobState.QUEUED, JobState.RUNNING))
        .filter(requested_by=user if getattr(user, "pk", None) else None)
        .first()
    )
    if pending is not None:
        return Answer(target, job=pending)
    job = DocumentJob.objects.create(
        kind=target.kind,
        fmt=target.fmt,
        params=target.params,
        inputs=inputs,
        key=key,
        agency=target.agency,
        requested_by=user if getattr(user, "pk", None) and not getattr(user, "is_system", False) else None,
    )
    _enqueue(job)
    return Answer(target, job=job)


def _progress(job_id: Any) -> Any:
    def report(percent: int) -> None:
        DocumentJob.objects.filter(pk=job_id).update(progress=min(99, percent))

    return report


def run(job_id: Any, now: datetime | None = None) -> DocumentJob:
    """Render a queued job (the task's body). Idempotent: a finished job is left as it is."""
    job = DocumentJob.objects.get(pk=job_id)
    if job.state in (JobState.DONE, JobState.EXPIRED):
        return job
    DocumentJob.objects.filter(pk=job.pk).update(
        state=JobState.RUNNING, started_at=timezone.now(), progress=5
    )
    user = job.requested_by or cli_actor()
    try:
        target = resolve(job.kind, job.params, user, job.fmt)
        rendered = render.render(target, progress=_progress(job.pk))
    except DocumentError as exc:
        DocumentJob.objects.filter(pk=job.pk).update(
            state=JobState.FAILED, error=exc.message[:500], finished_at=timezone.now()
        )
        job.refresh_from_db()
        return job
    finished = now or timezone.now()
    job.refresh_from_db()
    job.file.save(target.filename(), ContentFile(rendered.content), save=False)
    job.filename = target.filename()
    job.content_type = rendered.content_type
    job.size = len(rendered.content)
    job.checksum = hashlib.sha256(rendered.content).hexdigest()
    job.pages = rendered.pages
    job.state, job.progress, job.error = JobState.DONE, 100, ""
    job.finished_at = finished
    job.expires_at = finished + timedelta(hours=settings.TTHC_DOCUMENT_TTL_HOURS)
    job.save()
    return job


def fail(job_id: Any, reason: str) -> None:
    """Mark a job failed (the task hit its time limit or crashed); the page shows the reason."""
    DocumentJob.objects.filter(pk=job_id).exclude(state=JobState.DONE).update(
        state=JobState.FAILED, error=reason[:500], finished_at=timezone.now()
    )


def purge_expired(now: datetime | None = None) -> int:
    """Delete the files of expired renderings; the rows stay as the record (state ``expired``)."""
    now = now or timezone.now()
    count = 0
    for job in DocumentJob.objects.filter(state=JobState.DONE, expires_at__lte=now).iterator():
        if job.file:
            job.file.delete(save=False)
        DocumentJob.objects.filter(pk=job.pk).update(state=JobState.EXPIRED, file="")
        count += 1
    return count


def prerender_monthly(period: Period | str | None = None) -> list[str]:
    """Queue the ``monthly_report`` of every province scored for ``period`` (default: the month just
    closed), as the national administrator; one already stored for the same inputs is not redone."""
    month = Period.parse(period, kinds=("month",)) if period else Period.last_closed()
    codes = (
        IndicatorSnapshot.objects.filter(period=str(month), level=Level.PROVINCE)
        .order_by("agency__code")
        .values_list("agency__code", flat=True)
    )
    actor = cli_actor()
    queued = []
    for code in codes:
        target = resolve("monthly_report", {"agency": code, "period": str(month)}, actor, PDF)
        answer = ask(target, actor, force_job=True)
        if answer.job is not None:
            queued.append(str(answer.job.pk))
    return queued
