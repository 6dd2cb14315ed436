"""A lost database connection (PostgreSQL restarted, network cut) costs a retry, not the batch:
the chunk is written again on a new connection, with the same result as an uninterrupted write."""

import logging

import pytest
from django.db import OperationalError, transaction

from reconciliation.models import BatchStatus, IngestBatch, SourceDossier
from reconciliation.services import ingest as ingest_module
from reconciliation.services.ingest import ingest
from reconciliation.services.writer import Writer

from .fixtures.world import build_world, fixture_bytes, stream
from .test_ingest_idempotency import dump

pytestmark = pytest.mark.django_db(transaction=True)


class _PgError(Exception):
    def __init__(self, sqlstate):
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


def lost(sqlstate="57P01"):
    exc = OperationalError("terminating connection due to administrator command")
    exc.__cause__ = _PgError(sqlstate)
    return exc


@pytest.fixture
def pauses(monkeypatch):
    waited = []
    monkeypatch.setattr(ingest_module.time, "sleep", waited.append)
    return waited


def failing_after_write(monkeypatch, failures, exc_factory=lost):
    """``Writer.write_dossiers`` writes, then the connection 'drops' before the commit ``failures`` times."""
    real = Writer.write_dossiers
    calls = []

    def write(self, records, stale):
        calls.append(len(records))
        result = real(self, records, stale)
        if len(calls) <= failures:
            raise exc_factory()
        return result

    monkeypatch.setattr(Writer, "write_dossiers", write)
    return calls


def test_a_chunk_cut_by_a_lost_connection_is_written_again_with_the_same_result(
    monkeypatch, pauses, settings, caplog
):
    world = build_world()
    settings.TTHC_INGEST_RECONNECT_SECONDS = 60
    source = world["province_system"]
    calls = failing_after_write(monkeypatch, failures=2)
    with caplog.at_level(logging.WARNING, logger="reconciliation.services.ingest"):
        report = ingest(source, stream(fixture_bytes("portal_dongbo.json")), "portal")
    assert len(calls) == 3  # two cut transactions, then the one that committed
    assert len(pauses) == 2 and all(p > 0 for p in pauses)
    assert "connection lost" in caplog.text
    assert report.created > 0 and report.rejected == 0
    batch = IngestBatch.objects.get(pk=report.batch)
    assert batch.status == BatchStatus.DONE
    assert batch.created == report.created  # the cut transactions' counts were rolled back with them
    once = dump()
    # The same file again, uninterrupted: nothing changes (the cut attempts left nothing behind).
    monkeypatch.undo()
    again = ingest(source, stream(fixture_bytes("portal_dongbo.json")), "portal")
    assert (again.created, again.updated) == (0, 0)
    assert dump() == once


def test_the_batch_fails_clearly_once_the_reconnect_budget_is_spent(monkeypatch, pauses, settings):
    world = build_world()
    settings.TTHC_INGEST_RECONNECT_SECONDS = 3
    source = world["province_system"]
    failing_after_write(monkeypatch, failures=100)
    with pytest.raises(OperationalError):
        ingest(source, stream(fixture_bytes("portal_dongbo.json")), "portal")
    assert sum(pauses) == pytest.approx(3)
    batch = IngestBatch.objects.get()
    assert batch.status == BatchStatus.FAILED
    assert "administrator command" in batch.error
    assert not SourceDossier.objects.filter(source=source).exists()  # every cut chunk rolled back


def test_a_statement_error_is_not_taken_for_a_lost_connection(monkeypatch, pauses, settings):
    world = build_world()
    settings.TTHC_INGEST_RECONNECT_SECONDS = 60
    failing_after_write(monkeypatch, failures=1, exc_factory=lambda: lost("22P02"))  # invalid text
    with pytest.raises(OperationalError):
        ingest(world["province_system"], stream(fixture_bytes("portal_dongbo.json")), "portal")
    assert pauses == []
    assert IngestBatch.objects.get().status == BatchStatus.FAILED


def test_inside_a_callers_transaction_a_lost_connection_is_final(monkeypatch, pauses, settings):
    world = build_world()
    settings.TTHC_INGEST_RECONNECT_SECONDS = 60
    failing_after_write(monkeypatch, failures=1)
    with pytest.raises(OperationalError), transaction.atomic():
        ingest(world["province_system"], stream(fixture_bytes("portal_dongbo.json")), "portal")
    assert pauses == []  # that transaction is gone with the connection: no retry can restore it
