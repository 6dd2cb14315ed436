"""Source systems are national configuration: who may create and change them, and the one portal.

The attack these close: a province's unit administrator created a portal-kind system (or turned its
own system into one) and saw its token; reconciliation then took "the first active portal system by
code" and the sync indicator counted every portal-kind copy, so one province could replace the
national portal for everybody and inflate its own score.
"""

from __future__ import annotations

import importlib
import json
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from rest_framework.test import APIClient

from accounts.models import ApiToken, AuditAction, AuditLog, Role, SystemAccount
from accounts.services import DelegationDenied
from accounts.services.tokens import token_for_key
from reconciliation.models import Gap, SourceDossier, SourceKind, SourceSystem
from reconciliation.querysets import NoPortalSystem
from reconciliation.services.reconcile import ReconciliationError, reconcile_period
from reconciliation.services.sources import create_source_system, rotate_source_token, update_source_system
from tests.accounts.helpers import make_user
from tests.reconciliation.fixtures.world import build_world, fixture_bytes

pytestmark = pytest.mark.django_db
API = "/api/v1/source-systems/"


@pytest.fixture
def world():
    w = build_world()
    w["national"] = make_user("national", Role.NATIONAL_ADMIN, w["btp"].parent)
    w["hn_admin"] = make_user("hn.admin", Role.UNIT_ADMIN, w["hanoi"])
    w["hn_senior"] = make_user("hn.senior", Role.SENIOR_ADMIN, w["hanoi"])
    return w


def api_as(user) -> APIClient:
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    api.force_authenticate(user)
    return api


def shown_keys(response) -> list[str]:
    """The tokens an admin response's messages show (40 hexadecimal characters)."""
    return [k for m in response.context["messages"] for k in re.findall(r"\b[0-9a-f]{40}\b", str(m))]


def audit_rows(action, code):
    return list(AuditLog.objects.filter(action=action, details__code=code).order_by("pk"))


# --- the admin -------------------------------------------------------------------------------------
@pytest.mark.parametrize("role", [Role.UNIT_ADMIN, Role.SENIOR_ADMIN])
def test_a_provincial_administrator_cannot_create_a_portal_system_in_the_admin(client, world, role):
    user = world["hn_admin"] if role == Role.UNIT_ADMIN else world["hn_senior"]
    client.force_login(user)
    assert client.get("/admin/reconciliation/sourcesystem/add/").status_code == 403
    response = client.post(
        "/admin/reconciliation/sourcesystem/add/",
        {
            "code": "FAKE-PORTAL",
            "name": "Cổng giả",
            "kind": "portal",
            "owner": world["hanoi"].pk,
            "active": "on",
        },
    )
    assert response.status_code == 403
    assert not SourceSystem.objects.filter(code="FAKE-PORTAL").exists()
    assert client.get("/admin/accounts/systemaccount/add/").status_code == 403
    # The refusal is in the audit log (the 403 handler writes it).
    assert AuditLog.objects.filter(action=AuditAction.DENIED, actor=user).exists()


def test_a_unit_administrator_cannot_turn_its_own_system_into_the_portal(client, world):
    own = world["province_system"]
    client.force_login(world["hn_admin"])
    url = f"/admin/reconciliation/sourcesystem/{own.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200 and not page.context["has_change_permission"]  # read-only
    response = client.post(url, {"name": own.name, "kind": "portal", "owner": own.owner_id, "active": "on"})
    assert response.status_code == 403
    own.refresh_from_db()
    assert own.kind == SourceKind.PROVINCIAL
    assert "rotate_tokens" not in client.get("/admin/reconciliation/sourcesystem/").content.decode()


def test_the_read_only_admin_page_shows_no_token(client, world):
    key = rotate_source_token(world["national"], world["province_system"])
    client.force_login(world["hn_admin"])
    for url in (
        f"/admin/reconciliation/sourcesystem/{world['province_system'].pk}/change/",
        "/admin/reconciliation/sourcesystem/",
        f"/admin/accounts/systemaccount/{SystemAccount.objects.get(system_code='HTTT-01').pk}/change/",
    ):
        page = client.get(url)
        assert (
            page.status_code == 200
            and key not in page.content.decode()
            and key[:8] not in page.content.decode()
        )


def test_a_national_administrator_creates_a_system_and_sees_its_token_once(client, world):
    client.force_login(world["national"])
    response = client.post(
        "/admin/reconciliation/sourcesystem/add/",
        {
            "code": "LLTP",
            "name": "Lý lịch tư pháp",
            "kind": "ministry",
            "owner": world["btp"].pk,
            "active": "on",
        },
        follow=True,
    )
    assert response.status_code == 200
    keys = shown_keys(response)
    assert len(keys) == 1 and token_for_key(keys[0]).user.system_account.system_code == "LLTP"
    source = SourceSystem.objects.get(code="LLTP")
    page = client.get(f"/admin/reconciliation/sourcesystem/{source.pk}/change/").content.decode()
    assert keys[0] not in page
    account = SystemAccount.objects.get(system_code="LLTP")
    page = client.get(f"/admin/accounts/systemaccount/{account.pk}/change/").content.decode()
    assert keys[0] not in page and f"{keys[0][:8]}…" in page  # the prefix tells tokens apart
    assert audit_rows(AuditAction.SOURCE_SYSTEM_CREATE, "LLTP")[0].details["source"] == "admin"


def test_the_admin_rotates_a_token_and_the_old_one_stops_working(client, world):
    _, first = create_source_system("LLTP", "Lý lịch tư pháp", "ministry", "BTP", creator=world["national"])
    client.force_login(world["national"])
    source = SourceSystem.objects.get(code="LLTP")
    response = client.post(
        "/admin/reconciliation/sourcesystem/",
        {"action": "rotate_tokens", "_selected_action": [source.pk]},
        follow=True,
    )
    [second] = shown_keys(response)
    assert token_for_key(first) is None and token_for_key(second) is not None


def test_a_second_active_portal_is_a_form_error_in_the_admin(client, world):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # the message is asserted in English (msgid)
    client.force_login(world["national"])
    response = client.post(
        "/admin/reconciliation/sourcesystem/add/",
        {"code": "DVCQG2", "name": "Cổng 2", "kind": "portal", "owner": world["btp"].pk, "active": "on"},
    )
    assert response.status_code == 200
    assert "only one portal" in str(response.context["adminform"].form.errors)
    assert not SourceSystem.objects.filter(code="DVCQG2").exists()


# --- the API ---------------------------------------------------------------------------------------
def test_api_refuses_every_write_to_a_unit_administrator(world):
    api = api_as(world["hn_admin"])
    created = api.post(API, {"code": "FAKE", "name": "x", "kind": "portal", "owner": "01"}, format="json")
    assert created.status_code == 403
    assert "Only national administrators" in created.json()["detail"]
    changed = api.patch(f"{API}HTTT-01/", {"kind": "portal"}, format="json")
    assert changed.status_code == 403
    assert (
        api.put(
            f"{API}HTTT-01/", {"code": "HTTT-01", "name": "x", "kind": "portal", "owner": "01"}, format="json"
        ).status_code
        == 403
    )
    assert api.post(f"{API}HTTT-01/rotate-token/").status_code == 403
    assert not SourceSystem.objects.filter(code="FAKE").exists()
    assert SourceSystem.objects.get(code="HTTT-01").kind == SourceKind.PROVINCIAL
    assert not ApiToken.objects.exists()
    assert AuditLog.objects.filter(action=AuditAction.DENIED, actor=world["hn_admin"]).count() == 4


def test_api_reads_are_scoped_and_carry_no_token(world):
    create_source_system("HTTT-48", "Đà Nẵng", "provincial", _danang(world).code, creator=world["national"])
    rotate_source_token(world["national"], world["province_system"])
    body = api_as(world["hn_admin"]).get(API).json()
    listed = {s["code"]: s for s in body["results"]}
    assert set(listed) == {"HTTT-01", "HOTICH", "DVCQG"}  # own + national ones; not another province's
    assert all(s["token_prefix"] is None and "token" not in s for s in listed.values())
    assert api_as(world["hn_admin"]).get(f"{API}HTTT-48/").status_code == 404
    national = api_as(world["national"]).get(f"{API}HTTT-01/").json()
    assert len(national["token_prefix"]) == 8 and "token" not in national


def test_api_national_administrator_creates_changes_and_rotates(world):
    api = api_as(world["national"])
    created = api.post(
        API, {"code": "LLTP", "name": "Lý lịch tư pháp", "kind": "ministry", "owner": "BTP"}, format="json"
    )
    assert created.status_code == 201, created.content
    key = created.json()["token"]
    assert created.json()["token_prefix"] == key[:8]
    sync = APIClient()
    sync.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert (
        sync.post(
            "/api/v1/sync/dossiers/", fixture_bytes("portal_dongbo.json"), content_type="application/json"
        ).status_code
        == 200
    )
    assert key not in json.dumps(api.get(f"{API}LLTP/").json()) and key not in json.dumps(api.get(API).json())

    changed = api.patch(f"{API}LLTP/", {"owner": "01", "active": False}, format="json")
    assert (
        changed.status_code == 200 and changed.json()["owner"] == "01" and changed.json()["active"] is False
    )
    [change] = audit_rows(AuditAction.SOURCE_SYSTEM_CHANGE, "LLTP")
    assert change.details["changes"] == {"owner": ["BTP", "01"], "active": [True, False]}
    assert change.details["source"] == "api" and change.actor == world["national"]
    account = SystemAccount.objects.get(system_code="LLTP")
    assert account.agency.code == "01"  # the account (and its role) follows the owner

    rotated = api.post(f"{API}LLTP/rotate-token/")
    assert rotated.status_code == 200
    new = rotated.json()["token"]
    assert new != key and token_for_key(key) is None and token_for_key(new).user == account.user
    tokens = AuditLog.objects.filter(action=AuditAction.TOKEN_ROTATE, details__system_code="LLTP")
    assert tokens.count() == 2 and not any(
        key in json.dumps(t.details) or new in json.dumps(t.details) for t in tokens
    )


def test_api_code_never_changes_and_a_second_portal_is_a_400(world):
    api = api_as(world["national"])
    response = api.patch(f"{API}HTTT-01/", {"code": "HTTT-02"}, format="json")
    assert response.status_code == 400 and "cannot change" in response.json()["code"][0]
    response = api.post(API, {"code": "DVCQG2", "name": "x", "kind": "portal", "owner": "CP"}, format="json")
    assert response.status_code == 400, response.content
    response = api.patch(f"{API}HTTT-01/", {"kind": "portal"}, format="json")
    assert response.status_code == 400 and "DVCQG is already the active" in json.dumps(response.json())
    assert SourceSystem.objects.get(code="HTTT-01").kind == SourceKind.PROVINCIAL


# --- the service and the command -------------------------------------------------------------------
def test_the_service_refuses_non_national_actors(world):
    for actor in (world["hn_admin"], world["hn_senior"]):
        with pytest.raises(DelegationDenied, match="national administrators"):
            create_source_system("FAKE", "x", "portal", "01", creator=actor)
        with pytest.raises(DelegationDenied):
            update_source_system(actor, world["province_system"], kind="portal")
        with pytest.raises(DelegationDenied):
            rotate_source_token(actor, world["province_system"])
    assert not SourceSystem.objects.filter(code="FAKE").exists()


def test_every_change_is_audited_in_the_same_transaction(world, monkeypatch):
    from accounts import audit

    real = audit.record

    def failing(action, **kwargs):
        if action == AuditAction.SOURCE_SYSTEM_CHANGE:
            raise RuntimeError("audit storage down")
        return real(action, **kwargs)

    monkeypatch.setattr(audit, "record", failing)
    with pytest.raises(RuntimeError):
        update_source_system(world["national"], world["province_system"], active=False)
    assert SourceSystem.objects.get(code="HTTT-01").active  # no audit row, no change
    monkeypatch.setattr(audit, "record", real)
    update_source_system(world["national"], world["province_system"], active=False, name="Hà Nội (cũ)")
    [row] = audit_rows(AuditAction.SOURCE_SYSTEM_CHANGE, "HTTT-01")
    assert row.details["changes"] == {
        "name": [world["province_system"].name, "Hà Nội (cũ)"],
        "active": [True, False],
    }
    update_source_system(world["national"], world["province_system"], active=False)  # no change: no row
    assert len(audit_rows(AuditAction.SOURCE_SYSTEM_CHANGE, "HTTT-01")) == 1


def test_the_command_rotates_only_when_asked_and_audits_as_cli(world, capsys):
    call_command(
        "create_source_system", "HTTT-01", "--name", "Hà Nội", "--kind", "provincial", "--agency", "01"
    )
    first = capsys.readouterr().out.strip()  # the system had no account yet: its first token
    assert token_for_key(first) is not None
    call_command(
        "create_source_system",
        "HTTT-01",
        "--name",
        "Hà Nội",
        "--kind",
        "provincial",
        "--agency",
        "01",
        "--inactive",
    )
    assert capsys.readouterr().out == "" and not SourceSystem.objects.get(code="HTTT-01").active
    call_command(
        "create_source_system",
        "HTTT-01",
        "--name",
        "Hà Nội",
        "--kind",
        "provincial",
        "--agency",
        "01",
        "--rotate-token",
    )
    second = capsys.readouterr().out.strip()
    assert token_for_key(first) is None and token_for_key(second) is not None
    assert not SourceSystem.objects.get(code="HTTT-01").active  # neither flag given: unchanged
    rows = AuditLog.objects.filter(action__in=[AuditAction.SOURCE_SYSTEM_CHANGE, AuditAction.TOKEN_ROTATE])
    assert rows.count() == 4 and {r.details["source"] for r in rows} == {"cli"}


# --- exactly one active portal -----------------------------------------------------------------------
def test_the_database_allows_one_active_portal(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        SourceSystem.objects.create(
            code="AAA", name="Fake portal", kind=SourceKind.PORTAL, owner=world["hanoi"]
        )
    SourceSystem.objects.create(
        code="AAA", name="Old portal", kind=SourceKind.PORTAL, owner=world["hanoi"], active=False
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        SourceSystem.objects.filter(code="AAA").update(active=True)
    with pytest.raises(ValidationError, match="DVCQG is already the active"):
        update_source_system(world["national"], SourceSystem.objects.get(code="AAA"), active=True)
    assert SourceSystem.objects.portal().code == "DVCQG"


def test_no_active_portal_is_a_clear_error(world):
    SourceSystem.objects.filter(code="DVCQG").update(active=False)
    with pytest.raises(NoPortalSystem, match="kind 'portal'"):
        SourceSystem.objects.portal()
    with pytest.raises(ReconciliationError, match="No active source system of kind 'portal'"):
        reconcile_period("2025-01", "01")


def test_reconciliation_compares_with_the_active_portal_not_the_first_by_code():
    from tests.reconciliation import reconcile_dataset as data

    ds = data.build()
    fake = SourceSystem.objects.create(
        code="AAA", name="Fake portal", kind=SourceKind.PORTAL, owner=ds.agencies["01"], active=False
    )
    assert fake.code < "DVCQG"  # "the first portal system by code" would have been this one
    for copy in SourceDossier.objects.filter(source__code="HOTICH"):  # a fake copy of everything: no gaps
        SourceDossier.objects.create(
            **{
                f.attname: getattr(copy, f.attname)
                for f in SourceDossier._meta.concrete_fields
                if f.name not in ("id", "source")
            },
            source=fake,
        )
    runs = reconcile_period(data.PERIOD, "01")
    found = set(
        Gap.objects.filter(run__province__code="01", run__period=data.PERIOD).values_list(
            "run__source__code", "kind", "dossier_code"
        )
    )
    assert found == data.EXPECTED and {r.source.code for r in runs} == {"DKDN", "HOTICH", "TINH-01"}


def test_the_sync_indicator_counts_only_the_active_portal_copy():
    from indicators.models import IndicatorSnapshot
    from indicators.services import compute
    from tests.indicators import golden

    g = golden.build()
    fake = SourceSystem.objects.create(
        code="AAA", name="Fake portal", kind=SourceKind.PORTAL, owner=g.P1, active=False
    )
    for code in ("d4", "d10", "d12", "d1"):  # received in March; three are not on the real portal
        d = g.d[code]
        SourceDossier.objects.create(
            source=fake,
            code=code,
            dossier=d,
            agency=d.receiving_agency,
            procedure=d.procedure,
            status=d.status,
            received_at=d.received_at,
            event_at=d.received_at,
            synced_at=d.received_at,
            digest="f",
        )
    compute.recompute(golden.PERIOD, now=golden.NOW)
    sync = IndicatorSnapshot.objects.get(agency=g.P1, period=golden.PERIOD).components.get(
        code="DOSSIER_SYNC"
    )
    assert (sync.numerator, sync.denominator) == (5, 7)  # as without the fake system (tests/indicators)


# --- the data migration -------------------------------------------------------------------------------
def test_the_migration_keeps_the_seed_portal_and_deactivates_the_others(world):
    """Several active portals (possible before the constraint) → the seed's DVCQG stays, others audited off."""
    from django.apps import apps

    migration = importlib.import_module("reconciliation.migrations.0006_one_active_portal")
    with connection.cursor() as cursor:  # rolled back with the test's transaction
        cursor.execute("DROP INDEX sourcesystem_one_active_national")
    for code in ("AAA", "ZZZ"):
        SourceSystem.objects.create(code=code, name=code, kind=SourceKind.PORTAL, owner=world["hanoi"])
    SourceSystem.objects.create(code="BC1", name="r1", kind=SourceKind.REPORTING, owner=world["btp"])
    SourceSystem.objects.create(code="BC2", name="r2", kind=SourceKind.REPORTING, owner=world["btp"])
    migration.keep_one_active(apps, None)
    active = dict(
        SourceSystem.objects.filter(active=True, kind__in=["portal", "reporting"]).values_list("kind", "code")
    )
    assert active == {"portal": "DVCQG", "reporting": "BC1"}  # no BCQG: the first by code
    logged = AuditLog.objects.filter(details__source="migration").values_list("target_repr", flat=True)
    assert sorted(r.split(" ")[0] for r in logged) == ["AAA", "BC2", "ZZZ"]


def _danang(world):
    from tests.factories import AgencyFactory
    from tthc.models import AgencyKind

    return AgencyFactory(code="48", name="Đà Nẵng", kind=AgencyKind.PROVINCE, parent=world["btp"].parent)


@pytest.mark.parametrize(
    "body", [["code"], "x", 1, {"owner": "NOPE"}, {"kind": "x"}, {"active": "maybe"}, {"name": ""}]
)
def test_api_bad_bodies_are_400_not_500(world, body):
    response = api_as(world["national"]).patch(f"{API}HTTT-01/", body, format="json")
    assert response.status_code == 400, response.content
    assert SourceSystem.objects.get(code="HTTT-01").kind == SourceKind.PROVINCIAL
