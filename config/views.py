"""The site's 400 handler (``handler400``).

A query parameter (or a period in a path) that no page or endpoint can take raises
``core.params.InvalidParameter`` — a period through ``tthc.period_fields``. Inside an API view DRF
answers it; anywhere else (a page, or a path resolved before any view runs) it arrives here: JSON
``{"<name>": ["…"]}`` under ``/api/``, else the page's form with the parameter, its value and the
error, status 400. Every other bad request keeps Django's own answer, which says nothing about it.
"""

from __future__ import annotations

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views import defaults

from core.middleware import API_PREFIX
from core.params import InvalidParameter

#: What the form calls the query parameters people meet on pages; any other shows its own name.
PARAMETER_LABELS = {
    "period": _("Period"),
    "format": _("Format"),
    "group": _("Group"),
    "level": _("Level"),
    "agency": _("Agency"),
    "page": _("Page"),
    "page_size": _("Rows per page"),
}


def bad_request(request, exception=None):
    if not isinstance(exception, InvalidParameter):
        return defaults.bad_request(request, exception)
    if request.path_info.startswith(API_PREFIX):
        return JsonResponse(exception.detail, status=400, json_dumps_params={"ensure_ascii": False})
    name = exception.name
    errors = [str(e) for e in exception.detail.get(name, [])]
    others = [(key, value) for key, values in request.GET.lists() if key != name for value in values]
    return render(
        request,
        "bad_parameter.html",
        {
            "name": name,
            "label": PARAMETER_LABELS.get(name, name),
            "value": request.GET.get(name, ""),
            "errors": errors,
            "others": others,
            "in_query": name in request.GET,
        },
        status=400,
    )
