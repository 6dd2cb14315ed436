"""Signals other apps listen to, so reconciliation imports none of them (data flows one way)."""
from django.dispatch import Signal

#: Sent after a reconciliation run's results are committed; ``run`` is the ReconciliationRun.
run_finished = Signal()

#: Sent after an ingestion batch that changed dossiers has finished; ``batch`` is the IngestBatch.
batch_ingested = Signal()
