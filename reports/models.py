"""Rendered documents, stored: who asked, when, for what, the file's checksum and the inputs' versions.

One row per rendering that went through a worker (large documents, the monthly pre-rendering) or was
kept for a re-download. ``key`` identifies *what* was rendered — kind, format, parameters and the
versions of every input (snapshot computed-at, request updated-at, run finished-at…) — so asking again
for an unchanged document returns the stored file, byte for byte, instead of a new rendering.
Files expire (``expires_at``, ``TTHC_DOCUMENT_TTL_HOURS``) and are deleted by the purge task; the row
stays as the record of who rendered what.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.scope import scope_of


class JobState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Rendering")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")
    EXPIRED = "expired", _("Expired")


class DocumentJobQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Jobs a user may follow: their own, or any within their scope's agencies (pre-rendered ones).

        The file itself is served only after the document's own gate check (``reports.services.
        targets.resolve``) passes again for the user asking, so a job id alone never opens a file.
        """
        scope = scope_of(user)
        if scope.is_national:
            return self.all()
        mine = Q(requested_by=user) if getattr(user, "pk", None) else Q(pk__in=[])
        return self.filter(mine | scope.agency_q("agency"))

    def live(self, now=None):
        return self.filter(state=JobState.DONE, expires_at__gt=now or timezone.now())


def _upload_to(job: DocumentJob, filename: str) -> str:
    return f"documents/{job.created_at:%Y/%m}/{job.pk}/{filename}"


class DocumentJob(models.Model):
    """One rendering of a document (tài liệu): the request, its progress and the stored file."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=40)
    fmt = models.CharField(_("format"), max_length=8)
    params = models.JSONField(_("parameters"), default=dict)
    inputs = models.JSONField(_("inputs' versions"), default=dict)
    key = models.CharField(_("content key"), max_length=64, db_index=True)
    agency = models.ForeignKey(
        "tthc.Agency",
        verbose_name=_("agency"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The agency whose data the document shows (the gate's anchor); empty: national."),
    )
    state = models.CharField(_("state"), max_length=10, choices=JobState.choices, default=JobState.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("requested at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    file = models.FileField(_("file"), upload_to=_upload_to, blank=True, max_length=255)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    checksum = models.CharField(_("SHA-256 checksum"), max_length=64, blank=True)
    pages = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)

    objects = DocumentJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(state__in=JobState.values), name="document_job_known_state"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="document_job_progress_range"),
        ]
        indexes = [models.Index(fields=["state", "expires_at"], name="document_job_expiry")]

    def __str__(self) -> str:
        return f"{self.kind}.{self.fmt} {self.params} ({self.state})"
