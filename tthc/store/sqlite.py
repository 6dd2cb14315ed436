"""SQLite (one writer at a time): ``executemany`` into temporary tables, the same upserts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.db import connection

from .base import DOSSIERS, DossierStore
from .staging import VERSIONS

VN_OFFSET = timedelta(hours=7)


class SqliteStore(DossierStore):
    ts_type = "text"
    ts_min = "''"
    inserted_flag = "1"  # never read: with a single writer no reserved id is lost to another one
    paused = "s.paused_seconds * 1000000"
    clear_sql = "DELETE FROM {table}"
    concurrent = False
    greatest = "max"
    key_share = ""

    def ts(self, value):
        if value is None:
            return None
        moment = datetime(
            int(value[:4]),
            int(value[4:6]),
            int(value[6:8]),
            int(value[8:10]),
            int(value[10:12]),
            int(value[12:14]),
        )
        return (moment - VN_OFFSET).strftime("%Y-%m-%d %H:%M:%S")

    def now(self):
        return datetime.now(UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")

    def returning(self, column):
        return column  # SQLite's RETURNING names the modified table's columns unqualified

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
            f"SELECT max(COALESCE((SELECT max(id) FROM {DOSSIERS}), 0), "
            f"COALESCE((SELECT seq FROM sqlite_sequence WHERE name = '{DOSSIERS}'), 0))"
        )
        start = cursor.fetchone()[0] + 1
        return list(range(start, start + count))

    def flag_upsert(self, cursor, sql, params, *, exists, exists_params):
        """A single writer may decide "created" before the upsert; the upsert returns what it wrote."""
        cursor.execute(f"UPDATE {VERSIONS} SET created = NOT EXISTS ({exists}), won = false", exists_params)
        self.flag_returning(cursor, sql, params, VERSIONS)
        cursor.execute(
            f"SELECT count(*) FILTER (WHERE won AND created), count(*) FILTER (WHERE won AND NOT created) "
            f"FROM {VERSIONS}"
        )
        created, updated = cursor.fetchone()
        return created, updated
