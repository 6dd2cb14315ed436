"""The documents' fixtures: a small demo (the demo tests' reference files, its follow-ups on: runs,
index snapshots, draft requests), one submitted request, files in a temporary media folder."""

from __future__ import annotations

import shutil
from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import Role, RoleAssignment, User
from complaints.models import SyncGapRequest
from complaints.services.requests import transition
from tests.demo.conftest import FILES
from tthc.periods import Period

DOSSIERS = 800


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(scope="session")
def reference(tmp_path_factory):
    path = tmp_path_factory.mktemp("documents_reference")
    for name, text in FILES.items():
        (path / name).write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def demo(db, reference):
    """Seeded through the demo's own command (ingestion, reconciliation, the index, drafts)."""
    call_command(
        "seed_demo",
        dossiers=DOSSIERS,
        anchor_month=str(Period.current()),  # the drafts and the index follow the real clock
        data_dir=str(reference),
        no_progress=True,
        stdout=StringIO(),
    )


def leader_of(agency) -> User:
    user, _ = User.objects.get_or_create(
        username=f"leader-{agency.code}", defaults={"full_name": "Nguyễn Văn A"}
    )
    RoleAssignment.objects.get_or_create(user=user, agency=agency, role=Role.LEADER, include_subunits=True)
    return user


@pytest.fixture
def submitted(demo) -> SyncGapRequest:
    """The draft with the most gaps, submitted by a leader of its province."""
    case = SyncGapRequest.objects.order_by("-gap_total", "pk").first()
    assert case is not None and case.gap_total > 0, "the demo drafted no request"
    return transition(case, "submitted", leader_of(case.province))


pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) missing")
