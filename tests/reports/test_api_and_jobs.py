"""Downloads through the pages and the API; worker jobs: stored with who, when, checksum and inputs,
the same file again for the same inputs, progress, the page limit, expiry, the monthly pre-rendering."""

from __future__ import annotations

import hashlib
import os
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import Role
from accounts.services.users import cli_actor
from indicators.models import IndicatorSnapshot, Level
from reports import kinds
from reports.models import DocumentJob, JobState
from reports.services import jobs
from reports.services.targets import resolve
from tests.accounts.helpers import make_user
from tthc.models import Agency
from tthc.periods import Period

pytestmark = pytest.mark.django_db


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_letter_through_the_api_and_the_page(submitted, client):
    province = submitted.province
    client.force_login(make_user("hn-officer", Role.OFFICER, province))
    api = client.get(reverse("reports-api:document", args=["request_letter"]), {"request": submitted.pk})
    assert api.status_code == 200 and api["Content-Type"] == "application/pdf"
    assert body(api).startswith(b"%PDF") and "attachment;" in api["Content-Disposition"]
    word = client.get(
        reverse("reports:document", args=["request_letter"]), {"request": submitted.pk, "format": "docx"}
    )
    assert word.status_code == 200 and word["Content-Type"].startswith("application/vnd.openxmlformats")
    # Another province's officer: the letter is out of scope (404), like the request itself.
    other = Agency.objects.filter(kind="province").exclude(pk=province.pk).first()
    client.force_login(make_user("other-officer", Role.OFFICER, other))
    for url in (
        reverse("reports-api:document", args=["request_letter"]),
        reverse("reports:document", args=["request_letter"]),
    ):
        assert client.get(url, {"request": submitted.pk}).status_code == 404


def test_bad_parameters_are_400_naming_them(db, admin_client):
    url = reverse("reports-api:document", args=["scorecard"])
    got = admin_client.get(url, {"agency": "01", "period": "2026-13"})
    assert got.status_code == 400 and "period" in got.json()
    got = admin_client.get(reverse("reports-api:document", args=["monthly_report"]))
    assert got.status_code == 400 and "agency" in got.json()
    # Worded for the web, in Vietnamese: the document and the parameter by name, no "--agency".
    with translation.override("vi"):
        said = admin_client.get(
            reverse("reports-api:document", args=["monthly_report"]), HTTP_ACCEPT_LANGUAGE="vi"
        ).json()["agency"][0]
        assert "--" not in said and str(kinds.kind_label("monthly_report")) in said
        assert str(kinds.PARAM_LABELS["agency"]) in said, said
    got = admin_client.get(
        reverse("reports-api:document", args=["scorecard"]), {"agency": "01", "format": "xlsx"}
    )
    assert got.status_code == 400 and "format" in got.json()
    assert admin_client.get(reverse("reports-api:document", args=["nope"])).status_code == 404
    page = admin_client.get(reverse("reports:document", args=["scorecard"]), {"agency": "01", "period": "x"})
    assert page.status_code == 400
    # The page's form to fix it calls the parameter by its name in words, keeps the value typed.
    page = admin_client.get(
        reverse("reports:document", args=["scorecard"]),
        {"agency": "01", "format": "docx"},
        HTTP_ACCEPT_LANGUAGE="vi",
    )
    html = page.content.decode()
    assert page.status_code == 400
    assert '<label for="id_format">Định dạng</label>' in html and 'name="format" value="docx"' in html
    assert 'name="agency" value="01"' in html


def test_a_large_document_is_a_stored_job_and_the_same_file_again(
    demo, client, django_capture_on_commit_callbacks
):
    """The national report goes to a worker (eager here): 202, the job's page and API, then the file;
    asked again with unchanged inputs, the stored file (same checksum) without a new rendering."""
    admin = make_user("nat", Role.NATIONAL_ADMIN, Agency.objects.get(code="CP"))
    client.force_login(admin)
    url = reverse("reports-api:document", args=["national_report"])
    with django_capture_on_commit_callbacks(execute=True):
        first = client.get(url)
    assert first.status_code == 202 and first.json()["url"]
    job = DocumentJob.objects.get()
    assert job.state == JobState.DONE and job.progress == 100 and job.pages
    assert job.requested_by == admin and job.finished_at and job.expires_at > job.finished_at
    assert job.inputs["snapshots"] and job.inputs["layout"]
    stored = job.file.read()
    assert hashlib.sha256(stored).hexdigest() == job.checksum and job.size == len(stored)
    status = client.get(reverse("reports-api:job", args=[job.pk])).json()
    assert status["state"] == "done" and status["file_url"] == reverse("reports-api:job-file", args=[job.pk])
    again = client.get(url)
    assert again.status_code == 200 and body(again) == stored and again["X-Checksum-SHA256"] == job.checksum
    assert DocumentJob.objects.count() == 1
    page = client.get(reverse("reports:job", args=[job.pk]))
    assert page.status_code == 200 and job.checksum in page.content.decode()
    assert body(client.get(reverse("reports:job-file", args=[job.pk]))) == stored
    # A province officer cannot follow the national report's job (404), whatever its id.
    client.force_login(make_user("hn", Role.OFFICER, Agency.objects.get(code="01")))
    assert client.get(reverse("reports-api:job", args=[job.pk])).status_code == 404
    assert client.get(reverse("reports:job-file", args=[job.pk])).status_code == 404


def test_queued_job_page_shows_progress(demo, client):
    """Queued on commit, which a test transaction never reaches: the job waits, as for a busy worker."""
    admin = make_user("nat2", Role.NATIONAL_ADMIN, Agency.objects.get(code="CP"))
    client.force_login(admin)
    answer = jobs.ask(resolve("national_report", {}, admin), admin, force_job=True)
    job = answer.job
    assert job.state == JobState.QUEUED
    DocumentJob.objects.filter(pk=job.pk).update(state=JobState.RUNNING, progress=40)
    html = client.get(reverse("reports:job", args=[job.pk])).content.decode()
    assert 'http-equiv="refresh"' in html and 'value="40"' in html
    assert client.get(reverse("reports-api:job", args=[job.pk])).json()["progress"] == 40
    assert client.get(reverse("reports-api:job-file", args=[job.pk])).status_code == 404  # not ready
    done = jobs.run(job.pk)
    assert done.state == JobState.DONE and done.progress == 100


def test_page_limit_fails_the_job_with_its_reason(demo, settings, django_capture_on_commit_callbacks):
    settings.TTHC_DOCUMENT_MAX_PAGES = 1
    actor = cli_actor()
    with django_capture_on_commit_callbacks(execute=True):
        answer = jobs.ask(resolve("national_report", {}, actor), actor, force_job=True)
    job = DocumentJob.objects.get(pk=answer.job.pk)
    assert job.state == JobState.FAILED and "limit of 1" in job.error and not job.file


def test_expired_files_are_purged(demo, django_capture_on_commit_callbacks):
    actor = cli_actor()
    code = IndicatorSnapshot.objects.filter(level=Level.PROVINCE).values_list("agency__code", flat=True)[0]
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.ask(resolve("scorecard", {"agency": code}, actor), actor, force_job=True).job
    job.refresh_from_db()
    path = job.file.path
    assert job.state == JobState.DONE
    assert jobs.purge_expired(now=timezone.now()) == 0
    assert jobs.purge_expired(now=job.expires_at + timedelta(seconds=1)) == 1
    job.refresh_from_db()
    assert job.state == JobState.EXPIRED and not job.file
    assert not os.path.exists(path)


def test_monthly_prerendering_covers_every_province_once(demo, django_capture_on_commit_callbacks):
    from reports.tasks import prerender_monthly_reports

    period = str(Period.last_closed())
    provinces = IndicatorSnapshot.objects.filter(period=period, level=Level.PROVINCE).count()
    with django_capture_on_commit_callbacks(execute=True):
        first = prerender_monthly_reports.delay().get()
    assert len(first) == provinces
    jobs_done = DocumentJob.objects.filter(kind="monthly_report", state=JobState.DONE)
    assert jobs_done.count() == provinces and {j.params["period"] for j in jobs_done} == {period}
    assert all(j.requested_by is None and j.checksum for j in jobs_done)
    with django_capture_on_commit_callbacks(execute=True):
        again = prerender_monthly_reports.delay().get()
    assert set(again) == {str(j.pk) for j in jobs_done}  # stored: reused
    assert DocumentJob.objects.count() == provinces
    # A recomputed score is a new input: that province's report is rendered again, the others reused.
    snapshot = IndicatorSnapshot.objects.filter(period=period, level=Level.PROVINCE).first()
    snapshot.save()
    with django_capture_on_commit_callbacks(execute=True):
        third = prerender_monthly_reports.delay().get()
    fresh = DocumentJob.objects.exclude(pk__in=[j.pk for j in jobs_done])
    assert fresh.count() == 1 and fresh.get().params["agency"] == snapshot.agency.code
    assert str(fresh.get().pk) in third


def test_the_pages_offer_their_documents(submitted, client):
    from tthc.models import ApologyLetter

    admin = make_user("nat3", Role.NATIONAL_ADMIN, Agency.objects.get(code="CP"))
    client.force_login(admin)
    letter_url = reverse("reports:document", args=["request_letter"])
    html = client.get(reverse("complaints:detail", args=[submitted.pk])).content.decode()
    assert f"{letter_url}?request={submitted.pk}" in html and "format=docx" in html
    html = client.get(reverse("complaints:supervision")).content.decode()
    assert reverse("reports:document", args=["national_report"]) in html
    period = Period.last_closed()
    html = client.get(reverse("indicators:dashboard", args=["01"]), {"period": str(period)}).content.decode()
    assert f"{reverse('reports:document', args=['scorecard'])}?agency=01&amp;period={period}" in html
    assert f"{reverse('reports:document', args=['monthly_report'])}?agency=01&amp;period={period}" in html
    code = ApologyLetter.objects.values_list("dossier__code", flat=True).first()
    html = client.get(reverse("reconciliation:dossier", args=[code])).content.decode()
    assert reverse("reports:document", args=["apology_letter"]) in html
    # and the links work: the letter now, the monthly report as a job page
    assert client.get(f"{letter_url}?request={submitted.pk}").status_code == 200
    got = client.get(
        reverse("reports:document", args=["monthly_report"]), {"agency": "01", "period": str(period)}
    )
    assert got.status_code == 302 and "/documents/jobs/" in got["Location"]


def test_the_job_page_names_the_document_and_its_parameters(demo, client):
    """ "Báo cáo tháng của tỉnh, thành phố (PDF)" and "Cơ quan: … (01) · Kỳ: 10/2026", not
    "monthly_report" and "agency = 01 · period = 2026-10"."""
    leader = make_user("hn-leader", Role.LEADER, Agency.objects.get(code="01"))
    client.force_login(leader)
    target = resolve("monthly_report", {"agency": "01"}, leader)
    job = jobs.ask(target, leader, force_job=True).job
    html = client.get(reverse("reports:job", args=[job.pk]), HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    period = target.params["period"]
    shown = f"{period[5:]}/{period[:4]}"
    assert "<h1>Báo cáo tháng của tỉnh, thành phố (PDF)</h1>" in html
    assert f"Cơ quan: {Agency.objects.get(code='01').name} (01) · Kỳ: {shown}" in html
    assert "monthly_report" not in html.split("<h1>", 1)[1] and "agency =" not in html
