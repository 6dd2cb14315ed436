from smtplib import SMTPException

from celery import shared_task
from django.contrib.sessions.models import Session
from django.utils import timezone


@shared_task
def clear_expired_sessions() -> int:
    """Delete expired sessions (Django's clearsessions, on the beat schedule)."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


@shared_task(
    name="accounts.tasks.send_password_reset",
    acks_late=True,
    autoretry_for=(SMTPException, OSError),
    retry_backoff=60,
    max_retries=5,
)
def send_password_reset(email: str, **options) -> int:
    """Send the password reset link(s) for ``email`` (none for an unknown address); queued by the
    reset page for every address it is given. Returns the number of mails sent."""
    from .services.password_reset import send_reset_mail

    return send_reset_mail(email, **options)
