"""Core's one table: the transactional outbox of Celery tasks (docs/adr/0019-outbox-queues-replica.md)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxTask(models.Model):
    """A task to queue, written in the transaction whose commit it follows.

    ``core.outbox.enqueue`` inserts the row beside the change that needs the task and, on commit,
    sends it to the broker and deletes it. When the broker (Redis) is down the row stays, and the
    relay (the beat's ``core.tasks.relay_outbox`` every minute, or ``manage.py relay_outbox``) sends
    it when the broker is back. So a row here is a task not yet handed to the broker; tasks are
    idempotent, so one sent twice (a relay racing a slow commit hook) does no harm.
    """

    task = models.CharField(_("task"), max_length=200)
    args = models.JSONField(_("arguments"), default=list, blank=True)
    kwargs = models.JSONField(_("keyword arguments"), default=dict, blank=True)
    options = models.JSONField(_("sending options"), default=dict, blank=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    attempts = models.PositiveIntegerField(_("failed sends"), default=0)
    last_error = models.CharField(_("last error"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("queued task (outbox)")
        verbose_name_plural = _("queued tasks (outbox)")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.task} #{self.pk}"
