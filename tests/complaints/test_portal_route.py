"""Issue 12: the portal's own faults go to its operator (seed 002), on the same machinery."""

from __future__ import annotations

from rest_framework.test import APIClient

from complaints.models import Route
from complaints.services import requests as svc
from complaints.services.letters import letter_content
from complaints.services.portal import fault_counts, portal_faults
from complaints.services.preparation import prepare_requests
from complaints.workflow import State
from reconciliation.models import SourceDossier, SourceKind, SourceSystem
from tests.factories import AgencyFactory, ProcedureFactory
from tthc.models import AgencyKind

from .helpers import make_run, vn


def setup_faults(world, settings):
    operator = AgencyFactory(code="BCA", name="Bộ Công an", kind=AgencyKind.MINISTRY, parent=world.a["CP"])
    settings.TTHC_PORTAL_OPERATOR_AGENCY = "BCA"
    portal = SourceSystem.objects.create(
        code="DVCQG", name="Cổng DVCQG", kind=SourceKind.PORTAL, owner=world.a["VPCP"]
    )
    procedure = ProcedureFactory(code="HT8", ministry=world.a["BTP"], central_system="HTDT")
    run = make_run(world, counts={"status_differs": 3, "missing_on_portal": 2})
    codes = sorted(run.gaps.filter(kind="status_differs").values_list("dossier_code", flat=True))
    t = vn(2026, 8, 10, 9, 0)
    for i, code in enumerate(codes):
        for source, status, event in (
            (world.system, 9, t),
            (portal, 4, t if i < 2 else vn(2026, 8, 9, 9, 0)),
        ):
            SourceDossier.objects.create(
                source=source,
                code=code,
                agency=world.a["01-C1"],
                procedure=procedure,
                status=status,
                received_at=vn(2026, 8, 3, 9, 0),
                event_at=event,
                synced_at=event,
                digest="x",
            )
    return operator, run


def test_status_gaps_the_portal_received_are_the_operators(world, settings):
    operator, run = setup_faults(world, settings)
    assert portal_faults(run).count() == 2  # the third: the portal's copy is older than the source's
    assert fault_counts([run]) == {run.pk: 2}
    created = prepare_requests("2026-08")
    by_route = {c.route: c for c in created}
    assert set(by_route) == {Route.MINISTRY, Route.PORTAL_OPERATOR}
    to_portal = by_route[Route.PORTAL_OPERATOR]
    assert to_portal.ministry == operator and to_portal.gap_counts == {"status_differs": 2}
    assert by_route[Route.MINISTRY].gap_total == 5  # the ministry's request keeps every gap
    content = letter_content(to_portal)
    assert content["kind"] == "portal_fault" and content["addressees"] == ["Bộ Công an"]
    assert "đơn vị vận hành Cổng Dịch vụ công quốc gia" in " ".join(content["paragraphs"])
    assert len(content["appendix"]) == 2
    assert prepare_requests("2026-08") == []
    # Same machinery: a leader signs it, the numbering continues.
    signed = svc.transition(to_portal, State.SUBMITTED, world.u["province_leader"], now=vn(2026, 9, 3, 9, 0))
    assert signed.number == 1 and signed.state == State.SUBMITTED


def test_a_province_files_a_portal_fault_request_through_the_api(world, settings):
    setup_faults(world, settings)
    api = APIClient()
    api.force_authenticate(world.u["province_officer"])
    response = api.post(
        "/api/v1/requests/",
        {"province": "01", "period": "2026-08", "route": "portal_operator"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["route"], body["kind"], body["ministry"]["code"]) == (
        "portal_operator",
        "portal_fault",
        "BCA",
    )
    assert body["systems"][0]["gaps"] == {"status_differs": 2}


def test_the_monthly_review_says_which_request_goes_to_the_portals_operator(world, settings, client):
    """The operator's request names a system of another ministry: the review says why it is there."""
    setup_faults(world, settings)
    prepare_requests("2026-08")
    client.force_login(world.u["province_leader"])
    page = client.get("/requests/review/?period=2026-08", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    rows = {row.split("</tr>")[0] for row in page.split('<tr class="request')[1:]}
    note = "Với tư cách đơn vị vận hành Cổng DVCQG"
    (to_portal,) = [r for r in rows if "Bộ Công an" in r]
    assert note in to_portal
    assert all(note not in r for r in rows - {to_portal}) and len(rows) == 2
