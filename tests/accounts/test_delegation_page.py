"""The delegation page, and the journey: log in, delegate to a sub-unit officer, who sees only their unit."""

import pytest

from accounts.models import AuditAction, AuditLog, Role, RoleAssignment, User

from .helpers import assign, make_user

pytestmark = pytest.mark.django_db
PASSWORD = "Correct-Horse-7"


@pytest.fixture
def hn_admin(tree):
    user = make_user("hn.senior", Role.SENIOR_ADMIN, tree.a["01"])
    user.set_password(PASSWORD)
    user.save()
    return user


def grant(client, **fields):
    data = {"include_subunits": "on", "is_staff": "on", **fields}
    return client.post("/accounts/delegation/", data)


def test_journey_delegate_to_a_sub_unit_officer_who_sees_only_their_unit(client, tree, hn_admin):
    assert client.post("/accounts/login/", {"username": "hn.senior", "password": PASSWORD}).status_code == 302
    page = client.get("/accounts/delegation/")
    assert page.status_code == 200 and "hn.senior" in page.content.decode()
    response = grant(
        client,
        username="c1.officer",
        new_account="on",
        password="Officer-Pass-2026",
        full_name="Trần Thị B",
        agency="01-C1",
        role=Role.OFFICER,
    )
    assert response.status_code == 302, response.context["form"].errors
    assert "c1.officer" in client.get("/accounts/delegation/").content.decode()
    client.post("/accounts/logout/")

    assert (
        client.post(
            "/accounts/login/", {"username": "c1.officer", "password": "Officer-Pass-2026"}
        ).status_code
        == 302
    )
    assert "01-C1" in client.get("/").content.decode()
    agencies = client.get("/api/v1/agencies/").json()
    assert [a["code"] for a in agencies["results"]] == ["01-C1"]
    dossiers = {d["code"] for d in client.get("/api/v1/dossiers/").json()["results"]}
    assert dossiers == {"D-01-C1", "D-BTP-AT-01"}
    assert client.get("/api/v1/dossiers/D-01-C2/").status_code == 404
    assert client.get("/accounts/delegation/").status_code == 403


def test_lists_only_the_subtree_and_paginates(client, tree, hn_admin):
    for i in range(30):
        assign(make_user(f"u{i:02d}"), tree.a["01-C1"], Role.VIEWER)
    make_user("dn.officer", Role.OFFICER, tree.a["48"])
    client.force_login(hn_admin)
    first = client.get("/accounts/delegation/")
    assert first.context["page"].paginator.count == 31  # 30 viewers + the admin's own
    html = first.content.decode() + client.get("/accounts/delegation/?page=2").content.decode()
    assert "dn.officer" not in html and "u29" in html
    assert client.get("/accounts/delegation/?q=u0").context["page"].paginator.count == 10


def test_grant_to_an_existing_user_in_the_subtree(client, tree, hn_admin):
    existing = make_user("c2.viewer", Role.VIEWER, tree.a["01-C2"])
    client.force_login(hn_admin)
    assert grant(client, username="C2.VIEWER", agency="01-C2", role=Role.LEADER).status_code == 302
    assert RoleAssignment.objects.active().filter(user=existing, role=Role.LEADER).exists()


def test_existing_user_outside_the_subtree_is_not_found(client, tree, hn_admin):
    make_user("dn.officer", Role.OFFICER, tree.a["48"])
    client.force_login(hn_admin)
    response = grant(client, username="dn.officer", agency="01-C1", role=Role.VIEWER)
    assert response.status_code == 200 and "username" in response.context["form"].errors


@pytest.mark.parametrize(
    "agency,role,message",
    [
        ("48", Role.OFFICER, "outside your subtree"),
        ("01-C1", Role.NATIONAL_ADMIN, "national administrator"),
        ("01-C1", Role.SENIOR_ADMIN, "below your own"),
    ],
)
def test_refused_grants_show_the_rule_and_are_audited(client, tree, hn_admin, agency, role, message):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # the rule's wording is asserted in English (msgids)
    client.force_login(hn_admin)
    response = grant(
        client, username="newbie", new_account="on", password="Officer-Pass-2026", agency=agency, role=role
    )
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].non_field_errors())
    assert not User.objects.filter(username="newbie").exists()
    assert AuditLog.objects.filter(action=AuditAction.DENIED, actor=hn_admin).count() == 1


def test_only_allowed_roles_are_offered(client, tree, hn_admin):
    client.force_login(hn_admin)
    form = client.get("/accounts/delegation/").context["form"]
    assert [v for v, _ in form.fields["role"].widget.choices] == [
        Role.UNIT_ADMIN,
        Role.LEADER,
        Role.OFFICER,
        Role.VIEWER,
    ]
    assert {code for code, _ in form.fields["agency"].widget.choices} == {
        "01",
        "01-C1",
        "01-C2",
        "01-STP",
        "01-STP-P",
    }


def test_revoke_from_the_page(client, tree, hn_admin):
    target = make_user("c1.officer")
    row = assign(target, tree.a["01-C1"], Role.OFFICER)
    client.force_login(hn_admin)
    assert client.post(f"/accounts/delegation/{row.pk}/revoke/").status_code == 302
    row.refresh_from_db()
    assert row.revoked_at is not None and row.revoked_by == hn_admin
    assert client.get(f"/accounts/delegation/{row.pk}/revoke/").status_code == 405


def test_revoke_outside_the_subtree_is_404(client, tree, hn_admin):
    row = assign(make_user("dn.officer"), tree.a["48"], Role.OFFICER)
    client.force_login(hn_admin)
    assert client.post(f"/accounts/delegation/{row.pk}/revoke/").status_code == 404
    row.refresh_from_db()
    assert row.revoked_at is None


def test_page_is_for_administrators_only(client, tree):
    for role in (Role.LEADER, Role.OFFICER, Role.VIEWER):
        client.force_login(make_user(f"x.{role}", role, tree.a["01"]))
        assert client.get("/accounts/delegation/").status_code == 403
