"""Drop a table's secondary indexes for a bulk load and rebuild them after (PostgreSQL).

"Secondary" means every index that is neither the primary key nor unique. Unique indexes stay: they
are what ``ON CONFLICT (code)`` infers its arbiter from, and Django creates a ``UniqueConstraint``
with ``opclasses`` or a ``condition`` as a plain unique *index* (no row in ``pg_constraint``), so a
filter on ``pg_constraint`` alone drops it and the load fails with "there is no unique or exclusion
constraint matching the ON CONFLICT specification".
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

SECONDARY_SQL = """
SELECT c.relname, pg_get_indexdef(i.indexrelid)
FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
WHERE i.indrelid = %s::regclass AND NOT i.indisunique AND NOT i.indisprimary
  AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
ORDER BY c.relname
"""


def secondary_indexes(cursor, table: str) -> list[tuple[str, str]]:
    """``(name, CREATE INDEX …)`` of the table's non-unique, non-constraint indexes."""
    cursor.execute(SECONDARY_SQL, [table])
    return list(cursor.fetchall())


@contextmanager
def without_secondary_indexes(cursor, table: str, maintenance_work_mem: str = "512MB") -> Iterator[list]:
    """Drop the secondary indexes, yield their definitions, rebuild them (even on error), ANALYZE."""
    indexes = secondary_indexes(cursor, table)
    for name, _ in indexes:
        cursor.execute(f'DROP INDEX IF EXISTS "{name}"')
    try:
        yield indexes
    finally:
        cursor.execute(f"SET maintenance_work_mem = '{maintenance_work_mem}'")
        for _, definition in indexes:
            cursor.execute(definition.replace("CREATE INDEX", "CREATE INDEX IF NOT EXISTS", 1))
        cursor.execute(f'ANALYZE "{table}"')
