"""The dossier store's statements, shared by every database; the dialects supply what differs.

Every statement runs on the caller's connection and inside the caller's transaction (one chunk,
one transaction): the store never commits. Rows are written in code order so that concurrent
chunks lock the same dossiers in the same order and cannot deadlock on them.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime

from django.db import connection

from ..models import Agency, ApologyLetter, Dossier, DossierEvent, Procedure
from .staging import (
    DOSSIER_MAP,
    EVENT_COLUMNS,
    EVENTS,
    PROGRESS,
    STAGED_COLUMNS,
    TABLES,
    VERSIONS,
    Version,
    history,
    stage_sql,
)

DOSSIERS = Dossier._meta.db_table
HISTORY = DossierEvent._meta.db_table
LETTERS = ApologyLetter._meta.db_table
LETTER_STAGE = "store_letters"
RATING_STAGE = "store_ratings"
#: Codes per ``IN (…)`` list where the database takes no array parameter.
IN_BATCH = 900


def _select_in(cursor, sql: str, values: Sequence) -> Iterator[tuple]:
    """The rows of ``sql`` (its ``{}`` the ``IN`` list) for ``values``, ``IN_BATCH`` at a time."""
    for i in range(0, len(values), IN_BATCH):
        part = values[i : i + IN_BATCH]
        cursor.execute(sql.format(", ".join(["%s"] * len(part))), part)
        yield from cursor.fetchall()


class DossierStore(ABC):
    """Bulk writes of dossiers (``tthc_dossier``), their history (``tthc_dossierevent``) and apology
    letters (``tthc_apologyletter``): the only code that names those tables in SQL.

    The state a dossier holds comes from one source at a time (``state_source``): a source that is
    not a portal outranks the portal's copy; among equals the newer state (``state_at``) wins, ties
    broken by source code — so the result does not depend on the order in which versions arrive.
    """

    # -- dialect: what a subclass may change ------------------------------------------------------
    #: SQL type of staged timestamps.
    ts_type = "timestamptz"
    #: SQL for "earlier than any time" (a dossier with no state yet).
    ts_min = "'-infinity'::timestamptz"
    #: SQL (on the upserted row ``t``) telling an inserted row from an updated one.
    inserted_flag = "(t.xmax = 0)"
    #: SQL turning staged seconds (``s.paused_seconds``) into the duration column's value.
    paused = "s.paused_seconds * interval '1 second'"
    #: Empties a staging table (a temporary table is never vacuumed: dead rows would pile up).
    clear_sql = "TRUNCATE {table}"
    #: Whether other connections may write the same dossiers between two statements of a chunk.
    concurrent = True
    #: The larger of two values (PostgreSQL's ``GREATEST``, SQLite's scalar ``max``).
    greatest = "GREATEST"
    #: How :meth:`hold_references` keeps the rows it reads until the transaction ends ("" where the
    #: database lets one writer in at a time).
    key_share = " FOR KEY SHARE"

    @abstractmethod
    def ts(self, value: str | None):
        """A ``yyyyMMddHHmmss`` Vietnam-time string as this database's timestamp value."""

    @abstractmethod
    def now(self):
        """The current time as this database stores it."""

    @abstractmethod
    def stage(self, table: str, columns: Sequence[str], rows: Iterable[tuple]) -> None:
        """Load ``rows`` into the temporary table ``table``."""

    @abstractmethod
    def reserve_ids(self, cursor, count: int) -> list[int]:
        """``count`` fresh dossier ids, reserved before the rows are written."""

    @abstractmethod
    def returning(self, column: str) -> str:
        """``column`` of the modified row ``t`` as this database's ``RETURNING`` clause names it."""

    @abstractmethod
    def flag_upsert(
        self, cursor, sql: str, params: list, *, exists: str, exists_params: list
    ) -> tuple[int, int]:
        """Run ``sql`` — an upsert ``INSERT … AS t … SELECT … FROM store_versions s … ON CONFLICT …`` of
        the staged versions into another table — and flag each staged version it inserted or updated
        (``won``; ``created`` when inserted). ``exists`` is a ``SELECT`` finding the target row of
        ``store_versions.code``, for databases that cannot tell an insert from an update afterwards.
        Returns (created, updated)."""

    def prepare(self, record: Version) -> None:  # noqa: B027 - optional hook, a no-op by default
        """Work that needs no database, done ahead (e.g. by a parsing thread or process)."""

    # -- staging ----------------------------------------------------------------------------------
    def create_stage(self, cursor) -> None:
        """The staging tables of a chunk, created once per connection and emptied."""
        for table, columns, types, extra in TABLES:
            self._temp(cursor, table, columns, types, extra)

    def _temp(self, cursor, table: str, columns, types, extra: str = "") -> None:
        cols = ", ".join(f"{c} {t.format(ts=self.ts_type)}" for c, t in zip(columns, types, strict=True))
        cursor.execute(f"CREATE TEMP TABLE IF NOT EXISTS {table} ({cols}{extra})")
        cursor.execute(self.clear_sql.format(table=table))

    def stage_versions(
        self, records: list[Version], ids: dict[str, int], held: set[str] = frozenset()
    ) -> None:
        """Stage ``records`` with their dossier ids; ``held``: codes whose dossier holds a state these
        versions can never outrank (:meth:`held_by_sources`), left out of :meth:`upsert_dossiers`."""
        self.stage(
            VERSIONS,
            STAGED_COLUMNS,
            [(ids[r.code], *self.version_values(r), r.code in held, self.ts(r.floor)) for r in records],
        )

    def stage_history(self, records: list[Version], ids: dict[str, int | None]) -> bool:
        """Stage the history of ``records`` whose dossier exists (id not ``None``); False if none."""
        ts = self.ts
        rows = [
            (ids[r.code], ts(at), *rest, ts(due))
            for r in records
            if ids[r.code] is not None
            for at, *rest, due in history(r)
        ]
        if rows:
            self.stage(EVENTS, EVENT_COLUMNS, rows)
        return bool(rows)

    def version_values(self, r: Version) -> tuple:
        """A staged version's values after ``dossier_id``."""
        ts = self.ts
        return (
            r.code,
            r.procedure_id,
            r.agency_id,
            r.handling_agency_id,
            r.handling_unit,
            r.handling_officer,
            r.channel,
            r.applicant_kind,
            r.applicant_name,
            r.summary,
            r.status,
            r.previous_status,
            ts(r.submitted_at),
            ts(r.received_at),
            ts(r.due_at),
            ts(r.finished_at),
            ts(r.returned_at),
            ts(r.refused_at),
            r.digitised,
            r.e_result,
            r.data_reused,
            r.personal_store,
            r.population,
            r.payment_kind,
            r.fee_amount,
            r.supplement_count,
            r.paused_seconds,
            r.progress_steps,
            ts(r.event_at),
            r.digest,
            r.filing_place,
            r.correction,
        )

    # -- reference data -----------------------------------------------------------------------------
    def hold_references(self, cursor, agencies: Iterable[int], procedures: Iterable[int]) -> list[str]:
        """Hold these agencies and procedures until the transaction ends, as a foreign key's check
        would (``FOR KEY SHARE``: they cannot be deleted meanwhile, their other columns may change),
        and describe those that do not exist. One statement per table and chunk, for tables whose
        rows name them without a database constraint (ADR 0020)."""
        problems = []
        for model, wanted in ((Agency, agencies), (Procedure, procedures)):
            ids = sorted({i for i in wanted if i is not None})
            sql = f"SELECT id FROM {model._meta.db_table} WHERE id IN ({{}}) ORDER BY id{self.key_share}"
            found = {pk for (pk,) in _select_in(cursor, sql, ids)}
            lost = [i for i in ids if i not in found]
            if lost:
                shown = ", ".join(map(str, lost[:10])) + (", …" if len(lost) > 10 else "")
                problems.append(f"{model.__name__.lower()} ids {shown} no longer exist")
        return problems

    # -- ids ----------------------------------------------------------------------------------------
    def existing(self, cursor, codes: list[str]) -> dict[str, tuple[int, str]]:
        """``(id, state source)`` of the dossiers with these codes that exist."""
        sql = f"SELECT code, id, state_source FROM {DOSSIERS} WHERE code IN ({{}})"
        return {code: (pk, source) for code, pk, source in _select_in(cursor, sql, codes)}

    def existing_ids(self, cursor, codes: list[str]) -> dict[str, int]:
        """The ids of the dossiers with these codes that exist."""
        return {code: pk for code, (pk, _) in self.existing(cursor, codes).items()}

    @staticmethod
    def held_by_sources(
        found: dict[str, tuple[int, str]], source: str, portal_codes: Sequence[str]
    ) -> set[str]:
        """Of the dossiers ``found``, those a portal's version can never outrank: their state comes from
        another kind of source. (Skipping them spares the row locks of a no-op upsert.)"""
        if source not in portal_codes:
            return set()
        return {code for code, (_, state_source) in found.items() if state_source not in portal_codes}

    def current_ids(self, cursor, codes: set[str]) -> dict[str, int | None]:
        """Codes → their dossier's id now, ``None`` for no dossier (after a reserved id went unused:
        a concurrent chunk created the dossier first, or the version lost to a stored one)."""
        found = self.existing_ids(cursor, sorted(codes))
        return {code: found.get(code) for code in codes}

    # -- dossiers -----------------------------------------------------------------------------------
    def _outranks(self, source: str, portal_codes: Sequence[str]) -> tuple[str, list]:
        """SQL and parameters: the incoming state (``excluded``) may replace the dossier's (``t``). A version
        of the source that holds the dossier always does: it reaches here only after winning that
        source's copy, whose precedence (:meth:`newer_version`, ADR 0013) already decided it."""
        codes = list(portal_codes) or [""]
        marks = ", ".join(["%s"] * len(codes))
        sql = (
            f"((%s, excluded.state_at, excluded.state_source) > "
            f"(CASE WHEN t.state_source IN ({marks}) THEN 0 ELSE 1 END, COALESCE(t.state_at, {self.ts_min}), "
            f"t.state_source) OR excluded.state_source = t.state_source)"
        )
        return sql, [0 if source in codes else 1, *codes]

    def upsert_dossiers(self, cursor, source: str, portal_codes: Sequence[str]) -> set[str]:
        """Write the staged versions flagged ``won`` as the dossiers' state where it outranks the stored
        one (see the class); returns the codes of the dossiers inserted."""
        now = self.now()
        targets = [c for c, _ in DOSSIER_MAP]
        exprs = [
            ("s." + e) if not e.startswith("{") else e.format(paused=self.paused) for _, e in DOSSIER_MAP
        ]
        sets = ", ".join(
            f"{c} = COALESCE(excluded.{c}, t.{c})" if c == "filing_place" else f"{c} = excluded.{c}"
            for c in (*targets, "state_source", "updated_at")
        )
        outranks, params = self._outranks(source, portal_codes)
        cursor.execute(
            f"INSERT INTO {DOSSIERS} AS t (id, code, {', '.join(targets)}, state_source, satisfaction, "
            f"has_complaint, created_at, updated_at) "
            f"SELECT s.dossier_id, s.code, {', '.join(exprs)}, %s, NULL, %s, %s, %s FROM {VERSIONS} s "
            f"WHERE s.won AND NOT s.held ORDER BY s.code "
            f"ON CONFLICT (code) DO UPDATE SET {sets} WHERE {outranks} "
            f"RETURNING {self.returning('code')}, {self.inserted_flag}",
            [source, False, now, now, *params],
        )
        return {code for code, fresh in cursor.fetchall() if fresh}

    def copy_new_history(
        self, cursor, records: list[Version], ids: dict[str, int | None], source: str
    ) -> bool:
        """Write the history of ``records`` whose dossiers this transaction inserted (each code once),
        without conflict checks; False when this database has no faster path than
        :meth:`stage_history` + :meth:`insert_events` (the caller then uses those)."""
        return False

    def insert_events(self, cursor, source: str) -> None:
        """The staged history, each step once (natural key: dossier, time, status)."""
        cursor.execute(
            f"INSERT INTO {HISTORY} (dossier_id, at, from_status, to_status, unit, officer, officer_title, "
            "note, due_at, source, created_at) SELECT e.dossier_id, e.at, e.from_status, e.to_status, e.unit, "
            f"e.officer, e.officer_title, e.note, e.due_at, %s, %s FROM {EVENTS} e WHERE 1 = 1 "  # WHERE: SQLite's upsert rule
            "ORDER BY e.dossier_id, e.at, e.to_status "
            "ON CONFLICT (dossier_id, at, to_status) DO NOTHING",
            [source, self.now()],
        )

    def advance(self, cursor, source: str, portal_codes: Sequence[str]) -> None:
        """Apply the staged progress steps flagged ``won`` to the dossiers whose state they outrank:
        status and state time, and the finish / return time a terminal step sets."""
        codes = list(portal_codes) or [""]
        marks = ", ".join(["%s"] * len(codes))
        cursor.execute(
            f"UPDATE {DOSSIERS} AS t SET status = p.to_status, "
            "finished_at = CASE WHEN t.received_at IS NULL OR p.fin_at >= t.received_at "
            "THEN COALESCE(t.finished_at, p.fin_at) ELSE t.finished_at END, "
            "returned_at = COALESCE(t.returned_at, p.ret_at), "
            "state_at = p.at, state_source = %s, updated_at = %s "
            f"FROM {PROGRESS} p WHERE p.won AND t.id = p.dossier_id AND "
            f"((%s, p.at, %s) > (CASE WHEN t.state_source IN ({marks}) THEN 0 ELSE 1 END, "
            f"COALESCE(t.state_at, {self.ts_min}), t.state_source) "
            "OR t.state_source = %s)",
            [source, self.now(), 0 if source in codes else 1, source, *codes, source],
        )

    def newer_version(self, new: dict[str, str], old: dict[str, str]) -> str:
        """SQL: the version ``new`` replaces the stored ``old`` of the same source (ADR 0013). Both map
        ``status``, ``at``, ``digest`` to SQL expressions; ``new`` may map ``correction`` (a boolean
        expression) and ``old`` maps ``floor`` (the newest time a correction replaced, or NULL).
        The twin of :func:`tthc.store.staging.supersedes`."""
        a, b = stage_sql(new["status"]), stage_sql(old["status"])
        ordered = (
            f"({new['at']}, {new['digest']}) > ({old['at']}, {old['digest']}) "
            f"AND {new['at']} > COALESCE({old['floor']}, {self.ts_min})"
        )
        if "correction" in new:
            ordered = (
                f"CASE WHEN {new['correction']} THEN {new['digest']} <> {old['digest']} ELSE {ordered} END"
            )
        return f"(CASE WHEN {a} <> {b} THEN {a} > {b} ELSE {ordered} END)"

    def floor_after(self, new: dict[str, str], old: dict[str, str]) -> str:
        """SQL: the stored copy's ``floor`` once ``new`` replaced ``old``: on a change of stage, what the
        chunk left (``new['floor']``, a correction in the same chunk, or NULL); raised to the replaced
        version's time by a correction; kept otherwise — never below what the chunk left."""
        a, b = stage_sql(new["status"]), stage_sql(old["status"])
        g = self.greatest
        fresh = new.get("floor", "NULL")
        kept = old["floor"]
        if fresh != "NULL":  # the larger of two values that may be NULL
            kept = f"{g}(COALESCE({kept}, {fresh}), COALESCE({fresh}, {kept}))"
        raised = f"{g}({old['at']}, COALESCE({old['floor']}, {old['at']}), COALESCE({fresh}, {old['at']}))"
        correction = f"WHEN {new['correction']} THEN {raised} " if "correction" in new else ""
        return f"(CASE WHEN {a} <> {b} THEN {fresh} {correction}ELSE {kept} END)"

    def flag_returning(self, cursor, sql: str, params: list, table: str) -> int:
        """Run ``sql`` (an ``UPDATE`` or upsert of another table from the staged rows of ``table``)
        returning the codes it wrote, and flag those staged rows ``won``; returns how many."""
        cursor.execute(f"{sql} RETURNING {self.returning('code')}", params)
        won = [row[0] for row in cursor.fetchall()]
        for i in range(0, len(won), IN_BATCH):
            part = won[i : i + IN_BATCH]
            cursor.execute(
                f"UPDATE {table} SET won = true WHERE code IN ({', '.join(['%s'] * len(part))})", part
            )
        return len(won)

    # -- apology letters and ratings (back-fills: the sync format carries neither) -----------------
    def add_apology_letters(self, rows: Iterable[tuple[str, datetime, str, datetime, datetime, str]]) -> int:
        """Apology letters ``(dossier code, issued_at, reason, original_due_at, new_due_at, issued_by)``
        of existing dossiers; a dossier that has one keeps it. Returns the letters added."""
        rows = sorted(rows)
        if not rows:
            return 0
        columns = ("code", "issued_at", "reason", "original_due_at", "new_due_at", "issued_by")
        types = ("text", "{ts}", "text", "{ts}", "{ts}", "text")
        with connection.cursor() as cursor:
            self._temp(cursor, LETTER_STAGE, columns, types)
            self.stage(
                LETTER_STAGE,
                columns,
                [
                    (code, *(self.datetime(v) if i in (0, 2, 3) else v for i, v in enumerate(rest)))
                    for code, *rest in rows
                ],
            )
            cursor.execute(
                f"INSERT INTO {LETTERS} (dossier_id, issued_at, reason, original_due_at, new_due_at, issued_by, "
                f"created_at) SELECT d.id, s.issued_at, s.reason, s.original_due_at, s.new_due_at, s.issued_by, %s "
                f"FROM {LETTER_STAGE} s JOIN {DOSSIERS} d ON d.code = s.code WHERE 1 = 1 ORDER BY d.id "
                "ON CONFLICT (dossier_id) DO NOTHING",
                [self.now()],
            )
            return max(cursor.rowcount, 0)

    def set_ratings(self, rows: Iterable[tuple[str, int | None, bool]]) -> int:
        """Satisfaction ratings and complaints ``(dossier code, satisfaction or None, has_complaint)``
        of existing dossiers; only differing rows are written. Returns the dossiers changed."""
        rows = sorted(rows)
        if not rows:
            return 0
        columns = ("code", "satisfaction", "has_complaint")
        with connection.cursor() as cursor:
            self._temp(cursor, RATING_STAGE, columns, ("text", "smallint", "boolean"))
            self.stage(RATING_STAGE, columns, rows)
            cursor.execute(
                f"UPDATE {DOSSIERS} AS t SET satisfaction = s.satisfaction, has_complaint = s.has_complaint, "
                f"updated_at = %s FROM {RATING_STAGE} s WHERE t.code = s.code "
                "AND (t.satisfaction IS DISTINCT FROM s.satisfaction OR t.has_complaint <> s.has_complaint)",
                [self.now()],
            )
            return max(cursor.rowcount, 0)

    def datetime(self, value: datetime):
        """An aware datetime as this database's timestamp value."""
        return connection.ops.adapt_datetimefield_value(value)
