"""PostgreSQL: ``COPY`` into temporary tables, ``xmax = 0`` tells inserted rows from updated ones."""

from __future__ import annotations

from datetime import UTC, datetime

from django.db import connection

from .base import DOSSIERS, HISTORY, DossierStore
from .staging import EVENT_COLUMNS, EVENTS, STAGED_COLUMNS, VERSIONS, history

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _text(value: str) -> str:
    """COPY text escaping, only where needed."""
    if "\\" in value or not value.isprintable():
        return value.translate(_ESCAPES)
    return value


def _int(value) -> str:
    return "\\N" if value is None else value if value.__class__ is str else str(value)


def _stamp(value: str | None) -> str:
    """A normalised date (``yyyyMMddHHmmss``, Vietnam time) as COPY text: :meth:`PostgresStore.ts`,
    or ``\\N``."""
    return "\\N" if value is None else f"{value[:8]}T{value[8:]}+07"


class PostgresStore(DossierStore):
    def ts(self, value):
        """``yyyyMMddHHmmss`` (Vietnam time) as PostgreSQL's ISO 8601 basic input, e.g.
        ``20250105T083000+07``: two slices instead of six, for tens of values per record."""
        if value is None:
            return None
        return f"{value[:8]}T{value[8:]}+07"

    def now(self):
        return datetime.now(UTC)

    def returning(self, column):
        return f"t.{column}"

    def stage(self, table, columns, rows) -> None:
        with connection.cursor() as cursor:
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)

    def copy_text(self, table: str, columns, text: str) -> None:
        with connection.cursor() as cursor:
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                copy.write(text.encode())

    def prepare(self, record):
        """Render the COPY text of the version and its history (all but the dossier id) ahead of the
        database thread, so that thread only joins strings. One f-string per row: this runs for every
        record of every file. The record's text values are checked for characters ``COPY`` must
        escape once, all together (nearly every record has none), not value by value. The record's
        steps are dropped once rendered (memory stays flat)."""
        r = record
        steps = list(history(r))
        code, h_unit, h_officer, name, summary = (
            r.code,
            r.handling_unit,
            r.handling_officer,
            r.applicant_name,
            r.summary,
        )
        texts = [code, h_unit, h_officer, name, summary]
        for step in steps:
            texts += step[3:7]
        joined = "".join(texts)
        if "\\" in joined or not joined.isprintable():  # rare: escape value by value
            code, h_unit, h_officer, name, summary = map(_text, (code, h_unit, h_officer, name, summary))
            steps = [(*s[:3], *map(_text, s[3:7]), s[7]) for s in steps]
        d = _stamp
        stage = (
            f"{code}\t{r.procedure_id}\t{r.agency_id}\t{_int(r.handling_agency_id)}\t{h_unit}\t"
            f"{h_officer}\t{r.channel}\t{r.applicant_kind}\t{name}\t{summary}\t"
            f"{r.status}\t{_int(r.previous_status)}\t{d(r.submitted_at)}\t{d(r.received_at)}\t"
            f"{d(r.due_at)}\t{d(r.finished_at)}\t{d(r.returned_at)}\t{d(r.refused_at)}\t"
            f"{'t' if r.digitised else 'f'}\t{'t' if r.e_result else 'f'}\t{'t' if r.data_reused else 'f'}\t"
            f"{'t' if r.personal_store else 'f'}\t{'t' if r.population else 'f'}\t{r.payment_kind}\t{r.fee_amount}\t"
            f"{r.supplement_count}\t{r.paused_seconds}\t{r.progress_steps}\t{d(r.event_at)}\t{r.digest}\t"
            f"{_int(r.filing_place)}\t{'t' if r.correction else 'f'}"
        )
        events = [
            f"{d(at)}\t{_int(frm)}\t{to}\t{unit}\t{officer}\t{title}\t{note}\t{d(due)}"
            for at, frm, to, unit, officer, title, note, due in steps
        ]
        record.rendered = (stage, events)
        record.events = ()

    def stage_versions(self, records, ids, held=frozenset()):
        for r in records:
            if r.rendered is None:
                self.prepare(r)
        self.copy_text(
            VERSIONS,
            STAGED_COLUMNS,
            "".join(
                f"{ids[r.code]}\t{r.rendered[0]}\t{'t' if r.code in held else 'f'}\t{_int(self.ts(r.floor))}\n"
                for r in records
            ),
        )

    def _history_lines(self, records, ids, tail="\n"):
        """COPY lines of the history of ``records`` whose dossier exists: its id, the pre-rendered
        step, then ``tail``."""
        for r in records:
            dossier_id = ids[r.code]
            if dossier_id is None:
                continue
            if r.rendered is None:
                self.prepare(r)
            head = f"{dossier_id}\t"
            yield from (f"{head}{text}{tail}" for text in r.rendered[1])

    def stage_history(self, records, ids):
        text = "".join(self._history_lines(records, ids))
        if text:
            self.copy_text(EVENTS, EVENT_COLUMNS, text)
        return bool(text)

    def copy_new_history(self, cursor, records, ids, source):
        """``COPY`` straight into the history table: these dossiers were inserted by this transaction
        under ids reserved for it, so no stored step can conflict, and a version's history holds each
        (time, status) once (the adapters drop repeated steps; :func:`~.staging.history` adds the
        status change only when no step reports it). Cheaper than staging + ``ON CONFLICT``."""
        text = "".join(self._history_lines(records, ids, f"\t{_text(source)}\t{self.now().isoformat()}\n"))
        if text:
            self.copy_text(HISTORY, (*EVENT_COLUMNS, "source", "created_at"), text)
        return True

    def existing(self, cursor, codes):
        cursor.execute(f"SELECT code, id, state_source FROM {DOSSIERS} WHERE code = ANY(%s)", [list(codes)])
        return {code: (pk, source) for code, pk, source in cursor.fetchall()}

    def reserve_ids(self, cursor, count):
        if not count:
            return []
        cursor.execute(
            f"SELECT nextval(pg_get_serial_sequence('{DOSSIERS}', 'id')) FROM generate_series(1, %s)", [count]
        )
        return [row[0] for row in cursor.fetchall()]

    def flag_upsert(self, cursor, sql, params, *, exists, exists_params):
        """One statement: the upsert tells inserted from updated rows (``xmax = 0``) and flags them."""
        cursor.execute(
            f"WITH w AS ({sql} RETURNING t.code, {self.inserted_flag} AS created), "
            f"u AS (UPDATE {VERSIONS} s SET won = true, created = w.created FROM w WHERE s.code = w.code "
            "RETURNING s.created) "
            "SELECT count(*) FILTER (WHERE created), count(*) FILTER (WHERE NOT created) FROM u",
            params,
        )
        created, updated = cursor.fetchone()
        return created, updated
