"""Core's one task: the outbox relay (core/outbox.py), run by the beat every minute."""

from celery import shared_task


@shared_task(name="core.tasks.relay_outbox", acks_late=True)
def relay_outbox() -> dict:
    """Send the tasks recorded while the broker was unreachable. Idempotent: a sent row is deleted."""
    from .outbox import relay

    return relay()
