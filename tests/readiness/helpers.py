"""A small readiness world: the accounts tree, the example criteria set, one system per ministry,
officers and leaders of BTP and BYT, an officer of province 01."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

from accounts.models import Role
from readiness.services import assessments as svc
from readiness.services.criteria import load_example
from reconciliation.models import SourceKind, SourceSystem
from tests.accounts.helpers import build_tree, make_user

ALL_MET = ["CH-01", "CH-02", "KN-01", "KN-02", "KN-03", "TT-01", "VH-01", "VH-02"]


def results(not_met: tuple[str, ...] = ()) -> list[svc.ResultInput]:
    return [svc.ResultInput(code, "not_met" if code in not_met else "met") for code in ALL_MET]


def build_world() -> SimpleNamespace:
    tree = build_tree()
    a = tree.a
    criteria_set = load_example()
    systems = {
        code: SourceSystem.objects.create(
            code=f"SYS-{code}", name=f"System {code}", kind=SourceKind.MINISTRY, owner=a[code]
        )
        for code in ("BTP", "BYT")
    }
    users = {
        "btp_officer": make_user("btp-officer", Role.OFFICER, a["BTP"]),
        "btp_leader": make_user("btp-leader", Role.LEADER, a["BTP"]),
        "byt_officer": make_user("byt-officer", Role.OFFICER, a["BYT"]),
        "byt_leader": make_user("byt-leader", Role.LEADER, a["BYT"]),
        "province_officer": make_user("p01-officer", Role.OFFICER, a["01"]),
        "national": make_user("national", Role.NATIONAL_ADMIN, a["VPCP"]),
    }
    return SimpleNamespace(tree=tree, a=a, p=tree.procedures, set=criteria_set, systems=systems, u=users)


def approved(
    world, ministry: str = "BTP", not_met: tuple[str, ...] = (), planned: date | None = None, steps=()
):
    """An approved assessment of the ministry's procedure (officer creates + submits, leader approves)."""
    officer, leader = world.u[f"{ministry.lower()}_officer"], world.u[f"{ministry.lower()}_leader"]
    if not_met and not steps:
        steps = [svc.StepInput("Cấu hình quy trình", planned or date(2026, 9, 30))]
    assessment = svc.create_assessment(
        world.p[ministry],
        world.systems[ministry],
        officer,
        results(not_met),
        planned_ready_on=planned if not_met else None,
        steps=steps,
        submit=True,
    )
    return svc.transition(assessment, "approve", leader)
