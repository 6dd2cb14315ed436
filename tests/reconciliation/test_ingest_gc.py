"""Ingestion pauses Python's cyclic collector for the duration of a batch and gives it back."""

import gc

from reconciliation.services import ingest


def test_gc_is_paused_inside_and_restored_after_nested_batches():
    assert gc.isenabled()
    with ingest.gc_paused():
        assert not gc.isenabled()
        with ingest.gc_paused():  # a replay inside a batch, or a second thread's batch
            assert not gc.isenabled()
        assert not gc.isenabled(), "the outer batch is still running"
    assert gc.isenabled()


def test_gc_is_restored_when_the_batch_fails():
    try:
        with ingest.gc_paused():
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    assert gc.isenabled()


def test_a_process_with_gc_off_keeps_it_off():
    gc.disable()
    try:
        with ingest.gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_cycles_made_during_a_long_batch_are_collected(monkeypatch, db):
    """Every ``GC_EVERY_CHUNKS`` chunks the producer runs a full collection, so memory stays bounded."""
    from reconciliation.adapters import get_adapter
    from reconciliation.adapters.fields import Context

    collected = []
    monkeypatch.setattr(ingest, "GC_EVERY_CHUNKS", 2)
    monkeypatch.setattr(ingest.gc, "collect", lambda *a: collected.append(a) or 0)
    records = [(i, {"MaHoSo": ""}) for i in range(10)]  # ten rejects, chunks of two
    with ingest.gc_paused():
        chunks = list(ingest.validated_chunks(get_adapter("jsonl"), records, Context({}, {}), size=2))
    assert len(chunks) == 5
    assert len(collected) == 2  # after chunks 2 and 4; none forced when the batch ends
