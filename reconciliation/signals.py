"""Signals other apps listen to, so reconciliation imports none of them (data flows one way)."""
from django.dispatch import Signal

#: Sent after a reconciliation run's results are committed; ``run`` is the ReconciliationRun.
run_finished = Signal()
