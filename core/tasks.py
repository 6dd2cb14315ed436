"""Core's tasks: the outbox relay (core/outbox.py), run by the beat every minute, and the planner
statistics a small ingestion batch hands over (core/stats.py)."""

from celery import shared_task


@shared_task(name="core.tasks.relay_outbox", acks_late=True)
def relay_outbox() -> dict:
    """Send the tasks recorded while the broker was unreachable. Idempotent: a sent row is deleted."""
    from .outbox import relay

    return relay()


@shared_task(name="core.tasks.analyze_tables", acks_late=True)
def analyze_tables(labels: list[str], using: str = "default") -> list[str]:
    """ANALYZE those models' tables that changed past ``TTHC_ANALYZE_MIN_ROWS`` since their last
    ANALYZE. Idempotent: a second run finds nothing changed."""
    from django.apps import apps

    from .stats import analyze_if_changed

    return analyze_if_changed([apps.get_model(label) for label in labels], 0, using)
