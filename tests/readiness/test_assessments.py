"""The assessment workflow: who may assess and approve, classification, history by supersession."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from accounts.models import AuditLog
from readiness.models import Assessment, AssessmentState, Classification
from readiness.services import assessments as svc

from .helpers import approved, results

pytestmark = pytest.mark.django_db


def test_an_officer_cannot_assess_another_ministrys_procedure(world):
    with pytest.raises(PermissionDenied):
        svc.create_assessment(world.p["BYT"], world.systems["BYT"], world.u["btp_officer"], results())
    assert not Assessment.objects.exists()
    assert AuditLog.objects.filter(action="permission.denied", actor=world.u["btp_officer"]).exists()


def test_a_system_of_another_ministry_is_refused(world):
    with pytest.raises(ValidationError) as exc:
        svc.create_assessment(world.p["BTP"], world.systems["BYT"], world.u["btp_officer"], results())
    assert "system" in exc.value.message_dict


def test_unknown_criterion_and_outcome_are_named(world):
    bad = [svc.ResultInput("ZZ-9", "met"), svc.ResultInput("CH-01", "maybe")]
    with pytest.raises(ValidationError) as exc:
        svc.create_assessment(world.p["BTP"], world.systems["BTP"], world.u["btp_officer"], bad)
    text = " ".join(exc.value.message_dict["results"])
    assert "ZZ-9" in text and "maybe" in text
    assert not Assessment.objects.exists()


def test_national_administrators_read_but_do_not_assess(world):
    with pytest.raises(PermissionDenied):
        svc.create_assessment(world.p["BTP"], world.systems["BTP"], world.u["national"], results())


def test_leader_approval_classifies_ready(world):
    a = svc.create_assessment(
        world.p["BTP"], world.systems["BTP"], world.u["btp_officer"], results(), submit=True
    )
    assert a.state == AssessmentState.SUBMITTED and not a.is_current
    with pytest.raises(PermissionDenied):  # an officer does not approve
        svc.transition(a, "approve", world.u["btp_officer"])
    with pytest.raises(PermissionDenied):  # another ministry's leader neither
        svc.transition(a, "approve", world.u["byt_leader"])
    a = svc.transition(a, "approve", world.u["btp_leader"])
    assert (a.state, a.classification, a.is_current) == (AssessmentState.APPROVED, Classification.READY, True)


def test_an_optional_criterion_not_met_keeps_the_procedure_ready(world):
    a = approved(world, not_met=("TT-01",), planned=date(2026, 8, 1))
    assert a.classification == Classification.READY


def test_not_ready_needs_a_date_and_a_roadmap(world):
    a = svc.create_assessment(
        world.p["BTP"], world.systems["BTP"], world.u["btp_officer"], results(("KN-01",))
    )
    with pytest.raises(ValidationError) as exc:
        svc.transition(a, "submit", world.u["btp_officer"])
    assert "planned_ready_on" in exc.value.message_dict
    a = approved(world, not_met=("KN-01",), planned=date(2026, 9, 30))
    assert a.classification == Classification.NOT_READY
    assert [s.action for s in a.steps.all()] == ["Cấu hình quy trình"]


def test_a_missing_criterion_blocks_submission(world):
    partial = results()[:-1]
    a = svc.create_assessment(world.p["BTP"], world.systems["BTP"], world.u["btp_officer"], partial)
    with pytest.raises(ValidationError) as exc:
        svc.transition(a, "submit", world.u["btp_officer"])
    assert "VH-02" in " ".join(exc.value.message_dict["results"])


def test_a_superseding_assessment_keeps_the_old_one_in_history(world):
    old = approved(world, not_met=("KN-01",), planned=date(2026, 9, 30))
    old_results = list(old.results.values_list("criterion__code", "outcome"))
    new = approved(world)
    old.refresh_from_db()
    assert not old.is_current and old.superseded_by == new and old.state == AssessmentState.APPROVED
    assert old.classification == Classification.NOT_READY  # untouched
    assert list(old.results.values_list("criterion__code", "outcome")) == old_results
    assert new.is_current and new.classification == Classification.READY
    assert list(svc.history(new)) == [new, old]


def test_returned_assessment_can_be_resubmitted(world):
    a = svc.create_assessment(
        world.p["BTP"], world.systems["BTP"], world.u["btp_officer"], results(), submit=True
    )
    a = svc.transition(a, "return", world.u["btp_leader"], comment="thiếu minh chứng")
    assert a.state == AssessmentState.RETURNED
    with pytest.raises(ValidationError):
        svc.transition(a, "approve", world.u["btp_leader"])
    a = svc.transition(a, "submit", world.u["btp_officer"])
    assert a.state == AssessmentState.SUBMITTED


def test_the_database_keeps_one_current_assessment(world):
    first = approved(world)
    second = svc.create_assessment(
        world.p["BTP"], world.systems["BTP"], world.u["btp_officer"], results(), submit=True
    )
    Assessment.objects.filter(pk=second.pk).update(state=AssessmentState.APPROVED, classification="ready")
    with pytest.raises(IntegrityError), transaction.atomic():
        Assessment.objects.filter(pk=second.pk).update(is_current=True)
    assert first.is_current


def test_attachment_goes_through_the_upload_checks(world):
    bad = SimpleUploadedFile("x.pdf", b"MZ not a pdf")
    rows = [svc.ResultInput("CH-01", "met", attachment=bad), *results()[1:]]
    with pytest.raises(ValidationError) as exc:
        svc.create_assessment(world.p["BTP"], world.systems["BTP"], world.u["btp_officer"], rows)
    assert "file" in exc.value.message_dict
    good = SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4 test")
    rows = [svc.ResultInput("CH-01", "met", attachment=good), *results()[1:]]
    a = svc.create_assessment(world.p["BTP"], world.systems["BTP"], world.u["btp_officer"], rows)
    result = a.results.get(criterion__code="CH-01")
    assert result.attachment_name == "bien-ban.pdf" and result.attachment_type == "application/pdf"
