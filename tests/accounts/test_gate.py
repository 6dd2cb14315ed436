"""The permission gate: scopes, the visible_to querysets built on it, and its per-request cost."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts import gate
from accounts.models import AuditLog, Role, RoleAssignment, User
from tthc.models import Agency, ApologyLetter, Dossier, DossierEvent

from .helpers import assign, make_user

pytestmark = pytest.mark.django_db


def codes(qs):
    return set(qs.values_list("code", flat=True))


def test_province_scope_is_the_province_subtree(tree):
    user = make_user("hn", Role.OFFICER, tree.a["01"])
    assert codes(Agency.objects.visible_to(user)) == {"01", "01-C1", "01-C2", "01-STP", "01-STP-P"}
    assert codes(gate.visible_agencies(user)) == codes(Agency.objects.visible_to(user))


def test_without_subunits_only_the_agency(tree):
    user = make_user("stp", Role.OFFICER, tree.a["01-STP"], include_subunits=False)
    assert codes(Agency.objects.visible_to(user)) == {"01-STP"}
    assert gate.role_on(user, tree.a["01-STP"]) == Role.OFFICER
    assert gate.role_on(user, tree.a["01-STP-P"]) is None


def test_several_assignments_union_and_strongest_role(tree):
    user = make_user("multi", Role.VIEWER, tree.a["01"])
    assign(user, tree.a["01-C1"], Role.LEADER)
    assign(user, tree.a["48-C1"], Role.OFFICER)
    assert codes(Agency.objects.visible_to(user)) == {"01", "01-C1", "01-C2", "01-STP", "01-STP-P", "48-C1"}
    assert gate.role_on(user, tree.a["01-C1"]) == Role.LEADER
    assert gate.role_on(user, tree.a["01-C2"]) == Role.VIEWER
    assert gate.highest_role(user) == Role.LEADER


def test_province_dossiers_include_those_received_or_handled_in_scope(tree):
    hn = make_user("hn", Role.OFFICER, tree.a["01"])
    dn = make_user("dn", Role.OFFICER, tree.a["48"])
    assert codes(Dossier.objects.visible_to(hn)) == {
        "D-01",
        "D-01-C1",
        "D-01-C2",
        "D-01-STP",
        "D-01-STP-P",
        "D-BTP-AT-01",
        "D-01-HANDLED-48",
    }
    # Đà Nẵng handles one of Hà Nội's dossiers, so it sees that one too.
    assert codes(Dossier.objects.visible_to(dn)) == {"D-48", "D-48-C1", "D-01-HANDLED-48"}


def test_ministry_sees_dossiers_under_its_authority_wherever_received(tree):
    btp = make_user("btp", Role.OFFICER, tree.a["BTP"])
    assert codes(Dossier.objects.visible_to(btp)) == {"D-BTP", "D-BTP-U", "D-BTP-AT-01"}
    byt = make_user("byt", Role.OFFICER, tree.a["BYT"])
    assert "D-01-C1" in codes(Dossier.objects.visible_to(byt))  # a BYT procedure, received in Hà Nội
    assert "D-BTP-AT-01" not in codes(Dossier.objects.visible_to(byt))


def test_events_and_apology_letters_follow_their_dossier(tree):
    from datetime import timedelta

    for dossier in (tree.d["01-C1"], tree.d["48"]):
        DossierEvent.objects.create(dossier=dossier, to_status=4, at=dossier.received_at)
        ApologyLetter.objects.create(
            dossier=dossier,
            issued_at=dossier.received_at,
            reason="r",
            original_due_at=dossier.due_at,
            new_due_at=dossier.due_at + timedelta(days=3),
        )
    hn = make_user("hn", Role.VIEWER, tree.a["01"])
    assert set(DossierEvent.objects.visible_to(hn).values_list("dossier__code", flat=True)) == {"D-01-C1"}
    assert set(ApologyLetter.objects.visible_to(hn).values_list("dossier__code", flat=True)) == {"D-01-C1"}


@pytest.mark.parametrize("how", ["national_admin", "superuser"])
def test_national_and_superuser_see_everything(tree, how):
    user = (
        make_user("boss", Role.NATIONAL_ADMIN, tree.a["VPCP"])
        if how == "national_admin"
        else make_user("root", is_superuser=True)
    )
    assert Agency.objects.visible_to(user).count() == Agency.objects.count()
    assert Dossier.objects.visible_to(user).count() == Dossier.objects.count()
    assert gate.role_on(user, tree.a["48-C1"]) == Role.NATIONAL_ADMIN


def test_anonymous_inactive_and_roleless_users_see_nothing(tree):
    inactive = make_user("gone", Role.OFFICER, tree.a["01"], is_active=False)
    for user in (AnonymousUser(), inactive, make_user("nobody"), None):
        assert not Agency.objects.visible_to(user).exists()
        assert not Dossier.objects.visible_to(user).exists()
        assert gate.role_on(user, tree.a["01"]) is None


def test_accounts_querysets(tree):
    hn = make_user("hn", Role.SENIOR_ADMIN, tree.a["01"])
    c1 = make_user("c1", Role.OFFICER, tree.a["01-C1"])
    dn = make_user("dn", Role.OFFICER, tree.a["48"])
    assert set(User.objects.visible_to(hn)) == {hn, c1}
    assert set(User.objects.visible_to(c1)) == {c1}  # hn holds a role on 01, which c1 does not see
    assert dn not in User.objects.visible_to(hn)
    assert set(RoleAssignment.objects.visible_to(c1).values_list("user__username", flat=True)) == {"c1"}
    AuditLog.objects.create(action="role.grant", agency=tree.a["48"])
    AuditLog.objects.create(action="role.grant", agency=tree.a["01-C1"])
    assert AuditLog.objects.visible_to(hn).count() == 1


def test_scope_is_cached_per_user_object(tree):
    user = User.objects.get(pk=make_user("hn", Role.OFFICER, tree.a["01"]).pk)
    with CaptureQueriesContext(connection) as first:
        list(Dossier.objects.visible_to(user))
    with CaptureQueriesContext(connection) as second:
        list(Dossier.objects.visible_to(user))
        list(Agency.objects.visible_to(user))
        gate.role_on(user, tree.a["01-C1"])
    assert len(first) == 4  # scopes, agency ids, procedure ids, the dossiers
    assert len(second) == 2  # only the two lists


def test_visible_to_is_one_query_per_list_whatever_the_scope_size(tree):
    user = make_user("multi", Role.OFFICER, tree.a["01"])
    for code in ("48", "BTP", "BYT", "01-C1"):
        assign(user, tree.a[code], Role.VIEWER)
    user = User.objects.get(pk=user.pk)
    with CaptureQueriesContext(connection) as ctx:
        list(Dossier.objects.visible_to(user))
    assert len(ctx) == 4


def test_the_user_carries_the_scope_the_gate_computed(tree):
    """Models read ``user.scope`` (core.scope), built once by the gate and cached on the user object."""
    from core.scope import EMPTY, Scope, scope_of

    user = User.objects.get(pk=make_user("hn", Role.OFFICER, tree.a["01"]).pk)
    assert isinstance(user.scope, gate.GateScope) and isinstance(user.scope, Scope)
    assert user.scope is user.scope is scope_of(user)
    assert user.scope.agency_ids() == gate.agency_ids(user)
    assert user.scope.role_on(tree.a["01-C1"]) == Role.OFFICER and not user.scope.is_national
    assert [a.agency.code for a in user.scope.assignments()] == ["01"]
    gate.forget(user)
    assert "_tthc_gate_cache" not in user.__dict__  # the next read rebuilds it
    inactive = make_user("gone", Role.OFFICER, tree.a["01"], is_active=False)
    for nobody in (AnonymousUser(), inactive, None):
        scope = scope_of(nobody)
        assert scope is EMPTY
        assert (scope.agency_ids(), scope.highest_role(), list(scope.assignments())) == ([], None, [])
    assert inactive.scope is EMPTY


def test_admin_agency_choices_follow_the_role(tree):
    """The agency tree's ``with_role`` (the admin's choices) keeps agencies where the role is held."""
    user = make_user("multi", Role.VIEWER, tree.a["01"])
    assign(user, tree.a["48"], Role.UNIT_ADMIN)
    assert codes(Agency.objects.with_role(user, Role.UNIT_ADMIN)) == codes(
        Agency.objects.subtree(tree.a["48"])
    )
    assert codes(Agency.objects.with_role(user, Role.VIEWER)) == codes(Agency.objects.visible_to(user))
    assert not Agency.objects.with_role(AnonymousUser(), Role.VIEWER).exists()
