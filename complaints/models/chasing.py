"""Markers of what was already sent: what makes chasing idempotent however often the worker runs.

A marker row is inserted in the same transaction as the notifications it stands for; the unique
constraint turns a second attempt (a retry, an overlapping worker, five runs at the same instant)
into a no-op. A case's markers are per deadline round, so a reopened case with a new deadline is
reminded again; digests are per ministry and ISO week.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ChaseStage(models.TextChoices):
    REMINDER = "reminder", _("Reminder before the deadline")
    DEADLINE = "deadline", _("Deadline notice")
    ESCALATION = "escalation", _("Escalation")


class ChaseMarker(models.Model):
    request = models.ForeignKey(
        "complaints.SyncGapRequest",
        verbose_name=_("request"),
        on_delete=models.CASCADE,
        related_name="chase_markers",
    )
    stage = models.CharField(_("stage"), max_length=20, choices=ChaseStage.choices)
    round = models.PositiveSmallIntegerField(_("deadline round"), default=1)
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    recipients = models.PositiveIntegerField(_("recipients"), default=0)

    class Meta:
        verbose_name = _("chasing marker")
        verbose_name_plural = _("chasing markers")
        ordering = ["request", "round", "sent_at"]
        constraints = [
            models.UniqueConstraint(fields=["request", "stage", "round"], name="chase_marker_once_per_stage")
        ]

    def __str__(self) -> str:
        return f"{self.request_id} {self.stage} r{self.round}"


class DigestMarker(models.Model):
    ministry = models.ForeignKey(
        "tthc.Agency", verbose_name=_("ministry"), on_delete=models.CASCADE, related_name="+"
    )
    week = models.CharField(_("ISO week"), max_length=8, help_text="YYYY-Www")
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    cases = models.PositiveIntegerField(_("open cases"), default=0)

    class Meta:
        verbose_name = _("weekly digest marker")
        verbose_name_plural = _("weekly digest markers")
        ordering = ["-week", "ministry"]
        constraints = [
            models.UniqueConstraint(fields=["ministry", "week"], name="digest_marker_once_per_week")
        ]

    def __str__(self) -> str:
        return f"{self.ministry_id} {self.week}"
