"""Attachments only through the gate: no response names a ``/media/`` address, and the files are
served by the gated download (page and API) to those who may see the request, 404 to others."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import Resolver404, resolve, reverse
from rest_framework.test import APIClient

from complaints.models import AttachmentKind, RequestAttachment
from complaints.services.requests import create_request

from . import world

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def w():
    g = world.build()
    client = Client()
    client.force_login(g.officer)
    response = client.post(
        f"/api/v1/requests/{g.case.pk}/attachments/",
        {"file": SimpleUploadedFile("ghi-chu.txt", b"Noi dung", "text/plain")},
    )
    assert response.status_code == 201
    g.upload_response = response
    return g


def _bodies(client, w) -> dict[str, bytes]:
    case = w.case
    return {
        "upload response": w.upload_response.content,
        "request detail (API)": client.get(f"/api/v1/requests/{case.pk}/").content,
        "request list (API)": client.get("/api/v1/requests/").content,
        "request page": client.get(reverse("complaints:detail", args=[case.pk])).content,
        "review page": client.get(reverse("complaints:review"), {"period": w.period}).content,
        "request list page": client.get(reverse("complaints:list")).content,
    }


def test_no_response_names_a_media_address(w):
    client = Client()
    client.force_login(w.officer)
    bodies = _bodies(client, w)
    stored = [a.file.name for a in RequestAttachment.objects.filter(request=w.case)]
    assert len(stored) == 3  # the frozen gap lists (CSV, Excel) and the upload
    for label, body in bodies.items():
        assert b"/media/" not in body, label
        for name in stored:
            assert name.encode() not in body, (label, name)  # nor the storage path itself
    with pytest.raises(Resolver404):
        resolve("/media/" + stored[0])  # and nothing serves MEDIA_ROOT


def test_the_api_gives_the_gated_download_address(w):
    client = Client()
    client.force_login(w.officer)
    detail = client.get(f"/api/v1/requests/{w.case.pk}/").json()
    urls = {a["name"]: a["url"] for a in detail["attachments"]}
    upload = RequestAttachment.objects.get(request=w.case, name="ghi-chu.txt")
    assert urls["ghi-chu.txt"] == f"http://testserver/api/v1/requests/{w.case.pk}/attachments/{upload.pk}/"
    assert w.upload_response.json()["url"] == urls["ghi-chu.txt"]


def test_the_gated_downloads_serve_in_scope_and_404_outside(w):
    upload = RequestAttachment.objects.get(request=w.case, name="ghi-chu.txt")
    page_url = reverse("complaints:download", args=[w.case.pk, upload.pk])
    api_url = reverse("complaints-api:request-attachment-download", args=[w.case.pk, upload.pk])

    inside = Client()
    inside.force_login(w.officer)
    for url in (page_url, api_url):
        response = inside.get(url, HTTP_ACCEPT="application/octet-stream")
        assert response.status_code == 200, url
        assert b"".join(response.streaming_content) == b"Noi dung"
        assert response["Content-Disposition"].startswith("attachment;")
    token_client = APIClient()
    token_client.force_authenticate(w.officer)
    assert token_client.get(api_url).status_code == 200  # API clients (tokens) download through the API

    outside = Client()
    outside.force_login(w.outsider)
    for url in (page_url, api_url):
        assert outside.get(url).status_code == 404, url
    # Another province's file: neither its request nor a pairing with one's own request opens it.
    other_case, _ = create_request(w.P2, w.system, w.period, user=w.outsider)
    other = RequestAttachment(
        request=other_case, kind=AttachmentKind.DOCUMENT, name="khac.txt", content_type="text/plain"
    )
    other.file.save("khac.txt", ContentFile(b"secret"), save=False)
    other.save()
    for name in ("complaints:download", "complaints-api:request-attachment-download"):
        for case_pk in (other_case.pk, w.case.pk):
            assert inside.get(reverse(name, args=[case_pk, other.pk])).status_code == 404, (name, case_pk)
        assert outside.get(reverse(name, args=[other_case.pk, other.pk])).status_code == 200
    assert Client().get(api_url).status_code in (401, 403)
    assert Client().get(page_url).status_code == 302  # to the login page
