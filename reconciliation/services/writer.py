"""Set-based writes of one validated chunk: staging table, then a few ``INSERT … ON CONFLICT``.

Order of a chunk (one transaction; rows sorted by dossier code so that concurrent batches lock
rows in the same order and cannot deadlock on them):

1. Resolve dossier ids: existing ``tthc_dossier`` ids by code; new dossiers get ids reserved from the
   table's sequence up front, so every staged row already carries its final id (no second pass).
2. Stage the chunk (PostgreSQL: ``COPY`` into a temporary table; SQLite: ``executemany``).
3. Upsert what this source saw (``SourceDossier``, key ``(source, code)``). A version replaces the
   stored one only when ``(event_at, digest)`` is greater: same payload ⇒ no write (``unchanged``),
   an older state arriving late never wins, and ties resolve the same way in any arrival order.
   The rows that won are flagged in the staging table (PostgreSQL: ``RETURNING (xmax = 0)`` tells
   created from updated; SQLite, a single writer, decides before the upsert).
4. Propagate winners to the platform's ``Dossier`` (the authoritative state the index reads): a
   non-portal source always outranks the portal's copy; among equals the newer ``state_at`` wins,
   ties broken by source code — again independent of arrival order.
5. Insert the history (``DossierEvent``) with ``ON CONFLICT DO NOTHING`` on its natural key.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import UTC, datetime, timedelta

from django.db import connection

from ..adapters.fields import TERMINAL, DossierRecord, Event, to_datetime

VN_OFFSET = timedelta(hours=7)

STAGE_COLUMNS = (
    "dossier_id", "code", "procedure_id", "agency_id", "handling_agency_id", "handling_unit", "handling_officer",
    "channel", "applicant_kind", "applicant_name", "summary", "status", "previous_status", "submitted_at",
    "received_at", "due_at", "finished_at", "returned_at", "refused_at", "digitised", "e_result", "data_reused",
    "personal_store", "population", "payment_kind", "fee_amount", "supplement_count", "paused_seconds",
    "progress_steps", "event_at", "digest",
)
_STAGE_TYPES = (
    "bigint", "text", "bigint", "bigint", "bigint", "text", "text", "smallint", "smallint", "text", "text", "smallint",
    "smallint", "{ts}", "{ts}", "{ts}", "{ts}", "{ts}", "{ts}", "boolean", "boolean", "boolean", "boolean", "boolean",
    "smallint", "bigint", "integer", "bigint", "integer", "{ts}", "text",
)
EVENT_COLUMNS = ("dossier_id", "at", "from_status", "to_status", "unit", "officer", "officer_title", "note")
_EVENT_TYPES = ("bigint", "{ts}", "smallint", "smallint", "text", "text", "text", "text")
PROGRESS_COLUMNS = ("code", "dossier_id", "at", "to_status", "digest", "steps", "fin_at", "ret_at")
_PROGRESS_TYPES = ("text", "bigint", "{ts}", "smallint", "text", "integer", "{ts}", "{ts}")
_DATES = frozenset(("submitted_at", "received_at", "due_at", "finished_at", "returned_at", "refused_at", "event_at"))
_SD_STATE = ("agency_id", "procedure_id", "status", "channel", "received_at", "due_at", "finished_at", "returned_at",
             "progress_steps", "event_at", "digest")
_DOSSIER_MAP = (  # tthc_dossier column ← staging expression
    ("procedure_id", "procedure_id"), ("receiving_agency_id", "agency_id"),
    ("handling_agency_id", "handling_agency_id"), ("handling_unit", "handling_unit"),
    ("handling_officer", "handling_officer"), ("channel", "channel"), ("applicant_kind", "applicant_kind"),
    ("applicant_name", "applicant_name"), ("summary", "summary"), ("status", "status"),
    ("submitted_at", "submitted_at"), ("received_at", "received_at"), ("due_at", "due_at"),
    ("finished_at", "finished_at"), ("returned_at", "returned_at"), ("refused_at", "refused_at"),
    ("has_digitised_components", "digitised"), ("has_electronic_result", "e_result"),
    ("data_reused", "data_reused"), ("linked_personal_store", "personal_store"),
    ("population_data_used", "population"), ("payment_kind", "payment_kind"), ("fee_amount", "fee_amount"),
    ("supplement_count", "supplement_count"), ("paused_duration", "{paused}"), ("state_at", "event_at"),
)


class Writer(ABC):
    """Backend-neutral statements; subclasses supply staging, id reservation and dialect bits."""

    ts_type = "timestamptz"
    returning_code = "t.code"
    inserted_flag = "(t.xmax = 0)"
    ts_min = "'-infinity'::timestamptz"
    paused = "s.paused_seconds * interval '1 second'"
    clear_sql = "TRUNCATE {table}"  # not DELETE: a temporary table is never vacuumed, dead rows would pile up
    # Staged history only points at dossiers that exist (ids re-read after a lost reservation); SQLite
    # keeps a join because its single writer does not re-point (see ``repoint``).
    events_join = ""

    def __init__(self, source, batch, portal_codes: list[str]):
        self.source = source
        self.batch = batch
        self.portal_codes = list(portal_codes) or [""]
        self.rank = 0 if source.code in portal_codes else 1

    # -- dialect hooks ----------------------------------------------------------------------------
    @abstractmethod
    def ts(self, value: str | None):
        """A normalised ``yyyyMMddHHmmss`` Vietnam-time string as this database's timestamp value."""

    @abstractmethod
    def now(self):
        """The current time as this database stores it."""

    @abstractmethod
    def stage(self, table: str, columns, rows) -> None:
        """Load ``rows`` into the temporary table ``table``."""

    @abstractmethod
    def reserve_ids(self, cursor, count: int) -> list[int]:
        """``count`` fresh ``tthc_dossier`` ids, reserved before the rows are written."""

    @abstractmethod
    def flag_winners(self, cursor) -> tuple[int, int]:
        """Upsert the staged source copies, flag the staged rows that won; (created, updated)."""

    # -- shared -----------------------------------------------------------------------------------
    def _create_temp(self, cursor) -> None:
        for table, columns, types, extra in (
            ("ingest_stage", STAGE_COLUMNS, _STAGE_TYPES, ", won boolean DEFAULT false, created boolean DEFAULT false"),
            ("ingest_events", EVENT_COLUMNS, _EVENT_TYPES, ""),
            ("ingest_progress", PROGRESS_COLUMNS, _PROGRESS_TYPES, ", won boolean DEFAULT false"),
        ):
            cols = ", ".join(f"{c} {t.format(ts=self.ts_type)}" for c, t in zip(columns, types, strict=True))
            cursor.execute(f"CREATE TEMP TABLE IF NOT EXISTS {table} ({cols}{extra})")
            cursor.execute(self.clear_sql.format(table=table))

    def _ids(self, cursor, codes: list[str]) -> dict[str, int]:
        """Existing dossier ids by code."""
        ids: dict[str, int] = {}
        for i in range(0, len(codes), 900):
            part = codes[i:i + 900]
            cursor.execute(
                f"SELECT code, id FROM tthc_dossier WHERE code IN ({', '.join(['%s'] * len(part))})", part
            )
            ids.update(cursor.fetchall())
        return ids

    def _outranks(self) -> str:
        """SQL: the incoming state (``excluded``) may replace the dossier's current state (``t``)."""
        marks = ", ".join(["%s"] * len(self.portal_codes))
        return (
            f"((%s, excluded.state_at, excluded.state_source) > "
            f"(CASE WHEN t.state_source IN ({marks}) THEN 0 ELSE 1 END, COALESCE(t.state_at, {self.ts_min}), "
            f"t.state_source) OR (excluded.state_source = t.state_source AND excluded.state_at >= t.state_at))"
        )

    def _outranks_params(self) -> list:
        return [self.rank, *self.portal_codes]

    def write_dossiers(self, records: list[DossierRecord], stale: list[DossierRecord]) -> tuple[int, int]:
        """Write one chunk of de-duplicated records (plus the history of superseded duplicates)."""
        with connection.cursor() as cursor:
            self._create_temp(cursor)
            records.sort(key=lambda r: r.code)
            ids = self._ids(cursor, [r.code for r in records])
            missing = [r.code for r in records if r.code not in ids]
            ids.update(zip(missing, self.reserve_ids(cursor, len(missing)), strict=True))
            self.stage_dossiers(records, ids)
            created, updated = self.flag_winners(cursor)
            inserted = self._upsert_dossiers(cursor) if created or updated else set()
            ids.update(self.repoint(cursor, set(missing) - inserted))
            if self.stage_history([*records, *stale], ids):
                self._insert_events(cursor)
        return created, updated

    def prepare(self, record: DossierRecord) -> None:  # noqa: B027 - optional hook, a no-op by default
        """Work that needs no database, done by the parsing thread (see ``PostgresWriter``)."""

    def stage_dossiers(self, records: list[DossierRecord], ids: dict) -> None:
        self.stage("ingest_stage", STAGE_COLUMNS, [self._stage_row(ids[r.code], r) for r in records])

    def stage_history(self, records: list[DossierRecord], ids: dict) -> bool:
        rows = [(ids[r.code], *values) for r in records if ids[r.code] is not None for values in self._event_values(r)]
        if rows:
            self.stage("ingest_events", EVENT_COLUMNS, rows)
        return bool(rows)

    def _stage_row(self, dossier_id: int, r: DossierRecord) -> tuple:
        return (dossier_id, *self._stage_values(r))

    def _stage_values(self, r: DossierRecord) -> tuple:
        ts = self.ts
        return (
            r.code, r.procedure_id, r.agency_id, r.handling_agency_id, r.handling_unit,
            r.handling_officer, r.channel, r.applicant_kind, r.applicant_name, r.summary, r.status, r.previous_status,
            ts(r.submitted_at), ts(r.received_at), ts(r.due_at), ts(r.finished_at), ts(r.returned_at),
            ts(r.refused_at), r.digitised, r.e_result, r.data_reused, r.personal_store, r.population,
            r.payment_kind, r.fee_amount, r.supplement_count, r.paused_seconds, r.progress_steps, ts(r.event_at),
            r.digest,
        )

    def _event_values(self, r: DossierRecord):
        ts = self.ts
        reported = False
        for e in r.events:
            reported = reported or e.to_status == r.status
            yield (ts(e.at), e.from_status, e.to_status, e.unit, e.officer, e.officer_title, e.note)
        if not reported:  # the status change itself, at the record's latest event time
            yield (ts(r.event_at), r.previous_status, r.status, "", "", "", "")

    def sd_upsert_sql(self, where_won: str = "") -> str:
        cols = ("source_id", "code", "dossier_id", "agency_id", "procedure_id", "status", "previous_status", "channel",
                "received_at", "due_at", "finished_at", "returned_at", "progress_steps", "event_at", "synced_at",
                "digest", "batch_id")
        values = ", ".join("%s" if c in ("source_id", "synced_at", "batch_id") else f"s.{c}" for c in cols)
        sets = ", ".join(f"{c} = excluded.{c}" for c in ("dossier_id", *_SD_STATE, "synced_at", "batch_id"))
        return (
            f"INSERT INTO reconciliation_sourcedossier AS t ({', '.join(cols)}) "
            f"SELECT {values} FROM ingest_stage s WHERE {where_won or '1 = 1'} ORDER BY s.code "
            f"ON CONFLICT (source_id, code) DO UPDATE SET "
            f"previous_status = CASE WHEN excluded.status <> t.status THEN t.status "
            f"ELSE COALESCE(t.previous_status, excluded.previous_status) END, {sets} "
            f"WHERE (excluded.event_at, excluded.digest) > (t.event_at, t.digest)"
        )

    def sd_upsert_params(self) -> list:
        return [self.source.pk, self.now(), self.batch.pk]

    def _upsert_dossiers(self, cursor) -> set[str]:
        """Returns the codes of the dossiers this statement inserted."""
        now = self.now()
        targets = [c for c, _ in _DOSSIER_MAP]
        exprs = [("s." + e) if not e.startswith("{") else e.format(paused=self.paused) for _, e in _DOSSIER_MAP]
        sets = ", ".join(f"{c} = excluded.{c}" for c in (*targets, "state_source", "updated_at"))
        sql = (
            f"INSERT INTO tthc_dossier AS t (id, code, {', '.join(targets)}, state_source, satisfaction, "
            f"has_complaint, created_at, updated_at) "
            f"SELECT s.dossier_id, s.code, {', '.join(exprs)}, %s, NULL, %s, %s, %s FROM ingest_stage s "
            f"WHERE s.won ORDER BY s.code "
            f"ON CONFLICT (code) DO UPDATE SET {sets} WHERE {self._outranks()}"
        )
        params = [self.source.code, False, now, now, *self._outranks_params()]
        cursor.execute(sql + " RETURNING code, " + self.inserted_flag, params)
        return {code for code, fresh in cursor.fetchall() if fresh}

    def repoint(self, cursor, lost: set[str]) -> dict[str, int | None]:
        """Codes whose reserved id went unused → their dossier's real id (``None``: no dossier).

        Only concurrent writers (``PostgresWriter``) can lose a reserved id to another batch; with a
        single writer an unused id means the record lost to a stored version, whose dossier exists.
        """
        return {}

    def _insert_events(self, cursor) -> None:
        cursor.execute(
            "INSERT INTO tthc_dossierevent (dossier_id, at, from_status, to_status, unit, officer, officer_title, "
            "note, source, created_at) SELECT e.dossier_id, e.at, e.from_status, e.to_status, e.unit, e.officer, "
            f"e.officer_title, e.note, %s, %s FROM ingest_events e {self.events_join} "
            "ORDER BY e.dossier_id, e.at, e.to_status "
            "ON CONFLICT (dossier_id, at, to_status) DO NOTHING",
            [self.source.code, self.now()],
        )

    # -- progress steps (CapNhatTienDoHoSoMC) -----------------------------------------------------
    def write_progress(self, items: list) -> tuple[int, set[str]]:
        """Apply progress steps ``(index, ProgressRecord)``; returns (updated, codes unknown to this source).

        A step newer than what the source last reported advances its state (status, event time,
        finish/return time on a terminal status) and, by the same ranking rule, the dossier's; every
        step lands in the history.
        """
        with connection.cursor() as cursor:
            self._create_temp(cursor)
            codes = sorted({p.code for _, p in items})
            known = {}
            for i in range(0, len(codes), 900):
                part = codes[i:i + 900]
                cursor.execute(
                    "SELECT code, dossier_id, status, event_at, digest FROM reconciliation_sourcedossier "
                    f"WHERE source_id = %s AND code IN ({', '.join(['%s'] * len(part))})",
                    [self.source.pk, *part],
                )
                known.update({row[0]: row[1:] for row in cursor.fetchall()})
            missing = {c for c in codes if c not in known or known[c][0] is None}
            by_code: dict[str, list] = {}
            for _, p in items:
                if p.code not in missing:
                    by_code.setdefault(p.code, []).append(p)
            top, events = [], []
            for code in sorted(by_code):
                steps = sorted(by_code[code], key=lambda p: (p.event.at, p.digest))
                dossier_id, previous = known[code][0], None
                for p in steps:
                    e: Event = p.event
                    events.append((dossier_id, self.ts(e.at), previous, e.to_status, e.unit, e.officer,
                                   e.officer_title, e.note))
                    previous = e.to_status
                last = steps[-1]
                finished = min((p.event.at for p in steps if p.event.to_status in TERMINAL), default=None)
                returned = min((p.event.at for p in steps if p.event.to_status == 10), default=None)
                top.append((code, dossier_id, self.ts(last.event.at), last.event.to_status, last.digest,
                            len({(p.event.at, p.event.to_status) for p in steps}), self.ts(finished), self.ts(returned)))
            updated = self._apply_progress(cursor, top) if top else 0
            if events:
                self.stage("ingest_events", EVENT_COLUMNS, events)
                self._insert_events(cursor)
        return updated, missing

    def _apply_progress(self, cursor, top: list[tuple]) -> int:
        self.stage("ingest_progress", PROGRESS_COLUMNS, top)
        now = self.now()
        cursor.execute(
            "UPDATE reconciliation_sourcedossier AS t SET "
            "previous_status = CASE WHEN p.to_status <> t.status THEN t.status ELSE t.previous_status END, "
            "status = p.to_status, event_at = p.at, digest = p.digest, progress_steps = t.progress_steps + p.steps, "
            "finished_at = CASE WHEN t.received_at IS NULL OR p.fin_at >= t.received_at "
            "THEN COALESCE(t.finished_at, p.fin_at) ELSE t.finished_at END, "
            "returned_at = COALESCE(t.returned_at, p.ret_at), synced_at = %s, batch_id = %s "
            "FROM ingest_progress p WHERE t.source_id = %s AND t.code = p.code "
            f"AND (p.at, p.digest) > (t.event_at, t.digest) RETURNING {self.returning_code}",
            [now, self.batch.pk, self.source.pk],
        )
        won = [row[0] for row in cursor.fetchall()]
        for i in range(0, len(won), 900):
            part = won[i:i + 900]
            cursor.execute(f"UPDATE ingest_progress SET won = true WHERE code IN ({', '.join(['%s'] * len(part))})", part)
        updated = len(won)
        marks = ", ".join(["%s"] * len(self.portal_codes))
        cursor.execute(
            "UPDATE tthc_dossier AS t SET status = p.to_status, "
            "finished_at = CASE WHEN t.received_at IS NULL OR p.fin_at >= t.received_at "
            "THEN COALESCE(t.finished_at, p.fin_at) ELSE t.finished_at END, "
            "returned_at = COALESCE(t.returned_at, p.ret_at), "
            "state_at = p.at, state_source = %s, updated_at = %s "
            "FROM ingest_progress p WHERE p.won AND t.id = p.dossier_id AND "
            f"((%s, p.at, %s) > (CASE WHEN t.state_source IN ({marks}) THEN 0 ELSE 1 END, "
            f"COALESCE(t.state_at, {self.ts_min}), t.state_source) "
            "OR (t.state_source = %s AND p.at >= t.state_at))",
            [self.source.code, now, self.rank, self.source.code, *self.portal_codes, self.source.code],
        )
        return updated


_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text_value(value: str) -> str:
    if "\\" in value or not value.isprintable():
        return value.translate(_ESCAPES)
    return value


def _copy_int(value) -> str:
    return "\\N" if value is None else value if value.__class__ is str else str(value)



class PostgresWriter(Writer):
    """PostgreSQL: ``COPY`` into temporary tables, ``xmax = 0`` tells inserted rows from updated ones."""

    def ts(self, value):
        if value is None:
            return None
        return f"{value[:4]}-{value[4:6]}-{value[6:8]} {value[8:10]}:{value[10:12]}:{value[12:14]}+07"

    def now(self):
        return datetime.now(UTC)

    def stage(self, table, columns, rows) -> None:
        with connection.cursor() as cursor:
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)

    def _copy_text(self, table, columns, text: str) -> None:
        with connection.cursor() as cursor:
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                copy.write(text.encode())

    def prepare(self, record):
        """Render the COPY text of the record and its history (all but the dossier id) in the parsing
        thread, so the database thread only joins strings. One f-string per row: this runs for every
        record of every file."""
        r, ts, t, n = record, self.ts, _copy_text_value, _copy_int
        stage = (
            f"{t(r.code)}\t{r.procedure_id}\t{r.agency_id}\t{n(r.handling_agency_id)}\t{t(r.handling_unit)}\t"
            f"{t(r.handling_officer)}\t{r.channel}\t{r.applicant_kind}\t{t(r.applicant_name)}\t{t(r.summary)}\t"
            f"{r.status}\t{n(r.previous_status)}\t{n(ts(r.submitted_at))}\t{n(ts(r.received_at))}\t"
            f"{n(ts(r.due_at))}\t{n(ts(r.finished_at))}\t{n(ts(r.returned_at))}\t{n(ts(r.refused_at))}\t"
            f"{'t' if r.digitised else 'f'}\t{'t' if r.e_result else 'f'}\t{'t' if r.data_reused else 'f'}\t"
            f"{'t' if r.personal_store else 'f'}\t{'t' if r.population else 'f'}\t{r.payment_kind}\t{r.fee_amount}\t"
            f"{r.supplement_count}\t{r.paused_seconds}\t{r.progress_steps}\t{ts(r.event_at)}\t{r.digest}"
        )
        events = [f"{at}\t{n(frm)}\t{to}\t{t(unit)}\t{t(officer)}\t{t(title)}\t{t(note)}"
                  for at, frm, to, unit, officer, title, note in self._event_values(r)]
        record.rendered = (stage, events)
        record.events = ()  # rendered: free the objects (memory stays flat whatever the file size)

    def stage_dossiers(self, records, ids):
        for r in records:
            if r.rendered is None:
                self.prepare(r)
        self._copy_text("ingest_stage", STAGE_COLUMNS, "".join(f"{ids[r.code]}\t{r.rendered[0]}\n" for r in records))

    def stage_history(self, records, ids):
        lines = []
        for r in records:
            dossier_id = ids[r.code]
            if dossier_id is None:
                continue
            if r.rendered is None:
                self.prepare(r)
            lines.extend(f"{dossier_id}\t{text}\n" for text in r.rendered[1])
        if lines:
            self._copy_text("ingest_events", EVENT_COLUMNS, "".join(lines))
        return bool(lines)

    def _ids(self, cursor, codes):
        cursor.execute("SELECT code, id FROM tthc_dossier WHERE code = ANY(%s)", [codes])
        return dict(cursor.fetchall())

    def reserve_ids(self, cursor, count):
        if not count:
            return []
        cursor.execute("SELECT nextval(pg_get_serial_sequence('tthc_dossier', 'id')) FROM generate_series(1, %s)",
                       [count])
        return [row[0] for row in cursor.fetchall()]

    def flag_winners(self, cursor):
        cursor.execute(
            f"WITH w AS ({self.sd_upsert_sql()} RETURNING t.code, (t.xmax = 0) AS created), "
            "u AS (UPDATE ingest_stage s SET won = true, created = w.created FROM w WHERE s.code = w.code "
            "RETURNING s.created) "
            "SELECT count(*) FILTER (WHERE created), count(*) FILTER (WHERE NOT created) FROM u",
            self.sd_upsert_params(),
        )
        created, updated = cursor.fetchone()
        return created, updated

    def repoint(self, cursor, lost):
        """A reserved id is unused when a concurrent batch created the same dossier first (or the record
        lost to a stored version): point this chunk's source rows, and its history, at the real dossier."""
        if not lost:
            return {}
        lost = sorted(lost)
        cursor.execute("SELECT code, id FROM tthc_dossier WHERE code = ANY(%s)", [lost])
        actual = dict(cursor.fetchall())
        cursor.execute(
            "UPDATE reconciliation_sourcedossier t SET dossier_id = d.id FROM ingest_stage s "
            "LEFT JOIN tthc_dossier d ON d.code = s.code "
            "WHERE s.code = ANY(%s) AND t.source_id = %s AND t.code = s.code AND t.dossier_id = s.dossier_id "
            "AND t.dossier_id IS DISTINCT FROM d.id",
            [lost, self.source.pk],
        )
        return {code: actual.get(code) for code in lost}


class SqliteWriter(Writer):
    """SQLite (one writer at a time): ``executemany`` into temporary tables, same upserts."""

    ts_type = "text"
    returning_code = "code"  # SQLite's RETURNING names the modified table's columns unqualified
    inserted_flag = "1"  # never read: SQLite has no concurrent writer to repoint after
    ts_min = "''"
    paused = "s.paused_seconds * 1000000"
    clear_sql = "DELETE FROM {table}"
    events_join = "JOIN tthc_dossier d ON d.id = e.dossier_id WHERE 1 = 1"  # WHERE: SQLite's upsert-parsing rule

    def ts(self, value):
        if value is None:
            return None
        return (to_datetime(value) - VN_OFFSET).strftime("%Y-%m-%d %H:%M:%S")

    def now(self):
        return datetime.now(UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")

    def stage(self, table, columns, rows) -> None:
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})",
                [tuple(int(v) if isinstance(v, bool) else v for v in row) for row in rows],
            )

    def reserve_ids(self, cursor, count):
        """Safe without a sequence: the chunk's transaction holds SQLite's write lock."""
        if not count:
            return []
        cursor.execute(
            "SELECT max(COALESCE((SELECT max(id) FROM tthc_dossier), 0), "
            "COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'tthc_dossier'), 0))"
        )
        start = cursor.fetchone()[0] + 1
        return list(range(start, start + count))

    def flag_winners(self, cursor):
        cursor.execute(
            "UPDATE ingest_stage SET "
            "created = NOT EXISTS (SELECT 1 FROM reconciliation_sourcedossier t WHERE t.source_id = %s "
            "AND t.code = ingest_stage.code), "
            "won = NOT EXISTS (SELECT 1 FROM reconciliation_sourcedossier t WHERE t.source_id = %s "
            "AND t.code = ingest_stage.code AND (t.event_at, t.digest) >= (ingest_stage.event_at, ingest_stage.digest))",
            [self.source.pk, self.source.pk],
        )
        cursor.execute(self.sd_upsert_sql("s.won"), self.sd_upsert_params())
        cursor.execute("SELECT count(*) FILTER (WHERE won AND created), count(*) FILTER (WHERE won AND NOT created) "
                       "FROM ingest_stage")
        created, updated = cursor.fetchone()
        return created, updated


def writer_for(source, batch, portal_codes) -> Writer:
    cls = PostgresWriter if connection.vendor == "postgresql" else SqliteWriter
    return cls(source, batch, portal_codes)
