"""Every delegation rule, through the service (accounts.services.delegation)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts import gate
from accounts.models import ApiToken, AuditAction, AuditLog, Role, RoleAssignment
from accounts.services import (
    DelegationDenied,
    can_manage_user,
    cli_actor,
    create_system_account,
    grant_role,
    grantable_roles,
    revoke_role,
)
from accounts.services.tokens import token_for_key

from .helpers import assign, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def hn_senior(tree):
    return make_user("hn.senior", Role.SENIOR_ADMIN, tree.a["01"])


def test_senior_admin_grants_lower_roles_in_own_subtree(tree, hn_senior):
    officer = make_user("c1.officer")
    assignment = grant_role(hn_senior, officer, tree.a["01-C1"], Role.OFFICER)
    assert assignment.granted_by == hn_senior and assignment.is_active()
    assert gate.role_on(officer, tree.a["01-C1"]) == Role.OFFICER
    for role in (Role.UNIT_ADMIN, Role.LEADER, Role.VIEWER):
        grant_role(hn_senior, officer, tree.a["01-STP"], role)
    assert AuditLog.objects.filter(action=AuditAction.GRANT, actor=hn_senior).count() == 4


@pytest.mark.parametrize("code", ["48", "48-C1", "CP", "BTP", "BYT"])
def test_cannot_grant_outside_own_subtree(tree, hn_senior, code):
    target = make_user("someone")
    with pytest.raises(DelegationDenied, match="outside your subtree"):
        grant_role(hn_senior, target, tree.a[code], Role.VIEWER)
    assert not RoleAssignment.objects.filter(user=target).exists()


@pytest.mark.parametrize("role", [Role.SENIOR_ADMIN, Role.NATIONAL_ADMIN])
def test_cannot_grant_own_role_or_above(tree, hn_senior, role):
    target = make_user("someone")
    with pytest.raises(DelegationDenied, match="below your own|national administrator role"):
        grant_role(hn_senior, target, tree.a["01-C1"], role)


def test_unit_admin_grants_only_below_unit_admin(tree):
    unit_admin = make_user("stp.admin", Role.UNIT_ADMIN, tree.a["01-STP"])
    target = make_user("someone")
    grant_role(unit_admin, target, tree.a["01-STP-P"], Role.LEADER)
    with pytest.raises(DelegationDenied):
        grant_role(unit_admin, target, tree.a["01-STP-P"], Role.UNIT_ADMIN)
    with pytest.raises(DelegationDenied, match="outside your subtree"):
        grant_role(unit_admin, target, tree.a["01-C1"], Role.VIEWER)  # a sibling of the unit


@pytest.mark.parametrize("role", [Role.LEADER, Role.OFFICER, Role.VIEWER])
def test_non_administrators_cannot_grant(tree, role):
    holder = make_user("holder", role, tree.a["01"])
    with pytest.raises(DelegationDenied, match="Only administrators"):
        grant_role(holder, make_user("someone"), tree.a["01-C1"], Role.VIEWER)


def test_nobody_grants_themselves_anything(tree, hn_senior):
    with pytest.raises(DelegationDenied, match="themselves"):
        grant_role(hn_senior, hn_senior, tree.a["01-C1"], Role.VIEWER)
    national = make_user("nat", Role.NATIONAL_ADMIN, tree.a["VPCP"])
    with pytest.raises(DelegationDenied, match="themselves"):
        grant_role(national, national, tree.a["01"], Role.SENIOR_ADMIN)


def test_escalation_through_a_second_account_is_refused(tree, hn_senior):
    """A senior admin cannot mint a peer (senior) who could then grant them more."""
    accomplice = make_user("accomplice")
    with pytest.raises(DelegationDenied):
        grant_role(hn_senior, accomplice, tree.a["01"], Role.SENIOR_ADMIN)
    grant_role(hn_senior, accomplice, tree.a["01"], Role.UNIT_ADMIN)
    with pytest.raises(DelegationDenied):
        grant_role(accomplice, hn_senior, tree.a["01"], Role.SENIOR_ADMIN)


def test_only_national_admin_grants_national_admin(tree):
    national = make_user("nat", Role.NATIONAL_ADMIN, tree.a["VPCP"])
    other = make_user("other")
    grant_role(national, other, tree.a["BTP"], Role.NATIONAL_ADMIN)
    assert gate.is_national(other)
    assert set(grantable_roles(national)) == set(Role.values)


def test_without_subunits_the_granter_covers_only_that_agency(tree):
    admin = make_user("stp.admin", Role.UNIT_ADMIN, tree.a["01-STP"], include_subunits=False)
    target = make_user("someone")
    with pytest.raises(DelegationDenied, match="sub-units"):
        grant_role(admin, target, tree.a["01-STP"], Role.OFFICER, include_subunits=True)
    grant_role(admin, target, tree.a["01-STP"], Role.OFFICER, include_subunits=False)
    with pytest.raises(DelegationDenied, match="outside your subtree"):
        grant_role(admin, target, tree.a["01-STP-P"], Role.OFFICER, include_subunits=False)


def test_valid_until_must_be_in_the_future(tree, hn_senior):
    with pytest.raises(ValidationError):
        grant_role(
            hn_senior,
            make_user("x"),
            tree.a["01"],
            Role.VIEWER,
            valid_until=timezone.now() - timedelta(days=1),
        )


def test_regrant_replaces_the_active_assignment(tree, hn_senior):
    target = make_user("someone")
    first = grant_role(hn_senior, target, tree.a["01"], Role.VIEWER)
    second = grant_role(hn_senior, target, tree.a["01"], Role.VIEWER, include_subunits=False)
    first.refresh_from_db()
    assert first.revoked_at is not None and second.is_active()
    assert RoleAssignment.objects.active().filter(user=target).count() == 1


def test_revocation_takes_effect_immediately(tree, hn_senior):
    officer = make_user("c1.officer")
    assignment = grant_role(hn_senior, officer, tree.a["01-C1"], Role.OFFICER)
    assert list(type(tree.d["01-C1"]).objects.visible_to(officer)) != []
    revoke_role(hn_senior, assignment)
    assert not type(tree.d["01-C1"]).objects.visible_to(officer).exists()
    fresh = type(officer).objects.get(pk=officer.pk)  # the next request's user object
    assert gate.role_on(fresh, tree.a["01-C1"]) is None
    assert AuditLog.objects.filter(action=AuditAction.REVOKE, target_id=str(assignment.pk)).exists()


def test_expired_assignments_stop_working_by_themselves(tree):
    user = make_user("temp")
    assign(user, tree.a["01"], Role.OFFICER, valid_until=timezone.now() + timedelta(hours=1))
    assert gate.role_on(user, tree.a["01"]) == Role.OFFICER
    RoleAssignment.objects.filter(user=user).update(valid_until=timezone.now() - timedelta(seconds=1))
    user = type(user).objects.get(pk=user.pk)
    assert gate.role_on(user, tree.a["01"]) is None
    assert not type(tree.a["01"]).objects.visible_to(user).exists()


def test_revoke_what_was_granted_in_the_subtree(tree, hn_senior):
    dn_senior = make_user("dn.senior", Role.SENIOR_ADMIN, tree.a["48"])
    officer = make_user("officer")
    in_hn = grant_role(hn_senior, officer, tree.a["01-C1"], Role.OFFICER)
    with pytest.raises(DelegationDenied, match="outside your subtree"):
        revoke_role(dn_senior, in_hn)
    # another administrator of the same subtree may revoke it, whoever granted it
    other_admin = make_user("hn.admin2", Role.UNIT_ADMIN, tree.a["01"])
    revoke_role(other_admin, in_hn)
    with pytest.raises(ValidationError, match="already been revoked"):
        revoke_role(hn_senior, in_hn)


def test_cannot_revoke_equal_or_higher_roles_or_own(tree, hn_senior):
    unit_admin = make_user("unit", Role.UNIT_ADMIN, tree.a["01"])
    with pytest.raises(DelegationDenied):
        revoke_role(unit_admin, hn_senior.role_assignments.get())
    with pytest.raises(DelegationDenied, match="own role"):
        revoke_role(hn_senior, hn_senior.role_assignments.get())


def test_system_accounts_get_a_token_and_a_scoped_role(tree, hn_senior):
    national = make_user("nat", Role.NATIONAL_ADMIN, tree.a["VPCP"])
    account, key = create_system_account(national, tree.a["01"], "HN-DVC")
    assert account.user.is_system and not account.user.has_usable_password()
    assert token_for_key(key).user == account.user and not ApiToken.objects.filter(digest=key).exists()
    assert gate.role_on(account.user, tree.a["01-C1"]) == Role.OFFICER
    assert gate.role_on(account.user, tree.a["48"]) is None
    with pytest.raises(ValidationError, match="system account"):
        grant_role(hn_senior, account.user, tree.a["01"], Role.UNIT_ADMIN)
    with pytest.raises(DelegationDenied, match="national administrators"):
        create_system_account(hn_senior, tree.a["01"], "HN-DVC2")  # even on its own province


def test_can_manage_user_only_when_every_role_is_grantable(tree, hn_senior):
    c1_officer = make_user("c1.officer", Role.OFFICER, tree.a["01-C1"])
    assert can_manage_user(hn_senior, c1_officer)
    assign(c1_officer, tree.a["48"], Role.VIEWER)  # also holds a role elsewhere
    assert not can_manage_user(hn_senior, c1_officer)
    peer = make_user("peer", Role.SENIOR_ADMIN, tree.a["01"])
    assert not can_manage_user(hn_senior, peer)
    assert not can_manage_user(hn_senior, hn_senior)
    assert not can_manage_user(hn_senior, make_user("nobody"))
    assert can_manage_user(cli_actor(), peer)
