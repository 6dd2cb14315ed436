"""The timeline of a citizen feedback item (phản ánh, kiến nghị) handled with the case machinery.

The feedback itself lives in ``indicators`` (it feeds the index's satisfaction group, with its
deadlines stored by ``indicators.services.deadlines``); its handling steps are recorded here, like a
request's, one append-only row per transition.
"""
from django.db import models
from django.utils.translation import gettext_lazy as _

from .requests import CaseEvent


class FeedbackEvent(CaseEvent):
    feedback = models.ForeignKey(
        "indicators.Feedback", verbose_name=_("feedback item"), on_delete=models.PROTECT, related_name="events"
    )

    class Meta(CaseEvent.Meta):
        verbose_name = _("feedback event")
        verbose_name_plural = _("feedback events")
        indexes = [models.Index(fields=["feedback", "at"], name="feedback_event_timeline")]
