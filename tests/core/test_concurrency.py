"""``core.concurrency``: work on a connection of its own runs in a helper's session (no JIT, no
parallel workers, the caller's extra settings) and leaves the caller's connection as it was."""

import pytest
from django.db import connection

from core.concurrency import HELPER_SETTINGS, on_own_connection

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

NAMES = ("jit", "max_parallel_workers_per_gather", "work_mem")


def session() -> tuple[str, ...]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(['current_setting(%s)'] * len(NAMES))}", list(NAMES))
        return cursor.fetchone()


def test_the_helper_runs_in_the_helper_session_with_the_callers_additions():
    mine = session()
    helper = on_own_connection(session, pg_settings={"work_mem": "7MB"}).result(timeout=30)
    assert helper == (HELPER_SETTINGS["jit"], HELPER_SETTINGS["max_parallel_workers_per_gather"], "7MB")
    assert session() == mine  # the caller's connection is untouched
    assert mine[2] != "7MB"


def test_without_additions_the_helper_keeps_the_servers_memory():
    server_work_mem = session()[2]
    helper = on_own_connection(session).result(timeout=30)
    assert helper == ("off", "0", server_work_mem)


def test_the_helpers_connection_is_its_own():
    def backend():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            return cursor.fetchone()[0]

    assert on_own_connection(backend).result(timeout=30) != backend()
