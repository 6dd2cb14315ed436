"""Signals other apps listen to, so reconciliation imports none of them (data flows one way)."""

from django.dispatch import Signal

#: Sent after a reconciliation run's results are committed; ``run`` is the ReconciliationRun.
run_finished = Signal()

#: Sent inside a province's reconciliation transaction, before its runs are saved: ``runs`` (the
#: province's ReconciliationRun objects of the month, gap counts filled in), ``counts`` (the
#: province's ``ProvinceCounts``: portal and reporting totals) and ``period``. The index's formulas
#: live above reconciliation, so a receiver there (``indicators.signals``) sets each run's
#: ``points_at_stake``; nobody listening leaves them at 0.
runs_counted = Signal()

#: Sent after an ingestion batch that changed dossiers has finished; ``batch`` is the IngestBatch.
batch_ingested = Signal()
