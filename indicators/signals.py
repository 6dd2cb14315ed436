"""indicators listens to reconciliation: a batch that changed dossiers asks for a debounced recompute
of the live month (closed months are recomputed by the beat on the 1st), and a province's counted
runs get their points at stake from the index's declarations."""

from django.conf import settings
from django.dispatch import receiver

from reconciliation.signals import batch_ingested, runs_counted

from .services.impact import set_points_at_stake


@receiver(batch_ingested, dispatch_uid="indicators.recompute_after_ingestion")
def _recompute_after_ingestion(sender, batch, **kwargs):
    if not settings.INDICATOR_RECOMPUTE_AFTER_INGEST:
        return
    from .tasks import schedule_recompute

    schedule_recompute()


@receiver(runs_counted, dispatch_uid="indicators.points_at_stake")
def _points_at_stake(sender, runs, counts, period=None, **kwargs):
    set_points_at_stake(runs, counts, period)
