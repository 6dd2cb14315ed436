"""The apology / new-date letter: issued at least one day before the due date, once per dossier."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tests.factories import DossierFactory
from tthc.calendar import VN_TZ
from tthc.models import ApologyLetter

pytestmark = pytest.mark.django_db

DUE = datetime(2026, 3, 10, 17, 0, tzinfo=VN_TZ)  # Tue 10/3/2026 17:00
NEW_DUE = datetime(2026, 3, 13, 17, 0, tzinfo=VN_TZ)


def vn(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=VN_TZ)


@pytest.fixture
def dossier():
    return DossierFactory(received_at=vn("2026-03-02 09:00"), due_at=DUE)


def letter(dossier, issued_at, new_due_at=NEW_DUE, original_due_at=None):
    return ApologyLetter(
        dossier=dossier,
        issued_at=issued_at,
        reason="Cần xác minh thêm",
        original_due_at=original_due_at,
        new_due_at=new_due_at,
    )


@pytest.mark.parametrize(
    "issued_at",
    [
        vn("2026-03-09 16:00"),  # the day before
        vn("2026-03-09 23:59"),  # the last minute of the day before (Vietnam time)
        vn("2026-03-02 10:00"),  # well before
        datetime(2026, 3, 9, 16, 59, tzinfo=UTC),  # = 9/3 23:59 +07
    ],
    ids=["day-before", "day-before-23:59", "week-before", "utc-day-before"],
)
def test_clean_accepts_a_letter_issued_one_day_before_due(dossier, issued_at):
    apology = letter(dossier, issued_at)
    apology.clean()
    assert apology.original_due_at == DUE  # taken from the dossier
    apology.full_clean()
    apology.save()
    assert ApologyLetter.objects.get().dossier == dossier
    assert dossier.apology_letter == apology


@pytest.mark.parametrize(
    "issued_at",
    [
        vn("2026-03-10 07:00"),  # same day, hours before the due time
        vn("2026-03-10 00:00"),
        datetime(2026, 3, 9, 17, 0, tzinfo=UTC),  # = 10/3 00:00 +07: same day in Vietnam
        vn("2026-03-10 17:00"),  # at the due time
        vn("2026-03-11 09:00"),  # after the due date
    ],
    ids=["same-day-morning", "same-day-midnight", "utc-same-day", "at-due", "after-due"],
)
def test_clean_rejects_same_day_and_after_due(dossier, issued_at):
    with pytest.raises(ValidationError) as excinfo:
        letter(dossier, issued_at).clean()
    errors = excinfo.value.message_dict
    assert set(errors) == {"issued_at"}
    message = errors["issued_at"][0]
    assert "10/03/2026" in message  # the original due date
    assert "09/03/2026" in message  # the latest allowed issue date
    assert "at least one day before" in message


def test_due_date_is_read_in_vietnam_time(dossier):
    # Due Wed 11/3 00:30 +07 (= Tue 10/3 17:30 UTC): the latest issue day is Tue 10/3 in Vietnam.
    due = datetime(2026, 3, 10, 17, 30, tzinfo=UTC)
    letter(dossier, vn("2026-03-10 23:00"), original_due_at=due, new_due_at=due + timedelta(days=2)).clean()
    with pytest.raises(ValidationError) as excinfo:
        letter(
            dossier, vn("2026-03-11 00:10"), original_due_at=due, new_due_at=due + timedelta(days=2)
        ).clean()
    assert "11/03/2026" in excinfo.value.message_dict["issued_at"][0]
    assert "10/03/2026" in excinfo.value.message_dict["issued_at"][0]


@pytest.mark.parametrize(
    "new_due_at",
    [DUE, DUE - timedelta(days=1), DUE - timedelta(seconds=1)],
    ids=["equal", "earlier", "one-second-earlier"],
)
def test_new_due_date_must_be_later(dossier, new_due_at):
    with pytest.raises(ValidationError) as excinfo:
        letter(dossier, vn("2026-03-05 09:00"), new_due_at=new_due_at).clean()
    assert set(excinfo.value.message_dict) == {"new_due_at"}
    assert "after the original due date" in excinfo.value.message_dict["new_due_at"][0]


def test_new_due_one_second_later_is_accepted(dossier):
    letter(dossier, vn("2026-03-05 09:00"), new_due_at=DUE + timedelta(seconds=1)).clean()


def test_both_errors_are_reported_together(dossier):
    with pytest.raises(ValidationError) as excinfo:
        letter(dossier, vn("2026-03-10 09:00"), new_due_at=DUE).clean()
    assert set(excinfo.value.message_dict) == {"issued_at", "new_due_at"}


def test_a_dossier_without_due_date_cannot_be_rescheduled():
    undated = DossierFactory(due_at=None)
    with pytest.raises(ValidationError) as excinfo:
        letter(undated, vn("2026-03-05 09:00")).clean()
    assert set(excinfo.value.message_dict) == {"dossier"}


def test_explicit_original_due_date_is_kept(dossier):
    apology = letter(
        dossier,
        vn("2026-03-05 09:00"),
        original_due_at=vn("2026-03-06 17:00"),
        new_due_at=vn("2026-03-09 17:00"),
    )
    apology.clean()
    assert apology.original_due_at == vn("2026-03-06 17:00")


def test_a_dossier_is_rescheduled_only_once(dossier):
    first = letter(dossier, vn("2026-03-05 09:00"))
    first.clean()
    first.save()
    second = letter(dossier, vn("2026-03-06 09:00"), new_due_at=vn("2026-03-20 17:00"))
    second.clean()  # clean() itself does not look at other rows …
    with pytest.raises(ValidationError) as excinfo:
        second.full_clean()  # … but full_clean() sees the one-to-one
    assert "dossier" in excinfo.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        second.save()
    assert ApologyLetter.objects.filter(dossier=dossier).count() == 1
    assert ApologyLetter.objects.get().new_due_at == NEW_DUE


@pytest.mark.parametrize(
    ("issued_at", "new_due_at"),
    [
        (vn("2026-03-05 09:00"), DUE),  # new due not later
        (vn("2026-03-05 09:00"), DUE - timedelta(days=1)),
        (DUE, NEW_DUE),  # issued at the due time
        (DUE + timedelta(days=1), NEW_DUE),  # issued after it
    ],
    ids=["new-equal", "new-earlier", "issued-at-due", "issued-after-due"],
)
def test_database_constraints(dossier, issued_at, new_due_at):
    with pytest.raises(IntegrityError), transaction.atomic():
        ApologyLetter.objects.create(
            dossier=dossier, issued_at=issued_at, reason="x", original_due_at=DUE, new_due_at=new_due_at
        )
    assert not ApologyLetter.objects.exists()


class ApologyForm(forms.ModelForm):
    """How a page asks for a letter: the original due date is not a form field, clean() fills it."""

    class Meta:
        model = ApologyLetter
        fields = ["dossier", "issued_at", "reason", "new_due_at"]


def _form(dossier, issued_at, new_due_at):
    return ApologyForm(
        data={
            "dossier": dossier.pk,
            "issued_at": f"{issued_at:%Y-%m-%d %H:%M}",
            "reason": "Cần xác minh thêm",
            "new_due_at": f"{new_due_at:%Y-%m-%d %H:%M}",
        }
    )


def test_model_form_fills_the_original_due_date_and_validates(dossier):
    late = _form(dossier, vn("2026-03-10 08:00"), NEW_DUE)
    assert not late.is_valid()
    assert "09/03/2026" in late.errors["issued_at"][0]

    form = _form(dossier, vn("2026-03-09 08:00"), NEW_DUE)
    assert form.is_valid(), form.errors
    apology = form.save()
    assert apology.original_due_at == DUE

    again = _form(dossier, vn("2026-03-09 09:00"), NEW_DUE + timedelta(days=1))
    assert not again.is_valid()
    assert "dossier" in again.errors


def test_the_dossier_keeps_its_original_due_date(dossier):
    apology = letter(dossier, vn("2026-03-05 09:00"))
    apology.clean()
    apology.full_clean()
    apology.save()
    dossier.refresh_from_db()
    assert dossier.due_at == DUE
    assert dossier.apology_letter.new_due_at == NEW_DUE
