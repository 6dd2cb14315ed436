"""Documents in the permission matrix (tests/test_permission_matrix.py): every document URL and API
endpoint answers exactly like the data it shows.

- ``request_letter`` follows the request (the complaints matrix's one request per position);
- ``apology_letter`` follows the dossier (the world's apology letter at every position);
- ``scorecard`` follows the dashboard (a score is visible with any agency of its subtree);
- ``monthly_report`` needs the province itself in scope (it lists rows from the whole province);
- ``national_report`` is for the supervising bodies (here: national administrators);
- a stored job (``/documents/jobs/<id>/`` and its file) is visible when its agency is in scope and the
  document's own check passes again for the user.
Typesetting is not what is tested here: PDFs are replaced by a stub (the gate runs before it).
"""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from reports.models import DocumentJob, JobState
from reports.services.pdf import Rendered
from tests.complaints.matrix import _positions, _temp_media
from tests.indicators.matrix import RANKED, _score_visible
from tests.indicators.matrix import build as build_index
from tests.test_permission_matrix import covers

STUB = Rendered(b"%PDF-1.7 stub", "application/pdf", 1)
PAGE, API = "reports:document", "reports-api:document"


def _want(visible: bool, inside: int) -> int:
    return inside if visible else 404


def _get(client, name, kind, params):
    return client.get(reverse(name, args=[kind]), params).status_code


@covers(PAGE, API)
@_temp_media
def check_documents(client, world, expect, errors):
    data = build_index(world)
    period = data["period"]
    with mock.patch("reports.services.render.render_pdf", return_value=STUB):
        for code, case in _positions(world, expect):
            for name in (PAGE, API):
                got = _get(client, name, "request_letter", {"request": case.pk, "format": "docx"})
                if got != _want(expect.visible(code), 200):
                    errors.append(f"{name} request_letter {code}: {got}")
        for code in expect.codes():
            dossier = world.letters[code].dossier.code
            got = _get(client, API, "apology_letter", {"dossier": dossier, "format": "docx"})
            if got != _want(expect.visible(code), 200):
                errors.append(f"apology_letter {code}: {got}")
        for code in [c for c in expect.codes() if c in RANKED]:
            got = _get(client, API, "scorecard", {"agency": code, "period": period})
            if got != _want(_score_visible(world, expect, code), 200):
                errors.append(f"scorecard {code}: {got}")
        for code in [c for c in expect.codes() if c in ("01", "48")]:
            got = _get(client, API, "monthly_report", {"agency": code, "period": period})
            if got != _want(expect.visible(code), 202):
                errors.append(f"monthly_report {code}: {got}")
        got = _get(client, API, "national_report", {"period": period})
        if got != _want(expect.role == Role.NATIONAL_ADMIN, 202):
            errors.append(f"national_report: {got}")


def _jobs(world) -> dict[str, DocumentJob]:
    """One stored scorecard per ranked position (as the beat would leave it: no asker)."""
    cached = getattr(world, "_reports_jobs", None)
    if cached is not None:
        return cached
    period = build_index(world)["period"]
    now = timezone.now()
    out = {}
    for code in RANKED:
        job = DocumentJob(
            kind="scorecard",
            fmt="pdf",
            params={"agency": code, "period": period},
            key=f"matrix-{code}",
            agency=world.a[code],
            state=JobState.DONE,
            progress=100,
            finished_at=now,
            expires_at=now + timedelta(hours=1),
            filename=f"{code}.pdf",
            content_type="application/pdf",
        )
        job.file.save(f"{code}.pdf", ContentFile(STUB.content), save=False)
        job.save()
        out[code] = job
    world._reports_jobs = out
    return out


@covers("reports:job", "reports:job-file", "reports-api:job", "reports-api:job-file")
@_temp_media
def check_jobs(client, world, expect, errors):
    stored = _jobs(world)
    for code in [c for c in expect.codes() if c in stored]:
        job = stored[code]
        for name in ("reports:job", "reports:job-file", "reports-api:job", "reports-api:job-file"):
            got = client.get(reverse(name, args=[job.pk])).status_code
            if got != _want(expect.visible(code), 200):
                errors.append(f"{name} {code}: {got}")
