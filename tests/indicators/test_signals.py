"""indicators reacts to reconciliation's signals."""


def test_an_ingestion_batch_that_changed_dossiers_schedules_a_recompute(monkeypatch, db):
    """reconciliation sends ``batch_ingested``; indicators answers with a debounced recompute."""
    from indicators import tasks
    from reconciliation.models import IngestBatch
    from reconciliation.signals import batch_ingested

    calls = []
    monkeypatch.setattr(tasks, "schedule_recompute", lambda *a, **k: calls.append((a, k)) or True)
    batch_ingested.send(sender=IngestBatch, batch=None)
    assert calls == [((), {})]


def test_the_recompute_after_ingestion_can_be_switched_off(monkeypatch, settings, db):
    """``INDICATOR_RECOMPUTE_AFTER_INGEST=False`` (bulk back-fills): the batch asks for nothing and
    the hourly beat picks the changes up."""
    from indicators import tasks
    from reconciliation.models import IngestBatch
    from reconciliation.signals import batch_ingested

    settings.INDICATOR_RECOMPUTE_AFTER_INGEST = False
    calls = []
    monkeypatch.setattr(tasks, "schedule_recompute", lambda *a, **k: calls.append((a, k)) or True)
    batch_ingested.send(sender=IngestBatch, batch=None)
    assert calls == []
