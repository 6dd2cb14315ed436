"""A small world for the complaints tests: agencies, a ministry system, users per role, runs.

CP ─┬─ BTP (ministry) ─┬─ BTP-KSTT (unit: supervising body)
    │                  └─ BTP-HT (unit owning the civil-status system)
    ├─ VPCP (ministry-level body: supervising body)
    ├─ BYT (ministry)
    ├─ 01 (province) ── 01-C1 (commune)
    └─ 48 (province)
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from types import SimpleNamespace

from accounts.models import Role, RoleAssignment, User
from complaints.models import RequestSystem, SyncGapRequest
from complaints.workflow import State
from reconciliation.models import Gap, ReconciliationRun, SourceKind, SourceSystem
from tests.factories import AgencyFactory
from tthc.calendar import VN_TZ
from tthc.models import AgencyKind

TREE = [
    ("CP", "Chính phủ", AgencyKind.CENTRAL, None),
    ("BTP", "Bộ Tư pháp", AgencyKind.MINISTRY, "CP"),
    ("BTP-KSTT", "Cục Kiểm soát thủ tục hành chính", AgencyKind.UNIT, "BTP"),
    ("BTP-HT", "Cục Hộ tịch, quốc tịch, chứng thực", AgencyKind.UNIT, "BTP"),
    ("VPCP", "Văn phòng Chính phủ", AgencyKind.MINISTRY_LEVEL, "CP"),
    ("BYT", "Bộ Y tế", AgencyKind.MINISTRY, "CP"),
    ("01", "Thành phố Hà Nội", AgencyKind.PROVINCE, "CP"),
    ("01-C1", "Phường Ba Đình", AgencyKind.COMMUNE, "01"),
    ("48", "Thành phố Đà Nẵng", AgencyKind.PROVINCE, "CP"),
]

#: role name used by the tests → (agency code, platform role)
USERS = {
    "province_officer": ("01", Role.OFFICER),
    "province_leader": ("01", Role.LEADER),
    "province_viewer": ("01", Role.VIEWER),
    "ministry_officer": ("BTP", Role.OFFICER),
    "ministry_leader": ("BTP", Role.LEADER),
    "ministry_viewer": ("BTP", Role.VIEWER),
    "system_owner_officer": ("BTP-HT", Role.OFFICER),
    "supervisor": ("BTP-KSTT", Role.OFFICER),
    "vpcp_officer": ("VPCP", Role.OFFICER),
    "national_admin": ("VPCP", Role.NATIONAL_ADMIN),
    "other_province_officer": ("48", Role.OFFICER),
    "commune_officer": ("01-C1", Role.OFFICER),
    "other_ministry_leader": ("BYT", Role.LEADER),
}


def build_world() -> SimpleNamespace:
    a = {}
    for code, name, kind, parent in TREE:
        a[code] = AgencyFactory(
            code=code, name=name, short_name=name, kind=kind, parent=a[parent] if parent else None
        )
    system = SourceSystem.objects.create(
        code="HTDT", name="Hệ thống Hộ tịch điện tử", kind=SourceKind.MINISTRY, owner=a["BTP-HT"]
    )
    other = SourceSystem.objects.create(
        code="LLTP", name="Hệ thống Lý lịch tư pháp", kind=SourceKind.MINISTRY, owner=a["BTP"]
    )
    health = SourceSystem.objects.create(
        code="KCB", name="Hệ thống cấp phép hành nghề KCB", kind=SourceKind.MINISTRY, owner=a["BYT"]
    )
    provincial = SourceSystem.objects.create(
        code="HN-TTHC", name="HTTT GQTTHC Hà Nội", kind=SourceKind.PROVINCIAL, owner=a["01"]
    )
    users = {}
    for name, (code, role) in USERS.items():
        user = User.objects.create(
            username=name, email=f"{name}@example.vn", full_name=name.replace("_", " ")
        )
        RoleAssignment.objects.create(user=user, agency=a[code], role=role, include_subunits=True)
        users[name] = user
    return SimpleNamespace(
        a=a,
        system=system,
        other_system=other,
        health_system=health,
        provincial_system=provincial,
        users=users,
        u=users,
    )


def vn(*args) -> datetime:
    return datetime(*args, tzinfo=VN_TZ)


def make_run(
    world,
    period="2026-08",
    *,
    province=None,
    source=None,
    counts=None,
    points="1.250",
    finished_at=None,
    gaps=True,
) -> ReconciliationRun:
    """A finished run (replacing the one of the same key, like the engine does), with Gap rows."""
    counts = {"missing_on_portal": 12, "status_differs": 3} if counts is None else counts
    province = province or world.a["01"]
    source = source or world.system
    finished_at = finished_at or vn(2026, 9, 1, 4, 30)
    run, _ = ReconciliationRun.objects.update_or_create(
        period=period,
        province=province,
        source=source,
        defaults={
            "started_at": finished_at,
            "finished_at": finished_at,
            "dossiers": 500,
            "portal_dossiers": 488,
            "gap_counts": counts,
            "gap_dossiers": sum(counts.values()),
            "points_at_stake": Decimal(points),
        },
    )
    Gap.objects.filter(run=run).delete()
    if gaps:
        Gap.objects.bulk_create(
            [
                Gap(
                    run=run,
                    kind=kind,
                    dossier_code=f"{province.code}-260815-{kind[:3]}{i:04d}",
                    procedure_code="1.001",
                    agency_code=province.code,
                    source_value="9",
                    portal_value="" if kind == "missing_on_portal" else "4",
                )
                for kind, n in counts.items()
                for i in range(n)
            ]
        )
    return run


def make_case(
    world, state=State.DRAFT, *, period="2026-08", province=None, source=None, **fields
) -> SyncGapRequest:
    """A case forced into ``state`` (setup for the transition tests, not the rules under test)."""
    province = province or world.a["01"]
    source = source or world.system
    from complaints.services.requests import ministry_of

    defaults = {
        "ministry": ministry_of(source.owner),
        "state": state,
        "subject": "V/v kiến nghị",
        "body": "Kính gửi: Bộ",
        "gap_counts": {"missing_on_portal": 12},
        "gap_total": 12,
    }
    if state not in (State.DRAFT, State.DISCARDED):
        submitted = vn(2026, 9, 3, 9, 0)
        from complaints.services.deadlines import schedule

        plan = schedule(submitted, 10)
        defaults.update(
            submitted_at=submitted,
            response_due_at=plan.due_at,
            reminder_at=plan.reminder_at,
            notice_at=plan.notice_at,
            escalation_at=plan.escalation_at,
            deadline_round=1,
        )
    if state in (State.ANSWERED, State.VERIFIED_CLOSED):
        defaults.update(answer="Đã đồng bộ lại", resolution="fixed", answered_at=vn(2026, 9, 10, 10, 0))
    defaults.update(fields)
    case = SyncGapRequest.objects.create(province=province, period=period, **defaults)
    RequestSystem.objects.create(
        request=case, source=source, gap_counts=defaults["gap_counts"], gap_total=defaults["gap_total"]
    )
    return case


def leader_for(world, province):
    """A leader of ``province`` (who signs and submits its requests); created on first use for 48."""
    if province.code == "01":
        return world.u["province_leader"]
    user, created = User.objects.get_or_create(
        username=f"leader_{province.code}", defaults={"email": f"leader_{province.code}@example.vn"}
    )
    if created:
        user.full_name = f"Lãnh đạo {province.code}"
        user.save(update_fields=["full_name"])
        RoleAssignment.objects.create(user=user, agency=province, role=Role.LEADER, include_subunits=True)
    return user
