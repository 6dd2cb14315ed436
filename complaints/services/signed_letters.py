"""The signed letter, frozen: the PDF and the Word file of a request's letter as it was signed.

The letter is typeset (by ``reports``) from code templates, the wording of ``letters`` and settings,
all of which change over time, and from the gap rows of runs that later reconciliations replace. An
official document must not change after signing, so the documents app renders both files once, when
the request is signed (``signing.freeze_letter``), and stores them here with their SHA-256; from then
on every download of the request's letter — the page's links, the API, the command, a worker's job —
serves these bytes. A draft's letter is still rendered live.

The rules (docs/domain.md#the-signed-letter):

* A letter is *official* once it left the province: every state but ``draft`` and ``discarded``.
* One copy per request, stored once (:func:`store` is idempotent: a second copy, from a race or a
  repeated signal, is dropped and the first kept), never updated or deleted (``SignedLetter``).
* A dispute (``rejected`` → ``submitted``) is not a new signing: the request keeps its number and its
  stored letter. A letter is never re-frozen.
* A request signed before copies were stored is frozen at the first download of its letter; the
  copy's ``rendered_at`` (later than ``signed_at``) says so.
* Serving checks the stored bytes against their SHA-256: a copy that no longer matches is never
  served (:class:`SignedLetterAltered`).

This module only stores and reads; it renders nothing (``complaints`` cannot import ``reports``).
"""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime, timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.db import IntegrityError, transaction
from django.utils import timezone

from ..models import SignedLetter, SyncGapRequest
from ..models.requests import SIGNED_DIR, SIGNED_ROOT
from ..workflow import PRIVATE
from .attachments import CONTENT_TYPES

logger = logging.getLogger(__name__)

PDF, DOCX = "pdf", "docx"
FORMATS = (PDF, DOCX)


class SignedLetterAltered(RuntimeError):
    """A stored signed letter's bytes no longer match the SHA-256 recorded when it was stored."""


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def is_official(case: SyncGapRequest) -> bool:
    """Whether the request's letter was signed and sent (then it is served from its stored copy)."""
    return case.state not in PRIVATE


def stored(case: SyncGapRequest) -> SignedLetter | None:
    """The request's stored signed letter, if it has one."""
    return SignedLetter.objects.filter(request_id=case.pk).first()


def content_type(fmt: str) -> str:
    return CONTENT_TYPES[fmt]


def checksum(letter: SignedLetter, fmt: str) -> str:
    return letter.pdf_sha256 if fmt == PDF else letter.docx_sha256


def read(letter: SignedLetter, fmt: str) -> bytes:
    """The stored bytes of ``fmt`` (pdf or docx), checked against their SHA-256."""
    field = letter.pdf if fmt == PDF else letter.docx
    with field.open("rb") as handle:
        content = handle.read()
    if sha256(content) != checksum(letter, fmt):
        raise SignedLetterAltered(
            f"the stored {fmt} of request {letter.request_id}'s signed letter does not match its SHA-256"
        )
    return content


def _name(case: SyncGapRequest, fmt: str) -> str:
    number = f"{case.number_year}-{case.number}" if case.number is not None else "unnumbered"
    return f"request-letter-{case.pk}-{number}.{fmt}"


def store(
    case: SyncGapRequest,
    *,
    pdf: bytes,
    docx: bytes,
    pdf_pages: int | None = None,
    now: datetime | None = None,
) -> SignedLetter:
    """Store the signed letter's files once; answers the stored copy (the first one, if one exists)."""
    existing = stored(case)
    if existing is not None:
        return existing
    letter = SignedLetter(
        request=case,
        pdf_sha256=sha256(pdf),
        pdf_size=len(pdf),
        pdf_pages=pdf_pages,
        docx_sha256=sha256(docx),
        docx_size=len(docx),
        rendered_at=now or timezone.now(),
    )
    letter.pdf.save(_name(case, PDF), ContentFile(pdf), save=False)
    letter.docx.save(_name(case, DOCX), ContentFile(docx), save=False)
    try:
        with transaction.atomic():
            letter.save()
    except IntegrityError:
        # Another process stored it first (two first downloads at once): keep theirs, drop ours.
        for field in (letter.pdf, letter.docx):
            if field.name:
                field.storage.delete(field.name)
        return SignedLetter.objects.get(request_id=case.pk)
    return letter


def _signed_dirs(storage: Storage) -> list[tuple[int, str]]:
    """(request id, directory) of every request's directory of signed letters (``upload_to``)."""
    found: list[tuple[int, str]] = []
    if not storage.exists(SIGNED_ROOT):
        return found
    for period in storage.listdir(SIGNED_ROOT)[0]:
        for request_dir in storage.listdir(f"{SIGNED_ROOT}/{period}")[0]:
            path = f"{SIGNED_ROOT}/{period}/{request_dir}/{SIGNED_DIR}"
            if request_dir.isdigit() and storage.exists(path):
                found.append((int(request_dir), path))
    return found


def _storage() -> Storage:
    """The storage the signed letters' files are in (their field's)."""
    return SignedLetter._meta.get_field("pdf").storage


def orphans(older_than: timedelta, now: datetime | None = None) -> list[str]:
    """Stored letter files no ``SignedLetter`` names, written more than ``older_than`` ago: the files
    of a signing whose transaction rolled back after they were written (a failure later in the
    signing, a lost connection) or of a worker that died between writing and recording them. The
    files are written before the row (the row holds their names and checksums), so a file younger
    than ``older_than`` may belong to a signing still in progress and is left alone."""
    storage = _storage()
    now = now or timezone.now()
    dirs = _signed_dirs(storage)
    known: set[str] = set()
    ids = [pk for pk, _ in dirs]
    for chunk in (ids[i : i + 1000] for i in range(0, len(ids), 1000)):
        for pdf, docx in SignedLetter.objects.filter(request_id__in=chunk).values_list("pdf", "docx"):
            known.update((pdf, docx))
    found = []
    for _pk, path in dirs:
        for name in storage.listdir(path)[1]:
            full = f"{path}/{name}"
            if full not in known and storage.get_modified_time(full) < now - older_than:
                found.append(full)
    return sorted(found)


def sweep(older_than: timedelta, now: datetime | None = None, *, dry_run: bool = False) -> list[str]:
    """Delete the :func:`orphans` (none with ``dry_run``); answers their names. A stored signed
    letter's files are never touched: only names no ``SignedLetter`` row holds."""
    found = orphans(older_than, now)
    if not dry_run:
        storage = _storage()
        for name in found:
            storage.delete(name)
        if found:
            logger.info("removed %d signed-letter files no signed letter holds", len(found))
    return found
