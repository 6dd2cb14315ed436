"""Demo feeds: what the ministry, provincial and portal systems would have sent, with realistic gaps.

``generate_feeds(seed)`` turns the platform's demo dossiers (``tthc_dossier``, from seed_demo) into
``SourceDossier`` rows for every source system, plus the national reporting system's monthly
counts, so that the gap matrix is meaningful on first run (docs/domain.md#reconciliation):

* the source side mirrors the dossiers (a handful, 0.1 %, exist only on the portal);
* the portal misses 1–5 % of most ministry systems' dossiers, about 30 % of one system's, and
  0.2–1 % of the provinces' own systems';
* some portal copies are stale: they still show the dossier in processing although it finished
  more than a day earlier (synced late);
* one ministry system rewrites statuses 5/6/8 to 9 without progress history, stamping the finish
  time at the sync time, and erases the progress history of its finished dossiers that had a
  supplement request (the gaming patterns of docs/domain.md#suspicious-patterns);
* a few due dates differ by a day;
* the reporting system counts slightly more than each system handled.

Set-based and deterministic: three ``INSERT … SELECT`` statements over ``tthc_dossier``, with
hash-based sampling on the dossier id (no Python loop over dossiers, no random state), each
``ON CONFLICT DO NOTHING`` (counts: ``DO UPDATE`` only when different), so a second call with the
same seed changes nothing. Only the ~50 source systems are handled in Python.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from tthc.models import Agency, AgencyKind, Procedure

from ..models import ReportedCount, SourceDossier, SourceKind, SourceSystem

DEFAULT_SEED = 766
PORTAL_CODE, REPORTING_CODE, PROVINCIAL_PREFIX = "DVCQG", "BCQG", "TINH-"
DEMO_DIGEST = "demo-feed"
#: Basis points (1/100 %) of each kind of gap.
MISSING_AT_SOURCE_BP = 10
MINISTRY_MISS_BP = (100, 500)  # 1–5 %
BAD_MISS_BP = 3000  # ~30 %
PROVINCIAL_MISS_BP = (20, 100)  # 0.2–1 %
STALE_BP, STALE_BAD_BP = 150, 600  # stale portal copies (finished dossiers still shown in processing)
DUE_SHIFT_BP = 30
REPORTING_EXTRA_PERMILLE = 15  # the reporting system counts 0–1.4 % more
PREFERRED_REWRITER = "DATDAI"  # land: financial obligations (status 6) are common there

SYSTEM_NAMES = {
    "HOTICH": "Hệ thống thông tin đăng ký và quản lý hộ tịch", "LLTP": "Hệ thống quản lý lý lịch tư pháp",
    "DKDN": "Hệ thống thông tin quốc gia về đăng ký doanh nghiệp",
    "DTNN": "Hệ thống thông tin quốc gia về đầu tư", "GPLX": "Hệ thống quản lý giấy phép lái xe",
    "VANTAI": "Hệ thống dịch vụ công quản lý vận tải", "KCB": "Hệ thống quản lý hoạt động khám bệnh, chữa bệnh",
    "DATDAI": "Cơ sở dữ liệu đất đai quốc gia", "BTXH": "Hệ thống thông tin trợ giúp xã hội",
    "CPXD": "Hệ thống cấp phép xây dựng", "CCHN": "Hệ thống quản lý chứng chỉ hành nghề",
    "MADVNS": "Hệ thống cấp mã đơn vị có quan hệ với ngân sách",
}


@dataclass
class FeedResult:
    systems_created: int = 0
    source_rows: int = 0
    portal_rows: int = 0
    reported_counts: int = 0
    bad_system: str = ""
    rewriting_system: str = ""
    reconciled: list[str] | None = None
    seconds: float = 0.0


@dataclass
class _Plan:
    """One mapping row per source system: which dossiers it carries and how the portal mistreats them."""

    key: str  # central_system code, or "P:<province id>" for a province's own system
    system_id: int
    miss_bp: int
    stale_bp: int
    rewrite: bool  # the system that games its statuses (stale copies are left to the others)


def _mix(value: str, seed: int, modulo: int) -> int:
    """A small deterministic hash of a system code (Python's hash() is salted per process)."""
    h = seed * 1_000_003
    for ch in value:
        h = (h * 31 + ord(ch)) % 2_147_483_647
    return h % modulo


def _root_owner() -> Agency:
    return Agency.objects.filter(code="VPCP").first() or Agency.objects.filter(parent__isnull=True).order_by("pk").first()


def ensure_systems() -> tuple[dict[str, SourceSystem], int]:
    """Ministry systems (from the catalogue's ``central_system`` codes), one system per province
    without one, the portal and the reporting system. Existing systems are left as they are."""
    existing = {s.code: s for s in SourceSystem.objects.select_related("owner")}
    created: list[SourceSystem] = []

    owners: dict[str, tuple[int, int]] = {}
    rows = (Procedure.objects.exclude(central_system="").order_by().values("central_system", "ministry_id")
            .annotate(n=Count("id")))
    for row in rows:
        best = owners.get(row["central_system"])
        if best is None or row["n"] > best[1]:
            owners[row["central_system"]] = (row["ministry_id"], row["n"])
    for code, (ministry_id, _) in sorted(owners.items()):
        if code not in existing:
            created.append(SourceSystem(code=code, name=SYSTEM_NAMES.get(code, f"Hệ thống {code}"),
                                        kind=SourceKind.MINISTRY, owner_id=ministry_id))

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
        created.append(SourceSystem(code=PORTAL_CODE, name="Cổng Dịch vụ công quốc gia", kind=SourceKind.PORTAL,
                                    owner=root))
    if SourceKind.REPORTING not in kinds and root is not None:
        created.append(SourceSystem(code=REPORTING_CODE, name="Hệ thống thông tin báo cáo quốc gia",
                                    kind=SourceKind.REPORTING, owner=root))
    SourceSystem.objects.bulk_create(created, ignore_conflicts=True)
    systems = {s.code: s for s in SourceSystem.objects.select_related("owner")}
    return systems, len(created)


def _plans(systems: dict[str, SourceSystem], seed: int) -> tuple[list[_Plan], str, str]:
    ministry = sorted(code for code, s in systems.items() if s.kind == SourceKind.MINISTRY and s.active)
    rewriter = PREFERRED_REWRITER if PREFERRED_REWRITER in ministry else (ministry[seed % len(ministry)] if ministry else "")
    others = [c for c in ministry if c != rewriter]
    # The badly syncing system is a busy one, so that the matrix shows it: the most procedures.
    catalogue = dict(Procedure.objects.filter(central_system__in=others).order_by().values("central_system")
                     .annotate(n=Count("id")).values_list("central_system", "n"))
    bad = max(others, key=lambda c: (catalogue.get(c, 0), _mix(c, seed, 1000))) if others else ""
    plans = []
    for code in ministry:
        low, high = MINISTRY_MISS_BP
        miss = BAD_MISS_BP if code == bad else low + _mix(code, seed, high - low + 1)
        stale = STALE_BAD_BP if _mix(code, seed + 1, 4) == 0 else STALE_BP
        plans.append(_Plan(code, systems[code].pk, miss, stale, code == rewriter))
    provinces = {p.path: p.pk for p in Agency.objects.filter(kind=AgencyKind.PROVINCE)}
    for code, system in sorted(systems.items()):
        if system.kind != SourceKind.PROVINCIAL or not system.active:
            continue
        province_id = next((pk for path, pk in provinces.items() if system.owner.path.startswith(path)), None)
        if province_id is None:
            continue
        low, high = PROVINCIAL_MISS_BP
        plans.append(_Plan(f"P:{province_id}", system.pk, low + _mix(code, seed, high - low + 1), STALE_BP, False))
    return plans, bad, rewriter


# --- SQL -------------------------------------------------------------------------------------------


def _pg() -> bool:
    return connection.vendor == "postgresql"


def _plus_seconds(expr: str, seconds: str) -> str:
    if _pg():
        return f"({expr} + ({seconds}) * interval '1 second')"
    return f"datetime({expr}, '+' || ({seconds}) || ' seconds')"


def _month(expr: str) -> str:
    if _pg():
        return f"to_char({expr} AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM')"
    return f"strftime('%%Y-%%m', {expr}, '+7 hours')"


def _hash(stream: int, seed: int) -> str:
    """A deterministic pseudo-random bucket 0..9999 per dossier and stream (product of two residues).

    ``%%`` is SQL's modulo escaped for the driver's parameter syntax."""
    a, b = 2_654_435 + 2 * stream + 1, 40_503 * (stream + 1) + seed
    c, e = 97_531 + 4 * stream + 1, 7_919 * (stream + 3) + seed * 13
    return f"((((d.id * {a} + {b}) %% 1000003) * ((d.id * {c} + {e}) %% 999983)) %% 10000)"


def _mapping(plans: list[_Plan]) -> tuple[str, list]:
    rows = ", ".join(["(%s, %s, %s, %s, %s)"] * len(plans))
    params = [v for p in plans for v in (p.key, p.system_id, p.miss_bp, p.stale_bp, 1 if p.rewrite else 0)]
    return f"m (k, system_id, miss_bp, stale_bp, rewrite) AS (VALUES {rows})", params


def _from() -> str:
    key = "CASE WHEN pr.central_system <> '' THEN pr.central_system ELSE 'P:' || CAST(a.ranked_agency_id AS TEXT) END"
    return (
        "FROM tthc_dossier d JOIN tthc_procedure pr ON pr.id = d.procedure_id "
        "JOIN tthc_agency a ON a.id = d.receiving_agency_id "
        f"JOIN m ON m.k = {key}"
    )


PREVIOUS = ("CASE d.status WHEN 10 THEN 9 WHEN 9 THEN 4 WHEN 8 THEN 4 WHEN 7 THEN 2 WHEN 6 THEN 4 WHEN 5 THEN 4 "
            "WHEN 4 THEN 2 WHEN 3 THEN 1 WHEN 2 THEN 1 ELSE NULL END")
STEPS = ("CASE d.status WHEN 10 THEN 5 WHEN 9 THEN 4 WHEN 8 THEN 3 WHEN 7 THEN 2 WHEN 6 THEN 3 WHEN 5 THEN 3 "
         "WHEN 4 THEN 2 WHEN 3 THEN 1 WHEN 2 THEN 1 ELSE 0 END")
EVENT = "COALESCE(d.returned_at, d.finished_at, d.refused_at, d.received_at, d.submitted_at, d.created_at)"
COLUMNS = ("source_id, code, dossier_id, agency_id, procedure_id, status, previous_status, channel, received_at, "
           "due_at, finished_at, returned_at, progress_steps, event_at, synced_at, digest")


def _insert(select: str) -> str:
    return (f"INSERT INTO {SourceDossier._meta.db_table} ({COLUMNS}) {select} "
            "ON CONFLICT (source_id, code) DO NOTHING")


def _source_side(plans, seed) -> tuple[str, list]:
    mapping, params = _mapping(plans)
    synced = _plus_seconds(EVENT, f"30 + {_hash(1, seed)} %% 900")
    select = (
        f"WITH {mapping} SELECT m.system_id, d.code, d.id, d.receiving_agency_id, d.procedure_id, d.status, "
        f"{PREVIOUS}, d.channel, d.received_at, d.due_at, d.finished_at, d.returned_at, {STEPS}, {EVENT}, "
        f"{synced}, '{DEMO_DIGEST}' {_from()} WHERE {_hash(2, seed)} >= {MISSING_AT_SOURCE_BP}"
    )
    return _insert(select), params


def _portal_side(plans, seed, portal_id) -> tuple[str, list]:
    mapping, params = _mapping(plans)
    rewritten = "(m.rewrite = 1 AND d.status IN (5, 6, 8))"  # shown as finished at the sync time
    jumped = "(m.rewrite = 1 AND d.status IN (9, 10) AND d.supplement_count > 0)"  # supplement history erased
    stale = (f"(m.rewrite = 0 AND d.status IN (9, 10) AND d.received_at IS NOT NULL "
             f"AND {_hash(4, seed)} < m.stale_bp)")
    rewrite_at = _plus_seconds(EVENT, f"3600 * (1 + {_hash(5, seed)} %% 48)")
    late_synced = _plus_seconds(EVENT, f"60 + {_hash(6, seed)} %% 3600")
    select = (
        f"WITH {mapping} SELECT %s, d.code, d.id, d.receiving_agency_id, d.procedure_id, "
        f"CASE WHEN {rewritten} THEN 9 WHEN {stale} THEN 4 ELSE d.status END, "
        f"CASE WHEN {rewritten} THEN d.status WHEN {jumped} THEN 5 WHEN {stale} THEN 2 ELSE {PREVIOUS} END, "
        f"d.channel, d.received_at, "
        f"CASE WHEN {_hash(7, seed)} < {DUE_SHIFT_BP} THEN {_plus_seconds('d.due_at', '86400')} ELSE d.due_at END, "
        f"CASE WHEN {rewritten} THEN {rewrite_at} WHEN {stale} THEN NULL ELSE d.finished_at END, "
        f"CASE WHEN {stale} OR {rewritten} THEN NULL ELSE d.returned_at END, "
        f"CASE WHEN {rewritten} OR {jumped} THEN 0 WHEN {stale} THEN 2 ELSE {STEPS} END, "
        f"CASE WHEN {rewritten} THEN {rewrite_at} WHEN {stale} THEN d.received_at ELSE {EVENT} END, "
        f"CASE WHEN {rewritten} THEN {rewrite_at} WHEN {stale} THEN {_plus_seconds('d.received_at', '600')} "
        f"ELSE {late_synced} END, '{DEMO_DIGEST}' "
        f"{_from()} WHERE {_hash(3, seed)} >= m.miss_bp"
    )
    return _insert(select), [*params, portal_id]


def _reported_counts(reporting_id: int, seed: int) -> tuple[str, list]:
    """Per province × month × system: what the system handled (its source-side rows), plus a little."""
    table, sd = ReportedCount._meta.db_table, SourceDossier._meta.db_table
    extra = f"(((s.id * 7919 + a.ranked_agency_id * 104729 + {seed}) %% {REPORTING_EXTRA_PERMILLE}))"
    sql = (
        f"INSERT INTO {table} (source_id, agency_id, period, system_code, received, updated_at) "
        f"SELECT %s, g.province_id, g.period, g.system_code, g.n + (g.n * g.extra) / 1000, %s FROM ("
        f"SELECT a.ranked_agency_id AS province_id, {_month('x.received_at')} AS period, s.code AS system_code, "
        f"count(*) AS n, min({extra}) AS extra "
        f"FROM {sd} x JOIN {SourceSystem._meta.db_table} s ON s.id = x.source_id "
        f"JOIN tthc_agency a ON a.id = x.agency_id JOIN tthc_agency pv ON pv.id = a.ranked_agency_id "
        f"WHERE s.kind IN ('ministry', 'provincial') AND x.received_at IS NOT NULL AND pv.kind = 'province' "
        f"GROUP BY a.ranked_agency_id, {_month('x.received_at')}, s.code) g WHERE g.n > 0 "
        f"ON CONFLICT (source_id, agency_id, period, system_code) DO UPDATE SET received = excluded.received, "
        f"updated_at = excluded.updated_at WHERE {table}.received <> excluded.received"
    )
    return sql, [reporting_id, timezone.now()]


def generate_feeds(seed: int = DEFAULT_SEED, *, reconcile_months: int = 0) -> FeedResult:
    """Create the demo source systems, their feeds and the reporting counts. Idempotent per seed.

    With ``reconcile_months`` > 0, also reconcile that many of the latest months holding dossiers (all
    provinces), so that the gap matrix has something to show on first run.
    """
    started = time.monotonic()
    result = FeedResult()
    with transaction.atomic():
        systems, result.systems_created = ensure_systems()
        portal = SourceSystem.objects.active_portal().first()
        reporting = SourceSystem.objects.reporting()
        plans, result.bad_system, result.rewriting_system = _plans(systems, seed)
        if not plans or portal is None:
            return result
        ops = connection.ops
        with connection.cursor() as cursor:
            sql, params = _source_side(plans, seed)
            cursor.execute(sql, params)
            result.source_rows = max(cursor.rowcount, 0)
            sql, params = _portal_side(plans, seed, portal.pk)
            cursor.execute(sql, params)
            result.portal_rows = max(cursor.rowcount, 0)
            if reporting is not None:
                sql, params = _reported_counts(reporting.pk, seed)
                params[1] = ops.adapt_datetimefield_value(params[1])
                cursor.execute(sql, params)
                result.reported_counts = max(cursor.rowcount, 0)
    if reconcile_months > 0:
        result.reconciled = _reconcile_latest(reconcile_months)
    result.seconds = round(time.monotonic() - started, 3)
    return result


def _reconcile_latest(months: int) -> list[str]:
    from tthc.periods import Period

    from .reconcile import reconcile_period

    latest = SourceDossier.objects.filter(received_at__isnull=False).order_by("-received_at").values_list(
        "received_at", flat=True).first()
    if latest is None:
        return []
    period = Period.containing(timezone.localtime(latest))
    done = []
    for _ in range(months):
        reconcile_period(period)
        done.append(str(period))
        period = period.previous()
    return done


def seed_demo_hook(seed: int = DEFAULT_SEED) -> FeedResult:
    """seed_demo's hook: the feeds plus a reconciliation of the two latest months, so the gap matrix,
    the index's DOSSIER_SYNC and the monthly draft requests have data on first run."""
    return generate_feeds(seed, reconcile_months=2)
