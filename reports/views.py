"""Document downloads for the pages (namespace ``reports``): thin, through ``services.access``.

``/documents/<kind>/?format=&request=&agency=&period=&dossier=`` answers the file when it is small
or stored, otherwise queues a job and redirects to its page, which shows the progress (refreshing
itself while the worker renders) and the download link.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from complaints.models import SyncGapRequest
from complaints.services.signed_letters import SignedLetterAltered

from . import kinds
from .models import JobState
from .services import jobs
from .services.access import altered_message, file_response, job_file_response, job_for, target_from_query


@login_required
def document(request, kind: str):
    target = target_from_query(kind, request.GET, request.user)
    try:
        answer = jobs.ask(target, request.user)
    except SignedLetterAltered as exc:
        return render(request, "reports/altered.html", {"message": altered_message(target, exc)}, status=409)
    if answer.rendered is not None:
        return file_response(answer.rendered, target.filename())
    assert answer.job is not None
    if answer.job.state == JobState.DONE:
        return job_file_response(answer.job)
    return redirect("reports:job", pk=answer.job.pk)


@login_required
def job(request, pk):
    found = job_for(request.user, pk)
    running = found.state in (JobState.QUEUED, JobState.RUNNING)
    names = {}
    if found.agency is not None:
        names["agency"] = f"{found.agency.name} ({found.agency.code})"
    request_id = str(found.params.get("request", ""))
    if request_id.isdigit():  # the job's request is one the user may see (``job_for``)
        case = SyncGapRequest.objects.filter(pk=int(request_id)).first()
        if case is not None:
            names["request"] = case.reference
    return render(
        request,
        "reports/job.html",
        {
            "job": found,
            "running": running,
            "kind_label": kinds.kind_label(found.kind),
            "params": kinds.described(found.params, names),
        },
    )


@login_required
def job_file(request, pk):
    return job_file_response(job_for(request.user, pk))
