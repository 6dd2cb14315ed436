"""grant_role / revoke_role commands and the demo accounts."""

import pytest
from django.core.management import CommandError, call_command

from accounts import gate
from accounts.models import AuditAction, AuditLog, Role, RoleAssignment, User
from demo.accounts import DEMO_PASSWORD, create_demo_accounts
from tthc.models import Agency, AgencyKind

pytestmark = pytest.mark.django_db


def test_grant_and_revoke_from_the_command_line(tree, capsys):
    call_command(
        "grant_role", "hn.senior", "senior_admin", "01", "--create-user", "--password", "Strong-Pass-2026"
    )
    user = User.objects.get(username="hn.senior")
    assert user.check_password("Strong-Pass-2026")
    assert gate.role_on(user, tree.a["01-C1"]) == Role.SENIOR_ADMIN
    grant = AuditLog.objects.get(action=AuditAction.GRANT)
    assert grant.details["source"] == "cli" and grant.actor.username == "system.cli"
    call_command("grant_role", "hn.senior", "viewer", "48", "--no-subunits")
    assert RoleAssignment.objects.get(user=user, role=Role.VIEWER).include_subunits is False
    call_command("revoke_role", "hn.senior", "senior_admin", "01")
    assert gate.role_on(User.objects.get(pk=user.pk), tree.a["01-C1"]) is None
    assert AuditLog.objects.get(action=AuditAction.REVOKE).details["source"] == "cli"


@pytest.mark.parametrize(
    "args,message",
    [
        (["ghost", "officer", "01"], "--create-user"),
        (["x", "boss", "01"], "unknown role"),
        (["x", "officer", "NOPE", "--create-user", "--password", "Strong-Pass-2026"], "no agency"),
        (["x", "officer", "01", "--create-user", "--password", "123"], "short|ngắn"),
    ],
)
def test_grant_role_errors_are_clear(tree, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("grant_role", *args)
    assert not User.objects.filter(username="x").exists()


def test_revoke_role_without_a_matching_role(tree):
    call_command("grant_role", "hn.viewer", "viewer", "01", "--create-user", "--password", "Strong-Pass-2026")
    with pytest.raises(CommandError, match="holds no active"):
        call_command("revoke_role", "hn.viewer", "officer", "01")


def test_demo_accounts_are_complete_and_idempotent(db):
    rows = create_demo_accounts()
    assert rows == create_demo_accounts()
    assert len(rows) == 27 and {r["password"] for r in rows} == {DEMO_PASSWORD}
    by_name = {r["username"]: r for r in rows}
    assert (
        by_name["national.admin"]["role"] == "national_admin"
        and by_name["national.admin"]["agency_code"] == "VPCP"
    )
    for prefix, code in (("btp", "BTP"), ("hn", "01"), ("dn", "48")):
        for role in ("senior_admin", "unit_admin", "leader", "officer", "viewer"):
            assert by_name[f"{prefix}.{role}"]["agency_code"] == code
    commune = Agency.objects.get(code=by_name["hn.xa.officer"]["agency_code"])
    assert commune.kind == AgencyKind.COMMUNE and commune.parent.code == "01"
    assert RoleAssignment.objects.active().count() == 27
    # The supervisor's officer, delegated by the ministry's senior administrator, supervises.
    from complaints.access import is_supervisor

    assert by_name["kstt.officer"]["agency_code"] == "BTP-KSTT"
    assert is_supervisor(User.objects.get(username="kstt.officer"))
    assert not is_supervisor(User.objects.get(username="btp.officer"))
    officer = User.objects.get(username="hn.officer")
    assert officer.check_password(DEMO_PASSWORD) and officer.is_staff
    assert RoleAssignment.objects.get(user=officer).granted_by.username == "hn.senior_admin"


def test_demo_accounts_use_existing_reference_agencies(tree):
    Agency.objects.create(
        code="00001",
        name="Phường Một",
        kind=AgencyKind.COMMUNE,
        parent=tree.a["01"],
        path="/CP/01/00001/",
        depth=2,
    )
    rows = {r["username"]: r for r in create_demo_accounts()}
    assert rows["hn.xa.viewer"]["agency_code"] == "00001"
    assert Agency.objects.filter(code="BTP").count() == 1
