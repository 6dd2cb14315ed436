"""Reads of the big, read-mostly tables go to a read replica; everything else stays on the primary.

Active when ``DATABASE_REPLICA_URL`` is set (config/settings.py adds the ``replica`` alias and this
router). Routed to the replica: reads of the models of ``TTHC_REPLICA_APPS`` (dossiers, indicators,
gaps — the dashboards, lists and exports), outside a write transaction. Kept on the primary: every
write; every read inside ``transaction.atomic()`` on the primary (a service reading what it is about
to change, read-your-writes); sessions, users, roles, the audit log and the outbox (a user who just
logged in or changed a request must not see the replica's lag). ``primary()`` forces the primary
for a block. Migrations run on the primary only (the replica is a physical copy).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import connections

REPLICA = "replica"
_state = threading.local()


@contextmanager
def primary() -> Iterator[None]:
    """Read from the primary inside this block (e.g. right after a write in another transaction)."""
    depth = _depth()
    _state.primary = depth + 1
    try:
        yield
    finally:
        _state.primary = depth


def _depth() -> int:
    return int(getattr(_state, "primary", 0))


class ReplicaRouter:
    def _replica_ok(self, model: Any) -> bool:
        if REPLICA not in connections.settings or _depth():
            return False
        if model._meta.app_label not in getattr(settings, "TTHC_REPLICA_APPS", ()):
            return False
        return not connections["default"].in_atomic_block

    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        return REPLICA if self._replica_ok(model) else "default"

    def db_for_write(self, model: Any, **hints: Any) -> str | None:
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        return True  # one database, two connections to it

    def allow_migrate(
        self, db: str, app_label: str, model_name: str | None = None, **hints: Any
    ) -> bool | None:
        return db == "default"
