"""The 766 index in the permission matrix (tests/test_permission_matrix.py).

The world gets the index of the month its dossiers were received in (every ranked agency: 01, 48,
BTP, BYT, VPCP) and one feedback item at every agency. Expected visibility of a *score* is wider
than the matrix default on purpose: a user sees the score of the ranked agency (ministry or
province) of any agency they see — a commune officer sees their province's score — while every row
behind a score (drill-down, early-warning list) stays within the user's own subtree. The rankings
are every authenticated user's; the public results page needs no login. The admin lists only the
snapshots of agencies inside the user's own scope (the matrix default).
"""

from __future__ import annotations

from django.urls import reverse

from accounts.models import Role
from complaints.models import Feedback
from indicators.models import CertifiedCopyCommune, IndicatorSnapshot
from indicators.services import compute
from tests.test_permission_matrix import ADMIN_SPECS, World, covers, public
from tthc.periods import Period

ATTR = "_indicators_matrix"
RANKED = ("01", "48", "BTP", "BYT", "VPCP")

public("indicators:public-results")


def build(world) -> dict:
    cached = getattr(world, ATTR, None)
    if cached is not None:
        return cached
    a = world.a
    feedback = {
        code: Feedback.objects.create(
            code=f"IND-{code}", agency=agency, received_at=world.d[code].received_at
        )
        for code, agency in a.items()
    }
    copies = {
        code: CertifiedCopyCommune.objects.create(commune=a[code], since="2020-01-01")
        for code in ("01-C1", "01-C2", "48-C1")
    }
    period = Period.containing(world.d["01"].received_at)
    compute.recompute(period)
    snapshots = {
        s.agency.code: s
        for s in IndicatorSnapshot.objects.filter(period=str(period)).select_related("agency")
    }
    out = {"period": str(period), "feedback": feedback, "copies": copies, "snapshots": snapshots}
    setattr(world, ATTR, out)
    return out


def _score_visible(world, expect, code) -> bool:
    """A score is visible with any agency of its subtree (the holder's own ranked agency)."""
    holder = world.a.get(expect.holder_code)
    return expect.visible(code) or (holder is not None and holder.ranked_agency_id == world.a[code].pk)


def _ranked_codes(expect):
    return [c for c in expect.codes() if c in RANKED]


@covers("indicators-api:scores", "indicators-api:rankings")
def check_api_scores(client, world, expect, errors):
    data = build(world)
    listed = {
        a["code"] for a in client.get("/api/v1/indicators/", {"period": data["period"]}).json()["agencies"]
    }
    for code in _ranked_codes(expect):
        if (code in listed) != _score_visible(world, expect, code):
            errors.append(f"index scores: {code}")
    for level in ("province", "ministry"):
        body = client.get("/api/v1/indicators/rankings/", {"period": data["period"], "level": level}).json()
        if not body["agencies"] or any("components" in a for a in body["agencies"]):
            errors.append(f"index rankings {level}")


@covers("indicators-api:component", "indicators-api:component-groups", "indicators-api:early-warning")
def check_api_drill_down(client, world, expect, errors):
    data = build(world)
    for code in _ranked_codes(expect):
        base = f"/api/v1/indicators/{code}/{data['period']}/components/DIGITISED/"
        response = client.get(base, {"set": "denominator", "page_size": 500})
        want = 200 if _score_visible(world, expect, code) else 404
        if response.status_code != want:
            errors.append(f"index drill-down {code}: {response.status_code}")
            continue
        if client.get(base + "by-unit/", {"set": "denominator"}).status_code != want:
            errors.append(f"index by-unit {code}")
        if want == 200:
            rows = {r["code"] for r in response.json()["results"]}
            for position in expect.codes():  # rows within the user's own subtree only
                dossier = world.d[position]
                if dossier.receiving_agency.ranked_agency_id != world.a[code].pk:
                    continue
                if (dossier.code in rows) != expect.visible(position):
                    errors.append(f"index drill-down {code} row {dossier.code}")
        if code in data["snapshots"] and not data["snapshots"][code].final:
            got = client.get(f"/api/v1/indicators/{code}/early-warning/").status_code
            if got != want:
                errors.append(f"index early warning {code}: {got}")


@covers("indicators-api:late-units", "indicators:late")
def check_late_units(client, world, expect, errors):
    data = build(world)
    for code in expect.codes():
        want = 200 if expect.visible(code) else 404
        got = client.get(
            "/api/v1/indicators/late-units/", {"period": data["period"], "agency": code}
        ).status_code
        if got != want:
            errors.append(f"late units api {code}: {got}")
        got = client.get(reverse("indicators:late"), {"period": data["period"], "agency": code}).status_code
        if got != want:
            errors.append(f"late units page {code}: {got}")


@covers("indicators:index", "indicators:dashboard", "indicators:component", "indicators:rankings")
def check_pages(client, world, expect, errors):
    data = build(world)
    if client.get(reverse("indicators:index")).status_code != 302:
        errors.append("index page")
    if client.get(reverse("indicators:rankings"), {"period": data["period"]}).status_code != 200:
        errors.append("rankings page")
    for code in _ranked_codes(expect):
        want = 200 if _score_visible(world, expect, code) else 404
        got = client.get(reverse("indicators:dashboard", args=[code]), {"period": data["period"]}).status_code
        if got != want:
            errors.append(f"index dashboard {code}: {got}")
        got = client.get(reverse("indicators:component", args=[code, data["period"], "ON_TIME"])).status_code
        if got != want:
            errors.append(f"index component page {code}: {got}")


@covers("indicators:procedures-without-dossiers", "indicators-api:procedures-without-dossiers")
def check_procedures_without_dossiers(client, world, expect, errors):
    """A ministry sees its own procedures without dossiers; everyone else none of the ministry's."""
    from tthc.models import Procedure

    made = {
        code: world.make(
            ("dormant", code),
            lambda code=code: Procedure.objects.create(code=f"DORM-{code}", name="x", ministry=world.a[code]),
        )
        for code in ("BTP", "BYT", "VPCP")
    }
    api = {r["code"] for r in client.get("/api/v1/indicators/procedures-without-dossiers/").json()["results"]}
    page = client.get(reverse("indicators:procedures-without-dossiers")).content.decode()
    for code in expect.codes():
        if code not in made:
            continue
        listed = made[code].code
        if (listed in api) != expect.visible(code) or (listed in page) != expect.visible(code):
            errors.append(f"procedures without dossiers {code}")
        want = 200 if expect.visible(code) else 404
        got = client.get("/api/v1/indicators/procedures-without-dossiers/", {"ministry": code}).status_code
        if got != want:
            errors.append(f"procedures without dossiers ?ministry={code}: {got}")


ADMIN_SPECS[Feedback] = (Role.VIEWER, lambda w, c: build(w)["feedback"].get(c), False)
ADMIN_SPECS[CertifiedCopyCommune] = (Role.VIEWER, lambda w, c: build(w)["copies"].get(c), False)
ADMIN_SPECS[IndicatorSnapshot] = (Role.VIEWER, lambda w, c: build(w)["snapshots"].get(c), False)

# The admin check lists a changelist before asking for the markers: build the index with the world.
_world_init = World.__init__


def _world_with_index(self):
    _world_init(self)
    build(self)


World.__init__ = _world_with_index
