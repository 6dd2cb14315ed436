"""Writing the audit log: who did what, when, from where.

Services call :func:`record` inside their own ``transaction.atomic()`` block so the audit row and
the change commit or roll back together. Denials are recorded by :func:`record_denial` outside the
refused change's block (there is no change to roll back, but the attempt must be kept).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import models

from core.text import without_nul

from .models import AuditAction, AuditLog

USER_AGENT_MAX = 255


@dataclass(frozen=True)
class AuditContext:
    """Where a request came from: the web, the admin, the API, the command line, a task."""

    source: str = "web"
    ip: str | None = None
    user_agent: str = ""

    @classmethod
    def from_request(cls, request, source: str = "web") -> AuditContext:
        if request is None:
            return cls(source=source)
        meta = getattr(request, "META", {})
        return cls(
            source=source, ip=client_ip(request), user_agent=meta.get("HTTP_USER_AGENT", "")[:USER_AGENT_MAX]
        )


CLI = AuditContext(source="cli")


def client_ip(request) -> str | None:
    """The client address as the server saw it (a proxy must set REMOTE_ADDR, not trust headers)."""
    ip = getattr(request, "META", {}).get("REMOTE_ADDR") or None
    return ip


def record(
    action: str,
    *,
    actor=None,
    target=None,
    agency=None,
    details: dict | None = None,
    context: AuditContext | None = None,
) -> AuditLog:
    context = context or AuditContext()
    entry = AuditLog(
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_username=getattr(actor, "username", "") or "",
        action=action,
        agency=agency,
        # What is recorded may quote the request (an attempted path): never let it fail the write.
        details=without_nul({"source": context.source, **(details or {})}),
        ip=context.ip,
        user_agent=without_nul(context.user_agent)[:USER_AGENT_MAX],
    )
    if isinstance(target, models.Model):
        entry.target_type = ContentType.objects.get_for_model(target)
        entry.target_id = str(target.pk)
        entry.target_repr = without_nul(str(target))[:255]
    elif target is not None:
        entry.target_repr = without_nul(str(target))[:255]
    entry.save()
    return entry


def record_denial(
    actor, attempted: str, reason: str | Exception, *, agency=None, target=None, details=None, context=None
):
    """A refused write: what was attempted and which rule refused it."""
    return record(
        AuditAction.DENIED,
        actor=actor,
        agency=agency,
        target=target,
        details={"attempted": attempted, "reason": str(reason), **(details or {})},
        context=context,
    )
