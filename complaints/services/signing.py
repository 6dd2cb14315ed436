"""Signing a request: submitting is a leader's act that records the signer and gives the letter its
official number.

Every letter in the seeds is signed by a leader ("KT. CHỦ TỊCH / PHÓ CHỦ TỊCH"), so the workflow lets
only a province leader (``complaints.workflow``: ``PROVINCE_LEADERS``) move a draft to ``submitted``;
this module, called inside that transition's transaction, records who signed (user, full name, title,
mode) and draws the number ``Số: N/<ABBREV>-<UNIT>`` from the province's counter for the year
(``LetterCounter``, locked with ``SELECT … FOR UPDATE``). The counter is incremented in the same
transaction as the submission, so a refused or failed submission consumes no number: the sequence is
gap-free, unique (a database constraint backs it) and never reused.

Signing also freezes the letter (:func:`freeze_letter`): its PDF and Word file are rendered once and
stored with their SHA-256 (``complaints.services.signed_letters``), and every later download serves
those bytes, whatever later changes to the wording, the templates or the settings.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils import timezone

from tthc.models import Agency

from ..models import LetterCounter, SyncGapRequest
from ..signals import letter_signed


def next_number(agency: Agency, year: int) -> int:
    """The next number of ``agency``'s sequence for ``year`` (call inside a transaction)."""
    LetterCounter.objects.bulk_create([LetterCounter(agency=agency, year=year)], ignore_conflicts=True)
    counter = LetterCounter.objects.select_for_update().get(agency=agency, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def number_text(number: int) -> str:
    return f"Số: {number}/{settings.TTHC_REQUEST_NUMBER_ABBREV}-{settings.TTHC_REQUEST_NUMBER_UNIT}"


def sign(case: SyncGapRequest, user: Any, fields: dict[str, Any], now: datetime) -> None:
    """Record the signer and number the letter (the caller saves ``case``, then calls
    :func:`freeze_letter`).

    Only the first submission (``draft`` → ``submitted``) signs. A request disputed back to
    ``submitted`` (``rejected`` → ``submitted``) is the same letter sent again, not a new one: it keeps
    its number and its frozen letter, and nothing is rendered again. Numbers once: should a signed
    request ever be signed again, its number stays, and so does its stored letter — a signed letter is
    never re-frozen (a changed letter is a new request)."""
    mode = fields.get("signer_mode") or settings.TTHC_REQUEST_SIGNER_MODE
    case.signed_by = user
    case.signer_name = (getattr(user, "full_name", "") or str(user)) if user is not None else ""
    case.signer_title = fields.get("signer_title") or settings.TTHC_REQUEST_SIGNER_TITLE
    case.signer_mode = "" if mode == "-" else mode
    case.signed_at = now
    if case.number is None:
        year = timezone.localtime(now).year
        case.number = next_number(case.province, year)
        case.number_year = year
        case.number_text = number_text(case.number)


def freeze_letter(case: SyncGapRequest, now: datetime) -> None:
    """Freeze the signed letter: call inside the signing transaction, after ``case`` is saved as
    ``submitted`` with its signer and number. The documents app renders the PDF and the Word file and
    stores them (in this transaction; a letter above ``TTHC_DOCUMENT_SYNC_MAX_ROWS`` gap rows, by a
    worker queued on commit), so a failed rendering fails the signing and consumes no number. Idempotent:
    a letter already stored is kept as it is."""
    letter_signed.send(sender=SyncGapRequest, case=case, now=now)
