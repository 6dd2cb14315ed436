"""A document job rendered by a real Celery worker through Redis (CI's PostgreSQL + Redis pass)."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.services.users import cli_actor
from reports.models import DocumentJob, JobState
from reports.services import jobs
from reports.services.targets import resolve
from tests.factories import DossierFactory, commune, province
from tthc.models import ApologyLetter


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_job_is_rendered_by_a_real_worker(settings, tmp_path):
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    settings.MEDIA_ROOT = tmp_path
    app.conf.task_always_eager = False
    try:
        hn = province()
        dossier = DossierFactory(code="00004-261201-000001", receiving_agency=commune(hn))
        ApologyLetter.objects.create(
            dossier=dossier,
            issued_at=dossier.received_at,
            reason="Cần xác minh thêm",
            original_due_at=dossier.due_at,
            new_due_at=dossier.due_at + timedelta(days=2),
        )
        actor = cli_actor()
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            target = resolve("apology_letter", {"dossier": dossier.code}, actor, "docx")
            job = jobs.ask(target, actor, force_job=True).job  # queued on commit (autocommit here)
            deadline = timezone.now() + timedelta(seconds=60)
            while timezone.now() < deadline:
                job.refresh_from_db()
                if job.state in (JobState.DONE, JobState.FAILED):
                    break
                time.sleep(0.2)
        assert job.state == JobState.DONE, job.error
        assert job.checksum and job.size and job.file.read().startswith(b"PK")  # a .docx is a zip
        assert DocumentJob.objects.count() == 1
    finally:
        app.conf.task_always_eager = True
