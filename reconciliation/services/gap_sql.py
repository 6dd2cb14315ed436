"""The reconciliation query: one set-based statement compares two sources' copies of a universe.

Why hand-written SQL: the comparison is a FULL OUTER JOIN of two filtered slices of
``reconciliation_sourcedossier`` on the dossier code, classified row by row into gap kinds and
written straight back with ``INSERT … SELECT`` — the database does all the work and no dossier
ever reaches Python. The ORM cannot express a full outer join, and an ``Exists``-based emulation
scans each side twice.

* PostgreSQL: a single statement (data-modifying CTE) inserts the gaps and returns the universe
  size, the portal's count, the number of dossiers with a gap and the gaps per kind, so the join
  runs exactly once.
* SQLite ≥ 3.39 has FULL OUTER JOIN; older versions get ``LEFT JOIN … UNION ALL`` anti-join. The
  counts take a second pass there (small databases only).

Timestamps in gap values use the portal's own format ``yyyyMMddHHmmss`` in Vietnam time (UTC+7,
no daylight saving), so a ministry reads them exactly as in its payloads.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import connection

from ..models import Gap, GapKind, SourceDossier

KINDS: tuple[str, ...] = tuple(k.value for k in GapKind)
FINISHED = (9, 10)
JUMP_FROM = (5, 6, 8)  # supplement requested, financial obligation, processing stopped
SIDE_COLUMNS = (
    ("code", "code"), ("status", "status"), ("previous_status", "prev"), ("received_at", "recv"),
    ("due_at", "due"), ("finished_at", "fin"), ("progress_steps", "steps"), ("event_at", "ev"),
    ("synced_at", "synced"), ("agency_id", "agency"), ("procedure_id", "proc"),
)


@dataclass(frozen=True)
class Thresholds:
    """The configurable tolerances (settings ``TTHC_*``), resolved once per run."""

    late_seconds: float = 24 * 3600
    finish_tolerance: float = 0
    due_tolerance: float = 0
    suspicious_sync: float = 0

    @classmethod
    def from_settings(cls) -> Thresholds:
        return cls(
            late_seconds=float(getattr(settings, "TTHC_SYNC_LATE_HOURS", 24)) * 3600,
            finish_tolerance=float(getattr(settings, "TTHC_FINISH_TOLERANCE_SECONDS", 0)),
            due_tolerance=float(getattr(settings, "TTHC_DUE_TOLERANCE_SECONDS", 0)),
            suspicious_sync=float(getattr(settings, "TTHC_SUSPICIOUS_SYNC_SECONDS", 0)),
        )


@dataclass(frozen=True)
class Universe:
    """What one run compares: dossiers received in ``[start, end)`` by ``agency_ids`` for
    ``procedure_ids``, as seen by ``source_id`` and by ``portal_id``."""

    source_id: int
    portal_id: int
    agency_ids: tuple[int, ...]
    procedure_ids: tuple[int, ...]
    start: datetime
    end: datetime

    @property
    def empty(self) -> bool:
        return not (self.agency_ids and self.procedure_ids)


@dataclass
class Counts:
    dossiers: int = 0
    portal_dossiers: int = 0
    gap_dossiers: int = 0
    gaps: dict | None = None

    def __post_init__(self):
        self.gaps = {k: int((self.gaps or {}).get(k, 0)) for k in KINDS}


# --- Dialects -------------------------------------------------------------------------------------


class _Dialect:
    full_join = True

    def fmt(self, expr: str) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    def seconds(self, a: str, b: str) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    def text(self, expr: str) -> str:
        return f"CAST({expr} AS TEXT)"

    def differs(self, a: str, b: str, tolerance: float) -> str:
        """Whether two optional times differ by more than ``tolerance`` seconds (NULL vs value: yes)."""
        return (
            f"(CASE WHEN {a} IS NULL AND {b} IS NULL THEN FALSE WHEN {a} IS NULL OR {b} IS NULL THEN TRUE "
            f"ELSE abs({self.seconds(a, b)}) > {float(tolerance)!r} END)"
        )


class _Postgres(_Dialect):
    def fmt(self, expr):
        return f"to_char({expr} AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYYMMDDHH24MISS')"

    def seconds(self, a, b):
        return f"EXTRACT(EPOCH FROM ({a} - {b}))"

    def differs(self, a, b, tolerance):
        if tolerance == 0:  # exact: no epoch arithmetic on millions of rows
            return f"({a} IS DISTINCT FROM {b})"
        return super().differs(a, b, tolerance)


class _SQLite(_Dialect):
    full_join = sqlite3.sqlite_version_info >= (3, 39, 0)

    def fmt(self, expr):
        return f"strftime('%%Y%%m%%d%%H%%M%%S', {expr}, '+7 hours')"

    def seconds(self, a, b):
        # julianday() is a double; rounding to the millisecond keeps boundary comparisons exact.
        return f"round((julianday({a}) - julianday({b})) * 86400.0, 3)"


def dialect(full_join: bool | None = None) -> _Dialect:
    d = _Postgres() if connection.vendor == "postgresql" else _SQLite()
    if full_join is not None:
        d.full_join = full_join
    return d


# --- SQL building ----------------------------------------------------------------------------------


def _side(universe: Universe, source_id: int) -> tuple[str, list]:
    """One source's slice of the universe (uses the (source, agency, received_at) index)."""
    table = SourceDossier._meta.db_table
    cols = ", ".join(f"sd.{c} AS {alias}" for c, alias in SIDE_COLUMNS)
    agencies = ", ".join(["%s"] * len(universe.agency_ids))
    procedures = ", ".join(["%s"] * len(universe.procedure_ids))
    ops = connection.ops
    sql = (
        f"SELECT {cols} FROM {table} sd WHERE sd.source_id = %s AND sd.agency_id IN ({agencies}) "
        f"AND sd.received_at >= %s AND sd.received_at < %s AND sd.procedure_id IN ({procedures})"
    )
    params = [source_id, *universe.agency_ids, ops.adapt_datetimefield_value(universe.start),
              ops.adapt_datetimefield_value(universe.end), *universe.procedure_ids]
    return sql, params


def _joined(d: _Dialect) -> str:
    """Both sides side by side, one row per dossier code present on either side."""
    aliases = [alias for _, alias in SIDE_COLUMNS]
    s_cols = ", ".join(f"s.{a} AS s_{a}" for a in aliases)
    p_cols = ", ".join(f"p.{a} AS p_{a}" for a in aliases)
    if d.full_join:
        return f"SELECT COALESCE(s.code, p.code) AS code, {s_cols}, {p_cols} FROM s FULL OUTER JOIN p ON p.code = s.code"
    s_nulls = ", ".join(f"NULL AS s_{a}" for a in aliases)
    return (
        f"SELECT s.code AS code, {s_cols}, {p_cols} FROM s LEFT JOIN p ON p.code = s.code "
        f"UNION ALL SELECT p.code AS code, {s_nulls}, {p_cols} FROM p "
        f"WHERE NOT EXISTS (SELECT 1 FROM s WHERE s.code = p.code)"
    )


def _side_patterns(d: _Dialect, x: str, t: Thresholds) -> dict[str, str]:
    """Suspicious patterns of one side (``x`` is ``s`` or ``p``) — ../shared/domain.md §3."""
    finished = f"{x}_status IN {FINISHED}"
    return {
        # 5/6/8 → 9/10 with no progress history: the rewrite that games the on-time ratio.
        "jump": f"({x}_code IS NOT NULL AND {finished} AND {x}_prev IN {JUMP_FROM} AND {x}_steps = 0)",
        # Finish time equal to the sync time (to the second, or within the configured tolerance).
        "sync": (
            f"({x}_code IS NOT NULL AND {x}_fin IS NOT NULL AND {x}_synced IS NOT NULL "
            f"AND abs({d.seconds(f'{x}_fin', f'{x}_synced')}) < {t.suspicious_sync + 1!r})"
        ),
        # Finished without any processing step.
        "bare": f"({x}_code IS NOT NULL AND {finished} AND {x}_steps = 0)",
    }


def _flags(d: _Dialect, t: Thresholds) -> str:
    """One boolean column per gap kind (and per suspicious pattern and side), then ``k_any``."""
    both = "(s_code IS NOT NULL AND p_code IS NOT NULL)"
    flags = {
        "k_mop": "(s_code IS NOT NULL AND p_code IS NULL)",
        "k_mas": "(s_code IS NULL AND p_code IS NOT NULL)",
        "k_status": f"({both} AND s_status <> p_status)",
        "k_finish": f"({both} AND {d.differs('s_fin', 'p_fin', t.finish_tolerance)})",
        "k_due": f"({both} AND {d.differs('s_due', 'p_due', t.due_tolerance)})",
        # The portal's copy is older than the source's last change by more than the threshold.
        "k_late": f"({both} AND {d.seconds('s_ev', 'p_ev')} > {t.late_seconds!r})",
    }
    for side in "sp":
        for name, expr in _side_patterns(d, side, t).items():
            flags[f"{side}_{name}"] = expr
    inner = ", ".join(f"COALESCE({expr}, FALSE) AS {name}" for name, expr in flags.items())
    susp = " OR ".join(f"{x}_{n}" for x in "sp" for n in ("jump", "sync", "bare"))
    others = " OR ".join(("k_mop", "k_mas", "k_status", "k_finish", "k_due", "k_late"))
    return f"SELECT g.*, ({susp}) AS k_susp, ({others} OR {susp}) AS k_any FROM (SELECT j.*, {inner} FROM j) g"


_FLAG = {
    GapKind.MISSING_ON_PORTAL: "k_mop", GapKind.MISSING_AT_SOURCE: "k_mas", GapKind.STATUS_DIFFERS: "k_status",
    GapKind.FINISH_DIFFERS: "k_finish", GapKind.DUE_DIFFERS: "k_due", GapKind.SYNCED_LATE: "k_late",
    GapKind.SUSPICIOUS: "k_susp",
}


def _tags(d: _Dialect, x: str) -> str:
    jump = f"'status_jump ' || {d.text(f'f.{x}_prev')} || '→' || {d.text(f'f.{x}_status')} || ', '"
    return (
        f"rtrim(CASE WHEN f.{x}_jump THEN {jump} ELSE '' END"
        f" || CASE WHEN f.{x}_sync THEN 'finish_equals_sync, ' ELSE '' END"
        f" || CASE WHEN f.{x}_bare AND NOT f.{x}_jump THEN 'no_processing_step, ' ELSE '' END, ', ')"
    )


def _values(d: _Dialect) -> tuple[str, str, str]:
    """``source_value``, ``portal_value`` and ``detail`` per kind, as text."""

    def case(by_kind: dict[str, str]) -> str:
        whens = " ".join(f"WHEN '{k}' THEN {v}" for k, v in by_kind.items())
        return f"COALESCE(CASE k.kind {whens} ELSE '' END, '')"

    def side(x: str) -> dict[str, str]:
        return {
            GapKind.MISSING_ON_PORTAL: d.text(f"f.{x}_status") if x == "s" else "''",
            GapKind.MISSING_AT_SOURCE: d.text(f"f.{x}_status") if x == "p" else "''",
            GapKind.STATUS_DIFFERS: d.text(f"f.{x}_status"),
            GapKind.FINISH_DIFFERS: d.fmt(f"f.{x}_fin"),
            GapKind.DUE_DIFFERS: d.fmt(f"f.{x}_due"),
            GapKind.SYNCED_LATE: d.fmt(f"f.{x}_ev"),
            GapKind.SUSPICIOUS: _tags(d, x),
        }

    lag = d.text(f"round({d.seconds('f.s_ev', 'f.p_ev')} / 3600.0, 1)")
    detail = {
        GapKind.MISSING_ON_PORTAL: f"'NgayTiepNhan ' || {d.fmt('f.s_recv')}",
        GapKind.MISSING_AT_SOURCE: f"'NgayTiepNhan ' || {d.fmt('f.p_recv')}",
        GapKind.STATUS_DIFFERS: "'TrangThaiHoSo'",
        GapKind.FINISH_DIFFERS: "'NgayKetThucXuLy'",
        GapKind.DUE_DIFFERS: "'NgayHenTra'",
        GapKind.SYNCED_LATE: f"'lag ' || {lag} || ' h'",
        GapKind.SUSPICIOUS: "''",
    }
    return case(side("s")), case(side("p")), case(detail)


def _ctes(universe: Universe, d: _Dialect, t: Thresholds) -> tuple[str, list]:
    s_sql, s_params = _side(universe, universe.source_id)
    p_sql, p_params = _side(universe, universe.portal_id)
    kinds = " UNION ALL ".join(f"SELECT '{k}' AS kind" for k in KINDS)
    materialized = "MATERIALIZED " if connection.vendor == "postgresql" else ""
    sql = (
        f"WITH s AS ({s_sql}), p AS ({p_sql}), j AS ({_joined(d)}), "
        f"f AS {materialized}({_flags(d, t)}), kinds AS ({kinds})"
    )
    return sql, [*s_params, *p_params]


def _insert_select(d: _Dialect) -> tuple[str, str]:
    from tthc.models import Agency, Procedure

    source_value, portal_value, detail = _values(d)
    flag = " ".join(f"WHEN '{k}' THEN f.{_FLAG[k]}" for k in KINDS)
    columns = "run_id, kind, dossier_code, procedure_code, agency_code, source_value, portal_value, detail"
    select = (
        f"SELECT %s, k.kind, f.code, COALESCE(pr.code, ''), COALESCE(ag.code, ''), "
        f"substr({source_value}, 1, 255), substr({portal_value}, 1, 255), substr({detail}, 1, 255) "
        f"FROM f CROSS JOIN kinds k "
        f"LEFT JOIN {Procedure._meta.db_table} pr ON pr.id = COALESCE(f.s_proc, f.p_proc) "
        f"LEFT JOIN {Agency._meta.db_table} ag ON ag.id = COALESCE(f.s_agency, f.p_agency) "
        f"WHERE f.k_any AND (CASE k.kind {flag} ELSE FALSE END)"
    )
    return f"INSERT INTO {Gap._meta.db_table} ({columns})", select


def compare(run_id: int, universe: Universe, thresholds: Thresholds | None = None, *,
            full_join: bool | None = None) -> Counts:
    """Insert the run's gaps and return its counts. The caller deletes old gaps in the same transaction."""
    if universe.empty:
        return Counts()
    t = thresholds or Thresholds.from_settings()
    d = dialect(full_join)
    ctes, params = _ctes(universe, d, t)
    insert, select = _insert_select(d)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"{ctes}, ins AS ({insert} {select} RETURNING kind) "
                "SELECT '', count(*), count(p_code), count(*) FILTER (WHERE k_any) FROM f "
                "UNION ALL SELECT kind, count(*), 0, 0 FROM ins GROUP BY kind",
                [*params, run_id],
            )
            rows = cursor.fetchall()
            head = next(r for r in rows if r[0] == "")
            gaps = {r[0]: r[1] for r in rows if r[0]}
            return Counts(dossiers=head[1], portal_dossiers=head[2], gap_dossiers=head[3], gaps=gaps)
        cursor.execute(f"{insert} {ctes} {select}", [*params, run_id])
        cursor.execute(
            f"{ctes} SELECT count(*), count(p_code), COALESCE(sum(CASE WHEN k_any THEN 1 ELSE 0 END), 0) FROM f",
            params,
        )
        dossiers, portal, gap_dossiers = cursor.fetchone()
        cursor.execute(f"SELECT kind, count(*) FROM {Gap._meta.db_table} WHERE run_id = %s GROUP BY kind", [run_id])
        gaps = dict(cursor.fetchall())
    return Counts(dossiers=dossiers, portal_dossiers=portal, gap_dossiers=gap_dossiers, gaps=gaps)


def raw_full_outer_join_sql(universe: Universe) -> tuple[str, list]:
    """The hand-written equivalent the benchmark compares against: the same join and comparisons,
    counting gaps per kind instead of storing them (PostgreSQL)."""
    s_sql, s_params = _side(universe, universe.source_id)
    p_sql, p_params = _side(universe, universe.portal_id)
    sql = f"""
        SELECT count(*),
          count(*) FILTER (WHERE p.code IS NULL),
          count(*) FILTER (WHERE s.code IS NULL),
          count(*) FILTER (WHERE s.status <> p.status),
          count(*) FILTER (WHERE s.fin IS DISTINCT FROM p.fin AND s.code IS NOT NULL AND p.code IS NOT NULL),
          count(*) FILTER (WHERE s.due IS DISTINCT FROM p.due AND s.code IS NOT NULL AND p.code IS NOT NULL),
          count(*) FILTER (WHERE s.ev - p.ev > interval '24 hours'),
          count(*) FILTER (WHERE (s.status IN (9, 10) AND s.steps = 0) OR (p.status IN (9, 10) AND p.steps = 0)
                              OR abs(EXTRACT(EPOCH FROM (s.fin - s.synced))) < 1
                              OR abs(EXTRACT(EPOCH FROM (p.fin - p.synced))) < 1)
        FROM ({s_sql}) s FULL OUTER JOIN ({p_sql}) p ON p.code = s.code
    """
    return sql, [*s_params, *p_params]
