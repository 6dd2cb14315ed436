"""Audit rows: written with the change in one transaction, and for logins and refusals."""

import pytest
from django.core.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory, force_authenticate
from rest_framework.views import APIView

from accounts.models import AuditAction, AuditLog, Role, RoleAssignment
from accounts.services import DelegationDenied, grant_role, revoke_role
from accounts.services import delegation as delegation_module

from .helpers import make_user

pytestmark = pytest.mark.django_db


def test_grant_writes_one_audit_row_with_who_what_where(tree):
    admin = make_user("hn.admin", Role.SENIOR_ADMIN, tree.a["01"])
    target = make_user("target")
    from accounts.audit import AuditContext

    assignment = grant_role(
        admin,
        target,
        tree.a["01-C1"],
        Role.OFFICER,
        context=AuditContext(source="web", ip="10.1.2.3", user_agent="UA"),
    )
    row = AuditLog.objects.get(action=AuditAction.GRANT)
    assert (row.actor, row.agency, row.target_id, row.ip, row.user_agent) == (
        admin,
        tree.a["01-C1"],
        str(assignment.pk),
        "10.1.2.3",
        "UA",
    )
    assert (
        row.details["role"] == "officer"
        and row.details["user"] == "target"
        and row.details["source"] == "web"
    )


def test_a_grant_failing_mid_transaction_leaves_no_assignment_and_no_audit_row(tree, monkeypatch):
    admin = make_user("hn.admin", Role.SENIOR_ADMIN, tree.a["01"])
    target = make_user("target")

    def boom(user):  # runs after the assignment and its audit row are written, inside the transaction
        raise RuntimeError("crash after the audit row")

    monkeypatch.setattr(delegation_module.gate, "forget", boom)
    with pytest.raises(RuntimeError):
        grant_role(admin, target, tree.a["01-C1"], Role.OFFICER)
    assert not RoleAssignment.objects.filter(user=target).exists()
    assert not AuditLog.objects.filter(action=AuditAction.GRANT).exists()


def test_a_revocation_failing_mid_transaction_is_rolled_back_with_its_audit_row(tree, monkeypatch):
    admin = make_user("hn.admin", Role.SENIOR_ADMIN, tree.a["01"])
    assignment = grant_role(admin, make_user("target"), tree.a["01-C1"], Role.OFFICER)
    monkeypatch.setattr(
        delegation_module.audit, "record", lambda *a, **k: (_ for _ in ()).throw(RuntimeError())
    )
    with pytest.raises(RuntimeError):
        revoke_role(admin, assignment)
    assignment.refresh_from_db()
    assert assignment.revoked_at is None


def test_a_refused_grant_writes_a_denial_and_nothing_else(tree):
    admin = make_user("hn.admin", Role.SENIOR_ADMIN, tree.a["01"])
    target = make_user("target")
    with pytest.raises(DelegationDenied):
        grant_role(admin, target, tree.a["48"], Role.OFFICER)
    assert not RoleAssignment.objects.filter(user=target).exists()
    denial = AuditLog.objects.get()
    assert denial.action == AuditAction.DENIED and denial.actor == admin
    assert (
        denial.details["attempted"] == AuditAction.GRANT
        and "outside your subtree" in denial.details["reason"]
    )


def test_the_audit_log_is_append_only(tree):
    row = AuditLog.objects.create(action=AuditAction.LOGIN)
    row.details = {"changed": True}
    with pytest.raises(TypeError):
        row.save()
    with pytest.raises(TypeError):
        row.delete()
    with pytest.raises(TypeError):
        AuditLog.objects.all().delete()


def test_a_refused_page_write_is_audited(client, tree):
    officer = make_user("officer", Role.OFFICER, tree.a["01"])
    client.force_login(officer)
    response = client.post("/accounts/delegation/", {"username": "x"})
    assert response.status_code == 403
    denial = AuditLog.objects.get(action=AuditAction.DENIED)
    assert denial.actor == officer and denial.details["attempted"] == "POST /accounts/delegation/"
    assert denial.ip == "127.0.0.1"
    client.get("/accounts/delegation/")  # a refused read is not a write: no row
    assert AuditLog.objects.filter(action=AuditAction.DENIED).count() == 1


def test_a_refused_api_write_is_audited(tree):
    class Never(BasePermission):
        def has_permission(self, request, view):
            return False

    class WriteView(APIView):
        permission_classes = [Never]

        def post(self, request):  # pragma: no cover - refused before it runs
            return Response()

    officer = make_user("officer", Role.OFFICER, tree.a["01"])
    request = APIRequestFactory().post("/api/v1/something/", {}, format="json")
    force_authenticate(request, user=officer)
    assert WriteView.as_view()(request).status_code == 403
    denial = AuditLog.objects.get(action=AuditAction.DENIED)
    assert denial.details["source"] == "api" and denial.details["attempted"] == "POST /api/v1/something/"


def test_login_logout_and_failed_login_are_audited(client, tree):
    user = make_user("hn.officer", Role.OFFICER, tree.a["01"])
    user.set_password("Correct-Horse-7")
    user.save()
    client.post(
        "/accounts/login/", {"username": "hn.officer", "password": "wrong"}, HTTP_USER_AGENT="Firefox"
    )
    failed = AuditLog.objects.get(action=AuditAction.LOGIN_FAILED)
    assert failed.details["username"] == "hn.officer" and failed.user_agent == "Firefox"
    assert "password" not in str(failed.details).lower() and "wrong" not in str(failed.details)
    assert (
        client.post("/accounts/login/", {"username": "hn.officer", "password": "Correct-Horse-7"}).status_code
        == 302
    )
    assert AuditLog.objects.get(action=AuditAction.LOGIN).actor == user
    client.post("/accounts/logout/")
    assert AuditLog.objects.get(action=AuditAction.LOGOUT).actor == user


def test_permission_denied_is_a_django_permission_denied():
    assert issubclass(DelegationDenied, PermissionDenied)
