"""The API: /me/, agencies and dossiers through the gate, filters, token auth and query counts."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Role
from accounts.services import cli_actor, create_system_account
from tests.factories import DossierFactory
from tthc.models import Dossier, DossierStatus

from .helpers import assign, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def results(response):
    assert response.status_code == 200, response.content
    return [row["code"] for row in response.json()["results"]]


def test_me_lists_active_assignments_with_role_names(api, tree):
    user = make_user("hn.officer", Role.OFFICER, tree.a["01"], full_name="Lê C")
    assign(user, tree.a["48-C1"], Role.VIEWER, include_subunits=False)
    assign(user, tree.a["BTP"], Role.LEADER, revoked_at=timezone.now())
    api.force_authenticate(user)
    body = api.get("/api/v1/me/").json()
    assert body["username"] == "hn.officer" and body["full_name"] == "Lê C" and body["is_national"] is False
    assert [(a["role"], a["agency"]["code"], a["include_subunits"]) for a in body["assignments"]] == [
        ("officer", "01", True),
        ("viewer", "48-C1", False),
    ]


def test_anonymous_api_is_refused(api, tree):
    for url in ("/api/v1/me/", "/api/v1/agencies/", "/api/v1/dossiers/", "/api/v1/dossiers/D-01/"):
        assert api.get(url).status_code in (401, 403)


def test_agencies_filters_and_detail_by_code(api, tree):
    api.force_authenticate(make_user("hn", Role.VIEWER, tree.a["01"]))
    assert results(api.get("/api/v1/agencies/?kind=commune")) == ["01-C1", "01-C2"]
    assert results(api.get("/api/v1/agencies/?parent=01-STP")) == ["01-STP-P"]
    assert api.get("/api/v1/agencies/01-STP/").json()["parent"] == "01"
    assert api.get("/api/v1/agencies/48/").status_code == 404
    tree.a["01-C2"].valid_to = timezone.localdate() - timedelta(days=1)
    tree.a["01-C2"].save()
    assert "01-C2" not in results(api.get("/api/v1/agencies/?active=true"))
    assert results(api.get("/api/v1/agencies/?active=false")) == ["01-C2"]


def test_dossier_filters(api, tree):
    now = timezone.now()
    late = DossierFactory(
        code="D-LATE",
        receiving_agency=tree.a["01-STP-P"],
        procedure=tree.procedures["BYT"],
        received_at=now - timedelta(days=20),
        due_at=now - timedelta(days=5),
        channel=2,
    )
    done = DossierFactory(
        code="D-DONE",
        receiving_agency=tree.a["01-C1"],
        procedure=tree.procedures["BYT"],
        status=DossierStatus.RETURNED,
        received_at=now - timedelta(days=40),
        due_at=now - timedelta(days=30),
        finished_at=now - timedelta(days=35),
    )
    api.force_authenticate(make_user("hn", Role.OFFICER, tree.a["01"]))
    assert results(api.get("/api/v1/dossiers/?overdue=true")) == ["D-LATE"]
    assert "D-LATE" not in results(api.get("/api/v1/dossiers/?overdue=false&page_size=100"))
    assert results(api.get("/api/v1/dossiers/?status=10")) == ["D-DONE"]
    assert "D-DONE" not in results(api.get("/api/v1/dossiers/?open=true"))
    assert results(api.get("/api/v1/dossiers/?open=false")) == ["D-DONE"]
    assert results(api.get("/api/v1/dossiers/?channel=2")) == ["D-LATE"]
    assert set(results(api.get("/api/v1/dossiers/?receiving_agency_subtree=01-STP"))) == {
        "D-01-STP",
        "D-01-STP-P",
        "D-LATE",
    }
    assert set(results(api.get("/api/v1/dossiers/?receiving_agency=01-STP-P"))) == {"D-01-STP-P", "D-LATE"}
    assert results(api.get("/api/v1/dossiers/?procedure=P-BTP")) == ["D-BTP-AT-01"]
    window = {
        "received_at_after": (now - timedelta(days=45)).isoformat(),
        "received_at_before": (now - timedelta(days=15)).isoformat(),
    }
    assert set(results(api.get("/api/v1/dossiers/", window))) == {"D-LATE", "D-DONE"}
    assert results(
        api.get("/api/v1/dossiers/", {"due_at_before": (now - timedelta(days=29)).isoformat()})
    ) == ["D-DONE"]
    # Filters never widen the scope.
    assert results(api.get("/api/v1/dossiers/?receiving_agency_subtree=48")) == []
    assert late.code and done.code
    # A true/false flag is read in any usual spelling; anything else is refused, naming the flag,
    # instead of silently listing every dossier.
    assert results(api.get("/api/v1/dossiers/?overdue=TRUE")) == results(
        api.get("/api/v1/dossiers/?overdue=1")
    )
    assert results(api.get("/api/v1/dossiers/?open=0")) == ["D-DONE"]
    assert len(results(api.get("/api/v1/dossiers/?overdue=&page_size=100"))) > 1
    for flag in ("overdue", "open", "received"):
        refused = api.get(f"/api/v1/dossiers/?{flag}=maybe")
        assert refused.status_code == 400, flag
        assert list(refused.json()) == [flag]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/agencies/?active=maybe",
        "/api/v1/requests/?open=maybe",
        "/api/v1/requests/?overdue=2",
        "/api/v1/source-systems/?active=yes please",
        "/api/v1/readiness/criteria/?required=x",
        "/api/v1/readiness/roadmap/?provincial=maybe",
    ],
)
def test_every_true_false_filter_refuses_other_values(api, tree, url):
    api.force_authenticate(make_user("nat", Role.OFFICER, tree.a["BTP"]))
    response = api.get(url)
    assert response.status_code == 400, (url, response.content[:300])
    assert list(response.json()) == [url.split("?")[1].split("=")[0]]
    assert api.get(url.split("=")[0] + "=true").status_code == 200


def test_dossier_detail_by_code_and_404_outside_scope(api, tree):
    api.force_authenticate(make_user("hn", Role.OFFICER, tree.a["01"]))
    body = api.get("/api/v1/dossiers/D-01-C1/").json()
    assert body["receiving_agency"] == "01-C1" and body["procedure"] == "P-BYT" and body["status"] == 4
    assert api.get("/api/v1/dossiers/D-48/").status_code == 404
    assert api.post("/api/v1/dossiers/", {}).status_code == 405


def test_system_account_token_auth_is_scoped(tree):
    _account, key = create_system_account(cli_actor(), tree.a["48"], "DN-DVC")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/me/").json()["is_system"] is True
    assert set(results(api.get("/api/v1/dossiers/"))) == {"D-48", "D-48-C1", "D-01-HANDLED-48"}
    api.credentials(HTTP_AUTHORIZATION="Token wrong")
    assert api.get("/api/v1/me/").status_code in (401, 403)  # 403: session auth comes first


def _list_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


@pytest.mark.parametrize("role_agency", ["01", "BTP", None])
def test_dossier_list_is_a_constant_number_of_queries(
    client, tree, django_assert_max_num_queries, role_agency
):
    user = make_user(
        "u", Role.NATIONAL_ADMIN if role_agency is None else Role.OFFICER, tree.a[role_agency or "VPCP"]
    )
    client.force_login(user)
    url = "/api/v1/dossiers/?page_size=100&status=4"
    small = _list_queries(client, url)
    for i in range(60):
        DossierFactory(
            code=f"X-{i}",
            receiving_agency=tree.a["01-C1"] if i % 2 else tree.a["BTP-U"],
            handling_agency=tree.a["01-STP"],
            procedure=tree.procedures["BTP" if i % 3 else "BYT"],
        )
    large = _list_queries(client, url)
    assert small == large
    with django_assert_max_num_queries(7):  # session, user, scopes, agency ids, procedure ids, count, page
        client.get(url)
    with django_assert_max_num_queries(7):
        client.get("/api/v1/agencies/")


def test_openapi_schema_is_valid(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))
    text = (tmp_path / "schema.yml").read_text()
    assert "/api/v1/dossiers/{code}/" in text and "/api/v1/me/" in text


def test_dossier_count_is_capped_on_huge_scopes(api, tree, settings):
    api.force_authenticate(make_user("nat", Role.NATIONAL_ADMIN, tree.a["VPCP"]))
    settings.API_COUNT_CAP = 5
    body = api.get("/api/v1/dossiers/?page_size=2").json()
    assert body["count"] == 5 and body["count_capped"] is True and body["next"]
    settings.API_COUNT_CAP = 0
    body = api.get("/api/v1/dossiers/?page_size=2").json()
    assert body["count"] == Dossier.objects.count() and body["count_capped"] is False
