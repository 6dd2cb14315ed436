"""The dossier store: every bulk write to dossiers, their status history and apology letters.

Ingestion (``reconciliation``'s writer keeps its per-source copies and hands the versions that won
to the store), the demo and any back-fill write through here; no other code names the ``tthc_*``
tables in SQL. One dialect base class (:class:`~.base.DossierStore`) holds the statements;
:class:`~.postgres.PostgresStore` (``COPY`` into temporary tables, ``INSERT … ON CONFLICT``,
``xmax``) and :class:`~.sqlite.SqliteStore` (``executemany``, a single writer) hold what differs.
See docs/adr/0004-ingestion.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import connection

# Only the staging layout and the version types here: validation imports them before the models load.
from .staging import EVENTS, PROGRESS, PROGRESS_COLUMNS, VERSIONS, Step, Version, history

if TYPE_CHECKING:
    from .base import DossierStore

__all__ = ["EVENTS", "PROGRESS", "PROGRESS_COLUMNS", "VERSIONS", "Step", "Version", "history", "store_for"]


def store_for(vendor: str | None = None) -> DossierStore:
    """The store for ``vendor`` (default: the default connection's database)."""
    from .postgres import PostgresStore  # the dialects import the models
    from .sqlite import SqliteStore

    return PostgresStore() if (vendor or connection.vendor) == "postgresql" else SqliteStore()
