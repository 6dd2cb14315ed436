"""The signed letter is frozen: its PDF and Word file are rendered once, when the request is signed, and
every later download (the page's links, the documents API) serves those bytes, whatever changes later
in the wording, the settings or the month's gap rows; a draft's letter is still rendered live. The
SHA-256 on the page and in the API is the served files'; the gate is the letter downloads' own."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.urls import reverse
from docx import Document

from complaints.models import LetterCounter, SignedLetter, SyncGapRequest
from complaints.services import letters
from complaints.services.requests import create_request, transition
from complaints.services.signed_letters import SignedLetterAltered
from complaints.workflow import State
from reports.services import render

from .helpers import make_case, make_run, vn

PAGE = reverse("reports:document", args=["request_letter"])
API = reverse("reports-api:document", args=["request_letter"])


def _draft(world, period="2026-08"):
    make_run(world, period)
    case, _ = create_request(world.a["01"], world.system, period, user=world.u["province_officer"])
    return case


def _signed(world, period="2026-08"):
    return transition(_draft(world, period), State.SUBMITTED, world.u["province_leader"])


def _get(client, case, fmt="pdf", url=PAGE):
    response = client.get(url, {"request": case.pk, "format": fmt})
    assert response.status_code == 200, response.status_code
    return response


def _download(client, case, fmt="pdf", url=PAGE) -> bytes:
    return _get(client, case, fmt, url).content


def _words(docx: bytes) -> str:
    doc = Document(io.BytesIO(docx))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def _sha(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def test_signing_stores_the_pdf_and_the_word_file_and_downloads_serve_their_bytes(world, client):
    case = _signed(world)
    letter = SignedLetter.objects.get(request=case)
    pdf, docx = letter.pdf.read(), letter.docx.read()
    assert pdf.startswith(b"%PDF") and docx.startswith(b"PK")
    assert (letter.pdf_sha256, letter.docx_sha256) == (_sha(pdf), _sha(docx))
    assert (letter.pdf_size, letter.docx_size) == (len(pdf), len(docx)) and letter.pdf_pages
    assert letter.rendered_at == case.signed_at  # typeset in the signing transaction
    assert letter.pdf.name.startswith(f"complaints/2026-08/{case.pk}/signed/")
    words = _words(docx)
    assert case.number_text.removeprefix("Số:").strip() in words and "DỰ THẢO" not in words
    client.force_login(world.u["ministry_officer"])
    for url in (PAGE, API):
        got = _get(client, case, "pdf", url)
        assert got.content == pdf and got["Content-Type"] == "application/pdf"
        assert got["X-Checksum-SHA256"] == letter.pdf_sha256
        assert _download(client, case, "docx", url) == docx
    assert _download(client, case) == pdf  # again: the same bytes, not a new rendering


def _change_wording(monkeypatch, settings):
    """The letters' words change after signing: the code's wording, and the requests' text (a draft's
    as the province edits it, a signed one's by a data fix) — only the draft's letter follows."""
    from django.db.models import Value
    from django.db.models.functions import Replace

    monkeypatch.setattr(letters, "BASIS", letters.BASIS.replace("Thực hiện Quyết định", "Căn cứ Quyết định"))
    SyncGapRequest.objects.update(
        body=Replace("body", Value("Thực hiện Quyết định"), Value("Căn cứ Quyết định"))
    )
    return "Căn cứ Quyết định"


def _change_setting(monkeypatch, settings):
    settings.TTHC_REQUEST_NUMBER_UNIT = "PHONGTHU"
    return "PHONGTHU"


@pytest.mark.parametrize("change", [_change_wording, _change_setting], ids=["wording", "setting"])
def test_a_change_after_signing_leaves_the_signed_letter_as_it_was(
    world, client, monkeypatch, settings, change
):
    case = _signed(world)
    draft = _draft(world, "2026-07")
    client.force_login(world.u["province_leader"])
    before = {fmt: _download(client, case, fmt) for fmt in ("pdf", "docx")}
    draft_before = _words(_download(client, draft, "docx"))

    marker = change(monkeypatch, settings)

    assert marker not in draft_before and marker in _words(_download(client, draft, "docx"))  # live
    for url in (PAGE, API):
        assert {fmt: _download(client, case, fmt, url) for fmt in ("pdf", "docx")} == before
    assert marker not in _words(before["docx"])


def test_the_appendix_stays_as_signed_when_the_month_is_reconciled_again(world, client):
    case = _signed(world)
    client.force_login(world.u["ministry_officer"])
    signed = _download(client, case, "docx")
    assert "01-260815-sta0000" in _words(signed)
    make_run(world, counts={"missing_on_portal": 2})  # the run is replaced: its gap rows too
    assert _download(client, case, "docx") == signed


def test_the_sha256_on_the_page_and_in_the_api_is_the_served_files(world, client, monkeypatch, settings):
    case = _signed(world)
    draft = _draft(world, "2026-07")
    _change_wording(monkeypatch, settings)  # a rendering now would not be the signed letter
    client.force_login(world.u["ministry_officer"])
    pdf, docx = _download(client, case, "pdf"), _download(client, case, "docx")
    html = client.get(reverse("complaints:detail", args=[case.pk])).content.decode()
    assert "Mã băm SHA-256 của văn bản đã ký" in html
    assert f'<code id="letter-sha256">{_sha(pdf)}</code>' in html
    assert f'<code id="letter-docx-sha256">{_sha(docx)}</code>' in html
    detail = client.get(reverse("complaints-api:request-detail", args=[case.pk])).json()
    assert (detail["letter_sha256"], detail["letter_docx_sha256"]) == (_sha(pdf), _sha(docx))
    listed = client.get(reverse("complaints-api:request-list"), {"state": "submitted"}).json()["results"]
    assert [(r["id"], r["letter_sha256"]) for r in listed] == [(case.pk, _sha(pdf))]
    # A draft has no signed letter: no checksum on its page, null in the API.
    client.force_login(world.u["province_officer"])
    assert "Mã băm SHA-256" not in client.get(reverse("complaints:detail", args=[draft.pk])).content.decode()
    detail = client.get(reverse("complaints-api:request-detail", args=[draft.pk])).json()
    assert detail["letter_sha256"] is None and detail["letter_docx_sha256"] is None


def test_the_stored_letter_goes_only_to_those_who_see_the_request(world, client):
    case = _signed(world)
    letter = SignedLetter.objects.get(request=case)
    stored = letter.docx.read()
    for name in ("province_officer", "ministry_officer", "system_owner_officer", "supervisor"):
        client.force_login(world.u[name])
        got = _get(client, case, "docx", API)
        assert got.content == stored and got["X-Checksum-SHA256"] == letter.docx_sha256, name
    for name in ("other_province_officer", "commune_officer", "other_ministry_leader"):
        client.force_login(world.u[name])
        for url in (PAGE, API):
            for fmt in ("pdf", "docx"):
                got = client.get(url, {"request": case.pk, "format": fmt})
                assert got.status_code == 404, (name, url, fmt)
                assert "X-Checksum-SHA256" not in got
    client.logout()
    assert client.get(PAGE, {"request": case.pk}).status_code == 302  # to the login page


def test_a_disputed_request_keeps_its_number_and_its_signed_letter(world, client, monkeypatch, settings):
    case = _signed(world)
    letter = SignedLetter.objects.get(request=case)
    number = case.number_text
    transition(case, State.REJECTED, world.u["ministry_leader"], reason="Không thuộc phạm vi")
    _change_setting(monkeypatch, settings)
    disputed = transition(case, State.SUBMITTED, world.u["province_leader"], reason="Đề nghị xem xét lại")
    assert disputed.number_text == number
    again = SignedLetter.objects.get(request=case)
    assert (again.pk, again.pdf_sha256, again.docx_sha256, again.rendered_at) == (
        letter.pk,
        letter.pdf_sha256,
        letter.docx_sha256,
        letter.rendered_at,
    )
    client.force_login(world.u["ministry_officer"])
    assert _download(client, disputed, "pdf") == letter.pdf.read()


def test_a_letter_signed_before_copies_were_stored_is_frozen_at_its_first_download(
    world, client, monkeypatch, settings
):
    case = make_case(
        world,
        State.ACKNOWLEDGED,
        number=3,
        number_year=2026,
        number_text="Số: 3/UBND-KSTT",
        signer_name="Nguyễn Văn A",
        signer_title="PHÓ CHỦ TỊCH",
        signed_at=vn(2026, 9, 3, 9, 0),
    )
    assert not SignedLetter.objects.filter(request=case).exists()
    client.force_login(world.u["ministry_officer"])
    first = _download(client, case, "docx")
    letter = SignedLetter.objects.get(request=case)
    assert letter.docx_sha256 == _sha(first) and letter.rendered_at > case.signed_at
    pdf = _download(client, case, "pdf", API)
    assert pdf == letter.pdf.read()
    _change_setting(monkeypatch, settings)
    assert (_download(client, case, "docx"), _download(client, case, "pdf")) == (first, pdf)
    assert SignedLetter.objects.filter(request=case).count() == 1


def test_a_failed_rendering_fails_the_signing_and_consumes_no_number(world, monkeypatch):
    draft = _draft(world)

    def broken(target, progress=None):
        raise RuntimeError("typesetting failed")

    monkeypatch.setattr(render, "render_live", broken)
    with pytest.raises(RuntimeError):
        transition(draft, State.SUBMITTED, world.u["province_leader"])
    draft.refresh_from_db()
    assert (draft.state, draft.number, draft.signed_at) == (State.DRAFT, None, None)
    assert not LetterCounter.objects.filter(last__gt=0).exists()
    assert not SignedLetter.objects.exists()


def test_a_large_letter_is_stored_by_a_worker_right_after_the_signing(
    world, client, settings, django_capture_on_commit_callbacks
):
    settings.TTHC_DOCUMENT_SYNC_MAX_ROWS = 5  # the request has 15 gap rows
    draft = _draft(world)
    with django_capture_on_commit_callbacks(execute=True):
        case = transition(draft, State.SUBMITTED, world.u["province_leader"])
        assert not SignedLetter.objects.filter(request=case).exists()  # queued on commit
    letter = SignedLetter.objects.get(request=case)
    client.force_login(world.u["ministry_officer"])
    got = _get(client, case, "pdf", API)  # the stored copy, not a worker's job
    assert got.content == letter.pdf.read() and got["X-Checksum-SHA256"] == letter.pdf_sha256


def test_the_stored_letter_is_never_changed_and_never_served_altered(world, client):
    case = _signed(world)
    letter = SignedLetter.objects.get(request=case)
    with pytest.raises(TypeError):
        letter.save()
    with pytest.raises(TypeError):
        SignedLetter.objects.filter(pk=letter.pk).update(pdf_sha256="0" * 64)
    with pytest.raises(TypeError):
        letter.delete()
    with open(letter.pdf.path, "r+b") as handle:  # the file altered behind the platform's back
        handle.seek(20)
        handle.write(b"X")
    client.force_login(world.u["ministry_officer"])
    page = client.get(PAGE, {"request": case.pk})
    assert page.status_code == 409 and page["Content-Type"].startswith("text/html")
    assert "không còn khớp với mã băm SHA-256" in page.content.decode()
    api = client.get(API, {"request": case.pk, "format": "pdf"})
    assert api.status_code == 409 and api.json()["code"] == "signed_letter_altered"
    assert b"%PDF" not in page.content + api.content
    with pytest.raises(SignedLetterAltered):  # the service itself refuses, whoever calls it
        render.render(render._letter_target(case, "pdf"))


def _files(root) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file() and "/signed/" in str(p)}


def test_the_files_of_a_signing_that_rolled_back_are_swept_and_stored_letters_kept(world, settings):
    """A signing's files are written before its row: a rollback after that (later in the signing, or in
    a caller's transaction) leaves files no signed letter holds. The nightly sweep deletes them once
    they are older than a signing can last, and never touches a stored letter's files."""
    import json
    from datetime import timedelta
    from io import StringIO
    from pathlib import Path

    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from complaints.services import signed_letters
    from complaints.tasks import sweep_signed_letter_files

    kept = _signed(world)
    letter = SignedLetter.objects.get(request=kept)
    draft = _draft(world, "2026-09")
    with pytest.raises(RuntimeError), transaction.atomic():
        transition(draft, State.SUBMITTED, world.u["province_leader"])
        raise RuntimeError("the caller's transaction fails after the signing")
    draft.refresh_from_db()
    assert draft.state == State.DRAFT and not SignedLetter.objects.filter(request=draft).exists()
    root = Path(settings.MEDIA_ROOT)
    left = {name for name in _files(root) if name.startswith(f"complaints/2026-09/{draft.pk}/")}
    assert len(left) == 2, "the rolled-back signing left its PDF and Word file"
    stored = {letter.pdf.name, letter.docx.name}

    # Young files may belong to a signing in progress: left alone.
    assert signed_letters.orphans(timedelta(minutes=60)) == []
    later = timezone.now() + timedelta(hours=2)
    assert set(signed_letters.orphans(timedelta(minutes=60), now=later)) == left

    out = StringIO()
    call_command("sweep_signed_letters", "--older-than", "1", "--dry-run", "--json", stdout=out)
    assert json.loads(out.getvalue()) == {"dry_run": True, "files": []}  # written seconds ago
    assert set(signed_letters.sweep(timedelta(minutes=60), now=later)) == left
    assert _files(root) == stored  # the orphans are gone, the stored letter's files remain
    assert signed_letters.read(letter, "pdf").startswith(b"%PDF")

    # Signed again, the draft gets its own stored letter; a sweep finds nothing more to delete.
    case = transition(draft, State.SUBMITTED, world.u["province_leader"])
    assert SignedLetter.objects.filter(request=case).exists()
    settings.TTHC_SIGNED_LETTER_ORPHAN_MINUTES = 1
    assert sweep_signed_letter_files() == 0 and len(_files(root)) == 4


def test_the_sweep_command_refuses_a_zero_age(world):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="at least 1 minute"):
        call_command("sweep_signed_letters", "--older-than", "0")
