"""indicators listens to ingestion: a batch that changed dossiers asks for a debounced recompute of
the live month (closed months are recomputed by the beat on the 1st)."""
from django.conf import settings
from django.dispatch import receiver

from reconciliation.signals import batch_ingested


@receiver(batch_ingested, dispatch_uid="indicators.recompute_after_ingestion")
def _recompute_after_ingestion(sender, batch, **kwargs):
    if not settings.INDICATOR_RECOMPUTE_AFTER_INGEST:
        return
    from .tasks import schedule_recompute

    schedule_recompute()
