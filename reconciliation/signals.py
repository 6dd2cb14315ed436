"""Signals other apps listen to, so reconciliation imports none of them (data flows one way)."""

from django.dispatch import Signal

#: Sent after a reconciliation run's results are committed; ``run`` is the ReconciliationRun.
run_finished = Signal()

#: Sent when a province's reconciliation starts, before its comparison, only when that reconciliation
#: is not nested in a caller's transaction (everything it reads is committed): ``province`` (the
#: Agency), ``period`` and ``pg_settings`` (the run's memory, for a helper connection). A receiver may
#: start read-only work on a connection of its own (``core.concurrency.on_own_connection``, given
#: ``pg_settings``) — it then runs while the comparison does — and return a
#: handle; the non-None handles come back to every ``runs_counted`` receiver as ``prepared`` (a list).
province_starting = Signal()

#: Sent inside a province's reconciliation transaction, before its runs are saved: ``runs`` (the
#: province's ReconciliationRun objects of the month, gap counts filled in), ``counts`` (the
#: province's ``ProvinceCounts``: portal and reporting totals) and ``period``. The index's formulas
#: live above reconciliation, so a receiver there (``indicators.signals``) sets each run's
#: ``points_at_stake``; nobody listening leaves them at 0. ``prepared``: the handles returned for
#: ``province_starting`` (empty when it was not sent).
runs_counted = Signal()

#: Sent after an ingestion batch that changed dossiers has finished; ``batch`` is the IngestBatch.
batch_ingested = Signal()
