"""reports listens to complaints: a letter signed is typeset once and stored as signed."""

from django.dispatch import receiver

from complaints.signals import letter_signed

from .services import render


@receiver(letter_signed, dispatch_uid="reports.freeze_signed_letter")
def _freeze_signed_letter(sender, case, now, **kwargs):
    render.freeze_at_signing(case, now)
