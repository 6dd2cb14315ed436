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
