"""The sync-gap request (kiến nghị) a province files with a ministry, its timeline and its files."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tthc.period_fields import PeriodField

from ..workflow import AWAITING_MINISTRY, OPEN, Resolution, State


class SyncGapRequestQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The permission gate's scope for requests (``complaints.access.request_q``)."""
        from ..access import request_q

        return self.filter(request_q(user))

    def for_period(self, period):
        return self.filter(period=str(period))

    def awaiting_ministry(self):
        return self.filter(state__in=AWAITING_MINISTRY)

    def open(self):
        return self.filter(state__in=OPEN)

    def overdue(self, now: datetime | None = None):
        """Still with the ministry (or escalated) past the stored response deadline: an indexed comparison."""
        now = now or timezone.now()
        return self.filter(state__in=(*AWAITING_MINISTRY, State.ESCALATED), response_due_at__lt=now)


class SyncGapRequest(models.Model):
    """One request per province × ministry system × month, with the evidence frozen when it was filed.

    The evidence (gap counts per kind, points at stake, the gap list as CSV and Excel attachments)
    is copied from the reconciliation run, not referenced: the run is replaced by later runs of the
    same month, the letter must keep saying what it said. Later figures seen by verification go to
    the ``latest_*`` fields. Deadlines are stored (``response_due_at`` and the chasing moments), so
    "overdue" is an indexed comparison, and each new deadline starts a new ``deadline_round`` so
    that the chasing markers of a reopened case start afresh.
    """

    province = models.ForeignKey(
        "tthc.Agency",
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        related_name="sync_requests_filed",
    )
    ministry = models.ForeignKey(
        "tthc.Agency",
        verbose_name=_("ministry"),
        on_delete=models.PROTECT,
        related_name="sync_requests_received",
    )
    source = models.ForeignKey(
        "reconciliation.SourceSystem",
        verbose_name=_("ministry system"),
        on_delete=models.PROTECT,
        related_name="sync_requests",
    )
    period = PeriodField(_("period"), help_text="YYYY-MM")
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.DRAFT)
    subject = models.CharField(_("subject"), max_length=500, blank=True)
    body = models.TextField(_("body"), blank=True)

    # Evidence frozen at filing.
    run = models.ForeignKey(
        "reconciliation.ReconciliationRun",
        verbose_name=_("reconciliation run"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    gap_counts = models.JSONField(_("gaps per kind"), default=dict, blank=True)
    gap_total = models.PositiveIntegerField(_("gaps"), default=0)
    dossiers_compared = models.PositiveIntegerField(_("dossiers compared"), default=0)
    points_at_stake = models.DecimalField(_("points at stake"), max_digits=7, decimal_places=3, default=0)
    evidence_at = models.DateTimeField(_("evidence frozen at"), null=True, blank=True)
    # What the latest verification saw.
    latest_gap_counts = models.JSONField(_("latest gaps per kind"), null=True, blank=True)
    latest_gap_total = models.PositiveIntegerField(_("latest gaps"), null=True, blank=True)
    latest_points_at_stake = models.DecimalField(
        _("latest points at stake"), max_digits=7, decimal_places=3, null=True, blank=True
    )
    latest_checked_at = models.DateTimeField(_("last verified at"), null=True, blank=True)

    # Deadlines (stored, Vietnam working days through tthc.calendar).
    response_days = models.PositiveSmallIntegerField(_("response time (working days)"), default=10)
    deadline_round = models.PositiveSmallIntegerField(_("deadline round"), default=0)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    response_due_at = models.DateTimeField(_("answer due by"), null=True, blank=True)
    reminder_at = models.DateTimeField(_("reminder from"), null=True, blank=True)
    notice_at = models.DateTimeField(_("deadline notice from"), null=True, blank=True)
    escalation_at = models.DateTimeField(_("escalation from"), null=True, blank=True)

    # The ministry's side of the story.
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    fix_plan = models.TextField(_("fix plan"), blank=True)
    fix_target_date = models.DateField(_("fix target date"), null=True, blank=True)
    answer = models.TextField(_("answer"), blank=True)
    resolution = models.CharField(_("outcome"), max_length=20, choices=Resolution.choices, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    province_assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("province assignee"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    ministry_assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ministry assignee"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    state_changed_at = models.DateTimeField(_("state changed at"), default=timezone.now)

    objects = SyncGapRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("sync-gap request")
        verbose_name_plural = _("sync-gap requests")
        ordering = ["-period", "province", "ministry", "source"]
        constraints = [
            models.UniqueConstraint(
                fields=["province", "source", "period"], name="sync_request_one_per_month"
            ),
            models.CheckConstraint(condition=Q(state__in=State.values), name="sync_request_known_state"),
            models.CheckConstraint(
                condition=Q(resolution="") | Q(resolution__in=Resolution.values),
                name="sync_request_known_outcome",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "response_due_at"], name="sync_request_due"),
            models.Index(fields=["ministry", "state"], name="sync_request_ministry"),
            models.Index(fields=["period", "province"], name="sync_request_period"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.period} {self.province_id}→{self.source_id}"

    @property
    def reference(self) -> str:
        """The number shown on pages and in e-mails: KN-<period>-<id>."""
        return f"KN-{self.period}-{self.pk:05d}" if self.pk else "KN-?"

    def is_overdue(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return (
            self.state in (*AWAITING_MINISTRY, State.ESCALATED)
            and self.response_due_at is not None
            and self.response_due_at < now
        )


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("This table is append-only.")

    def delete(self):
        raise TypeError("This table is append-only.")


class EventKind(models.TextChoices):
    CREATED = "created", _("Created")
    TRANSITION = "transition", _("State changed")
    EDIT = "edit", _("Edited")
    COMMENT = "comment", _("Comment")
    ATTACHMENT = "attachment", _("Attachment")
    ASSIGNMENT = "assignment", _("Assignment")
    EVIDENCE = "evidence", _("Evidence frozen")
    CHASE = "chase", _("Reminder sent")


class CaseEvent(models.Model):
    """A case's timeline row (who, when, from, to, comment, fields): append-only, for every workflow."""

    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    from_state = models.CharField(_("from"), max_length=20, blank=True)
    to_state = models.CharField(_("to"), max_length=20, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    fields = models.JSONField(_("fields"), default=dict, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.from_state}→{self.to_state}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("Case events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Case events are append-only.")

    @property
    def actor_label(self) -> str:
        return str(self.actor) if self.actor_id else str(_("System"))


class RequestEvent(CaseEvent):
    """The sync-gap request's timeline."""

    request = models.ForeignKey(
        SyncGapRequest, verbose_name=_("request"), on_delete=models.PROTECT, related_name="events"
    )
    from_state = models.CharField(_("from"), max_length=20, choices=State.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=20, choices=State.choices, blank=True)

    class Meta(CaseEvent.Meta):
        verbose_name = _("request event")
        verbose_name_plural = _("request events")
        indexes = [models.Index(fields=["request", "at"], name="request_event_timeline")]


class AttachmentKind(models.TextChoices):
    EVIDENCE_CSV = "evidence_csv", _("Gap list (CSV)")
    EVIDENCE_XLSX = "evidence_xlsx", _("Gap list (Excel)")
    DOCUMENT = "document", _("Document")


def _upload_to(instance, filename):
    return f"complaints/{instance.request.period}/{instance.request_id}/{filename}"


class RequestAttachment(models.Model):
    """A file on a case: the generated gap lists, or a document a user uploaded (size/type limited)."""

    request = models.ForeignKey(
        SyncGapRequest, verbose_name=_("request"), on_delete=models.PROTECT, related_name="attachments"
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=AttachmentKind.choices, default=AttachmentKind.DOCUMENT
    )
    file = models.FileField(_("file"), upload_to=_upload_to, max_length=300)
    name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    superseded = models.BooleanField(
        _("superseded"), default=False, help_text=_("Evidence replaced by a fresher run before submission.")
    )

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.name
