"""A small agency tree and users with roles, shared by the accounts tests and the permission matrix.

CP (central)
├── VPCP (ministry-level body)           national administrators sit here
├── BTP (ministry) ── BTP-U (unit)
├── BYT (ministry)
├── 01 (province) ─┬─ 01-C1 (commune)
│                  ├─ 01-C2 (commune)
│                  └─ 01-STP (unit) ── 01-STP-P (unit)
└── 48 (province) ── 48-C1 (commune)
"""

from __future__ import annotations

from types import SimpleNamespace

from accounts.models import RoleAssignment, User
from tests.factories import AgencyFactory, DossierFactory, ProcedureFactory
from tthc.models import AgencyKind

TREE = [
    ("CP", AgencyKind.CENTRAL, None),
    ("VPCP", AgencyKind.MINISTRY_LEVEL, "CP"),
    ("BTP", AgencyKind.MINISTRY, "CP"),
    ("BTP-U", AgencyKind.UNIT, "BTP"),
    ("BYT", AgencyKind.MINISTRY, "CP"),
    ("01", AgencyKind.PROVINCE, "CP"),
    ("01-C1", AgencyKind.COMMUNE, "01"),
    ("01-C2", AgencyKind.COMMUNE, "01"),
    ("01-STP", AgencyKind.UNIT, "01"),
    ("01-STP-P", AgencyKind.UNIT, "01-STP"),
    ("48", AgencyKind.PROVINCE, "CP"),
    ("48-C1", AgencyKind.COMMUNE, "48"),
]


def build_tree() -> SimpleNamespace:
    """Agencies by code, one procedure per ministry, and one dossier received at every agency.

    Dossiers at provinces and communes use BYT's procedure, so BTP's users must not see them; one
    extra dossier (``btp_at_01``) is received in Hà Nội under a BTP procedure: BTP sees it.
    """
    agencies = {}
    for code, kind, parent in TREE:
        agencies[code] = AgencyFactory(
            code=code, name=f"Agency {code}", kind=kind, parent=agencies[parent] if parent else None
        )
    procedures = {
        "BTP": ProcedureFactory(code="P-BTP", ministry=agencies["BTP"]),
        "BYT": ProcedureFactory(code="P-BYT", ministry=agencies["BYT"]),
        "VPCP": ProcedureFactory(code="P-VPCP", ministry=agencies["VPCP"]),
        "CP": ProcedureFactory(code="P-CP", ministry=agencies["CP"]),
    }
    owner = {"CP": "CP", "VPCP": "VPCP", "BTP": "BTP", "BTP-U": "BTP"}
    dossiers = {
        code: DossierFactory(
            code=f"D-{code}", receiving_agency=agency, procedure=procedures[owner.get(code, "BYT")]
        )
        for code, agency in agencies.items()
    }
    dossiers["btp_at_01"] = DossierFactory(
        code="D-BTP-AT-01", receiving_agency=agencies["01-C1"], procedure=procedures["BTP"]
    )
    dossiers["handled_in_48"] = DossierFactory(
        code="D-01-HANDLED-48",
        receiving_agency=agencies["01-C2"],
        handling_agency=agencies["48-C1"],
        procedure=procedures["BYT"],
    )
    return SimpleNamespace(
        agencies=agencies, procedures=procedures, dossiers=dossiers, a=agencies, d=dossiers
    )


def make_user(
    username: str,
    role: str | None = None,
    agency=None,
    *,
    include_subunits: bool = True,
    staff: bool = True,
    **extra,
) -> User:
    """A user, optionally holding one role (created directly: setup, not the rules under test)."""
    user = User.objects.create(username=username, is_staff=staff, **extra)
    if role is not None:
        assign(user, agency, role, include_subunits=include_subunits)
    return user


def assign(user, agency, role, *, include_subunits=True, **extra) -> RoleAssignment:
    return RoleAssignment.objects.create(
        user=user, agency=agency, role=role, include_subunits=include_subunits, **extra
    )
