"""The ingestion admin screens: scoped by the gate, corrected rejects replayed from the admin."""

import json

import pytest
from django.urls import reverse

from accounts.models import Role, RoleAssignment, User
from reconciliation.models import IngestBatch, RejectedRecord
from reconciliation.services.ingest import ingest
from tthc.models import Dossier

from .fixtures.world import build_world, stream

pytestmark = pytest.mark.django_db

BAD = {
    "MaHoSo": "00004-250105-000400",
    "MaTTHC": "1.00119",
    "TrangThaiHoSo": "2",
    "NgayTiepNhan": "20250105083000",
}


def officer(username, agency, role=Role.OFFICER):
    user = User.objects.create_user(username, password="Mat-khau-rat-dai-1", is_staff=True)
    RoleAssignment.objects.create(user=user, agency=agency, role=role)
    return user


@pytest.fixture
def world():
    w = build_world()
    w["batch"] = IngestBatch.objects.get(
        pk=ingest(w["province_system"], stream(json.dumps({"data": [BAD]})), "portal").batch
    )
    w["ministry_batch"] = IngestBatch.objects.get(
        pk=ingest(w["ministry_system"], stream(b'{"data": []}'), "portal").batch
    )
    return w


def test_batches_are_scoped_to_the_owner_of_the_source(client, world):
    client.force_login(officer("can.bo.ha.noi", world["hanoi"]))
    page = client.get(reverse("admin:reconciliation_ingestbatch_changelist"))
    assert page.status_code == 200
    shown = {b.pk for b in page.context["cl"].result_list}
    assert shown == {world["batch"].pk}
    other = client.get(reverse("admin:reconciliation_ingestbatch_change", args=[world["ministry_batch"].pk]))
    assert other.status_code == 404


def test_correct_a_reject_and_replay_it_from_the_admin(client, world):
    user = officer("can.bo.ha.noi", world["hanoi"])
    client.force_login(user)
    reject = RejectedRecord.objects.get(batch=world["batch"])
    reject.payload = dict(reject.payload, MaTTHC="1.001193")
    reject.save()
    response = client.post(
        reverse("admin:reconciliation_rejectedrecord_changelist"),
        {"action": "replay", "_selected_action": [reject.pk]},
        follow=True,
    )
    assert response.status_code == 200
    reject.refresh_from_db()
    assert reject.replayed_in is not None and reject.replayed_in.submitted_by == user
    assert Dossier.objects.filter(code=BAD["MaHoSo"]).exists()


def test_a_viewer_cannot_replay(client, world):
    client.force_login(officer("xem", world["hanoi"], Role.VIEWER))
    reject = RejectedRecord.objects.get(batch=world["batch"])
    client.post(
        reverse("admin:reconciliation_ingestbatch_changelist"),
        {"action": "replay_rejects", "_selected_action": [world["batch"].pk]},
    )
    reject.refresh_from_db()
    assert reject.replayed_in is None
