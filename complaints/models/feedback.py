"""Citizen feedback (phản ánh, kiến nghị, PAKN) and the timeline of its handling.

A feedback item records its handling dates; its state is derived from them
(``complaints.feedback_workflow``) and each step is an append-only ``FeedbackEvent`` row, like a
request's. The index's satisfaction group reads the items through its declared source
(``indicators.definitions``: ``Source.FEEDBACK``), so the index depends on complaints, never the
other way round.

Deadlines are stored on the row when it is saved (``refuse_due_at`` …) so that "on time" and
"overdue" are indexed comparisons in SQL, never per-row Python: the same reason Signalen stores a
case's deadline when it is assigned. Only ``complaints.services.deadlines`` computes them.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.scope import scope_of
from tthc.periods import Period

from ..services.deadlines import feedback_deadlines
from .requests import CaseEvent


def _overdue_q(as_of: datetime) -> Q:
    """Late at ``as_of``: a step done after its deadline, or a deadline passed with the step undone."""
    done = lambda field: Q(**{f"{field}__lte": as_of})  # noqa: E731
    undone = lambda field: Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gt": as_of})  # noqa: E731
    refused_late = done("refused_at") & Q(refused_at__gt=F("refuse_due_at"))
    asked_late = done("asked_more_at") & Q(asked_more_at__gt=F("ask_more_due_at"))
    answered_late = done("answered_at") & Q(answered_at__gt=F("answer_due_at"))
    unanswered_past_due = undone("answered_at") & undone("refused_at") & Q(answer_due_at__lt=as_of)
    published_late = done("answered_at") & done("published_at") & Q(published_at__gt=F("publish_due_at"))
    unpublished_past_due = done("answered_at") & undone("published_at") & Q(publish_due_at__lt=as_of)
    return (
        refused_late
        | asked_late
        | answered_late
        | unanswered_past_due
        | published_late
        | unpublished_past_due
    )


class FeedbackQuerySet(models.QuerySet):
    """Filters the index's declared feedback source reads (``indicators.definitions.qsets``)."""

    def in_period(self, period):
        p = Period.parse(period)
        return self.filter(received_at__gte=p.start, received_at__lt=p.end)

    def overdue(self, as_of: datetime | None = None):
        return self.filter(_overdue_q(as_of or timezone.now()))

    def not_overdue(self, as_of: datetime | None = None):
        """Handled on time so far: every step done by its deadline, or not yet due."""
        return self.exclude(_overdue_q(as_of or timezone.now()))

    def visible_to(self, user):
        return self.filter(scope_of(user).agency_q("agency"))


class Feedback(models.Model):
    """One feedback item about an agency's handling of procedures, with its handling dates."""

    code = models.CharField(_("code"), max_length=64, unique=True)
    agency = models.ForeignKey(
        "tthc.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="feedback_items"
    )
    procedure = models.ForeignKey(
        "tthc.Procedure",
        verbose_name=_("procedure"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="feedback_items",
    )
    subject = models.CharField(_("subject"), max_length=500, blank=True)
    received_at = models.DateTimeField(_("received at"))
    refused_at = models.DateTimeField(_("refused at"), null=True, blank=True)
    asked_more_at = models.DateTimeField(_("more information requested at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    published_at = models.DateTimeField(_("answer published at"), null=True, blank=True)
    disliked = models.BooleanField(_("citizen dissatisfied with the answer"), default=False)
    repeated = models.BooleanField(_("raised again (repeat feedback)"), default=False)
    refuse_due_at = models.DateTimeField(_("refuse by"), editable=False)
    ask_more_due_at = models.DateTimeField(_("ask for more information by"), editable=False)
    answer_due_at = models.DateTimeField(_("answer by"), editable=False)
    publish_due_at = models.DateTimeField(_("publish the answer by"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = FeedbackQuerySet.as_manager()

    class Meta:
        verbose_name = _("feedback item")
        verbose_name_plural = _("feedback items")
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["agency", "received_at"], name="feedback_agency_time")]
        constraints = [
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True) | Q(answered_at__gte=F("received_at")),
                name="feedback_answered_after_received",
            ),
            models.CheckConstraint(
                condition=Q(refused_at__isnull=True) | Q(refused_at__gte=F("received_at")),
                name="feedback_refused_after_received",
            ),
            models.CheckConstraint(
                condition=Q(published_at__isnull=True)
                | (Q(answered_at__isnull=False) & Q(published_at__gte=F("answered_at"))),
                name="feedback_published_after_answer",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def save(self, *args, **kwargs):
        """Deadlines are derived data: recomputed on every save, so they can never go stale."""
        self.fill_deadlines()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {
                *update_fields,
                "refuse_due_at",
                "ask_more_due_at",
                "answer_due_at",
                "publish_due_at",
            }
        super().save(*args, **kwargs)

    def clean(self):
        errors = {}
        for field in ("refused_at", "asked_more_at", "answered_at"):
            value = getattr(self, field)
            if value and self.received_at and value < self.received_at:
                errors[field] = _("This date is before the feedback was received.")
        if self.published_at and not self.answered_at:
            errors["published_at"] = _("An answer cannot be published before it is given.")
        elif self.published_at and self.published_at < self.answered_at:
            errors["published_at"] = _("The answer is published before it was given.")
        if self.refused_at and self.answered_at:
            errors["refused_at"] = _("A feedback item is either refused or answered, not both.")
        if errors:
            raise ValidationError(errors)

    def fill_deadlines(self) -> None:
        d = feedback_deadlines(self.received_at, self.answered_at)
        self.refuse_due_at, self.ask_more_due_at, self.answer_due_at = d.refuse, d.ask_more, d.answer
        self.publish_due_at = d.publish

    def is_overdue(self, as_of: datetime | None = None) -> bool:
        return Feedback.objects.filter(pk=self.pk).overdue(as_of).exists()


class FeedbackEvent(CaseEvent):
    feedback = models.ForeignKey(
        Feedback, verbose_name=_("feedback item"), on_delete=models.PROTECT, related_name="events"
    )

    class Meta(CaseEvent.Meta):
        verbose_name = _("feedback event")
        verbose_name_plural = _("feedback events")
        indexes = [models.Index(fields=["feedback", "at"], name="feedback_event_timeline")]
