"""The demo's source systems: one per ministry system named in the catalogue, one per province
without its own, the portal and the reporting system — and how each one feeds the portal.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count

from reconciliation.models import SourceKind, SourceSystem
from tthc.models import Agency, AgencyKind, Procedure

PORTAL_CODE, REPORTING_CODE, PROVINCIAL_PREFIX = "DVCQG", "BCQG", "TINH-"
#: Basis points (1/100 %) of each kind of gap.
MISSING_AT_SOURCE_BP = 10
MINISTRY_MISS_BP = (100, 500)  # 1–5 %
BAD_MISS_BP = 3000  # ~30 %
PROVINCIAL_MISS_BP = (20, 100)  # 0.2–1 %
STALE_BP, STALE_BAD_BP = 150, 600  # stale portal copies (finished dossiers still shown in processing)
DUE_SHIFT_BP = 30
PREFERRED_REWRITER = "DATDAI"  # land: financial obligations (status 6) are common there

SYSTEM_NAMES = {
    "HOTICH": "Hệ thống thông tin đăng ký và quản lý hộ tịch",
    "LLTP": "Hệ thống quản lý lý lịch tư pháp",
    "DKDN": "Hệ thống thông tin quốc gia về đăng ký doanh nghiệp",
    "DTNN": "Hệ thống thông tin quốc gia về đầu tư",
    "GPLX": "Hệ thống quản lý giấy phép lái xe",
    "VANTAI": "Hệ thống dịch vụ công quản lý vận tải",
    "KCB": "Hệ thống quản lý hoạt động khám bệnh, chữa bệnh",
    "DATDAI": "Cơ sở dữ liệu đất đai quốc gia",
    "BTXH": "Hệ thống thông tin trợ giúp xã hội",
    "CPXD": "Hệ thống cấp phép xây dựng",
    "CCHN": "Hệ thống quản lý chứng chỉ hành nghề",
    "MADVNS": "Hệ thống cấp mã đơn vị có quan hệ với ngân sách",
    # Public-service providers named by seeds 001 and 004 (descriptive names, not official ones).
    "BHXH": "Hệ thống thông tin giải quyết TTHC của Bảo hiểm xã hội Việt Nam",
    "EVN": "Hệ thống cung cấp dịch vụ điện trực tuyến của Tập đoàn Điện lực Việt Nam",
}


@dataclass(frozen=True)
class Plan:
    """One system's feed: the dossiers it syncs, and how the portal mistreats them."""

    code: str  # the system's code
    miss_bp: int  # the portal misses this share of its dossiers
    stale_bp: int  # the portal's copy of a finished dossier still shows it in processing
    rewrite: bool  # the system that games its statuses (stale copies are left to the others)


@dataclass
class Plans:
    """The feeds: ministry systems by their ``central_system`` code, provinces' systems by province code."""

    central: dict[str, Plan]
    provincial: dict[str, Plan]
    portal: str
    bad_system: str = ""
    rewriting_system: str = ""


def mix(value: str, seed: int, modulo: int) -> int:
    """A small deterministic hash of a system code (Python's hash() is salted per process)."""
    h = seed * 1_000_003
    for ch in value:
        h = (h * 31 + ord(ch)) % 2_147_483_647
    return h % modulo


def _root_owner() -> Agency:
    return Agency.objects.filter(code="VPCP").first() or Agency.objects.root()


def ensure_systems() -> tuple[dict[str, SourceSystem], int]:
    """Ministry systems (from the catalogue's ``central_system`` codes), one system per province
    without one, the portal and the reporting system. Existing systems are left as they are."""
    existing = {s.code: s for s in SourceSystem.objects.select_related("owner")}
    created: list[SourceSystem] = []

    owners: dict[str, tuple[int, int]] = {}
    rows = (
        Procedure.objects.exclude(central_system="")
        .order_by()
        .values("central_system", "ministry_id")
        .annotate(n=Count("id"))
    )
    for row in rows:
        best = owners.get(row["central_system"])
        if best is None or row["n"] > best[1]:
            owners[row["central_system"]] = (row["ministry_id"], row["n"])
    for code, (ministry_id, _) in sorted(owners.items()):
        if code not in existing:
            created.append(
                SourceSystem(
                    code=code,
                    name=SYSTEM_NAMES.get(code, f"Hệ thống {code}"),
                    kind=SourceKind.MINISTRY,
                    owner_id=ministry_id,
                )
            )

    provincial_owners = [s.owner.path for s in existing.values() if s.kind == SourceKind.PROVINCIAL]
    for province in Agency.objects.filter(kind=AgencyKind.PROVINCE).active().order_by("code"):
        code = f"{PROVINCIAL_PREFIX}{province.code}"
        if code in existing or any(path.startswith(province.path) for path in provincial_owners):
            continue
        name = f"Hệ thống thông tin giải quyết TTHC {province.short_name or province.name}"
        created.append(SourceSystem(code=code, name=name, kind=SourceKind.PROVINCIAL, owner=province))

    kinds = {s.kind for s in existing.values() if s.active}
    root = _root_owner()
    if SourceKind.PORTAL not in kinds and root is not None:
        created.append(
            SourceSystem(
                code=PORTAL_CODE, name="Cổng Dịch vụ công quốc gia", kind=SourceKind.PORTAL, owner=root
            )
        )
    if SourceKind.REPORTING not in kinds and root is not None:
        created.append(
            SourceSystem(
                code=REPORTING_CODE,
                name="Hệ thống thông tin báo cáo quốc gia",
                kind=SourceKind.REPORTING,
                owner=root,
            )
        )
    SourceSystem.objects.bulk_create(created, ignore_conflicts=True)
    systems = {s.code: s for s in SourceSystem.objects.select_related("owner")}
    return systems, len(created)


def plan_feeds(systems: dict[str, SourceSystem], seed: int) -> Plans | None:
    """The feed of every active ministry and provincial system; None without an active portal."""
    ministry = sorted(code for code, s in systems.items() if s.kind == SourceKind.MINISTRY and s.active)
    rewriter = (
        PREFERRED_REWRITER
        if PREFERRED_REWRITER in ministry
        else (ministry[seed % len(ministry)] if ministry else "")
    )
    others = [c for c in ministry if c != rewriter]
    # The badly syncing system is a busy one, so that the matrix shows it: the most procedures.
    catalogue = dict(
        Procedure.objects.filter(central_system__in=others)
        .order_by()
        .values("central_system")
        .annotate(n=Count("id"))
        .values_list("central_system", "n")
    )
    bad = max(others, key=lambda c: (catalogue.get(c, 0), mix(c, seed, 1000))) if others else ""
    portal = next((s.code for s in systems.values() if s.kind == SourceKind.PORTAL and s.active), None)
    if portal is None:
        return None
    plans = Plans({}, {}, portal, bad, rewriter)
    for code in ministry:
        low, high = MINISTRY_MISS_BP
        miss = BAD_MISS_BP if code == bad else low + mix(code, seed, high - low + 1)
        stale = STALE_BAD_BP if mix(code, seed + 1, 4) == 0 else STALE_BP
        plans.central[code] = Plan(code, miss, stale, code == rewriter)
    provinces = {p.path: p.code for p in Agency.objects.filter(kind=AgencyKind.PROVINCE)}
    for code, system in sorted(systems.items()):
        if system.kind != SourceKind.PROVINCIAL or not system.active:
            continue
        province = next((c for path, c in provinces.items() if system.owner.path.startswith(path)), None)
        if province is None or province in plans.provincial:  # the first system of a province syncs it
            continue
        low, high = PROVINCIAL_MISS_BP
        plans.provincial[province] = Plan(code, low + mix(code, seed, high - low + 1), STALE_BP, False)
    return plans
