"""complaints listens to reconciliation: a finished run verifies the answered cases it can judge."""

from django.dispatch import receiver

from reconciliation.signals import run_finished


@receiver(run_finished, dispatch_uid="complaints.verify_on_run_finished")
def _verify_on_run_finished(sender, run, **kwargs):
    from .services.verification import on_run_finished

    on_run_finished(run)
