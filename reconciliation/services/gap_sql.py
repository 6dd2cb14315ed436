"""The reconciliation query: set-based statements compare the sources' copies with the portal's.

Why hand-written SQL: the comparison is a FULL OUTER JOIN of two filtered slices of
``reconciliation_sourcedossier`` on the dossier code, classified row by row into gap kinds and
written straight back with ``INSERT … SELECT`` — the database does all the work and no dossier
ever reaches Python. The ORM cannot express a full outer join, and an ``Exists``-based emulation
scans each side twice.

All the runs of one province are compared in one statement: each side is read once (the province's
rows of every compared system, and the portal's rows of the province), a small mapping
``m(run, source, procedure)`` tags every row with its run (a ministry system's run takes the
procedures whose ``central_system`` is its code; the province's own system takes the others), and
the join key is ``(code, run)`` — exactly the union of the per-run universes, at the cost of one
join instead of one per system (reading the portal's province slice once per system was 13× the
I/O). Counts come from the inserted gaps and one index-only count of the portal's side (dossiers =
portal rows + ``missing_on_portal``), so the join is never materialised.

SQLite ≥ 3.39 has FULL OUTER JOIN; older versions get ``LEFT JOIN … UNION ALL`` anti-join.

Timestamps in gap values use the portal's own format ``yyyyMMddHHmmss`` in Vietnam time (UTC+7,
no daylight saving), so a ministry reads them exactly as in its payloads.
"""

from __future__ import annotations

import sqlite3
from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import connection, transaction

from tthc.models import Agency, Procedure

from ..models import Gap, GapKind, SourceDossier, counted_kinds

#: Every gap kind, as counted per run (zero when none).
KINDS: tuple[str, ...] = tuple(k.value for k in GapKind)
#: The kinds this statement finds per dossier (the others come from their own comparisons).
ROW_KINDS: tuple[str, ...] = (
    GapKind.MISSING_ON_PORTAL,
    GapKind.MISSING_AT_SOURCE,
    GapKind.STATUS_DIFFERS,
    GapKind.FINISH_DIFFERS,
    GapKind.DUE_DIFFERS,
    GapKind.SYNCED_LATE,
    GapKind.PROGRESS_MISSING,
    GapKind.RESULT_MISSING,
    GapKind.MISSING_IN_PROVINCE_SYSTEM,
    GapKind.PROVINCE_SYSTEM_DIFFERS,
    GapKind.SUSPICIOUS,
)
#: The three-way kinds: a ministry system's copy against the province's own system's copy.
CHAIN_KINDS = (GapKind.MISSING_IN_PROVINCE_SYSTEM, GapKind.PROVINCE_SYSTEM_DIFFERS)
FINISHED = (9, 10)
JUMP_FROM = (5, 6, 8)  # supplement requested, financial obligation, processing stopped
SIDE_COLUMNS = (
    ("code", "code"),
    ("status", "status"),
    ("previous_status", "prev"),
    ("received_at", "recv"),
    ("due_at", "due"),
    ("finished_at", "fin"),
    ("event_at", "ev"),
    ("agency_id", "agency"),
    ("procedure_id", "proc"),
    ("progress_steps", "steps"),
    ("e_result", "eres"),
)
#: Per-side suspicious patterns, computed in each side's scan (by parallel workers where PostgreSQL
#: scans in parallel) rather than after the join, which runs in one process.
PATTERNS = ("jump", "sync", "bare")
#: What the benchmark's hand-written join reads (it evaluates the patterns itself).
RAW_COLUMNS = (*SIDE_COLUMNS, ("synced_at", "synced"))


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
            late_seconds=float(settings.TTHC_SYNC_LATE_HOURS) * 3600,
            finish_tolerance=float(settings.TTHC_FINISH_TOLERANCE_SECONDS),
            due_tolerance=float(settings.TTHC_DUE_TOLERANCE_SECONDS),
            suspicious_sync=float(settings.TTHC_SUSPICIOUS_SYNC_SECONDS),
        )


@dataclass(frozen=True)
class RunSpec:
    """One run of the batch: the source system it compares and what that system serves.

    ``procedure_ids``: the procedures assigned to the system by its code (every agency of the
    province). ``own_agency_ids``: for a province's own system, the agencies whose "own system"
    procedures (``Universe.own_procedure_ids``) it serves — those it is the nearest owner of."""

    run_id: int
    source_id: int
    procedure_ids: tuple[int, ...]
    own_agency_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class Universe:
    """What one statement compares: dossiers received in ``[start, end)`` by ``agency_ids``, as seen by
    each run's source (for what that source serves) and by the portal (``portal_id``).

    ``chain_procedure_ids``: procedures assigned to a ministry system that the province's own system
    also holds (three-way comparison); ``progress_sources``: the systems that normally send progress
    steps (the only ones judged by the progress-based suspicious patterns)."""

    portal_id: int
    agency_ids: tuple[int, ...]
    start: datetime
    end: datetime
    runs: tuple[RunSpec, ...]
    own_procedure_ids: tuple[int, ...] = ()
    chain_procedure_ids: tuple[int, ...] = ()
    progress_sources: tuple[int, ...] = ()

    @property
    def own_runs(self) -> tuple[RunSpec, ...]:
        return tuple(r for r in self.runs if r.own_agency_ids)

    @property
    def by_agency(self) -> bool:
        """Several own systems: "own system" procedures go to the run serving each dossier's agency."""
        return len(self.own_runs) > 1

    @property
    def empty(self) -> bool:
        served = any(r.procedure_ids for r in self.runs) or (self.own_procedure_ids and self.own_runs)
        return not (self.agency_ids and served)

    @property
    def run_ids(self) -> list[int]:
        return [r.run_id for r in self.runs]


@dataclass
class Counts:
    dossiers: int = 0
    portal_dossiers: int = 0
    gap_dossiers: int = 0
    gaps: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.gaps = {k: int((self.gaps or {}).get(k, 0)) for k in KINDS}


# --- Dialects -------------------------------------------------------------------------------------


class _Dialect(ABC):
    """Time arithmetic per database. Comparisons on millions of rows stay in the native types
    (PostgreSQL: timestamp ± interval, never numeric epochs); SQLite stores text and uses julianday."""

    full_join = True

    @abstractmethod
    def fmt(self, expr: str) -> str:
        """SQL rendering the timestamp ``expr`` as the portal's ``yyyyMMddHHmmss`` in Vietnam time."""

    @abstractmethod
    def seconds(self, a: str, b: str) -> str:
        """``a - b`` in seconds, as a number (for display)."""

    def later_by(self, a: str, b: str, seconds: float) -> str:
        """``a`` is more than ``seconds`` after ``b``."""
        return f"({self.seconds(a, b)} > {float(seconds)!r})"

    def within(self, a: str, b: str, seconds: float) -> str:
        """``a`` and ``b`` are less than ``seconds`` apart."""
        return f"(abs({self.seconds(a, b)}) < {float(seconds)!r})"

    def text(self, expr: str) -> str:
        return f"CAST({expr} AS TEXT)"

    def differs(self, a: str, b: str, tolerance: float) -> str:
        """Whether two optional times differ by more than ``tolerance`` seconds (NULL vs value: yes)."""
        return (
            f"(CASE WHEN {a} IS NULL AND {b} IS NULL THEN FALSE WHEN {a} IS NULL OR {b} IS NULL THEN TRUE "
            f"ELSE abs({self.seconds(a, b)}) > {float(tolerance)!r} END)"
        )


class _Postgres(_Dialect):
    def fmt(self, expr: str) -> str:
        return f"to_char({expr} AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYYMMDDHH24MISS')"

    def seconds(self, a: str, b: str) -> str:
        return f"EXTRACT(EPOCH FROM ({a} - {b}))"

    @staticmethod
    def _interval(seconds: float) -> str:
        return f"interval '{float(seconds)!r} seconds'"

    def later_by(self, a: str, b: str, seconds: float) -> str:
        return f"({a} > {b} + {self._interval(seconds)})"

    def within(self, a: str, b: str, seconds: float) -> str:
        return f"({a} > {b} - {self._interval(seconds)} AND {a} < {b} + {self._interval(seconds)})"

    def differs(self, a: str, b: str, tolerance: float) -> str:
        if tolerance == 0:
            return f"({a} IS DISTINCT FROM {b})"
        return (
            f"(CASE WHEN {a} IS NULL AND {b} IS NULL THEN FALSE WHEN {a} IS NULL OR {b} IS NULL THEN TRUE "
            f"ELSE {a} > {b} + {self._interval(tolerance)} OR {a} < {b} - {self._interval(tolerance)} END)"
        )


class _SQLite(_Dialect):
    full_join = sqlite3.sqlite_version_info >= (3, 39, 0)

    def fmt(self, expr: str) -> str:
        return f"strftime('%%Y%%m%%d%%H%%M%%S', {expr}, '+7 hours')"

    def seconds(self, a: str, b: str) -> str:
        # julianday() is a double; rounding to the millisecond keeps boundary comparisons exact.
        return f"round((julianday({a}) - julianday({b})) * 86400.0, 3)"


def dialect(full_join: bool | None = None) -> _Dialect:
    d = _Postgres() if connection.vendor == "postgresql" else _SQLite()
    if full_join is not None:
        d.full_join = full_join
    return d


# --- SQL building ----------------------------------------------------------------------------------


def _ints(values: Iterable[int]) -> str:
    return ", ".join(str(int(v)) for v in values)


def _mapping(universe: Universe) -> str:
    """``m(procedure_id, run_id, source_id, chain)``: one row per compared procedure, naming the run
    (and system) that handles it — ``0`` where the run depends on the dossier's agency (several own
    systems, ``a``). Integers we generated, inlined as a derived table (no parameter explosion; not a
    CTE, which would keep PostgreSQL from scanning the sides in parallel)."""
    chain = set(universe.chain_procedure_ids)
    rows = [
        f"({int(p)}, {int(r.run_id)}, {int(r.source_id)}, {1 if p in chain else 0})"
        for r in universe.runs
        for p in r.procedure_ids
    ]
    own = universe.own_runs
    if own:
        run_id, source_id = (0, 0) if universe.by_agency else (own[0].run_id, own[0].source_id)
        rows += [f"({int(p)}, {int(run_id)}, {int(source_id)}, 0)" for p in universe.own_procedure_ids]
    return (
        "(SELECT column1 AS procedure_id, column2 AS run_id, column3 AS source_id, column4 AS chain "
        f"FROM (VALUES {', '.join(rows)}) v)"
    )


def _agency_mapping(universe: Universe) -> str:
    """``a(agency_id, run_id, source_id)``: the own system serving each agency (several own systems)."""
    rows = ", ".join(
        f"({int(agency)}, {int(r.run_id)}, {int(r.source_id)})"
        for r in universe.own_runs
        for agency in r.own_agency_ids
    )
    return f"(SELECT column1 AS agency_id, column2 AS run_id, column3 AS source_id FROM (VALUES {rows}) v)"


def _routing(universe: Universe) -> tuple[str, str, str]:
    """The joins that tag a row with its run, and the run / system expressions."""
    joins = f"JOIN {_mapping(universe)} m ON m.procedure_id = sd.procedure_id"
    if not universe.by_agency:
        return joins, "m.run_id", "m.source_id"
    joins += f" LEFT JOIN {_agency_mapping(universe)} a ON a.agency_id = sd.agency_id"
    return (
        joins,
        "(CASE WHEN m.run_id = 0 THEN a.run_id ELSE m.run_id END)",
        "(CASE WHEN m.source_id = 0 THEN a.source_id ELSE m.source_id END)",
    )


def _slice(universe: Universe) -> tuple[str, list]:
    """The province's agencies and the month (the (source, agency, time) index's range)."""
    ops = connection.ops
    agencies = ", ".join(["%s"] * len(universe.agency_ids))
    return f"sd.agency_id IN ({agencies}) AND sd.received_at >= %s AND sd.received_at < %s", [
        *universe.agency_ids,
        ops.adapt_datetimefield_value(universe.start),
        ops.adapt_datetimefield_value(universe.end),
    ]


def _side(universe: Universe, portal: bool, d: _Dialect, t: Thresholds) -> tuple[str, list]:
    """One side of the universe, each row tagged with its run (uses the (source, agency, time) index)."""
    table = SourceDossier._meta.db_table
    joins, run, system = _routing(universe)
    cols = ", ".join(f"sd.{c} AS {alias}" for c, alias in SIDE_COLUMNS)
    patterns = _side_patterns(d, t, universe, "sd.source_id" if not portal else system, portal)
    cols += ", m.chain AS chain, " + ", ".join(
        f"COALESCE({expr}, FALSE) AS {name}" for name, expr in patterns.items()
    )
    if portal:
        sources, source_params = "sd.source_id = %s", [universe.portal_id]
        if universe.by_agency:
            sources += f" AND {run} IS NOT NULL"
    else:
        ids = sorted({r.source_id for r in universe.runs})
        sources = f"sd.source_id IN ({', '.join(['%s'] * len(ids))}) AND sd.source_id = {system}"
        source_params = ids
    where, where_params = _slice(universe)
    sql = f"SELECT {cols}, {run} AS run FROM {table} sd {joins} WHERE {sources} AND {where}"
    return sql, [*source_params, *where_params]


def _chain_side(universe: Universe) -> tuple[str, list]:
    """The province's own system's copies of the dossiers of the chain procedures (three-way): tagged
    with the ministry system's run, so that they join that run's rows on ``(code, run)``."""
    table = SourceDossier._meta.db_table
    joins, _, system = _routing(universe)
    own = sorted({r.source_id for r in universe.own_runs})
    where, params = _slice(universe)
    sql = (
        f"SELECT sd.code AS code, sd.status AS status, sd.due_at AS due, sd.finished_at AS fin, m.run_id AS run "
        f"FROM {table} sd {joins} WHERE m.chain = 1 AND sd.source_id IN ({_ints(own)}) "
        f"AND sd.procedure_id IN ({_ints(universe.chain_procedure_ids)}) AND {where}"
    )
    if universe.by_agency:
        sql += " AND sd.source_id = a.source_id"
    return sql, params


def _joined(d: _Dialect) -> str:
    """Both sides side by side, one row per (dossier code, run) present on either side."""
    aliases = [alias for _, alias in SIDE_COLUMNS] + ["chain", *PATTERNS]
    s_cols = ", ".join(f"s.{a} AS s_{a}" for a in aliases)
    p_cols = ", ".join(f"p.{a} AS p_{a}" for a in aliases)
    on = "p.code = s.code AND p.run = s.run"
    if d.full_join:
        return (
            f"SELECT COALESCE(s.code, p.code) AS code, COALESCE(s.run, p.run) AS run, {s_cols}, {p_cols} "
            f"FROM s FULL OUTER JOIN p ON {on}"
        )
    s_nulls = ", ".join(f"NULL AS s_{a}" for a in aliases)
    return (
        f"SELECT s.code AS code, s.run AS run, {s_cols}, {p_cols} FROM s LEFT JOIN p ON {on} "
        f"UNION ALL SELECT p.code AS code, p.run AS run, {s_nulls}, {p_cols} FROM p "
        f"WHERE NOT EXISTS (SELECT 1 FROM s WHERE s.code = p.code AND s.run = p.run)"
    )


def _side_patterns(
    d: _Dialect, t: Thresholds, universe: Universe, system: str, portal: bool
) -> dict[str, str]:
    """Suspicious patterns of one side's record (``sd``) — docs/domain.md#suspicious-patterns.

    The progress-based patterns judge only systems that normally send progress steps
    (``universe.progress_sources``; ``system`` names the record's system — for the portal's copy, the
    system whose run it joins): from a feed that never sends any, a dossier without steps is normal.
    "No processing step" is judged on the source's own copy; the portal's lack of steps the source
    holds is the gap ``progress_missing``."""
    finished = f"sd.status IN {FINISHED}"
    sends = f"{system} IN ({_ints(universe.progress_sources)})" if universe.progress_sources else "FALSE"
    return {
        # 5/6/8 → 9/10 with no progress history: the rewrite that games the on-time ratio.
        "jump": f"({sends} AND {finished} AND sd.previous_status IN {JUMP_FROM} AND sd.progress_steps = 0)",
        # Finish time equal to the sync time (to the second, or within the configured tolerance).
        "sync": (
            f"(sd.finished_at IS NOT NULL AND sd.synced_at IS NOT NULL "
            f"AND {d.within('sd.finished_at', 'sd.synced_at', t.suspicious_sync + 1)})"
        ),
        # Finished without any processing step.
        "bare": "FALSE" if portal else f"({sends} AND {finished} AND sd.progress_steps = 0)",
    }


def _chain_differs(d: _Dialect, t: Thresholds) -> dict[str, str]:
    """What differs between the ministry system's copy and the province's own system's copy."""
    return {
        "TrangThaiHoSo": "(s_status <> v_status)",
        "NgayKetThucXuLy": d.differs("s_fin", "v_fin", t.finish_tolerance),
        "NgayHenTra": d.differs("s_due", "v_due", t.due_tolerance),
    }


def _flags(d: _Dialect, t: Thresholds, chain: bool) -> str:
    """One boolean column per gap kind (and per suspicious pattern and side), then ``k_any``."""
    both = "(s_code IS NOT NULL AND p_code IS NOT NULL)"
    flags = {
        "k_mop": "(s_code IS NOT NULL AND p_code IS NULL)",
        "k_mas": "(s_code IS NULL AND p_code IS NOT NULL)",
        "k_status": f"({both} AND s_status <> p_status)",
        "k_finish": f"({both} AND {d.differs('s_fin', 'p_fin', t.finish_tolerance)})",
        "k_due": f"({both} AND {d.differs('s_due', 'p_due', t.due_tolerance)})",
        # The portal's copy is older than the source's last change by more than the threshold.
        "k_late": f"({both} AND {d.later_by('s_ev', 'p_ev', t.late_seconds)})",
        # The source holds progress steps the portal lacks (counted once per dossier).
        "k_prog": f"({both} AND s_steps > p_steps)",
        # Finished at the source with an electronic result, none on the portal.
        "k_res": f"({both} AND s_status IN {FINISHED} AND s_eres AND NOT p_eres)",
        "k_mip": "(s_code IS NOT NULL AND s_chain = 1 AND v_code IS NULL)" if chain else "FALSE",
        "k_psd": (
            f"(s_code IS NOT NULL AND v_code IS NOT NULL AND ({' OR '.join(_chain_differs(d, t).values())}))"
            if chain
            else "FALSE"
        ),
    }
    inner = ", ".join(f"COALESCE({expr}, FALSE) AS {name}" for name, expr in flags.items())
    susp = " OR ".join(f"COALESCE({x}_{n}, FALSE)" for x in "sp" for n in PATTERNS)
    others = " OR ".join(flags)
    source = "jv" if chain else "j"
    return f"SELECT g.*, ({susp}) AS k_susp, ({others} OR {susp}) AS k_any FROM (SELECT j.*, {inner} FROM {source} j) g"


_FLAG: dict[str, str] = {
    GapKind.MISSING_ON_PORTAL: "k_mop",
    GapKind.MISSING_AT_SOURCE: "k_mas",
    GapKind.STATUS_DIFFERS: "k_status",
    GapKind.FINISH_DIFFERS: "k_finish",
    GapKind.DUE_DIFFERS: "k_due",
    GapKind.SYNCED_LATE: "k_late",
    GapKind.PROGRESS_MISSING: "k_prog",
    GapKind.RESULT_MISSING: "k_res",
    GapKind.MISSING_IN_PROVINCE_SYSTEM: "k_mip",
    GapKind.PROVINCE_SYSTEM_DIFFERS: "k_psd",
    GapKind.SUSPICIOUS: "k_susp",
}


def _tags(d: _Dialect, x: str) -> str:
    jump = f"'status_jump ' || {d.text(f'f.{x}_prev')} || '→' || {d.text(f'f.{x}_status')} || ', '"
    return (
        f"rtrim(CASE WHEN f.{x}_jump THEN {jump} ELSE '' END"
        f" || CASE WHEN f.{x}_sync THEN 'finish_equals_sync, ' ELSE '' END"
        f" || CASE WHEN f.{x}_bare AND NOT f.{x}_jump THEN 'no_processing_step, ' ELSE '' END, ', ')"
    )


def _chain_values(d: _Dialect, t: Thresholds, x: str) -> str:
    """The first differing field's value on side ``x`` (``s``: ministry system, ``v``: own system)."""
    fields = _chain_differs(d, t)
    return (
        f"CASE WHEN {fields['TrangThaiHoSo'].replace('s_', 'f.s_').replace('v_', 'f.v_')} "
        f"THEN {d.text(f'f.{x}_status')} "
        f"WHEN {fields['NgayKetThucXuLy'].replace('s_', 'f.s_').replace('v_', 'f.v_')} "
        f"THEN {d.fmt(f'f.{x}_fin')} ELSE {d.fmt(f'f.{x}_due')} END"
    )


def _values(d: _Dialect, t: Thresholds, chain: bool) -> tuple[str, str, str]:
    """``source_value``, ``portal_value`` and ``detail`` per kind, as text. For the three-way kinds the
    "portal value" column holds the province's own system's value (its ``detail`` says so)."""

    def case(by_kind: dict[str, str]) -> str:
        whens = " ".join(f"WHEN '{k}' THEN {v}" for k, v in by_kind.items())
        return f"COALESCE(CASE k.kind {whens} ELSE '' END, '')"

    def side(x: str) -> dict[str, str]:
        values = {
            GapKind.MISSING_ON_PORTAL: d.text(f"f.{x}_status") if x == "s" else "''",
            GapKind.MISSING_AT_SOURCE: d.text(f"f.{x}_status") if x == "p" else "''",
            GapKind.STATUS_DIFFERS: d.text(f"f.{x}_status"),
            GapKind.FINISH_DIFFERS: d.fmt(f"f.{x}_fin"),
            GapKind.DUE_DIFFERS: d.fmt(f"f.{x}_due"),
            GapKind.SYNCED_LATE: d.fmt(f"f.{x}_ev"),
            GapKind.PROGRESS_MISSING: d.text(f"f.{x}_steps"),
            GapKind.RESULT_MISSING: d.text(f"f.{x}_status"),
            GapKind.SUSPICIOUS: _tags(d, x),
        }
        if chain:
            values[GapKind.MISSING_IN_PROVINCE_SYSTEM] = d.text("f.s_status") if x == "s" else "''"
            values[GapKind.PROVINCE_SYSTEM_DIFFERS] = _chain_values(d, t, "s" if x == "s" else "v")
        return values

    lag = d.text(f"round({d.seconds('f.s_ev', 'f.p_ev')} / 3600.0, 1)")
    detail: dict[str, str] = {
        GapKind.MISSING_ON_PORTAL: f"'NgayTiepNhan ' || {d.fmt('f.s_recv')}",
        GapKind.MISSING_AT_SOURCE: f"'NgayTiepNhan ' || {d.fmt('f.p_recv')}",
        GapKind.STATUS_DIFFERS: "'TrangThaiHoSo'",
        GapKind.FINISH_DIFFERS: "'NgayKetThucXuLy'",
        GapKind.DUE_DIFFERS: "'NgayHenTra'",
        GapKind.SYNCED_LATE: f"'lag ' || {lag} || ' h'",
        GapKind.PROGRESS_MISSING: "'QuaTrinhXuLy'",
        GapKind.RESULT_MISSING: "'DanhSachGiayToKetQua'",
        GapKind.SUSPICIOUS: "''",
    }
    if chain:
        detail[GapKind.MISSING_IN_PROVINCE_SYSTEM] = f"'NgayTiepNhan ' || {d.fmt('f.s_recv')}"
        differing = " || ".join(
            f"CASE WHEN {expr.replace('s_', 'f.s_').replace('v_', 'f.v_')} THEN '{name}, ' ELSE '' END"
            for name, expr in _chain_differs(d, t).items()
        )
        detail[GapKind.PROVINCE_SYSTEM_DIFFERS] = f"rtrim({differing}, ', ')"
    return case(side("s")), case(side("p")), case(detail)


def _ctes(universe: Universe, d: _Dialect, t: Thresholds) -> tuple[str, list]:
    s_sql, s_params = _side(universe, False, d, t)
    p_sql, p_params = _side(universe, True, d, t)
    kinds = " UNION ALL ".join(f"SELECT '{k}' AS kind" for k in ROW_KINDS)
    chain, v_params = "", []
    if _has_chain(universe):
        v_sql, v_params = _chain_side(universe)
        chain = (
            f", v AS ({v_sql}), jv AS (SELECT j.*, v.code AS v_code, v.status AS v_status, v.due AS v_due, "
            "v.fin AS v_fin FROM j LEFT JOIN v ON v.code = j.code AND v.run = j.run)"
        )
    sql = (
        f"WITH s AS ({s_sql}), p AS ({p_sql}), j AS ({_joined(d)}){chain}, "
        f"f AS ({_flags(d, t, bool(chain))}), kinds AS ({kinds})"
    )
    return sql, [*s_params, *p_params, *v_params]


def _has_chain(universe: Universe) -> bool:
    return bool(universe.chain_procedure_ids and universe.own_runs)


def _insert_select(d: _Dialect, t: Thresholds, chain: bool) -> tuple[str, str]:
    source_value, portal_value, detail = _values(d, t, chain)
    flag = " ".join(f"WHEN '{k}' THEN f.{_FLAG[k]}" for k in ROW_KINDS)
    select = (
        f"SELECT f.run AS run_id, k.kind AS kind, f.code AS dossier_code, COALESCE(pr.code, '') AS procedure_code, "
        f"COALESCE(ag.code, '') AS agency_code, substr({source_value}, 1, 255) AS source_value, "
        f"substr({portal_value}, 1, 255) AS portal_value, substr({detail}, 1, 255) AS detail "
        f"FROM f CROSS JOIN kinds k "
        f"LEFT JOIN {Procedure._meta.db_table} pr ON pr.id = COALESCE(f.s_proc, f.p_proc) "
        f"LEFT JOIN {Agency._meta.db_table} ag ON ag.id = COALESCE(f.s_agency, f.p_agency) "
        f"WHERE f.k_any AND (CASE k.kind {flag} ELSE FALSE END)"
    )
    return f"INSERT INTO {Gap._meta.db_table} ({GAP_COLUMNS})", select


def _portal_counts(universe: Universe) -> tuple[str, list]:
    """The portal's rows per procedure (and agency, with several own systems): one index-only scan of
    the portal's slice. Mapped to runs in Python (``_tally``); their sum is the province's portal total
    (all procedures) that the points at stake need. The sources' side needs no scan of its own:
    |source| = |portal| + missing_on_portal − missing_at_source."""
    table = SourceDossier._meta.db_table
    where, params = _slice(universe)
    select, group = (
        ("sd.procedure_id, sd.agency_id", "sd.procedure_id, sd.agency_id")
        if universe.by_agency
        else ("sd.procedure_id, 0", "sd.procedure_id")
    )
    sql = f"SELECT {select}, count(*) FROM {table} sd WHERE sd.source_id = %s AND {where} GROUP BY {group}"
    return sql, [universe.portal_id, *params]


def _tally(universe: Universe, rows: Iterable[tuple[int, int, int]], counts: dict[int, Counts]) -> int:
    """Each run's dossier and portal counts from the portal's rows per procedure (and agency) and the
    run's gaps; returns the portal's total over all procedures."""
    by_procedure: dict[int, int] = {p: r.run_id for r in universe.runs for p in r.procedure_ids}
    own = universe.own_runs
    by_agency = {agency: r.run_id for r in own for agency in r.own_agency_ids}
    for p in universe.own_procedure_ids if own else ():
        by_procedure.setdefault(p, 0 if universe.by_agency else own[0].run_id)
    portal_total = 0
    for procedure_id, agency_id, n in rows:
        portal_total += n
        run_id = by_procedure.get(procedure_id)
        if run_id == 0:
            run_id = by_agency.get(agency_id)
        if run_id is not None:
            counts[run_id].portal_dossiers += n
    for c in counts.values():  # |source ∪ portal| = |portal| + the dossiers missing on the portal
        c.dossiers = c.portal_dossiers + c.gaps["missing_on_portal"]
    return portal_total


STAGE = "reconcile_gap_stage"
GAP_COLUMNS = "run_id, kind, dossier_code, procedure_code, agency_code, source_value, portal_value, detail"


@dataclass
class Comparison:
    runs: dict[int, Counts]  # by run id
    portal_total: int = 0  # the portal's rows in the universe's agencies and period, all procedures


def compare(
    universe: Universe, thresholds: Thresholds | None = None, *, full_join: bool | None = None
) -> Comparison:
    """Insert the gaps of every run of the universe and return each run's counts.

    The caller deletes the runs' old gaps in the same transaction. On PostgreSQL the gap rows are
    first computed with ``CREATE TEMP TABLE … AS`` — unlike ``INSERT … SELECT``, it may scan the
    sides with parallel workers — then appended to the gap table; elsewhere ``INSERT … SELECT``.
    """
    counts = {run_id: Counts() for run_id in universe.run_ids}
    comparison = Comparison(runs=counts)
    if universe.empty:
        return comparison
    t = thresholds or Thresholds.from_settings()
    d = dialect(full_join)
    ctes, params = _ctes(universe, d, t)
    insert, select = _insert_select(d, t, _has_chain(universe))
    gap_table = Gap._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")
            cursor.execute(f"CREATE TEMP TABLE {STAGE} AS {ctes} {select}", params)
            cursor.execute(
                f"INSERT INTO {gap_table} ({GAP_COLUMNS}) SELECT {GAP_COLUMNS} FROM {STAGE} "
                "ORDER BY run_id, kind, dossier_code"
            )  # the unique index's order: appends
            source, where, where_params = STAGE, "", []
        else:
            cursor.execute(f"{insert} {ctes} {select}", params)
            marks = ", ".join(["%s"] * len(counts))
            source, where, where_params = gap_table, f"WHERE run_id IN ({marks})", list(counts)
        cursor.execute(
            f"SELECT run_id, kind, count(*) FROM {source} {where} GROUP BY run_id, kind", where_params
        )
        for run_id, kind, n in cursor.fetchall():
            counts[run_id].gaps[kind] = n
        # Dossiers with a gap that counts (the matrix colour): suspicious flags are not gaps.
        kinds = counted_kinds()
        marks = ", ".join(["%s"] * len(kinds))
        cursor.execute(
            f"SELECT run_id, count(DISTINCT dossier_code) FROM {source} "
            f"{where or 'WHERE 1 = 1'} AND kind IN ({marks}) GROUP BY run_id",
            [*where_params, *kinds],
        )
        for run_id, n in cursor.fetchall():
            counts[run_id].gap_dossiers = n
        if source == STAGE:
            cursor.execute(f"DROP TABLE {STAGE}")
        cursor.execute(*_portal_counts(universe))
        comparison.portal_total = _tally(universe, cursor.fetchall(), counts)
    return comparison


def raw_full_outer_join_sql(universe: Universe) -> tuple[str, list]:
    """The hand-written equivalent the benchmark compares against (PostgreSQL): every compared system's
    rows of the province FULL OUTER JOIN the portal's on the dossier code alone, with the same
    comparisons, counting gaps per kind instead of storing them."""
    table = SourceDossier._meta.db_table
    cols = ", ".join(f"sd.{c} AS {alias}" for c, alias in RAW_COLUMNS)
    where = "sd.agency_id = ANY(%s) AND sd.received_at >= %s AND sd.received_at < %s"
    sources = sorted({r.source_id for r in universe.runs})
    sql = f"""
        SELECT count(*),
          count(*) FILTER (WHERE p.code IS NULL),
          count(*) FILTER (WHERE s.code IS NULL),
          count(*) FILTER (WHERE s.status <> p.status),
          count(*) FILTER (WHERE s.fin IS DISTINCT FROM p.fin AND s.code IS NOT NULL AND p.code IS NOT NULL),
          count(*) FILTER (WHERE s.due IS DISTINCT FROM p.due AND s.code IS NOT NULL AND p.code IS NOT NULL),
          count(*) FILTER (WHERE s.ev - p.ev > interval '24 hours'),
          count(*) FILTER (WHERE s.steps > p.steps),
          count(*) FILTER (WHERE s.status IN (9, 10) AND s.eres AND NOT p.eres),
          count(*) FILTER (WHERE (s.status IN (9, 10) AND s.steps = 0) OR (p.status IN (9, 10) AND p.steps = 0)
                              OR abs(EXTRACT(EPOCH FROM (s.fin - s.synced))) < 1
                              OR abs(EXTRACT(EPOCH FROM (p.fin - p.synced))) < 1)
        FROM (SELECT {cols} FROM {table} sd WHERE sd.source_id = ANY(%s) AND {where}) s
        FULL OUTER JOIN (SELECT {cols} FROM {table} sd WHERE sd.source_id = %s AND {where}) p ON p.code = s.code
    """
    agencies = list(universe.agency_ids)
    return sql, [
        sources,
        agencies,
        universe.start,
        universe.end,
        universe.portal_id,
        agencies,
        universe.start,
        universe.end,
    ]
