"""API tokens: issued (shown once), stored as a SHA-256 digest, checked on every API request.

The key format is the one integrators already use (40 hexadecimal characters, sent as
``Authorization: Token <key>``); only its digest and its first characters are stored. Issuing a
token revokes the account's previous one in the same transaction, and writes the audit row there.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from tthc.models import Agency

from .. import audit
from ..audit import AuditContext
from ..models import ApiToken, AuditAction, User

KEY_BYTES = 20  # 40 hexadecimal characters, as DRF's tokens were
PREFIX_LENGTH = 8
#: ``last_used_at`` is refreshed at most this often (one UPDATE per minute per token, not per request).
LAST_USED_RESOLUTION = timedelta(minutes=1)


def digest_of(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def issue_token(
    user: User,
    *,
    actor: Any = None,
    target: Any = None,
    agency: Agency | None = None,
    context: AuditContext | None = None,
    details: dict[str, Any] | None = None,
) -> str:
    """A new key for ``user`` (the previous one stops working); returns the key, which is not stored.

    Call it inside the caller's transaction: the audit row (``api_token.rotate``, with the key's prefix,
    never the key) commits with the new token.
    """
    key = secrets.token_hex(KEY_BYTES)
    now = timezone.now()
    with transaction.atomic():
        revoked = ApiToken.objects.active().filter(user=user).update(revoked_at=now, revoked_by=actor)
        token = ApiToken.objects.create(
            user=user, digest=digest_of(key), prefix=key[:PREFIX_LENGTH], created_at=now, created_by=actor
        )
        audit.record(
            AuditAction.TOKEN_ROTATE,
            actor=actor,
            target=target if target is not None else user,
            agency=agency,
            context=context,
            details={"user": user.username, "prefix": token.prefix, "revoked": revoked, **(details or {})},
        )
    return key


def token_for_key(key: str) -> ApiToken | None:
    """The active token whose digest matches ``key`` (with its user), or ``None``."""
    if not key or len(key) > 128:
        return None
    token = ApiToken.objects.active().select_related("user").filter(digest=digest_of(key)).first()
    if token is not None:
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
    return token


def active_token(user: Any) -> ApiToken | None:
    """The user's active token (for its prefix and dates; the key itself is never available)."""
    return ApiToken.objects.active().filter(user=user).first()
