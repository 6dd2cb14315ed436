"""Password reset mail, sent by a worker so that the reset page answers in the same time whether or
not the address belongs to an account (no account enumeration by timing).

The page only validates the address and queues ``accounts.tasks.send_password_reset`` with it, for
every address; the task looks the accounts up and sends each its one-use link (Django's
``PasswordResetForm`` rules: active accounts with a usable password, case-insensitive address).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.forms import PasswordResetForm
from django.core.mail import EmailMultiAlternatives
from django.template import loader
from django.utils import translation

SUBJECT_TEMPLATE = "registration/password_reset_subject.txt"
EMAIL_TEMPLATE = "registration/password_reset_email.html"


class _Mailer(PasswordResetForm):
    """Django's reset form as the worker uses it: counts what it sends and lets a mail failure raise
    (Django's form only logs it), so that the task retries."""

    sent = 0

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        message = EmailMultiAlternatives(
            subject, loader.render_to_string(email_template_name, context), from_email, [to_email]
        )
        if html_email_template_name is not None:
            message.attach_alternative(
                loader.render_to_string(html_email_template_name, context), "text/html"
            )
        message.send()
        self.sent += 1


def send_reset_mail(
    email: str,
    *,
    domain: str,
    use_https: bool = False,
    language: str | None = None,
    subject_template_name: str = SUBJECT_TEMPLATE,
    email_template_name: str = EMAIL_TEMPLATE,
    html_email_template_name: str | None = None,
    from_email: str | None = None,
    extra_email_context: dict[str, Any] | None = None,
) -> int:
    """Send the reset link to every account of ``email``; returns how many mails were sent (0 for an
    unknown address). ``domain`` is the host the request came to (checked by ``ALLOWED_HOSTS``)."""
    form = _Mailer({"email": email})
    if not form.is_valid():
        return 0
    with translation.override(language):
        form.save(
            domain_override=domain,
            use_https=use_https,
            subject_template_name=subject_template_name,
            email_template_name=email_template_name,
            html_email_template_name=html_email_template_name,
            from_email=from_email,
            extra_email_context=extra_email_context,
        )
    return form.sent
