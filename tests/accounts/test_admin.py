"""The admin, scoped by the gate: who may change what, services on save, and large-table counts."""

import pytest
from django.contrib import admin
from django.db import connection

from accounts.models import AuditAction, AuditLog, Role
from core.pagination import EstimatedCountPaginator
from tests.factories import DossierFactory
from tthc.models import Agency, Dossier

from .helpers import assign, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def hn_admin(tree, client):
    user = make_user("hn.senior", Role.SENIOR_ADMIN, tree.a["01"])
    client.force_login(user)
    return user


def agency_form(**fields):
    return {
        "code": "",
        "name": "",
        "short_name": "",
        "kind": "commune",
        "parent": "",
        "valid_from": "",
        "valid_to": "",
        "successor": "",
        **fields,
    }


def test_agency_added_in_the_admin_gets_its_tree_path(client, tree, hn_admin):
    response = client.post(
        "/admin/tthc/agency/add/", agency_form(code="01-C3", name="Xã mới", parent=tree.a["01"].pk)
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Agency.objects.get(code="01-C3").path == "/CP/01/01-C3/"


def test_agency_outside_the_subtree_cannot_be_a_parent(client, tree, hn_admin):
    response = client.post(
        "/admin/tthc/agency/add/", agency_form(code="48-X", name="x", parent=tree.a["48"].pk)
    )
    assert response.status_code == 200 and "parent" in response.context["adminform"].form.errors
    response = client.post("/admin/tthc/agency/add/", agency_form(code="ROOT2", name="x"))
    assert "parent" in response.context["adminform"].form.errors  # no new roots for non-national admins


def test_own_top_agency_is_read_only_and_others_are_404(client, tree, hn_admin):
    url = f"/admin/tthc/agency/{tree.a['01'].pk}/change/"
    assert client.get(url).status_code == 200
    assert (
        client.post(
            url, agency_form(code="01", name="renamed", kind="province", parent=tree.a["CP"].pk)
        ).status_code
        == 403
    )
    assert client.get(f"/admin/tthc/agency/{tree.a['48'].pk}/change/").status_code == 404
    sub = f"/admin/tthc/agency/{tree.a['01-C1'].pk}/change/"
    response = client.post(sub, agency_form(code="01-C1", name="Renamed", parent=tree.a["01"].pk))
    assert response.status_code == 302
    assert Agency.objects.get(code="01-C1").name == "Renamed"


def test_grant_in_the_admin_goes_through_the_service(client, tree, hn_admin):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # the rule's wording is asserted in English (msgids)
    target = make_user("c1.officer", Role.VIEWER, tree.a["01-C1"])
    data = {
        "user": target.pk,
        "agency": tree.a["01-C1"].pk,
        "role": Role.OFFICER,
        "include_subunits": "on",
        "valid_until_0": "",
        "valid_until_1": "",
    }
    response = client.post("/admin/accounts/roleassignment/add/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    row = AuditLog.objects.get(action=AuditAction.GRANT)
    assert row.details["source"] == "admin" and row.actor == hn_admin
    response = client.post("/admin/accounts/roleassignment/add/", {**data, "role": Role.SENIOR_ADMIN})
    assert response.status_code == 200 and "below your own" in str(response.context["adminform"].form.errors)
    assert AuditLog.objects.filter(action=AuditAction.DENIED).count() == 1


def test_assignments_are_read_only_and_revoked_by_action(client, tree, hn_admin):
    row = assign(make_user("c1.officer"), tree.a["01-C1"], Role.OFFICER)
    other = assign(make_user("dn.officer"), tree.a["48"], Role.OFFICER)
    assert client.get(f"/admin/accounts/roleassignment/{row.pk}/change/").status_code == 200
    assert client.post(f"/admin/accounts/roleassignment/{row.pk}/change/", {}).status_code == 403
    assert client.get(f"/admin/accounts/roleassignment/{other.pk}/change/").status_code == 404
    response = client.post(
        "/admin/accounts/roleassignment/",
        {"action": "revoke_selected", "_selected_action": [row.pk, other.pk]},
    )
    assert response.status_code == 302
    row.refresh_from_db()
    other.refresh_from_db()
    assert row.revoked_at is not None and other.revoked_at is None  # out of scope: not even selectable


def test_user_editing_follows_can_manage_user(client, tree, hn_admin):
    mine = make_user("c1.officer", Role.OFFICER, tree.a["01-C1"])
    shared = make_user("shared", Role.OFFICER, tree.a["01-C1"])
    assign(shared, tree.a["48"], Role.VIEWER)
    page = client.get(f"/admin/accounts/user/{mine.pk}/change/")
    assert page.status_code == 200 and "is_superuser" not in page.context["adminform"].form.fields
    assert client.get(f"/admin/accounts/user/{shared.pk}/password/").status_code == 403
    assert client.get(f"/admin/accounts/user/{mine.pk}/password/").status_code == 200
    assert client.get("/admin/accounts/user/add/").status_code == 403  # new accounts: delegation page


def test_synced_dossiers_are_read_only_but_for_national_admins(client, tree):
    """Dossiers change through ingestion: officers (and everyone but national administrators) read them
    in the admin, never edit their status, due or finish times — the data the index scores."""
    viewer = make_user("viewer", Role.VIEWER, tree.a["01"])
    officer = make_user("officer", Role.OFFICER, tree.a["01"])
    admin = make_user("hn_admin", Role.SENIOR_ADMIN, tree.a["01"])
    url = f"/admin/tthc/dossier/{tree.d['01-C1'].pk}/change/"
    for user in (viewer, officer, admin):
        client.force_login(user)
        page = client.get(url)
        assert page.status_code == 200 and not page.context["has_change_permission"], user
        assert client.post(url, {}).status_code == 403
        assert client.get(f"/admin/tthc/dossier/{tree.d['48'].pk}/change/").status_code == 404
    event = "/admin/tthc/dossierevent/add/"
    assert client.get(event).status_code == 403
    national = make_user("national", Role.NATIONAL_ADMIN, tree.a["VPCP"])
    client.force_login(national)
    page = client.get(url)
    assert page.status_code == 200 and page.context["has_change_permission"]


def test_dossier_search_by_code_prefix(client, tree, hn_admin):
    response = client.get("/admin/tthc/dossier/?q=D-01-C")
    assert {d.code for d in response.context["cl"].result_list} == {"D-01-C1", "D-01-C2"}


def test_calendar_is_national(client, tree, hn_admin):
    assert client.get("/admin/tthc/calendaroverride/").status_code == 200
    assert client.get("/admin/tthc/calendaroverride/add/").status_code == 403


def test_no_token_screen_shows_keys():
    """DRF's clear-text token app is gone; hashed tokens have no admin screen of their own."""
    from django.apps import apps

    from accounts.models import ApiToken

    assert not apps.is_installed("rest_framework.authtoken")
    assert not admin.site.is_registered(ApiToken)


def test_paginator_counts_normally_on_sqlite_and_caps_on_postgresql(tree, settings):
    settings.ADMIN_COUNT_CAP = 3
    paginator = EstimatedCountPaginator(Dossier.objects.filter(code__startswith="D-0").order_by("pk"), 2)
    total = Dossier.objects.filter(code__startswith="D-0").count()
    expected = total if connection.vendor != "postgresql" else 4  # capped: cap + 1 means "more"
    assert paginator.count == expected


@pytest.mark.postgres
def test_paginator_uses_the_planner_estimate_when_unfiltered(tree, settings):
    settings.ADMIN_COUNT_CAP = 3
    for i in range(20):
        DossierFactory(code=f"E-{i}", receiving_agency=tree.a["01"], procedure=tree.procedures["BYT"])
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Dossier._meta.db_table}")
    estimate = EstimatedCountPaginator(Dossier.objects.order_by("pk"), 10).count
    assert estimate > 3 and abs(estimate - Dossier.objects.count()) <= 5


@pytest.mark.parametrize(
    "url", ["/admin/tthc/dossier/", "/admin/tthc/dossierevent/", "/admin/tthc/apologyletter/"]
)
def test_dossier_changelists_are_a_constant_number_of_queries(client, tree, hn_admin, url):
    from datetime import timedelta

    from django.test.utils import CaptureQueriesContext

    from tthc.models import ApologyLetter, DossierEvent

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx)

    def add(n):
        for i in range(n):
            d = DossierFactory(
                code=f"Q-{url[-8:]}-{i}-{n}",
                receiving_agency=tree.a["01-C1"],
                handling_agency=tree.a["01-STP"],
                procedure=tree.procedures["BYT"],
            )
            DossierEvent.objects.create(dossier=d, to_status=4, at=d.received_at)
            ApologyLetter.objects.create(
                dossier=d,
                issued_at=d.received_at,
                reason="r",
                original_due_at=d.due_at,
                new_due_at=d.due_at + timedelta(days=1),
            )

    add(2)
    few = queries()
    add(25)
    assert queries() == few


def test_an_audit_entry_shows_its_details_readably(client, tree, hn_admin):
    """One key per line, Vietnamese as written, markup escaped (the details hold user input)."""
    from accounts import audit

    entry = audit.record(
        AuditAction.REQUEST_COMMENT,
        actor=hn_admin,
        agency=tree.a["01"],
        details={"comment": "Đề nghị Bộ <b>đồng bộ</b> lại", "to": "answered"},
    )
    html = client.get(f"/admin/accounts/auditlog/{entry.pk}/change/").content.decode()
    assert (
        '<pre class="audit-details">{\n  &quot;comment&quot;: &quot;Đề nghị Bộ &lt;b&gt;đồng bộ&lt;/b&gt; lại&quot;,'
        in html
    )
    assert "\\u0110" not in html
    assert html.count(">Chi tiết:<") == 1  # once, not also as the raw field
