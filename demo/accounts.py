"""Demo accounts for every role at two ministries, two provinces and a commune, and a supervisor.

The Ministry of Finance (BTC) is there because the demo sync feeds make its business-registration
system the badly syncing one: its officers answer the provinces' requests in the demo journey.

Idempotent: existing accounts and active assignments are kept (and existing passwords are not
reset). Every role is granted through the delegation service, the way a real deployment does it:
the command line's national administrator creates ``national.admin``, who grants each place's
senior administrator, who in turn delegates the lower roles.
"""

from __future__ import annotations

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import translation

from accounts.audit import AuditContext
from accounts.models import Role, RoleAssignment, User
from accounts.services.delegation import grant_role
from accounts.services.users import cli_actor
from tthc.models import Agency, AgencyKind
from tthc.services.agencies import save_agency

DEMO_PASSWORD = "TthcDemo@2026"
CONTEXT = AuditContext(source="seed_demo")

#: (username prefix, agency code or None for "the first commune of Hà Nội", label)
PLACES = [
    ("btp", "BTP", "Bộ Tư pháp"),
    ("btc", "BTC", "Bộ Tài chính"),
    ("hn", "01", "Hà Nội"),
    ("dn", "48", "Đà Nẵng"),
    ("hn.xa", None, "xã/phường Hà Nội"),
]
PLACE_ROLES = [Role.SENIOR_ADMIN, Role.UNIT_ADMIN, Role.LEADER, Role.OFFICER, Role.VIEWER]
#: A supervisor's officer at the Ministry of Justice's TTHC control department (a supervising body,
#: ``TTHC_REQUEST_SUPERVISOR_AGENCIES``): (username, agency code, label, granted by).
SUPERVISORS = [("kstt.officer", "BTP-KSTT", "Cục Kiểm soát TTHC", "btp.senior_admin")]

#: Minimal rows used only when the reference data has not been loaded (tests, a bare database).
FALLBACK_AGENCIES = {
    "CP": ("Chính phủ", AgencyKind.CENTRAL, None),
    "VPCP": ("Văn phòng Chính phủ", AgencyKind.MINISTRY_LEVEL, "CP"),
    "BTP": ("Bộ Tư pháp", AgencyKind.MINISTRY, "CP"),
    "BTP-KSTT": ("Cục Kiểm soát thủ tục hành chính", AgencyKind.UNIT, "BTP"),
    "BTC": ("Bộ Tài chính", AgencyKind.MINISTRY, "CP"),
    "01": ("Thành phố Hà Nội", AgencyKind.PROVINCE, "CP"),
    "48": ("Thành phố Đà Nẵng", AgencyKind.PROVINCE, "CP"),
    "00004": ("Phường Ba Đình", AgencyKind.COMMUNE, "01"),
}


def _agency(code: str) -> Agency:
    agency = Agency.objects.filter(code=code).first()
    if agency is None:
        name, kind, parent_code = FALLBACK_AGENCIES[code]
        parent = _agency(parent_code) if parent_code else None
        agency = save_agency(Agency(code=code, name=name, short_name=name, kind=kind, parent=parent))
    return agency


def _first_commune(province: Agency) -> Agency:
    commune = Agency.objects.filter(parent=province, kind=AgencyKind.COMMUNE).order_by("code").first()
    return commune or _agency("00004")


def _user(username: str, full_name: str, password_hash: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create(
            username=username, full_name=full_name, is_staff=True, password=password_hash
        )
    return user


def _ensure(granter: User, user: User, agency: Agency, role: str) -> None:
    if not RoleAssignment.objects.active().filter(user=user, agency=agency, role=role).exists():
        grant_role(granter, user, agency, role, include_subunits=True, context=CONTEXT)


@transaction.atomic
def create_demo_accounts() -> list[dict]:
    """Create (or find) the demo accounts; returns ``[{username, password, role, agency_code, agency_name}]``."""
    password_hash = make_password(DEMO_PASSWORD)  # hashed once: the accounts share the demo password
    national_agency = _agency("VPCP")
    national = _user("national.admin", "Quản trị quốc gia (demo)", password_hash)
    _ensure(cli_actor(), national, national_agency, Role.NATIONAL_ADMIN)
    rows = [(national, Role.NATIONAL_ADMIN, national_agency)]
    hanoi = _agency("01")
    for prefix, code, label in PLACES:
        agency = _agency(code) if code else _first_commune(hanoi)
        senior = None
        for role in PLACE_ROLES:
            with translation.override("vi"):  # the demo's people have Vietnamese titles
                title = str(Role(role).label)
            user = _user(f"{prefix}.{role}", f"{title} — {label} (demo)", password_hash)
            _ensure(national if role == Role.SENIOR_ADMIN else senior, user, agency, role)
            senior = senior or user
            rows.append((user, role, agency))
    for username, code, label, granter in SUPERVISORS:
        agency = _agency(code)
        with translation.override("vi"):
            title = str(Role(Role.OFFICER).label)
        user = _user(username, f"{title} — {label} (demo)", password_hash)
        _ensure(User.objects.get(username=granter), user, agency, Role.OFFICER)
        rows.append((user, Role.OFFICER, agency))
    return [
        {
            "username": u.username,
            "password": DEMO_PASSWORD,
            "role": str(role),
            "agency_code": a.code,
            "agency_name": a.name,
        }
        for u, role, a in rows
    ]
