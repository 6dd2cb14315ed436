"""Request hygiene before any view runs.

``RejectNulMiddleware``: a NUL byte (``%00``) in the path or in a query parameter (name or value)
is never a valid code, date or filter, and PostgreSQL refuses it in a text literal — so it is
answered at once with 400 (JSON under ``/api/``, the site's plain error page elsewhere) instead
of reaching a parser or a query. The parsers are robust on their own as well (path converters
exclude NUL, form fields refuse it); this is the one place that guarantees it for every URL.

``InvalidParameterMiddleware``: a path converter (a period) refuses a malformed segment with
``core.params.InvalidParameter`` while the URL is resolved. Django answers that with the 400 handler
in production, but with DEBUG on its technical page resolves the path again and fails with a 500; so
the path is resolved here first and a refused segment goes straight to the 400 handler, the same
answer with DEBUG on or off.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import Resolver404, get_resolver, get_urlconf
from django.utils import translation
from django.utils.translation import gettext as _

from core.params import InvalidParameter

logger = logging.getLogger("django.security.nul_byte")
API_PREFIX = "/api/"


def has_nul(request: HttpRequest) -> bool:
    if "\x00" in request.path_info:
        return True
    return any(
        "\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()
    )


class RejectNulMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if has_nul(request):
            return self.reject(request)
        return self.get_response(request)

    @staticmethod
    def reject(request: HttpRequest) -> HttpResponse:
        with translation.override(translation.get_language_from_request(request)):
            message = _("The address contains a NUL byte, which no code, date or filter may contain.")
        logger.warning("Rejected a request with a NUL byte: %r", request.get_full_path()[:200])
        if request.path_info.startswith(API_PREFIX):
            # ``detail`` as every DRF error; ``error``/``retry`` as the sync API's errors.
            return JsonResponse({"detail": message, "error": message, "retry": False}, status=400)
        # Django calls the 400/403/404 handlers with the exception too (the stubs declare only ``request``).
        handler: Callable[..., HttpResponse] = get_resolver().resolve_error_handler(400)
        return handler(request, ValueError(message))


class InvalidParameterMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        resolver = get_resolver(getattr(request, "urlconf", None) or get_urlconf())
        try:
            resolver.resolve(request.path_info)
        except InvalidParameter as exc:
            handler: Callable[..., HttpResponse] = resolver.resolve_error_handler(400)
            return handler(request, exc)
        except Resolver404:
            pass
        return self.get_response(request)
