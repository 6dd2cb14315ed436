"""The API's exception handler (``REST_FRAMEWORK["EXCEPTION_HANDLER"]``): DRF's, plus an audit row
when an authenticated user's write is refused (403)."""

from __future__ import annotations

from rest_framework.permissions import SAFE_METHODS
from rest_framework.views import exception_handler as drf_exception_handler

from accounts import audit


def exception_handler(exc, context):
    """DRF's handler, plus an audit row when an authenticated user's write is refused (403)."""
    response = drf_exception_handler(exc, context)
    request = context.get("request")
    if (
        response is not None
        and response.status_code == 403
        and request is not None
        and request.method not in SAFE_METHODS
        and getattr(request, "user", None) is not None
        and request.user.is_authenticated
    ):
        audit.record_denial(
            request.user,
            f"{request.method} {request.path}"[:200],
            getattr(exc, "detail", exc),
            context=audit.AuditContext.from_request(request, source="api"),
        )
    return response
