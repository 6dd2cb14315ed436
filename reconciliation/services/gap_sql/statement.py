"""The comparison statement, built as text: both sides tagged with their run, joined, classified into
gap kinds (one boolean per kind) and rendered as gap rows (see the package docstring)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.db import connection

from tthc.models import Agency, Procedure

from ...models import Gap, GapKind, SourceDossier
from .dialects import _Dialect
from .spec import FINISHED, JUMP_FROM, PATTERNS, ROW_KINDS, SIDE_COLUMNS, Thresholds, Universe

GAP_COLUMNS = "run_id, kind, dossier_code, procedure_code, agency_code, source_value, portal_value, detail"


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
        values: dict[str, str] = {
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
    kinds = _kinds()
    chain, v_params = "", list[object]()
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


#: One bit per row kind in a flagged pair's ``mask`` (PostgreSQL's staged pairs).
KIND_BITS: dict[str, int] = {kind: 1 << i for i, kind in enumerate(ROW_KINDS)}


def _kinds() -> str:
    """The row kinds and their bits, as a derived table's body (``kinds(kind, bit)``)."""
    return " UNION ALL ".join(f"SELECT '{k}' AS kind, {KIND_BITS[k]} AS bit" for k in ROW_KINDS)


def _rendered(d: _Dialect, t: Thresholds, chain: bool) -> str:
    """A gap row's columns, rendered from a flagged pair ``f``, a kind ``k`` and the codes (``_codes``)."""
    source_value, portal_value, detail = _values(d, t, chain)
    return (
        f"f.run AS run_id, k.kind AS kind, f.code AS dossier_code, COALESCE(pr.code, '') AS procedure_code, "
        f"COALESCE(ag.code, '') AS agency_code, substr({source_value}, 1, 255) AS source_value, "
        f"substr({portal_value}, 1, 255) AS portal_value, substr({detail}, 1, 255) AS detail"
    )


def _codes() -> str:
    return (
        f"LEFT JOIN {Procedure._meta.db_table} pr ON pr.id = COALESCE(f.s_proc, f.p_proc) "
        f"LEFT JOIN {Agency._meta.db_table} ag ON ag.id = COALESCE(f.s_agency, f.p_agency)"
    )


def _insert_select(d: _Dialect, t: Thresholds, chain: bool) -> tuple[str, str]:
    flag = " ".join(f"WHEN '{k}' THEN f.{_FLAG[k]}" for k in ROW_KINDS)
    select = (
        f"SELECT {_rendered(d, t, chain)} FROM f CROSS JOIN kinds k {_codes()} "
        f"WHERE f.k_any AND (CASE k.kind {flag} ELSE FALSE END)"
    )
    return f"INSERT INTO {Gap._meta.db_table} ({GAP_COLUMNS})", select


def _pair_select(render: str) -> str:
    """PostgreSQL: the flagged pairs as compared — one row per dossier and run with the columns of ``f``
    that ``render`` (:func:`_render_pairs`' text) reads — with ``mask`` (the bits of the kinds found,
    ``KIND_BITS``) and ``fp``: a 64-bit hash of the row, salted by the statement's one parameter (the
    rendering's text and the codes). Nothing is rendered as text here: a re-run renders only the
    pairs whose gaps are new or changed."""
    columns = sorted(set(re.findall(r"\bf\.([a-z_]+)\b", render)) - {"run", "code", "mask", "fp"})
    mask = " | ".join(f"(CASE WHEN f.{_FLAG[k]} THEN {KIND_BITS[k]} ELSE 0 END)" for k in ROW_KINDS)
    picked = ", ".join(f"f.{c}" for c in columns)
    return (
        "SELECT x.*, hash_record_extended(x, %s) AS fp FROM "
        f"(SELECT f.run, f.code, {picked}, ({mask}) AS mask FROM f WHERE f.k_any) x"
    )


def _render_pairs(d: _Dialect, t: Thresholds, chain: bool, pairs: str, only: str | None = None) -> str:
    """PostgreSQL: the gap rows of the staged ``pairs`` with their pair's fingerprint — every kind each
    pair's mask holds, or only the rows ``(run_id, kind, dossier_code)`` of table ``only`` that have a
    pair (each with that table's ``gap_id``)."""
    kinds = f"WITH kinds AS ({_kinds()}) "
    if only is None:
        return (
            f"{kinds}SELECT {_rendered(d, t, chain)}, f.fp AS fingerprint "
            f"FROM {pairs} f JOIN kinds k ON (f.mask & k.bit) <> 0 {_codes()}"
        )
    return (
        f"{kinds}SELECT x.gap_id, {_rendered(d, t, chain)}, f.fp AS fingerprint FROM {only} x "
        f"JOIN {pairs} f ON f.run = x.run_id AND f.code = x.dossier_code JOIN kinds k ON k.kind = x.kind "
        f"{_codes()}"
    )
