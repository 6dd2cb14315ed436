"""Audit rows for logins, failed logins, lockouts and logouts (Django's and django-axes' signals)."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from . import audit
from .models import AuditAction


def _context(request):
    return audit.AuditContext.from_request(request, source="api" if _is_api(request) else "web")


def _is_api(request) -> bool:
    return bool(request is not None and getattr(request, "path", "").startswith("/api/"))


@receiver(user_logged_in, dispatch_uid="accounts_audit_login")
def _login(sender, request, user, **kwargs):
    audit.record(AuditAction.LOGIN, actor=user, target=user, context=_context(request))


@receiver(user_logged_out, dispatch_uid="accounts_audit_logout")
def _logout(sender, request, user, **kwargs):
    if user is not None:
        audit.record(AuditAction.LOGOUT, actor=user, target=user, context=_context(request))


@receiver(user_login_failed, dispatch_uid="accounts_audit_login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    # Only the username: the credentials dict also holds the password (Django masks it, we drop it).
    username = str(credentials.get("username", ""))[:150]
    audit.record(
        AuditAction.LOGIN_FAILED, target=username, context=_context(request), details={"username": username}
    )


@receiver(user_locked_out, dispatch_uid="accounts_audit_locked_out")
def _locked_out(sender, request, username, ip_address, **kwargs):
    audit.record(
        AuditAction.LOCKED_OUT,
        target=username,
        context=_context(request),
        details={"username": str(username or "")[:150]},
    )
