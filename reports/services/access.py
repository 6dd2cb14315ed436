"""From a web request to a resolved document, and from a job id to its file — through the gate."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from django.http import FileResponse, Http404, HttpResponse
from django.utils.translation import gettext as _

from core.params import InvalidParameter

from ..models import DocumentJob, JobState
from .pdf import Rendered
from .targets import PARAMS, DocumentError, Target, resolve

logger = logging.getLogger(__name__)

#: Parameter errors (400 naming the parameter); everything else is a 404 (out of scope, nothing to report).
BAD_INPUT = ("bad_format", "missing_option", "bad_period", "bad_value")


def target_from_query(kind: str, query: Mapping[str, str], user: Any) -> Target:
    params = {name: query.get(name) for name in PARAMS}
    try:
        return resolve(kind, params, user, query.get("format") or "pdf")
    except DocumentError as exc:
        if exc.code in BAD_INPUT:
            raise InvalidParameter(exc.field or "kind", exc.message) from None
        raise Http404(exc.message) from None


def job_for(user: Any, pk: Any) -> DocumentJob:
    """A job the user may follow *and* whose document the gate still lets them see."""
    job = DocumentJob.objects.visible_to(user).filter(pk=pk).first()
    if job is None:
        raise Http404("no such document")
    try:
        resolve(job.kind, job.params, user, job.fmt)
    except DocumentError:
        raise Http404("no such document") from None
    return job


def file_response(rendered: Rendered, filename: str) -> HttpResponse:
    response = HttpResponse(rendered.content, content_type=rendered.content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    if rendered.checksum:
        response["X-Checksum-SHA256"] = rendered.checksum
    return response


def job_file_response(job: DocumentJob) -> FileResponse:
    if job.state != JobState.DONE or not job.file:
        raise Http404("the document is not ready or has expired")
    response = FileResponse(
        job.file.open("rb"), content_type=job.content_type, as_attachment=True, filename=job.filename
    )
    response["X-Checksum-SHA256"] = job.checksum
    return response


def altered_message(target: Target, exc: Exception) -> str:
    """The answer to a download of a signed letter whose stored bytes no longer match their SHA-256
    (``complaints.services.signed_letters.SignedLetterAltered``): logged as an error for the
    administrators, explained to the user (409), never served."""
    logger.error("signed letter not served: %s", exc)
    return _(
        "The stored copy of this signed letter no longer matches the SHA-256 recorded when it was "
        "signed, so it is not served. Tell the system administrator: the letter as signed is the one "
        "whose checksum the request page shows."
    )
