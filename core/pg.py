"""Planner settings for one statement or block, on PostgreSQL only.

A few statements are priced wrongly by the server-wide cost settings, in opposite directions: the
reconciliation's comparison reads millions of rows of one table in bulk (bitmap scans), while the
points at stake look up a few thousand gap dossiers among ten million (index probes of cached
pages). Each pins what it needs for its own block with :func:`local_settings` — the values apply
inside the block's transaction only (``set_config(…, is_local => true)``) and the previous values
are restored when the block ends, so the caller's transaction is left as it was found.
Elsewhere than PostgreSQL it does nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connections, transaction


def set_local(using: str = "default", **values: str) -> None:
    """Set these PostgreSQL settings until the current transaction ends (``SET LOCAL``); a no-op
    elsewhere than PostgreSQL."""
    connection = connections[using]
    if connection.vendor != "postgresql" or not values:
        return
    calls = ", ".join(["set_config(%s, %s, true)"] * len(values))
    with connection.cursor() as cursor:  # one round trip
        cursor.execute(f"SELECT {calls}", [x for item in values.items() for x in item])


@contextmanager
def local_settings(using: str = "default", **values: str) -> Iterator[None]:
    """Run the block with these PostgreSQL settings (e.g. ``random_page_cost="1.1"``), in a
    transaction (a savepoint inside the caller's), restoring the previous values at its end."""
    connection = connections[using]
    if connection.vendor != "postgresql" or not values:
        yield
        return
    with transaction.atomic(using=using):
        with connection.cursor() as cursor:
            previous = {}
            for name, value in values.items():
                cursor.execute("SELECT current_setting(%s), set_config(%s, %s, true)", [name, name, value])
                previous[name] = cursor.fetchone()[0]
        yield  # an exception rolls the savepoint back, and with it these settings
        set_local(using, **previous)
