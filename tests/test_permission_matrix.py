"""The permission matrix: every role × (own subtree, parent, sibling, other ministry) × every endpoint.

Each check is registered with ``@covers(url names…)`` or ``ADMIN_SPECS``; tests/test_url_gate.py
fails when a URL exists that no check covers, so a new endpoint cannot skip the gate unnoticed.

Other apps extend it from ``tests/<app>/matrix.py`` (imported at the end of this module):

- an endpoint or page: a function ``check(client, world, expect, errors)`` decorated with
  ``@covers("ns:name", …)`` that creates its objects at ``world.a[code]`` for each
  ``code in expect.codes()`` and appends to ``errors`` whenever ``expect.visible(code)`` disagrees
  with what the endpoint returned;
- a gated admin: ``ADMIN_SPECS[Model] = (view_role, marker, public)`` where ``marker(world, code)``
  returns the object at that agency, e.g. ``lambda w, c: w.make(("gap", c), lambda: make_gap(w.a[c]))``;
- a deliberately public page: ``public("ns:name")`` (reviewed there, next to the app's tests).
Expected visibility: national administrators see every position; everyone else sees exactly
their own subtree (procedures and the calendar are public catalogues for any role).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from accounts.models import AuditLog, Role, RoleAssignment, SystemAccount, User
from tests.accounts.helpers import assign, build_tree, make_user
from tthc.models import Agency, ApologyLetter, CalendarOverride, Dossier, DossierEvent, Procedure

pytestmark = pytest.mark.django_db

#: subject → (the agency the role is held on, {position: [agency codes]})
SUBJECTS = {
    "province": (
        "01",
        {"own": ["01", "01-C1"], "parent": ["CP"], "sibling": ["48"], "other_ministry": ["BYT"]},
    ),
    "commune": (
        "01-C1",
        {"own": ["01-C1"], "parent": ["01"], "sibling": ["01-C2", "48"], "other_ministry": ["BYT"]},
    ),
    "ministry": (
        "BTP",
        {"own": ["BTP", "BTP-U"], "parent": ["CP"], "sibling": ["01"], "other_ministry": ["BYT"]},
    ),
}
CASES = [(role, subject) for role in Role.values if role != Role.NATIONAL_ADMIN for subject in SUBJECTS]
CASES.append((Role.NATIONAL_ADMIN, "province"))  # held at VPCP: sees every position of any subject
ADMIN_ROLE = Role.UNIT_ADMIN

CHECKS = []
COVERED_URL_NAMES: set[str] = set()
#: Public pages other apps declare with ``public(...)`` (tests/test_url_gate.py adds its own).
PUBLIC_URL_NAMES: set[str] = set()


def public(*names):
    PUBLIC_URL_NAMES.update(names)


def covers(*names):
    def register(func):
        COVERED_URL_NAMES.update(names)
        CHECKS.append(func)
        return func

    return register


def at_least(role, minimum) -> bool:
    return Role.rank(role) >= Role.rank(minimum)


class World:
    """The tree plus one marker of every kind at every agency (user, assignment, audit row, …)."""

    def __init__(self):
        self.tree = build_tree()
        self.a, self.d = self.tree.a, self.tree.d
        self.users, self.assignments, self.audit, self.systems, self.events, self.letters = (
            {},
            {},
            {},
            {},
            {},
            {},
        )
        for code, agency in self.a.items():
            user = make_user(f"mark-{code}", staff=False)
            self.users[code] = user
            self.assignments[code] = assign(user, agency, Role.VIEWER, include_subunits=False)
            self.audit[code] = AuditLog.objects.create(action="role.grant", agency=agency, target_repr=code)
            system_user = make_user(f"sysacct-{code}", staff=False, is_system=True)
            self.systems[code] = SystemAccount.objects.create(
                user=system_user, agency=agency, system_code=f"S-{code}"
            )
            dossier = self.d[code]
            self.events[code] = DossierEvent.objects.create(
                dossier=dossier, to_status=4, at=dossier.received_at
            )
            self.letters[code] = ApologyLetter.objects.create(
                dossier=dossier,
                issued_at=dossier.received_at,
                reason="r",
                original_due_at=dossier.due_at,
                new_due_at=dossier.due_at + timedelta(days=2),
            )
        self.calendar = CalendarOverride.objects.create(date="2026-01-03", kind="working_day")
        self._made = {}

    def make(self, key, factory):
        """Create an app's marker object once per test (``factory()``), then reuse it."""
        if key not in self._made:
            self._made[key] = factory()
        return self._made[key]


class Expect:
    def __init__(self, role, subject):
        self.role = role
        self.holder_code, self.positions = SUBJECTS[subject]
        if role == Role.NATIONAL_ADMIN:
            self.holder_code = "VPCP"

    def visible(self, code) -> bool:
        return self.role == Role.NATIONAL_ADMIN or code in self.positions["own"]

    def codes(self):
        return [c for codes in self.positions.values() for c in codes]


def _status(visible: bool) -> int:
    return 200 if visible else 404


# --- API -----------------------------------------------------------------------------------------
@covers("tthc-api:agency-list", "tthc-api:agency-detail")
def check_api_agencies(client, world, expect, errors):
    listed = {a["code"] for a in client.get("/api/v1/agencies/?page_size=500").json()["results"]}
    for code in expect.codes():
        if (code in listed) != expect.visible(code):
            errors.append(f"agency list: {code}")
        got = client.get(reverse("tthc-api:agency-detail", args=[code])).status_code
        if got != _status(expect.visible(code)):
            errors.append(f"agency detail {code}: {got}")


@covers("tthc-api:dossier-list", "tthc-api:dossier-detail")
def check_api_dossiers(client, world, expect, errors):
    listed = {d["code"] for d in client.get("/api/v1/dossiers/?page_size=500").json()["results"]}
    for code in expect.codes():
        dossier = world.d[code].code
        if (dossier in listed) != expect.visible(code):
            errors.append(f"dossier list: {dossier}")
        got = client.get(reverse("tthc-api:dossier-detail", args=[dossier])).status_code
        if got != _status(expect.visible(code)):
            errors.append(f"dossier detail {dossier}: {got}")


@covers("accounts-api:me")
def check_api_me(client, world, expect, errors):
    body = client.get(reverse("accounts-api:me")).json()
    if [a["agency"]["code"] for a in body["assignments"]] != [expect.holder_code]:
        errors.append(f"me: {body['assignments']}")


# --- pages ---------------------------------------------------------------------------------------
@covers("tthc:home")
def check_home(client, world, expect, errors):
    html = client.get(reverse("tthc:home")).content.decode()
    if f"{expect.holder_code} — Agency {expect.holder_code}" not in html:
        errors.append("home: own agency missing")
    for code in expect.codes():
        if code != expect.holder_code and f"{code} — Agency {code}</td>" in html:
            errors.append(f"home: shows {code}")


@covers("accounts:delegation", "accounts:revoke")
def check_delegation(client, world, expect, errors):
    response = client.get(reverse("accounts:delegation") + "?q=mark-&show=all")
    if not at_least(expect.role, ADMIN_ROLE):
        if response.status_code != 403:
            errors.append(f"delegation page for {expect.role}: {response.status_code}")
    else:
        listed = {a.user.username for a in response.context["page"].paginator.object_list}
        for code in expect.codes():
            if (f"mark-{code}" in listed) != expect.visible(code):
                errors.append(f"delegation list: mark-{code}")
    for code in expect.codes():  # last: it revokes
        got = client.post(reverse("accounts:revoke", args=[world.assignments[code].pk])).status_code
        want = 403 if not at_least(expect.role, ADMIN_ROLE) else (302 if expect.visible(code) else 404)
        if got != want:
            errors.append(f"revoke {code}: {got} != {want}")


# --- admin ---------------------------------------------------------------------------------------
#: model → (role needed to open it, the marker object at an agency code, public catalogue?)
ADMIN_SPECS = {
    Agency: (Role.VIEWER, lambda w, c: w.a[c], False),
    Dossier: (Role.VIEWER, lambda w, c: w.d[c], False),
    DossierEvent: (Role.VIEWER, lambda w, c: w.events[c], False),
    ApologyLetter: (Role.VIEWER, lambda w, c: w.letters[c], False),
    Procedure: (Role.VIEWER, lambda w, c: w.tree.procedures.get(c), True),
    CalendarOverride: (Role.VIEWER, lambda w, c: w.calendar, True),
    User: (Role.LEADER, lambda w, c: w.users[c], False),
    RoleAssignment: (Role.LEADER, lambda w, c: w.assignments[c], False),
    AuditLog: (Role.UNIT_ADMIN, lambda w, c: w.audit[c], False),
    SystemAccount: (Role.UNIT_ADMIN, lambda w, c: w.systems[c], False),
}


def _admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@covers("admin:index")
def check_admin(client, world, expect, errors):
    if client.get(reverse("admin:index")).status_code != 200:
        errors.append("admin index")
    for model, (view_role, marker, public) in ADMIN_SPECS.items():
        allowed = at_least(expect.role, view_role)
        response = client.get(_admin_url(model, "changelist") + "?all=")
        if response.status_code != (200 if allowed else 403):
            errors.append(f"{model.__name__} changelist: {response.status_code}")
            continue
        listed = {obj.pk for obj in response.context["cl"].result_list} if allowed else set()
        for code in expect.codes():
            obj = marker(world, code)
            if obj is None:
                continue
            visible = public or expect.visible(code)
            if allowed and (obj.pk in listed) != visible:
                errors.append(f"{model.__name__} changelist: {code}")
            got = client.get(_admin_url(model, "change", obj.pk)).status_code
            want = 403 if not allowed else _status(visible)
            if got != want:
                errors.append(f"{model.__name__} change {code}: {got} != {want}")


@pytest.fixture
def world(db):
    return World()


@pytest.mark.parametrize("role,subject", CASES)
def test_permission_matrix(client, world, role, subject):
    expect = Expect(role, subject)
    user = make_user(f"subject-{role}", role, world.a[expect.holder_code])
    client.force_login(user)
    errors: list[str] = []
    for check in CHECKS:
        check(client, world, expect, errors)
    assert not errors, f"{role} at {expect.holder_code}: " + "; ".join(errors)


def test_every_admin_model_with_the_gate_is_in_the_matrix():
    from django.contrib import admin

    from core.admin import GatedAdminMixin

    gated = {
        model
        for model, model_admin in admin.site._registry.items()
        if isinstance(model_admin, GatedAdminMixin)
    }
    missing = sorted(m._meta.label for m in gated - set(ADMIN_SPECS))
    assert not missing, f"gated admins without an ADMIN_SPECS entry (tests/<app>/matrix.py): {missing}"
    assert set(ADMIN_SPECS) <= gated


def _load_app_checks():
    """Import ``tests/<app>/matrix.py`` modules: each registers its checks with ``@covers``."""
    import importlib
    from pathlib import Path

    for path in sorted(Path(__file__).parent.glob("*/matrix.py")):
        importlib.import_module(f"tests.{path.parent.name}.matrix")


_load_app_checks()
