"""indicators listens to reconciliation: a batch that changed dossiers asks for a debounced recompute
of the live month (closed months are recomputed by the beat on the 1st), and a province's counted
runs get their points at stake from the index's declarations (the province's platform counts they
need are started, on a connection of their own, when the province's reconciliation starts)."""

from django.conf import settings
from django.dispatch import receiver

from reconciliation.signals import batch_ingested, province_starting, runs_counted

from .services.impact import PlatformCounts, prepare_platform_counts, set_points_at_stake


@receiver(batch_ingested, dispatch_uid="indicators.recompute_after_ingestion")
def _recompute_after_ingestion(sender, batch, **kwargs):
    if not settings.INDICATOR_RECOMPUTE_AFTER_INGEST:
        return
    from .tasks import schedule_recompute

    schedule_recompute()


@receiver(province_starting, dispatch_uid="indicators.platform_counts")
def _platform_counts(sender, province, period, pg_settings=None, **kwargs):
    """The province's platform counts the points at stake need, counted while the comparison runs."""
    return prepare_platform_counts(province, period, pg_settings=pg_settings)


@receiver(runs_counted, dispatch_uid="indicators.points_at_stake")
def _points_at_stake(sender, runs, counts, period=None, prepared=(), **kwargs):
    platform = next((p for p in prepared if isinstance(p, PlatformCounts)), None)
    set_points_at_stake(runs, counts, period, platform=platform)
