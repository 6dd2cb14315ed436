"""Readiness in the permission matrix (tests/test_permission_matrix.py).

One current not-ready assessment per ministry position (BTP, BYT and the central body CP, each on a
system of its own) with a criterion result carrying a file, and one province plan per province
position (01, 48). An assessment is visible with its ministry, a plan with its province; the public
list, its download and the roadmap API are public on purpose (the national portal publishes them).
"""

from __future__ import annotations

from datetime import date

from django.core.files.base import ContentFile
from django.urls import reverse

from accounts.models import Role
from readiness.models import Assessment, CriteriaSet, CriterionResult, ProvincePlan
from readiness.services.criteria import load_example
from reconciliation.models import SourceKind, SourceSystem
from tests.complaints.matrix import _temp_media  # the matrix's files go to one temp folder
from tests.test_permission_matrix import ADMIN_SPECS, World, at_least, covers, public

ATTR = "_readiness_matrix"
MINISTRIES = ("BTP", "BYT", "CP")
PROVINCES = ("01", "48")

public("readiness:public", "readiness:public-export", "readiness-api:roadmap-list")


@_temp_media
def build(world) -> dict:
    cached = getattr(world, ATTR, None)
    if cached is not None:
        return cached
    criteria_set = load_example()
    criterion = criteria_set.criteria.get(code="KN-01")
    author = world.users["CP"]
    assessments, plans = {}, {}
    for code in MINISTRIES:
        system = SourceSystem.objects.create(
            code=f"RDY-{code}", name=f"Readiness {code}", kind=SourceKind.MINISTRY, owner=world.a[code]
        )
        a = Assessment.objects.create(
            procedure=world.tree.procedures[code],
            ministry=world.a[code],
            system=system,
            criteria_set=criteria_set,
            state="approved",
            classification="not_ready",
            planned_ready_on=date(2026, 12, 31),
            is_current=True,
            created_by=author,
        )
        result = CriterionResult(
            assessment=a, criterion=criterion, outcome="not_met", attachment_name="x.txt"
        )
        result.attachment.save("x.txt", ContentFile(b"x"), save=False)
        result.save()
        a.marker_result = result
        assessments[code] = a
    for code in PROVINCES:
        a = assessments["BYT"]
        plans[code] = ProvincePlan.objects.create(
            province=world.a[code],
            procedure=a.procedure,
            system=a.system,
            action="a",
            owner_unit="u",
            target_on=date(2026, 12, 1),
        )
    out = {"assessments": assessments, "plans": plans, "set": criteria_set}
    setattr(world, ATTR, out)
    return out


def _acts(expect, minimum) -> bool:
    """Whether the subject acts for its own ministry/province with ``minimum`` (national: never)."""
    return expect.role != Role.NATIONAL_ADMIN and at_least(expect.role, minimum)


# --- API -------------------------------------------------------------------------------------------------
@covers("readiness-api:criterion-list")
def check_api_criteria(client, world, expect, errors):
    build(world)
    rows = client.get(reverse("readiness-api:criterion-list")).json()["results"]
    if not rows:
        errors.append("criteria: empty for an authenticated user")


@covers("readiness-api:assessment-list", "readiness-api:assessment-detail")
def check_api_assessments(client, world, expect, errors):
    objs = build(world)["assessments"]
    listed = {r["id"] for r in client.get(reverse("readiness-api:assessment-list")).json()["results"]}
    for code in expect.codes():
        if code not in objs:
            continue
        a = objs[code]
        if (a.pk in listed) != expect.visible(code):
            errors.append(f"assessment list: {code}")
        got = client.get(reverse("readiness-api:assessment-detail", args=[a.pk])).status_code
        if got != (200 if expect.visible(code) else 404):
            errors.append(f"assessment detail {code}: {got}")


@covers(
    "readiness-api:assessment-submit", "readiness-api:assessment-approve", "readiness-api:assessment-return"
)
def check_api_assessment_actions(client, world, expect, errors):
    objs = build(world)["assessments"]
    for code in expect.codes():
        if code not in objs:
            continue
        for name, role in (("submit", Role.OFFICER), ("approve", Role.LEADER), ("return", Role.LEADER)):
            url = reverse(f"readiness-api:assessment-{name}", args=[objs[code].pk])
            got = client.post(url, {}, content_type="application/json").status_code
            # Already approved: the right people get 409 (wrong state), the others 403; outside, 404.
            want = 404 if not expect.visible(code) else (409 if _acts(expect, role) else 403)
            if got != want:
                errors.append(f"assessment {name} {code}: {got} != {want}")


@covers("readiness-api:assessment-list")
def check_api_assessment_create(client, world, expect, errors):
    build(world)
    for code in MINISTRIES:
        body = {"procedure": world.tree.procedures[code].code, "system": f"RDY-{code}", "results": []}
        got = client.post(
            reverse("readiness-api:assessment-list"), body, content_type="application/json"
        ).status_code
        own = expect.visible(code) and _acts(expect, Role.OFFICER)
        # An officer of the ministry gets past the gate (400: no results given); anyone else 403.
        want = 201 if own else 403
        if got != want and not (own and got in (201, 400)):
            errors.append(f"assessment create {code}: {got} != {want}")


# --- pages -----------------------------------------------------------------------------------------------
@covers("readiness:dashboard")
def check_dashboard(client, world, expect, errors):
    build(world)
    html = client.get(reverse("readiness:dashboard")).content.decode()
    for code in ("BTP", "BYT"):
        if code in expect.codes() and (f'data-ministry="{code}"' in html) != expect.visible(code):
            errors.append(f"dashboard row {code}")
    for code in PROVINCES:
        if code in expect.codes() and (f'data-province="{code}"' in html) != expect.visible(code):
            errors.append(f"dashboard province row {code}")


@covers("readiness:ministry", "readiness:ministry-export", "readiness:assess")
def check_ministry_pages(client, world, expect, errors):
    build(world)
    for code in expect.codes():
        if code not in ("BTP", "BYT"):
            continue
        visible = expect.visible(code)
        for name, args in (("ministry", [code]), ("ministry-export", [code, "csv"])):
            got = client.get(reverse(f"readiness:{name}", args=args)).status_code
            if got != (200 if visible else 404):
                errors.append(f"{name} {code}: {got}")
        got = client.get(reverse("readiness:assess", args=[code])).status_code
        want = 404 if not visible else (200 if _acts(expect, Role.OFFICER) else 403)
        if got != want:
            errors.append(f"assess {code}: {got} != {want}")


@covers("readiness:assessment", "readiness:decide", "readiness:attachment")
@_temp_media
def check_assessment_pages(client, world, expect, errors):
    objs = build(world)["assessments"]
    for code in expect.codes():
        if code not in objs:
            continue
        a, visible = objs[code], expect.visible(code)
        got = client.get(reverse("readiness:assessment", args=[a.pk])).status_code
        if got != (200 if visible else 404):
            errors.append(f"assessment page {code}: {got}")
        got = client.get(reverse("readiness:attachment", args=[a.pk, a.marker_result.pk])).status_code
        if got != (200 if visible else 404):
            errors.append(f"assessment file {code}: {got}")
        got = client.post(reverse("readiness:decide", args=[a.pk, "approve"])).status_code
        want = 404 if not visible else (302 if _acts(expect, Role.LEADER) else 403)
        if got != want:
            errors.append(f"decide {code}: {got} != {want}")


@covers("readiness:province", "readiness:plan")
def check_province_pages(client, world, expect, errors):
    objs = build(world)
    byt = objs["assessments"]["BYT"]
    for code in expect.codes():
        if code not in PROVINCES:
            continue
        visible = expect.visible(code)
        got = client.get(reverse("readiness:province", args=[code])).status_code
        if got != (200 if visible else 404):
            errors.append(f"province page {code}: {got}")
        body = {
            "procedure": byt.procedure.code,
            "system": byt.system.code,
            "action": "b",
            "owner_unit": "u",
            "target_on": "2026-12-02",
        }
        got = client.post(reverse("readiness:plan", args=[code]), body).status_code
        want = 404 if not visible else (302 if _acts(expect, Role.OFFICER) else 403)
        if got != want:
            errors.append(f"plan {code}: {got} != {want}")


ADMIN_SPECS[CriteriaSet] = (Role.VIEWER, lambda w, c: build(w)["set"], True)
ADMIN_SPECS[Assessment] = (Role.VIEWER, lambda w, c: build(w)["assessments"].get(c), False)
ADMIN_SPECS[ProvincePlan] = (Role.VIEWER, lambda w, c: build(w)["plans"].get(c), False)

# The admin check lists a changelist before asking for the markers: build the objects with the world.
_world_init = World.__init__


def _world_with_readiness(self):
    _world_init(self)
    build(self)


World.__init__ = _world_with_readiness
