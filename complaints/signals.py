"""complaints listens to reconciliation: a finished run verifies the answered cases it can judge; and
tells the apps above it that a letter was signed, so that it imports none of them (data flows one way)."""

from django.dispatch import Signal, receiver

from reconciliation.signals import run_finished

#: Sent inside the signing transaction, once the request is saved as ``submitted`` with its signer and
#: number; ``case`` is the SyncGapRequest, ``now`` the moment of signing. The documents app
#: (``reports.signals``) renders the letter's PDF and Word file and stores them
#: (``complaints.services.signed_letters``): the letter as signed, served from then on.
letter_signed = Signal()


@receiver(run_finished, dispatch_uid="complaints.verify_on_run_finished")
def _verify_on_run_finished(sender, run, **kwargs):
    from .services.verification import on_run_finished

    on_run_finished(run)
