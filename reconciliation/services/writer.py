"""Set-based writes of one validated chunk: each source's copies here, the dossiers through the store.

Order of a chunk (one transaction; rows sorted by dossier code so that concurrent batches lock
rows in the same order and cannot deadlock on them):

1. Resolve dossier ids through ``tthc``'s dossier store: existing ids by code; new dossiers get ids
   reserved up front, so every staged row already carries its final id (no second pass).
2. Stage the chunk in the store's staging tables (PostgreSQL: ``COPY``; SQLite: ``executemany``).
   The chunk's agencies and procedures are held (``FOR KEY SHARE``) by one statement each: the copies
   name them without a database constraint, so this is their foreign-key check (ADR 0020).
3. Upsert what this source saw (``SourceDossier``, key ``(source, code)``). A version replaces the
   stored one by the precedence of ADR 0013: a later lifecycle stage always, an earlier one never;
   within a stage a correction (``isUpdating``) whatever its dates, otherwise a greater
   ``(event_at, digest)`` beyond the times a correction already replaced. Same payload ⇒ no write
   (``unchanged``), an older state arriving late never wins, and versions that are not corrections
   resolve the same way in any arrival order. The store flags the staged rows that won (and tells
   created from updated).
4. The store writes the winners to the platform's ``Dossier`` (the authoritative state the index
   reads): a non-portal source always outranks the portal's copy; among equals the newer
   ``state_at`` wins, ties broken by source code — again independent of arrival order; the source
   that holds the dossier replaces its own state with any version that won its copy.
5. The store inserts the history (``DossierEvent``) with ``ON CONFLICT DO NOTHING`` on its natural key;
   the steps of dossiers this chunk created (reported once in it) cannot conflict and are copied
   straight in where the database allows (PostgreSQL's ``COPY``).

Every SQL dialect difference lives in the store (:mod:`tthc.store`); this module names only its
own table.
"""

from __future__ import annotations

from django.db import connection

from tthc.store import PROGRESS, PROGRESS_COLUMNS, VERSIONS, store_for
from tthc.store.staging import EVENT_COLUMNS, EVENTS, STAGES

from ..adapters.fields import TERMINAL, DossierRecord, Event
from ..models import SourceDossier

SOURCE_COPIES = SourceDossier._meta.db_table


class ReferenceLost(Exception):
    """An agency, procedure or batch a chunk names was deleted after the batch was validated."""


_SD_STATE = (
    "agency_id",
    "procedure_id",
    "status",
    "channel",
    "received_at",
    "due_at",
    "finished_at",
    "returned_at",
    "progress_steps",
    "e_result",
    "filing_place",
    "event_at",
    "digest",
    "corrected",
)
_SD_COLUMNS = (
    "source_id",
    "code",
    "dossier_id",
    "agency_id",
    "procedure_id",
    "status",
    "previous_status",
    "channel",
    "received_at",
    "due_at",
    "finished_at",
    "returned_at",
    "progress_steps",
    "e_result",
    "filing_place",
    "event_at",
    "synced_at",
    "digest",
    "corrected",
    "superseded_at",
    "batch_id",
)
#: The stored copy ``t`` and an incoming full version (the upsert's ``excluded``), for the store's
#: precedence rule (ADR 0013).
_STORED = {"status": "t.status", "at": "t.event_at", "digest": "t.digest", "floor": "t.superseded_at"}
_INCOMING = {
    "status": "excluded.status",
    "at": "excluded.event_at",
    "digest": "excluded.digest",
    "correction": "excluded.corrected",
    "floor": "excluded.superseded_at",
}
_STEP = {"status": "p.to_status", "at": "p.at", "digest": "p.digest"}


class Writer:
    """Writes one source's chunks: its copies (``SourceDossier``), and the dossiers through the store."""

    def __init__(self, source, batch, portal_codes: list[str], store=None):
        self.source = source
        self.batch = batch
        self.portal_codes = list(portal_codes)
        self.store = store or store_for()

    def prepare(self, record: DossierRecord) -> None:
        """Work that needs no database, done by the parsing thread (the store's rendering)."""
        self.store.prepare(record)

    def write_dossiers(self, records: list[DossierRecord], stale: list[DossierRecord]) -> tuple[int, int]:
        """Write one chunk of de-duplicated records (plus the history of superseded duplicates)."""
        store = self.store
        with connection.cursor() as cursor:
            store.create_stage(cursor)
            records.sort(key=lambda r: r.code)
            lost = store.hold_references(
                cursor, {r.agency_id for r in records}, {r.procedure_id for r in records}
            )
            if lost:  # validated against them when the batch began: deleted since
                raise ReferenceLost(f"{'; '.join(lost)} (deleted while the batch was written): send it again")
            found = store.existing(cursor, [r.code for r in records])
            ids: dict[str, int | None] = {code: pk for code, (pk, _) in found.items()}
            missing = [r.code for r in records if r.code not in ids]
            ids.update(zip(missing, store.reserve_ids(cursor, len(missing)), strict=True))
            store.stage_versions(
                records, ids, store.held_by_sources(found, self.source.code, self.portal_codes)
            )
            created, updated = store.flag_upsert(
                cursor,
                self._copies_upsert_sql(),
                [self.source.pk, store.now(), self.batch.pk],
                exists=f"SELECT 1 FROM {SOURCE_COPIES} t WHERE t.source_id = %s AND t.code = {VERSIONS}.code",
                exists_params=[self.source.pk],
            )
            inserted = (
                store.upsert_dossiers(cursor, self.source.code, self.portal_codes)
                if created or updated
                else set()
            )
            lost = set(missing) - inserted
            if lost:
                ids.update(self._repoint(cursor, lost, ids))
            history = [*records, *stale]
            new = inserted.intersection(missing).difference(r.code for r in stale)
            if new:  # created by this chunk under reserved ids, reported once: no step can conflict
                fresh = [r for r in records if r.code in new]
                if store.copy_new_history(cursor, fresh, ids, self.source.code):
                    history = [r for r in history if r.code not in new]
            if store.stage_history(history, ids):
                store.insert_events(cursor, self.source.code)
        return created, updated

    def _copies_upsert_sql(self) -> str:
        renamed = {"corrected": "s.correction", "superseded_at": "s.floor"}
        values = ", ".join(
            "%s" if c in ("source_id", "synced_at", "batch_id") else renamed.get(c, f"s.{c}")
            for c in _SD_COLUMNS
        )
        sets = ", ".join(f"{c} = excluded.{c}" for c in ("dossier_id", *_SD_STATE, "synced_at", "batch_id"))
        return (
            f"INSERT INTO {SOURCE_COPIES} AS t ({', '.join(_SD_COLUMNS)}) "
            f"SELECT {values} FROM {VERSIONS} s WHERE 1 = 1 ORDER BY s.code "
            f"ON CONFLICT (source_id, code) DO UPDATE SET "
            f"previous_status = CASE WHEN excluded.status <> t.status THEN t.status "
            f"ELSE COALESCE(t.previous_status, excluded.previous_status) END, "
            f"superseded_at = {self.store.floor_after(_INCOMING, _STORED)}, {sets} "
            f"WHERE {self.store.newer_version(_INCOMING, _STORED)}"
        )

    def _repoint(self, cursor, lost: set[str], ids: dict) -> dict[str, int | None]:
        """A reserved id is unused when a concurrent batch created the same dossier first (or the record
        lost to a stored version): point this chunk's copies, and its history, at the real dossier."""
        actual = self.store.current_ids(cursor, lost)
        rows = [(actual[code], self.source.pk, code, ids[code]) for code in sorted(lost)]
        cursor.executemany(
            f"UPDATE {SOURCE_COPIES} SET dossier_id = %s WHERE source_id = %s AND code = %s "
            "AND dossier_id = %s",
            rows,
        )
        return actual

    # -- progress steps (CapNhatTienDoHoSoMC) -----------------------------------------------------
    def write_progress(self, items: list) -> tuple[int, set[str]]:
        """Apply progress steps ``(index, ProgressRecord)``; returns (updated, codes unknown to this source).

        A step newer than what the source last reported advances its state (status, event time,
        finish/return time on a terminal status) and, by the same ranking rule, the dossier's; every
        step lands in the history.
        """
        store, ts = self.store, self.store.ts
        with connection.cursor() as cursor:
            store.create_stage(cursor)
            codes = sorted({p.code for _, p in items})
            known = {}
            for i in range(0, len(codes), 900):
                part = codes[i : i + 900]
                cursor.execute(
                    f"SELECT code, dossier_id, status, event_at, digest FROM {SOURCE_COPIES} "
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
                    events.append(
                        (
                            dossier_id,
                            ts(e.at),
                            previous,
                            e.to_status,
                            e.unit,
                            e.officer,
                            e.officer_title,
                            e.note,
                            ts(e.due_at),
                        )
                    )
                    previous = e.to_status
                last = max(steps, key=lambda p: (STAGES[p.event.to_status], p.event.at, p.digest))
                finished = min((p.event.at for p in steps if p.event.to_status in TERMINAL), default=None)
                returned = min((p.event.at for p in steps if p.event.to_status == 10), default=None)
                top.append(
                    (
                        code,
                        dossier_id,
                        ts(last.event.at),
                        last.event.to_status,
                        last.digest,
                        len({(p.event.at, p.event.to_status) for p in steps}),
                        ts(finished),
                        ts(returned),
                    )
                )
            updated = self._apply_progress(cursor, top) if top else 0
            if events:
                store.stage(EVENTS, EVENT_COLUMNS, events)
                store.insert_events(cursor, self.source.code)
        return updated, missing

    def _apply_progress(self, cursor, top: list[tuple]) -> int:
        store = self.store
        store.stage(PROGRESS, PROGRESS_COLUMNS, top)
        updated = store.flag_returning(
            cursor,
            f"UPDATE {SOURCE_COPIES} AS t SET "
            "previous_status = CASE WHEN p.to_status <> t.status THEN t.status ELSE t.previous_status END, "
            "status = p.to_status, event_at = p.at, digest = p.digest, progress_steps = t.progress_steps + p.steps, "
            "finished_at = CASE WHEN t.received_at IS NULL OR p.fin_at >= t.received_at "
            "THEN COALESCE(t.finished_at, p.fin_at) ELSE t.finished_at END, "
            "returned_at = COALESCE(t.returned_at, p.ret_at), synced_at = %s, batch_id = %s, "
            f"corrected = false, superseded_at = {store.floor_after(_STEP, _STORED)} "
            f"FROM {PROGRESS} p WHERE t.source_id = %s AND t.code = p.code "
            f"AND {store.newer_version(_STEP, _STORED)}",
            [store.now(), self.batch.pk, self.source.pk],
            PROGRESS,
        )
        store.advance(cursor, self.source.code, self.portal_codes)
        return updated


def writer_for(source, batch, portal_codes) -> Writer:
    return Writer(source, batch, portal_codes)
