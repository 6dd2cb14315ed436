"""The reconciliation query: set-based statements compare the sources' copies with the portal's.

Why hand-written SQL: the comparison is a FULL OUTER JOIN of two filtered slices of
``reconciliation_sourcedossier`` on the dossier code, classified row by row into gap kinds and
written straight back with ``INSERT … SELECT`` — the database does all the work and no dossier
ever reaches Python. The ORM cannot express a full outer join, and an ``Exists``-based emulation
scans each side twice.

All the runs of one province are compared in one statement: each side is read once (the province's
rows of every compared system, and the portal's rows of the province), a small mapping
``m(procedure, run, source, chain)`` tags every row with its run — one row per procedure, from the
assignment in force (``services.universe``); with several own systems in the province, a second
mapping ``a(agency, run, source)`` routes the "own system" procedures by receiving agency — and the
join key is ``(code, run)``: exactly the union of the per-run universes, at the cost of one join
instead of one per system (reading the portal's province slice once per system was 13× the I/O).
For the three-way chain a third, small side ``v`` (the province's own system's copies of the chain
procedures) is left-joined on ``(code, run)``. Counts come from the computed gaps and one
index-only count of the portal's side (dossiers = portal rows + ``missing_on_portal``), so the join
is never materialised. On PostgreSQL the flagged pairs are staged as compared (one row per dossier
and run, a bit per kind, a fingerprint) and merged into the gap table: only the gaps whose pair's
fingerprint changed are rendered as text and written (``_merge_pairs``).

Modules: ``spec`` (kinds, columns, the universe), ``dialects`` (time arithmetic per database),
``statement`` (the SQL text); this module runs it.

SQLite ≥ 3.39 has FULL OUTER JOIN; older versions get ``LEFT JOIN … UNION ALL`` anti-join.

Timestamps in gap values use the portal's own format ``yyyyMMddHHmmss`` in Vietnam time (UTC+7,
no daylight saving), so a ministry reads them exactly as in its payloads.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper

from core.concurrency import on_own_connection, result_or
from core.pg import local_settings
from tthc.models import Agency, Procedure

from ...models import Gap, SourceDossier, counted_kinds
from .dialects import _Dialect, _Postgres, _SQLite, dialect
from .spec import (
    CHAIN_KINDS,
    FINISHED,
    JUMP_FROM,
    KINDS,
    PATTERNS,
    RAW_COLUMNS,
    ROW_KINDS,
    SIDE_COLUMNS,
    Counts,
    RunSpec,
    Thresholds,
    Universe,
)
from .statement import (
    GAP_COLUMNS,
    KIND_BITS,
    _ctes,
    _has_chain,
    _insert_select,
    _kinds,
    _pair_select,
    _render_pairs,
    _slice,
)

__all__ = [
    "CHAIN_KINDS",
    "FINISHED",
    "GAP_COLUMNS",
    "JUMP_FROM",
    "KINDS",
    "PATTERNS",
    "RAW_COLUMNS",
    "ROW_KINDS",
    "SIDE_COLUMNS",
    "Comparison",
    "Counts",
    "RunSpec",
    "Thresholds",
    "Universe",
    "_Dialect",
    "_Postgres",
    "_SQLite",
    "compare",
    "dialect",
    "raw_full_outer_join_sql",
]


def _portal_counts(universe: Universe) -> tuple[str, list]:
    """The portal's rows per procedure and agency: one index-only scan of the portal's slice. Mapped
    to runs in Python (``_tally``); their sum is the province's portal total (all procedures) that
    the points at stake need, and ``not_synced`` sums them per reported agency and system (the
    portal's month is read once). The sources' side needs no scan of its own:
    |source| = |portal| + missing_on_portal − missing_at_source."""
    table = SourceDossier._meta.db_table
    where, params = _slice(universe)
    sql = (
        f"SELECT sd.procedure_id, sd.agency_id, count(*) FROM {table} sd "
        f"WHERE sd.source_id = %s AND {where} GROUP BY sd.procedure_id, sd.agency_id"
    )
    return sql, [universe.portal_id, *params]


def run_memory() -> dict[str, str]:
    """The ``work_mem`` of a reconciliation's transaction (``TTHC_RECONCILE_WORK_MEM``; empty: the
    server's), given to the connections that count beside it too: at the server's default 4 MB the
    platform counts' bitmaps go lossy and recheck every row of their pages."""
    work_mem = settings.TTHC_RECONCILE_WORK_MEM
    return {"work_mem": work_mem} if work_mem else {}


def _count_elsewhere(universe: Universe) -> Future:
    """Start :func:`_portal_counts` on a connection of its own, so that it runs while this
    connection's comparison does (its hash join is done by one process, which leaves the other core
    free once the sides are scanned). Only for committed data: the caller says so
    (``compare(concurrent_counts=True)``)."""
    sql, params = _portal_counts(universe)

    def count() -> list[tuple[int, int, int]]:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    return on_own_connection(count, pg_settings=run_memory())


def _portal_rows(cursor: CursorWrapper, universe: Universe, started: Future | None) -> list:
    """The portal's counts: from the concurrent count when one was started (counted here again if its
    connection failed), else counted now."""

    def here() -> list:
        cursor.execute(*_portal_counts(universe))
        return cursor.fetchall()

    return result_or(started, here, "portal counts") if started is not None else here()


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


#: PostgreSQL settings of a large province's comparison statement (``compare(jit=True)``): JIT-compile
#: its expressions (the join's filter is evaluated on every pair of a province's millions) without
#: inlining functions, which is most of the compile time (0.35 s of 0.76 s) and gains little. A
#: 2 M-dossier province's statement: 2.8 s, against 3.2 s with JIT off and 3.1 s with inlining; but a
#: 150,000-dossier province's loses 0.1 s to the compilation (docs/scaling.md).
COMPARISON_SETTINGS = {"jit": "on", "jit_inline_above_cost": "-1"}

PAIRS = "reconcile_gap_pairs"
DIFF = "reconcile_gap_diff"
RENDERED = "reconcile_gap_rendered"


@dataclass
class Comparison:
    runs: dict[int, Counts]  # by run id
    portal_total: int = 0  # the portal's rows in the universe's agencies and period, all procedures
    written: int = 0  # gap rows deleted, updated or inserted (what the table's statistics see change)
    #: The portal's rows of the universe's agencies and period per (procedure, agency, count); None
    #: when the universe is empty (nothing was counted).
    portal_counts: list[tuple[int, int, int]] | None = None


_KEY = ("run_id", "kind", "dossier_code")
_VALUES = ("procedure_code", "agency_code", "source_value", "portal_value", "detail")


def _row_kinds_of(run_ids: list[int]) -> tuple[str, list]:
    """The runs' gaps of the kinds this statement finds (``not_synced`` is the caller's)."""
    runs = ", ".join(["%s"] * len(run_ids))
    kinds = ", ".join(["%s"] * len(ROW_KINDS))
    return f"g.run_id IN ({runs}) AND g.kind IN ({kinds})", [*run_ids, *ROW_KINDS]


#: :func:`statement._render_pairs` bound to the dialect, thresholds and table: the rendering of every
#: staged pair (``None``) or of the rows of the table named.
_Render = Callable[[str | None], str]


def _salt(cursor: CursorWrapper, universe: Universe, rendering: str) -> int:
    """What the fingerprints are salted with: the rendering's own text (its expressions and thresholds)
    and the codes of the universe's agencies and of the procedures — so that a change of either
    renders every gap again, not only those whose copies changed."""
    agencies = ", ".join(["%s"] * len(universe.agency_ids))
    cursor.execute(
        f"SELECT (SELECT string_agg(id || ':' || code, ',' ORDER BY id) FROM {Agency._meta.db_table} "
        f"WHERE id IN ({agencies})), "
        f"(SELECT string_agg(id || ':' || code, ',' ORDER BY id) FROM {Procedure._meta.db_table})",
        list(universe.agency_ids),
    )
    codes = cursor.fetchone()
    text = "\x1f".join([rendering, *(c or "" for c in codes)])
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big", signed=True)


#: A (run, kind) group's gaps summed up: how many, and the XOR of their fingerprints.
_Sums = dict[tuple[int, str], tuple[int, int]]


def _pair_sums(cursor: CursorWrapper, counts: dict[int, Counts]) -> _Sums:
    """One pass over the staged pairs: each run's gaps per kind and its dossiers with a gap that counts
    (into ``counts``), and per (run, kind) the count and XOR of the fingerprints that
    :func:`_merge_pairs` compares with the stored gaps'."""
    counted = sum(KIND_BITS[k] for k in counted_kinds() if k in KIND_BITS)
    per_kind = ", ".join(
        f"count(*) FILTER (WHERE (mask & {bit}) <> 0), bit_xor(fp) FILTER (WHERE (mask & {bit}) <> 0)"
        for bit in (KIND_BITS[k] for k in ROW_KINDS)
    )
    cursor.execute(
        f"SELECT run, count(*) FILTER (WHERE (mask & %s) <> 0), {per_kind} FROM {PAIRS} GROUP BY run",
        [counted],
    )
    sums: _Sums = {}
    for run_id, gap_dossiers, *groups in cursor.fetchall():
        counts[run_id].gap_dossiers = gap_dossiers
        for i, kind in enumerate(ROW_KINDS):
            n, xor = groups[2 * i], groups[2 * i + 1]
            if n:
                counts[run_id].gaps[kind] = n
                sums[(run_id, kind)] = (n, xor)
    return sums


def _stored_sums(cursor: CursorWrapper, gap_table: str, run_ids: list[int]) -> _Sums:
    """The runs' stored gaps per (run, kind): count and XOR of fingerprints — no XOR (so never equal to
    the staged pairs') for a group holding a gap without one (stored before fingerprints)."""
    mine, params = _row_kinds_of(run_ids)
    cursor.execute(
        f"SELECT g.run_id, g.kind, count(*), "
        f"CASE WHEN count(*) = count(g.fingerprint) THEN bit_xor(g.fingerprint) END "
        f"FROM {gap_table} g WHERE {mine} GROUP BY g.run_id, g.kind",
        params,
    )
    return {(run_id, kind): (n, xor) for run_id, kind, n, xor in cursor.fetchall()}


def _merge_pairs(
    cursor: CursorWrapper, gap_table: str, run_ids: list[int], render: _Render, staged: _Sums
) -> int:
    """Make the runs' gaps equal to the staged pairs' (:data:`PAIRS`, one row per flagged dossier and
    run, with its kinds' ``mask`` and fingerprint ``fp``), writing only the difference: delete the
    gaps no longer found, render and update those whose pair's fingerprint changed, render and insert
    the new ones (in the unique index's order).

    First each (run, kind) group is summed up on both sides (``staged``: :func:`_pair_sums`; the stored
    gaps, one aggregate): a group whose count and XOR of fingerprints are equal holds the same gaps —
    a fingerprint is a 64-bit hash of the pair's row, its run and code included, so two different
    sets of a group agree only by a 2⁻⁶⁴ accident, the same odds on which a single gap's fingerprint
    is trusted. Only the groups that differ are compared row by row: one hash full join of the pairs'
    (run, kind, code, fingerprint) with their stored gaps (a merge join would sort both sides by the
    dossier code's collation). A re-run of an unchanged month reads its gaps once and renders and
    writes nothing — no text formatting, no index entries, no foreign-key checks, no dead rows; a
    month where one system's copies changed compares only that system's groups. When the runs have
    no stored gaps yet (a month's first run) every pair is rendered and inserted, without the join.
    Returns the rows written."""
    columns = f"{GAP_COLUMNS}, fingerprint"
    stored = _stored_sums(cursor, gap_table, run_ids)
    if not stored:  # the month's first run: nothing to compare with, insert everything
        if not staged:
            return 0
        cursor.execute(
            f"INSERT INTO {gap_table} ({columns}) {render(None)} ORDER BY run_id, kind, dossier_code"
        )
        return cursor.rowcount
    differ = sorted(group for group in {*staged, *stored} if staged.get(group) != stored.get(group))
    if not differ:
        return 0
    groups = ", ".join(["(%s, %s)"] * len(differ))
    group_params = [x for group in differ for x in group]
    expanded = (
        f"SELECT f.run AS run_id, k.kind, f.code AS dossier_code, f.fp FROM {PAIRS} f "
        f"JOIN kinds k ON (f.mask & k.bit) <> 0 WHERE (f.run, k.kind) IN ({groups})"
    )
    same = " AND ".join(f"e.{c} = g.{c}" for c in _KEY)
    with local_settings(enable_mergejoin="off"):
        cursor.execute(
            f"CREATE TEMP TABLE {DIFF} AS WITH kinds AS ({_kinds()}) "
            f"SELECT g.id AS gap_id, e.run_id, e.kind, e.dossier_code FROM ({expanded}) e "
            f"FULL JOIN (SELECT g.id, g.run_id, g.kind, g.dossier_code, g.fingerprint FROM {gap_table} g "
            f"WHERE (g.run_id, g.kind) IN ({groups})) g ON {same} "
            "WHERE g.id IS NULL OR e.run_id IS NULL OR g.fingerprint IS DISTINCT FROM e.fp",
            [*group_params, *group_params],
        )
    cursor.execute(f"DELETE FROM {gap_table} WHERE id IN (SELECT gap_id FROM {DIFF} WHERE run_id IS NULL)")
    written = cursor.rowcount
    cursor.execute(f"CREATE TEMP TABLE {RENDERED} AS {render(DIFF)}")
    values = ", ".join(f"{c} = r.{c}" for c in (*_VALUES, "fingerprint"))
    cursor.execute(f"UPDATE {gap_table} g SET {values} FROM {RENDERED} r WHERE g.id = r.gap_id")
    written += cursor.rowcount
    cursor.execute(
        f"INSERT INTO {gap_table} ({columns}) SELECT {columns} FROM {RENDERED} "
        "WHERE gap_id IS NULL ORDER BY run_id, kind, dossier_code"
    )
    written += cursor.rowcount
    cursor.execute(f"DROP TABLE {DIFF}, {RENDERED}")
    return written


def _count_gaps(cursor: CursorWrapper, gap_table: str, run_ids: list[int], counts: dict[int, Counts]) -> None:
    """Each run's gaps per kind, and its dossiers with a gap that counts, from the gap table."""
    mine, params = _row_kinds_of(run_ids)
    where = mine.replace("g.", "")
    cursor.execute(
        f"SELECT run_id, kind, count(*) FROM {gap_table} WHERE {where} GROUP BY run_id, kind", params
    )
    for run_id, kind, n in cursor.fetchall():
        counts[run_id].gaps[kind] = n
    # Dossiers with a gap that counts (the matrix colour): suspicious flags are not gaps.
    kinds = counted_kinds()
    marks = ", ".join(["%s"] * len(kinds))
    cursor.execute(  # hashed, not sorted by the collation as count(DISTINCT …) would
        f"SELECT run_id, count(*) FROM (SELECT DISTINCT run_id, dossier_code FROM {gap_table} "
        f"WHERE {where} AND kind IN ({marks})) x GROUP BY run_id",
        [*params, *kinds],
    )
    for run_id, n in cursor.fetchall():
        counts[run_id].gap_dossiers = n


def compare(
    universe: Universe,
    thresholds: Thresholds | None = None,
    *,
    full_join: bool | None = None,
    concurrent_counts: bool = False,
    jit: bool = False,
) -> Comparison:
    """Replace the gaps of every run of the universe (the kinds of ``ROW_KINDS``) and return each run's
    counts.

    On PostgreSQL the flagged pairs are first staged with ``CREATE TEMP TABLE … AS`` — unlike
    ``INSERT … SELECT``, it may scan the sides with parallel workers — then merged into the gap table
    (only the gaps whose pair changed are rendered and written, :func:`_merge_pairs`); elsewhere the
    runs' gaps are deleted and re-inserted with ``INSERT … SELECT``. Either way in the caller's
    transaction.

    ``concurrent_counts``: the portal's side is committed data the caller's transaction has not
    changed (true of a reconciliation that is not nested in another transaction): on PostgreSQL its
    counts are then taken on a second connection while the comparison runs (:func:`_count_elsewhere`).

    ``jit``: compile the comparison statement (PostgreSQL, :data:`COMPARISON_SETTINGS`) — worth it for a
    province of a million dossiers or more, not below (the caller knows its previous size).
    """
    counts = {run_id: Counts() for run_id in universe.run_ids}
    comparison = Comparison(runs=counts)
    gap_table = Gap._meta.db_table
    if universe.empty:
        if counts:
            mine, params = _row_kinds_of(list(counts))
            with connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {gap_table} g WHERE {mine}", params)
                comparison.written = cursor.rowcount
        return comparison
    t = thresholds or Thresholds.from_settings()
    d = dialect(full_join)
    ctes, params = _ctes(universe, d, t)
    chain = _has_chain(universe)
    with transaction.atomic(), connection.cursor() as cursor:
        started = None
        if concurrent_counts and connection.vendor == "postgresql":
            started = _count_elsewhere(universe)
        if connection.vendor == "postgresql":
            render = partial(_render_pairs, d, t, chain, PAIRS)
            rendering = render(DIFF)  # what the pairs must carry, and what salts their fingerprints
            cursor.execute(f"DROP TABLE IF EXISTS {PAIRS}, {DIFF}, {RENDERED}")
            salt = _salt(cursor, universe, rendering)
            with local_settings(**(COMPARISON_SETTINGS if jit else {})):
                cursor.execute(
                    f"CREATE TEMP TABLE {PAIRS} AS {ctes} {_pair_select(rendering)}", [*params, salt]
                )
            staged = _pair_sums(cursor, counts)
            comparison.written = _merge_pairs(cursor, gap_table, list(counts), render, staged)
            cursor.execute(f"DROP TABLE {PAIRS}")
        else:
            insert, select = _insert_select(d, t, chain)
            mine, mine_params = _row_kinds_of(list(counts))
            cursor.execute(f"DELETE FROM {gap_table} WHERE {mine.replace('g.', '')}", mine_params)
            comparison.written = cursor.rowcount
            cursor.execute(f"{insert} {ctes} {select}", params)
            comparison.written += cursor.rowcount
            _count_gaps(cursor, gap_table, list(counts), counts)
        comparison.portal_counts = _portal_rows(cursor, universe, started)
        comparison.portal_total = _tally(universe, comparison.portal_counts, counts)
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
