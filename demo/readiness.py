"""Readiness demo: the EXAMPLE criteria set, several ministries' assessments, the published list.

What a visitor finds (every state of docs/domain.md#readiness):

* four ministries (BTP, BTC, BYT, BNNMT) have assessed some of the procedures on their centralized
  systems in June 2026 — the rest stay "not classified" (the dashboard's share assessed);
* most are ``ready``; every fourth is ``not_ready`` with a planned date and roadmap steps; one
  BTP roadmap's date has passed (flagged overdue on the public list);
* one BTP procedure was first classified not ready, then re-assessed ready: the old assessment is
  kept, superseded (history);
* one BTC assessment waits for its leader's approval, one was returned for revision;
* Hà Nội (01) has planned for two listed procedures (one done, one in progress).

Everything is written through ``readiness.services`` by demo accounts of those ministries (the
assessors of BYT and BNNMT are added here, granted by the demo's national administrator), then
the assessments' dates are moved back to June 2026, when the letter had them made. Idempotent: a
database that already holds the demo's assessments is left alone.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from readiness.models import Assessment, PlanStatus
from readiness.services import assessments as svc
from readiness.services import plans
from readiness.services.criteria import load_example
from reconciliation.models import ProcedureAssignment, SourceKind, SourceSystem
from tthc.calendar import VN_TZ
from tthc.models import Agency, Procedure

from .accounts import DEMO_PASSWORD, _ensure, _user

#: ministry code → how many of its procedures on its own systems are assessed
MINISTRIES = {"BTP": 8, "BTC": 8, "BYT": 6, "BNNMT": 6}
#: Assessors added for the ministries the demo accounts do not cover.
EXTRA_ASSESSORS = ("BYT", "BNNMT")
NOT_READY = ("KN-01", "VH-01")  # the required criteria a not-ready procedure misses


def _assessors(code: str) -> tuple[User, User]:
    prefix = code.lower()
    if code in EXTRA_ASSESSORS:
        national = User.objects.get(username="national.admin")
        ministry = Agency.objects.get(code=code)
        password = make_password(DEMO_PASSWORD)
        for role in (Role.OFFICER, Role.LEADER):
            user = _user(f"{prefix}.{role}", f"{Role(role).label} — {ministry.name} (demo)", password)
            _ensure(national, user, ministry, role)
    return User.objects.get(username=f"{prefix}.officer"), User.objects.get(username=f"{prefix}.leader")


def _june(day: int, hour: int = 9) -> datetime:
    return datetime(2026, 6, day, hour, tzinfo=VN_TZ)


def _backdate(assessment: Assessment, created: int, decided: int | None) -> None:
    Assessment.objects.filter(pk=assessment.pk).update(
        created_at=_june(created),
        submitted_at=_june(created, 10),
        decided_at=_june(decided, 15) if decided else None,
    )


def _results(not_met: tuple[str, ...]) -> list[svc.ResultInput]:
    criteria_set = svc.set_in_force()
    assert criteria_set is not None
    return [
        svc.ResultInput(
            c.code,
            "not_met" if c.code in not_met else "met",
            "Chưa kết nối đồng bộ trạng thái" if c.code in not_met else "",
        )
        for c in criteria_set.criteria.all()
    ]


def _assess(
    procedure: Procedure,
    system: SourceSystem,
    officer: User,
    not_met: tuple[str, ...] = (),
    planned: date | None = None,
) -> Assessment:
    steps = []
    if not_met:
        assert planned is not None
        steps = [
            svc.StepInput("Hoàn thiện cấu hình quy trình điện tử", planned - timedelta(days=45)),
            svc.StepInput(
                "Kết nối, đồng bộ trạng thái hồ sơ với Cổng DVC quốc gia", planned - timedelta(days=15)
            ),
            svc.StepInput("Vận hành chính thức trên hệ thống của bộ", planned),
        ]
    return svc.create_assessment(
        procedure, system, officer, _results(not_met), planned_ready_on=planned, steps=steps, submit=True
    )


def _assignment(procedure: Procedure, system: SourceSystem) -> None:
    """Go-live on the ministry system at the commitment date, unless the procedure already has
    assignments (the data migration from ``central_system`` or an import)."""
    if not ProcedureAssignment.objects.filter(procedure=procedure).exists():
        ProcedureAssignment.objects.create(
            procedure=procedure, system_code=system.code, valid_from=settings.TTHC_READINESS_COMMITMENT_DATE
        )


@transaction.atomic
def seed_demo_readiness(seed: int = 766, today: date | None = None) -> dict:
    today = today or timezone.localdate()
    load_example()
    demo_users = [f"{code.lower()}.officer" for code in MINISTRIES]
    if Assessment.objects.filter(created_by__username__in=demo_users).exists():
        return {"assessments": 0, "already_present": True}
    made = 0
    listed: list[Assessment] = []
    for code, count in MINISTRIES.items():
        ministry = Agency.objects.filter(code=code).first()
        if ministry is None:
            continue
        officer, leader = _assessors(code)
        systems = {s.code: s for s in svc.ministry_systems(ministry).filter(kind=SourceKind.MINISTRY)}
        procedures = list(
            Procedure.objects.filter(ministry=ministry, central_system__in=list(systems)).order_by("code")[
                :count
            ]
        )
        for i, procedure in enumerate(procedures):
            system = systems[procedure.central_system]
            _assignment(procedure, system)
            if code == "BTC" and i == len(procedures) - 1:
                _backdate(_assess(procedure, system, officer), 29, None)  # awaiting the leader
                made += 1
                continue
            if code == "BTC" and i == len(procedures) - 2:
                a = _assess(procedure, system, officer)
                svc.transition(a, "return", leader, comment="Bổ sung minh chứng cho tiêu chí VH-01")
                _backdate(a, 26, 27)
                made += 1
                continue
            if code == "BTP" and i == 0:  # history: first not ready, then ready
                old = _assess(procedure, system, officer, NOT_READY, date(2026, 8, 31))
                svc.transition(old, "approve", leader)
                _backdate(old, 10, 12)
                made += 1
            not_ready = i % 4 == 1
            if not_ready:
                overdue = code == "BTP" and i == 1
                planned = today - timedelta(days=20) if overdue else today + timedelta(days=60 + 30 * (i % 3))
                a = _assess(procedure, system, officer, NOT_READY[: 1 + i % 2], planned)
            else:
                a = _assess(procedure, system, officer)
            svc.transition(a, "approve", leader)
            _backdate(a, 15 + i % 10, 25 + i % 5)
            made += 1
            if not_ready:
                listed.append(a)
    province = Agency.objects.filter(code="01").first()
    planner = User.objects.filter(username="hn.officer").first()
    planned_for = 0
    if province is not None and planner is not None:
        for a, status in zip(listed[:2], (PlanStatus.DONE, PlanStatus.IN_PROGRESS), strict=False):
            plans.save_plan(
                province,
                a.procedure,
                a.system,
                planner,
                action="Tiếp tục tiếp nhận, giải quyết trên hệ thống thông tin giải quyết TTHC của Thành phố",
                owner_unit="Sở Khoa học và Công nghệ Hà Nội",
                target_on=a.planned_ready_on or today,
                status=status,
            )
            planned_for += 1
    return {"assessments": made, "not_ready": len(listed), "province_plans": planned_for}
