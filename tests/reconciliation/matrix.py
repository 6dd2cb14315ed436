"""Reconciliation in the permission matrix (tests/test_permission_matrix.py).

Each block below belongs to one part of the app; add yours in its own block.
"""

from __future__ import annotations

import csv
import io

from django.urls import reverse

from tests.test_permission_matrix import covers

# --- Reconciliation runs, gaps, matrix, exports, dossier comparison ---------------------------------------
# One run "at" each position code X: province X compared with a system owned by X, with one gap and one
# source copy of dossier G-X received at X. A run is visible to the users of its province and of the
# system's owner — both X here — so it is visible exactly where the matrix expects X to be.
RUN_PERIOD = "2026-03"
RUNS_ATTR = "_reconciliation_runs_matrix"


def runs(world) -> dict:
    from reconciliation.models import Gap, ReconciliationRun, SourceDossier, SourceKind, SourceSystem
    from tests.factories import ProcedureFactory

    cached = getattr(world, RUNS_ATTR, None)
    if cached is not None:
        return cached
    procedure = ProcedureFactory(code="RS-PROC", ministry=world.a["BYT"], central_system="")
    out = {}
    for code, agency in world.a.items():
        system = SourceSystem.objects.create(
            code=f"RS-{code}", name=f"System {code}", kind=SourceKind.MINISTRY, owner=agency
        )
        run = ReconciliationRun.objects.create(
            period=RUN_PERIOD,
            province=agency,
            source=system,
            started_at=world.d[code].received_at,
            dossiers=1,
            gap_dossiers=1,
            gap_counts={"missing_on_portal": 1},
        )
        gap = Gap.objects.create(
            run=run, kind="missing_on_portal", dossier_code=f"G-{code}", agency_code=code
        )
        received = world.d[code].received_at
        SourceDossier.objects.create(
            source=system,
            code=f"G-{code}",
            agency=agency,
            procedure=procedure,
            status=4,
            received_at=received,
            event_at=received,
            synced_at=received,
            digest="m",
        )
        out[code] = (run, gap)
    setattr(world, RUNS_ATTR, out)
    return out


def _want(expect, code, inside: int = 200) -> int:
    return inside if expect.visible(code) else 404


@covers("reconciliation-api:run-list", "reconciliation-api:run-detail")
def check_api_runs(client, world, expect, errors):
    objs = runs(world)
    listed = {r["id"] for r in client.get("/api/v1/reconciliation/runs/?page_size=500").json()["results"]}
    for code in expect.codes():
        run, _gap = objs[code]
        if (run.pk in listed) != expect.visible(code):
            errors.append(f"run list: {code}")
        got = client.get(reverse("reconciliation-api:run-detail", args=[run.pk])).status_code
        if got != _want(expect, code):
            errors.append(f"run detail {code}: {got}")


@covers("reconciliation-api:gap-list", "reconciliation-api:gap-detail")
def check_api_gaps(client, world, expect, errors):
    objs = runs(world)
    listed = {g["id"] for g in client.get("/api/v1/reconciliation/gaps/?page_size=500").json()["results"]}
    response = client.get("/api/v1/reconciliation/gaps/?format=csv&headers=codes")
    exported = {
        row["dossier_code"]
        for row in csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")))
    }
    for code in expect.codes():
        _run, gap = objs[code]
        if (gap.pk in listed) != expect.visible(code):
            errors.append(f"gap list: {code}")
        if (gap.dossier_code in exported) != expect.visible(code):
            errors.append(f"gap csv export: {code}")
        got = client.get(reverse("reconciliation-api:gap-detail", args=[gap.pk])).status_code
        if got != _want(expect, code):
            errors.append(f"gap detail {code}: {got}")


@covers("reconciliation:matrix")
def check_gap_matrix(client, world, expect, errors):
    runs(world)
    response = client.get(reverse("reconciliation:matrix") + f"?period={RUN_PERIOD}")
    if response.status_code != 200:
        errors.append(f"matrix: {response.status_code}")
        return
    rows = {row.province.code for row in response.context["matrix"].rows}
    for code in expect.codes():
        if (code in rows) != expect.visible(code):
            errors.append(f"matrix row: {code}")


@covers("reconciliation:gaps", "reconciliation:gaps-export")
def check_gap_pages(client, world, expect, errors):
    runs(world)
    listed = {
        g.dossier_code
        for g in client.get(reverse("reconciliation:gaps") + "?page=1").context["page"].paginator.object_list
    }
    response = client.get(reverse("reconciliation:gaps-export", args=["csv"]) + "?headers=codes")
    exported = {
        row["dossier_code"]
        for row in csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")))
    }
    for code in expect.codes():
        if (f"G-{code}" in listed) != expect.visible(code):
            errors.append(f"gap page: {code}")
        if (f"G-{code}" in exported) != expect.visible(code):
            errors.append(f"gap page export: {code}")
        got = client.get(reverse("reconciliation:gaps") + f"?province={code}&source=RS-{code}").status_code
        if got != _want(expect, code):
            errors.append(f"gap page for {code}: {got}")
        got = client.get(
            reverse("reconciliation:gaps-export", args=["xlsx"]) + f"?province={code}"
        ).status_code
        if got != _want(expect, code):
            errors.append(f"gap xlsx export for {code}: {got}")


@covers("reconciliation:dossier")
def check_dossier_comparison(client, world, expect, errors):
    runs(world)
    for code in expect.codes():
        got = client.get(reverse("reconciliation:dossier", args=[f"G-{code}"])).status_code
        if got != _want(expect, code):
            errors.append(f"dossier comparison G-{code}: {got}")


# --- end of reconciliation runs and gaps ---------------------------------------------------------------------


# --- Ingestion: sync endpoint, source systems, batches, rejects, per-source dossiers -----------------------
# At each position code X: a provincial system owned by X (the kind only its owner sees), one batch of it
# with one rejected record, and its copy of a dossier received at X (procedure on no centralized system).
from accounts.models import Role as _Role  # noqa: E402
from tests.test_permission_matrix import ADMIN_SPECS  # noqa: E402

INGEST_ATTR = "_ingestion_matrix"


def ingestion(world) -> dict:
    from reconciliation.models import IngestBatch, RejectedRecord, SourceDossier, SourceKind, SourceSystem
    from tests.factories import ProcedureFactory

    cached = getattr(world, INGEST_ATTR, None)
    if cached is not None:
        return cached
    procedure = ProcedureFactory(code="IN-PROC", ministry=world.a["BYT"], central_system="")
    out = {}
    for code, agency in world.a.items():
        system = SourceSystem.objects.create(
            code=f"IN-{code}", name=f"Provincial system {code}", kind=SourceKind.PROVINCIAL, owner=agency
        )
        batch = IngestBatch.objects.create(source=system, format="jsonl", received=1, rejected=1)
        reject = RejectedRecord.objects.create(
            batch=batch,
            index=0,
            dossier_code=f"IN-{code}-250105-000001",
            errors=[],
            payload={"MaHoSo": f"IN-{code}-250105-000001"},
        )
        received = world.d[code].received_at
        seen = SourceDossier.objects.create(
            source=system,
            code=f"IN-{code}-250105-000002",
            agency=agency,
            procedure=procedure,
            status=2,
            received_at=received,
            event_at=received,
            synced_at=received,
            digest="m",
        )
        out[code] = {"system": system, "batch": batch, "reject": reject, "seen": seen}
    setattr(world, INGEST_ATTR, out)
    return out


def _ingested(kind):
    return lambda w, c: ingestion(w)[c][kind]


@covers("reconciliation-api:sync-dossiers")
def check_sync_endpoint(client, world, expect, errors):
    """People never push syncs: the endpoint takes a source system's token only (session ⇒ 401)."""
    got = client.post(
        reverse("reconciliation-api:sync-dossiers"), b'{"data": []}', content_type="application/json"
    )
    if got.status_code != 401:
        errors.append(f"sync endpoint with a session: {got.status_code}")


def _register_ingestion_admins():
    from reconciliation.models import IngestBatch, RejectedRecord, SourceDossier, SourceSystem

    ADMIN_SPECS[SourceSystem] = (_Role.VIEWER, _ingested("system"), False)
    ADMIN_SPECS[IngestBatch] = (_Role.VIEWER, _ingested("batch"), False)
    ADMIN_SPECS[RejectedRecord] = (_Role.VIEWER, _ingested("reject"), False)
    ADMIN_SPECS[SourceDossier] = (_Role.VIEWER, _ingested("seen"), False)


_register_ingestion_admins()

# The admin check lists a changelist before asking for the markers: build them with the world.
from tests.test_permission_matrix import World  # noqa: E402

_world_init_before_ingestion = World.__init__


def _world_with_ingestion(self):
    _world_init_before_ingestion(self)
    ingestion(self)


World.__init__ = _world_with_ingestion
# --- end of ingestion ----------------------------------------------------------------------------------------


# --- Source systems: national configuration (API and admin writes), tokens shown once -------------------
# Reads follow the gate on the provincial systems IN-X built above (visible exactly where X is); every
# write — create, change, token rotation — is for national administrators only: 403 for everyone else,
# whatever the system, and nothing changes.
from accounts.models import ApiToken as _ApiToken  # noqa: E402


def _only_national(expect, allowed: int) -> int:
    return allowed if expect.role == _Role.NATIONAL_ADMIN else 403


@covers(
    "reconciliation-api:source-system-list",
    "reconciliation-api:source-system-detail",
    "reconciliation-api:source-system-rotate-token",
)
def check_api_source_systems(client, world, expect, errors):
    from reconciliation.models import SourceSystem

    objs = ingestion(world)
    body = client.get(reverse("reconciliation-api:source-system-list") + "?page_size=500").json()
    listed = {s["code"]: s for s in body["results"]}
    tokens_before = _ApiToken.objects.count()
    for code in expect.codes():
        system = objs[code]["system"]
        if (system.code in listed) != expect.visible(code):
            errors.append(f"source system list: {code}")
        got = client.get(reverse("reconciliation-api:source-system-detail", args=[system.code]))
        if got.status_code != _want(expect, code):
            errors.append(f"source system detail {code}: {got.status_code}")
        elif got.status_code == 200 and "token" in got.json():
            errors.append(f"source system detail {code} shows a token")
        if expect.role == _Role.NATIONAL_ADMIN:
            continue  # its writes are checked once below, not at every position
        url = reverse("reconciliation-api:source-system-detail", args=[system.code])
        got = client.patch(url, {"kind": "portal"}, content_type="application/json").status_code
        if got != 403:
            errors.append(f"source system change {code}: {got}")
        got = client.post(
            reverse("reconciliation-api:source-system-rotate-token", args=[system.code])
        ).status_code
        if got != 403:
            errors.append(f"source system token {code}: {got}")
    own = objs[expect.holder_code]["system"]
    created = client.post(
        reverse("reconciliation-api:source-system-list"),
        {"code": f"NEW-{expect.role}", "name": "n", "kind": "portal", "owner": expect.holder_code},
        content_type="application/json",
    )
    if created.status_code != _only_national(expect, 201):
        errors.append(f"source system create: {created.status_code}")
    rotated = client.post(reverse("reconciliation-api:source-system-rotate-token", args=[own.code]))
    if rotated.status_code != _only_national(expect, 200):
        errors.append(f"source system token of own system: {rotated.status_code}")
    if expect.role != _Role.NATIONAL_ADMIN:
        own.refresh_from_db()
        if own.kind != "provincial" or SourceSystem.objects.filter(code=f"NEW-{expect.role}").exists():
            errors.append("a refused source-system write changed something")
        if _ApiToken.objects.count() != tokens_before:
            errors.append("a refused token rotation issued a token")
    elif "token" not in created.json() or created.json()["token"] == rotated.json()["token"]:
        errors.append("national create/rotate: the new token is not shown once")


@covers("admin:reconciliation_sourcesystem_add", "admin:accounts_systemaccount_add")
def check_admin_source_system_writes(client, world, expect, errors):
    """The admin: add screens and saves of systems and system accounts are national; the rest read-only."""
    from reconciliation.models import SourceSystem

    national = expect.role == _Role.NATIONAL_ADMIN
    objs = ingestion(world)
    for url, name in (
        (reverse("admin:reconciliation_sourcesystem_add"), "source system"),
        (reverse("admin:accounts_systemaccount_add"), "system account"),
    ):
        got = client.get(url).status_code
        if got != (200 if national else 403):
            errors.append(f"admin {name} add: {got}")
    tokens_before = _ApiToken.objects.count()
    for code in expect.codes() if not national else [expect.holder_code]:
        system = objs[code]["system"]
        url = reverse("admin:reconciliation_sourcesystem_change", args=[system.pk])
        data = {
            "name": system.name,
            "kind": "portal" if not national else "provincial",
            "owner": system.owner_id,
            "active": "on",
        }
        got = client.post(url, data).status_code
        if got != (302 if national else 403):
            errors.append(f"admin source system save {code}: {got}")
        client.post(
            reverse("admin:reconciliation_sourcesystem_changelist"),
            {"action": "rotate_tokens", "_selected_action": [system.pk]},
        )
        if SourceSystem.objects.get(pk=system.pk).kind != "provincial":
            errors.append(f"admin source system {code}: kind changed")
    issued = _ApiToken.objects.count() - tokens_before
    if issued != (1 if national else 0):
        errors.append(f"admin token rotation issued {issued} token(s)")


# --- end of source systems ---------------------------------------------------------------------------------


# --- Procedure → system assignments: national configuration, national administrators only ------
def _assignment(world):
    from datetime import date

    from reconciliation.models import ProcedureAssignment
    from tests.factories import ProcedureFactory

    procedure = ProcedureFactory(code="PA-PROC", ministry=world.a["BYT"], central_system="")
    return ProcedureAssignment.objects.get_or_create(
        procedure=procedure, province=None, valid_from=date(2026, 7, 1), defaults={"system_code": ""}
    )[0]


def _register_assignment_admin():
    from reconciliation.models import ProcedureAssignment

    ADMIN_SPECS[ProcedureAssignment] = (_Role.NATIONAL_ADMIN, lambda w, c: _assignment(w), True)


_register_assignment_admin()
_world_init_before_assignment = World.__init__


def _world_with_assignment(self):
    _world_init_before_assignment(self)
    _assignment(self)  # listed by the changelist before the marker is asked for


World.__init__ = _world_with_assignment
# --- end of procedure → system assignments ----------------------------------------------------------------
